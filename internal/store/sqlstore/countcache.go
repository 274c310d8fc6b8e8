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
// to ask (a question would cost the round trip it saves) and keeps the
// statement.
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
	due     dueState // the due index's state (DueIndex), by the same version
	// capped holds capped counts (a walk of at most cap+1 index entries)
	// by statement and values, as of capAt.
	capped map[string]int
	capAt  int64
}

// maxCapped bounds the remembered counts: one per scope and clock list
// asked since the last commit.
const maxCapped = 512

// dueState is DueIndex's answer as of a data_version: asked by every
// clock list (the desk, the overdue list) before it trusts the stored due
// dates, and the same until something commits.
type dueState struct {
	version int64
	loaded  bool
	query   string // the statement it answers (its cap written in)
	rules   string
	pending int
}

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

// drop forgets the connection and what was read on it (after an error).
func (c *countCache) drop() {
	if c.conn != nil {
		c.conn.Close()
	}
	c.conn, c.loaded, c.rows, c.due, c.capped = nil, false, nil, dueState{}, nil
}

// at is the database's data_version, read on the cache's connection.
func (c *countCache) at(ctx context.Context) (int64, error) {
	if c.conn == nil {
		conn, err := c.ver.Conn(ctx)
		if err != nil {
			return 0, fmt.Errorf("data version connection: %w", err)
		}
		c.conn, c.loaded, c.due = conn, false, dueState{}
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
	r, err := c.conn.QueryContext(ctx, `SELECT org_path, diverted_by_path, status, n FROM case_counts WHERE n <> 0`)
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
	c.rows, c.version, c.loaded = out, v, true
	return out, nil
}

// dueIndex answers query (DueIndex's statement) as of the last commit,
// asking the database only when something has committed since it last
// did (read after the version, as the counters); ok is false without a
// cache.
func (c *countCache) dueIndex(ctx context.Context, query string) (rules string, pending int, ok bool, err error) {
	if c == nil || c.ver == nil {
		return "", 0, false, nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	v, err := c.at(ctx)
	if err == nil && !(c.due.loaded && c.due.version == v && c.due.query == query) {
		var d dueState
		if err = c.conn.QueryRowContext(ctx, query).Scan(&d.rules, &d.pending); err == nil {
			d.version, d.loaded, d.query = v, true, query
			c.due = d
		}
	}
	if err != nil {
		c.drop()
		return "", 0, false, err
	}
	return c.due.rules, c.due.pending, true, nil
}

// cappedCount answers a capped count — query with args, its LIMIT written
// in — as of the last commit: the first asker after a commit runs it on
// run (a reader of its own: the version's connection is not held during
// it), and the others take its answer until the next commit. The answer
// is stored under the version read before it ran, so it is never older
// than that version. ok is false without a cache.
func (c *countCache) cappedCount(ctx context.Context, run querier, query string, args []any) (n int, ok bool, err error) {
	if c == nil || c.ver == nil {
		return 0, false, nil
	}
	key := query + "\x00" + fmt.Sprint(args...)
	c.mu.Lock()
	v, err := c.at(ctx)
	if err != nil {
		c.drop()
		c.mu.Unlock()
		return 0, false, err
	}
	if c.capAt == v {
		if n, hit := c.capped[key]; hit {
			c.mu.Unlock()
			return n, true, nil
		}
	}
	c.mu.Unlock()
	if err := run.QueryRowContext(ctx, query, args...).Scan(&n); err != nil {
		return 0, false, err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.capAt != v || c.capped == nil || len(c.capped) >= maxCapped {
		c.capAt, c.capped = v, map[string]int{}
	}
	c.capped[key] = n
	return n, true, nil
}

func (c *countCache) close() error {
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
