package analysis_test

import (
	"context"
	"os"
	"testing"
	"time"

	"github.com/tiaojie/tiaojie/internal/benchmark"
	"github.com/tiaojie/tiaojie/internal/store/storetest"
)

// benchCases is how many cases' worth of rollup rows the benchmark seeds:
// 50,000 by default, TIAOJIE_BENCH_CASES for more (1,000,000 for the
// figures in docs/performance.md).
func benchCases(b *testing.B) int {
	return storetest.BenchCases(b, 50_000)
}

// BenchmarkAnalysis times the hot lists and the whole dashboard on both
// engines over n cases' worth of rollups (three years, 70 rooms, 5,000
// merchants, 40 streets) and reports each query's p95 in milliseconds
// beside the mean. Target: p95 ≤ 50 ms at 1,000,000 cases.
// TIAOJIE_BENCH_ENGINE=sqlite|postgres runs one engine only.
func BenchmarkAnalysis(b *testing.B) {
	for _, e := range storetest.Engines(b) {
		if only := os.Getenv("TIAOJIE_BENCH_ENGINE"); only != "" && only != e.Name {
			continue // seeding a million cases' rollups takes minutes per engine
		}
		f, err := benchmark.SeedAnalysis(context.Background(), e.Open(b, true), benchCases(b), os.Stderr)
		if err != nil {
			b.Fatal(err)
		}
		for _, q := range f.AnalysisQueries() {
			b.Run(e.Name+"/"+q.Name, func(b *testing.B) {
				ctx := context.Background()
				var ds []time.Duration
				for b.Loop() {
					t := time.Now()
					if err := q.Run(ctx); err != nil {
						b.Fatal(err)
					}
					ds = append(ds, time.Since(t))
				}
				l := benchmark.SpreadOf(q.Name, ds)
				b.ReportMetric(float64(l.P95.Microseconds())/1000, "p95-ms")
				b.ReportMetric(float64(l.P50.Microseconds())/1000, "p50-ms")
			})
		}
	}
}
