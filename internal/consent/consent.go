// Package consent asks both parties whether they agree to mediation (自愿),
// by SMS link to a phone page or as recorded by staff, reminds and escalates
// unanswered requests, and ends the case when a party refuses.
package consent

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"github.com/tiaojie/tiaojie/internal/access"
	"slices"
	"strings"
	"time"

	"github.com/tiaojie/tiaojie/internal/auth"
	"github.com/tiaojie/tiaojie/internal/domain"
	"github.com/tiaojie/tiaojie/internal/notify"
	"github.com/tiaojie/tiaojie/internal/pii"
	"github.com/tiaojie/tiaojie/internal/store"
)

// Service is the consent capability.
type Service struct {
	Store   store.Store
	Sealer  *pii.Sealer
	Sender  notify.Sender
	BaseURL string // public address of the platform for links, e.g. https://tiaojie.example.gov.cn
	Now     func() time.Time
	// RemindAfter and EscalateAfter count from the request (defaults 2 and 4 days).
	RemindAfter, EscalateAfter time.Duration
}

func (s *Service) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

// Parties are the two sides asked.
var Parties = []string{"consumer", "merchant"}

// PartyLabel names a side in Chinese.
func PartyLabel(kind string) string {
	return map[string]string{"consumer": "消费者（投诉人）", "merchant": "经营者（被投诉人）"}[kind]
}

// ErrAnswered: the link was already used.
var ErrAnswered = errors.New("您已作出选择，如需更改请联系调解员")

// ErrBadLink: unknown or superseded link (never says which).
var ErrBadLink = errors.New("链接无效或已过期，请联系调解员")

