package server_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"net/url"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"

	"github.com/tiaojie/tiaojie/internal/demo"
	"github.com/tiaojie/tiaojie/internal/domain"
	"github.com/tiaojie/tiaojie/internal/feedback"
	"github.com/tiaojie/tiaojie/internal/store"
)

// fbRecord is the part of a record the tests read.
type fbRecord struct {
	CaseID       int64    `json:"case_id"`
	ComplaintNo  string   `json:"complaint_no"`
	DocumentNo   string   `json:"document_no"`
	Office       string   `json:"office"`
	Result       string   `json:"result"`
	Ground       string   `json:"termination_ground"`
	ClaimFen     int64    `json:"claim_fen"`
	RecoveredFen int64    `json:"recovered_fen"`
	MentalFen    int64    `json:"mental_fen"`
	PunitiveFen  int64    `json:"punitive_fen"`
	Method       string   `json:"method"`
	ClosedOn     string   `json:"closed_on"`
	Summary      string   `json:"summary"`
	Lead         bool     `json:"violation_lead"`
	Complete     bool     `json:"complete"`
	Missing      []string `json:"missing"`
}

type fbList struct {
	Office     string     `json:"office"`
	From       string     `json:"from"`
	To         string     `json:"to"`
	Incomplete int        `json:"incomplete"`
	Records    []fbRecord `json:"records"`
}

func (l fbList) byCase() map[int64]fbRecord {
	out := map[int64]fbRecord{}
	for _, r := range l.Records {
		out[r.CaseID] = r
	}
	return out
}

// divertedComplaint is a 12315 complaint regulator01's office diverts
// (陆家嘴街道: routed to mediator01's room), accepted by the committee.
func divertedComplaint(t *testing.T, e *env, reg, cmt *client, ext string, received *time.Time) int64 {
	t.Helper()
	body := validComplaint(ext)
	body["phone"] = "139" + ext[len(ext)-8:]
	body["credit_code"] = ""
	if received != nil {
		body["received_at"] = received
	}
	r := reg.json("POST", "/api/v1/complaints", body, nil)
	var out caseOut
	json_(r.body, &out)
	if r.StatusCode != 201 || out.ID == 0 {
		t.Fatalf("divert %s: %d %s", ext, r.StatusCode, r.body)
	}
	want(t, "accept "+ext, cmt.json("POST", "/api/v1/cases/"+itoa(out.ID)+"/accept", nil, nil), 200, `"status":"accepted"`)
	return out.ID
}

