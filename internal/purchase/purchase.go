// Package purchase holds the pure rules of purchased mediation services
// (政府购买服务, 企业购买调解服务): a service contract's targets in evaluation
// terms and their deduction rules as data, the quarters of a contract and
// each quarter's base amount, the pro-rating of the yearly case target, the
// quarterly assessment (achieved against target, deductions in words,
// amount due) and an enterprise room's monthly statement. No I/O: the
// contracting service loads the figures and stores the results.
package purchase

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/tiaojie/tiaojie/internal/calendar"
	"github.com/tiaojie/tiaojie/internal/domain"
	"github.com/tiaojie/tiaojie/internal/evaluation"
)

// Target codes: what a service contract measures, in evaluation terms.
const (
	TargetCases    = "cases"     // 办结数 (cases closed, per year; pro-rated to the quarter)
	TargetSuccess  = "success"   // 调解成功率
	TargetFollowUp = "follow_up" // 回访率
	TargetOnTime   = "on_time"   // 按期办结率
)

// TargetCodes lists the target codes in display order.
var TargetCodes = []string{TargetCases, TargetSuccess, TargetFollowUp, TargetOnTime}

var targetNames = map[string]string{TargetCases: "办结数", TargetSuccess: "调解成功率", TargetFollowUp: "回访率", TargetOnTime: "按期办结率"}

// TargetName is the Chinese name of a target code ("" if unknown).
func TargetName(code string) string { return targetNames[code] }

// IsRate reports whether a target is a rate (its value in ‰) rather than a count.
func IsRate(code string) bool { return code != TargetCases && targetNames[code] != "" }

// Indicator is the evaluation indicator and part whose case list stands
// behind a target's achieved figure (see /evaluation/cases).
func Indicator(code string) (indicator, part string) {
	switch code {
	case TargetCases:
		return evaluation.IndicatorFileQuality, "denominator" // 本期办结 (merged duplicates left out)
	case TargetSuccess:
		return evaluation.IndicatorSuccess, "denominator"
	case TargetFollowUp:
		return evaluation.IndicatorFollowUp, "denominator"
	case TargetOnTime:
		return evaluation.IndicatorOnTimeClosure, "denominator"
	}
	return "", ""
}

// Deduction rule kinds.
const (
	RulePerUnit = "per_unit" // Fen per case short (cases) or per percentage point short (rates), capped at CapFen when > 0
	RuleFixed   = "fixed"    // Fen once when the target is missed
	RuleNone    = "none"     // the target is reported, nothing deducted
)

var ruleLabels = map[string]string{RulePerUnit: "按差额扣减", RuleFixed: "固定扣减", RuleNone: "不扣减"}

// RuleLabel is the Chinese name of a rule kind.
func RuleLabel(kind string) string { return ruleLabels[kind] }

// Rule is how a missed target reduces the quarter's amount.
type Rule struct {
	Kind   string `json:"kind"`
	Fen    int64  `json:"fen"`
	CapFen int64  `json:"cap_fen"`
}

// Target is one target of a service contract. Value is cases per year for
// TargetCases, and the rate in ‰ (900 = 90.0%) for the rates.
type Target struct {
	Code  string `json:"code"`
	Value int64  `json:"value"`
	Rule  Rule   `json:"rule"`
}

// Describe says the target and its rule in words.
func (t Target) Describe() string {
	var goal string
	if IsRate(t.Code) {
		goal = fmt.Sprintf("%s不低于 %s", TargetName(t.Code), Permille(t.Value))
	} else {
		goal = fmt.Sprintf("全年办结不少于 %d 件（按季度折算）", t.Value)
	}
	unit := "每少 1 件"
	if IsRate(t.Code) {
		unit = "每低 1 个百分点"
	}
	switch t.Rule.Kind {
	case RulePerUnit:
		s := fmt.Sprintf("%s；未达到时%s扣减 %s", goal, unit, Yuan(t.Rule.Fen))
		if t.Rule.CapFen > 0 {
			s += fmt.Sprintf("，每季度最多扣减 %s", Yuan(t.Rule.CapFen))
		}
		return s
	case RuleFixed:
		return fmt.Sprintf("%s；未达到时扣减 %s", goal, Yuan(t.Rule.Fen))
	}
	return goal + "；未达到时不扣减"
}

// MaxFen bounds every amount (a hundred million yuan), far above any
// contract, so sums never overflow.
const MaxFen int64 = 100_000_000_00

