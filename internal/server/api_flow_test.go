package server_test

import (
	"context"
	"encoding/base64"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/tiaojie/tiaojie/internal/store/storetest"
)

// want checks an API answer's status and that its body mentions each of the words.
func want(t *testing.T, what string, r resp, status int, words ...string) {
	t.Helper()
	if r.StatusCode != status {
		t.Fatalf("%s: %d, want %d: %s", what, r.StatusCode, status, r.body)
	}
	for _, w := range words {
		if !strings.Contains(r.body, w) {
			t.Fatalf("%s: %q not in %s", what, w, r.body)
		}
	}
}

// status reads a case's status through the API.
func status(t *testing.T, c *client, id int64) string {
	t.Helper()
	var out caseOut
	json_(c.json("GET", "/api/v1/cases/"+itoa(id), nil, nil).body, &out)
	return out.Status
}

// partiesSign signs a written agreement as both parties through their SMS links.
func partiesSign(t *testing.T, e *env, id int64) {
	t.Helper()
	ctx := context.Background()
	es, _ := e.texts(ctx, 20)
	var links []string
	for _, x := range es {
		if l := regexp.MustCompile(`/sign/[A-Za-z0-9_-]+`).FindString(x.Body); l != "" && x.CaseID == id {
			links = append(links, l)
		}
	}
	if len(links) != 2 {
		t.Fatalf("sign links: %q", links)
	}
	sig := "data:image/png;base64," + base64.StdEncoding.EncodeToString(pngBytes(t))
	for _, l := range links {
		party := e.anon()
		party.form("POST", l, url.Values{"action": {"code"}})
		es := lastPartySMS(t, e)
		code := regexp.MustCompile(`验证码为(\d{6})`).FindStringSubmatch(es[0].Body)[1]
		if r := party.form("POST", l, url.Values{"code": {code}, "signature": {sig}}); r.StatusCode != 303 {
			t.Fatalf("party signs: %d", r.StatusCode)
		}
	}
}

