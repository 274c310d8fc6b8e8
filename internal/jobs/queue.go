package jobs

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver"
	"github.com/riverqueue/river/rivertype"

	"github.com/tiaojie/tiaojie/internal/store"
)

// Queue names. Each has its own worker budget so a backlog of one kind (a
// city's sync after an outage) cannot starve another (a party's SMS code).
const (
	QueueDefault = river.QueueDefault
	QueueSMS     = "sms"
	QueueCourt   = "court"
	QueueSync    = "sync"   // smart-mediation platform
	QueueImport  = "import" // 12315 imports, one at a time per instance
	QueueSweep   = "sweep"  // periodic sweeps, leader-scheduled
)

// Config is how a Queue is built.
type Config struct {
	// Driver works the queue. On PostgreSQL give one with a LISTEN
	// connection so a new job is picked up at once on any instance.
	Driver riverdriver.Driver[*sql.Tx]
	// Store records admin actions (retry, discard) in the audit trail.
	Store store.Store
	Log   *slog.Logger
	// RescueAfter: a job still "running" this long after it started is
	// taken to belong to a dead process and run again. Every job finishes or
	// checkpoints well within it (imports work in slices). Default 5 min.
	RescueAfter time.Duration
	// Poll is how often idle workers look for work where no notification
	// comes (SQLite). Default 1 s.
	Poll time.Duration
	// MaxAttempts before a job is dead (discarded). Default 12: with
	// River's backoff (attempt⁴ s) the last try is about six hours in.
	MaxAttempts int
	// Workers per queue; missing queues get the defaults below.
	Workers map[string]int
	// Backoff is the wait before attempt n+1 (default River's n⁴ seconds).
	Backoff func(attempt int) time.Duration
	// ID names this instance in job rows (attempted_by); default River's.
	ID string
}

// Queue is the platform's durable job queue (River) on either engine.
// Jobs are inserted in the caller's transaction (Enqueue), worked by
// registered workers, retried with backoff, and end completed, cancelled
// or discarded (the dead-letter state the admin page lists).
type Queue struct {
	client  *river.Client[*sql.Tx]
	workers *river.Workers
	store   store.Store
	log     *slog.Logger

	mu       sync.Mutex
	sweeps   map[string]func(context.Context) error
	started  bool
	stats    *stats
	nudge    chan struct{} // wakes the outbox pump
	pumpStop context.CancelFunc
	pumpDone chan struct{}
	poll     time.Duration

	rescueAfter time.Duration
}

// New builds a queue; register workers and sweeps, then Start it. A queue
// that is never started still inserts jobs (command-line tools), which a
// running server then works.
func New(c Config) (*Queue, error) {
	if c.Driver == nil || c.Store == nil {
		return nil, errors.New("job queue: a driver and a store are required")
	}
	if c.Log == nil {
		c.Log = slog.Default()
	}
	if c.RescueAfter <= 0 {
		c.RescueAfter = 5 * time.Minute
	}
	if c.Poll <= 0 {
		c.Poll = time.Second
	}
	if c.MaxAttempts <= 0 {
		c.MaxAttempts = 12
	}
	workers := map[string]int{QueueDefault: 4, QueueSMS: 8, QueueCourt: 2, QueueSync: 8, QueueImport: 1, QueueSweep: 2}
	for k, v := range c.Workers {
		workers[k] = v
	}
	queues := map[string]river.QueueConfig{}
	for k, v := range workers {
		queues[k] = river.QueueConfig{MaxWorkers: v}
	}
	q := &Queue{workers: river.NewWorkers(), store: c.Store, log: c.Log, nudge: make(chan struct{}, 1), poll: min(c.Poll, 200*time.Millisecond), rescueAfter: c.RescueAfter, sweeps: map[string]func(context.Context) error{}, stats: newStats()}
	river.AddWorker(q.workers, &sweepWorker{q: q})
	jobTimeout := c.RescueAfter / 2
	var retry river.ClientRetryPolicy
	if c.Backoff != nil {
		retry = backoff(c.Backoff)
	}
	client, err := river.NewClient(c.Driver, &river.Config{
		RetryPolicy:       retry,
		ID:                c.ID,
		Logger:            quietLogger(c.Log),
		Queues:            queues,
		Workers:           q.workers,
		MaxAttempts:       c.MaxAttempts,
		FetchPollInterval: c.Poll,
		// A producer fetches at most its free worker slots per cooldown:
		// River's 100 ms default caps a queue of 4 workers at 40 jobs/s.
		FetchCooldown:        5 * time.Millisecond,
		RescueStuckJobsAfter: c.RescueAfter,
		// The pump moves jobs a newer instance enqueued; one this version
		// has no worker for fails visibly on the admin page instead.
		SkipUnknownJobCheck: true,
		JobTimeout:          jobTimeout,
		ErrorHandler:        &errorLogger{log: c.Log},
	})
	if err != nil {
		return nil, fmt.Errorf("job queue: %w", err)
	}
	q.client = client
	return q, nil
}

