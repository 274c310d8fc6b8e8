package grouping

import (
	"context"

	"github.com/tiaojie/tiaojie/internal/auth"
	"github.com/tiaojie/tiaojie/internal/domain"
	"github.com/tiaojie/tiaojie/internal/store"
)

// CommitteeOf is the first committee where the caller may decide cases: the
// committee whose group disputes they manage. ok is false for everyone else.
func (s *Service) CommitteeOf(ctx context.Context, p *auth.Principal) (store.OrgUnit, bool, error) {
	units, err := s.Store.ListOrgUnits(ctx)
	if err != nil {
		return store.OrgUnit{}, false, err
	}
	for _, u := range units {
		if u.Kind == domain.OrgCommittee && p.Reaches(domain.PermCaseDecide, u.Path) {
			return u, true, nil
		}
	}
	return store.OrgUnit{}, false, nil
}
