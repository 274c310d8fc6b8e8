package storetest

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/tiaojie/tiaojie/internal/domain"
	"github.com/tiaojie/tiaojie/internal/store"
)

// BenchmarkSweepReads measures what the warning sweep reads every minute
// (issue 17): every open case a page of 500 at a time by id, 30,000 open
// among 40,000; and the window's follow-ups among 40,000 recorded.
func BenchmarkSweepReads(b *testing.B) {
	for _, e := range Engines(b) {
		b.Run(e.Name, func(b *testing.B) {
			ctx := context.Background()
			db := e.Open(b, true)
			f := newFixture(b, db)
			cs := insertCases(b, db, f, 40000)
			w := db.Writer()
			if _, err := w.ExecContext(ctx, `UPDATE cases SET status = CASE WHEN id % 4 = 0 THEN 'archived' ELSE 'mediating' END WHERE id BETWEEN $1 AND $2`,
				cs[0].ID, cs[len(cs)-1].ID); err != nil {
				b.Fatal(err)
			}
			if _, err := w.ExecContext(ctx, `INSERT INTO follow_ups (case_id, satisfaction, method, recorded_at)
				SELECT id, 1 + id % 5, 'phone', $1 FROM cases WHERE id BETWEEN $2 AND $3`, t0.AddDate(-3, 0, 0), cs[0].ID, cs[len(cs)-1].ID); err != nil {
				b.Fatal(err)
			}
			if _, err := w.ExecContext(ctx, `ANALYZE`); err != nil {
				b.Fatal(err)
			}
			clock := []domain.Status{domain.StatusAccepted, domain.StatusODRNegotiating, domain.StatusConsenting, domain.StatusAssigned,
				domain.StatusMediating, domain.StatusSuspended, domain.StatusAgreed, domain.StatusPerforming}
			b.Run("open-cases", func(b *testing.B) {
				for b.Loop() {
					n := 0
					for after := int64(0); ; {
						page, err := db.ListCases(ctx, store.CaseQuery{Scope: store.Scope{All: true}, Statuses: clock, ByID: true, AfterID: after, Limit: 500})
						if err != nil {
							b.Fatal(err)
						}
						n += len(page.Cases)
						if len(page.Cases) < 500 {
							break
						}
						after = page.Cases[len(page.Cases)-1].ID
					}
					if n != 30000 {
						b.Fatal(fmt.Sprint(n, " open cases"))
					}
				}
			})
			b.Run("follow-ups", func(b *testing.B) {
				for b.Loop() {
					if fus, err := db.LatestFollowUps(ctx, t0.Add(-7*24*time.Hour)); err != nil || len(fus) != 0 {
						b.Fatal(len(fus), err)
					}
				}
			})
		})
	}
}
