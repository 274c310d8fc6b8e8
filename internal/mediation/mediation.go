// Package mediation holds the steps of a case under mediation that pause or
// change who mediates: suspension (中止) for appraisal, testing or a pending
// recusal, resumption, and recusal (回避) requested by a party or declared
// by the mediator and decided by the room's lead.
package mediation

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"github.com/tiaojie/tiaojie/internal/access"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/tiaojie/tiaojie/internal/auth"
	"github.com/tiaojie/tiaojie/internal/domain"
	"github.com/tiaojie/tiaojie/internal/notify"
	"github.com/tiaojie/tiaojie/internal/pii"
	"github.com/tiaojie/tiaojie/internal/store"
)

// Service is the mediation capability.
type Service struct {
	Store  store.Store
	Now    func() time.Time
	Sender notify.Sender // session notices (optional)
	Sealer *pii.Sealer
}

func (s *Service) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

func note(n string) (string, error) {
	n = strings.TrimSpace(n)
	if utf8.RuneCountInString(n) > 1000 {
		return "", &domain.FieldError{Field: "note", Message: "说明不能超过1000字"}
	}
	return n, nil
}

func stale(err error) error {
	if errors.Is(err, store.ErrStale) {
		return access.ErrStale
	}
	return err
}

// Suspend pauses the case and its clocks for a coded reason.
func (s *Service) Suspend(ctx context.Context, p *auth.Principal, caseID int64, reason, text string) (store.Case, error) {
	c, err := access.Authorize(ctx, s.Store, p, caseID, true)
	if err != nil {
		return store.Case{}, err
	}
	if text, err = note(text); err != nil {
		return store.Case{}, err
	}
	to, err := domain.Next(domain.ActionSuspend, domain.Facts{Status: c.Status, ReasonCode: reason})
	if err != nil {
		return store.Case{}, err
	}
	prev := c.Status
	msg := "中止：" + domain.SuspendReasons.Label(reason)
	if text != "" {
		msg += "。" + text
	}
	out, err := s.Store.ApplyEvent(ctx, c.ID, c.Version, store.CaseChange{Status: to, PrevStatus: &prev, ReasonCode: &reason},
		store.Event{Type: string(domain.ActionSuspend), ActorID: p.UserID, ActorName: p.DisplayName, At: s.now(), ReasonCode: reason, Note: msg})
	return out, stale(err)
}

// Resume restarts a suspended case where it was; the clocks run again.
func (s *Service) Resume(ctx context.Context, p *auth.Principal, caseID int64, text string) (store.Case, error) {
	c, err := access.Authorize(ctx, s.Store, p, caseID, true)
	if err != nil {
		return store.Case{}, err
	}
	if c.ReasonCode == "recusal_pending" {
		return store.Case{}, &domain.FieldError{Field: "recusal", Message: "回避申请尚待工作室负责人决定"}
	}
	return s.resume(ctx, p, c, text)
}

func (s *Service) resume(ctx context.Context, p *auth.Principal, c store.Case, text string) (store.Case, error) {
	text, err := note(text)
	if err != nil {
		return store.Case{}, err
	}
	cs, err := s.Store.ListConsents(ctx, c.ID)
	if err != nil {
		return store.Case{}, err
	}
	f := domain.Facts{Status: c.Status, PrevStatus: c.PrevStatus, HasMediator: c.PresidingID != 0}
	for _, x := range cs {
		f.ConsumerConsent = f.ConsumerConsent || (x.PartyKind == "consumer" && x.Decision == "agree")
		f.MerchantConsent = f.MerchantConsent || (x.PartyKind == "merchant" && x.Decision == "agree")
	}
	to, err := domain.Next(domain.ActionResume, f)
	if err != nil {
		return store.Case{}, err
	}
	empty := ""
	out, err := s.Store.ApplyEvent(ctx, c.ID, c.Version, store.CaseChange{Status: to, ReasonCode: &empty},
		store.Event{Type: string(domain.ActionResume), ActorID: p.UserID, ActorName: p.DisplayName, At: s.now(), Note: strings.TrimSpace("恢复调解 " + text)})
	return out, stale(err)
}

// RequestRecusal records a party's request (or the mediator's own
// declaration) that the presiding mediator step aside; the case is
// suspended until the room's lead decides.
func (s *Service) RequestRecusal(ctx context.Context, p *auth.Principal, caseID int64, by, text string) (store.Case, error) {
	if _, err := access.Authorize(ctx, s.Store, p, caseID, true); err != nil {
		return store.Case{}, err
	}
	who := map[string]string{"consumer": "消费者申请", "merchant": "经营者申请", "self": "调解员自行"}[by]
	if who == "" {
		return store.Case{}, &domain.FieldError{Field: "by", Message: "请选择回避申请人"}
	}
	if strings.TrimSpace(text) == "" {
		return store.Case{}, &domain.FieldError{Field: "note", Message: "请填写回避理由"}
	}
	return s.Suspend(ctx, p, caseID, "recusal_pending", who+"回避："+text)
}

