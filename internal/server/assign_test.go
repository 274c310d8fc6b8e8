package server_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"image"
	"image/color"
	"image/png"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/tiaojie/tiaojie/internal/notify"
	"github.com/tiaojie/tiaojie/internal/store"
	"github.com/tiaojie/tiaojie/internal/store/storetest"
)

// consentedCase registers, accepts and gets both consents for a case in mediator01's room.
func consentedCase(t *testing.T, e *env) int64 {
	t.Helper()
	m := e.login("mediator01")
	c := caseOut{ID: registerCase(t, m)}
	m.json("POST", "/api/v1/cases/"+itoa(c.ID)+"/accept", nil, nil)
	if r := m.form("POST", "/cases/"+itoa(c.ID)+"/consent/request", url.Values{"merchant_phone": {"13700003333"}}); r.StatusCode != 303 {
		t.Fatalf("request consent: %d", r.StatusCode)
	}
	for _, party := range []string{"consumer", "merchant"} {
		if r := m.form("POST", "/cases/"+itoa(c.ID)+"/consent", url.Values{"party": {party}, "mediation": {"agree"}, "online": {"agree"}, "method": {"paper"}}); r.StatusCode != 303 {
			t.Fatalf("consent %s: %d", party, r.StatusCode)
		}
	}
	return c.ID
}

// mediatingCase is a consented case that mediator01 presides over and has started mediating.
func mediatingCase(t *testing.T, e *env) (*client, int64) {
	t.Helper()
	m := e.login("mediator01")
	id := consentedCase(t, e)
	me, _ := e.db.GetUserByUsername(context.Background(), "mediator01")
	if r := m.form("POST", "/cases/"+itoa(id)+"/assign", url.Values{"mediator": {itoa(me.ID)}}); r.StatusCode != 303 {
		t.Fatalf("assign: %d", r.StatusCode)
	}
	if r := m.form("POST", "/cases/"+itoa(id)+"/start", url.Values{}); r.StatusCode != 303 {
		t.Fatalf("start: %d", r.StatusCode)
	}
	return m, id
}