// RescueAfter is how long a job may run before it is taken to belong to a
// dead instance: work that runs long must checkpoint well within it.
func (q *Queue) RescueAfter() time.Duration { return q.rescueAfter }

// Register adds the worker for one kind of job. Call before Start.
func Register[T river.JobArgs](q *Queue, w river.Worker[T]) {
	river.AddWorker(q.workers, w)
}

// Start works the queues until Stop. Periodic jobs are scheduled by the
// elected leader only, so each runs once across instances.
func (q *Queue) Start(ctx context.Context) error {
	q.mu.Lock()
	q.started = true
	q.mu.Unlock()
	q.stats.watch(q.client)
	if err := q.client.Start(context.WithoutCancel(ctx)); err != nil {
		return fmt.Errorf("start job queue: %w", err)
	}
	pctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	q.pumpStop, q.pumpDone = cancel, make(chan struct{})
	go func() { defer close(q.pumpDone); q.pumpLoop(pctx, q.poll) }()
	return nil
}

// Stop lets running jobs finish until ctx ends, then cancels them (they are
// retried: every job is written to be safe to run again).
func (q *Queue) Stop(ctx context.Context) error {
	q.mu.Lock()
	started := q.started
	q.mu.Unlock()
	if !started {
		return nil
	}
	q.pumpStop()
	<-q.pumpDone
	err := q.client.Stop(ctx)
	if err != nil && ctx.Err() != nil {
		cctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		err = errors.Join(fmt.Errorf("job queue did not drain in time: %w", err), q.client.StopAndCancel(cctx))
	}
	q.stats.stop()
	return err
}

// Enqueue writes jobs in st's transaction (InTx's, or one of its own), so
// they exist exactly when the change that causes them commits; the outbox
// pump hands them to River (outbox.go). what names the step in the audit
// trail.
func (q *Queue) Enqueue(ctx context.Context, st store.Store, what string, jobs ...river.InsertManyParams) error {
	if len(jobs) == 0 {
		return nil
	}
	err := st.JobTx(ctx, what, func(tx *sql.Tx) error { return q.writeOutbox(ctx, tx, jobs) })
	if err == nil {
		q.wake() // committed already when st is not a transaction; else the next poll
	}
	return err
}

// InsertTx inserts jobs on a raw transaction: for store event hooks, which
// run inside the store's own transaction.
func (q *Queue) InsertTx(ctx context.Context, tx *sql.Tx, jobs ...river.InsertManyParams) error {
	if len(jobs) == 0 {
		return nil
	}
	return q.writeOutbox(ctx, tx, jobs)
}

// Insert is a shorthand for one job to Enqueue.
func Insert(args river.JobArgs, opts *river.InsertOpts) river.InsertManyParams {
	return river.InsertManyParams{Args: args, InsertOpts: opts}
}

// Complete marks the job completed and runs fn in one transaction: the
// job's effect is recorded exactly once even if the process dies at any
// point (before the commit the job runs again; after it, never). fn runs
// after the completion so it may enqueue a job unique with this one.
func Complete[T river.JobArgs](ctx context.Context, st store.Store, job *river.Job[T], fn func(tx store.Store) error) error {
	return st.InTx(ctx, func(tx store.Store) error {
		err := tx.JobTx(ctx, "", func(sqlTx *sql.Tx) error {
			if _, err := river.JobCompleteTx[riverdriver.Driver[*sql.Tx]](ctx, sqlTx, job); err != nil {
				return fmt.Errorf("complete job %d: %w", job.ID, err)
			}
			return nil
		})
		if err != nil || fn == nil {
			return err
		}
		return fn(tx)
	})
}

