package server_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/tiaojie/tiaojie/internal/administration"
	"github.com/tiaojie/tiaojie/internal/domain"
	"github.com/tiaojie/tiaojie/internal/notify"
	"github.com/tiaojie/tiaojie/internal/store"
)

// Separated duties (三员分立), the administrator's side of the outbox: the
// outbox page shows no verification code and no party link, nor do the rows
// behind it, and what the administrator can see opens no consent page. The
// party still receives the real text (read here as the gateway would).
func TestOutboxHidesCodesAndLinksFromAdmin(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		cmt, _ := e.db.GetOrgUnitByCode(ctx, "pd-cmt")
		if r := e.anon().form("POST", "/file", url.Values{"committee": {itoa(cmt.ID)}, "phone": {"13611117777"}, "action": {"code"}}); r.StatusCode != 200 {
			t.Fatalf("code: %d", r.StatusCode)
		}
		reg := e.login("regulator01")
		var c caseOut
		json_(reg.json("POST", "/api/v1/complaints", validComplaint("1231520261127000888"), nil).body, &c)
		if r := e.login("committee01").form("POST", "/cases/"+itoa(c.ID)+"/accept", url.Values{}); r.StatusCode != 303 {
			t.Fatalf("accept: %d", r.StatusCode)
		}
		if r := e.login("mediator01").form("POST", "/cases/"+itoa(c.ID)+"/consent/request", url.Values{"merchant_phone": {"13700007777"}}); r.StatusCode != 303 {
			t.Fatalf("request consent: %d %s", r.StatusCode, r.body)
		}

		// What the parties receive: a code and two working consent links.
		texts, err := e.texts(ctx, 50)
		if err != nil {
			t.Fatal(err)
		}
		var code string
		var links []string
		for _, x := range texts {
			if m := regexp.MustCompile(`验证码为(\d{6})`).FindStringSubmatch(x.Body); m != nil && code == "" {
				code = m[1]
			}
			if x.CaseID == c.ID {
				links = append(links, linkRe.FindString(x.Body))
			}
		}
		if code == "" || len(links) != 2 || links[0] == "" || links[1] == "" {
			t.Fatalf("the parties' texts lack the code or the links: %q %q", code, links)
		}
		if p := e.anon().get(links[0]); p.StatusCode != 200 {
			t.Fatalf("the party's link does not open: %d", p.StatusCode)
		}

		// The rows as stored keep neither.
		rows, _ := e.db.ListOutbox(ctx, 50)
		for _, x := range rows {
			if strings.Contains(x.Body, code) || linkRe.MatchString(x.Body) {
				t.Fatalf("stored row keeps a code or link: %q", x.Body)
			}
		}

		// The administrator's page shows them masked.
		admin := e.login("admin")
		page := admin.get("/admin/outbox")
		if page.StatusCode != 200 || !strings.Contains(page.body, c.Number) || !strings.Contains(page.body, "验证码为"+notify.CodeMask) ||
			!strings.Contains(page.body, "/consent/…") {
			t.Fatalf("outbox page: %d", page.StatusCode)
		}
		for _, secret := range append([]string{code}, strings.TrimPrefix(links[0], "/consent/"), strings.TrimPrefix(links[1], "/consent/")) {
			if strings.Contains(page.body, secret) {
				t.Fatalf("the outbox page shows %q", secret)
			}
		}
		// Whatever looks like a link on the page opens no party's page.
		for _, l := range regexp.MustCompile(`/consent/[^\s<"]*`).FindAllString(page.body, -1) {
			if p := admin.get(l); p.StatusCode == 200 && strings.Contains(p.body, c.Number) {
				t.Fatalf("the admin opened %s", l)
			}
		}
		// Nor does the job queue show anything of the texts.
		if jp := admin.get("/admin/jobs"); jp.StatusCode != 200 || strings.Contains(jp.body, code) || strings.Contains(jp.body, "13611117777") {
			t.Fatalf("jobs page: %d", jp.StatusCode)
		}
		// And the admin reads no case.
		if r := admin.get("/cases/" + itoa(c.ID)); r.StatusCode != http.StatusForbidden {
			t.Fatalf("admin opens a case: %d", r.StatusCode)
		}
	})
}

