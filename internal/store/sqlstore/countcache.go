package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/tiaojie/tiaojie/internal/domain"
	"github.com/tiaojie/tiaojie/internal/store"
)

// countCache holds SQLite's case counters (migration 63) in memory, exact
// as of the database's last commit: PRAGMA data_version, read on a
// connection of its own, changes whenever any other connection commits —
// this process's writer, another process, the sqlite3 shell — and the table
// is then read again (a few thousand rows for a district). A list's total
// was a statement of its own on every page, a fifth of the list's CPU under
// 64 clients (docs/performance.md). PostgreSQL has no such cheap version
// to ask (a question would cost the round trip it saves): it hears changes
// instead (countlisten.go, live below).
type countCache struct {
	mu  sync.Mutex
	ver *sql.DB // nil: no cache
	// conn is the one connection data_version is compared on (its values
	// mean something only on one connection); dropped with the rows on any
	// error.
	conn    *sql.Conn
	version int64
	loaded  bool
	rows    []countRow
	// memo holds answers that change only when a case changes (the due
	// index's state, the lists' and clock lists' capped counts), by
	// statement and values, as of memoAt.
	memo   map[string]any
	memoAt int64

	// live is PostgreSQL's version of the counters (countlisten.go), read
	// on rowsDB; nil on SQLite.
	live   *liveCounts
	rowsDB *sql.DB
}

// maxMemo bounds the remembered answers: one per scope and list
// asked since the last commit.
const maxMemo = 512

type countRow struct {
	org, div string
	status   domain.Status
	n        int64
}

// SetVersionDB gives the store the one-connection handle on which SQLite's
// data_version is read for the counters' cache; Close closes it.
func (db *DB) SetVersionDB(v *sql.DB) {
	v.SetMaxOpenConns(1)
	v.SetMaxIdleConns(1)
	v.SetConnMaxIdleTime(0)
	db.counts = &countCache{ver: v}
}

