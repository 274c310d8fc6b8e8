package sqlstore

import (
	"context"
	"database/sql"
	"slices"
	"sync"
	"sync/atomic"
)

// readTrace collects the text of the read statements run outside
// transactions while it is on, so a test can EXPLAIN every statement a page
// runs (TestCasePageReadsUseIndexes): a read that scans a table growing with
// the cases is found before it meets a million of them.
type readTrace struct {
	mu   sync.Mutex
	seen map[string]bool
}

// traceSwitch is shared by a DB and the copies InTx makes of it.
type traceSwitch struct{ on atomic.Pointer[readTrace] }

// TraceReads starts collecting read statements; the returned function stops
// and returns them, each once, sorted.
func (db *DB) TraceReads() (stop func() []string) {
	t := &readTrace{seen: map[string]bool{}}
	db.trace.on.Store(t)
	return func() []string {
		db.trace.on.CompareAndSwap(t, nil)
		t.mu.Lock()
		defer t.mu.Unlock()
		out := make([]string, 0, len(t.seen))
		for q := range t.seen {
			out = append(out, q)
		}
		slices.Sort(out)
		return out
	}
}

type tracingQuerier struct {
	q querier
	t *readTrace
}

func (tq tracingQuerier) note(query string) {
	tq.t.mu.Lock()
	tq.t.seen[query] = true
	tq.t.mu.Unlock()
}

func (tq tracingQuerier) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	tq.note(query)
	return tq.q.QueryContext(ctx, query, args...)
}

func (tq tracingQuerier) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	tq.note(query)
	return tq.q.QueryRowContext(ctx, query, args...)
}
