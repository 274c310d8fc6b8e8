package server_test

import (
	"bufio"
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/tiaojie/tiaojie/internal/store"
	"github.com/tiaojie/tiaojie/internal/store/storetest"
)

var partyLinkRe = regexp.MustCompile(`/p/[A-Za-z0-9_-]{20,}`)

// partyLinks are the newest online-mediation links texted for a case, by party.
func partyLinks(t *testing.T, e *env, caseID int64) map[string]string {
	t.Helper()
	return map[string]string{"consumer": outboxLink(t, e, caseID, partyLinkRe, "consumer"), "merchant": outboxLink(t, e, caseID, partyLinkRe, "merchant")}
}

// onlineCase is a case under mediation by mediator01 with both parties invited online.
func onlineCase(t *testing.T, e *env) (*client, int64, map[string]string) {
	t.Helper()
	m, id := mediatingCase(t, e)
	if r := m.form("POST", "/cases/"+itoa(id)+"/talk/invite", url.Values{}); r.StatusCode != 303 {
		t.Fatalf("invite: %d %s", r.StatusCode, r.body)
	}
	l := partyLinks(t, e, id)
	if l["consumer"] == "" || l["merchant"] == "" {
		t.Fatalf("links: %v", l)
	}
	return m, id, l
}

func post(c *client, path string, v url.Values) resp {
	req, _ := http.NewRequest("POST", c.env.ts.URL+path, strings.NewReader(v.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Accept", "application/json")
	return c.do(req)
}

func messages(t *testing.T, e *env, caseID int64, channels ...string) []store.Message {
	t.Helper()
	ms, err := e.db.ListMessages(context.Background(), store.MessageQuery{CaseID: caseID, Channels: channels})
	if err != nil {
		t.Fatal(err)
	}
	return ms
}

// Online mediation over real HTTP on both engines: links only for parties who
// consented online; joint and caucus channels each read only by whom they
// should; evidence checked by content; terms proposed, countered, accepted;
// records confirmed online and on paper; an expert joins only after both
// parties agree; a co-mediator gets in; the desk shows who waits for a reply.
func TestOnlineMediation(t *testing.T) {
	for _, eng := range storetest.Engines(t) {
		t.Run(eng.Name, func(t *testing.T) {
			e := newEnv(t, eng)
			ctx := context.Background()
			m, id, links := onlineCase(t, e)
			cid := itoa(id)
			anon := e.anon()
			consumer, merchant := links["consumer"], links["merchant"]

			// The party page opens on a phone link, shows the case, masks nothing it should not show.
			page := anon.get(consumer)
			if page.StatusCode != 200 || !strings.Contains(page.body, "我的消费纠纷调解") || !strings.Contains(page.body, "人民调解不收取任何费用") {
				t.Fatalf("party page: %d", page.StatusCode)
			}
			if r := anon.get("/p/" + strings.Repeat("x", 32)); r.StatusCode != 404 {
				t.Fatalf("made-up link: %d", r.StatusCode)
			}

			// Joint and caucus messages.
			if r := post(anon, consumer+"/messages", url.Values{"channel": {"joint"}, "body": {"商家拒绝退还预付卡余额"}}); r.StatusCode != 200 {
				t.Fatalf("consumer joint: %d %s", r.StatusCode, r.body)
			}
			if r := post(anon, consumer+"/messages", url.Values{"channel": {"consumer"}, "body": {"私下说，我能接受退八成"}}); r.StatusCode != 200 {
				t.Fatal(r.body)
			}
			if r := post(anon, merchant+"/messages", url.Values{"channel": {"consumer"}, "body": {"偷看"}}); r.StatusCode != 422 {
				t.Fatalf("merchant writing into the consumer's caucus: %d", r.StatusCode)
			}
			if r := post(anon, consumer+"/messages", url.Values{"channel": {"joint"}, "body": {"   "}}); r.StatusCode != 422 || !strings.Contains(r.body, "请输入消息内容") {
				t.Fatalf("empty message: %d %s", r.StatusCode, r.body)
			}
			if r := post(m, "/cases/"+cid+"/talk/messages", url.Values{"channel": {"merchant"}, "body": {"请考虑退还八成"}}); r.StatusCode != 200 {
				t.Fatal(r.body)
			}
			mp := anon.get(merchant)
			if strings.Contains(mp.body, "私下说") || !strings.Contains(mp.body, "请考虑退还八成") || !strings.Contains(mp.body, "商家拒绝退还") {
				t.Fatal("merchant's page shows the wrong channels")
			}
			cp := anon.get(consumer)
			if strings.Contains(cp.body, "请考虑退还八成") || !strings.Contains(cp.body, "私下说") {
				t.Fatal("consumer's page shows the wrong channels")
			}
			if strings.Contains(cp.body, "李雷") && !strings.Contains(cp.body, "李*") {
				t.Fatal("the consumer's full name is shown")
			}

			// Who else may read it: nobody but the case's mediators.
			if r := m.get("/cases/" + cid + "/talk"); r.StatusCode != 200 || !strings.Contains(r.body, "私下说") || !strings.Contains(r.body, "请考虑退还八成") {
				t.Fatalf("mediator page: %d", r.StatusCode)
			}
			for user, want := range map[string]int{"room_lead01": 403, "committee01": 403, "xh_mediator01": 404, "regulator01": 404, "expert01": 404} {
				if r := e.login(user).get("/cases/" + cid + "/talk"); r.StatusCode != want {
					t.Errorf("%s reading the conversation: %d, want %d", user, r.StatusCode, want)
				}
			}
			other := consentedCase(t, e)
			if r := anon.get(consumer + "/evidence/1"); r.StatusCode != 404 {
				t.Fatalf("evidence that does not exist: %d", r.StatusCode)
			}
			_ = other

			// The desk shows the consumer's caucus line waiting for an answer.
			if d := m.get("/desk"); !strings.Contains(d.body, `href="/cases/`+cid+`/talk"`) || !strings.Contains(d.body, "与消费者单独沟通") {
				t.Fatal("desk does not show the unanswered message")
			}

			// Evidence: checked by content, not name; caucus files stay in the caucus.
			before := len(messages(t, e, id, "joint", "consumer", "merchant"))
			fake := uploadFileJSON(anon, consumer+"/evidence", "发票.png", []byte("MZ\x90\x00 this is an exe"), map[string]string{"channel": "consumer"})
			if fake.StatusCode != 422 || !strings.Contains(fake.body, "按文件内容识别") {
				t.Fatalf("renamed program: %d %s", fake.StatusCode, fake.body)
			}
			if n := len(messages(t, e, id, "joint", "consumer", "merchant")); n != before {
				t.Fatal("a refused upload left a message")
			}
			img := pngBytes(t)
			if r := uploadFileJSON(anon, consumer+"/evidence", "付款截图.exe", img, map[string]string{"channel": "consumer", "note": "付款记录"}); r.StatusCode != 200 {
				t.Fatalf("png upload: %d %s", r.StatusCode, r.body)
			}
			es, _ := e.db.ListEvidence(ctx, id)
			if len(es) != 1 || es[0].ContentType != "image/png" || es[0].Name != "付款截图.png" {
				t.Fatalf("evidence: %+v", es)
			}
			eid := itoa(es[0].ID)
			if r := anon.get(consumer + "/evidence/" + eid); r.StatusCode != 200 || r.Header.Get("Content-Type") != "image/png" || r.body != string(img) {
				t.Fatalf("consumer reads own evidence: %d", r.StatusCode)
			}
			if r := anon.get(merchant + "/evidence/" + eid); r.StatusCode != 404 {
				t.Fatalf("merchant reads the consumer's caucus evidence: %d", r.StatusCode)
			}
			if r := m.get("/cases/" + cid + "/talk/evidence/" + eid); r.StatusCode != 200 {
				t.Fatalf("mediator reads evidence: %d", r.StatusCode)
			}
			pdf := []byte("%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")
			if r := uploadFileJSON(anon, merchant+"/evidence", "营业执照.pdf", pdf, map[string]string{"channel": "joint"}); r.StatusCode != 200 {
				t.Fatalf("pdf upload: %d %s", r.StatusCode, r.body)
			}
			if r := uploadFileJSON(anon, merchant+"/evidence", "x.pdf", pdf[:20], map[string]string{"channel": "joint"}); r.StatusCode != 422 {
				t.Fatalf("truncated pdf: %d", r.StatusCode)
			}
			es, _ = e.db.ListEvidence(ctx, id)
			if r := anon.get(consumer + "/evidence/" + itoa(es[1].ID)); r.StatusCode != 200 || !strings.HasPrefix(r.Header.Get("Content-Disposition"), "attachment") ||
				!strings.Contains(r.Header.Get("Content-Security-Policy"), "sandbox") {
				t.Fatalf("a PDF from a party is served for download in a sandbox: %d %q %q", r.StatusCode, r.Header.Get("Content-Disposition"), r.Header.Get("Content-Security-Policy"))
			}

			// Proposals: vague terms refused; a joint proposal countered, then one both accept.
			terms := func(amount, deadline string) url.Values {
				return url.Values{"channel": {"joint"}, "party_0": {"merchant"}, "content_0": {"退还预付卡余额"}, "amount_0": {amount},
					"manner_0": {"银行转账"}, "deadline_0": {deadline}, "note": {"按八成退还"}}
			}
			due := time.Now().AddDate(0, 0, 10).Format("2006-01-02")
			if r := post(m, "/cases/"+cid+"/talk/proposals", terms("", due)); r.StatusCode != 422 || !strings.Contains(r.body, "金额") {
				t.Fatalf("proposal without an amount: %d %s", r.StatusCode, r.body)
			}
			if ps, _ := e.db.ListProposals(ctx, id); len(ps) != 0 {
				t.Fatal("a refused proposal was stored")
			}
			if r := post(anon, consumer+"/messages", url.Values{"channel": {"joint"}, "body": {"x"}}); r.StatusCode != 200 {
				t.Fatal(r.body)
			}
			if r := post(m, "/cases/"+cid+"/talk/proposals", terms("1600", due)); r.StatusCode != 200 {
				t.Fatalf("proposal: %d %s", r.StatusCode, r.body)
			}
			ps, _ := e.db.ListProposals(ctx, id)
			p1 := itoa(ps[0].ID)
			if r := post(anon, consumer+"/proposals/"+p1, url.Values{"answer": {"maybe"}}); r.StatusCode != 422 {
				t.Fatalf("an answer that is neither: %d", r.StatusCode)
			}
			if p, _ := e.db.GetProposal(ctx, ps[0].ID); len(p.Answers) != 0 {
				t.Fatal("a refused answer was recorded")
			}
			if r := post(anon, consumer+"/proposals/"+p1, url.Values{"answer": {"accept"}}); r.StatusCode != 200 {
				t.Fatal(r.body)
			}
			if r := post(anon, consumer+"/proposals/"+p1, url.Values{"answer": {"accept"}}); r.StatusCode != 422 {
				t.Fatalf("answering twice: %d", r.StatusCode)
			}
			if r := post(anon, merchant+"/proposals/"+p1, url.Values{"answer": {"counter"}, "counter": {""}}); r.StatusCode != 422 {
				t.Fatalf("empty counter: %d", r.StatusCode)
			}
			if r := post(anon, merchant+"/proposals/"+p1, url.Values{"answer": {"counter"}, "counter": {"最多退1200元"}}); r.StatusCode != 200 {
				t.Fatal(r.body)
			}
			if p, _ := e.db.GetProposal(ctx, ps[0].ID); p.Status != "countered" {
				t.Fatalf("after a counter: %s", p.Status)
			}
			post(m, "/cases/"+cid+"/talk/proposals", terms("1400", due))
			ps, _ = e.db.ListProposals(ctx, id)
			p2 := itoa(ps[1].ID)
			post(anon, merchant+"/proposals/"+p2, url.Values{"answer": {"accept"}})
			post(anon, consumer+"/proposals/"+p2, url.Values{"answer": {"accept"}})
			if p, _ := e.db.GetProposal(ctx, ps[1].ID); p.Status != "accepted" {
				t.Fatalf("both accepted: %s", p.Status)
			}
			if r := m.get("/cases/" + cid + "/talk"); !strings.Contains(r.body, "已接受") || !strings.Contains(r.body, "最多退1200元") {
				t.Fatal("mediator page does not show the answers")
			}

			// A session record: the consumer confirms online, the merchant's signed paper is uploaded.
			at := time.Now().Add(time.Hour).In(time.FixedZone("CST", 8*3600)).Format("2006-01-02T15:04")
			m.form("POST", "/cases/"+cid+"/sessions", url.Values{"kind": {"online"}, "at": {at}})
			ss, _ := e.db.ListSessions(ctx, store.SessionQuery{CaseID: id})
			sid := itoa(ss[0].ID)
			if r := post(anon, consumer+"/records/"+sid, url.Values{}); r.StatusCode != 422 {
				t.Fatalf("confirming a record not yet written: %d", r.StatusCode)
			}
			m.form("POST", "/cases/"+cid+"/sessions/"+sid+"/record", url.Values{"held": {"1"}, "attendance": {"双方在线"}, "record": {"双方同意退还1400元"}})
			if r := anon.get(consumer); !strings.Contains(r.body, "双方同意退还1400元") || !strings.Contains(r.body, "confirm-record-"+sid) {
				t.Fatal("the record to confirm is not on the party's page")
			}
			if r := post(anon, consumer+"/records/"+sid, url.Values{}); r.StatusCode != 200 {
				t.Fatal(r.body)
			}
			if r := post(anon, consumer+"/records/"+sid, url.Values{}); r.StatusCode != 422 {
				t.Fatalf("confirm twice: %d", r.StatusCode)
			}
			if r := uploadFile(m, "/cases/"+cid+"/sessions/"+sid+"/confirmation", "file", "签字页.jpg", []byte("not an image"), map[string]string{"party": "merchant"}); r.StatusCode != 422 {
				t.Fatalf("paper scan that is no image: %d", r.StatusCode)
			}
			if r := uploadFile(m, "/cases/"+cid+"/sessions/"+sid+"/confirmation", "file", "签字页.png", img, map[string]string{"party": "merchant"}); r.StatusCode != 303 {
				t.Fatalf("paper scan: %d %s", r.StatusCode, r.body)
			}
			if rc, _ := e.db.ListRecordConfirmations(ctx, id); len(rc) != 2 || rc[1].Method != "paper" || rc[1].EvidenceID == 0 {
				t.Fatalf("confirmations: %+v", rc)
			}
			files, _ := e.db.ListEvidence(ctx, id)
			if r := uploadFile(m, "/cases/"+cid+"/sessions/"+sid+"/confirmation", "file", "再传一次.png", img, map[string]string{"party": "consumer"}); r.StatusCode != 422 {
				t.Fatalf("paper scan for a record already confirmed online: %d", r.StatusCode)
			}
			if again, _ := e.db.ListEvidence(ctx, id); len(again) != len(files) {
				t.Fatal("a refused paper scan was kept as evidence")
			}
			if cp := m.get("/cases/" + cid); !strings.Contains(cp.body, "消费者（投诉人）已确认（在线") || !strings.Contains(cp.body, "经营者（被投诉人）已确认（纸质签字") {
				t.Fatal("case page does not show who confirmed the record")
			}

			// An expert joins only after both parties agree, and then reads only the joint channel.
			expert := e.login("expert01")
			ex, _ := e.db.GetUserByUsername(ctx, "expert01")
			m.form("POST", "/cases/"+cid+"/consult", url.Values{"expert": {itoa(ex.ID)}, "question": {"预付卡余额如何计算？"}, "shared": {"健身卡剩余20次"}})
			ks, _ := e.db.ListConsultations(ctx, id)
			kid := itoa(ks[0].ID)
			m.form("POST", "/cases/"+cid+"/consultations/"+kid+"/join", url.Values{})
			if r := expert.get("/cases/" + cid + "/talk"); r.StatusCode != 404 {
				t.Fatalf("expert before consent: %d", r.StatusCode)
			}
			if r := post(anon, consumer+"/joins/"+kid, url.Values{}); r.StatusCode != 422 {
				t.Fatalf("a join answer without a choice: %d", r.StatusCode)
			}
			if k, _ := e.db.GetConsultation(ctx, ks[0].ID); k.JoinConsumer != "" {
				t.Fatalf("a missing answer was recorded as %q", k.JoinConsumer)
			}
			if r := post(anon, consumer+"/joins/"+kid, url.Values{"answer": {"agree"}}); r.StatusCode != 200 {
				t.Fatal(r.body)
			}
			if r := expert.get("/cases/" + cid + "/talk"); r.StatusCode != 404 {
				t.Fatalf("expert with one party's consent: %d", r.StatusCode)
			}
			if r := m.form("POST", "/cases/"+cid+"/consultations/"+kid+"/join/answer", url.Values{"party": {"merchant"}, "answer": {"agree"}}); r.StatusCode != 303 {
				t.Fatalf("merchant's phone answer: %d", r.StatusCode)
			}
			ep := expert.get("/cases/" + cid + "/talk")
			if ep.StatusCode != 200 || !strings.Contains(ep.body, "商家拒绝退还") || strings.Contains(ep.body, "私下说") {
				t.Fatalf("joined expert: %d", ep.StatusCode)
			}
			if r := post(expert, "/cases/"+cid+"/talk/messages", url.Values{"channel": {"consumer"}, "body": {"x"}}); r.StatusCode != 422 {
				t.Fatalf("expert in a caucus: %d", r.StatusCode)
			}

			// A co-mediator added by the presiding mediator gets in; taking them off shuts them out.
			lead := e.login("room_lead01")
			ld, _ := e.db.GetUserByUsername(ctx, "room_lead01")
			if r := m.form("POST", "/cases/"+cid+"/mediators", url.Values{"user": {itoa(ld.ID)}, "action": {"add"}}); r.StatusCode != 303 {
				t.Fatalf("add co-mediator: %d %s", r.StatusCode, r.body)
			}
			if r := lead.get("/cases/" + cid + "/talk"); r.StatusCode != 200 {
				t.Fatalf("co-mediator: %d", r.StatusCode)
			}
			if r := m.form("POST", "/cases/"+cid+"/mediators", url.Values{"user": {itoa(ld.ID)}, "action": {"add"}}); r.StatusCode != 422 {
				t.Fatalf("added twice: %d", r.StatusCode)
			}
			m.form("POST", "/cases/"+cid+"/mediators", url.Values{"user": {itoa(ld.ID)}, "action": {"remove"}})
			if r := lead.get("/cases/" + cid + "/talk"); r.StatusCode != 403 {
				t.Fatalf("removed co-mediator: %d", r.StatusCode)
			}

			// A new invitation replaces the old links.
			m.form("POST", "/cases/"+cid+"/talk/invite", url.Values{})
			if r := anon.get(consumer); r.StatusCode != 404 {
				t.Fatalf("replaced link: %d", r.StatusCode)
			}
		})
	}
}

// Without online consent no link is sent.
func TestInviteNeedsOnlineConsent(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *env) {
		m := e.login("mediator01")
		caseID := registerCase(t, m)
		id := itoa(caseID)
		m.json("POST", "/api/v1/cases/"+id+"/accept", nil, nil)
		m.form("POST", "/cases/"+id+"/consent/request", url.Values{"merchant_phone": {"13700003333"}})
		for _, party := range []string{"consumer", "merchant"} {
			m.form("POST", "/cases/"+id+"/consent", url.Values{"party": {party}, "mediation": {"agree"}, "online": {"refuse"}, "method": {"paper"}})
		}
		me, _ := e.db.GetUserByUsername(context.Background(), "mediator01")
		m.form("POST", "/cases/"+id+"/assign", url.Values{"mediator": {itoa(me.ID)}})
		if r := m.form("POST", "/cases/"+id+"/talk/invite", url.Values{}); r.StatusCode != 422 || !strings.Contains(r.body, "没有当事人同意在线调解") {
			t.Fatalf("invite without online consent: %d", r.StatusCode)
		}
		es, _ := e.texts(context.Background(), 50)
		for _, x := range es {
			if x.CaseID == caseID && partyLinkRe.MatchString(x.Body) {
				t.Fatalf("a link was sent: %s", x.Body)
			}
		}
	})
}

