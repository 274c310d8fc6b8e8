package storetest

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"testing"

	"github.com/tiaojie/tiaojie/internal/store"
)

// A transaction begun under store.WithBulkWrites commits and rolls back as
// any other; on SQLite it journals its statements on file (temp_store
// FILE, 1) with the WAL checkpointed past 32,768 pages, and leaves the
// writer as it found it (MEMORY, 2; 1,000 pages) either way.
func TestBulkWrites(t *testing.T) {
	for _, e := range Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			db := e.Open(t, true)
			f := newFixture(t, db)
			// temp_store/wal_autocheckpoint of the connection q runs on.
			tempStore := func(q interface {
				QueryRowContext(context.Context, string, ...any) *sql.Row
			}) string {
				t.Helper()
				if e.Name != "sqlite" {
					return ""
				}
				var ts, ckpt int
				if err := q.QueryRowContext(ctx, `PRAGMA temp_store`).Scan(&ts); err != nil {
					t.Fatal(err)
				}
				if err := q.QueryRowContext(ctx, `PRAGMA wal_autocheckpoint`).Scan(&ckpt); err != nil {
					t.Fatal(err)
				}
				return fmt.Sprintf("%d/%d", ts, ckpt)
			}
			want := func(after string) {
				t.Helper()
				if e.Name == "sqlite" {
					if got := tempStore(db.Writer()); got != after {
						t.Fatalf("writer's temp_store/wal_autocheckpoint after the bulk transaction: %s, want %s", got, after)
					}
				}
			}
			var seen string
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
			if e.Name == "sqlite" && seen != "1/32768" {
				t.Fatalf("temp_store/wal_autocheckpoint inside the bulk transaction: %s, want 1/32768", seen)
			}
			want("2/1000")
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
			want("2/1000")
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
			if e.Name == "sqlite" && seen != "2/1000" {
				t.Fatalf("temp_store/wal_autocheckpoint in an ordinary transaction: %s, want 2/1000", seen)
			}
		})
	}
}
