package server_test

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"testing"

	"github.com/tiaojie/tiaojie/internal/api"
	"github.com/tiaojie/tiaojie/internal/demo"
	"github.com/tiaojie/tiaojie/internal/domain"
	"github.com/tiaojie/tiaojie/internal/store"
)

// roomCases are closed cases of pd-room-01 (room_lead01's room) in a status.
func roomCases(t *testing.T, e *env, statuses ...domain.Status) []store.Case {
	t.Helper()
	ctx := context.Background()
	room, err := e.db.GetOrgUnitByCode(ctx, demo.OfficeRoomCode(1))
	if err != nil {
		t.Fatal(err)
	}
	page, err := e.db.ListCases(ctx, store.CaseQuery{Scope: store.Scope{Prefixes: []string{room.Path}}, Statuses: statuses, Limit: 500})
	if err != nil {
		t.Fatal(err)
	}
	return page.Cases
}

// nominateOne nominates the first case of room 1 that may be nominated.
func nominateOne(t *testing.T, e *env, c *client) (api.LibraryDraftJSON, store.Case) {
	t.Helper()
	for _, k := range roomCases(t, e, domain.StatusFollowedUp, domain.StatusArchived) {
		r := c.json("POST", "/api/v1/library", map[string]any{"case_id": k.ID}, nil)
		if r.StatusCode == 201 {
			var d api.LibraryDraftJSON
			json_(r.body, &d)
			full, _ := e.db.GetCase(context.Background(), k.ID)
			return d, full
		}
		if r.StatusCode != 422 && r.StatusCode != 409 {
			t.Fatalf("nominate %d: %d %s", k.ID, r.StatusCode, r.body)
		}
	}
	t.Fatal("no case of room 1 could be nominated")
	return api.LibraryDraftJSON{}, store.Case{}
}

// eligibleCases are closed cases of room 1 with an agreement in effect and
// no application for judicial confirmation.
func eligibleCases(t *testing.T, e *env) []store.Case {
	t.Helper()
	ctx := context.Background()
	var out []store.Case
	for _, k := range roomCases(t, e, domain.StatusFollowedUp, domain.StatusArchived) {
		if _, err := e.db.GetJudicialApplication(ctx, k.ID); err == nil {
			continue
		}
		if a, err := e.db.GetAgreement(ctx, k.ID); err == nil && a.EffectiveAt != nil {
			out = append(out, k)
		}
	}
	if len(out) == 0 {
		t.Fatal("no eligible case in room 1")
	}
	return out
}

func libraryAudit(t *testing.T, e *env, id int64) []string {
	t.Helper()
	es, err := e.db.ListAudit(context.Background(), store.AuditQuery{Object: fmt.Sprintf("typical_case:%d", id), Scope: store.Scope{All: true}, Limit: 50})
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, en := range es {
		out = append(out, en.Action)
	}
	return out
}

