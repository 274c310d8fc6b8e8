package agreement_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/tiaojie/tiaojie/internal/access"
	"github.com/tiaojie/tiaojie/internal/agreement"
	"github.com/tiaojie/tiaojie/internal/auth"
	"github.com/tiaojie/tiaojie/internal/domain"
	"github.com/tiaojie/tiaojie/internal/store"
	"github.com/tiaojie/tiaojie/internal/store/storetest"
)

func TestCommitteeSealForItsManagersOnly(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			ctx := context.Background()
			st := e.Open(t, true)
			mk := func(parent int64, kind domain.OrgKind, code, abbr string) store.OrgUnit {
				u := store.OrgUnit{ParentID: parent, Kind: kind, Code: code, Name: code, Abbr: abbr}
				if err := st.CreateOrgUnit(ctx, &u); err != nil {
					t.Fatal(err)
				}
				return u
			}
			as := func(role domain.Role, u store.OrgUnit) *auth.Principal {
				return &auth.Principal{Bindings: []store.Binding{{Role: role, OrgID: u.ID, OrgPath: u.Path}}}
			}
			city := mk(0, domain.OrgCity, "sh", "")
			pd := mk(mk(city.ID, domain.OrgDistrict, "pd", "").ID, domain.OrgCommittee, "pd-cmt", "浦")
			xh := mk(mk(city.ID, domain.OrgDistrict, "xh", "").ID, domain.OrgCommittee, "xh-cmt", "徐")
			svc := &agreement.Service{Store: st}
			staff, other, mediator := as(domain.RoleCommittee, pd), as(domain.RoleCommittee, xh), as(domain.RoleMediator, pd)

			c, err := svc.SealCommittee(ctx, staff, 0)
			if err != nil || c.ID != pd.ID {
				t.Fatalf("staff's committee: %+v %v", c, err)
			}
			for _, tc := range []struct {
				p    *auth.Principal
				want int64
			}{{other, pd.ID}, {mediator, 0}} {
				if _, err := svc.SealCommittee(ctx, tc.p, tc.want); !errors.Is(err, agreement.ErrNoSealCommittee) {
					t.Fatalf("%+v picks a committee: %v", tc.p.Bindings, err)
				}
			}
			if _, err := svc.CommitteeSeal(ctx, staff, pd); !errors.Is(err, agreement.ErrNoSeal) {
				t.Fatalf("no seal yet: %v", err)
			}
			if err := st.PutSeal(ctx, pd.ID, []byte("png"), 0, time.Now()); err != nil {
				t.Fatal(err)
			}
			if s, err := svc.CommitteeSeal(ctx, staff, pd); err != nil || string(s.Image) != "png" {
				t.Fatalf("the seal: %v", err)
			}
			for _, p := range []*auth.Principal{other, mediator} {
				if _, err := svc.CommitteeSeal(ctx, p, pd); !errors.Is(err, access.ErrForbidden) {
					t.Fatalf("%+v reads the seal: %v", p.Bindings, err)
				}
			}
		})
	}
}
