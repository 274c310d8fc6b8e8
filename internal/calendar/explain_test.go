package calendar

import (
	"fmt"
	"testing"
)

// Every branch of a clock's explanation, held to the sentence as it reads
// when written with fmt (the form it had before it was joined by hand).
func TestExplainSentences(t *testing.T) {
	start, due, today := Date{2026, 5, 6}, Date{2026, 7, 13}, Date{2026, 7, 1}
	spec := func(working bool) clockSpec {
		return clockSpec{start: start, length: 45, working: working, event: "受理", basis: "《人民调解法》"}
	}
	cases := []struct {
		working, paused bool
		skipped         int
		want            string
	}{
		{false, false, 0, fmt.Sprintf("%s 受理，依《人民调解法》，45个自然日（不含起始日），截止 %s", start, due)},
		{true, false, 0, fmt.Sprintf("%s 受理，依《人民调解法》，45个工作日（不含起始日），截止 %s", start, due)},
		{true, false, 3, fmt.Sprintf("%s 受理，依《人民调解法》，45个工作日（不含起始日），中止顺延3个工作日，截止 %s", start, due)},
		{true, true, 12, fmt.Sprintf("%s 受理，依《人民调解法》，45个工作日（不含起始日），中止顺延12个工作日（中止尚未结束，暂计至 %s），截止 %s", start, today, due)},
		{true, true, 0, fmt.Sprintf("%s 受理，依《人民调解法》，45个工作日（不含起始日），目前处于中止状态，截止 %s", start, due)},
	}
	for _, c := range cases {
		if got := spec(c.working).explain(due, c.skipped, c.paused, today); got != c.want {
			t.Errorf("working=%v skipped=%d paused=%v:\n got %s\nwant %s", c.working, c.skipped, c.paused, got, c.want)
		}
	}
}
