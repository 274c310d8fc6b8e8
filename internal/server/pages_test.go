package server_test

import (
	"context"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/tiaojie/tiaojie/internal/store/storetest"
)

func registerForm(key string) url.Values {
	return url.Values{
		"complainant_name": {"韩梅梅"}, "phone": {"138 1234 5678"}, "merchant_name": {"上海某某教育培训有限公司"},
		"merchant_address": {"浦东新区陆家嘴街道银城中路8号"}, "category": {"服务-教育培训"}, "claim_amount": {"12,800.50"},
		"description": {"培训机构停课后拒绝退还剩余课时费，多次沟通无果。"}, "channel": {"walk_in"}, "idempotency_key": {key},
	}
}

func TestRegisterFormPage(t *testing.T) {
	for _, eng := range storetest.Engines(t) {
		t.Run(eng.Name, func(t *testing.T) {
			e := newEnv(t, eng)
			m := e.login("mediator01")
			before := countCases(t, e)

			bad := registerForm("k1")
			bad.Set("phone", "123")
			bad.Set("credit_code", "91350100M000100Y44")
			bad.Set("claim_amount", "-5")
			r := m.form("POST", "/cases", bad)
			if r.StatusCode != 422 || !strings.Contains(r.body, "金额") {
				t.Fatalf("bad amount: %d", r.StatusCode)
			}
			bad.Set("claim_amount", "100")
			r = m.form("POST", "/cases", bad)
			if r.StatusCode != 422 || !strings.Contains(r.body, "手机号码应为11位") || !strings.Contains(r.body, "校验位") {
				t.Fatalf("field messages: %d %s", r.StatusCode, r.body)
			}
			// What was typed stays in the form.
			if !strings.Contains(r.body, `value="上海某某教育培训有限公司"`) {
				t.Fatal("form lost the input")
			}
			if countCases(t, e) != before {
				t.Fatal("bad form wrote a case")
			}

			r = m.form("POST", "/cases", registerForm("k2"))
			if r.StatusCode != 303 || !strings.HasPrefix(r.Header.Get("Location"), "/cases/") {
				t.Fatalf("register: %d %s", r.StatusCode, r.body)
			}
			loc := r.Header.Get("Location")
			// A double submit of the same form lands on the same case.
			r2 := m.form("POST", "/cases", registerForm("k2"))
			if r2.Header.Get("Location") != loc || countCases(t, e) != before+1 {
				t.Fatalf("double submit: %s vs %s", r2.Header.Get("Location"), loc)
			}
			page := m.get(loc)
			for _, want := range []string{"待受理", "韩梅梅", "138****5678", "12,800.50", "受理决定", "不予受理理由", "受理审查", "未登记身份证号码"} {
				if !strings.Contains(page.body, want) {
					t.Errorf("case page lacks %q", want)
				}
			}
			if strings.Contains(page.body, "13812345678") {
				t.Fatal("unmasked phone on the page")
			}

			// Reject without a reason: 409 on the case page, nothing changes.
			id := strings.TrimPrefix(loc, "/cases/")
			r = m.form("POST", "/cases/"+id+"/reject", url.Values{"reason": {""}})
			if r.StatusCode != 409 || !strings.Contains(r.body, "法定理由") {
				t.Fatalf("reject without reason: %d", r.StatusCode)
			}
			r = m.form("POST", "/cases/"+id+"/reject", url.Values{"reason": {"not_consumer"}, "note": {"系经营性采购"}})
			if r.StatusCode != 303 {
				t.Fatalf("reject: %d %s", r.StatusCode, r.body)
			}
			page = m.get(loc)
			if !strings.Contains(page.body, "不予受理") || !strings.Contains(page.body, "生活消费") || !strings.Contains(page.body, "系经营性采购") {
				t.Fatal("rejection and its reason not on the page")
			}

			// The list finds it by name; the other district's mediator does not see it at all.
			if r := m.get("/cases?q=" + url.QueryEscape("韩梅梅")); !strings.Contains(r.body, "韩梅梅") {
				t.Fatal("search by name")
			}
			xh := e.login("xh_mediator01")
			if r := xh.get(loc); r.StatusCode != 404 {
				t.Fatalf("other district opens the case: %d", r.StatusCode)
			}
			if r := xh.get("/cases?q=" + url.QueryEscape("韩梅梅")); !strings.Contains(r.body, "共 0 件") {
				t.Fatal("other district lists the case")
			}
		})
	}
}

