package evaluation

import (
	"strings"
	"testing"

	"github.com/tiaojie/tiaojie/internal/calendar"
)

func TestDefaultScheme(t *testing.T) {
	s := DefaultScheme()
	if errs := s.Validate(); len(errs) != 0 {
		t.Fatalf("default scheme invalid: %v", errs)
	}
	want := map[string]struct {
		name   string
		weight int
	}{
		IndicatorOnTimeAcceptance: {"按时受理率", 10}, IndicatorOnTimeClosure: {"按时办结率", 15}, IndicatorSuccess: {"调解成功率", 20},
		IndicatorPerformance: {"协议履行率", 10}, IndicatorFollowUp: {"回访率", 10}, IndicatorSatisfaction: {"回访满意率", 15},
		IndicatorFileQuality: {"卷宗合格率", 10}, IndicatorTimelyEntry: {"录入及时率", 10},
	}
	if len(s.Indicators) != len(want) {
		t.Fatalf("%d indicators", len(s.Indicators))
	}
	for _, w := range s.Indicators {
		if IndicatorName(w.Code) != want[w.Code].name || w.Weight != want[w.Code].weight || IndicatorDefinition(w.Code) == "" {
			t.Errorf("%s: %s %d", w.Code, IndicatorName(w.Code), w.Weight)
		}
	}
	for _, d := range s.Deductions {
		if DeductionName(d.Code) == "" {
			t.Errorf("deduction %s has no name", d.Code)
		}
	}
	bands := []struct {
		total float64
		band  string
	}{{100, "优秀"}, {90, "优秀"}, {89.99, "良好"}, {80, "良好"}, {79.5, "合格"}, {70, "合格"}, {69.99, "不合格"}, {0, "不合格"}}
	for _, b := range bands {
		if got := s.BandOf(b.total); got != b.band {
			t.Errorf("BandOf(%v) = %s, want %s", b.total, got, b.band)
		}
	}
}

func TestSchemeValidate(t *testing.T) {
	cases := []struct {
		name   string
		mutate func(*Scheme)
		want   map[string]string // field → message substring
	}{
		{"valid", func(*Scheme) {}, nil},
		{"an indicator may be dropped when the rest sum to 100", func(s *Scheme) {
			s.Indicators = s.Indicators[:7]
			s.Indicators[0].Weight = 20
		}, nil},
		{"no deductions", func(s *Scheme) { s.Deductions = nil }, nil},
		{"weights do not sum to 100", func(s *Scheme) { s.Indicators[2].Weight = 25 },
			map[string]string{"indicators": "各项指标权重合计应为100，当前为105"}},
		{"unknown indicator", func(s *Scheme) { s.Indicators[0].Code = "speed" },
			map[string]string{"indicators.0.code": "第1项指标代码“speed”不存在"}},
		{"duplicate indicator", func(s *Scheme) { s.Indicators[1].Code = IndicatorOnTimeAcceptance },
			map[string]string{"indicators.1.code": "指标“按时受理率”重复"}},
		{"negative weight", func(s *Scheme) { s.Indicators[0].Weight, s.Indicators[1].Weight = -5, 30 },
			map[string]string{"indicators.0.weight": "第1项指标的权重应在0至100之间，当前为-5"}},
		{"no indicators", func(s *Scheme) { s.Indicators = nil }, map[string]string{"indicators": "方案至少须有一项指标"}},
		{"bands not descending", func(s *Scheme) { s.Bands = []Band{{80, "良好"}, {90, "优秀"}, {70, "合格"}} },
			map[string]string{"bands.1.min": "等次分数线须从高到低排列：“优秀”（90）应低于“良好”（80）"}},
		{"equal band minimums", func(s *Scheme) { s.Bands[2].Min = 80 },
			map[string]string{"bands.2.min": "从高到低"}},
		{"band out of range and unnamed", func(s *Scheme) { s.Bands[0] = Band{120, " "} },
			map[string]string{"bands.0.min": "第1个等次的分数线应大于0且不超过100", "bands.0.name": "第1个等次的名称不能为空"}},
		{"no bands", func(s *Scheme) { s.Bands = nil }, map[string]string{"bands": "方案至少须有一个等次"}},
		{"unknown and duplicate deduction", func(s *Scheme) {
			s.Deductions = []Deduction{{"late_lunch", 1, 1}, {DeductionOverdue, 1, 10}, {DeductionOverdue, 0, -1}}
		}, map[string]string{"deductions.0.code": "第1项扣分项代码“late_lunch”不存在", "deductions.2.code": "扣分项“超期案件”重复",
			"deductions.2.points_each": "每件扣分应大于0", "deductions.2.cap": "扣分上限应在0至100之间"}},
		{"header", func(s *Scheme) { s.Version, s.Name, s.EffectiveFrom = "", "", calendar.Date{} },
			map[string]string{"version": "方案版本号不能为空", "name": "方案名称不能为空", "effective_from": "生效日期不能为空"}},
		{"impossible date", func(s *Scheme) { s.EffectiveFrom = calendar.Date{Year: 2026, Month: 2, Day: 30} },
			map[string]string{"effective_from": "生效日期无效"}},
		{"satisfaction thresholds", func(s *Scheme) { s.SatisfiedFrom, s.DissatisfiedTo = 3, 3 },
			map[string]string{"dissatisfied_to": "低于“满意”的最低分"}},
		{"satisfaction out of range", func(s *Scheme) { s.SatisfiedFrom = 6 },
			map[string]string{"satisfied_from": "“满意”的最低分应在1至5之间"}},
		{"entry time", func(s *Scheme) { s.EntryWD = -1 }, map[string]string{"entry_wd": "录入时限"}},
	}
	for _, cs := range cases {
		t.Run(cs.name, func(t *testing.T) {
			s := DefaultScheme()
			s.Indicators = append([]Weighted(nil), s.Indicators...)
			s.Bands = append([]Band(nil), s.Bands...)
			cs.mutate(&s)
			errs := s.Validate()
			got := map[string]string{}
			for _, e := range errs {
				got[e.Field] += e.Message
			}
			if len(got) != len(cs.want) {
				t.Errorf("errors %v, want fields %v", got, cs.want)
			}
			for field, msg := range cs.want {
				if !strings.Contains(got[field], msg) {
					t.Errorf("%s: %q does not say %q", field, got[field], msg)
				}
			}
		})
	}
}
