package evaluation

import (
	"math"
	"slices"
	"strings"
	"testing"
	"time"
)

// march is one mediator's hand-built portfolio scored over March 2026.
func march() []Facts {
	withEntry := func(h *hist, received string) *hist { h.c.ReceivedAt = at(received); return h }
	c1 := newCase(1, "2026-03-02").mediating("2026-03-03", "2026-03-04", 7).agreed("2026-03-10", 30000, "written").
		ev("start_performance", "2026-03-11", "").note("performed", "2026-03-12", "第1项已履行", `{"recovered_fen":30000}`).
		ev("judicial_applied", "2026-03-13", "").ev("judicial_rejected", "2026-03-18", "").
		ev("follow_up", "2026-03-18", `{"satisfaction":5}`).ev("archive", "2026-03-25", "")
	c2 := newCase(2, "2026-03-02").mediating("2026-03-03", "2026-03-05", 7).agreed("2026-03-16", 100, "oral").
		ev("start_performance", "2026-03-16", "")
	c3 := newCase(3, "2026-03-03").mediating("2026-03-04", "2026-03-05", 7).agreed("2026-03-20", 100, "written").
		ev("start_performance", "2026-03-23", "").note("performed", "2026-04-02", "第1项已履行", "").
		ev("follow_up", "2026-04-10", `{"satisfaction":2}`).ev("archive", "2026-04-20", "")
	c4 := newCase(4, "2026-02-20").mediating("2026-02-24", "2026-02-25", 7).ev("terminate", "2026-03-25", "").
		ev("archive", "2026-03-30", "")
	c5 := newCase(5, "2026-03-02").mediating("2026-03-03", "2026-03-04", 7).ev("withdraw", "2026-03-09", "")
	c6 := newCase(6, "2026-03-02").ev("reject", "2026-03-04", "")
	c7 := newCase(7, "2026-03-02").ev("accept", "2026-03-03", "").ev("merge", "2026-03-05", "")
	c8 := newCase(8, "2026-01-04").mediating("2026-01-05", "2026-01-06", 7).agreed("2026-03-27", 100, "written")
	c9 := newCase(9, "2026-01-05").mediating("2026-01-06", "2026-01-07", 7)
	c10 := newCase(10, "2026-01-05").mediating("2026-01-05", "2026-01-05", 7).ev("suspend", "2026-01-06", "").
		ev("resume", "2026-03-02", "").agreed("2026-03-30", 100, "written")
	c11 := newCase(11, "2026-03-02").ev("accept", "2026-03-20", "")
	c13 := withEntry(newCase(13, "2026-03-13"), "2026-03-10")
	c15 := newCase(15, "2026-03-02").ev("accept", "2026-03-03", "").ev("request_consent", "2026-03-03", "").
		ev("terminate", "2026-03-06", "")
	var out []Facts
	for _, h := range []*hist{c1, c2, c3, c4, c5, c6, c7, c8, c9, c10, c11, c13, c15} {
		out = append(out, Derive(rules(), h.c, at("2026-04-30 12:00")))
	}
	return out
}

var marchPeriod = Period{From: day("2026-03-01"), To: day("2026-03-31"), AsOf: at("2026-04-30 12:00")}

func figure(t *testing.T, r Result, code string) Figure {
	t.Helper()
	for _, f := range r.Indicators {
		if f.Code == code {
			return f
		}
	}
	t.Fatalf("no figure %s", code)
	return Figure{}
}

