package alerting_test

import (
	"context"
	"reflect"
	"testing"
	"time"

	"github.com/tiaojie/tiaojie/internal/alerting"
	"github.com/tiaojie/tiaojie/internal/deadline"
	"github.com/tiaojie/tiaojie/internal/demo"
	"github.com/tiaojie/tiaojie/internal/pii"
	"github.com/tiaojie/tiaojie/internal/store"
	"github.com/tiaojie/tiaojie/internal/store/storetest"
)

// The sweep reads a page's clock events in one query: for every case of
// the demo's histories its input (clocks, terms) is the one its whole
// event log gives.
func TestCaseInputFromClockEvents(t *testing.T) {
	sealer, err := pii.NewSealer(make([]byte, 32))
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			db := e.Open(t, true)
			now := time.Now()
			if _, err := demo.Build(ctx, db, sealer, demo.Options{Cases: 400, Password: "bench-pass", Now: now}); err != nil {
				t.Fatal(err)
			}
			dl, err := deadline.Load(ctx, db)
			if err != nil {
				t.Fatal(err)
			}
			page, err := db.ListCases(ctx, store.CaseQuery{Scope: store.Scope{All: true}, ByID: true, Limit: 500})
			if err != nil {
				t.Fatal(err)
			}
			var ids []int64
			for _, c := range page.Cases {
				ids = append(ids, c.ID)
			}
			clock, err := db.ClockEventsOf(ctx, ids)
			if err != nil {
				t.Fatal(err)
			}
			ags, err := db.AgreementsOf(ctx, ids)
			if err != nil {
				t.Fatal(err)
			}
			running := 0
			for _, c := range page.Cases {
				all, err := db.ListEvents(ctx, c.ID)
				if err != nil {
					t.Fatal(err)
				}
				want := alerting.CaseInput(dl, c, all, ags, now)
				if got := alerting.CaseInput(dl, c, clock[c.ID], ags, now); !reflect.DeepEqual(got, want) {
					t.Fatalf("case %s (%s): from clock events %+v, from the log %+v", c.Number, c.Status, got, want)
				}
				if want.Mediation != nil || want.Judicial != nil {
					running++
				}
			}
			if running < 20 {
				t.Fatalf("only %d of %d cases have a running clock: the comparison says little", running, len(page.Cases))
			}
		})
	}
}
