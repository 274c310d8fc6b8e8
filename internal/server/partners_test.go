package server_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"image"
	"image/png"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/tiaojie/tiaojie/internal/auth"

	"github.com/tiaojie/tiaojie/internal/calendar"
	"github.com/tiaojie/tiaojie/internal/demo"
	"github.com/tiaojie/tiaojie/internal/liaison"
	"github.com/tiaojie/tiaojie/internal/platform"
	"github.com/tiaojie/tiaojie/internal/roomstandard"
	"github.com/tiaojie/tiaojie/internal/store"
	"github.com/tiaojie/tiaojie/internal/store/storetest"
)

func principalOf(t *testing.T, e *env, username string) *auth.Principal {
	t.Helper()
	ctx := context.Background()
	u, err := e.db.GetUserByUsername(ctx, username)
	if err != nil {
		t.Fatal(err)
	}
	p, err := e.svc.Auth.PrincipalFor(ctx, u)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func unitByCode(t *testing.T, e *env, code string) store.OrgUnit {
	t.Helper()
	u, err := e.db.GetOrgUnitByCode(context.Background(), code)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

func contactLogCount(t *testing.T, e *env, committee int64) int {
	t.Helper()
	ls, err := e.db.ListContactLog(context.Background(), store.ContactLogQuery{CommitteeIDs: []int64{committee}, Limit: 1000})
	if err != nil {
		t.Fatal(err)
	}
	return len(ls)
}

// TestPartnersLiaisonPages: the register and log are the committee's,
// masked; bad input changes nothing; a briefing is a frozen PDF that reads
// back with the rollups' figures and queues SMS to partners' mobiles.
func TestPartnersLiaisonPages(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		cmt := unitByCode(t, e, demo.CodeCommittee)
		xh := unitByCode(t, e, demo.CodeXHCommittee)
		partners, err := e.db.ListPartners(ctx, []int64{cmt.ID})
		if err != nil || len(partners) < 5 {
			t.Fatalf("demo partners: %d %v", len(partners), err)
		}
		staff := e.login("committee01")
		page := staff.get("/liaison")
		if page.StatusCode != 200 || !strings.Contains(page.body, "联络名录") || !strings.Contains(page.body, partners[0].Name) {
			t.Fatalf("liaison page: %d", page.StatusCode)
		}
		// Phones are masked, never shown whole.
		if strings.Contains(page.body, "13900210001") || !strings.Contains(page.body, "139****0001") {
			t.Error("contact phone not masked")
		}
		if r := e.login("justice01").get("/liaison"); r.StatusCode != 200 || !strings.Contains(r.body, cmt.Name) {
			t.Errorf("justice of the district: %d", r.StatusCode)
		}
		if r := e.login("xh_justice01").get("/liaison"); r.StatusCode != 200 || strings.Contains(r.body, partners[0].Name) {
			t.Errorf("another district's justice sees Pudong's register: %d", r.StatusCode)
		}
		for _, u := range []string{"mediator01", "room_lead01"} {
			if r := e.login(u).get("/liaison"); r.StatusCode != 200 || strings.Contains(r.body, partners[0].Name) || !strings.Contains(r.body, "联络工作由调委会负责") {
				t.Errorf("%s on /liaison: %d", u, r.StatusCode)
			}
		}
		if r := e.login("regulator01").get("/liaison"); r.StatusCode != 403 {
			t.Errorf("regulator01 on /liaison: %d", r.StatusCode)
		}

		// Bad input: nothing recorded, a Chinese reason.
		reg := partners[0]
		for _, p := range partners {
			if p.Kind == "regulator_office" {
				reg = p
			}
		}
		xhCases, err := e.db.ListCases(ctx, store.CaseQuery{Scope: store.Scope{Prefixes: []string{xh.Path}}, Limit: 1})
		if err != nil || len(xhCases.Cases) == 0 {
			t.Fatalf("a Xuhui case: %v", err)
		}
		before := contactLogCount(t, e, cmt.ID)
		today := calendar.DateOf(time.Now()).String()
		good := url.Values{"partner": {itoa(reg.ID)}, "day": {today}, "channel": {"phone"}, "topic": {"分流案件补充材料"}}
		for name, c := range map[string]struct {
			mod  func(url.Values)
			want string
		}{
			"empty topic":     {func(v url.Values) { v.Set("topic", " ") }, "请填写联络事由"},
			"unknown partner": {func(v url.Values) { v.Set("partner", "99999") }, "联络单位不存在"},
			"bad channel":     {func(v url.Values) { v.Set("channel", "fax") }, "请选择联络方式"},
			"future day":      {func(v url.Values) { v.Set("day", "2999-01-01") }, "不能在未来"},
			"case elsewhere":  {func(v url.Values) { v.Set("cases", itoa(xhCases.Cases[0].ID)) }, "不在本调委会的范围内"},
			"case by number":  {func(v url.Values) { v.Set("cases", xhCases.Cases[0].Number) }, "不在本调委会的范围内"},
			"unknown group":   {func(v url.Values) { v.Set("groups", "98765") }, "群体纠纷"},
		} {
			v := url.Values{}
			for k, x := range good {
				v[k] = append([]string(nil), x...)
			}
			c.mod(v)
			r := staff.form("POST", "/liaison/log", v)
			if r.StatusCode < 400 || r.StatusCode >= 500 || !strings.Contains(r.body, c.want) {
				t.Errorf("%s: %d, want 4xx with %q", name, r.StatusCode, c.want)
			}
		}
		// Another district's committee cannot write into Pudong's register.
		if r := e.login("xh_committee01").form("POST", "/liaison/log", good); r.StatusCode < 400 || r.StatusCode >= 500 {
			t.Errorf("Xuhui writes Pudong's log: %d", r.StatusCode)
		}
		if r := e.login("room_lead01").form("POST", "/liaison/log", good); r.StatusCode != 422 || !strings.Contains(r.body, "联络单位不存在") {
			t.Errorf("room lead writes the log: %d", r.StatusCode)
		}
		if n := contactLogCount(t, e, cmt.ID); n != before {
			t.Fatalf("bad input changed the log: %d → %d", before, n)
		}
		pdCases, _ := e.db.ListCases(ctx, store.CaseQuery{Scope: store.Scope{Prefixes: []string{cmt.Path}}, Limit: 1})
		ok := url.Values{}
		for k, x := range good {
			ok[k] = x
		}
		ok.Set("cases", pdCases.Cases[0].Number)
		if r := staff.form("POST", "/liaison/log", ok); r.StatusCode != 303 {
			t.Fatalf("log a contact: %d %s", r.StatusCode, r.body)
		}
		ls, _ := e.db.ListContactLog(ctx, store.ContactLogQuery{CommitteeIDs: []int64{cmt.ID}, Limit: 1})
		if len(ls) != 1 || len(ls[0].CaseIDs) != 1 || ls[0].CaseIDs[0] != pdCases.Cases[0].ID || contactLogCount(t, e, cmt.ID) != before+1 {
			t.Fatalf("logged: %+v", ls)
		}

		// A contact with a malformed phone is refused; a landline is kept masked.
		if r := staff.form("POST", "/liaison/contacts", url.Values{"partner": {itoa(reg.ID)}, "name": {"新联系人"}, "phone": {"12345"}}); r.StatusCode != 422 ||
			!strings.Contains(r.body, "格式不正确") {
			t.Errorf("bad phone: %d", r.StatusCode)
		}
		if r := staff.form("POST", "/liaison/partners", url.Values{"committee": {itoa(cmt.ID)}, "org": {itoa(unitByCode(t, e, demo.CodeXHCourt).ID)}}); r.StatusCode != 422 {
			t.Errorf("another district's court as a partner: %d", r.StatusCode)
		}

		// A briefing: pre-filled from the rollups, sent, frozen, read back.
		draft := staff.get("/liaison?draft=" + itoa(cmt.ID) + "&from=" + today[:8] + "01&to=" + today)
		if draft.StatusCode != 200 || !strings.Contains(draft.body, "共收到消费纠纷") {
			t.Fatalf("draft: %d", draft.StatusCode)
		}
		h, err := e.svc.Scorecard.Headline(ctx, principalOf(t, e, "committee01"), cmt.Code, today[:8]+"01", today)
		if err != nil {
			t.Fatal(err)
		}
		received := "共收到消费纠纷" + itoa(int64(h.Figures[0].Value)) + "件"
		if h.Figures[0].Code != "received" || !strings.Contains(draft.body, received) {
			t.Fatalf("draft does not carry the headline's %q", received)
		}
		briefs, _ := e.db.ListBriefings(ctx, []int64{cmt.ID})
		if r := staff.form("POST", "/liaison/briefings", url.Values{"committee": {itoa(cmt.ID)}, "title": {"测试通报"}, "from": {today[:8] + "01"},
			"to": {today}, "body": {"正文"}}); r.StatusCode != 422 || !strings.Contains(r.body, "请至少选择一个接收单位") {
			t.Errorf("no recipients: %d", r.StatusCode)
		}
		if after, _ := e.db.ListBriefings(ctx, []int64{cmt.ID}); len(after) != len(briefs) {
			t.Fatal("a refused briefing was stored")
		}
		outboxBefore, _ := e.texts(ctx, 1000)
		v := url.Values{"committee": {itoa(cmt.ID)}, "title": {"浦东新区消费纠纷调解工作情况通报（测试）"}, "from": {today[:8] + "01"}, "to": {today},
			"body": {"本期" + received + "。\n请各单位做好联动化解。"}}
		for _, p := range partners {
			v.Add("partner", itoa(p.ID))
		}
		r := staff.form("POST", "/liaison/briefings", v)
		if r.StatusCode != 303 || !strings.HasPrefix(r.Header.Get("Location"), "/liaison/briefings/") {
			t.Fatalf("send briefing: %d %s", r.StatusCode, r.body)
		}
		loc := r.Header.Get("Location")
		view := staff.get(loc)
		if view.StatusCode != 200 || !strings.Contains(view.body, "已发送") {
			t.Fatalf("briefing page: %d", view.StatusCode)
		}
		pdf := staff.get(loc + "/pdf")
		if pdf.StatusCode != 200 || pdf.Header.Get("Content-Type") != "application/pdf" {
			t.Fatalf("pdf: %d %s", pdf.StatusCode, pdf.Header.Get("Content-Type"))
		}
		sum := sha256.Sum256([]byte(pdf.body))
		if !strings.Contains(view.body, hex.EncodeToString(sum[:])) {
			t.Error("the PDF served is not the one frozen")
		}
		text := pdfText(t, []byte(pdf.body))
		for _, w := range []string{"情况通报（测试）", received, cmt.Name, reg.Name} {
			if !strings.Contains(text, strings.Join(strings.Fields(w), "")) {
				t.Errorf("PDF lacks %q", w)
			}
		}
		outboxAfter, _ := e.texts(ctx, 1000)
		if len(outboxAfter) <= len(outboxBefore) {
			t.Error("no SMS queued to the partners' mobiles")
		}
		for _, x := range outboxAfter {
			if strings.Contains(x.ToMask, "13900210001") {
				t.Error("outbox keeps a whole phone")
			}
		}
		// Another district's staff cannot open it.
		if r := e.login("xh_committee01").get(loc); r.StatusCode != 404 {
			t.Errorf("Xuhui opens Pudong's briefing: %d", r.StatusCode)
		}
		if r := e.login("xh_committee01").get(loc + "/pdf"); r.StatusCode != 404 {
			t.Errorf("Xuhui opens Pudong's PDF: %d", r.StatusCode)
		}
		if r := staff.form("POST", loc+"/received", url.Values{"partner": {itoa(reg.ID)}}); r.StatusCode != 303 {
			t.Fatalf("received: %d %s", r.StatusCode, r.body)
		}
		if r := staff.form("POST", loc+"/received", url.Values{"partner": {itoa(reg.ID)}}); r.StatusCode != 409 {
			t.Errorf("received twice: %d", r.StatusCode)
		}
	})
}

