package server_test

import (
	"context"
	"html"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/tiaojie/tiaojie/internal/store"
)

var linkRe = regexp.MustCompile(`/consent/[A-Za-z0-9_-]+`)

// links returns the consent links sent for a case, newest first.
func links(t *testing.T, e *env, caseID int64) []string {
	es, err := e.texts(context.Background(), 50)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, x := range es {
		if x.CaseID == caseID {
			if strings.Contains(x.ToMask, "*") == false {
				t.Fatalf("outbox holds an unmasked phone: %q", x.ToMask)
			}
			out = append(out, linkRe.FindString(x.Body))
		}
	}
	return out
}

// A diverted complaint is accepted and routed; the mediator of the room asks
// both parties; the consumer consents on a phone through the SMS link, the
// merchant's consent given by phone is recorded by the mediator.
func TestConsentJourney(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *env) {
		reg := e.login("regulator01")
		m := e.login("mediator01")
		in := validComplaint("1231520261127000555")
		in["credit_code"] = ""
		r := reg.json("POST", "/api/v1/complaints", in, nil) // 陆家嘴街道: routed to mediator01's room
		var c caseOut
		json_(r.body, &c)
		if r := e.login("committee01").form("POST", "/cases/"+itoa(c.ID)+"/accept", url.Values{}); r.StatusCode != 303 {
			t.Fatalf("accept: %d", r.StatusCode)
		}
		// The merchant's phone is needed before asking.
		if r := m.form("POST", "/cases/"+itoa(c.ID)+"/consent/request", url.Values{"merchant_phone": {"123"}}); r.StatusCode != 422 {
			t.Fatalf("bad merchant phone: %d", r.StatusCode)
		}
		if r := m.form("POST", "/cases/"+itoa(c.ID)+"/consent/request", url.Values{"merchant_phone": {"13700001111"}}); r.StatusCode != 303 {
			t.Fatalf("request consent: %d %s", r.StatusCode, r.body)
		}
		ls := links(t, e, c.ID)
		if len(ls) != 2 || ls[0] == "" || ls[1] == "" || ls[0] == ls[1] {
			t.Fatalf("consent links: %q", ls)
		}
		outbox := e.login("admin").get("/admin/outbox")
		if !strings.Contains(outbox.body, c.Number) || strings.Contains(outbox.body, "13912345678") || strings.Contains(outbox.body, "13700001111") {
			t.Fatal("outbox page: missing message or unmasked phone")
		}
		// The merchant's consent, given by phone, is recorded by the mediator.
		if r := m.form("POST", "/cases/"+itoa(c.ID)+"/consent", url.Values{"party": {"merchant"}, "mediation": {"agree"}, "online": {"agree"}, "method": {"telegram"}}); r.StatusCode != 422 {
			t.Fatalf("unknown method: %d", r.StatusCode)
		}
		if r := m.form("POST", "/cases/"+itoa(c.ID)+"/consent", url.Values{"party": {"merchant"}, "mediation": {"agree"}, "online": {"refuse"}, "method": {"phone"}}); r.StatusCode != 303 {
			t.Fatalf("record consent: %d %s", r.StatusCode, r.body)
		}
		// The consumer answers on a phone. Which link is the consumer's: the one whose page greets the consumer.
		var consumerLink string
		for _, l := range ls {
			if p := e.anon().get(l); strings.Contains(p.body, "消费者（投诉人）") {
				consumerLink = l
			}
		}
		if consumerLink == "" {
			t.Fatal("no consumer link")
		}
		if r := e.anon().get("/consent/forged-token-forged-token-xx"); r.StatusCode != 404 {
			t.Fatalf("forged link: %d", r.StatusCode)
		}
		ctx := browser(t, 390, 844)
		err := chromedp.Do(ctx,
			chromedp.Navigate(e.ts.URL+consumerLink),
			chromedp.WaitVisible(`#submit-consent`),
			shot("06-consent"),
			chromedp.Click(`#agree`),
			chromedp.Click(`#submit-consent`),
			chromedp.WaitVisible(`.flash`),
			shot("07-consented"),
		)
		if err != nil {
			t.Fatal(err)
		}
		if s := text(t, ctx, "body"); !strings.Contains(s, "您已同意调解") || strings.Contains(s, "13912345678") {
			t.Fatalf("after consenting: %q", s)
		}
		overflow, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.documentElement.scrollWidth > window.innerWidth + 1`))
		if err != nil || overflow {
			t.Fatal("consent page scrolls sideways on a phone")
		}
		// The link cannot be used twice.
		if r := e.anon().form("POST", consumerLink, url.Values{"mediation": {"refuse"}}); r.StatusCode != 409 {
			t.Fatalf("second answer: %d", r.StatusCode)
		}
		page := m.get("/cases/" + itoa(c.ID))
		if !strings.Contains(page.body, `id="consent-consumer">同意`) || !strings.Contains(page.body, `id="consent-merchant">同意`) || !strings.Contains(page.body, "双方当事人均已同意调解") {
			t.Fatal("case page does not show both consents")
		}
	})
}

func TestRefusalEndsCase(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *env) {
		m := e.login("mediator01")
		r := m.json("POST", "/api/v1/complaints", validComplaint(""), nil)
		var c caseOut
		json_(r.body, &c)
		m.json("POST", "/api/v1/cases/"+itoa(c.ID)+"/accept", nil, nil)
		m.form("POST", "/cases/"+itoa(c.ID)+"/consent/request", url.Values{"merchant_phone": {"13700002222"}})
		ls := links(t, e, c.ID)
		if len(ls) != 2 {
			t.Fatalf("links: %q", ls)
		}
		if r := e.anon().form("POST", ls[0], url.Values{"mediation": {"refuse"}}); r.StatusCode != 303 {
			t.Fatalf("refuse: %d %s", r.StatusCode, r.body)
		}
		got, _ := e.db.GetCase(context.Background(), c.ID)
		if got.Status != "terminated" || got.ReasonCode != "party_refused" {
			t.Fatalf("after a refusal: %s %s", got.Status, got.ReasonCode)
		}
		if r := e.anon().form("POST", ls[1], url.Values{"mediation": {"agree"}}); r.StatusCode != 422 {
			t.Fatalf("answer after termination: %d", r.StatusCode)
		}
	})
}

func TestLeadsReachTheRegulator(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *env) {
		m := e.login("mediator01")
		r := m.json("POST", "/api/v1/complaints", validComplaint(""), nil)
		var c caseOut
		json_(r.body, &c)
		office, _ := e.db.GetOrgUnitByCode(context.Background(), "pd-amr-01")
		other, _ := e.db.GetOrgUnitByCode(context.Background(), "pd-amr-02")
		if r := m.form("POST", "/cases/"+itoa(c.ID)+"/leads", url.Values{"kind": {"prepaid_risk"}, "office": {itoa(office.ID)}, "note": {""}}); r.StatusCode != 422 {
			t.Fatalf("lead without note: %d", r.StatusCode)
		}
		if r := m.form("POST", "/cases/"+itoa(c.ID)+"/leads", url.Values{"kind": {"prepaid_risk"}, "office": {itoa(office.ID)}, "note": {"经营者已闭店失联，涉及预付卡会员逾百人"}}); r.StatusCode != 303 {
			t.Fatalf("lead: %d %s", r.StatusCode, r.body)
		}
		if r := e.login("xh_mediator01").form("POST", "/cases/"+itoa(c.ID)+"/leads", url.Values{"kind": {"other"}, "office": {itoa(office.ID)}, "note": {"x"}}); r.StatusCode != 404 {
			t.Fatalf("other district passes a lead: %d", r.StatusCode)
		}
		reg := e.login("regulator01") // bound to pd-amr-01
		page := reg.get("/leads")
		if !strings.Contains(page.body, "经营者已闭店失联") || !strings.Contains(page.body, c.Number) {
			t.Fatal("regulator does not see the lead")
		}
		_ = other
		ls, _ := e.db.ListLeads(context.Background(), store.LeadQuery{Scope: store.Scope{All: true}, Paging: store.Paging{Limit: 10}})
		if r := reg.form("POST", "/leads/"+itoa(ls.Items[0].ID)+"/handled", url.Values{}); r.StatusCode != 303 {
			t.Fatalf("handled: %d", r.StatusCode)
		}
		if page := reg.get("/leads"); !strings.Contains(page.body, "已处理") {
			t.Fatal("lead not marked handled")
		}
		if page := reg.get("/leads?state=new"); page.StatusCode != 200 || strings.Contains(page.body, "经营者已闭店失联") {
			t.Fatalf("the handled lead is listed as to be handled: %d", page.StatusCode)
		}
		if page := reg.get("/leads?state=handled"); !strings.Contains(page.body, "经营者已闭店失联") {
			t.Fatal("the handled lead is not listed as handled")
		}
		// A page of one links to the next, which shows another lead.
		first := reg.get("/leads?limit=1")
		next := regexp.MustCompile(`href="([^"]+)#leads" id="leads-next"`).FindStringSubmatch(first.body)
		if next == nil {
			t.Fatal("a page of one lead has no 下一页")
		}
		second := reg.get(html.UnescapeString(next[1]))
		row := regexp.MustCompile(`(?s)<tr><td data-label="时间">.*?</tr>`)
		a, b := row.FindString(first.body), row.FindString(second.body)
		if second.StatusCode != 200 || a == "" || b == "" || a == b || !strings.Contains(second.body, "回到第一页") {
			t.Fatalf("the second page of one (%d): %q after %q", second.StatusCode, b, a)
		}
		if r := reg.get("/leads?state=done"); r.StatusCode != 400 || !strings.Contains(r.body, "state") {
			t.Fatalf("a bad filter: %d", r.StatusCode)
		}
	})
}
