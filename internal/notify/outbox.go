package notify

import (
	"context"
	"fmt"
	"log/slog"
	"strconv"
	"time"

	"github.com/tiaojie/tiaojie/internal/domain"
)

// OutboxSender is the demo sender: it records every message in Outbox (the
// admin "outbox" page lists it) and logs it with slog, phone masked. The log
// line includes the text, since texts carry no ID numbers, except that
// verification codes are replaced by "******"; the Outbox keeps the full text
// so a demo user can read the code off the outbox page.
//
// A message that cannot be sent (bad phone number, empty text) is recorded
// as failed and an error is returned.
type OutboxSender struct {
	Outbox    Outbox
	Hash      func(phone string) string // keyed hash of the normalized phone (pii.Sealer.Hash)
	Log       *slog.Logger              // nil: slog.Default()
	Signature string                    // e.g. "浦东消调委"; the text gets the prefix 【浦东消调委】
}

var _ Sender = (*OutboxSender)(nil)

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
	e := OutboxEntry{ToMask: p.mask, ToHash: p.hash, Body: p.full, Kind: p.kind, CaseID: m.CaseID,
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
	return Receipt{ID: "outbox-" + strconv.FormatInt(id, 10), Provider: ProviderOutbox, At: now}, nil
}