// ValidateTargets checks a contract's targets: known codes, each at most
// once, values in range, rules complete. Field names are targets.N.*.
func ValidateTargets(ts []Target) []*domain.FieldError {
	var errs []*domain.FieldError
	bad := func(i int, field, msg string) {
		errs = append(errs, &domain.FieldError{Field: fmt.Sprintf("targets.%d.%s", i, field), Message: msg})
	}
	seen := map[string]bool{}
	for i, t := range ts {
		name := TargetName(t.Code)
		if name == "" {
			bad(i, "code", fmt.Sprintf("考核指标“%s”不存在：应为 cases（办结数）、success（调解成功率）、follow_up（回访率）或 on_time（按期办结率）", t.Code))
			continue
		}
		if seen[t.Code] {
			bad(i, "code", fmt.Sprintf("考核指标“%s”重复", name))
			continue
		}
		seen[t.Code] = true
		if IsRate(t.Code) {
			if t.Value <= 0 || t.Value > 1000 {
				bad(i, "value", fmt.Sprintf("%s目标应在 0.1%% 至 100.0%% 之间（以千分比填写，如 900 即 90.0%%）", name))
			}
		} else if t.Value <= 0 || t.Value > 10_000_000 {
			bad(i, "value", fmt.Sprintf("%s目标应为正整数（件/年）", name))
		}
		switch t.Rule.Kind {
		case RulePerUnit, RuleFixed:
			if t.Rule.Fen <= 0 || t.Rule.Fen > MaxFen {
				bad(i, "rule.fen", fmt.Sprintf("%s的扣减金额应为正整数（分）", name))
			}
			if t.Rule.CapFen < 0 || t.Rule.CapFen > MaxFen {
				bad(i, "rule.cap_fen", fmt.Sprintf("%s的扣减上限不能为负数", name))
			}
			if t.Rule.Kind == RuleFixed && t.Rule.CapFen != 0 {
				bad(i, "rule.cap_fen", fmt.Sprintf("%s为固定扣减，不设上限", name))
			}
			if t.Rule.Kind == RulePerUnit && t.Rule.CapFen > 0 && t.Rule.CapFen < t.Rule.Fen {
				bad(i, "rule.cap_fen", fmt.Sprintf("%s的扣减上限低于单位扣减金额", name))
			}
		case RuleNone:
			if t.Rule.Fen != 0 || t.Rule.CapFen != 0 {
				bad(i, "rule.fen", fmt.Sprintf("%s不扣减，不应填写扣减金额", name))
			}
		default:
			bad(i, "rule.kind", fmt.Sprintf("%s的扣减规则“%s”无效：应为 per_unit（按差额）、fixed（固定）或 none（不扣减）", name, t.Rule.Kind))
		}
	}
	return errs
}

// Yuan formats fen as yuan with thousands separators: 123456 → "1,234.56元".
func Yuan(fen int64) string { return YuanNumber(fen) + "元" }

// YuanNumber formats fen as a yuan amount without the unit: "1,234.56".
func YuanNumber(fen int64) string {
	sign := ""
	if fen < 0 {
		sign, fen = "-", -fen
	}
	s := strconv.FormatInt(fen/100, 10)
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	return fmt.Sprintf("%s%s.%02d", sign, b.String(), fen%100)
}

// ParseYuan reads a yuan amount with at most two decimals ("1,234.5",
// "300") as fen; anything else is refused.
func ParseYuan(s string) (int64, bool) {
	s = strings.ReplaceAll(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(s), "元")), ",", "")
	if s == "" || strings.HasPrefix(s, "-") || strings.HasPrefix(s, "+") {
		return 0, false
	}
	whole, frac, _ := strings.Cut(s, ".")
	if len(frac) > 2 || whole == "" {
		return 0, false
	}
	for len(frac) < 2 {
		frac += "0"
	}
	w, err1 := strconv.ParseInt(whole, 10, 64)
	f, err2 := strconv.ParseInt(frac, 10, 64)
	if err1 != nil || err2 != nil || w > MaxFen/100 {
		return 0, false
	}
	return w*100 + f, true
}

