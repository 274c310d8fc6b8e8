// Package subsidy holds the pure rules of per-case subsidies (个案补贴): the
// scheme the district justice bureau sets (versioned by effective date), the
// difficulty a case is proposed at, the gates a case must pass, and the
// month's settlement of every candidate case into a line with its amount
// explained in words, or a failure naming the gate. No I/O: the settlement
// capability loads the facts and passes them in, so a batch, a recomputation
// and a test compute the same yuan.
package subsidy

import (
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/tiaojie/tiaojie/internal/domain"
)

// Difficulty is a case's difficulty for the subsidy (难易程度).
type Difficulty string

const (
	Simple  Difficulty = "simple"  // 简易
	Normal  Difficulty = "normal"  // 一般
	Complex Difficulty = "complex" // 疑难复杂
)

// Difficulties in display order.
var Difficulties = []Difficulty{Simple, Normal, Complex}

var difficultyLabels = map[Difficulty]string{Simple: "简易", Normal: "一般", Complex: "疑难复杂"}

// Label is the Chinese name ("" when unknown).
func (d Difficulty) Label() string { return difficultyLabels[d] }

// Valid reports whether d is one of the three levels.
func (d Difficulty) Valid() bool { _, ok := difficultyLabels[d]; return ok }

// Agreement forms.
const (
	FormOral    = "oral"
	FormWritten = "written"
)

// FormLabel names an agreement form.
func FormLabel(f string) string {
	switch f {
	case FormOral:
		return "口头协议"
	case FormWritten:
		return "书面协议"
	}
	return ""
}

// Group modes: every member case earns its own amount (capped per group),
// or the group earns one amount, paid on its first qualifying case.
const (
	GroupPerCase  = "per_case"
	GroupPerGroup = "per_group"
)

// DifficultyRule proposes a case's difficulty from its amount, its number
// of parties and its mediation sessions; the room lead confirms it.
type DifficultyRule struct {
	ComplexFromFen      int64 `json:"complex_from_fen"`      // claim at or above: 疑难复杂
	ComplexFromParties  int   `json:"complex_from_parties"`  // parties at or above: 疑难复杂
	ComplexFromSessions int   `json:"complex_from_sessions"` // sessions at or above: 疑难复杂
	SimpleUpToFen       int64 `json:"simple_up_to_fen"`      // claim at or below …
	SimpleUpToSessions  int   `json:"simple_up_to_sessions"` // … and sessions at or below, two parties: 简易
}

// Propose returns the proposed difficulty and why, in words.
func (r DifficultyRule) Propose(claimFen int64, parties, sessions int) (Difficulty, string) {
	var why []string
	if r.ComplexFromFen > 0 && claimFen >= r.ComplexFromFen {
		why = append(why, fmt.Sprintf("涉及金额 %s元 ≥ %s元", domain.FormatFen(claimFen), domain.FormatFen(r.ComplexFromFen)))
	}
	if r.ComplexFromParties > 0 && parties >= r.ComplexFromParties {
		why = append(why, fmt.Sprintf("当事人 %d 方 ≥ %d 方", parties, r.ComplexFromParties))
	}
	if r.ComplexFromSessions > 0 && sessions >= r.ComplexFromSessions {
		why = append(why, fmt.Sprintf("调解 %d 次 ≥ %d 次", sessions, r.ComplexFromSessions))
	}
	if len(why) > 0 {
		return Complex, strings.Join(why, "，")
	}
	if claimFen <= r.SimpleUpToFen && sessions <= r.SimpleUpToSessions && parties <= 2 {
		return Simple, fmt.Sprintf("涉及金额 %s元 ≤ %s元，调解 %d 次，当事人不超过两方",
			domain.FormatFen(claimFen), domain.FormatFen(r.SimpleUpToFen), sessions)
	}
	return Normal, fmt.Sprintf("涉及金额 %s元，当事人 %d 方，调解 %d 次：不属简易或疑难复杂",
		domain.FormatFen(claimFen), parties, sessions)
}

// Rate is the amount of an agreed case of one form, difficulty and performance.
type Rate struct {
	Form       string     `json:"form"`
	Difficulty Difficulty `json:"difficulty"`
	Performed  bool       `json:"performed"`
	Fen        int64      `json:"fen"`
}

// TerminatedRate is the amount of a properly terminated case (调解不成，依法终止) of one difficulty.
type TerminatedRate struct {
	Difficulty Difficulty `json:"difficulty"`
	Fen        int64      `json:"fen"`
}

