// Package admission lets a bounded number of requests work at once and
// admits the others in the order they arrived.
//
// Reads wait for a database connection, and database/sql hands a freed
// connection to a random waiter: under load a request that came early can
// wait for many that came after it. With 64 clients on SQLite's four
// readers at 1,000,000 cases, a committee's first page took 12 ms at the
// median and 48–51 ms at p95. Admitting requests in arrival order, as many
// at a time as there are reader connections, keeps each request's wait
// near the average: 20 / 28–34 ms (docs/decisions.md "Reads admitted in
// arrival order").
package admission

import (
	"context"
	"sync"
)

// Gate admits up to n holders at once, the rest first come, first served.
type Gate struct {
	mu    sync.Mutex
	free  int
	queue []chan struct{} // waiters, oldest first; closed when admitted
}

// New returns a gate of n slots (at least one).
func New(n int) *Gate { return &Gate{free: max(n, 1)} }

// Enter waits for a slot, behind everyone who came before. The returned
// function frees it (once, whatever the number of calls). When ctx ends
// first, Enter returns its error and holds nothing.
func (g *Gate) Enter(ctx context.Context) (leave func(), err error) {
	g.mu.Lock()
	if g.free > 0 && len(g.queue) == 0 {
		g.free--
		g.mu.Unlock()
		return sync.OnceFunc(g.leave), nil
	}
	ch := make(chan struct{})
	g.queue = append(g.queue, ch)
	g.mu.Unlock()
	select {
	case <-ch:
		return sync.OnceFunc(g.leave), nil
	case <-ctx.Done():
		g.mu.Lock()
		for i, w := range g.queue {
			if w == ch {
				g.queue = append(g.queue[:i], g.queue[i+1:]...)
				g.mu.Unlock()
				return nil, ctx.Err()
			}
		}
		g.mu.Unlock()
		// Admitted as ctx ended: pass the slot on.
		g.leave()
		return nil, ctx.Err()
	}
}

// leave hands the slot to the oldest waiter, or frees it.
func (g *Gate) leave() {
	g.mu.Lock()
	defer g.mu.Unlock()
	if len(g.queue) > 0 {
		close(g.queue[0])
		g.queue = g.queue[1:]
		return
	}
	g.free++
}

// Waiting is the number of requests waiting for a slot.
func (g *Gate) Waiting() int {
	g.mu.Lock()
	defer g.mu.Unlock()
	return len(g.queue)
}
