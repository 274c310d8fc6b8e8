package sqlstore

import (
	"context"
	"database/sql"
	"sync"
)

// maxCached bounds the statement cache; dynamic SQL beyond it is prepared per use.
const maxCached = 256

// stmtCache keeps write statements prepared: preparing costs as much as
// running a small statement on SQLite. A statement seen for the first time
// inside a transaction runs unprepared and is prepared before the next
// transaction begins: SQLite's single write connection is busy until then.
type stmtCache struct {
	mu      sync.Mutex
	m       map[string]*sql.Stmt
	pending map[string]bool
}

func (c *stmtCache) get(query string) *sql.Stmt {
	c.mu.Lock()
	defer c.mu.Unlock()
	if s, ok := c.m[query]; ok {
		return s
	}
	if len(c.m)+len(c.pending) < maxCached {
		if c.pending == nil {
			c.pending = map[string]bool{}
		}
		c.pending[query] = true
	}
	return nil
}

// preparePending prepares what get saw; called outside any transaction.
// The lock is not held while preparing: preparing waits for the write
// connection, which a transaction calling get may be holding.
func (c *stmtCache) preparePending(ctx context.Context, db *sql.DB) {
	c.mu.Lock()
	var qs []string
	for q := range c.pending {
		qs = append(qs, q)
	}
	clear(c.pending)
	c.mu.Unlock()
	for _, q := range qs {
		s, err := db.PrepareContext(ctx, q)
		if err != nil {
			continue // the direct call reports the error
		}
		c.mu.Lock()
		if c.m == nil {
			c.m = map[string]*sql.Stmt{}
		}
		if _, dup := c.m[q]; dup {
			s.Close()
		} else {
			c.m[q] = s
		}
		c.mu.Unlock()
	}
}

func (c *stmtCache) close() {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, s := range c.m {
		s.Close()
	}
	c.m = nil
}
