package warning

import (
	"fmt"
	"math/rand"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/tiaojie/tiaojie/internal/calendar"
	"github.com/tiaojie/tiaojie/internal/domain"
)

var sh = calendar.Shanghai()

func tm(s string) time.Time {
	t, err := time.ParseInLocation("2006-01-02 15:04", s, sh)
	if err != nil {
		panic(err)
	}
	return t
}

func day(s string) calendar.Date {
	d, err := calendar.ParseDate(s)
	if err != nil {
		panic(err)
	}
	return d
}

// Working minutes on a constructed clock around the 2026 Spring Festival:
// Sat 14 Feb is a 调休 working day, 15–23 Feb are holidays.
func TestAddWorking(t *testing.T) {
	cal := calendar.New(nil)
	h := Defaults().Hours()
	cases := []struct {
		from    string
		minutes int
		want    string
	}{
		{"2026-02-12 10:00", 0, "2026-02-12 10:00"},
		{"2026-02-12 10:00", 120, "2026-02-12 12:00"},
		{"2026-02-12 08:00", 120, "2026-02-12 11:00"}, // before hours: counts from 09:00
		{"2026-02-12 17:00", 120, "2026-02-13 10:30"}, // 30 min today, 90 tomorrow
		{"2026-02-12 20:00", 60, "2026-02-13 10:00"},  // after hours
		{"2026-02-13 16:30", 120, "2026-02-14 10:00"}, // Saturday 14 Feb is a 调休 working day
		{"2026-02-13 16:30", 360, "2026-02-14 14:00"}, // 2 h then 4 more: red's justice step
		{"2026-02-14 17:00", 120, "2026-02-24 10:30"}, // across the Spring Festival
		{"2026-02-15 11:00", 60, "2026-02-24 10:00"},  // raised on a holiday
		{"2026-02-12 09:00", 510, "2026-02-12 17:30"}, // a whole day ends at 17:30
		{"2026-02-12 09:00", 511, "2026-02-13 09:01"},
		{"2026-01-03 12:00", 60, "2026-01-04 10:00"}, // Sunday 4 Jan 2026 is a 调休 working day
		{"2026-01-02 12:00", 60, "2026-01-04 10:00"}, // 2 Jan is part of 元旦
	}
	for _, c := range cases {
		got := h.AddWorking(cal, tm(c.from), c.minutes)
		if !got.Equal(tm(c.want)) {
			t.Errorf("%s + %d min = %s, want %s", c.from, c.minutes, got.In(sh).Format("2006-01-02 15:04"), c.want)
		}
	}
	// An override moves the arithmetic: make 12 Feb a day off.
	cal2 := calendar.New([]calendar.Override{{Date: day("2026-02-12"), Workday: false, Name: "区级调整"}})
	if got := h.AddWorking(cal2, tm("2026-02-12 10:00"), 60); !got.Equal(tm("2026-02-13 10:00")) {
		t.Errorf("override ignored: %s", got)
	}
	// Other hours (a setting): 08:30–12:00.
	h2 := Hours{Start: 8*60 + 30, End: 12 * 60}
	if got := h2.AddWorking(cal, tm("2026-02-12 11:00"), 120); !got.Equal(tm("2026-02-13 09:30")) {
		t.Errorf("custom hours: %s", got)
	}
}

// Between is AddWorking's inverse from any instant.
func TestBetweenRoundTrip(t *testing.T) {
	cal := calendar.New(nil)
	h := Defaults().Hours()
	rnd := rand.New(rand.NewSource(13))
	base := tm("2025-12-20 00:00")
	for i := 0; i < 2000; i++ {
		from := base.Add(time.Duration(rnd.Intn(90*24*60)) * time.Minute)
		m := rnd.Intn(3000) + 1
		to := h.AddWorking(cal, from, m)
		if got := h.Between(cal, from, to); got != m {
			t.Fatalf("from %s +%d → %s, Between says %d", from, m, to, got)
		}
		if got := h.Between(cal, from, to.Add(-time.Minute)); got != m-1 {
			t.Fatalf("a minute before %s counts %d, want %d", to, got, m-1)
		}
	}
	if h.Between(cal, tm("2026-02-12 12:00"), tm("2026-02-12 11:00")) != 0 {
		t.Error("backwards interval counts")
	}
}

