package auth

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/tiaojie/tiaojie/internal/domain"
	"github.com/tiaojie/tiaojie/internal/store"
)

// Policy is the sign-in policy the security administrator keeps (issue 16):
// stored as versions in the database, read on every sign-in so that every
// instance applies the latest.
type Policy struct {
	MaxFailures       int  `json:"max_failures" doc:"连续失败多少次锁定账号（3–20）"`
	LockMinutes       int  `json:"lock_minutes" doc:"锁定时长，分钟（1–1440）"`
	AddrMaxFailures   int  `json:"addr_max_failures" doc:"同一来源地址在时间窗内最多失败次数（5–1000）"`
	AddrWindowMinutes int  `json:"addr_window_minutes" doc:"来源地址限制的时间窗，分钟（1–1440）"`
	MinLength         int  `json:"min_length" doc:"密码最短长度（8–64）"`
	MinClasses        int  `json:"min_classes" doc:"密码至少包含几类字符：小写字母、大写字母、数字、符号（1–4）"`
	ExpiryDays        int  `json:"expiry_days" doc:"密码有效期，天（0 为永不过期，最多 365）；过期后登录须先修改密码"`
	SecondFactor      bool `json:"second_factor" doc:"工作人员（消费者、经营者和接口客户端以外的角色）登录时须输入短信验证码"`
}

// DefaultPolicy applies until the security administrator saves one.
var DefaultPolicy = Policy{MaxFailures: 5, LockMinutes: 15, AddrMaxFailures: 20, AddrWindowMinutes: 10,
	MinLength: 8, MinClasses: 3, ExpiryDays: 0, SecondFactor: false}

// LockDurationOf is how long an account stays locked under p.
func (p Policy) LockDurationOf() time.Duration { return time.Duration(p.LockMinutes) * time.Minute }

// Validate lists every value out of its range, in Chinese.
func (p Policy) Validate() []*domain.FieldError {
	var out []*domain.FieldError
	check := func(field, label string, v, lo, hi int) {
		if v < lo || v > hi {
			out = append(out, &domain.FieldError{Field: field, Message: fmt.Sprintf("%s应在 %d 至 %d 之间", label, lo, hi)})
		}
	}
	check("max_failures", "锁定前允许的连续失败次数", p.MaxFailures, 3, 20)
	check("lock_minutes", "锁定时长（分钟）", p.LockMinutes, 1, 1440)
	check("addr_max_failures", "同一地址允许的失败次数", p.AddrMaxFailures, 5, 1000)
	check("addr_window_minutes", "地址限制时间窗（分钟）", p.AddrWindowMinutes, 1, 1440)
	check("min_length", "密码最短长度", p.MinLength, 8, 64)
	check("min_classes", "密码字符类别数", p.MinClasses, 1, 4)
	check("expiry_days", "密码有效期（天）", p.ExpiryDays, 0, 365)
	return out
}

// PasswordProblem says what is wrong with a new password under p ("" when nothing).
func (p Policy) PasswordProblem(username, pw string) string {
	n := utf8.RuneCountInString(pw)
	var lower, upper, digit, other bool
	for _, r := range pw {
		switch {
		case r < 0x20 || r == 0x7f || !utf8.ValidRune(r):
			return "密码不能含有控制字符"
		case unicode.IsLower(r):
			lower = true
		case unicode.IsUpper(r):
			upper = true
		case unicode.IsDigit(r):
			digit = true
		default:
			other = true
		}
	}
	classes := 0
	for _, b := range []bool{lower, upper, digit, other} {
		if b {
			classes++
		}
	}
	switch {
	case n < p.MinLength:
		return fmt.Sprintf("密码至少 %d 位", p.MinLength)
	case n > 128:
		return "密码不能超过 128 位"
	case classes < p.MinClasses:
		return fmt.Sprintf("密码须包含小写字母、大写字母、数字、符号中的至少 %d 类", p.MinClasses)
	case username != "" && strings.EqualFold(strings.TrimSpace(pw), strings.TrimSpace(username)):
		return "密码不能与用户名相同"
	}
	return ""
}

// Expired reports whether u's password has run out under p at now, or
// was set by an administrator and is yet to be replaced.
func (p Policy) Expired(u store.User, now time.Time) bool {
	if u.MustChangePassword {
		return true
	}
	if p.ExpiryDays <= 0 {
		return false
	}
	set := u.Created
	if u.PasswordChanged != nil {
		set = *u.PasswordChanged
	}
	return !now.Before(set.AddDate(0, 0, p.ExpiryDays))
}

// Policy is the sign-in policy in force: the latest saved version, or the defaults.
func (s *Service) Policy(ctx context.Context) (Policy, error) {
	sp, err := s.Store.LatestSecurityPolicy(ctx)
	if errors.Is(err, store.ErrNotFound) {
		return DefaultPolicy, nil
	}
	if err != nil {
		return DefaultPolicy, fmt.Errorf("load sign-in policy: %w", err)
	}
	p := DefaultPolicy
	if err := json.Unmarshal([]byte(sp.Policy), &p); err != nil {
		return DefaultPolicy, fmt.Errorf("decode sign-in policy %d: %w", sp.ID, err)
	}
	return p, nil
}

// SavePolicy stores p as the new version (its audit entry names the
// change); p must already be valid (Validate).
func (s *Service) SavePolicy(ctx context.Context, by int64, p Policy) error {
	if len(p.Validate()) > 0 {
		return errors.New("save sign-in policy: invalid policy")
	}
	b, err := json.Marshal(p)
	if err != nil {
		return err
	}
	return s.Store.InTx(ctx, func(tx store.Store) error {
		sp := store.SecurityPolicy{Policy: string(b), CreatedBy: by, Created: s.now()}
		if err := tx.AddSecurityPolicy(ctx, &sp); err != nil {
			return err
		}
		return tx.RecordAccess(ctx, "change sign-in policy", fmt.Sprintf("security_policy:%d", sp.ID))
	})
}

// staff reports whether a principal works for the platform: any role but a
// party's or a machine client's. The second factor applies to them.
func staff(bs []store.Binding) bool {
	for _, b := range bs {
		switch b.Role {
		case domain.RoleConsumer, domain.RoleMerchant, domain.RoleMachine:
		default:
			return true
		}
	}
	return false
}

// ErrNotPermitted: only the security administrator keeps the sign-in policy.
var ErrNotPermitted = errors.New("只有安全管理员可以修改登录安全策略")

// InvalidPolicy lists the values of a policy that are out of range.
type InvalidPolicy struct{ Fields []*domain.FieldError }

func (e *InvalidPolicy) Error() string {
	var msgs []string
	for _, f := range e.Fields {
		msgs = append(msgs, f.Message)
	}
	return strings.Join(msgs, "；")
}

// PutPolicy saves a new version of the sign-in policy for the security
// administrator; an invalid one is refused whole (*InvalidPolicy) and nothing is written.
func (s *Service) PutPolicy(ctx context.Context, p *Principal, pol Policy) error {
	if !p.Can(domain.PermSecurityPolicy) {
		return ErrNotPermitted
	}
	if fs := pol.Validate(); len(fs) > 0 {
		return &InvalidPolicy{Fields: fs}
	}
	return s.SavePolicy(ctx, p.UserID, pol)
}
