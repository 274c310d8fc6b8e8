package conversation

import "sync"

// Hub wakes the live streams of a case when something is posted to it. It
// only says "look again": streams read what is new from the store, and also
// look on a timer, so several server instances behind one database still
// deliver every message (a little later) and a reconnecting browser gets
// what it missed through Last-Event-ID.
type Hub struct {
	mu     sync.Mutex
	subs   map[int64]map[chan struct{}]struct{}
	done   chan struct{}
	closed bool
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

// Close ends every stream.
func (h *Hub) Close() {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.done == nil {
		h.done = make(chan struct{})
	}
	if !h.closed {
		close(h.done)
		h.closed = true
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

// Publish wakes every stream of the case; a stream already woken stays so.
func (h *Hub) Publish(caseID int64) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for ch := range h.subs[caseID] {
		select {
		case ch <- struct{}{}:
		default:
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