// Periodic schedules fn every interval on the leader instance. A run that
// is still queued or running is not doubled.
func (q *Queue) Periodic(name string, every time.Duration, fn func(ctx context.Context) error) {
	q.mu.Lock()
	q.sweeps[name] = fn
	q.mu.Unlock()
	q.client.PeriodicJobs().Add(river.NewPeriodicJob(river.PeriodicInterval(every),
		func() (river.JobArgs, *river.InsertOpts) { return SweepArgs{Name: name}, nil },
		&river.PeriodicJobOpts{ID: name, RunOnStart: true}))
}

// RunSweep runs a registered sweep now, in this process (tests, CLI).
func (q *Queue) RunSweep(ctx context.Context, name string) error {
	q.mu.Lock()
	fn := q.sweeps[name]
	q.mu.Unlock()
	if fn == nil {
		return fmt.Errorf("no sweep named %q", name)
	}
	return fn(ctx)
}

// SweepArgs runs one named periodic sweep.
type SweepArgs struct {
	Name string `json:"name"`
}

func (SweepArgs) Kind() string { return "sweep" }

func (SweepArgs) InsertOpts() river.InsertOpts {
	// Three attempts: a sweep cut short by a dying instance is rescued and
	// run again rather than left dead on the admin page.
	return river.InsertOpts{Queue: QueueSweep, MaxAttempts: 3, UniqueOpts: river.UniqueOpts{ByArgs: true,
		ByState: []rivertype.JobState{rivertype.JobStateAvailable, rivertype.JobStatePending, rivertype.JobStateRunning,
			rivertype.JobStateScheduled, rivertype.JobStateRetryable}}}
}

type sweepWorker struct {
	river.WorkerDefaults[SweepArgs]
	q *Queue
}

func (w *sweepWorker) Work(ctx context.Context, job *river.Job[SweepArgs]) error {
	w.q.mu.Lock()
	fn := w.q.sweeps[job.Args.Name]
	w.q.mu.Unlock()
	if fn == nil {
		// Another version of the platform scheduled it; nothing to run here.
		return river.JobCancel(fmt.Errorf("此实例没有名为 %q 的定时任务", job.Args.Name))
	}
	return fn(ctx)
}

// backoff is a retry policy from a function of the attempt number.
type backoff func(attempt int) time.Duration

func (b backoff) NextRetry(job *rivertype.JobRow) time.Time {
	return time.Now().Add(b(job.Attempt))
}

// errorLogger logs job errors and panics with the job's kind and attempt.
type errorLogger struct{ log *slog.Logger }

func (e *errorLogger) HandleError(ctx context.Context, job *rivertype.JobRow, err error) *river.ErrorHandlerResult {
	e.log.Warn("job failed", "kind", job.Kind, "job_id", job.ID, "attempt", job.Attempt, "max_attempts", job.MaxAttempts, "err", err)
	return nil
}

func (e *errorLogger) HandlePanic(ctx context.Context, job *rivertype.JobRow, v any, trace string) *river.ErrorHandlerResult {
	e.log.Error("job panicked", "kind", job.Kind, "job_id", job.ID, "attempt", job.Attempt, "panic", v, "stack", trace)
	return nil
}

// quietLogger passes River's own log at warning level and above.
func quietLogger(l *slog.Logger) *slog.Logger {
	return slog.New(levelFloor{h: l.Handler(), min: slog.LevelWarn}).With("component", "river")
}

type levelFloor struct {
	h   slog.Handler
	min slog.Level
}

func (f levelFloor) Enabled(ctx context.Context, l slog.Level) bool {
	return l >= f.min && f.h.Enabled(ctx, l)
}
func (f levelFloor) Handle(ctx context.Context, r slog.Record) error { return f.h.Handle(ctx, r) }
func (f levelFloor) WithAttrs(a []slog.Attr) slog.Handler {
	return levelFloor{h: f.h.WithAttrs(a), min: f.min}
}
func (f levelFloor) WithGroup(n string) slog.Handler {
	return levelFloor{h: f.h.WithGroup(n), min: f.min}
}
