package web

import (
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"unicode"

	"github.com/tiaojie/tiaojie/internal/access"
	"github.com/tiaojie/tiaojie/internal/auth"
	"github.com/tiaojie/tiaojie/internal/domain"
)

type loginData struct{ Next, Username string }

// Session keys of a sign-in that is not finished yet.
const (
	keyChallenge = "signin_challenge" // the SMS code asked for
	keyPhone     = "signin_phone"     // where it went, masked
	keyNext      = "signin_next"      // where to go afterwards
	keyExpired   = "signin_expired"   // the user whose expired password must be changed first
)

// safeNext keeps redirects on this site: only a path of this site, with no
// control characters, whitespace or backslashes (browsers drop a tab and
// read "\" as "/", so "/\t/evil.example" would leave), never "//host" or a scheme.
func safeNext(s string) string {
	if s == "" || s[0] != '/' {
		return "/"
	}
	for _, r := range s {
		if r < 0x20 || r == 0x7f || r == '\\' || unicode.IsSpace(r) || unicode.IsControl(r) || unicode.Is(unicode.Cf, r) || r == '\uFFFD' {
			return "/"
		}
	}
	if strings.HasPrefix(s, "//") {
		return "/"
	}
	u, err := url.Parse(s)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil || u.Opaque != "" ||
		strings.HasPrefix(u.Path, "//") || strings.ContainsAny(u.Path, "\\\t\r\n") {
		return "/"
	}
	return s
}

// LoginForm shows the sign-in page.
func (pg *Pages) LoginForm(w http.ResponseWriter, r *http.Request) {
	if auth.From(r.Context()) != nil {
		http.Redirect(w, r, "/", http.StatusSeeOther)
		return
	}
	pg.render(w, r, http.StatusOK, "login", "登录", loginData{Next: safeNext(r.URL.Query().Get("next"))})
}

// signInStatus is the status of a sign-in refusal.
func signInStatus(err error) int {
	switch {
	case errors.Is(err, auth.ErrLocked), errors.Is(err, auth.ErrRateLimited), errors.Is(err, auth.ErrBusy):
		return http.StatusTooManyRequests
	case errors.Is(err, auth.ErrNoPhone), errors.Is(err, auth.ErrCodeRequired), errors.Is(err, auth.ErrPasswordExpired):
		return http.StatusForbidden
	}
	return http.StatusUnauthorized
}

// Login checks the password. The session starts with a fresh token
// (fixation-safe) once every step is done: the password, the SMS code when
// the policy asks for one, and a new password when it has expired.
func (pg *Pages) Login(w http.ResponseWriter, r *http.Request) {
	username, password := r.PostFormValue("username"), r.PostFormValue("password")
	next := safeNext(r.PostFormValue("next"))
	res, err := pg.Auth.SignIn(r.Context(), username, password)
	if err != nil {
		if !auth.Refused(err) {
			pg.serverError(w, r, err)
			return
		}
		pg.renderWithError(w, r, signInStatus(err), "login", "登录", err.Error(), loginData{Next: next, Username: username})
		return
	}
	pg.nextStep(w, r, res, next)
}

// nextStep starts the session, or asks for what is still missing.
func (pg *Pages) nextStep(w http.ResponseWriter, r *http.Request, res auth.Result, next string) {
	ctx := r.Context()
	if err := pg.Sessions.RenewToken(ctx); err != nil {
		pg.serverError(w, r, err)
		return
	}
	switch {
	case res.Challenge != 0:
		pg.Sessions.Put(ctx, keyChallenge, res.Challenge)
		pg.Sessions.Put(ctx, keyPhone, res.PhoneMask)
		pg.Sessions.Put(ctx, keyNext, next)
		http.Redirect(w, r, "/login/code", http.StatusSeeOther)
	case res.MustChange:
		pg.Sessions.Remove(ctx, keyChallenge)
		pg.Sessions.Put(ctx, keyExpired, res.UserID)
		pg.Sessions.Put(ctx, keyNext, next)
		pg.Sessions.Put(ctx, "flash", "请先设置新密码（首次登录须更换管理员设置的初始密码，或密码已过期）")
		http.Redirect(w, r, "/password/expired", http.StatusSeeOther)
	default:
		pg.Sessions.Remove(ctx, keyChallenge)
		pg.Sessions.Remove(ctx, keyExpired)
		pg.Sessions.Put(ctx, "user_id", res.Principal.UserID)
		// "/" lands each role on its work (Home holds the one rule).
		http.Redirect(w, r, next, http.StatusSeeOther)
	}
}

type codeData struct{ Phone string }

// CodeForm asks for the SMS code of a sign-in whose password was right.
func (pg *Pages) CodeForm(w http.ResponseWriter, r *http.Request) {
	if pg.Sessions.GetInt64(r.Context(), keyChallenge) == 0 {
		http.Redirect(w, r, "/login", http.StatusSeeOther)
		return
	}
	pg.render(w, r, http.StatusOK, "login_code", "短信验证", codeData{Phone: pg.Sessions.GetString(r.Context(), keyPhone)})
}

// Code checks the SMS code and starts the session.
func (pg *Pages) Code(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	id := pg.Sessions.GetInt64(ctx, keyChallenge)
	if id == 0 {
		http.Redirect(w, r, "/login", http.StatusSeeOther)
		return
	}
	res, err := pg.Auth.VerifyCode(ctx, id, strings.TrimSpace(r.PostFormValue("code")))
	if err != nil {
		if !auth.Refused(err) {
			pg.serverError(w, r, err)
			return
		}
		pg.renderWithError(w, r, signInStatus(err), "login_code", "短信验证", err.Error(), codeData{Phone: pg.Sessions.GetString(ctx, keyPhone)})
		return
	}
	next := safeNext(pg.Sessions.GetString(ctx, keyNext))
	pg.Sessions.Remove(ctx, keyChallenge)
	pg.nextStep(w, r, res, next)
}

