package server_test

import (
	"context"
	"html"
	"net/url"
	"regexp"
	"strings"
	"testing"
)

// The desk filters by status, due date and text, and a mediator keeps
// named views of their own.
func TestDeskFiltersAndViews(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		m, a := mediatingCase(t, e)
		_, b := mediatingCase(t, e)
		ca, _ := e.db.GetCase(ctx, a)
		cb, _ := e.db.GetCase(ctx, b)
		all := m.get("/desk")
		if !strings.Contains(all.body, ca.Number) || !strings.Contains(all.body, cb.Number) {
			t.Fatal("unfiltered desk lacks the cases")
		}
		one := m.get("/desk?q=" + url.QueryEscape(ca.Number))
		if !strings.Contains(one.body, ca.Number) || strings.Contains(one.body, `>`+cb.Number+`<`) {
			t.Fatal("text filter")
		}
		if r := m.get("/desk?due=overdue&q=" + url.QueryEscape(ca.Number)); strings.Contains(r.body, `>`+ca.Number+`<`) {
			t.Fatal("a fresh case listed as overdue")
		}
		if r := m.get("/desk?status=suspended"); strings.Contains(r.body, `>`+ca.Number+`<`) {
			t.Fatal("status filter")
		}
		if r := m.get("/desk?status=bogus&due=whenever"); r.StatusCode != 200 || !strings.Contains(r.body, ca.Number) {
			t.Fatalf("unknown filter values are ignored: %d", r.StatusCode)
		}

		// Views: saved, listed only to their owner, deleted only by them.
		q := "q=" + url.QueryEscape(ca.Number) + "&status=mediating"
		if r := m.form("POST", "/desk/views", url.Values{"name": {""}, "query": {q}}); r.StatusCode != 422 {
			t.Fatalf("nameless view: %d", r.StatusCode)
		}
		if r := m.form("POST", "/desk/views", url.Values{"name": {"空的"}, "query": {"due=sometime"}}); r.StatusCode != 422 {
			t.Fatalf("view without a filter: %d", r.StatusCode)
		}
		if r := m.form("POST", "/desk/views", url.Values{"name": {"健身卡案"}, "query": {q}}); r.StatusCode != 303 {
			t.Fatalf("save view: %d %s", r.StatusCode, r.body)
		}
		me, _ := e.db.GetUserByUsername(ctx, "mediator01")
		vs, _ := e.db.ListViews(ctx, me.ID, "desk")
		if len(vs) != 1 || vs[0].Query != "q="+url.QueryEscape(ca.Number)+"&status=mediating" {
			t.Fatalf("stored views: %+v", vs)
		}
		desk := m.get("/desk")
		link := regexp.MustCompile(`<a href="(/desk\?[^"]+)">健身卡案</a>`).FindStringSubmatch(desk.body)
		if link == nil {
			t.Fatal("view not listed")
		}
		// Following the view's link applies its filter.
		if r := m.get(html.UnescapeString(link[1])); !strings.Contains(r.body, `>`+ca.Number+`<`) || strings.Contains(r.body, `>`+cb.Number+`<`) {
			t.Fatalf("the view's link %s does not filter", link[1])
		}
		lead := e.login("room_lead01")
		if r := lead.get("/desk"); strings.Contains(r.body, "健身卡案") {
			t.Fatal("another user sees the view")
		}
		if r := lead.form("POST", "/desk/views/"+itoa(vs[0].ID)+"/delete", url.Values{}); r.StatusCode != 404 {
			t.Fatalf("another user deletes the view: %d", r.StatusCode)
		}
		if r := m.form("POST", "/desk/views/"+itoa(vs[0].ID)+"/delete", url.Values{}); r.StatusCode != 303 {
			t.Fatalf("delete: %d", r.StatusCode)
		}
		if vs, _ := e.db.ListViews(ctx, me.ID, "desk"); len(vs) != 0 {
			t.Fatal("view not deleted")
		}
	})
}
