package sqlstore

import (
	"context"
	"database/sql"
	"sync"
)

// maxReadCached bounds the read statement cache; dynamic SQL beyond it runs
// unprepared.
const maxReadCached = 512

// readStmts keeps read statements prepared on SQLite's read pool. A case
// page runs some twenty small reads, and modernc's SQLite spent as long
// parsing each statement as running it (profile of `tiaojie bench
// casepage`, issue 17). database/sql prepares a Stmt on each pooled
// connection the first time it runs there; the readers keep their
// connections (sqlite.OpenNoMigrate), so that happens once per connection.
// A statement is prepared on its second sighting (seenOnce): one-off SQL
// runs unprepared and leaves the cache to the statements that recur.
type readStmts struct {
	db   *sql.DB
	mu   sync.RWMutex
	m    map[string]*sql.Stmt
	seen seenOnce
}

func (c *readStmts) stmt(ctx context.Context, query string) *sql.Stmt {
	if !cacheable(query) {
		return nil
	}
	c.mu.RLock()
	s, ok := c.m[query]
	full := len(c.m) >= maxReadCached
	c.mu.RUnlock()
	if ok || full {
		return s
	}
	c.mu.Lock()
	if c.seen.max == 0 {
		c.seen.max = 4 * maxReadCached
	}
	again := c.seen.again(query)
	c.mu.Unlock()
	if !again {
		return nil
	}
	s, err := c.db.PrepareContext(ctx, query)
	if err != nil {
		return nil // the direct call reports the error
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if old, dup := c.m[query]; dup {
		s.Close()
		return old
	}
	if c.m == nil {
		c.m = map[string]*sql.Stmt{}
	}
	c.m[query] = s
	return s
}

// prepared reports whether query is in the cache (tests).
func (c *readStmts) prepared(query string) bool {
	c.mu.RLock()
	defer c.mu.RUnlock()
	_, ok := c.m[query]
	return ok
}

func (c *readStmts) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	if s := c.stmt(ctx, query); s != nil {
		return s.QueryContext(ctx, args...)
	}
	return c.db.QueryContext(ctx, query, args...)
}

func (c *readStmts) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	if s := c.stmt(ctx, query); s != nil {
		return s.QueryRowContext(ctx, args...)
	}
	return c.db.QueryRowContext(ctx, query, args...)
}

func (c *readStmts) close() {
	if c == nil {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, s := range c.m {
		s.Close()
	}
	c.m = nil
}
