package reportrules

import (
	"strings"
	"testing"
	"time"

	"github.com/tiaojie/tiaojie/internal/calendar"
)

func d(s string) calendar.Date {
	x, err := calendar.ParseDate(s)
	if err != nil {
		panic(err)
	}
	return x
}

func TestSpan(t *testing.T) {
	cal := calendar.New([]calendar.Override{{Date: d("2026-12-09"), Workday: false, Name: "区级调整"},
		{Date: d("2026-12-12"), Workday: true, Name: "调休上班"}})
	cases := []struct {
		day, from, to string
		ok            bool
	}{
		{"2026-12-03", "2026-12-02", "2026-12-02", true}, // Thursday: Wednesday
		{"2026-12-07", "2026-12-04", "2026-12-06", true}, // Monday: Friday and the weekend
		{"2026-12-05", "", "", false},                    // Saturday: no report
		{"2026-12-09", "", "", false},                    // a day off by override
		{"2026-12-10", "2026-12-08", "2026-12-09", true}, // after the day off: Tuesday and the day off
		{"2026-12-12", "2026-12-11", "2026-12-11", true}, // a Saturday made a working day (调休)
		{"2026-12-14", "2026-12-12", "2026-12-13", true}, // the Monday after it: from that Saturday
		{"2026-10-08", "2026-09-30", "2026-10-07", true}, // after National Day: the eve and the holiday
	}
	for _, c := range cases {
		from, to, ok := Span(cal, d(c.day))
		if ok != c.ok {
			t.Errorf("%s: ok %v, want %v", c.day, ok, c.ok)
			continue
		}
		if ok && (from.String() != c.from || to.String() != c.to) {
			t.Errorf("%s: span %s..%s, want %s..%s", c.day, from, to, c.from, c.to)
		}
	}
	// Every day of a quarter belongs to exactly one report.
	seen := map[calendar.Date]int{}
	for day := d("2026-09-01"); day.Before(d("2026-12-31")); day = day.AddDays(1) {
		if from, to, ok := Span(cal, day); ok {
			for x := from; !x.After(to); x = x.AddDays(1) {
				seen[x]++
			}
		}
	}
	for day := d("2026-09-02"); day.Before(d("2026-12-29")); day = day.AddDays(1) {
		if seen[day] != 1 {
			t.Errorf("%s is covered by %d reports", day, seen[day])
		}
	}
}

func TestPeriods(t *testing.T) {
	if f, to := Week(d("2026-12-03")); f.String() != "2026-11-30" || to.String() != "2026-12-06" {
		t.Errorf("week of Thursday: %s..%s", f, to)
	}
	if f, to := Week(d("2026-12-06")); f.String() != "2026-11-30" || to.String() != "2026-12-06" {
		t.Errorf("week of Sunday: %s..%s", f, to)
	}
	if f, to := Week(d("2026-11-30")); f.String() != "2026-11-30" || to.String() != "2026-12-06" {
		t.Errorf("week of Monday: %s..%s", f, to)
	}
	if f, to := Month(d("2026-02-14")); f.String() != "2026-02-01" || to.String() != "2026-02-28" {
		t.Errorf("February: %s..%s", f, to)
	}
	if f, to := Month(d("2026-12-31")); f.String() != "2026-12-01" || to.String() != "2026-12-31" {
		t.Errorf("December: %s..%s", f, to)
	}
	cal := calendar.New(nil)
	if n := len(ReportDays(cal, d("2026-11-30"), d("2026-12-06"))); n != 5 {
		t.Errorf("report days of a plain week: %d", n)
	}
}

func TestLateAndDeadline(t *testing.T) {
	dl, err := ParseDeadline("10:00")
	if err != nil {
		t.Fatal(err)
	}
	day := d("2026-12-03")
	at := func(h, m int) time.Time { return time.Date(2026, 12, 3, h, m, 0, 0, calendar.Shanghai()) }
	if Late(day, dl, false, at(9, 59)) {
		t.Error("late before 10:00")
	}
	if !Late(day, dl, false, at(10, 0)) {
		t.Error("not late at 10:00")
	}
	if Late(day, dl, true, at(18, 0)) {
		t.Error("a submitted report is never late")
	}
	for _, bad := range []string{"", "25:00", "10", "ten"} {
		if _, err := ParseDeadline(bad); err == nil || !strings.Contains(err.Error(), "无效") {
			t.Errorf("deadline %q: %v", bad, err)
		}
	}
}

