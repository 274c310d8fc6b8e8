package calendar

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"time"
)

// d parses a test date or panics.
func d(s string) Date {
	v, err := ParseDate(s)
	if err != nil {
		panic(err)
	}
	return v
}

// dp is d returning a pointer, for the optional fields of ClockFacts.
func dp(s string) *Date {
	v := d(s)
	return &v
}

func TestShanghai(t *testing.T) {
	loc := Shanghai()
	if loc.String() != "Asia/Shanghai" {
		t.Fatalf("Shanghai() = %s", loc)
	}
	if _, off := time.Date(2026, 7, 1, 0, 0, 0, 0, loc).Zone(); off != 8*3600 {
		t.Fatalf("offset = %d, want +8h", off)
	}
	if Shanghai() != loc {
		t.Fatal("Shanghai() must return the same location every time")
	}
}

func TestDate(t *testing.T) {
	t.Run("parse and format", func(t *testing.T) {
		for _, s := range []string{"2025-01-01", "2024-02-29", "2026-12-31", "0999-09-09"} {
			v, err := ParseDate(s)
			if err != nil || v.String() != s {
				t.Errorf("ParseDate(%q) = %v, %v", s, v, err)
			}
		}
		if v, err := ParseDate(" 2026-04-15 "); err != nil || v != (Date{2026, time.April, 15}) {
			t.Errorf("blanks not trimmed: %v, %v", v, err)
		}
		for _, s := range []string{"", "2025-02-29", "2025-13-01", "2025/01/01", "20250101", "2025-1-1", "x"} {
			if _, err := ParseDate(s); err == nil {
				t.Errorf("ParseDate(%q) accepted", s)
			}
		}
	})

	t.Run("DateOf uses Shanghai", func(t *testing.T) {
		cases := []struct {
			t    time.Time
			want string
		}{
			{time.Date(2025, 12, 31, 15, 59, 59, 0, time.UTC), "2025-12-31"},
			{time.Date(2025, 12, 31, 16, 0, 0, 0, time.UTC), "2026-01-01"},
			{time.Date(2026, 4, 15, 0, 0, 0, 0, Shanghai()), "2026-04-15"},
			{time.Date(2026, 4, 14, 23, 59, 0, 0, time.FixedZone("x", -5*3600)), "2026-04-15"},
		}
		for _, c := range cases {
			if got := DateOf(c.t); got.String() != c.want {
				t.Errorf("DateOf(%v) = %s, want %s", c.t, got, c.want)
			}
		}
	})

	t.Run("Time is Shanghai midnight", func(t *testing.T) {
		tm := d("2026-04-15").Time()
		if tm.Location() != Shanghai() || tm.Hour() != 0 || tm.Minute() != 0 || DateOf(tm) != d("2026-04-15") {
			t.Fatalf("Time() = %v", tm)
		}
		if !tm.Equal(time.Date(2026, 4, 14, 16, 0, 0, 0, time.UTC)) {
			t.Fatalf("Time() = %v, want 16:00 UTC the day before", tm.UTC())
		}
	})

	t.Run("AddDays and Sub", func(t *testing.T) {
		cases := []struct {
			from string
			n    int
			want string
		}{
			{"2025-10-01", 0, "2025-10-01"},
			{"2025-10-31", 1, "2025-11-01"},
			{"2025-12-31", 1, "2026-01-01"},
			{"2024-02-28", 1, "2024-02-29"},
			{"2025-02-28", 1, "2025-03-01"},
			{"2026-03-01", -1, "2026-02-28"},
			{"2026-01-01", -366, "2024-12-31"},
			{"2019-01-01", 3286, "2027-12-31"},
		}
		for _, c := range cases {
			got := d(c.from).AddDays(c.n)
			if got.String() != c.want {
				t.Errorf("%s.AddDays(%d) = %s, want %s", c.from, c.n, got, c.want)
			}
			if sub := got.Sub(d(c.from)); sub != c.n {
				t.Errorf("%s.Sub(%s) = %d, want %d", got, c.from, sub, c.n)
			}
		}
		if got := (Date{2025, time.February, 30}).AddDays(0); got != d("2025-03-02") {
			t.Errorf("AddDays(0) does not normalise: %v", got)
		}
	})

	t.Run("compare", func(t *testing.T) {
		a, b := d("2025-12-31"), d("2026-01-01")
		if !a.Before(b) || a.After(b) || !b.After(a) || b.Before(a) || a.Equal(b) || !a.Equal(d("2025-12-31")) {
			t.Fatal("Before/After/Equal wrong")
		}
		if a.Before(a) || a.After(a) || a.Compare(a) != 0 || a.Compare(b) != -1 || b.Compare(a) != 1 {
			t.Fatal("Compare wrong")
		}
		if !d("2026-01-31").Before(d("2026-02-01")) || !d("2026-02-01").After(d("2026-01-31")) {
			t.Fatal("month comparison wrong")
		}
	})

	t.Run("weekday", func(t *testing.T) {
		cases := map[string]time.Weekday{
			"2025-09-28": time.Sunday,
			"2025-10-01": time.Wednesday,
			"2025-10-11": time.Saturday,
			"2026-02-17": time.Tuesday,
			"2026-04-15": time.Wednesday,
		}
		for s, want := range cases {
			if got := d(s).Weekday(); got != want {
				t.Errorf("%s.Weekday() = %v, want %v", s, got, want)
			}
		}
	})

	t.Run("text encoding", func(t *testing.T) {
		type row struct {
			A Date
			B Date
		}
		b, err := json.Marshal(row{A: d("2026-04-15")})
		if err != nil || string(b) != `{"A":"2026-04-15","B":""}` {
			t.Fatalf("json = %s, %v", b, err)
		}
		var r row
		if err := json.Unmarshal(b, &r); err != nil || r.A != d("2026-04-15") || !r.B.IsZero() {
			t.Fatalf("round trip = %+v, %v", r, err)
		}
		if err := json.Unmarshal([]byte(`{"A":"2026-02-30"}`), &r); err == nil {
			t.Fatal("invalid date accepted")
		}
	})
}

