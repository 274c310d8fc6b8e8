package corps

import (
	"context"
	"fmt"
	"time"

	"github.com/tiaojie/tiaojie/internal/calendar"
	"github.com/tiaojie/tiaojie/internal/grading"
)

// FilingLate is a mediator whose filing with the justice bureau is late
// (filed after the due day) or missing past it.
type FilingLate struct {
	UserID      int64
	Name        string
	Rooms       []Room
	CommitteeID int64 // of the first room
	AppointedOn string
	Due         string
	FiledOn     string // "" when missing
	State       string // grading.FilingLate or grading.FilingOverdue
	Label       string
}

// FilingOverdue lists every registered mediator (active, bound to a room)
// whose filing is late or missing past its due day on today: 30 working
// days after appointment, on the stored calendar. It reads everything: the
// caller is the warning sweep, not a person.
func (s *Service) FilingOverdue(ctx context.Context, today calendar.Date) ([]FilingLate, error) {
	units, err := s.Store.ListOrgUnits(ctx)
	if err != nil {
		return nil, fmt.Errorf("list org units: %w", err)
	}
	var rooms = units[:0:0]
	for _, u := range units {
		if isRoom(u.Kind) {
			rooms = append(rooms, u)
		}
	}
	ms, err := s.members(ctx, rooms)
	if err != nil {
		return nil, err
	}
	// The states are computed as of the day asked, not the clock.
	s2 := *s
	s2.Now = func() time.Time { return today.Time() }
	if err := s2.fill(ctx, ms); err != nil {
		return nil, err
	}
	var out []FilingLate
	for _, m := range ms {
		if m.FilingState != grading.FilingLate && m.FilingState != grading.FilingOverdue {
			continue
		}
		f := FilingLate{UserID: m.UserID, Name: m.Name, Rooms: m.Rooms, AppointedOn: m.AppointedOn, Due: m.FilingDue,
			FiledOn: m.FiledOn, State: m.FilingState, Label: m.FilingLabel}
		if len(m.Rooms) > 0 {
			f.CommitteeID = m.Rooms[0].CommitteeID
		}
		out = append(out, f)
	}
	return out, nil
}

// Phones opens the mediators' phones for the warning escalation's SMS
// (never shown on a page or in the API); users without one are missing.
func (s *Service) Phones(ctx context.Context, userIDs []int64) (map[int64]string, error) {
	recs, err := s.Store.ListMediatorRecords(ctx, userIDs)
	if err != nil {
		return nil, fmt.Errorf("list mediator records: %w", err)
	}
	out := map[int64]string{}
	for _, r := range recs {
		if r.PhoneSealed == "" {
			continue
		}
		ph, err := s.Sealer.Open(r.PhoneSealed)
		if err != nil {
			return nil, fmt.Errorf("open phone of mediator %d: %w", r.UserID, err)
		}
		out[r.UserID] = ph
	}
	return out, nil
}
