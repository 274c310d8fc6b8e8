package server_test

import (
	"strings"
	"testing"
	"time"

	"github.com/tiaojie/tiaojie/internal/store/storetest"
)

// section is the HTML of the element with the given id, up to its first </div>.
func section(t *testing.T, body, id string) string {
	t.Helper()
	i := strings.Index(body, `id="`+id+`"`)
	if i < 0 {
		t.Fatalf("party page has no #%s:\n%s", id, body)
	}
	j := strings.Index(body[i:], "</div>")
	return body[i : i+j]
}

// The party's page says, before the conversation, what they asked for (as
// registered), the dates that concern them and the next step in plain
// words — while mediating, while the agreement awaits their signature, and
// once it took effect (performance and the 30-day judicial-confirmation window).
func TestPartyPageShowsClaimDatesAndNextStep(t *testing.T) {
	for _, eng := range storetest.Engines(t) {
		t.Run(eng.Name, func(t *testing.T) {
			e := newEnv(t, eng)
			m, id, links := onlineCase(t, e)
			cid := itoa(id)
			var c caseOut
			json_(m.json("GET", "/api/v1/cases/"+cid, nil, nil).body, &c)
			var mediationDue string
			for _, d := range c.Deadlines {
				if d.Kind == "mediation" {
					mediationDue = d.Due
				}
			}
			if mediationDue == "" {
				t.Fatalf("no mediation deadline in the API: %+v", c.Deadlines)
			}

			// Mediating: the consumer's own claim, the mediation deadline, talk.
			page := e.anon().get(links["consumer"])
			if page.StatusCode != 200 {
				t.Fatalf("party page: %d", page.StatusCode)
			}
			claim := section(t, page.body, "my-claim")
			for _, want := range []string{"您的请求", "退还预付卡余额", "3,000.00元", dateToday()} {
				if !strings.Contains(claim, want) {
					t.Errorf("claim lacks %q: %s", want, claim)
				}
			}
			if dates := section(t, page.body, "my-dates"); !strings.Contains(dates, "调解期限") || !strings.Contains(dates, mediationDue) {
				t.Errorf("dates lack the mediation deadline %s: %s", mediationDue, dates)
			}
			if next := section(t, page.body, "next-step"); !strings.Contains(next, "调解正在进行") {
				t.Errorf("next step while mediating: %s", next)
			}
			// The merchant reads the consumer's claim as the consumer's, not as their own.
			if mc := section(t, e.anon().get(links["merchant"]).body, "my-claim"); !strings.Contains(mc, "消费者的请求") || strings.Contains(mc, "您的请求") {
				t.Errorf("merchant's claim section: %s", mc)
			}

			// A written agreement awaits signature: the next step is to sign.
			due := time.Now().AddDate(0, 0, 10).Format("2006-01-02")
			if r := m.form("POST", "/cases/"+cid+"/agreement/oral", map[string][]string{"kind": {"written"}, "facts": {"健身房闭店，双方就退款金额发生争议。"},
				"responsibility": {"经营者承担退款责任"}, "party_0": {"merchant"}, "content_0": {"退还预付卡余额"}, "amount_0": {"1800"},
				"manner_0": {"银行转账"}, "deadline_0": {due}}); r.StatusCode != 303 {
				t.Fatalf("written agreement: %d %s", r.StatusCode, r.body)
			}
			page = e.anon().get(links["consumer"])
			if next := section(t, page.body, "next-step"); !strings.Contains(next, "签署") {
				t.Errorf("next step before signing: %s", next)
			}
			if dates := section(t, page.body, "my-dates"); !strings.Contains(dates, "签署调解协议") || !strings.Contains(dates, "对方履行：退还预付卡余额，1,800.00元") || !strings.Contains(dates, due) {
				t.Errorf("dates before signing: %s", dates)
			}

			// In effect: who performs what by when, and the judicial-confirmation window.
			signAndSeal(t, e, m, id)
			judicialDue := time.Now().In(time.FixedZone("CST", 8*3600)).AddDate(0, 0, 30).Format("2006-01-02")
			page = e.anon().get(links["consumer"])
			dates := section(t, page.body, "my-dates")
			for _, want := range []string{"对方履行：退还预付卡余额", due, "申请司法确认", judicialDue, "三十日"} {
				if !strings.Contains(dates, want) {
					t.Errorf("consumer's dates in effect lack %q: %s", want, dates)
				}
			}
			if next := section(t, page.body, "next-step"); !strings.Contains(next, "等待对方在"+due+"前退还预付卡余额") {
				t.Errorf("consumer's next step in effect: %s", next)
			}
			page = e.anon().get(links["merchant"])
			if dates := section(t, page.body, "my-dates"); !strings.Contains(dates, "您履行：退还预付卡余额") {
				t.Errorf("merchant's dates in effect: %s", dates)
			}
			if next := section(t, page.body, "next-step"); !strings.Contains(next, "请按协议在"+due+"前退还预付卡余额") {
				t.Errorf("merchant's next step in effect: %s", next)
			}
		})
	}
}