func TestWeekendRule(t *testing.T) {
	// 2030 is beyond the lunar-go schedule: only the weekend rule applies.
	c := New(nil)
	start := d("2030-03-04") // Monday
	for i := range 14 {
		day := start.AddDays(i)
		wantWork := day.Weekday() != time.Saturday && day.Weekday() != time.Sunday
		work, reason := c.DayInfo(day)
		wantReason := "工作日"
		if !wantWork {
			wantReason = "周末"
		}
		if work != wantWork || reason != wantReason || c.IsWorkday(day) != wantWork {
			t.Errorf("%s (%v): DayInfo = %v %q", day, day.Weekday(), work, reason)
		}
	}
	// Ordinary weeks inside the known years follow the same rule.
	for _, s := range []string{"2025-03-08", "2025-03-09", "2026-03-14", "2026-03-15"} {
		if c.IsWorkday(d(s)) {
			t.Errorf("%s should be a weekend", s)
		}
	}
	for _, s := range []string{"2025-03-10", "2025-03-14", "2026-03-16", "2026-03-20"} {
		if !c.IsWorkday(d(s)) {
			t.Errorf("%s should be a workday", s)
		}
	}
	var nilCal *Calendar
	if nilCal.IsWorkday(d("2030-03-09")) || !nilCal.IsWorkday(d("2030-03-11")) {
		t.Error("nil *Calendar should apply the plain rules")
	}
}

// statutorySchedule is the State Council schedule for 2025
// (国办发明电〔2024〕12号) and 2026 (国办发明电〔2025〕7号), typed in from
// the notices so that a human can check it.
var statutorySchedule = []struct {
	from, to string // inclusive range of days off
	name     string
	makeUp   []string // Saturdays/Sundays that are working days
}{
	{"2025-01-01", "2025-01-01", "元旦节", nil},
	{"2025-01-28", "2025-02-04", "春节", []string{"2025-01-26", "2025-02-08"}},
	{"2025-04-04", "2025-04-06", "清明节", nil},
	{"2025-05-01", "2025-05-05", "劳动节", []string{"2025-04-27"}},
	{"2025-05-31", "2025-06-02", "端午节", nil},
	{"2025-10-01", "2025-10-08", "国庆中秋", []string{"2025-09-28", "2025-10-11"}},
	{"2026-01-01", "2026-01-03", "元旦节", []string{"2026-01-04"}},
	{"2026-02-15", "2026-02-23", "春节", []string{"2026-02-14", "2026-02-28"}},
	{"2026-04-04", "2026-04-06", "清明节", nil},
	{"2026-05-01", "2026-05-05", "劳动节", []string{"2026-05-09"}},
	{"2026-06-19", "2026-06-21", "端午节", nil},
	{"2026-09-25", "2026-09-27", "中秋节", nil},
	{"2026-10-01", "2026-10-07", "国庆节", []string{"2026-09-20", "2026-10-10"}},
}

// TestStatutory2025And2026 checks every day of 2025 and 2026 against the
// schedule above: holidays off, make-up days on, everything else by weekday.
func TestStatutory2025And2026(t *testing.T) {
	type want struct {
		work   bool
		reason string
	}
	expected := map[Date]want{}
	for _, h := range statutorySchedule {
		for day := d(h.from); !day.After(d(h.to)); day = day.AddDays(1) {
			expected[day] = want{false, h.name}
		}
		for _, s := range h.makeUp {
			if wd := d(s).Weekday(); wd != time.Saturday && wd != time.Sunday {
				t.Fatalf("make-up day %s is a %v", s, wd)
			}
			expected[d(s)] = want{true, h.name + "调休上班"}
		}
	}
	c := New(nil)
	workdays := map[int]int{}
	for day := d("2025-01-01"); day.Year <= 2026; day = day.AddDays(1) {
		w, ok := expected[day]
		if !ok {
			w = want{true, "工作日"}
			if wd := day.Weekday(); wd == time.Saturday || wd == time.Sunday {
				w = want{false, "周末"}
			}
		}
		work, reason := c.DayInfo(day)
		if work != w.work || reason != w.reason {
			t.Errorf("%s (%v): DayInfo = %v %q, want %v %q", day, day.Weekday(), work, reason, w.work, w.reason)
		}
		if c.IsWorkday(day) != work {
			t.Errorf("%s: IsWorkday disagrees with DayInfo", day)
		}
		if work {
			workdays[day.Year]++
		}
	}
	// 261 weekdays - 18 (2025) / 19 (2026) holidays on weekdays + 5 / 6 make-up days.
	if workdays[2025] != 248 || workdays[2026] != 248 {
		t.Errorf("working days per year = %v", workdays)
	}
}

