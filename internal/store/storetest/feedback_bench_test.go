package storetest

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/tiaojie/tiaojie/internal/domain"
	"github.com/tiaojie/tiaojie/internal/store"
)

// BenchmarkFeedbackCases lists a committee's 12315 complaints closed in one
// month (the result feedback) after years of cases, each closed a week
// after it came (issue 17).
func BenchmarkFeedbackCases(b *testing.B) {
	for _, e := range Engines(b) {
		for _, n := range []int{2000, 20000} {
			b.Run(fmt.Sprintf("%s/cases=%d", e.Name, n), func(b *testing.B) {
				ctx := context.Background()
				db := e.Open(b, true)
				f := newFixture(b, db)
				// n cases over five years, the newest in March 2026.
				step := 5 * 365 * 24 * time.Hour / time.Duration(n)
				var bulk []store.BulkCase
				for i := range n {
					nc := newCase(f, f.room1.ID, fmt.Sprintf("FB%d", i))
					nc.Channel, nc.DivertedByOrgID = domain.Channel12315, f.regulator.ID
					nc.ReceivedAt = t0.Add(-time.Duration(n-i) * step)
					nc.Event.At = nc.ReceivedAt
					bulk = append(bulk, store.BulkCase{New: *nc, History: []store.Step{{Change: store.CaseChange{Status: domain.StatusTerminated},
						Event: store.Event{Type: "terminate", At: nc.ReceivedAt.Add(7 * 24 * time.Hour), ReasonCode: "no_agreement"}}}})
					if len(bulk) == 1000 || i == n-1 {
						if err := db.BulkCreateCases(ctx, bulk); err != nil {
							b.Fatal(err)
						}
						bulk = bulk[:0]
					}
				}
				if err := db.RefreshCaseStatistics(ctx); err != nil {
					b.Fatal(err)
				}
				q := store.FeedbackQuery{Scope: store.Scope{Prefixes: []string{f.committee.Path}},
					From: time.Date(2026, 2, 1, 0, 0, 0, 0, time.UTC), To: time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)}
				want := n * 28 / (5 * 365)
				b.ResetTimer()
				for b.Loop() {
					in, err := db.FeedbackCases(ctx, q)
					if err != nil || len(in) < want*9/10 || len(in) > want*11/10+1 {
						b.Fatalf("%d cases closed in February, want about %d: %v", len(in), want, err)
					}
				}
			})
		}
	}
}
