package roomstandard

import (
	"strings"
	"testing"

	"github.com/tiaojie/tiaojie/internal/calendar"
)

func TestDefaultStandardShape(t *testing.T) {
	s := Default()
	want := []string{"基本要求", "工作流程", "人员配置", "运行管理", "安全管理", "环境设施", "设备配置"}
	if len(s.Parts) != len(want) {
		t.Fatalf("parts: %d", len(s.Parts))
	}
	seen := map[string]bool{}
	for i, p := range s.Parts {
		if p.Name != want[i] || len(p.Items) == 0 {
			t.Errorf("part %d: %+v", i, p)
		}
		for _, it := range p.Items {
			if seen[it.Code] || it.Points <= 0 || it.Text == "" || !strings.HasPrefix(it.Code, p.Code) {
				t.Errorf("item %+v in %s", it, p.Code)
			}
			seen[it.Code] = true
		}
	}
	if s.Possible() != 100 {
		t.Errorf("possible %d, want 100", s.Possible())
	}
	if _, ok := Lookup("nope"); ok {
		t.Error("unknown version found")
	}
	if v := Versions(); len(v) != 1 || v[0] != DefaultVersion {
		t.Errorf("versions %v", v)
	}
}

func all(s Standard, r string) map[string]string {
	out := map[string]string{}
	for _, p := range s.Parts {
		for _, it := range p.Items {
			out[it.Code] = r
		}
	}
	return out
}

func TestEvaluate(t *testing.T) {
	s := Default()
	for _, c := range []struct {
		name   string
		mod    func(map[string]string)
		earned int
	}{
		{"all pass", func(map[string]string) {}, 1000},
		{"one fail", func(m map[string]string) { m["A1"] = Fail }, 960},
		{"one partial", func(m map[string]string) { m["A4"] = Partial }, 985},
		{"partial and fail", func(m map[string]string) { m["B1"] = Partial; m["G3"] = Fail }, 950},
	} {
		m := all(s, Pass)
		c.mod(m)
		sc, errs := Evaluate(s, m)
		if errs != nil || sc.EarnedX10 != c.earned || sc.PossibleX10 != 1000 || len(sc.Parts) != 7 {
			t.Errorf("%s: %+v %v", c.name, sc, errs)
		}
		sum := 0
		for _, p := range sc.Parts {
			sum += p.EarnedX10
		}
		if sum != sc.EarnedX10 {
			t.Errorf("%s: parts add to %d", c.name, sum)
		}
	}
	if sc, _ := Evaluate(s, all(s, Fail)); sc.EarnedX10 != 0 || sc.Percent() != 0 {
		t.Errorf("all fail: %+v", sc)
	}
	if sc, _ := Evaluate(s, all(s, Partial)); sc.Percent() != 50 {
		t.Errorf("all partial: %v", sc.Percent())
	}
	// Every item scored alone: each result moves the score by its points.
	for _, p := range s.Parts {
		for _, it := range p.Items {
			for r, lost := range map[string]int{Pass: 0, Partial: it.Points * 5, Fail: it.Points * 10} {
				m := all(s, Pass)
				m[it.Code] = r
				sc, errs := Evaluate(s, m)
				if errs != nil || sc.EarnedX10 != 1000-lost {
					t.Errorf("%s=%s: %d %v", it.Code, r, sc.EarnedX10, errs)
				}
			}
		}
	}
}

func TestEvaluateRefuses(t *testing.T) {
	s := Default()
	m := all(s, Pass)
	delete(m, "C2")
	m["Z9"] = Pass
	m["A1"] = "maybe"
	_, errs := Evaluate(s, m)
	if len(errs) != 3 {
		t.Fatalf("errors: %v", errs)
	}
	got := errs[0].Message + errs[1].Message + errs[2].Message
	for _, w := range []string{"A1", "C2", "Z9", "无效", "请填写", "不在"} {
		if !strings.Contains(got, w) {
			t.Errorf("messages %q lack %q", got, w)
		}
	}
	if _, errs := Evaluate(s, nil); len(errs) != 24 {
		t.Errorf("empty: %d errors", len(errs))
	}
}

