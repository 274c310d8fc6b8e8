package subsidy

import (
	"fmt"
	"math/rand"
	"reflect"
	"sort"
	"strings"
	"testing"
)

// good is a case that passes every gate under Default(): a written,
// performed agreement of normal difficulty, by a registered contract
// mediator without a grade, closed in October 2026's window.
func good(id int64) Case {
	return Case{ID: id, Number: fmt.Sprintf("浦东-2026-%04d", id), MediatorID: 1, MediatorName: "张三",
		RoomID: 10, RoomName: "东方路工作室", ClosureDay: "2026-10-10",
		Outcome: "agreed", MediationBegan: true, AgreementForm: FormWritten, Performed: true,
		Archived: true, DossierComplete: true, FollowUpDone: true,
		Difficulty: Normal, DifficultyConfirmed: true,
		PayeeRegistered: true, Grade: "none", Employment: "contract"}
}

func batch(schemes ...Scheme) Batch {
	if len(schemes) == 0 {
		schemes = []Scheme{Default()}
	}
	return Batch{Period: "2026-10", Schemes: schemes}
}

// one settles a single case and returns its line or its failure.
func one(t *testing.T, s Scheme, c Case) (*Line, *Failure) {
	t.Helper()
	r := Settle(batch(s), []Case{c})
	if len(r.Lines)+len(r.Failed) != 1 {
		t.Fatalf("one case came out as %d lines and %d failures", len(r.Lines), len(r.Failed))
	}
	if len(r.Lines) == 1 {
		if r.TotalFen != r.Lines[0].Fen {
			t.Errorf("total %d, line %d", r.TotalFen, r.Lines[0].Fen)
		}
		return &r.Lines[0], nil
	}
	if r.TotalFen != 0 {
		t.Errorf("a failure left a total of %d", r.TotalFen)
	}
	return nil, &r.Failed[0]
}

func TestExplanationOfTheIssue(t *testing.T) {
	c := good(1)
	c.Grade = "2"
	l, f := one(t, Default(), c)
	if f != nil {
		t.Fatalf("failed: %+v", f)
	}
	const want = "书面协议 × 一般 × 已履行 200.00元 × 二级 1.2 = 240.00元"
	if l.Explanation != want {
		t.Errorf("explanation %q, want %q", l.Explanation, want)
	}
	if l.Fen != 24_000 || l.BaseFen != 20_000 || l.JudicialFen != 0 || l.Percent != 120 || l.CutFen != 0 {
		t.Errorf("line %+v", l)
	}
	if l.Rule != "书面协议·一般·已履行" || l.SchemeVersion != "示例-1" || l.Difficulty != Normal {
		t.Errorf("rule %q version %q difficulty %s", l.Rule, l.SchemeVersion, l.Difficulty)
	}
	if l.CaseID != 1 || l.Number != c.Number || l.MediatorID != 1 || l.MediatorName != "张三" ||
		l.RoomID != 10 || l.RoomName != "东方路工作室" || l.ClosureDay != "2026-10-10" {
		t.Errorf("line does not carry the case: %+v", l)
	}
}

// halfUp is the reference rounding: x × p / 100, half a fen up.
func halfUp(x int64, p int) int64 {
	q, r := x*int64(p)/100, x*int64(p)%100
	if r >= 50 {
		q++
	}
	return q
}

func yuan(fen int64) string {
	s := fmt.Sprintf("%d.%02d", fen/100, fen%100)
	if len(s) > 6 { // thousands separators for the amounts used here (< 1,000,000元)
		s = s[:len(s)-6] + "," + s[len(s)-6:]
	}
	return s
}

func TestEveryCombination(t *testing.T) {
	s := Default()
	// The default table, written out independently of Default().
	cell := map[string]int64{
		"written/simple/已履行": 10_000, "written/simple/未履行": 5_000,
		"written/normal/已履行": 20_000, "written/normal/未履行": 10_000,
		"written/complex/已履行": 40_000, "written/complex/未履行": 20_000,
		"oral/simple/已履行": 5_000, "oral/simple/未履行": 2_500,
		"oral/normal/已履行": 10_000, "oral/normal/未履行": 5_000,
		"oral/complex/已履行": 20_000, "oral/complex/未履行": 10_000,
	}
	formWord := map[string]string{FormWritten: "书面协议", FormOral: "口头协议"}
	diffWord := map[Difficulty]string{Simple: "简易", Normal: "一般", Complex: "疑难复杂"}
	grades := []struct {
		code, word, factor string
		pct                int
	}{{"none", "无等级", "1.0", 100}, {"", "无等级", "1.0", 100}, {"4", "四级", "1.0", 100}, {"3", "三级", "1.1", 110}, {"2", "二级", "1.2", 120}, {"1", "一级", "1.5", 150}}
	n := 0
	for _, form := range []string{FormWritten, FormOral} {
		for _, d := range []Difficulty{Simple, Normal, Complex} {
			for _, perf := range []bool{true, false} {
				for _, judicial := range []bool{false, true} {
					for _, g := range grades {
						perfWord := map[bool]string{true: "已履行", false: "未履行"}[perf]
						name := fmt.Sprintf("%s/%s/%s/judicial=%v/grade=%q", form, d, perfWord, judicial, g.code)
						t.Run(name, func(t *testing.T) {
							c := good(int64(n + 1))
							c.AgreementForm, c.Difficulty, c.Performed, c.JudicialConfirmed, c.Grade = form, d, perf, judicial, g.code
							l, f := one(t, s, c)
							if f != nil {
								t.Fatalf("failed: %+v", f)
							}
							base := cell[form+"/"+string(d)+"/"+perfWord]
							var jud int64
							words := fmt.Sprintf("%s × %s × %s %s元", formWord[form], diffWord[d], perfWord, yuan(base))
							if judicial {
								jud = 5_000
								words = "（" + words + " + 司法确认 50.00元）"
							}
							fen := halfUp(base+jud, g.pct)
							want := fmt.Sprintf("%s × %s %s = %s元", words, g.word, g.factor, yuan(fen))
							if l.Fen != fen || l.BaseFen != base || l.JudicialFen != jud || l.Percent != g.pct || l.CutFen != 0 {
								t.Errorf("fen %d base %d judicial %d percent %d cut %d; want %d %d %d %d 0", l.Fen, l.BaseFen, l.JudicialFen, l.Percent, l.CutFen, fen, base, jud, g.pct)
							}
							if l.Explanation != want {
								t.Errorf("explanation %q\nwant        %q", l.Explanation, want)
							}
							if l.Rule != formWord[form]+"·"+diffWord[d]+"·"+perfWord {
								t.Errorf("rule %q", l.Rule)
							}
						})
						n++
					}
				}
			}
		}
	}
	if n != 144 {
		t.Errorf("%d combinations, want 144", n)
	}
}

func TestJudicialSupplementOffWhenZero(t *testing.T) {
	s := Default()
	s.JudicialFen = 0
	c := good(1)
	c.JudicialConfirmed = true
	l, _ := one(t, s, c)
	if l == nil || l.JudicialFen != 0 || l.Fen != 20_000 || strings.Contains(l.Explanation, "司法确认") {
		t.Errorf("line %+v", l)
	}
}

