package evaluation

import (
	"fmt"
	"math"
	"slices"
	"time"

	"github.com/tiaojie/tiaojie/internal/calendar"
)

// Period is the days From..To (inclusive, Shanghai dates) being scored.
// Things that follow a closure (performance, follow-up, archiving) count
// when they happened by AsOf (zero = whatever the facts hold).
type Period struct {
	From, To calendar.Date
	AsOf     time.Time
}

func toDate(t time.Time) calendar.Date { return calendar.DateOf(t) }

// contains reports whether t falls on a day of the period.
func (p Period) contains(t time.Time) bool {
	d := toDate(t)
	return !d.Before(p.From) && !d.After(p.To)
}

func (p Period) in(t *time.Time) bool { return t != nil && p.contains(*t) }

func (p Period) by(t *time.Time) bool { return t != nil && (p.AsOf.IsZero() || !t.After(p.AsOf)) }

// Figure is one indicator's result, with what it was computed from.
type Figure struct {
	Code, Name                       string
	Weight                           int
	Numerator                        int
	Denominator                      int
	Value                            float64 // Numerator / Denominator; 0 when not Applicable
	Applicable                       bool    // false when the denominator is empty: the weight is left out
	Points                           float64 // Weight × Value, rounded to 0.01
	Definition                       string
	Explain                          string // definition, numerator and denominator in words
	NumeratorCases, DenominatorCases []int64
}

// Count is an outcome reported beside the success rate.
type Count struct {
	Code, Name string
	Count      int
	Cases      []int64
}

// DeductionLine is one deduction's result.
type DeductionLine struct {
	Code, Name string
	Count      int
	PointsEach float64
	Cap        float64
	Points     float64 // min(Count × PointsEach, Cap), rounded to 0.01
	Definition string
	Explain    string
	Cases      []int64
}

// Result is a subject's score over a period.
type Result struct {
	SchemeVersion       string
	SchemeEffectiveFrom calendar.Date
	Period              Period
	Indicators          []Figure
	Beside              []Count // withdrawn, rejected … closed in the period, outside the success rate
	Deductions          []DeductionLine
	Scored              bool    // at least one weighted indicator had cases
	Gross               float64 // points scaled to the applicable weights, before deductions
	Total               float64 // Gross − deductions, not below 0
	Band                string  // "" when not Scored
	Cases               int     // distinct cases in any indicator's denominator
	Explain             string
}

func round2(x float64) float64 { return math.Round(x*100) / 100 }

// counts is what a result is assembled from: each indicator's numerator
// and denominator, each deduction's count, the outcomes beside the success
// rate and the case count. Score gets them from the facts (with case IDs),
// ScoreTally from rollup sums; the two agree (tested on random histories).
type counts struct {
	num, den   map[string]int64
	deduct     map[string]int64
	beside     map[Outcome]int64
	cases      int64
	numIDs     map[string][]int64
	denIDs     map[string][]int64
	deductIDs  map[string][]int64
	besideIDs  map[Outcome][]int64
	withCaseID bool
}

// Score computes a subject's figures over a period from the facts of its
// cases (the caller picks whose cases: see docs/evaluation.md), with the
// case IDs behind every figure.
func Score(s Scheme, facts []Facts, p Period) Result {
	c := counts{num: map[string]int64{}, den: map[string]int64{}, deduct: map[string]int64{}, beside: map[Outcome]int64{},
		numIDs: map[string][]int64{}, denIDs: map[string][]int64{}, deductIDs: map[string][]int64{}, besideIDs: map[Outcome][]int64{},
		withCaseID: true}
	for code, def := range indicatorDefs {
		c.numIDs[code], c.denIDs[code] = []int64{}, []int64{}
		for _, f := range facts {
			den, num := def.member(s, f, p)
			if !den {
				continue
			}
			c.denIDs[code] = append(c.denIDs[code], f.CaseID)
			if num {
				c.numIDs[code] = append(c.numIDs[code], f.CaseID)
			}
		}
		slices.Sort(c.denIDs[code])
		slices.Sort(c.numIDs[code])
		c.num[code], c.den[code] = int64(len(c.numIDs[code])), int64(len(c.denIDs[code]))
	}
	for code, def := range deductionDefs {
		c.deductIDs[code] = []int64{}
		for _, f := range facts {
			if n := def.member(s, f, p); n > 0 {
				c.deductIDs[code] = append(c.deductIDs[code], f.CaseID)
				c.deduct[code] += int64(n)
			}
		}
		slices.Sort(c.deductIDs[code])
	}
	for _, o := range besideSuccess {
		c.besideIDs[o] = []int64{}
		for _, f := range facts {
			if f.Outcome == o && p.in(f.ClosedAt) {
				c.besideIDs[o] = append(c.besideIDs[o], f.CaseID)
			}
		}
		slices.Sort(c.besideIDs[o])
		c.beside[o] = int64(len(c.besideIDs[o]))
	}
	for _, f := range facts {
		if countable(f) && p.in(f.ClosedAt) {
			c.cases++
		}
	}
	return assemble(s, p, c)
}