// current returns the counters as of now, or ok false without a cache.
func (c *countCache) current(ctx context.Context) (rows []countRow, ok bool, err error) {
	if c != nil && c.live != nil {
		return c.currentLive(ctx)
	}
	if c == nil || c.ver == nil {
		return nil, false, nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	rows, err = c.read(ctx)
	if err != nil {
		c.drop()
		return nil, false, err
	}
	return rows, true, nil
}

// currentLive is current on PostgreSQL: the rows read again only when the
// generation has moved, ok false while it cannot be trusted.
func (c *countCache) currentLive(ctx context.Context) ([]countRow, bool, error) {
	v, ok := c.live.version()
	if !ok {
		return nil, false, nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.loaded && c.version == v {
		return c.rows, true, nil
	}
	// Read after the generation: a change in between makes the rows newer
	// than the generation they are stored under; never older.
	rows, err := readCountRows(ctx, c.rowsDB)
	if err != nil {
		c.loaded, c.rows = false, nil
		return nil, false, err
	}
	c.rows, c.version, c.loaded = rows, v, true
	return rows, true, nil
}

// drop forgets the connection and what was read on it (after an error).
func (c *countCache) drop() {
	if c.conn != nil {
		c.conn.Close()
	}
	c.conn, c.loaded, c.rows, c.memo = nil, false, nil, nil
}

// at is the database's data_version, read on the cache's connection.
func (c *countCache) at(ctx context.Context) (int64, error) {
	if c.conn == nil {
		conn, err := c.ver.Conn(ctx)
		if err != nil {
			return 0, fmt.Errorf("data version connection: %w", err)
		}
		c.conn, c.loaded = conn, false
	}
	var v int64
	if err := c.conn.QueryRowContext(ctx, `PRAGMA data_version`).Scan(&v); err != nil {
		return 0, fmt.Errorf("data version: %w", err)
	}
	return v, nil
}

func (c *countCache) read(ctx context.Context) ([]countRow, error) {
	v, err := c.at(ctx)
	if err != nil {
		return nil, err
	}
	if c.loaded && v == c.version {
		return c.rows, nil
	}
	// Read after the version: a commit in between makes the rows newer
	// than the version they are stored under, and the next call reads them
	// again; never older.
	out, err := readCountRows(ctx, c.conn)
	if err != nil {
		return nil, err
	}
	c.rows, c.version, c.loaded = out, v, true
	return out, nil
}

func readCountRows(ctx context.Context, q interface {
	QueryContext(context.Context, string, ...any) (*sql.Rows, error)
}) ([]countRow, error) {
	r, err := q.QueryContext(ctx, `SELECT org_path, diverted_by_path, status, n FROM case_counts WHERE n <> 0`)
	if err != nil {
		return nil, fmt.Errorf("case counters: %w", err)
	}
	defer r.Close()
	var out []countRow
	for r.Next() {
		var x countRow
		if err := r.Scan(&x.org, &x.div, &x.status, &x.n); err != nil {
			return nil, fmt.Errorf("case counters: %w", err)
		}
		out = append(out, x)
	}
	if err := r.Err(); err != nil {
		return nil, fmt.Errorf("case counters: %w", err)
	}
	return out, nil
}

// remembered answers query with args — a question whose answer changes
// only when something commits — as of the last commit: the first asker
// after a commit runs it on run (a reader of its own: the version's
// connection is not held during it) and reads the answer with scan, and
// the others take that answer until the next commit. It is stored under
// the version read before it ran, so it is never older than that version.
// ok is false without a cache.
//
// On PostgreSQL the version is the generation heard (countlisten.go),
// which moves on every change of cases, the due index and the counters
// (migrations 70 and 71), not on any commit: only questions about those
// tables may be asked here. ok is false while the generation cannot be
// trusted.
func (c *countCache) remembered(ctx context.Context, run querier, query string, args []any, scan func(*sql.Row) (any, error)) (answer any, ok bool, err error) {
	if c == nil || c.ver == nil && c.live == nil {
		return nil, false, nil
	}
	key := memoKey(query, args)
	c.mu.Lock()
	var v int64
	if c.live != nil {
		var live bool
		if v, live = c.live.casesVersion(); !live {
			c.mu.Unlock()
			return nil, false, nil
		}
	} else if v, err = c.at(ctx); err != nil {
		c.drop()
		c.mu.Unlock()
		return nil, false, err
	}
	if c.memoAt == v {
		if a, hit := c.memo[key]; hit {
			c.mu.Unlock()
			return a, true, nil
		}
	}
	c.mu.Unlock()
	if answer, err = scan(run.QueryRowContext(ctx, query, args...)); err != nil {
		return nil, false, err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.memoAt != v || c.memo == nil || len(c.memo) >= maxMemo {
		c.memoAt, c.memo = v, map[string]any{}
	}
	c.memo[key] = answer
	return answer, true, nil
}

// memoKey names a question by its statement and values, each value
// quoted (%#v): a text search's patterns side by side must not read as
// another split of the same characters.
func memoKey(query string, args []any) string {
	var b strings.Builder
	b.WriteString(query)
	for _, a := range args {
		b.WriteByte(0)
		fmt.Fprintf(&b, "%#v", a)
	}
	return b.String()
}

// askCases asks a one-row question about cases, remembered until a case
// changes (remembered), except inside a transaction, which must see its
// own writes.
func (db *DB) askCases(ctx context.Context, run querier, query string, args []any, scan func(*sql.Row) (any, error)) (any, error) {
	if db.cur == nil {
		a, hit, err := db.counts.remembered(ctx, run, query, args, scan)
		if err != nil || hit {
			return a, err
		}
	}
	return scan(run.QueryRowContext(ctx, query, args...))
}

// countCases runs a count over cases (one integer) through askCases. The
// lists' capped counts are the same for every page and every user of a
// scope until a case changes: at 100,000 cases a room's walked 1,001 index
// entries on every page.
func (db *DB) countCases(ctx context.Context, run querier, query string, args []any) (int64, error) {
	a, err := db.askCases(ctx, run, query, args, func(r *sql.Row) (any, error) {
		var n int64
		err := r.Scan(&n)
		return n, err
	})
	if err != nil {
		return 0, err
	}
	return a.(int64), nil
}

func (c *countCache) close() error {
	if c != nil && c.live != nil {
		c.live.stop()
		return nil
	}
	if c == nil || c.ver == nil {
		return nil
	}
	c.mu.Lock()
	if c.conn != nil {
		c.conn.Close()
		c.conn = nil
	}
	c.mu.Unlock()
	return c.ver.Close()
}

// countedTotal is the counters' sum for a scope and statuses (all when
// none): a case counts when its own path or the path that diverted it is
// under one of the scope's prefixes, once. ok is false when the store has
// no cache or reads inside a transaction (which must see its own writes).
func (db *DB) countedTotal(ctx context.Context, scope store.Scope, statuses []domain.Status) (int64, bool, error) {
	if db.cur != nil {
		return 0, false, nil
	}
	rows, ok, err := db.counts.current(ctx)
	if err != nil || !ok {
		return 0, false, err
	}
	in := func(p string) bool {
		for _, pre := range scope.Prefixes {
			if strings.HasPrefix(p, pre) {
				return true
			}
		}
		return false
	}
	var total int64
	for _, r := range rows {
		if len(statuses) > 0 && !slices.Contains(statuses, r.status) {
			continue
		}
		if scope.All || in(r.org) || in(r.div) {
			total += r.n
		}
	}
	return total, true, nil
}

// CasesVersion is the generation remembered answers are kept under
// (remembered above): SQLite's data_version, PostgreSQL's count of changes
// heard (not ok while its listener is down).
func (db *DB) CasesVersion(ctx context.Context) (int64, bool, error) {
	c := db.counts
	if db.cur != nil || c == nil {
		return 0, false, nil
	}
	if c.live != nil {
		v, ok := c.live.casesVersion()
		return v, ok, nil
	}
	if c.ver == nil {
		return 0, false, nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	v, err := c.at(ctx)
	if err != nil {
		c.drop()
		return 0, false, fmt.Errorf("cases version: %w", err)
	}
	return v, true, nil
}