func TestAssignment(t *testing.T) {
	for _, eng := range storetest.Engines(t) {
		t.Run(eng.Name, func(t *testing.T) {
			e := newEnv(t, eng)
			ctx := context.Background()
			lead := e.login("room_lead01")
			m := e.login("mediator01")
			// Before both parties agree nobody can be assigned.
			r := m.json("POST", "/api/v1/complaints", validComplaint(""), nil)
			var early caseOut
			json_(r.body, &early)
			m.json("POST", "/api/v1/cases/"+itoa(early.ID)+"/accept", nil, nil)
			m.form("POST", "/cases/"+itoa(early.ID)+"/consent/request", url.Values{"merchant_phone": {"13700004444"}})
			if r := lead.form("POST", "/cases/"+itoa(early.ID)+"/assign", url.Values{"mediator": {"0"}}); r.StatusCode != 409 || !strings.Contains(r.body, "同意") {
				t.Fatalf("assign without consent: %d", r.StatusCode)
			}
			id := consentedCase(t, e)
			page := lead.get("/cases/" + itoa(id))
			if !strings.Contains(page.body, `id="assign"`) {
				t.Fatal("no assignment form for the room lead")
			}
			// A mediator cannot assign someone else; two claims on one version: one wins.
			me, _ := e.db.GetUserByUsername(ctx, "mediator01")
			ld, _ := e.db.GetUserByUsername(ctx, "room_lead01")
			c, _ := e.db.GetCase(ctx, id)
			if r := m.form("POST", "/cases/"+itoa(id)+"/assign", url.Values{"mediator": {itoa(ld.ID)}, "version": {itoa(c.Version)}}); r.StatusCode != 422 {
				t.Fatalf("mediator assigns the lead: %d", r.StatusCode)
			}
			if r := m.form("POST", "/cases/"+itoa(id)+"/assign", url.Values{"mediator": {itoa(me.ID)}, "version": {itoa(c.Version)}}); r.StatusCode != 303 {
				t.Fatalf("claim: %d %s", r.StatusCode, r.body)
			}
			if r := lead.form("POST", "/cases/"+itoa(id)+"/assign", url.Values{"mediator": {itoa(ld.ID)}, "version": {itoa(c.Version)}}); r.StatusCode < 400 {
				t.Fatalf("second claim on the same version: %d", r.StatusCode)
			}
			got, _ := e.db.GetCase(ctx, id)
			if got.Status != "assigned" || got.PresidingID != me.ID {
				t.Fatalf("after claim: %s presiding %d", got.Status, got.PresidingID)
			}
			if r := m.form("POST", "/cases/"+itoa(id)+"/start", url.Values{}); r.StatusCode != 303 {
				t.Fatalf("start: %d", r.StatusCode)
			}
			if got, _ := e.db.GetCase(ctx, id); got.Status != "mediating" {
				t.Fatalf("after start: %s", got.Status)
			}
			// The lead puts mediator01 on leave today: automatic assignment picks someone on duty.
			room, _ := e.db.GetOrgUnitByCode(ctx, "pd-room-01")
			if p := lead.get("/room"); p.StatusCode != 200 || !strings.Contains(p.body, "值班情况") {
				t.Fatalf("room page: %d", p.StatusCode)
			}
			date := dateToday()
			if r := lead.form("POST", "/room/leave", url.Values{"room": {itoa(room.ID)}, "user": {itoa(me.ID)}, "date": {date}, "leave": {"1"}}); r.StatusCode != 303 {
				t.Fatalf("leave: %d", r.StatusCode)
			}
			id2 := consentedCase(t, e)
			if r := lead.form("POST", "/cases/"+itoa(id2)+"/assign", url.Values{"mediator": {"0"}}); r.StatusCode != 303 {
				t.Fatalf("auto assign: %d %s", r.StatusCode, r.body)
			}
			if got, _ := e.db.GetCase(ctx, id2); got.PresidingID == me.ID || got.PresidingID == 0 {
				t.Fatalf("auto assignment chose %d (mediator01 is on leave)", got.PresidingID)
			}
			// Capacity 1 and everyone busy: the case waits and the lead is told.
			if r := lead.form("POST", "/room/settings", url.Values{"room": {itoa(room.ID)}, "capacity": {"1"}, "chooser": {"least_loaded"}}); r.StatusCode != 303 {
				t.Fatalf("settings: %d", r.StatusCode)
			}
			id3 := consentedCase(t, e)
			if r := lead.form("POST", "/cases/"+itoa(id3)+"/assign", url.Values{"mediator": {"0"}}); r.StatusCode != 422 || !strings.Contains(r.body, "暂无可指派") {
				t.Fatalf("nobody free: %d", r.StatusCode)
			}
			evs, _ := e.db.ListEvents(ctx, id3)
			if evs[len(evs)-1].Type != "assignment_waiting" {
				t.Fatalf("lead not warned: %+v", evs[len(evs)-1])
			}
			if r := e.login("xh_committee01").form("POST", "/room/settings", url.Values{"room": {itoa(room.ID)}, "capacity": {"9"}, "chooser": {"round_robin"}}); r.StatusCode != 404 {
				t.Fatalf("other district changes room settings: %d", r.StatusCode)
			}
		})
	}
}

func TestDeskShowsWhatIsDue(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *env) {
		m := e.login("mediator01")
		id := consentedCase(t, e)
		me, _ := e.db.GetUserByUsername(context.Background(), "mediator01")
		m.form("POST", "/cases/"+itoa(id)+"/assign", url.Values{"mediator": {itoa(me.ID)}})
		c, _ := e.db.GetCase(context.Background(), id)
		page := m.get("/desk")
		if page.StatusCode != 200 || !strings.Contains(page.body, c.Number) || !strings.Contains(page.body, "新指派，待开始调解") || !strings.Contains(page.body, "剩") {
			t.Fatalf("desk: %d", page.StatusCode)
		}
		if r := e.login("xh_mediator01").get("/desk"); strings.Contains(r.body, c.Number) {
			t.Fatal("another district's desk shows the case")
		}
	})
}

