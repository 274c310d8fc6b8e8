package server_test

import (
	"bytes"
	"context"
	"image"
	"image/color"
	"image/png"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/tiaojie/tiaojie/internal/court"
	"github.com/tiaojie/tiaojie/internal/court/courttest"
	"github.com/tiaojie/tiaojie/internal/demo"
	"github.com/tiaojie/tiaojie/internal/store"
)

func orgID(t *testing.T, e *env, code string) int64 {
	t.Helper()
	units, _ := e.db.ListOrgUnits(context.Background())
	for _, u := range units {
		if u.Code == code {
			return u.ID
		}
	}
	t.Fatalf("no org unit %s", code)
	return 0
}

func TestJudicialConfirmation(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		peer := courttest.New("court-key")
		t.Cleanup(peer.Close)
		e.agr.Court = &court.Client{BaseURL: peer.URL, APIKey: "court-key"}
		m, id := effectiveWrittenAgreement(t, e)
		path := "/cases/" + itoa(id) + "/judicial"
		pd := itoa(orgID(t, e, demo.CodeCourt))

		if page := m.get("/cases/" + itoa(id)); !strings.Contains(page.body, "申请司法确认") || !strings.Contains(page.body, "上海市浦东新区人民法院") {
			t.Fatal("case page offers no judicial confirmation")
		}
		// Only a joint application, to a court of the district, by the case's people.
		if r := m.form("POST", path, url.Values{"court": {pd}}); r.StatusCode != 422 || !strings.Contains(r.body, "共同申请") {
			t.Fatalf("not joint: %d", r.StatusCode)
		}
		if r := m.form("POST", path, url.Values{"court": {"999999"}, "joint": {"yes"}}); r.StatusCode != 422 {
			t.Fatalf("unknown court: %d", r.StatusCode)
		}
		// The courts offered and accepted are the case's district's only.
		if page := m.get("/cases/" + itoa(id)); strings.Contains(page.body, "上海市徐汇区人民法院") {
			t.Fatal("the case page offers another district's court")
		}
		if r := m.form("POST", path, url.Values{"court": {itoa(orgID(t, e, demo.CodeXHCourt))}, "joint": {"yes"}}); r.StatusCode != 422 {
			t.Fatalf("another district's court: %d", r.StatusCode)
		}
		if r := e.login("xh_mediator01").form("POST", path, url.Values{"court": {pd}, "joint": {"yes"}}); r.StatusCode != 404 {
			t.Fatalf("other district applies: %d", r.StatusCode)
		}
		if _, err := e.db.GetJudicialApplication(ctx, id); err == nil {
			t.Fatal("a refused application was stored")
		}
		if r := m.form("POST", path, url.Values{"court": {pd}, "joint": {"yes"}}); r.StatusCode != 303 {
			t.Fatalf("apply: %d %s", r.StatusCode, r.body)
		}
		if r := m.form("POST", path, url.Values{"court": {pd}, "joint": {"yes"}}); r.StatusCode != 422 {
			t.Fatalf("applied twice: %d", r.StatusCode)
		}

		// The court system received a package whose manifest matches its files.
		ja := waitJudicial(t, e, id, "delivered", delivered)
		got := peer.Received()
		if len(got) != 1 || got[0].Submission.CourtCode != demo.CodeCourt {
			t.Fatalf("court received %d", len(got))
		}
		if ja.Receipt != got[0].Receipt || ja.Status != "submitted" || got[0].Key != ja.IdempotencyKey {
			t.Fatalf("application %+v", ja)
		}
		man, files, err := court.Check(ja.Package)
		if err != nil || len(man.Files) != 3 {
			t.Fatalf("package: %v %+v", err, man)
		}
		c, _ := e.db.GetCase(ctx, id)
		if text := pdfText(t, files["application.pdf"]); !strings.Contains(text, "司法确认申请书") || !strings.Contains(text, c.Number) {
			t.Errorf("application text: %q", text)
		}
		_, agreementSHA, _ := e.db.GetAgreementDocument(ctx, id)
		if court.Sum(files["agreement.pdf"]) != agreementSHA || got[0].Submission.AgreementSHA256 != agreementSHA {
			t.Error("package agreement differs from the effective one")
		}
		// Service needs the real phone; the package carries it, the screens do not.
		if !regexp.MustCompile(`"phone": "1\d{10}"`).Match(files["parties.json"]) {
			t.Errorf("parties for service lack phones: %s", files["parties.json"])
		}

		// Held, performed and followed up, the file still waits for the court's ruling.
		sess := store.Session{CaseID: id, Kind: "room", StartsAt: time.Now().Add(time.Hour), Place: "调解室"}
		e.db.CreateSession(ctx, &sess)
		e.db.RecordSession(ctx, sess.ID, "held", "双方到场", "双方达成书面协议。")
		m.form("POST", "/cases/"+itoa(id)+"/perform", url.Values{"term": {"0"}, "proof": {"转账流水 20261127001"}})
		if r := m.form("POST", "/cases/"+itoa(id)+"/followup", url.Values{"satisfaction": {"5"}, "method": {"phone"}}); r.StatusCode != 303 {
			t.Fatalf("follow-up: %d %s", r.StatusCode, r.body)
		}
		if r := m.form("POST", "/cases/"+itoa(id)+"/archive", url.Values{}); r.StatusCode != 422 || !strings.Contains(r.body, "卷宗缺少：司法确认材料<") {
			t.Fatalf("archived before the ruling: %d", r.StatusCode)
		}

		// The court liaison works the queue; another district's court cannot.
		cl := e.login("court01")
		if q := cl.get("/court"); q.StatusCode != 200 || !strings.Contains(q.body, c.Number) {
			t.Fatalf("court queue: %d", q.StatusCode)
		}
		if z := cl.get("/court/" + itoa(id) + "/package.zip"); z.StatusCode != 200 || z.body != string(ja.Package) {
			t.Fatalf("package download: %d", z.StatusCode)
		}
		if r := m.get("/court"); r.StatusCode != 403 {
			t.Fatalf("mediator opens the court queue: %d", r.StatusCode)
		}
		decide := "/court/" + itoa(id) + "/decide"
		if r := cl.form("POST", decide, url.Values{"decision": {"confirmed"}}); r.StatusCode != 422 {
			t.Fatalf("confirmed without ruling number: %d", r.StatusCode)
		}
		if r := cl.form("POST", decide, url.Values{"decision": {"accepted"}}); r.StatusCode != 303 || r.Header.Get("Location") != "/court#j"+itoa(id) {
			t.Fatalf("accept: %d %s, back to %q", r.StatusCode, r.body, r.Header.Get("Location"))
		}
		if r := cl.form("POST", decide, url.Values{"decision": {"accepted"}}); r.StatusCode != 422 {
			t.Fatalf("accepted twice: %d", r.StatusCode)
		}
		if r := cl.form("POST", decide, url.Values{"decision": {"confirmed"}, "ruling": {"（2026）沪0115民特123号"}}); r.StatusCode != 303 || r.Header.Get("Location") != "/court?state=decided#j"+itoa(id) {
			t.Fatalf("confirm: %d %s, back to %q", r.StatusCode, r.body, r.Header.Get("Location"))
		}
		if r := cl.form("POST", decide, url.Values{"decision": {"rejected"}, "reason": {"x"}}); r.StatusCode != 422 {
			t.Fatalf("rejected after confirmation: %d", r.StatusCode)
		}
		// Decided, it leaves the queue (待处理, the default) for 已裁定, on
		// the page and in the API; a bad filter is refused.
		card := `id="j` + itoa(id) + `"`
		if q := cl.get("/court"); q.StatusCode != 200 || strings.Contains(q.body, card) {
			t.Errorf("a confirmed application is still in the court's queue: %d", q.StatusCode)
		}
		if q := cl.get("/court?state=decided"); q.StatusCode != 200 || !strings.Contains(q.body, card) || !strings.Contains(q.body, "（2026）沪0115民特123号") {
			t.Errorf("the confirmed application is not among the decided: %d", q.StatusCode)
		}
		want(t, "court page, bad state", cl.get("/court?state=all"), 400, "state 只能是")
		want(t, "court API, decided", cl.json("GET", "/api/v1/judicial?state=decided", nil, nil), 200, `"case_id":`+itoa(id)+`,`)
		if r := cl.json("GET", "/api/v1/judicial", nil, nil); r.StatusCode != 200 || strings.Contains(r.body, `"case_id":`+itoa(id)+`,`) || !strings.Contains(r.body, `"applications":[`) {
			t.Errorf("court API queue: %d %s", r.StatusCode, r.body)
		}
		want(t, "court API, bad cursor", cl.json("GET", "/api/v1/judicial?after=zz", nil, nil), 400, "分页参数无效")
		want(t, "court API, bad limit", cl.json("GET", "/api/v1/judicial?limit=501", nil, nil), 400, "limit")
		page := m.get("/cases/" + itoa(id))
		if !strings.Contains(page.body, "已裁定确认") || !strings.Contains(page.body, "（2026）沪0115民特123号") {
			t.Fatal("case page lacks the court's ruling")
		}
		if r := m.form("POST", "/cases/"+itoa(id)+"/archive", url.Values{}); r.StatusCode != 303 {
			t.Fatalf("archive after the ruling: %d %s", r.StatusCode, r.body)
		}
		// A later judgment voids the confirmed agreement: recorded with its number and reason, counted.
		if r := cl.form("POST", decide, url.Values{"decision": {"annulled"}, "ruling": {"（2026）沪0115民初456号"}}); r.StatusCode != 422 {
			t.Fatalf("annulled without the judgment's result: %d", r.StatusCode)
		}
		if r := cl.form("POST", decide, url.Values{"decision": {"annulled"}, "ruling": {"（2026）沪0115民初456号"}, "reason": {"判决确认调解协议无效"}}); r.StatusCode != 303 {
			t.Fatalf("annul: %d %s", r.StatusCode, r.body)
		}
		if r := cl.form("POST", decide, url.Values{"decision": {"annulled"}, "ruling": {"x"}, "reason": {"y"}}); r.StatusCode != 422 {
			t.Fatalf("annulled twice: %d", r.StatusCode)
		}
		evs, _ := e.db.ListEvents(ctx, id)
		types := map[string]bool{}
		for _, x := range evs {
			types[x.Type] = true
		}
		if !types["judicial_applied"] || !types["judicial_accepted"] || !types["judicial_confirmed"] || !types["judicial_annulled"] {
			t.Fatalf("timeline: %v", types)
		}
	})
}