func TestOverrides(t *testing.T) {
	c := New([]Override{
		{Date: d("2025-10-01"), Workday: true, Name: "区级调整"},  // holiday -> workday
		{Date: d("2025-09-28"), Workday: false, Name: "区级调整"}, // make-up day -> off
		{Date: d("2025-10-09"), Workday: false, Name: "台风停工"}, // plain workday -> off
		{Date: d("2030-03-09"), Workday: true, Name: "补班"},    // Saturday -> workday
		{Date: d("2030-03-11"), Workday: false},               // no name
		{Date: d("2030-03-12"), Workday: false, Name: "先填的"},
		{Date: d("2030-03-12"), Workday: true, Name: "后填的"}, // later entry wins
		{Date: Date{2030, time.February, 31}, Workday: true, Name: "规范化"},
	})
	cases := []struct {
		day    string
		work   bool
		reason string
	}{
		{"2025-10-01", true, "区级调整"},
		{"2025-10-02", false, "国庆中秋"},
		{"2025-09-28", false, "区级调整"},
		{"2025-10-11", true, "国庆中秋调休上班"},
		{"2025-10-09", false, "台风停工"},
		{"2030-03-09", true, "补班"},
		{"2030-03-10", false, "周末"},
		{"2030-03-11", false, "调整为休息日"},
		{"2030-03-12", true, "后填的"},
		{"2030-03-03", true, "规范化"}, // Sunday, via the normalised 2030-02-31
	}
	for _, cs := range cases {
		work, reason := c.DayInfo(d(cs.day))
		if work != cs.work || reason != cs.reason || c.IsWorkday(d(cs.day)) != cs.work {
			t.Errorf("%s: DayInfo = %v %q, want %v %q", cs.day, work, reason, cs.work, cs.reason)
		}
	}
	if work, reason := New([]Override{{Date: d("2030-03-10"), Workday: true}}).DayInfo(d("2030-03-10")); !work || reason != "调整为工作日" {
		t.Errorf("unnamed workday override: %v %q", work, reason)
	}
	// Overrides do not leak into other calendars.
	if New(nil).IsWorkday(d("2025-10-01")) {
		t.Error("2025-10-01 is a holiday without overrides")
	}
}

func TestAddWorkdays(t *testing.T) {
	c := New(nil)
	cases := []struct {
		start string
		n     int
		want  string
	}{
		{"2025-10-04", 0, "2025-10-04"},  // n <= 0 returns start, even a holiday
		{"2025-10-04", -3, "2025-10-04"}, //
		{"2025-10-09", 1, "2025-10-10"},  // start day not counted
		{"2025-09-26", 1, "2025-09-28"},  // Friday -> make-up Sunday
		{"2025-09-26", 3, "2025-09-30"},  //
		{"2025-09-30", 1, "2025-10-09"},  // over the whole National Day week
		{"2025-09-30", 2, "2025-10-10"},  //
		{"2025-09-30", 3, "2025-10-11"},  // make-up Saturday
		{"2025-09-30", 4, "2025-10-13"},  //
		{"2025-10-01", 1, "2025-10-09"},  // starting inside the holiday
		{"2025-10-08", 1, "2025-10-09"},  //
		{"2026-02-13", 1, "2026-02-14"},  // Spring Festival 2026: make-up Saturday
		{"2026-02-13", 2, "2026-02-24"},  //
		{"2026-02-27", 1, "2026-02-28"},  // make-up Saturday after the festival
		{"2026-04-27", 7, "2026-05-09"},  // May Day, ends on the make-up Saturday
		{"2026-05-06", 45, "2026-07-08"}, // a full mediation period over 端午
		{"2030-03-08", 5, "2030-03-15"},  // plain weeks
	}
	for _, cs := range cases {
		if got := c.AddWorkdays(d(cs.start), cs.n); got.String() != cs.want {
			t.Errorf("AddWorkdays(%s, %d) = %s, want %s", cs.start, cs.n, got, cs.want)
		}
	}
}

func TestWorkdaysBetween(t *testing.T) {
	c := New(nil)
	cases := []struct {
		from, to string
		want     int
	}{
		{"2025-10-09", "2025-10-09", 0},
		{"2025-09-30", "2025-10-08", 0},
		{"2025-09-30", "2025-10-09", 1},
		{"2025-09-26", "2025-10-09", 4}, // 9-28, 9-29, 9-30, 10-09
		{"2025-10-09", "2025-09-26", -4},
		{"2025-10-08", "2025-10-01", 0},
		{"2026-05-06", "2026-07-08", 45},
		{"2026-07-08", "2026-05-06", -45},
		{"2025-01-01", "2025-12-31", 248}, // 2025-01-01 is a holiday, so nothing is lost
	}
	for _, cs := range cases {
		if got := c.WorkdaysBetween(d(cs.from), d(cs.to)); got != cs.want {
			t.Errorf("WorkdaysBetween(%s, %s) = %d, want %d", cs.from, cs.to, got, cs.want)
		}
	}
}

// TestAddWorkdaysRoundTrip is a property test: counting the working days up
// to AddWorkdays(d, n) gives back n, in both directions.
func TestAddWorkdaysRoundTrip(t *testing.T) {
	c := New([]Override{{Date: d("2027-03-03"), Workday: false, Name: "区级调整"}})
	rng := rand.New(rand.NewPCG(20260415, 121))
	first, last := d("2019-01-01"), d("2027-12-31")
	span := last.Sub(first) + 1
	for range 3000 {
		start := first.AddDays(rng.IntN(span))
		n := rng.IntN(61)
		due := c.AddWorkdays(start, n)
		if got := c.WorkdaysBetween(start, due); got != n {
			t.Fatalf("WorkdaysBetween(%s, AddWorkdays(%s, %d) = %s) = %d", start, start, n, due, got)
		}
		if got := c.WorkdaysBetween(due, start); got != -n {
			t.Fatalf("WorkdaysBetween(%s, %s) = %d, want %d", due, start, got, -n)
		}
		if n > 0 && (!c.IsWorkday(due) || !due.After(start)) {
			t.Fatalf("AddWorkdays(%s, %d) = %s is not a later working day", start, n, due)
		}
		if n > 1 && c.AddWorkdays(c.AddWorkdays(start, n-1), 1) != due {
			t.Fatalf("AddWorkdays(%s, %d) is not one step after n-1", start, n)
		}
	}
}

