package auth

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/tiaojie/tiaojie/internal/domain"
	"github.com/tiaojie/tiaojie/internal/store"
)

// Sign-in rules.
const (
	MaxFailures  = 5                // failed attempts before the account locks
	LockDuration = 15 * time.Minute // how long it stays locked
	TokenTTL     = 12 * time.Hour   // bearer tokens from /api/v1/auth/token
)

var (
	// ErrBadCredentials: unknown user or wrong password (never say which).
	ErrBadCredentials = errors.New("用户名或密码错误")
	// ErrLocked: too many failures.
	ErrLocked = errors.New("连续登录失败次数过多，账号已临时锁定，请15分钟后再试")
	// ErrInactive: the account is disabled.
	ErrInactive = errors.New("账号已停用，请联系管理员")
	// ErrBadToken: missing, unknown, expired or revoked bearer token.
	ErrBadToken = errors.New("访问令牌无效或已过期")
)

// Service signs people in and resolves tokens.
type Service struct {
	Store store.Store
	Now   func() time.Time
}

func (s *Service) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

// dummyHash keeps the time of a sign-in with an unknown username close to a real check.
var dummyHash, _ = HashPassword("tiaojie-timing-equaliser")

// Login checks a username and password, applying lockout.
func (s *Service) Login(ctx context.Context, username, password string) (*Principal, error) {
	username = strings.TrimSpace(username)
	u, err := s.Store.GetUserByUsername(ctx, username)
	if errors.Is(err, store.ErrNotFound) {
		CheckPassword(dummyHash, password)
		return nil, ErrBadCredentials
	}
	if err != nil {
		return nil, fmt.Errorf("login: %w", err)
	}
	now := s.now()
	if u.LockedUntil != nil && now.Before(*u.LockedUntil) {
		return nil, ErrLocked
	}
	if !CheckPassword(u.PasswordHash, password) {
		var lock *time.Time
		if u.FailedLogins+1 >= MaxFailures {
			t := now.Add(LockDuration)
			lock = &t
		}
		if err := s.Store.RecordLogin(ctx, u.ID, false, now, lock); err != nil {
			return nil, fmt.Errorf("login: %w", err)
		}
		if lock != nil {
			return nil, ErrLocked
		}
		return nil, ErrBadCredentials
	}
	if !u.Active {
		return nil, ErrInactive
	}
	if err := s.Store.RecordLogin(ctx, u.ID, true, now, nil); err != nil {
		return nil, fmt.Errorf("login: %w", err)
	}
	return s.PrincipalFor(ctx, u)
}

// PrincipalFor loads a user's bindings.
func (s *Service) PrincipalFor(ctx context.Context, u store.User) (*Principal, error) {
	bs, err := s.Store.ListBindings(ctx, u.ID)
	if err != nil {
		return nil, fmt.Errorf("load bindings: %w", err)
	}
	return &Principal{UserID: u.ID, Username: u.Username, DisplayName: u.DisplayName, Bindings: bs}, nil
}

// PrincipalByID loads an active user for a web session.
func (s *Service) PrincipalByID(ctx context.Context, id int64) (*Principal, error) {
	u, err := s.Store.GetUser(ctx, id)
	if err != nil {
		return nil, err
	}
	if !u.Active {
		return nil, ErrInactive
	}
	return s.PrincipalFor(ctx, u)
}

func newSecret(prefix string) (plain, hash string) {
	b := make([]byte, 32)
	rand.Read(b)
	plain = prefix + base64.RawURLEncoding.EncodeToString(b)
	return plain, HashToken(plain)
}

// HashToken is how tokens are stored: only their SHA-256.
func HashToken(plain string) string {
	h := sha256.Sum256([]byte(plain))
	return hex.EncodeToString(h[:])
}

// IssueToken creates a short-lived bearer token for a signed-in user.
func (s *Service) IssueToken(ctx context.Context, p *Principal) (string, time.Time, error) {
	plain, hash := newSecret("tjt_")
	exp := s.now().Add(TokenTTL).UTC().Truncate(time.Second)
	t := store.Token{Hash: hash, Kind: "session", UserID: p.UserID, ExpiresAt: &exp}
	if err := s.Store.CreateToken(ctx, &t); err != nil {
		return "", time.Time{}, fmt.Errorf("issue token: %w", err)
	}
	return plain, exp, nil
}

// IssueKey creates a long-lived API key for a machine client scoped to one org unit.
func (s *Service) IssueKey(ctx context.Context, name string, orgID int64, expires *time.Time) (string, store.Token, error) {
	plain, hash := newSecret("tjk_")
	t := store.Token{Hash: hash, Kind: "key", Name: name, Role: domain.RoleMachine, OrgID: orgID, ExpiresAt: expires}
	if err := s.Store.CreateToken(ctx, &t); err != nil {
		return "", t, fmt.Errorf("issue key: %w", err)
	}
	return plain, t, nil
}

// Bearer resolves an Authorization bearer token.
func (s *Service) Bearer(ctx context.Context, plain string) (*Principal, error) {
	t, err := s.Store.GetTokenByHash(ctx, HashToken(plain))
	if errors.Is(err, store.ErrNotFound) {
		return nil, ErrBadToken
	}
	if err != nil {
		return nil, fmt.Errorf("resolve token: %w", err)
	}
	if t.RevokedAt != nil || (t.ExpiresAt != nil && !s.now().Before(*t.ExpiresAt)) {
		return nil, ErrBadToken
	}
	if t.Kind == "key" {
		org, err := s.Store.GetOrgUnit(ctx, t.OrgID)
		if err != nil {
			return nil, fmt.Errorf("resolve key scope: %w", err)
		}
		return &Principal{TokenID: t.ID, Machine: true, Username: "key:" + t.Name, DisplayName: t.Name,
			Bindings: []store.Binding{{Role: t.Role, OrgID: org.ID, OrgPath: org.Path, OrgName: org.Name}}}, nil
	}
	p, err := s.PrincipalByID(ctx, t.UserID)
	if err != nil {
		return nil, ErrBadToken
	}
	p.TokenID = t.ID
	return p, nil
}