// TestLibraryWorkflow: a room lead nominates a closed case, the draft is
// anonymised, edited (the scan runs on every save), submitted; the
// committee's publication is refused while the scan finds something, then
// published and public without sign-in; withdrawn, it is gone again. The
// other district and roles without the permission see and change nothing;
// bad input is refused in Chinese and changes nothing.
func TestLibraryWorkflow(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *env) {
		lead, cmt, anon := e.login("room_lead01"), e.login("committee01"), e.anon()
		var pub api.LibraryListJSON
		if r := anon.json("GET", "/api/v1/library", nil, nil); r.StatusCode != 200 {
			t.Fatalf("public list: %d %s", r.StatusCode, r.body)
		} else {
			json_(r.body, &pub)
		}
		if pub.Total != 2 || len(pub.Cases) != 2 {
			t.Fatalf("the demo publishes two typical cases: %+v", pub)
		}
		d, c := nominateOne(t, e, lead)
		if d.Status != "draft" || d.CaseID != c.ID || d.Version != 1 || d.Significance != "" || d.Facts == "" || d.Result == "" {
			t.Fatalf("draft: %+v", d)
		}
		for _, p := range c.Parties {
			if p.Kind == "consumer" && strings.Contains(d.Facts+d.Process+d.Result, p.Name) {
				t.Fatalf("consumer's name %s in the draft: %+v", p.Name, d)
			}
		}
		if c.MerchantName != "" && strings.Contains(d.Facts, c.MerchantName) {
			t.Fatalf("merchant's name in the draft: %s", d.Facts)
		}
		if !d.Clean || len(d.Hits) != 0 {
			t.Fatalf("a fresh draft scans clean: %+v", d.Hits)
		}
		path := fmt.Sprintf("/api/v1/library/%d", d.ID)
		// Nothing unpublished is public: API and page answer 404, the list leaves it out.
		if r := anon.json("GET", path, nil, nil); r.StatusCode != 404 || !strings.Contains(r.body, "不存在") {
			t.Fatalf("draft through the public API: %d %s", r.StatusCode, r.body)
		}
		if r := anon.get(fmt.Sprintf("/library/%d", d.ID)); r.StatusCode != 404 || strings.Contains(r.body, d.Facts) {
			t.Fatalf("draft on the public page: %d", r.StatusCode)
		}
		// A second live nomination of the same case is a conflict.
		if r := cmt.json("POST", "/api/v1/library", map[string]any{"case_id": c.ID}, nil); r.StatusCode != 409 || !strings.Contains(r.body, "已被推荐") {
			t.Fatalf("second nomination: %d %s", r.StatusCode, r.body)
		}
		// The other district and roles without the permission.
		xh := e.login("xh_committee01")
		for _, x := range []struct{ method, path string }{{"GET", "/api/v1/library/drafts/%d"}, {"PUT", "/api/v1/library/%d"},
			{"POST", "/api/v1/library/%d/publish"}, {"POST", "/api/v1/library/%d/withdraw"}} {
			var body any
			switch {
			case x.method == "PUT":
				body = map[string]any{"title": "x", "facts": "x", "result": "x"}
			case strings.HasSuffix(x.path, "withdraw"):
				body = map[string]any{"reason": "x"}
			}
			if r := xh.json(x.method, fmt.Sprintf(x.path, d.ID), body, nil); r.StatusCode != 404 || !strings.Contains(r.body, "不存在") {
				t.Errorf("%s %s from the other district: %d %s", x.method, x.path, r.StatusCode, r.body)
			}
		}
		var xl api.LibraryDraftList
		json_(xh.json("GET", "/api/v1/library/drafts", nil, nil).body, &xl)
		if xl.Total != 0 {
			t.Fatalf("the other district lists %d typical cases", xl.Total)
		}
		if r := xh.json("POST", "/api/v1/library", map[string]any{"case_id": c.ID}, nil); r.StatusCode != 404 {
			t.Fatalf("the other district nominates a Pudong case: %d %s", r.StatusCode, r.body)
		}
		if r := e.login("mediator01").json("POST", "/api/v1/library", map[string]any{"case_id": c.ID}, nil); r.StatusCode != 403 || !strings.Contains(r.body, "无权") {
			t.Fatalf("mediator nominates: %d %s", r.StatusCode, r.body)
		}
		if r := e.login("xh_committee01").get(fmt.Sprintf("/library/drafts/%d", d.ID)); r.StatusCode != 404 {
			t.Fatalf("editor page from the other district: %d", r.StatusCode)
		}
		// Bad input: Chinese message, nothing changed.
		if r := lead.json("PUT", path, map[string]any{"title": "", "facts": "x", "result": "x"}, nil); r.StatusCode != 422 || !strings.Contains(r.body, "请填写标题") {
			t.Fatalf("empty title: %d %s", r.StatusCode, r.body)
		}
		if r := lead.json("PUT", path, map[string]any{"title": strings.Repeat("长", 61), "facts": "x", "result": "x"}, nil); r.StatusCode != 422 || !strings.Contains(r.body, "不能超过60字") {
			t.Fatalf("long title: %d %s", r.StatusCode, r.body)
		}
		if r := lead.json("POST", path+"/submit", nil, nil); r.StatusCode != 422 || !strings.Contains(r.body, "典型意义") {
			t.Fatalf("submit without significance: %d %s", r.StatusCode, r.body)
		}
		if r := lead.json("POST", path+"/publish", nil, nil); r.StatusCode != 403 {
			t.Fatalf("room lead publishes: %d %s", r.StatusCode, r.body)
		}
		var cur api.LibraryDraftJSON
		json_(lead.json("GET", "/api/v1/library/drafts/"+itoa(d.ID), nil, nil).body, &cur)
		if cur.Version != 1 || cur.Status != "draft" || cur.Title != d.Title {
			t.Fatalf("refused requests changed the draft: %+v", cur)
		}
		// The editor writes the significance and, by mistake, a phone and the consumer's name.
		name := ""
		for _, p := range c.Parties {
			if p.Kind == "consumer" {
				name = p.Name
			}
		}
		edit := map[string]any{"version": 1, "title": d.Title, "category": d.Category, "facts": d.Facts + "\n联系电话138 1234 5678，" + name + "称已报警。",
			"process": d.Process, "result": d.Result, "significance": "预付式消费要守约。"}
		var ed api.LibraryDraftJSON
		if r := lead.json("PUT", path, edit, nil); r.StatusCode != 200 {
			t.Fatalf("edit: %d %s", r.StatusCode, r.body)
		} else {
			json_(r.body, &ed)
		}
		kinds := map[string]bool{}
		for _, h := range ed.Hits {
			kinds[h.Kind] = true
			if h.Field != "facts" || h.Start < 0 || h.End <= h.Start || strings.Contains(h.Excerpt, "1234") {
				t.Errorf("hit: %+v", h)
			}
		}
		if ed.Clean || !kinds["phone"] || !kinds["name"] || ed.Version != 2 {
			t.Fatalf("scan on save: %+v", ed)
		}
		if r := lead.json("PUT", path, edit, nil); r.StatusCode != 409 {
			t.Fatalf("stale edit: %d %s", r.StatusCode, r.body)
		}
		if r := lead.json("POST", path+"/submit", nil, nil); r.StatusCode != 200 {
			t.Fatalf("submit: %d %s", r.StatusCode, r.body)
		}
		var refused api.LibraryScanError
		if r := cmt.json("POST", path+"/publish", nil, nil); r.StatusCode != 409 || !strings.Contains(r.body, "匿名化检查发现") {
			t.Fatalf("publish with hits: %d %s", r.StatusCode, r.body)
		} else {
			json_(r.body, &refused)
		}
		if len(refused.Hits) < 2 || refused.Code != "conflict" {
			t.Fatalf("refusal lists the hits: %+v", refused)
		}
		if r := anon.json("GET", path, nil, nil); r.StatusCode != 404 {
			t.Fatalf("refused publication is public: %d", r.StatusCode)
		}
		// The committee corrects it and publishes.
		edit["version"], edit["facts"] = 3, d.Facts
		if r := cmt.json("POST", path, edit, nil); r.StatusCode != 200 || !strings.Contains(r.body, `"clean":true`) {
			t.Fatalf("correct: %d %s", r.StatusCode, r.body)
		}
		if r := cmt.json("POST", path+"/publish", map[string]any{"version": 4}, nil); r.StatusCode != 200 || !strings.Contains(r.body, `"status":"published"`) {
			t.Fatalf("publish: %d %s", r.StatusCode, r.body)
		}
		var one api.LibraryCaseJSON
		if r := anon.json("GET", path, nil, nil); r.StatusCode != 200 {
			t.Fatalf("published, public: %d %s", r.StatusCode, r.body)
		} else {
			json_(r.body, &one)
		}
		if one.Significance != "预付式消费要守约。" || strings.Contains(one.Facts, name) || strings.Contains(one.Facts, "1234") || one.Committee == "" {
			t.Fatalf("public case: %+v", one)
		}
		if r := anon.get(fmt.Sprintf("/library/%d", d.ID)); r.StatusCode != 200 || !strings.Contains(r.body, "预付式消费要守约") || !strings.Contains(r.body, "big-toggle") ||
			strings.Contains(r.body, c.Number) {
			t.Fatalf("public page: %d", r.StatusCode)
		}
		json_(anon.json("GET", "/api/v1/library?q="+url.QueryEscape("预付式消费要守约"), nil, nil).body, &pub)
		if pub.Total != 1 || pub.Cases[0].ID != d.ID {
			t.Fatalf("search: %+v", pub)
		}
		json_(anon.json("GET", "/api/v1/library?category="+url.QueryEscape(d.Category), nil, nil).body, &pub)
		if pub.Total < 1 {
			t.Fatalf("category: %+v", pub)
		}
		// Published text is no longer edited; withdrawal needs a reason.
		if r := lead.json("PUT", path, edit, nil); r.StatusCode != 409 {
			t.Fatalf("edit a published case: %d %s", r.StatusCode, r.body)
		}
		if r := cmt.json("POST", path+"/withdraw", map[string]any{"reason": "  "}, nil); r.StatusCode != 422 || !strings.Contains(r.body, "撤回理由") {
			t.Fatalf("withdraw without a reason: %d %s", r.StatusCode, r.body)
		}
		if r := cmt.json("POST", path+"/withdraw", map[string]any{"reason": "当事人对公开提出异议"}, nil); r.StatusCode != 200 || !strings.Contains(r.body, "当事人对公开提出异议") {
			t.Fatalf("withdraw: %d %s", r.StatusCode, r.body)
		}
		if r := anon.json("GET", path, nil, nil); r.StatusCode != 404 {
			t.Fatalf("withdrawn, still public: %d", r.StatusCode)
		}
		if r := anon.get("/library?q=" + url.QueryEscape("预付式消费要守约")); r.StatusCode != 200 || strings.Contains(r.body, fmt.Sprintf("/library/%d\"", d.ID)) {
			t.Fatalf("withdrawn, still listed: %d", r.StatusCode)
		}
		// Nomination, every edit, submission, publication and withdrawal are on the audit trail.
		acts := strings.Join(libraryAudit(t, e, d.ID), "|")
		for _, want := range []string{"nominate typical case", "edit typical case", "typical case submitted", "typical case published", "typical case withdrawn"} {
			if !strings.Contains(acts, want) {
				t.Errorf("audit trail lacks %q: %s", want, acts)
			}
		}
	})
}

