package server_test

import (
	"context"
	"fmt"
	"net/http"
	"net/netip"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tiaojie/tiaojie/internal/auth"
	"github.com/tiaojie/tiaojie/internal/platform"
	"github.com/tiaojie/tiaojie/internal/server"
	"github.com/tiaojie/tiaojie/internal/store"
	"github.com/tiaojie/tiaojie/internal/store/storetest"
)

// newProxiedEnv is a demo server behind a trusted proxy on loopback, so a
// test can sign in from many client addresses (X-Forwarded-For).
func newProxiedEnv(t *testing.T, eng storetest.Engine, adjust func(*platform.Services)) *env {
	t.Helper()
	return startEnv(t, eng.FromTemplate(t, "demo", buildDemo), nil, adjust, func(o *server.Options) {
		o.TrustedProxies = []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8"), netip.MustParsePrefix("::1/128")}
	})
}

// formFrom posts a form as the client at addr.
func (c *client) formFrom(addr, path string, v url.Values) resp {
	req, _ := http.NewRequest("POST", c.env.ts.URL+path, strings.NewReader(v.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("X-Forwarded-For", addr)
	return c.do(req)
}

// Thirty wrong passwords sent at once lock the account; the right password
// afterwards (from another address) is refused with 429 and the lock's
// message; every refusal reaches the auditor with username and address.
func TestSignInParallelWrongPasswordsLock(t *testing.T) {
	for _, eng := range storetest.Engines(t) {
		t.Run(eng.Name, func(t *testing.T) {
			t.Parallel()
			e := newProxiedEnv(t, eng, nil)
			var wg sync.WaitGroup
			codes := make([]int, 30)
			for i := range 30 {
				wg.Add(1)
				go func() {
					defer wg.Done()
					r := e.anon().formFrom(fmt.Sprintf("203.0.113.%d", i+1), "/login", url.Values{"username": {"mediator02"}, "password": {fmt.Sprintf("guess-%d", i)}})
					codes[i] = r.StatusCode
				}()
			}
			wg.Wait()
			for i, c := range codes {
				if c != http.StatusUnauthorized && c != http.StatusTooManyRequests {
					t.Fatalf("attempt %d: %d", i, c)
				}
			}
			r := e.anon().formFrom("198.51.100.9", "/login", url.Values{"username": {"mediator02"}, "password": {password}})
			if r.StatusCode != http.StatusTooManyRequests || !strings.Contains(r.body, "账号已临时锁定") {
				t.Fatalf("right password after the burst: %d", r.StatusCode)
			}
			u, _ := e.db.GetUserByUsername(context.Background(), "mediator02")
			if u.LockedUntil == nil || !u.LockedUntil.After(time.Now()) {
				t.Fatal("the account is not locked")
			}
			// The auditor sees them.
			page := e.login("auditor01").get("/audit?actor=mediator02")
			if page.StatusCode != 200 || strings.Count(page.body, "sign-in refused") < 31 || !strings.Contains(page.body, "203.0.113.") ||
				!strings.Contains(page.body, "198.51.100.9") {
				t.Fatalf("audit page: %d, %d refusals", page.StatusCode, strings.Count(page.body, "sign-in refused"))
			}
		})
	}
}

// One address that keeps failing is refused with 429 and a Chinese message,
// while others still sign in; a signed-in session is on the trail as "sign in".
func TestSignInAddressLimitAndNext(t *testing.T) {
	eng := storetest.Engines(t)[0]
	e := newProxiedEnv(t, eng, nil)
	var last resp
	for i := range 21 {
		last = e.anon().formFrom("192.0.2.50", "/login", url.Values{"username": {fmt.Sprintf("nobody%d", i)}, "password": {"x"}})
	}
	if last.StatusCode != http.StatusTooManyRequests || !strings.Contains(last.body, "该地址登录失败次数过多") {
		t.Fatalf("21st failure from one address: %d", last.StatusCode)
	}
	// next: only same-site paths survive; the rest land on "/".
	for next, want := range map[string]string{
		"/%09/evil.example": "/", "/\t/evil.example": "/", "//evil.example": "/", "/\\evil.example": "/",
		"https://evil.example": "/", "/cases?status=open": "/cases?status=open",
	} {
		c := e.anon()
		r := c.formFrom("192.0.2.51", "/login", url.Values{"username": {"mediator01"}, "password": {password}, "next": {next}})
		if r.StatusCode != http.StatusSeeOther || r.Header.Get("Location") != want {
			t.Errorf("next %q: %d %q", next, r.StatusCode, r.Header.Get("Location"))
		}
	}
	es, _ := e.db.ListAudit(context.Background(), store.AuditQuery{Actor: "mediator01", Scope: store.Scope{All: true}, Limit: 50})
	signedIn := 0
	for _, en := range es {
		if en.Action == "sign in" && en.Actor.Addr == "192.0.2.51" && en.Actor.Role == "mediator" {
			signedIn++
		}
	}
	if signedIn != 6 {
		t.Fatalf("sign-ins on the trail: %d", signedIn)
	}
}

// A refused cross-origin POST is a 403 with the Chinese page (the JSON
// error on the API), never a 500.
func TestCrossOriginRefusalIs403(t *testing.T) {
	e := newEnv(t, storetest.Engines(t)[0])
	c := e.login("mediator01")
	for _, path := range []string{"/cases", "/login", "/logout", "/api/v1/complaints"} {
		req, _ := http.NewRequest("POST", e.ts.URL+path, strings.NewReader("a=b"))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Sec-Fetch-Site", "cross-site")
		req.Header.Set("Origin", "https://evil.example")
		r := c.do(req)
		if r.StatusCode != http.StatusForbidden || !strings.Contains(r.body, "跨站请求已被拒绝") {
			t.Fatalf("cross-origin POST %s: %d %s", path, r.StatusCode, r.body)
		}
		if !strings.HasPrefix(path, "/api/") && !strings.Contains(r.body, "<html") {
			t.Fatalf("%s: not the page", path)
		}
	}
	// Without Sec-Fetch-Site, an Origin of another host is refused the same way.
	req, _ := http.NewRequest("POST", e.ts.URL+"/cases", strings.NewReader("a=b"))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", "https://evil.example")
	if r := e.anon().do(req); r.StatusCode != http.StatusForbidden {
		t.Fatalf("Origin only: %d", r.StatusCode)
	}
}

var signinCodeRe = regexp.MustCompile(`验证码为(\d{6})`)

// The security administrator keeps the sign-in policy on a page and the
// API; bad values are 422 and nothing is written. With the second factor
// on, a mediator signs in only with the SMS code read from the outbox.
// Any user changes their own password under the rules.
func TestSecurityPolicyAndSecondFactor(t *testing.T) {
	for _, eng := range storetest.Engines(t) {
		t.Run(eng.Name, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t, eng)
			ctx := context.Background()
			sec, adm := e.login("security01"), e.login("admin")
			if r := sec.get("/admin/security"); r.StatusCode != 200 || !strings.Contains(r.body, "登录安全策略") {
				t.Fatalf("policy page: %d", r.StatusCode)
			}
			if r := adm.get("/admin/security"); r.StatusCode != http.StatusForbidden {
				t.Fatalf("admin on the policy page: %d", r.StatusCode)
			}
			if r := adm.json("PUT", "/api/v1/security/policy", map[string]any{"max_failures": 5}, nil); r.StatusCode != http.StatusForbidden {
				t.Fatalf("admin PUT: %d", r.StatusCode)
			}
			bad := map[string]any{"max_failures": 0, "lock_minutes": 15, "addr_max_failures": 20, "addr_window_minutes": 10,
				"min_length": 3, "min_classes": 3, "expiry_days": 0, "second_factor": true}
			r := sec.json("PUT", "/api/v1/security/policy", bad, nil)
			if r.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(r.body, "max_failures") || !strings.Contains(r.body, "min_length") {
				t.Fatalf("bad policy: %d %s", r.StatusCode, r.body)
			}
			if r := sec.form("POST", "/admin/security", url.Values{"max_failures": {"abc"}, "lock_minutes": {"15"}}); r.StatusCode != http.StatusUnprocessableEntity {
				t.Fatalf("bad form: %d", r.StatusCode)
			}
			if _, err := e.db.LatestSecurityPolicy(ctx); err == nil {
				t.Fatal("a refused policy was written")
			}
			good := map[string]any{"max_failures": 5, "lock_minutes": 15, "addr_max_failures": 20, "addr_window_minutes": 10,
				"min_length": 8, "min_classes": 3, "expiry_days": 0, "second_factor": true}
			if r := sec.json("PUT", "/api/v1/security/policy", good, nil); r.StatusCode != 200 || !strings.Contains(r.body, `"second_factor":true`) {
				t.Fatalf("put policy: %d %s", r.StatusCode, r.body)
			}
			if es, _ := e.db.ListAudit(ctx, store.AuditQuery{Object: "security_policy:", Scope: store.Scope{All: true}}); len(es) != 1 || es[0].Actor.Name != "security01" {
				t.Fatalf("policy change on the trail: %+v", es)
			}

			// The second factor: the password leads to the code page, the code to the session.
			m := e.anon()
			r = m.form("POST", "/login", url.Values{"username": {"mediator01"}, "password": {password}, "next": {"/cases"}})
			if r.StatusCode != http.StatusSeeOther || r.Header.Get("Location") != "/login/code" {
				t.Fatalf("password step: %d %s", r.StatusCode, r.Header.Get("Location"))
			}
			if r := m.get("/cases"); r.StatusCode != http.StatusSeeOther {
				t.Fatalf("signed in before the code: %d", r.StatusCode)
			}
			if r := m.get("/login/code"); r.StatusCode != 200 || !strings.Contains(r.body, "139****") {
				t.Fatalf("code page: %d", r.StatusCode)
			}
			sms := newestSMS(t, e, 0)
			full, err := e.db.GetOutbox(ctx, sms.ID)
			if err != nil {
				t.Fatal(err)
			}
			text, err := testSealer().Open(full.BodySealed)
			if err != nil || !signinCodeRe.MatchString(text) || sms.Kind != "verify_code" {
				t.Fatalf("code SMS: %q %v", text, err)
			}
			code := signinCodeRe.FindStringSubmatch(text)[1]
			wrong := "000000"
			if code == wrong {
				wrong = "111111"
			}
			if r := m.form("POST", "/login/code", url.Values{"code": {wrong}}); r.StatusCode != http.StatusUnauthorized || !strings.Contains(r.body, "验证码错误") {
				t.Fatalf("wrong code: %d", r.StatusCode)
			}
			if r := m.form("POST", "/login/code", url.Values{"code": {code}}); r.StatusCode != http.StatusSeeOther || r.Header.Get("Location") != "/cases" {
				t.Fatalf("right code: %d %s", r.StatusCode, r.Header.Get("Location"))
			}
			if r := m.get("/cases"); r.StatusCode != 200 {
				t.Fatalf("after the code: %d", r.StatusCode)
			}
			// The API cannot take a code: a staff token is refused while the second factor is on.
			if r := e.anon().json("POST", "/api/v1/auth/token", map[string]string{"username": "mediator01", "password": password}, nil); r.StatusCode != http.StatusForbidden {
				t.Fatalf("token with the second factor on: %d", r.StatusCode)
			}

			// Password change under the rules.
			if r := m.form("POST", "/password", url.Values{"current": {password}, "new": {"short"}, "confirm": {"short"}}); r.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(r.body, "密码至少 8 位") {
				t.Fatalf("short password: %d", r.StatusCode)
			}
			if r := m.form("POST", "/password", url.Values{"current": {password}, "new": {"New-pass-2026"}, "confirm": {"New-pass-2026"}}); r.StatusCode != http.StatusSeeOther {
				t.Fatalf("change: %d %s", r.StatusCode, r.body)
			}
			u, _ := e.db.GetUserByUsername(ctx, "mediator01")
			if u.PasswordChanged == nil {
				t.Fatal("the change time is not kept")
			}
		})
	}
}

