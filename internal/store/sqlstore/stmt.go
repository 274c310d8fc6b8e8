package sqlstore

import (
	"context"
	"database/sql"
	"strings"
	"sync"
)

// maxCached bounds the statement cache; dynamic SQL beyond it is prepared per use.
const maxCached = 256

// oneOff ends SQL its builder knows will not recur (values inlined, lists
// of varying length): the statement caches never prepare it. Append it
// where such SQL is built (eval.go).
const oneOff = " /* one-off */"

// cacheable reports whether query may be prepared and kept: not marked
// one-off by its builder.
func cacheable(query string) bool { return !strings.HasSuffix(query, oneOff) }

// seenOnce admits a statement to a cache on its second sighting: dynamic
// SQL with inlined values or varying IN-lists is seen once and, admitted
// at first sight, would fill a bounded cache so that statements run
// thousands of times were never prepared (issue 17). The set is bounded:
// when full it starts over, which at worst delays a hot statement's
// admission by one more sighting.
type seenOnce struct {
	m   map[string]struct{}
	max int
}

// again records query and reports whether it was seen before (and is
// forgotten: the cache takes it from here).
func (s *seenOnce) again(query string) bool {
	if _, ok := s.m[query]; ok {
		delete(s.m, query)
		return true
	}
	if s.m == nil || len(s.m) >= s.max {
		s.m = make(map[string]struct{}, s.max)
	}
	s.m[query] = struct{}{}
	return false
}

// stmtCache keeps write statements prepared: preparing costs as much as
// running a small statement on SQLite. A statement seen for the second time
// inside a transaction runs unprepared and is prepared before the next
// transaction begins: SQLite's single write connection is busy until then.
type stmtCache struct {
	mu      sync.Mutex
	m       map[string]*sql.Stmt
	pending map[string]bool
	seen    seenOnce
}

func (c *stmtCache) get(query string) *sql.Stmt {
	if !cacheable(query) {
		return nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if s, ok := c.m[query]; ok {
		return s
	}
	if c.pending[query] || len(c.m)+len(c.pending) >= maxCached {
		return nil
	}
	if c.seen.max == 0 {
		c.seen.max = 4 * maxCached
	}
	if !c.seen.again(query) {
		return nil
	}
	if c.pending == nil {
		c.pending = map[string]bool{}
	}
	c.pending[query] = true
	return nil
}

// preparePending prepares what get saw; called outside any transaction.
// The lock is not held while preparing: preparing waits for the write
// connection, which a transaction calling get may be holding.
func (c *stmtCache) preparePending(ctx context.Context, db *sql.DB) {
	c.mu.Lock()
	if len(c.pending) == 0 {
		c.mu.Unlock()
		return
	}
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

// prepared reports whether query is in the cache (tests).
func (c *stmtCache) prepared(query string) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	_, ok := c.m[query]
	return ok
}

func (c *stmtCache) close() {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, s := range c.m {
		s.Close()
	}
	c.m = nil
}