func TestSuspendResumeRecusal(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		m := e.login("mediator01")
		lead := e.login("room_lead01")
		id := consentedCase(t, e)
		me, _ := e.db.GetUserByUsername(ctx, "mediator01")
		ld, _ := e.db.GetUserByUsername(ctx, "room_lead01")
		m.form("POST", "/cases/"+itoa(id)+"/assign", url.Values{"mediator": {itoa(me.ID)}})
		m.form("POST", "/cases/"+itoa(id)+"/start", url.Values{})
		if r := m.form("POST", "/cases/"+itoa(id)+"/suspend", url.Values{"reason": {"bogus"}}); r.StatusCode != 409 {
			t.Fatalf("suspend without a valid reason: %d", r.StatusCode)
		}
		if r := m.form("POST", "/cases/"+itoa(id)+"/suspend", url.Values{"reason": {"appraisal"}, "note": {"送检测机构鉴定"}}); r.StatusCode != 303 {
			t.Fatalf("suspend: %d %s", r.StatusCode, r.body)
		}
		api := m.json("GET", "/api/v1/cases/"+itoa(id), nil, nil)
		if !strings.Contains(api.body, `"status":"suspended"`) || !strings.Contains(api.body, `"paused":true`) {
			t.Fatalf("suspended case clocks: %s", api.body)
		}
		if r := m.form("POST", "/cases/"+itoa(id)+"/resume", url.Values{}); r.StatusCode != 303 {
			t.Fatalf("resume: %d", r.StatusCode)
		}
		if c, _ := e.db.GetCase(ctx, id); c.Status != "mediating" {
			t.Fatalf("resumed to %s", c.Status)
		}
		// A party asks the mediator to step aside: the case waits for the lead.
		if r := m.form("POST", "/cases/"+itoa(id)+"/recusal", url.Values{"by": {"merchant"}, "note": {"调解员与消费者系亲属"}}); r.StatusCode != 303 {
			t.Fatalf("recusal: %d", r.StatusCode)
		}
		if r := m.form("POST", "/cases/"+itoa(id)+"/resume", url.Values{}); r.StatusCode != 422 {
			t.Fatalf("resume around a pending recusal: %d", r.StatusCode)
		}
		if r := m.form("POST", "/cases/"+itoa(id)+"/recusal/decision", url.Values{"grant": {"1"}, "replacement": {itoa(ld.ID)}}); r.StatusCode != 403 {
			t.Fatalf("mediator decides own recusal: %d", r.StatusCode)
		}
		if r := lead.form("POST", "/cases/"+itoa(id)+"/recusal/decision", url.Values{"grant": {"1"}, "replacement": {itoa(me.ID)}}); r.StatusCode != 422 {
			t.Fatalf("replacement by the same mediator: %d", r.StatusCode)
		}
		if r := lead.form("POST", "/cases/"+itoa(id)+"/recusal/decision", url.Values{"grant": {"1"}, "replacement": {itoa(ld.ID)}}); r.StatusCode != 303 {
			t.Fatalf("grant: %d %s", r.StatusCode, r.body)
		}
		c, _ := e.db.GetCase(ctx, id)
		if c.Status != "mediating" || c.PresidingID != ld.ID {
			t.Fatalf("after recusal: %s presiding %d", c.Status, c.PresidingID)
		}
	})
}

func TestTerminationAndNotice(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		m := e.login("mediator01")
		id := consentedCase(t, e)
		if r := m.form("POST", "/cases/"+itoa(id)+"/terminate", url.Values{"reason": {"nonsense"}}); r.StatusCode != 409 {
			t.Fatalf("terminate without a reason: %d", r.StatusCode)
		}
		if r := m.form("POST", "/cases/"+itoa(id)+"/terminate", url.Values{"reason": {"no_agreement"}, "note": {"双方对退款金额分歧较大"}}); r.StatusCode != 303 {
			t.Fatalf("terminate: %d %s", r.StatusCode, r.body)
		}
		clock := func() (bool, bool) {
			var c caseOut
			json_(m.json("GET", "/api/v1/cases/"+itoa(id), nil, nil).body, &c)
			for _, d := range c.Deadlines {
				if d.Kind == "termination_notice" {
					return true, d.Running
				}
			}
			return false, false
		}
		if found, running := clock(); !found || !running {
			t.Fatal("termination-notice clock should run after termination")
		}
		pdf := m.get("/cases/" + itoa(id) + "/termination.pdf?party=merchant")
		if pdf.StatusCode != 200 {
			t.Fatalf("pdf: %d", pdf.StatusCode)
		}
		text := pdfText(t, []byte(pdf.body))
		c, _ := e.db.GetCase(ctx, id)
		for _, want := range []string{"终止调解告知书", c.Number, c.MerchantName, "未能达成协议", "仲裁", "诉讼"} {
			if !strings.Contains(text, want) {
				t.Errorf("termination notice lacks %q", want)
			}
		}
		if r := m.form("POST", "/cases/"+itoa(id)+"/termination/sent", url.Values{"method": {"pigeon"}}); r.StatusCode != 422 {
			t.Fatalf("unknown delivery: %d", r.StatusCode)
		}
		if r := m.form("POST", "/cases/"+itoa(id)+"/termination/sent", url.Values{"method": {"mail"}}); r.StatusCode != 303 {
			t.Fatalf("notice sent: %d %s", r.StatusCode, r.body)
		}
		if found, running := clock(); !found || running {
			t.Fatal("termination-notice clock still running after delivery")
		}
		if r := e.login("xh_mediator01").get("/cases/" + itoa(id) + "/termination.pdf"); r.StatusCode != 404 {
			t.Fatalf("other district reads the notice: %d", r.StatusCode)
		}
		// Withdrawal of another case.
		id2 := consentedCase(t, e)
		if r := m.form("POST", "/cases/"+itoa(id2)+"/withdraw", url.Values{"note": {"已与商家自行和解"}}); r.StatusCode != 303 {
			t.Fatalf("withdraw: %d", r.StatusCode)
		}
		if c, _ := e.db.GetCase(ctx, id2); c.Status != "withdrawn" {
			t.Fatalf("after withdrawal: %s", c.Status)
		}
	})
}

