package server_test

import (
	"context"
	"io"
	"log/slog"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/tiaojie/tiaojie/internal/notify"
	"github.com/tiaojie/tiaojie/internal/notify/gatewaytest"
	"github.com/tiaojie/tiaojie/internal/notify/outboxtest"
	"github.com/tiaojie/tiaojie/internal/platform"
	"github.com/tiaojie/tiaojie/internal/store"
	"github.com/tiaojie/tiaojie/internal/store/storetest"
)

const gatewayKey = "k-server-sms"

// forEachEngineWithGateway runs fn against a server whose SMS go to a fake
// gateway, on each engine.
func forEachEngineWithGateway(t *testing.T, fn func(t *testing.T, e *env, gw *gatewaytest.Server)) {
	for _, eng := range storetest.Engines(t) {
		t.Run(eng.Name, func(t *testing.T) {
			t.Parallel()
			gw := gatewaytest.New(gatewayKey)
			t.Cleanup(gw.Close)
			e := newEnvConfig(t, eng, func(c *platform.Config) {
				c.SMSDeliverer = &notify.GatewaySender{BaseURL: gw.URL, APIKey: gatewayKey, Signature: c.SMSSignature, Client: gw.Client(),
					Log: slog.New(slog.NewTextHandler(io.Discard, nil))}
				c.Jobs.Backoff = func(int) time.Duration { return 200 * time.Millisecond }
			}, nil)
			fn(t, e, gw)
		})
	}
}

// newestSMS is the newest outbox row (of the case, when caseID is not 0).
func newestSMS(t *testing.T, e *env, caseID int64) store.OutboxEntry {
	t.Helper()
	es, err := e.texts(context.Background(), 200)
	if err != nil {
		t.Fatal(err)
	}
	for _, x := range es {
		if caseID == 0 || x.CaseID == caseID {
			return x
		}
	}
	t.Fatal("no SMS in the outbox")
	return store.OutboxEntry{}
}

// A request that causes an SMS answers at once, even when the gateway takes
// five seconds; the SMS is delivered afterwards, once, and the page says it
// was queued rather than sent.
func TestSMSRequestDoesNotWaitForGateway(t *testing.T) {
	forEachEngineWithGateway(t, func(t *testing.T, e *env, gw *gatewaytest.Server) {
		gw.SetDelay(5 * time.Second)
		// A verification code (the API of the public form).
		cmt, _ := e.db.GetOrgUnitByCode(context.Background(), "pd-cmt")
		form := url.Values{"committee": {itoa(cmt.ID)}, "phone": {"13611113333"}, "action": {"code"}}
		start := time.Now()
		r := e.anon().form("POST", "/file", form)
		if el := time.Since(start); el > 2*time.Second {
			t.Fatalf("the code request waited %v for the gateway", el)
		}
		if r.StatusCode != 200 || !strings.Contains(r.body, "验证码短信已排队发送") {
			t.Fatalf("code: %d", r.StatusCode)
		}
		code := newestSMS(t, e, 0)
		if code.Status == notify.StatusSent || code.ToMask != "136****3333" {
			t.Fatalf("code SMS %+v: sent before the gateway answered", code)
		}

		// A consent request: the case moves and both SMS are queued with it.
		reg, m := e.login("regulator01"), e.login("mediator01")
		var c caseOut
		json_(reg.json("POST", "/api/v1/complaints", validComplaint("1231520261127000777"), nil).body, &c)
		if r := e.login("committee01").form("POST", "/cases/"+itoa(c.ID)+"/accept", url.Values{}); r.StatusCode != 303 {
			t.Fatalf("accept: %d", r.StatusCode)
		}
		start = time.Now()
		r = m.form("POST", "/cases/"+itoa(c.ID)+"/consent/request", url.Values{"merchant_phone": {"13700004444"}})
		if el := time.Since(start); el > 2*time.Second {
			t.Fatalf("the consent request waited %v for the gateway", el)
		}
		if r.StatusCode != 303 {
			t.Fatalf("request consent: %d %s", r.StatusCode, r.body)
		}
		page := m.get("/cases/" + itoa(c.ID))
		if !strings.Contains(page.body, "调解意愿确认短信已排队") || strings.Contains(page.body, "已向双方当事人发送调解意愿确认短信") {
			t.Fatal("the page claims the SMS was sent")
		}
		var rows []store.OutboxEntry
		es, _ := e.db.ListOutbox(context.Background(), 50) // the rows as stored
		for _, x := range es {
			if x.CaseID == c.ID {
				rows = append(rows, x)
			}
		}
		if len(rows) != 2 {
			t.Fatalf("consent SMS queued: %d", len(rows))
		}
		// With a gateway the admin page keeps no usable link.
		for _, x := range rows {
			if linkRe.FindString(x.Body) != "" || !strings.Contains(x.Body, "/consent/…") {
				t.Fatalf("shown text keeps the link: %q", x.Body)
			}
		}

		// Then the worker delivers each once.
		for _, x := range append(rows, code) {
			got := outboxtest.Wait(t, e.db, x.ID, outboxtest.Settled...)
			if got.Status != notify.StatusSent || got.Attempts != 1 {
				t.Fatalf("row %+v", got)
			}
		}
		// Each of the three reached the gateway once. The background
		// routines may send staff alerts of their own meanwhile (the demo's
		// warnings fall due as the test runs), never to these parties.
		ours := map[string]int{}
		for _, x := range append(rows, code) {
			ours[x.RequestID] = 0
		}
		phones := map[string]bool{}
		for _, x := range gw.Delivered() {
			if _, ok := ours[x.RequestID]; ok {
				ours[x.RequestID]++
				phones[x.Phone] = true
			} else if x.Phone == "13611113333" || x.Phone == "13700004444" {
				t.Fatalf("a fourth SMS went to a party: %+v", x)
			}
		}
		for id, n := range ours {
			if n != 1 {
				t.Fatalf("request %s delivered %d times, want once", id, n)
			}
		}
		if !phones["13611113333"] || !phones["13700004444"] {
			t.Fatalf("delivered to %v", phones)
		}
	})
}

