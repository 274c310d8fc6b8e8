package agreement

import (
	"context"
	"errors"
	"fmt"

	"github.com/tiaojie/tiaojie/internal/access"
	"github.com/tiaojie/tiaojie/internal/auth"
	"github.com/tiaojie/tiaojie/internal/domain"
	"github.com/tiaojie/tiaojie/internal/store"
)

var (
	// ErrNoSealCommittee: the actor manages the seal of no committee (or not of the one asked for).
	ErrNoSealCommittee = access.Forbidden("您不负责任何调委会的印章")
	// ErrNoSeal: the committee has not uploaded its seal yet.
	ErrNoSeal = access.NotFound("尚未上传印章")
)

// SealCommittee is the committee whose seal the actor manages; want picks
// one of several (0: the first).
func (s *Service) SealCommittee(ctx context.Context, p *auth.Principal, want int64) (store.OrgUnit, error) {
	return access.ManagedCommittee(ctx, s.Store, p, domain.PermSealManage, want, ErrNoSealCommittee)
}

// CommitteeSeal is the committee's current seal image, for those who manage
// it; ErrNoSeal when none is uploaded.
func (s *Service) CommitteeSeal(ctx context.Context, p *auth.Principal, committee store.OrgUnit) (store.Seal, error) {
	if committee.Kind != domain.OrgCommittee || !p.Reaches(domain.PermSealManage, committee.Path) {
		return store.Seal{}, access.ErrForbidden
	}
	sl, err := s.Store.GetSeal(ctx, committee.ID)
	if errors.Is(err, store.ErrNotFound) {
		return store.Seal{}, ErrNoSeal
	}
	if err != nil {
		return store.Seal{}, fmt.Errorf("get seal: %w", err)
	}
	return sl, nil
}
