package agreement

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"unicode/utf8"

	"github.com/riverqueue/river"

	"github.com/tiaojie/tiaojie/internal/access"
	"github.com/tiaojie/tiaojie/internal/auth"
	"github.com/tiaojie/tiaojie/internal/court"
	"github.com/tiaojie/tiaojie/internal/domain"
	"github.com/tiaojie/tiaojie/internal/jobs"
	"github.com/tiaojie/tiaojie/internal/store"
)

// CourtSubmitArgs is the job that delivers one stored application to the
// court system. It names the application only: the package, with the
// parties' contacts, stays in the application's row.
type CourtSubmitArgs struct {
	CaseID int64 `json:"case_id"`
	// Application is the application's idempotency key: a job for an
	// application the court refused never sends the case's next one.
	Application string `json:"application"`
}

// Kind names the job.
func (CourtSubmitArgs) Kind() string { return "court_submit" }

// InsertOpts puts the job on the court queue, with the queue's retries.
func (CourtSubmitArgs) InsertOpts() river.InsertOpts { return river.InsertOpts{Queue: jobs.QueueCourt} }

// CourtWorker works court-submit jobs: it sends the package with the
// application's idempotency key, and records the receipt and completes the
// job in one transaction. A crash between the court's answer and that commit
// runs the job again, and the court answers the same key with the same
// receipt: the court holds one submission, the case one receipt.
type CourtWorker struct {
	river.WorkerDefaults[CourtSubmitArgs]
	Agreement *Service
}

// Work delivers one application.
func (w *CourtWorker) Work(ctx context.Context, job *river.Job[CourtSubmitArgs]) error {
	return w.Agreement.deliver(ctx, job)
}

// maxReasonRunes bounds a failure reason kept on the application.
const maxReasonRunes = 200

func (s *Service) deliver(ctx context.Context, job *river.Job[CourtSubmitArgs]) error {
	caseID, key := job.Args.CaseID, job.Args.Application
	ja, err := s.Store.GetJudicialApplication(ctx, caseID)
	if errors.Is(err, store.ErrNotFound) || err == nil && ja.IdempotencyKey != key {
		return river.JobCancel(fmt.Errorf("案件 %d 的这份司法确认申请已不存在（已被法院系统退回）", caseID))
	}
	if err != nil {
		return fmt.Errorf("load judicial application of case %d: %w", caseID, err)
	}
	if ja.Status != "sending" && ja.Status != "failed" {
		// An earlier run recorded the receipt (this is a repeat of a job
		// sent again by hand while the first was finishing).
		return jobs.Complete(ctx, s.Store, job, nil)
	}
	receipt, err := s.send(ctx, ja)
	var refused *court.Refused
	if errors.As(err, &refused) {
		// Sending it again unchanged would be refused again: free the case
		// with a note saying why, so the mediator can correct and file anew.
		note := "法院退回（" + refused.Reason() + "），司法确认申请未送达，可核对后重新申请"
		data, _ := json.Marshal(map[string]string{"reason": refused.Reason()})
		rerr := s.Store.InTx(ctx, func(tx store.Store) error {
			if err := tx.DeleteJudicialApplication(ctx, caseID, key); err != nil {
				return err
			}
			return tx.AddNote(ctx, caseID, store.Event{Type: "judicial_send_refused", ActorName: "法院系统", At: s.now(), Note: note, Data: string(data)})
		})
		if rerr != nil && !errors.Is(rerr, store.ErrNotFound) {
			return fmt.Errorf("record court refusal of case %d: %w", caseID, rerr)
		}
		return river.JobCancel(err)
	}
	if err != nil {
		// Network, timeout, 5xx: River tries again later with the same key.
		// The case page shows why; after the last attempt the application
		// waits for someone to send it again.
		final := job.Attempt >= job.MaxAttempts
		reason := failureReason(err)
		rerr := s.Store.InTx(ctx, func(tx store.Store) error {
			if err := tx.RecordJudicialAttempt(ctx, caseID, key, reason, s.now(), final); err != nil {
				return err
			}
			if !final {
				return nil
			}
			return tx.AddNote(ctx, caseID, store.Event{Type: "judicial_send_failed", ActorName: "法院系统", At: s.now(),
				Note: fmt.Sprintf("司法确认申请经%d次尝试仍未送达法院系统（%s），可重新提交", job.Attempt, reason)})
		})
		if errors.Is(rerr, store.ErrNotFound) { // delivered or refused meanwhile by another run
			return jobs.Complete(ctx, s.Store, job, nil)
		}
		return errors.Join(err, rerr)
	}
	return jobs.Complete(ctx, s.Store, job, func(tx store.Store) error {
		err := tx.MarkJudicialSent(ctx, caseID, key, receipt)
		if errors.Is(err, store.ErrNotFound) {
			return nil // another run recorded this receipt (the court answers one key with one receipt)
		}
		if err != nil {
			return err
		}
		return tx.AddNote(ctx, caseID, store.Event{Type: "judicial_sent", ActorName: "法院系统", At: s.now(), Note: "法院系统已接收申请，回执" + receipt})
	})
}