// The expert sees only what was shared and answers; an expert not consulted,
// and a mediator of another district, are refused.
func TestExpertConsultation(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		m := e.login("mediator01")
		r := m.json("POST", "/api/v1/complaints", validComplaint(""), nil)
		var c caseOut
		json_(r.body, &c)
		ex, _ := e.db.GetUserByUsername(ctx, "expert01")
		if r := m.form("POST", "/cases/"+itoa(c.ID)+"/consult", url.Values{"expert": {itoa(ex.ID)}, "question": {""}}); r.StatusCode != 422 {
			t.Fatalf("no question: %d", r.StatusCode)
		}
		if r := m.form("POST", "/cases/"+itoa(c.ID)+"/consult", url.Values{"expert": {itoa(ex.ID)}, "question": {"预付卡闭店后剩余课时费如何计算？"}, "shared": {"年卡3000元，已使用4个月"}}); r.StatusCode != 303 {
			t.Fatalf("ask: %d %s", r.StatusCode, r.body)
		}
		expert := e.login("expert01")
		inbox := expert.get("/consultations")
		if !strings.Contains(inbox.body, "年卡3000元") || strings.Contains(inbox.body, "李雷") || strings.Contains(inbox.body, "139") {
			t.Fatal("expert inbox: missing the shared facts or showing the parties")
		}
		if r := expert.get("/cases/" + itoa(c.ID)); r.StatusCode != 403 {
			t.Fatalf("expert opens the case file: %d", r.StatusCode)
		}
		ks, _ := e.db.ListConsultations(ctx, c.ID)
		if r := e.login("mediator01").form("POST", "/consultations/"+itoa(ks[0].ID)+"/answer", url.Values{"answer": {"x"}}); r.StatusCode != 403 {
			t.Fatalf("mediator answers as expert: %d", r.StatusCode)
		}
		card := `id="k` + itoa(ks[0].ID) + `"`
		if !strings.Contains(inbox.body, card) {
			t.Fatal("the open consultation is not in the expert's queue")
		}
		if r := expert.form("POST", "/consultations/"+itoa(ks[0].ID)+"/answer", url.Values{"answer": {"按已使用月份比例扣除，剩余部分应予退还。"}}); r.StatusCode != 303 ||
			r.Header.Get("Location") != "/consultations?state=answered#k"+itoa(ks[0].ID) {
			t.Fatalf("answer: %d, back to %q", r.StatusCode, r.Header.Get("Location"))
		}
		// Answered, it leaves the queue (待答复, the default) for 已答复; a bad
		// filter is refused.
		if r := expert.get("/consultations"); r.StatusCode != 200 || strings.Contains(r.body, card) {
			t.Errorf("an answered consultation is still in the queue: %d", r.StatusCode)
		}
		if r := expert.get("/consultations?state=answered"); r.StatusCode != 200 || !strings.Contains(r.body, card) || !strings.Contains(r.body, "按已使用月份比例扣除") {
			t.Errorf("the answered consultation is not among the answered: %d", r.StatusCode)
		}
		want(t, "inbox, bad state", expert.get("/consultations?state=all"), 400, "state 只能是")
		want(t, "inbox, bad cursor", expert.get("/consultations?after=%21"), 400, "分页参数无效")
		if page := m.get("/cases/" + itoa(c.ID)); !strings.Contains(page.body, "按已使用月份比例扣除") {
			t.Fatal("answer not on the case page")
		}
		// Another expert (not consulted) cannot read or answer it.
		h, _ := authHash(password)
		other := store.User{Username: "expert02", DisplayName: "王专家", PasswordHash: h, Active: true}
		e.db.CreateUser(ctx, &other)
		cmt, _ := e.db.GetOrgUnitByCode(ctx, "pd-cmt")
		e.db.AddBinding(ctx, store.Binding{UserID: other.ID, Role: "expert", OrgID: cmt.ID})
		for _, answered := range []bool{false, true} {
			if ks2, _ := e.db.ListExpertConsultations(ctx, store.ConsultationQuery{ExpertID: other.ID, Answered: answered, Paging: store.Paging{Limit: 50}}); len(ks2.Items) != 0 {
				t.Fatal("unconsulted expert has consultations")
			}
		}
		if r := e.login("expert02").form("POST", "/consultations/"+itoa(ks[0].ID)+"/answer", url.Values{"answer": {"冒名答复"}}); r.StatusCode != 404 {
			t.Fatalf("unconsulted expert answers: %d", r.StatusCode)
		}
		if r := m.form("POST", "/cases/"+itoa(c.ID)+"/consult", url.Values{"expert": {"999999"}, "question": {"x"}}); r.StatusCode != 422 {
			t.Fatalf("expert outside the pool: %d", r.StatusCode)
		}
	})
}

