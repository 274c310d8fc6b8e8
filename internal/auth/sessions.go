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
	return Reached(ctx, s.Store, p, domain.PermSignedIn)
}

// SubtreeLister reads a subtree of the org tree.
type SubtreeLister interface {
	OrgUnitsUnder(ctx context.Context, prefix string) ([]store.OrgUnit, error)
}

// Reached lists the units under the bindings where p holds perm, once
// each, in tree order: the subtrees themselves, not a city's whole tree
// filtered (nested bindings name a unit twice).
func Reached(ctx context.Context, st SubtreeLister, p *Principal, perm domain.Permission) ([]store.OrgUnit, error) {
	var out []store.OrgUnit
	seen := map[int64]bool{}
	for _, pre := range p.Scope(perm).Prefixes {
		units, err := st.OrgUnitsUnder(ctx, pre)
		if err != nil {
			return nil, fmt.Errorf("list org units under %s: %w", pre, err)
		}
		for _, u := range units {
			if !seen[u.ID] {
				seen[u.ID] = true
				out = append(out, u)
			}
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Path < out[j].Path })
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
