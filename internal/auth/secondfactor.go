package auth

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"errors"
	"fmt"
	"math/big"
	"time"

	"github.com/tiaojie/tiaojie/internal/domain"
	"github.com/tiaojie/tiaojie/internal/notify"
	"github.com/tiaojie/tiaojie/internal/store"
)

// Second factor: after a right password a staff member gets a 6-digit code
// by SMS (queued, never sent in the request), valid CodeTTL, CodeTries tries.
const (
	CodeTTL   = 5 * time.Minute
	CodeTries = 5
)

func (s *Service) codeHash(challengeUser int64, code string) string {
	v := fmt.Sprintf("signin-code:%d:%s", challengeUser, code)
	if s.Sealer != nil {
		return s.Sealer.Hash(v)
	}
	return HashToken(v)
}

// sendCode queues a code for u and returns the challenge to ask it for.
func (s *Service) sendCode(ctx context.Context, at attempt, u store.User, now time.Time) (Result, error) {
	phone := ""
	if u.PhoneSealed != "" && s.Sealer != nil {
		p, err := s.Sealer.Open(u.PhoneSealed)
		if err != nil {
			return Result{}, fmt.Errorf("open the phone of user %d: %w", u.ID, err)
		}
		phone = p
	}
	if phone == "" || s.Sender == nil {
		return Result{}, at.refuse(ctx, ErrNoPhone, "second factor failed: no phone", true)
	}
	n, err := rand.Int(rand.Reader, big.NewInt(1_000_000))
	if err != nil {
		return Result{}, err
	}
	code := fmt.Sprintf("%06d", n.Int64())
	c := store.LoginChallenge{UserID: u.ID, Expires: now.Add(CodeTTL), Created: now}
	c.CodeHash = s.codeHash(u.ID, code)
	err = s.Store.InTx(at.ctx(ctx), func(tx store.Store) error {
		if err := tx.CreateLoginChallenge(ctx, &c); err != nil {
			return err
		}
		return tx.RecordAccess(ctx, "sign-in: password accepted, SMS code sent", at.object())
	})
	if err != nil {
		return Result{}, fmt.Errorf("login challenge: %w", err)
	}
	// The queue records the message and its job; a gateway is reached later.
	msg := notify.Message{To: phone, Kind: notify.KindVerifyCode,
		Body: "您的登录验证码为" + code + "，5分钟内有效。如非本人操作，请勿告知他人并联系管理员。"}
	if _, err := s.Sender.Send(ctx, msg); err != nil {
		return Result{}, fmt.Errorf("queue the sign-in code: %w", err)
	}
	s.log().Info("sign-in code sent", "user_id", u.ID, "addr", at.addr, "to", domain.MaskMobile(phone))
	return Result{UserID: u.ID, Challenge: c.ID, PhoneMask: u.PhoneMask}, nil
}

// VerifyCode completes a sign-in with the SMS code of challenge id. Each
// try is counted in the database; a wrong, expired or over-tried code is
// refused (ErrBadCode) and counts as a failed sign-in of the account.
func (s *Service) VerifyCode(ctx context.Context, id int64, code string) (Result, error) {
	now := s.now()
	c, err := s.Store.TryLoginChallenge(ctx, id)
	if errors.Is(err, store.ErrNotFound) {
		return Result{}, ErrBadCode
	}
	if err != nil {
		return Result{}, fmt.Errorf("verify code: %w", err)
	}
	u, err := s.Store.GetUser(ctx, c.UserID)
	if err != nil {
		return Result{}, fmt.Errorf("verify code: %w", err)
	}
	bs, err := s.Store.ListBindings(ctx, u.ID)
	if err != nil {
		return Result{}, fmt.Errorf("verify code: %w", err)
	}
	at := attempt{s: s, typed: u.Username, user: &u, bindings: bs}
	at.addr = auditAddr(ctx)
	pol, err := s.Policy(ctx)
	if err != nil {
		return Result{}, err
	}
	want := s.codeHash(u.ID, code)
	good := subtle.ConstantTimeCompare([]byte(want), []byte(c.CodeHash)) == 1
	switch {
	case c.Tries > CodeTries || !now.Before(c.Expires) || !good:
		reason := "wrong code"
		if c.Tries > CodeTries {
			reason = "too many tries"
		} else if !now.Before(c.Expires) {
			reason = "code expired"
		}
		err := s.Store.InTx(at.ctx(ctx), func(tx store.Store) error {
			if c.Tries > CodeTries || !now.Before(c.Expires) {
				if err := tx.UseLoginChallenge(ctx, c.ID, now); err != nil && !errors.Is(err, store.ErrNotFound) {
					return err
				}
			}
			if _, _, err := tx.LoginFailure(ctx, u.ID, now, pol.MaxFailures, pol.LockDurationOf()); err != nil {
				return err
			}
			return tx.RecordAccess(ctx, "sign-in refused: second factor failed ("+reason+")", at.object())
		})
		if err != nil {
			return Result{}, fmt.Errorf("verify code: %w", err)
		}
		s.log().Info("sign-in refused", "reason", "second factor failed: "+reason, "username", u.Username, "addr", at.addr)
		return Result{}, ErrBadCode
	case !u.Active:
		return Result{}, at.refuse(ctx, ErrInactive, "inactive", true)
	}
	if err := s.Store.UseLoginChallenge(ctx, c.ID, now); errors.Is(err, store.ErrNotFound) {
		return Result{}, ErrBadCode // used by a parallel try
	} else if err != nil {
		return Result{}, fmt.Errorf("verify code: %w", err)
	}
	p := &Principal{UserID: u.ID, Username: u.Username, DisplayName: u.DisplayName, Bindings: bs}
	return s.finish(ctx, at, p, pol, now, true)
}

