package platform

import (
	"context"
	"time"

	"github.com/tiaojie/tiaojie/internal/grouping"
	"github.com/tiaojie/tiaojie/internal/ingest"
	"github.com/tiaojie/tiaojie/internal/intake"
	"github.com/tiaojie/tiaojie/internal/jobs"
	"github.com/tiaojie/tiaojie/internal/store"
)

// registerImports adds the 12315 import worker and the sweep that ends
// batches no job will finish.
func (s *Services) registerImports(q *jobs.Queue) {
	jobs.Register(q, &ingest.Worker{Svc: s.Ingest})
	q.Periodic("import-orphans", 10*time.Minute, func(ctx context.Context) error {
		n, err := s.Ingest.FailOrphans(ctx, 5*time.Minute)
		if n > 0 {
			s.Log.Warn("import batches without a job ended as failed", "batches", n)
		}
		return err
	})
}

// importSlice keeps each run of an import job, and each of its
// transactions, well inside the queue's rescue window (a job runs at most
// half of it): a run a fifth of the window, 20 s at most; transactions
// smaller when the window is short (tests, impatient operators).
func importSlice(rescue time.Duration) ingest.Slice {
	l := ingest.Slice{Time: min(20*time.Second, rescue/5)}
	if rescue < time.Minute {
		l.TxRows = 25
	}
	return l
}

// dedupInTx binds the duplicate check to an import slice's transaction, so
// the flags commit with the cases they are about.
func dedupInTx(g *grouping.Service) func(tx store.Store) intake.DuplicateChecker {
	return func(tx store.Store) intake.DuplicateChecker {
		return g.Within(tx)
	}
}