func TestUnknownAgreementFormPricedAsOral(t *testing.T) {
	for _, form := range []string{"", "video"} {
		c := good(1)
		c.AgreementForm = form
		l, f := one(t, Default(), c)
		if f != nil || l.Fen != 10_000 || l.Rule != "口头协议·一般·已履行" || !strings.HasPrefix(l.Explanation, "口头协议 × ") {
			t.Errorf("form %q: line %+v failure %+v", form, l, f)
		}
	}
}

func TestRoundingHalfUp(t *testing.T) {
	for _, tc := range []struct {
		fen  int64
		pct  int
		want int64
	}{
		{1_005, 150, 1_508}, // 1507.5 → 1508
		{1_003, 150, 1_505}, // 1504.5 → 1505
		{1_001, 110, 1_101}, // 1101.1 → 1101
		{1_005, 110, 1_106}, // 1105.5 → 1106
		{1_004, 105, 1_054}, // 1054.2 → 1054
		{1_010, 105, 1_061}, // 1060.5 → 1061
		{1, 150, 2},         // 1.5 → 2
		{1, 149, 1},         // 1.49 → 1
		{1, 49, 0},          // 0.49 → 0
		{1, 50, 1},          // 0.5 → 1
		{0, 150, 0},
		{20_000, 100, 20_000},
	} {
		if got := scale(tc.fen, tc.pct); got != tc.want {
			t.Errorf("scale(%d, %d) = %d, want %d", tc.fen, tc.pct, got, tc.want)
		}
	}
	// Through the whole settlement: 10.05元 × 一级 1.5 = 15.08元.
	s := Default()
	for i := range s.Agreed {
		if s.Agreed[i].Form == FormWritten && s.Agreed[i].Difficulty == Normal && s.Agreed[i].Performed {
			s.Agreed[i].Fen = 1_005
		}
	}
	c := good(1)
	c.Grade = "1"
	l, _ := one(t, s, c)
	if l == nil || l.Fen != 1_508 || l.Explanation != "书面协议 × 一般 × 已履行 10.05元 × 一级 1.5 = 15.08元" {
		t.Errorf("line %+v", l)
	}
}

func TestTerminated(t *testing.T) {
	s := Default()
	for _, tc := range []struct {
		d     Difficulty
		grade string
		fen   int64
		words string
	}{
		{Normal, "none", 3_000, "依法终止 × 一般 30.00元 × 无等级 1.0 = 30.00元"},
		{Normal, "2", 3_600, "依法终止 × 一般 30.00元 × 二级 1.2 = 36.00元"},
		{Complex, "1", 12_000, "依法终止 × 疑难复杂 80.00元 × 一级 1.5 = 120.00元"},
		{Complex, "3", 8_800, "依法终止 × 疑难复杂 80.00元 × 三级 1.1 = 88.00元"},
	} {
		c := good(1)
		c.Outcome, c.MediationBegan, c.Grade, c.Difficulty = "not_agreed", true, tc.grade, tc.d
		c.AgreementForm, c.JudicialConfirmed, c.Performed = "", true, false // no supplement for a terminated case
		l, f := one(t, s, c)
		if f != nil {
			t.Fatalf("%s: failed %+v", tc.d, f)
		}
		if l.Fen != tc.fen || l.JudicialFen != 0 || l.Explanation != tc.words || l.Rule != "依法终止·"+tc.d.Label() {
			t.Errorf("%s/%s: %+v", tc.d, tc.grade, l)
		}
	}
	// 简易 terminated earns nothing under the default: the zero gate, with the sum in words.
	c := good(1)
	c.Outcome, c.Difficulty = "not_agreed", Simple
	_, f := one(t, s, c)
	if f == nil || f.Gate != GateZero || f.Reason != "依法终止 × 简易 0.00元 × 无等级 1.0 = 0.00元：按方案本类案件不计补贴" || f.Pending {
		t.Errorf("simple terminated: %+v", f)
	}
	// Not agreed without mediation having begun is not properly terminated.
	c = good(1)
	c.Outcome, c.MediationBegan = "not_agreed", false
	_, f = one(t, s, c)
	if f == nil || f.Gate != GateOutcome || f.Reason != "办理结果为“调解不成”，只有调解成功或依法终止调解的案件计发" {
		t.Errorf("not agreed, mediation not begun: %+v", f)
	}
}

func TestZeroGate(t *testing.T) {
	// A zero rate cell, and a grade at 0%.
	s := Default()
	for i := range s.Agreed {
		if s.Agreed[i].Form == FormOral && s.Agreed[i].Difficulty == Simple && !s.Agreed[i].Performed {
			s.Agreed[i].Fen = 0
		}
	}
	c := good(1)
	c.AgreementForm, c.Difficulty, c.Performed = FormOral, Simple, false
	_, f := one(t, s, c)
	if f == nil || f.Gate != GateZero || f.Reason != "口头协议 × 简易 × 未履行 0.00元 × 无等级 1.0 = 0.00元：按方案本类案件不计补贴" {
		t.Errorf("zero cell: %+v", f)
	}
	s = Default()
	s.Grades[0].Percent = 0
	_, f = one(t, s, good(1))
	if f == nil || f.Gate != GateZero || !strings.Contains(f.Reason, "× 无等级 0.0 = 0.00元") {
		t.Errorf("zero grade: %+v", f)
	}
	// Rounding to zero: 0.01元 × 0.49.
	s = Default()
	for i := range s.Agreed {
		s.Agreed[i].Fen = 1
	}
	s.Grades[0].Percent = 49
	_, f = one(t, s, good(1))
	if f == nil || f.Gate != GateZero {
		t.Errorf("rounded to zero: %+v", f)
	}
}