func pngOf(t *testing.T) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := png.Encode(&b, image.NewGray(image.Rect(0, 0, 8, 8))); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// TestPartnersStandardsPages: inspections are recorded by the committee,
// never by the room itself; a bad photo or a missing result changes
// nothing; a room lead sees their own room only; designation follows the
// rules and is revocable.
func TestPartnersStandardsPages(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		cmt := unitByCode(t, e, demo.CodeCommittee)
		room2, room4 := unitByCode(t, e, demo.OfficeRoomCode(2)), unitByCode(t, e, demo.OfficeRoomCode(4))
		ins, err := e.db.ListInspections(ctx, []int64{cmt.ID}, 0)
		if err != nil || len(ins) < 4 {
			t.Fatalf("demo inspections: %d %v", len(ins), err)
		}
		var in2, in4 int64
		for _, in := range ins {
			switch in.RoomID {
			case room2.ID:
				in2 = in.ID
			case room4.ID:
				in4 = in.ID
			}
		}
		staff := e.login("committee01")
		page := staff.get("/standards")
		if page.StatusCode != 200 || !strings.Contains(page.body, "逾期未完成的整改") || !strings.Contains(page.body, "调解成功率（近12个月）") {
			t.Fatalf("standards page: %d", page.StatusCode)
		}
		// The lead's warning hook: the demo's overdue item.
		today := calendar.DateOf(time.Now())
		overdue, err := e.svc.Standards.OverdueRectifications(ctx, today)
		if err != nil || len(overdue) != 1 || overdue[0].RoomID != room4.ID {
			t.Fatalf("overdue: %+v %v", overdue, err)
		}
		lead := e.login("room_lead04")
		if r := lead.get("/standards"); r.StatusCode != 200 || !strings.Contains(r.body, room4.Name) || strings.Contains(r.body, room2.Name) {
			t.Errorf("room lead's standards page: %d", r.StatusCode)
		}
		if r := lead.get("/standards/inspections/" + itoa(in4)); r.StatusCode != 200 || !strings.Contains(r.body, "已逾期") {
			t.Errorf("own room's inspection: %d", r.StatusCode)
		}
		if r := lead.get("/standards/inspections/" + itoa(in2)); r.StatusCode != 404 {
			t.Errorf("another room's inspection: %d", r.StatusCode)
		}
		if r := e.login("xh_committee01").get("/standards/inspections/" + itoa(in2)); r.StatusCode != 404 {
			t.Errorf("another district's committee: %d", r.StatusCode)
		}
		if r := e.login("regulator01").get("/standards"); r.StatusCode != 403 {
			t.Errorf("regulator: %d", r.StatusCode)
		}

		fields := map[string]string{"room": itoa(room2.ID), "day": today.String(), "inspectors": "王敏"}
		for _, p := range roomstandard.Default().Parts {
			for _, it := range p.Items {
				fields["item_"+it.Code] = roomstandard.Pass
			}
		}
		fields["rect_text_1"], fields["rect_due_1"], fields["rect_owner_1"], fields["rect_item_1"] = "补挂标识", today.AddDays(10).String(), "室主任", "A1"
		count := func() int {
			l, _ := e.db.ListInspections(ctx, []int64{cmt.ID}, 0)
			r, _ := e.db.ListRectifications(ctx, store.RectificationQuery{CommitteeIDs: []int64{cmt.ID}})
			return len(l)*1000 + len(r)
		}
		before := count()
		with := func(k, v string) map[string]string {
			m := map[string]string{}
			for a, b := range fields {
				m[a] = b
			}
			m[k] = v
			return m
		}
		for name, c := range map[string]struct {
			who, file string
			data      []byte
			fields    map[string]string
			status    int
			want      string
		}{
			"bad photo":        {"committee01", "现场.jpg", []byte("not an image"), fields, 422, "只能上传"},
			"pdf as photo":     {"committee01", "现场.pdf", []byte("%PDF-1.4\n%%EOF"), fields, 422, "照片"},
			"missing result":   {"committee01", "a.png", pngOf(t), with("item_B2", ""), 422, "请填写检查项 B2"},
			"no inspectors":    {"committee01", "a.png", pngOf(t), with("inspectors", ""), 422, "请填写检查人员"},
			"rect without due": {"committee01", "a.png", pngOf(t), with("rect_due_1", ""), 422, "整改期限无效"},
			"self-inspection":  {"room_lead02", "a.png", pngOf(t), fields, 403, "不能自查自评"},
			"wrong district":   {"xh_committee01", "a.png", pngOf(t), fields, 404, "工作室不存在"},
			"mediator":         {"mediator01", "a.png", pngOf(t), fields, 403, ""},
		} {
			r := uploadFile(e.login(c.who), "/standards/inspections", "photos", c.file, c.data, c.fields)
			if r.StatusCode != c.status || !strings.Contains(r.body, c.want) {
				t.Errorf("%s: %d, want %d with %q", name, r.StatusCode, c.status, c.want)
			}
		}
		if n := count(); n != before {
			t.Fatalf("refused inspections changed something: %d → %d", before, n)
		}
		r := uploadFile(staff, "/standards/inspections", "photos", "现场.png", pngOf(t), fields)
		if r.StatusCode != 303 {
			t.Fatalf("record: %d %s", r.StatusCode, r.body)
		}
		loc := r.Header.Get("Location")
		view := staff.get(loc)
		if view.StatusCode != 200 || !strings.Contains(view.body, "得分 100.0") || !strings.Contains(view.body, "补挂标识") {
			t.Fatalf("inspection page: %d", view.StatusCode)
		}
		id := strings.TrimPrefix(loc, "/standards/inspections/")
		got, _ := e.db.ListInspections(ctx, []int64{cmt.ID}, room2.ID)
		full, _ := e.db.GetInspection(ctx, got[0].ID)
		if len(full.Photos) != 1 || full.Photos[0].ContentType != "image/png" || len(full.Rectifications) != 1 {
			t.Fatalf("stored: %+v", full)
		}
		if ph := staff.get(loc + "/photos/" + itoa(full.Photos[0].ID)); ph.StatusCode != 200 || ph.Header.Get("Content-Type") != "image/png" {
			t.Errorf("photo: %d", ph.StatusCode)
		}
		rid := itoa(full.Rectifications[0].ID)
		if r := staff.form("POST", loc+"/rectifications", url.Values{"rectification": {rid}, "note": {""}}); r.StatusCode != 422 {
			t.Errorf("done without a note: %d", r.StatusCode)
		}
		if r := e.login("room_lead02").form("POST", loc+"/rectifications", url.Values{"rectification": {rid}, "note": {"已补挂"}}); r.StatusCode != 303 {
			t.Errorf("room lead closes their item: %d %s", r.StatusCode, r.body)
		}
		if r := staff.form("POST", "/standards/inspections/"+id+"/rectifications", url.Values{"rectification": {rid}, "note": {"again"}}); r.StatusCode != 409 {
			t.Errorf("closed twice: %d", r.StatusCode)
		}

		// Designation: the overdue room does not qualify; the reason names the criterion.
		if r := staff.form("POST", "/standards/designations", url.Values{"room": {itoa(room4.ID)}}); r.StatusCode != 422 || !strings.Contains(r.body, "逾期未完成的整改项：1 项") {
			t.Errorf("designate an overdue room: %d", r.StatusCode)
		}
		if r := e.login("room_lead04").form("POST", "/standards/designations", url.Values{"room": {itoa(room4.ID)}}); r.StatusCode != 403 {
			t.Errorf("room lead designates: %d", r.StatusCode)
		}
		ds, _ := e.db.ListDesignations(ctx, []int64{cmt.ID})
		for _, d := range ds {
			if d.RevokedDay != "" {
				continue
			}
			if r := staff.form("POST", "/standards/designations/revoke", url.Values{"designation": {itoa(d.ID)}, "reason": {""}}); r.StatusCode != 422 {
				t.Errorf("revoke without a reason: %d", r.StatusCode)
			}
			if r := e.login("xh_committee01").form("POST", "/standards/designations/revoke", url.Values{"designation": {itoa(d.ID)}, "reason": {"x"}}); r.StatusCode != 404 {
				t.Errorf("Xuhui revokes Pudong's: %d", r.StatusCode)
			}
			if r := staff.form("POST", "/standards/designations/revoke", url.Values{"designation": {itoa(d.ID)}, "reason": {"复查不合格"}}); r.StatusCode != 303 {
				t.Errorf("revoke: %d %s", r.StatusCode, r.body)
			}
		}
	})
}

