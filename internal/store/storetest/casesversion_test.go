package storetest

import (
	"context"
	"testing"
	"time"

	"github.com/tiaojie/tiaojie/internal/domain"
	"github.com/tiaojie/tiaojie/internal/store"
	"github.com/tiaojie/tiaojie/internal/store/sqlstore"
)

// The cases' version holds still while nothing changes and moves when a
// case is created or changed; inside a transaction the store cannot tell.
func TestCasesVersion(t *testing.T) {
	onEveryEngine(t, func(t *testing.T, e Engine, db *sqlstore.DB, f fixture) {
		ctx := context.Background()
		version := func() int64 {
			t.Helper()
			// PostgreSQL's listener starts in the background.
			for end := time.Now().Add(10 * time.Second); ; time.Sleep(20 * time.Millisecond) {
				v, ok, err := db.CasesVersion(ctx)
				if err != nil {
					t.Fatal(err)
				}
				if ok {
					return v
				}
				if time.Now().After(end) {
					t.Fatal("no version of the cases")
				}
			}
		}
		v0 := version()
		if v := version(); v != v0 {
			t.Fatalf("the version moved from %d to %d with nothing changed", v0, v)
		}
		c, _, err := db.CreateCase(ctx, newCase(f, f.room1.ID, ""))
		if err != nil {
			t.Fatal(err)
		}
		v1 := version()
		if v1 == v0 {
			t.Fatal("a new case left the version where it was")
		}
		if _, err := db.ApplyEvent(ctx, c.ID, c.Version, store.CaseChange{Status: domain.StatusWithdrawn},
			store.Event{Type: "withdraw", FromStatus: c.Status, ToStatus: domain.StatusWithdrawn}); err != nil {
			t.Fatal(err)
		}
		if v2 := version(); v2 == v1 {
			t.Fatal("a case withdrawn left the version where it was")
		}
		if err := db.InTx(ctx, func(tx store.Store) error {
			if _, ok, err := tx.CasesVersion(ctx); ok || err != nil {
				t.Errorf("inside a transaction: ok %v, %v", ok, err)
			}
			return nil
		}); err != nil {
			t.Fatal(err)
		}
	})
}
