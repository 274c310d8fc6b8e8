package administration_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/tiaojie/tiaojie/internal/access"
	"github.com/tiaojie/tiaojie/internal/administration"
	"github.com/tiaojie/tiaojie/internal/auth"
	"github.com/tiaojie/tiaojie/internal/domain"
	"github.com/tiaojie/tiaojie/internal/store"
	"github.com/tiaojie/tiaojie/internal/store/storetest"
)

func noUnit(t *testing.T, st store.Store, code string) {
	t.Helper()
	if _, err := st.GetOrgUnitByCode(context.Background(), code); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("unit %s exists after a refused creation (err %v)", code, err)
	}
}

func TestCreateOrgUnitWithStreetsIsAtomic(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			w := newWorld(t, e)
			ctx := context.Background()
			room := func(code string, streets ...string) administration.NewOrgUnit {
				return administration.NewOrgUnit{ParentID: w.pdCmt.ID, Kind: domain.OrgOfficeRoom, Name: "临港市场监管所联合人民调解工作室", Code: code, Streets: streets}
			}
			// 陆家嘴街道 is the 陆家嘴 room's: the unit is written before the
			// streets are checked, and must go with them.
			_, err := w.svc.CreateOrgUnit(ctx, w.admin, room("pd-room-lg", "临港新片区", "陆家嘴街道"))
			if status, msg := access.StatusOf(err); status != 409 || !strings.Contains(msg, "陆家嘴街道") {
				t.Fatalf("street of another room: %d %s", status, msg)
			}
			noUnit(t, w.st, "pd-room-lg")

			u, err := w.svc.CreateOrgUnit(ctx, w.admin, room("pd-room-lg", "临港新片区", "芦潮港"))
			if err != nil {
				t.Fatal(err)
			}
			if u.ParentID != w.pdCmt.ID || !strings.HasPrefix(u.Path, w.pdCmt.Path) {
				t.Fatalf("new room: %+v", u)
			}
			rs, _ := w.st.ListRoomStreets(ctx, w.pdCmt.ID)
			var got []string
			for _, x := range rs {
				if x.RoomID == u.ID {
					got = append(got, x.Street)
				}
			}
			if strings.Join(got, "、") != "临港新片区、芦潮港" {
				t.Fatalf("streets of the new room: %v", got)
			}
			if _, err := w.svc.CreateOrgUnit(ctx, w.admin, room("pd-room-lg")); !errors.Is(err, administration.ErrCodeTaken) {
				t.Fatalf("code taken: %v", err)
			}
		})
	}
}

