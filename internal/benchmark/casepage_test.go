package benchmark

import (
	"context"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/tiaojie/tiaojie/internal/store/storetest"
)

// BenchmarkCasePage serves the platform over HTTP on a demo database of
// TIAOJIE_BENCH_CASES cases (default 300) and loads the case page from 64
// clients for 3 s, then a raw point lookup the same way; it reports the
// page's p99, its rate against the lookup's, and any non-2xx answer (which
// fails the run). Use -benchtime 1x.
func BenchmarkCasePage(b *testing.B) {
	n := benchCases(300)
	for _, e := range storetest.Engines(b) {
		b.Run(e.Name, func(b *testing.B) {
			db := e.Open(b, true)
			var last CasePageResult
			for i := 0; i < b.N; i++ {
				res, err := CasePage(context.Background(), db, CasePageOptions{Cases: n, Clients: 64, Duration: 3 * time.Second})
				if err != nil {
					b.Fatal(err)
				}
				if res.App.NonOK > 0 || res.Raw.NonOK > 0 {
					b.Fatalf("non-2xx answers under load: %s", res)
				}
				last = res
			}
			b.ReportMetric(float64(last.App.P99.Microseconds())/1000, "p99-ms")
			b.ReportMetric(last.App.PerSec, "pages/s")
			b.ReportMetric(last.Ratio, "ratio")
			b.ReportMetric(float64(last.App.NonOK), "non2xx")
		})
	}
}

// benchCases is TIAOJIE_BENCH_CASES, or def.
func benchCases(def int) int {
	if n, err := strconv.Atoi(os.Getenv("TIAOJIE_BENCH_CASES")); err == nil && n >= 0 {
		return n
	}
	return def
}
