package jobs

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver"
	"github.com/riverqueue/river/rivertype"
)

// Failed is a job that has failed at least once: waiting to retry, or dead
// (discarded after its last attempt, or refused for good).
type Failed struct {
	ID          int64
	Kind        string
	Queue       string
	State       string // "retryable" or "discarded"
	Attempt     int
	MaxAttempts int
	LastError   string
	FailedAt    time.Time
	NextAt      time.Time // retryable: when it runs again
	Args        string    // the job's arguments (identifiers only, no personal data)
}

// StateLabel is the state in Chinese.
func (f Failed) StateLabel() string {
	if f.State == string(rivertype.JobStateDiscarded) {
		return "已放弃（死信）"
	}
	return "等待重试"
}

// ErrJobNotFound: no such job, or not in a state the action applies to.
var ErrJobNotFound = errors.New("任务不存在或已处理")

// ListFailed returns failed jobs, newest first.
func (q *Queue) ListFailed(ctx context.Context, limit int) ([]Failed, error) {
	res, err := q.client.JobList(ctx, river.NewJobListParams().
		States(rivertype.JobStateRetryable, rivertype.JobStateDiscarded).
		OrderBy(river.JobListOrderByID, river.SortOrderDesc).First(limit))
	if err != nil {
		return nil, fmt.Errorf("list failed jobs: %w", err)
	}
	out := make([]Failed, 0, len(res.Jobs))
	for _, j := range res.Jobs {
		f := Failed{ID: j.ID, Kind: j.Kind, Queue: j.Queue, State: string(j.State), Attempt: j.Attempt,
			MaxAttempts: j.MaxAttempts, Args: string(j.EncodedArgs)}
		if n := len(j.Errors); n > 0 {
			f.LastError, f.FailedAt = explain(j.Errors[n-1].Error), j.Errors[n-1].At
		}
		if j.State == rivertype.JobStateRetryable {
			f.NextAt = j.ScheduledAt
		} else if j.FinalizedAt != nil {
			f.FailedAt = *j.FinalizedAt
		}
		out = append(out, f)
	}
	return out, nil
}

// riverErrors puts River's own failure messages in words the
// administrator reads; the original stays after them for support.
var riverErrors = [][2]string{
	{"job kind is not registered", "本实例不认识此任务类型（可能由较新版本的实例加入，升级后重试）"},
	{"context deadline exceeded", "执行超时"},
	{"PanicError", "执行时程序异常（详见日志）"},
	{"jobs still running at shutdown", "停机时仍在执行，重启后继续"},
}

func explain(msg string) string {
	for _, e := range riverErrors {
		if strings.Contains(msg, e[0]) {
			return e[1] + "：" + msg
		}
	}
	return msg
}

// Retry runs a failed job again now (a dead one gets a fresh attempt).
func (q *Queue) Retry(ctx context.Context, id int64) error {
	return q.adminAction(ctx, id, "retry job", func(tx *sql.Tx) error {
		_, err := q.client.JobRetryTx(ctx, tx, id)
		return err
	})
}

// Discard gives up on a failed job: one waiting to retry is cancelled, a
// dead one is removed from the list. The audit trail keeps who did it.
func (q *Queue) Discard(ctx context.Context, id int64) error {
	return q.adminAction(ctx, id, "discard job", func(tx *sql.Tx) error {
		j, err := q.client.JobGetTx(ctx, tx, id)
		if err != nil {
			return err
		}
		switch j.State {
		case rivertype.JobStateDiscarded:
			_, err = q.client.JobDeleteTx(ctx, tx, id)
		case rivertype.JobStateRetryable:
			_, err = q.client.JobCancelTx(ctx, tx, id)
		default:
			return ErrJobNotFound
		}
		return err
	})
}

func (q *Queue) adminAction(ctx context.Context, id int64, what string, fn func(*sql.Tx) error) error {
	if q.store == nil {
		return errors.New("job queue has no store for the audit trail")
	}
	err := q.store.JobTx(ctx, fmt.Sprintf("%s %d", what, id), fn)
	if errors.Is(err, rivertype.ErrNotFound) {
		return ErrJobNotFound
	}
	return err
}

// Depth is the queue's state at one moment, for /metrics and the admin page.
type Depth struct {
	ByState map[string]int    // every queue: available, running, retryable, discarded, …
	ByQueue map[string][2]int // queue → {available, running}
}

// Depth counts jobs by state and queue.
func (q *Queue) Depth(ctx context.Context) (Depth, error) {
	exec := q.client.Driver().GetExecutor()
	states, err := exec.JobCountByAllStates(ctx, &riverdriver.JobCountByAllStatesParams{})
	if err != nil {
		return Depth{}, fmt.Errorf("count jobs by state: %w", err)
	}
	d := Depth{ByState: map[string]int{}, ByQueue: map[string][2]int{}}
	for s, n := range states {
		d.ByState[string(s)] = n
	}
	names := []string{QueueDefault, QueueSMS, QueueCourt, QueueSync, QueueImport, QueueSweep}
	sort.Strings(names)
	rows, err := exec.JobCountByQueueAndState(ctx, &riverdriver.JobCountByQueueAndStateParams{QueueNames: names})
	if err != nil {
		return Depth{}, fmt.Errorf("count jobs by queue: %w", err)
	}
	for _, r := range rows {
		d.ByQueue[r.Queue] = [2]int{int(r.CountAvailable), int(r.CountRunning)}
	}
	return d, nil
}

// Find returns one job (tests, the admin page's detail).
func (q *Queue) Find(ctx context.Context, id int64) (*rivertype.JobRow, error) {
	j, err := q.client.JobGet(ctx, id)
	if errors.Is(err, rivertype.ErrNotFound) {
		return nil, ErrJobNotFound
	}
	return j, err
}

// List returns jobs of one kind in the given states (tests, status pages).
// It moves the outbox first, so every job enqueued so far is seen.
func (q *Queue) List(ctx context.Context, kind string, states ...rivertype.JobState) ([]*rivertype.JobRow, error) {
	if _, err := q.Pump(ctx); err != nil {
		return nil, err
	}
	p := river.NewJobListParams().Kinds(kind).First(10000)
	if len(states) > 0 {
		p = p.States(states...)
	}
	res, err := q.client.JobList(ctx, p)
	if err != nil {
		return nil, fmt.Errorf("list %s jobs: %w", kind, err)
	}
	return res.Jobs, nil
}