// DecideRecusal is the room lead's decision: granted with a replacement
// presiding mediator, or refused; either way the case resumes.
func (s *Service) DecideRecusal(ctx context.Context, p *auth.Principal, caseID int64, grant bool, replacement int64, text string) (store.Case, error) {
	c, err := access.Authorize(ctx, s.Store, p, caseID, true)
	if err != nil {
		return store.Case{}, err
	}
	if !p.Has(domain.RoleRoomLead) && !p.Has(domain.RoleCommittee) {
		return store.Case{}, access.ErrForbidden
	}
	if c.Status != domain.StatusSuspended || c.ReasonCode != "recusal_pending" {
		return store.Case{}, &domain.FieldError{Field: "recusal", Message: "该案件没有待决定的回避申请"}
	}
	if text, err = note(text); err != nil {
		return store.Case{}, err
	}
	if grant {
		if replacement == 0 || replacement == c.PresidingID {
			return store.Case{}, &domain.FieldError{Field: "replacement", Message: "准予回避须指定另一名调解员主持"}
		}
		ms, err := s.Store.ListRoomMediators(ctx, c.RoomID)
		if err != nil {
			return store.Case{}, err
		}
		var name string
		for _, m := range ms {
			if m.ID == replacement {
				name = m.DisplayName
			}
		}
		if name == "" {
			return store.Case{}, &domain.FieldError{Field: "replacement", Message: "只能由本工作室的调解员接替"}
		}
		if c, err = s.Store.AssignCase(ctx, c.ID, c.Version, []int64{replacement}, p.UserID, store.CaseChange{},
			store.Event{Type: "recusal_granted", ActorID: p.UserID, ActorName: p.DisplayName, At: s.now(), Note: "准予回避，由" + name + "接替主持调解。" + text,
				Data: fmt.Sprintf(`{"mediator_id":%d}`, replacement)}); err != nil {
			return store.Case{}, stale(err)
		}
	} else {
		if c, err = s.Store.ApplyEvent(ctx, c.ID, c.Version, store.CaseChange{}, store.Event{Type: "recusal_refused", ActorID: p.UserID,
			ActorName: p.DisplayName, At: s.now(), Note: "回避申请不予准许。" + text}); err != nil {
			return store.Case{}, stale(err)
		}
	}
	return s.resume(ctx, p, c, "（回避事项已决定）")
}

// Terminate ends mediation without an agreement for a coded reason; the
// termination notice must then go to both parties within the policy's
// working days (its clock starts now).
func (s *Service) Terminate(ctx context.Context, p *auth.Principal, caseID int64, reason, text string, prevention []string) (store.Case, error) {
	c, err := access.Authorize(ctx, s.Store, p, caseID, true)
	if err != nil {
		return store.Case{}, err
	}
	if text, err = note(text); err != nil {
		return store.Case{}, err
	}
	if fe := domain.ValidPrevention(prevention); fe != nil {
		return store.Case{}, fe
	}
	if prevention == nil {
		prevention = []string{}
	}
	data, _ := json.Marshal(map[string]any{"prevention": prevention})
	to, err := domain.Next(domain.ActionTerminate, domain.Facts{Status: c.Status, ReasonCode: reason})
	if err != nil {
		return store.Case{}, err
	}
	now := s.now()
	msg := "终止调解：" + domain.TerminateReasons.Label(reason)
	if text != "" {
		msg += "。" + text
	}
	out, err := s.Store.ApplyEvent(ctx, c.ID, c.Version, store.CaseChange{Status: to, ReasonCode: &reason, ClosedAt: &now},
		store.Event{Type: string(domain.ActionTerminate), ActorID: p.UserID, ActorName: p.DisplayName, At: now, ReasonCode: reason, Note: msg,
			Data: string(data)})
	return out, stale(err)
}

// Withdraw records that the complainant withdrew the application.
func (s *Service) Withdraw(ctx context.Context, p *auth.Principal, caseID int64, text string) (store.Case, error) {
	c, err := access.Authorize(ctx, s.Store, p, caseID, true)
	if err != nil {
		return store.Case{}, err
	}
	if text, err = note(text); err != nil {
		return store.Case{}, err
	}
	to, err := domain.Next(domain.ActionWithdraw, domain.Facts{Status: c.Status})
	if err != nil {
		return store.Case{}, err
	}
	now := s.now()
	code := "applicant_withdrew"
	out, err := s.Store.ApplyEvent(ctx, c.ID, c.Version, store.CaseChange{Status: to, ReasonCode: &code, ClosedAt: &now},
		store.Event{Type: string(domain.ActionWithdraw), ActorID: p.UserID, ActorName: p.DisplayName, At: now, Note: strings.TrimSpace("申请人撤回调解申请 " + text)})
	return out, stale(err)
}

// NoticeSent records that the termination notice went out to both parties.
func (s *Service) NoticeSent(ctx context.Context, p *auth.Principal, caseID int64, method string) (store.Case, error) {
	c, err := access.Authorize(ctx, s.Store, p, caseID, true)
	if err != nil {
		return store.Case{}, err
	}
	label := map[string]string{"in_person": "当面送达", "mail": "邮寄送达", "sms": "短信告知", "electronic": "电子送达"}[method]
	if label == "" {
		return store.Case{}, &domain.FieldError{Field: "method", Message: "请选择送达方式"}
	}
	if c.Status != domain.StatusTerminated {
		return store.Case{}, &domain.FieldError{Field: "method", Message: "案件未终止调解"}
	}
	out, err := s.Store.ApplyEvent(ctx, c.ID, c.Version, store.CaseChange{}, store.Event{Type: "termination_notice_sent", ActorID: p.UserID,
		ActorName: p.DisplayName, At: s.now(), Note: "终止调解告知书已" + label + "双方当事人"})
	return out, stale(err)
}
