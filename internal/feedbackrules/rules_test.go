package feedbackrules

import (
	"math/rand"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/tiaojie/tiaojie/internal/domain"
	"github.com/tiaojie/tiaojie/internal/evaluation"
	"github.com/tiaojie/tiaojie/internal/statcodes"
)

// tables are the real code tables (codes.csv), as the service builds them.
func tables() Tables {
	tb := statcodes.MustLoad()
	list := func(name string) []Code {
		var out []Code
		for _, c := range tb.List(name) {
			out = append(out, Code{c.Code, c.Label})
		}
		return out
	}
	m := func(name string) map[string]string {
		out := map[string]string{}
		for _, c := range tb.List(name) {
			out[c.Code] = c.Label
		}
		return out
	}
	return Tables{Results: list(statcodes.Result12315), Methods: list(statcodes.Method12315), Art21: list(statcodes.Art21Reason),
		Art21Of: m(statcodes.Art21Map), ResultOf: m(statcodes.ResultMap)}
}

var t0 = time.Date(2026, 3, 2, 1, 30, 0, 0, time.UTC) // 09:30 CST

func day(n int) time.Time { return t0.AddDate(0, 0, n) }

// hist builds a case's event log step by step.
type hist struct{ c evaluation.Case }

func newHist() *hist {
	h := &hist{c: evaluation.Case{ID: 7, ReceivedAt: t0, ClaimFen: 300000, Diverted: true}}
	return h.add("received", 0, "", "经12315平台投诉，由陆家嘴市场监管所分流", "")
}

func (h *hist) add(typ string, d int, reason, note, data string) *hist {
	h.c.Events = append(h.c.Events, evaluation.Event{Type: typ, At: day(d).Add(time.Duration(len(h.c.Events)) * time.Minute),
		ReasonCode: reason, Note: note, Data: data})
	return h
}

func (h *hist) mediating() *hist {
	return h.add("accept", 1, "", "", "").add("assign", 2, "", "指派调解员王芳", "").add("start_mediation", 3, "", "", "")
}

func (h *hist) input(sessions ...Session) Input {
	return Input{Case: h.c, Facts: evaluation.Derive(evaluation.Rules{}, h.c, time.Time{}), Number: "（2026）浦消调字第00007号",
		ExternalID: "1310115202603020001", Channel: domain.Channel12315, DiverterName: "陆家嘴市场监管所", RoomName: "陆家嘴工作室",
		Claim: "退还预付卡余额", Sessions: sessions}
}

var room = Session{Kind: "room", Status: "held", StartsAt: day(4)}

