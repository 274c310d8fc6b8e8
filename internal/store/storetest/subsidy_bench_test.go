package storetest

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/tiaojie/tiaojie/internal/store"
)

// BenchmarkSubsidyBatches lists a committee's batches (今日, 补贴) after
// years of months, each batch holding its month's closed cases (issue 17).
func BenchmarkSubsidyBatches(b *testing.B) {
	for _, e := range Engines(b) {
		for _, months := range []int{12, 120} {
			b.Run(fmt.Sprintf("%s/months=%d", e.Name, months), func(b *testing.B) {
				ctx := context.Background()
				db := e.Open(b, true)
				f := newFixture(b, db)
				const perMonth = 1000
				cs := insertCases(b, db, f, perMonth)
				for m := range months {
					bt := store.SubsidyBatch{CommitteeID: f.committee.ID, Period: fmt.Sprintf("%04d-%02d", 2016+m/12, 1+m%12), WindowFrom: "a", WindowTo: "b",
						Created: t0.Add(time.Duration(m) * time.Hour), Computed: t0}
					for _, c := range cs {
						bt.Lines = append(bt.Lines, store.SubsidyLine{CaseID: c.ID, CaseNumber: c.Number, MediatorID: 1, MediatorName: "甲",
							ClosureDay: "2026-01-01", Rule: "base", BaseFen: 20000, AmountFen: 20000, Explanation: "基础补贴"})
					}
					if err := db.CreateSubsidyBatch(ctx, &bt, store.SubsidyTrail{Action: "生成"}); err != nil {
						b.Fatal(err)
					}
				}
				if err := db.RefreshCaseStatistics(ctx); err != nil {
					b.Fatal(err)
				}
				b.ResetTimer()
				for b.Loop() {
					if l, err := db.ListSubsidyBatches(ctx, []int64{f.committee.ID}, 240); err != nil || len(l) != months || l[0].LineCount != perMonth {
						b.Fatalf("%d batches, %v", len(l), err)
					}
				}
			})
		}
	}
}
