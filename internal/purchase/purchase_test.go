package purchase

import (
	"strings"
	"testing"

	"github.com/tiaojie/tiaojie/internal/calendar"
	"github.com/tiaojie/tiaojie/internal/evaluation"
)

func d(s string) calendar.Date {
	x, err := calendar.ParseDate(s)
	if err != nil {
		panic(err)
	}
	return x
}

func TestYuan(t *testing.T) {
	for _, c := range []struct {
		fen  int64
		want string
	}{{0, "0.00元"}, {5, "0.05元"}, {100, "1.00元"}, {123456, "1,234.56元"}, {100000000, "1,000,000.00元"}, {-150, "-1.50元"}, {99999, "999.99元"}} {
		if got := Yuan(c.fen); got != c.want {
			t.Errorf("Yuan(%d) = %s, want %s", c.fen, got, c.want)
		}
	}
}

func TestParseYuanAndPercent(t *testing.T) {
	for _, c := range []struct {
		in   string
		fen  int64
		good bool
	}{{"300", 30000, true}, {"1,234.5", 123450, true}, {"0.01", 1, true}, {"12.345", 0, false}, {"-1", 0, false}, {"abc", 0, false}, {"", 0, false}, {"500元", 50000, true}, {".5", 0, false}} {
		fen, ok := ParseYuan(c.in)
		if ok != c.good || (ok && fen != c.fen) {
			t.Errorf("ParseYuan(%q) = %d %v", c.in, fen, ok)
		}
	}
	for _, c := range []struct {
		in   string
		pm   int64
		good bool
	}{{"90", 900, true}, {"92.5", 925, true}, {"100", 1000, true}, {"90.55", 0, false}, {"101", 0, false}, {"-5", 0, false}, {"x", 0, false}, {"85%", 850, true}} {
		pm, ok := ParsePercent(c.in)
		if ok != c.good || (ok && pm != c.pm) {
			t.Errorf("ParsePercent(%q) = %d %v", c.in, pm, ok)
		}
	}
}

func TestRatePermille(t *testing.T) {
	for _, c := range []struct{ num, den, want int64 }{{0, 0, 0}, {1, 3, 333}, {2, 3, 667}, {88, 100, 880}, {1, 8, 125}, {1, 2000, 1}, {1, 2001, 0}, {5, 5, 1000}} {
		if got := RatePermille(c.num, c.den); got != c.want {
			t.Errorf("RatePermille(%d,%d) = %d, want %d", c.num, c.den, got, c.want)
		}
	}
}

func TestQuarters(t *testing.T) {
	q, err := ParseQuarter("2026-Q3")
	if err != nil || q != (Quarter{2026, 3}) || q.First() != d("2026-07-01") || q.Last() != d("2026-09-30") || q.Label() != "2026年第三季度" {
		t.Fatalf("2026-Q3: %v %v %s %s", q, err, q.First(), q.Last())
	}
	if (Quarter{2026, 4}).Last() != d("2026-12-31") || (Quarter{2024, 1}).Last() != d("2024-03-31") || (Quarter{2026, 4}).Next() != (Quarter{2027, 1}) {
		t.Error("quarter ends")
	}
	for _, bad := range []string{"2026-Q5", "2026Q3", "26-Q1", "2026-Q0", "", "2026-q", "abcd-Q1"} {
		if _, err := ParseQuarter(bad); err == nil {
			t.Errorf("ParseQuarter(%q) accepted", bad)
		}
	}
	if q, err := ParseQuarter("2026-q2"); err != nil || q.Q != 2 {
		t.Error("lower-case q refused")
	}
	qs := Quarters(Span{d("2026-02-15"), d("2027-01-10")})
	if len(qs) != 5 || qs[0] != (Quarter{2026, 1}) || qs[4] != (Quarter{2027, 1}) {
		t.Fatalf("quarters: %v", qs)
	}
	if len(Quarters(Span{d("2026-03-01"), d("2026-02-01")})) != 0 {
		t.Error("reversed period has quarters")
	}
	s, ok := Clip(Quarter{2026, 1}, Span{d("2026-02-15"), d("2027-01-10")})
	if !ok || s.From != d("2026-02-15") || s.To != d("2026-03-31") {
		t.Errorf("clip first: %v", s)
	}
	s, ok = Clip(Quarter{2027, 1}, Span{d("2026-02-15"), d("2027-01-10")})
	if !ok || s.From != d("2027-01-01") || s.To != d("2027-01-10") || s.Days() != 10 {
		t.Errorf("clip last: %v", s)
	}
	if _, ok := Clip(Quarter{2027, 2}, Span{d("2026-02-15"), d("2027-01-10")}); ok {
		t.Error("quarter outside clipped")
	}
}