func TestEachGate(t *testing.T) {
	type tc struct {
		name    string
		change  func(*Case)
		gate    string
		reason  string
		pending bool
	}
	cases := []tc{
		{"paid", func(c *Case) { c.PaidIn = "2026-09" }, GatePaid, "已在 2026-09 批次计发，一案只补一次", false},
		{"merged outcome", func(c *Case) { c.Outcome = "merged"; c.MergedInto = "浦东-2026-0007" }, GateMerged, "已合并至 浦东-2026-0007，由该案计发", false},
		{"merged outcome, no target", func(c *Case) { c.Outcome = "merged" }, GateMerged, "已合并至 —，由该案计发", false},
		{"merged into, agreed", func(c *Case) { c.MergedInto = "浦东-2026-0008" }, GateMerged, "已合并至 浦东-2026-0008，由该案计发", false},
		{"archived", func(c *Case) { c.Archived = false }, GateArchived, "结案后尚未归档", true},
		{"dossier", func(c *Case) { c.DossierComplete = false }, GateDossier, "未形成完整的电子卷宗", true},
		{"follow-up", func(c *Case) { c.FollowUpDone = false }, GateFollowUp, "尚未完成回访", true},
		{"sync", func(c *Case) { c.SyncRequired, c.Synced = true, false }, GateSync, "尚未被智慧调解平台接收", true},
		{"difficulty unconfirmed", func(c *Case) { c.DifficultyConfirmed = false }, GateDifficulty, "难易程度待工作室负责人确认", true},
		{"difficulty missing", func(c *Case) { c.Difficulty = "" }, GateDifficulty, "难易程度待工作室负责人确认", true},
		{"difficulty invalid", func(c *Case) { c.Difficulty = "hard" }, GateDifficulty, "难易程度待工作室负责人确认", true},
		{"no mediator", func(c *Case) { c.MediatorID, c.MediatorName = 0, "" }, GatePayee, "案件没有主持调解员", false},
		{"not registered", func(c *Case) { c.PayeeRegistered = false }, GatePayee, "张三未录入调解员名册", false},
		{"civil servant", func(c *Case) { c.Employment = "civil_servant" }, GatePayee, "张三为公务员或事业编制人员，不领取个案补贴", false},
		{"public institution", func(c *Case) { c.Employment = "public_institution" }, GatePayee, "张三为公务员或事业编制人员，不领取个案补贴", false},
	}
	for o, word := range map[string]string{"open": "未办结", "rejected": "不予受理", "terminated": "终止（未进入调解）",
		"withdrawn": "撤回", "odr_settled": "企业协商和解", "": "", "strange": "strange"} {
		cases = append(cases, tc{"outcome " + o, func(c *Case) { c.Outcome = o }, GateOutcome,
			"办理结果为“" + word + "”，只有调解成功或依法终止调解的案件计发", false})
	}
	cases = append(cases, tc{"outcome not_agreed, not begun", func(c *Case) { c.Outcome, c.MediationBegan = "not_agreed", false }, GateOutcome,
		"办理结果为“调解不成”，只有调解成功或依法终止调解的案件计发", false})
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c := good(3)
			tc.change(&c)
			l, f := one(t, Default(), c)
			if f == nil {
				t.Fatalf("passed: %+v", l)
			}
			if f.Gate != tc.gate || f.Reason != tc.reason || f.Pending != tc.pending {
				t.Errorf("got %s %q pending %v; want %s %q %v", f.Gate, f.Reason, f.Pending, tc.gate, tc.reason, tc.pending)
			}
			if f.CaseID != 3 || f.Number != c.Number || f.MediatorID != c.MediatorID || f.MediatorName != c.MediatorName ||
				f.RoomName != c.RoomName || f.ClosureDay != c.ClosureDay {
				t.Errorf("failure does not carry the case: %+v", f)
			}
			if GateLabel(f.Gate) == "" {
				t.Errorf("gate %s has no label", f.Gate)
			}
		})
	}
}

func TestGatesThatPass(t *testing.T) {
	for name, change := range map[string]func(*Case){
		"sync off, not synced":   func(c *Case) { c.SyncRequired, c.Synced = false, false },
		"sync on, synced":        func(c *Case) { c.SyncRequired, c.Synced = true, true },
		"rehired retiree":        func(c *Case) { c.Employment = "rehired_retiree" },
		"other employment":       func(c *Case) { c.Employment = "other" },
		"employment unknown":     func(c *Case) { c.Employment = "" },
		"carried from before":    func(c *Case) { c.Carried = true; c.ClosureDay = "2026-08-01" },
		"group paid, not group":  func(c *Case) { c.GroupPaidIn = "2026-09" },
		"properly terminated":    func(c *Case) { c.Outcome = "not_agreed" },
		"not performed":          func(c *Case) { c.Performed = false },
		"judicially confirmed":   func(c *Case) { c.JudicialConfirmed = true },
		"oral agreement":         func(c *Case) { c.AgreementForm = FormOral },
		"grade unknown to table": func(c *Case) { c.Grade = "9" },
	} {
		if _, f := one(t, Default(), func() Case { c := good(1); change(&c); return c }()); f != nil {
			t.Errorf("%s: failed %+v", name, f)
		}
	}
}

func TestFirstFailingGateWins(t *testing.T) {
	// A case failing every gate; fixed one gate at a time, it must fail the next in order.
	c := good(1)
	c.PaidIn = "2026-08"
	c.MergedInto = "浦东-2026-0002"
	c.Outcome = "withdrawn"
	c.Archived, c.DossierComplete, c.FollowUpDone = false, false, false
	c.SyncRequired, c.Synced = true, false
	c.DifficultyConfirmed = false
	c.PayeeRegistered, c.Employment = false, "civil_servant"
	steps := []struct {
		gate string
		fix  func(*Case)
	}{
		{GatePaid, func(c *Case) { c.PaidIn = "" }},
		{GateMerged, func(c *Case) { c.MergedInto = "" }},
		{GateOutcome, func(c *Case) { c.Outcome = "agreed" }},
		{GateFollowUp, func(c *Case) { c.FollowUpDone = true }},
		{GateArchived, func(c *Case) { c.Archived = true }},
		{GateDossier, func(c *Case) { c.DossierComplete = true }},
		{GateSync, func(c *Case) { c.Synced = true }},
		{GateDifficulty, func(c *Case) { c.DifficultyConfirmed = true }},
		{GatePayee, func(c *Case) { c.PayeeRegistered = true }},  // not registered
		{GatePayee, func(c *Case) { c.Employment = "contract" }}, // civil servant
	}
	for i, st := range steps {
		_, f := one(t, Default(), c)
		if f == nil || f.Gate != st.gate {
			t.Fatalf("step %d: got %+v, want gate %s", i, f, st.gate)
		}
		st.fix(&c)
	}
	if l, f := one(t, Default(), c); f != nil || l.Fen != 20_000 {
		t.Errorf("all fixed: line %+v failure %+v", l, f)
	}
	// The payee gate: no mediator comes before not registered.
	c.MediatorID, c.PayeeRegistered = 0, false
	if _, f := one(t, Default(), c); f == nil || f.Reason != "案件没有主持调解员" {
		t.Errorf("no mediator and not registered: %+v", f)
	}
	// The scheme gate comes before all others: a paid case closed before any scheme.
	c = good(1)
	c.PaidIn, c.ClosureDay = "2023-01", "2023-06-30"
	if _, f := one(t, Default(), c); f == nil || f.Gate != GateScheme {
		t.Errorf("before any scheme: %+v", f)
	}
}

func TestPending(t *testing.T) {
	want := map[string]bool{GateArchived: true, GateDossier: true, GateFollowUp: true, GateSync: true, GateDifficulty: true}
	for _, g := range Gates {
		if Pending(g) != want[g] {
			t.Errorf("Pending(%s) = %v", g, Pending(g))
		}
		if GateLabel(g) == "" {
			t.Errorf("gate %s has no label", g)
		}
	}
	if Pending("") || Pending("nope") || GateLabel("nope") != "" {
		t.Error("unknown gate")
	}
	if len(Gates) != 14 || len(gateLabels) != 14 {
		t.Errorf("%d gates, %d labels", len(Gates), len(gateLabels))
	}
}