// grantID is the newest pending request for username.
func grantID(t *testing.T, e *env, username string) int64 {
	t.Helper()
	u, err := e.db.GetUserByUsername(context.Background(), username)
	if err != nil {
		t.Fatal(err)
	}
	gs, err := e.db.ListGrantRequests(context.Background(), store.GrantQuery{UserID: u.ID, State: store.GrantPending})
	if err != nil || len(gs) == 0 {
		t.Fatalf("no pending request for %s: %v", username, err)
	}
	return gs[0].ID
}

// The administrator cannot give anyone a case role alone: a committee role
// is pending until someone else approves it; the same admin may not, a
// committee of another district does not even see it, the committee of the
// district does. Self-grants are refused; every step is on the audit trail.
func TestGrantNeedsSecondPerson(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		cmt, _ := e.db.GetOrgUnitByCode(ctx, "pd-cmt")
		admin := e.login("admin")
		r := admin.form("POST", "/admin/users", url.Values{"username": {"new_cmt"}, "display_name": {"新委员"}, "password": {password},
			"role": {"committee"}, "org": {itoa(cmt.ID)}, "reason": {"调委会新任委员"}})
		if r.StatusCode != 303 {
			t.Fatalf("create: %d %s", r.StatusCode, r.body)
		}
		u, _ := e.db.GetUserByUsername(ctx, "new_cmt")
		// The new member replaces the administrator's initial password with
		// their own (the same text here) before signing in.
		if err := e.db.SetPassword(ctx, u.ID, u.PasswordHash); err != nil {
			t.Fatal(err)
		}
		if bs, _ := e.db.ListBindings(ctx, u.ID); len(bs) != 0 {
			t.Fatalf("bound before approval: %+v", bs)
		}
		id := grantID(t, e, "new_cmt")
		nc := e.login("new_cmt")
		if r := nc.get("/cases"); r.StatusCode != http.StatusForbidden {
			t.Fatalf("pending committee reads cases: %d", r.StatusCode)
		}
		if r := nc.json("GET", "/api/v1/cases", nil, nil); r.StatusCode != http.StatusForbidden {
			t.Fatalf("pending committee reads cases by API: %d", r.StatusCode)
		}
		if p := admin.get("/admin/grants"); p.StatusCode != 200 || !strings.Contains(p.body, "新委员") || !strings.Contains(p.body, "须由他人审批") {
			t.Fatalf("grants page: %d", p.StatusCode)
		}
		// The requester may not approve, by page or API.
		if r := admin.form("POST", "/admin/grants/"+itoa(id)+"/approve", url.Values{}); r.StatusCode != http.StatusForbidden || !strings.Contains(r.body, "不能审批自己提出的授权申请") {
			t.Fatalf("admin approves own request: %d", r.StatusCode)
		}
		if r := admin.json("POST", "/api/v1/admin/grants/"+itoa(id)+"/decision", map[string]any{"approve": true}, nil); r.StatusCode != http.StatusForbidden {
			t.Fatalf("admin approves own request by API: %d %s", r.StatusCode, r.body)
		}
		// Nor ask for itself.
		me, _ := e.db.GetUserByUsername(ctx, "admin")
		if r := admin.json("POST", "/api/v1/admin/grants", map[string]any{"user_id": me.ID, "role": "committee", "org_id": cmt.ID, "reason": "自己看案件"}, nil); r.StatusCode != http.StatusForbidden {
			t.Fatalf("self-grant: %d %s", r.StatusCode, r.body)
		}
		// Nor grant a system role: only the security administrator asks for those.
		if r := admin.json("POST", "/api/v1/admin/grants", map[string]any{"user_id": u.ID, "role": "auditor", "org_id": cmt.ID, "reason": "x"}, nil); r.StatusCode != http.StatusForbidden {
			t.Fatalf("admin asks for a system role: %d %s", r.StatusCode, r.body)
		}
		// Another district's committee does not see the request.
		xh := e.login("xh_committee01")
		if r := xh.form("POST", "/grants/"+itoa(id)+"/approve", url.Values{}); r.StatusCode != http.StatusNotFound {
			t.Fatalf("xh committee approves: %d", r.StatusCode)
		}
		if p := xh.get("/grants"); p.StatusCode != 200 || strings.Contains(p.body, "新委员") {
			t.Fatalf("xh committee's page: %d", p.StatusCode)
		}
		if r := nc.get("/cases"); r.StatusCode != http.StatusForbidden {
			t.Fatalf("still pending, reads cases: %d", r.StatusCode)
		}
		// The district's committee approves.
		cm := e.login("committee01")
		if p := cm.get("/grants"); p.StatusCode != 200 || !strings.Contains(p.body, "新委员") {
			t.Fatalf("committee's page: %d", p.StatusCode)
		}
		if r := cm.form("POST", "/grants/"+itoa(id)+"/approve", url.Values{"note": {"同意"}}); r.StatusCode != 303 {
			t.Fatalf("committee approves: %d %s", r.StatusCode, r.body)
		}
		if r := nc.get("/cases"); r.StatusCode != 200 {
			t.Fatalf("approved committee reads cases: %d", r.StatusCode)
		}
		if r := cm.form("POST", "/grants/"+itoa(id)+"/approve", url.Values{}); r.StatusCode != http.StatusConflict {
			t.Fatalf("approved twice: %d", r.StatusCode)
		}
		g, _ := e.db.GetGrantRequest(ctx, id)
		if g.State != store.GrantApproved || g.Requester != "系统管理员" && g.RequestedBy != me.ID || g.Decider == "" {
			t.Fatalf("request after approval: %+v", g)
		}
		es, _ := e.db.ListAudit(ctx, store.AuditQuery{Scope: store.Scope{All: true}, Object: "grant:" + itoa(id)})
		var asked, approved bool
		for _, x := range es {
			asked = asked || strings.Contains(x.Action, "request role grant") && x.Actor.Name == "admin"
			approved = approved || strings.Contains(x.Action, "approve role grant") && x.Actor.Name == "committee01"
		}
		if !asked || !approved {
			t.Fatalf("audit trail of the grant: %+v", es)
		}

		// The security administrator revokes it; it ends at once.
		sec := e.login("security01")
		if r := sec.form("POST", "/grants/revoke", url.Values{"user": {itoa(u.ID)}, "role": {"committee"}, "org": {itoa(cmt.ID)}}); r.StatusCode != 303 {
			t.Fatalf("revoke: %d %s", r.StatusCode, r.body)
		}
		if r := nc.get("/cases"); r.StatusCode != http.StatusForbidden {
			t.Fatalf("revoked committee reads cases: %d", r.StatusCode)
		}
		// System roles: the security administrator asks, an administrator approves.
		city, _ := e.db.GetOrgUnitByCode(ctx, "sh")
		r = sec.form("POST", "/grants", url.Values{"user": {itoa(u.ID)}, "role": {"auditor"}, "org": {itoa(city.ID)}, "reason": {"第二审计员"}})
		if r.StatusCode != 303 {
			t.Fatalf("security admin asks for an auditor: %d %s", r.StatusCode, r.body)
		}
		aid := grantID(t, e, "new_cmt")
		if r := sec.form("POST", "/grants/"+itoa(aid)+"/approve", url.Values{}); r.StatusCode != http.StatusForbidden && r.StatusCode != http.StatusNotFound {
			t.Fatalf("security admin approves own request: %d", r.StatusCode)
		}
		if r := cm.form("POST", "/grants/"+itoa(aid)+"/approve", url.Values{}); r.StatusCode != http.StatusNotFound {
			t.Fatalf("committee approves a system role: %d", r.StatusCode)
		}
		if r := admin.form("POST", "/admin/grants/"+itoa(aid)+"/approve", url.Values{}); r.StatusCode != 303 {
			t.Fatalf("admin approves the auditor: %d %s", r.StatusCode, r.body)
		}
		if r := nc.get("/audit"); r.StatusCode != 200 {
			t.Fatalf("new auditor reads the trail: %d", r.StatusCode)
		}
	})
}

