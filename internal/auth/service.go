package auth

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/tiaojie/tiaojie/internal/audit"
	"github.com/tiaojie/tiaojie/internal/domain"
	"github.com/tiaojie/tiaojie/internal/notify"
	"github.com/tiaojie/tiaojie/internal/pii"
	"github.com/tiaojie/tiaojie/internal/store"
)

// Sign-in rules that are not settings.
const (
	MaxFailures  = 5                // failed attempts before the account locks (DefaultPolicy)
	LockDuration = 15 * time.Minute // how long it stays locked (DefaultPolicy)
	TokenTTL     = 12 * time.Hour   // bearer tokens from /api/v1/auth/token
)

var (
	// ErrBadCredentials: unknown user or wrong password (never say which).
	ErrBadCredentials = errors.New("用户名或密码错误")
	// ErrLocked: too many failures.
	ErrLocked = errors.New("连续登录失败次数过多，账号已临时锁定，请稍后再试")
	// ErrInactive: the account is disabled.
	ErrInactive = errors.New("账号已停用，请联系管理员")
	// ErrBadToken: missing, unknown, expired or revoked bearer token.
	ErrBadToken = errors.New("访问令牌无效或已过期")
	// ErrRateLimited: too many failed sign-ins from this address.
	ErrRateLimited = errors.New("该地址登录失败次数过多，请稍后再试")
	// ErrBusy: the instance is taking more sign-ins than it can check.
	ErrBusy = errors.New("登录请求过多，请稍后再试")
	// ErrNoPhone: a second factor is required but the account has no mobile.
	ErrNoPhone = errors.New("您的账号须短信验证码登录，但未登记手机号码，请联系管理员登记后再登录")
	// ErrCodeRequired: the API cannot take a second factor; sign in on the web.
	ErrCodeRequired = errors.New("您的账号须短信验证码登录，请通过网页登录")
	// ErrPasswordExpired: the password must be changed before signing in.
	ErrPasswordExpired = errors.New("密码已过期，请先在网页登录并修改密码")
	// ErrBadCode: a wrong, expired or used second-factor code.
	ErrBadCode = errors.New("验证码错误或已过期，请重新登录获取新的验证码")
)

// Refused reports whether err is a sign-in refusal (shown to the person)
// rather than a failure of the system.
func Refused(err error) bool {
	for _, e := range []error{ErrBadCredentials, ErrLocked, ErrInactive, ErrRateLimited, ErrBusy, ErrNoPhone,
		ErrCodeRequired, ErrPasswordExpired, ErrBadCode} {
		if errors.Is(err, e) {
			return true
		}
	}
	return false
}

// Service signs people in and resolves tokens.
type Service struct {
	Store store.Store
	Now   func() time.Time
	// Sealer opens staff phones and keys the hashes of second-factor codes;
	// Sender queues their SMS (through the outbox and job queue).
	Sealer *pii.Sealer
	Sender notify.Sender
	Log    *slog.Logger
	// The instance's own limits; zero: the defaults.
	HashSlots       int           // password hashes at once (HashSlots())
	HashWait        time.Duration // wait for a hashing slot before ErrBusy
	GlobalPerSecond int           // sign-in attempts per second
	// Hash makes new password hashes (nil: HashPassword); tests use FixtureHash.
	Hash func(string) (string, error)

	pool   pool
	addrs  addrLimit
	global rate
}

func (s *Service) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

func (s *Service) log() *slog.Logger {
	if s.Log != nil {
		return s.Log
	}
	return slog.New(slog.DiscardHandler)
}

// dummyHash keeps the time of a sign-in with an unknown username close to a
// real check. It is a constant (HashPassword's parameters, a password no one
// has), not computed at start-up: that cost every process 64 MiB.
const dummyHash = "$argon2id$v=19$m=65536,t=3,p=2$FlE3GCdcAOpvZ0szti7ZKQ$q1O4iIDwZxAEnL5SWprrNO2ebI7fq5XV/OK+kWp6qgA"