func TestGroupPerCaseCap(t *testing.T) {
	s := Default()
	s.Group.CapFen = 50_000 // 500元 for the group's cases together
	var cs []Case
	for i := int64(1); i <= 5; i++ {
		c := good(i)
		c.MediatorID, c.MediatorName = i, fmt.Sprintf("调解员%d", i) // no month cap in play
		c.GroupID, c.GroupTitle = 7, "某小区物业费"
		c.ClosureDay = fmt.Sprintf("2026-10-%02d", 10+i)
		cs = append(cs, c)
	}
	// A member failing a gate takes nothing of the cap.
	cs[1].Archived = false
	// A case of another group and one of no group are not capped with it.
	other := good(20)
	other.MediatorID, other.GroupID, other.GroupTitle = 20, 8, "另一群体"
	lone := good(21)
	lone.MediatorID = 21
	r := Settle(batch(s), append(cs, other, lone))
	fen := map[int64]int64{}
	var lines = map[int64]Line{}
	for _, l := range r.Lines {
		fen[l.CaseID] = l.Fen
		lines[l.CaseID] = l
	}
	gates := map[int64]Failure{}
	for _, f := range r.Failed {
		gates[f.CaseID] = f
	}
	if fen[1] != 20_000 || fen[3] != 20_000 || fen[4] != 10_000 || fen[20] != 20_000 || fen[21] != 20_000 {
		t.Errorf("amounts %v", fen)
	}
	if lines[4].CutFen != 10_000 || lines[4].BaseFen != 20_000 ||
		lines[4].Explanation != "书面协议 × 一般 × 已履行 200.00元 × 无等级 1.0 = 200.00元；受群体纠纷“某小区物业费”封顶 500.00元限制，核减 100.00元，实发 100.00元" {
		t.Errorf("trimmed line %+v", lines[4])
	}
	if gates[2].Gate != GateArchived {
		t.Errorf("case 2 %+v", gates[2])
	}
	if f := gates[5]; f.Gate != GateGroup || f.Reason != "“某小区物业费”已达群体纠纷封顶 500.00元" || f.Pending {
		t.Errorf("case 5 %+v", f)
	}
	if r.TotalFen != 90_000 {
		t.Errorf("total %d", r.TotalFen)
	}
	// No cap: every member paid in full. An untitled group is named by its id.
	s.Group.CapFen = 0
	r = Settle(batch(s), cs)
	if len(r.Lines) != 4 || r.TotalFen != 80_000 {
		t.Errorf("uncapped: %d lines, total %d", len(r.Lines), r.TotalFen)
	}
	s.Group.CapFen = 20_000
	for i := range cs {
		cs[i].GroupTitle = ""
	}
	r = Settle(batch(s), cs)
	if len(r.Failed) != 4 || r.Failed[1].Reason != "“群体纠纷 7”已达群体纠纷封顶 200.00元" {
		t.Errorf("untitled: %+v", r.Failed)
	}
}

func TestGroupPerGroup(t *testing.T) {
	s := Default()
	s.Group.Mode = GroupPerGroup // 1,000.00元 a group
	var cs []Case
	for i := int64(1); i <= 4; i++ {
		c := good(i)
		c.MediatorID, c.MediatorName = i, fmt.Sprintf("调解员%d", i)
		c.GroupID, c.GroupTitle = 7, "某楼盘延期交房"
		c.ClosureDay = fmt.Sprintf("2026-10-%02d", 10+i)
		c.JudicialConfirmed = true // no supplement on the group's amount
		cs = append(cs, c)
	}
	cs[0].FollowUpDone = false // the earliest member does not qualify: the group is paid on the next
	cs[1].Grade = "2"
	r := Settle(batch(s), cs)
	if len(r.Lines) != 1 {
		t.Fatalf("lines %+v", r.Lines)
	}
	l := r.Lines[0]
	if l.CaseID != 2 || l.Fen != 120_000 || l.BaseFen != 100_000 || l.JudicialFen != 0 || l.Rule != "群体纠纷·按组" ||
		l.Explanation != "群体纠纷“某楼盘延期交房”按组 1,000.00元 × 二级 1.2 = 1,200.00元" {
		t.Errorf("group line %+v", l)
	}
	want := map[int64]string{1: GateFollowUp, 3: GateGroup, 4: GateGroup}
	for _, f := range r.Failed {
		if f.Gate != want[f.CaseID] {
			t.Errorf("case %d: gate %s", f.CaseID, f.Gate)
		}
		if f.Gate == GateGroup && (f.Reason != "“某楼盘延期交房”按组计发，已计入 浦东-2026-0002" || f.Pending) {
			t.Errorf("case %d: %+v", f.CaseID, f)
		}
	}
	// Already paid in an approved batch: every member fails, naming the period.
	for i := range cs {
		cs[i].GroupPaidIn = "2026-08"
	}
	r = Settle(batch(s), cs)
	if len(r.Lines) != 0 || len(r.Failed) != 4 {
		t.Fatalf("paid group: %+v", r)
	}
	for _, f := range r.Failed[1:] {
		if f.Gate != GateGroup || f.Reason != "“某楼盘延期交房”按组计发，已在 2026-08 批次计发" {
			t.Errorf("paid group: %+v", f)
		}
	}
	// A group amount of zero: the zero gate.
	s.Group.GroupFen = 0
	for i := range cs {
		cs[i].GroupPaidIn = ""
	}
	r = Settle(batch(s), cs[1:2])
	if len(r.Failed) != 1 || r.Failed[0].Gate != GateZero || !strings.HasPrefix(r.Failed[0].Reason, "群体纠纷“某楼盘延期交房”按组 0.00元") {
		t.Errorf("zero group: %+v", r.Failed)
	}
}

func TestGroupPerGroupFirstPaidMemberCarriesTheGroup(t *testing.T) {
	// The first qualifying member is over its mediator's monthly cap: the group
	// must be paid on the next member, not counted as paid on a case that earns nothing.
	s := Default()
	s.Group.Mode = GroupPerGroup
	s.MediatorMonthCapFen = 20_000
	full := good(1) // mediator 1 reaches the cap first
	full.ClosureDay = "2026-10-01"
	a := good(2)
	a.GroupID, a.GroupTitle, a.ClosureDay = 7, "群体", "2026-10-02" // mediator 1 again: over the cap
	b := good(3)
	b.GroupID, b.GroupTitle, b.ClosureDay, b.MediatorID, b.MediatorName = 7, "群体", "2026-10-03", 2, "李四"
	r := Settle(batch(s), []Case{full, a, b})
	got := map[int64]int64{}
	for _, l := range r.Lines {
		got[l.CaseID] = l.Fen
	}
	if got[1] != 20_000 || got[3] != 20_000 {
		t.Errorf("lines %+v, failed %+v", r.Lines, r.Failed)
	}
	if len(r.Failed) != 1 || r.Failed[0].CaseID != 2 || r.Failed[0].Gate != GateMonthCap {
		t.Errorf("failed %+v", r.Failed)
	}
}

func TestGroupPerCaseCapCountsOnlyWhatIsPaid(t *testing.T) {
	// The group cap counts what the group's cases are paid, after the
	// mediator's monthly cap: a member trimmed by it leaves room for the others.
	s := Default()
	s.Group.CapFen = 30_000
	s.MediatorMonthCapFen = 25_000
	full := good(1)
	full.ClosureDay = "2026-10-01" // mediator 1: 200元 of 250元
	a := good(2)
	a.GroupID, a.ClosureDay = 7, "2026-10-02" // mediator 1: trimmed to 50元 by the month cap
	b := good(3)
	b.GroupID, b.ClosureDay, b.MediatorID, b.MediatorName = 7, "2026-10-03", 2, "李四" // group room: 300 − 50 = 250元 ≥ 200元
	r := Settle(batch(s), []Case{full, a, b})
	got := map[int64]int64{}
	for _, l := range r.Lines {
		got[l.CaseID] = l.Fen
	}
	if got[1] != 20_000 || got[2] != 5_000 || got[3] != 20_000 {
		t.Errorf("lines %v, failed %+v", got, r.Failed)
	}
	// And a member that fails the month cap outright takes nothing of the group's cap.
	s.MediatorMonthCapFen = 20_000
	s.Group.CapFen = 20_000
	r = Settle(batch(s), []Case{full, a, b})
	got = map[int64]int64{}
	for _, l := range r.Lines {
		got[l.CaseID] = l.Fen
	}
	if got[1] != 20_000 || got[3] != 20_000 || len(r.Failed) != 1 || r.Failed[0].Gate != GateMonthCap {
		t.Errorf("lines %v, failed %+v", got, r.Failed)
	}
}

