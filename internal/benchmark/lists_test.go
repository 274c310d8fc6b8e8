package benchmark

import (
	"context"
	"testing"

	"github.com/tiaojie/tiaojie/internal/desk"
	"github.com/tiaojie/tiaojie/internal/store"
	"github.com/tiaojie/tiaojie/internal/store/storetest"
)

// BenchmarkCaseList opens the committee's case list (first page, counted
// to the cap), a page by cursor and searches, with parallel clients
// (-cpu / GOMAXPROCS × RunParallel), over TIAOJIE_BENCH_CASES demo cases
// (2,000 by default; `tiaojie bench lists|search` for the big runs).
func BenchmarkCaseList(b *testing.B) {
	n := storetest.BenchCases(b, 2000)
	ctx := context.Background()
	for _, e := range storetest.Engines(b) {
		f, err := SeedLists(ctx, e.Open(b, true), n, nil, nil)
		if err != nil {
			b.Fatal(err)
		}
		first, err := f.Intake.List(ctx, f.Director, store.CaseQuery{Limit: 50, CountCap: store.ListCountCap})
		if err != nil || len(first.Cases) != 50 || first.Next == nil {
			b.Fatalf("first page: %d cases, %v", len(first.Cases), err)
		}
		for _, q := range []struct {
			name string
			q    store.CaseQuery
		}{
			{"committee", store.CaseQuery{}},
			{"cursor", store.CaseQuery{After: first.Next}},
			{"room", store.CaseQuery{RoomID: f.Room.ID}},
			{"search-2", store.CaseQuery{Text: "健身"}},
			{"search-3", store.CaseQuery{Text: "翻新机"}},
			{"phone", store.CaseQuery{Text: f.Phone}},
		} {
			q.q.Limit, q.q.CountCap = 50, store.ListCountCap
			b.Run(e.Name+"/"+q.name, func(b *testing.B) {
				b.SetParallelism(8)
				b.RunParallel(func(pb *testing.PB) {
					for pb.Next() {
						p, err := f.Intake.List(ctx, f.Director, q.q)
						if err != nil || len(p.Cases) == 0 {
							b.Errorf("%s: %d cases, %v", q.name, len(p.Cases), err)
							return
						}
					}
				})
			})
		}
		// The clock lists: from the stored due dates (SeedLists computed
		// them), then with every clock computed on read, as before
		// migration 62 and while a change of the rules is being applied.
		overdue := func(b *testing.B) {
			b.SetParallelism(8)
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					if _, err := f.Desk.List(ctx, f.Director, desk.ListQuery{Page: 1, Due: desk.DueOverdue}, 50); err != nil {
						b.Error(err)
						return
					}
				}
			})
		}
		deskSections := func(b *testing.B) {
			b.SetParallelism(8)
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					if _, err := f.Desk.Committee(ctx, f.Director, desk.Filter{}); err != nil {
						b.Error(err)
						return
					}
				}
			})
		}
		b.Run(e.Name+"/overdue", overdue)
		b.Run(e.Name+"/desk", deskSections)
		if err := f.DB.SetDueRules(ctx, "stale"); err != nil {
			b.Fatal(err)
		}
		b.Run(e.Name+"/overdue-computed", overdue)
		b.Run(e.Name+"/desk-computed", deskSections)
	}
}