// The auditor exports a range of the trail as CSV and XLSX; each export is
// itself on record. The administrator opens neither the trail nor its export.
func TestAuditExportCSVAndXLSX(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		au := e.login("auditor01")
		today := dateToday()
		x := au.get("/audit/export.xlsx?from=" + today + "&to=" + today)
		if x.StatusCode != 200 {
			t.Fatalf("xlsx: %d", x.StatusCode)
		}
		f, err := excelize.OpenReader(bytes.NewReader([]byte(x.body)))
		if err != nil {
			t.Fatal(err)
		}
		rows, _ := f.GetRows("审计日志")
		if len(rows) < 2 || rows[0][0] != "序号" || rows[0][12] != "本条哈希" {
			t.Fatalf("xlsx rows: %q", rows)
		}
		c := au.get("/audit/export.csv?from=" + today + "&to=" + today)
		if c.StatusCode != 200 || !strings.HasPrefix(c.Header.Get("Content-Type"), "text/csv") {
			t.Fatalf("csv: %d %s", c.StatusCode, c.Header.Get("Content-Type"))
		}
		recs, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(c.body, "\uFEFF"))).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		if len(recs) < 2 || recs[0][0] != "序号" || len(recs[1]) != 13 {
			t.Fatalf("csv rows: %q", recs)
		}
		// Both exports are on record, by the auditor.
		es, _ := e.db.ListAudit(ctx, store.AuditQuery{Scope: store.Scope{All: true}, Object: "audit:"})
		var xlsx, csvs bool
		for _, x := range es {
			xlsx = xlsx || strings.HasPrefix(x.Action, "export audit trail xlsx") && x.Actor.Name == "auditor01"
			csvs = csvs || strings.HasPrefix(x.Action, "export audit trail csv") && x.Actor.Name == "auditor01"
		}
		if !xlsx || !csvs {
			t.Fatalf("exports not on record: %+v", es)
		}
		if bad := au.get("/audit/export.csv?from=2026-13-01"); bad.StatusCode != 422 {
			t.Fatalf("bad date: %d", bad.StatusCode)
		}
		admin := e.login("admin")
		for _, p := range []string{"/audit", "/audit/export.csv", "/audit/export.xlsx"} {
			if r := admin.get(p); r.StatusCode != http.StatusForbidden {
				t.Fatalf("admin %s: %d", p, r.StatusCode)
			}
		}
		if r := admin.json("GET", "/api/v1/audit", nil, nil); r.StatusCode != http.StatusForbidden {
			t.Fatalf("admin audit API: %d", r.StatusCode)
		}
		// The auditor reads nothing else: no case, no users.
		for _, p := range []string{"/cases", "/admin/users", "/admin/outbox", "/grants"} {
			if r := au.get(p); r.StatusCode != http.StatusForbidden {
				t.Fatalf("auditor %s: %d", p, r.StatusCode)
			}
		}
	})
}