// TestPartnersDesignation: a room that meets the rules (thresholds relaxed
// so the small test demo has one) is inspected, designated once, revoked
// with a reason and designated again; the basis names its figures.
func TestPartnersDesignation(t *testing.T) {
	for _, eng := range storetest.Engines(t) {
		t.Run(eng.Name, func(t *testing.T) {
			t.Parallel()
			relaxed := roomstandard.ModelRules{Version: "test", MinInspection: 90, MaxInspectionAge: 366, MinSuccessRate: 1, MinOnTimeRate: 1, MinMediated: 1}
			e := newEnvWith(t, eng, func(s *platform.Services) { s.Standards.Rules = &relaxed })
			ctx := context.Background()
			staff := e.login("committee01")
			who := principalOf(t, e, "committee01")
			ov, err := e.svc.Standards.Overview(ctx, who)
			if err != nil {
				t.Fatal(err)
			}
			var room store.OrgUnit
			for _, r := range ov.Rooms {
				if r.Verdict != nil && r.Verdict.Criteria[1].Met && r.Verdict.Criteria[2].Met && r.Verdict.Criteria[3].Met && r.Designation == nil {
					room = r.Room
					break
				}
			}
			if room.ID == 0 {
				t.Fatal("no room of the test demo has mediated and closed cases")
			}
			today := calendar.DateOf(time.Now())
			fields := map[string]string{"room": itoa(room.ID), "day": today.String(), "inspectors": "王敏"}
			for _, p := range roomstandard.Default().Parts {
				for _, it := range p.Items {
					fields["item_"+it.Code] = roomstandard.Partial
				}
			}
			// 50 points: below the threshold, so not yet.
			if r := uploadFile(staff, "/standards/inspections", "photos", "a.png", pngOf(t), fields); r.StatusCode != 303 {
				t.Fatalf("inspection: %d %s", r.StatusCode, r.body)
			}
			if r := staff.form("POST", "/standards/designations", url.Values{"room": {itoa(room.ID)}}); r.StatusCode != 422 || !strings.Contains(r.body, "50.0 分") {
				t.Fatalf("designate at 50 points: %d", r.StatusCode)
			}
			for k := range fields {
				if strings.HasPrefix(k, "item_") {
					fields[k] = roomstandard.Pass
				}
			}
			if r := uploadFile(staff, "/standards/inspections", "photos", "a.png", pngOf(t), fields); r.StatusCode != 303 {
				t.Fatalf("inspection: %d %s", r.StatusCode, r.body)
			}
			if r := staff.form("POST", "/standards/designations", url.Values{"room": {itoa(room.ID)}}); r.StatusCode != 303 {
				t.Fatalf("designate: %d %s", r.StatusCode, r.body)
			}
			if r := staff.form("POST", "/standards/designations", url.Values{"room": {itoa(room.ID)}}); r.StatusCode != 409 {
				t.Errorf("designate twice: %d", r.StatusCode)
			}
			ds, _ := e.db.ListDesignations(ctx, []int64{room.ParentID})
			var d store.Designation
			for _, x := range ds {
				if x.RoomID == room.ID && x.RevokedDay == "" {
					d = x
				}
			}
			if d.ID == 0 || !strings.Contains(d.Basis, "100.0 分") || !strings.Contains(d.Basis, "调解成功率") || d.Designator == "" {
				t.Fatalf("designation: %+v", d)
			}
			if r := staff.get("/standards"); !strings.Contains(r.body, "是（"+today.String()+"）") {
				t.Error("the page does not show the designation")
			}
			if r := staff.form("POST", "/standards/designations/revoke", url.Values{"designation": {itoa(d.ID)}, "reason": {"复查不合格"}}); r.StatusCode != 303 {
				t.Fatalf("revoke: %d %s", r.StatusCode, r.body)
			}
			if r := staff.form("POST", "/standards/designations/revoke", url.Values{"designation": {itoa(d.ID)}, "reason": {"again"}}); r.StatusCode != 409 {
				t.Errorf("revoke twice: %d", r.StatusCode)
			}
			if r := staff.form("POST", "/standards/designations", url.Values{"room": {itoa(room.ID)}}); r.StatusCode != 303 {
				t.Errorf("designate again after revocation: %d", r.StatusCode)
			}
		})
	}
}

