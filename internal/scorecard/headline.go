package scorecard

import (
	"context"
	"fmt"
	"slices"

	"github.com/tiaojie/tiaojie/internal/auth"
	"github.com/tiaojie/tiaojie/internal/calendar"
	"github.com/tiaojie/tiaojie/internal/evaluation"
	"github.com/tiaojie/tiaojie/internal/store"
)

// Headline is a unit's figures over a period, in the notice's own terms.
type Headline struct {
	Unit    store.OrgUnit
	Period  Period
	Figures []Figure
	// ByOutcome is the cases closed in the period per outcome code.
	ByOutcome []Figure
	Tally     evaluation.Tally
	Pending   int64 // cases not yet counted (see Scores.Pending)
}

// Figure is one headline number with its words. Indicator/Part name the
// case list behind it when there is one.
type Figure struct {
	Code, Name, Unit string
	Value            float64
	Explain          string
	Indicator, Part  string
	// Day names the day the figure counts cases by, for a plain case list
	// (received, closure …) when no indicator fits.
	Day string
}

func pct(n, d int64) float64 {
	if d == 0 {
		return 0
	}
	return float64(n) * 100 / float64(d)
}

// Headline computes the unit's headline figures.
func (s *Service) Headline(ctx context.Context, p *auth.Principal, unit, from, to string) (Headline, error) {
	v, err := s.resolve(ctx, p, unit)
	if err != nil {
		return Headline{}, err
	}
	per, err := parsePeriod(from, to, s.today())
	if err != nil {
		return Headline{}, err
	}
	pending, err := s.refresh(ctx)
	if err != nil {
		return Headline{}, err
	}
	sum := func(per Period) (evaluation.Tally, map[int]int64, error) {
		q := store.EvalQuery{Committees: v.committees, RoomID: v.roomID, MediatorID: v.selfOnly, From: per.From.String(), To: per.To.String()}
		rows, err := s.Store.EvalSums(ctx, q)
		if err != nil {
			return nil, nil, fmt.Errorf("headline sums: %w", err)
		}
		t := evaluation.Tally{}
		for _, r := range rows {
			t.Add(r.Counters)
		}
		h, err := s.Store.EvalHandling(ctx, q)
		if err != nil {
			return nil, nil, fmt.Errorf("headline handling time: %w", err)
		}
		return t, h, nil
	}
	t, hist, err := sum(per)
	if err != nil {
		return Headline{}, err
	}
	lastYear := Period{From: yearBefore(per.From), To: yearBefore(per.To)}
	tPrev, histPrev, err := sum(lastYear)
	if err != nil {
		return Headline{}, err
	}
	h := Headline{Unit: v.unit, Period: per, Tally: t, Pending: pending}
	agreed, notAgreed := t["out_agreed"], t["out_not_agreed"]
	mean, median := handlingStats(t, hist)
	meanPrev, medianPrev := handlingStats(tPrev, histPrev)
	change := "去年同期没有办结的已受理案件，无法比较"
	if tPrev["handling_n"] > 0 && meanPrev > 0 {
		change = fmt.Sprintf("去年同期（%s 至 %s）平均 %.1f 个工作日、中位数 %.1f，平均用时变化 %+.1f%%",
			lastYear.From, lastYear.To, meanPrev, medianPrev, (mean-meanPrev)*100/meanPrev)
	}
	closed := int64(0)
	for _, o := range outcomes {
		closed += t["out_"+string(o)]
	}
	h.Figures = []Figure{
		{Code: "received", Name: "收到投诉", Unit: "件", Value: float64(t["received"]), Day: "received",
			Explain: "本期收到（以收到投诉之日计）的纠纷，合并的重复投诉不计"},
		{Code: "diverted", Name: "市场监管部门分流", Unit: "件", Value: float64(t["diverted"]), Day: "received",
			Explain: fmt.Sprintf("本期收到的纠纷中由12315平台或市场监管所分流而来的件数，占收到投诉的 %.1f%%", pct(t["diverted"], t["received"]))},
		{Code: "closed", Name: "办结", Unit: "件", Value: float64(closed - t["out_merged"]), Day: "closure",
			Explain: "本期办结（调解成功、调解不成、终止、撤回、不予受理、企业协商和解）的件数，合并的重复投诉另计"},
		{Code: "success", Name: "调解成功率", Unit: "%", Value: pct(agreed, agreed+notAgreed), Indicator: evaluation.IndicatorSuccess, Part: "denominator",
			Explain: fmt.Sprintf("本期办结且已开始调解的 %d 件中，达成协议 %d 件（口头 %d、书面 %d）；撤回 %d 件、不予受理 %d 件另列，不计入",
				agreed+notAgreed, agreed, t["agreed_oral"], t["agreed_written"], t["out_withdrawn"], t["out_rejected"])},
		{Code: "handling_mean", Name: "平均办理用时", Unit: "工作日", Value: mean, Day: "closure",
			Explain: fmt.Sprintf("自受理至办结的工作日（中止期间不计），本期办结的已受理案件 %d 件平均；%s", t["handling_n"], change)},
		{Code: "handling_median", Name: "办理用时中位数", Unit: "工作日", Value: median, Day: "closure",
			Explain: fmt.Sprintf("同上案件办理用时的中位数；去年同期中位数 %.1f", medianPrev)},
		{Code: "claimed", Name: "涉及金额", Unit: "元", Value: float64(t["claim_fen"]) / 100, Day: "received",
			Explain: "本期收到纠纷的诉求金额合计"},
		{Code: "recovered", Name: "挽回经济损失", Unit: "元", Value: float64(t["recovered_fen"]) / 100, Day: "closure",
			Explain: "本期办结案件已履行的金额合计（按协议各项履行记录）"},
		{Code: "judicial", Name: "司法确认", Unit: "件", Value: float64(t["judicial"]),
			Explain: "本期经人民法院裁定确认有效的调解协议件数"},
		{Code: "banners", Name: "锦旗", Unit: "面", Value: float64(t["banners"]), Explain: "本期当事人赠送的锦旗"},
		{Code: "letters", Name: "感谢信", Unit: "封", Value: float64(t["letters"]), Explain: "本期当事人寄送的感谢信"},
	}
	for _, o := range outcomes {
		h.ByOutcome = append(h.ByOutcome, Figure{Code: string(o), Name: o.Label(), Unit: "件", Value: float64(t["out_"+string(o)]), Day: "closure",
			Explain: fmt.Sprintf("本期以“%s”结案的件数", o.Label())})
	}
	return h, nil
}