func TestScoreIndicators(t *testing.T) {
	fs := march()
	// The facts the figures rest on.
	byID := map[int64]Facts{}
	for _, f := range fs {
		byID[f.CaseID] = f
	}
	if f := byID[8]; f.ClosedOnTime == nil || *f.ClosedOnTime {
		t.Fatalf("case 8 should close late (due %s)", f.MediationDue)
	}
	if f := byID[10]; f.ClosedOnTime == nil || !*f.ClosedOnTime {
		t.Fatalf("case 10 was suspended most of the time and should close on time (due %s)", f.MediationDue)
	}
	if f := byID[9]; !f.MediationDue.Before(day("2026-03-31")) {
		t.Fatalf("case 9 should be overdue by the end of March (due %s)", f.MediationDue)
	}

	r := Score(DefaultScheme(), fs, marchPeriod)
	cases := []struct {
		code     string
		num, den []int64
	}{
		{IndicatorOnTimeAcceptance, ids(1, 2, 3, 5, 6, 15), ids(1, 2, 3, 5, 6, 11, 15)},
		{IndicatorOnTimeClosure, ids(1, 2, 3, 4, 5, 10, 15), ids(1, 2, 3, 4, 5, 8, 10, 15)},
		{IndicatorSuccess, ids(1, 2, 3, 8, 10), ids(1, 2, 3, 4, 8, 10)},
		{IndicatorPerformance, ids(1, 3), ids(1, 2, 3, 8, 10)},
		{IndicatorFollowUp, ids(1, 3), ids(1, 2, 3, 8, 10)},
		{IndicatorSatisfaction, ids(1), ids(1, 3)},
		{IndicatorFileQuality, ids(1, 3, 4), ids(1, 2, 3, 4, 5, 6, 8, 10, 15)},
		{IndicatorTimelyEntry, ids(1, 2, 3, 5, 6, 11, 15), ids(1, 2, 3, 5, 6, 11, 13, 15)},
	}
	if len(r.Indicators) != len(cases) {
		t.Fatalf("%d figures", len(r.Indicators))
	}
	for _, cs := range cases {
		f := figure(t, r, cs.code)
		sameIDs(t, cs.code+" numerator", f.NumeratorCases, cs.num)
		sameIDs(t, cs.code+" denominator", f.DenominatorCases, cs.den)
		if f.Numerator != len(cs.num) || f.Denominator != len(cs.den) || !f.Applicable ||
			math.Abs(f.Value-float64(len(cs.num))/float64(len(cs.den))) > 1e-9 {
			t.Errorf("%s: %d/%d value %v", cs.code, f.Numerator, f.Denominator, f.Value)
		}
		if slices.Contains(f.DenominatorCases, 7) {
			t.Errorf("%s counts the merged duplicate", cs.code)
		}
		if f.Name == "" || !strings.Contains(f.Explain, f.Definition) || !strings.Contains(f.Explain, "分母") {
			t.Errorf("%s: explanation %q", cs.code, f.Explain)
		}
	}
	if got := figure(t, r, IndicatorSuccess).Explain; !strings.Contains(got, "分子：达成调解协议 5 件；分母：本期办结且已开始调解 6 件；5 ÷ 6 = 83.3%，权重 20，得 16.67 分") {
		t.Errorf("success explanation: %s", got)
	}

	beside := map[string][]int64{}
	for _, c := range r.Beside {
		beside[c.Code] = c.Cases
		if c.Count != len(c.Cases) || c.Name == "" {
			t.Errorf("beside %s: %+v", c.Code, c)
		}
	}
	sameIDs(t, "withdrawn", beside["withdrawn"], ids(5))
	sameIDs(t, "rejected", beside["rejected"], ids(6))
	sameIDs(t, "terminated before mediation", beside["terminated"], ids(15))
	sameIDs(t, "merged", beside["merged"], ids(7))
	sameIDs(t, "odr", beside["odr_settled"], ids())

	ded := map[string]DeductionLine{}
	for _, d := range r.Deductions {
		ded[d.Code] = d
	}
	sameIDs(t, "overdue", ded[DeductionOverdue].Cases, ids(8, 9))
	sameIDs(t, "returned", ded[DeductionReturned].Cases, ids(1))
	sameIDs(t, "dissatisfied", ded[DeductionDissatisfied].Cases, ids())
	if ded[DeductionOverdue].Points != 2 || ded[DeductionReturned].Points != 2 || ded[DeductionDissatisfied].Points != 0 {
		t.Errorf("deduction points %+v", ded)
	}

	gross := 10*6/7.0 + 15*7/8.0 + 20*5/6.0 + 10*2/5.0 + 10*2/5.0 + 15*1/2.0 + 10*3/9.0 + 10*7/8.0
	if !r.Scored || r.Gross != math.Round(gross*100)/100 || r.Total != math.Round((gross-4)*100)/100 || r.Band != "不合格" {
		t.Errorf("gross %v total %v band %s; want %.2f %.2f 不合格", r.Gross, r.Total, r.Band, gross, gross-4)
	}
	if r.Cases != 9 { // closed in March, the merged 7 left out
		t.Errorf("cases %d", r.Cases)
	}
	if !strings.Contains(r.Explain, "方案 2026") || !strings.Contains(r.Explain, "不合格") {
		t.Errorf("explain %q", r.Explain)
	}
}