func newToken() string {
	b := make([]byte, 24)
	rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

func (s *Service) link(token string) string {
	return strings.TrimSuffix(s.BaseURL, "/") + "/consent/" + token
}

// Request moves an accepted case to consenting and queues an SMS with a
// link to each party.
// merchantPhone is required when the merchant party has none yet.
func (s *Service) Request(ctx context.Context, p *auth.Principal, caseID int64, merchantPhone string) (store.Case, error) {
	c, err := access.Authorize(ctx, s.Store, p, caseID, true)
	if err != nil {
		return store.Case{}, err
	}
	to, err := domain.Next(domain.ActionRequestConsent, domain.Facts{Status: c.Status})
	if err != nil {
		return store.Case{}, err
	}
	phones := map[string]string{}
	for _, party := range c.Parties {
		if party.PhoneSealed != "" {
			if ph, err := s.Sealer.Open(party.PhoneSealed); err == nil {
				phones[party.Kind] = ph
			}
		}
	}
	var merchant *store.Party
	if merchantPhone = domain.NormalizeMobile(merchantPhone); merchantPhone != "" {
		if err := domain.ValidateMobile(merchantPhone); err != nil {
			return store.Case{}, &domain.FieldError{Field: "merchant_phone", Message: "经营者联系电话：" + err.Error()}
		}
		merchant = &store.Party{PhoneSealed: s.Sealer.Seal(merchantPhone), PhoneHash: s.Sealer.Hash(merchantPhone), PhoneMask: domain.MaskMobile(merchantPhone)}
		phones["merchant"] = merchantPhone
	}
	if phones["merchant"] == "" {
		return store.Case{}, &domain.FieldError{Field: "merchant_phone", Message: "请填写经营者联系电话，以便发送调解意愿确认短信"}
	}
	now := s.now()
	tokens := map[string]string{}
	var reqs []store.ConsentRequest
	for _, kind := range Parties {
		tok := newToken()
		tokens[kind] = tok
		reqs = append(reqs, store.ConsentRequest{PartyKind: kind, TokenHash: auth.HashToken(tok), TokenSealed: s.Sealer.Seal(tok)})
	}
	// The requests, the case's move and the two SMS commit together: no
	// link is queued for a request that did not happen, and none is lost.
	var out store.Case
	err = s.Store.InTx(ctx, func(tx store.Store) error {
		if merchant != nil {
			if err := tx.SetPartyPhone(ctx, c.ID, "merchant", *merchant); err != nil {
				return err
			}
		}
		if err := tx.RequestConsents(ctx, c.ID, reqs, now); err != nil {
			return err
		}
		var err error
		out, err = tx.ApplyEvent(ctx, c.ID, c.Version, store.CaseChange{Status: to}, store.Event{Type: string(domain.ActionRequestConsent),
			ActorID: p.UserID, ActorName: p.DisplayName, At: now, Note: "已排队向双方当事人发送调解意愿确认短信"})
		if err != nil {
			return err
		}
		for _, kind := range Parties {
			if phones[kind] == "" {
				continue
			}
			// A refused SMS is recorded as failed and leaves the request
			// standing: staff can record consent by phone.
			_, err := notify.SendTx(ctx, s.Sender, tx, notify.Message{To: phones[kind], Body: notify.ConsentRequestText(c.Number, s.link(tokens[kind])),
				Kind: "consent_request", CaseID: c.ID})
			if err != nil && !notify.Refused(err) {
				return err
			}
		}
		return nil
	})
	if errors.Is(err, store.ErrStale) {
		return store.Case{}, access.ErrStale
	}
	if err != nil {
		return store.Case{}, err
	}
	return out, nil
}

// View is what the party's phone page shows.
type View struct {
	Case      store.Case
	Consent   store.Consent
	Committee store.OrgUnit
	Mediators []store.User // of the case's room: the party may choose one (names only are shown)
}

// ByToken loads the consent a link stands for.
func (s *Service) ByToken(ctx context.Context, token string) (View, error) {
	if len(token) < 20 || len(token) > 64 {
		return View{}, ErrBadLink
	}
	cs, err := s.Store.GetConsentByToken(ctx, auth.HashToken(token))
	if errors.Is(err, store.ErrNotFound) {
		return View{}, ErrBadLink
	}
	if err != nil {
		return View{}, err
	}
	c, err := s.Store.GetCase(ctx, cs.CaseID)
	if err != nil {
		return View{}, err
	}
	cm, err := s.Store.GetOrgUnit(ctx, c.CommitteeID)
	if err != nil {
		return View{}, fmt.Errorf("committee of case: %w", err)
	}
	v := View{Case: c, Consent: cs, Committee: cm}
	if c.RoomID != 0 {
		if v.Mediators, err = s.Store.ListRoomMediators(ctx, c.RoomID); err != nil {
			return v, err
		}
	}
	return v, nil
}

// Answer records a party's own answer given through the link.
// A party who agrees may name the mediator they wish (the right to choose
// the mediator, People's Mediation Law art. 23); assignment honours it when
// that mediator is eligible.
func (s *Service) Answer(ctx context.Context, token string, agree, online bool, preferred int64) (View, error) {
	v, err := s.ByToken(ctx, token)
	if err != nil {
		return v, err
	}
	if v.Consent.Decision != "pending" {
		return v, ErrAnswered
	}
	var chosen store.User
	if preferred != 0 {
		i := slices.IndexFunc(v.Mediators, func(u store.User) bool { return u.ID == preferred })
		if i < 0 {
			return v, &domain.FieldError{Field: "mediator", Message: "请从本调解工作室的调解员中选择"}
		}
		chosen = v.Mediators[i]
	}
	who := PartyLabel(v.Consent.PartyKind)
	return v, s.record(ctx, v.Case.ID, v.Consent.PartyKind, agree, online, "sms_link", 0, who, chosen)
}

// EventMediatorPreferred records a party's choice of mediator; Data is {"user_id": N}.
const EventMediatorPreferred = "mediator_preferred"

// Record stores consent given on paper, by phone or in person, as entered by staff.
func (s *Service) Record(ctx context.Context, p *auth.Principal, caseID int64, party string, agree, online bool, method string) error {
	c, err := access.Authorize(ctx, s.Store, p, caseID, true)
	if err != nil {
		return err
	}
	if party != "consumer" && party != "merchant" {
		return &domain.FieldError{Field: "party", Message: "请选择当事人"}
	}
	if method != "paper" && method != "phone" && method != "in_person" {
		return &domain.FieldError{Field: "method", Message: "请选择方式（书面、电话或当面）"}
	}
	return s.record(ctx, c.ID, party, agree, online, method, p.UserID, p.DisplayName, store.User{})
}

var methodLabels = map[string]string{"sms_link": "短信链接", "paper": "书面", "phone": "电话", "in_person": "当面"}

// MethodLabel names how a consent was given.
func MethodLabel(m string) string { return methodLabels[m] }

// record stores a party's answer and what follows from it — the case's
// termination on a refusal, else the consent note and the party's choice of
// mediator — in one transaction, re-reading the case inside it (retried
// when the other party's answer lands at the same moment).
func (s *Service) record(ctx context.Context, caseID int64, party string, agree, online bool, method string, by int64, actor string, chosen store.User) error {
	now := s.now()
	who := PartyLabel(party)
	return store.InTxRetry(ctx, s.Store, func(tx store.Store) error {
		c, err := tx.GetCase(ctx, caseID)
		if err != nil {
			return err
		}
		if c.Status != domain.StatusConsenting {
			return &domain.FieldError{Field: "party", Message: "案件不在征求调解意愿阶段"}
		}
		cs := store.Consent{CaseID: c.ID, PartyKind: party, Decision: "refuse", Method: method, RecordedBy: by, RecordedAt: &now}
		if agree {
			cs.Decision, cs.Online = "agree", map[bool]string{true: "agree", false: "refuse"}[online]
		}
		if err := tx.RecordConsent(ctx, cs); errors.Is(err, store.ErrNotFound) {
			return &domain.FieldError{Field: "party", Message: "尚未向该当事人征求调解意愿"}
		} else if err != nil {
			return err
		}
		if !agree {
			// A party's refusal ends the case: mediation is voluntary.
			to, err := domain.Next(domain.ActionTerminate, domain.Facts{Status: c.Status, ReasonCode: "party_refused"})
			if err != nil {
				return err
			}
			reason := "party_refused"
			_, err = tx.ApplyEvent(ctx, c.ID, c.Version, store.CaseChange{Status: to, ReasonCode: &reason, ClosedAt: &now},
				store.Event{Type: string(domain.ActionTerminate), ActorID: by, ActorName: actor, At: now, ReasonCode: reason,
					Note: fmt.Sprintf("%s不同意调解（%s），调解终止", who, MethodLabel(method))})
			return err
		}
		note := fmt.Sprintf("%s同意调解（%s）", who, MethodLabel(method))
		if online {
			note += "，同意在线调解"
		} else {
			note += "，不同意在线调解"
		}
		all, err := tx.ListConsents(ctx, c.ID)
		if err != nil {
			return err
		}
		agreed := 0
		for _, x := range all {
			if x.Decision == "agree" {
				agreed++
			}
		}
		if agreed == len(Parties) {
			note += "。双方当事人均已同意调解，可以指派调解员"
		}
		if err := tx.AddNote(ctx, c.ID, store.Event{Type: "consent", ActorID: by, ActorName: actor, At: now, Note: note}); err != nil {
			return err
		}
		if chosen.ID == 0 {
			return nil
		}
		return tx.AddNote(ctx, c.ID, store.Event{Type: EventMediatorPreferred, ActorName: who, At: now,
			Note: who + "希望由调解员" + chosen.DisplayName + "主持调解", Data: fmt.Sprintf(`{"user_id":%d}`, chosen.ID)})
	})
}

// Sweep reminds parties who have not answered and, later, escalates to the mediator.
func (s *Service) Sweep(ctx context.Context) (reminded, escalated int, err error) {
	remind, escalate := s.RemindAfter, s.EscalateAfter
	if remind == 0 {
		remind = 48 * time.Hour
	}
	if escalate == 0 {
		escalate = 96 * time.Hour
	}
	now := s.now()
	pending, err := s.Store.ListPendingConsents(ctx, now.Add(-remind))
	if err != nil {
		return 0, 0, err
	}
	for _, cs := range pending {
		c, err := s.Store.GetCase(ctx, cs.CaseID)
		if err != nil || c.Status != domain.StatusConsenting {
			continue
		}
		// Each follow-up is marked with a conditional update in the same
		// transaction as what it causes, so of two sweeps at the same moment
		// (two instances, or a re-run after a crash) one acts and the other
		// finds it done (ErrConflict); no SMS is queued before its mark.
		switch {
		case !cs.RequestedAt.After(now.Add(-escalate)):
			err := s.Store.InTx(ctx, func(tx store.Store) error {
				if err := tx.MarkConsentFollowUp(ctx, c.ID, cs.PartyKind, "escalated", now); err != nil {
					return err
				}
				return tx.AddNote(ctx, c.ID, store.Event{Type: "consent_escalated", ActorName: "系统", At: now,
					Note: PartyLabel(cs.PartyKind) + "经提醒仍未答复是否同意调解，请调解员电话联系并记录"})
			})
			if errors.Is(err, store.ErrConflict) {
				continue
			}
			if err != nil {
				return reminded, escalated, fmt.Errorf("escalate consent of case %d: %w", c.ID, err)
			}
			escalated++
		case cs.RemindedAt == nil:
			var phone string
			for _, p := range c.Parties {
				if p.Kind == cs.PartyKind && p.PhoneSealed != "" {
					phone, _ = s.Sealer.Open(p.PhoneSealed)
				}
			}
			tok, err := s.Sealer.Open(cs.TokenSealed)
			if phone == "" || err != nil {
				continue
			}
			err = s.Store.InTx(ctx, func(tx store.Store) error {
				if err := tx.MarkConsentFollowUp(ctx, c.ID, cs.PartyKind, "reminded", now); err != nil {
					return err
				}
				_, err := notify.SendTx(ctx, s.Sender, tx, notify.Message{To: phone, Body: notify.ConsentReminderText(c.Number, s.link(tok)),
					Kind: "consent_reminder", CaseID: c.ID})
				if notify.Refused(err) {
					return nil // recorded as failed; the party is not asked again
				}
				return err
			})
			if errors.Is(err, store.ErrConflict) {
				continue
			}
			if err != nil {
				return reminded, escalated, fmt.Errorf("remind consent of case %d: %w", c.ID, err)
			}
			reminded++
		}
	}
	return reminded, escalated, nil
}

// Outbox adapts the store to notify.Outbox.
type Outbox struct{ Store store.Store }

// AddOutbox records a message.
func (o Outbox) AddOutbox(ctx context.Context, e notify.OutboxEntry) (int64, error) {
	return notify.StoreOutbox{Store: o.Store}.AddOutbox(ctx, e)
}