var outcomes = []evaluation.Outcome{evaluation.OutcomeAgreed, evaluation.OutcomeNotAgreed, evaluation.OutcomeWithdrawn,
	evaluation.OutcomeTerminated, evaluation.OutcomeRejected, evaluation.OutcomeODRSettled, evaluation.OutcomeMerged}

func yearBefore(d calendar.Date) calendar.Date {
	t := d.Time().AddDate(-1, 0, 0)
	return calendar.DateOf(t)
}

// handlingStats is the mean (from the sums) and the median (from the
// histogram) of handling time in working days.
func handlingStats(t evaluation.Tally, hist map[int]int64) (mean, median float64) {
	if t["handling_n"] > 0 {
		mean = float64(t["handling_wd"]) / float64(t["handling_n"])
	}
	var n int64
	keys := make([]int, 0, len(hist))
	for k, c := range hist {
		keys = append(keys, k)
		n += c
	}
	if n == 0 {
		return mean, 0
	}
	slices.Sort(keys)
	at := func(i int64) int { // the i-th smallest (0-based)
		for _, k := range keys {
			if i < hist[k] {
				return k
			}
			i -= hist[k]
		}
		return keys[len(keys)-1]
	}
	if n%2 == 1 {
		return mean, float64(at(n / 2))
	}
	return mean, float64(at(n/2-1)+at(n/2)) / 2
}
