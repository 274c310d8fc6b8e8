package mediation

import (
	"context"
	"errors"
	"fmt"
	"github.com/tiaojie/tiaojie/internal/access"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/tiaojie/tiaojie/internal/auth"
	"github.com/tiaojie/tiaojie/internal/domain"
	"github.com/tiaojie/tiaojie/internal/notify"
	"github.com/tiaojie/tiaojie/internal/store"
)

// SessionKinds are where a session takes place.
var SessionKinds = domain.Reasons{
	{Code: "room", Label: "调解室当面调解"},
	{Code: "online", Label: "在线调解"},
	{Code: "phone", Label: "电话调解"},
}

// RecordTemplate starts a 调解笔录.
const RecordTemplate = "时间：\n地点：\n调解员：\n当事人及到场情况：\n\n一、当事人陈述：\n（消费者）\n（经营者）\n\n二、争议焦点：\n\n三、调解经过：\n\n四、调解结果：\n\n当事人确认以上记录属实。"

var cst = time.FixedZone("CST", 8*3600)

// Schedule sets a session for an assigned or mediating case and texts both parties.
func (s *Service) Schedule(ctx context.Context, p *auth.Principal, caseID int64, kind string, at time.Time, place string) (store.Session, error) {
	c, err := access.Authorize(ctx, s.Store, p, caseID, true)
	if err != nil {
		return store.Session{}, err
	}
	if c.Status != domain.StatusAssigned && c.Status != domain.StatusMediating {
		return store.Session{}, &domain.FieldError{Field: "kind", Message: "指派调解员后方可安排调解"}
	}
	if !SessionKinds.Has(kind) {
		return store.Session{}, &domain.FieldError{Field: "kind", Message: "请选择调解方式"}
	}
	place = strings.TrimSpace(place)
	if kind == "room" && place == "" || utf8.RuneCountInString(place) > 100 {
		return store.Session{}, &domain.FieldError{Field: "place", Message: "当面调解须填写地点（不超过100字）"}
	}
	if !at.After(s.now()) {
		return store.Session{}, &domain.FieldError{Field: "at", Message: "调解时间须晚于现在"}
	}
	m := store.Session{CaseID: c.ID, Kind: kind, StartsAt: at, Place: place, CreatedBy: p.UserID}
	err = s.Store.InTx(ctx, func(tx store.Store) error {
		if err := tx.CreateSession(ctx, &m); err != nil {
			return err
		}
		if err := tx.AddNote(ctx, c.ID, store.Event{Type: "session_scheduled", ActorID: p.UserID, ActorName: p.DisplayName,
			At: s.now(), Note: "安排" + SessionKinds.Label(kind) + "：" + at.In(cst).Format("2006-01-02 15:04") + " " + place}); err != nil {
			return err
		}
		return s.textParties(ctx, tx, c, sessionText(c, m, false))
	})
	if err != nil {
		return m, fmt.Errorf("schedule session: %w", err)
	}
	return m, nil
}

func sessionText(c store.Case, m store.Session, reminder bool) string {
	prefix := "您涉及的消费纠纷（案号：" + c.Number + "）"
	if reminder {
		prefix = "提醒：" + prefix
	}
	where := SessionKinds.Label(m.Kind)
	if m.Place != "" {
		where += "，地点：" + m.Place
	}
	return fmt.Sprintf("%s定于%s进行%s。请准时参加，如需改期请联系调解员。", prefix, m.StartsAt.In(cst).Format("1月2日15:04"), where)
}

// textParties queues body to every party with a phone, in tx. A refused
// message (bad number) is recorded as failed and does not stop the change.
func (s *Service) textParties(ctx context.Context, tx store.Store, c store.Case, body string) error {
	if s.Sender == nil || s.Sealer == nil {
		return nil
	}
	for _, party := range c.Parties {
		if party.PhoneSealed == "" {
			continue
		}
		phone, err := s.Sealer.Open(party.PhoneSealed)
		if err != nil {
			continue
		}
		if _, err := notify.SendTx(ctx, s.Sender, tx, notify.Message{To: phone, Body: body, Kind: "session_notice", CaseID: c.ID}); err != nil && !notify.Refused(err) {
			return err
		}
	}
	return nil
}

// Record stores attendance and the mediation record of a held session
// (held=false records that it did not take place).
func (s *Service) Record(ctx context.Context, p *auth.Principal, caseID, sessionID int64, held bool, attendance, record string) error {
	c, err := access.Authorize(ctx, s.Store, p, caseID, true)
	if err != nil {
		return err
	}
	ss, err := s.Store.ListSessions(ctx, store.SessionQuery{CaseID: c.ID})
	if err != nil {
		return err
	}
	found := false
	for _, m := range ss {
		found = found || m.ID == sessionID
	}
	if !found {
		return access.ErrNotFound
	}
	attendance, record = strings.TrimSpace(attendance), strings.TrimSpace(record)
	if held && (attendance == "" || record == "" || record == strings.TrimSpace(RecordTemplate)) {
		return &domain.FieldError{Field: "record", Message: "请填写到场情况和调解笔录"}
	}
	if utf8.RuneCountInString(record) > 20000 {
		return &domain.FieldError{Field: "record", Message: "调解笔录不超过20000字"}
	}
	status := map[bool]string{true: "held", false: "cancelled"}[held]
	return s.Store.InTx(ctx, func(tx store.Store) error {
		if err := tx.RecordSession(ctx, sessionID, status, attendance, record); errors.Is(err, store.ErrNotFound) {
			return &domain.FieldError{Field: "record", Message: "该次调解已记录"}
		} else if err != nil {
			return err
		}
		return tx.AddNote(ctx, c.ID, store.Event{Type: "session_recorded", ActorID: p.UserID, ActorName: p.DisplayName,
			At: s.now(), Note: map[bool]string{true: "记录调解笔录（" + attendance + "）", false: "调解未进行：" + attendance}[held]})
	})
}

// SweepReminders texts parties the day before each session. Each session
// is marked reminded with a conditional update in the same transaction that
// queues its SMS, so two sweeps at the same moment (two instances, or a
// re-run after a crash) remind each party once.
func (s *Service) SweepReminders(ctx context.Context) (int, error) {
	now := s.now()
	ss, err := s.Store.ListSessions(ctx, store.SessionQuery{From: now, To: now.Add(24 * time.Hour), Status: "scheduled", Unreminded: true})
	if err != nil {
		return 0, err
	}
	n := 0
	for _, m := range ss {
		c, err := s.Store.GetCase(ctx, m.CaseID)
		if err != nil {
			continue
		}
		err = s.Store.InTx(ctx, func(tx store.Store) error {
			if err := tx.MarkSessionReminded(ctx, m.ID, now); err != nil {
				return err
			}
			return s.textParties(ctx, tx, c, sessionText(c, m, true))
		})
		if errors.Is(err, store.ErrConflict) {
			continue // another sweep reminded it
		}
		if err != nil {
			return n, fmt.Errorf("remind session %d: %w", m.ID, err)
		}
		n++
	}
	return n, nil
}
