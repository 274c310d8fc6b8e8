package main

import (
	"context"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime/pprof"
	"strings"
	"time"

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
	if len(args) > 0 && (args[0] == "lists" || args[0] == "search") {
		return benchLists(ctx, args[0], args[1:], out, getenv)
	}
	if len(args) > 0 && args[0] == "import" {
		fs := flag.NewFlagSet("bench import", flag.ContinueOnError)
		fs.SetOutput(out)
		n := fs.Int("n", 10000, "rows of the generated 12315 export (CSV)")
		pgURL := fs.String("postgres", getenv("TIAOJIE_DATABASE_URL"), "PostgreSQL server to benchmark as well (a temporary schema is used)")
		sqliteToo := fs.Bool("sqlite", true, "benchmark SQLite (false: PostgreSQL only)")
		prof := fs.String("cpuprofile", "", "write a CPU profile of the whole run to this file")
		order := fs.String("order", "shuffled", "the export's rows: shuffled (registration times at random) or registered (in registration order, as 12315 numbers them)")
		if err := fs.Parse(args[1:]); err != nil {
			return err
		}
		if *order != "shuffled" && *order != "registered" {
			return errors.New("-order must be shuffled or registered")
		}
		if *n < 1 || *n > 1_000_000 {
			return errors.New("-n must be between 1 and 1000000")
		}
		stop, err := startProfile(*prof)
		if err != nil {
			return err
		}
		defer stop()
		direct, file := false, ""
		return engines{pgURL: pgURL, sqliteFile: &file, sqliteToo: sqliteToo, direct: &direct}.each(ctx, out, func(db *sqlstore.DB) error {
			res, err := benchmark.Import(ctx, db, *n, *order == "registered")
			if err == nil {
				fmt.Fprintln(out, res)
			}
			return err
		})
	}
	if len(args) > 0 && args[0] == "casepage" {
		return benchCasePage(ctx, args[1:], out, getenv)
	}
	if len(args) == 0 || args[0] != "intake" {
		return errors.New("usage: tiaojie bench intake [-n 2000] [-clients 16] [-service=false] [-http=false] [-sqlite-file F] [-postgres postgres://… [-postgres-direct]] | tiaojie bench sync [-n 100000] [-postgres postgres://…] | tiaojie bench import [-n 10000] [-sqlite=false] [-cpuprofile F] [-postgres postgres://…] | tiaojie bench casepage [-n 10000] [-c 64] [-d 10s] [-sqlite-file F] [-postgres postgres://…] | tiaojie bench lists|search [-n 100000] [-clients 64] [-postgres postgres://…] | tiaojie bench evaluation [-n 1000000] [-reps 100] [-intake 2000] [-postgres postgres://…] | tiaojie bench analysis [-n 1000000] [-reps 50] [-sqlite-file F] [-postgres postgres://…]")
	}
	return benchIntake(ctx, args[1:], out, getenv)
}

// benchIntake registers complaints through intake.Service directly (on
// scratch databases) and through the HTTP API from concurrent clients,
// each beside the engine's raw single-row transactions in the same run.
func benchIntake(ctx context.Context, args []string, out io.Writer, getenv func(string) string) error {
	fs := flag.NewFlagSet("bench intake", flag.ContinueOnError)
	fs.SetOutput(out)
	n := fs.Int("n", 2000, "complaints to register (per side)")
	clients := fs.Int("clients", 16, "concurrent API clients of the HTTP run")
	service := fs.Bool("service", true, "also register through intake.Service directly (scratch databases only)")
	httpRun := fs.Bool("http", true, "post complaints through the HTTP API (POST /api/v1/complaints)")
	prof := fs.String("cpuprofile", "", "write a CPU profile of the whole run to this file")
	eng := engineFlags(fs, getenv)
	if err := fs.Parse(args); err != nil {
		return err
	}
	stop, err := startProfile(*prof)
	if err != nil {
		return err
	}
	defer stop()
	if *n < 1 || *n > 1_000_000 || *clients < 1 || *clients > 1024 {
		return errors.New("-n must be between 1 and 1000000 and -clients between 1 and 1024")
	}
	reused := *eng.sqliteFile != "" || *eng.direct
	return eng.each(ctx, out, func(db *sqlstore.DB) error {
		if *service && !reused {
			res, err := benchmark.Intake(ctx, db, *n)
			if err != nil {
				return err
			}
			fmt.Fprintln(out, res)
		}
		if *httpRun {
			res, err := benchmark.HTTPIntake(ctx, db, benchmark.HTTPIntakeOptions{N: *n, Clients: *clients})
			if err != nil {
				return err
			}
			fmt.Fprintln(out, res)
		}
		return nil
	})
}

