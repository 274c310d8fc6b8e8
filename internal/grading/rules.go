package grading

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"

	"github.com/tiaojie/tiaojie/internal/calendar"
	"github.com/tiaojie/tiaojie/internal/domain"
)

// Criteria are the thresholds of one grade.
type Criteria struct {
	Grade         string  `json:"grade"`
	YearsInPost   int     `json:"years_in_post"`   // full years since appointment, at least
	Cases         int64   `json:"cases"`           // cases handled (closed after acceptance), at least
	OralMaxPct    int     `json:"oral_max_pct"`    // oral agreements among agreements, at most (percent)
	SuccessMinPct int     `json:"success_min_pct"` // agreed among agreed + not agreed, at least (percent)
	NoImproper    bool    `json:"no_improper"`     // no case escalated through improper mediation
	TrainingHours float64 `json:"training_hours"`  // training hours of the last full year, at least
}

// RuleSet is one version of the grade rules, from lowest grade to highest.
type RuleSet struct {
	EffectiveFrom calendar.Date `json:"effective_from"`
	Grades        []Criteria    `json:"grades"`
}

// DefaultRules is the built-in table in force until a committee saves its own.
func DefaultRules() RuleSet {
	return RuleSet{EffectiveFrom: calendar.Date{Year: 2020, Month: 1, Day: 1}, Grades: []Criteria{
		{Grade: "4", YearsInPost: 2, Cases: 50, OralMaxPct: 30, SuccessMinPct: 85, NoImproper: true, TrainingHours: 24},
		{Grade: "3", YearsInPost: 4, Cases: 150, OralMaxPct: 30, SuccessMinPct: 88, NoImproper: true, TrainingHours: 32},
		{Grade: "2", YearsInPost: 6, Cases: 300, OralMaxPct: 25, SuccessMinPct: 90, NoImproper: true, TrainingHours: 40},
		{Grade: "1", YearsInPost: 8, Cases: 500, OralMaxPct: 20, SuccessMinPct: 92, NoImproper: true, TrainingHours: 48},
	}}
}

// Validate checks a rule set: every grade 四级…一级 once, thresholds in
// range and not easier for a higher grade.
func (rs RuleSet) Validate() error {
	var errs []string
	if rs.EffectiveFrom.IsZero() {
		errs = append(errs, "缺少生效日期")
	}
	seen := map[string]bool{}
	for _, c := range rs.Grades {
		l := Label(Grades, c.Grade)
		switch {
		case c.Grade == GradeNone || l == "":
			errs = append(errs, fmt.Sprintf("等级“%s”无效", c.Grade))
			continue
		case seen[c.Grade]:
			errs = append(errs, fmt.Sprintf("%s重复", l))
		}
		seen[c.Grade] = true
		if c.YearsInPost < 0 || c.YearsInPost > 50 {
			errs = append(errs, fmt.Sprintf("%s的任职年限应在 0–50 年之间", l))
		}
		if c.Cases < 0 {
			errs = append(errs, fmt.Sprintf("%s的办案数不能为负", l))
		}
		if c.OralMaxPct < 0 || c.OralMaxPct > 100 || c.SuccessMinPct < 0 || c.SuccessMinPct > 100 {
			errs = append(errs, fmt.Sprintf("%s的比例应在 0–100 之间", l))
		}
		if c.TrainingHours < 0 || c.TrainingHours > 1000 {
			errs = append(errs, fmt.Sprintf("%s的培训学时应在 0–1000 之间", l))
		}
	}
	if len(seen) != len(Grades)-1 && len(errs) == 0 {
		errs = append(errs, "须为四级、三级、二级、一级各定一组条件")
	}
	if len(errs) == 0 {
		s := rs.sorted()
		for i := 1; i < len(s); i++ {
			lo, hi := s[i-1], s[i]
			if hi.YearsInPost < lo.YearsInPost || hi.Cases < lo.Cases || hi.SuccessMinPct < lo.SuccessMinPct ||
				hi.OralMaxPct > lo.OralMaxPct || hi.TrainingHours < lo.TrainingHours || (lo.NoImproper && !hi.NoImproper) {
				errs = append(errs, fmt.Sprintf("%s的条件不能低于%s", Label(Grades, hi.Grade), Label(Grades, lo.Grade)))
			}
		}
	}
	if len(errs) > 0 {
		return &domain.FieldError{Field: "rules", Message: strings.Join(errs, "；")}
	}
	return nil
}

