package web

import (
	"net/url"
	"strings"
	"testing"

	"github.com/tiaojie/tiaojie/internal/calendar"
	"github.com/tiaojie/tiaojie/internal/domain"
	"github.com/tiaojie/tiaojie/internal/store"
)

func TestOptions(t *testing.T) {
	rs := domain.Reasons{{Code: "a", Label: "甲"}, {Code: `b"<x>`, Label: "乙 & <丙>"}}
	got, err := options(rs, `b"<x>`)
	if err != nil {
		t.Fatal(err)
	}
	want := `<option value="a">甲</option><option value="b&#34;&lt;x&gt;" selected>乙 &amp; &lt;丙&gt;</option>`
	if string(got) != want {
		t.Fatalf("reasons:\n got %s\nwant %s", got, want)
	}
	units := []store.OrgUnit{{ID: 7, Name: "陆家嘴所"}, {ID: 12, Name: "张江所"}}
	if got, _ := options(units, int64(12)); string(got) != `<option value="7">陆家嘴所</option><option value="12" selected>张江所</option>` {
		t.Fatalf("units by id: %s", got)
	}
	if got, _ := options(units, ""); strings.Contains(string(got), "selected") {
		t.Fatalf("no unit chosen: %s", got)
	}
	if got, _ := options(statCodes.List("term_kind"), ""); strings.Count(string(got), "<option") != len(statCodes.List("term_kind")) || len(got) == 0 {
		t.Fatalf("term kinds: %s", got)
	}
	if _, err := options([]string{"x"}, ""); err == nil {
		t.Fatal("a list of unknown type is rendered")
	}
}

// The agreement form's rows show what was typed when it was refused,
// else the accepted proposal's terms; the other rows stay empty.
func TestTermRows(t *testing.T) {
	kind := statCodes.List("term_kind")[1].Code
	draft := [5]domain.Term{{Party: "consumer", Content: "退款", AmountFen: 123456, Manner: "转账", Deadline: "2026-12-31", Kind: kind}}
	rows := termRows(caseForm{}, draft)
	r := rows[0]
	if len(rows) != 5 || r.N != 1 || !r.Consumer || r.Content != "退款" || r.Amount != "1,234.56" || r.Manner != "转账" || r.Deadline != "2026-12-31" ||
		!strings.Contains(string(r.Kinds), `value="`+kind+`" selected`) {
		t.Fatalf("from the proposal: %+v", r)
	}
	if e := rows[4]; e.I != 4 || e.Consumer || e.Content != "" || e.Amount != "" || strings.Contains(string(e.Kinds), "selected") {
		t.Fatalf("an empty row: %+v", e)
	}
	typed := caseForm{Action: "agreement/oral", Values: url.Values{"party_0": {"merchant"}, "content_0": {"换货"}, "amount_0": {"abc"}, "kind_0": {""}}}
	r = termRows(typed, draft)[0]
	if r.Consumer || r.Content != "换货" || r.Amount != "abc" || r.Manner != "" || strings.Contains(string(r.Kinds), "selected") {
		t.Fatalf("what was typed: %+v", r)
	}
	// A refusal of another form leaves the proposal's terms.
	if r := termRows(caseForm{Action: "sessions", Values: url.Values{"content_0": {"x"}}}, draft)[0]; r.Content != "退款" {
		t.Fatalf("another form's refusal: %+v", r)
	}
}

func TestStatusOptions(t *testing.T) {
	got, err := options([]domain.Status{domain.StatusReceived, domain.StatusMediating}, "mediating")
	if err != nil || string(got) != `<option value="received">`+domain.StatusReceived.Label()+`</option><option value="mediating" selected>`+domain.StatusMediating.Label()+`</option>` {
		t.Fatalf("statuses: %s %v", got, err)
	}
	// The desk's room filter holds the room's id as text.
	if got, _ := options([]store.OrgUnit{{ID: 3, Name: "甲"}}, "3"); !strings.Contains(string(got), `value="3" selected`) {
		t.Fatalf("room by id as text: %s", got)
	}
}

func TestClockCell(t *testing.T) {
	due := calendar.Date{Year: 2026, Month: 12, Day: 10}
	for _, c := range []struct {
		d    calendar.Deadline
		want string
	}{
		{calendar.Deadline{Label: "调解", Due: due, WorkingDays: false, Remaining: 12}, "调解 2026-12-10 剩12天"},
		{calendar.Deadline{Label: "受理", Due: due, WorkingDays: true, Remaining: 2}, `受理 2026-12-10 <span class="soon">剩2个工作日</span>`},
		{calendar.Deadline{Label: "受理", Due: due, WorkingDays: true, Remaining: -3, Overdue: true}, `受理 2026-12-10 <span class="overdue">已超期3个工作日</span>`},
		{calendar.Deadline{Label: "<b>", Due: due, Remaining: 5, Paused: true}, `&lt;b&gt; 2026-12-10 剩5天 <span class="badge">已中止</span>`},
	} {
		if got := string(clockCell(&c.d)); got != c.want {
			t.Errorf("%+v:\n got %s\nwant %s", c.d, got, c.want)
		}
	}
	if clockCell(nil) != "" {
		t.Error("no clock running has a cell")
	}
}
