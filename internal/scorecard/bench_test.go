package scorecard_test

import (
	"context"
	"testing"

	"github.com/tiaojie/tiaojie/internal/benchmark"
	"github.com/tiaojie/tiaojie/internal/store/storetest"
)

// benchCases is how many cases the benchmarks seed: 5,000 by default (a
// couple of minutes for both engines), TIAOJIE_BENCH_CASES for more. For
// percentiles at 1,000,000 cases use `tiaojie bench evaluation`.
func benchCases(b *testing.B) int {
	return storetest.BenchCases(b, 5_000)
}

// seeded opens a database per engine, seeds it once (not once per b.N the
// framework tries) and runs fn on it.
func seeded(b *testing.B, fn func(b *testing.B, f *benchmark.EvalFixture)) {
	for _, e := range storetest.Engines(b) {
		f, err := benchmark.SeedEvaluation(context.Background(), e.Open(b, true), benchCases(b), nil)
		if err != nil {
			b.Fatal(err)
		}
		b.Run(e.Name, func(b *testing.B) { fn(b, f) })
	}
}

// BenchmarkScoresCommitteeYear: the scores of one committee's 47 mediators
// over the last twelve whole months.
func BenchmarkScoresCommitteeYear(b *testing.B) {
	seeded(b, func(b *testing.B, f *benchmark.EvalFixture) {
		ctx := context.Background()
		for i := 0; i < b.N; i++ {
			n, err := f.ScoresYear(ctx)
			if err != nil {
				b.Fatal(err)
			}
			if n != 47 {
				b.Fatalf("%d mediators scored, want 47", n)
			}
		}
	})
}

// BenchmarkScoresCommitteeTrailingYear: the same over the trailing year up
// to yesterday, mid-month at both ends (the day rollup is read for the
// partial months: the worst case of a year).
func BenchmarkScoresCommitteeTrailingYear(b *testing.B) {
	seeded(b, func(b *testing.B, f *benchmark.EvalFixture) {
		ctx := context.Background()
		for i := 0; i < b.N; i++ {
			if n, err := f.ScoresTrailingYear(ctx); err != nil || n != 47 {
				b.Fatalf("%d mediators scored (want 47), %v", n, err)
			}
		}
	})
}

// BenchmarkHeadlineYear: the committee's headline over the last twelve whole months.
func BenchmarkHeadlineYear(b *testing.B) {
	seeded(b, func(b *testing.B, f *benchmark.EvalFixture) {
		ctx := context.Background()
		for i := 0; i < b.N; i++ {
			if err := f.HeadlineYear(ctx); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkRankingMonth: the live mediator ranking of the last whole month.
func BenchmarkRankingMonth(b *testing.B) {
	seeded(b, func(b *testing.B, f *benchmark.EvalFixture) {
		ctx := context.Background()
		for i := 0; i < b.N; i++ {
			n, err := f.RankingMonth(ctx)
			if err != nil {
				b.Fatal(err)
			}
			if n == 0 {
				b.Fatal("empty ranking")
			}
		}
	})
}