// Result is where a sign-in stands after the password.
type Result struct {
	// Principal is set when the person is signed in: start the session.
	Principal *Principal
	UserID    int64
	// Challenge is set when a code was sent by SMS: ask for it (VerifyCode).
	Challenge int64
	PhoneMask string
	// MustChange: the password expired; it must be changed (ChangeExpired)
	// before the session starts.
	MustChange bool
}

// Login checks a username and password for the API: a sign-in that needs a
// second step (SMS code, password change) is refused there.
func (s *Service) Login(ctx context.Context, username, password string) (*Principal, error) {
	res, err := s.signIn(ctx, username, password, false)
	if err != nil {
		return nil, err
	}
	return res.Principal, nil
}

// SignIn checks a username and password on the web: the result is a
// principal, or the next step (an SMS code was sent, or the password must be
// changed). Every refusal and every sign-in is on the audit trail.
func (s *Service) SignIn(ctx context.Context, username, password string) (Result, error) {
	return s.signIn(ctx, username, password, true)
}

func (s *Service) signIn(ctx context.Context, username, password string, web bool) (Result, error) {
	username = strings.TrimSpace(username)
	addr := audit.From(ctx).Addr
	now := s.now()
	at := attempt{s: s, typed: username, addr: addr}
	max := s.GlobalPerSecond
	if max <= 0 {
		max = DefaultGlobalPerSecond
	}
	if ok, first := s.global.take(time.Now(), max); !ok { // real time: it measures load
		return Result{}, at.refuse(ctx, ErrBusy, "rate-limited (instance)", first)
	}
	pol, err := s.Policy(ctx)
	if err != nil {
		return Result{}, fmt.Errorf("login: %w", err)
	}
	if ok, first := s.addrs.take(addr, now, pol.AddrMaxFailures, time.Duration(pol.AddrWindowMinutes)*time.Minute); !ok {
		return Result{}, at.refuse(ctx, ErrRateLimited, "rate-limited (address)", first)
	}
	u, err := s.Store.GetUserByUsername(ctx, username)
	if errors.Is(err, store.ErrNotFound) {
		if _, err := s.checkPassword(ctx, dummyHash, password); err != nil {
			s.addrs.give(addr) // never checked: not a failure
			return Result{}, at.refuse(ctx, err, "rate-limited (busy)", true)
		}
		return Result{}, at.refuse(ctx, ErrBadCredentials, "unknown user", true)
	}
	if err != nil {
		return Result{}, fmt.Errorf("login: %w", err)
	}
	bs, err := s.Store.ListBindings(ctx, u.ID)
	if err != nil {
		return Result{}, fmt.Errorf("login: %w", err)
	}
	at.user, at.bindings = &u, bs
	if u.LockedUntil != nil && now.Before(*u.LockedUntil) {
		return Result{}, at.refuse(ctx, ErrLocked, "locked", true)
	}
	ok, err := s.checkPassword(ctx, u.PasswordHash, password)
	if err != nil {
		s.addrs.give(addr)
		return Result{}, at.refuse(ctx, err, "rate-limited (busy)", true)
	}
	if !ok {
		var locked bool
		err := s.Store.InTx(at.ctx(ctx), func(tx store.Store) error {
			_, lock, err := tx.LoginFailure(ctx, u.ID, now, pol.MaxFailures, pol.LockDurationOf())
			if err != nil {
				return err
			}
			locked = lock != nil && now.Before(*lock)
			reason := "bad password"
			if locked {
				reason = "bad password, account locked"
			}
			return tx.RecordAccess(ctx, "sign-in refused: "+reason, at.object())
		})
		if err != nil {
			return Result{}, fmt.Errorf("login: %w", err)
		}
		s.log().Info("sign-in refused", "reason", "bad password", "username", at.logName(), "addr", addr, "locked", locked)
		if locked {
			return Result{}, ErrLocked
		}
		return Result{}, ErrBadCredentials
	}
	s.addrs.give(addr)
	if !u.Active {
		return Result{}, at.refuse(ctx, ErrInactive, "inactive", true)
	}
	p := &Principal{UserID: u.ID, Username: u.Username, DisplayName: u.DisplayName, Bindings: bs}
	if pol.SecondFactor && staff(bs) {
		if !web {
			return Result{}, at.refuse(ctx, ErrCodeRequired, "second factor required (API)", true)
		}
		return s.sendCode(ctx, at, u, now)
	}
	return s.finish(ctx, at, p, pol, now, web)
}