func TestMediatorMonthCap(t *testing.T) {
	s := Default()
	s.MediatorMonthCapFen = 50_000
	var cs []Case
	for i := int64(1); i <= 4; i++ { // mediator 1: 200 + 200 + 100 (trimmed) + nothing
		c := good(i)
		c.ClosureDay = fmt.Sprintf("2026-10-%02d", i)
		cs = append(cs, c)
	}
	for i := int64(5); i <= 7; i++ { // mediator 2, independent: 200 + 200 + 100
		c := good(i)
		c.MediatorID, c.MediatorName = 2, "李四"
		c.ClosureDay = fmt.Sprintf("2026-10-%02d", i)
		cs = append(cs, c)
	}
	r := Settle(batch(s), cs)
	got := map[int64]Line{}
	for _, l := range r.Lines {
		got[l.CaseID] = l
	}
	for id, want := range map[int64]int64{1: 20_000, 2: 20_000, 3: 10_000, 5: 20_000, 6: 20_000, 7: 10_000} {
		if got[id].Fen != want {
			t.Errorf("case %d: %d, want %d", id, got[id].Fen, want)
		}
	}
	if l := got[3]; l.CutFen != 10_000 ||
		l.Explanation != "书面协议 × 一般 × 已履行 200.00元 × 无等级 1.0 = 200.00元；受每人每月上限 500.00元限制，核减 100.00元，实发 100.00元" {
		t.Errorf("trimmed %+v", l)
	}
	if len(r.Failed) != 1 || r.Failed[0].CaseID != 4 || r.Failed[0].Gate != GateMonthCap ||
		r.Failed[0].Reason != "张三本批已达每人每月上限 500.00元" || r.Failed[0].Pending {
		t.Errorf("failed %+v", r.Failed)
	}
	if r.TotalFen != 100_000 {
		t.Errorf("total %d", r.TotalFen)
	}
	for _, sum := range ByMediator(r.Lines) {
		if sum.Fen != 50_000 {
			t.Errorf("%s: %d", sum.MediatorName, sum.Fen)
		}
	}
	// A gate failure takes nothing of the cap; no cap (0) pays everything.
	cs[0].Archived = false
	r = Settle(batch(s), cs)
	if len(r.Lines) != 6 || r.TotalFen != 100_000 {
		t.Errorf("with case 1 failing: %d lines, total %d", len(r.Lines), r.TotalFen)
	}
	s.MediatorMonthCapFen = 0
	cs[0].Archived = true
	if r = Settle(batch(s), cs); r.TotalFen != 140_000 || len(r.Failed) != 0 {
		t.Errorf("no cap: total %d", r.TotalFen)
	}
}

func TestYearBudget(t *testing.T) {
	s := Default()
	s.YearBudgetFen = 100_000
	var cs []Case
	for i := int64(1); i <= 5; i++ {
		c := good(i)
		c.MediatorID, c.MediatorName = i, fmt.Sprintf("调解员%d", i)
		c.ClosureDay = fmt.Sprintf("2026-10-%02d", i)
		cs = append(cs, c)
	}
	b := batch(s)
	b.BudgetUsedFen = 50_000 // 500元 left: 200 + 200 + 100 (trimmed), then exhausted
	r := Settle(b, cs)
	fen := map[int64]Line{}
	for _, l := range r.Lines {
		fen[l.CaseID] = l
	}
	if fen[1].Fen != 20_000 || fen[2].Fen != 20_000 || fen[3].Fen != 10_000 || fen[3].CutFen != 10_000 || r.TotalFen != 50_000 {
		t.Errorf("lines %+v", r.Lines)
	}
	if fen[3].Explanation != "书面协议 × 一般 × 已履行 200.00元 × 无等级 1.0 = 200.00元；受年度预算 1,000.00元（尚余 100.00元）限制，核减 100.00元，实发 100.00元" {
		t.Errorf("trimmed %q", fen[3].Explanation)
	}
	if len(r.Failed) != 2 {
		t.Fatalf("failed %+v", r.Failed)
	}
	for _, f := range r.Failed {
		if f.Gate != GateBudget || f.Reason != "年度预算 1,000.00元已用尽" || f.Pending {
			t.Errorf("%+v", f)
		}
	}
	// Used beyond the budget: nothing left, every case fails the budget.
	b.BudgetUsedFen = 150_000
	r = Settle(b, cs)
	if len(r.Lines) != 0 || len(r.Failed) != 5 || r.Failed[0].Gate != GateBudget {
		t.Errorf("over budget: %+v", r)
	}
	// No budget set: no limit.
	s.YearBudgetFen = 0
	b = batch(s)
	b.BudgetUsedFen = 1 << 40
	if r = Settle(b, cs); len(r.Lines) != 5 || r.TotalFen != 100_000 {
		t.Errorf("no budget: %+v", r)
	}
}

func TestCapsCombine(t *testing.T) {
	// The group cap first, then the month cap, then the budget, each named in the words.
	s := Default()
	s.Group.CapFen = 35_000
	s.MediatorMonthCapFen = 30_000
	s.YearBudgetFen = 1_000_000
	a := good(1)
	a.GroupID, a.GroupTitle, a.ClosureDay = 7, "群体", "2026-10-01"
	c := good(2) // 200元; group room 150元; month room 100元; budget room 50元
	c.GroupID, c.GroupTitle, c.ClosureDay = 7, "群体", "2026-10-02"
	b := batch(s)
	b.BudgetUsedFen = 1_000_000 - 25_000
	r := Settle(b, []Case{a, c})
	if len(r.Lines) != 2 || r.Lines[1].Fen != 5_000 || r.Lines[1].CutFen != 15_000 {
		t.Fatalf("lines %+v failed %+v", r.Lines, r.Failed)
	}
	e := r.Lines[1].Explanation
	for _, part := range []string{"受群体纠纷“群体”封顶 350.00元限制，核减 50.00元，实发 150.00元",
		"受每人每月上限 300.00元限制，核减 50.00元，实发 100.00元", "受年度预算 10,000.00元（尚余 50.00元）限制，核减 50.00元，实发 50.00元"} {
		if !strings.Contains(e, part) {
			t.Errorf("%q lacks %q", e, part)
		}
	}
	if strings.Index(e, "群体纠纷") > strings.Index(e, "每人每月") || strings.Index(e, "每人每月") > strings.Index(e, "年度预算") {
		t.Errorf("caps out of order: %q", e)
	}
	if r.TotalFen != 25_000 {
		t.Errorf("total %d", r.TotalFen)
	}
}

