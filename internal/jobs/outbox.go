package jobs

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"
)

// Jobs are enqueued through an outbox: the change's transaction writes one
// small row into job_outbox, and a pump on every instance moves rows into
// River's queue in batches, each batch in one transaction (delete + insert),
// so a job exists exactly when the change that caused it committed and is
// moved exactly once. River's own insert, done per change, costs about a
// quarter of an intake on SQLite (its statement is parsed on every call) and
// a NOTIFY per transaction on PostgreSQL; a batch pays that once per 500.

// outboxOpts is what of river.InsertOpts the outbox keeps.
type outboxOpts struct {
	Queue       string               `json:"queue,omitempty"`
	MaxAttempts int                  `json:"max_attempts,omitempty"`
	Priority    int                  `json:"priority,omitempty"`
	ScheduledAt time.Time            `json:"scheduled_at,omitzero"`
	Tags        []string             `json:"tags,omitempty"`
	Unique      *outboxUnique        `json:"unique,omitempty"`
	ByState     []rivertype.JobState `json:"by_state,omitempty"`
}

type outboxUnique struct {
	ByArgs      bool          `json:"by_args,omitempty"`
	ByPeriod    time.Duration `json:"by_period,omitempty"`
	ByQueue     bool          `json:"by_queue,omitempty"`
	ExcludeKind bool          `json:"exclude_kind,omitempty"`
}

// effectiveOpts merges the args' own options with the caller's, field by
// field, the caller's winning (River's rule).
func effectiveOpts(p river.InsertManyParams) outboxOpts {
	var base river.InsertOpts
	if a, ok := p.Args.(river.JobArgsWithInsertOpts); ok {
		base = a.InsertOpts()
	}
	over := river.InsertOpts{}
	if p.InsertOpts != nil {
		over = *p.InsertOpts
	}
	o := outboxOpts{Queue: pick(over.Queue, base.Queue), MaxAttempts: pick(over.MaxAttempts, base.MaxAttempts),
		Priority: pick(over.Priority, base.Priority), ScheduledAt: over.ScheduledAt, Tags: over.Tags}
	if o.ScheduledAt.IsZero() {
		o.ScheduledAt = base.ScheduledAt
	}
	if o.Tags == nil {
		o.Tags = base.Tags
	}
	u := base.UniqueOpts
	if !uniqueEmpty(over.UniqueOpts) {
		u = over.UniqueOpts
	}
	if !uniqueEmpty(u) {
		o.Unique = &outboxUnique{ByArgs: u.ByArgs, ByPeriod: u.ByPeriod, ByQueue: u.ByQueue, ExcludeKind: u.ExcludeKind}
		o.ByState = u.ByState
	}
	return o
}

func uniqueEmpty(u river.UniqueOpts) bool {
	return !u.ByArgs && u.ByPeriod == 0 && !u.ByQueue && len(u.ByState) == 0 && !u.ExcludeKind
}

func pick[T comparable](a, b T) T {
	var zero T
	if a != zero {
		return a
	}
	return b
}

func (o outboxOpts) insertOpts() *river.InsertOpts {
	io := &river.InsertOpts{Queue: o.Queue, MaxAttempts: o.MaxAttempts, Priority: o.Priority, ScheduledAt: o.ScheduledAt, Tags: o.Tags}
	if o.Unique != nil {
		io.UniqueOpts = river.UniqueOpts{ByArgs: o.Unique.ByArgs, ByPeriod: o.Unique.ByPeriod, ByQueue: o.Unique.ByQueue,
			ExcludeKind: o.Unique.ExcludeKind, ByState: o.ByState}
	}
	return io
}

// rawArgs is a job read back from the outbox: its kind and encoded args.
type rawArgs struct {
	kind string
	args json.RawMessage
}

func (r rawArgs) Kind() string                 { return r.kind }
func (r rawArgs) MarshalJSON() ([]byte, error) { return r.args, nil }

