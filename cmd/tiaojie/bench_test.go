package main

import (
	"bytes"
	"context"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// TestBenchEvaluation runs `tiaojie bench evaluation` end to end on a tiny
// SQLite volume: the cases are seeded and all counted, the 47 mediators
// scored, every query timed, and the intake comparison reported.
func TestBenchEvaluation(t *testing.T) {
	var b bytes.Buffer
	err := run(context.Background(), []string{"bench", "evaluation", "-n", "300", "-reps", "5", "-intake", "20"}, &b, envFrom(nil))
	out := b.String()
	if err != nil {
		t.Fatalf("bench evaluation: %v\n%s", err, out)
	}
	for _, want := range []string{"sqlite: 300 cases seeded", "catch-up counted them", "mediators scored ",
		"Scores(committee, mediators, year)", "Headline(committee, year)", "Ranking(committee, mediators, month)",
		"intake of 20 complaints", "catch-up of the 20 cases", "PostgreSQL skipped"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	// Every query line carries three percentiles, in order.
	re := regexp.MustCompile(`×5 +p50 +([\d.]+) ms +p95 +([\d.]+) ms +p99 +([\d.]+) ms`)
	lines := re.FindAllStringSubmatch(out, -1)
	if len(lines) != 4 {
		t.Fatalf("want 4 timed queries, got %d:\n%s", len(lines), out)
	}
	for _, l := range lines {
		p50, _ := strconv.ParseFloat(l[1], 64)
		p95, _ := strconv.ParseFloat(l[2], 64)
		p99, _ := strconv.ParseFloat(l[3], 64)
		if p50 <= 0 || p50 > p95 || p95 > p99 {
			t.Errorf("percentiles out of order: %s", l[0])
		}
	}
	if err := run(context.Background(), []string{"bench", "evaluation", "-n", "0"}, &b, envFrom(nil)); err == nil {
		t.Error("-n 0 accepted")
	}
}
