package smartsync

import (
	"context"
	"errors"
	"fmt"
	"net/http"

	"github.com/riverqueue/river"

	"github.com/tiaojie/tiaojie/internal/jobs"
	"github.com/tiaojie/tiaojie/internal/smartmediation"
	"github.com/tiaojie/tiaojie/internal/store"
)

type caseWorker struct {
	river.WorkerDefaults[CaseArgs]
	s *Service
}

// Work sends the case as it is now. The platform's id and the record's
// digest are recorded with the job's completion in one transaction; a
// crash before that commit sends again, and the platform answers the
// same id (upserts are keyed by our case code).
func (w *caseWorker) Work(ctx context.Context, job *river.Job[CaseArgs]) error {
	s := w.s
	if !s.On() {
		return river.JobCancel(errors.New("智慧调解平台对接未开启"))
	}
	src, ms, err := s.Source(ctx, job.Args.CaseID)
	if errors.Is(err, store.ErrNotFound) {
		return river.JobCancel(fmt.Errorf("案件 %d 不存在", job.Args.CaseID))
	}
	if err != nil {
		return err
	}
	row := store.SmartSync{CaseID: src.Case.ID, CommitteeID: src.Case.CommitteeID, Attempts: job.Attempt,
		CaseCode: smartmediation.CaseCode(src.CommitteeCode, src.Case.Year, src.Case.Seq)}
	finish := func(state, msg string) error {
		row.State, row.LastError = state, msg
		return jobs.Complete(ctx, s.Store, job, func(tx store.Store) error {
			if err := tx.PutSmartSync(ctx, row); err != nil {
				return err
			}
			// The case moved while this ran (its new event found this job
			// running, so queued nothing): send it again.
			now, err := tx.GetCase(ctx, src.Case.ID)
			if err != nil || now.Version == src.Case.Version {
				return err
			}
			return s.Jobs.Enqueue(ctx, tx, "queue smart-mediation sync", jobs.Insert(CaseArgs{CaseID: src.Case.ID}, nil))
		})
	}
	rec, err := smartmediation.BuildCase(src)
	var ve *smartmediation.ValidationError
	switch {
	case errors.Is(err, smartmediation.ErrNotReportable):
		return finish(store.SmartSkipped, "未受理或已合并的案件不报送")
	case errors.As(err, &ve):
		// Our record is incomplete: a person fixes the case, and the next
		// triggering event (or 重新同步) sends it again.
		return finish(store.SmartRejected, ve.Error())
	case err != nil:
		return err
	}
	cl := s.client(src.CommitteeCode)
	if err := s.sendRefs(ctx, cl, src, ms); err != nil {
		return w.failed(ctx, job, row, err)
	}
	res, err := cl.PutCase(ctx, rec)
	if err != nil {
		return w.failed(ctx, job, row, err)
	}
	now := s.now()
	row.PlatformID, row.Digest, row.Revision, row.SyncedAt = res.PlatformID, smartmediation.Digest(rec), res.Revision, &now
	return finish(store.SmartSynced, "")
}

// failed records why a send failed and tells River whether to try again.
func (w *caseWorker) failed(ctx context.Context, job *river.Job[CaseArgs], row store.SmartSync, err error) error {
	var pe *smartmediation.Error
	if !errors.As(err, &pe) {
		return err // ours (database, mapping): River retries
	}
	row.LastError = pe.Error()
	switch {
	case pe.Status == http.StatusConflict:
		row.State = store.SmartConflict
		if pe.ExistingPlatformID != "" {
			row.LastError += "；平台已有案件 " + pe.ExistingPlatformID
		}
	case pe.Retryable && job.Attempt < job.MaxAttempts:
		row.State = store.SmartRetrying
		if perr := w.s.Store.PutSmartSync(ctx, row); perr != nil {
			return errors.Join(err, perr)
		}
		return err
	case pe.Retryable:
		row.State = store.SmartFailed
		row.LastError = "多次重试仍失败：" + row.LastError
	case pe.Status == http.StatusUnauthorized || pe.Status == http.StatusForbidden:
		row.State = store.SmartFailed
	default:
		row.State = store.SmartRejected
	}
	if perr := w.s.Store.PutSmartSync(ctx, row); perr != nil {
		return errors.Join(err, perr)
	}
	return river.JobCancel(err)
}

// BackfillArgs queues every accepted case of a committee that the
// platform does not hold yet, a page at a time.
type BackfillArgs struct {
	CommitteeID int64 `json:"committee_id"`
	AfterID     int64 `json:"after_id"`
}

func (BackfillArgs) Kind() string { return "smart_mediation_backfill" }

func (BackfillArgs) InsertOpts() river.InsertOpts { return river.InsertOpts{Queue: jobs.QueueSync} }

type backfillWorker struct {
	river.WorkerDefaults[BackfillArgs]
	s *Service
}

const backfillPage = 1000

// Work queues one page of cases and the next page, with its completion.
func (w *backfillWorker) Work(ctx context.Context, job *river.Job[BackfillArgs]) error {
	ids, err := w.s.Store.UnsyncedCases(ctx, job.Args.CommitteeID, job.Args.AfterID, backfillPage)
	if err != nil {
		return err
	}
	return jobs.Complete(ctx, w.s.Store, job, func(tx store.Store) error {
		params := make([]river.InsertManyParams, 0, len(ids)+1)
		for _, id := range ids {
			params = append(params, jobs.Insert(CaseArgs{CaseID: id}, nil))
		}
		if len(ids) == backfillPage {
			params = append(params, jobs.Insert(BackfillArgs{CommitteeID: job.Args.CommitteeID, AfterID: ids[len(ids)-1]}, nil))
		}
		return w.s.Jobs.Enqueue(ctx, tx, "queue smart-mediation backfill", params...)
	})
}

// Backfill starts sending a committee's unsynced cases.
func (s *Service) Backfill(ctx context.Context, committeeID int64) error {
	return s.Jobs.Enqueue(ctx, s.Store, "start smart-mediation backfill", jobs.Insert(BackfillArgs{CommitteeID: committeeID}, nil))
}