func TestDueWithPauses(t *testing.T) {
	c := New(nil)
	start := d("2026-05-06") // mediation starts; 45 working days -> 2026-07-08
	today := d("2026-08-01")
	closed := func(from, to string) Pause { return Pause{From: d(from), To: dp(to)} }
	open := func(from string) Pause { return Pause{From: d(from)} }
	cases := []struct {
		name   string
		pauses []Pause
		today  Date
		want   string
	}{
		{"none", nil, today, "2026-07-08"},
		{"3 working days (Thu, Fri, Mon)", []Pause{closed("2026-05-20", "2026-05-25")}, today, "2026-07-13"},
		{"over May Day counts only working days", []Pause{closed("2026-04-30", "2026-05-08")}, today, "2026-07-10"},
		{"same day resume suspends nothing", []Pause{closed("2026-05-20", "2026-05-20")}, today, "2026-07-08"},
		{"resume before suspension is ignored", []Pause{closed("2026-05-20", "2026-05-10")}, today, "2026-07-08"},
		{"entirely before start", []Pause{closed("2026-04-01", "2026-04-10")}, today, "2026-07-08"},
		{"starts on the due date", []Pause{closed("2026-07-08", "2026-07-20")}, today, "2026-07-08"},
		{"starts the day before due", []Pause{closed("2026-07-07", "2026-07-09")}, today, "2026-07-10"},
		{"second pause after the original but before the moved due date",
			[]Pause{closed("2026-05-20", "2026-05-25"), closed("2026-07-09", "2026-07-10")}, today, "2026-07-14"},
		{"overlapping pauses are not double counted",
			[]Pause{closed("2026-05-20", "2026-05-25"), closed("2026-05-21", "2026-05-22")}, today, "2026-07-13"},
		{"open pause lasts until today", []Pause{open("2026-05-20")}, d("2026-05-25"), "2026-07-13"},
		{"open pause opened today", []Pause{open("2026-05-20")}, d("2026-05-20"), "2026-07-08"},
		{"open pause in the future", []Pause{open("2026-06-01")}, d("2026-05-25"), "2026-07-08"},
	}
	for _, cs := range cases {
		t.Run(cs.name, func(t *testing.T) {
			if got := c.DueWithPauses(start, 45, cs.pauses, cs.today); got.String() != cs.want {
				t.Errorf("DueWithPauses = %s, want %s", got, cs.want)
			}
		})
	}

	// A single pause inside the running period extends the due date by
	// exactly the working days it suspends.
	base := c.AddWorkdays(start, 45)
	for from := start; from.Before(base); from = from.AddDays(1) {
		for _, length := range []int{1, 2, 5, 9, 20} {
			to := from.AddDays(length)
			want := c.AddWorkdays(base, c.WorkdaysBetween(from, to))
			if got := c.DueWithPauses(start, 45, []Pause{{From: from, To: &to}}, today); got != want {
				t.Fatalf("pause (%s, %s]: due %s, want %s", from, to, got, want)
			}
		}
	}
	if got := c.DueWithPauses(start, 0, []Pause{open("2026-05-01")}, today); got != start {
		t.Errorf("n = 0 should return start, got %s", got)
	}
}

func TestPolicies(t *testing.T) {
	ps := DefaultPolicies()
	if len(ps) != 2 || ps[0].ID != 1 || ps[1].ID != 2 || ps[0].Code != "2019" || ps[1].Code != "samr121" {
		t.Fatalf("DefaultPolicies = %+v", ps)
	}
	for _, p := range ps {
		if err := p.Validate(); err != nil {
			t.Errorf("%s: %v", p.Code, err)
		}
		if p.AcceptanceWD != 7 || p.MediationWD != 45 || p.TerminationNoticeWD != 7 ||
			p.ODRNegotiationWD != 10 || p.JudicialConfirmDays != 30 || p.CommitteeTargetDays != 30 {
			t.Errorf("%s: numbers %+v", p.Code, p)
		}
	}
	ps[0].MediationWD = 1
	if DefaultPolicies()[0].MediationWD != 45 {
		t.Error("DefaultPolicies must return a fresh slice")
	}

	reversed := []Policy{DefaultPolicies()[1], DefaultPolicies()[0]}
	cases := []struct {
		day  string
		code string // "" = none in force
	}{
		{"2019-12-31", ""},
		{"2020-01-01", "2019"},
		{"2026-04-14", "2019"},
		{"2026-04-15", "samr121"},
		{"2030-01-01", "samr121"},
	}
	for _, cs := range cases {
		for _, list := range [][]Policy{DefaultPolicies(), reversed} {
			p, ok := PolicyInForce(list, d(cs.day))
			if ok != (cs.code != "") || p.Code != cs.code {
				t.Errorf("PolicyInForce(%s) = %q, %v; want %q", cs.day, p.Code, ok, cs.code)
			}
		}
	}
	if _, ok := PolicyInForce(nil, d("2026-04-15")); ok {
		t.Error("no policies, none in force")
	}
	tie := DefaultPolicies()
	tie = append(tie, Policy{ID: 3, Code: "fix", EffectiveFrom: d("2026-04-15")})
	if p, _ := PolicyInForce(tie, d("2026-05-01")); p.ID != 3 {
		t.Errorf("tie should go to the higher ID, got %d", p.ID)
	}
}

func TestPolicyValidate(t *testing.T) {
	valid := DefaultPolicies()[1]
	cases := []struct {
		name   string
		mutate func(*Policy)
		want   []string // substrings of the error; nil = valid
	}{
		{"valid", func(*Policy) {}, nil},
		{"limits are inclusive", func(p *Policy) { p.AcceptanceWD, p.MediationWD = 1, 365 }, nil},
		{"empty code", func(p *Policy) { p.Code = " " }, []string{"政策代码不能为空"}},
		{"empty name", func(p *Policy) { p.Name = "" }, []string{"政策名称不能为空"}},
		{"no effective date", func(p *Policy) { p.EffectiveFrom = Date{} }, []string{"生效日期不能为空"}},
		{"bad effective date", func(p *Policy) { p.EffectiveFrom = Date{2026, 2, 30} }, []string{"生效日期无效"}},
		{"zero", func(p *Policy) { p.AcceptanceWD = 0 }, []string{"受理决定期限（工作日）应在1至365之间，当前为0"}},
		{"negative", func(p *Policy) { p.TerminationNoticeWD = -7 }, []string{"终止告知期限"}},
		{"too long", func(p *Policy) { p.MediationWD = 366 }, []string{"调解期限（工作日）应在1至365之间，当前为366"}},
		{"all reported", func(p *Policy) {
			p.ODRNegotiationWD, p.JudicialConfirmDays, p.CommitteeTargetDays = 0, 0, 1000
		}, []string{"ODR协商期限", "司法确认申请期限", "调委会目标期限"}},
	}
	for _, cs := range cases {
		t.Run(cs.name, func(t *testing.T) {
			p := valid
			cs.mutate(&p)
			err := p.Validate()
			if cs.want == nil {
				if err != nil {
					t.Fatalf("unexpected error: %v", err)
				}
				return
			}
			if err == nil {
				t.Fatal("expected an error")
			}
			for _, w := range cs.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not mention %q", err, w)
				}
			}
		})
	}
}

