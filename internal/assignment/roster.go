package assignment

import (
	"context"
	"errors"
	"fmt"

	"github.com/tiaojie/tiaojie/internal/access"
	"github.com/tiaojie/tiaojie/internal/auth"
	"github.com/tiaojie/tiaojie/internal/calendar"
	"github.com/tiaojie/tiaojie/internal/domain"
	"github.com/tiaojie/tiaojie/internal/store"
)

// Roster is a room's mediators with their load and duty on a day, and the
// room's assignment settings, for whoever manages the room.
type Roster struct {
	Rooms    []store.OrgUnit // every room the actor manages
	Room     store.OrgUnit   // the one shown
	Settings store.RoomSettings
	People   []Candidate
}

// ErrNoRooms: the actor manages no room.
var ErrNoRooms = access.Forbidden("您不负责任何调解工作室")

// ErrNoRoom: the room does not exist or the actor does not manage it.
var ErrNoRoom = access.NotFound("工作室不存在或无权管理")

// Roster loads the roster of a room the actor manages on a day (roomID 0:
// the first such room; a room they do not manage is refused).
func (s *Service) Roster(ctx context.Context, p *auth.Principal, roomID int64, day calendar.Date) (Roster, error) {
	var ro Roster
	units, err := auth.Reached(ctx, s.Store, p, domain.PermRoomManage)
	if err != nil {
		return ro, err
	}
	for _, u := range units {
		if u.Kind.IsRoom() {
			ro.Rooms = append(ro.Rooms, u)
			if ro.Room.ID == 0 && (roomID == 0 || roomID == u.ID) {
				ro.Room = u
			}
		}
	}
	if ro.Room.ID == 0 {
		return ro, ErrNoRooms
	}
	if ro.Settings, err = s.Store.GetRoomSettings(ctx, ro.Room.ID); err != nil {
		return ro, fmt.Errorf("get settings of room %d: %w", ro.Room.ID, err)
	}
	ro.People, err = s.people(ctx, ro.Room.ID, day)
	return ro, err
}

// people are the room's mediators with their load and whether they are on leave that day.
func (s *Service) people(ctx context.Context, roomID int64, day calendar.Date) ([]Candidate, error) {
	us, err := s.RoomMediators(ctx, roomID)
	if err != nil {
		return nil, err
	}
	var ids []int64
	for _, u := range us {
		ids = append(ids, u.ID)
	}
	loads, err := s.Store.MediatorLoads(ctx, ids)
	if err != nil {
		return nil, fmt.Errorf("mediator loads: %w", err)
	}
	leave, err := s.Store.OnLeave(ctx, ids, day.String())
	if err != nil {
		return nil, fmt.Errorf("who is on leave: %w", err)
	}
	var out []Candidate
	for _, u := range us {
		out = append(out, Candidate{UserID: u.ID, Name: u.DisplayName, Load: loads[u.ID], OnLeave: leave[u.ID]})
	}
	return out, nil
}

// RoomMediators lists the mediators and leads bound to a room.
func (s *Service) RoomMediators(ctx context.Context, roomID int64) ([]store.User, error) {
	us, err := s.Store.ListRoomMediators(ctx, roomID)
	if err != nil {
		return nil, fmt.Errorf("list mediators of room %d: %w", roomID, err)
	}
	return us, nil
}

// managed loads a room the actor manages.
func (s *Service) managed(ctx context.Context, p *auth.Principal, roomID int64) (store.OrgUnit, error) {
	u, err := s.Store.GetOrgUnit(ctx, roomID)
	if errors.Is(err, store.ErrNotFound) || (err == nil && (!u.Kind.IsRoom() || !p.Reaches(domain.PermRoomManage, u.Path))) {
		return store.OrgUnit{}, ErrNoRoom
	} else if err != nil {
		return store.OrgUnit{}, fmt.Errorf("get room %d: %w", roomID, err)
	}
	return u, nil
}

// SaveSettings sets a room's capacity cap (cases per mediator) and its chooser.
func (s *Service) SaveSettings(ctx context.Context, p *auth.Principal, roomID int64, capacity int, chooser string) error {
	room, err := s.managed(ctx, p, roomID)
	if err != nil {
		return err
	}
	if capacity < 1 || capacity > 500 || (chooser != LeastLoaded && chooser != RoundRobin) {
		return &domain.FieldError{Field: "capacity", Message: "办案上限应为1至500件，并选择指派规则"}
	}
	if err := s.Store.PutRoomSettings(ctx, store.RoomSettings{RoomID: room.ID, Capacity: capacity, Chooser: chooser}); err != nil {
		return fmt.Errorf("save settings of room %d: %w", room.ID, err)
	}
	return nil
}

// SetLeave marks one of the room's mediators on leave (or back on duty) for a day.
func (s *Service) SetLeave(ctx context.Context, p *auth.Principal, roomID, userID int64, date string, onLeave bool) error {
	room, err := s.managed(ctx, p, roomID)
	if err != nil {
		return err
	}
	if _, err := calendar.ParseDate(date); err != nil {
		return &domain.FieldError{Field: "date", Message: "日期格式应为 YYYY-MM-DD"}
	}
	us, err := s.RoomMediators(ctx, room.ID)
	if err != nil {
		return err
	}
	member := false
	for _, u := range us {
		member = member || u.ID == userID
	}
	if !member {
		return &domain.FieldError{Field: "user", Message: "只能安排本工作室的调解员"}
	}
	if err := s.Store.SetLeave(ctx, userID, date, onLeave); err != nil {
		return fmt.Errorf("set leave of user %d: %w", userID, err)
	}
	return nil
}
