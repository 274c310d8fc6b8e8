package grouping_test

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/tiaojie/tiaojie/internal/grouping"
	"github.com/tiaojie/tiaojie/internal/store"
	"github.com/tiaojie/tiaojie/internal/store/sqlstore"
	"github.com/tiaojie/tiaojie/internal/store/storetest"
)

// countingStore counts the reads of a committee's window of complaints.
type countingStore struct {
	store.Store
	reads atomic.Int32
}

func (s *countingStore) ListDedupCandidates(ctx context.Context, q store.DedupQuery) ([]store.DedupCandidate, error) {
	s.reads.Add(1)
	return s.Store.ListDedupCandidates(ctx, q)
}

// waitVersion waits until the store can tell a version of the cases
// (PostgreSQL's listener starts in the background).
func waitVersion(t *testing.T, st store.Store) {
	t.Helper()
	for end := time.Now().Add(10 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		if _, ok, err := st.CasesVersion(context.Background()); err != nil || ok {
			if err != nil {
				t.Fatal(err)
			}
			return
		}
		if time.Now().After(end) {
			t.Fatal("the store never told a version of the cases")
		}
	}
}

// The proposals are found once while no case changes, by one request of
// many asking at once, and again after a complaint joins the surge; during
// that finding the others get the previous answer.
func TestProposalsRemembered(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			w := newWorld(t, e)
			ctx := context.Background()
			for i, text := range surgeTexts[:5] {
				w.register(t, fmt.Sprintf("1380000%04d", i), "上海某某健身有限公司", text, w.now.Add(-time.Duration(i)*12*time.Hour))
			}
			waitVersion(t, w.st)
			// On PostgreSQL a write moves the version at once and again when
			// its notification is heard: every answer below is counted
			// after both.
			db := w.st.(*sqlstore.DB)
			storetest.HeardAll(t, db, db)
			cs := &countingStore{Store: w.st}
			grp := &grouping.Service{Store: cs, Now: func() time.Time { return w.now }}
			ask := func(n int) [][]grouping.Proposal {
				t.Helper()
				out := make([][]grouping.Proposal, n)
				var wg sync.WaitGroup
				for i := range n {
					wg.Go(func() {
						ps, err := grp.Proposals(ctx, w.cmtP, w.committee)
						if err != nil {
							t.Error(err)
						}
						out[i] = ps
					})
				}
				wg.Wait()
				return out
			}
			// Sixteen at once on a cold service: one finding, every answer it.
			for _, ps := range ask(16) {
				if len(ps) != 1 || len(ps[0].Cases) != 5 {
					t.Fatalf("cold: %d proposals", len(ps))
				}
			}
			if n := cs.reads.Load(); n != 1 {
				t.Fatalf("sixteen requests on a cold service read the window %d times", n)
			}
			ask(4)
			if n := cs.reads.Load(); n != 1 {
				t.Fatalf("unchanged cases read again: %d reads", n)
			}
			// A sixth complaint: found again, once.
			w.register(t, "13800000005", "上海某某健身有限公司", surgeTexts[5], w.now.Add(-time.Hour))
			storetest.HeardAll(t, db, db)
			ask(8)
			if n := cs.reads.Load(); n != 2 {
				t.Fatalf("after a change, %d reads in all, want 2", n)
			}
			if ps, _ := grp.Proposals(ctx, w.cmtP, w.committee); len(ps) != 1 || len(ps[0].Cases) != 6 {
				t.Fatalf("after the sixth complaint: %+v", ps)
			}
			// Another committee's reader is refused before anything is read.
			if _, err := grp.Proposals(ctx, w.xhP, w.committee); err == nil {
				t.Fatal("another district's committee got the proposals")
			}
			// Ten minutes on with nothing changed: found again (the window moved).
			w.now = w.now.Add(11 * time.Minute)
			grp.Proposals(ctx, w.cmtP, w.committee)
			if n := cs.reads.Load(); n != 3 {
				t.Fatalf("eleven minutes on, %d reads in all, want 3", n)
			}
		})
	}
}