// The live stream delivers a message posted after it opened, and a
// reconnecting reader (Last-Event-ID) gets only what it missed.
func TestConversationStream(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *env) {
		m, id, links := onlineCase(t, e)
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		req, _ := http.NewRequestWithContext(ctx, "GET", e.ts.URL+links["merchant"]+"/events", nil)
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		if res.Header.Get("Content-Type") != "text/event-stream" {
			t.Fatalf("content type %q", res.Header.Get("Content-Type"))
		}
		got := make(chan map[string]any, 16)
		go func() {
			sc := bufio.NewScanner(res.Body)
			for sc.Scan() {
				if data, ok := strings.CutPrefix(sc.Text(), "data: "); ok {
					var it map[string]any
					json.Unmarshal([]byte(data), &it)
					got <- it
				}
			}
		}()
		next := func() map[string]any {
			select {
			case it := <-got:
				return it
			case <-time.After(10 * time.Second):
				t.Fatal("no event")
			}
			return nil
		}
		if first := next(); !strings.Contains(first["body"].(string), "已开启在线调解") {
			t.Fatalf("history first: %v", first)
		}
		if mt := e.scrape(); !strings.Contains(mt.body, "tiaojie_live_streams 1") || strings.Contains(mt.body, `route="GET /p/{token}/events"`) {
			t.Fatal("metrics: the open stream is not counted, or a stream is timed as a request")
		}
		post(m, "/cases/"+itoa(id)+"/talk/messages", url.Values{"channel": {"consumer"}, "body": {"只给消费者"}})
		post(m, "/cases/"+itoa(id)+"/talk/messages", url.Values{"channel": {"merchant"}, "body": {"请商家核实"}})
		if it := next(); it["body"] != "请商家核实" || it["label"] != "仅调解员可见" || it["mine"] != false {
			t.Fatalf("live message: %v (the consumer's caucus must not reach the merchant)", it)
		}
		// Reconnect after the second message: only later ones come.
		ms := messages(t, e, id, "joint", "merchant")
		req2, _ := http.NewRequest("GET", e.ts.URL+links["merchant"]+"/events", nil)
		req2.Header.Set("Last-Event-ID", itoa(ms[len(ms)-1].ID))
		ctx2, cancel2 := context.WithTimeout(context.Background(), 20*time.Second)
		defer cancel2()
		res2, err := http.DefaultClient.Do(req2.WithContext(ctx2))
		if err != nil {
			t.Fatal(err)
		}
		defer res2.Body.Close()
		post(m, "/cases/"+itoa(id)+"/talk/messages", url.Values{"channel": {"joint"}, "body": {"大家好"}})
		sc := bufio.NewScanner(res2.Body)
		for sc.Scan() {
			if data, ok := strings.CutPrefix(sc.Text(), "data: "); ok {
				if !strings.Contains(data, "大家好") {
					t.Fatalf("replayed an old message after Last-Event-ID: %s", data)
				}
				break
			}
		}
		// A new invitation replaces the link: the open stream of the old one ends
		// and carries nothing more.
		m.form("POST", "/cases/"+itoa(id)+"/talk/invite", url.Values{})
		post(m, "/cases/"+itoa(id)+"/talk/messages", url.Values{"channel": {"merchant"}, "body": {"换链接之后的话"}})
		for sc.Scan() {
			if strings.Contains(sc.Text(), "换链接之后的话") {
				t.Fatal("a replaced link's stream still receives messages")
			}
		}
		if ctx2.Err() != nil {
			t.Fatal("the replaced link's stream was not ended by the server")
		}
	})
}