// byKind indexes deadlines and checks the order and labels on the way.
func byKind(t *testing.T, ds []Deadline, kinds ...ClockKind) map[ClockKind]Deadline {
	t.Helper()
	if len(ds) != len(kinds) {
		t.Fatalf("got %d deadlines %v, want %v", len(ds), ds, kinds)
	}
	m := map[ClockKind]Deadline{}
	for i, dl := range ds {
		if dl.Kind != kinds[i] {
			t.Fatalf("deadline %d is %s, want %s", i, dl.Kind, kinds[i])
		}
		if dl.Label == "" || dl.Label != dl.Kind.Label() {
			t.Fatalf("%s: label %q", dl.Kind, dl.Label)
		}
		m[dl.Kind] = dl
	}
	return m
}

// check compares the commonly asserted fields of one deadline.
func check(t *testing.T, dl Deadline, due string, running bool, remaining int, overdue bool) {
	t.Helper()
	if dl.Due.String() != due || dl.Running != running || dl.Remaining != remaining || dl.Overdue != overdue {
		t.Errorf("%s: due %s running %v remaining %d overdue %v; want %s %v %d %v (%s)",
			dl.Kind, dl.Due, dl.Running, dl.Remaining, dl.Overdue, due, running, remaining, overdue, dl.Explain)
	}
}

func checkMet(t *testing.T, dl Deadline, stopped string, met bool) {
	t.Helper()
	if dl.Running || dl.StoppedAt == nil || dl.StoppedAt.String() != stopped || dl.Met == nil || *dl.Met != met {
		t.Errorf("%s: running %v stopped %v met %v; want stopped %s met %v", dl.Kind, dl.Running, dl.StoppedAt, dl.Met, stopped, met)
	}
}

func TestDeadlinesReceivedOnly(t *testing.T) {
	c := New(nil)
	p, _ := PolicyInForce(DefaultPolicies(), d("2026-04-27"))
	f := ClockFacts{ReceivedAt: d("2026-04-27")}
	// 7 working days over May Day end on the make-up Saturday 2026-05-09.
	cases := []struct {
		today     string
		remaining int
		overdue   bool
	}{
		{"2026-04-27", 7, false},
		{"2026-04-28", 6, false},
		{"2026-05-03", 4, false}, // during the holiday
		{"2026-05-09", 0, false}, // due today
		{"2026-05-10", -1, true}, // Sunday after: overdue, no working day lost yet
		{"2026-05-11", -1, true},
		{"2026-05-13", -3, true},
	}
	for _, cs := range cases {
		m := byKind(t, Deadlines(c, p, f, d(cs.today)), ClockAcceptance)
		dl := m[ClockAcceptance]
		check(t, dl, "2026-05-09", true, cs.remaining, cs.overdue)
		if dl.Label != "受理决定" || !dl.WorkingDays || dl.Length != 7 || dl.Start != f.ReceivedAt ||
			dl.StoppedAt != nil || dl.Met != nil || dl.Paused {
			t.Errorf("%s: %+v", cs.today, dl)
		}
	}
	want := "2026-04-27 收到投诉，依《市场监督管理投诉处理办法》（国家市场监督管理总局令第121号），7个工作日（不含起始日），截止 2026-05-09"
	if got := Deadlines(c, p, f, d("2026-04-28"))[0].Explain; got != want {
		t.Errorf("Explain = %q\nwant %q", got, want)
	}

	if ds := Deadlines(c, p, ClockFacts{}, d("2026-04-28")); len(ds) != 0 {
		t.Errorf("no receipt date, no clocks: %v", ds)
	}
	decided := Deadlines(c, p, ClockFacts{ReceivedAt: d("2026-04-27"), Decided: true}, d("2026-05-20"))[0]
	if decided.Running || decided.StoppedAt != nil || decided.Met != nil || decided.Overdue || decided.Remaining != 0 {
		t.Errorf("decided without a date: %+v", decided)
	}
	rejected := Deadlines(c, p, ClockFacts{ReceivedAt: d("2026-04-27"), Decided: true, DecidedAt: dp("2026-05-11")}, d("2026-05-20"))
	checkMet(t, byKind(t, rejected, ClockAcceptance)[ClockAcceptance], "2026-05-11", false)
}