func TestBaseFen(t *testing.T) {
	p := Span{d("2026-01-01"), d("2026-12-31")}
	total := int64(0)
	for _, q := range Quarters(p) {
		b, words, ok := BaseFen(100000001, p, q)
		if !ok || words == "" {
			t.Fatal(q)
		}
		want := int64(25000000)
		if q.Q == 4 {
			want = 25000001
			if !strings.Contains(words, "余数 0.01元") {
				t.Errorf("remainder words: %s", words)
			}
		}
		if b != want {
			t.Errorf("%s base %d want %d", q, b, want)
		}
		total += b
	}
	if total != 100000001 {
		t.Errorf("quarters sum to %d", total)
	}
	// Five quarters, remainder 3 fen to the last.
	p5 := Span{d("2026-02-15"), d("2027-01-10")}
	sum := int64(0)
	for _, q := range Quarters(p5) {
		b, _, _ := BaseFen(1003, p5, q)
		sum += b
		if q == (Quarter{2027, 1}) && b != 203 {
			t.Errorf("last of five: %d", b)
		} else if q != (Quarter{2027, 1}) && b != 200 {
			t.Errorf("%s of five: %d", q, b)
		}
	}
	if sum != 1003 {
		t.Errorf("five quarters sum %d", sum)
	}
	if _, _, ok := BaseFen(1000, p, Quarter{2027, 1}); ok {
		t.Error("base outside the contract")
	}
}

func TestProRate(t *testing.T) {
	for _, c := range []struct {
		annual   int64
		from, to string
		want     int64
	}{
		{1200, "2026-07-01", "2026-09-30", 302}, // 1200 × 92 / 365 = 302.47
		{1200, "2026-01-01", "2026-03-31", 296}, // × 90 / 365 = 295.9
		{1200, "2024-01-01", "2024-03-31", 298}, // leap year: × 91 / 366 = 298.4
		{365, "2026-01-01", "2026-01-01", 1},
		{1, "2026-01-01", "2026-01-01", 0}, // 1/365 rounds to 0
		{730, "2026-01-01", "2026-01-01", 2},
		{365, "2026-01-01", "2026-12-31", 365},
		{73, "2026-01-01", "2026-01-03", 1},  // 0.6 → 1
		{146, "2026-01-01", "2026-01-01", 0}, // 0.4 → 0
		{365 * 2, "2026-10-01", "2026-10-01", 2},
		{10, "2026-01-01", "2026-07-02", 5}, // 10 × 183/365 = 5.01
	} {
		got, words := ProRate(c.annual, Span{d(c.from), d(c.to)})
		if got != c.want || !strings.Contains(words, "四舍五入") {
			t.Errorf("ProRate(%d, %s..%s) = %d (%s), want %d", c.annual, c.from, c.to, got, words, c.want)
		}
	}
}