// An expired password holds the sign-in: no session until a new password
// is set, then the person lands where they were going.
func TestExpiredPasswordMustChange(t *testing.T) {
	eng := storetest.Engines(t)[0]
	e := newEnvWith(t, eng, func(s *platform.Services) {
		s.Auth.Now = func() time.Time { return time.Now().AddDate(0, 0, 400) }
	})
	pol := auth.DefaultPolicy
	pol.ExpiryDays = 365
	if err := e.svc.Auth.SavePolicy(context.Background(), 0, pol); err != nil {
		t.Fatal(err)
	}
	c := e.anon()
	r := c.form("POST", "/login", url.Values{"username": {"mediator01"}, "password": {password}, "next": {"/cases"}})
	if r.StatusCode != http.StatusSeeOther || r.Header.Get("Location") != "/password/expired" {
		t.Fatalf("expired sign-in: %d %s", r.StatusCode, r.Header.Get("Location"))
	}
	if r := c.get("/cases"); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("signed in with an expired password: %d", r.StatusCode)
	}
	if r := c.get("/password/expired"); r.StatusCode != 200 || !strings.Contains(r.body, "已超过有效期") {
		t.Fatalf("change page: %d", r.StatusCode)
	}
	if r := c.form("POST", "/password/expired", url.Values{"current": {password}, "new": {"mediator01"}, "confirm": {"mediator01"}}); r.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("username as password: %d", r.StatusCode)
	}
	r = c.form("POST", "/password/expired", url.Values{"current": {password}, "new": {"Fresh-pass-2031"}, "confirm": {"Fresh-pass-2031"}})
	if r.StatusCode != http.StatusSeeOther || r.Header.Get("Location") != "/cases" {
		t.Fatalf("change: %d %s", r.StatusCode, r.Header.Get("Location"))
	}
	if r := c.get("/cases"); r.StatusCode != 200 {
		t.Fatalf("after the change: %d", r.StatusCode)
	}
	if r := e.anon().get("/password/expired"); r.StatusCode != http.StatusSeeOther || r.Header.Get("Location") != "/login" {
		t.Fatalf("no held sign-in: %d", r.StatusCode)
	}
}