func TestDeadlinesAccepted(t *testing.T) {
	c := New(nil)
	p := DefaultPolicies()[1]
	f := ClockFacts{
		ReceivedAt: d("2026-04-27"),
		Decided:    true,
		DecidedAt:  dp("2026-05-06"),
		AcceptedAt: dp("2026-05-06"),
	}
	m := byKind(t, Deadlines(c, p, f, d("2026-06-01")), ClockAcceptance, ClockMediation, ClockCommitteeTarget)
	checkMet(t, m[ClockAcceptance], "2026-05-06", true)
	check(t, m[ClockAcceptance], "2026-05-09", false, 0, false)
	check(t, m[ClockMediation], "2026-07-08", true, 26, false)
	check(t, m[ClockCommitteeTarget], "2026-06-05", true, 4, false)
	if m[ClockCommitteeTarget].WorkingDays || m[ClockCommitteeTarget].Length != 30 {
		t.Errorf("committee target: %+v", m[ClockCommitteeTarget])
	}

	// A closed suspension of three working days moves the mediation clock,
	// not the calendar-day committee target.
	f.Pauses = []Pause{{From: d("2026-05-20"), To: dp("2026-05-25")}}
	m = byKind(t, Deadlines(c, p, f, d("2026-06-01")), ClockAcceptance, ClockMediation, ClockCommitteeTarget)
	check(t, m[ClockMediation], "2026-07-13", true, 29, false)
	check(t, m[ClockCommitteeTarget], "2026-06-05", true, 4, false)
	want := "2026-05-06 受理，依《市场监督管理投诉处理办法》（国家市场监督管理总局令第121号），45个工作日（不含起始日），中止顺延3个工作日，截止 2026-07-13"
	if got := m[ClockMediation].Explain; got != want {
		t.Errorf("Explain = %q\nwant %q", got, want)
	}
	if m[ClockMediation].Paused {
		t.Error("closed pause is not open")
	}

	// Open suspension: the clock stands still, the remaining days do not move.
	f.Pauses = []Pause{{From: d("2026-05-20")}}
	for _, cs := range []struct {
		today string
		due   string
	}{
		{"2026-05-20", "2026-07-08"},
		{"2026-05-25", "2026-07-13"},
		{"2026-05-29", "2026-07-17"},
	} {
		m = byKind(t, Deadlines(c, p, f, d(cs.today)), ClockAcceptance, ClockMediation, ClockCommitteeTarget)
		med := m[ClockMediation]
		check(t, med, cs.due, true, 34, false) // 11 of 45 used up by 2026-05-20
		if !med.Paused || m[ClockCommitteeTarget].Paused || m[ClockAcceptance].Paused {
			t.Errorf("%s: paused flags %v %v %v", cs.today, m[ClockAcceptance].Paused, med.Paused, m[ClockCommitteeTarget].Paused)
		}
		if cs.today != "2026-05-20" && !strings.Contains(med.Explain, "中止尚未结束") {
			t.Errorf("%s: Explain %q", cs.today, med.Explain)
		}
	}
	// The acceptance clock stopped before the suspension: unaffected.
	check(t, m[ClockAcceptance], "2026-05-09", false, 0, false)

	// Overdue mediation.
	f.Pauses = nil
	m = byKind(t, Deadlines(c, p, f, d("2026-07-10")), ClockAcceptance, ClockMediation, ClockCommitteeTarget)
	check(t, m[ClockMediation], "2026-07-08", true, -2, true)
	check(t, m[ClockCommitteeTarget], "2026-06-05", true, -35, true)
}

func TestDeadlinesTerminated(t *testing.T) {
	c := New(nil)
	p := DefaultPolicies()[1]
	f := ClockFacts{
		ReceivedAt:       d("2026-04-27"),
		Decided:          true,
		AcceptedAt:       dp("2026-05-06"),
		MediationEndedAt: dp("2026-06-10"),
		TerminatedAt:     dp("2026-06-10"),
		Pauses:           []Pause{{From: d("2026-06-08")}}, // left open, clock already stopped
	}
	m := byKind(t, Deadlines(c, p, f, d("2026-06-12")),
		ClockAcceptance, ClockMediation, ClockTerminationNotice, ClockCommitteeTarget)
	checkMet(t, m[ClockAcceptance], "2026-05-06", true) // DecidedAt falls back to AcceptedAt
	checkMet(t, m[ClockMediation], "2026-06-10", true)
	checkMet(t, m[ClockCommitteeTarget], "2026-06-10", false)
	// The open pause counts only until the mediation clock stopped: 6-09, 6-10.
	check(t, m[ClockMediation], "2026-07-10", false, 0, false)
	// 7 working days over 端午 (2026-06-19), not extended by suspensions.
	check(t, m[ClockTerminationNotice], "2026-06-22", true, 5, false)
	if m[ClockTerminationNotice].Paused || m[ClockTerminationNotice].Label != "终止告知" {
		t.Errorf("termination notice: %+v", m[ClockTerminationNotice])
	}

	f.NoticeSentAt = dp("2026-06-23")
	m = byKind(t, Deadlines(c, p, f, d("2026-06-30")),
		ClockAcceptance, ClockMediation, ClockTerminationNotice, ClockCommitteeTarget)
	checkMet(t, m[ClockTerminationNotice], "2026-06-23", false)
	if m[ClockMediation].Due.String() != "2026-07-10" {
		t.Errorf("stopped clock must not move with today: %s", m[ClockMediation].Due)
	}

	// Only TerminatedAt known: mediation still stops there.
	g := ClockFacts{ReceivedAt: d("2026-04-27"), AcceptedAt: dp("2026-05-06"), TerminatedAt: dp("2026-06-10")}
	m = byKind(t, Deadlines(c, p, g, d("2026-06-12")),
		ClockAcceptance, ClockMediation, ClockTerminationNotice, ClockCommitteeTarget)
	checkMet(t, m[ClockMediation], "2026-06-10", true)
}

func TestDeadlinesODR(t *testing.T) {
	c := New(nil)
	p := DefaultPolicies()[1]
	f := ClockFacts{ReceivedAt: d("2026-05-06"), ODRStartedAt: dp("2026-05-06")}
	m := byKind(t, Deadlines(c, p, f, d("2026-05-08")), ClockAcceptance, ClockODR)
	check(t, m[ClockODR], "2026-05-19", true, 8, false)
	f.Pauses = []Pause{{From: d("2026-05-11"), To: dp("2026-05-12")}}
	m = byKind(t, Deadlines(c, p, f, d("2026-05-08")), ClockAcceptance, ClockODR)
	check(t, m[ClockODR], "2026-05-20", true, 8, false)
	f.ODREndedAt = dp("2026-05-15")
	m = byKind(t, Deadlines(c, p, f, d("2026-05-18")), ClockAcceptance, ClockODR)
	checkMet(t, m[ClockODR], "2026-05-15", true)
}