func uploadFileJSON(c *client, path, name string, data []byte, fields map[string]string) resp {
	return uploadFileAccept(c, path, "file", name, data, fields, "application/json")
}

// Parties not watching the page are texted: about messages at most once an
// hour, about proposed terms every time; a party link cannot flood the case.
func TestPartyNoticesAndFlood(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		m, id, links := onlineCase(t, e)
		cid := itoa(id)
		news := func() map[string]int {
			es, _ := e.texts(ctx, 200)
			n := map[string]int{}
			for _, x := range es {
				if x.CaseID == id && x.Kind == "online_mediation_news" {
					party := "consumer"
					if strings.HasSuffix(x.ToMask, "3333") {
						party = "merchant"
					}
					n[party]++
					if !strings.Contains(x.Body, links[party]) {
						t.Errorf("notice without the party's own link: %s", x.Body)
					}
				}
			}
			return n
		}
		post(m, "/cases/"+cid+"/talk/messages", url.Values{"channel": {"merchant"}, "body": {"请核实合同"}})
		post(m, "/cases/"+cid+"/talk/messages", url.Values{"channel": {"merchant"}, "body": {"还有发票"}})
		if n := news(); n["merchant"] != 1 || n["consumer"] != 0 {
			t.Fatalf("after two caucus messages: %v", n)
		}
		post(e.anon(), links["consumer"]+"/messages", url.Values{"channel": {"joint"}, "body": {"好的"}})
		if n := news(); n["consumer"] != 0 {
			t.Fatalf("a party's own message texted them: %v", n)
		}
		due := time.Now().AddDate(0, 0, 5).Format("2006-01-02")
		post(m, "/cases/"+cid+"/talk/proposals", url.Values{"channel": {"joint"}, "party_0": {"merchant"}, "content_0": {"退款"}, "amount_0": {"100"},
			"manner_0": {"转账"}, "deadline_0": {due}})
		if n := news(); n["merchant"] != 2 || n["consumer"] != 1 {
			t.Fatalf("after a proposal: %v", n)
		}

		party := e.anon()
		for i := 0; i < 40; i++ {
			r := post(party, links["merchant"]+"/messages", url.Values{"channel": {"merchant"}, "body": {"第" + itoa(int64(i)) + "条"}})
			if r.StatusCode == 422 {
				if !strings.Contains(r.body, "发送过于频繁") || i < 29 {
					t.Fatalf("refused at %d: %s", i, r.body)
				}
				return
			}
		}
		t.Fatal("40 messages in a row were all taken")
	})
}