// GroupRule says how group disputes (群体纠纷) are paid.
type GroupRule struct {
	Mode     string `json:"mode"`      // per_case | per_group
	GroupFen int64  `json:"group_fen"` // per_group: the group's amount
	CapFen   int64  `json:"cap_fen"`   // per_case: most a group's cases earn together (0: no cap)
}

// GradeRate is the multiplier of a mediator grade, in percent (120 = ×1.2).
type GradeRate struct {
	Grade   string `json:"grade"` // internal/grading's codes: none, 4, 3, 2, 1
	Percent int    `json:"percent"`
}

// Scheme is one version of a district's subsidy scheme.
type Scheme struct {
	Version       string `json:"version"`
	EffectiveFrom string `json:"effective_from"` // YYYY-MM-DD
	// Example marks illustrative amounts (示例), never set by a bureau.
	Example bool   `json:"example"`
	Note    string `json:"note,omitempty"`
	// CutoffDay is the day of the month a batch closes (default 25).
	CutoffDay  int              `json:"cutoff_day"`
	Difficulty DifficultyRule   `json:"difficulty"`
	Agreed     []Rate           `json:"agreed"`
	Terminated []TerminatedRate `json:"terminated"`
	// JudicialFen is added for an agreement the court confirmed (司法确认).
	JudicialFen int64       `json:"judicial_fen"`
	Group       GroupRule   `json:"group"`
	Grades      []GradeRate `json:"grades"`
	// MediatorMonthCapFen is the most one mediator earns in one batch (0: no cap).
	MediatorMonthCapFen int64 `json:"mediator_month_cap_fen"`
	// YearBudgetFen is the committee's budget for the calendar year (0: none set).
	YearBudgetFen int64 `json:"year_budget_fen"`
}

// Grades are the grade codes a scheme must price (internal/grading's).
var Grades = []string{"none", "4", "3", "2", "1"}

var gradeLabels = map[string]string{"none": "无等级", "4": "四级", "3": "三级", "2": "二级", "1": "一级"}

// GradeLabel names a grade code.
func GradeLabel(g string) string {
	if l, ok := gradeLabels[g]; ok {
		return l
	}
	return "无等级"
}

// Default is the illustrative scheme (示例) a district starts from.
func Default() Scheme {
	s := Scheme{Version: "示例-1", EffectiveFrom: "2024-01-01", Example: true, CutoffDay: 25,
		Note: "示例金额，仅供演示，须由区司法局按本区财政安排设定。",
		Difficulty: DifficultyRule{ComplexFromFen: 5_000_000, ComplexFromParties: 4, ComplexFromSessions: 3,
			SimpleUpToFen: 100_000, SimpleUpToSessions: 1},
		JudicialFen:         5_000,
		Group:               GroupRule{Mode: GroupPerCase, GroupFen: 100_000, CapFen: 200_000},
		Grades:              []GradeRate{{"none", 100}, {"4", 100}, {"3", 110}, {"2", 120}, {"1", 150}},
		MediatorMonthCapFen: 500_000,
		YearBudgetFen:       60_000_000,
	}
	base := map[Difficulty]int64{Simple: 10_000, Normal: 20_000, Complex: 40_000}
	for _, d := range Difficulties {
		for _, form := range []string{FormWritten, FormOral} {
			b := base[d]
			if form == FormOral {
				b /= 2
			}
			s.Agreed = append(s.Agreed, Rate{Form: form, Difficulty: d, Performed: true, Fen: b})
			s.Agreed = append(s.Agreed, Rate{Form: form, Difficulty: d, Performed: false, Fen: b / 2})
		}
	}
	s.Terminated = []TerminatedRate{{Simple, 0}, {Normal, 3_000}, {Complex, 8_000}}
	return s
}

// Cutoff is the cut-off day (default 25).
func (s Scheme) Cutoff() int {
	if s.CutoffDay <= 0 {
		return 25
	}
	return s.CutoffDay
}

// Rate finds the amount of an agreed case (false: the scheme has no such rate).
func (s Scheme) Rate(form string, d Difficulty, performed bool) (int64, bool) {
	for _, r := range s.Agreed {
		if r.Form == form && r.Difficulty == d && r.Performed == performed {
			return r.Fen, true
		}
	}
	return 0, false
}

// TerminatedFen finds the amount of a properly terminated case.
func (s Scheme) TerminatedFen(d Difficulty) int64 {
	for _, r := range s.Terminated {
		if r.Difficulty == d {
			return r.Fen
		}
	}
	return 0
}

// Percent is the grade's multiplier in percent (100 when the scheme has none).
func (s Scheme) Percent(grade string) int {
	if grade == "" {
		grade = "none"
	}
	for _, g := range s.Grades {
		if g.Grade == grade {
			return g.Percent
		}
	}
	return 100
}