// A case goes from registration to an effective, judicially confirmed
// written agreement through the API alone (the parties sign on their phones).
func TestAPIWrittenAgreementJourney(t *testing.T) {
	for _, eng := range storetest.Engines(t) {
		t.Run(eng.Name, func(t *testing.T) {
			e := newEnv(t, eng)
			ctx := context.Background()
			m := e.login("mediator01")
			id := registerCase(t, m)
			base := "/api/v1/cases/" + itoa(id)
			want(t, "accept", m.json("POST", base+"/accept", nil, nil), 200, `"status":"accepted"`)

			// Consent: asked by SMS, recorded on paper; bad input changes nothing.
			want(t, "consent request", m.json("POST", base+"/consent/request", map[string]any{"merchant_phone": "13700003333"}, nil), 200, `"status":"consenting"`)
			want(t, "consent bad method", m.json("POST", base+"/consent", map[string]any{"party": "consumer", "mediation": "agree", "method": "telepathy"}, nil), 422, "方式")
			want(t, "consent bad answer", m.json("POST", base+"/consent", map[string]any{"party": "consumer", "mediation": "maybe", "method": "paper"}, nil), 422, "同意")
			want(t, "consents pending", m.json("GET", base+"/consents", nil, nil), 200, `"decision":"pending"`)
			for _, party := range []string{"consumer", "merchant"} {
				want(t, "consent "+party, m.json("POST", base+"/consent", map[string]any{"party": party, "mediation": "agree", "online": true, "method": "paper"}, nil), 200)
			}
			if r := m.json("GET", base+"/consents", nil, nil); strings.Contains(r.body, "pending") || strings.Count(r.body, `"decision":"agree"`) != 2 {
				t.Fatalf("consents after recording: %s", r.body)
			}

			// Assignment: the room's candidates, then the mediator claims the case and starts.
			var opts struct {
				Candidates []struct {
					UserID int64 `json:"user_id"`
				} `json:"candidates"`
			}
			r := m.json("GET", base+"/assignment", nil, nil)
			json_(r.body, &opts)
			if r.StatusCode != 200 || len(opts.Candidates) == 0 {
				t.Fatalf("assignment options: %d %s", r.StatusCode, r.body)
			}
			me, _ := e.db.GetUserByUsername(ctx, "mediator01")
			want(t, "assign stale", m.json("POST", base+"/assign", map[string]any{"mediator": me.ID, "version": 1}, nil), 422, "刷新")
			want(t, "assign", m.json("POST", base+"/assign", map[string]any{"mediator": me.ID}, nil), 200, `"status":"assigned"`)
			want(t, "mediators", m.json("GET", base+"/mediators", nil, nil), 200, `"presiding":true`, `"user_id":`+itoa(me.ID))
			want(t, "start with a body", m.json("POST", base+"/start", `{"now": true}`, nil), 400, "未知字段")
			want(t, "start", m.json("POST", base+"/start", nil, nil), 200, `"status":"mediating"`)

			// A session, scheduled and recorded.
			want(t, "session in the past", m.json("POST", base+"/sessions", map[string]any{"kind": "room", "at": time.Now().Add(-time.Hour), "place": "调解室"}, nil), 422, "晚于现在")
			want(t, "session bad time", m.json("POST", base+"/sessions", `{"kind": "room", "at": "明天上午"}`, nil), 400, "时间格式")
			want(t, "no sessions yet", m.json("GET", base+"/sessions", nil, nil), 200, "[]")
			want(t, "schedule", m.json("POST", base+"/sessions", map[string]any{"kind": "room", "at": time.Now().Add(48 * time.Hour), "place": "陆家嘴调解室"}, nil), 200)
			var ss []struct {
				ID     int64  `json:"id"`
				Status string `json:"status"`
			}
			json_(m.json("GET", base+"/sessions", nil, nil).body, &ss)
			if len(ss) != 1 || ss[0].Status != "scheduled" {
				t.Fatalf("sessions: %+v", ss)
			}
			want(t, "record without held", m.json("POST", base+"/sessions/"+itoa(ss[0].ID)+"/record", map[string]any{"record": "x"}, nil), 422, "如期举行")
			want(t, "record unknown session", m.json("POST", base+"/sessions/999999/record", map[string]any{"held": true}, nil), 404)
			want(t, "record", m.json("POST", base+"/sessions/"+itoa(ss[0].ID)+"/record", map[string]any{"held": true, "attendance": "双方到场", "record": "双方陈述意见，同意退款。"}, nil), 200)
			want(t, "recorded", m.json("GET", base+"/sessions", nil, nil), 200, `"status":"held"`, "双方陈述意见")

			// Suspend and resume; a reason outside the law is refused.
			want(t, "suspend bad reason", m.json("POST", base+"/suspend", map[string]any{"reason": "lunch"}, nil), 409)
			if s := status(t, m, id); s != "mediating" {
				t.Fatalf("refused suspension changed the case: %s", s)
			}
			want(t, "suspend", m.json("POST", base+"/suspend", map[string]any{"reason": "party_unavailable", "note": "当事人住院"}, nil), 200, `"status":"suspended"`)
			want(t, "resume", m.json("POST", base+"/resume", nil, nil), 200, `"status":"mediating"`)

			// The written agreement: invalid content is refused with per-field messages.
			want(t, "agreement none yet", m.json("GET", base+"/agreement", nil, nil), 404, "尚未达成")
			want(t, "agreement bad kind", m.json("POST", base+"/agreement", map[string]any{"kind": "sung", "facts": "x", "responsibility": "y"}, nil), 422, "口头")
			want(t, "agreement no terms", m.json("POST", base+"/agreement", map[string]any{"kind": "written", "facts": "健身房闭店。", "responsibility": "经营者退款", "terms": []any{}}, nil), 422)
			want(t, "still none", m.json("GET", base+"/agreement", nil, nil), 404)
			deadline := time.Now().AddDate(0, 0, 10).Format("2006-01-02")
			agreement := map[string]any{"kind": "written", "facts": "健身房闭店，双方就退款金额发生争议。", "responsibility": "经营者承担退款责任",
				"terms": []map[string]any{{"party": "merchant", "content": "退还预付卡余额", "amount_fen": 180000, "manner": "银行转账", "deadline": deadline}}}
			want(t, "written agreement", m.json("POST", base+"/agreement", agreement, nil), 200, `"status":"agreed"`)
			want(t, "signers pending", m.json("GET", base+"/agreement", nil, nil), 200, `"kind":"written"`, `"signer":"consumer","label":"消费者","signed":false`, `"effective_at":null`)

			// The seal is the committee's; the mediator signs for themself.
			want(t, "mediator seals", m.json("POST", base+"/agreement/seal", nil, nil), 403)
			want(t, "mediator signs", m.json("POST", base+"/agreement/sign", nil, nil), 200)
			want(t, "signed twice", m.json("POST", base+"/agreement/sign", nil, nil), 422, "已签署")
			want(t, "mediator signed", m.json("GET", base+"/agreement", nil, nil), 200, `"signer":"mediator","label":"调解员","signed":true,"method":"in_person"`)
			partiesSign(t, e, id)
			committee := e.login("committee01")
			want(t, "seal", committee.json("POST", base+"/agreement/seal", nil, nil), 200, `"status":"performing"`)
			r = m.json("GET", base+"/agreement", nil, nil)
			if strings.Contains(r.body, `"signed":false`) || strings.Contains(r.body, `"effective_at":null`) {
				t.Fatalf("effective agreement: %s", r.body)
			}
			want(t, "agreement pdf", m.json("GET", base+"/agreement.pdf", nil, nil), 200, "%PDF")

			// Judicial confirmation: applied for by the mediator, decided by the court.
			var courts []struct {
				ID int64 `json:"id"`
			}
			json_(m.json("GET", base+"/courts", nil, nil).body, &courts)
			if len(courts) == 0 {
				t.Fatal("no court for the district")
			}
			want(t, "not joint", m.json("POST", base+"/judicial", map[string]any{"court": courts[0].ID, "joint": false}, nil), 422, "共同申请")
			want(t, "apply", m.json("POST", base+"/judicial", map[string]any{"court": courts[0].ID, "joint": true}, nil), 201, `"status":"submitted"`, `"delivery":"submitted"`)
			want(t, "applied", m.json("GET", base+"/agreement", nil, nil), 200, `"judicial":{`, `"status":"submitted"`)
			court := e.login("court01")
			want(t, "court queue", court.json("GET", "/api/v1/judicial", nil, nil), 200, `"case_id":`+itoa(id))
			want(t, "mediator decides for the court", m.json("POST", "/api/v1/judicial/"+itoa(id)+"/decision", map[string]any{"decision": "accepted"}, nil), 403)
			want(t, "confirm without ruling", court.json("POST", "/api/v1/judicial/"+itoa(id)+"/decision", map[string]any{"decision": "confirmed"}, nil), 422, "文号")
			want(t, "court accepts", court.json("POST", "/api/v1/judicial/"+itoa(id)+"/decision", map[string]any{"decision": "accepted"}, nil), 200, `"status":"accepted"`)
			want(t, "court confirms", court.json("POST", "/api/v1/judicial/"+itoa(id)+"/decision", map[string]any{"decision": "confirmed", "ruling": "（2026）沪0115民特1号"}, nil), 200, `"status":"confirmed"`)
			want(t, "unknown application", court.json("POST", "/api/v1/judicial/99999999/decision", map[string]any{"decision": "accepted"}, nil), 404)
			want(t, "confirmed", m.json("GET", base+"/agreement", nil, nil), 200, `"ruling_number":"（2026）沪0115民特1号"`)
		})
	}
}

