package storetest

import (
	"context"
	"database/sql"
	"errors"
	"testing"

	"github.com/tiaojie/tiaojie/internal/store"
)

// A transaction begun under store.WithBulkWrites commits and rolls back as
// any other; on SQLite it journals its statements on file (temp_store
// FILE, 1) and leaves the writer as it found it (MEMORY, 2) either way.
func TestBulkWrites(t *testing.T) {
	for _, e := range Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			db := e.Open(t, true)
			f := newFixture(t, db)
			tempStore := func(q interface {
				QueryRowContext(context.Context, string, ...any) *sql.Row
			}) int {
				t.Helper()
				if e.Name != "sqlite" {
					return 0
				}
				var v int
				if err := q.QueryRowContext(ctx, `PRAGMA temp_store`).Scan(&v); err != nil {
					t.Fatal(err)
				}
				return v
			}
			want := func(after int) {
				t.Helper()
				if e.Name == "sqlite" {
					if got := tempStore(db.Writer()); got != after {
						t.Fatalf("writer's temp_store after the bulk transaction: %d, want %d", got, after)
					}
				}
			}
			var seen int
			var kept int64
			err := db.InTx(store.WithBulkWrites(ctx), func(tx store.Store) error {
				c, err := tx.InsertCases(ctx, []*store.NewCase{newCase(f, f.room1.ID, "BULK-1")})
				if err != nil {
					return err
				}
				kept = c[0].ID
				return tx.JobTx(ctx, "", func(sqlTx *sql.Tx) error { seen = tempStore(sqlTx); return nil })
			})
			if err != nil {
				t.Fatal(err)
			}
			if e.Name == "sqlite" && seen != 1 {
				t.Fatalf("temp_store inside the bulk transaction: %d, want 1 (FILE)", seen)
			}
			want(2)
			if _, err := db.GetCase(ctx, kept); err != nil {
				t.Fatalf("committed bulk case: %v", err)
			}
			boom := errors.New("boom")
			var dropped int64
			err = db.InTx(store.WithBulkWrites(ctx), func(tx store.Store) error {
				c, err := tx.InsertCases(ctx, []*store.NewCase{newCase(f, f.room1.ID, "BULK-2")})
				if err != nil {
					return err
				}
				dropped = c[0].ID
				return boom
			})
			if !errors.Is(err, boom) {
				t.Fatalf("rolled-back bulk transaction: %v", err)
			}
			want(2)
			if _, err := db.GetCase(ctx, dropped); !errors.Is(err, store.ErrNotFound) {
				t.Fatalf("case of a rolled-back bulk transaction: %v", err)
			}
			// An ordinary transaction after them keeps its journals in memory.
			err = db.InTx(ctx, func(tx store.Store) error {
				return tx.JobTx(ctx, "", func(sqlTx *sql.Tx) error { seen = tempStore(sqlTx); return nil })
			})
			if err != nil {
				t.Fatal(err)
			}
			if e.Name == "sqlite" && seen != 2 {
				t.Fatalf("temp_store in an ordinary transaction: %d, want 2 (MEMORY)", seen)
			}
		})
	}
}
