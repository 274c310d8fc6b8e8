package jobs_test

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"

	"github.com/tiaojie/tiaojie/internal/jobs"
	"github.com/tiaojie/tiaojie/internal/store"
	"github.com/tiaojie/tiaojie/internal/store/sqlstore"
	"github.com/tiaojie/tiaojie/internal/store/storetest"
)

type pingArgs struct {
	N    int    `json:"n"`
	Fail int    `json:"fail"` // fail this many attempts first
	Key  string `json:"key"`
}

func (pingArgs) Kind() string { return "test_ping" }

type pingWorker struct {
	river.WorkerDefaults[pingArgs]
	st   store.Store
	mu   sync.Mutex
	runs map[int]int
	done chan int
}

func (w *pingWorker) Work(ctx context.Context, job *river.Job[pingArgs]) error {
	w.mu.Lock()
	w.runs[job.Args.N]++
	w.mu.Unlock()
	if job.Attempt <= job.Args.Fail {
		return errors.New("网关暂时不可用")
	}
	// The effect (a setting row) and the completion commit together.
	err := jobs.Complete(ctx, w.st, job, func(tx store.Store) error {
		return tx.JobTx(ctx, "ping effect", func(sqlTx *sql.Tx) error {
			_, err := sqlTx.ExecContext(ctx, "INSERT INTO ping_effects (k) VALUES ($1)", job.Args.Key)
			return err
		})
	})
	if err == nil {
		w.done <- job.Args.N
	}
	return err
}

func quiet() *slog.Logger {
	if os.Getenv("JOBS_DEBUG") != "" {
		return slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	return slog.New(slog.NewTextHandler(io.Discard, nil))
}

func newQueue(t *testing.T, db *sqlstore.DB, id string, w *pingWorker) *jobs.Queue {
	t.Helper()
	q, err := jobs.New(jobs.Config{Driver: db.QueueDriver(), Store: db, Log: quiet(), Poll: 50 * time.Millisecond, ID: id,
		MaxAttempts: 3, Backoff: func(int) time.Duration { return 10 * time.Millisecond }})
	if err != nil {
		t.Fatal(err)
	}
	if w != nil {
		jobs.Register(q, w)
	}
	return q
}

func start(t *testing.T, q *jobs.Queue) {
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

func wait(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func TestQueue(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			ctx := context.Background()
			db := e.Open(t, true)
			if _, err := db.Writer().ExecContext(ctx, "CREATE TABLE ping_effects (k TEXT NOT NULL)"); err != nil {
				t.Fatal(err)
			}
			w := &pingWorker{st: db, runs: map[int]int{}, done: make(chan int, 100)}
			q := newQueue(t, db, "one", w)

			// A job enqueued in a transaction that rolls back never exists.
			boom := errors.New("boom")
			err := db.InTx(ctx, func(tx store.Store) error {
				if err := q.Enqueue(ctx, tx, "enqueue ping", jobs.Insert(pingArgs{N: 1, Key: "a"}, nil)); err != nil {
					return err
				}
				return boom
			})
			if !errors.Is(err, boom) {
				t.Fatalf("rollback: %v", err)
			}
			// One that commits with its change is worked once started.
			err = db.InTx(ctx, func(tx store.Store) error {
				return q.Enqueue(ctx, tx, "enqueue ping", jobs.Insert(pingArgs{N: 2, Key: "b"}, nil),
					jobs.Insert(pingArgs{N: 3, Fail: 2, Key: "c"}, nil), jobs.Insert(pingArgs{N: 4, Fail: 9, Key: "d"}, nil))
			})
			if err != nil {
				t.Fatal(err)
			}
			start(t, q)
			got := map[int]bool{}
			for len(got) < 2 {
				select {
				case n := <-w.done:
					got[n] = true
				case <-time.After(15 * time.Second):
					t.Fatalf("jobs done: %v", got)
				}
			}
			if !got[2] || !got[3] {
				t.Fatalf("done %v, want 2 and 3", got)
			}
			// Job 4 fails every attempt and ends dead, listed for the admin.
			var dead jobs.Failed
			wait(t, "dead job", func() bool {
				fs, err := q.ListFailed(ctx, 10)
				if err != nil {
					t.Fatal(err)
				}
				for _, f := range fs {
					if f.State == string(rivertype.JobStateDiscarded) {
						dead = f
						return true
					}
				}
				return false
			})
			if dead.Kind != "test_ping" || dead.Attempt != 3 || dead.LastError != "网关暂时不可用" {
				t.Fatalf("dead job %+v", dead)
			}
			w.mu.Lock()
			runs := map[int]int{1: w.runs[1], 2: w.runs[2], 3: w.runs[3], 4: w.runs[4]}
			w.mu.Unlock()
			if runs[1] != 0 || runs[2] != 1 || runs[3] != 3 || runs[4] != 3 {
				t.Fatalf("attempts per job %v, want 0/1/3/3", runs)
			}
			for k, want := range map[string]int{"a": 0, "b": 1, "c": 1, "d": 0} {
				var n int
				if err := db.Writer().QueryRowContext(ctx, "SELECT count(*) FROM ping_effects WHERE k = $1", k).Scan(&n); err != nil {
					t.Fatal(err)
				}
				if n != want {
					t.Errorf("effect of %s recorded %d times, want %d", k, n, want)
				}
			}
			d, err := q.Depth(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if d.ByState["discarded"] != 1 || d.ByState["completed"] != 2 {
				t.Fatalf("depth %+v", d.ByState)
			}
			// Retry gives the dead job a fresh attempt; discard removes it.
			if err := q.Retry(ctx, dead.ID); err != nil {
				t.Fatal(err)
			}
			wait(t, "retried job to die again", func() bool {
				j, err := q.Find(ctx, dead.ID)
				return err == nil && j.State == rivertype.JobStateDiscarded && j.Attempt == 4
			})
			if err := q.Discard(ctx, dead.ID); err != nil {
				t.Fatal(err)
			}
			if _, err := q.Find(ctx, dead.ID); !errors.Is(err, jobs.ErrJobNotFound) {
				t.Fatalf("discarded job still there: %v", err)
			}
			if err := q.Discard(ctx, dead.ID); !errors.Is(err, jobs.ErrJobNotFound) {
				t.Fatalf("second discard: %v", err)
			}
			// Both admin actions are in the audit trail.
			entries, err := db.ListAudit(ctx, store.AuditQuery{Limit: 50, Scope: store.Scope{All: true}})
			if err != nil {
				t.Fatal(err)
			}
			var seen []string
			for _, en := range entries {
				seen = append(seen, en.Action)
			}
			if !containsPrefix(seen, "retry job") || !containsPrefix(seen, "discard job") || !containsPrefix(seen, "enqueue ping") {
				t.Fatalf("audit actions %v", seen)
			}
		})
	}
}

// Two instances on one database: a periodic sweep runs on the leader only.
func TestPeriodicRunsOnceAcrossInstances(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			db := e.Open(t, true)
			var mu sync.Mutex
			var at []time.Time
			var qs []*jobs.Queue
			for _, id := range []string{"a", "b"} {
				q := newQueue(t, db, id, nil)
				q.Periodic("tick", 300*time.Millisecond, func(context.Context) error {
					mu.Lock()
					at = append(at, time.Now())
					mu.Unlock()
					return nil
				})
				qs = append(qs, q)
			}
			for _, q := range qs {
				start(t, q)
			}
			// River starts the leader's scheduler a few seconds in.
			wait(t, "eight runs", func() bool { mu.Lock(); defer mu.Unlock(); return len(at) >= 8 })
			mu.Lock()
			defer mu.Unlock()
			// Eight runs of a 300 ms schedule span at least 7 intervals; two
			// schedulers would fit them in half the time.
			if span := at[7].Sub(at[0]); span < 7*250*time.Millisecond {
				t.Fatalf("8 runs of a 300 ms sweep within %v across two instances: scheduled more than once", span)
			}
		})
	}
}