// domainFirstCode is the first code of a code table, read through the API.
func domainFirstCode(t *testing.T, c *client, table string) string {
	t.Helper()
	var tables map[string][]struct{ Code string }
	json_(c.json("GET", "/api/v1/codes", nil, nil).body, &tables)
	if len(tables[table]) == 0 {
		t.Fatalf("no code table %s", table)
	}
	return tables[table][0].Code
}

// An oral agreement takes effect at once; performance, follow-up and archive follow.
func TestAPIOralAgreementToArchive(t *testing.T) {
	for _, eng := range storetest.Engines(t) {
		t.Run(eng.Name, func(t *testing.T) {
			e := newEnv(t, eng)
			m, id := mediatingCase(t, e)
			base := "/api/v1/cases/" + itoa(id)
			want(t, "schedule", m.json("POST", base+"/sessions", map[string]any{"kind": "phone", "at": time.Now().Add(time.Hour)}, nil), 200)
			var ss []struct{ ID int64 }
			json_(m.json("GET", base+"/sessions", nil, nil).body, &ss)
			want(t, "record", m.json("POST", base+"/sessions/"+itoa(ss[0].ID)+"/record", map[string]any{"held": true, "attendance": "双方电话参加", "record": "双方同意退货退款。"}, nil), 200)
			past := time.Now().AddDate(0, 0, -1).Format("2006-01-02")
			soon := time.Now().AddDate(0, 0, 3).Format("2006-01-02")
			want(t, "term in the past", m.json("POST", base+"/agreement", map[string]any{"kind": "oral", "facts": "消费者购买的电视机屏幕出现坏点，双方就退货发生争议。", "responsibility": "经营者负责",
				"terms": []map[string]any{{"party": "merchant", "content": "退货退款", "amount_fen": 50000, "manner": "原路退回", "deadline": past}}}, nil), 422)
			want(t, "oral", m.json("POST", base+"/agreement", map[string]any{"kind": "oral", "facts": "消费者购买的电视机屏幕出现坏点，双方就退货发生争议。", "responsibility": "经营者负责",
				"terms": []map[string]any{{"party": "merchant", "content": "退货退款", "amount_fen": 50000, "manner": "原路退回", "deadline": soon}}}, nil), 200, `"status":"performing"`)
			want(t, "oral has no signers", m.json("GET", base+"/agreement", nil, nil), 200, `"kind":"oral"`, `"signers":[]`)
			want(t, "follow-up before performance", m.json("POST", base+"/followup", map[string]any{"satisfaction": 5, "method": "phone"}, nil), 422, "尚未履行")
			want(t, "perform unknown term", m.json("POST", base+"/perform", map[string]any{"term": 3, "proof": "流水号1"}, nil), 422, "不存在")
			want(t, "perform without proof", m.json("POST", base+"/perform", map[string]any{"term": 0, "proof": " "}, nil), 422, "凭证")
			want(t, "perform", m.json("POST", base+"/perform", map[string]any{"term": 0, "proof": "转账流水号20260302001"}, nil), 200)
			want(t, "performed", m.json("GET", base+"/agreement", nil, nil), 200, `"proof":"转账流水号20260302001"`, `"performed_at":"`)
			want(t, "follow-up score 0", m.json("POST", base+"/followup", map[string]any{"satisfaction": 0, "method": "phone"}, nil), 422, "1至5")
			want(t, "follow-up score text", m.json("POST", base+"/followup", `{"satisfaction": "很好", "method": "phone"}`, nil), 400, "satisfaction")
			want(t, "follow-up", m.json("POST", base+"/followup", map[string]any{"satisfaction": 5, "method": "phone", "commendation": "锦旗"}, nil), 200, `"status":"followed_up"`)
			want(t, "followed up", m.json("GET", base+"/agreement", nil, nil), 200, `"satisfaction":5`, `"commendation":"锦旗"`)
			want(t, "archive", m.json("POST", base+"/archive", nil, nil), 200, `"status":"archived"`)
			want(t, "archive pdf", m.json("GET", base+"/archive.pdf", nil, nil), 200, "%PDF")
			want(t, "archive twice", m.json("POST", base+"/archive", nil, nil), 409)
		})
	}
}

