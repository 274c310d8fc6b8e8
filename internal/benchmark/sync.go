package benchmark

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http/httptest"
	"time"

	"github.com/tiaojie/tiaojie/internal/jobs"
	"github.com/tiaojie/tiaojie/internal/platform"
	"github.com/tiaojie/tiaojie/internal/smartmediation/peer"
	"github.com/tiaojie/tiaojie/internal/smartsync"
	"github.com/tiaojie/tiaojie/internal/store"
	"github.com/tiaojie/tiaojie/internal/store/sqlstore"
)

// SyncResult is how fast a backlog drains to the smart-mediation peer.
type SyncResult struct {
	Engine  string
	Seeded  int // cases seeded
	Backlog int // accepted cases waiting to be sent
	Synced  int
	Other   map[string]int // rows that ended in another state (skipped, rejected …)
	Held    int            // cases the peer holds at the end
	Took    time.Duration
	PerSec  float64
}

func (r SyncResult) String() string {
	return fmt.Sprintf("%-8s backlog %d of %d cases drained to the local peer in %v: %.0f cases/s (synced %d, other %v, peer holds %d)",
		r.Engine, r.Backlog, r.Seeded, r.Took.Round(time.Millisecond), r.PerSec, r.Synced, r.Other, r.Held)
}

// SyncBacklog seeds n cases (the evaluation fixture: one committee, three
// years), points the platform at an in-process peer over HTTP, starts a
// backfill of every accepted case and times until each has a sync row.
func SyncBacklog(ctx context.Context, db *sqlstore.DB, n int, progress io.Writer) (SyncResult, error) {
	res := SyncResult{Engine: db.Dialect(), Seeded: n}
	f, err := SeedEvaluation(ctx, db, n, progress)
	if err != nil {
		return res, err
	}
	p := peer.New(peer.Options{APIKey: "bench", StrictReferences: true})
	ts := httptest.NewServer(p)
	defer ts.Close()
	svc, err := platform.New(platform.Config{Store: db, Sealer: f.Sealer, Log: slog.New(slog.NewTextHandler(io.Discard, nil)),
		SmartMediation: smartsync.Config{URL: ts.URL, APIKey: "bench"}, Jobs: jobs.Config{Poll: 100 * time.Millisecond}})
	if err != nil {
		return res, err
	}
	cmt, err := db.GetOrgUnitByCode(ctx, f.Committee)
	if err != nil {
		return res, err
	}
	for after := int64(0); ; {
		ids, err := db.UnsyncedCases(ctx, cmt.ID, after, 10000)
		if err != nil {
			return res, err
		}
		res.Backlog += len(ids)
		if len(ids) < 10000 {
			break
		}
		after = ids[len(ids)-1]
	}
	if err := svc.Start(ctx); err != nil {
		return res, err
	}
	defer func() {
		sctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		svc.Shutdown(sctx)
	}()
	start := time.Now()
	if err := svc.Sync.Backfill(ctx, cmt.ID); err != nil {
		return res, err
	}
	last := time.Now()
	for {
		counts, err := db.SmartSyncCounts(ctx, []int64{cmt.ID})
		if err != nil {
			return res, err
		}
		done := 0
		for _, c := range counts {
			done += c
		}
		if done >= res.Backlog {
			res.Took = time.Since(start)
			res.Synced = counts[store.SmartSynced]
			delete(counts, store.SmartSynced)
			res.Other = counts
			break
		}
		if progress != nil && time.Since(last) > 10*time.Second {
			fmt.Fprintf(progress, "  sync: %d of %d after %v\n", done, res.Backlog, time.Since(start).Round(time.Second))
			last = time.Now()
		}
		time.Sleep(200 * time.Millisecond)
	}
	res.Held = p.Count().Cases
	res.PerSec = float64(res.Backlog) / res.Took.Seconds()
	return res, nil
}
