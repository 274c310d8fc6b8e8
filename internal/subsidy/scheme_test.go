package subsidy

import (
	"slices"
	"strings"
	"testing"
)

func TestDefaultValidatesClean(t *testing.T) {
	s := Default()
	if ps := s.Validate(); len(ps) != 0 {
		t.Fatalf("Default() has problems: %+v", ps)
	}
	if !s.Example || s.CutoffDay != 25 || s.Cutoff() != 25 {
		t.Errorf("default example %v cutoff %d/%d", s.Example, s.CutoffDay, s.Cutoff())
	}
	if !strings.Contains(s.Note, "示例") {
		t.Errorf("default note %q does not say 示例", s.Note)
	}
	// Every cell of the agreed table is priced exactly once.
	if len(s.Agreed) != 12 {
		t.Errorf("agreed cells %d, want 12", len(s.Agreed))
	}
	for _, d := range Difficulties {
		for _, form := range []string{FormWritten, FormOral} {
			for _, perf := range []bool{true, false} {
				n := 0
				for _, r := range s.Agreed {
					if r.Form == form && r.Difficulty == d && r.Performed == perf {
						n++
					}
				}
				if n != 1 {
					t.Errorf("%s/%s/%v priced %d times", form, d, perf, n)
				}
			}
		}
	}
}

func TestDefaultAmounts(t *testing.T) {
	s := Default()
	want := map[string]int64{
		"written/simple/true": 10_000, "written/simple/false": 5_000,
		"written/normal/true": 20_000, "written/normal/false": 10_000,
		"written/complex/true": 40_000, "written/complex/false": 20_000,
		"oral/simple/true": 5_000, "oral/simple/false": 2_500,
		"oral/normal/true": 10_000, "oral/normal/false": 5_000,
		"oral/complex/true": 20_000, "oral/complex/false": 10_000,
	}
	for _, d := range Difficulties {
		for _, form := range []string{FormWritten, FormOral} {
			for _, perf := range []bool{true, false} {
				key := form + "/" + string(d) + "/" + map[bool]string{true: "true", false: "false"}[perf]
				got, ok := s.Rate(form, d, perf)
				if !ok || got != want[key] {
					t.Errorf("Rate(%s) = %d, %v; want %d", key, got, ok, want[key])
				}
			}
		}
	}
	if _, ok := s.Rate("video", Normal, true); ok {
		t.Error("Rate of an unknown form found a cell")
	}
	if _, ok := s.Rate(FormWritten, "hard", true); ok {
		t.Error("Rate of an unknown difficulty found a cell")
	}
	for d, want := range map[Difficulty]int64{Simple: 0, Normal: 3_000, Complex: 8_000, "hard": 0} {
		if got := s.TerminatedFen(d); got != want {
			t.Errorf("TerminatedFen(%s) = %d, want %d", d, got, want)
		}
	}
	for g, want := range map[string]int{"none": 100, "": 100, "4": 100, "3": 110, "2": 120, "1": 150, "9": 100} {
		if got := s.Percent(g); got != want {
			t.Errorf("Percent(%q) = %d, want %d", g, got, want)
		}
	}
}

func TestLabels(t *testing.T) {
	for d, want := range map[Difficulty]string{Simple: "简易", Normal: "一般", Complex: "疑难复杂", "x": ""} {
		if d.Label() != want || d.Valid() != (want != "") {
			t.Errorf("%q: label %q valid %v", d, d.Label(), d.Valid())
		}
	}
	for f, want := range map[string]string{FormOral: "口头协议", FormWritten: "书面协议", "": "", "x": ""} {
		if got := FormLabel(f); got != want {
			t.Errorf("FormLabel(%q) = %q, want %q", f, got, want)
		}
	}
	for g, want := range map[string]string{"none": "无等级", "4": "四级", "3": "三级", "2": "二级", "1": "一级", "": "无等级", "7": "无等级"} {
		if got := GradeLabel(g); got != want {
			t.Errorf("GradeLabel(%q) = %q, want %q", g, got, want)
		}
	}
	if !slices.Equal(Difficulties, []Difficulty{Simple, Normal, Complex}) {
		t.Errorf("Difficulties %v", Difficulties)
	}
	if !slices.Equal(Grades, []string{"none", "4", "3", "2", "1"}) {
		t.Errorf("Grades %v", Grades)
	}
}

func TestCutoffDefault(t *testing.T) {
	for day, want := range map[int]int{0: 25, -3: 25, 1: 1, 20: 20, 28: 28} {
		if got := (Scheme{CutoffDay: day}).Cutoff(); got != want {
			t.Errorf("Cutoff(%d) = %d, want %d", day, got, want)
		}
	}
}