// Termination, notice delivery, withdrawal, recusal and re-routing.
func TestAPIEndingsAndRerouting(t *testing.T) {
	for _, eng := range storetest.Engines(t) {
		t.Run(eng.Name, func(t *testing.T) {
			e := newEnv(t, eng)
			m, id := mediatingCase(t, e)
			base := "/api/v1/cases/" + itoa(id)
			want(t, "recusal without reason", m.json("POST", base+"/recusal", map[string]any{"by": "consumer", "note": ""}, nil), 422, "回避理由")
			want(t, "recusal", m.json("POST", base+"/recusal", map[string]any{"by": "consumer", "note": "调解员与经营者相识"}, nil), 200, `"status":"suspended"`)
			want(t, "mediator decides own recusal", m.json("POST", base+"/recusal/decision", map[string]any{"grant": false}, nil), 403)
			want(t, "lead's decision missing", e.login("room_lead01").json("POST", base+"/recusal/decision", map[string]any{"note": "x"}, nil), 422, "是否准许")
			want(t, "lead refuses recusal", e.login("room_lead01").json("POST", base+"/recusal/decision", map[string]any{"grant": false, "note": "理由不成立"}, nil), 200, `"status":"mediating"`)
			want(t, "terminate bad reason", m.json("POST", base+"/terminate", map[string]any{"reason": "bored"}, nil), 409)
			want(t, "terminate", m.json("POST", base+"/terminate", map[string]any{"reason": domainFirstCode(t, m, "terminate_reason"), "note": "双方分歧过大"}, nil), 200, `"status":"terminated"`)
			want(t, "notice bad method", m.json("POST", base+"/termination/sent", map[string]any{"method": "pigeon"}, nil), 422)
			want(t, "notice", m.json("POST", base+"/termination/sent", map[string]any{"method": "mail"}, nil), 200)
			want(t, "notice on the log", m.json("GET", base+"/events", nil, nil), 200, "邮寄送达")

			// Withdrawal of another case.
			_, id2 := mediatingCase(t, e)
			want(t, "withdraw", m.json("POST", "/api/v1/cases/"+itoa(id2)+"/withdraw", map[string]any{"note": "已自行和解"}, nil), 200, `"status":"withdrawn"`)
			want(t, "withdraw twice", m.json("POST", "/api/v1/cases/"+itoa(id2)+"/withdraw", nil, nil), 409)

			// Re-routing an accepted case to another room of the committee.
			id3 := registerCase(t, m)
			committee := e.login("committee01")
			var units []struct {
				ID       int64  `json:"id"`
				ParentID int64  `json:"parent_id"`
				Kind     string `json:"kind"`
			}
			json_(committee.json("GET", "/api/v1/org-units", nil, nil).body, &units)
			var c caseOut
			var cur struct {
				RoomID      int64 `json:"room_id"`
				CommitteeID int64 `json:"committee_id"`
			}
			json_(committee.json("GET", "/api/v1/cases/"+itoa(id3), nil, nil).body, &cur)
			var other int64
			for _, u := range units {
				if u.ParentID == cur.CommitteeID && (u.Kind == "office_room") && u.ID != cur.RoomID {
					other = u.ID
					break
				}
			}
			if other == 0 {
				t.Fatalf("no other room among %d units", len(units))
			}
			want(t, "reroute without reason", committee.json("POST", "/api/v1/cases/"+itoa(id3)+"/reroute", map[string]any{"room": other}, nil), 422, "改派理由")
			want(t, "reroute to the same room", committee.json("POST", "/api/v1/cases/"+itoa(id3)+"/reroute", map[string]any{"room": cur.RoomID, "reason": "x"}, nil), 422)
			r := committee.json("POST", "/api/v1/cases/"+itoa(id3)+"/reroute", map[string]any{"room": other, "reason": "属地调整"}, nil)
			json_(r.body, &c)
			json_(committee.json("GET", "/api/v1/cases/"+itoa(id3), nil, nil).body, &cur)
			if r.StatusCode != 200 || cur.RoomID != other {
				t.Fatalf("reroute: %d %s (room %d)", r.StatusCode, r.body, cur.RoomID)
			}
		})
	}
}