func TestDueSteps(t *testing.T) {
	cal := calendar.New(nil)
	rs := Defaults()
	raised := tm("2026-02-13 16:30") // Friday before the 调休 Saturday
	cases := []struct {
		now   string
		taken map[int]bool
		want  []int
	}{
		{"2026-02-13 16:30", nil, []int{0}},
		{"2026-02-13 17:29", map[int]bool{0: true}, nil},
		{"2026-02-14 09:59", map[int]bool{0: true}, nil},
		{"2026-02-14 10:00", map[int]bool{0: true}, []int{1}},
		{"2026-02-14 13:59", map[int]bool{0: true, 1: true}, nil},
		{"2026-02-14 14:00", map[int]bool{0: true, 1: true}, []int{2}},
		{"2026-02-24 09:00", nil, []int{0, 1, 2}}, // a sweep after a long gap takes every step, in order
		{"2026-02-24 09:00", map[int]bool{0: true, 1: true, 2: true}, nil},
	}
	for _, c := range cases {
		got := rs.DueSteps(cal, Red, raised, tm(c.now), c.taken)
		if fmt.Sprint(got) != fmt.Sprint(c.want) {
			t.Errorf("red at %s (taken %v): %v, want %v", c.now, c.taken, got, c.want)
		}
	}
	if got := rs.DueSteps(cal, Yellow, raised, tm("2026-02-14 15:59"), map[int]bool{0: true}); got != nil {
		t.Errorf("yellow's 8 working hours not yet up: %v", got)
	}
	// 1 h on Friday and 7 on the 调休 Saturday.
	if got := rs.DueSteps(cal, Yellow, raised, tm("2026-02-14 16:00"), map[int]bool{0: true}); fmt.Sprint(got) != "[1]" {
		t.Errorf("yellow's 8 working hours up on 14 Feb 16:00: %v", got)
	}
}

// The mediation clock of a case accepted Mon 9 Feb 2026 with a 5 working
// day limit is due on the 调休 Saturday 14 Feb: 黄 on 12 and 13 Feb, 橙 on
// the 14th, 红 from the 15th (a holiday) on.
func TestDeadlineFamily(t *testing.T) {
	cal := calendar.New(nil)
	p := calendar.DefaultPolicies()[0]
	p.MediationWD = 5
	acc := day("2026-02-09")
	rs := Defaults()
	want := map[string]string{
		"2026-02-09": "", "2026-02-10": "", "2026-02-11": "",
		"2026-02-12": RuleDeadlineSoon, "2026-02-13": RuleDeadlineSoon,
		"2026-02-14": RuleDeadlineToday,
		"2026-02-15": RuleDeadlineOverdue, "2026-02-24": RuleDeadlineOverdue,
	}
	for today, code := range want {
		facts := calendar.ClockFacts{ReceivedAt: acc, AcceptedAt: &acc, Decided: true, DecidedAt: &acc}
		var med *calendar.Deadline
		for _, d := range calendar.Deadlines(cal, p, facts, day(today)) {
			if d.Kind == calendar.ClockMediation {
				med = &d
			}
		}
		found := Evaluate(rs, Inputs{Now: tm(today + " 10:00"), Cases: []CaseInput{{ID: 1, Number: "N1", UnitID: 5, Mediation: med}}})
		got := ""
		if len(found) == 1 {
			got = found[0].Rule
			if !strings.Contains(found[0].Explain, "2026-02-14") {
				t.Errorf("%s: explanation without the due day: %s", today, found[0].Explain)
			}
		} else if len(found) > 1 {
			t.Errorf("%s: %d findings", today, len(found))
		}
		if got != code {
			t.Errorf("%s: %q, want %q", today, got, code)
		}
	}
	// Paused (中止) or stopped clocks raise nothing; a disabled rule neither.
	paused := &calendar.Deadline{Running: true, Paused: true, Overdue: true, Remaining: -3}
	stopped := &calendar.Deadline{Running: false}
	if f := Evaluate(rs, Inputs{Now: tm("2026-02-20 10:00"), Cases: []CaseInput{{ID: 1, Mediation: paused}, {ID: 2, Mediation: stopped}}}); len(f) != 0 {
		t.Errorf("paused/stopped clocks raised %v", f)
	}
	off := Defaults()
	for i := range off.Rules {
		if off.Rules[i].Code == RuleDeadlineOverdue {
			off.Rules[i].Enabled = false
		}
	}
	if f := Evaluate(off, Inputs{Now: tm("2026-02-20 10:00"), Cases: []CaseInput{{ID: 1, Mediation: &calendar.Deadline{Running: true, Overdue: true, Remaining: -2}}}}); len(f) != 0 {
		t.Errorf("disabled overdue rule raised %v", f)
	}
	// The threshold is data: 4 working days ahead now warns on the 10th.
	four := Defaults()
	four.Rules[0].Thresholds[TDays] = 4
	if f := Evaluate(four, Inputs{Now: tm("2026-02-10 10:00"), Cases: []CaseInput{{ID: 1, Mediation: &calendar.Deadline{Running: true, Remaining: 4, Due: day("2026-02-14")}}}}); len(f) != 1 {
		t.Errorf("threshold 4 not applied: %v", f)
	}
}

