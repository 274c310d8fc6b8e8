package server_test

import (
	"context"
	"fmt"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/tiaojie/tiaojie/internal/domain"
	"github.com/tiaojie/tiaojie/internal/store"
)

// The warnings API and pages on the demo: scopes, refusals in Chinese with
// nothing changed, acknowledge and resolve by the right people.
func TestWarningsAPI(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		med, _ := e.db.GetUserByUsername(ctx, "mediator01")
		page, err := e.db.ListCases(ctx, store.CaseQuery{Scope: store.Scope{All: true}, Presiding: med.ID, Limit: 1,
			Statuses: []domain.Status{domain.StatusAssigned, domain.StatusMediating, domain.StatusSuspended, domain.StatusPerforming}})
		if err != nil || len(page.Cases) == 0 {
			t.Fatalf("a case of mediator01: %v", err)
		}
		c := page.Cases[0]
		// The sweep's own warnings first: the background sweep runs on start
		// and would otherwise raise them while the lists below are compared.
		if _, err := e.svc.Warnings.Sweep(ctx); err != nil {
			t.Fatal(err)
		}
		// A yellow warning only the presiding mediator has been told of, of
		// a rule the sweep does not know (a kind the lead may add later), so
		// the background sweep leaves it alone.
		w := &store.Warning{Rule: "manual_test", RuleVersion: 1, Level: "yellow", SubjectKind: "case", SubjectID: c.ID,
			SubjectKey: fmt.Sprintf("test:%d", c.ID), SubjectLabel: c.Number, CaseID: c.ID, UnitID: c.RoomID, UnitPath: c.OrgPath,
			Explain: "调解期限临近（测试）", RaisedAt: time.Now()}
		if ok, err := e.db.RaiseWarning(ctx, w); !ok || err != nil {
			t.Fatalf("raise: %v %v", ok, err)
		}
		cmt, mine, other, reg, xh := e.login("committee01"), e.login("mediator01"), e.login("mediator02"), e.login("regulator01"), e.login("xh_committee01")

		res := cmt.json("GET", "/api/v1/warnings?unit=pd-cmt&status=open&level=yellow", nil, nil)
		var list struct {
			Warnings []struct {
				ID      int64  `json:"id"`
				Level   string `json:"level"`
				Rule    string `json:"rule"`
				Status  string `json:"status"`
				Subject struct {
					Kind string `json:"kind"`
					ID   int64  `json:"id"`
				} `json:"subject"`
			} `json:"warnings"`
			Limit      int    `json:"limit"`
			NextCursor string `json:"next_cursor"`
		}
		json_(res.body, &list)
		found := false
		for _, x := range list.Warnings {
			found = found || (x.ID == w.ID && x.Level == "yellow" && x.Rule == "manual_test" && x.Status == "open" && x.Subject.Kind == "case" && x.Subject.ID == c.ID)
			if x.Level != "yellow" || x.Status != "open" {
				t.Errorf("filter leaked %+v", x)
			}
		}
		if res.StatusCode != 200 || !found || list.Limit != 50 || list.NextCursor != "" {
			t.Fatalf("committee list: %d %s", res.StatusCode, res.body)
		}
		// A page at a time by cursor: the same warnings as one long page,
		// in the same order.
		ids := func(path string) (out []int64, pages int) {
			t.Helper()
			for next := path; next != ""; pages++ {
				res := cmt.json("GET", next, nil, nil)
				list.NextCursor = ""
				json_(res.body, &list)
				if res.StatusCode != 200 || pages > 100 {
					t.Fatalf("GET %s: %d %s", next, res.StatusCode, res.body)
				}
				for _, x := range list.Warnings {
					out = append(out, x.ID)
				}
				next = ""
				if list.NextCursor != "" {
					next = path + "&after=" + url.QueryEscape(list.NextCursor)
				}
			}
			return out, pages
		}
		whole, _ := ids("/api/v1/warnings?unit=pd-cmt&status=all&limit=500")
		paged, pages := ids("/api/v1/warnings?unit=pd-cmt&status=all&limit=2")
		if len(whole) < 3 || fmt.Sprint(paged) != fmt.Sprint(whole) || pages != (len(whole)+1)/2 {
			t.Fatalf("by pages of 2 (%d pages) %v, in one %v", pages, paged, whole)
		}
		if res := mine.json("GET", fmt.Sprintf("/api/v1/warnings?case=%d", c.ID), nil, nil); res.StatusCode != 200 || !strings.Contains(res.body, fmt.Sprintf(`"id":%d`, w.ID)) {
			t.Fatalf("mediator's own: %d %s", res.StatusCode, res.body)
		}
		if res := other.json("GET", fmt.Sprintf("/api/v1/warnings?case=%d", c.ID), nil, nil); res.StatusCode != 200 || strings.Contains(res.body, fmt.Sprintf(`"id":%d,`, w.ID)) {
			t.Fatalf("another mediator sees it: %d %s", res.StatusCode, res.body)
		}
		for _, x := range []struct {
			c      *client
			path   string
			status int
			msg    string
		}{
			{cmt, "/api/v1/warnings?unit=nowhere", 404, "找不到单位"},
			{cmt, "/api/v1/warnings?level=purple", 422, "级别"},
			{cmt, "/api/v1/warnings?status=closed", 422, "状态"},
			{cmt, "/api/v1/warnings?case=abc", 422, "案件"},
			{cmt, "/api/v1/warnings?after=xyz", 422, "分页参数无效"},
			{cmt, "/api/v1/warnings?limit=501", 422, "limit"},
			{cmt, "/api/v1/warnings?offset=50", 400, "未知查询参数：offset"},
			{xh, "/api/v1/warnings?unit=pd-cmt", 403, "无权"},
			{reg, "/api/v1/warnings", 403, ""},
		} {
			if res := x.c.json("GET", x.path, nil, nil); res.StatusCode != x.status || !strings.Contains(res.body, x.msg) {
				t.Errorf("GET %s: %d %s", x.path, res.StatusCode, res.body)
			}
		}
		unchanged := func(what string) {
			t.Helper()
			got, _ := e.db.GetWarning(ctx, w.ID)
			if got.Status != store.WarningOpen {
				t.Fatalf("%s changed it: %+v", what, got)
			}
		}
		ack := fmt.Sprintf("/api/v1/warnings/%d/acknowledge", w.ID)
		if res := cmt.json("POST", ack, map[string]string{}, nil); res.StatusCode != 403 || !strings.Contains(res.body, "没有发送给您") {
			t.Fatalf("committee acknowledging someone else's: %d %s", res.StatusCode, res.body)
		}
		unchanged("committee")
		if res := other.json("POST", ack, nil, nil); res.StatusCode != 404 || !strings.Contains(res.body, "找不到") {
			t.Fatalf("another mediator: %d %s", res.StatusCode, res.body)
		}
		unchanged("another mediator")
		if res := xh.json("POST", ack, nil, nil); res.StatusCode != 404 {
			t.Fatalf("other district: %d %s", res.StatusCode, res.body)
		}
		unchanged("other district")
		if res := cmt.json("POST", "/api/v1/warnings/99999999/acknowledge", nil, nil); res.StatusCode != 404 {
			t.Fatalf("unknown: %d %s", res.StatusCode, res.body)
		}
		if res := mine.json("POST", ack, map[string]string{"note": "收到"}, nil); res.StatusCode != 200 || !strings.Contains(res.body, `"status":"acknowledged"`) {
			t.Fatalf("presiding mediator acknowledges: %d %s", res.StatusCode, res.body)
		}
		resolve := fmt.Sprintf("/api/v1/warnings/%d/resolve", w.ID)
		if res := cmt.json("POST", resolve, map[string]string{"note": " "}, nil); res.StatusCode != 422 || !strings.Contains(res.body, "解除说明") {
			t.Fatalf("resolve without note: %d %s", res.StatusCode, res.body)
		}
		if got, _ := e.db.GetWarning(ctx, w.ID); got.Status != store.WarningAcknowledged {
			t.Fatalf("resolve without note changed it: %+v", got)
		}
		if res := cmt.json("POST", resolve, map[string]string{"note": "已督促调解员本周结案"}, nil); res.StatusCode != 200 || !strings.Contains(res.body, `"status":"resolved"`) {
			t.Fatalf("committee resolves: %d %s", res.StatusCode, res.body)
		}
		if res := cmt.json("GET", "/api/v1/warnings/rules", nil, nil); res.StatusCode != 200 || !strings.Contains(res.body, `"deadline_overdue"`) || !strings.Contains(res.body, `"day_start":"09:00"`) {
			t.Fatalf("rules: %d %s", res.StatusCode, res.body)
		}
		// Pages.
		for _, p := range []string{"/warnings", "/warnings?status=all&level=red", fmt.Sprintf("/warnings/%d", w.ID), "/warnings/rules"} {
			if res := cmt.get(p); res.StatusCode != 200 || !strings.Contains(res.body, "预警") {
				t.Errorf("GET %s: %d", p, res.StatusCode)
			}
		}
		// A page of one on the web: 下一页 keeps the filters and the size,
		// and shows the next warning of the API's order.
		firstRow := regexp.MustCompile(`<td data-label="规则"><a href="/warnings/(\d+)"`)
		whole, _ = ids("/api/v1/warnings?unit=pd-cmt&status=all&limit=500") // as the pages will read it
		p1 := cmt.get("/warnings?unit=pd-cmt&status=all&limit=1")
		next := regexp.MustCompile(`href="([^"]+)" id="warnings-next"`).FindStringSubmatch(p1.body)
		if p1.StatusCode != 200 || next == nil || !strings.Contains(next[1], "limit=1") || !strings.Contains(next[1], "status=all") || !strings.Contains(next[1], "unit=pd-cmt") {
			t.Fatalf("warnings page of one: %d, next %v", p1.StatusCode, next)
		}
		p2 := cmt.get(html.UnescapeString(next[1]))
		rows := firstRow.FindAllStringSubmatch(p1.body+p2.body, -1)
		if p2.StatusCode != 200 || len(rows) != 2 || rows[0][1] != fmt.Sprint(whole[0]) || rows[1][1] != fmt.Sprint(whole[1]) || !strings.Contains(p2.body, "回到第一页") {
			t.Fatalf("warnings' second page of one: %d, rows %v, want %v", p2.StatusCode, rows, whole[:2])
		}
		if res := cmt.get("/warnings?after=x"); res.StatusCode != 400 || !strings.Contains(res.body, "分页参数无效") {
			t.Errorf("warnings page, bad cursor: %d", res.StatusCode)
		}
		if res := mine.get("/warnings"); res.StatusCode != 200 || !strings.Contains(res.body, "我的提醒") {
			t.Errorf("mediator's page: %d", res.StatusCode)
		}
		if res := other.get(fmt.Sprintf("/warnings/%d", w.ID)); res.StatusCode != 404 {
			t.Errorf("another mediator's page: %d", res.StatusCode)
		}
		// The committee edits the rules on the page: a new version.
		var rules struct {
			Version int `json:"version"`
			Rules   []struct {
				Code       string         `json:"code"`
				Level      string         `json:"level"`
				Enabled    bool           `json:"enabled"`
				Thresholds map[string]int `json:"thresholds"`
				Keywords   []string       `json:"keywords"`
			} `json:"rules"`
		}
		json_(cmt.json("GET", "/api/v1/warnings/rules", nil, nil).body, &rules)
		form := url.Values{"day_start": {"08:30"}, "day_end": {"17:30"}, "note": {"临近预警提前到 3 个工作日"}}
		for _, r := range rules.Rules {
			form.Set("level_"+r.Code, r.Level)
			if r.Enabled {
				form.Set("enabled_"+r.Code, "on")
			}
			for k, v := range r.Thresholds {
				if r.Code == "deadline_soon" && k == "days" {
					v = 3
				}
				form.Set("t_"+r.Code+"_"+k, fmt.Sprint(v))
			}
			form.Set("keywords_"+r.Code, strings.Join(r.Keywords, "、"))
		}
		bad := url.Values{}
		for k, v := range form {
			bad[k] = v
		}
		bad.Set("day_start", "早上")
		if res := cmt.form("POST", "/warnings/rules", bad); res.StatusCode != 422 || !strings.Contains(res.body, "HH:MM") {
			t.Fatalf("bad rules form: %d", res.StatusCode)
		}
		if res := cmt.form("POST", "/warnings/rules", form); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("save rules: %d %s", res.StatusCode, res.body)
		}
		after := cmt.json("GET", "/api/v1/warnings/rules", nil, nil).body
		if !strings.Contains(after, fmt.Sprintf(`"version":%d`, rules.Version+1)) || !strings.Contains(after, `"day_start":"08:30"`) || !strings.Contains(after, `"days":3`) {
			t.Fatalf("rules after the edit: %s", after)
		}
		lead := e.login("room_lead01")
		if res := lead.form("POST", "/warnings/rules", url.Values{"note": {"x"}}); res.StatusCode != http.StatusForbidden {
			t.Errorf("room lead edits rules: %d", res.StatusCode)
		}
		if res := cmt.form("POST", "/warnings/supervise", url.Values{"case": {fmt.Sprint(c.ID)}, "kind": {"urge"}, "request": {""}, "due": {"2000-01-01"}}); res.StatusCode != 422 {
			t.Errorf("bad urge: %d %s", res.StatusCode, res.body)
		}
		if res := cmt.form("POST", "/warnings/supervise", url.Values{"case": {fmt.Sprint(c.ID)}, "kind": {"urge"}, "request": {"请今日回复进展"}, "due": {dateToday()}}); res.StatusCode != http.StatusSeeOther {
			t.Errorf("urge: %d %s", res.StatusCode, res.body)
		}
		if res := mine.get(fmt.Sprintf("/cases/%d", c.ID)); !strings.Contains(res.body, "请今日回复进展") || !strings.Contains(res.body, "催办") {
			t.Errorf("urge not on the case page timeline")
		}
	})
}