func TestValidateEachProblem(t *testing.T) {
	dropRate := func(form string, d Difficulty, perf bool) func(*Scheme) {
		return func(s *Scheme) {
			s.Agreed = slices.DeleteFunc(s.Agreed, func(r Rate) bool {
				return r.Form == form && r.Difficulty == d && r.Performed == perf
			})
		}
	}
	setRate := func(form string, d Difficulty, perf bool, fen int64) func(*Scheme) {
		return func(s *Scheme) {
			for i, r := range s.Agreed {
				if r.Form == form && r.Difficulty == d && r.Performed == perf {
					s.Agreed[i].Fen = fen
				}
			}
		}
	}
	dropGrade := func(g string) func(*Scheme) {
		return func(s *Scheme) {
			s.Grades = slices.DeleteFunc(s.Grades, func(r GradeRate) bool { return r.Grade == g })
		}
	}
	setGrade := func(g string, p int) func(*Scheme) {
		return func(s *Scheme) {
			for i := range s.Grades {
				if s.Grades[i].Grade == g {
					s.Grades[i].Percent = p
				}
			}
		}
	}
	cases := []struct {
		name   string
		change func(*Scheme)
		field  string
		msg    string // the whole message
	}{
		{"empty version", func(s *Scheme) { s.Version = "  " }, "version", "版本号必填，不超过40个字符"},
		{"long version", func(s *Scheme) { s.Version = strings.Repeat("版", 41) }, "version", "版本号必填，不超过40个字符"},
		{"bad effective date", func(s *Scheme) { s.EffectiveFrom = "2024/01/01" }, "effective_from", "生效日期须为 YYYY-MM-DD"},
		{"empty effective date", func(s *Scheme) { s.EffectiveFrom = "" }, "effective_from", "生效日期须为 YYYY-MM-DD"},
		{"impossible effective date", func(s *Scheme) { s.EffectiveFrom = "2024-02-30" }, "effective_from", "生效日期须为 YYYY-MM-DD"},
		{"cutoff 0", func(s *Scheme) { s.CutoffDay = 0 }, "cutoff_day", "截止日须在每月1日至28日之间"},
		{"cutoff 29", func(s *Scheme) { s.CutoffDay = 29 }, "cutoff_day", "截止日须在每月1日至28日之间"},
		{"cutoff -1", func(s *Scheme) { s.CutoffDay = -1 }, "cutoff_day", "截止日须在每月1日至28日之间"},
		{"missing written normal performed", dropRate(FormWritten, Normal, true), "agreed", "缺少书面协议·一般·已履行的金额"},
		{"missing oral complex unperformed", dropRate(FormOral, Complex, false), "agreed", "缺少口头协议·疑难复杂·未履行的金额"},
		{"missing oral simple performed", dropRate(FormOral, Simple, true), "agreed", "缺少口头协议·简易·已履行的金额"},
		{"negative rate", setRate(FormWritten, Simple, false, -1), "agreed", "书面协议·简易金额不能为负数"},
		{"unknown form in table", func(s *Scheme) { s.Agreed = append(s.Agreed, Rate{Form: "video", Difficulty: Normal, Fen: 1}) }, "agreed", "金额表含未知的协议形式或难度"},
		{"unknown difficulty in table", func(s *Scheme) { s.Agreed = append(s.Agreed, Rate{Form: FormOral, Difficulty: "hard", Fen: 1}) }, "agreed", "金额表含未知的协议形式或难度"},
		{"negative terminated", func(s *Scheme) { s.Terminated[1].Fen = -100 }, "terminated", "终止案件金额不能为负数"},
		{"negative judicial", func(s *Scheme) { s.JudicialFen = -1 }, "judicial_fen", "司法确认加发不能为负数"},
		{"negative month cap", func(s *Scheme) { s.MediatorMonthCapFen = -1 }, "mediator_month_cap_fen", "每人每月上限不能为负数"},
		{"negative budget", func(s *Scheme) { s.YearBudgetFen = -1 }, "year_budget_fen", "年度预算不能为负数"},
		{"unknown group mode", func(s *Scheme) { s.Group.Mode = "per_person" }, "group.mode", "群体纠纷计发方式须为按件或按组"},
		{"empty group mode", func(s *Scheme) { s.Group.Mode = "" }, "group.mode", "群体纠纷计发方式须为按件或按组"},
		{"negative group amount", func(s *Scheme) { s.Group.GroupFen = -1 }, "group.group_fen", "群体纠纷按组金额不能为负数"},
		{"negative group cap", func(s *Scheme) { s.Group.CapFen = -1 }, "group.cap_fen", "群体纠纷封顶金额不能为负数"},
		{"missing grade none", dropGrade("none"), "grades", "缺少无等级的系数"},
		{"missing grade 1", dropGrade("1"), "grades", "缺少一级的系数"},
		{"missing grade 2", dropGrade("2"), "grades", "缺少二级的系数"},
		{"missing grade 3", dropGrade("3"), "grades", "缺少三级的系数"},
		{"missing grade 4", dropGrade("4"), "grades", "缺少四级的系数"},
		{"negative grade", setGrade("3", -10), "grades", "三级系数须在0至5之间"},
		{"grade above 5", setGrade("1", 501), "grades", "一级系数须在0至5之间"},
		{"negative complex amount threshold", func(s *Scheme) { s.Difficulty.ComplexFromFen = -1 }, "difficulty", "难度规则的阈值不能为负数"},
		{"negative simple amount threshold", func(s *Scheme) { s.Difficulty.SimpleUpToFen = -1 }, "difficulty", "难度规则的阈值不能为负数"},
		{"negative parties threshold", func(s *Scheme) { s.Difficulty.ComplexFromParties = -1 }, "difficulty", "难度规则的阈值不能为负数"},
		{"negative sessions threshold", func(s *Scheme) { s.Difficulty.ComplexFromSessions = -1 }, "difficulty", "难度规则的阈值不能为负数"},
		{"negative simple sessions threshold", func(s *Scheme) { s.Difficulty.SimpleUpToSessions = -1 }, "difficulty", "难度规则的阈值不能为负数"},
		{"simple limit equals complex floor", func(s *Scheme) { s.Difficulty.SimpleUpToFen = s.Difficulty.ComplexFromFen }, "difficulty", "简易案件金额上限须低于疑难复杂案件金额下限"},
		{"simple limit above complex floor", func(s *Scheme) { s.Difficulty.SimpleUpToFen = s.Difficulty.ComplexFromFen + 1 }, "difficulty", "简易案件金额上限须低于疑难复杂案件金额下限"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s := Default()
			tc.change(&s)
			ps := s.Validate()
			if len(ps) != 1 {
				t.Fatalf("want exactly one problem, got %+v", ps)
			}
			if ps[0].Field != tc.field || ps[0].Message != tc.msg {
				t.Errorf("got %+v, want {%s %s}", ps[0], tc.field, tc.msg)
			}
		})
	}
}

