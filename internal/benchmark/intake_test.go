package benchmark

import (
	"context"
	"testing"

	"github.com/tiaojie/tiaojie/internal/store/storetest"
)

// BenchmarkIntake registers complaints through the real service on each engine.
func BenchmarkIntake(b *testing.B) {
	for _, e := range storetest.Engines(b) {
		b.Run(e.Name, func(b *testing.B) {
			ctx := context.Background()
			db := e.Open(b, true)
			svc, p, err := setup(ctx, db)
			if err != nil {
				b.Fatal(err)
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

// TestIntakeRatio runs the comparison once so that it stays working.
func TestIntakeRatio(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		res, err := Intake(context.Background(), e.Open(t, true), 50)
		if err != nil {
			t.Fatal(err)
		}
		if res.CasesPerSec <= 0 || res.RawPerSec <= 0 || res.Ratio <= 0 {
			t.Fatalf("%+v", res)
		}
		t.Log(res)
	}
}