// ChangePassword sets a new password for user id after checking the
// current one (a wrong one counts as a failed sign-in) and the policy's
// rules. A refusal of the new password is a *domain.FieldError.
func (s *Service) ChangePassword(ctx context.Context, id int64, current, next string) error {
	now := s.now()
	u, err := s.Store.GetUser(ctx, id)
	if err != nil {
		return fmt.Errorf("change password: %w", err)
	}
	if u.LockedUntil != nil && now.Before(*u.LockedUntil) {
		return ErrLocked
	}
	pol, err := s.Policy(ctx)
	if err != nil {
		return err
	}
	if msg := pol.PasswordProblem(u.Username, next); msg != "" {
		return &domain.FieldError{Field: "new", Message: msg}
	}
	if current == next {
		return &domain.FieldError{Field: "new", Message: "新密码不能与当前密码相同"}
	}
	ok, err := s.checkPassword(ctx, u.PasswordHash, current)
	if err != nil {
		return err
	}
	if !ok {
		var locked bool
		err := s.Store.InTx(ctx, func(tx store.Store) error {
			_, lock, err := tx.LoginFailure(ctx, u.ID, now, pol.MaxFailures, pol.LockDurationOf())
			if err != nil {
				return err
			}
			locked = lock != nil && now.Before(*lock)
			return tx.RecordAccess(ctx, "password change refused: wrong current password", fmt.Sprintf("user:%d", u.ID))
		})
		if err != nil {
			return fmt.Errorf("change password: %w", err)
		}
		if locked {
			return ErrLocked
		}
		return &domain.FieldError{Field: "current", Message: "当前密码不正确"}
	}
	h, err := s.hashPassword(ctx, next)
	if err != nil {
		return err
	}
	return s.Store.InTx(ctx, func(tx store.Store) error {
		if err := tx.ChangePassword(ctx, u.ID, h, now); err != nil {
			return err
		}
		return tx.RecordAccess(ctx, "change password", fmt.Sprintf("user:%d", u.ID))
	})
}

// AfterChange finishes a sign-in held for an expired password, once it has
// been changed: the session may start.
func (s *Service) AfterChange(ctx context.Context, id int64) (*Principal, error) {
	u, err := s.Store.GetUser(ctx, id)
	if err != nil {
		return nil, fmt.Errorf("sign in after change: %w", err)
	}
	bs, err := s.Store.ListBindings(ctx, u.ID)
	if err != nil {
		return nil, fmt.Errorf("sign in after change: %w", err)
	}
	pol, err := s.Policy(ctx)
	if err != nil {
		return nil, err
	}
	at := attempt{s: s, typed: u.Username, addr: auditAddr(ctx), user: &u, bindings: bs}
	p := &Principal{UserID: u.ID, Username: u.Username, DisplayName: u.DisplayName, Bindings: bs}
	res, err := s.finish(ctx, at, p, pol, s.now(), true)
	if err != nil {
		return nil, err
	}
	if res.Principal == nil {
		return nil, ErrPasswordExpired
	}
	return res.Principal, nil
}
