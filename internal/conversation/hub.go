package conversation

import (
	"context"
	"sync"
)

// Hub wakes the live streams of a case when something is posted to it. It
// only says "look again": streams read what is new from the store (with
// their reader's access checked there), and also look on a timer. On
// PostgreSQL, Relay carries the wake-ups to every instance on the database,
// so a party on one instance hears at once what was said on another; a
// reconnecting browser gets what it missed through Last-Event-ID.
type Hub struct {
	mu     sync.Mutex
	subs   map[int64]map[chan struct{}]struct{}
	done   chan struct{}
	closed bool
	relay  *relay // nil: this instance alone (SQLite, or not started)
}

// Done is closed when the server shuts down, so open streams end and the
// graceful shutdown does not wait for them.
func (h *Hub) Done() <-chan struct{} {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.done == nil {
		h.done = make(chan struct{})
	}
	return h.done
}

// Close ends every stream and stops listening to other instances. Posts
// still being answered during a graceful shutdown are still announced.
func (h *Hub) Close() {
	h.mu.Lock()
	if h.done == nil {
		h.done = make(chan struct{})
	}
	if !h.closed {
		close(h.done)
		h.closed = true
	}
	r := h.relay
	h.mu.Unlock()
	if r != nil {
		r.stop() // outside the lock: the listener may be waking streams
	}
}

// Subscribe returns a channel woken on news for the case, and the function
// that ends the subscription.
func (h *Hub) Subscribe(caseID int64) (<-chan struct{}, func()) {
	ch := make(chan struct{}, 1)
	h.mu.Lock()
	if h.subs == nil {
		h.subs = map[int64]map[chan struct{}]struct{}{}
	}
	if h.subs[caseID] == nil {
		h.subs[caseID] = map[chan struct{}]struct{}{}
	}
	h.subs[caseID][ch] = struct{}{}
	h.mu.Unlock()
	return ch, func() {
		h.mu.Lock()
		delete(h.subs[caseID], ch)
		if len(h.subs[caseID]) == 0 {
			delete(h.subs, caseID)
		}
		h.mu.Unlock()
	}
}

// Publish wakes every stream of the case, here and (through Relay) on the
// other instances. Call it after the post has committed: a stream woken
// earlier would look and find nothing.
func (h *Hub) Publish(ctx context.Context, caseID int64) {
	h.wake(caseID)
	h.mu.Lock()
	r := h.relay
	h.mu.Unlock()
	if r != nil {
		r.send(ctx, caseID)
	}
}

// wake wakes this instance's streams of the case; a stream already woken
// stays so.
func (h *Hub) wake(caseID int64) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for ch := range h.subs[caseID] {
		select {
		case ch <- struct{}{}:
		default:
		}
	}
}

// wakeAll wakes every stream on this instance: after notifications may
// have been lost, each looks again from its last sent message.
func (h *Hub) wakeAll() {
	h.mu.Lock()
	defer h.mu.Unlock()
	for _, s := range h.subs {
		for ch := range s {
			select {
			case ch <- struct{}{}:
			default:
			}
		}
	}
}

// Streams is the number of open streams, for /metrics.
func (h *Hub) Streams() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	n := 0
	for _, s := range h.subs {
		n += len(s)
	}
	return n
}