func TestSessionsAndRecords(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		m := e.login("mediator01")
		id := consentedCase(t, e)
		me, _ := e.db.GetUserByUsername(ctx, "mediator01")
		if r := m.form("POST", "/cases/"+itoa(id)+"/sessions", url.Values{"kind": {"room"}, "at": {"2099-01-05T14:00"}, "place": {"陆家嘴调解室"}}); r.StatusCode != 422 {
			t.Fatalf("session before assignment: %d", r.StatusCode)
		}
		m.form("POST", "/cases/"+itoa(id)+"/assign", url.Values{"mediator": {itoa(me.ID)}})
		if r := m.form("POST", "/cases/"+itoa(id)+"/sessions", url.Values{"kind": {"room"}, "at": {"2099-01-05T14:00"}, "place": {""}}); r.StatusCode != 422 {
			t.Fatalf("room session without a place: %d", r.StatusCode)
		}
		before, _ := e.texts(ctx, 100)
		if r := m.form("POST", "/cases/"+itoa(id)+"/sessions", url.Values{"kind": {"room"}, "at": {"2099-01-05T14:00"}, "place": {"陆家嘴调解室"}}); r.StatusCode != 303 {
			t.Fatalf("schedule: %d %s", r.StatusCode, r.body)
		}
		after, _ := e.texts(ctx, 100)
		if n := newSince(before, after); n != 2 || !strings.Contains(lastPartySMS(t, e)[0].Body, "陆家嘴调解室") {
			t.Fatalf("parties not told: %d new messages", n)
		}
		ss, _ := e.db.ListSessions(ctx, store.SessionQuery{CaseID: id})
		if len(ss) != 1 {
			t.Fatalf("sessions: %d", len(ss))
		}
		if r := m.form("POST", "/cases/"+itoa(id)+"/sessions/"+itoa(ss[0].ID)+"/record", url.Values{"held": {"1"}, "attendance": {"双方到场"}, "record": {""}}); r.StatusCode != 422 {
			t.Fatalf("empty record: %d", r.StatusCode)
		}
		if r := m.form("POST", "/cases/"+itoa(id)+"/sessions/"+itoa(ss[0].ID)+"/record", url.Values{"held": {"1"}, "attendance": {"双方到场"}, "record": {"经调解，双方同意按已使用月份比例退款。"}}); r.StatusCode != 303 {
			t.Fatalf("record: %d %s", r.StatusCode, r.body)
		}
		if page := m.get("/cases/" + itoa(id)); !strings.Contains(page.body, "按已使用月份比例退款") {
			t.Fatal("record not on the case page")
		}
		if r := e.login("xh_mediator01").form("POST", "/cases/"+itoa(id)+"/sessions", url.Values{"kind": {"phone"}, "at": {"2099-01-06T10:00"}}); r.StatusCode != 404 {
			t.Fatalf("other district schedules: %d", r.StatusCode)
		}
	})
}

