package evaluation

import (
	"fmt"
	"strings"

	"github.com/tiaojie/tiaojie/internal/calendar"
	"github.com/tiaojie/tiaojie/internal/domain"
)

// Scheme is one version of the scoring rules. A period is scored under the
// scheme in force on its first day (SchemeFor).
type Scheme struct {
	Version       string // e.g. "2026"; unique
	Name          string
	EffectiveFrom calendar.Date
	Indicators    []Weighted
	Deductions    []Deduction
	Bands         []Band // descending by Min; below the last one is BandFail
	// SatisfiedFrom is the lowest satisfaction score (1..5) counted as
	// satisfied; DissatisfiedTo the highest counted as dissatisfied.
	SatisfiedFrom  int
	DissatisfiedTo int
	// EntryWD is how many working days after receipt a case may be
	// registered and still count as entered in time (录入及时).
	EntryWD int
	// MinCases is the fewest cases closed in a period for a subject to be
	// ranked (红榜/黑榜).
	MinCases int
}

// Weighted is an indicator of the scheme with its weight (points at 100%).
type Weighted struct {
	Code   string
	Weight int
}

// Deduction takes points off for each case of a kind, up to a cap.
type Deduction struct {
	Code       string
	PointsEach float64
	Cap        float64
}

// Band names a score range: a total of at least Min.
type Band struct {
	Min  float64
	Name string
}

// BandFail is the band of a total below every band's minimum.
const BandFail = "不合格"

// DefaultScheme is the proposal the committee starts from (issue 11).
func DefaultScheme() Scheme {
	return Scheme{
		Version: "2026", Name: "调委会绩效评估方案（默认）", EffectiveFrom: calendar.Date{Year: 2020, Month: 1, Day: 1},
		Indicators: []Weighted{
			{IndicatorOnTimeAcceptance, 10}, {IndicatorOnTimeClosure, 15}, {IndicatorSuccess, 20},
			{IndicatorPerformance, 10}, {IndicatorFollowUp, 10}, {IndicatorSatisfaction, 15},
			{IndicatorFileQuality, 10}, {IndicatorTimelyEntry, 10},
		},
		Deductions: []Deduction{
			{DeductionOverdue, 1, 10}, {DeductionReturned, 2, 10}, {DeductionDissatisfied, 1, 10},
		},
		Bands:         []Band{{90, "优秀"}, {80, "良好"}, {70, "合格"}},
		SatisfiedFrom: 4, DissatisfiedTo: 2, EntryWD: 1, MinCases: 5,
	}
}

// BandOf names the band of a total.
func (s Scheme) BandOf(total float64) string {
	for _, b := range s.Bands {
		if total >= b.Min {
			return b.Name
		}
	}
	return BandFail
}

// Validate checks an edited scheme; every problem is reported, each with
// the field it belongs to and a Chinese message.
func (s Scheme) Validate() []*domain.FieldError {
	var errs []*domain.FieldError
	add := func(field, format string, args ...any) {
		errs = append(errs, &domain.FieldError{Field: field, Message: fmt.Sprintf(format, args...)})
	}
	if strings.TrimSpace(s.Version) == "" {
		add("version", "方案版本号不能为空")
	}
	if strings.TrimSpace(s.Name) == "" {
		add("name", "方案名称不能为空")
	}
	if s.EffectiveFrom.IsZero() {
		add("effective_from", "生效日期不能为空")
	} else if s.EffectiveFrom.AddDays(0) != s.EffectiveFrom {
		add("effective_from", "生效日期无效")
	}
	if len(s.Indicators) == 0 {
		add("indicators", "方案至少须有一项指标")
	}
	seen := map[string]bool{}
	sum := 0
	for i, w := range s.Indicators {
		field := fmt.Sprintf("indicators.%d", i)
		def, ok := indicatorDefs[w.Code]
		switch {
		case !ok:
			add(field+".code", "第%d项指标代码“%s”不存在", i+1, w.Code)
		case seen[w.Code]:
			add(field+".code", "指标“%s”重复", def.Name)
		}
		seen[w.Code] = true
		if w.Weight < 0 || w.Weight > 100 {
			add(field+".weight", "第%d项指标的权重应在0至100之间，当前为%d", i+1, w.Weight)
		}
		sum += w.Weight
	}
	if len(s.Indicators) > 0 && sum != 100 {
		add("indicators", "各项指标权重合计应为100，当前为%d", sum)
	}
	seenD := map[string]bool{}
	for i, d := range s.Deductions {
		field := fmt.Sprintf("deductions.%d", i)
		def, ok := deductionDefs[d.Code]
		switch {
		case !ok:
			add(field+".code", "第%d项扣分项代码“%s”不存在", i+1, d.Code)
		case seenD[d.Code]:
			add(field+".code", "扣分项“%s”重复", def.Name)
		}
		seenD[d.Code] = true
		if d.PointsEach <= 0 || d.PointsEach > 100 {
			add(field+".points_each", "第%d项扣分项的每件扣分应大于0且不超过100", i+1)
		}
		if d.Cap < 0 || d.Cap > 100 {
			add(field+".cap", "第%d项扣分项的扣分上限应在0至100之间（0为不设上限）", i+1)
		}
	}
	if len(s.Bands) == 0 {
		add("bands", "方案至少须有一个等次")
	}
	for i, b := range s.Bands {
		field := fmt.Sprintf("bands.%d", i)
		if strings.TrimSpace(b.Name) == "" {
			add(field+".name", "第%d个等次的名称不能为空", i+1)
		}
		if b.Min <= 0 || b.Min > 100 {
			add(field+".min", "第%d个等次的分数线应大于0且不超过100", i+1)
		}
		if i > 0 && b.Min >= s.Bands[i-1].Min {
			add(field+".min", "等次分数线须从高到低排列：“%s”（%g）应低于“%s”（%g）", b.Name, b.Min, s.Bands[i-1].Name, s.Bands[i-1].Min)
		}
	}
	if s.SatisfiedFrom < 1 || s.SatisfiedFrom > 5 {
		add("satisfied_from", "“满意”的最低分应在1至5之间")
	}
	if s.DissatisfiedTo < 1 || s.DissatisfiedTo > 5 || s.DissatisfiedTo >= s.SatisfiedFrom {
		add("dissatisfied_to", "“不满意”的最高分应在1至5之间且低于“满意”的最低分")
	}
	if s.EntryWD < 0 || s.EntryWD > MaxEntryWD {
		add("entry_wd", "录入时限应在0至%d个工作日之间", MaxEntryWD)
	}
	if s.MinCases < 0 || s.MinCases > 1000 {
		add("min_cases", "参加排名的最少办结案件数应在0至1000之间")
	}
	return errs
}

// SchemeFor is the scheme in force on periodStart: the latest EffectiveFrom
// on or before it (on a tie, the later one in the list). False if none.
func SchemeFor(schemes []Scheme, periodStart calendar.Date) (Scheme, bool) {
	var best Scheme
	found := false
	for _, s := range schemes {
		if s.EffectiveFrom.After(periodStart) {
			continue
		}
		if !found || !s.EffectiveFrom.Before(best.EffectiveFrom) {
			best, found = s, true
		}
	}
	return best, found
}
