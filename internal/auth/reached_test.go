package auth_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/tiaojie/tiaojie/internal/auth"
	"github.com/tiaojie/tiaojie/internal/domain"
	"github.com/tiaojie/tiaojie/internal/store"
	"github.com/tiaojie/tiaojie/internal/store/storetest"
)

// Reached gives the units a principal reaches with a permission, each once
// and in tree order, the same as filtering the whole tree: nested bindings
// (a district and a room inside it) do not repeat the room, a binding
// without the permission adds nothing, and another district stays out.
func TestReached(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			ctx := context.Background()
			db := e.Open(t, true)
			mk := func(parent int64, kind domain.OrgKind, code string) store.OrgUnit {
				u := store.OrgUnit{ParentID: parent, Kind: kind, Code: code, Name: code}
				if err := db.CreateOrgUnit(ctx, &u); err != nil {
					t.Fatal(err)
				}
				return u
			}
			city := mk(0, domain.OrgCity, "sh")
			var rooms []store.OrgUnit
			var court store.OrgUnit
			for d := range 3 {
				dist := mk(city.ID, domain.OrgDistrict, fmt.Sprintf("d%d", d))
				cmt := mk(dist.ID, domain.OrgCommittee, fmt.Sprintf("d%d-cmt", d))
				for r := range 3 {
					rooms = append(rooms, mk(cmt.ID, domain.OrgOfficeRoom, fmt.Sprintf("d%d-r%d", d, r)))
				}
				if d == 2 {
					court = mk(dist.ID, domain.OrgCourt, "d2-court")
				}
			}
			d0, _ := db.GetOrgUnitByCode(ctx, "d0")
			p := &auth.Principal{UserID: 1, Bindings: []store.Binding{
				{Role: domain.RoleJustice, OrgID: d0.ID, OrgPath: d0.Path},
				{Role: domain.RoleMediator, OrgID: rooms[1].ID, OrgPath: rooms[1].Path},
				{Role: domain.RoleMediator, OrgID: rooms[4].ID, OrgPath: rooms[4].Path},
				{Role: domain.RoleCourt, OrgID: court.ID, OrgPath: court.Path},
			}}
			all, err := db.ListOrgUnits(ctx)
			if err != nil {
				t.Fatal(err)
			}
			for _, perm := range []domain.Permission{domain.PermCaseRead, domain.PermRoutineRead, domain.PermSubsidyApprove, domain.PermUserManage} {
				var want []string
				for _, u := range all {
					if p.Reaches(perm, u.Path) {
						want = append(want, u.Code)
					}
				}
				got, err := auth.Reached(ctx, db, p, perm)
				if err != nil {
					t.Fatal(err)
				}
				var codes []string
				for _, u := range got {
					codes = append(codes, u.Code)
				}
				if fmt.Sprint(codes) != fmt.Sprint(want) {
					t.Fatalf("%s: %v, want %v", perm, codes, want)
				}
			}
		})
	}
}