// Each outcome derives its 调解结果, Art 21 ground and amounts from the events.
func TestDeriveOutcomes(t *testing.T) {
	tb := tables()
	agreed := newHist().mediating().add("reach_agreement", 5, "", "达成书面调解协议，涉及金额2800.00元",
		`{"agreed_fen":280000,"kind":"written","mental_fen":50000,"punitive_fen":30000,"prevention":[]}`).
		add("performed", 8, "", "第1项已履行", `{"recovered_fen":280000,"term":0,"terms":1}`)
	cases := []struct {
		name                 string
		in                   Input
		result, art21        string
		recovered, men, puni int64
		closedOn             string
		missing              []string
	}{
		{name: "agreed with mental and punitive terms", in: agreed.input(room), result: "agreed", recovered: 280000, men: 50000, puni: 30000, closedOn: "2026-03-07"},
		{name: "withdrawn", in: newHist().mediating().add("withdraw", 4, "", "投诉人撤回投诉", "").input(room), result: "withdrawn", art21: "1", closedOn: "2026-03-06"},
		{name: "contact lost (before mediation)", in: newHist().add("accept", 1, "", "", "").add("terminate", 6, "unreachable", "", `{"prevention":[]}`).input(),
			result: "contact_lost", art21: "3", closedOn: "2026-03-08", missing: []string{"method"}},
		{name: "ODR settled", in: newHist().add("odr_settled", 2, "", "企业协商和解", "").input(), result: "other", art21: "1", closedOn: "2026-03-04"},
		{name: "rejected", in: newHist().add("reject", 1, "other_proceedings", "", "").input(), result: "other", closedOn: "2026-03-03", missing: []string{"method"}},
		{name: "open", in: newHist().mediating().input(), missing: []string{"closed_on"}},
		{name: "merged", in: newHist().add("merge", 1, "", "", "").input(), missing: []string{"closed_on"}},
	}
	// Every termination reason after mediation began: 未达成调解协议 (or
	// 联系不到当事人) with the Art 21 ground of the code table.
	want := map[string][2]string{"party_refused": {"not_agreed", "3"}, "no_agreement": {"not_agreed", "4"}, "time_expired": {"not_agreed", "5"},
		"unreachable": {"contact_lost", "3"}, "extortionate_claim": {"not_agreed", "7"}, "other_proceedings": {"not_agreed", "6"}}
	for _, r := range domain.TerminateReasons {
		w, ok := want[r.Code]
		if !ok {
			t.Fatalf("termination reason %s has no expectation here", r.Code)
		}
		cases = append(cases, struct {
			name                 string
			in                   Input
			result, art21        string
			recovered, men, puni int64
			closedOn             string
			missing              []string
		}{name: "terminated: " + r.Code, in: newHist().mediating().add("terminate", 9, r.Code, "", `{"prevention":[]}`).input(room),
			result: w[0], art21: w[1], closedOn: "2026-03-11"})
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := Derive(tb, c.in)
			if r.Result != c.result || r.Art21 != c.art21 || r.RecoveredFen != c.recovered || r.MentalFen != c.men || r.PunitiveFen != c.puni || r.ClosedOn != c.closedOn {
				t.Errorf("got result %q art21 %q recovered %d mental %d punitive %d closed %q", r.Result, r.Art21, r.RecoveredFen, r.MentalFen, r.PunitiveFen, r.ClosedOn)
			}
			var missing []string
			for _, m := range r.Missing {
				missing = append(missing, m.Field)
			}
			if strings.Join(missing, ",") != strings.Join(c.missing, ",") {
				t.Errorf("missing %v, want %v", r.Missing, c.missing)
			}
			if r.Closed && (r.ClaimFen != 300000 || r.DocumentNo != "（2026）浦消调字第00007号" || r.ComplaintNo == "") {
				t.Errorf("claim, document or complaint number: %+v", r)
			}
			if r.Closed && (r.Summary == "" || !strings.Contains(r.Summary, tb.ResultLabel(r.Result))) {
				t.Errorf("summary: %q", r.Summary)
			}
		})
	}
}

// What the mediator recorded completes or replaces what the case says,
// within limits.
func TestDeriveWithEdit(t *testing.T) {
	tb := tables()
	h := newHist().mediating().add("terminate", 9, "no_agreement", "", "")
	in := h.input()
	r := Derive(tb, in)
	if r.Method != "" || r.Complete() {
		t.Fatalf("no session: method %q complete %v", r.Method, r.Complete())
	}
	at := day(10)
	in.Edit = Edit{Result: "contact_lost", Method: "other", Summary: "经多次电话联系，经营者未接听。", By: "王芳", At: &at}
	r = Derive(tb, in)
	if r.Result != "contact_lost" || !r.ResultRecorded || r.ResultDerived != "not_agreed" || r.Method != "other" || !r.MethodRecorded ||
		r.Summary != in.Edit.Summary || !r.SummaryRecorded || !r.Complete() || r.EditedBy != "王芳" {
		t.Fatalf("edited: %+v", r)
	}
	// A recorded result never replaces an agreement.
	ag := newHist().mediating().add("reach_agreement", 5, "", "", `{"agreed_fen":1000,"kind":"oral"}`).input(room)
	ag.Edit = Edit{Result: "other"}
	if r := Derive(tb, ag); r.Result != "agreed" || r.ResultRecorded {
		t.Fatalf("agreement overridden: %+v", r)
	}
	// A 12315 complaint without its complaint number cannot be keyed in.
	in.ExternalID = ""
	if r := Derive(tb, in); r.Complete() || r.Missing[0].Field != "complaint_no" {
		t.Fatalf("no complaint number: %+v", r.Missing)
	}
	// Still performing: the recovered amount is what was performed, with a note.
	perf := newHist().mediating().add("reach_agreement", 5, "", "", `{"agreed_fen":5000,"kind":"written"}`).input(room)
	if r := Derive(tb, perf); r.RecoveredFen != 0 || len(r.Notes) != 1 || !strings.Contains(r.Notes[0], "50.00") {
		t.Fatalf("performing: %+v", r)
	}
}

