package benchmark

import (
	"context"
	"database/sql"
	"testing"

	"github.com/tiaojie/tiaojie/internal/jobs"
	"github.com/tiaojie/tiaojie/internal/store"

	"github.com/tiaojie/tiaojie/internal/store/storetest"
)

// BenchmarkIntake registers complaints through the real service on each
// engine, plain and with one job enqueued in each complaint's transaction
// (side by side: compare the two lines of one run).
func BenchmarkIntake(b *testing.B) {
	for _, e := range storetest.Engines(b) {
		for _, withJob := range []bool{false, true} {
			name := e.Name + "/plain"
			if withJob {
				name = e.Name + "/with-job"
			}
			b.Run(name, func(b *testing.B) {
				ctx := context.Background()
				db := e.Open(b, true)
				svc, p, err := setup(ctx, db)
				if err != nil {
					b.Fatal(err)
				}
				if withJob {
					q, err := jobs.New(jobs.Config{Driver: db.QueueDriver(), Store: db})
					if err != nil {
						b.Fatal(err)
					}
					jobs.Register(q, followWorker{})
					db.OnEvents(func(ctx context.Context, tx *sql.Tx, evs []store.Event) error {
						return q.InsertTx(ctx, tx, jobs.Insert(followArgs{CaseID: evs[0].CaseID}, nil))
					})
				}
				in := Complaints(b.N, 1)
				b.ResetTimer()
				for i := 0; i < b.N; i++ {
					if _, _, err := svc.Register(ctx, p, in[i], ""); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}

// TestIntakeRatio runs the comparison once so that it stays working.
func TestIntakeRatio(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		res, err := Intake(context.Background(), e.Open(t, true), 200)
		if err != nil {
			t.Fatal(err)
		}
		if !(res.CasesPerSec > 0 && res.RawPerSec > 0 && res.Ratio > 0 && res.WithJobPerSec > 0 && res.PlainPerSec > 0) {
			t.Fatalf("%+v", res)
		}
		t.Log(res)
	}
}

// TestSyncBacklog drains a small backlog so the benchmark keeps working:
// every accepted case ends with a row, the peer holds each synced case once.
func TestSyncBacklog(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		res, err := SyncBacklog(context.Background(), e.Open(t, true), 300, nil)
		if err != nil {
			t.Fatal(err)
		}
		if res.Backlog == 0 || res.Synced == 0 || res.Held != res.Synced || res.PerSec <= 0 {
			t.Fatalf("%+v", res)
		}
		t.Log(res)
	}
}

// BenchmarkHTTPIntake posts complaints through the real HTTP API from 16
// clients on each engine (the commit batcher, then batches of one) beside
// the raw single-row transactions of the same run; it reports complaints/s,
// p99 and the ratio to the raw rate. TIAOJIE_BENCH_CASES sets the complaints
// per side (default 500). Use -benchtime 1x.
func BenchmarkHTTPIntake(b *testing.B) {
	n := benchCases(500)
	for _, e := range storetest.Engines(b) {
		b.Run(e.Name, func(b *testing.B) {
			db := e.Open(b, true)
			var last HTTPIntakeResult
			for i := 0; i < b.N; i++ {
				res, err := HTTPIntake(context.Background(), db, HTTPIntakeOptions{N: n, Clients: 16})
				if err != nil {
					b.Fatal(err)
				}
				last = res
			}
			b.Log(last)
			b.ReportMetric(last.Batched.PerSec, "complaints/s")
			b.ReportMetric(float64(last.Batched.P99.Microseconds())/1000, "p99-ms")
			b.ReportMetric(last.Ratio, "ratio")
			b.ReportMetric(last.MeanBatch, "per-tx")
			b.ReportMetric(last.OneByOneRate, "ratio-1by1")
		})
	}
}

// TestHTTPIntake runs the HTTP comparison once, small, so that it stays
// working: every complaint is filed (201), and the batcher shared commits.
func TestHTTPIntake(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		res, err := HTTPIntake(context.Background(), e.Open(t, true), HTTPIntakeOptions{N: 120, Clients: 16})
		if err != nil {
			t.Fatal(err)
		}
		if res.Batched.Requests != 120 || res.OneByOne.Requests != 120 || res.Batched.NonOK+res.OneByOne.NonOK != 0 ||
			res.RawPerSec <= 0 || res.Raw16PerSec <= 0 || res.Ratio <= 0 || res.MeanBatch < 1 {
			t.Fatalf("%+v", res)
		}
		t.Log(res)
	}
}