func cmpl(id int64, merchant int64, phone, text, at string) Complaint {
	return Complaint{CaseID: id, Number: fmt.Sprintf("N%d", id), UnitID: 2, MerchantID: merchant, MerchantName: fmt.Sprintf("商户%d", merchant),
		PhoneHash: phone, PhoneMask: "138****" + phone, Text: text, At: tm(at)}
}

func TestMerchantSurge(t *testing.T) {
	rs := Defaults() // ≥5 in 7 days and ≥100% growth
	now := tm("2026-03-10 10:00")
	var cs []Complaint
	id := int64(0)
	add := func(m int64, n int, at string) {
		for i := 0; i < n; i++ {
			id++
			cs = append(cs, cmpl(id, m, fmt.Sprint(id), "质量问题", at))
		}
	}
	add(1, 5, "2026-03-04 09:00") // merchant 1: 5 now (window 4–10 Mar), 2 before → +150%
	add(1, 2, "2026-03-01 09:00")
	add(2, 6, "2026-03-09 09:00") // merchant 2: 6 now, 4 before → +50%: no
	add(2, 4, "2026-02-28 09:00")
	add(3, 4, "2026-03-10 08:00") // merchant 3: 4 now, none before: under the count
	add(4, 5, "2026-03-03 23:00") // merchant 4: 5 on 3 Mar: the previous window, not this one
	add(5, 5, "2026-03-05 12:00") // merchant 5: 5 now, none before
	found := Evaluate(rs, Inputs{Now: now, Complaints: cs})
	var got []string
	for _, f := range found {
		if f.Rule == RuleMerchantSurge {
			got = append(got, f.Subject.Key())
			if f.Level != Orange || f.UnitID != 2 {
				t.Errorf("finding %+v", f)
			}
		}
	}
	if fmt.Sprint(got) != "[merchant:1 merchant:5]" {
		t.Errorf("surges %v", got)
	}
	if !strings.Contains(found[0].Explain, "5 件") || !strings.Contains(found[0].Explain, "增长 150%") {
		t.Errorf("explanation %s", found[0].Explain)
	}
}

