package server_test

import (
	"bytes"
	"context"
	"encoding/json"
	"html"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/tiaojie/tiaojie/internal/domain"
	"github.com/tiaojie/tiaojie/internal/store"
	"github.com/tiaojie/tiaojie/internal/store/storetest"
)

// committeeUnits returns the Pudong committee, the room of mediator01's case
// and another room of the same committee, and the Xuhui committee.
func committeeUnits(t *testing.T, e *env, roomID int64) (pd, other, xh store.OrgUnit) {
	t.Helper()
	units, err := e.db.ListOrgUnits(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	byID := map[int64]store.OrgUnit{}
	for _, u := range units {
		byID[u.ID] = u
	}
	pd = byID[byID[roomID].ParentID]
	for _, u := range units {
		switch {
		case u.Kind.IsRoom() && u.ParentID == pd.ID && u.ID != roomID && other.ID == 0:
			other = u
		case u.Kind == domain.OrgCommittee && u.ID != pd.ID:
			xh = u
		}
	}
	if pd.Kind != domain.OrgCommittee || other.ID == 0 || xh.ID == 0 {
		t.Fatalf("demo units: %+v %+v %+v", pd, other, xh)
	}
	return pd, other, xh
}

// An overdue complaint: received 30 days ago and still waiting for the acceptance decision.
func overdueCase(t *testing.T, c *client) int64 {
	t.Helper()
	in := validComplaint("")
	in["received_at"] = time.Now().AddDate(0, 0, -30).Format(time.RFC3339)
	in["complainant_name"] = "王超期"
	in["phone"] = "13855556666"
	r := c.json("POST", "/api/v1/complaints", in, nil)
	var out caseOut
	json_(r.body, &out)
	if r.StatusCode != 201 {
		t.Fatalf("register overdue: %d %s", r.StatusCode, r.body)
	}
	return out.ID
}

// The committee's first screen lists what waits on it across every room,
// with filters by room, deadline and status; another district's committee
// does not see it.
func TestCommitteeDesk(t *testing.T) {
	for _, eng := range storetest.Engines(t) {
		t.Run(eng.Name, func(t *testing.T) {
			e := newEnv(t, eng)
			ctx := context.Background()
			m := e.login("mediator01")
			fresh := registerCase(t, m)
			late := overdueCase(t, m)
			cf, _ := e.db.GetCase(ctx, fresh)
			cl, _ := e.db.GetCase(ctx, late)
			_, other, _ := committeeUnits(t, e, cf.RoomID)

			com := e.login("committee01")
			home := com.get("/")
			if home.StatusCode != 303 || home.Header.Get("Location") != "/desk" {
				t.Fatalf("committee lands on %d %s", home.StatusCode, home.Header.Get("Location"))
			}
			desk := com.get("/desk")
			if desk.StatusCode != 200 || !strings.Contains(desk.body, "调委会工作台") {
				t.Fatalf("desk: %d", desk.StatusCode)
			}
			section := desk.body[strings.Index(desk.body, `id="committee-desk"`):]
			for _, n := range []string{cf.Number, cl.Number} {
				if !strings.Contains(section, n) {
					t.Errorf("committee desk lacks %s waiting acceptance in a room", n)
				}
			}
			if !strings.Contains(section, "待受理审查") {
				t.Error("the desk does not say what the case waits for")
			}
			// Near-deadline and overdue: the late case is there, the fresh one is not.
			due := section[strings.Index(section, "临期及超期"):strings.Index(section, "群体性纠纷")]
			if !strings.Contains(due, cl.Number) || strings.Contains(due, cf.Number) {
				t.Error("the due list is wrong")
			}
			if r := com.get("/desk?room=" + itoa(cf.RoomID)); !strings.Contains(r.body, cf.Number) {
				t.Error("room filter drops the room's case")
			}
			if r := com.get("/desk?room=" + itoa(other.ID)); strings.Contains(r.body, cf.Number) || strings.Contains(r.body, cl.Number) {
				t.Error("room filter keeps another room's case")
			}
			if r := com.get("/desk?due=overdue"); !strings.Contains(r.body, cl.Number) || strings.Contains(r.body, ">"+cf.Number+"<") {
				t.Error("overdue filter")
			}
			if r := com.get("/desk?status=mediating"); strings.Contains(r.body, cf.Number) {
				t.Error("status filter")
			}
			if r := e.login("xh_committee01").get("/desk"); r.StatusCode != 200 || strings.Contains(r.body, cf.Number) {
				t.Fatalf("another district's committee sees the case: %d", r.StatusCode)
			}
			if r := e.login("justice01").get("/desk"); r.StatusCode != 403 {
				t.Fatalf("justice on the desk: %d", r.StatusCode)
			}
			// The group disputes still being handled: the group of an open case
			// is on the desk, one whose only case was withdrawn is not.
			inHand := store.Group{CommitteeID: cf.CommitteeID, MerchantName: "某健身公司", Title: "某健身房闭店群体性纠纷（在办）"}
			if err := e.db.CreateGroup(ctx, &inHand, []int64{fresh}); err != nil {
				t.Fatal(err)
			}
			gone, _ := e.db.GetCase(ctx, registerCase(t, m))
			if _, err := e.db.ApplyEvent(ctx, gone.ID, gone.Version, store.CaseChange{Status: domain.StatusWithdrawn},
				store.Event{Type: "withdraw", FromStatus: gone.Status, ToStatus: domain.StatusWithdrawn}); err != nil {
				t.Fatal(err)
			}
			over := store.Group{CommitteeID: cf.CommitteeID, MerchantName: "某健身公司", Title: "某健身房闭店群体性纠纷（已撤回）"}
			if err := e.db.CreateGroup(ctx, &over, []int64{gone.ID}); err != nil {
				t.Fatal(err)
			}
			page := com.get("/desk").body
			groups := page[strings.Index(page, `id="desk-groups"`):]
			if !strings.Contains(groups, inHand.Title) || strings.Contains(groups, over.Title) {
				t.Errorf("the desk's groups: want %q and not %q", inHand.Title, over.Title)
			}

			// The groups page and API: every group by default, the ones in hand
			// with state=open, a page at a time; bad filters are refused.
			if r := com.get("/groups"); r.StatusCode != 200 || !strings.Contains(r.body, inHand.Title) || !strings.Contains(r.body, over.Title) {
				t.Errorf("the groups page lists every group: %d", r.StatusCode)
			}
			if r := com.get("/groups?state=open"); r.StatusCode != 200 || !strings.Contains(r.body, inHand.Title) || strings.Contains(r.body, over.Title) {
				t.Errorf("the groups page in hand: want %q and not %q (%d)", inHand.Title, over.Title, r.StatusCode)
			}
			// A page of one on the web: its 下一页 keeps the size and leads to
			// the next group; the second page links back to the first and has
			// no surges.
			p1 := com.get("/groups?limit=1")
			next := regexp.MustCompile(`href="([^"]+)" id="groups-next"`).FindStringSubmatch(p1.body)
			if p1.StatusCode != 200 || !strings.Contains(p1.body, over.Title) || strings.Contains(p1.body, inHand.Title) || next == nil || !strings.Contains(next[1], "limit=1") {
				t.Fatalf("groups page of one: %d, next %v", p1.StatusCode, next)
			}
			p2 := com.get(html.UnescapeString(strings.TrimSuffix(next[1], "#formed")))
			if p2.StatusCode != 200 || !strings.Contains(p2.body, inHand.Title) || strings.Contains(p2.body, over.Title) ||
				!strings.Contains(p2.body, "回到第一页") || strings.Contains(p2.body, "系统发现的集中投诉") {
				t.Errorf("the groups' second page of one: %d", p2.StatusCode)
			}
			want(t, "groups page, bad state", com.get("/groups?state=closed"), 400, "state 只能是")
			want(t, "groups page, bad cursor", com.get("/groups?after=x"), 400, "分页参数无效")
			if r := e.login("xh_committee01").get("/groups"); r.StatusCode != 200 || strings.Contains(r.body, inHand.Title) {
				t.Errorf("another district's committee lists the group: %d", r.StatusCode)
			}
			want(t, "groups API, bad state", com.json("GET", "/api/v1/groups?state=done", nil, nil), 400, "state 只能是")
			want(t, "groups API, bad limit", com.json("GET", "/api/v1/groups?limit=0", nil, nil), 400, "limit")
			want(t, "groups API, bad cursor", com.json("GET", "/api/v1/groups?after=%25", nil, nil), 400, "分页参数无效")
			type groupList struct {
				Groups []struct {
					ID int64 `json:"id"`
				} `json:"groups"`
				NextCursor string            `json:"next_cursor"`
				Proposals  []json.RawMessage `json:"proposals"`
			}
			list := func(what, path string) (out groupList) {
				t.Helper()
				r := com.json("GET", path, nil, nil)
				want(t, what, r, 200)
				json_(r.body, &out)
				return out
			}
			open := list("groups API in hand", "/api/v1/groups?state=open")
			if len(open.Groups) == 0 || open.Groups[0].ID != inHand.ID || open.NextCursor != "" {
				t.Errorf("groups in hand: %+v, want %d first and no next page", open, inHand.ID)
			}
			// By pages of one, newest formed first: the withdrawn case's group,
			// then the one in hand, each page's cursor leading to the next.
			first := list("groups API page 1", "/api/v1/groups?limit=1")
			second := list("groups API page 2", "/api/v1/groups?limit=1&after="+first.NextCursor)
			if len(first.Groups) != 1 || first.Groups[0].ID != over.ID || first.NextCursor == "" || len(second.Groups) != 1 || second.Groups[0].ID != inHand.ID {
				t.Errorf("groups by pages of one: %+v then %+v, want %d then %d", first, second, over.ID, inHand.ID)
			}
			// The surges come with the first page only (the demo's districts
			// have some).
			if len(first.Proposals) == 0 || len(second.Proposals) != 0 {
				t.Errorf("surge proposals: %d on the first page, %d on the second", len(first.Proposals), len(second.Proposals))
			}
		})
	}
}

// The org tree shows each reader their district; it was blank for everyone but the admin.
func TestOrgTreeForEveryReader(t *testing.T) {
	for _, eng := range storetest.Engines(t) {
		t.Run(eng.Name, func(t *testing.T) {
			e := newEnv(t, eng)
			ctx := context.Background()
			id := registerCase(t, e.login("mediator01"))
			c, _ := e.db.GetCase(ctx, id)
			pd, other, xh := committeeUnits(t, e, c.RoomID)
			for _, user := range []string{"committee01", "mediator01", "regulator01", "justice01", "analyst01"} {
				r := e.login(user).get("/org")
				if r.StatusCode != 200 {
					t.Fatalf("%s /org: %d", user, r.StatusCode)
				}
				for _, want := range []string{pd.Name, other.Name} {
					if !strings.Contains(r.body, want) {
						t.Errorf("%s: the tree lacks %s", user, want)
					}
				}
				if strings.Contains(r.body, xh.Name) {
					t.Errorf("%s sees the other district's committee", user)
				}
			}
			if r := e.login("xh_committee01").get("/org"); !strings.Contains(r.body, xh.Name) || strings.Contains(r.body, pd.Name) {
				t.Error("the other district's tree")
			}
			if r := e.login("admin").get("/org"); !strings.Contains(r.body, xh.Name) || !strings.Contains(r.body, pd.Name) {
				t.Error("admin sees everything")
			}
			if r := e.login("court01").get("/org"); r.StatusCode != 403 {
				t.Fatalf("court reads the org tree: %d", r.StatusCode)
			}
		})
	}
}

// readXLSX returns the export's rows.
func readXLSX(t *testing.T, b []byte) [][]string {
	t.Helper()
	f, err := excelize.OpenReader(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("open export: %v", err)
	}
	defer f.Close()
	rows, err := f.GetRows("案件清单")
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

// The case list shows room, mediator, outcome and deadline, filters overdue
// cases, and exports exactly the filtered list with phones masked.
func TestCaseListColumnsAndExport(t *testing.T) {
	for _, eng := range storetest.Engines(t) {
		t.Run(eng.Name, func(t *testing.T) {
			e := newEnv(t, eng)
			ctx := context.Background()
			m, mediating := mediatingCase(t, e)
			late := overdueCase(t, m)
			cm, _ := e.db.GetCase(ctx, mediating)
			cl, _ := e.db.GetCase(ctx, late)
			units, _ := e.db.ListOrgUnits(ctx)
			var room string
			for _, u := range units {
				if u.ID == cm.RoomID {
					room = u.Name
				}
			}
			me, _ := e.db.GetUserByUsername(ctx, "mediator01")

			list := m.get("/cases?q=" + url.QueryEscape(cm.Number))
			row := list.body[strings.Index(list.body, ">"+cm.Number+"<"):]
			row = row[:strings.Index(row, "</tr>")]
			for _, want := range []string{room, me.DisplayName, "调解期限"} {
				if !strings.Contains(row, want) {
					t.Errorf("list row lacks %q: %s", want, row)
				}
			}
			over := m.get("/cases?due=overdue")
			if !strings.Contains(over.body, cl.Number) || strings.Contains(over.body, cm.Number) {
				t.Fatal("overdue filter")
			}
			if r := m.get("/cases?due=someday"); r.StatusCode != 400 {
				t.Fatalf("bad due filter: %d", r.StatusCode)
			}
			// Paging past the end lands on the last page.
			if r := m.get("/cases?page=9999"); r.StatusCode != 200 || strings.Contains(r.body, "没有符合条件的案件") {
				t.Fatalf("past the last page: %d", r.StatusCode)
			}

			exp := m.get("/cases/export.xlsx?due=overdue")
			if exp.StatusCode != 200 || !strings.Contains(exp.Header.Get("Content-Type"), "spreadsheetml") {
				t.Fatalf("export: %d %s", exp.StatusCode, exp.Header.Get("Content-Type"))
			}
			rows := readXLSX(t, []byte(exp.body))
			if rows[0][0] != "案号" || rows[0][5] != "投诉人电话" {
				t.Fatalf("header: %q", rows[0])
			}
			var numbers []string
			for _, r := range rows[1:] {
				numbers = append(numbers, r[0])
				if r[0] == cl.Number {
					if r[5] == "" || strings.Contains(r[5], "13855556666") || !strings.Contains(r[5], "*") {
						t.Errorf("phone not masked: %q", r[5])
					}
					if strings.Contains(r[4], "王超期") {
						t.Errorf("name not masked: %q", r[4])
					}
					if !strings.Contains(r[13], "已超期") {
						t.Errorf("clock state: %q", r[13])
					}
				}
			}
			if !strings.Contains(strings.Join(numbers, ","), cl.Number) || strings.Contains(strings.Join(numbers, ","), cm.Number) {
				t.Fatalf("export is not the filtered list: %q", numbers)
			}
			one := readXLSX(t, []byte(m.get("/cases/export.xlsx?q="+url.QueryEscape(cm.Number)).body))
			if len(one) != 2 || one[1][0] != cm.Number || one[1][8] != me.DisplayName {
				t.Fatalf("text-filtered export: %q", one)
			}
			// Wrong district: nothing of Pudong; wrong role: refused.
			xh := readXLSX(t, []byte(e.login("xh_mediator01").get("/cases/export.xlsx").body))
			for _, r := range xh[1:] {
				if r[0] == cm.Number || r[0] == cl.Number {
					t.Fatal("another district exports the case")
				}
			}
			for _, user := range []string{"analyst01", "expert01", "admin"} {
				if r := e.login(user).get("/cases/export.xlsx"); r.StatusCode != 403 {
					t.Fatalf("%s exports: %d", user, r.StatusCode)
				}
			}
		})
	}
}

// Roles without a work list land on a page that says what they can do.
func TestRoleHomes(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *env) {
		for user, want := range map[string]string{"analyst01": "统计分析", "auditor01": "安全审计", "admin": "系统管理员"} {
			r := e.login(user).get("/")
			if r.StatusCode != 200 || !strings.Contains(r.body, want) || strings.Contains(r.body, "后续版本") {
				t.Errorf("%s home: %d", user, r.StatusCode)
			}
		}
		for user, want := range map[string]string{"court01": "/court", "expert01": "/consultations", "justice01": "/cases"} {
			if r := e.login(user).get("/"); r.StatusCode != 303 || r.Header.Get("Location") != want {
				t.Errorf("%s lands on %d %s", user, r.StatusCode, r.Header.Get("Location"))
			}
		}
		if r := e.login("justice01").get("/home"); !strings.Contains(r.body, "已超期案件") {
			t.Error("justice home lacks its work")
		}
	})
}