// onScratch runs one benchmark on a scratch SQLite file and, when a
// server is given, on a temporary PostgreSQL schema, printing each result.
func onScratch(ctx context.Context, pgURL string, out io.Writer, run func(*sqlstore.DB) (fmt.Stringer, error)) error {
	sqliteToo, direct, file := true, false, ""
	return engines{pgURL: &pgURL, sqliteFile: &file, sqliteToo: &sqliteToo, direct: &direct}.each(ctx, out, func(db *sqlstore.DB) error {
		res, err := run(db)
		if err == nil {
			fmt.Fprintln(out, res)
		}
		return err
	})
}

// engines are the databases a benchmark runs on, from its flags: SQLite
// (a scratch file, or -sqlite-file kept and reused) and PostgreSQL when a
// server is named (a scratch schema, or -postgres-direct to reuse one).
type engines struct {
	pgURL, sqliteFile *string
	sqliteToo, direct *bool
}

func engineFlags(fs *flag.FlagSet, getenv func(string) string) engines {
	return engines{
		pgURL:      fs.String("postgres", getenv("TIAOJIE_DATABASE_URL"), "PostgreSQL server to benchmark as well (a temporary schema is used)"),
		sqliteToo:  fs.Bool("sqlite", true, "benchmark SQLite (false: PostgreSQL only)"),
		direct:     fs.Bool("postgres-direct", false, "use the -postgres database as it is instead of a temporary schema: a database seeded by an earlier run is reused, nothing is dropped"),
		sqliteFile: fs.String("sqlite-file", "", "keep the SQLite database in this file; a file seeded by an earlier run is reused as it is"),
	}
}

