package storetest

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/tiaojie/tiaojie/internal/store"
	"github.com/tiaojie/tiaojie/internal/store/sqlstore"
)

// BenchmarkEvalSumsMediator sums one mediator's rollups over ten years in
// post (the grades page asks this for each mediator it lists) in an
// install of 100 mediators' months (issue 17).
func BenchmarkEvalSumsMediator(b *testing.B) {
	for _, e := range Engines(b) {
		b.Run(e.Name, func(b *testing.B) {
			ctx := context.Background()
			db := e.Open(b, true)
			f := newFixture(b, db)
			const mediators, years = 100, 10
			insertEvalMonths(b, db, mediators, years, func(_, med int) string {
				return fmt.Sprintf("%d, %d, %d, 10, 9, 0", f.committee.ID, f.room1.ID, med)
			})
			if err := db.RefreshCaseStatistics(ctx); err != nil {
				b.Fatal(err)
			}
			// As the grades page asks: the mediator, the span, five counters.
			q := store.EvalQuery{MediatorID: 42, From: "2016-01-01", To: "2025-12-31",
				Counters: []string{"closed_accepted", "out_agreed", "out_not_agreed", "agreed_oral", "received"}}
			b.ResetTimer()
			for b.Loop() {
				rows, err := db.EvalSums(ctx, q)
				if err != nil || len(rows) != 1 || rows[0].Counters["received"] != 12*years*10 {
					b.Fatalf("%+v %v", rows, err)
				}
			}
		})
	}
}

// BenchmarkEvalFactsOverdue reads the cases overdue during one day (the
// daily report) after years of cases each once overdue for a week, with
// fifty still overdue (issue 17).
func BenchmarkEvalFactsOverdue(b *testing.B) {
	for _, e := range Engines(b) {
		for _, n := range []int{2000, 20000} {
			b.Run(fmt.Sprintf("%s/cases=%d", e.Name, n), func(b *testing.B) {
				ctx := context.Background()
				db := e.Open(b, true)
				f := newFixture(b, db)
				first := insertCases(b, db, f, n)[0].ID
				derive := func(in []store.EvalInput) ([]store.EvalFact, error) {
					out, err := countingDerive(in)
					for i := range out {
						k := int(out[i].CaseID - first)
						from := time.Date(2016, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, k*3650/n)
						out[i].OverdueFrom, out[i].OverdueUntil = from.Format("2006-01-02"), from.AddDate(0, 0, 7).Format("2006-01-02")
						if k >= n-50 {
							out[i].OverdueUntil = ""
						}
					}
					return out, err
				}
				catchUpWith(b, db, 1000, derive)
				if err := db.RefreshCaseStatistics(ctx); err != nil {
					b.Fatal(err)
				}
				q := store.EvalFactQuery{Committees: []int64{f.committee.ID}, Day: "overdue", From: "2026-03-02", To: "2026-03-02"}
				b.ResetTimer()
				for b.Loop() {
					if rows, err := db.EvalFacts(ctx, q); err != nil || len(rows) < 50 {
						b.Fatalf("%d overdue, %v", len(rows), err)
					}
				}
			})
		}
	}
}

// BenchmarkEvalRunning measures the running sums of the scores pages and
// the daily report (overdue_open from 2000 to the period's end) after ten
// years of a committee's months: 100 mediators in ten rooms, each month's
// row with the month's overdue moves and the other counters; the mediators'
// sums as their scores page asks, and the committee's as its report does.
func BenchmarkEvalRunning(b *testing.B) {
	for _, e := range Engines(b) {
		b.Run(e.Name, func(b *testing.B) {
			ctx := context.Background()
			db := e.Open(b, true)
			f := newFixture(b, db)
			insertEvalMonths(b, db, 100, 10, func(m, med int) string {
				return fmt.Sprintf("%d, %d, %d, 10, 9, %d", f.committee.ID, 1000+med%10, med, (m+med)%3-1)
			})
			if err := db.RefreshCaseStatistics(ctx); err != nil {
				b.Fatal(err)
			}
			if _, err := db.Writer().ExecContext(ctx, sqlstore.EvalRunningFill); err != nil {
				b.Fatal(err)
			}
			var want int64
			if err := db.Reader().QueryRowContext(ctx, `SELECT SUM(overdue_open) FROM eval_month WHERE committee_id = $1`, f.committee.ID).Scan(&want); err != nil {
				b.Fatal(err)
			}
			for _, group := range []string{"mediator", ""} {
				b.Run("by="+group, func(b *testing.B) {
					q := store.EvalQuery{Committees: []int64{f.committee.ID}, From: "2000-01-01", To: "2025-12-31", GroupBy: group,
						Counters: []string{"overdue_open"}}
					for b.Loop() {
						rows, err := db.EvalSums(ctx, q)
						var got int64
						for _, r := range rows {
							got += r.Counters["overdue_open"]
						}
						if err != nil || got != want {
							b.Fatalf("%d %v, want %d", got, err, want)
						}
					}
				})
			}
		})
	}
}

// insertEvalMonths writes a month row for each of the mediators (1 to n) in
// each month of years from 2016: row(month, mediator) gives its committee,
// room, mediator, received, closed_accepted and overdue_open.
func insertEvalMonths(b *testing.B, db *sqlstore.DB, mediators, years int, row func(month, mediator int) string) {
	b.Helper()
	for y := range years {
		var vals []string
		for m := 1; m <= 12; m++ {
			for med := 1; med <= mediators; med++ {
				vals = append(vals, fmt.Sprintf("('%04d-%02d', %s)", 2016+y, m, row(m, med)))
			}
		}
		if _, err := db.Writer().ExecContext(context.Background(), `INSERT INTO eval_month (month, committee_id, room_id, mediator_id, received, closed_accepted, overdue_open) VALUES `+
			strings.Join(vals, ", ")); err != nil {
			b.Fatal(err)
		}
	}
}
