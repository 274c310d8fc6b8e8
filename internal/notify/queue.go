package notify

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strconv"
	"strings"
	"time"

	"github.com/riverqueue/river"

	"github.com/tiaojie/tiaojie/internal/jobs"
	"github.com/tiaojie/tiaojie/internal/pii"
	"github.com/tiaojie/tiaojie/internal/store"
)

// Outbox statuses of a message sent through the queue. StatusSent and
// StatusFailed (notify.go) end it; the others are on the way.
const (
	StatusQueued   = "queued"   // recorded with its job, not yet tried
	StatusSending  = "sending"  // an attempt is under way
	StatusRetrying = "retrying" // an attempt failed; the job queue tries again later
)

// ProviderQueue names the receipt of a message that was queued, not yet sent.
const ProviderQueue = "queue"

// codeAttempts bounds the attempts for a verification code: it is valid for
// minutes, and with the queue's backoff (1 s, 16 s, 81 s) the fourth try is
// the last that can still be of use.
const codeAttempts = 4

// SMSArgs is the job that delivers one outbox row. It names the row only:
// the phone and the text stay sealed in the outbox, never in the job table.
type SMSArgs struct {
	OutboxID int64 `json:"outbox_id"`
}

func (SMSArgs) Kind() string { return "sms" }

func (SMSArgs) InsertOpts() river.InsertOpts { return river.InsertOpts{Queue: jobs.QueueSMS} }

// TxSender is a Sender that can also record a message inside the caller's
// transaction, so the message exists exactly when the change that causes it
// commits.
type TxSender interface {
	Sender
	SendTx(ctx context.Context, tx store.Store, m Message) (Receipt, error)
}

// SendTx queues m in tx when s can join a transaction (Queue, OutboxSender);
// any other sender (a test double that writes nothing) is simply called.
func SendTx(ctx context.Context, s Sender, tx store.Store, m Message) (Receipt, error) {
	if ts, ok := s.(TxSender); ok {
		return ts.SendTx(ctx, tx, m)
	}
	return s.Send(ctx, m)
}

// Refused reports whether err says the message itself cannot be sent (a bad
// number, an empty or overlong text). Such a message is recorded as failed;
// a caller may carry on with its change, while any other error (the database)
// must abort it.
func Refused(err error) bool {
	return errors.Is(err, ErrInvalidPhone) || errors.Is(err, ErrEmptyBody) || errors.Is(err, ErrBodyTooLong)
}

// Queue is the platform's Sender: each message becomes an outbox row
// (status queued, phone and text sealed, a request_id of its own) and an
// "sms" job naming that row, in one transaction. The Worker delivers it
// later, so no request waits on the SMS gateway and nothing is lost when the
// gateway is down or the process dies.
//
// A message that cannot be sent (bad number, empty text) is recorded as
// failed, with no job, and its error returned.
type Queue struct {
	Store     store.Store
	Jobs      *jobs.Queue
	Sealer    *pii.Sealer
	Signature string       // e.g. "浦东消调委"
	Log       *slog.Logger // nil: slog.Default()
}

var _ TxSender = (*Queue)(nil)

// Send queues m in a transaction of its own.
func (q *Queue) Send(ctx context.Context, m Message) (Receipt, error) {
	var rc Receipt
	var refused error
	err := q.Store.InTx(ctx, func(tx store.Store) error {
		var err error
		rc, refused, err = q.queue(ctx, tx, m)
		return err
	})
	if err != nil {
		return Receipt{}, fmt.Errorf("短信未能排队发送：%w", err)
	}
	return rc, refused
}

// SendTx queues m in the caller's transaction tx: the message and its job
// commit, or roll back, with the caller's change.
func (q *Queue) SendTx(ctx context.Context, tx store.Store, m Message) (Receipt, error) {
	rc, refused, err := q.queue(ctx, tx, m)
	if err != nil {
		return Receipt{}, fmt.Errorf("短信未能排队发送：%w", err)
	}
	return rc, refused
}

