package storetest

import (
	"context"
	"fmt"
	"testing"

	"github.com/tiaojie/tiaojie/internal/store"
	"github.com/tiaojie/tiaojie/internal/store/sqlstore"
)

// BenchmarkDeskGroups is the committee's group lists over its years: five
// groups still being handled beside many whose cases have all closed.
// "open" is the desk's read and the groups page's 在办 (ListGroups with
// OpenOnly, through migration 72's index of the open cases of groups);
// "all" is a page of 50 of every group, the first and one deep in the
// list (by key). None should grow with the closed groups. (The desk's read
// before migration 72, every group of the committee filtered after, is
// measured in docs/performance.md.)
func BenchmarkDeskGroups(b *testing.B) {
	for _, e := range Engines(b) {
		for _, closed := range []int{100, 3000} {
			b.Run(fmt.Sprintf("%s/closed=%d", e.Name, closed), func(b *testing.B) {
				ctx := context.Background()
				db := e.Open(b, true)
				f := newFixture(b, db)
				const open = 5
				cs := insertCases(b, db, f, closed+open)
				groups := make([]store.Group, len(cs))
				for i, c := range cs {
					g := store.Group{CommitteeID: f.committee.ID, Title: fmt.Sprintf("群体性纠纷%d", i)}
					if err := db.CreateGroup(ctx, &g, []int64{c.ID}); err != nil {
						b.Fatal(err)
					}
					groups[i] = g
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
					// and the groups' statistics, as autovacuum gathers them after
					// the first fifty.
					if _, err := db.Writer().ExecContext(ctx, `ANALYZE case_groups`); err != nil {
						b.Fatal(err)
					}
				}
				b.Run("open", func(b *testing.B) {
					for b.Loop() {
						if gs, err := db.ListGroups(ctx, store.GroupQuery{CommitteeID: f.committee.ID, OpenOnly: true, Paging: store.Paging{Limit: 50}}); err != nil || len(gs.Items) != open {
							b.Fatalf("%d open groups, %v", len(gs.Items), err)
						}
					}
				})
				deep := &store.ListCursor{At: groups[closed/2].Created, ID: groups[closed/2].ID}
				for _, p := range []struct {
					name  string
					after *store.ListCursor
				}{{"all/first", nil}, {"all/deep", deep}} {
					b.Run(p.name, func(b *testing.B) {
						for b.Loop() {
							if gs, err := db.ListGroups(ctx, store.GroupQuery{CommitteeID: f.committee.ID, Paging: store.Paging{After: p.after, Limit: 50}}); err != nil || len(gs.Items) != 50 {
								b.Fatalf("%d groups, %v", len(gs.Items), err)
							}
						}
					})
				}
			})
		}
	}
}

// insertCases writes n new cases of room1 in one batch.
func insertCases(tb testing.TB, db *sqlstore.DB, f fixture, n int) []store.Case {
	tb.Helper()
	ncs := make([]*store.NewCase, n)
	for i := range ncs {
		ncs[i] = newCase(f, f.room1.ID, "")
	}
	cs, err := db.InsertCases(context.Background(), ncs)
	if err != nil {
		tb.Fatal(err)
	}
	return cs
}
