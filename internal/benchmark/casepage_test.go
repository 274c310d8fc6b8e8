package benchmark

import (
	"bytes"
	"context"
	"math/rand/v2"
	"net/http"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/tiaojie/tiaojie/internal/store/sqlite"
	"github.com/tiaojie/tiaojie/internal/store/sqlstore"
	"github.com/tiaojie/tiaojie/internal/store/storetest"
)

// BenchmarkCasePage serves the platform over HTTP on a demo database of
// TIAOJIE_BENCH_CASES cases (default 300) and loads the case page from 64
// clients for 3 s, then a raw point lookup, the web case list and the
// committee desk the same way; it reports the pages' p99, the case page's
// rate against the lookup's, and any non-2xx answer (which fails the
// run). Use -benchtime 1x.
func BenchmarkCasePage(b *testing.B) {
	n := benchCases(300)
	for _, e := range storetest.Engines(b) {
		b.Run(e.Name, func(b *testing.B) {
			db := e.Open(b, true)
			var last CasePageResult
			for i := 0; i < b.N; i++ {
				res, err := CasePage(context.Background(), db, CasePageOptions{Cases: n, Clients: 64, Duration: 3 * time.Second, Lists: true})
				if err != nil {
					b.Fatal(err)
				}
				if res.App.NonOK > 0 || res.Raw.NonOK > 0 || res.List.NonOK > 0 || res.Desk.NonOK > 0 {
					b.Fatalf("non-2xx answers under load: %s", res)
				}
				last = res
			}
			b.ReportMetric(float64(last.App.P99.Microseconds())/1000, "p99-ms")
			b.ReportMetric(last.App.PerSec, "pages/s")
			b.ReportMetric(last.Ratio, "ratio")
			b.ReportMetric(float64(last.App.NonOK), "non2xx")
			b.ReportMetric(float64(last.List.P99.Microseconds())/1000, "list-p99-ms")
			b.ReportMetric(float64(last.Desk.P99.Microseconds())/1000, "desk-p99-ms")
		})
	}
}

// BenchmarkCasePageOne is the case page from one client, one view after
// another, for random cases of the committee: time and allocations per
// page (the client's included) without 64 clients queueing for 2 cores, a
// steadier figure to compare changes by. TIAOJIE_BENCH_SQLITE_FILE names a
// SQLite file to use (seeded with TIAOJIE_BENCH_CASES cases when empty)
// instead of each engine's scratch database.
func BenchmarkCasePageOne(b *testing.B) {
	n := benchCases(300)
	run := func(b *testing.B, db *sqlstore.DB) {
		ctx := context.Background()
		ps, err := startCasePages(ctx, db, &CasePageOptions{Cases: n, Clients: 1})
		if err != nil {
			b.Fatal(err)
		}
		defer ps.close()
		load(ctx, ps.client, byID(ps.url+"/cases/", ps.ids), 1, time.Second) // warm up
		rng := rand.New(rand.NewPCG(1, 2))
		var buf bytes.Buffer
		b.ReportAllocs()
		b.ResetTimer()
		cpu := cpuTime()
		defer func() { b.ReportMetric(float64((cpuTime()-cpu).Microseconds())/1000/float64(b.N), "cpu-ms/op") }()
		for range b.N {
			r, err := ps.client.Get(ps.url + "/cases/" + strconv.FormatInt(ps.ids[rng.IntN(len(ps.ids))], 10))
			if err != nil {
				b.Fatal(err)
			}
			buf.Reset()
			buf.ReadFrom(r.Body)
			r.Body.Close()
			if r.StatusCode != http.StatusOK || strings.Contains(buf.String(), "系统错误") {
				b.Fatalf("HTTP %d", r.StatusCode)
			}
		}
	}
	if f := os.Getenv("TIAOJIE_BENCH_SQLITE_FILE"); f != "" {
		db, err := sqlite.Open(context.Background(), f)
		if err != nil {
			b.Fatal(err)
		}
		defer db.Close()
		run(b, db)
		return
	}
	for _, e := range storetest.Engines(b) {
		b.Run(e.Name, func(b *testing.B) { run(b, e.Open(b, true)) })
	}
}

// benchCases is TIAOJIE_BENCH_CASES, or def.
func benchCases(def int) int {
	if n, err := strconv.Atoi(os.Getenv("TIAOJIE_BENCH_CASES")); err == nil && n >= 0 {
		return n
	}
	return def
}
