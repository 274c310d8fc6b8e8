package storetest

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/tiaojie/tiaojie/internal/audit"
	"github.com/tiaojie/tiaojie/internal/store"
)

// TestCreateCases: a batch writes each case as CreateCase would alone —
// consecutive numbers, its own audit entry by its own actor — while a case
// that fails (a 12315 number already taken) is undone alone without a gap
// in the numbers, a repeated idempotency key answers the first case, and a
// case whose caller has gone is skipped.
func TestCreateCases(t *testing.T) {
	for _, e := range Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			db := e.Open(t, true)
			ctx := context.Background()
			f := newFixture(t, db)
			if _, _, err := db.CreateCase(ctx, newCase(f, 0, "12315-1")); err != nil {
				t.Fatal(err)
			}
			actor := func(i int) context.Context {
				return audit.With(ctx, audit.Actor{Kind: "user", ID: int64(i), Name: fmt.Sprintf("actor%d", i)})
			}
			gone, cancel := context.WithCancel(actor(9))
			cancel()
			keyed := func() *store.NewCase {
				nc := newCase(f, 0, "")
				nc.ClientID, nc.IdempotencyKey = "token:1", "k1"
				return nc
			}
			batch := []store.BatchedCase{
				{Ctx: actor(1), New: newCase(f, 0, "")},
				{Ctx: actor(2), New: newCase(f, 0, "12315-1")}, // taken
				{Ctx: actor(3), New: keyed()},
				{Ctx: actor(4), New: keyed()}, // the same key again
				{Ctx: gone, New: newCase(f, 0, "")},
				{Ctx: actor(6), New: newCase(f, f.room1.ID, "12315-2")},
			}
			res, err := db.CreateCases(ctx, batch)
			if err != nil || len(res) != len(batch) {
				t.Fatalf("batch: %v %d", err, len(res))
			}
			if !errors.Is(res[1].Err, store.ErrConflict) || res[1].ID != 0 {
				t.Fatalf("taken 12315 number: %+v", res[1])
			}
			if !errors.Is(res[4].Err, context.Canceled) {
				t.Fatalf("cancelled caller: %+v", res[4])
			}
			if res[3].Err != nil || res[3].Created || res[3].ID != res[2].ID {
				t.Fatalf("repeated key: %+v, first %+v", res[3], res[2])
			}
			for want, i := range map[int64]int{2: 0, 3: 2, 4: 5} {
				r := res[i]
				if r.Err != nil || !r.Created {
					t.Fatalf("case %d: %+v", i, r)
				}
				c, err := db.GetCase(ctx, r.ID)
				if err != nil || c.Seq != want || len(c.Parties) != 2 {
					t.Fatalf("case %d: seq %d (want %d) %v", i, c.Seq, want, err)
				}
				evs, _ := db.ListEvents(ctx, r.ID)
				es, _ := db.ListAudit(ctx, store.AuditQuery{Scope: store.Scope{All: true}, Object: fmt.Sprintf("case:%d", r.ID)})
				if len(evs) != 1 || len(es) != 1 || es[0].Action != "create case" || es[0].Actor.Name != fmt.Sprintf("actor%d", i+1) {
					t.Fatalf("case %d: events %+v audit %+v", i, evs, es)
				}
			}
			if n, err := audit.VerifyChain(ctx, db); err != nil || n == 0 {
				t.Fatalf("audit chain: %d %v", n, err)
			}
			if _, err := db.CreateCases(ctx, nil); err != nil {
				t.Fatalf("empty batch: %v", err)
			}
		})
	}
}