func TestCalendarOverrideMovesDeadlines(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *env) {
		m := e.login("mediator01")
		r := m.form("POST", "/cases", registerForm("cal"))
		loc := r.Header.Get("Location")
		due := func() string {
			page := m.get(loc).body
			i := strings.Index(page, "受理决定")
			return page[i : i+400]
		}
		before := due()
		admin := e.login("admin")
		// Declare the next 30 days days off: the acceptance deadline must move.
		ovs, _ := e.db.ListCalendarOverrides(context.Background())
		if len(ovs) != 0 {
			t.Fatal("fixture has overrides")
		}
		page := admin.get("/admin/calendar")
		if page.StatusCode != 200 || !strings.Contains(page.body, "近期非工作日") {
			t.Fatalf("calendar page: %d", page.StatusCode)
		}
		for _, bad := range []url.Values{{"date": {"2026-02-30"}, "kind": {"off"}, "name": {"x"}}, {"date": {"2030-01-02"}, "kind": {"off"}, "name": {""}}, {"date": {"2030-01-02"}, "kind": {"maybe"}, "name": {"x"}}} {
			if r := admin.form("POST", "/admin/calendar", bad); r.StatusCode != 422 {
				t.Fatalf("bad override %v: %d", bad, r.StatusCode)
			}
		}
		if ovs, _ := e.db.ListCalendarOverrides(context.Background()); len(ovs) != 0 {
			t.Fatal("bad override stored")
		}
		today := strings.Fields(strings.SplitN(strings.SplitN(before, "<td data-label=\"起算日\">", 2)[1], "<", 2)[0])[0]
		day, _ := parseDay(today)
		for i := 1; i <= 12; i++ {
			d := day.AddDate(0, 0, i).Format("2006-01-02")
			if r := admin.form("POST", "/admin/calendar", url.Values{"date": {d}, "kind": {"off"}, "name": {"测试停工"}}); r.StatusCode != 303 {
				t.Fatalf("override %s: %d %s", d, r.StatusCode, r.body)
			}
		}
		if after := due(); after == before {
			t.Fatal("deadline did not move with the calendar override")
		}
		if r := m.form("POST", "/admin/calendar", url.Values{"date": {"2030-01-02"}, "kind": {"off"}, "name": {"x"}}); r.StatusCode != 403 {
			t.Fatalf("mediator edits the calendar: %d", r.StatusCode)
		}
	})
}

func parseDay(s string) (time.Time, error) { return time.Parse("2006-01-02", s) }

func TestAdminAddsOrgUnit(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *env) {
		admin := e.login("admin")
		ctx := context.Background()
		cmt, _ := e.db.GetOrgUnitByCode(ctx, "pd-cmt")
		city, _ := e.db.GetOrgUnitByCode(ctx, "sh")
		bad := []url.Values{
			{"parent": {itoa(cmt.ID)}, "kind": {"committee"}, "name": {"x"}, "code": {"x-cmt"}, "abbr": {"新"}},           // committee under a committee
			{"parent": {itoa(city.ID)}, "kind": {"office_room"}, "name": {"x"}, "code": {"x-room"}},                      // room under the city
			{"parent": {itoa(cmt.ID)}, "kind": {"office_room"}, "name": {""}, "code": {"x-room"}},                        // no name
			{"parent": {itoa(cmt.ID)}, "kind": {"office_room"}, "name": {"x"}, "code": {"pd-cmt"}},                       // code taken
			{"parent": {itoa(cmt.ID)}, "kind": {"enterprise_room"}, "name": {"x"}, "code": {"x-e"}, "streets": {"花木街道"}}, // streets on an enterprise room
		}
		before, _ := e.db.ListOrgUnits(ctx)
		for _, v := range bad {
			if r := admin.form("POST", "/admin/org", v); r.StatusCode != 422 && r.StatusCode != 409 {
				t.Errorf("%v: %d", v, r.StatusCode)
			}
		}
		if after, _ := e.db.ListOrgUnits(ctx); len(after) != len(before) {
			t.Fatal("a refused unit was written")
		}
		r := admin.form("POST", "/admin/org", url.Values{"parent": {itoa(cmt.ID)}, "kind": {"office_room"}, "name": {"临港市场监管所联合人民调解工作室"},
			"code": {"pd-room-lg"}, "streets": {"临港新片区、芦潮港"}})
		if r.StatusCode != 303 {
			t.Fatalf("add room: %d %s", r.StatusCode, r.body)
		}
		u, err := e.db.GetOrgUnitByCode(ctx, "pd-room-lg")
		if err != nil || u.ParentID != cmt.ID {
			t.Fatal(err)
		}
		rs, _ := e.db.ListRoomStreets(ctx, cmt.ID)
		n := 0
		for _, s := range rs {
			if s.RoomID == u.ID {
				n++
			}
		}
		if n != 2 {
			t.Fatalf("streets of the new room: %d", n)
		}
		if page := admin.get("/org"); !strings.Contains(page.body, "临港市场监管所联合人民调解工作室") {
			t.Fatal("new room not in the tree")
		}
	})
}
