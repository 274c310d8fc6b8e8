package demo

import (
	"context"
	"strings"
	"testing"

	"github.com/tiaojie/tiaojie/internal/store"
	"github.com/tiaojie/tiaojie/internal/store/storetest"
)

// The demo's warnings come from the real sweep: open and resolved ones at
// every level, a red one that reached the committee director, an urge the
// mediator answered.
func TestDemoWarnings(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			db := e.Open(t, true)
			if _, err := Build(ctx, db, testSealer(t), Options{Seed: 7, Cases: 120, Password: "x", Now: testNow}); err != nil {
				t.Fatal(err)
			}
			page, err := db.ListWarnings(ctx, store.WarningQuery{Scope: store.Scope{All: true}, Paging: store.Paging{Limit: store.MaxPage}})
			if err != nil || page.Next != nil {
				t.Fatal(page.Next, err)
			}
			all := page.Items
			open, resolved := map[string]int{}, map[string]int{}
			for _, w := range all {
				if w.Status == store.WarningResolved {
					resolved[w.Level]++
				} else {
					open[w.Level]++
				}
			}
			t.Logf("open %v resolved %v", open, resolved)
			for _, l := range []string{"yellow", "orange", "red"} {
				if open[l] == 0 || resolved[l] == 0 {
					t.Errorf("level %s: open %d, resolved %d", l, open[l], resolved[l])
				}
			}
			director, _ := db.GetUserByUsername(ctx, "committee01")
			escalated := false
			for _, w := range all {
				if w.Level != "red" {
					continue
				}
				evs, _ := db.ListWarningEvents(ctx, w.ID)
				for _, ev := range evs {
					if ev.Kind == "step" && ev.Step == 1 && strings.Contains(ev.Note, "调委会主任") {
						ns, _ := db.ListWarningNotices(ctx, director.ID, w.ID, 10)
						escalated = escalated || len(ns) >= 2
					}
				}
			}
			if !escalated {
				t.Error("no red warning reached the committee director")
			}
			sups, _ := db.ListSupervisions(ctx, store.SupervisionQuery{Scope: store.Scope{All: true}})
			kinds := map[string]bool{}
			for _, sp := range sups {
				kinds[sp.Kind] = sp.RepliedAt != nil
			}
			if len(sups) != 2 || !kinds["urge"] || !kinds["supervise"] {
				t.Errorf("urge and supervise with replies: %+v", sups)
			}
		})
	}
}