// Violation leads and expert consultations, each with the receiving role.
func TestAPILeadsAndConsultations(t *testing.T) {
	for _, eng := range storetest.Engines(t) {
		t.Run(eng.Name, func(t *testing.T) {
			e := newEnv(t, eng)
			m, id := mediatingCase(t, e)
			base := "/api/v1/cases/" + itoa(id)
			var offices []struct {
				ID int64 `json:"id"`
			}
			json_(m.json("GET", base+"/offices", nil, nil).body, &offices)
			if len(offices) == 0 {
				t.Fatal("no 市场监管所 for the district")
			}
			reg := e.login("regulator01")
			type leadList struct {
				Leads []struct {
					ID     int64  `json:"id"`
					CaseID int64  `json:"case_id"`
					Status string `json:"status"`
				} `json:"leads"`
				NextCursor string `json:"next_cursor"`
			}
			var before leadList
			json_(reg.json("GET", "/api/v1/leads?limit=500", nil, nil).body, &before)
			want(t, "lead bad kind", m.json("POST", base+"/leads", map[string]any{"office": offices[0].ID, "kind": "gossip", "note": "x"}, nil), 422, "线索类型")
			want(t, "lead foreign office", m.json("POST", base+"/leads", map[string]any{"office": 999999, "kind": "price", "note": "x"}, nil), 422, "市场监管所")
			office := offices[0].ID
			// regulator01's office receives the lead.
			for _, o := range offices {
				if o.ID == orgID(t, e, "pd-amr-01") {
					office = o.ID
				}
			}
			want(t, "lead", m.json("POST", base+"/leads", map[string]any{"office": office, "kind": "prepaid_risk", "note": "经营者已闭店，预付卡无法退款"}, nil), 200)
			var list leadList
			json_(reg.json("GET", "/api/v1/leads?limit=500", nil, nil).body, &list)
			leads := list.Leads
			if len(leads) != len(before.Leads)+1 || leads[0].CaseID != id || leads[0].Status != "new" || list.NextCursor != "" {
				t.Fatalf("regulator's leads: %+v", list)
			}
			// Pages of one, by next_cursor, are the one page of 500.
			var paged []int64
			for next := "/api/v1/leads?limit=1"; next != ""; {
				var pg leadList
				json_(reg.json("GET", next, nil, nil).body, &pg)
				for _, l := range pg.Leads {
					paged = append(paged, l.ID)
				}
				next = ""
				if pg.NextCursor != "" {
					next = "/api/v1/leads?limit=1&after=" + url.QueryEscape(pg.NextCursor)
				}
				if len(paged) > len(leads) {
					t.Fatalf("paged past the %d leads: %v", len(leads), paged)
				}
			}
			if len(paged) != len(leads) || paged[0] != leads[0].ID || paged[len(paged)-1] != leads[len(leads)-1].ID {
				t.Fatalf("pages of one %v, want the %d leads of one page", paged, len(leads))
			}
			want(t, "mediator reads leads", m.json("GET", "/api/v1/leads", nil, nil), 403)
			want(t, "leads bad state", reg.json("GET", "/api/v1/leads?state=done", nil, nil), 400, "state")
			want(t, "leads offset", reg.json("GET", "/api/v1/leads?offset=10", nil, nil), 400, "offset")
			want(t, "unknown lead", reg.json("POST", "/api/v1/leads/99999999/handled", nil, nil), 404, "线索")
			want(t, "new lead listed", reg.json("GET", "/api/v1/leads?state=new&limit=1", nil, nil), 200, `"id":`+itoa(leads[0].ID)+`,`)
			want(t, "handled", reg.json("POST", "/api/v1/leads/"+itoa(leads[0].ID)+"/handled", nil, nil), 200, `"status":"handled"`)
			var handled leadList
			json_(reg.json("GET", "/api/v1/leads?state=handled&limit=500", nil, nil).body, &handled)
			if len(handled.Leads) == 0 || handled.Leads[0].ID != leads[0].ID {
				t.Fatalf("handled leads %+v, want lead %d first", handled, leads[0].ID)
			}
			var fresh leadList
			json_(reg.json("GET", "/api/v1/leads?state=new&limit=500", nil, nil).body, &fresh)
			for _, l := range fresh.Leads {
				if l.ID == leads[0].ID || l.Status != "new" {
					t.Fatalf("to-handle leads hold a handled one: %+v", fresh)
				}
			}

			// Expert consultation.
			var experts []struct {
				UserID int64 `json:"user_id"`
			}
			json_(m.json("GET", base+"/experts", nil, nil).body, &experts)
			if len(experts) == 0 {
				t.Fatal("no experts for the case")
			}
			want(t, "consult without question", m.json("POST", base+"/consultations", map[string]any{"expert": experts[0].UserID, "question": ""}, nil), 422)
			want(t, "no consultations yet", m.json("GET", base+"/consultations", nil, nil), 200, "[]")
			want(t, "consult", m.json("POST", base+"/consultations", map[string]any{"expert": experts[0].UserID, "question": "预付卡余额如何计算？", "shared": "合同第三条"}, nil), 200)
			var ks []struct {
				ID     int64  `json:"id"`
				Status string `json:"status"`
			}
			json_(m.json("GET", base+"/consultations", nil, nil).body, &ks)
			if len(ks) != 1 || ks[0].Status != "open" {
				t.Fatalf("consultations: %+v", ks)
			}
			ctx := context.Background()
			expertUser, _ := e.db.GetUser(ctx, experts[0].UserID)
			ex := e.login(expertUser.Username)
			want(t, "inbox", ex.json("GET", "/api/v1/consultations", nil, nil), 200, "预付卡余额如何计算")
			want(t, "mediator answers", m.json("POST", "/api/v1/consultations/"+itoa(ks[0].ID)+"/answer", map[string]any{"answer": "x"}, nil), 403)
			want(t, "empty answer", ex.json("POST", "/api/v1/consultations/"+itoa(ks[0].ID)+"/answer", map[string]any{"answer": "  "}, nil), 422, "专家意见")
			want(t, "answer", ex.json("POST", "/api/v1/consultations/"+itoa(ks[0].ID)+"/answer", map[string]any{"answer": "按未消费次数折算。"}, nil), 200, `"status":"answered"`)
			want(t, "answered", m.json("GET", base+"/consultations", nil, nil), 200, "按未消费次数折算")
			if r := ex.json("GET", "/api/v1/consultations", nil, nil); r.StatusCode != 200 || strings.Contains(r.body, "预付卡余额如何计算") || !strings.Contains(r.body, `"consultations":[`) {
				t.Errorf("an answered consultation is still in the expert's queue: %d %s", r.StatusCode, r.body)
			}
			want(t, "inbox, answered", ex.json("GET", "/api/v1/consultations?state=answered", nil, nil), 200, "按未消费次数折算")
			want(t, "inbox, bad state", ex.json("GET", "/api/v1/consultations?state=x", nil, nil), 400, "state 只能是")
		})
	}
}