// The whole road for an oral agreement: mediation → agreement → performance →
// follow-up → archive, with the case file checked before archiving.
func TestOralAgreementToArchive(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		m, id := mediatingCase(t, e)
		vague := url.Values{"facts": {"健身房闭店，双方就退款金额发生争议。"}, "responsibility": {"经营者承担退款责任"},
			"party_0": {"merchant"}, "content_0": {"适当补偿"}, "amount_0": {""}, "manner_0": {""}, "deadline_0": {""}}
		vague.Set("amount_0", "0")
		if r := m.form("POST", "/cases/"+itoa(id)+"/agreement/oral", vague); r.StatusCode != 422 || !strings.Contains(r.body, "具体金额") {
			t.Fatalf("vague agreement: %d", r.StatusCode)
		}
		deadline := time.Now().AddDate(0, 0, 10).Format("2006-01-02")
		good := url.Values{"facts": {"健身房闭店，双方就退款金额发生争议。"}, "responsibility": {"经营者承担退款责任"},
			"party_0": {"merchant"}, "content_0": {"退还预付卡余额"}, "amount_0": {"1,800"}, "manner_0": {"银行转账"}, "deadline_0": {deadline}}
		if r := m.form("POST", "/cases/"+itoa(id)+"/agreement/oral", good); r.StatusCode != 303 {
			t.Fatalf("oral agreement: %d %s", r.StatusCode, r.body)
		}
		if c, _ := e.db.GetCase(ctx, id); c.Status != "performing" {
			t.Fatalf("after oral agreement: %s", c.Status)
		}
		// Follow-up must wait for performance (the deadline has not passed).
		if r := m.form("POST", "/cases/"+itoa(id)+"/followup", url.Values{"satisfaction": {"5"}, "method": {"phone"}}); r.StatusCode != 422 {
			t.Fatalf("follow-up before performance: %d", r.StatusCode)
		}
		if r := m.form("POST", "/cases/"+itoa(id)+"/perform", url.Values{"term": {"0"}, "proof": {"转账流水号 20261127001"}}); r.StatusCode != 303 {
			t.Fatalf("perform: %d %s", r.StatusCode, r.body)
		}
		if r := m.form("POST", "/cases/"+itoa(id)+"/followup", url.Values{"satisfaction": {"5"}, "method": {"phone"}, "commendation": {"锦旗"}}); r.StatusCode != 303 {
			t.Fatalf("follow-up: %d %s", r.StatusCode, r.body)
		}
		// No mediation record was kept: the file is incomplete and says so.
		if r := m.form("POST", "/cases/"+itoa(id)+"/archive", url.Values{}); r.StatusCode != 422 || !strings.Contains(r.body, "调解笔录") {
			t.Fatalf("archive with a missing record: %d", r.StatusCode)
		}
		// Keep the record of the session held, then archive.
		sess := store.Session{CaseID: id, Kind: "room", StartsAt: time.Now().Add(time.Hour), Place: "调解室"}
		e.db.CreateSession(ctx, &sess)
		e.db.RecordSession(ctx, sess.ID, "held", "双方到场", "双方当场达成口头协议。")
		if r := m.form("POST", "/cases/"+itoa(id)+"/archive", url.Values{}); r.StatusCode != 303 {
			t.Fatalf("archive: %d %s", r.StatusCode, r.body)
		}
		pdf := m.json("GET", "/api/v1/cases/"+itoa(id)+"/archive.pdf", nil, nil)
		if pdf.StatusCode != 200 || pdf.Header.Get("X-Content-SHA256") == "" {
			t.Fatalf("archive pdf: %d", pdf.StatusCode)
		}
		text := pdfText(t, []byte(pdf.body))
		for _, want := range []string{"消费纠纷人民调解卷宗", "消调档字", "卷内目录", "调解协议书", "退还预付卡余额", "保管期限"} {
			if !strings.Contains(text, want) {
				t.Errorf("case file lacks %q", want)
			}
		}
		if r := e.login("xh_mediator01").json("GET", "/api/v1/cases/"+itoa(id)+"/archive.pdf", nil, nil); r.StatusCode != 404 {
			t.Fatalf("other district reads the file: %d", r.StatusCode)
		}
		if got, _ := e.db.GetCase(ctx, id); got.Status != "archived" {
			t.Fatalf("status %s", got.Status)
		}
	})
}

