package server_test

import (
	"context"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/tiaojie/tiaojie/internal/calendar"
)

// The administrator adds a version of the legal periods on its page: one
// already in force or out of bounds is refused in Chinese and stores
// nothing; a valid one is listed and applies from its day; nobody else may.
func TestPoliciesPage(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		before, err := e.db.ListPolicies(ctx)
		if err != nil {
			t.Fatal(err)
		}
		admin := e.login("admin")
		if r := admin.get("/admin/policies"); r.StatusCode != 200 || !strings.Contains(r.body, before[0].Name) {
			t.Fatalf("policies page: %d", r.StatusCode)
		}
		tomorrow := calendar.DateOf(time.Now()).AddDays(2).String()
		form := func(change func(url.Values)) url.Values {
			v := url.Values{"code": {"PD2027"}, "name": {"浦东新区2027年期限规则"}, "effective_from": {tomorrow},
				"acceptance_wd": {"7"}, "mediation_wd": {"30"}, "termination_notice_wd": {"7"}, "odr_negotiation_wd": {"10"},
				"judicial_confirm_days": {"30"}, "committee_target_days": {"30"}}
			change(v)
			return v
		}
		for _, c := range []struct {
			name   string
			change func(url.Values)
			words  string
		}{
			{"in force today", func(v url.Values) { v.Set("effective_from", calendar.DateOf(time.Now()).String()) }, "须晚于今天"},
			{"no day", func(v url.Values) { v.Set("effective_from", "下个月") }, "生效日期无效"},
			{"no mediation period", func(v url.Values) { v.Set("mediation_wd", "0") }, "调解期限（工作日）应在1至"},
			{"an existing version's code", func(v url.Values) { v.Set("code", before[0].Code) }, "已经生效"},
		} {
			r := admin.form("POST", "/admin/policies", form(c.change))
			if r.StatusCode != 422 || !strings.Contains(r.body, c.words) {
				t.Errorf("%s: want 422 with %q, got %d", c.name, c.words, r.StatusCode)
			}
		}
		if after, _ := e.db.ListPolicies(ctx); len(after) != len(before) {
			t.Fatalf("refused versions were stored: %d, had %d", len(after), len(before))
		}
		if r := e.login("committee01").form("POST", "/admin/policies", form(func(url.Values) {})); r.StatusCode != 403 {
			t.Fatalf("the committee adds a policy: %d", r.StatusCode)
		}
		if r := admin.form("POST", "/admin/policies", form(func(url.Values) {})); r.StatusCode != 303 {
			t.Fatalf("a valid version: %d %.300s", r.StatusCode, r.body)
		}
		after, _ := e.db.ListPolicies(ctx)
		if len(after) != len(before)+1 {
			t.Fatalf("versions %d, want %d", len(after), len(before)+1)
		}
		if r := admin.get("/admin/policies"); !strings.Contains(r.body, "浦东新区2027年期限规则") || !strings.Contains(r.body, tomorrow) {
			t.Fatalf("the new version is not listed")
		}
	})
}
