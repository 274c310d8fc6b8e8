// Package storetest runs one conformance suite against every Store
// implementation and gives other packages' tests a fresh database per engine.
package storetest

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"

	_ "github.com/jackc/pgx/v5/stdlib"

	"github.com/tiaojie/tiaojie/internal/store/postgres"
	"github.com/tiaojie/tiaojie/internal/store/sqlite"
	"github.com/tiaojie/tiaojie/internal/store/sqlstore"
)

// EnvPostgres names the PostgreSQL server used by tests.
const EnvPostgres = "TIAOJIE_TEST_DATABASE_URL"

// Engine opens a fresh, empty database of one kind.
type Engine struct {
	Name string
	// Open returns a new database; migrate=false leaves it without schema.
	Open func(t testing.TB, migrate bool) *sqlstore.DB
}

// Engines lists SQLite and, when configured, PostgreSQL. Under CI a missing
// PostgreSQL is a failure, not a skip.
func Engines(t testing.TB) []Engine {
	es := []Engine{engine("sqlite", openSQLite)}
	if os.Getenv(EnvPostgres) != "" {
		es = append(es, engine("postgres", openPostgres))
	} else if os.Getenv("CI") != "" {
		t.Fatalf("%s is not set: CI must test PostgreSQL too", EnvPostgres)
	} else {
		t.Logf("%s not set: PostgreSQL tests skipped", EnvPostgres)
	}
	return es
}

// useTemplates is set by Main: the package's tests end with DropTemplates,
// so a migrated database may be a copy of one migrated once per engine.
var useTemplates atomic.Bool

// Main runs a package's tests and exits (call it from TestMain); see Run.
func Main(m *testing.M) { os.Exit(Run(m)) }

// Run runs a package's tests and returns m.Run's code: meanwhile Open(t,
// true) copies a migrated, empty template instead of running every
// migration again (on PostgreSQL seconds per database, a copy a fraction of
// that), and the templates are dropped when the tests end.
func Run(m *testing.M) int {
	useTemplates.Store(true)
	defer DropTemplates()
	return m.Run()
}

// migrated returns a fresh, migrated, empty database: a copy of the
// engine's empty template when Main runs the tests, else migrated here.
func (e Engine) migrated(t testing.TB, open func(testing.TB, bool) *sqlstore.DB) *sqlstore.DB {
	t.Helper()
	if !useTemplates.Load() {
		return open(t, true)
	}
	return e.emptyN(t, 1)[0]
}

func engine(name string, open func(testing.TB, bool) *sqlstore.DB) Engine {
	e := Engine{Name: name}
	e.Open = func(t testing.TB, migrate bool) *sqlstore.DB {
		t.Helper()
		if !migrate {
			return open(t, false)
		}
		return e.migrated(t, open)
	}
	return e
}