// Duplicates and group disputes, by the committee; the other district sees none of it.
func TestAPIDuplicatesAndGroups(t *testing.T) {
	for _, eng := range storetest.Engines(t) {
		t.Run(eng.Name, func(t *testing.T) {
			e := newEnv(t, eng)
			m := e.login("mediator01")
			committee := e.login("committee01")
			xh := e.login("xh_committee01")
			a := registerCase(t, m)
			b := registerCase(t, m) // same complainant, same merchant, same text: flagged
			var flags []struct {
				ID      int64  `json:"id"`
				OtherID int64  `json:"other_id"`
				Status  string `json:"status"`
			}
			json_(m.json("GET", "/api/v1/cases/"+itoa(b)+"/duplicates", nil, nil).body, &flags)
			if len(flags) == 0 || flags[0].OtherID != a || flags[0].Status != "open" {
				t.Fatalf("duplicate flags of %d: %+v", b, flags)
			}
			want(t, "dismiss unknown flag", m.json("POST", "/api/v1/cases/"+itoa(b)+"/duplicates/99999999/dismiss", nil, nil), 404)
			want(t, "dismiss", m.json("POST", "/api/v1/cases/"+itoa(b)+"/duplicates/"+itoa(flags[0].ID)+"/dismiss", nil, nil), 200)
			want(t, "dismissed", m.json("GET", "/api/v1/cases/"+itoa(b)+"/duplicates", nil, nil), 200, `"status":"dismissed"`)

			// A group of the two complaints against one merchant.
			want(t, "mediator lists groups", m.json("GET", "/api/v1/groups", nil, nil), 403)
			want(t, "group without title", committee.json("POST", "/api/v1/groups", map[string]any{"cases": []int64{a, b}, "title": ""}, nil), 422)
			want(t, "group ids as text", committee.json("POST", "/api/v1/groups", `{"cases": "1,2", "title": "x"}`, nil), 400, "cases")
			r := committee.json("POST", "/api/v1/groups", map[string]any{"cases": []int64{a, b}, "title": "某健身房闭店群体投诉", "facts": "闭店", "reason": "同一经营者"}, nil)
			var g struct {
				ID      int64 `json:"id"`
				Members []struct {
					CaseID         int64  `json:"case_id"`
					Representative bool   `json:"representative"`
					Outcome        string `json:"outcome"`
				} `json:"members"`
			}
			json_(r.body, &g)
			if r.StatusCode != 201 || len(g.Members) != 2 {
				t.Fatalf("create group: %d %s", r.StatusCode, r.body)
			}
			gp := "/api/v1/groups/" + itoa(g.ID)
			want(t, "group listed", committee.json("GET", "/api/v1/groups", nil, nil), 200, `"id":`+itoa(g.ID))
			want(t, "other district reads the group", xh.json("GET", gp, nil, nil), 404)
			want(t, "other district acts on the group", xh.json("POST", gp+"/notify", map[string]any{"text": "通知"}, nil), 404)
			want(t, "three representatives", committee.json("POST", gp+"/representatives", map[string]any{"cases": []int64{a, b, a}}, nil), 422, "最多两名")
			want(t, "representative", committee.json("POST", gp+"/representatives", map[string]any{"cases": []int64{a}}, nil), 200, `"representative":true`)
			want(t, "notify empty", committee.json("POST", gp+"/notify", map[string]any{"text": ""}, nil), 422, "通知内容")
			want(t, "notify", committee.json("POST", gp+"/notify", map[string]any{"text": "请于下周一携带凭证到调解室。"}, nil), 200)
			want(t, "session", committee.json("POST", gp+"/session", map[string]any{"at": time.Now().Add(72 * time.Hour), "place": "浦东调委会第一调解室"}, nil), 200, `"session_place":"浦东调委会第一调解室"`)
			want(t, "outcome bad", committee.json("POST", gp+"/outcome", map[string]any{"case": a, "outcome": "won"}, nil), 422, "结果")
			want(t, "outcome", committee.json("POST", gp+"/outcome", map[string]any{"case": a, "outcome": "settled", "amount_fen": 120000}, nil), 200, `"outcome":"settled"`, `"outcome_fen":120000`)
			want(t, "outcome kept", committee.json("GET", gp, nil, nil), 200, `"outcome":"settled"`)
		})
	}
}

