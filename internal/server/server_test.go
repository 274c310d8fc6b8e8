package server_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/tiaojie/tiaojie/internal/agreement"
	"github.com/tiaojie/tiaojie/internal/auth"
	"github.com/tiaojie/tiaojie/internal/conversation"
	"github.com/tiaojie/tiaojie/internal/demo"
	"github.com/tiaojie/tiaojie/internal/jobs"
	"github.com/tiaojie/tiaojie/internal/notify"
	"github.com/tiaojie/tiaojie/internal/notify/outboxtest"
	"github.com/tiaojie/tiaojie/internal/pii"
	"github.com/tiaojie/tiaojie/internal/platform"
	"github.com/tiaojie/tiaojie/internal/server"
	"github.com/tiaojie/tiaojie/internal/store"
	"github.com/tiaojie/tiaojie/internal/store/sqlstore"
	"github.com/tiaojie/tiaojie/internal/store/storetest"
)

const password = "test-pass-123"

// env is a running server on a demo database.
type env struct {
	t   *testing.T
	db  *sqlstore.DB
	srv *server.Server
	ts  *httptest.Server
	agr *agreement.Service
	hub *conversation.Hub
	svc *platform.Services
}

func newEnv(t *testing.T, e storetest.Engine) *env { t.Helper(); return newEnvWith(t, e, nil) }

// newEnvWith is newEnv with a hook that may adjust the services (a clock)
// before the server is built.
func newEnvWith(t *testing.T, e storetest.Engine, adjust func(*platform.Services)) *env {
	t.Helper()
	return newEnvConfig(t, e, nil, adjust)
}

// newEnvJobs is newEnvWith with the job queue tuned (retries, attempts).
func newEnvJobs(t *testing.T, e storetest.Engine, jc jobs.Config, adjust func(*platform.Services)) *env {
	t.Helper()
	if jc.Poll == 0 {
		jc.Poll = 100 * time.Millisecond
	}
	return newEnvConfig(t, e, func(pc *platform.Config) { pc.Jobs = jc }, adjust)
}

// newEnvConfig is newEnvWith with a hook on the platform's configuration
// (an SMS gateway, the queue's backoff) before the services are built.
func newEnvConfig(t *testing.T, e storetest.Engine, config func(*platform.Config), adjust func(*platform.Services)) *env {
	t.Helper()
	// The demo is built once per engine and copied for each test.
	return startEnv(t, e.FromTemplate(t, "demo", buildDemo), config, adjust)
}

// testSealer seals with the one key every instance of a test shares.
func testSealer() *pii.Sealer {
	s, _ := pii.NewSealer(bytes.Repeat([]byte{1}, 32))
	return s
}

// buildDemo writes the demo organisation every server test starts from.
func buildDemo(db *sqlstore.DB) error {
	hash, err := auth.FixtureHash(password)
	if err != nil {
		return err
	}
	_, err = demo.Build(context.Background(), db, testSealer(), demo.Options{Seed: 7, Cases: 30, Password: password, PasswordHash: hash, Now: time.Now()})
	return err
}

// startEnv runs the services and a server on db, as one instance.
func startEnv(t *testing.T, db *sqlstore.DB, config func(*platform.Config), adjust func(*platform.Services), server_ ...func(*server.Options)) *env {
	t.Helper()
	ctx := context.Background()
	sealer := testSealer()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	pc := platform.Config{Store: db, Sealer: sealer, Log: log, PublicURL: "http://parties.example", SMSSignature: "人民调解",
		Jobs: jobs.Config{Poll: 100 * time.Millisecond}}
	if config != nil {
		config(&pc)
	}
	svc, err := platform.New(pc)
	if err != nil {
		t.Fatal(err)
	}
	if adjust != nil {
		adjust(svc)
	}
	if err := svc.Start(ctx); err != nil {
		t.Fatal(err)
	}
	so := server.Options{Services: svc, Store: db, Pools: db.Pools(), MaxBodyBytes: 64 << 10}
	for _, f := range server_ {
		f(&so)
	}
	srv, err := server.New(so)
	if err != nil {
		t.Fatal(err)
	}
	agr, hub := svc.Agreement, svc.Talk.Hub
	ts := httptest.NewServer(srv.Handler())
	t.Cleanup(ts.Close)
	// Before ts.Close (cleanups run last-first): streams end so the server can close.
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := svc.Shutdown(ctx); err != nil {
			t.Error(err)
		}
	})
	return &env{t: t, db: db, srv: srv, ts: ts, agr: agr, hub: hub, svc: svc}
}

