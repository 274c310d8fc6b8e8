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
)

// bench runs a benchmark on scratch databases: a temporary SQLite file, and
// PostgreSQL in a temporary schema when a server URL is given. Neither
// touches the platform's own data.
func bench(ctx context.Context, args []string, out io.Writer, getenv func(string) string) error {
	if len(args) == 0 || args[0] != "intake" {
		return errors.New("usage: tiaojie bench intake [-n 2000] [-postgres postgres://…]")
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
	dir, err := os.MkdirTemp("", "tiaojie-bench-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	db, err := sqlite.Open(ctx, filepath.Join(dir, "bench.db"))
	if err != nil {
		return err
	}
	res, err := benchmark.Intake(ctx, db, *n)
	db.Close()
	if err != nil {
		return err
	}
	fmt.Fprintln(out, res)
	if *pgURL == "" {
		fmt.Fprintln(out, "(PostgreSQL skipped: pass -postgres URL or set TIAOJIE_DATABASE_URL)")
		return nil
	}
	schemaURL, drop, err := postgres.ScratchSchema(ctx, *pgURL, "bench")
	if err != nil {
		return err
	}
	defer drop()
	pdb, err := postgres.Open(ctx, schemaURL)
	if err != nil {
		return err
	}
	defer pdb.Close()
	res, err = benchmark.Intake(ctx, pdb, *n)
	if err != nil {
		return err
	}
	fmt.Fprintln(out, res)
	return nil
}
