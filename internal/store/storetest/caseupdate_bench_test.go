package storetest

import (
	"context"
	"testing"
	"time"

	"github.com/tiaojie/tiaojie/internal/domain"
	"github.com/tiaojie/tiaojie/internal/store"
)

// BenchmarkApplyEvent is a mediator's everyday write: a case moved between
// two statuses (suspended and resumed), each with its event and the clock
// trigger it fires. On PostgreSQL it was half the search index's cost while
// the grams were an expression index on cases (docs/decisions.md "search
// grams in a table of their own"); it guards that no index on cases makes
// every update compute something again.
func BenchmarkApplyEvent(b *testing.B) {
	for _, e := range Engines(b) {
		b.Run(e.Name, func(b *testing.B) {
			ctx := context.Background()
			db := e.Open(b, true)
			f := newFixture(b, db)
			const n = 200
			ncs := make([]*store.NewCase, n)
			for i := range ncs {
				ncs[i] = newCase(f, f.room1.ID, "")
			}
			cs, err := db.InsertCases(ctx, ncs)
			if err != nil {
				b.Fatal(err)
			}
			at := t0.Add(time.Hour)
			for i := range cs {
				if cs[i], err = db.ApplyEvent(ctx, cs[i].ID, cs[i].Version, store.CaseChange{Status: domain.StatusMediating},
					store.Event{Type: "start_mediation", ToStatus: domain.StatusMediating, At: at}); err != nil {
					b.Fatal(err)
				}
			}
			i := 0
			for b.Loop() {
				c := &cs[i%n]
				ch, ev := store.CaseChange{Status: domain.StatusSuspended}, store.Event{Type: "suspend", ToStatus: domain.StatusSuspended, At: at}
				if c.Status == domain.StatusSuspended {
					ch, ev = store.CaseChange{Status: domain.StatusMediating}, store.Event{Type: "resume", ToStatus: domain.StatusMediating, At: at}
				}
				if *c, err = db.ApplyEvent(ctx, c.ID, c.Version, ch, ev); err != nil {
					b.Fatal(err)
				}
				i++
			}
		})
	}
}
