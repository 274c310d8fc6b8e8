package server_test

import (
	"context"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/tiaojie/tiaojie/internal/court"
	"github.com/tiaojie/tiaojie/internal/court/courttest"
	"github.com/tiaojie/tiaojie/internal/demo"
	"github.com/tiaojie/tiaojie/internal/store"
	"github.com/tiaojie/tiaojie/internal/store/storetest"
)

// The whole life of a case on both engines, each step the way its person
// takes it over HTTP: registered and accepted; the consumer consents on the
// phone link, the merchant by phone; the room lead assigns; mediation runs
// online (messages, caucus, evidence, terms both accept); the agreement is
// drafted from the accepted terms, signed on both phones, by the mediator
// and sealed; the joint judicial application goes to the court system, whose
// ruling comes back on its own; the term is performed, the consumer rates
// by SMS link; the record is confirmed; the file is archived and its PDF
// read back and rendered.
func TestMediationJourney(t *testing.T) {
	for _, eng := range storetest.Engines(t) {
		t.Run(eng.Name, func(t *testing.T) {
			e := newEnv(t, eng)
			ctx := context.Background()
			peer := courttest.New("court-key")
			t.Cleanup(peer.Close)
			e.agr.Court = &court.Client{BaseURL: peer.URL, APIKey: "court-key"}
			m := e.login("mediator01")

			// Registered and accepted.
			id := registerCase(t, m)
			cid := itoa(id)
			if r := m.json("POST", "/api/v1/cases/"+cid+"/accept", nil, nil); r.StatusCode != 200 {
				t.Fatalf("accept: %d %s", r.StatusCode, r.body)
			}
			// Consent: the consumer on the phone, the merchant by phone call.
			m.form("POST", "/cases/"+cid+"/consent/request", url.Values{"merchant_phone": {"13700003333"}})
			consentLink := links(t, e, id)
			phone := e.anon()
			var consumerLink string
			for _, l := range consentLink {
				if p := phone.get(l); strings.Contains(p.body, "消费者") && consumerLink == "" {
					consumerLink = l
				}
			}
			if r := phone.form("POST", consumerLink, url.Values{"mediation": {"agree"}, "online": {"agree"}}); r.StatusCode != 303 {
				t.Fatalf("consumer consents: %d %s", r.StatusCode, r.body)
			}
			if r := m.form("POST", "/cases/"+cid+"/consent", url.Values{"party": {"merchant"}, "mediation": {"agree"}, "online": {"agree"}, "method": {"phone"}}); r.StatusCode != 303 {
				t.Fatalf("merchant consents: %d", r.StatusCode)
			}
			// Assigned by the room lead's rule, mediation starts.
			if r := e.login("room_lead01").form("POST", "/cases/"+cid+"/assign", url.Values{"mediator": {"0"}}); r.StatusCode != 303 {
				t.Fatalf("assign: %d %s", r.StatusCode, r.body)
			}
			got, _ := e.db.GetCase(ctx, id)
			presiding, _ := e.db.GetUser(ctx, got.PresidingID)
			md := e.login(presiding.Username)
			if r := md.form("POST", "/cases/"+cid+"/start", url.Values{}); r.StatusCode != 303 {
				t.Fatalf("start: %d", r.StatusCode)
			}

			// Online mediation.
			if r := md.form("POST", "/cases/"+cid+"/talk/invite", url.Values{}); r.StatusCode != 303 {
				t.Fatalf("invite: %d %s", r.StatusCode, r.body)
			}
			pl := partyLinks(t, e, id)
			post(phone, pl["consumer"]+"/messages", url.Values{"channel": {"joint"}, "body": {"请求退还预付卡余额2000元"}})
			post(phone, pl["merchant"]+"/messages", url.Values{"channel": {"merchant"}, "body": {"可以退一部分"}})
			uploadFileJSON(phone, pl["consumer"]+"/evidence", "收据.png", pngBytes(t), map[string]string{"channel": "joint"})
			due := time.Now().AddDate(0, 0, 10).Format("2006-01-02")
			terms := url.Values{"channel": {"joint"}, "party_0": {"merchant"}, "content_0": {"退还预付卡余额"}, "amount_0": {"1800"},
				"manner_0": {"银行转账"}, "deadline_0": {due}}
			if r := post(md, "/cases/"+cid+"/talk/proposals", terms); r.StatusCode != 200 {
				t.Fatalf("propose: %d %s", r.StatusCode, r.body)
			}
			ps, _ := e.db.ListProposals(ctx, id)
			for _, party := range []string{"consumer", "merchant"} {
				if r := post(phone, pl[party]+"/proposals/"+itoa(ps[0].ID), url.Values{"answer": {"accept"}}); r.StatusCode != 200 {
					t.Fatalf("%s accepts: %d %s", party, r.StatusCode, r.body)
				}
			}

			// A session held online, its record confirmed by the consumer.
			md.form("POST", "/cases/"+cid+"/sessions", url.Values{"kind": {"online"}, "at": {time.Now().Add(time.Hour).In(time.FixedZone("CST", 8*3600)).Format("2006-01-02T15:04")}})
			ss, _ := e.db.ListSessions(ctx, store.SessionQuery{CaseID: id})
			md.form("POST", "/cases/"+cid+"/sessions/"+itoa(ss[0].ID)+"/record", url.Values{"held": {"1"}, "attendance": {"双方在线"}, "record": {"双方同意退还1800元。"}})
			if r := post(phone, pl["consumer"]+"/records/"+itoa(ss[0].ID), url.Values{}); r.StatusCode != 200 {
				t.Fatalf("record confirmation: %d %s", r.StatusCode, r.body)
			}

			// The agreement form comes filled from the accepted terms.
			page := md.get("/cases/" + cid)
			if !strings.Contains(page.body, `id="draft-from"`) || !strings.Contains(page.body, `value="退还预付卡余额"`) || !strings.Contains(page.body, `value="`+due+`"`) {
				t.Fatal("agreement form not drafted from the accepted proposal")
			}
			form := url.Values{"kind": {"written"}, "facts": {"健身房闭店，消费者要求退还预付卡余额，双方就金额发生争议。"}, "responsibility": {"经营者承担退款责任"}}
			for k, v := range terms {
				if k != "channel" {
					form[k] = v
				}
			}
			if r := md.form("POST", "/cases/"+cid+"/agreement/oral", form); r.StatusCode != 303 {
				t.Fatalf("written agreement: %d %s", r.StatusCode, r.body)
			}
			// The parties' pages lead them to sign, then give them their copy.
			if r := phone.get(pl["consumer"]); !strings.Contains(r.body, `id="sign-link" href="/sign/`) {
				t.Fatal("the consumer's page does not lead to signing")
			}
			if r := phone.get(pl["consumer"] + "/agreement.pdf"); r.StatusCode != 404 {
				t.Fatalf("an agreement not yet in effect downloaded: %d", r.StatusCode)
			}
			signAndSeal(t, e, md, id)
			frozen, sha, _ := e.db.GetAgreementDocument(ctx, id)
			if r := phone.get(pl["merchant"]); !strings.Contains(r.body, `id="agreement-link"`) || strings.Contains(r.body, `id="sign-link"`) {
				t.Fatal("the merchant's page does not offer the effective agreement")
			}
			if r := phone.get(pl["merchant"] + "/agreement.pdf"); r.StatusCode != 200 || r.body != string(frozen) || r.Header.Get("X-Content-SHA256") != sha {
				t.Fatalf("the merchant's copy is not the frozen agreement: %d", r.StatusCode)
			}

			// Judicial confirmation: filed with the court system, ruled there, synced back.
			if r := md.form("POST", "/cases/"+cid+"/judicial", url.Values{"court": {itoa(orgID(t, e, demo.CodeCourt))}, "joint": {"yes"}}); r.StatusCode != 303 {
				t.Fatalf("apply: %d %s", r.StatusCode, r.body)
			}
			ja := waitJudicial(t, e, id, "delivered", delivered)
			peer.Decide(ja.Receipt, "confirmed", "（2026）沪0115民特88号", "")
			if n, err := e.agr.SyncJudicial(ctx); err != nil || n != 1 {
				t.Fatalf("sync: %d %v", n, err)
			}
			if ja, _ := e.db.GetJudicialApplication(ctx, id); ja.Status != "confirmed" || ja.RulingNumber != "（2026）沪0115民特88号" {
				t.Fatalf("after sync: %+v", ja)
			}

			// Performance with proof; the consumer rates by SMS link.
			if r := md.form("POST", "/cases/"+cid+"/perform", url.Values{"term": {"0"}, "proof": {"银行转账回单 No.20261127"}}); r.StatusCode != 303 {
				t.Fatalf("perform: %d %s", r.StatusCode, r.body)
			}
			md.form("POST", "/cases/"+cid+"/followup/request", url.Values{})
			es := lastPartySMS(t, e)
			rate := regexp.MustCompile(`/rate/[A-Za-z0-9_-]+`).FindString(es[0].Body)
			if r := phone.form("POST", rate, url.Values{"satisfaction": {"5"}, "comment": {"在线调解很方便"}}); r.StatusCode != 303 {
				t.Fatalf("rate: %d %s", r.StatusCode, r.body)
			}

			// A banner with its photo; a PDF is no photo.
			if r := uploadFile(md, "/cases/"+cid+"/commendations", "photo", "锦旗.pdf", []byte("%PDF-1.4\n%%EOF\n"), map[string]string{"kind": "banner", "giver": "consumer"}); r.StatusCode != 422 {
				t.Fatalf("a PDF as the banner's photo: %d", r.StatusCode)
			}
			if r := uploadFile(md, "/cases/"+cid+"/commendations", "photo", "锦旗.png", pngBytes(t), map[string]string{"kind": "banner", "giver": "consumer", "note": "公正调解 为民解忧"}); r.StatusCode != 303 {
				t.Fatalf("commendation: %d %s", r.StatusCode, r.body)
			}
			cms, _ := e.db.ListCommendations(ctx, id)
			if len(cms) != 1 || !cms[0].HasPhoto {
				t.Fatalf("commendations: %+v", cms)
			}
			if r := e.login("committee01").get("/cases/" + cid + "/commendations/" + itoa(cms[0].ID) + "/photo"); r.StatusCode != 200 || r.Header.Get("Content-Type") != "image/png" {
				t.Fatalf("the photo for the committee: %d", r.StatusCode)
			}
			if page := md.get("/cases/" + cid); !strings.Contains(page.body, "消费者赠送锦旗") {
				t.Fatal("the banner is not on the case page")
			}

			// Archive: the file is frozen; its PDF reads back and renders.
			if r := md.form("POST", "/cases/"+cid+"/archive", url.Values{}); r.StatusCode != 303 {
				t.Fatalf("archive: %d %s", r.StatusCode, r.body)
			}
			pdf := md.json("GET", "/api/v1/cases/"+cid+"/archive.pdf", nil, nil)
			if pdf.StatusCode != 200 {
				t.Fatalf("archive pdf: %d", pdf.StatusCode)
			}
			text := pdfText(t, []byte(pdf.body))
			for _, want := range []string{got.Number, "卷宗", "调解协议", "司法确认", "回访", "证据材料目录", "收据.png", "消费者于", "在线确认调解笔录", "消费者赠送锦旗（公正调解"} {
				if !strings.Contains(text, want) {
					t.Errorf("archive lacks %q", want)
				}
			}
			renderFirstPage(t, []byte(pdf.body))
			final, _ := e.db.GetCase(ctx, id)
			if final.Status != "archived" {
				t.Fatalf("final status %s", final.Status)
			}
			// The parties' conversation stays readable, but takes no more messages.
			if r := post(phone, pl["consumer"]+"/messages", url.Values{"channel": {"joint"}, "body": {"谢谢"}}); r.StatusCode != 409 {
				t.Fatalf("message after archive: %d", r.StatusCode)
			}
			if r := phone.get(pl["consumer"]); r.StatusCode != 200 || !strings.Contains(r.body, "请求退还预付卡余额2000元") {
				t.Fatalf("conversation after archive: %d", r.StatusCode)
			}
		})
	}
}

// renderFirstPage draws page one with pdftoppm and checks it has ink.
func renderFirstPage(t *testing.T, pdf []byte) {
	t.Helper()
	if _, err := exec.LookPath("pdftoppm"); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("pdftoppm (poppler-utils) missing under CI")
		}
		t.Skip("pdftoppm not installed")
	}
	dir := t.TempDir()
	in := filepath.Join(dir, "f.pdf")
	os.WriteFile(in, pdf, 0o644)
	if out, err := exec.Command("pdftoppm", "-r", "30", "-png", "-singlefile", in, filepath.Join(dir, "page")).CombinedOutput(); err != nil {
		t.Fatalf("pdftoppm: %v %s", err, out)
	}
	st, err := os.Stat(filepath.Join(dir, "page.png"))
	if err != nil || st.Size() < 1000 {
		t.Fatalf("rendered page: %v", err)
	}
}