func TestSchemeChangeMidMonth(t *testing.T) {
	a := Default()
	b := Default()
	b.Version, b.EffectiveFrom, b.Example = "2026-B", "2026-10-15", false
	for i := range b.Agreed {
		b.Agreed[i].Fen += 10_000
	}
	b.Grades[3].Percent = 130 // 二级 × 1.3 from the 15th
	cases := []Case{good(1), good(2), good(3), good(4)}
	cases[0].ClosureDay = "2026-10-14"
	cases[1].ClosureDay = "2026-10-15"
	cases[2].ClosureDay = "2026-10-20"
	cases[3].ClosureDay = "2023-12-31" // before any scheme
	for i := range cases {
		cases[i].Grade = "2"
		cases[i].MediatorID = int64(i + 1)
	}
	r := Settle(batch(b, a), cases) // versions in any order
	want := map[int64]struct {
		fen     int64
		version string
		words   string
	}{
		1: {24_000, "示例-1", "书面协议 × 一般 × 已履行 200.00元 × 二级 1.2 = 240.00元"},
		2: {39_000, "2026-B", "书面协议 × 一般 × 已履行 300.00元 × 二级 1.3 = 390.00元"},
		3: {39_000, "2026-B", "书面协议 × 一般 × 已履行 300.00元 × 二级 1.3 = 390.00元"},
	}
	if len(r.Lines) != 3 {
		t.Fatalf("lines %+v", r.Lines)
	}
	for _, l := range r.Lines {
		w := want[l.CaseID]
		if l.Fen != w.fen || l.SchemeVersion != w.version || l.Explanation != w.words {
			t.Errorf("case %d: %d %s %q", l.CaseID, l.Fen, l.SchemeVersion, l.Explanation)
		}
	}
	if len(r.Failed) != 1 || r.Failed[0].CaseID != 4 || r.Failed[0].Gate != GateScheme ||
		r.Failed[0].Reason != "结案日 2023-12-31 时尚无生效的补贴方案" || r.Failed[0].Pending {
		t.Errorf("failed %+v", r.Failed)
	}
	if r.TotalFen != 24_000+39_000+39_000 {
		t.Errorf("total %d", r.TotalFen)
	}
	// No scheme at all: every case fails the scheme gate.
	r = Settle(Batch{Period: "2026-10"}, cases)
	if len(r.Failed) != 4 || len(r.Lines) != 0 {
		t.Errorf("no scheme: %+v", r)
	}
	for _, f := range r.Failed {
		if f.Gate != GateScheme {
			t.Errorf("no scheme: %+v", f)
		}
	}
}

func TestSchemeChangeCapsPerVersion(t *testing.T) {
	// Each case is capped by its own version's monthly cap, counting the month's earlier lines.
	a := Default()
	a.MediatorMonthCapFen = 0
	b := Default()
	b.Version, b.EffectiveFrom, b.MediatorMonthCapFen = "B", "2026-10-15", 30_000
	c1, c2, c3 := good(1), good(2), good(3)
	c1.ClosureDay, c2.ClosureDay, c3.ClosureDay = "2026-10-01", "2026-10-02", "2026-10-16"
	r := Settle(batch(a, b), []Case{c1, c2, c3})
	if len(r.Lines) != 2 || len(r.Failed) != 1 || r.Failed[0].CaseID != 3 || r.Failed[0].Reason != "张三本批已达每人每月上限 300.00元" {
		t.Errorf("lines %+v failed %+v", r.Lines, r.Failed)
	}
}

func TestSettleOrderAndDeterminism(t *testing.T) {
	cs := []Case{good(5), good(3), good(9), good(1), good(2)}
	cs[0].ClosureDay = "2026-10-01"
	cs[1].ClosureDay = "2026-10-03"
	cs[2].ClosureDay = "2026-10-01"
	cs[3].ClosureDay = "2026-10-03"
	cs[4].ClosureDay = "2026-09-28"
	cs[2].Archived = false
	in := append([]Case(nil), cs...)
	r := Settle(batch(), cs)
	var ids []int64
	for _, l := range r.Lines {
		ids = append(ids, l.CaseID)
	}
	if fmt.Sprint(ids) != "[2 5 1 3]" {
		t.Errorf("line order %v", ids)
	}
	if !reflect.DeepEqual(cs, in) {
		t.Error("Settle changed its input")
	}
}

// randomCase draws a case that may fail any gate or earn anything.
func randomCase(rng *rand.Rand, id int64) Case {
	pick := func(xs ...string) string { return xs[rng.Intn(len(xs))] }
	yes := func(p float64) bool { return rng.Float64() < p }
	c := Case{ID: id, Number: fmt.Sprintf("C%05d", id),
		MediatorID: int64(rng.Intn(6)), ClosureDay: fmt.Sprintf("2026-%02d-%02d", 9+rng.Intn(2), 1+rng.Intn(30)),
		RoomID:         int64(rng.Intn(3)),
		Outcome:        pick("agreed", "agreed", "agreed", "agreed", "not_agreed", "open", "rejected", "terminated", "withdrawn", "odr_settled", "merged"),
		MediationBegan: yes(0.8), AgreementForm: pick(FormWritten, FormOral, ""), Performed: yes(0.6),
		JudicialConfirmed: yes(0.2), Archived: yes(0.9), DossierComplete: yes(0.9), FollowUpDone: yes(0.9),
		SyncRequired: yes(0.5), Synced: yes(0.8),
		Difficulty:          Difficulty(pick("simple", "normal", "complex", "complex", "")),
		DifficultyConfirmed: yes(0.9), PayeeRegistered: yes(0.95),
		Grade:      pick("none", "4", "3", "2", "1", ""),
		Employment: pick("contract", "contract", "contract", "rehired_retiree", "civil_servant", "public_institution")}
	if c.MediatorID != 0 {
		c.MediatorName = fmt.Sprintf("调解员%d", c.MediatorID)
	}
	c.RoomName = fmt.Sprintf("工作室%d", c.RoomID)
	if yes(0.05) {
		c.ClosureDay = "2023-06-01" // before any scheme
	}
	if yes(0.05) {
		c.PaidIn = "2026-08"
	}
	if yes(0.05) {
		c.MergedInto = "C00000"
	}
	if yes(0.4) {
		c.GroupID = int64(1 + rng.Intn(3))
		if yes(0.1) {
			c.GroupPaidIn = "2026-08"
		}
	}
	return c
}

func randomScheme(rng *rand.Rand, version, from string) Scheme {
	s := Default()
	s.Version, s.EffectiveFrom = version, from
	for i := range s.Agreed {
		s.Agreed[i].Fen = int64(rng.Intn(50_000))
	}
	for i := range s.Grades {
		s.Grades[i].Percent = 50 + rng.Intn(150)
	}
	s.JudicialFen = int64(rng.Intn(10_000))
	if rng.Intn(2) == 0 {
		s.Group.Mode = GroupPerGroup
	}
	s.Group.GroupFen = int64(rng.Intn(100_000))
	s.Group.CapFen = int64(rng.Intn(100_000))
	s.MediatorMonthCapFen = int64(rng.Intn(200_000))
	s.YearBudgetFen = int64(rng.Intn(1_000_000))
	return s
}