// NUL characters (which PostgreSQL cannot store) are refused with a 400 on
// both engines, from forms, query strings and JSON alike, and change nothing.
func TestNULRefused(t *testing.T) {
	for _, eng := range storetest.Engines(t) {
		t.Run(eng.Name, func(t *testing.T) {
			e := newEnv(t, eng)
			m, id, links := onlineCase(t, e)
			before := len(messages(t, e, id, "joint", "consumer", "merchant"))
			if r := post(e.anon(), links["consumer"]+"/messages", url.Values{"channel": {"joint"}, "body": {"退\x00款"}}); r.StatusCode != 400 {
				t.Fatalf("form with NUL: %d %s", r.StatusCode, r.body)
			}
			if r := m.get("/cases?q=" + url.QueryEscape("a\x00")); r.StatusCode != 400 {
				t.Fatalf("query with NUL: %d", r.StatusCode)
			}
			if r := m.get("/cases?q=%FF%FE"); r.StatusCode != 400 {
				t.Fatalf("query that is not UTF-8: %d", r.StatusCode)
			}
			if r := uploadFileJSON(e.anon(), links["consumer"]+"/evidence", "a.png", pngBytes(t), map[string]string{"channel": "joint", "note": "\xff\xfe"}); r.StatusCode != 422 {
				t.Fatalf("multipart field that is not UTF-8: %d %s", r.StatusCode, r.body)
			}
			c := validComplaint("")
			c["description"] = "商家\u0000拒绝退款，已多次协商未果。"
			n := countCases(t, e)
			if r := m.json("POST", "/api/v1/complaints", c, nil); r.StatusCode != 400 || !strings.Contains(r.body, "无法识别的字符") {
				t.Fatalf("JSON with NUL: %d %s", r.StatusCode, r.body)
			}
			if es, _ := e.db.ListEvidence(context.Background(), id); len(es) != 0 {
				t.Fatal("a refused upload was kept")
			}
			if countCases(t, e) != n || len(messages(t, e, id, "joint", "consumer", "merchant")) != before {
				t.Fatal("a refused request changed something")
			}
		})
	}
}

