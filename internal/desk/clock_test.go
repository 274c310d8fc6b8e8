package desk_test

import (
	"bytes"
	"cmp"
	"context"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/tiaojie/tiaojie/internal/auth"
	"github.com/tiaojie/tiaojie/internal/calendar"
	"github.com/tiaojie/tiaojie/internal/deadline"
	"github.com/tiaojie/tiaojie/internal/demo"
	"github.com/tiaojie/tiaojie/internal/desk"
	"github.com/tiaojie/tiaojie/internal/domain"
	"github.com/tiaojie/tiaojie/internal/pii"
	"github.com/tiaojie/tiaojie/internal/store"
	"github.com/tiaojie/tiaojie/internal/store/sqlstore"
	"github.com/tiaojie/tiaojie/internal/store/storetest"
)

// clockNow is the demo history's "today" (a Friday).
var clockNow = time.Date(2026, 11, 20, 18, 0, 0, 0, calendar.Shanghai())

// The clock lists read their candidates by index and must give exactly
// what computing every case's clocks with its events gives: on demo data
// (suspensions, ODR, terminations with and without the notice), with a
// second policy of other lengths in force for some cases, admin calendar
// overrides around today, terminations and ODR starts whose clock is near
// while the row's own dates are recent, and several "todays" (a weekend, a
// day off). Checked: due=overdue and due=soon in every page, with a status
// and a room filter, the committee desk's due section and DueCounts.
func TestClockListsMatchBruteForce(t *testing.T) {
	ctx := context.Background()
	onEveryDemo(t, 1200, func(t *testing.T, st *sqlstore.DB, committee store.OrgUnit) {
		local := store.Policy{Code: "local", Name: "本地规则", EffectiveFrom: "2026-10-01", AcceptanceWD: 5, MediationWD: 30,
			TerminationNoticeWD: 4, ODRNegotiationWD: 6, JudicialConfirmDays: 30, CommitteeTargetDays: 20}
		if err := st.PutPolicy(ctx, &local); err != nil {
			t.Fatal(err)
		}
		for _, o := range []store.CalendarOverride{
			{Date: "2026-11-18", Workday: false, Name: "区级调整"}, // a Wednesday off
			{Date: "2026-11-28", Workday: true, Name: "调休上班"},  // a Saturday worked
			{Date: "2026-12-01", Workday: false, Name: "区级调整"},
		} {
			if err := st.PutCalendarOverride(ctx, o); err != nil {
				t.Fatal(err)
			}
		}
		cases := storetest.AllCases(t, st)
		// Changes the demo lacks: the local policy on some open cases,
		// recent terminations without a notice, an ODR started long
		// after acceptance, an open suspension.
		day := func(n int) time.Time { return clockNow.AddDate(0, 0, n).Add(-8 * time.Hour) }
		changed := 0
		for i, c := range cases {
			var ch store.CaseChange
			ev := store.Event{Type: "test", ActorName: "测试"}
			switch {
			case c.Status == domain.StatusMediating && i%5 == 0 && c.AcceptedAt != nil && c.AcceptedAt.After(day(-20)):
				at := day(-1)
				if i%2 == 0 {
					at = day(-12)
				}
				if at.Before(*c.AcceptedAt) {
					at = c.AcceptedAt.Add(time.Hour)
				}
				ch = store.CaseChange{Status: domain.StatusTerminated, ClosedAt: &at}
				ev = store.Event{Type: string(domain.ActionTerminate), ActorName: "测试", At: at, FromStatus: c.Status, ToStatus: domain.StatusTerminated}
			case c.Status == domain.StatusAccepted && i%2 == 0:
				at := day(-9)
				if c.AcceptedAt != nil && at.Before(*c.AcceptedAt) {
					at = c.AcceptedAt.Add(time.Hour)
				}
				ch = store.CaseChange{Status: domain.StatusODRNegotiating}
				ev = store.Event{Type: string(domain.ActionStartODR), ActorName: "测试", At: at, FromStatus: c.Status, ToStatus: domain.StatusODRNegotiating}
			case c.Status == domain.StatusConsenting && i%3 == 0:
				ch = store.CaseChange{Status: domain.StatusSuspended, PrevStatus: &c.Status}
				ev = store.Event{Type: string(domain.ActionSuspend), ActorName: "测试", At: day(-6), FromStatus: c.Status, ToStatus: domain.StatusSuspended}
			case c.AcceptedAt != nil && c.Status.Open() && i%7 == 0:
				ch = store.CaseChange{Status: c.Status, PolicyID: &local.ID}
				ev.At = clockNow.Add(-time.Hour)
			default:
				continue
			}
			if ev.At.IsZero() {
				ev.At = clockNow.Add(-time.Hour)
			}
			if _, err := st.ApplyEvent(ctx, c.ID, c.Version, ch, ev); err != nil {
				t.Fatal(err)
			}
			changed++
		}
		if changed < 10 {
			t.Fatalf("only %d cases changed: the demo data is not what this test expects", changed)
		}

		director := &auth.Principal{DisplayName: "测试", Bindings: []store.Binding{{Role: domain.RoleCommittee, OrgID: committee.ID, OrgPath: committee.Path}}}
		scope := director.Scope(domain.PermCaseRead)
		var rooms []int64
		// Six passes: every clock computed (no due date stored yet);
		// the stored dates after a full refresh; the same with cases
		// changed since (pending, computed on read) and a suspension
		// opened (floating); those changes' dates stored by the next
		// refresh; and after a calendar override, first
		// while the stored dates are of the old rules (computed again),
		// then after the refresh that recomputes them all.
		// One service for every pass and day, as a running server has:
		// what its clock cache keeps must follow the changes, the rules
		// and the day (each row's clock is held to the brute force's).
		var now time.Time
		svc := &desk.Service{Store: st, Now: func() time.Time { return now }}
		for pass, mode := range []string{"computed", "stored", "pending", "refreshed", "new rules", "recomputed"} {
			switch mode {
			case "refreshed": // the changed cases' dates stored again, under the same rules
				rep, err := (&desk.Service{Store: st, Now: func() time.Time { return clockNow }}).RefreshDue(ctx)
				if err != nil {
					t.Fatal(err)
				}
				if rep.Full || rep.Computed < 5 {
					t.Fatalf("refresh after changes %+v, want the changed cases computed", rep)
				}
			case "stored", "recomputed":
				rep, err := (&desk.Service{Store: st, Now: func() time.Time { return clockNow }}).RefreshDue(ctx)
				if err != nil {
					t.Fatal(err)
				}
				if !rep.Full || rep.Computed == 0 || rep.Stored != rep.Computed {
					t.Fatalf("%s: refresh %+v, want a full one storing every case", mode, rep)
				}
			case "pending":
				pend := 0
				for i, c := range cases {
					cur, err := st.GetCase(ctx, c.ID)
					if err != nil {
						t.Fatal(err)
					}
					switch {
					case cur.Status == domain.StatusMediating && i%4 == 1:
						ev := store.Event{Type: string(domain.ActionSuspend), ActorName: "测试", At: clockNow.Add(-2 * time.Hour),
							FromStatus: cur.Status, ToStatus: domain.StatusSuspended}
						_, err = st.ApplyEvent(ctx, c.ID, cur.Version, store.CaseChange{Status: domain.StatusSuspended, PrevStatus: &cur.Status}, ev)
					case cur.Status == domain.StatusMediating && i%4 == 2:
						// Suspended and resumed: still mediating, its clock
						// later by the days in between.
						ev := store.Event{Type: string(domain.ActionSuspend), ActorName: "测试", At: clockNow.AddDate(0, 0, -12),
							FromStatus: cur.Status, ToStatus: domain.StatusSuspended}
						if _, err = st.ApplyEvent(ctx, c.ID, cur.Version, store.CaseChange{Status: domain.StatusSuspended, PrevStatus: &cur.Status}, ev); err != nil {
							t.Fatal(err)
						}
						ev = store.Event{Type: string(domain.ActionResume), ActorName: "测试", At: clockNow.AddDate(0, 0, -5),
							FromStatus: domain.StatusSuspended, ToStatus: domain.StatusMediating}
						_, err = st.ApplyEvent(ctx, c.ID, cur.Version+1, store.CaseChange{Status: domain.StatusMediating}, ev)
					case cur.Status == domain.StatusTerminated && i%3 == 0:
						err = st.AddNote(ctx, c.ID, store.Event{Type: "termination_notice_sent", ActorName: "测试", At: clockNow.Add(-time.Hour),
							FromStatus: cur.Status, ToStatus: cur.Status})
					default:
						continue
					}
					if err != nil {
						t.Fatal(err)
					}
					pend++
				}
				if _, n, err := st.DueIndex(ctx, 10000); err != nil || n != pend || pend < 5 {
					t.Fatalf("%d cases changed after the refresh, %d pending (%v)", pend, n, err)
				}
			case "new rules":
				if err := st.PutCalendarOverride(ctx, store.CalendarOverride{Date: "2026-11-24", Workday: false, Name: "区级调整"}); err != nil {
					t.Fatal(err)
				}
			}
			for _, days := range []int{0, 1, 2, 8, 11} {
				now = clockNow.AddDate(0, 0, days)
				if used, err := svc.DueIndexUsable(ctx); err != nil || used != (mode != "computed" && mode != "new rules") {
					t.Fatalf("%s: stored dates used: %v (%v)", mode, used, err)
				}
				rules, err := deadline.Load(ctx, st)
				if err != nil {
					t.Fatal(err)
				}
				// Brute force: every case in scope, its clocks with its events.
				type due struct {
					c   store.Case
					dl  calendar.Deadline
					any bool
				}
				var every []due
				for q := (store.CaseQuery{Scope: scope, ByID: true, Limit: 500}); ; {
					p, err := st.ListCases(ctx, q)
					if err != nil {
						t.Fatal(err)
					}
					ids := make([]int64, len(p.Cases))
					for i, c := range p.Cases {
						ids[i] = c.ID
					}
					evs, err := st.EventsOf(ctx, ids)
					if err != nil {
						t.Fatal(err)
					}
					for _, c := range p.Cases {
						if next := desk.Urgent(rules.ForCase(c, evs[c.ID], now)); next != nil {
							every = append(every, due{c: c, dl: *next, any: true})
						}
					}
					if len(p.Cases) < q.Limit {
						break
					}
					q.AfterID = p.Cases[len(p.Cases)-1].ID
				}
				slices.SortFunc(every, func(a, b due) int {
					return cmp.Or(a.dl.Due.Compare(b.dl.Due), cmp.Compare(a.c.ID, b.c.ID))
				})
				want := func(d desk.Due, keep func(store.Case) bool) []int64 {
					var out []int64
					for _, x := range every {
						r := desk.Row{Case: x.c, Next: &x.dl}
						if keep != nil && !keep(x.c) {
							continue
						}
						// The lists are of open cases (a withdrawn case's
						// clocks are not the desk's concern).
						if !slices.Contains(clockStatusesForTest, x.c.Status) {
							continue
						}
						if (d == desk.DueOverdue && r.Overdue()) || (d == desk.DueSoon && r.Soon()) {
							out = append(out, x.c.ID)
						}
					}
					return out
				}
				clockOf := map[int64]calendar.Deadline{}
				for _, x := range every {
					clockOf[x.c.ID] = x.dl
				}
				sameClock := func(what string, r desk.Row) {
					if w := clockOf[r.Case.ID]; r.Next == nil || !reflect.DeepEqual(*r.Next, w) {
						t.Errorf("%s, +%d days, %s: case %d's clock %+v, brute force %+v", mode, days, what, r.Case.ID, r.Next, w)
					}
				}
				list := func(q desk.ListQuery) []int64 {
					var out []int64
					for q.Page = 1; ; q.Page++ {
						p, err := svc.List(ctx, director, q, 50)
						if err != nil {
							t.Fatal(err)
						}
						if p.Capped {
							t.Fatal("capped")
						}
						for _, r := range p.Rows {
							out = append(out, r.Case.ID)
							sameClock("list", r)
						}
						if p.Page >= p.Pages {
							return out
						}
					}
				}
				if rooms == nil {
					for _, x := range every {
						if x.c.RoomID != 0 && !slices.Contains(rooms, x.c.RoomID) {
							rooms = append(rooms, x.c.RoomID)
						}
					}
				}
				room := rooms[days%len(rooms)]
				for _, tc := range []struct {
					name string
					q    desk.ListQuery
					keep func(store.Case) bool
				}{
					{"all", desk.ListQuery{}, nil},
					{"terminated", desk.ListQuery{CaseQuery: store.CaseQuery{Statuses: []domain.Status{domain.StatusTerminated}}},
						func(c store.Case) bool { return c.Status == domain.StatusTerminated }},
					{"room", desk.ListQuery{CaseQuery: store.CaseQuery{RoomID: room}}, func(c store.Case) bool { return c.RoomID == room }},
				} {
					for _, d := range []desk.Due{desk.DueOverdue, desk.DueSoon} {
						tc.q.Due = d
						got, w := list(tc.q), want(d, tc.keep)
						if !slices.Equal(got, w) {
							t.Errorf("%s, +%d days, %s, due=%s: %d cases %v, brute force %d cases %v", mode, days, tc.name, d, len(got), got, len(w), w)
						}
						if tc.name == "all" && days == 0 && len(w) == 0 && pass == 0 {
							t.Errorf("due=%s: nothing due in the test data", d)
						}
					}
				}
				soon, overdue, err := svc.DueCounts(ctx, scope, 0)
				if err != nil {
					t.Fatal(err)
				}
				if ws, wo := want(desk.DueSoon, nil), want(desk.DueOverdue, nil); soon != len(ws) || overdue != len(wo) {
					t.Errorf("%s, +%d days: DueCounts %d soon, %d overdue; brute force %d, %d", mode, days, soon, overdue, len(ws), len(wo))
				}
				d, err := svc.Committee(ctx, director, desk.Filter{})
				if err != nil {
					t.Fatal(err)
				}
				ws := want(desk.DueSoon, nil)
				var got []int64
				for _, r := range d.Due {
					got = append(got, r.Case.ID)
					sameClock("desk", r)
				}
				if !slices.Equal(got, ws[:min(len(ws), desk.SectionRows)]) || d.DueTotal != len(ws) || d.MoreOpen != (len(ws) > desk.SectionRows) {
					t.Errorf("%s, +%d days: desk due section %v (total %d, more %v), brute force %d cases %v", mode, days, got, d.DueTotal, d.MoreOpen, len(ws), ws)
				}
			}
		}
	})
}

