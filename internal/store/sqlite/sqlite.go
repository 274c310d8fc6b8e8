// Package sqlite opens the embedded default database: one SQLite file in WAL
// mode with a single write connection and a pool of readers.
package sqlite

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"runtime"
	"strings"

	"github.com/pressly/goose/v3"
	sqlite "modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"github.com/riverqueue/river/riverdriver"
	"github.com/riverqueue/river/riverdriver/riversqlite"

	"github.com/tiaojie/tiaojie/internal/store/sqlstore"
)

//go:embed migrations/*.sql
var migrations embed.FS

// search_grams(number, consumer_name, merchant_name, description,
// external_id) is sqlstore.SearchGrams, called by the triggers that keep
// cases_grams (migration 00058). modernc registers functions on the driver,
// so every connection this process opens to any file has it: the writer,
// the readers, the migration, a backup's check. A connection without it (the
// sqlite3 shell, another program) can read cases but not write them: the
// triggers fail.
func init() {
	sqlite.MustRegisterDeterministicScalarFunction("search_grams", 5, func(_ *sqlite.FunctionContext, args []driver.Value) (driver.Value, error) {
		parts := make([]string, len(args))
		for i, a := range args {
			switch v := a.(type) {
			case string:
				parts[i] = v
			case []byte:
				parts[i] = string(v)
			case nil:
			default:
				parts[i] = fmt.Sprint(v)
			}
		}
		return sqlstore.SearchGrams(parts...), nil
	})
}

// Dialect describes SQLite to sqlstore.
func Dialect() sqlstore.Dialect {
	sub, _ := fs.Sub(migrations, "migrations")
	return sqlstore.Dialect{
		Name:          "sqlite",
		GooseDialect:  goose.DialectSQLite3,
		Migrations:    sub,
		QuestionMarks: true,
		IsUnique: func(err error) bool {
			var e *sqlite.Error
			if errors.As(err, &e) {
				return e.Code() == sqlite3.SQLITE_CONSTRAINT_UNIQUE || e.Code() == sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY
			}
			return false
		},
		River: func(db *sql.DB) riverdriver.Driver[*sql.Tx] { return riversqlite.New(db) },
		// An import's transactions change pages all over the case
		// table's indexes; each multi-row statement copies them into its
		// statement journal first. In memory (the writer's temp_store, set
		// for intake's savepoints below) that is a malloc per kilobyte and
		// a decommit when freed: half an import's CPU with varied text.
		// A temporary file costs a pwrite per page instead: 20,000 rows
		// 15.7-16.5 -> 11.0-11.1 s (docs/decisions.md "SQLite: an import's
		// statement journals on file").
		//
		// And the WAL is checkpointed past 32,768 pages (128 MB) instead of
		// SQLite's 1,000: an import's transaction writes tens of MB of
		// pages, so each commit was followed by a checkpoint copying all of
		// them; every few transactions, a page written by several is copied
		// once. 100,000 varied rows: 67.6 -> 45.5 s alone, 34.7-36.3 s with
		// 1,000-row transactions (docs/performance.md).
		BulkBegin: "PRAGMA temp_store = FILE; PRAGMA wal_autocheckpoint = 32768",
		BulkEnd:   "PRAGMA temp_store = MEMORY; PRAGMA wal_autocheckpoint = 1000",
	}
}

// Open opens (creating if needed) the database file at path and migrates it.
func Open(ctx context.Context, path string) (*sqlstore.DB, error) {
	db, err := OpenNoMigrate(ctx, path)
	if err != nil {
		return nil, err
	}
	if err := db.Migrate(ctx); err != nil {
		db.Close()
		return nil, err
	}
	return db, nil
}

// uriPath escapes what SQLite's URI filenames read as syntax: a data
// directory named "调解#1" or "a?b" would otherwise open another file ("调解"
// or "a"), silently empty.
func uriPath(path string) string {
	return strings.NewReplacer("%", "%25", "?", "%3f", "#", "%23").Replace(path)
}

// OpenNoMigrate opens the file without touching its schema.
func OpenNoMigrate(ctx context.Context, path string) (*sqlstore.DB, error) {
	q := url.Values{}
	for _, p := range []string{"journal_mode(WAL)", "busy_timeout(10000)", "foreign_keys(ON)", "synchronous(NORMAL)"} {
		q.Add("_pragma", p)
	}
	q.Set("_time_format", "sqlite")
	q.Set("_txlock", "immediate")
	name := uriPath(path)
	dsn := "file:" + name + "?" + q.Encode()
	// The writer keeps its temporary files in memory: savepoints (one per
	// complaint of an intake batch, one per failing call inside InTx) copy
	// each page they change into a sub-journal, which otherwise spills to a
	// temporary file past 64 KiB — a pwrite per page, a fifth of the CPU
	// of batched intake. A write transaction's sub-journal is a few dozen
	// pages; the readers' large sorts stay on disk.
	wq := url.Values{}
	for k, v := range q {
		wq[k] = append([]string(nil), v...)
	}
	wq.Add("_pragma", "temp_store(MEMORY)")
	// The writer keeps 64 MB of pages (SQLite's default is 2 MB): an
	// import's rows land all over the case table's twenty indexes and the
	// grams. 12315 import of 100,000 varied rows 59.9 -> 54.9 s, 20,000
	// 8.1-8.5 -> 7.1-7.6 s; batched intake unchanged (1,257-1,283 against
	// 1,296-1,313 req/s); one connection, so 64 MB in all.
	wq.Add("_pragma", "cache_size(-65536)")
	w, err := sql.Open("sqlite", "file:"+name+"?"+wq.Encode())
	if err != nil {
		return nil, fmt.Errorf("open sqlite %s: %w", path, err)
	}
	// One writer: SQLite serialises writes anyway; queuing them in Go avoids SQLITE_BUSY.
	w.SetMaxOpenConns(1)
	// Each reader keeps 32 MB of pages (SQLite's default is 2 MB, some
	// 500 pages): a search that meets a thousand candidates seeks each in
	// the list keys' index, and with the default cache every such page
	// was read again with a system call on every search, 42 % of its CPU
	// (q=光 at 1,000,000 cases, one client: 9.4 -> 3.2 ms a search). Up
	// to 32 MB per reader, taken only as pages are read.
	rq := url.Values{}
	for k, v := range q {
		rq[k] = append([]string(nil), v...)
	}
	rq.Add("_pragma", "cache_size(-32768)")
	r, err := sql.Open("sqlite", "file:"+name+"?"+rq.Encode())
	if err != nil {
		w.Close()
		return nil, fmt.Errorf("open sqlite readers %s: %w", path, err)
	}
	// Readers keep their connections: database/sql's default keeps 2 idle,
	// so under load the others were closed and reopened (pragmas, schema
	// parse) on every burst.
	readers := max(4, runtime.NumCPU())
	r.SetMaxOpenConns(readers)
	r.SetMaxIdleConns(readers)
	r.SetConnMaxIdleTime(0)
	w.SetMaxIdleConns(1)
	w.SetConnMaxIdleTime(0)
	if err := w.PingContext(ctx); err != nil {
		w.Close()
		r.Close()
		return nil, fmt.Errorf("open sqlite %s: %w", path, err)
	}
	// The case counters' cache reads SQLite's data_version on a connection
	// of its own (sqlstore/countcache.go).
	v, err := sql.Open("sqlite", dsn)
	if err != nil {
		w.Close()
		r.Close()
		return nil, fmt.Errorf("open sqlite %s: %w", path, err)
	}
	s := sqlstore.New(w, r, Dialect())
	s.SetVersionDB(v)
	return s, nil
}
