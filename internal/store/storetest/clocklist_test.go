package storetest

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/tiaojie/tiaojie/internal/domain"
	"github.com/tiaojie/tiaojie/internal/store"
)

// ClockCandidates: each branch is a range on its start date for its
// statuses (received_at only while unaccepted, accepted_at, closed_at or
// none), less the cases with the Unless event; under the scope (own or
// diverting path) and the room; oldest receipt first; cut at the limit.
func TestClockCandidates(t *testing.T) {
	ctx := context.Background()
	for _, e := range Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			t.Parallel()
			db := e.Open(t, true)
			f := newFixture(t, db)
			day := func(n int) time.Time { return t0.AddDate(0, 0, n) }
			type spec struct {
				name     string
				room     int64
				diverted bool
				received int
				status   domain.Status
				accepted *int
				closed   *int
				noticed  bool
			}
			specs := []spec{
				{name: "received old", room: f.room1.ID, received: 0, status: domain.StatusReceived},
				{name: "received new", room: f.room1.ID, received: 10, status: domain.StatusReceived},
				{name: "mediating old", room: f.room1.ID, received: 1, status: domain.StatusMediating, accepted: ptr(2)},
				{name: "mediating new", room: f.room2.ID, received: 1, status: domain.StatusMediating, accepted: ptr(12)},
				{name: "mediating room2", room: f.room2.ID, received: 3, status: domain.StatusMediating, accepted: ptr(4)},
				{name: "terminated old", room: f.room1.ID, received: 2, status: domain.StatusTerminated, accepted: ptr(3), closed: ptr(5)},
				{name: "terminated noticed", room: f.room1.ID, received: 2, status: domain.StatusTerminated, accepted: ptr(3), closed: ptr(5), noticed: true},
				{name: "terminated new", room: f.room1.ID, received: 2, status: domain.StatusTerminated, accepted: ptr(3), closed: ptr(15)},
				{name: "terminated unclosed", room: f.room1.ID, received: 4, status: domain.StatusTerminated, accepted: ptr(5)},
				{name: "archived old", room: f.room1.ID, received: 0, status: domain.StatusArchived, accepted: ptr(1), closed: ptr(2)},
				{name: "elsewhere", received: 0, status: domain.StatusReceived},
				{name: "diverted here", diverted: true, received: 5, status: domain.StatusReceived},
			}
			ids := map[string]int64{}
			for i, s := range specs {
				nc := newCase(f, s.room, "")
				nc.ReceivedAt = day(s.received).Add(time.Duration(i) * time.Minute)
				if s.name == "elsewhere" || s.diverted {
					nc.CommitteeID, nc.CommitteeAbbr = f.otherCommittee.ID, "徐"
				}
				if s.diverted {
					nc.DivertedByOrgID = f.committee.ID
				}
				c := mustCreate(t, db, nc)
				ch := store.CaseChange{Status: s.status}
				if s.accepted != nil {
					ch.AcceptedAt = ptr(day(*s.accepted))
				}
				if s.closed != nil {
					ch.ClosedAt = ptr(day(*s.closed))
				}
				if c, err := db.ApplyEvent(ctx, c.ID, c.Version, ch, store.Event{Type: "test", ActorName: "测试"}); err != nil {
					t.Fatal(err)
				} else if s.noticed {
					if err := db.AddNote(ctx, c.ID, store.Event{Type: "termination_notice_sent", ActorName: "测试", ToStatus: c.Status}); err != nil {
						t.Fatal(err)
					}
				}
				ids[s.name] = c.ID
			}
			names := func(cs []store.Case) []string {
				var out []string
				for _, c := range cs {
					for n, id := range ids {
						if id == c.ID {
							out = append(out, n)
						}
					}
				}
				return out
			}
			open := []domain.Status{domain.StatusReceived, domain.StatusMediating}
			committee := store.Scope{Prefixes: []string{f.committee.Path}}
			branches := []store.ClockBranch{
				{Statuses: append(slices.Clone(open), domain.StatusTerminated), Start: store.StartReceived, Before: day(6)},
				{Statuses: open, Start: store.StartAccepted, Before: day(6)},
				{Statuses: []domain.Status{domain.StatusTerminated}, Start: store.StartClosed, Before: day(6), Unless: "termination_notice_sent"},
			}
			for _, tc := range []struct {
				name string
				q    store.ClockQuery
				want []string
				cap  bool
			}{
				{"committee", store.ClockQuery{Scope: committee, Branches: branches},
					[]string{"received old", "mediating old", "terminated old", "mediating room2", "terminated unclosed", "diverted here"}, false},
				{"all", store.ClockQuery{Scope: store.Scope{All: true}, Branches: branches},
					[]string{"received old", "elsewhere", "mediating old", "terminated old", "mediating room2", "terminated unclosed", "diverted here"}, false},
				{"room2", store.ClockQuery{Scope: committee, RoomID: f.room2.ID, Branches: branches}, []string{"mediating room2"}, false},
				{"limit", store.ClockQuery{Scope: committee, Branches: branches, Limit: 2}, []string{"received old", "mediating old"}, true},
				{"received only", store.ClockQuery{Scope: committee, Branches: branches[:1]}, []string{"received old", "diverted here"}, false},
				{"later", store.ClockQuery{Scope: committee, Branches: []store.ClockBranch{{Statuses: open, Start: store.StartAccepted, Before: day(13)}}},
					[]string{"mediating old", "mediating new", "mediating room2"}, false},
				{"no scope", store.ClockQuery{Branches: branches}, nil, false},
				{"no branch", store.ClockQuery{Scope: committee}, nil, false},
			} {
				got, capped, err := db.ClockCandidates(ctx, tc.q)
				if err != nil {
					t.Fatal(err)
				}
				if g := names(got); !slices.Equal(g, tc.want) || capped != tc.cap {
					t.Errorf("%s: got %v (capped %v), want %v (capped %v)", tc.name, g, capped, tc.want, tc.cap)
				}
			}
			if _, _, err := db.ClockCandidates(ctx, store.ClockQuery{Scope: committee, Branches: []store.ClockBranch{{Statuses: open, Start: "bogus", Before: day(1)}}}); err == nil {
				t.Error("an unknown start is refused")
			}
			if _, _, err := db.ClockCandidates(ctx, store.ClockQuery{Scope: committee, Branches: []store.ClockBranch{{Statuses: open, Start: store.StartClosed, Before: day(1), Unless: "x' OR '1"}}}); err == nil {
				t.Error("an event type that is not a name is refused")
			}

			// ClockEventsOf: only the clock events, in order, with their time.
			mid := ids["mediating old"]
			for i, typ := range []string{"suspend", "session_scheduled", "resume", "performed", "termination_notice_sent"} {
				if err := db.AddNote(ctx, mid, store.Event{Type: typ, ActorName: "测试", At: day(20 + i), Note: "备注"}); err != nil {
					t.Fatal(err)
				}
			}
			all, err := db.EventsOf(ctx, []int64{mid, ids["terminated noticed"], ids["received old"]})
			if err != nil {
				t.Fatal(err)
			}
			clock, err := db.ClockEventsOf(ctx, []int64{mid, ids["terminated noticed"], ids["received old"], 999999})
			if err != nil {
				t.Fatal(err)
			}
			for id, evs := range all {
				var want []store.Event
				for _, e := range evs {
					if slices.Contains(store.ClockEventTypes, e.Type) {
						want = append(want, store.Event{ID: e.ID, CaseID: e.CaseID, Seq: e.Seq, Type: e.Type, At: e.At})
					}
				}
				got := clock[id]
				if len(got) != len(want) {
					t.Fatalf("case %d: clock events %+v, want %+v", id, got, want)
				}
				for i := range got {
					if got[i].ID != want[i].ID || got[i].Seq != want[i].Seq || got[i].Type != want[i].Type || !got[i].At.Equal(want[i].At) || got[i].CaseID != id {
						t.Errorf("case %d event %d: %+v, want %+v", id, i, got[i], want[i])
					}
				}
			}
			if n := len(clock[mid]); n != 3 {
				t.Errorf("case with suspend, resume and a notice: %d clock events", n)
			}
			if _, ok := clock[ids["received old"]]; ok {
				t.Error("a case without clock events is present")
			}
		})
	}
}

