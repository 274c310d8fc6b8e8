package bulletinrules

import (
	"strings"
	"testing"

	"github.com/tiaojie/tiaojie/internal/calendar"
)

func TestNext(t *testing.T) {
	states := []string{Draft, Edited, Approved, Published, "bogus"}
	actions := []string{Edit, Refresh, Approve, Publish, Revise, "bogus"}
	want := map[string]map[string]string{ // "" = refused
		Draft:     {Edit: Edited, Refresh: Draft, Approve: Approved, Publish: "", Revise: ""},
		Edited:    {Edit: Edited, Refresh: Edited, Approve: Approved, Publish: "", Revise: ""},
		Approved:  {Edit: Edited, Refresh: "", Approve: "", Publish: Published, Revise: ""},
		Published: {Edit: "", Refresh: "", Approve: "", Publish: "", Revise: Draft},
	}
	for _, s := range states {
		for _, a := range actions {
			got, err := Next(s, a)
			w := want[s][a]
			if w == "" {
				if err == nil || got != "" {
					t.Errorf("%s/%s: %q %v, want refused", s, a, got, err)
				} else if !strings.ContainsAny(err.Error(), "通报操作状态") {
					t.Errorf("%s/%s: message %q not Chinese", s, a, err)
				}
				continue
			}
			if err != nil || got != w {
				t.Errorf("%s/%s: %q %v, want %q", s, a, got, err, w)
			}
		}
	}
}

func day(s string) calendar.Date {
	d, err := calendar.ParseDate(s)
	if err != nil {
		panic(err)
	}
	return d
}

func TestCheckMonth(t *testing.T) {
	today := day("2026-03-15")
	for _, c := range []struct {
		in, from, to, err string
	}{
		{"2026-02", "2026-02-01", "2026-02-28", ""},
		{" 2024-02 ", "2024-02-01", "2024-02-29", ""},
		{"2025-12", "2025-12-01", "2025-12-31", ""},
		{"2026-03", "", "", "尚未结束"},
		{"2026-04", "", "", "还没有到"},
		{"2026-13", "", "", "无效"},
		{"2026-3", "", "", "无效"},
		{"0999-01", "", "", "无效"},
		{"", "", "", "请指定月份"},
	} {
		p, err := CheckMonth(c.in, today)
		if c.err != "" {
			if err == nil || !strings.Contains(err.Error(), c.err) {
				t.Errorf("%q: %v, want %q", c.in, err, c.err)
			}
			continue
		}
		if err != nil || p.From.String() != c.from || p.To.String() != c.to {
			t.Errorf("%q: %+v %v", c.in, p, err)
		}
	}
	// The first day of the next month: the month has ended.
	if _, err := CheckMonth("2026-02", day("2026-03-01")); err != nil {
		t.Errorf("on the 1st: %v", err)
	}
	if _, err := CheckMonth("2026-02", day("2026-02-28")); err == nil {
		t.Error("on the last day: accepted")
	}
}

func TestPeriods(t *testing.T) {
	p := MonthOf(2026, 1)
	if p.Month != "2026-01" || p.Previous().Month != "2025-12" || p.YearBefore().Month != "2025-01" || p.Label() != "2026年1月" {
		t.Fatalf("%+v %+v %+v", p, p.Previous(), p.YearBefore())
	}
	if m := MonthOf(2024, 3).Previous(); m.To.String() != "2024-02-29" {
		t.Fatalf("leap February ends %s", m.To)
	}
	if l := LastEnded(day("2026-01-01")); l.Month != "2025-12" {
		t.Fatalf("last ended on New Year: %s", l.Month)
	}
	if l := LastEnded(day("2026-03-31")); l.Month != "2026-02" {
		t.Fatalf("last ended: %s", l.Month)
	}
}

func TestChange(t *testing.T) {
	for _, c := range []struct {
		cur, prev float64
		want      string
	}{{120, 100, "+20.0%"}, {95, 100, "-5.0%"}, {5, 0, "新增"}, {0, 0, "持平"}, {7, 7, "持平"}, {0, 4, "-100.0%"}} {
		if got := Change(c.cur, c.prev); got != c.want {
			t.Errorf("Change(%v, %v) = %q, want %q", c.cur, c.prev, got, c.want)
		}
	}
	for _, c := range []struct {
		cur, prev float64
		want      string
	}{{80, 77.5, "+2.5个百分点"}, {70, 75, "-5.0个百分点"}, {60, 60.01, "持平"}} {
		if got := PointsChange(c.cur, c.prev); got != c.want {
			t.Errorf("PointsChange(%v, %v) = %q, want %q", c.cur, c.prev, got, c.want)
		}
	}
	for _, s := range []string{Draft, Edited, Approved, Published} {
		if StateLabel(s) == "" {
			t.Errorf("no label for %s", s)
		}
	}
}