func TestSettleProperties(t *testing.T) {
	rng := rand.New(rand.NewSource(20261025))
	for round := 0; round < 300; round++ {
		schemes := []Scheme{randomScheme(rng, "A", "2024-01-01")}
		single := rng.Intn(2) == 0
		if !single {
			schemes = append(schemes, randomScheme(rng, "B", fmt.Sprintf("2026-10-%02d", 1+rng.Intn(28))))
		}
		b := Batch{Period: "2026-10", Schemes: schemes, BudgetUsedFen: int64(rng.Intn(800_000))}
		n := rng.Intn(80)
		cs := make([]Case, n)
		for i := range cs {
			cs[i] = randomCase(rng, int64(i+1))
		}
		r := Settle(b, cs)

		// Conservation: every case once, as a line or a failure.
		if len(r.Lines)+len(r.Failed) != n {
			t.Fatalf("round %d: %d cases → %d lines + %d failures", round, n, len(r.Lines), len(r.Failed))
		}
		seen := map[int64]int{}
		var total int64
		perMediator := map[int64]int64{}
		perGroup := map[int64]int64{}
		groupLines := map[int64]int{}
		for i, l := range r.Lines {
			seen[l.CaseID]++
			total += l.Fen
			if l.Fen <= 0 {
				t.Errorf("round %d: line of %d fen: %+v", round, l.Fen, l)
			}
			if l.CutFen < 0 || l.Fen+l.CutFen != scale(l.BaseFen+l.JudicialFen, l.Percent) {
				t.Errorf("round %d: amount does not add up: %+v", round, l)
			}
			if (l.CutFen > 0) != strings.Contains(l.Explanation, "核减") {
				t.Errorf("round %d: cut %d but explanation %q", round, l.CutFen, l.Explanation)
			}
			if !strings.HasSuffix(l.Explanation, domainFen(l.Fen)+"元") {
				t.Errorf("round %d: explanation %q does not end with the amount paid %d", round, l.Explanation, l.Fen)
			}
			if i > 0 {
				p := r.Lines[i-1]
				if p.ClosureDay > l.ClosureDay || (p.ClosureDay == l.ClosureDay && p.CaseID >= l.CaseID) {
					t.Errorf("round %d: lines out of order: %s/%d before %s/%d", round, p.ClosureDay, p.CaseID, l.ClosureDay, l.CaseID)
				}
			}
			perMediator[l.MediatorID] += l.Fen
			c := cs[l.CaseID-1]
			if c.GroupID != 0 {
				perGroup[c.GroupID] += l.Fen
				groupLines[c.GroupID]++
			}
			if l.SchemeVersion == "" {
				t.Errorf("round %d: line without a scheme version", round)
			}
		}
		for i, f := range r.Failed {
			seen[f.CaseID]++
			if f.Pending != Pending(f.Gate) || GateLabel(f.Gate) == "" || f.Reason == "" {
				t.Errorf("round %d: failure %+v", round, f)
			}
			if i > 0 {
				p := r.Failed[i-1]
				if p.ClosureDay > f.ClosureDay || (p.ClosureDay == f.ClosureDay && p.CaseID >= f.CaseID) {
					t.Errorf("round %d: failures out of order", round)
				}
			}
		}
		for id := int64(1); id <= int64(n); id++ {
			if seen[id] != 1 {
				t.Fatalf("round %d: case %d came out %d times", round, id, seen[id])
			}
		}
		if total != r.TotalFen {
			t.Errorf("round %d: total %d, lines sum %d", round, r.TotalFen, total)
		}
		if single {
			s := schemes[0]
			if s.MediatorMonthCapFen > 0 {
				for m, sum := range perMediator {
					if sum > s.MediatorMonthCapFen {
						t.Errorf("round %d: mediator %d earns %d over the cap %d", round, m, sum, s.MediatorMonthCapFen)
					}
				}
			}
			for g, sum := range perGroup {
				if s.Group.Mode == GroupPerCase && s.Group.CapFen > 0 && sum > s.Group.CapFen {
					t.Errorf("round %d: group %d earns %d over the cap %d", round, g, sum, s.Group.CapFen)
				}
				if s.Group.Mode == GroupPerGroup && groupLines[g] > 1 {
					t.Errorf("round %d: group %d paid %d times", round, g, groupLines[g])
				}
			}
			if s.YearBudgetFen > 0 && r.TotalFen > max(s.YearBudgetFen-b.BudgetUsedFen, 0) {
				t.Errorf("round %d: total %d beyond what is left of the budget", round, r.TotalFen)
			}
		}

		// Determinism: any order of the same cases settles the same.
		shuffled := append([]Case(nil), cs...)
		rng.Shuffle(len(shuffled), func(i, j int) { shuffled[i], shuffled[j] = shuffled[j], shuffled[i] })
		if r2 := Settle(b, shuffled); !reflect.DeepEqual(r, r2) {
			t.Fatalf("round %d: settling a shuffled input differs", round)
		}
		// Adjusting against itself changes nothing.
		paid := map[int64]int64{}
		for _, l := range r.Lines {
			paid[l.CaseID] = l.Fen
		}
		adj := Adjust(paid, r)
		if len(adj.Lines) != 0 || adj.TotalFen != 0 {
			t.Errorf("round %d: adjusting a batch against itself gave %+v", round, adj.Lines)
		}
		// The summary per mediator adds up to the total.
		var sumTotal int64
		var sumCases int
		for _, s := range ByMediator(r.Lines) {
			sumTotal += s.Fen
			sumCases += s.Cases
		}
		if sumTotal != r.TotalFen || sumCases != len(r.Lines) {
			t.Errorf("round %d: summary %d/%d vs %d/%d", round, sumTotal, sumCases, r.TotalFen, len(r.Lines))
		}
	}
}

func domainFen(fen int64) string {
	neg := fen < 0
	if neg {
		fen = -fen
	}
	s := fmt.Sprintf("%d", fen/100)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	s += fmt.Sprintf(".%02d", fen%100)
	if neg {
		s = "-" + s
	}
	return s
}

func TestWindow(t *testing.T) {
	d := []Scheme{Default()}
	for _, tc := range []struct {
		schemes  []Scheme
		period   string
		from, to string
	}{
		{d, "2026-10", "2026-09-26", "2026-10-25"},
		{d, "2026-01", "2025-12-26", "2026-01-25"},
		{d, "2026-03", "2026-02-26", "2026-03-25"},
		{d, "2028-03", "2028-02-26", "2028-03-25"},
		{nil, "2026-10", "2026-09-26", "2026-10-25"}, // no scheme: the default 25th
	} {
		from, to, err := Window(tc.schemes, tc.period)
		if err != nil || from != tc.from || to != tc.to {
			t.Errorf("Window(%s) = %s..%s %v, want %s..%s", tc.period, from, to, err, tc.from, tc.to)
		}
		cut, err := CutoffDate(tc.schemes, tc.period)
		if err != nil || cut != tc.to {
			t.Errorf("CutoffDate(%s) = %s %v", tc.period, cut, err)
		}
	}
	// A cut-off change: from the 25th to the 20th from November 2026.
	b := Default()
	b.Version, b.EffectiveFrom, b.CutoffDay = "B", "2026-11-01", 20
	e := Default()
	e.Version, e.EffectiveFrom, e.CutoffDay = "E", "2027-01-01", 28
	ss := []Scheme{e, Default(), b}
	for period, want := range map[string][2]string{
		"2026-10": {"2026-09-26", "2026-10-25"},
		"2026-11": {"2026-10-26", "2026-11-20"},
		"2026-12": {"2026-11-21", "2026-12-20"},
		"2027-01": {"2026-12-21", "2027-01-28"},
		"2027-02": {"2027-01-29", "2027-02-28"},
		"2027-03": {"2027-03-01", "2027-03-28"},
	} {
		from, to, err := Window(ss, period)
		if err != nil || from != want[0] || to != want[1] {
			t.Errorf("Window(%s) with a cut-off change = %s..%s %v, want %s..%s", period, from, to, err, want[0], want[1])
		}
	}
	// Consecutive windows tile the calendar: no day twice, none missed.
	prevTo := ""
	for m := 0; m < 30; m++ {
		period := fmt.Sprintf("%04d-%02d", 2026+(9+m)/12, (9+m)%12+1)
		from, to, err := Window(ss, period)
		if err != nil {
			t.Fatal(err)
		}
		if prevTo != "" && from != nextDay(prevTo) {
			t.Errorf("%s starts %s after the previous window ended %s", period, from, prevTo)
		}
		if from > to {
			t.Errorf("%s: empty window %s..%s", period, from, to)
		}
		prevTo = to
	}
	for _, bad := range []string{"", "2026-13", "2026-1", "2026/10", "2026-10-01", "十月", "2026-00"} {
		if _, _, err := Window(d, bad); err == nil || !strings.Contains(err.Error(), "期间须为 YYYY-MM") {
			t.Errorf("Window(%q) error %v", bad, err)
		}
		if _, err := CutoffDate(d, bad); err == nil || !strings.Contains(err.Error(), "期间须为 YYYY-MM") {
			t.Errorf("CutoffDate(%q) error %v", bad, err)
		}
	}
}