func TestFeedback12315(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		reg, m, cmt := e.login("regulator01"), e.login("mediator01"), e.login("committee01")
		office, err := e.db.GetOrgUnitByCode(ctx, demo.RegulatorOfficeCode(1))
		if err != nil {
			t.Fatal(err)
		}
		me, _ := e.db.GetUserByUsername(ctx, "mediator01")
		// The demo completed a few records of its own diverted complaints.
		demoIn, err := e.db.FeedbackCases(ctx, store.FeedbackQuery{Scope: store.Scope{All: true}, From: time.Now().AddDate(0, 0, -90), To: time.Now()})
		edited := 0
		for _, in := range demoIn {
			if in.Edit != nil && in.Edit.Method != "" {
				edited++
			}
		}
		if err != nil || edited == 0 {
			t.Errorf("demo feedback: %d of %d cases completed, %v", edited, len(demoIn), err)
		}

		// Agreed, with refund, mental-damage and punitive terms all performed, an online session and a lead.
		agreed := divertedComplaint(t, e, reg, cmt, "1310115202603020001", nil)
		base := "/api/v1/cases/" + itoa(agreed)
		want(t, "consent request", m.json("POST", base+"/consent/request", map[string]any{"merchant_phone": "13700003333"}, nil), 200)
		for _, party := range []string{"consumer", "merchant"} {
			want(t, "consent", m.json("POST", base+"/consent", map[string]any{"party": party, "mediation": "agree", "online": true, "method": "paper"}, nil), 200)
		}
		want(t, "assign", m.json("POST", base+"/assign", map[string]any{"mediator": me.ID}, nil), 200)
		want(t, "start", m.json("POST", base+"/start", nil, nil), 200, `"status":"mediating"`)
		want(t, "session", m.json("POST", base+"/sessions", map[string]any{"kind": "online", "at": time.Now().Add(24 * time.Hour)}, nil), 200)
		deadline := time.Now().AddDate(0, 0, 10).Format("2006-01-02")
		term := func(content string, fen int64, kind string) map[string]any {
			return map[string]any{"party": "merchant", "content": content, "amount_fen": fen, "manner": "银行转账", "deadline": deadline, "kind": kind}
		}
		want(t, "oral agreement", m.json("POST", base+"/agreement", map[string]any{"kind": "oral", "facts": "健身房闭店，双方就退款发生争议。",
			"responsibility": "经营者承担退款及赔偿责任", "terms": []any{term("退还预付卡余额", 100000, "refund"), term("精神损害赔偿", 20000, "mental"),
				term("三倍赔偿", 30000, "punitive")}}, nil), 200)
		for i := 0; i < 3; i++ {
			want(t, "perform", m.json("POST", base+"/perform", map[string]any{"term": i, "proof": "转账凭证"}, nil), 200)
		}
		want(t, "lead", m.json("POST", base+"/leads", map[string]any{"office": office.ID, "kind": "price", "note": "涉嫌价格欺诈，消费者电话13912345678"}, nil), 200)

		// Terminated for every reason (before mediation began), and withdrawn.
		terminated := map[string]int64{}
		for i, r := range domain.TerminateReasons {
			id := divertedComplaint(t, e, reg, cmt, "13101152026030201"+itoa(int64(10+i)), nil)
			want(t, "terminate "+r.Code, m.json("POST", "/api/v1/cases/"+itoa(id)+"/terminate", map[string]any{"reason": r.Code}, nil), 200, `"status":"terminated"`)
			terminated[r.Code] = id
		}
		withdrawn := divertedComplaint(t, e, reg, cmt, "1310115202603020030", nil)
		want(t, "withdraw", m.json("POST", "/api/v1/cases/"+itoa(withdrawn)+"/withdraw", map[string]any{"note": "已与商家自行协商"}, nil), 200)
		// Received three days ago, closed today, no session: 调解方式 cannot be derived.
		past := time.Now().AddDate(0, 0, -3)
		noMethod := divertedComplaint(t, e, reg, cmt, "1310115202603020040", &past)
		want(t, "terminate", m.json("POST", "/api/v1/cases/"+itoa(noMethod)+"/terminate", map[string]any{"reason": "no_agreement"}, nil), 200)
		// A walk-in of mediator01's room: no 12315 record.
		walkIn := registerCase(t, m)
		want(t, "walk-in accept", m.json("POST", "/api/v1/cases/"+itoa(walkIn)+"/accept", nil, nil), 200)
		want(t, "walk-in withdraw", m.json("POST", "/api/v1/cases/"+itoa(walkIn)+"/withdraw", nil, nil), 200)

		// The regulator's connector reads its office's records.
		q := "/api/v1/feedback/12315?office=" + office.Code
		var l fbList
		getJSON(t, reg, q, 200, &l)
		today := dateToday()
		if l.Office != office.Code || l.To != today || l.From != today[:8]+"01" {
			t.Fatalf("list period: %+v", l)
		}
		recs := l.byCase()
		a := recs[agreed]
		if a.Result != "agreed" || a.Ground != "" || a.ClaimFen != 300000 || a.RecoveredFen != 150000 || a.MentalFen != 20000 || a.PunitiveFen != 30000 ||
			a.Method != "online" || a.ClosedOn != today || !a.Lead || !a.Complete || a.ComplaintNo != "1310115202603020001" || !strings.Contains(a.DocumentNo, "浦消调") ||
			a.Office != office.Code {
			t.Fatalf("agreed record: %+v", a)
		}
		if strings.Contains(a.Summary, "13912345678") || !strings.Contains(a.Summary, "调解结果：达成调解协议") || utf8.RuneCountInString(a.Summary) > 1200 {
			t.Fatalf("agreed summary: %s", a.Summary)
		}
		grounds := map[string][2]string{"party_refused": {"not_agreed", "3"}, "no_agreement": {"not_agreed", "4"}, "time_expired": {"not_agreed", "5"},
			"unreachable": {"contact_lost", "3"}, "extortionate_claim": {"not_agreed", "7"}, "other_proceedings": {"not_agreed", "6"}}
		for code, id := range terminated {
			got := recs[id]
			if got.Result != grounds[code][0] || got.Ground != grounds[code][1] || got.Method != "immediate" || !got.Complete || got.Lead {
				t.Errorf("terminated %s: %+v", code, got)
			}
		}
		if w := recs[withdrawn]; w.Result != "withdrawn" || w.Ground != "1" || !w.Complete {
			t.Errorf("withdrawn: %+v", w)
		}
		if n := recs[noMethod]; n.Complete || n.Method != "" || len(n.Missing) != 1 || !strings.Contains(n.Missing[0], "调解方式") || l.Incomplete < 1 {
			t.Errorf("without a method: %+v (incomplete %d)", n, l.Incomplete)
		}
		if _, ok := recs[walkIn]; ok {
			t.Error("a walk-in is not 12315's")
		}

		// Bad input: 4xx in Chinese, nothing listed.
		refused(t, reg, "GET", "/api/v1/feedback/12315?from=2026-13-01", nil, 400, "日期格式")
		refused(t, reg, "GET", "/api/v1/feedback/12315?from="+today+"&to=2020-01-01", nil, 400, "不能晚于")
		refused(t, reg, "GET", "/api/v1/feedback/12315?from=2020-01-01&to="+today, nil, 400, "不超过")
		refused(t, reg, "GET", "/api/v1/feedback/12315?office=nope", nil, 404, "不在您的查看范围内")
		refused(t, reg, "GET", "/api/v1/feedback/12315?office="+demo.CodeXHOffice, nil, 404, "不在您的查看范围内")
		refused(t, reg, "GET", "/api/v1/feedback/12315?office="+demo.RegulatorOfficeCode(2), nil, 404, "不在您的查看范围内")

		// Scopes: the committee sees its own; another district and a mediator never.
		var cl fbList
		getJSON(t, cmt, "/api/v1/feedback/12315?office="+office.Code, 200, &cl)
		if c := cl.byCase(); c[agreed].Result != "agreed" || len(c) != len(recs) {
			t.Errorf("committee: %d records, regulator %d", len(c), len(recs))
		}
		for _, user := range []string{"xh_regulator01", "xh_committee01"} {
			x := e.login(user)
			var xl fbList
			getJSON(t, x, "/api/v1/feedback/12315", 200, &xl)
			for _, rec := range xl.Records {
				if _, ok := recs[rec.CaseID]; ok {
					t.Errorf("%s sees case %d", user, rec.CaseID)
				}
			}
			refused(t, x, "GET", "/api/v1/feedback/12315?office="+office.Code, nil, 404, "不在您的查看范围内")
			if r := x.get("/feedback/" + itoa(agreed)); r.StatusCode != 404 {
				t.Errorf("%s opens the record: %d", user, r.StatusCode)
			}
			if r := x.get("/feedback"); r.StatusCode != 200 || strings.Contains(r.body, a.DocumentNo) {
				t.Errorf("%s list: %d", user, r.StatusCode)
			}
		}
		refused(t, m, "GET", "/api/v1/feedback/12315", nil, 403, "无权")
		if r := m.get("/feedback"); r.StatusCode != 403 {
			t.Errorf("mediator on the list: %d", r.StatusCode)
		}
		if r := m.get("/feedback/export.csv"); r.StatusCode != 403 {
			t.Errorf("mediator on the export: %d", r.StatusCode)
		}

		// Pages: the list flags what is missing; the record opens to the mediator with its form, to the regulator without.
		page := reg.get("/feedback?office=" + office.Code)
		if page.StatusCode != 200 || !strings.Contains(page.body, a.DocumentNo) || !strings.Contains(page.body, "待补充") || !strings.Contains(page.body, "请选择调解方式") {
			t.Fatalf("list page: %d", page.StatusCode)
		}
		if r := reg.get("/feedback?from=bad"); r.StatusCode != 422 || !strings.Contains(r.body, "日期格式") {
			t.Errorf("list with a bad date: %d", r.StatusCode)
		}
		if r := reg.get("/cases"); !strings.Contains(r.body, `href="/feedback"`) {
			t.Error("no nav link for the regulator")
		}
		if r := m.get("/cases"); r.StatusCode != 200 || strings.Contains(r.body, `href="/feedback"`) {
			t.Error("nav link for a mediator")
		}
		if r := m.get("/cases/" + itoa(noMethod)); !strings.Contains(r.body, `id="feedback-link"`) {
			t.Error("the case page links its feedback")
		}
		if r := m.get("/cases/" + itoa(walkIn)); strings.Contains(r.body, `id="feedback-link"`) {
			t.Error("a walk-in links a feedback")
		}
		if r := m.get("/feedback/" + itoa(noMethod)); r.StatusCode != 200 || !strings.Contains(r.body, `id="feedback-form"`) {
			t.Fatalf("mediator's record page: %d", r.StatusCode)
		}
		if r := m.get("/feedback/" + itoa(walkIn)); r.StatusCode != 404 || !strings.Contains(r.body, "不是市场监管部门分流") {
			t.Errorf("walk-in record: %d", r.StatusCode)
		}
		if r := reg.get("/feedback/" + itoa(noMethod)); r.StatusCode != 200 || strings.Contains(r.body, `id="feedback-form"`) {
			t.Errorf("regulator's record page: %d", r.StatusCode)
		}
		if r := reg.form("POST", "/feedback/"+itoa(noMethod), url.Values{"method": {"onsite"}, "summary": {"x"}}); r.StatusCode != 403 {
			t.Errorf("regulator edits: %d", r.StatusCode)
		}

		// The form: every refusal is 422 with its message and changes nothing.
		path := "/feedback/" + itoa(noMethod)
		for _, c := range []struct {
			form url.Values
			msg  string
		}{
			{url.Values{"summary": {"双方未能达成一致。"}}, "请选择调解方式"},
			{url.Values{"method": {"telepathy"}, "summary": {"x"}}, "调解方式须从列表中选择"},
			{url.Values{"method": {"onsite"}, "summary": {strings.Repeat("调", 1201)}}, "不超过1200字"},
			{url.Values{"method": {"onsite"}, "summary": {"消费者电话139 1234 5678"}}, "不得包含电话号码或身份证号码"},
			{url.Values{"method": {"onsite"}, "summary": {"身份证号11010519491231002X"}}, "不得包含电话号码或身份证号码"},
			{url.Values{"method": {"onsite"}, "summary": {" "}}, "请填写调解情况"},
			{url.Values{"method": {"onsite"}, "result": {"agreed"}, "summary": {"x"}}, "只能改为"},
		} {
			if r := m.form("POST", path, c.form); r.StatusCode != 422 || !strings.Contains(r.body, c.msg) {
				t.Errorf("%v: %d, want 422 %s", c.form, r.StatusCode, c.msg)
			}
		}
		if r := m.form("POST", "/feedback/"+itoa(agreed), url.Values{"result": {"other"}, "summary": {"x"}}); r.StatusCode != 422 || !strings.Contains(r.body, "不能更改") {
			t.Errorf("result over an agreement: %d", r.StatusCode)
		}
		getJSON(t, reg, q, 200, &l)
		if n := l.byCase()[noMethod]; n.Complete || n.Method != "" {
			t.Fatalf("a refused edit changed the record: %+v", n)
		}
		// Completed: recorded method, 联系不到当事人, edited summary — the list shows it complete.
		summary := "经营者多次电话未接，无法联系，终止调解。"
		if r := m.form("POST", path, url.Values{"method": {"immediate"}, "result": {"contact_lost"}, "summary": {summary}}); r.StatusCode != 303 {
			t.Fatalf("save: %d %s", r.StatusCode, r.body)
		}
		getJSON(t, reg, q, 200, &l)
		if n := l.byCase()[noMethod]; !n.Complete || n.Method != "immediate" || n.Result != "contact_lost" || n.Summary != summary || n.Ground != "4" {
			t.Fatalf("completed: %+v", n)
		}
		if r := reg.get(path); !strings.Contains(r.body, "最后修改") || !strings.Contains(r.body, summary) {
			t.Errorf("who edited is shown")
		}

		// The exports read back: CSV with a BOM, XLSX with the same cells.
		csvResp := reg.get("/feedback/export.csv?office=" + office.Code)
		if csvResp.StatusCode != 200 || !strings.HasPrefix(csvResp.body, "\ufeff") || !strings.Contains(csvResp.Header.Get("Content-Disposition"), ".csv") {
			t.Fatalf("csv: %d %q", csvResp.StatusCode, csvResp.Header)
		}
		rows, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(csvResp.body, "\ufeff"))).ReadAll()
		if err != nil || strings.Join(rows[0], ",") != strings.Join(feedback.Columns, ",") || len(rows) != len(l.Records)+1 {
			t.Fatalf("csv rows: %d %v", len(rows), err)
		}
		xr := reg.get("/feedback/export.xlsx?office=" + office.Code)
		f, err := excelize.OpenReader(bytes.NewReader([]byte(xr.body)))
		if err != nil {
			t.Fatalf("xlsx: %d %v", xr.StatusCode, err)
		}
		defer f.Close()
		xrows, err := f.GetRows(feedback.Sheet)
		if err != nil || len(xrows) != len(rows) {
			t.Fatalf("xlsx rows %d, csv %d: %v", len(xrows), len(rows), err)
		}
		found := false
		for i, row := range rows[1:] {
			if row[2] != a.DocumentNo {
				continue
			}
			found = true
			wantCells := map[int]string{1: "1310115202603020001", 3: "线上调解", 4: "达成调解协议", 5: "", 6: "3000.00", 7: "200.00", 8: "300.00", 9: "1500.00", 10: today, 12: "是", 13: office.Name, 14: ""}
			for col, v := range wantCells {
				if row[col] != v {
					t.Errorf("csv %s: %q, want %q", feedback.Columns[col], row[col], v)
				}
				x := xrows[i+1]
				if col < len(x) && x[col] != v || col >= len(x) && v != "" {
					t.Errorf("xlsx %s: %v, want %q", feedback.Columns[col], x, v)
				}
			}
		}
		if !found {
			t.Fatal("the agreed case is not exported")
		}
		for _, row := range rows[1:] {
			if len(feedbackNumbers(row[11])) > 0 {
				t.Errorf("exported summary carries a number: %s", row[11])
			}
		}
	})
}

func feedbackNumbers(s string) []string {
	var hits []string
	for _, f := range strings.FieldsFunc(s, func(r rune) bool { return r < '0' || r > '9' }) {
		if len(f) >= 11 {
			hits = append(hits, f)
		}
	}
	return hits
}
