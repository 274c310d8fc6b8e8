// Package progress lets a complainant look up their case without an account:
// the case number and the phone they filed with, proved by an SMS code sent
// to that phone. Nothing about a case is told before the code matches, and
// the answer to a wrong number, a wrong phone or a wrong code is the same.
package progress

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/tiaojie/tiaojie/internal/calendar"
	"github.com/tiaojie/tiaojie/internal/deadline"
	"github.com/tiaojie/tiaojie/internal/domain"
	"github.com/tiaojie/tiaojie/internal/notify"
	"github.com/tiaojie/tiaojie/internal/pii"
	"github.com/tiaojie/tiaojie/internal/store"
)

// Verification rules (as for online filing).
const (
	CodeTTL     = 5 * time.Minute
	ResendGap   = 60 * time.Second
	MaxAttempts = 5
)

// ErrNoMatch is the one answer to a wrong case number, phone or code.
var ErrNoMatch = errors.New("验证码错误或已过期，或案号与手机号码不一致。请核对后重新获取验证码")

// Service answers progress lookups.
type Service struct {
	Store  store.Store
	Sender notify.Sender
	Sealer *pii.Sealer
	Now    func() time.Time
}

func (s *Service) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

// codeKey keeps progress codes apart from filing codes sent to the same phone.
func (s *Service) codeKey(phone string) string { return s.Sealer.Hash("progress:" + phone) }

// find returns the case with this number whose complainant filed with this phone.
func (s *Service) find(ctx context.Context, number, phone string) (store.Case, bool, error) {
	number = domain.NormalizeCaseNumber(number)
	if number == "" || len([]rune(number)) > 40 {
		return store.Case{}, false, nil
	}
	page, err := s.Store.ListCases(ctx, store.CaseQuery{Scope: store.Scope{All: true}, Text: number, Limit: 5})
	if err != nil {
		return store.Case{}, false, fmt.Errorf("find case by number: %w", err)
	}
	for _, c := range page.Cases {
		if c.Number != number {
			continue
		}
		full, err := s.Store.GetCase(ctx, c.ID)
		if err != nil {
			return store.Case{}, false, fmt.Errorf("load case %d: %w", c.ID, err)
		}
		for _, p := range full.Parties {
			if p.Kind == "consumer" && p.PhoneHash != "" && p.PhoneHash == s.Sealer.Hash(phone) {
				return full, true, nil
			}
		}
	}
	return store.Case{}, false, nil
}

// normalPhone checks the phone's form; a malformed one is the visitor's typo, said plainly.
func normalPhone(phone string) (string, error) {
	phone = domain.NormalizeMobile(phone)
	if err := domain.ValidateMobile(phone); err != nil {
		return "", &domain.FieldError{Field: "phone", Message: err.Error()}
	}
	return phone, nil
}

// SendCode texts a code to phone when it is the phone the case was filed
// with; otherwise it sends nothing and says nothing different. sent reports
// whether a text went out (for the log, never for the page).
func (s *Service) SendCode(ctx context.Context, number, phone string) (sent bool, err error) {
	if phone, err = normalPhone(phone); err != nil {
		return false, err
	}
	c, ok, err := s.find(ctx, number, phone)
	if err != nil || !ok {
		return false, err
	}
	code := notify.NewCode(6)
	now := s.now()
	err = s.Store.PutSMSCode(ctx, s.codeKey(phone), s.Sealer.Hash("code:"+code), now, now.Add(CodeTTL), ResendGap)
	if errors.Is(err, store.ErrConflict) {
		return false, &domain.FieldError{Field: "phone", Message: "验证码刚刚发送过，请60秒后再试"}
	}
	if err != nil {
		return false, fmt.Errorf("store progress code: %w", err)
	}
	if _, err := s.Sender.Send(ctx, notify.Message{To: phone, Kind: "progress_code", CaseID: c.ID,
		Body: "您正在查询案件（" + c.Number + "）的办理进度，" + notify.VerifyCodeText(code, int(CodeTTL/time.Minute))}); err != nil {
		return false, &domain.FieldError{Field: "phone", Message: "短信发送失败，请稍后再试"}
	}
	return true, nil
}

// View is what the complainant reads once the code matched.
type View struct {
	Number     string
	ReceivedAt time.Time
	Status     domain.Status
	Now        string // what has happened, in plain words
	Next       string // what happens next and what they can do
}

