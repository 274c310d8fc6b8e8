// Package sqlstore implements store.Store over database/sql. The SQL is
// written once where SQLite and PostgreSQL agree (both accept $n
// placeholders, RETURNING and ON CONFLICT); each dialect package supplies its
// own schema migrations, connection set-up, error mapping and any statement
// where the two differ (see Dialect).
package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/pressly/goose/v3"
	"github.com/riverqueue/river/riverdriver"
	"github.com/riverqueue/river/riverdriver/riverdatabasesql"
	"github.com/riverqueue/river/rivermigrate"

	"github.com/tiaojie/tiaojie/internal/store"
)

// Dialect is what differs between engines.
type Dialect struct {
	Name         string
	GooseDialect goose.Dialect
	Migrations   fs.FS // *.sql at its root
	// IsUnique reports a unique-constraint violation.
	IsUnique func(error) bool
	// IsLockTimeout reports a statement that gave up waiting for a lock
	// (lock_timeout); nil for an engine without one.
	IsLockTimeout func(error) bool
	// QuestionMarks: bind long statements with ? instead of $n (modernc
	// SQLite resolves $n names one by one, quadratic in the number of
	// parameters; multi-row inserts have hundreds).
	QuestionMarks bool
	// River is the job queue's driver over a pool of this engine; its
	// migrations run with ours and its jobs insert into our transactions.
	River func(*sql.DB) riverdriver.Driver[*sql.Tx]
	// MigrationLock, when set, holds a lock across instances while the
	// migrations (ours, then River's) run: neither goose's provider nor
	// River's migrator takes one, and instances starting together would
	// otherwise apply the same migration twice and all but one fail.
	MigrationLock func(ctx context.Context, db *sql.DB, run func() error) error
	// BulkBegin and BulkEnd, when set, run on the writer's connection
	// before and after a transaction begun under store.WithBulkWrites.
	BulkBegin, BulkEnd string
}

// DB is a Store. Writes go to w; reads to r (SQLite: one writer, a read pool;
// PostgreSQL: the same pool).
type DB struct {
	w, r *sql.DB
	// gr is PostgreSQL's pool of readers with generic plans (readGeneric);
	// nil on SQLite.
	gr    *sql.DB
	d     Dialect
	stmts *stmtCache
	rd    *readStmts // SQLite: reads prepared once per pooled connection
	hooks *hooks
	// cur is set on the copy InTx hands to its function: every call on that
	// copy, read or write, runs inside the one transaction.
	cur *wtx
	// listen is PostgreSQL's pool for LISTEN connections (the job queue's
	// wake-ups, live conversations across instances); nil on SQLite.
	listen *pgxpool.Pool
	// cfg caches configuration-sized reads (cfgcache.go); shared by InTx's copies.
	cfg *cfgCache
	// trace collects read statements for tests (readtrace.go).
	trace *traceSwitch
	// searchSparse: a text search held by at most this many cases' grams
	// reads them as candidates, a commoner one walks (caselist.go).
	searchSparse int
	// plans remembers the choices a search term's search makes before
	// reading any case (termplans.go); shared by InTx's copies.
	plans *termPlans
	// schema remembers facts about the migrated schema; shared by InTx's copies.
	schema *schemaFacts
	// counts is SQLite's case counters in memory (countcache.go); nil on
	// PostgreSQL. Shared by InTx's copies.
	counts *countCache
}

// schemaFacts are what the code learns about the schema once per
// migration: tests and tools write with today's code on older schemas.
type schemaFacts struct {
	grams atomic.Int32 // the form of PostgreSQL's case_grams: gramsUnknown, gramsKeys, gramsNone or gramsText
}

// New wraps open handles. The caller has applied connection settings.
func New(w, r *sql.DB, d Dialect) *DB {
	db := &DB{w: w, r: r, d: d, stmts: &stmtCache{}, hooks: &hooks{}, cfg: &cfgCache{}, trace: &traceSwitch{}, searchSparse: searchSparse,
		plans: &termPlans{}, schema: &schemaFacts{}}
	if d.Name == "sqlite" && r != w {
		db.rd = &readStmts{db: r}
	}
	return db
}

// hooks are the functions run in every transaction that appends events.
type hooks struct {
	mu  sync.RWMutex
	fns []store.EventHook
}

// OnEvents adds a function run inside every transaction that appends case
// events, after they are written (the job queue's outbound triggers).
func (db *DB) OnEvents(h store.EventHook) {
	db.hooks.mu.Lock()
	db.hooks.fns = append(db.hooks.fns, h)
	db.hooks.mu.Unlock()
}

func (h *hooks) run(ctx context.Context, tx *sql.Tx, evs []store.Event) error {
	h.mu.RLock()
	fns := h.fns
	h.mu.RUnlock()
	for _, fn := range fns {
		if err := fn(ctx, tx, evs); err != nil {
			return fmt.Errorf("event hook: %w", err)
		}
	}
	return nil
}

func (db *DB) Dialect() string { return db.d.Name }

// SetListenPool gives the store a pgx pool for LISTEN connections; it is
// closed with the store.
func (db *DB) SetListenPool(p *pgxpool.Pool) {
	db.listen = p
	// PostgreSQL's case counters in memory, read again when a change is
	// heard on the pool (countlisten.go).
	if db.counts == nil && p != nil {
		db.counts = &countCache{live: newLiveCounts(p), rowsDB: db.r}
	}
}

// ListenPool is the pool for LISTEN connections (nil: the engine has no
// notifications, so there is one instance and in-process delivery suffices).
func (db *DB) ListenPool() *pgxpool.Pool { return db.listen }