type passwordData struct {
	Expired bool
	Rules   auth.Policy
	Err     error
}

// passwordUser is whose password the page changes: the signed-in user's,
// or that of a sign-in held for an expired password.
func (pg *Pages) passwordUser(r *http.Request) (id int64, expired bool) {
	if p := auth.From(r.Context()); p != nil && !p.Machine {
		return p.UserID, false
	}
	id = pg.Sessions.GetInt64(r.Context(), keyExpired)
	return id, id != 0
}

// PasswordForm shows the password change page.
func (pg *Pages) PasswordForm(w http.ResponseWriter, r *http.Request) {
	id, expired := pg.passwordUser(r)
	if id == 0 { // /password/expired without a held sign-in
		http.Redirect(w, r, "/login", http.StatusSeeOther)
		return
	}
	pol, err := pg.Auth.Policy(r.Context())
	if err != nil {
		pg.serverError(w, r, err)
		return
	}
	pg.render(w, r, http.StatusOK, "password", "修改密码", passwordData{Expired: expired, Rules: pol})
}

// ChangePassword checks the current password and the rules, then sets the new one.
func (pg *Pages) ChangePassword(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	id, expired := pg.passwordUser(r)
	if id == 0 {
		http.Redirect(w, r, "/login", http.StatusSeeOther)
		return
	}
	pol, err := pg.Auth.Policy(ctx)
	if err != nil {
		pg.serverError(w, r, err)
		return
	}
	cur, next, again := r.PostFormValue("current"), r.PostFormValue("new"), r.PostFormValue("confirm")
	if next != again {
		err = &domain.FieldError{Field: "confirm", Message: "两次输入的新密码不一致"}
	} else {
		err = pg.Auth.ChangePassword(ctx, id, cur, next)
	}
	if err != nil {
		status := http.StatusUnprocessableEntity
		var fe *domain.FieldError
		switch {
		case errors.As(err, &fe):
		case auth.Refused(err):
			status = signInStatus(err)
		default:
			pg.serverError(w, r, err)
			return
		}
		pg.renderWithError(w, r, status, "password", "修改密码", err.Error(), passwordData{Expired: expired, Rules: pol, Err: err})
		return
	}
	if !expired {
		pg.flash(r, "密码已修改")
		http.Redirect(w, r, "/", http.StatusSeeOther)
		return
	}
	p, err := pg.Auth.AfterChange(ctx, id)
	if err != nil {
		if auth.Refused(err) {
			pg.renderWithError(w, r, signInStatus(err), "login", "登录", err.Error(), loginData{Next: "/"})
			return
		}
		pg.serverError(w, r, err)
		return
	}
	pg.nextStep(w, r, auth.Result{Principal: p, UserID: p.UserID}, safeNext(pg.Sessions.GetString(ctx, keyNext)))
}

type securityData struct {
	Policy auth.Policy
	Err    error
}

// SecurityPolicy shows the sign-in policy to the security administrator.
func (pg *Pages) SecurityPolicy(w http.ResponseWriter, r *http.Request) {
	pol, err := pg.Auth.Policy(r.Context())
	if err != nil {
		pg.serverError(w, r, err)
		return
	}
	pg.render(w, r, http.StatusOK, "security", "登录安全策略", securityData{Policy: pol})
}

// SaveSecurityPolicy stores a new version; a bad value is a 422 and nothing is written.
func (pg *Pages) SaveSecurityPolicy(w http.ResponseWriter, r *http.Request) {
	f := r.PostForm
	var bad []*domain.FieldError
	num := func(name string) int {
		v := strings.TrimSpace(f.Get(name))
		n, err := strconv.Atoi(v)
		if err != nil {
			bad = append(bad, &domain.FieldError{Field: name, Message: "请填写整数"})
		}
		return n
	}
	pol := auth.Policy{MaxFailures: num("max_failures"), LockMinutes: num("lock_minutes"), AddrMaxFailures: num("addr_max_failures"),
		AddrWindowMinutes: num("addr_window_minutes"), MinLength: num("min_length"), MinClasses: num("min_classes"),
		ExpiryDays: num("expiry_days"), SecondFactor: f.Get("second_factor") == "on"}
	var err error
	if len(bad) > 0 {
		err = &access.ValidationError{Fields: bad}
	} else if err = pg.Auth.PutPolicy(r.Context(), auth.From(r.Context()), pol); err != nil {
		var ip *auth.InvalidPolicy
		switch {
		case errors.As(err, &ip):
			err = &access.ValidationError{Fields: ip.Fields}
		case errors.Is(err, auth.ErrNotPermitted):
			pg.Fail(w, r, http.StatusForbidden, err.Error())
			return
		default:
			pg.serverError(w, r, err)
			return
		}
	}
	if err != nil {
		pg.renderWithError(w, r, http.StatusUnprocessableEntity, "security", "登录安全策略", err.Error(), securityData{Policy: pol, Err: err})
		return
	}
	pg.flash(r, "登录安全策略已保存，立即生效")
	http.Redirect(w, r, "/admin/security", http.StatusSeeOther)
}

// Logout ends the session.
func (pg *Pages) Logout(w http.ResponseWriter, r *http.Request) {
	if err := pg.Sessions.Destroy(r.Context()); err != nil {
		pg.serverError(w, r, err)
		return
	}
	http.Redirect(w, r, "/login", http.StatusSeeOther)
}

func (pg *Pages) renderWithError(w http.ResponseWriter, r *http.Request, status int, name, title, msg string, data any) {
	pg.Sessions.Put(r.Context(), "error", msg)
	pg.render(w, r, status, name, title, data)
}