// The code tables and the org units each caller may see.
func TestAPICodeTablesAndOrgUnits(t *testing.T) {
	for _, eng := range storetest.Engines(t) {
		t.Run(eng.Name, func(t *testing.T) {
			e := newEnv(t, eng)
			m := e.login("mediator01")
			want(t, "categories", m.json("GET", "/api/v1/categories", nil, nil), 200, `"code":"服务-健身"`)
			want(t, "statuses", m.json("GET", "/api/v1/statuses", nil, nil), 200, `{"code":"received","label":"待受理"}`)
			want(t, "codes", m.json("GET", "/api/v1/codes", nil, nil), 200, `"suspend_reason":[`, `"lead_kind":[`, `"session_kind":[`, `"group_outcome":[`)
			want(t, "codes anonymously", e.anon().json("GET", "/api/v1/codes", nil, nil), 401)
			var pd, xh []struct {
				Code string `json:"code"`
			}
			json_(e.login("committee01").json("GET", "/api/v1/org-units", nil, nil).body, &pd)
			json_(e.login("xh_committee01").json("GET", "/api/v1/org-units", nil, nil).body, &xh)
			if len(pd) < 30 || len(xh) == 0 {
				t.Fatalf("org units: %d Pudong, %d Xuhui", len(pd), len(xh))
			}
			for _, u := range xh {
				if strings.HasPrefix(u.Code, "pd-") {
					t.Fatalf("Xuhui sees Pudong's %s", u.Code)
				}
			}
			for _, u := range pd {
				if strings.HasPrefix(u.Code, "xh-") {
					t.Fatalf("Pudong sees Xuhui's %s", u.Code)
				}
			}
		})
	}
}