// each runs the benchmark on every engine, SQLite first.
func (e engines) each(ctx context.Context, out io.Writer, run func(*sqlstore.DB) error) error {
	if *e.sqliteToo {
		path := *e.sqliteFile
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
		err = run(db)
		db.Close()
		if err != nil {
			return fmt.Errorf("sqlite: %w", err)
		}
	}
	if *e.pgURL == "" {
		fmt.Fprintln(out, "(PostgreSQL skipped: pass -postgres URL or set TIAOJIE_DATABASE_URL)")
		return nil
	}
	schemaURL := *e.pgURL
	if !*e.direct {
		u, drop, err := postgres.ScratchSchema(ctx, *e.pgURL, "bench")
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
	if err := run(pdb); err != nil {
		return fmt.Errorf("postgres: %w", err)
	}
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
	eng := engineFlags(fs, getenv)
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *n < 1 || *n > 10_000_000 {
		return errors.New("-n must be between 1 and 10000000")
	}
	if *reps < 1 || *intakeN < 0 {
		return errors.New("-reps must be at least 1 and -intake not negative")
	}
	return eng.each(ctx, out, func(db *sqlstore.DB) error {
		res, err := benchmark.Evaluation(ctx, db, *n, *reps, *intakeN, out)
		if err == nil {
			fmt.Fprint(out, res)
		}
		return err
	})
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

// benchLists seeds demo cases on scratch databases (or reuses a seeded
// file or database) and times the case lists ("lists") or the searches
// ("search") with concurrent clients, beside a hand-written index-ordered
// statement for the same page.
func benchLists(ctx context.Context, what string, args []string, out io.Writer, getenv func(string) string) error {
	fs := flag.NewFlagSet("bench "+what, flag.ContinueOnError)
	fs.SetOutput(out)
	n := fs.Int("n", 100_000, "cases to seed (one committee, three years)")
	clients := fs.Int("clients", 64, "concurrent clients")
	reps := fs.Int("reps", 10, "requests per client and list")
	only := fs.String("only", "", "run only the lists whose name contains this text (\"desk\", \"phone\")")
	prof := fs.String("cpuprofile", "", "write a CPU profile of the whole run (seeding included) to this file")
	keyFile := fs.String("secret-key-file", "", "read a database seeded by `tiaojie demo` (-sqlite-file DIR/tiaojie.db): its DIR/secret.key; the lists are then read as of now")
	eng := engineFlags(fs, getenv)
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *n < 1 || *n > 10_000_000 || *clients < 1 || *clients > 1024 || *reps < 1 {
		return errors.New("-n must be between 1 and 10000000, -clients between 1 and 1024, -reps at least 1")
	}
	var src *benchmark.ListsSource
	if *keyFile != "" {
		b, err := os.ReadFile(*keyFile)
		if err != nil {
			return fmt.Errorf("read the demo's key: %w", err)
		}
		key, err := hex.DecodeString(strings.TrimSpace(string(b)))
		if err != nil || len(key) != 32 {
			return errors.New("-secret-key-file must hold 64 hexadecimal characters")
		}
		src = &benchmark.ListsSource{Key: key, Now: time.Now()}
	}
	stop, err := startProfile(*prof)
	if err != nil {
		return err
	}
	defer stop()
	run := func(db *sqlstore.DB) error {
		f, err := benchmark.SeedLists(ctx, db, *n, src, out)
		if err != nil {
			return err
		}
		res, err := benchmark.Lists(ctx, f, what, *only, *clients, *reps, out)
		if err != nil {
			return err
		}
		fmt.Fprint(out, res)
		return nil
	}
	return eng.each(ctx, out, run)
}

// benchCasePage loads the web case page from many clients beside a raw
// point lookup over the same HTTP stack and database.
func benchCasePage(ctx context.Context, args []string, out io.Writer, getenv func(string) string) error {
	fs := flag.NewFlagSet("bench casepage", flag.ContinueOnError)
	fs.SetOutput(out)
	n := fs.Int("n", 10000, "demo cases to seed (when the database is empty)")
	c := fs.Int("c", 64, "concurrent clients")
	d := fs.Duration("d", 10*time.Second, "load time per side (case page, then the raw lookup)")
	file := fs.String("sqlite-file", "", "SQLite file to use (seeded on the first run, reused after) instead of a scratch one; the PostgreSQL run is skipped")
	user := fs.String("user", "committee01", "user to sign in as")
	pass := fs.String("password", "", "that user's password (default: the one seeding sets)")
	pgURL := fs.String("postgres", getenv("TIAOJIE_DATABASE_URL"), "PostgreSQL server to benchmark as well (a temporary schema is used)")
	prof := fs.String("cpuprofile", "", "write a CPU profile of the whole run to this file")
	lists := fs.Bool("lists", false, "load the web case list (its first ten pages) and the desk over HTTP as well")
	if err := fs.Parse(args); err != nil {
		return err
	}
	stop, err := startProfile(*prof)
	if err != nil {
		return err
	}
	defer stop()
	if *n < 0 || *n > 10_000_000 || *c < 1 || *c > 1024 {
		return errors.New("-n must be 0…10000000 and -c 1…1024")
	}
	run := func(db *sqlstore.DB) (fmt.Stringer, error) {
		return benchmark.CasePage(ctx, db, benchmark.CasePageOptions{Cases: *n, Clients: *c, Duration: *d, User: *user, Password: *pass, Progress: out, Lists: *lists})
	}
	if *file != "" {
		db, err := sqlite.Open(ctx, *file)
		if err != nil {
			return err
		}
		defer db.Close()
		res, err := run(db)
		if err != nil {
			return err
		}
		fmt.Fprintln(out, res)
		return nil
	}
	return onScratch(ctx, *pgURL, out, run)
}

// startProfile writes a CPU profile to path until stop is called ("" for none).
func startProfile(path string) (stop func(), err error) {
	if path == "" {
		return func() {}, nil
	}
	f, err := os.Create(path)
	if err != nil {
		return nil, err
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return nil, err
	}
	return func() { pprof.StopCPUProfile(); f.Close() }, nil
}