// The contact log shows each committee's newest lines and pages back by
// cursor; the pages together hold every line once, newest first. A cursor
// no page gave, or another district's committee, is refused.
func TestLiaisonLogPages(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		cmt := unitByCode(t, e, demo.CodeCommittee)
		xh := unitByCode(t, e, demo.CodeXHCommittee)
		partners, err := e.db.ListPartners(ctx, []int64{cmt.ID})
		if err != nil || len(partners) == 0 {
			t.Fatalf("demo partners: %v", err)
		}
		start := calendar.DateOf(time.Now()).AddDays(-200)
		for i := range 2*liaison.LogPageSize + 5 {
			l := store.ContactLog{CommitteeID: cmt.ID, PartnerID: partners[0].ID, Day: start.AddDays(i / 2).String(), Channel: "phone",
				Topic: fmt.Sprintf("联络事项%03d", i), Recorder: "测试", Created: time.Now()}
			if err := e.db.AddContactLog(ctx, &l); err != nil {
				t.Fatal(err)
			}
		}
		want, err := e.db.ListContactLog(ctx, store.ContactLogQuery{CommitteeIDs: []int64{cmt.ID}, Limit: 1000})
		if err != nil {
			t.Fatal(err)
		}
		staff := e.login("committee01")
		next := regexp.MustCompile(`id="log-next-` + itoa(cmt.ID) + `" href="(/liaison\?log=[^"#]+)`)
		topic := regexp.MustCompile(`<td data-label="事由">([^<]+)`)
		var got []string
		path := "/liaison"
		for pages := 0; path != ""; pages++ {
			r := staff.get(path)
			if r.StatusCode != 200 || pages > len(want) {
				t.Fatalf("%s: %d", path, r.StatusCode)
			}
			// Only this committee's section is on the page for committee01.
			lines := topic.FindAllStringSubmatch(r.body, -1)
			if pages == 0 && len(lines) != liaison.LogPageSize {
				t.Fatalf("the first page shows %d lines", len(lines))
			}
			for _, m := range lines {
				got = append(got, m[1])
			}
			path = ""
			if m := next.FindStringSubmatch(r.body); m != nil {
				path = strings.ReplaceAll(m[1], "&amp;", "&")
				if pages > 0 && !strings.Contains(r.body, "回到最近的记录") {
					t.Fatal("a later page without the way back")
				}
			}
		}
		if len(got) != len(want) {
			t.Fatalf("pages hold %d lines, the log %d", len(got), len(want))
		}
		for i := range want {
			if got[i] != want[i].Topic {
				t.Fatalf("line %d: %q, want %q", i, got[i], want[i].Topic)
			}
		}
		cursor := store.DayCursor{Day: want[0].Day, ID: want[0].ID}.String()
		if r := staff.get("/liaison?log=" + itoa(cmt.ID) + "&after=xyz"); r.StatusCode != 400 || !strings.Contains(r.body, store.BadCursorMessage) {
			t.Errorf("bad cursor: %d", r.StatusCode)
		}
		if r := staff.get("/liaison?log=" + itoa(xh.ID) + "&after=" + cursor); r.StatusCode != 404 || !strings.Contains(r.body, "找不到调委会") {
			t.Errorf("another district's log: %d", r.StatusCode)
		}
	})
}