// ParsePercent reads a percentage with at most one decimal ("90", "92.5") as ‰.
func ParsePercent(s string) (int64, bool) {
	s = strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(s), "%"))
	whole, frac, _ := strings.Cut(s, ".")
	if whole == "" || len(frac) > 1 || strings.HasPrefix(s, "-") || strings.HasPrefix(s, "+") {
		return 0, false
	}
	w, err := strconv.ParseInt(whole, 10, 64)
	if err != nil || w > 100 {
		return 0, false
	}
	var f int64
	if frac != "" {
		if f, err = strconv.ParseInt(frac, 10, 64); err != nil {
			return 0, false
		}
	}
	return w*10 + f, true
}

// Permille formats a rate in ‰ as a percentage with one decimal: 905 → "90.5%".
func Permille(x int64) string { return fmt.Sprintf("%d.%d%%", x/10, x%10) }

// points formats tenths of a percentage point: 20 → "2.0".
func points(x int64) string { return fmt.Sprintf("%d.%d", x/10, x%10) }

// RatePermille is num/den in ‰, rounded half up.
func RatePermille(num, den int64) int64 {
	if den <= 0 {
		return 0
	}
	return (num*2000 + den) / (2 * den)
}

// Quarter is a calendar quarter.
type Quarter struct{ Year, Q int }

// ParseQuarter reads "2026-Q3".
func ParseQuarter(s string) (Quarter, error) {
	s = strings.TrimSpace(s)
	y, q, ok := strings.Cut(strings.ToUpper(s), "-Q")
	year, err1 := strconv.Atoi(y)
	n, err2 := strconv.Atoi(q)
	if !ok || err1 != nil || err2 != nil || len(y) != 4 || len(q) != 1 || n < 1 || n > 4 || year < 2000 || year > 2200 {
		return Quarter{}, &domain.FieldError{Field: "quarter", Message: fmt.Sprintf("季度“%s”无效，格式为 YYYY-QN，如 2026-Q3", s)}
	}
	return Quarter{year, n}, nil
}

func (q Quarter) String() string { return fmt.Sprintf("%d-Q%d", q.Year, q.Q) }

// Label is the quarter in Chinese: "2026年第三季度".
func (q Quarter) Label() string {
	return fmt.Sprintf("%d年第%s季度", q.Year, []string{"", "一", "二", "三", "四"}[q.Q])
}

// First is the quarter's first day.
func (q Quarter) First() calendar.Date {
	return calendar.Date{Year: q.Year, Month: time.Month(3*q.Q - 2), Day: 1}
}

// Last is the quarter's last day.
func (q Quarter) Last() calendar.Date { return q.Next().First().AddDays(-1) }

// Next is the following quarter.
func (q Quarter) Next() Quarter {
	if q.Q == 4 {
		return Quarter{q.Year + 1, 1}
	}
	return Quarter{q.Year, q.Q + 1}
}

// QuarterOf is the quarter holding d.
func QuarterOf(d calendar.Date) Quarter { return Quarter{d.Year, (int(d.Month)-1)/3 + 1} }

// Span is the days From..To, inclusive.
type Span struct{ From, To calendar.Date }

// Days is the number of days in the span.
func (s Span) Days() int { return s.To.Sub(s.From) + 1 }

func (s Span) String() string { return fmt.Sprintf("%s 至 %s", s.From, s.To) }

// Quarters lists the calendar quarters a period overlaps.
func Quarters(p Span) []Quarter {
	var out []Quarter
	if p.To.Before(p.From) {
		return out
	}
	for q := QuarterOf(p.From); !q.First().After(p.To); q = q.Next() {
		out = append(out, q)
	}
	return out
}

// Clip is the part of quarter q inside the period (false when none).
func Clip(q Quarter, p Span) (Span, bool) {
	s := Span{From: q.First(), To: q.Last()}
	if s.From.Before(p.From) {
		s.From = p.From
	}
	if s.To.After(p.To) {
		s.To = p.To
	}
	return s, !s.To.Before(s.From)
}

// BaseFen is quarter q's share of the contract amount: the amount split
// equally over the contract's quarters, the remainder in fen going to the
// last quarter. False when q is not a quarter of the contract.
func BaseFen(amount int64, p Span, q Quarter) (int64, string, bool) {
	qs := Quarters(p)
	n := int64(len(qs))
	for i, x := range qs {
		if x != q {
			continue
		}
		each := amount / n
		if i == len(qs)-1 {
			last := amount - each*(n-1)
			if last != each {
				return last, fmt.Sprintf("合同金额 %s ÷ %d 个季度 = 每季度 %s，分以下余数 %s 计入最后一个季度，本季度 %s",
					Yuan(amount), n, Yuan(each), Yuan(last-each), Yuan(last)), true
			}
		}
		return each, fmt.Sprintf("合同金额 %s ÷ %d 个季度 = 每季度 %s", Yuan(amount), n, Yuan(each)), true
	}
	return 0, "", false
}