func TestValidateTargets(t *testing.T) {
	good := []Target{
		{TargetCases, 1200, Rule{RulePerUnit, 10000, 500000}},
		{TargetSuccess, 900, Rule{RulePerUnit, 50000, 0}},
		{TargetFollowUp, 950, Rule{RuleFixed, 200000, 0}},
		{TargetOnTime, 980, Rule{RuleNone, 0, 0}},
	}
	if errs := ValidateTargets(good); len(errs) != 0 {
		t.Fatalf("good targets refused: %v", errs[0])
	}
	if errs := ValidateTargets(nil); len(errs) != 0 {
		t.Fatal("no targets refused")
	}
	for _, c := range []struct {
		name  string
		t     Target
		field string
	}{
		{"unknown code", Target{"speed", 1, Rule{RuleNone, 0, 0}}, "targets.0.code"},
		{"rate zero", Target{TargetSuccess, 0, Rule{RuleNone, 0, 0}}, "targets.0.value"},
		{"rate above 100%", Target{TargetSuccess, 1001, Rule{RuleNone, 0, 0}}, "targets.0.value"},
		{"cases zero", Target{TargetCases, 0, Rule{RuleNone, 0, 0}}, "targets.0.value"},
		{"cases negative", Target{TargetCases, -5, Rule{RuleNone, 0, 0}}, "targets.0.value"},
		{"per unit without fen", Target{TargetCases, 10, Rule{RulePerUnit, 0, 0}}, "targets.0.rule.fen"},
		{"fixed negative", Target{TargetCases, 10, Rule{RuleFixed, -1, 0}}, "targets.0.rule.fen"},
		{"fixed with cap", Target{TargetCases, 10, Rule{RuleFixed, 100, 50}}, "targets.0.rule.cap_fen"},
		{"cap below unit", Target{TargetCases, 10, Rule{RulePerUnit, 100, 50}}, "targets.0.rule.cap_fen"},
		{"negative cap", Target{TargetCases, 10, Rule{RulePerUnit, 100, -1}}, "targets.0.rule.cap_fen"},
		{"none with fen", Target{TargetCases, 10, Rule{RuleNone, 100, 0}}, "targets.0.rule.fen"},
		{"unknown rule", Target{TargetCases, 10, Rule{"percent", 100, 0}}, "targets.0.rule.kind"},
		{"huge fen", Target{TargetCases, 10, Rule{RulePerUnit, MaxFen + 1, 0}}, "targets.0.rule.fen"},
	} {
		errs := ValidateTargets([]Target{c.t})
		if len(errs) == 0 || errs[0].Field != c.field || errs[0].Message == "" {
			t.Errorf("%s: %v", c.name, errs)
		}
	}
	if errs := ValidateTargets([]Target{good[0], good[0]}); len(errs) != 1 || errs[0].Field != "targets.1.code" {
		t.Errorf("duplicate: %v", errs)
	}
}

