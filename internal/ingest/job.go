package ingest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"

	"github.com/tiaojie/tiaojie/internal/audit"
	"github.com/tiaojie/tiaojie/internal/jobs"
	"github.com/tiaojie/tiaojie/internal/store"
)

// Args is the import job of one batch.
type Args struct {
	BatchID int64 `json:"batch_id"`
}

func (Args) Kind() string { return "import_12315" }

// MaxAttempts: a slice that keeps failing (the database away) is retried
// with backoff this many times before the batch is marked failed.
const MaxAttempts = 5

func (Args) InsertOpts() river.InsertOpts {
	return river.InsertOpts{Queue: jobs.QueueImport, MaxAttempts: MaxAttempts}
}

// Worker runs import jobs: one job's worth of slices per attempt, then a
// snooze that puts the job straight back in the queue (not an attempt), so
// no attempt runs long and a process that dies loses at most one
// uncommitted transaction of rows.
type Worker struct {
	river.WorkerDefaults[Args]
	Svc *Service
}

func (w *Worker) Work(ctx context.Context, job *river.Job[Args]) error {
	id := job.Args.BatchID
	ctx = audit.With(ctx, audit.Actor{Kind: audit.KindSystem, Name: fmt.Sprintf("12315导入（批次 %d）", id)})
	_, ended, err := w.Svc.Work(ctx, id, nil, func(tx store.Store) error {
		return jobs.Complete(ctx, tx, job, nil)
	})
	switch {
	case err == nil && ended:
		return nil // completed with the batch's last transaction
	case err == nil:
		return river.JobSnooze(0)
	case errors.Is(err, errNoBatch):
		return river.JobCancel(err)
	case errors.Is(ctx.Err(), context.Canceled):
		// Shutdown: the slice rolled back; the next instance to start
		// resumes from the cursor without spending an attempt.
		return river.JobSnooze(0)
	}
	bg := context.WithoutCancel(ctx)
	if job.Attempt >= job.MaxAttempts {
		if ferr := w.Svc.giveUp(bg, id, err); ferr != nil {
			err = errors.Join(err, ferr)
		}
	} else if nerr := w.Svc.note(bg, id, fmt.Sprintf("第 %d 次尝试出错，将自动重试：%v", job.Attempt, err)); nerr != nil {
		err = errors.Join(err, nerr)
	}
	return err
}

// giveUp marks a batch failed after its job's last attempt. It keeps the
// file: an administrator who retries the job resumes at the cursor.
func (s *Service) giveUp(ctx context.Context, id int64, cause error) error {
	return s.Store.InTx(ctx, func(tx store.Store) error {
		b, err := tx.ClaimImportBatch(ctx, id, s.now())
		if err != nil || b.Ended() {
			return err
		}
		from := b.Done
		now := s.now()
		b.Status, b.Finished = "failed", &now
		b.Message = StoppedMessage(b, fmt.Sprintf("重试 %d 次仍出错（%v）", MaxAttempts, cause)) +
			fmt.Sprintf("管理员可在“失败任务”中重试该任务，将从第 %d 条继续；也可重新上传同一文件，已导入的投诉会自动跳过。", b.Done+1)
		return tx.SaveImportBatch(ctx, b, from)
	})
}

// note shows a passing problem on the batch while its job waits to retry.
func (s *Service) note(ctx context.Context, id int64, msg string) error {
	return s.Store.InTx(ctx, func(tx store.Store) error {
		b, err := tx.ClaimImportBatch(ctx, id, s.now())
		if err != nil || b.Ended() {
			return err
		}
		b.Message = msg
		return tx.SaveImportBatch(ctx, b, b.Done)
	})
}

// liveStates are the states of a job that will still run.
var liveStates = []rivertype.JobState{rivertype.JobStateAvailable, rivertype.JobStatePending, rivertype.JobStateRetryable,
	rivertype.JobStateRunning, rivertype.JobStateScheduled}

// FailOrphans ends batches still queued or running that no job will finish
// (their job was discarded: the process died during its last attempt, or an
// administrator discarded it), so none stays "running" for ever. A batch
// touched within grace is left alone: its job may be newer than the list.
func (s *Service) FailOrphans(ctx context.Context, grace time.Duration) (int, error) {
	live, err := s.Queue.List(ctx, Args{}.Kind(), liveStates...)
	if err != nil {
		return 0, err
	}
	has := map[int64]bool{}
	for _, j := range live {
		var a Args
		if err := json.Unmarshal(j.EncodedArgs, &a); err == nil {
			has[a.BatchID] = true
		}
	}
	active, err := s.Store.ListActiveImportBatches(ctx)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, seen := range active {
		last := seen.Started
		if seen.Heartbeat != nil {
			last = *seen.Heartbeat
		}
		if has[seen.ID] || s.now().Sub(last) < grace {
			continue
		}
		ended := false
		err := s.Store.InTx(ctx, func(tx store.Store) error {
			b, err := tx.ClaimImportBatch(ctx, seen.ID, s.now())
			if err != nil || b.Status != seen.Status || b.Done != seen.Done {
				return err // it moved meanwhile
			}
			ended = true
			return s.fail(ctx, tx, &b, "导入任务已丢失（多次中断后被放弃）", nil)
		})
		if err != nil {
			return n, fmt.Errorf("end orphaned import batch %d: %w", seen.ID, err)
		}
		if ended {
			n++
		}
	}
	return n, nil
}