func TestDeadlinesEffective(t *testing.T) {
	c := New(nil)
	p := DefaultPolicies()[1]
	f := ClockFacts{
		ReceivedAt:       d("2026-04-27"),
		Decided:          true,
		AcceptedAt:       dp("2026-05-06"),
		MediationEndedAt: dp("2026-06-01"),
		EffectiveAt:      dp("2026-06-01"),
	}
	all := []ClockKind{ClockAcceptance, ClockMediation, ClockJudicialConfirmation, ClockCommitteeTarget}
	m := byKind(t, Deadlines(c, p, f, d("2026-06-15")), all...)
	checkMet(t, m[ClockMediation], "2026-06-01", true)
	checkMet(t, m[ClockCommitteeTarget], "2026-06-01", true)
	jc := m[ClockJudicialConfirmation]
	check(t, jc, "2026-07-01", true, 16, false)
	if jc.WorkingDays || jc.Length != 30 || jc.Label != "司法确认申请" {
		t.Errorf("judicial confirmation: %+v", jc)
	}
	want := "2026-06-01 调解协议生效，依《中华人民共和国人民调解法》第三十三条、《中华人民共和国民事诉讼法》第二百零五条及《最高人民法院关于人民调解协议司法确认程序的若干规定》（法释〔2011〕5号），30个自然日（不含起始日），截止 2026-07-01"
	if jc.Explain != want {
		t.Errorf("Explain = %q\nwant %q", jc.Explain, want)
	}
	// Past the window without an application: closed, not overdue (it is the parties' option).
	check(t, byKind(t, Deadlines(c, p, f, d("2026-07-03")), all...)[ClockJudicialConfirmation], "2026-07-01", false, 0, false)

	// Calendar days: weekends, holidays and suspensions do not matter.
	g := f
	g.EffectiveAt = dp("2026-09-05")
	g.Pauses = []Pause{{From: d("2026-09-10"), To: dp("2026-09-20")}}
	jc = byKind(t, Deadlines(c, p, g, d("2026-09-06")), all...)[ClockJudicialConfirmation]
	check(t, jc, "2026-10-05", true, 29, false) // inside the National Day holiday

	f.JudicialAppliedAt = dp("2026-06-20")
	checkMet(t, byKind(t, Deadlines(c, p, f, d("2026-07-03")), all...)[ClockJudicialConfirmation], "2026-06-20", true)
}

func TestDeadlinesOverrideAndPolicy(t *testing.T) {
	// An override closing a day moves working-day clocks; the policy numbers
	// come from the policy passed in.
	c := New([]Override{{Date: d("2026-05-07"), Workday: false, Name: "区级调整"}})
	p := DefaultPolicies()[1]
	p.AcceptanceWD = 3
	ds := Deadlines(c, p, ClockFacts{ReceivedAt: d("2026-05-06")}, d("2026-05-06"))
	check(t, byKind(t, ds, ClockAcceptance)[ClockAcceptance], "2026-05-11", true, 3, false)
}

func BenchmarkAddWorkdays(b *testing.B) {
	c := New([]Override{{Date: d("2026-05-07"), Workday: false, Name: "区级调整"}})
	start := d("2026-05-06")
	for b.Loop() {
		_ = c.AddWorkdays(start, 45)
	}
}

// Judicial confirmation is a right of the parties: an unused window closes,
// it is never "overdue".
func TestJudicialConfirmationWindowCloses(t *testing.T) {
	c := New(nil)
	p := DefaultPolicies()[1]
	f := ClockFacts{ReceivedAt: d("2026-05-06"), AcceptedAt: dp("2026-05-07"), MediationEndedAt: dp("2026-05-20"), EffectiveAt: dp("2026-05-20")}
	m := byKind(t, Deadlines(c, p, f, d("2026-06-01")), ClockAcceptance, ClockMediation, ClockJudicialConfirmation, ClockCommitteeTarget)
	if j := m[ClockJudicialConfirmation]; !j.Running || j.Due.String() != "2026-06-19" || j.Remaining != 18 {
		t.Fatalf("open window: %+v", j)
	}
	m = byKind(t, Deadlines(c, p, f, d("2026-07-01")), ClockAcceptance, ClockMediation, ClockJudicialConfirmation, ClockCommitteeTarget)
	if j := m[ClockJudicialConfirmation]; j.Running || j.Overdue || j.Met != nil || !strings.Contains(j.Explain, "未申请") {
		t.Fatalf("lapsed window: %+v", j)
	}
}

// Each clock cites the text that sets it: the judicial-confirmation window
// comes from the People's Mediation Law and the SPC's rules, never from the
// market-regulation measures; the 2019 measures' clocks cite their articles.
func TestClockBasis(t *testing.T) {
	ps := DefaultPolicies()
	for _, p := range ps {
		jc := p.Basis(ClockJudicialConfirmation)
		for _, want := range []string{"《中华人民共和国人民调解法》第三十三条", "法释〔2011〕5号"} {
			if !strings.Contains(jc, want) {
				t.Errorf("%s: judicial basis %q lacks %s", p.Code, jc, want)
			}
		}
		if strings.Contains(jc, "市场监督管理") {
			t.Errorf("%s: judicial basis cites the market-regulation measures: %q", p.Code, jc)
		}
		if p.Basis(ClockCommitteeTarget) != "调委会内部目标" {
			t.Errorf("%s: committee target basis", p.Code)
		}
	}
	for k, want := range map[ClockKind]string{ClockAcceptance: "第十四条", ClockMediation: "第二十一条", ClockTerminationNotice: "第二十一条"} {
		if got := ps[0].Basis(k); got != "《市场监督管理投诉举报处理暂行办法》"+want {
			t.Errorf("2019 %s: %q", k, got)
		}
	}
	// A renamed or admin-made policy is cited by its own name, without guessing articles.
	own := ps[0]
	own.Code, own.Name = "local", "《本区消费纠纷调解期限规定》"
	if got := own.Basis(ClockAcceptance); got != own.Name {
		t.Errorf("own policy: %q", got)
	}
	dl := Deadlines(New(nil), ps[0], ClockFacts{ReceivedAt: Date{2025, 3, 3}, AcceptedAt: &Date{2025, 3, 4}, EffectiveAt: &Date{2025, 4, 1}}, Date{2025, 4, 2})
	for _, d := range dl {
		if d.Kind == ClockJudicialConfirmation && !strings.Contains(d.Explain, "人民调解法》第三十三条") {
			t.Errorf("explain: %q", d.Explain)
		}
		if d.Kind == ClockAcceptance && !strings.Contains(d.Explain, "第十四条") {
			t.Errorf("explain: %q", d.Explain)
		}
	}
}