func TestAssessLines(t *testing.T) {
	q3 := Quarter{2026, 3}
	span := Span{q3.First(), q3.Last()}
	asOf := d("2026-10-10")
	one := func(tg Target, a Achieved) Line {
		t.Helper()
		as := Assess(Input{Quarter: q3, Span: span, AsOf: asOf, BaseFen: 100000000, Targets: []Target{tg}, Achieved: a})
		if len(as.Lines) != 1 {
			t.Fatalf("lines: %d", len(as.Lines))
		}
		return as.Lines[0]
	}
	for _, c := range []struct {
		name    string
		tg      Target
		a       Achieved
		fen     int64
		met     bool
		applic  bool
		explain string
	}{
		{"success short per point", Target{TargetSuccess, 900, Rule{RulePerUnit, 50000, 0}}, Achieved{SuccessNum: 88, SuccessDen: 100}, 100000, false, true,
			"调解成功率 88.0%，低于目标 90.0% 2.0 个百分点 × 500.00元 = 1,000.00元"},
		{"success short fraction of a point", Target{TargetSuccess, 900, Rule{RulePerUnit, 50000, 0}}, Achieved{SuccessNum: 179, SuccessDen: 200}, 25000, false, true,
			"89.5%，低于目标 90.0% 0.5 个百分点 × 500.00元 = 250.00元"},
		{"success short odd fen rounds half up", Target{TargetSuccess, 900, Rule{RulePerUnit, 333, 0}}, Achieved{SuccessNum: 899, SuccessDen: 1000}, 33, false, true, "0.1 个百分点"},
		{"success capped", Target{TargetSuccess, 900, Rule{RulePerUnit, 50000, 150000}}, Achieved{SuccessNum: 80, SuccessDen: 100}, 150000, false, true,
			"10.0 个百分点 × 500.00元 = 5,000.00元，超过本项上限，扣减 1,500.00元"},
		{"success exactly met", Target{TargetSuccess, 900, Rule{RulePerUnit, 50000, 0}}, Achieved{SuccessNum: 90, SuccessDen: 100}, 0, true, true, "达到目标 90.0%，不扣减"},
		{"success met by rounding", Target{TargetSuccess, 900, Rule{RulePerUnit, 50000, 0}}, Achieved{SuccessNum: 8995, SuccessDen: 10000}, 0, true, true, "90.0%"},
		{"success above", Target{TargetSuccess, 900, Rule{RuleFixed, 50000, 0}}, Achieved{SuccessNum: 95, SuccessDen: 100}, 0, true, true, "95.0%（95/100），达到目标"},
		{"success no cases", Target{TargetSuccess, 900, Rule{RulePerUnit, 50000, 0}}, Achieved{}, 0, false, false, "本季度没有办结且已开始调解的案件，调解成功率不考核，不扣减"},
		{"follow-up fixed", Target{TargetFollowUp, 950, Rule{RuleFixed, 200000, 0}}, Achieved{FollowNum: 90, FollowDen: 100}, 200000, false, true,
			"回访率 90.0%，低于目标 95.0% 5.0 个百分点，固定扣减 2,000.00元"},
		{"follow-up none", Target{TargetFollowUp, 950, Rule{RuleNone, 0, 0}}, Achieved{FollowNum: 90, FollowDen: 100}, 0, false, true, "本项不扣减"},
		{"follow-up no agreements", Target{TargetFollowUp, 950, Rule{RuleFixed, 200000, 0}}, Achieved{}, 0, false, false, "没有达成调解协议的案件"},
		{"on-time short", Target{TargetOnTime, 980, Rule{RulePerUnit, 10000, 0}}, Achieved{OnTimeNum: 47, OnTimeDen: 50}, 40000, false, true,
			"按期办结率 94.0%，低于目标 98.0% 4.0 个百分点 × 100.00元 = 400.00元"},
		{"on-time no cases", Target{TargetOnTime, 980, Rule{RulePerUnit, 10000, 0}}, Achieved{}, 0, false, false, "没有办结的已受理的案件"},
		{"cases short per case", Target{TargetCases, 1200, Rule{RulePerUnit, 10000, 0}}, Achieved{Closed: 280}, 220000, false, true,
			"办结 280 件，低于目标 302 件 22 件 × 100.00元 = 2,200.00元"},
		{"cases short capped", Target{TargetCases, 1200, Rule{RulePerUnit, 10000, 100000}}, Achieved{Closed: 280}, 100000, false, true, "超过本项上限，扣减 1,000.00元"},
		{"cases short fixed", Target{TargetCases, 1200, Rule{RuleFixed, 300000, 0}}, Achieved{Closed: 301}, 300000, false, true, "固定扣减 3,000.00元"},
		{"cases zero closed", Target{TargetCases, 1200, Rule{RulePerUnit, 100, 0}}, Achieved{}, 30200, false, true, "办结 0 件"},
		{"cases met", Target{TargetCases, 1200, Rule{RulePerUnit, 10000, 0}}, Achieved{Closed: 302}, 0, true, true, "达到目标 302 件（全年 1200 件 × 92 天 ÷ 365 天"},
		{"cases short none", Target{TargetCases, 1200, Rule{RuleNone, 0, 0}}, Achieved{Closed: 1}, 0, false, true, "本项不扣减"},
	} {
		l := one(c.tg, c.a)
		if l.DeductionFen != c.fen || l.Met != c.met || l.Applicable != c.applic || !strings.Contains(l.Explain, c.explain) {
			t.Errorf("%s: fen %d met %v applicable %v — %s", c.name, l.DeductionFen, l.Met, l.Applicable, l.Explain)
		}
		if ind, _ := Indicator(c.tg.Code); l.Indicator != ind || ind == "" {
			t.Errorf("%s: indicator %q", c.name, l.Indicator)
		}
	}
}

func TestAssessTotals(t *testing.T) {
	q := Quarter{2026, 3}
	span := Span{q.First(), q.Last()}
	targets := []Target{
		{TargetOnTime, 980, Rule{RulePerUnit, 10000, 0}},
		{TargetCases, 1200, Rule{RulePerUnit, 10000, 0}},
		{TargetSuccess, 900, Rule{RulePerUnit, 50000, 0}},
		{TargetFollowUp, 950, Rule{RuleFixed, 200000, 0}},
	}
	ach := Achieved{Closed: 280, SuccessNum: 88, SuccessDen: 100, FollowNum: 90, FollowDen: 100, OnTimeNum: 47, OnTimeDen: 50}
	a := Assess(Input{Quarter: q, Span: span, AsOf: d("2026-10-08"), BaseFen: 90000000, BaseExplain: "x", Targets: targets, Achieved: ach})
	// Lines in display order whatever the contract's order.
	var codes []string
	for _, l := range a.Lines {
		codes = append(codes, l.Code)
	}
	if strings.Join(codes, ",") != "cases,success,follow_up,on_time" {
		t.Errorf("order: %v", codes)
	}
	want := int64(220000 + 100000 + 200000 + 40000)
	if a.RawDeductionsFen != want || a.DeductionsFen != want || a.DueFen != 90000000-want || a.Partial {
		t.Errorf("totals: %+v", a)
	}
	if !strings.Contains(a.Explain, "应付 894,400.00元") {
		t.Errorf("explain: %s", a.Explain)
	}
	// Deductions never exceed the base.
	small := Assess(Input{Quarter: q, Span: span, AsOf: d("2026-10-08"), BaseFen: 300000, Targets: targets, Achieved: ach})
	if small.DeductionsFen != 300000 || small.DueFen != 0 || small.RawDeductionsFen != want || !strings.Contains(small.Explain, "以基数为限") {
		t.Errorf("capped at base: %+v", small)
	}
	// A span not yet over is a preview.
	p := Assess(Input{Quarter: q, Span: span, AsOf: d("2026-09-30"), BaseFen: 1, Targets: nil})
	if !p.Partial || !strings.Contains(p.Explain, "仅供预览") || len(p.Lines) != 0 || p.DueFen != 1 {
		t.Errorf("partial: %+v", p)
	}
}

