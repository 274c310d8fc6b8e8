package storetest

import (
	"context"
	"testing"

	"github.com/tiaojie/tiaojie/internal/store"
)

// BenchmarkSmartSyncPage reads the sync page's first page of synced cases
// and its counts by state after 20,000 cases were sent (issue 17).
func BenchmarkSmartSyncPage(b *testing.B) {
	for _, e := range Engines(b) {
		b.Run(e.Name, func(b *testing.B) {
			ctx := context.Background()
			db := e.Open(b, true)
			f := newFixture(b, db)
			insertCases(b, db, f, 20000)
			if _, err := db.Writer().ExecContext(ctx, `INSERT INTO smart_sync (case_id, committee_id, case_code, state, updated_at)
				SELECT id, committee_id, 'code-' || id, 'synced', received_at FROM cases`); err != nil {
				b.Fatal(err)
			}
			if err := db.RefreshCaseStatistics(ctx); err != nil {
				b.Fatal(err)
			}
			// The statistics autovacuum would gather after such a load.
			if _, err := db.Writer().ExecContext(ctx, `ANALYZE smart_sync`); err != nil {
				b.Fatal(err)
			}
			b.Run("page", func(b *testing.B) {
				q := store.SmartSyncQuery{CommitteeIDs: []int64{f.committee.ID}, State: store.SmartSynced, Paging: store.Paging{Limit: 50}}
				for b.Loop() {
					if p, err := db.ListSmartSync(ctx, q); err != nil || len(p.Items) != 50 {
						b.Fatalf("%d rows, %v", len(p.Items), err)
					}
				}
			})
			b.Run("counts", func(b *testing.B) {
				for b.Loop() {
					if n, err := db.SmartSyncCounts(ctx, []int64{f.committee.ID}); err != nil || n[store.SmartSynced] != 20000 {
						b.Fatalf("%v, %v", n, err)
					}
				}
			})
		})
	}
}