// LatestStart is exactly AddWorkdays inverted: for every start day over
// several years (holidays, make-up days, admin overrides included), every due
// day and every length a policy may hold, s <= LatestStart(due, n) exactly
// when AddWorkdays(s, n) <= due.
func TestLatestStart(t *testing.T) {
	cals := map[string]*Calendar{
		"statutory": New(nil),
		"overrides": New([]Override{
			{Date: d("2025-06-09"), Workday: false, Name: "区级调整"}, // a Monday off
			{Date: d("2025-06-14"), Workday: true},                // a Saturday worked
			{Date: d("2026-10-09"), Workday: false},               // the day after the National Day week
			{Date: d("2026-12-25"), Workday: false},
		}),
	}
	lengths := []int{-1, 0, 1, 2, 3, 7, 10, 45, 365}
	first, last := d("2024-12-01"), d("2027-02-28")
	for name, c := range cals {
		t.Run(name, func(t *testing.T) {
			for _, n := range lengths {
				// due(s) for every start, computed once per length.
				dues := map[Date]Date{}
				for s := first.AddDays(-2 * max(n, 1)); !s.After(last); s = s.AddDays(1) {
					dues[s] = c.AddWorkdays(s, n)
				}
				for due := first; !due.After(last); due = due.AddDays(1) {
					cut := c.LatestStart(due, n)
					for s, sd := range dues {
						if got, want := !s.After(cut), !sd.After(due); got != want {
							t.Fatalf("n=%d due=%s: start %s (due %s) <= cut %s is %v, want %v", n, due, s, sd, cut, got, want)
						}
					}
				}
			}
		})
	}
}

// Number is yyyymmdd and orders as the dates do (stored due dates compare it in SQL).
// Date.String prints by hand what fmt prints, across years, months and
// days, and out-of-range values the way fmt does.
func TestDateString(t *testing.T) {
	d := Date{1999, time.January, 1}
	for range 12000 {
		if want := fmt.Sprintf("%04d-%02d-%02d", d.Year, int(d.Month), d.Day); d.String() != want {
			t.Fatalf("%v: %q, want %q", [3]int{d.Year, int(d.Month), d.Day}, d.String(), want)
		}
		d = d.AddDays(1)
	}
	for _, d := range []Date{{7, time.March, 5}, {0, time.January, 1}, {12026, time.May, 1}, {-1, time.May, 1}, {2026, 0, 0}} {
		if want := fmt.Sprintf("%04d-%02d-%02d", d.Year, int(d.Month), d.Day); d.String() != want {
			t.Errorf("%v: %q, want %q", [3]int{d.Year, int(d.Month), d.Day}, d.String(), want)
		}
	}
}

func TestDateNumber(t *testing.T) {
	if n := (Date{2026, time.December, 4}).Number(); n != 20261204 {
		t.Fatalf("2026-12-04 = %d", n)
	}
	d := Date{2025, time.December, 25}
	for range 800 {
		next := d.AddDays(1)
		if next.Number() <= d.Number() {
			t.Fatalf("%s (%d) does not follow %s (%d)", next, next.Number(), d, d.Number())
		}
		d = next
	}
}

func BenchmarkDateString(b *testing.B) {
	d := Date{2026, time.December, 4}
	for b.Loop() {
		_ = d.String()
	}
}

// The table isWorkday reads answers as the lunar-go schedule does, for
// every day from before its first entry to after its last.
func TestStatutoryTableMatchesSchedule(t *testing.T) {
	if len(statutory) < 100 || len(statutoryKind) == 0 {
		t.Fatalf("schedule of %d days, table of %d", len(statutory), len(statutoryKind))
	}
	c := New(nil)
	first, last := statutoryFrom-400, statutoryFrom+dayNum(len(statutoryKind))+400
	offs, makeUps := 0, 0
	for n := first; n <= last; n++ {
		want := !n.weekend()
		if s, ok := statutory[n]; ok {
			want = s.work
			if s.work {
				makeUps++
			} else {
				offs++
			}
		}
		if got := c.isWorkday(n); got != want {
			t.Fatalf("%s: workday %v, the schedule says %v", n.date(), got, want)
		}
	}
	if offs == 0 || makeUps == 0 || offs+makeUps != len(statutory) {
		t.Fatalf("days off %d, make-up days %d, of %d in the schedule", offs, makeUps, len(statutory))
	}
	// An override still wins over the table.
	d := Date{Year: 2025, Month: 10, Day: 1}
	if c.IsWorkday(d) || !New([]Override{{Date: d, Workday: true}}).IsWorkday(d) {
		t.Fatal("an override does not decide 2025-10-01")
	}
}

// BenchmarkDeadlinesOverdue is a row of the desk's due section: a case
// accepted a year before and still open, its clocks counted to today.
func BenchmarkDeadlinesOverdue(b *testing.B) {
	c, p := New(nil), DefaultPolicies()[1]
	f := ClockFacts{ReceivedAt: d("2025-05-06"), AcceptedAt: dp("2025-05-08")}
	today := d("2026-05-20")
	for b.Loop() {
		_ = Deadlines(c, p, f, today)
	}
}
