package intake

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/tiaojie/tiaojie/internal/auth"
	"github.com/tiaojie/tiaojie/internal/store"
)

// Batcher registers complaints like Service.Register, but writes the
// complaints that arrive together in one transaction (group commit): while
// one batch commits, the next one gathers, so under load a commit (an fsync
// on PostgreSQL, a pass through SQLite's single writer) is shared by many
// complaints, and an idle system commits each complaint at once.
//
// What one caller sees is what Register gives it:
//   - its own refusal only: permission, fields, placement and channel rules
//     are checked in the caller's goroutine before it joins a batch, and a
//     complaint that fails in the database (a duplicate 12315 number) is
//     undone alone by its savepoint;
//   - an answer only after the shared commit: if the transaction fails,
//     every caller of that batch gets the error and none of it is written;
//   - its own case number (gap-free: numbers are drawn inside the
//     transaction), its own first event and its own audit entry, by its own
//     actor, exactly as one transaction per complaint would write them;
//   - cancellation: a caller that gives up before its batch begins is left
//     out of it; once its complaint is in a transaction the caller waits for
//     the outcome (bounded by Timeout) and is told the truth.
//
// The zero value is not usable: set Service. Safe for concurrent use.
type Batcher struct {
	Service *Service
	// Max is the most complaints in one transaction (0: 64).
	Max int
	// Window is how long the first complaint after an idle spell waits for
	// company before its transaction begins (0: not at all; under load the
	// batches form by themselves while the previous one commits).
	Window time.Duration
	// Timeout bounds one batch's transaction (0: 30 s).
	Timeout time.Duration

	mu      sync.Mutex
	queue   []*pending
	running bool // a drain goroutine is at work on the queue

	batches, complaints atomic.Int64 // transactions run, complaints in them
}

// Stats reports how many batch transactions ran and how many complaints
// they carried (their ratio is the mean batch size).
func (b *Batcher) Stats() (batches, complaints int64) {
	return b.batches.Load(), b.complaints.Load()
}

// pending is one caller's complaint waiting for its batch.
type pending struct {
	ctx   context.Context
	nc    *store.NewCase
	state atomic.Int32 // waiting → taken (by a batch) or abandoned (by the caller)
	done  chan batchOutcome
}

const (
	waiting int32 = iota
	taken
	abandoned
)

type batchOutcome struct {
	res store.BatchedResult
	err error // the whole batch failed
}

// Register registers one complaint through a shared transaction: see Batcher.
func (b *Batcher) Register(ctx context.Context, p *auth.Principal, in Complaint, idemKey string) (store.Case, bool, error) {
	s := b.Service
	nc, err := s.prepare(ctx, p, &in, idemKey)
	if err != nil {
		return store.Case{}, false, err
	}
	r := &pending{ctx: ctx, nc: nc, done: make(chan batchOutcome, 1)}
	b.enqueue(r)
	var out batchOutcome
	select {
	case out = <-r.done:
	case <-ctx.Done():
		if r.state.CompareAndSwap(waiting, abandoned) {
			return store.Case{}, false, ctx.Err() // never taken into a batch: nothing written
		}
		out = <-r.done // in a transaction already: wait for its outcome
	}
	if out.err != nil {
		return store.Case{}, false, fmt.Errorf("register complaint: %w", out.err)
	}
	if out.res.Err != nil {
		return s.finish(ctx, p, in, nc, store.Case{}, false, out.res.Err)
	}
	c, err := s.Store.GetCase(ctx, out.res.ID)
	if err != nil {
		return store.Case{}, false, fmt.Errorf("register complaint: read case %d back: %w", out.res.ID, err)
	}
	return s.finish(ctx, p, in, nc, c, out.res.Created, nil)
}

func (b *Batcher) max() int {
	if b.Max > 0 {
		return b.Max
	}
	return 64
}

// enqueue adds r to the queue and starts a drain unless one is running.
func (b *Batcher) enqueue(r *pending) {
	b.mu.Lock()
	b.queue = append(b.queue, r)
	start := !b.running
	b.running = true
	b.mu.Unlock()
	if start {
		go b.drain()
	}
}

// drain commits batches until the queue is empty, one transaction at a
// time; complaints arriving meanwhile form the next batch. It ends with the
// busy spell, so an idle Batcher holds no goroutine.
func (b *Batcher) drain() {
	if b.Window > 0 {
		time.Sleep(b.Window)
	}
	for {
		b.mu.Lock()
		var batch []*pending
		for len(b.queue) > 0 && len(batch) < b.max() {
			r := b.queue[0]
			b.queue[0] = nil
			b.queue = b.queue[1:]
			if r.state.CompareAndSwap(waiting, taken) {
				batch = append(batch, r)
			}
		}
		if len(batch) == 0 {
			b.running = false
			b.queue = nil
			b.mu.Unlock()
			return
		}
		b.mu.Unlock()
		b.commit(batch)
	}
}

// commit writes one batch and answers each of its callers.
func (b *Batcher) commit(batch []*pending) {
	var results []store.BatchedResult
	var err error
	defer func() {
		if v := recover(); v != nil {
			results, err = nil, fmt.Errorf("intake batch panicked: %v", v)
		}
		for i, r := range batch {
			if err != nil {
				r.done <- batchOutcome{err: err}
			} else {
				r.done <- batchOutcome{res: results[i]}
			}
		}
	}()
	timeout := b.Timeout
	if timeout <= 0 {
		timeout = 30 * time.Second
	}
	// The batch runs on its own context: no single caller's cancellation may
	// abort the others' transaction. Each case still carries its caller's
	// context (its audit actor; skipped if cancelled before its turn).
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	items := make([]store.BatchedCase, len(batch))
	for i, r := range batch {
		items[i] = store.BatchedCase{Ctx: r.ctx, New: r.nc}
	}
	b.batches.Add(1)
	b.complaints.Add(int64(len(items)))
	results, err = b.Service.Store.CreateCases(ctx, items)
	if err == nil && len(results) != len(batch) {
		err = fmt.Errorf("intake batch: %d results for %d complaints", len(results), len(batch))
	}
}