// queue writes the row (and the job) in tx. refused is the message's own
// fault, recorded as a failed row; err is a storage failure.
func (q *Queue) queue(ctx context.Context, tx store.Store, m Message) (rc Receipt, refused, err error) {
	log := q.logger()
	p, perr := prepare(m, q.Signature, q.Sealer.Hash)
	now := time.Now()
	// The row keeps the text masked (no link token, no code); the real text
	// is sealed in BodySealed and opened only by the Worker at send time.
	e := store.OutboxEntry{ToMask: p.mask, ToHash: p.hash, Body: Shown(p.full), Kind: p.kind, CaseID: m.CaseID, Status: StatusQueued, At: now}
	if perr != nil {
		e.Status, e.Error = StatusFailed, perr.Error()
		id, err := tx.AddOutbox(ctx, e)
		if err != nil {
			return Receipt{}, perr, fmt.Errorf("record refused sms: %w", err)
		}
		log.Warn("sms refused", "outbox_id", id, "to", p.mask, "kind", p.kind, "case_id", m.CaseID, "err", perr)
		return Receipt{}, perr, nil
	}
	e.RequestID, e.PhoneSealed, e.BodySealed, e.QueuedAt = newRequestID(), q.Sealer.Seal(p.phone), q.Sealer.Seal(p.content), &now
	id, err := tx.AddOutbox(ctx, e)
	if err != nil {
		return Receipt{}, nil, fmt.Errorf("record sms: %w", err)
	}
	var opts *river.InsertOpts
	if isCode(p.kind, p.content) {
		opts = &river.InsertOpts{Queue: jobs.QueueSMS, MaxAttempts: codeAttempts}
	}
	if err := q.Jobs.Enqueue(ctx, tx, "queue sms", jobs.Insert(SMSArgs{OutboxID: id}, opts)); err != nil {
		return Receipt{}, nil, err
	}
	log.Info("sms queued", "outbox_id", id, "to", p.mask, "kind", p.kind, "case_id", m.CaseID, "request_id", e.RequestID)
	return Receipt{ID: outboxRef(id), Provider: ProviderQueue, Status: StatusQueued, At: now}, nil, nil
}

func (q *Queue) logger() *slog.Logger {
	if q.Log != nil {
		return q.Log
	}
	return slog.Default()
}

// isCode says whether a text carries a verification code.
func isCode(kind, content string) bool {
	return kind == KindVerifyCode || strings.HasSuffix(kind, "_code") || strings.Contains(content, "验证码")
}

func outboxRef(id int64) string { return "outbox-" + strconv.FormatInt(id, 10) }

// Delivery is one attempt to hand a message to whoever delivers it. Phone is
// in clear: a Deliverer must never log it (Mask is for logs).
type Delivery struct {
	OutboxID  int64
	RequestID string // idempotency key, the same on every attempt
	Phone     string
	Mask      string
	Content   string // without the signature
	Kind      string
	CaseID    int64
}

// Deliverer hands a message over: the outbox alone (demo) or an SMS gateway.
// Each call is one attempt; the job queue retries. A returned error is
// retried when Temporary says so, else the message fails at once.
type Deliverer interface {
	Deliver(ctx context.Context, d Delivery) (Receipt, error)
}

// Temporary reports whether a delivery that failed with err may succeed when
// tried again: network errors, timeouts, HTTP 429 and 5xx. A gateway's
// refusal (4xx, a non-zero code) and a message refused before sending are
// final. Unknown errors are taken as temporary: trying again costs little,
// and the request_id keeps a repeat from reaching the party twice.
func Temporary(err error) bool {
	var ge *GatewayError
	switch {
	case err == nil:
		return false
	case errors.As(err, &ge):
		return ge.Temporary || ge.Stopped
	case Refused(err), errors.Is(err, ErrNoGateway), errors.Is(err, errUnreadable):
		return false
	}
	return true
}

// OutboxDeliverer is the demo's delivery: nothing leaves the platform. The
// message counts as sent at once and is logged with the phone masked and any
// verification code replaced by "******"; the outbox page shows the text
// masked (Shown), so nobody reading it can act as the party.
type OutboxDeliverer struct {
	Log       *slog.Logger // nil: slog.Default()
	Signature string
	// Phone, when set (the demo only), is the stand-in for the parties'
	// phones: each message is written there whole, code and link included,
	// as the phone would show it, so a person trying the demo can follow a
	// link or type a code that no screen of the platform shows.
	Phone io.Writer
}

var _ Deliverer = (*OutboxDeliverer)(nil)

func (o *OutboxDeliverer) Deliver(ctx context.Context, d Delivery) (Receipt, error) {
	log := o.Log
	if log == nil {
		log = slog.Default()
	}
	log.Info("sms to outbox", "outbox_id", d.OutboxID, "to", d.Mask, "kind", d.Kind, "case_id", d.CaseID,
		"body", logBody(d.Kind, withSignature(d.Content, o.Signature)))
	if o.Phone != nil {
		fmt.Fprintf(o.Phone, "【演示手机 %s 收到短信】%s\n", d.Mask, withSignature(d.Content, o.Signature))
	}
	return Receipt{ID: outboxRef(d.OutboxID), Provider: ProviderOutbox, Status: StatusSent, At: time.Now()}, nil
}

// errUnreadable: the sealed phone or text cannot be opened (the key changed).
var errUnreadable = errors.New("短信收件人或内容无法解密（数据密钥与写入时不符），无法发送")

// Worker delivers "sms" jobs (queue jobs.QueueSMS). For each job it loads
// the outbox row; a row already sent only completes the job. Otherwise it
// marks the row sending, hands it to the Deliverer with the row's
// request_id, and then:
//
//   - success: marks the row sent and completes the job in one transaction;
//   - a temporary failure: marks the row retrying with the error and
//     returns it, so the queue retries with backoff;
//   - a final failure, or the last attempt: marks the row failed and
//     cancels the job.
//
// If the process dies after the gateway accepted the message but before
// that transaction committed, the job runs again and resends with the same
// request_id; the gateway answers with the first msg_id and delivers
// nothing twice.
type Worker struct {
	river.WorkerDefaults[SMSArgs]
	Store     store.Store
	Sealer    *pii.Sealer
	Deliverer Deliverer
	Log       *slog.Logger // nil: slog.Default()
}

