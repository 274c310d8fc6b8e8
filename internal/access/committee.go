package access

import (
	"context"
	"fmt"

	"github.com/tiaojie/tiaojie/internal/auth"
	"github.com/tiaojie/tiaojie/internal/domain"
	"github.com/tiaojie/tiaojie/internal/store"
)

// OrgLister is the part of the store ManagedCommittee needs.
type OrgLister interface {
	OrgUnitsOfKind(ctx context.Context, kinds ...domain.OrgKind) ([]store.OrgUnit, error)
}

// ManagedCommittee is the committee on which the actor holds perm: the one
// numbered want when it is among them, else (want 0) the first in path
// order. When the actor holds perm on none (or not on want) it answers
// none, so that each capability refuses in its own words.
func ManagedCommittee(ctx context.Context, st OrgLister, p *auth.Principal, perm domain.Permission, want int64, none error) (store.OrgUnit, error) {
	committees, err := st.OrgUnitsOfKind(ctx, domain.OrgCommittee)
	if err != nil {
		return store.OrgUnit{}, fmt.Errorf("find committee: %w", err)
	}
	for _, u := range committees {
		if p.Reaches(perm, u.Path) && (want == 0 || want == u.ID) {
			return u, nil
		}
	}
	return store.OrgUnit{}, none
}