// ScoreTally computes a subject's figures from its rollup sums over the
// period (see TallyOf for what the sums are). It carries no case IDs: the
// cases behind a figure are listed by Members.
func ScoreTally(s Scheme, t Tally, p Period) Result {
	c := counts{num: map[string]int64{}, den: map[string]int64{}, deduct: map[string]int64{}, beside: map[Outcome]int64{}}
	for code, def := range indicatorDefs {
		c.num[code], c.den[code] = def.fromTally(s, t)
	}
	for code, def := range deductionDefs {
		c.deduct[code] = def.fromTally(s, t)
	}
	for _, o := range besideSuccess {
		c.beside[o] = t["out_"+string(o)]
	}
	c.cases = t["closed"]
	return assemble(s, p, c)
}

func assemble(s Scheme, p Period, c counts) Result {
	r := Result{SchemeVersion: s.Version, SchemeEffectiveFrom: s.EffectiveFrom, Period: p, Cases: int(c.cases)}
	var points float64
	applicableWeight := 0
	for _, w := range s.Indicators {
		def, ok := indicatorDefs[w.Code]
		if !ok {
			continue // Validate refuses unknown codes; a stored one is skipped, not guessed
		}
		fig := Figure{Code: w.Code, Name: def.Name, Weight: w.Weight, Definition: def.Definition,
			Numerator: int(c.num[w.Code]), Denominator: int(c.den[w.Code])}
		if c.withCaseID {
			fig.NumeratorCases, fig.DenominatorCases = c.numIDs[w.Code], c.denIDs[w.Code]
		}
		if fig.Denominator > 0 {
			fig.Applicable = true
			fig.Value = float64(fig.Numerator) / float64(fig.Denominator)
			fig.Points = round2(float64(w.Weight) * fig.Value)
			points += float64(w.Weight) * fig.Value
			applicableWeight += w.Weight
			fig.Explain = fmt.Sprintf("%s。分子：%s %d 件；分母：%s %d 件；%d ÷ %d = %.1f%%，权重 %d，得 %.2f 分。",
				def.Definition, def.NumWord, fig.Numerator, def.DenWord, fig.Denominator,
				fig.Numerator, fig.Denominator, fig.Value*100, w.Weight, fig.Points)
		} else {
			fig.Explain = fmt.Sprintf("%s。本期没有%s的案件，本项不计分，权重 %d 不计入满分。", def.Definition, def.DenWord, w.Weight)
		}
		r.Indicators = append(r.Indicators, fig)
	}

	for _, o := range besideSuccess {
		cnt := Count{Code: string(o), Name: o.Label(), Count: int(c.beside[o])}
		if c.withCaseID {
			cnt.Cases = c.besideIDs[o]
		}
		r.Beside = append(r.Beside, cnt)
	}

	var deducted float64
	for _, d := range s.Deductions {
		def, ok := deductionDefs[d.Code]
		if !ok {
			continue
		}
		line := DeductionLine{Code: d.Code, Name: def.Name, PointsEach: d.PointsEach, Cap: d.Cap, Definition: def.Definition,
			Count: int(c.deduct[d.Code])}
		if c.withCaseID {
			line.Cases = c.deductIDs[d.Code]
		}
		raw := float64(line.Count) * d.PointsEach
		capped := ""
		if d.Cap > 0 && raw > d.Cap {
			raw, capped = d.Cap, fmt.Sprintf("，封顶 %g 分", d.Cap)
		}
		line.Points = round2(raw)
		deducted += raw
		line.Explain = fmt.Sprintf("%s。%d 件 × 每件 %g 分%s，扣 %.2f 分。", def.Definition, line.Count, d.PointsEach, capped, line.Points)
		r.Deductions = append(r.Deductions, line)
	}

	if applicableWeight == 0 {
		r.Explain = fmt.Sprintf("方案 %s：本期没有可评估的案件，不评分。", s.Version)
		return r
	}
	r.Scored = true
	r.Gross = round2(points * 100 / float64(applicableWeight))
	r.Total = round2(math.Max(0, points*100/float64(applicableWeight)-deducted))
	r.Band = s.BandOf(r.Total)
	scaled := ""
	if applicableWeight != 100 {
		scaled = fmt.Sprintf("（有案件的指标权重合计 %d，按百分制折算）", applicableWeight)
	}
	r.Explain = fmt.Sprintf("方案 %s（%s 起施行）：各项得分合计 %.2f 分%s，扣分 %.2f 分，总分 %.2f 分，等次“%s”。",
		s.Version, s.EffectiveFrom, r.Gross, scaled, round2(deducted), r.Total, r.Band)
	return r
}

// Members lists which of the facts are in an indicator's numerator or
// denominator ("numerator"/"denominator"), or counted by a deduction
// ("deduction"), over the period: the cases behind a figure.
func Members(s Scheme, code, part string, facts []Facts, p Period) ([]int64, bool) {
	out := []int64{}
	if def, ok := indicatorDefs[code]; ok && (part == "numerator" || part == "denominator") {
		for _, f := range facts {
			den, num := def.member(s, f, p)
			if (part == "denominator" && den) || (part == "numerator" && num) {
				out = append(out, f.CaseID)
			}
		}
	} else if def, ok := deductionDefs[code]; ok && part == "deduction" {
		for _, f := range facts {
			if def.member(s, f, p) > 0 {
				out = append(out, f.CaseID)
			}
		}
	} else {
		return nil, false
	}
	slices.Sort(out)
	return out, true
}
