package alerting_test

import (
	"context"
	"testing"
	"time"

	"github.com/tiaojie/tiaojie/internal/alerting"
	"github.com/tiaojie/tiaojie/internal/demo"
	"github.com/tiaojie/tiaojie/internal/pii"
	"github.com/tiaojie/tiaojie/internal/store/storetest"
)

// BenchmarkSweep: one warning sweep over the demo with TIAOJIE_BENCH_CASES
// synthetic cases (1,000 by default): every open case's clocks, the
// complaints of the surge windows, the loads and the ladders. A sweep runs
// every --warning-interval (1m), so it must stay well under that.
func BenchmarkSweep(b *testing.B) {
	n := storetest.BenchCases(b, 1_000)
	sealer, err := pii.NewSealer(make([]byte, 32))
	if err != nil {
		b.Fatal(err)
	}
	for _, e := range storetest.Engines(b) {
		db := e.Open(b, true)
		if _, err := demo.Build(context.Background(), db, sealer, demo.Options{Cases: n, Password: "bench-pass", Now: time.Now()}); err != nil {
			b.Fatal(err)
		}
		svc := &alerting.Service{Store: db}
		b.Run(e.Name, func(b *testing.B) {
			for b.Loop() {
				if _, err := svc.Sweep(context.Background()); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
