package server_test

import (
	"context"
	"encoding/base64"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tiaojie/tiaojie/internal/court"
	"github.com/tiaojie/tiaojie/internal/court/courttest"
	"github.com/tiaojie/tiaojie/internal/demo"
	"github.com/tiaojie/tiaojie/internal/store"
)

// all fires the requests at once and returns their statuses.
func all(reqs ...func() resp) []int {
	out := make([]int, len(reqs))
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i, r := range reqs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			out[i] = r().StatusCode
		}()
	}
	close(start)
	wg.Wait()
	return out
}

// Both parties, the mediator and the seal at the same moment: every
// signature lands, the agreement takes effect once, the case moves on once.
func TestSigningRace(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		m, id := mediatingCase(t, e)
		deadline := time.Now().AddDate(0, 0, 10).Format("2006-01-02")
		form := url.Values{"kind": {"written"}, "facts": {"健身房闭店，双方就退款金额发生争议。"}, "responsibility": {"经营者承担退款责任"},
			"party_0": {"merchant"}, "content_0": {"退还预付卡余额"}, "amount_0": {"1800"}, "manner_0": {"银行转账"}, "deadline_0": {deadline}}
		if r := m.form("POST", "/cases/"+itoa(id)+"/agreement/oral", form); r.StatusCode != 303 {
			t.Fatalf("written agreement: %d %s", r.StatusCode, r.body)
		}
		signLinks := regexp.MustCompile(`/sign/[A-Za-z0-9_-]+`)
		codeRe := regexp.MustCompile(`验证码为(\d{6})`)
		es, _ := e.texts(ctx, 20)
		type signer struct {
			c          *client
			link, code string
		}
		var parties []signer
		for _, x := range es {
			if l := signLinks.FindString(x.Body); l != "" && x.CaseID == id {
				p := signer{c: e.anon(), link: l}
				if r := p.c.form("POST", l, url.Values{"action": {"code"}}); r.StatusCode != 200 {
					t.Fatalf("code: %d", r.StatusCode)
				}
				last := lastPartySMS(t, e)
				p.code = codeRe.FindStringSubmatch(last[0].Body)[1]
				parties = append(parties, p)
			}
		}
		if len(parties) != 2 {
			t.Fatalf("%d signing links", len(parties))
		}
		sig := "data:image/png;base64," + base64.StdEncoding.EncodeToString(pngBytes(t))
		committee := e.login("committee01")
		got := all(
			func() resp {
				return parties[0].c.form("POST", parties[0].link, url.Values{"code": {parties[0].code}, "signature": {sig}})
			},
			func() resp {
				return parties[1].c.form("POST", parties[1].link, url.Values{"code": {parties[1].code}, "signature": {sig}})
			},
			func() resp { return m.form("POST", "/cases/"+itoa(id)+"/agreement/sign", url.Values{}) },
			func() resp { return committee.form("POST", "/cases/"+itoa(id)+"/agreement/seal", url.Values{}) },
		)
		for i, s := range got {
			if s != http.StatusSeeOther {
				t.Errorf("signer %d answered %d", i, s)
			}
		}
		c, _ := e.db.GetCase(ctx, id)
		sgs, _ := e.db.ListSignatures(ctx, id)
		if c.Status != "performing" || len(sgs) != 4 {
			t.Fatalf("after simultaneous signing: status %s, %d signatures", c.Status, len(sgs))
		}
		if _, sha, err := e.db.GetAgreementDocument(ctx, id); err != nil || sha == "" {
			t.Fatalf("agreement not frozen: %v", err)
		}
		evs, _ := e.db.ListEvents(ctx, id)
		signed, started := 0, 0
		for _, ev := range evs {
			switch ev.Type {
			case "agreement_signed":
				signed++
			case "start_performance":
				started++
			}
		}
		if signed != 4 || started != 1 {
			t.Fatalf("timeline: %d signing events, %d start of performance", signed, started)
		}
	})
}

// Eight clicks on 申请司法确认 at once: one application, one event, one
// job, one submission at the court system.
func TestDoubleCourtSubmit(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		peer := courttest.New("court-key")
		t.Cleanup(peer.Close)
		e.agr.Court = &court.Client{BaseURL: peer.URL, APIKey: "court-key"}
		m, id := effectiveWrittenAgreement(t, e)
		form := url.Values{"court": {itoa(orgID(t, e, demo.CodeCourt))}, "joint": {"yes"}}
		var reqs []func() resp
		for range 8 {
			reqs = append(reqs, func() resp { return m.form("POST", "/cases/"+itoa(id)+"/judicial", form) })
		}
		ok := 0
		for _, s := range all(reqs...) {
			switch s {
			case http.StatusSeeOther:
				ok++
			case http.StatusUnprocessableEntity, http.StatusConflict:
			default:
				t.Errorf("unexpected status %d", s)
			}
		}
		if ok != 1 {
			t.Fatalf("%d applications accepted, want 1", ok)
		}
		ja := waitJudicial(t, e, id, "delivered", delivered)
		evs, _ := e.db.ListEvents(ctx, id)
		n := 0
		for _, ev := range evs {
			if ev.Type == "judicial_applied" {
				n++
			}
		}
		if n != 1 || courtJobs(t, e) != 1 {
			t.Fatalf("%d events, %d court jobs", n, courtJobs(t, e))
		}
		if len(peer.Received()) != 1 || peer.Posts() != 1 {
			t.Fatalf("%d submissions at the court of %d posts", len(peer.Received()), peer.Posts())
		}
		if ja.Receipt == "" || !strings.HasPrefix(ja.Receipt, "SQ") || ja.Receipt != peer.Received()[0].Receipt {
			t.Fatalf("receipt not kept: %+v", ja.Receipt)
		}
	})
}

// The court system is unreachable when the application is filed: it is
// kept, the mediator is told it is queued and then why it waits (delivery
// once the court system answers: TestCourtDownRetriesThenDelivers).
func TestCourtUnreachableWaits(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		e.agr.Court = &court.Client{BaseURL: "http://127.0.0.1:1", APIKey: "court-key"} // nothing listens
		m, id := effectiveWrittenAgreement(t, e)
		r := m.form("POST", "/cases/"+itoa(id)+"/judicial", url.Values{"court": {itoa(orgID(t, e, demo.CodeCourt))}, "joint": {"yes"}})
		if r.StatusCode != 303 {
			t.Fatalf("apply while the court is down: %d %s", r.StatusCode, r.body)
		}
		if page := m.get("/cases/" + itoa(id)); !strings.Contains(page.body, "已排队提交法院") {
			t.Fatal("the mediator is not told the application is queued")
		}
		waitJudicial(t, e, id, "retrying", func(ja *store.JudicialApplication) bool { return ja != nil && ja.Attempts >= 1 })
		if page := m.get("/cases/" + itoa(id)); !strings.Contains(page.body, "重试中（法院系统连接失败）") {
			t.Fatal("the mediator is not told why it waits")
		}
		if ja, err := e.db.GetJudicialApplication(ctx, id); err != nil || ja.Receipt != "" {
			t.Fatalf("stored application: %+v %v", ja.Receipt, err)
		}
	})
}
