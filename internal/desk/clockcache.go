package desk

import (
	"sync"

	"github.com/tiaojie/tiaojie/internal/calendar"
	"github.com/tiaojie/tiaojie/internal/store"
)

// clockCacheSize bounds the cache: about 300 bytes an entry, so at most
// some 15 MB however many cases are read.
const clockCacheSize = 50000

// clockCache keeps the urgent clock of cases read by due date (computed
// with their events), by case and due mark. A case's clocks are a function of its dates, its policy and its
// clock events, and every change of those moves its due mark (migration
// 62's triggers, the same ones the stored due dates rely on); with the
// rules and the day they are computed for, the mark fixes the result. So a
// desk or an overdue list read again — by the next person of the
// committee, or the same one a minute later — neither reads the events nor
// computes the clocks of cases that have not changed, and a case that has
// changed is computed afresh because its mark is new. The marks come from
// the database, so instances sharing it cannot disagree.
type clockCache struct {
	mu  sync.Mutex
	gen string // the rules' digest and the day: a new one starts afresh
	m   map[clockKey]*calendar.Deadline
}

type clockKey struct{ id, mark int64 }

// fill sets out[i].Next, and hit[i], for each case whose clock is cached
// for gen at its due mark (out[i].Next nil: none runs).
func (c *clockCache) fill(gen string, cases []store.Case, out []Row, hit []bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.gen != gen {
		return
	}
	for i, cs := range cases {
		out[i].Next, hit[i] = c.m[clockKey{cs.ID, cs.DueMark}]
	}
}

// put keeps the clocks computed for gen (keys and values side by side). A
// full cache is emptied rather than tracked by use: the entries read most
// come back on their next read.
func (c *clockCache) put(gen string, keys []clockKey, ds []*calendar.Deadline) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.gen != gen || len(c.m)+len(keys) > clockCacheSize {
		c.gen, c.m = gen, make(map[clockKey]*calendar.Deadline, len(keys))
	}
	for i, k := range keys {
		c.m[k] = ds[i]
	}
}
