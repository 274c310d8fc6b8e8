package evaluation

import "strconv"

// Indicator codes known to the scoring rules. A scheme may weight any of them.
const (
	IndicatorOnTimeAcceptance = "on_time_acceptance" // 按时受理率
	IndicatorOnTimeClosure    = "on_time_closure"    // 按时办结率
	IndicatorSuccess          = "success"            // 调解成功率
	IndicatorPerformance      = "performance"        // 协议履行率
	IndicatorFollowUp         = "follow_up"          // 回访率
	IndicatorSatisfaction     = "satisfaction"       // 回访满意率
	IndicatorFileQuality      = "file_quality"       // 卷宗合格率
	IndicatorTimelyEntry      = "timely_entry"       // 录入及时率
)

// Deduction codes.
const (
	DeductionOverdue      = "overdue"      // 超期案件
	DeductionReturned     = "returned"     // 被退回（司法确认驳回）
	DeductionDissatisfied = "dissatisfied" // 回访不满意
)

// membership says whether a case is in an indicator's denominator and numerator.
type membership func(s Scheme, f Facts, p Period) (den, num bool)

type indicatorDef struct {
	Code, Name string
	Definition string // one sentence, shown as "怎么算的"
	NumWord    string // what the numerator counts
	DenWord    string // what the denominator counts
	member     membership
	// fromTally reads the same numerator and denominator from rollup sums.
	fromTally func(s Scheme, t Tally) (num, den int64)
}

func sumSat(t Tally, prefix string, from, to int) int64 {
	var n int64
	for k := max(from, 1); k <= min(to, 5); k++ {
		n += t[prefix+strconv.Itoa(k)]
	}
	return n
}

// countable leaves merged duplicates out of every figure: the case they were
// merged into carries the dispute, so it is counted once.
func countable(f Facts) bool { return f.Outcome != OutcomeMerged }

var indicatorDefs = map[string]indicatorDef{
	IndicatorOnTimeAcceptance: {IndicatorOnTimeAcceptance, "按时受理率",
		"本期作出受理或不予受理决定的案件中，在政策规定的受理决定期限（工作日，中止期间不计）内作出决定的比例",
		"按期作出受理决定", "本期作出受理决定",
		func(s Scheme, f Facts, p Period) (bool, bool) {
			den := countable(f) && p.in(f.DecidedAt)
			return den, den && f.AcceptedOnTime != nil && *f.AcceptedOnTime
		}, func(s Scheme, t Tally) (int64, int64) { return t["decided_on_time"], t["decided"] }},
	IndicatorOnTimeClosure: {IndicatorOnTimeClosure, "按时办结率",
		"本期办结的已受理案件（调解成功、调解不成、终止、撤回、企业协商和解）中，自受理起在调解期限（工作日，中止期间不计）内办结的比例",
		"按期办结", "本期办结的已受理案件",
		func(s Scheme, f Facts, p Period) (bool, bool) {
			den := countable(f) && f.AcceptedAt != nil && p.in(f.ClosedAt)
			return den, den && f.ClosedOnTime != nil && *f.ClosedOnTime
		}, func(s Scheme, t Tally) (int64, int64) { return t["closed_on_time"], t["closed_accepted"] }},
	IndicatorSuccess: {IndicatorSuccess, "调解成功率",
		"本期办结且已开始调解的案件（调解成功＋调解不成）中，达成调解协议（口头或书面）的比例；撤回、不予受理等另列，不计入",
		"达成调解协议", "本期办结且已开始调解",
		func(s Scheme, f Facts, p Period) (bool, bool) {
			den := p.in(f.ClosedAt) && (f.Outcome == OutcomeAgreed || f.Outcome == OutcomeNotAgreed)
			return den, den && f.Outcome == OutcomeAgreed
		}, func(s Scheme, t Tally) (int64, int64) { return t["out_agreed"], t["out_agreed"] + t["out_not_agreed"] }},
	IndicatorPerformance: {IndicatorPerformance, "协议履行率",
		"本期达成调解协议的案件中，截至统计时协议各项均已履行的比例",
		"协议已全部履行", "本期达成调解协议",
		func(s Scheme, f Facts, p Period) (bool, bool) {
			den := p.in(f.ClosedAt) && f.Outcome == OutcomeAgreed
			return den, den && f.Performed && p.by(f.PerformedAt)
		}, func(s Scheme, t Tally) (int64, int64) { return t["performed"], t["out_agreed"] }},
	IndicatorFollowUp: {IndicatorFollowUp, "回访率",
		"本期达成调解协议的案件中，截至统计时已完成回访的比例",
		"已回访", "本期达成调解协议",
		func(s Scheme, f Facts, p Period) (bool, bool) {
			den := p.in(f.ClosedAt) && f.Outcome == OutcomeAgreed
			return den, den && f.FollowUpDone && p.by(f.FollowUpAt)
		}, func(s Scheme, t Tally) (int64, int64) { return t["followed"], t["out_agreed"] }},
	IndicatorSatisfaction: {IndicatorSatisfaction, "回访满意率",
		"本期达成调解协议且截至统计时已回访的案件中，当事人满意度达到方案“满意”分数线的比例",
		"回访满意", "本期达成协议且已回访",
		func(s Scheme, f Facts, p Period) (bool, bool) {
			den := p.in(f.ClosedAt) && f.Outcome == OutcomeAgreed && f.FollowUpDone && p.by(f.FollowUpAt)
			return den, den && f.Satisfaction >= s.SatisfiedFrom
		}, func(s Scheme, t Tally) (int64, int64) { return sumSat(t, "sat", s.SatisfiedFrom, 5), t["followed"] }},
	IndicatorFileQuality: {IndicatorFileQuality, "卷宗合格率",
		"本期办结的案件（含不予受理）中，截至统计时卷宗材料齐全并已归档的比例（归档须通过卷宗齐全检查）",
		"卷宗齐全并归档", "本期办结",
		func(s Scheme, f Facts, p Period) (bool, bool) {
			den := countable(f) && p.in(f.ClosedAt)
			return den, den && f.Archived && p.by(f.ArchivedAt)
		}, func(s Scheme, t Tally) (int64, int64) { return t["archived"], t["closed"] }},
	IndicatorTimelyEntry: {IndicatorTimelyEntry, "录入及时率",
		"本期收到的投诉中，自收到之日起在方案规定的工作日内登记录入系统的比例",
		"按时登记录入", "本期收到并已登记",
		func(s Scheme, f Facts, p Period) (bool, bool) {
			den := countable(f) && f.HasEntryDays && p.contains(f.ReceivedAt)
			return den, den && f.EntryDays <= s.EntryWD
		}, func(s Scheme, t Tally) (int64, int64) {
			return t["entry_wd"+strconv.Itoa(min(s.EntryWD, MaxEntryWD))], t["entered"]
		}},
}