// A court system that refuses the package frees the case: the application
// is gone, the case page says the court sent it back and why, and the
// mediator can file again (a new application, under a new key).
func TestJudicialCourtRefuses(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		peer := courttest.New("court-key")
		t.Cleanup(peer.Close)
		e.agr.Court = &court.Client{BaseURL: peer.URL, APIKey: "wrong"}
		m, id := effectiveWrittenAgreement(t, e)
		form := url.Values{"court": {itoa(orgID(t, e, demo.CodeCourt))}, "joint": {"yes"}}
		r := m.form("POST", "/cases/"+itoa(id)+"/judicial", form)
		if r.StatusCode != 303 {
			t.Fatalf("apply: %d %s", r.StatusCode, r.body)
		}
		// The queue may deliver (and the court refuse) before the test could
		// read the application: the first key is what the court saw.
		waitJudicial(t, e, id, "freed", func(ja *store.JudicialApplication) bool { return ja == nil })
		tried := peer.Keys()
		if len(tried) == 0 || tried[0] == "" {
			t.Fatalf("the court saw no keyed submission: %q", tried)
		}
		first := tried[0]
		page := m.get("/cases/" + itoa(id))
		if !strings.Contains(page.body, `id="judicial-delivery">法院退回（认证失败，HTTP 401）`) || !strings.Contains(page.body, `id="apply-judicial"`) {
			t.Fatal("the case page does not say the court sent it back, or does not offer to file again")
		}
		evs, _ := e.db.ListEvents(ctx, id)
		if last := evs[len(evs)-1]; last.Type != "judicial_send_refused" || !strings.Contains(last.Note, "认证失败") {
			t.Fatalf("timeline ends with %s %q", last.Type, last.Note)
		}
		if len(peer.Received()) != 0 {
			t.Fatal("a refused submission was recorded at the court")
		}
		e.agr.Court = &court.Client{BaseURL: peer.URL, APIKey: "court-key"}
		if r := m.form("POST", "/cases/"+itoa(id)+"/judicial", form); r.StatusCode != 303 {
			t.Fatalf("apply again: %d %s", r.StatusCode, r.body)
		}
		ja := waitJudicial(t, e, id, "delivered", delivered)
		if ja.IdempotencyKey == first || len(peer.Received()) != 1 {
			t.Fatalf("second application: key %q (first %q), %d at the court", ja.IdempotencyKey, first, len(peer.Received()))
		}
		if page := m.get("/cases/" + itoa(id)); strings.Contains(page.body, `id="judicial-delivery">法院退回`) || !strings.Contains(page.body, "回执号"+ja.Receipt) {
			t.Fatal("the old refusal is still shown over the new application")
		}
	})
}