// sorted returns the criteria from lowest grade to highest.
func (rs RuleSet) sorted() []Criteria {
	s := append([]Criteria(nil), rs.Grades...)
	sort.SliceStable(s, func(i, j int) bool { return GradeRank(s[i].Grade) < GradeRank(s[j].Grade) })
	return s
}

// InForce picks the version in force on day d: the latest effective on or
// before it; the default table when none is.
func InForce(versions []RuleSet, d calendar.Date) RuleSet {
	best, found := RuleSet{}, false
	for _, v := range versions {
		if !v.EffectiveFrom.After(d) && (!found || v.EffectiveFrom.After(best.EffectiveFrom)) {
			best, found = v, true
		}
	}
	if !found {
		return DefaultRules()
	}
	return best
}

// ParseRuleSet reads a stored version.
func ParseRuleSet(body string) (RuleSet, error) {
	var rs RuleSet
	if err := json.Unmarshal([]byte(body), &rs); err != nil {
		return RuleSet{}, fmt.Errorf("parse grade rules: %w", err)
	}
	return rs, nil
}

// Facts are a mediator's figures over their whole time in post.
type Facts struct {
	AppointedOn   calendar.Date // zero: not known
	Cases         int64         // closed_accepted
	Agreed        int64         // out_agreed
	NotAgreed     int64         // out_not_agreed
	Oral, Written int64         // agreed_oral, agreed_written
	Improper      int           // improper-mediation incidents in post
	TrainingHours float64       // last full year
}

// Check is one criterion of a grade, met or not, with the figure.
type Check struct {
	Code     string `json:"code"`
	Name     string `json:"name"`
	Met      bool   `json:"met"`
	Figure   string `json:"figure"`   // what the mediator has
	Required string `json:"required"` // what the grade asks
}

// Eligibility is one grade's verdict.
type Eligibility struct {
	Grade     string  `json:"grade"`
	Label     string  `json:"label"`
	Qualifies bool    `json:"qualifies"`
	Checks    []Check `json:"checks"`
}

// Result is a mediator's evaluation under a rule set: each grade's verdict
// (lowest first) and the highest grade every criterion of which is met.
type Result struct {
	Rules   calendar.Date `json:"rules_effective_from"`
	Grades  []Eligibility `json:"grades"`
	Highest string        `json:"highest"`
	// Why names the first unmet criteria of the next grade up, in Chinese.
	Why string `json:"why"`
}

// YearsInPost counts full years from appointed to today.
func YearsInPost(appointed, today calendar.Date) int {
	if appointed.IsZero() || appointed.After(today) {
		return 0
	}
	y := today.Year - appointed.Year
	if today.Month < appointed.Month || (today.Month == appointed.Month && today.Day < appointed.Day) {
		y--
	}
	return y
}

// ratio formats n of d as a percentage with the counts.
func ratio(n, d int64) string {
	if d == 0 {
		return "无（0 件）"
	}
	return fmt.Sprintf("%.1f%%（%d/%d）", float64(n)*100/float64(d), n, d)
}

