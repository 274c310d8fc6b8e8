package notify

import (
	"context"
	"fmt"
	"log/slog"
	"strconv"
	"time"

	"github.com/tiaojie/tiaojie/internal/domain"
	"github.com/tiaojie/tiaojie/internal/store"
)

// OutboxSender is the demo sender: it records every message in Outbox (the
// admin "outbox" page lists it) and logs it with slog, phone masked. The log
// line includes the text, since texts carry no ID numbers, except that
// verification codes are replaced by "******"; the Outbox keeps the text as
// Shown (links and codes masked): these messages are recorded as sent in the
// past and are never delivered, so nothing needs the real text.
//
// A message that cannot be sent (bad phone number, empty text) is recorded
// as failed and an error is returned.
type OutboxSender struct {
	Outbox    Outbox
	Hash      func(phone string) string // keyed hash of the normalized phone (pii.Sealer.Hash)
	Log       *slog.Logger              // nil: slog.Default()
	Signature string                    // e.g. "浦东消调委"; the text gets the prefix 【浦东消调委】
}

var _ TxSender = (*OutboxSender)(nil)

// SendTx records m in the caller's transaction tx instead of Outbox.
func (s *OutboxSender) SendTx(ctx context.Context, tx store.Store, m Message) (Receipt, error) {
	in := *s
	in.Outbox = StoreOutbox{Store: tx}
	return in.Send(ctx, m)
}

// StoreOutbox is the Outbox of a store (or of an open transaction of one).
type StoreOutbox struct{ Store store.Store }

// AddOutbox records e.
func (o StoreOutbox) AddOutbox(ctx context.Context, e OutboxEntry) (int64, error) {
	return o.Store.AddOutbox(ctx, store.OutboxEntry{ToMask: e.ToMask, ToHash: e.ToHash, Body: e.Body, Kind: e.Kind, CaseID: e.CaseID,
		Provider: e.Provider, Status: e.Status, Error: e.Error, At: e.At, SentAt: sentAt(e)})
}

// sentAt is when a message recorded as sent went out.
func sentAt(e OutboxEntry) *time.Time {
	if e.Status != StatusSent {
		return nil
	}
	at := e.At
	return &at
}

// Send records m in the outbox.
func (s *OutboxSender) Send(ctx context.Context, m Message) (Receipt, error) {
	log := s.Log
	if log == nil {
		log = slog.Default()
	}
	if s.Outbox == nil {
		log.Error("sms not sent: no outbox", "to", domain.MaskMobile(m.To), "kind", m.Kind, "case_id", m.CaseID)
		return Receipt{}, ErrNoOutbox
	}
	p, perr := prepare(m, s.Signature, s.Hash)
	now := time.Now()
	e := OutboxEntry{ToMask: p.mask, ToHash: p.hash, Body: Shown(p.full), Kind: p.kind, CaseID: m.CaseID,
		Provider: ProviderOutbox, Status: StatusSent, At: now}
	if perr != nil {
		e.Status, e.Error = StatusFailed, perr.Error()
	}
	id, err := s.Outbox.AddOutbox(ctx, e)
	if err != nil {
		log.Error("sms outbox write failed", "to", p.mask, "kind", p.kind, "case_id", m.CaseID, "err", err)
		if perr != nil {
			return Receipt{}, fmt.Errorf("%w（记录发件箱也失败：%v）", perr, err)
		}
		return Receipt{}, fmt.Errorf("短信未能写入发件箱：%w", err)
	}
	if perr != nil {
		log.Warn("sms refused", "outbox_id", id, "to", p.mask, "kind", p.kind, "case_id", m.CaseID, "err", perr)
		return Receipt{}, perr
	}
	log.Info("sms to outbox", "outbox_id", id, "to", p.mask, "kind", p.kind, "case_id", m.CaseID,
		"body", logBody(p.kind, p.full))
	return Receipt{ID: "outbox-" + strconv.FormatInt(id, 10), Provider: ProviderOutbox, Status: StatusSent, At: now}, nil
}