// TestLibraryBlocked: judicially confirmed agreements, a declared minor, a
// case still open, an unknown case: refused with a Chinese reason, nothing written.
func TestLibraryBlocked(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		cmt := e.login("committee01")
		before, _, _ := e.db.ListTypicalCases(ctx, store.TypicalCaseQuery{Scope: store.Scope{All: true}})
		judicial := 0
		for _, k := range roomCases(t, e, domain.StatusFollowedUp, domain.StatusArchived, domain.StatusPerforming) {
			if ja, err := e.db.GetJudicialApplication(ctx, k.ID); err == nil && ja.Status != "rejected" {
				r := cmt.json("POST", "/api/v1/library", map[string]any{"case_id": k.ID}, nil)
				if r.StatusCode != 422 || !strings.Contains(r.body, "司法确认") || !strings.Contains(r.body, "法释〔2016〕19号") {
					t.Fatalf("judicial case %d (%s): %d %s", k.ID, ja.Status, r.StatusCode, r.body)
				}
				judicial++
			}
		}
		if judicial == 0 {
			t.Log("no judicial application in room 1 of this demo")
		}
		closed := eligibleCases(t, e)
		if r := cmt.json("POST", "/api/v1/library", map[string]any{"case_id": closed[0].ID, "involves_minor": true}, nil); r.StatusCode != 422 || !strings.Contains(r.body, "未成年人") {
			t.Fatalf("declared minor: %d %s", r.StatusCode, r.body)
		}
		open := roomCases(t, e, domain.StatusMediating, domain.StatusAssigned, domain.StatusAccepted)
		if len(open) > 0 {
			if r := cmt.json("POST", "/api/v1/library", map[string]any{"case_id": open[0].ID}, nil); r.StatusCode != 422 || !strings.Contains(r.body, "只有已达成调解协议或依法终止调解的案件") {
				t.Fatalf("open case: %d %s", r.StatusCode, r.body)
			}
		}
		if r := cmt.json("POST", "/api/v1/library", map[string]any{"case_id": 99999999}, nil); r.StatusCode != 404 || !strings.Contains(r.body, "不存在") {
			t.Fatalf("unknown case: %d %s", r.StatusCode, r.body)
		}
		if r := cmt.json("POST", "/api/v1/library", map[string]any{}, nil); r.StatusCode != 422 || !strings.Contains(r.body, "case_id") {
			t.Fatalf("no case: %d %s", r.StatusCode, r.body)
		}
		if r := cmt.json("POST", "/api/v1/library", `{"case_id": "12"}`, nil); r.StatusCode != 400 {
			t.Fatalf("wrong type: %d %s", r.StatusCode, r.body)
		}
		after, _, _ := e.db.ListTypicalCases(ctx, store.TypicalCaseQuery{Scope: store.Scope{All: true}})
		if after != nil && len(after) != len(before) {
			t.Fatalf("refused nominations wrote %d typical cases", len(after)-len(before))
		}
		// The page form says the same.
		r := cmt.form("POST", "/library/drafts", url.Values{"case_id": {itoa(closed[0].ID)}, "involves_minor": {"1"}})
		if r.StatusCode != 422 || !strings.Contains(r.body, "未成年人") {
			t.Fatalf("page nomination of a minor: %d", r.StatusCode)
		}
	})
}