// finish records a sign-in whose checks all passed, unless the account
// locked meanwhile or the password expired.
func (s *Service) finish(ctx context.Context, at attempt, p *Principal, pol Policy, now time.Time, web bool) (Result, error) {
	u := *at.user
	if pol.Expired(u, now) {
		if !web {
			return Result{}, at.refuse(ctx, ErrPasswordExpired, "password expired (API)", true)
		}
		if err := s.Store.RecordAccess(at.ctx(ctx), "sign-in held: password expired, change required", at.object()); err != nil {
			return Result{}, fmt.Errorf("login: %w", err)
		}
		return Result{UserID: u.ID, MustChange: true}, nil
	}
	var ok bool
	err := s.Store.InTx(at.ctx(ctx), func(tx store.Store) error {
		var err error
		if ok, err = tx.LoginSuccess(ctx, u.ID, now); err != nil || !ok {
			return err
		}
		return tx.RecordAccess(ctx, "sign in", at.object())
	})
	if err != nil {
		return Result{}, fmt.Errorf("login: %w", err)
	}
	if !ok { // a burst of wrong passwords locked it while this one was checked
		return Result{}, at.refuse(ctx, ErrLocked, "locked", true)
	}
	s.log().Info("signed in", "user_id", u.ID, "addr", at.addr)
	return Result{Principal: p, UserID: u.ID}, nil
}

// attempt is one sign-in as the audit trail and the log record it.
type attempt struct {
	s        *Service
	typed    string // the username as typed
	addr     string
	user     *store.User
	bindings []store.Binding
}

// name is the typed username fit for the trail: printable, at most 32 characters.
func (a attempt) name() string {
	var b strings.Builder
	n := 0
	for _, r := range a.typed {
		if n == 32 {
			b.WriteString("…")
			break
		}
		if r == utf8.RuneError || unicode.IsControl(r) || unicode.Is(unicode.Bidi_Control, r) {
			r = '?'
		}
		b.WriteRune(r)
		n++
	}
	if b.Len() == 0 {
		return "（空用户名）"
	}
	return b.String()
}

// logName is the name for the log line: the account's username when it
// exists, else the typed one masked past its first characters (a password
// typed into the username field must not land in a log).
func (a attempt) logName() string {
	if a.user != nil {
		return a.user.Username
	}
	r := []rune(a.name())
	if len(r) <= 3 {
		return string(r[:1]) + "**"
	}
	return string(r[:3]) + "***"
}

// ctx carries the actor of the entry: the typed name from the address, and
// the account and its first binding's unit when it exists (so the auditor of
// that unit sees its sign-ins).
func (a attempt) ctx(ctx context.Context) context.Context {
	act := audit.From(ctx)
	act.Name = a.name()
	if a.user != nil {
		act.Kind, act.ID = audit.KindUser, a.user.ID
		if len(a.bindings) > 0 {
			b := a.bindings[0]
			act.Role, act.UnitID, act.UnitPath = string(b.Role), b.OrgID, b.OrgPath
		}
	}
	return audit.With(ctx, act)
}

func (a attempt) object() string {
	if a.user != nil {
		return fmt.Sprintf("user:%d", a.user.ID)
	}
	return ""
}

// refuse records a refusal (on the trail when record; a flood of rate-limit
// refusals is recorded once per window) and returns err.
func (a attempt) refuse(ctx context.Context, err error, reason string, record bool) error {
	a.s.log().Info("sign-in refused", "reason", reason, "username", a.logName(), "addr", a.addr)
	if record {
		if rerr := a.s.Store.RecordAccess(a.ctx(ctx), "sign-in refused: "+reason, a.object()); rerr != nil {
			return fmt.Errorf("login: %w", rerr)
		}
	}
	return err
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

func auditAddr(ctx context.Context) string { return audit.From(ctx).Addr }
