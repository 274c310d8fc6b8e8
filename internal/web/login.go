package web

import (
	"errors"
	"net/http"
	"strings"

	"github.com/tiaojie/tiaojie/internal/auth"
)

type loginData struct{ Next, Username string }

// safeNext keeps redirects on this site.
func safeNext(s string) string {
	if !strings.HasPrefix(s, "/") || strings.HasPrefix(s, "//") || strings.HasPrefix(s, "/\\") {
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

// Login checks the password and starts a fresh session (new token: fixation-safe).
func (pg *Pages) Login(w http.ResponseWriter, r *http.Request) {
	username, password := r.PostFormValue("username"), r.PostFormValue("password")
	next := safeNext(r.PostFormValue("next"))
	p, err := pg.Auth.Login(r.Context(), username, password)
	if err != nil {
		status := http.StatusUnauthorized
		msg := err.Error()
		if !errors.Is(err, auth.ErrBadCredentials) && !errors.Is(err, auth.ErrLocked) && !errors.Is(err, auth.ErrInactive) {
			pg.serverError(w, r, err)
			return
		}
		if errors.Is(err, auth.ErrLocked) {
			status = http.StatusTooManyRequests
		}
		pg.Log.Info("sign-in refused", "reason", msg)
		data := loginData{Next: next, Username: username}
		pg.renderWithError(w, r, status, "login", "登录", msg, data)
		return
	}
	if err := pg.Sessions.RenewToken(r.Context()); err != nil {
		pg.serverError(w, r, err)
		return
	}
	pg.Sessions.Put(r.Context(), "user_id", p.UserID)
	pg.Log.Info("signed in", "user_id", p.UserID)
	// "/" lands each role on its work (Home holds the one rule).
	http.Redirect(w, r, next, http.StatusSeeOther)
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
