package roomstandard

import (
	"fmt"

	"github.com/tiaojie/tiaojie/internal/calendar"
)

// ModelRules are the 示范工作室 criteria, as data: the committee may raise
// or lower a threshold without a code change.
type ModelRules struct {
	Version            string
	MinInspection      float64 // latest inspection score, out of 100
	MaxInspectionAge   int     // days: an older inspection does not count
	MinSuccessRate     float64 // percent, last 12 months
	MinOnTimeRate      float64 // percent of accepted cases closed on time, last 12 months
	MinMediated        int64   // cases the success rate rests on: fewer proves nothing
	AllowOverdueRectif bool    // false: an overdue open rectification disqualifies
}

// DefaultModelRules are the district's rules.
var DefaultModelRules = ModelRules{Version: "PD-2024", MinInspection: 90, MaxInspectionAge: 366, MinSuccessRate: 70, MinOnTimeRate: 90, MinMediated: 5}

// ModelFacts are what the rules look at for one room.
type ModelFacts struct {
	InspectionDay     calendar.Date // zero: never inspected
	InspectionPercent float64
	OverdueOpen       int // open rectification items past their due day
	SuccessNum        int64
	SuccessDen        int64 // agreed + not agreed, closed in the 12 months
	OnTimeNum         int64
	OnTimeDen         int64 // accepted cases closed in the 12 months
	From, To          calendar.Date
}

// Criterion is one rule with the room's figure, in Chinese.
type Criterion struct {
	Name   string
	Figure string
	Need   string
	Met    bool
}

// Verdict says whether a room qualifies and why.
type Verdict struct {
	Qualifies bool
	Criteria  []Criterion
}

func rate(n, d int64) float64 {
	if d == 0 {
		return 0
	}
	return float64(n) * 100 / float64(d)
}

// Judge applies the rules to a room's facts on a day.
func Judge(r ModelRules, f ModelFacts, today calendar.Date) Verdict {
	var v Verdict
	add := func(c Criterion) { v.Criteria = append(v.Criteria, c) }

	insp := Criterion{Name: "最近一次检查得分", Need: fmt.Sprintf("≥ %.0f 分，且检查在 %d 天之内", r.MinInspection, r.MaxInspectionAge)}
	switch {
	case f.InspectionDay.IsZero():
		insp.Figure = "尚未检查"
	case today.Sub(f.InspectionDay) > r.MaxInspectionAge:
		insp.Figure = fmt.Sprintf("%.1f 分（%s 检查，已超过 %d 天）", f.InspectionPercent, f.InspectionDay, r.MaxInspectionAge)
	default:
		insp.Figure = fmt.Sprintf("%.1f 分（%s 检查）", f.InspectionPercent, f.InspectionDay)
		insp.Met = f.InspectionPercent >= r.MinInspection
	}
	add(insp)

	add(Criterion{Name: "逾期未完成的整改项", Need: "无", Figure: fmt.Sprintf("%d 项", f.OverdueOpen), Met: r.AllowOverdueRectif || f.OverdueOpen == 0})

	succ := Criterion{Name: "调解成功率（近12个月）", Need: fmt.Sprintf("≥ %.0f%%，且调解办结不少于 %d 件", r.MinSuccessRate, r.MinMediated)}
	if f.SuccessDen == 0 {
		succ.Figure = fmt.Sprintf("%s 至 %s 没有调解办结的案件", f.From, f.To)
	} else {
		s := rate(f.SuccessNum, f.SuccessDen)
		succ.Figure = fmt.Sprintf("%.1f%%（调解办结 %d 件，达成协议 %d 件）", s, f.SuccessDen, f.SuccessNum)
		succ.Met = f.SuccessDen >= r.MinMediated && s >= r.MinSuccessRate
	}
	add(succ)

	ot := Criterion{Name: "按时办结率（近12个月）", Need: fmt.Sprintf("≥ %.0f%%", r.MinOnTimeRate)}
	if f.OnTimeDen == 0 {
		ot.Figure = fmt.Sprintf("%s 至 %s 没有办结的已受理案件", f.From, f.To)
	} else {
		o := rate(f.OnTimeNum, f.OnTimeDen)
		ot.Figure = fmt.Sprintf("%.1f%%（办结已受理案件 %d 件，按时 %d 件）", o, f.OnTimeDen, f.OnTimeNum)
		ot.Met = o >= r.MinOnTimeRate
	}
	add(ot)

	v.Qualifies = true
	for _, c := range v.Criteria {
		v.Qualifies = v.Qualifies && c.Met
	}
	return v
}

// Basis is a verdict in one line, kept with a designation.
func (v Verdict) Basis() string {
	s := ""
	for i, c := range v.Criteria {
		if i > 0 {
			s += "；"
		}
		s += c.Name + "：" + c.Figure
	}
	return s
}

// Overdue reports whether an open item due on due is overdue on today.
func Overdue(due, today calendar.Date) bool { return due.Before(today) }