func TestValidateBoundariesAccepted(t *testing.T) {
	for name, change := range map[string]func(*Scheme){
		"cutoff 1":                     func(s *Scheme) { s.CutoffDay = 1 },
		"cutoff 28":                    func(s *Scheme) { s.CutoffDay = 28 },
		"version 40 runes":             func(s *Scheme) { s.Version = strings.Repeat("版", 40) },
		"grade 0":                      func(s *Scheme) { s.Grades[0].Percent = 0 },
		"grade 500":                    func(s *Scheme) { s.Grades[4].Percent = 500 },
		"zero amounts":                 func(s *Scheme) { s.JudicialFen, s.MediatorMonthCapFen, s.YearBudgetFen = 0, 0, 0 },
		"per group":                    func(s *Scheme) { s.Group.Mode = GroupPerGroup },
		"no complex amount threshold":  func(s *Scheme) { s.Difficulty.ComplexFromFen = 0 },
		"simple limit just below":      func(s *Scheme) { s.Difficulty.SimpleUpToFen = s.Difficulty.ComplexFromFen - 1 },
		"terminated table left empty":  func(s *Scheme) { s.Terminated = nil },
		"terminated amount zero":       func(s *Scheme) { s.Terminated[2].Fen = 0 },
		"rates of zero are acceptable": func(s *Scheme) { s.Agreed[0].Fen = 0 },
	} {
		s := Default()
		change(&s)
		if ps := s.Validate(); len(ps) != 0 {
			t.Errorf("%s: unexpected problems %+v", name, ps)
		}
	}
}

func TestValidateCollectsEveryProblem(t *testing.T) {
	s := Scheme{} // nothing set at all
	ps := s.Validate()
	fields := map[string]int{}
	for _, p := range ps {
		fields[p.Field]++
		if p.Message == "" || !hasHan(p.Message) {
			t.Errorf("problem %+v has no Chinese message", p)
		}
	}
	for f, n := range map[string]int{"version": 1, "effective_from": 1, "cutoff_day": 1, "agreed": 12, "group.mode": 1, "grades": 5} {
		if fields[f] != n {
			t.Errorf("field %s reported %d times, want %d (all: %+v)", f, fields[f], n, ps)
		}
	}
	if len(ps) != 21 {
		t.Errorf("%d problems, want 21: %+v", len(ps), ps)
	}
}

func hasHan(s string) bool {
	for _, r := range s {
		if r >= 0x4e00 && r <= 0x9fff {
			return true
		}
	}
	return false
}