func TestPercent(t *testing.T) {
	for _, c := range []struct {
		e, p int
		want float64
	}{{0, 0, 0}, {955, 1000, 95.5}, {1, 3, 33.3}, {2, 3, 66.7}, {10, 10, 100}} {
		if got := Percent(c.e, c.p); got != c.want {
			t.Errorf("Percent(%d,%d) = %v, want %v", c.e, c.p, got, c.want)
		}
	}
	for _, r := range Results {
		if ResultLabel(r) == "" {
			t.Errorf("no label for %s", r)
		}
	}
	if ResultLabel("x") != "" {
		t.Error("label for unknown")
	}
}

func TestJudge(t *testing.T) {
	today := calendar.Date{Year: 2026, Month: 12, Day: 3}
	good := ModelFacts{InspectionDay: calendar.Date{Year: 2026, Month: 11, Day: 10}, InspectionPercent: 95,
		SuccessNum: 18, SuccessDen: 20, OnTimeNum: 19, OnTimeDen: 20, From: today.AddDays(-365), To: today}
	r := DefaultModelRules
	v := Judge(r, good, today)
	if !v.Qualifies || len(v.Criteria) != 4 {
		t.Fatalf("good room: %+v", v)
	}
	if b := v.Basis(); !strings.Contains(b, "95.0 分") || !strings.Contains(b, "90.0%") || !strings.Contains(b, "95.0%") {
		t.Errorf("basis %q", b)
	}
	for _, c := range []struct {
		name  string
		mod   func(*ModelFacts)
		which int
	}{
		{"never inspected", func(f *ModelFacts) { f.InspectionDay = calendar.Date{} }, 0},
		{"low score", func(f *ModelFacts) { f.InspectionPercent = 89.9 }, 0},
		{"old inspection", func(f *ModelFacts) { f.InspectionDay = today.AddDays(-367) }, 0},
		{"overdue rectification", func(f *ModelFacts) { f.OverdueOpen = 1 }, 1},
		{"low success", func(f *ModelFacts) { f.SuccessNum = 13 }, 2},
		{"too few mediated", func(f *ModelFacts) { f.SuccessNum, f.SuccessDen = 4, 4 }, 2},
		{"no cases", func(f *ModelFacts) { f.SuccessNum, f.SuccessDen = 0, 0 }, 2},
		{"late", func(f *ModelFacts) { f.OnTimeNum = 17 }, 3},
		{"no closures", func(f *ModelFacts) { f.OnTimeNum, f.OnTimeDen = 0, 0 }, 3},
	} {
		f := good
		c.mod(&f)
		v := Judge(r, f, today)
		if v.Qualifies {
			t.Errorf("%s: qualifies", c.name)
		}
		for i, cr := range v.Criteria {
			if cr.Met == (i == c.which) {
				t.Errorf("%s: criterion %d (%s) met=%v: %s", c.name, i, cr.Name, cr.Met, cr.Figure)
			}
		}
	}
	// Boundaries are inclusive.
	f := good
	f.InspectionPercent, f.SuccessNum, f.SuccessDen, f.OnTimeNum, f.OnTimeDen = 90, 7, 10, 9, 10
	f.InspectionDay = today.AddDays(-366)
	if v := Judge(r, f, today); !v.Qualifies {
		t.Errorf("at the thresholds: %+v", v)
	}
	// The rules are data: allowing an overdue item changes the answer.
	f = good
	f.OverdueOpen = 2
	r2 := r
	r2.AllowOverdueRectif = true
	if !Judge(r2, f, today).Qualifies || Judge(r, f, today).Qualifies {
		t.Error("AllowOverdueRectif ignored")
	}
	if !Overdue(today.AddDays(-1), today) || Overdue(today, today) {
		t.Error("Overdue")
	}
}