// The admin outbox page shows where each message stands: retrying with
// the gateway's error while it is down, sent when it is back, failed when
// the gateway refuses; phones masked.
func TestOutboxPageShowsDelivery(t *testing.T) {
	forEachEngineWithGateway(t, func(t *testing.T, e *env, gw *gatewaytest.Server) {
		admin := e.login("admin")
		cmt, _ := e.db.GetOrgUnitByCode(context.Background(), "pd-cmt")
		gw.FailUnavailable(1000, 0)
		if r := e.anon().form("POST", "/file", url.Values{"committee": {itoa(cmt.ID)}, "phone": {"13611115555"}, "action": {"code"}}); r.StatusCode != 200 {
			t.Fatalf("code: %d", r.StatusCode)
		}
		id := newestSMS(t, e, 0).ID
		outboxtest.Wait(t, e.db, id, notify.StatusRetrying)
		page := admin.get("/admin/outbox")
		row := smsRow(t, page.body, id)
		if !strings.Contains(row, "重试中") || !strings.Contains(row, "短信网关暂时不可用（HTTP 503）") || !strings.Contains(row, "136****5555") ||
			strings.Contains(page.body, "13611115555") {
			t.Fatalf("retrying row: %s", row)
		}
		gw.ClearFailures()
		got := outboxtest.Wait(t, e.db, id, outboxtest.Settled...)
		// This message delivered once (other queued messages may be
		// delivered too once the gateway is back).
		once := 0
		for _, d := range gw.Delivered() {
			if d.RequestID == got.RequestID {
				once++
			}
		}
		if got.Status != notify.StatusSent || once != 1 {
			t.Fatalf("after the gateway came back (delivered %d times): %+v", once, got)
		}
		row = smsRow(t, admin.get("/admin/outbox").body, id)
		if !strings.Contains(row, "已发送") || strings.Contains(row, "重试中") || !strings.Contains(row, itoa(int64(got.Attempts))+"次") {
			t.Fatalf("sent row: %s", row)
		}

		// Refused for this number only: a message still queued from above
		// must not take the failure meant for it.
		gw.FailPhone("13611116666", gatewaytest.Failure{Status: 400, Code: gatewaytest.CodeBadPhone, Message: "phone须为11位数字"})
		if r := e.anon().form("POST", "/file", url.Values{"committee": {itoa(cmt.ID)}, "phone": {"13611116666"}, "action": {"code"}}); r.StatusCode != 200 {
			t.Fatalf("code: %d", r.StatusCode)
		}
		id = newestSMS(t, e, 0).ID
		if got := outboxtest.Wait(t, e.db, id, outboxtest.Settled...); got.Status != notify.StatusFailed {
			t.Fatalf("refused: %+v", got)
		}
		row = smsRow(t, admin.get("/admin/outbox").body, id)
		if !strings.Contains(row, "发送失败") || !strings.Contains(row, "短信网关拒绝请求（HTTP 400）") {
			t.Fatalf("failed row: %s", row)
		}
	})
}

// smsRow is the outbox page's table row of message id.
func smsRow(t *testing.T, page string, id int64) string {
	t.Helper()
	i := strings.Index(page, `<tr id="sms-`+itoa(id)+`">`)
	if i < 0 {
		t.Fatalf("no row for message %d", id)
	}
	row := page[i:]
	return row[:strings.Index(row, "</tr>")]
}
