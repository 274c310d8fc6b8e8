package storetest

import (
	"context"
	"fmt"
	"reflect"
	"testing"

	"github.com/tiaojie/tiaojie/internal/store"
)

// TestRefreshCaseStatistics: refreshing the planner's statistics after a
// bulk insert runs on both engines, inside a transaction too, and leaves
// every case as it was.
func TestRefreshCaseStatistics(t *testing.T) {
	for _, e := range Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			db := e.Open(t, true)
			f := newFixture(t, db)
			if err := db.RefreshCaseStatistics(ctx); err != nil {
				t.Fatalf("refresh on empty tables: %v", err)
			}
			var batch []*store.NewCase
			for i := range 120 {
				nc := newCase(f, 0, fmt.Sprintf("RS-%d", i))
				nc.Merchant = &store.Merchant{Name: fmt.Sprintf("店%d", i%7)}
				batch = append(batch, nc)
			}
			got, err := db.InsertCases(ctx, batch)
			if err != nil {
				t.Fatal(err)
			}
			before := make([]store.Case, len(got))
			for i, c := range got {
				if before[i], err = db.GetCase(ctx, c.ID); err != nil {
					t.Fatal(err)
				}
			}
			if err := db.RefreshCaseStatistics(ctx); err != nil {
				t.Fatalf("refresh after a bulk insert: %v", err)
			}
			if err := db.InTx(ctx, func(tx store.Store) error { return tx.RefreshCaseStatistics(ctx) }); err != nil {
				t.Fatalf("refresh inside a transaction: %v", err)
			}
			for i, c := range got {
				after, err := db.GetCase(ctx, c.ID)
				if err != nil || !reflect.DeepEqual(after, before[i]) {
					t.Fatalf("case %d changed by the refresh:\n%+v\n%+v (%v)", i, before[i], after, err)
				}
			}
			ids, err := db.CaseIDsByExternalID(ctx, []string{"RS-0", "RS-119"})
			if err != nil || ids["RS-0"] != got[0].ID || ids["RS-119"] != got[119].ID {
				t.Fatalf("cases by number after the refresh: %v %v", ids, err)
			}
		})
	}
}