func TestScoreAsOfAndLaterPeriod(t *testing.T) {
	// Scored on the last day of March, the April performance and follow-up of case 3 do not count yet.
	p := marchPeriod
	p.AsOf = at("2026-03-31 23:59")
	r := Score(DefaultScheme(), march(), p)
	sameIDs(t, "performance as of 03-31", figure(t, r, IndicatorPerformance).NumeratorCases, ids(1))
	sameIDs(t, "follow-up as of 03-31", figure(t, r, IndicatorFollowUp).NumeratorCases, ids(1))
	sameIDs(t, "satisfaction as of 03-31", figure(t, r, IndicatorSatisfaction).DenominatorCases, ids(1))
	sameIDs(t, "file as of 03-31", figure(t, r, IndicatorFileQuality).NumeratorCases, ids(1, 4))

	// April: the dissatisfied follow-up of case 3 is deducted there; case 9 is still overdue.
	april := Score(DefaultScheme(), march(), Period{From: day("2026-04-01"), To: day("2026-04-30"), AsOf: marchPeriod.AsOf})
	for _, d := range april.Deductions {
		switch d.Code {
		case DeductionDissatisfied:
			sameIDs(t, "april dissatisfied", d.Cases, ids(3))
		case DeductionOverdue:
			sameIDs(t, "april overdue", d.Cases, ids(9))
		}
	}
	// Nothing closed or decided in April: only the entry figure is empty too, so nothing is scored.
	if april.Scored || april.Band != "" || april.Total != 0 {
		t.Errorf("april scored %v band %q total %v", april.Scored, april.Band, april.Total)
	}
	for _, f := range april.Indicators {
		if f.Applicable || !strings.Contains(f.Explain, "不计分") {
			t.Errorf("%s applicable %v: %s", f.Code, f.Applicable, f.Explain)
		}
	}
}

func TestScoreScalesToApplicableWeightsAndCaps(t *testing.T) {
	// One rejected case, decided in time and entered in time, archived.
	h := newCase(1, "2026-03-02").ev("reject", "2026-03-03", "").ev("archive", "2026-03-04", "")
	r := Score(DefaultScheme(), []Facts{h.facts()}, Period{From: day("2026-03-01"), To: day("2026-03-31")})
	// Acceptance 10, file 10, entry 10 apply, all at 100%: 30 of 30 → 100.
	if !r.Scored || r.Gross != 100 || r.Total != 100 || r.Band != "优秀" || !strings.Contains(r.Explain, "权重合计 30") {
		t.Errorf("gross %v total %v band %s: %s", r.Gross, r.Total, r.Band, r.Explain)
	}

	// Twelve overdue cases: the deduction stops at its cap of 10.
	var fs []Facts
	for i := range 12 {
		fs = append(fs, newCase(int64(i+1), "2026-01-05").mediating("2026-01-05", "2026-01-06", 7).facts())
	}
	s := DefaultScheme()
	r = Score(s, fs, Period{From: day("2026-06-01"), To: day("2026-06-30")})
	for _, d := range r.Deductions {
		if d.Code == DeductionOverdue && (d.Count != 12 || d.Points != 10 || !strings.Contains(d.Explain, "封顶 10 分")) {
			t.Errorf("capped deduction %+v", d)
		}
	}
	// Total never goes below zero.
	s.Deductions = []Deduction{{DeductionOverdue, 60, 0}}
	one := Score(s, []Facts{h.facts(), fs[0], fs[1]}, Period{From: day("2026-03-01"), To: day("2026-03-31")})
	if one.Total != 0 || one.Band != BandFail {
		t.Errorf("total %v band %s", one.Total, one.Band)
	}
}