// A city's accounts are found by name on the grants page: past the first
// page the form says so, a search reaches any account, and the security
// administrator sees the found accounts' bindings to revoke.
func TestGrantUserSearch(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		cmt, _ := e.db.GetOrgUnitByCode(ctx, "pd-cmt")
		var last store.User
		for i := range administration.GrantUsersPage + 20 {
			last = store.User{Username: fmt.Sprintf("zz_bulk_%03d", i), DisplayName: fmt.Sprintf("批量%03d", i), PasswordHash: "h", Active: true}
			if err := e.db.CreateUser(ctx, &last); err != nil {
				t.Fatal(err)
			}
		}
		admin := e.login("admin")
		p := admin.get("/admin/grants")
		if p.StatusCode != 200 || !strings.Contains(p.body, `id="more-users"`) || strings.Contains(p.body, last.Username) {
			t.Fatalf("first page of accounts: %d, more shown %v, last listed %v", p.StatusCode,
				strings.Contains(p.body, `id="more-users"`), strings.Contains(p.body, last.Username))
		}
		p = admin.get("/admin/grants?who=" + url.QueryEscape(last.DisplayName))
		if p.StatusCode != 200 || strings.Contains(p.body, `id="more-users"`) || !strings.Contains(p.body, `<option value="`+itoa(last.ID)+`">`) {
			t.Fatalf("search by name: %d %s", p.StatusCode, p.body)
		}
		if r := admin.form("POST", "/admin/grants", url.Values{"user": {itoa(last.ID)}, "role": {"mediator"}, "org": {itoa(cmt.ID)}, "reason": {"新任"}}); r.StatusCode != 303 {
			t.Fatalf("request for the found account: %d %s", r.StatusCode, r.body)
		}
		if p := admin.get("/admin/grants?who=" + url.QueryEscape("无此人")); p.StatusCode != 200 || !strings.Contains(p.body, `id="no-users"`) || strings.Contains(p.body, `id="user"`) {
			t.Fatalf("search with no match: %d", p.StatusCode)
		}
		// The administrator never finds themselves to grant to.
		me, _ := e.db.GetUserByUsername(ctx, "admin")
		if p := admin.get("/admin/grants?who=admin"); p.StatusCode != 200 || strings.Contains(p.body, `<option value="`+itoa(me.ID)+`">`) {
			t.Fatal("the administrator is offered to themselves")
		}

		if err := e.db.AddBinding(ctx, store.Binding{UserID: last.ID, Role: domain.RoleCommittee, OrgID: cmt.ID}); err != nil {
			t.Fatal(err)
		}
		sec := e.login("security01")
		p = sec.get("/grants?who=" + last.Username)
		if p.StatusCode != 200 || !strings.Contains(p.body, `id="bindings"`) || !strings.Contains(p.body, `name="user" value="`+itoa(last.ID)+`"`) {
			t.Fatalf("security administrator's bindings of the found account: %d", p.StatusCode)
		}
		if p := sec.get("/grants"); strings.Contains(p.body, `name="user" value="`+itoa(last.ID)+`"`) {
			t.Fatal("a binding of an account past the first page is listed without a search")
		}
		// An approver who requests nothing has no picker at all.
		if p := e.login("committee01").get("/grants?who=zz"); p.StatusCode != 200 || strings.Contains(p.body, `id="find-user"`) {
			t.Fatalf("approver's page: %d", p.StatusCode)
		}
	})
}