type deductionDef struct {
	Code, Name, Definition string
	// member counts what a case adds to the deduction over the period.
	member func(s Scheme, f Facts, p Period) int
	// fromTally reads the same count from rollup sums.
	fromTally func(s Scheme, t Tally) int64
}

var deductionDefs = map[string]deductionDef{
	DeductionOverdue: {DeductionOverdue, "超期案件",
		"本期办结但超过调解期限的案件，以及至本期末仍未办结且已过调解期限的案件（中止中的案件不算，中止前已超期的除外），每件扣分",
		func(s Scheme, f Facts, p Period) int {
			if !countable(f) || !f.HasMediationDue {
				return 0
			}
			if p.in(f.ClosedAt) {
				return boolInt(f.ClosedOnTime != nil && !*f.ClosedOnTime)
			}
			from, until, ok := f.OverdueSpan()
			return boolInt(ok && !from.After(p.To) && (until == nil || until.After(p.To)))
		},
		func(s Scheme, t Tally) int64 { return t["closed_late"] + t["overdue_open"] }},
	DeductionReturned: {DeductionReturned, "工作被退回",
		"本期被法院驳回司法确认申请（调解协议被退回）的次数，每次扣分",
		func(s Scheme, f Facts, p Period) int {
			n := 0
			for _, t := range f.JudicialRejectedAt {
				if countable(f) && p.in(&t) {
					n++
				}
			}
			return n
		},
		func(s Scheme, t Tally) int64 { return t["returned"] }},
	DeductionDissatisfied: {DeductionDissatisfied, "回访不满意",
		"本期回访中当事人满意度不高于方案“不满意”分数线的案件，每件扣分",
		func(s Scheme, f Facts, p Period) int {
			return boolInt(countable(f) && f.FollowUpDone && p.in(f.FollowUpAt) && f.Satisfaction >= 1 && f.Satisfaction <= s.DissatisfiedTo)
		},
		func(s Scheme, t Tally) int64 { return sumSat(t, "fu_sat", 1, s.DissatisfiedTo) }},
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// IndicatorName is the Chinese name of an indicator code ("" if unknown).
func IndicatorName(code string) string { return indicatorDefs[code].Name }

// IndicatorDefinition is the definition text of an indicator code.
func IndicatorDefinition(code string) string { return indicatorDefs[code].Definition }

// DeductionName is the Chinese name of a deduction code ("" if unknown).
func DeductionName(code string) string { return deductionDefs[code].Name }

// besideSuccess are the outcomes reported next to the success rate, not in it.
var besideSuccess = []Outcome{OutcomeWithdrawn, OutcomeRejected, OutcomeTerminated, OutcomeODRSettled, OutcomeMerged}