func sealPNG(t *testing.T) []byte {
	img := image.NewNRGBA(image.Rect(0, 0, 200, 200))
	for x := 20; x < 180; x++ {
		img.SetNRGBA(x, 100, color.NRGBA{200, 0, 0, 255})
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// The committee uploads its seal; the system places it on agreements that take effect afterwards.
func TestCommitteeSealOnAgreement(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		cm := e.login("committee01")
		if r := uploadFile(cm, "/seal", "seal", "seal.png", []byte("not an image, named .png"), nil); r.StatusCode != 422 || !strings.Contains(r.body, "PNG") {
			t.Fatalf("text as seal: %d", r.StatusCode)
		}
		if r := uploadFile(cm, "/seal", "seal", "seal.png", pngBytes(t), nil); r.StatusCode != 422 || !strings.Contains(r.body, "像素") {
			t.Fatalf("tiny seal: %d", r.StatusCode)
		}
		pdCommittee := orgID(t, e, demo.CodeCommittee)
		if r := uploadFile(e.login("xh_committee01"), "/seal?committee="+itoa(pdCommittee), "seal", "seal.png", sealPNG(t), nil); r.StatusCode != 403 {
			t.Fatalf("other district uploads our seal: %d", r.StatusCode)
		}
		if r := uploadFile(e.login("mediator01"), "/seal", "seal", "seal.png", sealPNG(t), nil); r.StatusCode != 403 {
			t.Fatalf("mediator uploads the seal: %d", r.StatusCode)
		}
		if _, err := e.db.GetSeal(ctx, pdCommittee); err == nil {
			t.Fatal("a refused upload was stored")
		}
		if r := uploadFile(cm, "/seal", "seal", "seal.png", sealPNG(t), nil); r.StatusCode != 303 {
			t.Fatalf("upload: %d %s", r.StatusCode, r.body)
		}
		if p := cm.get("/seal"); !strings.Contains(p.body, "seal-image") {
			t.Fatal("seal page does not show the seal")
		}
		if img := cm.get("/seal.png"); img.StatusCode != 200 || img.body != string(sealPNG(t)) {
			t.Fatalf("seal image: %d", img.StatusCode)
		}
		m, id := effectiveWrittenAgreement(t, e)
		pdf := m.get("/cases/" + itoa(id) + "/agreement.pdf")
		if text := pdfText(t, []byte(pdf.body)); strings.Contains(text, "（印章）") {
			t.Error("placeholder printed although the seal image is placed")
		}
		if !strings.Contains(pdfText(t, []byte(pdf.body)), "浦东新区消费纠纷人民调解委员会") {
			t.Error("issuer missing under the seal")
		}
	})
}