func TestPrepaidClosureAndRepeat(t *testing.T) {
	rs := Defaults()
	now := tm("2026-03-10 10:00")
	cs := []Complaint{
		cmpl(1, 7, "a", "健身房突然闭店，预付卡无法使用", "2026-03-02 10:00"),
		cmpl(2, 7, "a", "老板跑路了", "2026-03-03 10:00"), // same complainant counts once
		cmpl(3, 7, "b", "要求退卡", "2026-03-04 10:00"),
		cmpl(4, 7, "c", "服务态度差", "2026-03-05 10:00"), // no wording
		cmpl(5, 8, "d", "闭店", "2026-03-05 10:00"),
		cmpl(6, 8, "e", "闭店", "2026-03-05 10:00"),
		cmpl(7, 8, "f", "闭店", "2026-02-20 10:00"), // outside 14 days
	}
	found := Evaluate(rs, Inputs{Now: now, Complaints: cs})
	var closure, repeat []Finding
	for _, f := range found {
		switch f.Rule {
		case RulePrepaidClosure:
			closure = append(closure, f)
		case RuleRepeatComplainant:
			repeat = append(repeat, f)
		}
	}
	if len(closure) != 0 {
		t.Fatalf("two complainants are under the threshold of 3: %v", closure)
	}
	cs = append(cs, cmpl(8, 7, "g", "预付卡退不了", "2026-03-09 10:00"))
	found = Evaluate(rs, Inputs{Now: now, Complaints: cs})
	closure = nil
	for _, f := range found {
		if f.Rule == RulePrepaidClosure {
			closure = append(closure, f)
		}
	}
	if len(closure) != 1 || closure[0].Subject.Key() != "merchant:7" || closure[0].Level != Red ||
		!strings.Contains(closure[0].Explain, "3 位投诉人") || !strings.Contains(closure[0].Explain, "闭店") {
		t.Fatalf("closure %+v", closure)
	}
	// Repeat complainant: 3 cases from one phone within 30 days.
	cs = append(cs, cmpl(9, 9, "a", "又一次投诉", "2026-03-09 11:00"))
	found = Evaluate(rs, Inputs{Now: now, Complaints: cs})
	for _, f := range found {
		if f.Rule == RuleRepeatComplainant {
			repeat = append(repeat, f)
		}
	}
	if len(repeat) != 1 || repeat[0].Subject.Key() != "complainant:a" || repeat[0].CaseID != 9 ||
		!strings.Contains(repeat[0].Explain, "N1、N2、N9") {
		t.Fatalf("repeat %+v", repeat)
	}
}

func TestCaseRules(t *testing.T) {
	rs := Defaults()
	now := tm("2026-03-10 10:00")
	in := Inputs{Now: now, Cases: []CaseInput{
		{ID: 1, Number: "N1", UnitID: 3, Terms: []domain.Term{
			{Content: "退款", Deadline: "2026-03-09"},
			{Content: "赔偿", Deadline: "2026-03-01", PerformedAt: "2026-03-01"},
			{Content: "道歉", Deadline: "2026-03-10"}, // due today: not yet late
		}},
		{ID: 2, Number: "N2", UnitID: 3, Satisfaction: 2, FollowUpAt: tm("2026-03-09 10:00")},
		{ID: 3, Number: "N3", UnitID: 3, Satisfaction: 3, FollowUpAt: tm("2026-03-09 10:00")},
		{ID: 4, Number: "N4", UnitID: 3, Satisfaction: 1, FollowUpAt: tm("2026-01-09 10:00")}, // outside 30 days
		{ID: 5, Number: "N5", UnitID: 3, Judicial: &calendar.Deadline{Running: true, Remaining: 5, Start: day("2026-02-13"), Due: day("2026-03-15")}},
		{ID: 6, Number: "N6", UnitID: 3, Judicial: &calendar.Deadline{Running: true, Remaining: 6}},
		{ID: 7, Number: "N7", UnitID: 3, Judicial: &calendar.Deadline{Running: false}}, // applied
	}, Mediators: []MediatorLoad{
		{UserID: 11, Name: "甲", UnitID: 3, Open: 9, Capacity: 8},
		{UserID: 12, Name: "乙", UnitID: 3, Open: 8, Capacity: 8},
		{UserID: 13, Name: "丙", UnitID: 3, Open: 30, Capacity: 0}, // no cap set
	}, Supervisions: []Supervision{
		{ID: 21, CaseID: 1, Number: "N1", UnitID: 3, Due: tm("2026-03-10 09:59")},
		{ID: 22, CaseID: 1, Number: "N1", UnitID: 3, Due: tm("2026-03-10 10:01")},
		{ID: 23, CaseID: 1, Number: "N1", UnitID: 3, Due: tm("2026-03-09 10:00"), Answered: true},
	}}
	got := map[string]bool{}
	for _, f := range Evaluate(rs, in) {
		got[f.Rule+" "+f.Subject.Key()] = true
		if f.Rule == RuleTermUnperformed && (!strings.Contains(f.Explain, "退款") || strings.Contains(f.Explain, "道歉")) {
			t.Errorf("term explanation %s", f.Explain)
		}
	}
	want := []string{RuleTermUnperformed + " case:1", RuleDissatisfied + " case:2", RuleJudicialWindow + " case:5",
		RuleOverCapacity + " mediator:11", RuleSuperviseOverdue + " supervision:21"}
	for _, w := range want {
		if !got[w] {
			t.Errorf("missing %s", w)
		}
	}
	if len(got) != len(want) {
		t.Errorf("findings %v, want %v", got, want)
	}
}

