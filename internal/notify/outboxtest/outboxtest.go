// Package outboxtest helps tests of code that sends SMS through the queue:
// it runs an SMS worker on a test database and waits for outbox rows to
// reach a status, so no test has to sleep and hope.
package outboxtest

import (
	"context"
	"io"
	"log/slog"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/tiaojie/tiaojie/internal/jobs"
	"github.com/tiaojie/tiaojie/internal/notify"
	"github.com/tiaojie/tiaojie/internal/pii"
	"github.com/tiaojie/tiaojie/internal/store"
)

// Timeout bounds every wait.
const Timeout = 20 * time.Second

// Settled are the statuses a message ends in.
var Settled = []string{notify.StatusSent, notify.StatusFailed}

// Options tune Start; the zero value delivers to the outbox alone.
type Options struct {
	Deliverer   notify.Deliverer // nil: notify.OutboxDeliverer
	MaxAttempts int              // per job; 0: the queue's default
	Backoff     time.Duration    // between attempts; 0: 20 ms
	Signature   string           // "" : "人民调解"
	ID          string           // names the queue instance; "" : River's
	Log         *slog.Logger
	NoStart     bool // build and register only: the test starts the queue
}

// Start builds a job queue on st with the SMS worker registered, starts it
// (stopping it when the test ends) and returns the sender and the queue.
func Start(t testing.TB, st store.Store, sealer *pii.Sealer, o Options) (*notify.Queue, *jobs.Queue) {
	t.Helper()
	if o.Log == nil {
		o.Log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	if o.Signature == "" {
		o.Signature = "人民调解"
	}
	if o.Backoff <= 0 {
		o.Backoff = 20 * time.Millisecond
	}
	if o.Deliverer == nil {
		o.Deliverer = &notify.OutboxDeliverer{Log: o.Log, Signature: o.Signature}
	}
	backoff := o.Backoff
	q, err := jobs.New(jobs.Config{Driver: st.QueueDriver(), Store: st, Log: o.Log, Poll: 50 * time.Millisecond, ID: o.ID,
		MaxAttempts: o.MaxAttempts, RescueAfter: 2 * time.Second, Backoff: func(int) time.Duration { return backoff }})
	if err != nil {
		t.Fatal(err)
	}
	jobs.Register(q, &notify.Worker{Store: st, Sealer: sealer, Deliverer: o.Deliverer, Log: o.Log})
	if !o.NoStart {
		Run(t, q)
	}
	return &notify.Queue{Store: st, Jobs: q, Sealer: sealer, Signature: o.Signature, Log: o.Log}, q
}

// Run starts q and stops it when the test ends.
func Run(t testing.TB, q *jobs.Queue) {
	t.Helper()
	if err := q.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := q.Stop(ctx); err != nil {
			t.Error(err)
		}
	})
}

// ID is the outbox row a receipt names ("outbox-17" → 17).
func ID(t testing.TB, rc notify.Receipt) int64 {
	t.Helper()
	id, err := strconv.ParseInt(strings.TrimPrefix(rc.ID, "outbox-"), 10, 64)
	if err != nil || !strings.HasPrefix(rc.ID, "outbox-") {
		t.Fatalf("receipt %+v names no outbox row", rc)
	}
	return id
}

// Wait polls the row until its status is one of statuses and returns it.
func Wait(t testing.TB, st store.Store, id int64, statuses ...string) store.OutboxEntry {
	t.Helper()
	var e store.OutboxEntry
	until(t, func() bool {
		var err error
		e, err = st.GetOutbox(context.Background(), id)
		if err != nil {
			t.Fatalf("outbox row %d: %v", id, err)
		}
		return slices.Contains(statuses, e.Status)
	}, func() string {
		return "outbox row " + strconv.FormatInt(id, 10) + " to be " + strings.Join(statuses, "/") + ", is " + e.Status
	})
	return e
}

// WaitAll waits until every row in the outbox (the newest 1000) has settled
// (sent or failed) and returns them, newest first.
func WaitAll(t testing.TB, st store.Store) []store.OutboxEntry {
	t.Helper()
	var es []store.OutboxEntry
	until(t, func() bool {
		var err error
		es, err = st.ListOutbox(context.Background(), 1000)
		if err != nil {
			t.Fatalf("list outbox: %v", err)
		}
		for _, e := range es {
			if !slices.Contains(Settled, e.Status) {
				return false
			}
		}
		return true
	}, func() string { return "every outbox row to be sent or failed" })
	return es
}

func until(t testing.TB, ok func() bool, what func() string) {
	t.Helper()
	for deadline := time.Now().Add(Timeout); !ok(); time.Sleep(20 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what())
		}
	}
}

// Texts is st.ListOutbox(ctx, limit) with each Body replaced by the text the
// recipient receives ("【签名】" + the sealed content, opened with sealer):
// what the SMS gateway gets, which no page shows. Rows without a sealed text
// (refused, or recorded by OutboxSender) keep their masked Body. For tests,
// which read codes and links the way the party would.
func Texts(ctx context.Context, st store.Store, sealer *pii.Sealer, signature string, limit int) ([]store.OutboxEntry, error) {
	es, err := st.ListOutbox(ctx, limit)
	if err != nil {
		return nil, err
	}
	for i, e := range es {
		full, err := st.GetOutbox(ctx, e.ID)
		if err != nil {
			return nil, err
		}
		if full.BodySealed == "" {
			continue
		}
		body, err := sealer.Open(full.BodySealed)
		if err != nil {
			return nil, err
		}
		if signature != "" {
			body = "【" + signature + "】" + body
		}
		es[i].Body = body
	}
	return es, nil
}