// The decided requests page by cursor on the page and the API, newest
// first, each page only of the reader's district; a cursor that is not one
// is refused in Chinese.
func TestGrantsDecidedPages(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		ljz, _ := e.db.GetOrgUnitByCode(ctx, "pd-room-01")
		xh, _ := e.db.GetOrgUnitByCode(ctx, "xh-cmt")
		admin, _ := e.db.GetUserByUsername(ctx, "admin")
		target, _ := e.db.GetUserByUsername(ctx, "mediator01")
		var ours []int64
		for i := range administration.GrantPageSize + 7 {
			for _, org := range []int64{xh.ID, ljz.ID} {
				g := store.GrantRequest{UserID: target.ID, Role: domain.RoleExpert, OrgID: org, Reason: fmt.Sprint("第", i, "次"), RequestedBy: admin.ID}
				if err := e.db.CreateGrantRequest(ctx, &g); err != nil {
					t.Fatal(err)
				}
				if err := e.db.DecideGrantRequest(ctx, g.ID, store.GrantRejected, admin.ID, "不需要", g.RequestedAt); err != nil {
					t.Fatal(err)
				}
				if org == ljz.ID {
					ours = append([]int64{g.ID}, ours...)
				}
			}
		}
		cm := e.login("committee01")
		var list struct {
			Decided []struct {
				ID    int64 `json:"id"`
				OrgID int64 `json:"org_id"`
			} `json:"decided"`
			NextCursor string `json:"next_cursor"`
		}
		var seen []int64
		for after := ""; ; {
			path := "/api/v1/grants"
			if after != "" {
				path += "?after=" + after
			}
			r := cm.json("GET", path, nil, nil)
			if r.StatusCode != 200 {
				t.Fatalf("%s: %d %s", path, r.StatusCode, r.body)
			}
			list.NextCursor = ""
			json_(r.body, &list)
			for _, d := range list.Decided {
				if d.OrgID == xh.ID {
					t.Fatalf("another district's request %d on the page", d.ID)
				}
				if slices.Contains(ours, d.ID) {
					seen = append(seen, d.ID)
				}
			}
			if after = list.NextCursor; after == "" {
				break
			}
		}
		if !slices.Equal(seen, ours) {
			t.Fatalf("decided by API: %v, want %v", seen, ours)
		}
		page := cm.get("/grants")
		next := regexp.MustCompile(`id="older-grants" href="/grants\?before=(\d+)"`).FindStringSubmatch(page.body)
		if page.StatusCode != 200 || next == nil || strings.Count(page.body, "不需要") != administration.GrantPageSize {
			t.Fatalf("first page: %d, link %v, %d decided", page.StatusCode, next, strings.Count(page.body, "不需要"))
		}
		older := cm.get("/grants?before=" + next[1])
		if older.StatusCode != 200 || !strings.Contains(older.body, "更早的已处理申请") || !strings.Contains(older.body, "#"+itoa(ours[len(ours)-1])) ||
			strings.Contains(older.body, "#"+itoa(ours[0])+"<") {
			t.Fatalf("older page: %d", older.StatusCode)
		}
		for _, bad := range []string{"abc", "-3", "0"} {
			if r := cm.get("/grants?before=" + bad); r.StatusCode != http.StatusBadRequest || !strings.Contains(r.body, "翻页参数无效") {
				t.Fatalf("page before=%s: %d", bad, r.StatusCode)
			}
			if r := cm.json("GET", "/api/v1/grants?after="+bad, nil, nil); r.StatusCode != http.StatusBadRequest || !strings.Contains(r.body, "next_cursor") {
				t.Fatalf("API after=%s: %d %s", bad, r.StatusCode, r.body)
			}
		}
	})
}