func nextDay(day string) string {
	var y, m, d int
	fmt.Sscanf(day, "%d-%d-%d", &y, &m, &d)
	days := []int{31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31}
	if y%4 == 0 && (y%100 != 0 || y%400 == 0) {
		days[1] = 29
	}
	d++
	if d > days[m-1] {
		d, m = 1, m+1
		if m > 12 {
			m, y = 1, y+1
		}
	}
	return fmt.Sprintf("%04d-%02d-%02d", y, m, d)
}

func TestLastDay(t *testing.T) {
	for p, want := range map[string]string{"2026-10": "2026-10-31", "2026-02": "2026-02-28", "2028-02": "2028-02-29", "2026-12": "2026-12-31", "bad": "bad"} {
		if got := lastDay(p); got != want {
			t.Errorf("lastDay(%s) = %s", p, got)
		}
	}
}

func TestAdjust(t *testing.T) {
	s := Default()
	cs := []Case{good(1), good(2), good(3), good(4), good(5), good(6)}
	for i := range cs {
		cs[i].MediatorID = int64(i + 1)
	}
	cs[1].Grade = "2"             // now 240元, paid 200元: +40元
	cs[2].Performed = false       // now 100元, paid 200元: −100元
	cs[3].Archived = false        // paid 200元, now fails: −200元
	cs[4].FollowUpDone = false    // never paid, still fails: stays a failure
	cs[5].Employment = "contract" // never paid, now earns: +200元
	paid := map[int64]int64{1: 20_000, 2: 20_000, 3: 20_000, 4: 20_000}
	now := Settle(batch(s), cs)
	adj := Adjust(paid, now)
	got := map[int64]Line{}
	for _, l := range adj.Lines {
		got[l.CaseID] = l
	}
	if _, ok := got[1]; ok {
		t.Errorf("an unchanged case produced a line: %+v", got[1])
	}
	if len(adj.Lines) != 4 {
		t.Fatalf("lines %+v", adj.Lines)
	}
	if l := got[2]; l.Fen != 4_000 || l.Explanation != "调整：原核发 200.00元，重新核算 240.00元（书面协议 × 一般 × 已履行 200.00元 × 二级 1.2 = 240.00元），差额 40.00元" {
		t.Errorf("increase %+v", l)
	}
	if l := got[3]; l.Fen != -10_000 || l.Explanation != "调整：原核发 200.00元，重新核算 100.00元（书面协议 × 一般 × 未履行 100.00元 × 无等级 1.0 = 100.00元），差额 -100.00元" {
		t.Errorf("decrease %+v", l)
	}
	if l := got[4]; l.Fen != -20_000 || l.Rule != "调整·追回" || l.MediatorID != 4 || l.Number != cs[3].Number ||
		l.Explanation != "调整：原核发 200.00元，重新核算不符合条件（尚未归档：结案后尚未归档），追回 200.00元" {
		t.Errorf("clawback %+v", l)
	}
	if l := got[6]; l.Fen != 20_000 || !strings.Contains(l.Explanation, "原核发 0.00元") {
		t.Errorf("newly earned %+v", l)
	}
	if len(adj.Failed) != 1 || adj.Failed[0].CaseID != 5 || adj.Failed[0].Gate != GateFollowUp {
		t.Errorf("failures %+v", adj.Failed)
	}
	if adj.TotalFen != 4_000-10_000-20_000+20_000 {
		t.Errorf("total %d", adj.TotalFen)
	}
	var sum int64
	for _, l := range adj.Lines {
		sum += l.Fen
	}
	if sum != adj.TotalFen {
		t.Errorf("total %d, lines %d", adj.TotalFen, sum)
	}
	// Nothing paid, nothing changed: an empty adjustment.
	if a := Adjust(nil, Result{}); len(a.Lines)+len(a.Failed) != 0 || a.TotalFen != 0 {
		t.Errorf("empty %+v", a)
	}
}

func TestByMediator(t *testing.T) {
	lines := []Line{
		{MediatorID: 2, MediatorName: "王五", RoomName: "东方路", Fen: 100},
		{MediatorID: 1, MediatorName: "李四", RoomName: "东方路", Fen: 200},
		{MediatorID: 2, MediatorName: "王五", RoomName: "东方路", Fen: 300},
		{MediatorID: 3, MediatorName: "张三", RoomName: "陆家嘴", Fen: 50},
		{MediatorID: 2, MediatorName: "王五", RoomName: "陆家嘴", Fen: 1},
		{MediatorID: 1, MediatorName: "李四", RoomName: "东方", Fen: -20}, // an adjusting line; a room whose name is part of another's
	}
	got := ByMediator(lines)
	want := []Summary{
		{MediatorID: 1, MediatorName: "李四", RoomName: "东方路、东方", Cases: 2, Fen: 180},
		{MediatorID: 3, MediatorName: "张三", RoomName: "陆家嘴", Cases: 1, Fen: 50},
		{MediatorID: 2, MediatorName: "王五", RoomName: "东方路、陆家嘴", Cases: 3, Fen: 401},
	}
	// Sorted by name (byte order of the names, as the code sorts).
	sort.SliceStable(want, func(i, j int) bool { return want[i].MediatorName < want[j].MediatorName })
	if !reflect.DeepEqual(got, want) {
		t.Errorf("ByMediator\n got %+v\nwant %+v", got, want)
	}
	if ByMediator(nil) != nil {
		t.Error("no lines, some summary")
	}
	// A room without a name adds nothing to the list.
	got = ByMediator([]Line{{MediatorID: 1, MediatorName: "甲", RoomName: "", Fen: 1}, {MediatorID: 1, MediatorName: "甲", RoomName: "A", Fen: 1}})
	if len(got) != 1 || got[0].RoomName != "A" || got[0].Fen != 2 {
		t.Errorf("unnamed room: %+v", got)
	}
}