// TestLibraryPages: the public list (no sign-in) shows only published cases,
// filters by category, pages; the staff pages need the permission and show
// the original beside the draft with the scan, phones only masked.
func TestLibraryPages(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		anon := e.anon()
		all, _, err := e.db.ListTypicalCases(ctx, store.TypicalCaseQuery{Scope: store.Scope{All: true}})
		if err != nil || len(all) != 3 {
			t.Fatalf("demo typical cases: %d %v", len(all), err)
		}
		r := anon.get("/library")
		if r.StatusCode != 200 || !strings.Contains(r.body, "典型案例") || !strings.Contains(r.body, "big-toggle") {
			t.Fatalf("public list: %d", r.StatusCode)
		}
		for _, tc := range all {
			link := fmt.Sprintf(`href="/library/%d"`, tc.ID)
			if tc.Status == "published" != strings.Contains(r.body, link) {
				t.Errorf("%s case %d listed: %v", tc.Status, tc.ID, strings.Contains(r.body, link))
			}
			page := anon.get(fmt.Sprintf("/library/%d", tc.ID))
			if (tc.Status == "published") != (page.StatusCode == 200) {
				t.Errorf("%s case %d page: %d", tc.Status, tc.ID, page.StatusCode)
			}
			if tc.Status == "published" {
				cat := anon.get("/library?category=" + url.QueryEscape(tc.Category))
				if !strings.Contains(cat.body, fmt.Sprintf(`href="/library/%d"`, tc.ID)) {
					t.Errorf("category %s does not list %d", tc.Category, tc.ID)
				}
			}
		}
		if r := anon.get("/library?category=" + url.QueryEscape("不存在的类别")); r.StatusCode != 200 || !strings.Contains(r.body, "暂无符合条件") {
			t.Fatalf("empty category: %d", r.StatusCode)
		}
		if r := anon.get("/library?q=" + strings.Repeat("长", 51)); r.StatusCode != 400 || !strings.Contains(r.body, "关键词不能超过50字") {
			t.Fatalf("long keyword: %d", r.StatusCode)
		}
		if r := anon.get("/library/drafts"); r.StatusCode != 303 && r.StatusCode != 302 && r.StatusCode != 401 {
			t.Fatalf("drafts without sign-in: %d", r.StatusCode)
		}
		if r := e.login("mediator01").get("/library/drafts"); r.StatusCode != 403 {
			t.Fatalf("drafts as a mediator: %d", r.StatusCode)
		}
		cmt := e.login("committee01")
		r = cmt.get("/library/drafts")
		if r.StatusCode != 200 || !strings.Contains(r.body, "待审核") || !strings.Contains(r.body, "推荐为典型案例") || !strings.Contains(r.body, `href="/library/drafts"`) {
			t.Fatalf("drafts page: %d", r.StatusCode)
		}
		var submitted store.TypicalCase
		for _, tc := range all {
			if tc.Status == "submitted" {
				submitted = tc
			}
		}
		r = cmt.get(fmt.Sprintf("/library/drafts/%d", submitted.ID))
		c, _ := e.db.GetCase(ctx, submitted.CaseID)
		if r.StatusCode != 200 || !strings.Contains(r.body, "原案") || !strings.Contains(r.body, c.Number) || !strings.Contains(r.body, "lib-scan-clean") ||
			!strings.Contains(r.body, "lib-publish") {
			t.Fatalf("editor: %d", r.StatusCode)
		}
		for _, p := range c.Parties {
			if p.PhoneMask != "" && !strings.Contains(r.body, p.PhoneMask) {
				t.Errorf("masked phone %s not shown", p.PhoneMask)
			}
		}
		// Save through the page form: refused input keeps what was typed.
		r = cmt.form("POST", fmt.Sprintf("/library/drafts/%d", submitted.ID), url.Values{"version": {itoa(submitted.Version)}, "title": {""},
			"facts": {"改过的案情"}, "result": {submitted.Result}})
		if r.StatusCode != 422 || !strings.Contains(r.body, "请填写标题") || !strings.Contains(r.body, "改过的案情") {
			t.Fatalf("page save refused: %d", r.StatusCode)
		}
		r = cmt.form("POST", fmt.Sprintf("/library/drafts/%d/publish", submitted.ID), url.Values{"version": {itoa(submitted.Version)}})
		if r.StatusCode != 303 {
			t.Fatalf("page publish: %d %s", r.StatusCode, r.body)
		}
		if r := anon.get(fmt.Sprintf("/library/%d", submitted.ID)); r.StatusCode != 200 {
			t.Fatalf("published through the page: %d", r.StatusCode)
		}
	})
}