func TestDefaultMethod(t *testing.T) {
	sameDay := newHist().add("withdraw", 0, "", "", "")
	later := newHist().mediating().add("terminate", 9, "no_agreement", "", "")
	odr := newHist().add("odr_settled", 3, "", "", "")
	cancelledRoom := Session{Kind: "room", Status: "cancelled"}
	for _, c := range []struct {
		name     string
		h        *hist
		sessions []Session
		want     string
	}{
		{"room, same day", sameDay, []Session{room}, MethodOnsiteImmediate},
		{"room", later, []Session{room}, MethodOnsite},
		{"online only", later, []Session{{Kind: "online", Status: "held"}}, MethodOnline},
		{"held online beats scheduled room", later, []Session{{Kind: "online", Status: "held"}, {Kind: "room", Status: "scheduled"}}, MethodOnline},
		{"room and phone held", later, []Session{{Kind: "phone", Status: "held"}, room}, MethodOnsite},
		{"phone", later, []Session{{Kind: "phone", Status: "held"}}, MethodImmediate},
		{"scheduled, none held", later, []Session{{Kind: "phone", Status: "scheduled"}}, MethodImmediate},
		{"cancelled only", later, []Session{cancelledRoom}, ""},
		{"ODR settled", odr, nil, MethodOnline},
		{"no session, same day", sameDay, nil, MethodImmediate},
		{"no session", later, nil, ""},
	} {
		got, rule := DefaultMethod(c.h.input(c.sessions...))
		if got != c.want || rule == "" {
			t.Errorf("%s: %q (%s), want %q", c.name, got, rule, c.want)
		}
	}
}

func TestValidate(t *testing.T) {
	tb := tables()
	notAgreed := Derive(tb, newHist().mediating().add("terminate", 9, "no_agreement", "", "").input())
	agreed := Derive(tb, newHist().mediating().add("reach_agreement", 5, "", "", `{"agreed_fen":1000,"kind":"oral"}`).input(room))
	open := Derive(tb, newHist().mediating().input())
	long := strings.Repeat("调", MaxSummary+1)
	for _, c := range []struct {
		name   string
		rec    Record
		e      Edit
		fields []string
	}{
		{"complete", notAgreed, Edit{Method: "onsite", Summary: "双方各执己见，未能达成协议。"}, nil},
		{"contact lost", notAgreed, Edit{Result: "contact_lost", Method: "other", Summary: "无法联系经营者。"}, nil},
		{"method missing where the case says none", notAgreed, Edit{Summary: "x"}, []string{"method"}},
		{"unknown method", notAgreed, Edit{Method: "telepathy", Summary: "x"}, []string{"method"}},
		{"default method suffices", agreed, Edit{Summary: "达成协议。"}, nil},
		{"result over an agreement", agreed, Edit{Result: "other", Summary: "x"}, []string{"result"}},
		{"result not recordable", notAgreed, Edit{Result: "agreed", Method: "onsite", Summary: "x"}, []string{"result"}},
		{"summary empty", agreed, Edit{Summary: "  "}, []string{"summary"}},
		{"summary 1,200 characters", agreed, Edit{Summary: long[:len(long)-len("调")]}, nil},
		{"summary 1,201 characters", agreed, Edit{Summary: long}, []string{"summary"}},
		{"summary with a mobile", agreed, Edit{Summary: "消费者电话13912345678，已联系。"}, []string{"summary"}},
		{"summary with a spaced mobile", agreed, Edit{Summary: "电话 139 1234 5678"}, []string{"summary"}},
		{"summary with a landline", agreed, Edit{Summary: "经营者电话021-58881234"}, []string{"summary"}},
		{"summary with an ID number", agreed, Edit{Summary: "身份证11010519491231002X"}, []string{"summary"}},
		{"summary with a full-width ID number", agreed, Edit{Summary: "身份证１１０１０５１９４９１２３１００２Ｘ"}, []string{"summary"}},
		{"everything wrong", notAgreed, Edit{Result: "withdrawn", Method: "x", Summary: long + "13912345678"}, []string{"result", "method", "summary", "summary"}},
		{"open case", open, Edit{Summary: "x", Method: "onsite"}, []string{"case"}},
	} {
		errs := Validate(tb, c.rec, c.e)
		var fields []string
		for _, fe := range errs {
			fields = append(fields, fe.Field)
			if fe.Message == "" || strings.Contains(fe.Message, "13912345678") {
				t.Errorf("%s: message %q", c.name, fe.Message)
			}
		}
		if strings.Join(fields, ",") != strings.Join(c.fields, ",") {
			t.Errorf("%s: fields %v, want %v (%v)", c.name, fields, c.fields, errs)
		}
	}
}