func daysInYear(y int) int {
	return calendar.Date{Year: y + 1, Month: 1, Day: 1}.Sub(calendar.Date{Year: y, Month: 1, Day: 1})
}

// ProRate is the yearly case target pro-rated to the span (which lies in
// one calendar year): annual × days ÷ days of the year, rounded half up.
func ProRate(annual int64, s Span) (int64, string) {
	yd := int64(daysInYear(s.From.Year))
	d := int64(s.Days())
	t := (annual*d*2 + yd) / (2 * yd)
	return t, fmt.Sprintf("全年 %d 件 × %d 天 ÷ %d 天 = %d 件（四舍五入）", annual, d, yd, t)
}

// Achieved are the evaluation figures of the committee over the span:
// cases closed (the headline's 办结, merged duplicates left out) and each
// rate's numerator and denominator as the indicators define them.
type Achieved struct {
	Closed                 int64
	SuccessNum, SuccessDen int64
	FollowNum, FollowDen   int64
	OnTimeNum, OnTimeDen   int64
}

func (a Achieved) of(code string) (num, den int64) {
	switch code {
	case TargetSuccess:
		return a.SuccessNum, a.SuccessDen
	case TargetFollowUp:
		return a.FollowNum, a.FollowDen
	case TargetOnTime:
		return a.OnTimeNum, a.OnTimeDen
	}
	return a.Closed, 0
}

// denWords say what a rate's denominator counts, for "no cases" lines.
var denWords = map[string]string{TargetSuccess: "办结且已开始调解", TargetFollowUp: "达成调解协议", TargetOnTime: "办结的已受理"}

// Line is one target's result in an assessment.
type Line struct {
	Code         string `json:"code"`
	Name         string `json:"name"`
	Target       int64  `json:"target"`      // the quarter's case target, or the rate target in ‰
	AnnualTarget int64  `json:"annual"`      // cases per year (cases only)
	TargetText   string `json:"target_text"` // "303 件", "90.0%"
	TargetNote   string `json:"target_note"` // how the case target was pro-rated
	Num          int64  `json:"num"`
	Den          int64  `json:"den"`
	Achieved     int64  `json:"achieved"` // cases, or the rate in ‰
	AchievedText string `json:"achieved_text"`
	Applicable   bool   `json:"applicable"` // false: a rate without cases in its denominator, not assessed
	Met          bool   `json:"met"`
	Short        int64  `json:"short"` // cases short, or tenths of a percentage point short
	Rule         Rule   `json:"rule"`
	DeductionFen int64  `json:"deduction_fen"`
	Explain      string `json:"explain"`
	Indicator    string `json:"indicator"` // the evaluation case list behind the achieved figure
	Part         string `json:"part"`
}

// Assessment is a quarter's assessment of a service contract.
type Assessment struct {
	Quarter          string `json:"quarter"`
	QuarterLabel     string `json:"quarter_label"`
	From             string `json:"from"` // the quarter clipped to the contract period
	To               string `json:"to"`
	AsOf             string `json:"as_of"`   // the day the figures were read
	Partial          bool   `json:"partial"` // the span had not ended when computed
	BaseFen          int64  `json:"base_fen"`
	BaseExplain      string `json:"base_explain"`
	Lines            []Line `json:"lines"`
	RawDeductionsFen int64  `json:"raw_deductions_fen"` // the lines' sum
	DeductionsFen    int64  `json:"deductions_fen"`     // never above the base
	DueFen           int64  `json:"due_fen"`
	Explain          string `json:"explain"`
}

// Input is what Assess needs.
type Input struct {
	Quarter     Quarter
	Span        Span
	AsOf        calendar.Date
	BaseFen     int64
	BaseExplain string
	Targets     []Target
	Achieved    Achieved
}