func openSQLite(t testing.TB, migrate bool) *sqlstore.DB {
	t.Helper()
	path := filepath.Join(t.TempDir(), "tiaojie.db")
	ctx := context.Background()
	var db *sqlstore.DB
	var err error
	if migrate {
		db, err = sqlite.Open(ctx, path)
	} else {
		db, err = sqlite.OpenNoMigrate(ctx, path)
	}
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// OpenShared opens n handles on one fresh, migrated database, as n server
// instances on one database would hold them (SQLite: one file; PostgreSQL:
// one schema).
func (e Engine) OpenShared(t testing.TB, n int) []*sqlstore.DB {
	t.Helper()
	if useTemplates.Load() {
		return e.emptyN(t, n)
	}
	ctx := context.Background()
	var open func() (*sqlstore.DB, error)
	if e.Name == "sqlite" {
		path := filepath.Join(t.TempDir(), "tiaojie.db")
		open = func() (*sqlstore.DB, error) { return sqlite.Open(ctx, path) }
	} else {
		url := SchemaURL(t)
		open = func() (*sqlstore.DB, error) { return postgres.Open(ctx, url) }
	}
	return openN(t, n, open)
}

func openN(t testing.TB, n int, open func() (*sqlstore.DB, error)) []*sqlstore.DB {
	t.Helper()
	out := make([]*sqlstore.DB, n)
	for i := range out {
		db, err := open()
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		out[i] = db
	}
	return out
}

// openPostgres creates a schema of its own so parallel runs never collide,
// and drops it afterwards.
func openPostgres(t testing.TB, migrate bool) *sqlstore.DB {
	t.Helper()
	url := SchemaURL(t)
	ctx := context.Background()
	var db *sqlstore.DB
	var err error
	if migrate {
		db, err = postgres.Open(ctx, url)
	} else {
		db, err = postgres.OpenNoMigrate(ctx, url)
	}
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// SchemaURL creates a fresh schema on the test server and returns a URL
// whose connections use it; the schema is dropped when the test ends.
func SchemaURL(t testing.TB) string {
	t.Helper()
	u, drop, err := postgres.ScratchSchema(context.Background(), os.Getenv(EnvPostgres), "t")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(drop)
	return u
}

// A template is a database built once per test process and copied for each
// test that wants the same starting data (the demo organisation, say):
// building it takes seconds, copying it milliseconds.
type template struct {
	once sync.Once
	src  string // SQLite: the file; PostgreSQL: the database name
	err  error
}

var (
	templatesMu sync.Mutex
	templates   = map[string]*template{}
	droppers    []func()
)

// templateNamed is the process's template entry of that name, made on first use.
func templateNamed(name string) *template {
	templatesMu.Lock()
	defer templatesMu.Unlock()
	tp := templates[name]
	if tp == nil {
		tp = &template{}
		templates[name] = tp
	}
	return tp
}

// FromTemplate returns a fresh database holding what build wrote into the
// engine's template named key. Call DropTemplates when the tests end.
func (e Engine) FromTemplate(t testing.TB, key string, build func(*sqlstore.DB) error) *sqlstore.DB {
	t.Helper()
	return e.FromTemplateN(t, key, build, 1)[0]
}

// FromTemplateN is FromTemplate with n handles on the one fresh copy, as n
// server instances on one database would hold them.
func (e Engine) FromTemplateN(t testing.TB, key string, build func(*sqlstore.DB) error, n int) []*sqlstore.DB {
	t.Helper()
	tp := templateNamed(e.Name + "/" + key)
	tp.once.Do(func() { tp.src, tp.err = e.buildTemplate(key, build) })
	if tp.err != nil {
		t.Fatalf("build the %s template %s: %v", e.Name, key, tp.err)
	}
	dbs, err := e.copyOf(t, tp.src, n)
	if err != nil {
		t.Fatal(err)
	}
	return dbs
}

// emptyN is n handles on a fresh copy of the migrated, empty template that
// the run's test processes share (shared.go), or of one of this process's
// own when the binary cannot name a shared one.
func (e Engine) emptyN(t testing.TB, n int) []*sqlstore.DB {
	t.Helper()
	ctx := context.Background()
	tp := templateNamed(e.Name + "/shared empty")
	tp.once.Do(func() { tp.src, tp.err = sharedEmpty(ctx, e.Name) })
	if errors.Is(tp.err, errNoKey) {
		return e.FromTemplateN(t, "empty", func(*sqlstore.DB) error { return nil }, n)
	}
	if tp.err != nil {
		t.Fatalf("build the shared %s template: %v", e.Name, tp.err)
	}
	dbs, err := e.copyOf(t, tp.src, n)
	if err != nil {
		// Another run of an older or newer schema may have removed it:
		// build it again (under the same lock) and copy once more.
		src, err2 := sharedEmpty(ctx, e.Name)
		if err2 != nil {
			t.Fatalf("copy the shared %s template: %v; build it again: %v", e.Name, err, err2)
		}
		if dbs, err = e.copyOf(t, src, n); err != nil {
			t.Fatal(err)
		}
	}
	return dbs
}

// copyOf makes a fresh copy of the template src and opens n handles on it.
func (e Engine) copyOf(t testing.TB, src string, n int) ([]*sqlstore.DB, error) {
	t.Helper()
	ctx := context.Background()
	if e.Name == "sqlite" {
		data, err := os.ReadFile(src)
		if err != nil {
			return nil, err
		}
		path := filepath.Join(t.TempDir(), "tiaojie.db")
		if err := os.WriteFile(path, data, 0o600); err != nil {
			return nil, err
		}
		// The template was migrated when it was built.
		return openN(t, n, func() (*sqlstore.DB, error) { return sqlite.OpenNoMigrate(ctx, path) }), nil
	}
	base := os.Getenv(EnvPostgres)
	pool := pgPoolOf(base, src)
	db, err := pool.acquire(ctx)
	if err != nil {
		return nil, err
	}
	// Runs after the handles' cleanups close them (pgpool.go).
	t.Cleanup(func() { pool.release(db, !t.Failed()) })
	url := dbURL(base, db.name)
	return openN(t, n, func() (*sqlstore.DB, error) { return postgres.OpenNoMigrate(ctx, url) }), nil
}

// buildTemplate makes the template key: a copy of the run's migrated, empty
// template (or, when there is none, a database migrated here) with what
// build writes.
func (e Engine) buildTemplate(key string, build func(*sqlstore.DB) error) (string, error) {
	ctx := context.Background()
	empty, err := sharedEmpty(ctx, e.Name)
	if err != nil {
		empty = "" // no shared template: migrate
	}
	var src string
	var db *sqlstore.DB
	if e.Name == "sqlite" {
		dir, err := os.MkdirTemp("", "tiaojie-template-")
		if err != nil {
			return "", err
		}
		addDropper(func() { os.RemoveAll(dir) })
		src = filepath.Join(dir, key+".db")
		if db, err = openSQLiteFrom(ctx, empty, src); err != nil {
			return "", err
		}
	} else {
		var url string
		if src, url, err = newPostgresFrom(ctx, empty); err != nil {
			return "", err
		}
		if db, err = postgres.OpenNoMigrate(ctx, url); err != nil {
			return "", err
		}
	}
	if err := build(db); err != nil {
		db.Close()
		return "", err
	}
	if e.Name == "postgres" {
		// Left to autovacuum, the template's statistics would change under
		// the copies of a long test run (pgpool.go).
		if _, err := db.Writer().ExecContext(ctx, quietSQL); err != nil {
			db.Close()
			return "", err
		}
	}
	// SQLite: the last connection folds the WAL into the file; PostgreSQL:
	// a template may have no connections while it is copied.
	return src, db.Close()
}

// openSQLiteFrom opens a copy of the migrated file empty at path, or a
// database migrated there when empty is "" or cannot be read.
func openSQLiteFrom(ctx context.Context, empty, path string) (*sqlstore.DB, error) {
	if empty != "" {
		if data, err := os.ReadFile(empty); err == nil && os.WriteFile(path, data, 0o600) == nil {
			return sqlite.OpenNoMigrate(ctx, path)
		}
		os.Remove(path)
	}
	return sqlite.Open(ctx, path)
}

// newPostgresFrom makes a database dropped with the process's templates: a
// copy of the migrated database empty, or one migrated here when empty is
// "" or cannot be copied (another run may have replaced it).
func newPostgresFrom(ctx context.Context, empty string) (name, url string, err error) {
	base := os.Getenv(EnvPostgres)
	prefix, err := ownedPrefix(ctx, base, "tjtpl")
	if err != nil {
		return "", "", err
	}
	if empty != "" {
		url, drop, err := postgres.CopyDatabase(ctx, base, empty, prefix)
		if err == nil {
			addDropper(drop)
			return dbName(url), url, nil
		}
	}
	url, name, drop, err := postgres.NewDatabase(ctx, base, prefix)
	if err != nil {
		return "", "", err
	}
	addDropper(drop)
	db, err := postgres.Open(ctx, url)
	if err != nil {
		return "", "", err
	}
	return name, url, db.Close()
}

func addDropper(f func()) {
	templatesMu.Lock()
	defer templatesMu.Unlock()
	droppers = append(droppers, f)
}

// DropTemplates removes the templates built by this process (call it from
// TestMain after m.Run).
func DropTemplates() {
	templatesMu.Lock()
	defer templatesMu.Unlock()
	for _, f := range droppers {
		f()
	}
	droppers = nil
}

// BenchCases is how many cases a benchmark seeds: TIAOJIE_BENCH_CASES when
// set (a positive number, or the benchmark fails), def otherwise.
func BenchCases(b testing.TB, def int) int {
	s := os.Getenv("TIAOJIE_BENCH_CASES")
	if s == "" {
		return def
	}
	v, err := strconv.Atoi(s)
	if err != nil || v < 1 {
		b.Fatalf("TIAOJIE_BENCH_CASES=%q: want a positive number", s)
	}
	return v
}