// Writer exposes the write handle for benchmarks that measure the raw engine ceiling.
func (db *DB) Writer() *sql.DB { return db.w }

// Pools names the connection pools, for metrics.
func (db *DB) Pools() map[string]*sql.DB {
	if db.r == db.w {
		return map[string]*sql.DB{"pool": db.w}
	}
	if db.gr != nil {
		return map[string]*sql.DB{"write": db.w, "read": db.r, "read_generic": db.gr}
	}
	return map[string]*sql.DB{"write": db.w, "read": db.r}
}

func (db *DB) Ping(ctx context.Context) error {
	if err := db.r.PingContext(ctx); err != nil {
		return fmt.Errorf("ping %s: %w", db.d.Name, err)
	}
	return nil
}

func (db *DB) Close() error {
	db.stmts.close()
	db.rd.close()
	cerr := db.counts.close()
	if db.listen != nil {
		db.listen.Close()
	}
	err := errors.Join(db.w.Close(), cerr)
	if db.r != db.w {
		err = errors.Join(err, db.r.Close())
	}
	if db.gr != nil {
		err = errors.Join(err, db.gr.Close())
	}
	return err
}

func (db *DB) provider() (*goose.Provider, error) {
	p, err := goose.NewProvider(db.d.GooseDialect, db.w, db.d.Migrations)
	if err != nil {
		return nil, fmt.Errorf("migration provider: %w", err)
	}
	return p, nil
}

// Migrate applies every pending migration, one instance at a time.
func (db *DB) Migrate(ctx context.Context) error {
	defer db.schema.grams.Store(0)
	defer db.countsMoved() // a migration may rebuild the counters without notifying
	run := func() error {
		p, err := db.provider()
		if err != nil {
			return err
		}
		if _, err := p.Up(ctx); err != nil {
			return fmt.Errorf("migrate %s: %w", db.d.Name, err)
		}
		return db.migrateQueue(ctx)
	}
	if db.d.MigrationLock != nil {
		return db.d.MigrationLock(ctx, db.w, run)
	}
	return run()
}

// migrateQueue applies the job queue's own migrations (River's tables).
func (db *DB) migrateQueue(ctx context.Context) error {
	if db.d.River == nil {
		return nil
	}
	m, err := rivermigrate.New(db.d.River(db.w), nil)
	if err != nil {
		return fmt.Errorf("job queue migrator: %w", err)
	}
	if _, err := m.Migrate(ctx, rivermigrate.DirectionUp, nil); err != nil {
		return fmt.Errorf("migrate job queue on %s: %w", db.d.Name, err)
	}
	return nil
}

// QueueDriver is the job queue's driver over the write pool, listening for
// new jobs where the engine can (nil when the dialect has none).
func (db *DB) QueueDriver() riverdriver.Driver[*sql.Tx] {
	if db.d.River == nil {
		return nil
	}
	if db.listen != nil {
		return riverdatabasesql.NewWithPgxListener(db.w, db.listen)
	}
	return db.d.River(db.w)
}

// MigrateTo applies migrations up to and including version (for upgrade tests).
func (db *DB) MigrateTo(ctx context.Context, version int64) error {
	defer db.schema.grams.Store(0)
	defer db.countsMoved()
	p, err := db.provider()
	if err != nil {
		return err
	}
	if _, err := p.UpTo(ctx, version); err != nil {
		return fmt.Errorf("migrate %s to %d: %w", db.d.Name, version, err)
	}
	return nil
}

// MigrationStatus returns the current and latest versions.
func (db *DB) MigrationStatus(ctx context.Context) (current, latest int64, err error) {
	p, err := db.provider()
	if err != nil {
		return 0, 0, err
	}
	current, err = p.GetDBVersion(ctx)
	if err != nil {
		return 0, 0, fmt.Errorf("read migration version: %w", err)
	}
	srcs := p.ListSources()
	if len(srcs) > 0 {
		latest = srcs[len(srcs)-1].Version
	}
	return current, latest, nil
}

func (db *DB) MigrationsCurrent(ctx context.Context) (bool, error) {
	cur, latest, err := db.MigrationStatus(ctx)
	if err != nil {
		return false, err
	}
	return cur == latest, nil
}

// wrap maps engine errors to store errors and adds what was being done.
func (db *DB) wrap(what string, err error) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, sql.ErrNoRows):
		return fmt.Errorf("%s: %w", what, store.ErrNotFound)
	case errors.Is(err, store.ErrNotFound), errors.Is(err, store.ErrConflict), errors.Is(err, store.ErrStale):
		return fmt.Errorf("%s: %w", what, err)
	case db.d.IsUnique(err):
		return fmt.Errorf("%s: %w (%v)", what, store.ErrConflict, err)
	}
	return fmt.Errorf("%s: %w", what, err)
}

// Nullable helpers: the schema uses NULL for "not set"; the Go types use zero values.

func nullInt(v int64) sql.NullInt64 { return sql.NullInt64{Int64: v, Valid: v != 0} }

func nullStr(s string) sql.NullString { return sql.NullString{String: s, Valid: s != ""} }

func nullTime(t *time.Time) sql.NullTime {
	if t == nil {
		return sql.NullTime{}
	}
	return sql.NullTime{Time: t.UTC(), Valid: true}
}

func timePtr(t sql.NullTime) *time.Time {
	if !t.Valid {
		return nil
	}
	v := t.Time.UTC()
	return &v
}

func utc(t time.Time) time.Time { return t.UTC() }