// Assess computes the quarter's assessment: each target against the
// achieved figures, its deduction in words, the total (never above the
// base) and the amount due.
func Assess(in Input) Assessment {
	a := Assessment{Quarter: in.Quarter.String(), QuarterLabel: in.Quarter.Label(), From: in.Span.From.String(), To: in.Span.To.String(),
		AsOf: in.AsOf.String(), Partial: !in.AsOf.After(in.Span.To), BaseFen: in.BaseFen, BaseExplain: in.BaseExplain, Lines: []Line{}}
	for _, code := range TargetCodes {
		for _, t := range in.Targets {
			if t.Code == code {
				l := assessLine(t, in.Span, in.Achieved)
				a.Lines = append(a.Lines, l)
				a.RawDeductionsFen += l.DeductionFen
			}
		}
	}
	a.DeductionsFen = min(a.RawDeductionsFen, a.BaseFen)
	a.DueFen = a.BaseFen - a.DeductionsFen
	capped := ""
	if a.RawDeductionsFen > a.BaseFen {
		capped = fmt.Sprintf("（各项扣减合计 %s 超过本季度基数，以基数为限）", Yuan(a.RawDeductionsFen))
	}
	a.Explain = fmt.Sprintf("%s（%s）：本季度基数 %s，扣减 %s%s，应付 %s。", a.QuarterLabel, in.Span, Yuan(a.BaseFen),
		Yuan(a.DeductionsFen), capped, Yuan(a.DueFen))
	if a.Partial {
		a.Explain += fmt.Sprintf("考核期间尚未结束，数字截至 %s，仅供预览。", a.AsOf)
	}
	return a
}

func assessLine(t Target, span Span, ach Achieved) Line {
	l := Line{Code: t.Code, Name: TargetName(t.Code), Rule: t.Rule}
	l.Indicator, l.Part = Indicator(t.Code)
	num, den := ach.of(t.Code)
	l.Num, l.Den = num, den
	var unitShort, words string
	if IsRate(t.Code) {
		l.Target, l.TargetText = t.Value, Permille(t.Value)
		if den == 0 {
			l.AchievedText = "—"
			l.Explain = fmt.Sprintf("本季度没有%s的案件，%s不考核，不扣减", denWords[t.Code], l.Name)
			return l
		}
		l.Applicable = true
		l.Achieved = RatePermille(num, den)
		l.AchievedText = fmt.Sprintf("%s（%d/%d）", Permille(l.Achieved), num, den)
		if l.Achieved >= l.Target {
			l.Met = true
			l.Explain = fmt.Sprintf("%s %s，达到目标 %s，不扣减", l.Name, l.AchievedText, l.TargetText)
			return l
		}
		l.Short = l.Target - l.Achieved
		unitShort = points(l.Short) + " 个百分点"
		words = fmt.Sprintf("%s %s，低于目标 %s %s", l.Name, Permille(l.Achieved), l.TargetText, unitShort)
		if t.Rule.Kind == RulePerUnit {
			l.DeductionFen = (l.Short*t.Rule.Fen + 5) / 10
		}
	} else {
		l.AnnualTarget = t.Value
		l.Target, l.TargetNote = ProRate(t.Value, span)
		l.TargetText = fmt.Sprintf("%d 件", l.Target)
		l.Applicable = true
		l.Achieved = num
		l.AchievedText = fmt.Sprintf("%d 件", num)
		if num >= l.Target {
			l.Met = true
			l.Explain = fmt.Sprintf("办结 %d 件，达到目标 %s（%s），不扣减", num, l.TargetText, l.TargetNote)
			return l
		}
		l.Short = l.Target - num
		unitShort = fmt.Sprintf("%d 件", l.Short)
		words = fmt.Sprintf("办结 %d 件，低于目标 %s %s", num, l.TargetText, unitShort)
		if t.Rule.Kind == RulePerUnit {
			l.DeductionFen = l.Short * t.Rule.Fen
		}
	}
	switch t.Rule.Kind {
	case RulePerUnit:
		l.Explain = fmt.Sprintf("%s × %s = %s", words, Yuan(t.Rule.Fen), Yuan(l.DeductionFen))
		if t.Rule.CapFen > 0 && l.DeductionFen > t.Rule.CapFen {
			l.DeductionFen = t.Rule.CapFen
			l.Explain += fmt.Sprintf("，超过本项上限，扣减 %s", Yuan(l.DeductionFen))
		}
	case RuleFixed:
		l.DeductionFen = t.Rule.Fen
		l.Explain = fmt.Sprintf("%s，固定扣减 %s", words, Yuan(l.DeductionFen))
	default:
		l.Explain = words + "，本项不扣减"
	}
	return l
}