func TestCreateOrgUnitRefusals(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			w := newWorld(t, e)
			ctx := context.Background()
			for _, c := range []struct {
				p    *auth.Principal
				in   administration.NewOrgUnit
				want string
			}{
				{w.admin, administration.NewOrgUnit{ParentID: w.pdCmt.ID, Kind: domain.OrgCommittee, Name: "x", Code: "x-cmt", Abbr: "新"}, "调委会不能设在调委会之下"},
				{w.admin, administration.NewOrgUnit{ParentID: w.city.ID, Kind: domain.OrgOfficeRoom, Name: "x", Code: "x-new"}, "不能设在"},
				{w.admin, administration.NewOrgUnit{ParentID: w.pdCmt.ID, Kind: domain.OrgOfficeRoom, Name: " ", Code: "x-new"}, "请填写名称（不超过100个字）"},
				{w.admin, administration.NewOrgUnit{ParentID: w.pdCmt.ID, Kind: domain.OrgOfficeRoom, Name: "x", Code: "x"}, "代码应为3至40位字母、数字、下划线或连字符"},
				{w.admin, administration.NewOrgUnit{ParentID: w.pdCmt.ID, Kind: domain.OrgEnterpriseRoom, Name: "x", Code: "x-new", Streets: []string{"花木街道"}}, "只有联合人民调解工作室可以设置辖区街镇"},
				{w.admin, administration.NewOrgUnit{ParentID: w.pd.ID, Kind: domain.OrgCommittee, Name: "x", Code: "x-new"}, "调委会须填写1至2个字的案号简称"},
				{w.admin, administration.NewOrgUnit{ParentID: w.pdCmt.ID, Kind: "palace", Name: "x", Code: "x-new"}, "请选择单位类型"},
				{w.admin, administration.NewOrgUnit{ParentID: w.pdCmt.ID + 9999, Kind: domain.OrgOfficeRoom, Name: "x", Code: "x-new"}, "上级单位不存在"},
				// Scope: a district's admin neither reaches the other district nor adds top-level units.
				{w.xhAdmin, administration.NewOrgUnit{ParentID: w.pdCmt.ID, Kind: domain.OrgOfficeRoom, Name: "x", Code: "x-new"}, "上级单位不存在"},
				{w.xhAdmin, administration.NewOrgUnit{Kind: domain.OrgCity, Name: "x", Code: "x-new"}, "请选择上级单位"},
			} {
				_, err := w.svc.CreateOrgUnit(ctx, c.p, c.in)
				if status, msg := access.StatusOf(err); status != 422 || !strings.Contains(msg, c.want) {
					t.Errorf("%+v: %d %s, want 422 %s", c.in, status, msg, c.want)
				}
			}
			noUnit(t, w.st, "x-new")
			noUnit(t, w.st, "x-cmt")
			if _, err := w.svc.CreateOrgUnit(ctx, w.med, administration.NewOrgUnit{ParentID: w.pdCmt.ID, Kind: domain.OrgOfficeRoom, Name: "x", Code: "x-new"}); !errors.Is(err, access.ErrForbidden) {
				t.Fatalf("mediator adds a unit: %v", err)
			}
			noUnit(t, w.st, "x-new")
			if _, err := w.svc.CreateOrgUnit(ctx, w.xhAdmin, administration.NewOrgUnit{ParentID: w.xhC.ID, Kind: domain.OrgOfficeRoom, Name: "徐家汇工作室", Code: "xh-room"}); err != nil {
				t.Fatalf("xh admin adds in 徐汇: %v", err)
			}
		})
	}
}

// names flattens the tree into the names shown.
func names(n *administration.OrgNode, out map[string]bool) map[string]bool {
	for _, c := range n.Children {
		out[c.Unit.Name] = true
		names(c, out)
	}
	return out
}

func TestOrgTreeByScope(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			w := newWorld(t, e)
			ctx := context.Background()
			// The mediator sees the whole district (committee, the other room) but not 徐汇.
			tr, err := w.svc.Tree(ctx, w.med)
			if err != nil {
				t.Fatal(err)
			}
			seen := names(tr.Root, map[string]bool{})
			if !seen[w.pdCmt.Name] || !seen[w.huamu.Name] || seen[w.xhC.Name] || seen[w.city.Name] {
				t.Fatalf("mediator's tree: %v", seen)
			}
			if len(tr.Parents) != 0 {
				t.Fatal("a reader is offered parents to add under")
			}
			// Streets hang on their room.
			var ljz *administration.OrgNode
			var find func(*administration.OrgNode)
			find = func(n *administration.OrgNode) {
				for _, c := range n.Children {
					if c.Unit.ID == w.ljz.ID {
						ljz = c
					}
					find(c)
				}
			}
			find(tr.Root)
			if ljz == nil || strings.Join(ljz.Streets, "、") != "陆家嘴街道" {
				t.Fatalf("陆家嘴 room node: %+v", ljz)
			}
			tr, _ = w.svc.Tree(ctx, w.xhAdmin)
			if seen := names(tr.Root, map[string]bool{}); !seen[w.xhC.Name] || seen[w.pdCmt.Name] {
				t.Fatalf("xh admin's tree: %v", seen)
			}
			for _, u := range tr.Parents {
				if !strings.HasPrefix(u.Path, w.xh.Path) {
					t.Errorf("xh admin offered %s as a parent", u.Name)
				}
			}
			tr, _ = w.svc.Tree(ctx, w.admin)
			if seen := names(tr.Root, map[string]bool{}); !seen[w.city.Name] || !seen[w.xhC.Name] || !seen[w.ljz.Name] {
				t.Fatalf("city admin's tree: %v", seen)
			}
			if _, err := w.svc.Tree(ctx, w.ct); !errors.Is(err, access.ErrForbidden) {
				t.Fatalf("court reads the tree: %v", err)
			}
		})
	}
}
