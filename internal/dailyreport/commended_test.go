package dailyreport_test

import (
	"context"
	"fmt"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/tiaojie/tiaojie/internal/calendar"
	"github.com/tiaojie/tiaojie/internal/demo"
	"github.com/tiaojie/tiaojie/internal/pii"
	"github.com/tiaojie/tiaojie/internal/store"
	"github.com/tiaojie/tiaojie/internal/store/storetest"
)

// TestCommendedByIndex: the notable cases and the cases behind the
// commendations figure, found through the commendation events' index, are
// those the old scan of a year of closures finds, every day of the last 60
// and every three-day span (a Monday's report), for the committee and the
// rooms with thanks in them. Besides the demo's own thanks, some fall on
// the edges of a Shanghai day, one on a case closed over a year before and
// one in another committee.
func TestCommendedByIndex(t *testing.T) {
	sealer, err := pii.NewSealer(make([]byte, 32))
	if err != nil {
		t.Fatal(err)
	}
	now := at("2026-11-30", 18, 0)
	today := calendar.DateOf(now)
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			st := e.Open(t, true)
			if _, err := demo.Build(ctx, st, sealer, demo.Options{Seed: 5, Cases: 800, Password: "x", PasswordHash: "x", Now: now}); err != nil {
				t.Fatal(err)
			}
			svc, _ := demoService(t, st, now)
			units, err := st.ListOrgUnits(ctx)
			if err != nil {
				t.Fatal(err)
			}
			byID := map[int64]store.OrgUnit{}
			var cmt store.OrgUnit
			for _, u := range units {
				byID[u.ID] = u
				if u.Code == demo.CodeCommittee {
					cmt = u
				}
			}
			_, own, err := svc.NotableAndCommended(ctx, cmt, today.AddDays(-59), today, true)
			if err != nil {
				t.Fatal(err)
			}
			if len(own) == 0 {
				t.Fatal("the demo has no thanks in the last 60 days: nothing to compare")
			}

			// Thanks on the edges of days, on cases closed 70 to 300 days
			// ago (well inside the look-back).
			closed, err := st.EvalFacts(ctx, store.EvalFactQuery{Day: "closure", From: today.AddDays(-300).String(), To: today.AddDays(-70).String()})
			if err != nil {
				t.Fatal(err)
			}
			var mine, others []store.EvalFact
			for _, f := range closed {
				if f.CommitteeID == cmt.ID && f.Outcome != "merged" {
					mine = append(mine, f)
				} else if f.CommitteeID != cmt.ID {
					others = append(others, f)
				}
			}
			if len(mine) < 5 {
				t.Fatalf("%d closed cases to thank", len(mine))
			}
			commend := func(caseID int64, kind string, at time.Time) {
				t.Helper()
				c := store.Commendation{CaseID: caseID, Kind: kind, Giver: "consumer", RecordedAt: at}
				if err := st.AddCommendation(ctx, &c, store.Event{Type: "commendation", At: at, Note: "赠送", Data: fmt.Sprintf(`{"kind":%q}`, kind)}); err != nil {
					t.Fatal(err)
				}
			}
			edge := func(d calendar.Date, h, m, s, us int) time.Time {
				return d.Time().Add(time.Duration(h)*time.Hour + time.Duration(m)*time.Minute + time.Duration(s)*time.Second + time.Duration(us)*time.Microsecond)
			}
			commend(mine[0].CaseID, "banner", edge(today.AddDays(-10), 0, 0, 0, 0))
			commend(mine[1].CaseID, "letter", edge(today.AddDays(-10), 23, 59, 59, 999_999))
			commend(mine[2].CaseID, "banner", edge(today.AddDays(-20), 23, 59, 59, 0))
			commend(mine[2].CaseID, "letter", edge(today.AddDays(-19), 0, 0, 0, 0))
			commend(mine[3].CaseID, "other", edge(today.AddDays(-30), 12, 0, 0, 0))
			if len(others) > 0 {
				commend(others[0].CaseID, "banner", edge(today.AddDays(-10), 12, 0, 0, 0))
			}
			// Closed over 366 days before the thanks: neither way counts it.
			old, err := st.EvalFacts(ctx, store.EvalFactQuery{Committees: []int64{cmt.ID}, Day: "closure",
				From: today.AddDays(-800).String(), To: today.AddDays(-420).String()})
			if err != nil || len(old) == 0 {
				t.Fatalf("no case closed long ago: %v", err)
			}
			commend(old[0].CaseID, "banner", edge(today.AddDays(-5), 10, 0, 0, 0))

			// The rooms with thanks in the last 60 days, and one without.
			_, all, err := svc.NotableAndCommended(ctx, cmt, today.AddDays(-59), today, true)
			if err != nil {
				t.Fatal(err)
			}
			for _, f := range mine[:4] {
				if !slices.Contains(all, f.CaseID) {
					t.Fatalf("case %d thanked on a day's edge is not among the commended %v", f.CaseID, all)
				}
			}
			if slices.Contains(all, old[0].CaseID) {
				t.Fatalf("case %d closed on %s is commended %v", old[0].CaseID, old[0].ClosureDay, all)
			}
			facts, err := st.EvalFactsOf(ctx, all)
			if err != nil {
				t.Fatal(err)
			}
			scope := []store.OrgUnit{cmt}
			for _, f := range facts {
				if r, ok := byID[f.RoomID]; ok && !slices.Contains(scope, r) {
					scope = append(scope, r)
				}
			}
			for _, u := range units {
				if u.ParentID == cmt.ID && !slices.Contains(scope, u) {
					scope = append(scope, u)
					break
				}
			}
			for back := 0; back < 60; back++ {
				to := today.AddDays(-back)
				for _, from := range []calendar.Date{to, to.AddDays(-2)} {
					for _, u := range scope {
						name := fmt.Sprintf("%s %s..%s", u.Code, from, to)
						wantN, wantIDs, err := svc.NotableAndCommended(ctx, u, from, to, true)
						if err != nil {
							t.Fatalf("%s, by scan: %v", name, err)
						}
						gotN, gotIDs, err := svc.NotableAndCommended(ctx, u, from, to, false)
						if err != nil {
							t.Fatalf("%s, by index: %v", name, err)
						}
						if !reflect.DeepEqual(gotN, wantN) {
							t.Errorf("%s: notable by index %+v, by scan %+v", name, gotN, wantN)
						}
						if !reflect.DeepEqual(gotIDs, wantIDs) {
							t.Errorf("%s: commended by index %v, by scan %v", name, gotIDs, wantIDs)
						}
					}
				}
			}
			t.Logf("%d commended cases over 60 days (%d the demo's own), %d units compared", len(all), len(own), len(scope))
		})
	}
}
