package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"

	_ "github.com/jackc/pgx/v5/stdlib"

	"github.com/tiaojie/tiaojie/internal/benchmark"
	"github.com/tiaojie/tiaojie/internal/store/postgres"
	"github.com/tiaojie/tiaojie/internal/store/sqlite"
	"github.com/tiaojie/tiaojie/internal/store/sqlstore"
)

// bench runs a benchmark on scratch databases: a temporary SQLite file, and
// PostgreSQL in a temporary schema when a server URL is given. Neither
// touches the platform's own data.
func bench(ctx context.Context, args []string, out io.Writer, getenv func(string) string) error {
	if len(args) > 0 && args[0] == "evaluation" {
		return benchEvaluation(ctx, args[1:], out, getenv)
	}
	if len(args) > 0 && args[0] == "analysis" {
		return benchAnalysis(ctx, args[1:], out, getenv)
	}
	if len(args) > 0 && args[0] == "sync" {
		return benchSync(ctx, args[1:], out, getenv)
	}
	if len(args) == 0 || args[0] != "intake" {
		return errors.New("usage: tiaojie bench intake [-n 2000] [-postgres postgres://…] | tiaojie bench sync [-n 100000] [-postgres postgres://…] | tiaojie bench evaluation [-n 1000000] [-reps 100] [-intake 2000] [-postgres postgres://…] | tiaojie bench analysis [-n 1000000] [-reps 50] [-sqlite-file F] [-postgres postgres://…]")
	}
	fs := flag.NewFlagSet("bench intake", flag.ContinueOnError)
	n := fs.Int("n", 2000, "complaints to register")
	pgURL := fs.String("postgres", getenv("TIAOJIE_DATABASE_URL"), "PostgreSQL server to benchmark as well (a temporary schema is used)")
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	if *n < 1 || *n > 1_000_000 {
		return errors.New("-n must be between 1 and 1000000")
	}
	return onScratch(ctx, *pgURL, out, func(db *sqlstore.DB) (fmt.Stringer, error) { return benchmark.Intake(ctx, db, *n) })
}

// onScratch runs one benchmark on a scratch SQLite file and, when a
// server is given, on a temporary PostgreSQL schema, printing each result.
func onScratch(ctx context.Context, pgURL string, out io.Writer, run func(*sqlstore.DB) (fmt.Stringer, error)) error {
	dir, err := os.MkdirTemp("", "tiaojie-bench-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	db, err := sqlite.Open(ctx, filepath.Join(dir, "bench.db"))
	if err != nil {
		return err
	}
	res, err := run(db)
	db.Close()
	if err != nil {
		return fmt.Errorf("sqlite: %w", err)
	}
	fmt.Fprintln(out, res)
	if pgURL == "" {
		fmt.Fprintln(out, "(PostgreSQL skipped: pass -postgres URL or set TIAOJIE_DATABASE_URL)")
		return nil
	}
	schemaURL, drop, err := postgres.ScratchSchema(ctx, pgURL, "bench")
	if err != nil {
		return err
	}
	defer drop()
	pdb, err := postgres.Open(ctx, schemaURL)
	if err != nil {
		return err
	}
	defer pdb.Close()
	if res, err = run(pdb); err != nil {
		return fmt.Errorf("postgres: %w", err)
	}
	fmt.Fprintln(out, res)
	return nil
}

// benchEvaluation seeds cases on scratch databases, counts them into the
// evaluation rollups, times the evaluation queries and the rollups' upkeep
// cost on intake.
func benchEvaluation(ctx context.Context, args []string, out io.Writer, getenv func(string) string) error {
	fs := flag.NewFlagSet("bench evaluation", flag.ContinueOnError)
	fs.SetOutput(out)
	n := fs.Int("n", 1_000_000, "cases to seed (three years of one committee, 47 mediators)")
	reps := fs.Int("reps", 100, "times each query is run")
	intakeN := fs.Int("intake", 2000, "complaints per intake round of the upkeep comparison (0 skips it)")
	pgURL := fs.String("postgres", getenv("TIAOJIE_DATABASE_URL"), "PostgreSQL server to benchmark as well (a temporary schema is used)")
	sqliteToo := fs.Bool("sqlite", true, "benchmark SQLite (false: PostgreSQL only)")
	pgDirect := fs.Bool("postgres-direct", false, "use the -postgres database as it is instead of a temporary schema: a database seeded by an earlier run is reused, nothing is dropped")
	sqliteFile := fs.String("sqlite-file", "", "keep the SQLite database in this file; a file seeded by an earlier run is reused as it is")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *n < 1 || *n > 10_000_000 {
		return errors.New("-n must be between 1 and 10000000")
	}
	if *reps < 1 || *intakeN < 0 {
		return errors.New("-reps must be at least 1 and -intake not negative")
	}
	if *sqliteToo {
		path := *sqliteFile
		if path == "" {
			dir, err := os.MkdirTemp("", "tiaojie-bench-")
			if err != nil {
				return err
			}
			defer os.RemoveAll(dir)
			path = filepath.Join(dir, "bench.db")
		}
		db, err := sqlite.Open(ctx, path)
		if err != nil {
			return err
		}
		res, err := benchmark.Evaluation(ctx, db, *n, *reps, *intakeN, out)
		db.Close()
		if err != nil {
			return fmt.Errorf("sqlite: %w", err)
		}
		fmt.Fprint(out, res)
	}
	if *pgURL == "" {
		fmt.Fprintln(out, "(PostgreSQL skipped: pass -postgres URL or set TIAOJIE_DATABASE_URL)")
		return nil
	}
	schemaURL := *pgURL
	if !*pgDirect {
		u, drop, err := postgres.ScratchSchema(ctx, *pgURL, "bench")
		if err != nil {
			return err
		}
		defer drop()
		schemaURL = u
	}
	pdb, err := postgres.Open(ctx, schemaURL)
	if err != nil {
		return err
	}
	defer pdb.Close()
	res, err := benchmark.Evaluation(ctx, pdb, *n, *reps, *intakeN, out)
	if err != nil {
		return fmt.Errorf("postgres: %w", err)
	}
	fmt.Fprint(out, res)
	return nil
}

// benchSync seeds cases on scratch databases and times how fast a backlog
// of every accepted case drains to an in-process smart-mediation peer.
func benchSync(ctx context.Context, args []string, out io.Writer, getenv func(string) string) error {
	fs := flag.NewFlagSet("bench sync", flag.ContinueOnError)
	fs.SetOutput(out)
	n := fs.Int("n", 100_000, "cases to seed (about nine in ten are accepted and form the backlog)")
	pgURL := fs.String("postgres", getenv("TIAOJIE_DATABASE_URL"), "PostgreSQL server to benchmark as well (a temporary schema is used)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *n < 1 || *n > 2_000_000 {
		return errors.New("-n must be between 1 and 2000000")
	}
	return onScratch(ctx, *pgURL, out, func(db *sqlstore.DB) (fmt.Stringer, error) { return benchmark.SyncBacklog(ctx, db, *n, out) })
}