// A terminated case: each party's page gives the termination notice
// addressed to them, and the conversation takes no more messages.
func TestPartyGetsTerminationNotice(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *env) {
		m, id, links := onlineCase(t, e)
		anon := e.anon()
		if r := anon.get(links["merchant"] + "/termination.pdf"); r.StatusCode != 404 {
			t.Fatalf("a notice before termination: %d", r.StatusCode)
		}
		if r := m.form("POST", "/cases/"+itoa(id)+"/terminate", url.Values{"reason": {"no_agreement"}, "note": {"双方分歧较大"}}); r.StatusCode != 303 {
			t.Fatalf("terminate: %d %s", r.StatusCode, r.body)
		}
		page := anon.get(links["merchant"])
		if !strings.Contains(page.body, `id="notice-link"`) || !strings.Contains(page.body, "申请仲裁") {
			t.Fatal("the merchant's page does not offer the notice")
		}
		r := anon.get(links["merchant"] + "/termination.pdf")
		if r.StatusCode != 200 || r.Header.Get("Content-Type") != "application/pdf" {
			t.Fatalf("notice: %d", r.StatusCode)
		}
		text := pdfText(t, []byte(r.body))
		if !strings.Contains(text, "终止调解告知书") || !strings.Contains(text, "上海某某健身有限公司") {
			t.Errorf("the merchant's notice: %q", text)
		}
		if r := post(anon, links["consumer"]+"/messages", url.Values{"channel": {"joint"}, "body": {"还能谈吗"}}); r.StatusCode != 409 {
			t.Fatalf("message after termination: %d", r.StatusCode)
		}
	})
}

// A mediator's open stream ends when they sign out.
func TestStaffStreamEndsAtSignOut(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *env) {
		m, id, links := onlineCase(t, e)
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		defer cancel()
		req, _ := http.NewRequestWithContext(ctx, "GET", e.ts.URL+"/cases/"+itoa(id)+"/talk/events", nil)
		res, err := m.http.Do(req)
		if err != nil || res.StatusCode != 200 {
			t.Fatalf("stream: %v", err)
		}
		defer res.Body.Close()
		sc := bufio.NewScanner(res.Body)
		for sc.Scan() && !strings.HasPrefix(sc.Text(), "data: ") {
		}
		if r := m.form("POST", "/logout", url.Values{}); r.StatusCode != 303 {
			t.Fatalf("sign out: %d", r.StatusCode)
		}
		post(e.anon(), links["consumer"]+"/messages", url.Values{"channel": {"consumer"}, "body": {"签退之后的话"}})
		for sc.Scan() {
			if strings.Contains(sc.Text(), "签退之后的话") {
				t.Fatal("a signed-out mediator's stream still receives messages")
			}
		}
		if ctx.Err() != nil {
			t.Fatal("the stream was not ended by the server")
		}
	})
}