// Lookup checks the code and, when it matches the case's phone, tells the
// case's progress. Any mismatch is ErrNoMatch.
func (s *Service) Lookup(ctx context.Context, number, phone, code string) (View, error) {
	phone, err := normalPhone(phone)
	if err != nil {
		return View{}, err
	}
	code = strings.TrimSpace(code)
	if len(code) != 6 {
		return View{}, &domain.FieldError{Field: "code", Message: "请输入短信中的6位验证码"}
	}
	// The case first: a code is only spent on the case it was sent for.
	c, found, err := s.find(ctx, number, phone)
	if err != nil {
		return View{}, err
	}
	if !found {
		return View{}, ErrNoMatch
	}
	ok, err := s.Store.CheckSMSCode(ctx, s.codeKey(phone), s.Sealer.Hash("code:"+code), s.now(), MaxAttempts)
	if err != nil {
		return View{}, fmt.Errorf("check progress code: %w", err)
	}
	if !ok {
		return View{}, ErrNoMatch
	}
	v := View{Number: c.Number, ReceivedAt: c.ReceivedAt, Status: c.Status}
	v.Now, v.Next = s.words(ctx, c)
	return v, nil
}

// words says where the case stands and what comes next, for a consumer.
func (s *Service) words(ctx context.Context, c store.Case) (now, next string) {
	due := ""
	if rules, err := deadline.Load(ctx, s.Store); err == nil {
		for _, d := range rules.ForCase(c, nil, s.now()) {
			if d.Kind == calendar.ClockAcceptance && d.Running {
				due = d.Due.String()
			}
		}
	}
	switch c.Status {
	case domain.StatusReceived:
		next = "调解委员会将在收到申请之日起7个工作日内决定是否受理，并以短信通知您。"
		if due != "" {
			next = "调解委员会将在" + due + "前决定是否受理，并以短信通知您。"
		}
		return "您的申请已登记，调解委员会正在审查是否受理。", next
	case domain.StatusRejected:
		return "调解委员会决定不予受理。理由：" + domain.RejectReasons.Label(c.ReasonCode) + "。",
			"您可以向市场监督管理部门投诉，也可以依法向人民法院起诉。"
	case domain.StatusAccepted:
		return "您的申请已受理。", "调解员将联系您和经营者，询问双方是否同意调解。人民调解免费、自愿。"
	case domain.StatusODRNegotiating:
		return "经营者正在与您先行协商解决。", "协商不成的，转入人民调解，请留意短信通知。"
	case domain.StatusConsenting:
		return "正在征求您和经营者是否同意调解。", "请打开短信中的链接答复是否同意调解；双方都同意后，将为您指派调解员。"
	case domain.StatusAssigned:
		return "已为您的案件指派调解员。", "调解员将与您联系，商定调解的时间和方式。"
	case domain.StatusMediating:
		return "调解正在进行。", "请按调解员通知的时间参加调解；也可以通过短信中的链接在线与调解员沟通。"
	case domain.StatusSuspended:
		return "调解暂时中止（" + domain.SuspendReasons.Label(c.ReasonCode) + "）。", "中止的原因消除后将恢复调解，办理期限相应顺延。"
	case domain.StatusAgreed:
		return "双方已达成调解协议，正在签署。", "请打开短信中的链接阅读并签署调解协议书；各方签署并加盖调解委员会印章后协议生效。"
	case domain.StatusPerforming:
		return "调解协议已生效，正在履行。", "请留意经营者是否按协议约定的期限履行；未按期履行的，请联系调解员。双方可以在协议生效之日起三十日内共同向人民法院申请司法确认。"
	case domain.StatusFollowedUp:
		return "调解协议已履行，已完成回访。", "案件将办结归档，您无需再办理其他事项。"
	case domain.StatusTerminated:
		return "调解已终止。理由：" + domain.TerminateReasons.Label(c.ReasonCode) + "。", "调解委员会将向您送达终止调解告知书。您可以依法向人民法院起诉，或通过其他途径解决纠纷。"
	case domain.StatusWithdrawn:
		return "您已撤回调解申请。", "如需再次调解，可以重新申请。"
	case domain.StatusArchived:
		return "案件已办结归档。", "您无需再办理其他事项。"
	}
	return c.Status.Label(), ""
}