func pngBytes(t *testing.T) []byte {
	img := image.NewRGBA(image.Rect(0, 0, 60, 20))
	for x := 0; x < 60; x++ {
		img.Set(x, 10, color.Black)
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// A written agreement takes effect when both parties (on their phones, with
// an SMS code and a drawn signature), the mediator and the committee's seal
// have signed; the frozen PDF is verifiable by its SHA-256.
// effectiveWrittenAgreement takes a case to an effective written agreement
// the way people do it: both parties sign by SMS link, the mediator signs,
// the committee seals. Wrong steps on the way are refused.
func effectiveWrittenAgreement(t *testing.T, e *env) (*client, int64) {
	t.Helper()
	m, id := mediatingCase(t, e)
	deadline := time.Now().AddDate(0, 0, 10).Format("2006-01-02")
	form := url.Values{"kind": {"written"}, "facts": {"健身房闭店，双方就退款金额发生争议。"}, "responsibility": {"经营者承担退款责任"},
		"party_0": {"merchant"}, "content_0": {"退还预付卡余额"}, "amount_0": {"1800"}, "manner_0": {"银行转账"}, "deadline_0": {deadline}}
	if r := m.form("POST", "/cases/"+itoa(id)+"/agreement/oral", form); r.StatusCode != 303 {
		t.Fatalf("written agreement: %d %s", r.StatusCode, r.body)
	}
	signAndSeal(t, e, m, id)
	return m, id
}

// signAndSeal takes a recorded written agreement to effect: both parties
// sign through their SMS links (code and drawn signature), the mediator
// signs, the committee seals. Wrong steps on the way are refused.
func signAndSeal(t *testing.T, e *env, m *client, id int64) {
	t.Helper()
	ctx := context.Background()
	signLinks := regexp.MustCompile(`/sign/[A-Za-z0-9_-]+`)
	es, _ := e.texts(ctx, 20)
	var links []string
	for _, x := range es {
		if l := signLinks.FindString(x.Body); l != "" && x.CaseID == id {
			links = append(links, l)
		}
	}
	if len(links) != 2 {
		t.Fatalf("sign links: %q", links)
	}
	codeRe := regexp.MustCompile(`验证码为(\d{6})`)
	for _, l := range links {
		party := e.anon()
		if r := party.get(l); r.StatusCode != 200 || !strings.Contains(r.body, "人民调解协议书") {
			t.Fatalf("sign page: %d", r.StatusCode)
		}
		if r := party.form("POST", l, url.Values{"action": {"code"}}); r.StatusCode != 200 {
			t.Fatalf("code: %d", r.StatusCode)
		}
		es := lastPartySMS(t, e)
		code := codeRe.FindStringSubmatch(es[0].Body)[1]
		sig := "data:image/png;base64," + base64.StdEncoding.EncodeToString(pngBytes(t))
		if r := party.form("POST", l, url.Values{"code": {code}, "signature": {"data:image/png;base64,AAAA"}}); r.StatusCode != 422 {
			t.Fatalf("no drawn signature: %d", r.StatusCode)
		}
		if r := party.form("POST", l, url.Values{"code": {"000000"}, "signature": {sig}}); r.StatusCode != 422 && code != "000000" {
			t.Fatalf("wrong code: %d", r.StatusCode)
		}
		if r := party.form("POST", l, url.Values{"code": {code}, "signature": {sig}}); r.StatusCode != 303 {
			t.Fatalf("sign: %d %s", r.StatusCode, r.body)
		}
	}
	if c, _ := e.db.GetCase(ctx, id); c.Status != "agreed" {
		t.Fatalf("effective before the mediator and the seal: %s", c.Status)
	}
	if r := m.form("POST", "/cases/"+itoa(id)+"/agreement/seal", url.Values{}); r.StatusCode != 403 {
		t.Fatalf("mediator applies the seal: %d", r.StatusCode)
	}
	if r := m.form("POST", "/cases/"+itoa(id)+"/agreement/sign", url.Values{}); r.StatusCode != 303 {
		t.Fatalf("mediator signs: %d", r.StatusCode)
	}
	if r := e.login("committee01").form("POST", "/cases/"+itoa(id)+"/agreement/seal", url.Values{}); r.StatusCode != 303 {
		t.Fatalf("seal: %d %s", r.StatusCode, r.body)
	}
	if c, _ := e.db.GetCase(ctx, id); c.Status != "performing" {
		t.Fatalf("after all signatures: %s", c.Status)
	}
}

func TestWrittenAgreementSigning(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		m, id := effectiveWrittenAgreement(t, e)
		c, _ := e.db.GetCase(ctx, id)
		pdf := m.json("GET", "/api/v1/cases/"+itoa(id)+"/agreement.pdf", nil, nil)
		if pdf.StatusCode != 200 {
			t.Fatalf("agreement pdf: %d", pdf.StatusCode)
		}
		text := pdfText(t, []byte(pdf.body))
		for _, want := range []string{"人民调解协议书", c.Number, "退还预付卡余额", "1,800.00", "司法确认", "消费者：", "手机短信验证签署", "调解员：", "当面签署"} {
			if !strings.Contains(text, want) {
				t.Errorf("agreement lacks %q", want)
			}
		}
		sum := sha256.Sum256([]byte(pdf.body))
		v := e.anon().json("GET", "/api/v1/agreements/verify?sha256="+hex.EncodeToString(sum[:]), nil, nil)
		if v.StatusCode != 200 || !strings.Contains(v.body, c.Number) {
			t.Fatalf("verify: %d %s", v.StatusCode, v.body)
		}
		tampered := sha256.Sum256(append([]byte(pdf.body), ' '))
		if v := e.anon().json("GET", "/api/v1/agreements/verify?sha256="+hex.EncodeToString(tampered[:]), nil, nil); v.StatusCode != 404 {
			t.Fatalf("tampered document verified: %d", v.StatusCode)
		}
		// The agreement, once effective, cannot be signed again or changed.
		if r := m.form("POST", "/cases/"+itoa(id)+"/agreement/sign", url.Values{}); r.StatusCode != 422 {
			t.Fatalf("sign after effect: %d", r.StatusCode)
		}
		if r := e.login("xh_mediator01").json("GET", "/api/v1/cases/"+itoa(id)+"/agreement.pdf", nil, nil); r.StatusCode != 404 {
			t.Fatalf("other district reads the agreement: %d", r.StatusCode)
		}
	})
}

