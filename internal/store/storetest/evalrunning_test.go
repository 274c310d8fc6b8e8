package storetest

import (
	"context"
	"fmt"
	"maps"
	"testing"
	"time"

	"github.com/tiaojie/tiaojie/internal/evaluation"
	"github.com/tiaojie/tiaojie/internal/store"
	"github.com/tiaojie/tiaojie/internal/store/sqlstore"
)

// A running sum from the beginning (overdue_open to a period's end) is
// read as the all-time sums less what came after the period: it must say
// what summing every day up to the end says, for every end, grouping and
// filter, after late changes and after a rebuild.
func TestEvalRunningSums(t *testing.T) {
	onEveryEngine(t, func(t *testing.T, e Engine, db *sqlstore.DB, f fixture) {
		ctx := context.Background()
		cases := insertCases(t, db, f, 60)
		first := cases[0].ID
		shift := 0 // moves every spell, as a late event would
		derive := func(in []store.EvalInput) ([]store.EvalFact, error) {
			out, err := countingDerive(in)
			for i := range out {
				k := int(out[i].CaseID-first) + shift
				out[i].CommitteeID = []int64{f.committee.ID, f.otherCommittee.ID}[k%2]
				out[i].RoomID = []int64{f.room1.ID, f.room2.ID, 0}[k%3]
				out[i].MediatorID = int64(1 + k%4)
				from := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, k*17)
				out[i].Contrib = append(out[i].Contrib, store.EvalContribution{Day: from.Format("2006-01-02"), Counter: "overdue_open", N: 1})
				if k%5 != 0 { // one in five still overdue
					out[i].Contrib = append(out[i].Contrib, store.EvalContribution{Day: from.AddDate(0, 0, k%40).Format("2006-01-02"), Counter: "overdue_open", N: -1})
				}
			}
			return out, err
		}
		catchUpWith(t, db, 25, derive)
		check := func(when string) {
			t.Helper()
			for _, to := range []string{"2023-12-31", "2024-01-01", "2024-02-29", "2024-03-15", "2024-12-31", "2025-06-01", "2025-09-30", "2026-12-07", "2030-01-01"} {
				for _, group := range []string{"", "committee", "room", "mediator"} {
					for _, q := range []store.EvalQuery{{}, {Committees: []int64{f.committee.ID}}, {RoomID: f.room1.ID}, {MediatorID: 2},
						{Committees: []int64{f.committee.ID, f.otherCommittee.ID}, MediatorID: 3}} {
						q.To, q.GroupBy, q.Counters = to, group, evaluation.CumulativeCounters()
						q.From = "2000-01-02" // summed day by day and month by month
						slow := nonZeroSums(t, db, q)
						q.From = sqlstore.RunningFrom // the all-time sums less what came after
						if fast := nonZeroSums(t, db, q); !maps.Equal(fast, slow) {
							t.Errorf("%s: to %s by %q, %+v: %v, want %v", when, to, group, q, fast, slow)
						}
						if (group == "" || group == "room") && q.MediatorID == 0 {
							// The analysis heat-map's base, read the same way.
							aq := store.AnalysisEvalQuery{Committees: q.Committees, RoomID: q.RoomID, To: to, GroupBy: group, Counters: q.Counters}
							aq.From = "2000-01-02"
							aslow := nonZeroAnalysisSums(t, db, aq)
							aq.From = sqlstore.RunningFrom
							if afast := nonZeroAnalysisSums(t, db, aq); !maps.Equal(afast, aslow) || !maps.Equal(afast, slow) {
								t.Errorf("%s: analysis to %s by %q, %+v: %v, want %v (evaluation: %v)", when, to, group, aq, afast, aslow, slow)
							}
						}
					}
				}
			}
		}
		check("after the catch-up")
		digest, err := db.EvalDigest(ctx)
		if err != nil {
			t.Fatal(err)
		}
		// Late changes move old months: the totals move with them.
		shift = 7
		if _, err := db.Writer().ExecContext(ctx, `INSERT INTO eval_dirty (case_id) SELECT id FROM cases`); err != nil {
			t.Fatal(err)
		}
		catchUpWith(t, db, 25, derive)
		check("after late changes")
		// Back as it was, then rebuilt from nothing: the same tables.
		shift = 0
		if err := db.EvalReset(ctx); err != nil {
			t.Fatal(err)
		}
		catchUpWith(t, db, 25, derive)
		if again, _ := db.EvalDigest(ctx); again != digest {
			t.Error("a rebuild's rollups differ from the incremental ones")
		}
		check("after the rebuild")
	})
}

// nonZeroSums is EvalSums' answer as group → counter → value, without the
// zeros (a group whose moves cancel out may or may not be listed).
func nonZeroSums(t *testing.T, db store.Store, q store.EvalQuery) map[string]string {
	t.Helper()
	rows, err := db.EvalSums(context.Background(), q)
	if err != nil {
		t.Fatalf("sums %+v: %v", q, err)
	}
	return nonZero(rows)
}

func nonZero(rows []store.EvalSum) map[string]string {
	out := map[string]string{}
	for _, r := range rows {
		for c, n := range r.Counters {
			if n != 0 {
				out[r.Key+"/"+c] = fmt.Sprint(n)
			}
		}
	}
	return out
}

// nonZeroAnalysisSums is nonZeroSums of AnalysisEvalSums.
func nonZeroAnalysisSums(t *testing.T, db store.Store, q store.AnalysisEvalQuery) map[string]string {
	t.Helper()
	rows, err := db.AnalysisEvalSums(context.Background(), q)
	if err != nil {
		t.Fatalf("analysis sums %+v: %v", q, err)
	}
	return nonZero(rows)
}

// The running table keeps exactly the evaluation's cumulative counters.
func TestRunningCountersAreCumulative(t *testing.T) {
	if got, want := fmt.Sprint(sqlstore.RunningCounters), fmt.Sprint(evaluation.CumulativeCounters()); got != want {
		t.Fatalf("eval_running keeps %s, the evaluation reads %s as running sums", got, want)
	}
}

// An install's months written before migration 85 give the running table
// its all-time sums when it migrates.
func TestEvalRunningMigrated(t *testing.T) {
	onEveryOldSchema(t, 84, func(t *testing.T, db *sqlstore.DB, f fixture) {
		ctx := context.Background()
		for m := 1; m <= 6; m++ {
			for med := 1; med <= 3; med++ {
				if _, err := db.Writer().ExecContext(ctx, `INSERT INTO eval_month (month, committee_id, room_id, mediator_id, received, overdue_open)
					VALUES ($1, $2, $3, $4, 5, $5)`, fmt.Sprintf("2024-%02d", m), f.committee.ID, f.room1.ID, med, (m*med)%4-1); err != nil {
					t.Fatal(err)
				}
			}
		}
		if err := db.Migrate(ctx); err != nil {
			t.Fatal(err)
		}
		for _, to := range []string{"2024-03-31", "2024-06-30"} {
			q := store.EvalQuery{Committees: []int64{f.committee.ID}, To: to, GroupBy: "mediator", Counters: evaluation.CumulativeCounters()}
			q.From = "2000-01-02"
			slow := nonZeroSums(t, db, q)
			q.From = sqlstore.RunningFrom
			if fast := nonZeroSums(t, db, q); !maps.Equal(fast, slow) || len(slow) == 0 {
				t.Errorf("to %s after the migration: %v, want %v", to, fast, slow)
			}
		}
	})
}
