package storetest

import (
	"context"
	"fmt"
	"testing"

	"github.com/tiaojie/tiaojie/internal/store"
)

// BenchmarkDeskGroups is the committee desk's group section over a
// committee's years: five groups still being handled beside many whose
// cases have all closed. "open" is the desk's read (ListOpenGroups, through
// migration 72's index of the open cases of groups), "all" the read it
// replaced (every group of the committee, filtered after). The first should
// not grow with the closed groups; the second does.
func BenchmarkDeskGroups(b *testing.B) {
	for _, e := range Engines(b) {
		for _, closed := range []int{100, 3000} {
			b.Run(fmt.Sprintf("%s/closed=%d", e.Name, closed), func(b *testing.B) {
				ctx := context.Background()
				db := e.Open(b, true)
				f := newFixture(b, db)
				const open = 5
				ncs := make([]*store.NewCase, closed+open)
				for i := range ncs {
					ncs[i] = newCase(f, f.room1.ID, "")
				}
				cs, err := db.InsertCases(ctx, ncs)
				if err != nil {
					b.Fatal(err)
				}
				for i, c := range cs {
					g := store.Group{CommitteeID: f.committee.ID, Title: fmt.Sprintf("群体性纠纷%d", i)}
					if err := db.CreateGroup(ctx, &g, []int64{c.ID}); err != nil {
						b.Fatal(err)
					}
				}
				// The older groups' cases closed long ago (as a bulk load would
				// leave them; the status is all the read looks at).
				if _, err := db.Writer().ExecContext(ctx, `UPDATE cases SET status = 'archived' WHERE id <= $1`, cs[closed-1].ID); err != nil {
					b.Fatal(err)
				}
				if err := db.RefreshCaseStatistics(ctx); err != nil {
					b.Fatal(err)
				}
				// As autovacuum leaves a table that changes a case at a time: the
				// bulk update's dead row versions gone from the indexes.
				if e.Name == "postgres" {
					if _, err := db.Writer().ExecContext(ctx, `VACUUM cases`); err != nil {
						b.Fatal(err)
					}
				}
				b.Run("open", func(b *testing.B) {
					for b.Loop() {
						if gs, err := db.ListOpenGroups(ctx, f.committee.ID, 51); err != nil || len(gs) != open {
							b.Fatalf("%d open groups, %v", len(gs), err)
						}
					}
				})
				b.Run("all", func(b *testing.B) {
					for b.Loop() {
						if gs, err := db.ListGroups(ctx, f.committee.ID); err != nil || len(gs) != closed+open {
							b.Fatalf("%d groups, %v", len(gs), err)
						}
					}
				})
			})
		}
	}
}