func TestFiguresAndTrend(t *testing.T) {
	tally := map[string]int64{"received": 5, "accepted": 3, "out_rejected": 1, "out_agreed": 2, "out_merged": 1,
		"agreed_oral": 1, "agreed_written": 1, "agreed_fen": 12345, "recovered_fen": 500, "banners": 1, "letters": 2, "claim_fen": 99}
	c := FromTally(tally)
	if c.Received != 5 || c.Accepted != 3 || c.Rejected != 1 || c.Closed != 4 || c.ByOutcome["agreed"] != 2 ||
		c.AgreedFen != 12345 || c.RecoveredFen != 500 || c.Commendations != 3 {
		t.Fatalf("counts %+v", c)
	}
	var sum Counts
	sum.Add(c)
	sum.Add(c)
	if sum.Closed != 8 || sum.ByOutcome["merged"] != 2 || sum.AgreedFen != 24690 {
		t.Errorf("sum %+v", sum)
	}
	lines := c.Lines()
	if lines[0].Code != "received" || lines[len(lines)-1].Code != "commendations" {
		t.Errorf("lines %+v", lines)
	}
	for _, l := range lines {
		if l.Code == "agreed_fen" && l.Show() != "123.45 元" {
			t.Errorf("agreed_fen shows %q", l.Show())
		}
	}
	for _, tc := range []struct {
		now, prev int64
		want      string
	}{{5, 4, "+1（+25.0%）"}, {4, 4, "持平"}, {3, 0, "+3（上期为 0）"}, {0, 2, "-2（-100.0%）"}} {
		if got := Trend(tc.now, tc.prev); got != tc.want {
			t.Errorf("Trend(%d, %d) = %q, want %q", tc.now, tc.prev, got, tc.want)
		}
	}
	if Rate(0, 0) != "—" || Rate(2, 3) != "66.7%" {
		t.Errorf("rates %s %s", Rate(0, 0), Rate(2, 3))
	}
	if Yuan(-150) != "-1.50" {
		t.Errorf("yuan %s", Yuan(-150))
	}
}

func TestNotable(t *testing.T) {
	cases := []struct {
		s    CaseSigns
		want []string
	}{
		{CaseSigns{ReceivedInSpan: true, ClaimFen: BigClaimFen}, []string{"big_claim"}},
		{CaseSigns{ReceivedInSpan: true, ClaimFen: BigClaimFen - 1}, nil},
		{CaseSigns{ReceivedInSpan: false, ClaimFen: BigClaimFen * 2}, nil}, // an old case is not news again
		{CaseSigns{ReceivedInSpan: true, InGroup: true}, []string{"group"}},
		{CaseSigns{Commendations: 2}, []string{"commendation"}},
		{CaseSigns{OverdueFromSpan: true}, []string{"red"}},
		{CaseSigns{ReceivedInSpan: true, ClaimFen: BigClaimFen, InGroup: true, Commendations: 1, OverdueFromSpan: true}, []string{"big_claim", "group", "commendation", "red"}},
		{CaseSigns{}, nil},
	}
	for i, c := range cases {
		got := Notable(c.s)
		var codes []string
		for _, r := range got {
			codes = append(codes, r.Rule)
			if r.Text == "" || r.Label == "" {
				t.Errorf("case %d: reason without words %+v", i, r)
			}
		}
		if strings.Join(codes, ",") != strings.Join(c.want, ",") {
			t.Errorf("case %d: %v, want %v", i, codes, c.want)
		}
	}
	if r := Notable(CaseSigns{ReceivedInSpan: true, ClaimFen: 6_000_000}); !strings.Contains(r[0].Text, "60000.00") {
		t.Errorf("big claim text %q", r[0].Text)
	}
}
