package auth

import (
	"context"
	"errors"
	"fmt"
	"sort"

	"github.com/tiaojie/tiaojie/internal/domain"
	"github.com/tiaojie/tiaojie/internal/store"
)

// SessionLive reports whether a web session (by its cookie token) still
// exists: signing out or the session running out ends what it holds open.
func (s *Service) SessionLive(ctx context.Context, token string) (bool, error) {
	_, found, err := s.Store.SessionFind(ctx, token)
	if err != nil {
		return false, fmt.Errorf("find session: %w", err)
	}
	return found, nil
}

// OrgUnits lists the org units the actor's bindings reach, in tree order.
func (s *Service) OrgUnits(ctx context.Context, p *Principal) ([]store.OrgUnit, error) {
	units, err := s.Store.ListOrgUnits(ctx)
	if err != nil {
		return nil, fmt.Errorf("list org units: %w", err)
	}
	sort.SliceStable(units, func(i, j int) bool { return units[i].Path < units[j].Path })
	var out []store.OrgUnit
	for _, u := range units {
		if p.Reaches(domain.PermSignedIn, u.Path) {
			out = append(out, u)
		}
	}
	return out, nil
}

// OrgExists reports whether an org unit exists (a key is issued for one).
func (s *Service) OrgExists(ctx context.Context, id int64) (bool, error) {
	_, err := s.Store.GetOrgUnit(ctx, id)
	if errors.Is(err, store.ErrNotFound) {
		return false, nil
	} else if err != nil {
		return false, fmt.Errorf("get org unit %d: %w", id, err)
	}
	return true, nil
}