// Billable outcomes: an enterprise pays for the cases mediation handled to
// the end, agreed or not; a case withdrawn, refused, ended before mediation
// began, settled by the firm itself (ODR) or merged as a duplicate is
// listed, not billed.
func Billable(o evaluation.Outcome) (bool, string) {
	switch o {
	case evaluation.OutcomeAgreed, evaluation.OutcomeNotAgreed:
		return true, ""
	case evaluation.OutcomeWithdrawn:
		return false, "申请人撤回，未经调解办结，不计费"
	case evaluation.OutcomeRejected:
		return false, "不予受理，不计费"
	case evaluation.OutcomeTerminated:
		return false, "开始调解前终止（如一方不同意调解），不计费"
	case evaluation.OutcomeODRSettled:
		return false, "企业先行协商和解，未经调解，不计费"
	case evaluation.OutcomeMerged:
		return false, "重复投诉已合并，由保留的案件计费"
	}
	return false, "未办结，不计费"
}

// StatementRule says in words which cases a statement counts.
const StatementRule = "计费案件：本月（合同期内）办结、由本企业人民调解工作室受理并已开始调解的案件，即调解成功或调解不成的案件，每件按合同单价计费；撤回、不予受理、调解前终止、企业先行协商和解和合并的重复投诉列明但不计费。办结日以绩效评估的办结日为准。"

// ClosedCase is a case of the room closed in the month.
type ClosedCase struct {
	CaseID   int64  `json:"case_id"`
	Number   string `json:"number"`
	Outcome  string `json:"outcome"`
	ClosedOn string `json:"closed_on"`
}

// StatementLine is one case on a statement.
type StatementLine struct {
	ClosedCase
	OutcomeLabel string `json:"outcome_label"`
	Billed       bool   `json:"billed"`
	AmountFen    int64  `json:"amount_fen"`
	Reason       string `json:"reason"` // why not billed
}

// Statement is an enterprise room's monthly statement.
type Statement struct {
	Month    string          `json:"month"`
	From     string          `json:"from"`
	To       string          `json:"to"`
	Partial  bool            `json:"partial"`
	PriceFen int64           `json:"price_fen"`
	Count    int64           `json:"count"`
	TotalFen int64           `json:"total_fen"`
	Lines    []StatementLine `json:"lines"`    // billed
	Excluded []StatementLine `json:"excluded"` // listed, not billed
	Rule     string          `json:"rule"`
	Explain  string          `json:"explain"`
}

// MakeStatement bills the month's closed cases (those in span) at price.
func MakeStatement(month string, span Span, asOf calendar.Date, price int64, cases []ClosedCase) Statement {
	st := Statement{Month: month, From: span.From.String(), To: span.To.String(), Partial: !asOf.After(span.To), PriceFen: price,
		Lines: []StatementLine{}, Excluded: []StatementLine{}, Rule: StatementRule}
	for _, c := range cases {
		if c.ClosedOn < st.From || c.ClosedOn > st.To {
			continue
		}
		o := evaluation.Outcome(c.Outcome)
		l := StatementLine{ClosedCase: c, OutcomeLabel: o.Label()}
		if ok, why := Billable(o); ok {
			l.Billed, l.AmountFen = true, price
			st.Count++
			st.Lines = append(st.Lines, l)
		} else {
			l.Reason = why
			st.Excluded = append(st.Excluded, l)
		}
	}
	st.TotalFen = st.Count * price
	st.Explain = fmt.Sprintf("%s 至 %s 计费案件 %d 件 × 单价 %s = %s；另有 %d 件列明不计费。", st.From, st.To, st.Count, Yuan(price), Yuan(st.TotalFen), len(st.Excluded))
	if st.Partial {
		st.Explain += fmt.Sprintf("本月尚未结束，截至 %s。", asOf)
	}
	return st
}

// ParseMonth reads "2026-11" as its span.
func ParseMonth(s string) (Span, error) {
	t, err := time.Parse("2006-01", strings.TrimSpace(s))
	if err != nil || t.Format("2006-01") != strings.TrimSpace(s) {
		return Span{}, &domain.FieldError{Field: "month", Message: fmt.Sprintf("月份“%s”无效，格式为 YYYY-MM", s)}
	}
	first := calendar.Date{Year: t.Year(), Month: t.Month(), Day: 1}
	next := first.AddDays(40)
	return Span{From: first, To: calendar.Date{Year: next.Year, Month: next.Month, Day: 1}.AddDays(-1)}, nil
}