func TestDescribe(t *testing.T) {
	for _, c := range []struct {
		t    Target
		want string
	}{
		{Target{TargetCases, 1200, Rule{RulePerUnit, 10000, 500000}}, "全年办结不少于 1200 件（按季度折算）；未达到时每少 1 件扣减 100.00元，每季度最多扣减 5,000.00元"},
		{Target{TargetSuccess, 900, Rule{RulePerUnit, 50000, 0}}, "调解成功率不低于 90.0%；未达到时每低 1 个百分点扣减 500.00元"},
		{Target{TargetFollowUp, 955, Rule{RuleFixed, 100, 0}}, "回访率不低于 95.5%；未达到时扣减 1.00元"},
		{Target{TargetOnTime, 980, Rule{RuleNone, 0, 0}}, "按期办结率不低于 98.0%；未达到时不扣减"},
	} {
		if got := c.t.Describe(); got != c.want {
			t.Errorf("Describe = %s, want %s", got, c.want)
		}
	}
}

func TestStatement(t *testing.T) {
	span, err := ParseMonth("2026-11")
	if err != nil || span.From != d("2026-11-01") || span.To != d("2026-11-30") {
		t.Fatal(span, err)
	}
	if s, _ := ParseMonth("2024-02"); s.To != d("2024-02-29") {
		t.Error("leap February")
	}
	for _, bad := range []string{"2026-13", "2026-1", "11-2026", ""} {
		if _, err := ParseMonth(bad); err == nil {
			t.Errorf("ParseMonth(%q) accepted", bad)
		}
	}
	var cases []ClosedCase
	outs := []evaluation.Outcome{evaluation.OutcomeAgreed, evaluation.OutcomeNotAgreed, evaluation.OutcomeWithdrawn, evaluation.OutcomeRejected,
		evaluation.OutcomeTerminated, evaluation.OutcomeODRSettled, evaluation.OutcomeMerged, evaluation.OutcomeAgreed}
	for i, o := range outs {
		cases = append(cases, ClosedCase{CaseID: int64(i + 1), Number: "N" + string(rune('A'+i)), Outcome: string(o), ClosedOn: "2026-11-1" + string(rune('0'+i))})
	}
	cases = append(cases, ClosedCase{CaseID: 99, Number: "late", Outcome: "agreed", ClosedOn: "2026-12-01"})
	st := MakeStatement("2026-11", span, d("2026-12-03"), 15000, cases)
	if st.Count != 3 || st.TotalFen != 45000 || len(st.Lines) != 3 || len(st.Excluded) != 5 || st.Partial {
		t.Fatalf("statement: %+v", st)
	}
	for _, l := range st.Excluded {
		if l.Reason == "" || l.Billed || l.AmountFen != 0 || l.OutcomeLabel == "" {
			t.Errorf("excluded line without reason: %+v", l)
		}
	}
	if !strings.Contains(st.Explain, "计费案件 3 件 × 单价 150.00元 = 450.00元；另有 5 件列明不计费") {
		t.Errorf("explain: %s", st.Explain)
	}
	partial := MakeStatement("2026-11", span, d("2026-11-20"), 15000, nil)
	if !partial.Partial || partial.TotalFen != 0 || !strings.Contains(partial.Explain, "尚未结束") {
		t.Errorf("partial: %+v", partial)
	}
	for _, o := range []evaluation.Outcome{evaluation.OutcomeOpen, "whatever"} {
		if ok, why := Billable(o); ok || why == "" {
			t.Errorf("billable %s", o)
		}
	}
}
