package diversion

import (
	"context"
	"errors"
	"fmt"

	"github.com/tiaojie/tiaojie/internal/access"
	"github.com/tiaojie/tiaojie/internal/auth"
	"github.com/tiaojie/tiaojie/internal/domain"
	"github.com/tiaojie/tiaojie/internal/store"
)

// ErrNoCommittee: the actor manages the routing of no committee (or not of
// the one asked for).
var ErrNoCommittee = access.Forbidden("您不负责任何调委会的分流规则")

// Committee is the committee whose routing the actor manages; want picks
// one of several (0: the first).
func (s *Service) Committee(ctx context.Context, p *auth.Principal, want int64) (store.OrgUnit, error) {
	return access.ManagedCommittee(ctx, s.Store, p, domain.PermRoutingManage, want, ErrNoCommittee)
}

// Streets maps each office room of the committee to the streets/towns it covers.
func (s *Service) Streets(ctx context.Context, p *auth.Principal, committee store.OrgUnit) (map[int64][]string, error) {
	if !p.Reaches(domain.PermRoutingManage, committee.Path) {
		return nil, ErrForbidden
	}
	rs, err := s.Store.ListRoomStreets(ctx, committee.ID)
	if err != nil {
		return nil, fmt.Errorf("list room streets: %w", err)
	}
	out := map[int64][]string{}
	for _, x := range rs {
		out[x.RoomID] = append(out[x.RoomID], x.Street)
	}
	return out, nil
}

// SaveStreets sets the streets/towns an office room of the committee covers.
// The room check, the check that no other room holds a street and the
// write run in one transaction.
func (s *Service) SaveStreets(ctx context.Context, p *auth.Principal, committee store.OrgUnit, roomID int64, streets []string) (store.OrgUnit, error) {
	if !p.Reaches(domain.PermRoutingManage, committee.Path) {
		return store.OrgUnit{}, ErrForbidden
	}
	var room store.OrgUnit
	err := s.Store.InTx(ctx, func(tx store.Store) error {
		var err error
		room, err = tx.GetOrgUnit(ctx, roomID)
		if errors.Is(err, store.ErrNotFound) || (err == nil && (room.ParentID != committee.ID || room.Kind != domain.OrgOfficeRoom)) {
			return &domain.FieldError{Field: "room", Message: "请选择本调委会的联合人民调解工作室"}
		}
		if err != nil {
			return fmt.Errorf("get room: %w", err)
		}
		existing, err := tx.ListRoomStreets(ctx, committee.ID)
		if err != nil {
			return fmt.Errorf("list room streets: %w", err)
		}
		if err := StreetsFree(existing, room.ID, streets); err != nil {
			return err
		}
		return tx.SetRoomStreets(ctx, room.ID, streets)
	})
	return room, err
}

// StreetsFree refuses streets another room of the committee already
// covers: a street belongs to one room only, or the street rule could not
// tell where a complaint goes.
func StreetsFree(existing []store.RoomStreet, roomID int64, streets []string) error {
	for _, x := range existing {
		for _, st := range streets {
			if x.Street == st && x.RoomID != roomID {
				return access.Conflict("“" + st + "”已由其他工作室负责，请先从该工作室移除")
			}
		}
	}
	return nil
}
