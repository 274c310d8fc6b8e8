package server_test

import (
	"context"
	"errors"
	"fmt"
	"html"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/tiaojie/tiaojie/internal/administration"
	"github.com/tiaojie/tiaojie/internal/store"
)

// An admin creates an account on the users page; it signs in, and holds
// its role once the committee approves it.
// A bad unit, a bad role or a clerk of another role leave no account.
func TestAdminCreatesUser(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		room, _ := e.db.GetOrgUnitByCode(ctx, "pd-room-01")
		admin := e.login("admin")
		form := func(username, role string, org int64) url.Values {
			return url.Values{"username": {username}, "display_name": {"新调解员"}, "password": {"new-mediator-pw1"}, "role": {role}, "org": {itoa(org)}}
		}
		for _, bad := range []url.Values{form("new_med", "mediator", room.ID+100000), form("new_med", "machine", room.ID), form("x", "mediator", room.ID)} {
			if r := admin.form("POST", "/admin/users", bad); r.StatusCode != 422 {
				t.Fatalf("%v: %d", bad, r.StatusCode)
			}
		}
		if r := e.login("committee01").form("POST", "/admin/users", form("new_med", "mediator", room.ID)); r.StatusCode != 403 {
			t.Fatalf("committee creates a user: %d", r.StatusCode)
		}
		if _, err := e.db.GetUserByUsername(ctx, "new_med"); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("a refused account was stored: %v", err)
		}
		if r := admin.form("POST", "/admin/users", form("new_med", "mediator", room.ID)); r.StatusCode != 303 {
			t.Fatalf("create: %d %s", r.StatusCode, r.body)
		}
		if r := admin.form("POST", "/admin/users", form("new_med", "mediator", room.ID)); r.StatusCode != 409 || !strings.Contains(r.body, "用户名已存在") {
			t.Fatalf("again: %d", r.StatusCode)
		}
		if page := admin.get("/admin/users?q=new_med"); !strings.Contains(page.body, "新调解员") {
			t.Fatal("the new account is not listed")
		}
		// The administrator set the password, so it is replaced at the first
		// sign-in before anything opens; then the new one signs in directly.
		first := e.anon()
		if r := first.form("POST", "/login", url.Values{"username": {"new_med"}, "password": {"new-mediator-pw1"}}); r.StatusCode != 303 || r.Header.Get("Location") != "/password/expired" {
			t.Fatalf("first sign-in: %d %s", r.StatusCode, r.Header.Get("Location"))
		}
		if u, _ := e.db.GetUserByUsername(ctx, "new_med"); !u.MustChangePassword {
			t.Fatal("an administrator's password is not marked to be changed")
		}
		if r := first.form("POST", "/password/expired", url.Values{"current": {"new-mediator-pw1"}, "new": {"Own-secret-2026x"}, "confirm": {"Own-secret-2026x"}}); r.StatusCode != 303 {
			t.Fatalf("change the initial password: %d %s", r.StatusCode, r.body)
		}
		if u, _ := e.db.GetUserByUsername(ctx, "new_med"); u.MustChangePassword {
			t.Fatal("still marked after the user chose a password")
		}
		if r := e.anon().form("POST", "/login", url.Values{"username": {"new_med"}, "password": {"Own-secret-2026x"}}); r.StatusCode != 303 || r.Header.Get("Location") == "/password/expired" {
			t.Fatalf("sign-in with the own password: %d %s", r.StatusCode, r.Header.Get("Location"))
		}
		// The role takes effect once someone else approves it (三员分立).
		u, _ := e.db.GetUserByUsername(ctx, "new_med")
		if bs, _ := e.db.ListBindings(ctx, u.ID); len(bs) != 0 {
			t.Fatalf("bound before approval: %+v", bs)
		}
		if r := e.login("committee01").form("POST", "/grants/"+itoa(grantID(t, e, "new_med"))+"/approve", url.Values{}); r.StatusCode != 303 {
			t.Fatalf("approve: %d %s", r.StatusCode, r.body)
		}
		bs, _ := e.db.ListBindings(ctx, u.ID)
		if len(bs) != 1 || bs[0].OrgID != room.ID || bs[0].Role != "mediator" {
			t.Fatalf("bindings: %+v", bs)
		}
	})
}

// The users page walks every account a page at a time, the search kept
// from page to page; none sits beyond reach past a fixed first few hundred.
func TestUsersPages(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		for i := range 2*administration.UsersPage + 10 {
			u := store.User{Username: fmt.Sprintf("pg_user_%03d", i), DisplayName: fmt.Sprintf("翻页%03d", i), PasswordHash: "h", Active: true}
			if err := e.db.CreateUser(ctx, &u); err != nil {
				t.Fatal(err)
			}
		}
		admin := e.login("admin")
		next := regexp.MustCompile(`<a href="([^"]+)" id="users-next">`)
		listed := regexp.MustCompile(`<td data-label="用户名">([^<]+)</td>`)
		walk := func(start string) (names []string, pages int) {
			for path := start; path != ""; pages++ {
				p := admin.get(path)
				if p.StatusCode != 200 {
					t.Fatalf("%s: %d", path, p.StatusCode)
				}
				for _, m := range listed.FindAllStringSubmatch(p.body, -1) {
					names = append(names, m[1])
				}
				path = ""
				if m := next.FindStringSubmatch(p.body); m != nil {
					path = html.UnescapeString(m[1])
				}
			}
			return names, pages
		}
		all, err := e.db.ListUsers(ctx, store.UserQuery{Limit: 1000})
		if err != nil {
			t.Fatal(err)
		}
		names, pages := walk("/admin/users")
		if len(names) != len(all) || pages != (len(all)+administration.UsersPage-1)/administration.UsersPage || !slices.IsSorted(names) {
			t.Fatalf("walked %d accounts in %d pages, there are %d", len(names), pages, len(all))
		}
		names, pages = walk("/admin/users?q=" + url.QueryEscape("翻页"))
		if len(names) != 2*administration.UsersPage+10 || pages != 3 || names[0] != "pg_user_000" || names[len(names)-1] != "pg_user_209" {
			t.Fatalf("searched walk: %d accounts in %d pages", len(names), pages)
		}
		if p := admin.get("/admin/users?q=" + url.QueryEscape("翻页") + "&after=pg_user_209"); p.StatusCode != 200 || !strings.Contains(p.body, "没有符合条件的用户") {
			t.Fatalf("past the last: %d", p.StatusCode)
		}
	})
}
