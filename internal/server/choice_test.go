package server_test

import (
	"context"
	"net/url"
	"strings"
	"testing"

	"github.com/tiaojie/tiaojie/internal/assignment"
)

// The consumer names the mediator they want on the consent page; the room's
// automatic assignment honours it when that mediator can take the case.
func TestPartyChoosesMediator(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		m := e.login("mediator01")
		var c caseOut
		json_(m.json("POST", "/api/v1/complaints", validComplaint(""), nil).body, &c)
		m.json("POST", "/api/v1/cases/"+itoa(c.ID)+"/accept", nil, nil)
		if r := m.form("POST", "/cases/"+itoa(c.ID)+"/consent/request", url.Values{"merchant_phone": {"13700003333"}}); r.StatusCode != 303 {
			t.Fatalf("request consent: %d", r.StatusCode)
		}
		m.form("POST", "/cases/"+itoa(c.ID)+"/consent", url.Values{"party": {"merchant"}, "mediation": {"agree"}, "online": {"agree"}, "method": {"paper"}})
		var consumerLink string
		for _, l := range links(t, e, c.ID) {
			if p := e.anon().get(l); strings.Contains(p.body, "消费者（投诉人）") {
				consumerLink = l
			}
		}
		// Pick someone the room's rule would not have picked, so the choice shows.
		cs, _ := e.db.GetCase(ctx, c.ID)
		o, err := (&assignment.Service{Store: e.db}).Options(ctx, cs)
		if err != nil {
			t.Fatal(err)
		}
		rule, _ := assignment.Choose(o.Eligible, o.Settings.Chooser, cs.Seq)
		var want assignment.Candidate
		for _, x := range o.Eligible {
			if x.UserID != rule.UserID {
				want = x
			}
		}
		if want.UserID == 0 {
			t.Fatalf("room has a single eligible mediator: %+v", o.Eligible)
		}
		page := e.anon().get(consumerLink)
		if !strings.Contains(page.body, `id="mediator"`) || !strings.Contains(page.body, want.Name) {
			t.Fatal("consent page offers no choice of mediator")
		}
		other, _ := e.db.GetUserByUsername(ctx, "xh_mediator01")
		if r := e.anon().form("POST", consumerLink, url.Values{"mediation": {"agree"}, "online": {"agree"}, "mediator": {itoa(other.ID)}}); r.StatusCode != 422 {
			t.Fatalf("mediator of another room: %d", r.StatusCode)
		}
		if got, _ := e.db.ListConsents(ctx, c.ID); got[0].Decision != "pending" && got[1].Decision != "pending" {
			t.Fatal("a refused answer was recorded")
		}
		if r := e.anon().form("POST", consumerLink, url.Values{"mediation": {"agree"}, "online": {"agree"}, "mediator": {itoa(want.UserID)}}); r.StatusCode != 303 {
			t.Fatalf("answer: %d %s", r.StatusCode, r.body)
		}
		if r := e.login("room_lead01").form("POST", "/cases/"+itoa(c.ID)+"/assign", url.Values{"mediator": {"0"}}); r.StatusCode != 303 {
			t.Fatalf("auto-assign: %d %s", r.StatusCode, r.body)
		}
		ms, _ := e.db.ListCaseMediators(ctx, c.ID)
		if len(ms) != 1 || ms[0].UserID != want.UserID {
			t.Fatalf("presiding %+v, the consumer chose %d", ms, want.UserID)
		}
		if page := m.get("/cases/" + itoa(c.ID)); !strings.Contains(page.body, "按当事人选择指派") || !strings.Contains(page.body, "希望由调解员"+want.Name) {
			t.Fatal("timeline does not show the party's choice")
		}
	})
}