// Evaluate checks the facts against every grade of the rule set.
func Evaluate(rs RuleSet, f Facts, today calendar.Date) Result {
	res := Result{Rules: rs.EffectiveFrom, Highest: GradeNone}
	years := YearsInPost(f.AppointedOn, today)
	closedMediated := f.Agreed + f.NotAgreed
	agreements := f.Oral + f.Written
	blocked := false // grades are a ladder: a higher grade needs the lower ones' criteria too
	for _, c := range rs.sorted() {
		e := Eligibility{Grade: c.Grade, Label: Label(Grades, c.Grade)}
		yearsFig := fmt.Sprintf("%d 年", years)
		if f.AppointedOn.IsZero() {
			yearsFig = "未登记聘任日期"
		}
		e.Checks = append(e.Checks,
			Check{"years", "任职年限", !f.AppointedOn.IsZero() && years >= c.YearsInPost, yearsFig, fmt.Sprintf("≥ %d 年", c.YearsInPost)},
			Check{"cases", "办结案件数", f.Cases >= c.Cases, fmt.Sprintf("%d 件", f.Cases), fmt.Sprintf("≥ %d 件", c.Cases)},
			// No agreement yet means no oral share to exceed.
			Check{"oral", "口头协议占比", f.Oral*100 <= int64(c.OralMaxPct)*agreements, ratio(f.Oral, agreements), fmt.Sprintf("≤ %d%%", c.OralMaxPct)},
			Check{"success", "调解成功率", closedMediated > 0 && f.Agreed*100 >= int64(c.SuccessMinPct)*closedMediated,
				ratio(f.Agreed, closedMediated), fmt.Sprintf("≥ %d%%", c.SuccessMinPct)},
		)
		if c.NoImproper {
			e.Checks = append(e.Checks, Check{"improper", "因调解不当引发上访、激化", f.Improper == 0, fmt.Sprintf("%d 件", f.Improper), "无"})
		}
		e.Checks = append(e.Checks, Check{"training", "年度培训学时", f.TrainingHours >= c.TrainingHours,
			fmt.Sprintf("%g 学时", f.TrainingHours), fmt.Sprintf("≥ %g 学时", c.TrainingHours)})
		e.Qualifies = true
		for _, ch := range e.Checks {
			e.Qualifies = e.Qualifies && ch.Met
		}
		if e.Qualifies && !blocked {
			res.Highest = c.Grade
		} else if !blocked {
			blocked = true
			var miss []string
			for _, ch := range e.Checks {
				if !ch.Met {
					miss = append(miss, fmt.Sprintf("%s %s（要求 %s）", ch.Name, ch.Figure, ch.Required))
				}
			}
			res.Why = fmt.Sprintf("未达%s：%s", e.Label, strings.Join(miss, "；"))
		}
		res.Grades = append(res.Grades, e)
	}
	return res
}

// FilingWorkdays is how many working days after appointment the filing
// with the justice bureau is due.
const FilingWorkdays = 30

// Filing states.
const (
	FilingDone    = "filed"   // filed on time
	FilingLate    = "late"    // filed after the due day
	FilingOverdue = "overdue" // not filed, past the due day
	FilingPending = "pending" // not filed, not yet due
	FilingUnknown = "unknown" // no appointment date
)

// FilingLabel names a filing state.
func FilingLabel(s string) string {
	return map[string]string{FilingDone: "已按时备案", FilingLate: "逾期备案", FilingOverdue: "逾期未备案",
		FilingPending: "待备案", FilingUnknown: "未登记聘任日期"}[s]
}

// FilingDue is the last day to file: 30 working days after appointment.
func FilingDue(cal *calendar.Calendar, appointed calendar.Date) calendar.Date {
	if appointed.IsZero() {
		return calendar.Date{}
	}
	return cal.AddWorkdays(appointed, FilingWorkdays)
}

// FilingState says where a mediator's filing stands on today.
func FilingState(cal *calendar.Calendar, appointed, filed, today calendar.Date) string {
	if appointed.IsZero() {
		return FilingUnknown
	}
	due := FilingDue(cal, appointed)
	switch {
	case !filed.IsZero() && filed.After(due):
		return FilingLate
	case !filed.IsZero():
		return FilingDone
	case today.After(due):
		return FilingOverdue
	}
	return FilingPending
}

// Label names the criteria's grade.
func (c Criteria) Label() string { return Label(Grades, c.Grade) }