func TestReconcile(t *testing.T) {
	rs := Defaults()
	f := func(rule string, id int64) Finding {
		r, _ := rs.Rule(rule)
		return Finding{Rule: rule, Level: r.Level, Subject: Subject{Kind: SubjectCase, ID: id}}
	}
	open := []Open{
		{ID: 1, Rule: RuleDeadlineSoon, Key: "case:1", Level: Yellow},   // case 1 now orange: escalated
		{ID: 2, Rule: RuleDeadlineToday, Key: "case:2", Level: Orange},  // case 2 still orange: kept
		{ID: 3, Rule: RuleDeadlineOverdue, Key: "case:3", Level: Red},   // case 3 closed: cleared
		{ID: 4, Rule: RuleDeadlineOverdue, Key: "case:4", Level: Red},   // case 4 suspended → yellow: cleared, not escalated
		{ID: 5, Rule: "retired_rule", Key: "mediator:9", Level: Yellow}, // a rule this version does not know: left alone
	}
	p := Reconcile(rs, open, []Finding{f(RuleDeadlineToday, 1), f(RuleDeadlineToday, 2), f(RuleDeadlineSoon, 4), f(RuleDeadlineToday, 2)})
	var raised []string
	for _, r := range p.Raise {
		raised = append(raised, r.Rule+" "+r.Subject.Key())
	}
	if fmt.Sprint(raised) != "[deadline_today case:1 deadline_soon case:4]" {
		t.Errorf("raised %v", raised)
	}
	res := map[int64]string{}
	for _, r := range p.Resolve {
		res[r.ID] = r.Reason
	}
	if fmt.Sprint(res) != "map[1:escalated 3:cleared 4:cleared]" {
		t.Errorf("resolved %v", res)
	}
	for _, r := range p.Resolve {
		if r.ID == 1 && !strings.Contains(r.Note, "已升级为橙色预警") {
			t.Errorf("escalation note %q", r.Note)
		}
	}
	// A second run with the raised ones open changes nothing (idempotent).
	open2 := []Open{{ID: 2, Rule: RuleDeadlineToday, Key: "case:2"}, {ID: 6, Rule: RuleDeadlineToday, Key: "case:1"}, {ID: 7, Rule: RuleDeadlineSoon, Key: "case:4"}}
	if p := Reconcile(rs, open2, []Finding{f(RuleDeadlineToday, 1), f(RuleDeadlineToday, 2), f(RuleDeadlineSoon, 4)}); len(p.Raise)+len(p.Resolve) != 0 {
		t.Errorf("second run %+v", p)
	}
	// Disabling a rule resolves its open warnings with that reason.
	off := Defaults()
	off.Rules[1].Enabled = false
	if p := Reconcile(off, []Open{{ID: 2, Rule: RuleDeadlineToday, Key: "case:2"}}, nil); len(p.Resolve) != 1 || p.Resolve[0].Reason != ReasonDisabled {
		t.Errorf("disabled %+v", p)
	}
}