// The clock events are read from the partial index of migration 00059 only
// if its WHERE is the store's list, constants and order included: a type
// added to store.ClockEventTypes without a new index would make every clock
// list read the event log again.
func TestClockEventsUseTheirIndex(t *testing.T) {
	ctx := context.Background()
	for _, e := range Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			t.Parallel()
			db := e.Open(t, true)
			q := `SELECT id, case_id, seq, type, at FROM case_events WHERE case_id IN (1, 2, 3) AND type IN ('` +
				strings.Join(store.ClockEventTypes, "', '") + `') ORDER BY case_id, seq`
			conn, err := db.Reader().Conn(ctx)
			if err != nil {
				t.Fatal(err)
			}
			defer conn.Close()
			explain := "EXPLAIN QUERY PLAN "
			if db.Dialect() == "postgres" {
				explain = "EXPLAIN "
				if _, err := conn.ExecContext(ctx, "SET enable_seqscan = off"); err != nil {
					t.Fatal(err)
				}
				defer conn.ExecContext(ctx, "RESET enable_seqscan")
			}
			rows, err := conn.QueryContext(ctx, explain+q)
			if err != nil {
				t.Fatal(err)
			}
			defer rows.Close()
			var plan []string
			for rows.Next() {
				cols, _ := rows.Columns()
				vals := make([]any, len(cols))
				ptrs := make([]any, len(cols))
				for i := range vals {
					ptrs[i] = &vals[i]
				}
				if err := rows.Scan(ptrs...); err != nil {
					t.Fatal(err)
				}
				plan = append(plan, fmt.Sprint(vals...))
			}
			if p := strings.Join(plan, "\n"); !strings.Contains(p, "case_events_clock") {
				t.Errorf("the clock events are not read from case_events_clock:\n%s", p)
			}
		})
	}
}