func TestPropose(t *testing.T) {
	r := Default().Difficulty // complex: ≥50,000.00元 or ≥4 parties or ≥3 sessions; simple: ≤1,000.00元, ≤1 session, 2 parties
	cases := []struct {
		name     string
		claim    int64
		parties  int
		sessions int
		want     Difficulty
		why      string
	}{
		{"amount at complex floor", 5_000_000, 2, 1, Complex, "涉及金额 50,000.00元 ≥ 50,000.00元"},
		{"amount above complex floor", 9_000_000, 2, 0, Complex, "涉及金额 90,000.00元 ≥ 50,000.00元"},
		{"parties at complex floor", 50_000, 4, 1, Complex, "当事人 4 方 ≥ 4 方"},
		{"sessions at complex floor", 50_000, 2, 3, Complex, "调解 3 次 ≥ 3 次"},
		{"every complex reason", 5_000_000, 5, 4, Complex, "涉及金额 50,000.00元 ≥ 50,000.00元，当事人 5 方 ≥ 4 方，调解 4 次 ≥ 3 次"},
		{"parties and sessions", 0, 4, 3, Complex, "当事人 4 方 ≥ 4 方，调解 3 次 ≥ 3 次"},
		{"simple at every limit", 100_000, 2, 1, Simple, "涉及金额 1,000.00元 ≤ 1,000.00元，调解 1 次，当事人不超过两方"},
		{"simple, nothing claimed", 0, 2, 0, Simple, "涉及金额 0.00元 ≤ 1,000.00元，调解 0 次，当事人不超过两方"},
		{"amount one fen over simple", 100_001, 2, 1, Normal, "涉及金额 1,000.01元，当事人 2 方，调解 1 次：不属简易或疑难复杂"},
		{"amount one fen under complex", 4_999_999, 2, 1, Normal, "涉及金额 49,999.99元，当事人 2 方，调解 1 次：不属简易或疑难复杂"},
		{"three parties", 50_000, 3, 1, Normal, "涉及金额 500.00元，当事人 3 方，调解 1 次：不属简易或疑难复杂"},
		{"two sessions", 50_000, 2, 2, Normal, "涉及金额 500.00元，当事人 2 方，调解 2 次：不属简易或疑难复杂"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			d, why := r.Propose(tc.claim, tc.parties, tc.sessions)
			if d != tc.want || why != tc.why {
				t.Errorf("Propose(%d, %d, %d) = %s %q, want %s %q", tc.claim, tc.parties, tc.sessions, d, why, tc.want, tc.why)
			}
		})
	}
}

func TestProposeDisabledComplexThresholds(t *testing.T) {
	// A zero complex threshold is off: no claim, party count or session count makes a case 疑难复杂.
	r := DifficultyRule{SimpleUpToFen: 100_000, SimpleUpToSessions: 1}
	if d, _ := r.Propose(1<<50, 99, 99); d != Normal {
		t.Errorf("with complex thresholds off, got %s", d)
	}
	if d, _ := r.Propose(100, 2, 1); d != Simple {
		t.Errorf("simple case got %s", d)
	}
	// The zero rule: nothing is complex, only a claim of 0 with no session and two parties is simple.
	var zero DifficultyRule
	if d, _ := zero.Propose(0, 2, 0); d != Simple {
		t.Errorf("zero rule, empty case: %s", d)
	}
	if d, _ := zero.Propose(1, 2, 0); d != Normal {
		t.Errorf("zero rule, 0.01元: %s", d)
	}
}

func TestInForce(t *testing.T) {
	a := Scheme{Version: "A", EffectiveFrom: "2026-01-01"}
	b := Scheme{Version: "B", EffectiveFrom: "2026-10-15"}
	c := Scheme{Version: "C", EffectiveFrom: "2027-01-01"}
	// Given out of order on purpose.
	schemes := []Scheme{c, a, b}
	for day, want := range map[string]string{
		"2025-12-31": "", "2026-01-01": "A", "2026-10-14": "A", "2026-10-15": "B", "2026-12-31": "B", "2027-01-01": "C", "2030-05-05": "C",
	} {
		s, ok := InForce(schemes, day)
		if ok != (want != "") || s.Version != want {
			t.Errorf("InForce(%s) = %q %v, want %q", day, s.Version, ok, want)
		}
	}
	if schemes[0].Version != "C" {
		t.Error("InForce reordered its input")
	}
	if _, ok := InForce(nil, "2026-01-01"); ok {
		t.Error("InForce of no scheme found one")
	}
}

func TestPercentText(t *testing.T) {
	for p, want := range map[int]string{100: "1.0", 120: "1.2", 105: "1.05", 150: "1.5", 110: "1.1", 0: "0.0", 50: "0.5", 5: "0.05", 200: "2.0", 500: "5.0", 1000: "10.0", 101: "1.01", 99: "0.99"} {
		if got := PercentText(p); got != want {
			t.Errorf("PercentText(%d) = %q, want %q", p, got, want)
		}
	}
}