func TestDeskWarnsOfOverdueTerms(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		m, id := mediatingCase(t, e)
		deadline := time.Now().AddDate(0, 0, 3).Format("2006-01-02")
		m.form("POST", "/cases/"+itoa(id)+"/agreement/oral", url.Values{"kind": {"oral"}, "facts": {"健身房闭店，双方就退款金额发生争议。"}, "responsibility": {"经营者承担退款责任"},
			"party_0": {"merchant"}, "content_0": {"退还预付卡余额"}, "amount_0": {"800"}, "manner_0": {"银行转账"}, "deadline_0": {deadline}})
		if page := m.get("/desk"); strings.Contains(page.body, "尚未履行") {
			t.Fatal("warning before the deadline")
		}
		// Time passes: the term's deadline is behind us.
		a, _ := e.db.GetAgreement(ctx, id)
		a.Terms[0].Deadline = "2026-01-02"
		e.db.PutAgreement(ctx, a)
		if page := m.get("/desk"); !strings.Contains(page.body, "尚未履行") || !strings.Contains(page.body, "退还预付卡余额") {
			t.Fatal("no warning for the overdue term")
		}
	})
}

func TestConsumerRatesBySMSLink(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		m, id := mediatingCase(t, e)
		m.form("POST", "/cases/"+itoa(id)+"/agreement/oral", url.Values{"kind": {"oral"}, "facts": {"健身房闭店，双方就退款金额发生争议。"}, "responsibility": {"经营者承担退款责任"},
			"party_0": {"merchant"}, "content_0": {"退还预付卡余额"}, "amount_0": {"800"}, "manner_0": {"现场退款"}, "deadline_0": {time.Now().AddDate(0, 0, 1).Format("2006-01-02")}})
		m.form("POST", "/cases/"+itoa(id)+"/perform", url.Values{"term": {"0"}, "proof": {"收据 No.0088"}})
		if r := m.form("POST", "/cases/"+itoa(id)+"/followup/request", url.Values{}); r.StatusCode != 303 {
			t.Fatalf("request rating: %d %s", r.StatusCode, r.body)
		}
		es := lastPartySMS(t, e)
		link := regexp.MustCompile(`/rate/[A-Za-z0-9_-]+`).FindString(es[0].Body)
		if link == "" {
			t.Fatalf("no rating link: %s", es[0].Body)
		}
		consumer := e.anon()
		if r := consumer.get(link); r.StatusCode != 200 || !strings.Contains(r.body, "满意") {
			t.Fatalf("rating page: %d", r.StatusCode)
		}
		if r := consumer.form("POST", link, url.Values{"satisfaction": {"9"}}); r.StatusCode != 422 {
			t.Fatalf("satisfaction 9: %d", r.StatusCode)
		}
		if r := consumer.form("POST", link, url.Values{"satisfaction": {"4"}, "comment": {"调解员很耐心"}}); r.StatusCode != 303 {
			t.Fatalf("rate: %d %s", r.StatusCode, r.body)
		}
		if c, _ := e.db.GetCase(ctx, id); c.Status != "followed_up" {
			t.Fatalf("after rating: %s", c.Status)
		}
		fs, _ := e.db.ListFollowUps(ctx, id)
		if len(fs) != 1 || fs[0].Method != "sms_link" || fs[0].Satisfaction != 4 {
			t.Fatalf("follow-up: %+v", fs)
		}
		if r := consumer.form("POST", link, url.Values{"satisfaction": {"1"}}); r.StatusCode < 400 {
			t.Fatalf("rated twice: %d", r.StatusCode)
		}
	})
}

// newSince counts the outbox entries (newest first) written after before was read.
func newSince(before, after []store.OutboxEntry) int {
	var last int64
	if len(before) > 0 {
		last = before[0].ID
	}
	n := 0
	for _, x := range after {
		if x.ID > last && x.Kind != notify.KindStaffAlert { // background warnings are not the parties' texts
			n++
		}
	}
	return n
}
