// Package online lets a consumer file a complaint from a phone: the phone
// number is verified with an SMS code, then the complaint is registered on
// the online channel with the chosen committee.
package online

import (
	"context"
	"errors"
	"github.com/tiaojie/tiaojie/internal/access"
	"time"

	"github.com/tiaojie/tiaojie/internal/auth"
	"github.com/tiaojie/tiaojie/internal/domain"
	"github.com/tiaojie/tiaojie/internal/intake"
	"github.com/tiaojie/tiaojie/internal/notify"
	"github.com/tiaojie/tiaojie/internal/pii"
	"github.com/tiaojie/tiaojie/internal/store"
)

// Verification rules.
const (
	CodeTTL     = 5 * time.Minute
	ResendGap   = 60 * time.Second
	MaxAttempts = 5
)

// Service is online filing.
type Service struct {
	Store  store.Store
	Intake *intake.Service
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

// SendCode texts a verification code to phone.
func (s *Service) SendCode(ctx context.Context, phone string) error {
	phone = domain.NormalizeMobile(phone)
	if err := domain.ValidateMobile(phone); err != nil {
		return &domain.FieldError{Field: "phone", Message: err.Error()}
	}
	code := notify.NewCode(6)
	now := s.now()
	err := s.Store.PutSMSCode(ctx, s.Sealer.Hash(phone), s.Sealer.Hash("code:"+code), now, now.Add(CodeTTL), ResendGap)
	if errors.Is(err, store.ErrConflict) {
		return &domain.FieldError{Field: "phone", Message: "刚刚已获取过验证码，请60秒后再试"}
	}
	if err != nil {
		return err
	}
	if _, err := s.Sender.Send(ctx, notify.Message{To: phone, Body: notify.VerifyCodeText(code, int(CodeTTL/time.Minute)), Kind: "verify_code"}); err != nil {
		return &domain.FieldError{Field: "phone", Message: "短信发送失败，请稍后再试"}
	}
	return nil
}

// Committees are the committees a consumer can file with.
func (s *Service) Committees(ctx context.Context) ([]store.OrgUnit, error) {
	return s.Store.OrgUnitsOfKind(ctx, domain.OrgCommittee)
}

// File checks the complaint, then the code, then registers it.
func (s *Service) File(ctx context.Context, committeeID int64, in intake.Complaint, code, key string) (store.Case, error) {
	committee, err := s.Store.GetOrgUnit(ctx, committeeID)
	if err != nil || committee.Kind != domain.OrgCommittee {
		return store.Case{}, &access.ValidationError{Fields: []*domain.FieldError{{Field: "committee", Message: "请选择受理的调解委员会（所在区）"}}}
	}
	in.Channel = string(domain.ChannelOnline)
	in.ExternalID, in.CourtNumber, in.ReceivedAt = "", "", nil
	if err := in.Validate(s.now()); err != nil {
		return store.Case{}, err
	}
	ok, err := s.Store.CheckSMSCode(ctx, s.Sealer.Hash(in.Phone), s.Sealer.Hash("code:"+code), s.now(), MaxAttempts)
	if err != nil {
		return store.Case{}, err
	}
	if !ok {
		return store.Case{}, &access.ValidationError{Fields: []*domain.FieldError{{Field: "code", Message: "验证码错误或已过期，请重新获取"}}}
	}
	// The consumer acts through the committee's online window.
	p := &auth.Principal{DisplayName: "网上申请（" + domain.MaskName(in.ComplainantName) + "）",
		Bindings: []store.Binding{{Role: domain.RoleCommittee, OrgID: committee.ID, OrgPath: committee.Path, OrgName: committee.Name}}}
	c, _, err := s.Intake.Register(ctx, p, in, key)
	return c, err
}
