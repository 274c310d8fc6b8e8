package subsidy

import (
	"fmt"
	"testing"
)

// BenchmarkSettle settles a large committee's month: 10,000 candidates over
// 60 mediators and 40 groups, two scheme versions, every cap on.
func BenchmarkSettle(b *testing.B) {
	v1 := Default()
	v2 := Default()
	v2.Version, v2.EffectiveFrom = "v2", "2026-10-12"
	cases := make([]Case, 10_000)
	for i := range cases {
		c := good(int64(i + 1))
		c.MediatorID = int64(i%60 + 1)
		c.MediatorName = fmt.Sprintf("调解员%02d", c.MediatorID)
		c.ClosureDay = fmt.Sprintf("2026-10-%02d", i%25+1)
		c.Grade = Grades[i%len(Grades)]
		c.Performed = i%3 != 0
		c.JudicialConfirmed = i%7 == 0
		if i%25 == 0 {
			c.GroupID = int64(i%40 + 1)
		}
		if i%11 == 0 {
			c.FollowUpDone = false
		}
		cases[i] = c
	}
	bt := Batch{Period: "2026-10", Schemes: []Scheme{v1, v2}, BudgetUsedFen: 1_000_000}
	b.ReportAllocs()
	for b.Loop() {
		r := Settle(bt, cases)
		if len(r.Lines)+len(r.Failed) != len(cases) {
			b.Fatal("cases lost")
		}
	}
}