// onEveryDemo runs fn in parallel on each engine's demoAsOf database.
func onEveryDemo(t *testing.T, cases int, fn func(t *testing.T, st *sqlstore.DB, committee store.OrgUnit)) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			t.Parallel()
			st, committee := demoAsOf(t, e, cases)
			fn(t, st, committee)
		})
	}
}

// demoAsOf is a database of the engine with the demo organisation and
// cases synthetic cases as of clockNow, and the demo committee.
func demoAsOf(t *testing.T, e storetest.Engine, cases int) (*sqlstore.DB, store.OrgUnit) {
	t.Helper()
	ctx := context.Background()
	st := e.Open(t, true)
	sealer, err := pii.NewSealer(bytes.Repeat([]byte{3}, 32))
	if err != nil {
		t.Fatal(err)
	}
	hash, err := auth.FixtureHash("x")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := demo.Build(ctx, st, sealer, demo.Options{Seed: 5, Cases: cases, Password: "x", PasswordHash: hash, Now: clockNow}); err != nil {
		t.Fatal(err)
	}
	committee, err := st.GetOrgUnitByCode(ctx, demo.CodeCommittee)
	if err != nil {
		t.Fatal(err)
	}
	return st, committee
}

// clockStatusesForTest are the statuses in which a clock may run.
var clockStatusesForTest = []domain.Status{domain.StatusReceived, domain.StatusAccepted, domain.StatusODRNegotiating, domain.StatusConsenting,
	domain.StatusAssigned, domain.StatusMediating, domain.StatusSuspended, domain.StatusTerminated}