func TestValidate(t *testing.T) {
	if err := Defaults().Validate(); err != nil {
		t.Fatalf("defaults: %v", err)
	}
	enc, err := Defaults().Encode()
	if err != nil {
		t.Fatal(err)
	}
	back, err := Decode(enc)
	if err != nil || back.Validate() != nil || len(back.Rules) != len(Defaults().Rules) {
		t.Fatalf("round trip: %v", err)
	}
	bad := []func(*RuleSet){
		func(rs *RuleSet) { rs.Rules[0].Level = "purple" },
		func(rs *RuleSet) { rs.Rules[0].Thresholds[TDays] = -1 },
		func(rs *RuleSet) { rs.Rules[0].Thresholds["bogus"] = 1 },
		func(rs *RuleSet) { rs.Rules = rs.Rules[1:] },
		func(rs *RuleSet) { rs.Rules = append(rs.Rules, Rule{Code: "nope", Name: "x", Level: Red}) },
		func(rs *RuleSet) { rs.Ladders[Red][1].After = 0 },
		func(rs *RuleSet) { rs.Ladders[Red][0].Audiences = []Audience{"nobody"} },
		func(rs *RuleSet) { delete(rs.Ladders, Yellow) },
		func(rs *RuleSet) { rs.DayStart, rs.DayEnd = 18*60, 9*60 },
		func(rs *RuleSet) {
			for i := range rs.Rules {
				if rs.Rules[i].Code == RuleDissatisfied {
					rs.Rules[i].Thresholds[TSatisfaction] = 6
				}
			}
		},
		func(rs *RuleSet) {
			for i := range rs.Rules {
				if rs.Rules[i].Code == RulePrepaidClosure {
					rs.Rules[i].Keywords = nil
				}
			}
		},
	}
	for i, mut := range bad {
		rs := Defaults()
		mut(&rs)
		err := rs.Validate()
		if err == nil {
			t.Errorf("case %d accepted", i)
			continue
		}
		if !strings.ContainsAny(err.Error(), "规则级则梯缺工作满关键") {
			t.Errorf("case %d: message not Chinese: %v", i, err)
		}
	}
	if Defaults().ComplaintWindow() != 30 {
		t.Errorf("window %d", Defaults().ComplaintWindow())
	}
	for _, l := range Levels {
		if l.Label() == "" || l.Short() == "" {
			t.Errorf("level %s unlabelled", l)
		}
	}
}

func TestDuties(t *testing.T) {
	rs := Defaults()
	now := time.Date(2026, 12, 3, 10, 0, 0, 0, calendar.Shanghai())
	in := Inputs{Now: now, Duties: []Duty{
		{Rule: RuleFilingLate, Subject: Subject{Kind: SubjectMediator, ID: 7, Label: "王某"}, UnitID: 3, Explain: "备案逾期"},
		{Rule: RuleItemOverdue, Subject: Subject{Kind: SubjectItem, ID: 9, Label: "事项"}, UnitID: 2, CaseID: 44, Explain: "逾期"},
		{Rule: RuleDeadlineOverdue, Subject: Subject{Kind: SubjectCase, ID: 1}, UnitID: 2}, // not a duty rule: ignored
	}}
	got := Evaluate(rs, in)
	if len(got) != 2 || got[0].Rule != RuleFilingLate || got[0].Level != Yellow || got[1].Rule != RuleItemOverdue ||
		got[1].Level != Orange || got[1].CaseID != 44 || got[1].UnitID != 2 {
		t.Fatalf("findings %+v", got)
	}
	// A disabled duty rule finds nothing; its open warnings resolve as disabled.
	for i := range rs.Rules {
		if rs.Rules[i].Code == RuleItemOverdue {
			rs.Rules[i].Enabled = false
		}
	}
	got = Evaluate(rs, in)
	if len(got) != 1 || got[0].Rule != RuleFilingLate {
		t.Fatalf("with item rule off: %+v", got)
	}
	p := Reconcile(rs, []Open{{ID: 4, Rule: RuleItemOverdue, Key: "action_item:9", Level: Orange}}, got)
	if len(p.Resolve) != 1 || p.Resolve[0].Reason != ReasonDisabled {
		t.Fatalf("plan %+v", p)
	}
	// A version stored before the duty rules existed gains them with their
	// defaults and still validates.
	old := Defaults()
	var kept []Rule
	for _, r := range old.Rules {
		if !slices.Contains(DutyRules, r.Code) {
			kept = append(kept, r)
		}
	}
	old.Rules = kept
	if old.Validate() == nil {
		t.Fatal("a set missing rules validated")
	}
	if err := old.WithDefaults().Validate(); err != nil {
		t.Fatal(err)
	}
}
