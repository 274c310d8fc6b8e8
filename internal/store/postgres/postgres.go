// Package postgres opens a PostgreSQL database through pgx; it is the engine
// for several instances and for a city's or the nation's volume.
package postgres

import (
	"context"
	"crypto/rand"
	"database/sql"
	"embed"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/jackc/pgx/v5/stdlib" // also registers the "pgx" database/sql driver
	"github.com/pressly/goose/v3"

	"github.com/riverqueue/river/riverdriver"
	"github.com/riverqueue/river/riverdriver/riverdatabasesql"

	"github.com/tiaojie/tiaojie/internal/store/sqlstore"
)

//go:embed migrations/*.sql
var migrations embed.FS

// Dialect describes PostgreSQL to sqlstore.
func Dialect() sqlstore.Dialect {
	sub, _ := fs.Sub(migrations, "migrations")
	return sqlstore.Dialect{
		Name:         "postgres",
		GooseDialect: goose.DialectPostgres,
		Migrations:   sub,
		IsUnique: func(err error) bool {
			var e *pgconn.PgError
			return errors.As(err, &e) && e.Code == "23505"
		},
		IsLockTimeout: func(err error) bool {
			var e *pgconn.PgError
			return errors.As(err, &e) && e.Code == "55P03"
		},
		River:         func(db *sql.DB) riverdriver.Driver[*sql.Tx] { return riverdatabasesql.New(db) },
		MigrationLock: migrationLock,
	}
}

// migrationLock holds a session advisory lock on a connection of its own
// while run applies the migrations, so two instances starting at once take
// turns (a transaction-wide lock cannot be used: River's migrations alter
// enums). The key is the schema's, so installs — or tests — in other
// schemas of the same database do not wait for each other.
func migrationLock(ctx context.Context, db *sql.DB, run func() error) error {
	conn, err := db.Conn(ctx)
	if err != nil {
		return fmt.Errorf("migration lock: %w", err)
	}
	defer conn.Close()
	var key int64
	if err := conn.QueryRowContext(ctx, "SELECT hashtext('tiaojie migrate ' || coalesce(current_schema(), ''))").Scan(&key); err != nil {
		return fmt.Errorf("migration lock: %w", err)
	}
	if _, err := conn.ExecContext(ctx, "SELECT pg_advisory_lock($1)", key); err != nil {
		return fmt.Errorf("migration lock: %w", err)
	}
	defer conn.ExecContext(context.WithoutCancel(ctx), "SELECT pg_advisory_unlock($1)", key)
	return run()
}

// Open connects to url and migrates the database.
func Open(ctx context.Context, url string) (*sqlstore.DB, error) {
	db, err := OpenNoMigrate(ctx, url)
	if err != nil {
		return nil, err
	}
	if err := db.Migrate(ctx); err != nil {
		db.Close()
		return nil, err
	}
	return db, nil
}

// OpenNoMigrate connects without touching the schema.
func OpenNoMigrate(ctx context.Context, url string) (*sqlstore.DB, error) {
	cfg, err := pgx.ParseConfig(url)
	if err != nil {
		return nil, fmt.Errorf("parse database url: %w", err)
	}
	// No parallel workers for the platform's statements unless the URL asks
	// for them: its reads are short index walks, and a Gather's worker
	// start under concurrent load cost more than the query (the overdue list
	// at 100,000 cases: 72 ms with two workers, 14 ms without; decisions.md).
	if _, set := cfg.RuntimeParams["max_parallel_workers_per_gather"]; !set {
		cfg.RuntimeParams["max_parallel_workers_per_gather"] = "0"
	}
	db := stdlib.OpenDB(*cfg)
	db.SetMaxOpenConns(20)
	db.SetMaxIdleConns(20) // keep them: a new connection costs a round trip and a backend start
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("connect to postgres: %w", err)
	}
	// Reads outside a transaction (lists, pages, reports) get a pool of
	// their own whose statements are planned with their values. pgx prepares
	// every statement by name, and after five runs PostgreSQL may switch a
	// named statement to a generic plan: the case lists' unions of index
	// branches (org path × status) then read every case of a status — the
	// committee desk took 737 ms at 100,000 cases, 72 ms planned per call.
	// Writes keep their cached plans: forcing custom plans there cost
	// intake a quarter of its rate (docs/decisions.md). The URL may set
	// plan_cache_mode for both.
	rdb := readers(cfg, "force_custom_plan")
	// The reads whose plan is the same whatever their values (a mediator's
	// lists) are planned once per connection: planning their nine index
	// branches took six times as long as running them (sqlstore's
	// readGeneric). Opened on first use.
	gdb := readers(cfg, "force_generic_plan")
	// A generic plan is made once per connection and kept until the
	// table's statistics change. One first made over a table still empty
	// (a new installation's duplicate flags, consents, sessions) is a
	// sequential scan, which an installation without autovacuum would keep
	// as the table grows: the connections are renewed every hour.
	gdb.SetConnMaxLifetime(time.Hour)
	closeBoth := func() { db.Close(); rdb.Close(); gdb.Close() }
	pcfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		closeBoth()
		return nil, fmt.Errorf("parse database url: %w", err)
	}
	// LISTEN connections only: each is taken out of the pool for good.
	pcfg.MinConns, pcfg.MaxConns = 0, 4
	pool, err := pgxpool.NewWithConfig(ctx, pcfg)
	if err != nil {
		closeBoth()
		return nil, fmt.Errorf("connect to postgres for notifications: %w", err)
	}
	s := sqlstore.New(db, rdb, Dialect())
	s.SetGenericReader(gdb)
	s.SetListenPool(pool)
	return s, nil
}

