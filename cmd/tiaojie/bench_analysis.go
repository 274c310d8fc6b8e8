package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
	"syscall"
	"time"

	"github.com/tiaojie/tiaojie/internal/benchmark"
	"github.com/tiaojie/tiaojie/internal/store/sqlstore"
)

// benchAnalysis seeds n cases' worth of analysis and evaluation rollups
// and times each dashboard question as the committee's director would ask
// it: p50, p95 and p99 over reps runs, against the target of 50 ms at p95.
func benchAnalysis(ctx context.Context, args []string, out io.Writer, getenv func(string) string) error {
	fs := flag.NewFlagSet("bench analysis", flag.ContinueOnError)
	fs.SetOutput(out)
	n := fs.Int("n", 1_000_000, "cases to seed (three years of one committee, 70 rooms, 5,000 merchants)")
	reps := fs.Int("reps", 50, "times each question is asked")
	eng := engineFlags(fs, getenv)
	only := fs.String("only", "", "ask only the questions whose name contains this")
	profile := fs.String("cpuprofile", "", "write a CPU profile of the questions to this file")
	if err := fs.Parse(args); err != nil {
		return err
	}
	stop, err := startProfile(*profile)
	if err != nil {
		return err
	}
	defer stop()
	if *n < 1 || *n > 10_000_000 || *reps < 1 {
		return errors.New("-n must be between 1 and 10000000 and -reps at least 1")
	}
	run := func(db *sqlstore.DB) error {
		f, err := benchmark.OpenAnalysis(ctx, db, *n, out)
		if err != nil {
			return err
		}
		fmt.Fprintf(out, "%s, %d cases (target: p95 ≤ 50 ms)\n", db.Dialect(), f.Cases)
		for _, q := range f.AnalysisQueries() {
			if !strings.Contains(q.Name, *only) {
				continue
			}
			before := cpuTime()
			l, err := benchmark.Spread(ctx, q.Name, *reps, q.Run)
			if err != nil {
				return fmt.Errorf("%s: %w", q.Name, err)
			}
			// CPU per question in this process (SQLite's work; PostgreSQL's is
			// in the server): steadier than wall time on a busy machine.
			cpu := (cpuTime() - before) / time.Duration(*reps+1)
			fmt.Fprintf(out, "  %s  cpu %.2f ms\n", l, float64(cpu.Microseconds())/1000)
		}
		return nil
	}
	return eng.each(ctx, out, run)
}

// cpuTime is the user and system CPU this process has used.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