func containsPrefix(list []string, p string) bool {
	for _, s := range list {
		if len(s) >= len(p) && s[:len(p)] == p {
			return true
		}
	}
	return false
}

type optsArgs struct {
	N int `json:"n"`
}

func (optsArgs) Kind() string { return "test_opts" }
func (optsArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{Queue: jobs.QueueSync, MaxAttempts: 7, UniqueOpts: river.UniqueOpts{ByArgs: true}}
}

type optsWorker struct{ river.WorkerDefaults[optsArgs] }

func (optsWorker) Work(context.Context, *river.Job[optsArgs]) error { return nil }

// Jobs written to the outbox keep their kind's options (queue, attempts,
// uniqueness) when moved; two pumps racing move each row exactly once.
func TestOutboxPump(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			ctx := context.Background()
			db := e.Open(t, true)
			a, b := newQueue(t, db, "a", nil), newQueue(t, db, "b", nil)
			jobs.Register(a, optsWorker{})
			jobs.Register(b, optsWorker{})
			var params []river.InsertManyParams
			for i := 0; i < 1200; i++ {
				params = append(params, jobs.Insert(optsArgs{N: i % 1000}, nil)) // 200 repeats: unique by args
			}
			params = append(params, jobs.Insert(optsArgs{N: 5000}, &river.InsertOpts{Queue: jobs.QueueSMS}))
			if err := a.Enqueue(ctx, db, "enqueue opts", params...); err != nil {
				t.Fatal(err)
			}
			var wg sync.WaitGroup
			moved := make([]int, 2)
			for i, q := range []*jobs.Queue{a, b} {
				wg.Add(1)
				go func() {
					defer wg.Done()
					n, err := q.Pump(ctx)
					if err != nil {
						t.Error(err)
					}
					moved[i] = n
				}()
			}
			wg.Wait()
			if moved[0]+moved[1] != 1201 {
				t.Fatalf("moved %v, want 1201 in all", moved)
			}
			rows, err := a.List(ctx, "test_opts")
			if err != nil {
				t.Fatal(err)
			}
			if len(rows) != 1001 {
				t.Fatalf("%d jobs in the queue, want 1001 (repeats are unique by args)", len(rows))
			}
			for _, r := range rows {
				want := jobs.QueueSync
				var a optsArgs
				json.Unmarshal(r.EncodedArgs, &a)
				if a.N == 5000 {
					want = jobs.QueueSMS
				}
				if r.Queue != want || r.MaxAttempts != 7 {
					t.Fatalf("job %s: queue %s, max attempts %d", r.EncodedArgs, r.Queue, r.MaxAttempts)
				}
			}
			if n, err := a.Pump(ctx); err != nil || n != 0 {
				t.Fatalf("second pump moved %d (%v)", n, err)
			}
		})
	}
}