func TestSchemeChangeWithinPeriod(t *testing.T) {
	b := DefaultScheme()
	b.Version, b.Name, b.EffectiveFrom = "2026b", "调整方案", day("2026-03-15")
	b.Indicators = []Weighted{{IndicatorOnTimeAcceptance, 10}, {IndicatorOnTimeClosure, 15}, {IndicatorSuccess, 40},
		{IndicatorPerformance, 10}, {IndicatorFollowUp, 10}, {IndicatorSatisfaction, 15}}
	if errs := b.Validate(); len(errs) != 0 {
		t.Fatalf("scheme b invalid: %v", errs)
	}
	schemes := []Scheme{b, DefaultScheme()}
	cases := []struct {
		start, want string
	}{
		{"2019-12-31", ""}, {"2020-01-01", "2026"}, {"2026-03-01", "2026"}, {"2026-03-14", "2026"},
		{"2026-03-15", "2026b"}, {"2026-04-01", "2026b"},
	}
	for _, cs := range cases {
		s, ok := SchemeFor(schemes, day(cs.start))
		if ok != (cs.want != "") || s.Version != cs.want {
			t.Errorf("SchemeFor(%s) = %q %v, want %q", cs.start, s.Version, ok, cs.want)
		}
	}
	// March spans the change: it is scored under the scheme in force on 03-01.
	s, _ := SchemeFor(schemes, marchPeriod.From)
	r := Score(s, march(), marchPeriod)
	if r.SchemeVersion != "2026" || len(r.Indicators) != 8 {
		t.Errorf("march scored under %s with %d indicators", r.SchemeVersion, len(r.Indicators))
	}
	rb := Score(b, march(), marchPeriod)
	if rb.SchemeVersion != "2026b" || len(rb.Indicators) != 6 || rb.Total == r.Total {
		t.Errorf("scheme b: %s %d indicators total %v (default %v)", rb.SchemeVersion, len(rb.Indicators), rb.Total, r.Total)
	}
	// Same effective date: the later one in the list wins.
	c := b
	c.Version = "2026c"
	if s, _ := SchemeFor([]Scheme{b, c}, day("2026-04-01")); s.Version != "2026c" {
		t.Errorf("tie went to %s", s.Version)
	}
}

func TestScoreWhoseCase(t *testing.T) {
	// Case 1: 7 assigned, recusal granted to 9 mid-case, 9 reaches the agreement.
	// Case 2: 7 presides throughout with 9 as co-mediator; terminated.
	// Case 3: 9 assigned, reassigned to 7 by recusal, then withdrawn.
	c1 := newCase(1, "2026-03-02").ev("accept", "2026-03-02", "").ev("assign", "2026-03-03", `{"mediator_id":7}`).
		ev("start_mediation", "2026-03-03", "").ev("suspend", "2026-03-04", "").
		ev("recusal_granted", "2026-03-06", `{"mediator_id":9}`).ev("resume", "2026-03-06", "").agreed("2026-03-10", 100, "written")
	c2 := newCase(2, "2026-03-02").ev("accept", "2026-03-02", "").ev("assign", "2026-03-03", `{"mediator_id":7}`).
		ev("start_mediation", "2026-03-03", "").note("co_mediator", "2026-03-04", "增加调解员九号共同调解", "").
		ev("terminate", "2026-03-12", "")
	c3 := newCase(3, "2026-03-02").ev("accept", "2026-03-02", "").ev("assign", "2026-03-03", `{"mediator_id":9}`).
		ev("start_mediation", "2026-03-03", "").ev("suspend", "2026-03-04", "").
		ev("recusal_granted", "2026-03-05", `{"mediator_id":7}`).ev("resume", "2026-03-05", "").ev("withdraw", "2026-03-11", "")
	groups := ByPresiding([]Facts{c1.facts(), c2.facts(), c3.facts()})
	p := Period{From: day("2026-03-01"), To: day("2026-03-31")}
	r7, r9 := Score(DefaultScheme(), groups[7], p), Score(DefaultScheme(), groups[9], p)
	sameIDs(t, "7 success denominator", figure(t, r7, IndicatorSuccess).DenominatorCases, ids(2))
	sameIDs(t, "7 success numerator", figure(t, r7, IndicatorSuccess).NumeratorCases, ids())
	sameIDs(t, "7 closure", figure(t, r7, IndicatorOnTimeClosure).DenominatorCases, ids(2, 3))
	sameIDs(t, "9 success", figure(t, r9, IndicatorSuccess).NumeratorCases, ids(1))
	sameIDs(t, "9 closure", figure(t, r9, IndicatorOnTimeClosure).DenominatorCases, ids(1))
	for _, c := range r7.Beside {
		if c.Code == string(OutcomeWithdrawn) {
			sameIDs(t, "7 withdrawn", c.Cases, ids(3))
		}
	}
	if len(groups) != 2 {
		t.Errorf("groups %v", len(groups))
	}
}

func TestDeriveWithoutCalendar(t *testing.T) {
	// A nil calendar applies the plain weekday and statutory rules.
	h := newCase(1, "2026-03-02").mediating("2026-03-02", "2026-03-03", 7).agreed("2026-03-09", 1, "written")
	f := Derive(Rules{}, h.c, time.Time{})
	if f.HandlingDays != 5 || f.ClosedOnTime == nil || !*f.ClosedOnTime {
		t.Errorf("handling %d on time %v", f.HandlingDays, f.ClosedOnTime)
	}
}