// send posts the application's package with its key.
func (s *Service) send(ctx context.Context, ja store.JudicialApplication) (string, error) {
	if s.Court == nil {
		return "", &court.Unavailable{Reason: "未配置法院系统连接"}
	}
	ct, err := s.Store.GetOrgUnit(ctx, ja.CourtID)
	if err != nil {
		return "", fmt.Errorf("court of application %d: %w", ja.CaseID, err)
	}
	_, sha, err := s.Store.GetAgreementDocument(ctx, ja.CaseID)
	if err != nil {
		return "", fmt.Errorf("agreement of application %d: %w", ja.CaseID, err)
	}
	return s.Court.Submit(ctx, ja.IdempotencyKey, ja.CaseNumber, ct.Code, sha, ja.Package)
}

// failureReason is why an attempt failed, in a few words for the case page.
func failureReason(err error) string {
	var unavailable *court.Unavailable
	msg := err.Error()
	if errors.As(err, &unavailable) {
		msg = unavailable.Reason
	} else {
		msg = "系统内部错误：" + msg
	}
	if utf8.RuneCountInString(msg) > maxReasonRunes {
		msg = string([]rune(msg)[:maxReasonRunes]) + "…"
	}
	return msg
}

// ResubmitJudicial sends an application whose delivery gave up to the court
// system again, under the same idempotency key, for who may act on the case.
func (s *Service) ResubmitJudicial(ctx context.Context, p *auth.Principal, caseID int64) error {
	if _, err := access.Authorize(ctx, s.Store, p, caseID, true); err != nil {
		return err
	}
	ja, err := s.Store.GetJudicialApplication(ctx, caseID)
	if errors.Is(err, store.ErrNotFound) {
		return &domain.FieldError{Field: "court", Message: "本案没有司法确认申请"}
	} else if err != nil {
		return fmt.Errorf("get judicial application of case %d: %w", caseID, err)
	}
	return s.requeue(ctx, p, ja)
}

// CourtResubmit is ResubmitJudicial for a liaison of the court the
// application is addressed to.
func (s *Service) CourtResubmit(ctx context.Context, p *auth.Principal, caseID int64) error {
	ja, err := s.CourtApplication(ctx, p, caseID)
	if err != nil {
		return err
	}
	return s.requeue(ctx, p, ja)
}

// requeue makes a failed application "sending" and enqueues its job, in one
// transaction: of two clicks at once, one queues it and the other is told
// it is queued already.
func (s *Service) requeue(ctx context.Context, p *auth.Principal, ja store.JudicialApplication) error {
	if ja.Status != "failed" {
		return &domain.FieldError{Field: "court", Message: "只有未能送达法院系统的申请可以重新提交"}
	}
	if s.Court == nil || s.Jobs == nil {
		return &domain.FieldError{Field: "court", Message: "未配置法院系统连接，无法重新提交"}
	}
	err := s.Store.InTx(ctx, func(tx store.Store) error {
		if err := tx.RequeueJudicial(ctx, ja.CaseID, ja.IdempotencyKey); errors.Is(err, store.ErrNotFound) {
			return &domain.FieldError{Field: "court", Message: "申请已重新排队提交"}
		} else if err != nil {
			return err
		}
		if err := tx.AddNote(ctx, ja.CaseID, store.Event{Type: "judicial_resubmitted", ActorID: p.UserID, ActorName: p.DisplayName, At: s.now(),
			Note: "重新提交法院系统（同一申请，沿用原幂等键）"}); err != nil {
			return err
		}
		return s.Jobs.Enqueue(ctx, tx, "enqueue court resubmission", jobs.Insert(CourtSubmitArgs{CaseID: ja.CaseID, Application: ja.IdempotencyKey}, nil))
	})
	return stale(err)
}

// Delivery says where an application stands on its way to the court, for
// the case page and the API: "queued", "retrying", "failed", "submitted"
// (the court system's receipt, or on this platform's court list), with the
// words to show.
func Delivery(ja store.JudicialApplication) (state, label string) {
	switch {
	case ja.Status == "sending" && ja.LastError == "":
		return "queued", "已排队提交法院"
	case ja.Status == "sending":
		return "retrying", "重试中（" + ja.LastError + "）"
	case ja.Status == "failed":
		return "failed", "未能送达法院系统（" + ja.LastError + "），可重新提交"
	case ja.Receipt == LocalReceipt:
		return "submitted", "已提交，由法院联络人在本平台办理"
	default:
		return "submitted", "已提交，回执号" + ja.Receipt
	}
}

// LastRefusal is why the court system last sent the case's application back
// (法院退回), when no application was filed since; "" otherwise.
func LastRefusal(events []store.Event) string {
	reason := ""
	for _, ev := range events {
		switch ev.Type {
		case "judicial_applied":
			reason = ""
		case "judicial_send_refused":
			var d struct {
				Reason string `json:"reason"`
			}
			if json.Unmarshal([]byte(ev.Data), &d) != nil || d.Reason == "" {
				d.Reason = ev.Note
			}
			reason = d.Reason
		}
	}
	return reason
}

// newKey is a random version 4 UUID: an application's idempotency key.
func newKey() string {
	var b [16]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never returns an error
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	h := hex.EncodeToString(b[:])
	return h[:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
}

// DeliveryLabel is Delivery's label alone (pages' template function).
func DeliveryLabel(ja store.JudicialApplication) string {
	_, l := Delivery(ja)
	return l
}