// writeOutbox inserts the jobs on tx, validating them first so a bad job
// fails the change rather than the pump.
func (q *Queue) writeOutbox(ctx context.Context, tx *sql.Tx, params []river.InsertManyParams) error {
	now := time.Now().UTC()
	const perStmt = 200
	for len(params) > 0 {
		batch := params[:min(perStmt, len(params))]
		params = params[len(batch):]
		var b strings.Builder
		b.WriteString("INSERT INTO job_outbox (kind, args, opts, created_at) VALUES ")
		args := make([]any, 0, 4*len(batch))
		for i, p := range batch {
			if p.Args == nil || p.Args.Kind() == "" {
				return fmt.Errorf("enqueue: a job without a kind")
			}
			a, err := json.Marshal(p.Args)
			if err != nil {
				return fmt.Errorf("enqueue %s: encode args: %w", p.Args.Kind(), err)
			}
			o, err := json.Marshal(effectiveOpts(p))
			if err != nil {
				return fmt.Errorf("enqueue %s: encode options: %w", p.Args.Kind(), err)
			}
			if i > 0 {
				b.WriteString(", ")
			}
			n := len(args)
			fmt.Fprintf(&b, "($%d, $%d, $%d, $%d)", n+1, n+2, n+3, n+4)
			args = append(args, p.Args.Kind(), string(a), string(o), now)
		}
		if _, err := tx.ExecContext(ctx, b.String(), args...); err != nil {
			return fmt.Errorf("enqueue %s: %w", batch[0].Args.Kind(), err)
		}
	}
	return nil
}

// pumpBatch is how many outbox rows one move takes.
const pumpBatch = 500

// Pump moves waiting outbox rows into River's queue until none are left;
// it returns how many it moved. Safe on several instances at once.
func (q *Queue) Pump(ctx context.Context) (int, error) {
	total := 0
	for {
		n, err := q.moveBatch(ctx)
		total += n
		if err != nil || n < pumpBatch {
			return total, err
		}
	}
}

func (q *Queue) moveBatch(ctx context.Context) (int, error) {
	lock := ""
	if q.client.Driver().DatabaseName() == "postgres" {
		lock = " FOR UPDATE SKIP LOCKED" // instances take different rows
	}
	moved := 0
	err := q.store.JobTx(ctx, "", func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, `DELETE FROM job_outbox WHERE id IN (SELECT id FROM job_outbox ORDER BY id LIMIT $1`+lock+`)
			RETURNING id, kind, args, opts`, pumpBatch)
		if err != nil {
			return fmt.Errorf("take job outbox: %w", err)
		}
		var params []river.InsertManyParams
		for rows.Next() {
			var id int64
			var kind, args, opts string
			if err := rows.Scan(&id, &kind, &args, &opts); err != nil {
				rows.Close()
				return err
			}
			var o outboxOpts
			if err := json.Unmarshal([]byte(opts), &o); err != nil {
				rows.Close()
				return fmt.Errorf("job outbox row %d: %w", id, err)
			}
			params = append(params, river.InsertManyParams{Args: rawArgs{kind: kind, args: json.RawMessage(args)}, InsertOpts: o.insertOpts()})
		}
		if err := rows.Close(); err != nil {
			return err
		}
		if len(params) == 0 {
			return nil
		}
		if _, err := q.client.InsertManyTx(ctx, tx, params); err != nil {
			return fmt.Errorf("move %d jobs into the queue: %w", len(params), err)
		}
		moved = len(params)
		return nil
	})
	return moved, err
}

// pumpLoop moves the outbox now and then, and at once when nudged.
func (q *Queue) pumpLoop(ctx context.Context, every time.Duration) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		if _, err := q.Pump(ctx); err != nil && ctx.Err() == nil {
			q.log.Error("job outbox pump failed; retrying", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-q.nudge:
		case <-t.C:
		}
	}
}

func (q *Queue) wake() {
	select {
	case q.nudge <- struct{}{}:
	default:
	}
}
