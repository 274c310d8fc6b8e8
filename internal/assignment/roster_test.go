package assignment_test

import (
	"context"
	"errors"
	"testing"

	"github.com/tiaojie/tiaojie/internal/assignment"
	"github.com/tiaojie/tiaojie/internal/auth"
	"github.com/tiaojie/tiaojie/internal/calendar"
	"github.com/tiaojie/tiaojie/internal/domain"
	"github.com/tiaojie/tiaojie/internal/store"
	"github.com/tiaojie/tiaojie/internal/store/storetest"
)

// A room lead manages their room's roster: settings within bounds, leave for
// the room's own mediators only; another room is not theirs to see.
func TestRoster(t *testing.T) {
	ctx := context.Background()
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			st := e.Open(t, true)
			mk := func(parent int64, kind domain.OrgKind, code string) store.OrgUnit {
				u := store.OrgUnit{ParentID: parent, Kind: kind, Code: code, Name: code, Abbr: "浦"}
				if err := st.CreateOrgUnit(ctx, &u); err != nil {
					t.Fatal(err)
				}
				return u
			}
			city := mk(0, domain.OrgCity, "sh")
			d := mk(city.ID, domain.OrgDistrict, "pd")
			cmt := mk(d.ID, domain.OrgCommittee, "pd-cmt")
			room, other := mk(cmt.ID, domain.OrgOfficeRoom, "pd-r1"), mk(cmt.ID, domain.OrgOfficeRoom, "pd-r2")
			user := func(name string, u store.OrgUnit) store.User {
				x := store.User{Username: name, DisplayName: name, PasswordHash: "x", Active: true}
				if err := st.CreateUser(ctx, &x); err != nil {
					t.Fatal(err)
				}
				if err := st.AddBinding(ctx, store.Binding{UserID: x.ID, Role: domain.RoleMediator, OrgID: u.ID}); err != nil {
					t.Fatal(err)
				}
				return x
			}
			mine, theirs := user("m1", room), user("m2", other)
			lead := &auth.Principal{UserID: 99, Bindings: []store.Binding{{Role: domain.RoleRoomLead, OrgID: room.ID, OrgPath: room.Path}}}
			mediator := &auth.Principal{UserID: mine.ID, Bindings: []store.Binding{{Role: domain.RoleMediator, OrgID: room.ID, OrgPath: room.Path}}}
			svc := &assignment.Service{Store: st}
			day, _ := calendar.ParseDate("2026-03-02")

			if _, err := svc.Roster(ctx, mediator, 0, day); !errors.Is(err, assignment.ErrNoRooms) {
				t.Fatalf("a mediator manages no room: %v", err)
			}
			if err := svc.SaveSettings(ctx, lead, other.ID, 10, assignment.LeastLoaded); !errors.Is(err, assignment.ErrNoRoom) {
				t.Fatalf("settings of another room: %v", err)
			}
			var fe *domain.FieldError
			if err := svc.SaveSettings(ctx, lead, room.ID, 0, assignment.LeastLoaded); !errors.As(err, &fe) {
				t.Fatalf("capacity 0 is refused: %v", err)
			}
			if err := svc.SaveSettings(ctx, lead, room.ID, 12, assignment.RoundRobin); err != nil {
				t.Fatal(err)
			}
			if err := svc.SetLeave(ctx, lead, room.ID, theirs.ID, day.String(), true); !errors.As(err, &fe) || fe.Field != "user" {
				t.Fatalf("leave for another room's mediator: %v", err)
			}
			if err := svc.SetLeave(ctx, lead, room.ID, mine.ID, "2026-3-2", true); !errors.As(err, &fe) || fe.Field != "date" {
				t.Fatalf("a bad date: %v", err)
			}
			if err := svc.SetLeave(ctx, lead, room.ID, mine.ID, day.String(), true); err != nil {
				t.Fatal(err)
			}
			if _, err := svc.Roster(ctx, lead, other.ID, day); !errors.Is(err, assignment.ErrNoRooms) {
				t.Fatalf("roster of a room the lead does not manage: %v", err)
			}
			ro, err := svc.Roster(ctx, lead, 0, day)
			if err != nil {
				t.Fatal(err)
			}
			if ro.Room.ID != room.ID || len(ro.Rooms) != 1 || ro.Settings.Capacity != 12 || ro.Settings.Chooser != assignment.RoundRobin {
				t.Fatalf("roster = %+v", ro)
			}
			if len(ro.People) != 1 || ro.People[0].UserID != mine.ID || !ro.People[0].OnLeave {
				t.Fatalf("people = %+v, want %s on leave", ro.People, mine.Username)
			}
			if next, _ := svc.Roster(ctx, lead, 0, day.AddDays(1)); len(next.People) != 1 || next.People[0].OnLeave {
				t.Fatalf("leave is for one day: %+v", next.People)
			}
		})
	}
}