func TestFindNumbers(t *testing.T) {
	for _, c := range []struct {
		text string
		n    int
	}{
		{"协议金额1800.00元，2026年3月2日履行", 0},
		{"案号（2026）浦消调字第00123号", 0},
		{"2026-03-02 15:04在调解室", 0},
		{"13912345678", 1},
		{"+86 139-1234-5678", 1},
		{"电话：13912345678；备用：13812345678", 2},
		{"0215888123", 1},
		{"110105194912310021", 1},
		{"11010519491231002x号", 1},
		{"6222021234567890123", 1},
		{"12345", 0},
		{"第1项已履行1200元", 0},
	} {
		if got := FindNumbers(c.text); len(got) != c.n {
			t.Errorf("%q: %v, want %d", c.text, got, c.n)
		}
		if s := Scrub(c.text); len(FindNumbers(s)) != 0 || (c.n == 0) != (s == c.text) {
			t.Errorf("scrub %q: %q", c.text, s)
		}
	}
}

// The draft never carries a phone or identity number whatever the notes
// say, and fits the form however long the history.
func TestDraftProperties(t *testing.T) {
	tb := tables()
	rng := rand.New(rand.NewSource(15))
	noise := []string{"13912345678", "021 5888 1234", "11010519491231002X", "１３９１２３４５６７８", "退款", "双方同意", "，", "1800元", " "}
	types := []string{"accept", "assign", "consent", "session_recorded", "start_mediation", "suspend", "resume", "performed", "lead"}
	for i := 0; i < 300; i++ {
		h := newHist()
		n := rng.Intn(60)
		for j := 0; j < n; j++ {
			var b strings.Builder
			for k := rng.Intn(12); k > 0; k-- {
				b.WriteString(noise[rng.Intn(len(noise))])
			}
			h.add(types[rng.Intn(len(types))], 1+j/10, "", b.String(), "")
		}
		h.add("terminate", 9, "no_agreement", "", "")
		in := h.input(room)
		in.Claim = "请联系我13912345678退款"
		r := Derive(tb, in)
		if hits := FindNumbers(r.Summary); len(hits) > 0 {
			t.Fatalf("case %d: draft carries %v: %s", i, hits, r.Summary)
		}
		if utf8.RuneCountInString(r.Summary) > MaxSummary || !strings.HasSuffix(r.Summary, "。") {
			t.Fatalf("case %d: %d characters: …%s", i, utf8.RuneCountInString(r.Summary), r.Summary[max(0, len(r.Summary)-60):])
		}
		if !strings.Contains(r.Summary, "调解结果：未达成调解协议") || !strings.Contains(r.Summary, "陆家嘴市场监管所分流") {
			t.Fatalf("case %d: %s", i, r.Summary)
		}
		if !r.Complete() {
			t.Fatalf("case %d: %v", i, r.Missing)
		}
	}
}

func TestDraftReadsTheEvents(t *testing.T) {
	tb := tables()
	in := newHist().mediating().add("reach_agreement", 5, "", "达成书面调解协议，涉及金额2800.00元", `{"agreed_fen":280000,"kind":"written"}`).
		add("performed", 8, "", "第1项已履行", `{"recovered_fen":280000,"term":0,"terms":1}`).input(room)
	r := Derive(tb, in)
	for _, want := range []string{"2026年3月2日，收到陆家嘴市场监管所分流的消费者投诉，由陆家嘴工作室办理", "争议金额3,000.00元",
		"3月3日受理", "指派调解员王芳", "3月7日达成书面调解协议，涉及金额2800.00元", "3月10日第1项已履行", "调解结果：达成调解协议，挽回经济损失2,800.00元。"} {
		if !strings.Contains(r.Summary, want) {
			t.Errorf("draft lacks %q: %s", want, r.Summary)
		}
	}
}
