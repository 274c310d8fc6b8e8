package storetest

import (
	"context"
	"sync"
	"testing"

	"github.com/tiaojie/tiaojie/internal/domain"
	"github.com/tiaojie/tiaojie/internal/store/postgres"
)

// Two instances on one database take case numbers from the same counter:
// 100 complaints taken in at once, half through each store handle, get 100
// distinct numbers with no gap — including the race to create the year's
// counter row, which neither handle has seen yet.
func TestCaseNumbersAcrossInstances(t *testing.T) {
	for _, e := range Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			dbs := e.OpenShared(t, 2)
			f := newFixture(t, dbs[0])
			const perHandle, workers = 50, 5
			var mu sync.Mutex
			seen := map[string]int{}
			var wg sync.WaitGroup
			start := make(chan struct{})
			for i, db := range dbs {
				for w := 0; w < workers; w++ {
					wg.Add(1)
					go func() {
						defer wg.Done()
						<-start
						for n := 0; n < perHandle/workers; n++ {
							c, _, err := db.CreateCase(ctx, newCase(f, f.room1.ID, ""))
							if err != nil {
								t.Errorf("instance %d: %v", i, err)
								return
							}
							mu.Lock()
							seen[c.Number]++
							mu.Unlock()
						}
					}()
				}
			}
			close(start)
			wg.Wait()
			for i := 1; i <= 2*perHandle; i++ {
				if n := domain.CaseNumber(2026, "浦", int64(i)); seen[n] != 1 {
					t.Errorf("%s issued %d times", n, seen[n])
				}
			}
			if len(seen) != 2*perHandle {
				t.Fatalf("%d distinct numbers for %d cases", len(seen), 2*perHandle)
			}
		})
	}
}

// Instances started together on an empty PostgreSQL schema all come up:
// one migrates, the others wait for it rather than failing on tables that
// appeared under them. (SQLite is one instance per file.)
func TestMigrateTogether(t *testing.T) {
	for _, e := range Engines(t) {
		if e.Name != "postgres" {
			continue
		}
		t.Run(e.Name, func(t *testing.T) {
			url := SchemaURL(t)
			const n = 3
			errs := make(chan error, n)
			start := make(chan struct{})
			for i := 0; i < n; i++ {
				go func() {
					<-start
					db, err := postgres.Open(context.Background(), url)
					if err == nil {
						db.Close()
					}
					errs <- err
				}()
			}
			close(start)
			for i := 0; i < n; i++ {
				if err := <-errs; err != nil {
					t.Errorf("instance %d of %d started together: %v", i+1, n, err)
				}
			}
		})
	}
}