// readers opens a pool of ten reader connections planning their statements
// in the given mode, unless the URL sets plan_cache_mode.
func readers(cfg *pgx.ConnConfig, planMode string) *sql.DB {
	c := cfg.Copy()
	if _, set := c.RuntimeParams["plan_cache_mode"]; !set {
		c.RuntimeParams["plan_cache_mode"] = planMode
	}
	db := stdlib.OpenDB(*c)
	db.SetMaxOpenConns(10)
	db.SetMaxIdleConns(10)
	return db
}

// ScratchSchema creates a uniquely named schema on the server at base and
// returns a URL whose connections use it, and a function that drops it.
// Tests and benchmarks use it so that runs never collide or leave data.
func ScratchSchema(ctx context.Context, base, prefix string) (string, func(), error) {
	b := make([]byte, 6)
	rand.Read(b)
	schema := prefix + "_" + hex.EncodeToString(b)
	admin, err := sql.Open("pgx", base)
	if err != nil {
		return "", nil, fmt.Errorf("open %s: %w", "postgres", err)
	}
	// pg_trgm (the case search's index) in public, where no scratch schema's
	// drop takes it along with the indexes of every other schema; best
	// effort: without it the migration goes on without the index.
	admin.ExecContext(ctx, "CREATE EXTENSION IF NOT EXISTS pg_trgm WITH SCHEMA public")
	if _, err := admin.ExecContext(ctx, "CREATE SCHEMA "+schema); err != nil {
		admin.Close()
		return "", nil, fmt.Errorf("create scratch schema: %w", err)
	}
	drop := func() {
		admin.ExecContext(context.Background(), "DROP SCHEMA "+schema+" CASCADE")
		admin.Close()
	}
	u, err := url.Parse(base)
	if err != nil {
		drop()
		return "", nil, fmt.Errorf("parse database url: %w", err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String(), drop, nil
}

// NewDatabase creates a uniquely named database on the server at base (for
// test templates) and returns its URL, its name and a function that drops it.
func NewDatabase(ctx context.Context, base, prefix string) (string, string, func(), error) {
	return createDatabase(ctx, base, prefix, "")
}

// CopyDatabase creates a new database, named prefix and a random part, as
// a copy of the template database (which must have no open connections)
// and returns its URL and a function that drops it.
func CopyDatabase(ctx context.Context, base, template, prefix string) (string, func(), error) {
	u, _, drop, err := createDatabase(ctx, base, prefix, template)
	return u, drop, err
}

func createDatabase(ctx context.Context, base, prefix, template string) (string, string, func(), error) {
	b := make([]byte, 6)
	rand.Read(b)
	name := prefix + "_" + hex.EncodeToString(b)
	admin, err := sql.Open("pgx", base)
	if err != nil {
		return "", "", nil, fmt.Errorf("open postgres: %w", err)
	}
	stmt := "CREATE DATABASE " + name
	if template != "" {
		stmt += " TEMPLATE " + template
		// A copy of a test template (24 MB) by file costs half the CPU of
		// PostgreSQL 15's default, which writes every page to the WAL, and
		// its drop half again (0.45 against 0.83 CPU-s the pair); a test
		// suite makes hundreds. Older servers copy by file anyway.
		var version int
		if err := admin.QueryRowContext(ctx, "SELECT current_setting('server_version_num')::int").Scan(&version); err == nil && version >= 150000 {
			stmt += " STRATEGY FILE_COPY"
		}
	}
	if _, err := admin.ExecContext(ctx, stmt); err != nil {
		admin.Close()
		return "", "", nil, fmt.Errorf("create database %s: %w", name, err)
	}
	drop := func() {
		admin.ExecContext(context.Background(), "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)")
		admin.Close()
	}
	u, err := url.Parse(base)
	if err != nil {
		drop()
		return "", "", nil, fmt.Errorf("parse database url: %w", err)
	}
	u.Path = "/" + name
	return u.String(), name, drop, nil
}