// The court system's outcome comes back by itself: a rejection with its
// reason lands on the case once, and decided applications are not asked about again.
func TestJudicialOutcomeSynced(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		peer := courttest.New("court-key")
		e.agr.Court = &court.Client{BaseURL: peer.URL, APIKey: "court-key"}
		m, id := effectiveWrittenAgreement(t, e)
		if r := m.form("POST", "/cases/"+itoa(id)+"/judicial", url.Values{"court": {itoa(orgID(t, e, demo.CodeCourt))}, "joint": {"yes"}}); r.StatusCode != 303 {
			t.Fatalf("apply: %d", r.StatusCode)
		}
		if n, err := e.agr.SyncJudicial(ctx); err != nil || n != 0 {
			t.Fatalf("nothing decided yet: %d %v", n, err)
		}
		ja := waitJudicial(t, e, id, "delivered", delivered)
		peer.Decide(ja.Receipt, "accepted", "", "")
		if n, err := e.agr.SyncJudicial(ctx); err != nil || n != 1 {
			t.Fatalf("accepted: %d %v", n, err)
		}
		if n, err := e.agr.SyncJudicial(ctx); err != nil || n != 0 {
			t.Fatalf("still accepted at the court: %d %v", n, err)
		}
		peer.Decide(ja.Receipt, "rejected", "", "协议约定的履行期限不明确")
		if n, err := e.agr.SyncJudicial(ctx); err != nil || n != 1 {
			t.Fatalf("sync: %d %v", n, err)
		}
		if n, _ := e.agr.SyncJudicial(ctx); n != 0 {
			t.Fatalf("second sync moved %d", n)
		}
		ja, _ = e.db.GetJudicialApplication(ctx, id)
		if ja.Status != "rejected" || ja.Reason != "协议约定的履行期限不明确" {
			t.Fatalf("after sync: %+v", ja)
		}
		evs, _ := e.db.ListEvents(ctx, id)
		var notes []string
		for _, ev := range evs {
			if strings.HasPrefix(ev.Type, "judicial_") && ev.Type != "judicial_applied" && ev.Type != "judicial_sent" {
				notes = append(notes, ev.ActorName+"："+ev.Note)
			}
		}
		if len(notes) != 2 || !strings.Contains(notes[0], "法院系统：法院已受理") || !strings.Contains(notes[1], "法院系统：法院驳回司法确认申请：协议约定的履行期限不明确") {
			t.Fatalf("timeline: %q", notes)
		}
		peer.Close()
		if _, err := e.agr.SyncJudicial(ctx); err != nil {
			t.Fatalf("closed applications are not asked about again: %v", err)
		}
	})
}