// Problem is one thing wrong with a scheme: the field and the words.
type Problem struct{ Field, Message string }

// Validate lists what is wrong with the scheme, in Chinese (nil: fine).
func (s Scheme) Validate() []Problem {
	var ps []Problem
	add := func(f, m string, a ...any) { ps = append(ps, Problem{f, fmt.Sprintf(m, a...)}) }
	if strings.TrimSpace(s.Version) == "" || len([]rune(s.Version)) > 40 {
		add("version", "版本号必填，不超过40个字符")
	}
	if _, err := time.Parse(time.DateOnly, s.EffectiveFrom); err != nil {
		add("effective_from", "生效日期须为 YYYY-MM-DD")
	}
	if s.CutoffDay < 1 || s.CutoffDay > 28 {
		add("cutoff_day", "截止日须在每月1日至28日之间")
	}
	nonNeg := func(f, name string, v int64) {
		if v < 0 {
			add(f, "%s不能为负数", name)
		}
	}
	for _, d := range Difficulties {
		for _, form := range []string{FormWritten, FormOral} {
			for _, perf := range []bool{true, false} {
				v, ok := s.Rate(form, d, perf)
				if !ok {
					add("agreed", "缺少%s·%s·%s的金额", FormLabel(form), d.Label(), performedLabel(perf))
				}
				nonNeg("agreed", FormLabel(form)+"·"+d.Label()+"金额", v)
			}
		}
		nonNeg("terminated", "终止案件金额", s.TerminatedFen(d))
	}
	for _, r := range s.Agreed {
		if !r.Difficulty.Valid() || FormLabel(r.Form) == "" {
			add("agreed", "金额表含未知的协议形式或难度")
		}
	}
	nonNeg("judicial_fen", "司法确认加发", s.JudicialFen)
	nonNeg("mediator_month_cap_fen", "每人每月上限", s.MediatorMonthCapFen)
	nonNeg("year_budget_fen", "年度预算", s.YearBudgetFen)
	switch s.Group.Mode {
	case GroupPerCase, GroupPerGroup:
	default:
		add("group.mode", "群体纠纷计发方式须为按件或按组")
	}
	nonNeg("group.group_fen", "群体纠纷按组金额", s.Group.GroupFen)
	nonNeg("group.cap_fen", "群体纠纷封顶金额", s.Group.CapFen)
	for _, g := range Grades {
		found := false
		for _, r := range s.Grades {
			if r.Grade == g {
				found = true
				if r.Percent < 0 || r.Percent > 500 {
					add("grades", "%s系数须在0至5之间", GradeLabel(g))
				}
			}
		}
		if !found {
			add("grades", "缺少%s的系数", GradeLabel(g))
		}
	}
	d := s.Difficulty
	if d.ComplexFromFen < 0 || d.SimpleUpToFen < 0 || d.ComplexFromParties < 0 || d.ComplexFromSessions < 0 || d.SimpleUpToSessions < 0 {
		add("difficulty", "难度规则的阈值不能为负数")
	}
	if d.ComplexFromFen > 0 && d.SimpleUpToFen >= d.ComplexFromFen {
		add("difficulty", "简易案件金额上限须低于疑难复杂案件金额下限")
	}
	return ps
}

func performedLabel(p bool) string {
	if p {
		return "已履行"
	}
	return "未履行"
}

// InForce is the scheme in force on day (YYYY-MM-DD): the latest effective
// on or before it (false when none is).
func InForce(schemes []Scheme, day string) (Scheme, bool) {
	return inForce(sorted(schemes), day)
}

// sorted orders versions by effective date (stable: the later-listed of
// two on one day wins).
func sorted(schemes []Scheme) []Scheme {
	ss := slices.Clone(schemes)
	sort.SliceStable(ss, func(i, j int) bool { return ss[i].EffectiveFrom < ss[j].EffectiveFrom })
	return ss
}

// inForce is InForce over versions already sorted.
func inForce(ss []Scheme, day string) (Scheme, bool) {
	var out Scheme
	ok := false
	for _, s := range ss {
		if s.EffectiveFrom > day {
			break
		}
		out, ok = s, true
	}
	return out, ok
}

// PercentText writes a percent multiplier as a factor with at least one
// decimal, as the bureaus write them: 100 → "1.0", 120 → "1.2", 105 → "1.05".
func PercentText(p int) string {
	s := strings.TrimRight(fmt.Sprintf("%d.%02d", p/100, p%100), "0")
	if strings.HasSuffix(s, ".") {
		s += "0"
	}
	return s
}
