package grouping

import (
	"context"
	"fmt"

	"github.com/tiaojie/tiaojie/internal/access"

	"github.com/tiaojie/tiaojie/internal/auth"
	"github.com/tiaojie/tiaojie/internal/domain"
	"github.com/tiaojie/tiaojie/internal/store"
)

// CommitteeOf is the first committee where the caller may decide cases: the
// committee whose group disputes they manage. ok is false for everyone else.
func (s *Service) CommitteeOf(ctx context.Context, p *auth.Principal) (store.OrgUnit, bool, error) {
	units, err := auth.Reached(ctx, s.Store, p, domain.PermCaseDecide)
	if err != nil {
		return store.OrgUnit{}, false, err
	}
	for _, u := range units {
		if u.Kind == domain.OrgCommittee {
			return u, true, nil
		}
	}
	return store.OrgUnit{}, false, nil
}

// Groups lists a page of the group disputes of a committee whose cases the
// caller decides (q.CommitteeID is the committee's).
func (s *Service) Groups(ctx context.Context, p *auth.Principal, committee store.OrgUnit, q store.GroupQuery) (store.Page[store.Group], error) {
	if !p.Reaches(domain.PermCaseDecide, committee.Path) {
		return store.Page[store.Group]{}, access.ErrForbidden
	}
	q.CommitteeID = committee.ID
	page, err := s.Store.ListGroups(ctx, q)
	if err != nil {
		return page, fmt.Errorf("list groups of committee %d: %w", committee.ID, err)
	}
	return page, nil
}