// client is a browser-like client with its own cookie jar.
type client struct {
	env   *env
	http  *http.Client
	token string
}

func (e *env) anon() *client {
	jar, _ := cookiejar.New(nil)
	return &client{env: e, http: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

// login signs in on the web and fetches an API token.
func (e *env) login(user string) *client {
	e.t.Helper()
	c := e.anon()
	// A test signing in dozens of users at once meets the instance's
	// sign-in rate limit (429) as a real client would: it waits and retries.
	var res, r resp
	for try := 0; ; try++ {
		res = c.form("POST", "/login", url.Values{"username": {user}, "password": {password}})
		if res.StatusCode != http.StatusTooManyRequests || try == 5 {
			break
		}
		time.Sleep(time.Second)
	}
	if res.StatusCode != http.StatusSeeOther {
		e.t.Fatalf("login %s: %d %s", user, res.StatusCode, res.body)
	}
	var tok api_token
	for try := 0; ; try++ {
		r = c.json("POST", "/api/v1/auth/token", map[string]string{"username": user, "password": password}, nil)
		if r.StatusCode != http.StatusTooManyRequests || try == 5 {
			break
		}
		time.Sleep(time.Second)
	}
	if r.StatusCode != 200 {
		e.t.Fatalf("token %s: %d %s", user, r.StatusCode, r.body)
	}
	json.Unmarshal([]byte(r.body), &tok)
	c.token = tok.Token
	return c
}

type api_token struct {
	Token     string    `json:"token"`
	ExpiresAt time.Time `json:"expires_at"`
}

type resp struct {
	*http.Response
	body string
}

func (c *client) do(req *http.Request) resp {
	c.env.t.Helper()
	res, err := c.http.Do(req)
	if err != nil {
		c.env.t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return resp{res, string(b)}
}

func (c *client) get(path string) resp {
	req, _ := http.NewRequest("GET", c.env.ts.URL+path, nil)
	return c.do(req)
}

func (c *client) form(method, path string, v url.Values) resp {
	req, _ := http.NewRequest(method, c.env.ts.URL+path, strings.NewReader(v.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return c.do(req)
}

// json calls the API with the client's bearer token.
func (c *client) json(method, path string, body any, hdr map[string]string) resp {
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(b)
	default:
		j, _ := json.Marshal(b)
		rd = bytes.NewReader(j)
	}
	req, _ := http.NewRequest(method, c.env.ts.URL+path, rd)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	res, err := (&http.Client{}).Do(req)
	if err != nil {
		c.env.t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return resp{res, string(b)}
}

func json_(body string, v any) { json.Unmarshal([]byte(body), v) }

func writeFile(path string, b []byte) error { return os.WriteFile(path, b, 0o644) }

func dateToday() string { return time.Now().In(time.FixedZone("CST", 8*3600)).Format("2006-01-02") }

func authHash(pw string) (string, error) { return auth.FixtureHash(pw) }

// forEachEngine runs fn against a server on SQLite and on PostgreSQL, in parallel.
func forEachEngine(t *testing.T, fn func(t *testing.T, e *env)) {
	for _, eng := range storetest.Engines(t) {
		t.Run(eng.Name, func(t *testing.T) {
			t.Parallel()
			fn(t, newEnv(t, eng))
		})
	}
}

func TestMain(m *testing.M) {
	code := storetest.Run(m)
	chrome.close()
	os.Exit(code)
}

// texts lists the newest outbox rows with each text as its recipient gets it:
// the rows keep links and codes masked (no page shows them), so a test reads
// them the way the SMS gateway does, opening the sealed text.
func (e *env) texts(ctx context.Context, limit int) ([]store.OutboxEntry, error) {
	return outboxtest.Texts(ctx, e.db, testSealer(), "人民调解", limit)
}

// lastPartySMS is the newest text to a party or the public: staff alerts
// (warnings escalating in the background) may land in the outbox at any
// moment and are passed over.
func lastPartySMS(t *testing.T, e *env) []store.OutboxEntry {
	t.Helper()
	es, err := e.texts(context.Background(), 50)
	if err != nil {
		t.Fatal(err)
	}
	for _, x := range es {
		if x.Kind != notify.KindStaffAlert {
			return []store.OutboxEntry{x}
		}
	}
	t.Fatal("no text to a party in the outbox")
	return nil
}