func (w *Worker) logger() *slog.Logger {
	if w.Log != nil {
		return w.Log
	}
	return slog.Default()
}

func (w *Worker) Work(ctx context.Context, job *river.Job[SMSArgs]) error {
	id := job.Args.OutboxID
	log := w.logger()
	e, err := w.Store.GetOutbox(ctx, id)
	if errors.Is(err, store.ErrNotFound) {
		return river.JobCancel(fmt.Errorf("发件箱中没有第%d条短信", id))
	}
	if err != nil {
		return fmt.Errorf("load sms %d: %w", id, err)
	}
	if e.Status == StatusSent {
		return jobs.Complete(ctx, w.Store, job, nil)
	}
	attrs := []any{"outbox_id", id, "to", e.ToMask, "kind", e.Kind, "case_id", e.CaseID, "request_id", e.RequestID,
		"attempt", job.Attempt, "max_attempts", job.MaxAttempts}
	phone, perr := w.Sealer.Open(e.PhoneSealed)
	content, cerr := w.Sealer.Open(e.BodySealed)
	if perr != nil || cerr != nil || phone == "" || e.RequestID == "" {
		return w.fail(ctx, log, attrs, id, errUnreadable)
	}
	err = w.Store.UpdateOutbox(ctx, id, store.OutboxUpdate{Status: StatusSending, Attempt: true, Error: e.Error, At: time.Now()})
	if errors.Is(err, store.ErrConflict) {
		return jobs.Complete(ctx, w.Store, job, nil) // sent meanwhile
	}
	if err != nil {
		return fmt.Errorf("mark sms %d sending: %w", id, err)
	}
	rc, derr := w.Deliverer.Deliver(ctx, Delivery{OutboxID: id, RequestID: e.RequestID, Phone: phone, Mask: e.ToMask,
		Content: content, Kind: e.Kind, CaseID: e.CaseID})
	if derr == nil {
		err := jobs.Complete(ctx, w.Store, job, func(tx store.Store) error {
			err := tx.UpdateOutbox(ctx, id, store.OutboxUpdate{Status: StatusSent, Provider: rc.Provider, ProviderMsgID: rc.ID, At: rc.At})
			if errors.Is(err, store.ErrConflict) {
				return nil // another run recorded it first
			}
			return err
		})
		if err != nil {
			// Delivered but not recorded: the retry resends with the same
			// request_id, which the gateway does not deliver twice.
			log.Warn("sms delivered, record failed; will retry", append(attrs, "err", err)...)
			return fmt.Errorf("record sms %d sent: %w", id, err)
		}
		log.Info("sms sent", append(attrs, "provider", rc.Provider, "msg_id", rc.ID)...)
		return nil
	}
	if !Temporary(derr) || job.Attempt >= job.MaxAttempts {
		return w.fail(ctx, log, attrs, id, derr)
	}
	msg := errorText(derr)
	// Recorded even when ctx was cancelled (shutdown): the row must not stay "sending".
	if err := w.Store.UpdateOutbox(context.WithoutCancel(ctx), id, store.OutboxUpdate{Status: StatusRetrying, Error: msg, At: time.Now()}); err != nil && !errors.Is(err, store.ErrConflict) {
		log.Error("sms retry not recorded", append(attrs, "err", err)...)
	}
	log.Warn("sms failed, will retry", append(attrs, "err", msg)...)
	return errors.New(msg)
}

// fail marks the row failed for good and cancels the job.
func (w *Worker) fail(ctx context.Context, log *slog.Logger, attrs []any, id int64, cause error) error {
	msg := errorText(cause)
	err := w.Store.UpdateOutbox(context.WithoutCancel(ctx), id, store.OutboxUpdate{Status: StatusFailed, Error: msg, At: time.Now()})
	if errors.Is(err, store.ErrConflict) {
		return nil // sent meanwhile: nothing failed
	}
	if err != nil {
		// Not recorded: let the queue run the job again rather than leave
		// the row claiming it is still on its way.
		return fmt.Errorf("mark sms %d failed: %w", id, err)
	}
	log.Warn("sms failed", append(attrs, "err", msg)...)
	return river.JobCancel(errors.New(msg))
}

// errorText is a delivery error as the outbox shows it: Chinese, phone
// numbers masked, bounded.
func errorText(err error) string {
	var ge *GatewayError
	if errors.As(err, &ge) || strings.HasPrefix(err.Error(), "短信") {
		return cleanMessage(err.Error())
	}
	switch {
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return "短信发送失败：发送已中止（请求被取消或超出时限）"
	}
	return "短信发送失败：" + cleanMessage(err.Error())
}
