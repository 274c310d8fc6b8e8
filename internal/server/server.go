// Package server wires the route table, the middleware (sessions, sign-in,
// permissions, CSRF, security headers, logging, metrics) and the health endpoints.
package server

import (
	"context"
	"database/sql"
	"errors"
	"net/http"
	"net/netip"
	"strings"
	"time"

	"github.com/alexedwards/scs/v2"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/tiaojie/tiaojie/internal/admission"
	"github.com/tiaojie/tiaojie/internal/api"
	"github.com/tiaojie/tiaojie/internal/audit"
	"github.com/tiaojie/tiaojie/internal/auth"
	"github.com/tiaojie/tiaojie/internal/domain"
	"github.com/tiaojie/tiaojie/internal/platform"
	"github.com/tiaojie/tiaojie/internal/store"
	"github.com/tiaojie/tiaojie/internal/web"
)

// Options configure a Server.
type Options struct {
	*platform.Services                    // the capabilities, wired once (platform.New)
	Store              store.Store        // sessions, health and metrics
	Pools              map[string]*sql.DB // connection pools by name, for /metrics
	SessionIdle        time.Duration
	SessionLifetime    time.Duration
	SecureCookies      bool
	MaxBodyBytes       int64
	// TrustedProxies are the reverse proxies (load balancers) whose
	// X-Forwarded-For names the client; empty: the peer is the client.
	TrustedProxies []netip.Prefix
	Now            func() time.Time
	// MetricsToken, when set, lets a bearer of it read /metrics on this
	// handler; without it /metrics answers 404 here (serve it elsewhere
	// with MetricsHandler).
	MetricsToken string
	// ReadSlots is how many page and API reads (GET) work at once, the
	// others admitted in arrival order (package admission); 0: as many as
	// the store has reader connections (Pools).
	ReadSlots int
}

// Server is the HTTP side of tiaojie.
type Server struct {
	opt      Options
	sessions *scs.SessionManager
	pages    *web.Pages
	api      *api.API
	metrics  *metrics
	table    []Route
	handler  http.Handler
	reads    *admission.Gate
}

// New builds the server and its route table.
func New(opt Options) (*Server, error) {
	if opt.MaxBodyBytes == 0 {
		opt.MaxBodyBytes = 1 << 20
	}
	if opt.SessionIdle == 0 {
		opt.SessionIdle = 30 * time.Minute
	}
	if opt.SessionLifetime == 0 {
		opt.SessionLifetime = 12 * time.Hour
	}
	sm := scs.New()
	sm.IdleTimeout, sm.Lifetime = opt.SessionIdle, opt.SessionLifetime
	sm.Store = newSessionStore(opt.Store, sm)
	sm.Cookie.Name, sm.Cookie.HttpOnly, sm.Cookie.SameSite, sm.Cookie.Secure = "tiaojie_session", true, http.SameSiteLaxMode, opt.SecureCookies
	sm.ErrorFunc = func(w http.ResponseWriter, r *http.Request, err error) {
		if r.Context().Err() != nil {
			return // the client went away mid-request; there is no one to answer
		}
		opt.Log.Error("session", "err", err)
		http.Error(w, "会话服务暂时不可用", http.StatusInternalServerError)
	}
	s := &Server{opt: opt, sessions: sm, metrics: newMetrics(opt.Store, opt.Pools)}
	slots := opt.ReadSlots
	if slots <= 0 {
		slots = readConns(opt.Pools)
	}
	if slots > 0 {
		s.reads = admission.New(slots)
		s.metrics.reg.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Name: "tiaojie_reads_waiting", Help: "GET requests waiting for a read slot, in arrival order.",
		}, func() float64 { return float64(s.reads.Waiting()) }))
	}
	if opt.Services != nil && opt.Services.Jobs != nil {
		s.metrics.reg.MustRegister(opt.Services.Jobs.Collector())
	}
	if opt.Talk != nil && opt.Talk.Hub != nil { // set by the embedded Services
		s.metrics.reg.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "tiaojie_live_streams",
			Help: "Open online-mediation event streams on this instance."}, func() float64 { return float64(opt.Talk.Hub.Streams()) }))
	}
	s.pages = &web.Pages{Services: opt.Services, Sessions: sm, Now: opt.Now}
	if err := s.pages.Load(); err != nil {
		return nil, err
	}
	s.api = &api.API{Services: opt.Services, Now: opt.Now}
	s.table = s.routes()
	mux := http.NewServeMux()
	for _, rt := range s.table {
		mux.Handle(rt.Pattern(), s.guard(rt))
	}
	mux.HandleFunc("/", s.notFound)
	cop := http.NewCrossOriginProtection()
	cop.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.fail(w, r, http.StatusForbidden, "跨站请求已被拒绝")
	}))
	// The session is loaded before the cross-origin check, so that its
	// refusal page (which reads the session's messages) is a 403, not a panic.
	s.handler = s.fromProxy(s.recoverer(s.securityHeaders(withSessionSeen(sm.LoadAndSave(cop.Handler(mux))))))
	return s, nil
}

// Handler is the whole site.
func (s *Server) Handler() http.Handler { return s.handler }

// Routes exposes the table for tests and the OpenAPI document.
func (s *Server) Routes() []Route { return s.table }

// guard runs before every handler: who is asking, may they, and request hygiene.
func (s *Server) guard(rt Route) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		reqID := newRequestID()
		w.Header().Set("X-Request-Id", reqID)
		rec := &statusRecorder{ResponseWriter: w, status: http.StatusOK}
		defer func() {
			d := time.Since(start)
			if !rt.Stream {
				s.metrics.observe(rt.Pattern(), r.Method, rec.status, d)
			}
			p := auth.From(r.Context())
			var uid int64
			if p != nil {
				uid = p.UserID
			}
			// Path only: query strings may carry names being searched for.
			s.opt.Log.Info("http", "method", r.Method, "route", rt.Path, "path", domain.RedactLinks(r.URL.Path), "status", rec.status,
				"ms", d.Milliseconds(), "user_id", uid, "request_id", reqID)
		}()
		w = rec
		if s.reads != nil && (r.Method == http.MethodGet || r.Method == http.MethodHead) && !rt.Stream && rt.Path != "/static/" {
			leave, err := s.reads.Enter(r.Context())
			if err != nil {
				rec.status = 499 // the client went away while waiting
				return
			}
			defer leave()
		}
		limit := s.opt.MaxBodyBytes
		if rt.MaxBody > limit {
			limit = rt.MaxBody
		}
		r.Body = http.MaxBytesReader(w, r.Body, limit)
		p, err := s.principal(r, rt)
		if err != nil {
			if errors.Is(err, auth.ErrBadToken) {
				s.fail(w, r, http.StatusUnauthorized, err.Error())
				return
			}
			s.opt.Log.Error("resolve principal", "err", err)
			s.fail(w, r, http.StatusInternalServerError, "系统暂时无法完成操作，请稍后再试")
			return
		}
		ctx := audit.With(r.Context(), actorOf(r, p, rt, reqID))
		if p != nil {
			ctx = auth.With(ctx, p)
		}
		r = r.WithContext(ctx)
		if rt.Perm != "" {
			if p == nil {
				if rt.API || isAPI(r) {
					w.Header().Set("WWW-Authenticate", `Bearer realm="tiaojie"`)
					s.fail(w, r, http.StatusUnauthorized, "请先登录或提供访问令牌")
				} else {
					http.Redirect(w, r, "/login?next="+urlEscape(r.URL.RequestURI()), http.StatusSeeOther)
				}
				return
			}
			if !p.Can(rt.Perm) {
				s.fail(w, r, http.StatusForbidden, "您的角色无权访问此功能")
				return
			}
		}
		if !rt.API && r.Method == http.MethodPost && rt.MaxBody == 0 {
			if err := r.ParseForm(); err != nil {
				var tooBig *http.MaxBytesError
				if errors.As(err, &tooBig) {
					s.fail(w, r, http.StatusRequestEntityTooLarge, "提交的内容过大")
					return
				}
				s.fail(w, r, http.StatusBadRequest, "表单内容无法解析")
				return
			}
			if fe := web.CheckValues(r.PostForm); fe != nil {
				s.fail(w, r, http.StatusBadRequest, fe.Message)
				return
			}
		}
		if fe := web.CheckValues(r.URL.Query()); fe != nil {
			s.fail(w, r, http.StatusBadRequest, "请求参数中的"+fe.Message)
			return
		}
		if rt.API && !knownQuery(w, r, rt) {
			return
		}
		rt.Handler(w, r)
	})
}

// principal: a bearer token on API routes, else the session's user.
func (s *Server) principal(r *http.Request, rt Route) (*auth.Principal, error) {
	if rt.Path == "/metrics" {
		return nil, nil // its own bearer token (metricsOnMain), no user
	}
	if h := r.Header.Get("Authorization"); h != "" {
		tok, ok := strings.CutPrefix(h, "Bearer ")
		if !ok || !rt.API {
			return nil, auth.ErrBadToken
		}
		return s.opt.Auth.Bearer(r.Context(), strings.TrimSpace(tok))
	}
	uid := s.sessions.GetInt64(r.Context(), "user_id")
	if uid == 0 {
		return nil, nil
	}
	p, err := s.opt.Auth.PrincipalByID(r.Context(), uid)
	if errors.Is(err, store.ErrNotFound) || errors.Is(err, auth.ErrInactive) {
		s.sessions.Remove(r.Context(), "user_id")
		return nil, nil
	}
	return p, err
}

func isAPI(r *http.Request) bool { return strings.HasPrefix(r.URL.Path, "/api/") }

// fail answers JSON on the API and an HTML page elsewhere.
func (s *Server) fail(w http.ResponseWriter, r *http.Request, status int, msg string) {
	if isAPI(r) {
		api.Fail(w, status, msg)
		return
	}
	s.pages.Fail(w, r, status, msg)
}

func (s *Server) notFound(w http.ResponseWriter, r *http.Request) {
	// ServeMux sends unknown methods on known paths here too; tell them apart.
	s.fail(w, r, http.StatusNotFound, "页面或接口不存在")
}

func (s *Server) healthz(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Write([]byte("ok\n"))
}

func (s *Server) readyz(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 3*time.Second)
	defer cancel()
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	if err := s.opt.Store.Ping(ctx); err != nil {
		s.opt.Log.Error("readiness: database unreachable", "err", err)
		w.WriteHeader(http.StatusServiceUnavailable)
		w.Write([]byte("database unreachable\n"))
		return
	}
	if ok, err := s.opt.Store.MigrationsCurrent(ctx); err != nil || !ok {
		w.WriteHeader(http.StatusServiceUnavailable)
		w.Write([]byte("migrations pending\n"))
		return
	}
	w.Write([]byte("ready\n"))
}

func (s *Server) openAPI(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Write(s.OpenAPI())
}

func staticHandler() http.Handler {
	h := web.Static()
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "public, max-age=3600")
		h.ServeHTTP(w, r)
	})
}

type statusRecorder struct {
	http.ResponseWriter
	status int
	wrote  bool
}

func (r *statusRecorder) WriteHeader(code int) {
	if !r.wrote {
		r.status, r.wrote = code, true
	}
	r.ResponseWriter.WriteHeader(code)
}

func (r *statusRecorder) Write(b []byte) (int, error) {
	r.wrote = true
	return r.ResponseWriter.Write(b)
}

func (r *statusRecorder) Unwrap() http.ResponseWriter { return r.ResponseWriter }

func (s *Server) securityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; object-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Cross-Origin-Opener-Policy", "same-origin")
		// A party's page carries its access token in the path: no Referer
		// at all leaves it, not even to our own origin's logs of other pages.
		if tokenPath(r.URL.Path) {
			h.Set("Referrer-Policy", "no-referrer")
		} else {
			h.Set("Referrer-Policy", "same-origin")
		}
		// Online mediation is text, pictures and files: no page needs the
		// camera, microphone or location.
		h.Set("Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=(), usb=(), display-capture=()")
		if s.opt.SecureCookies || r.TLS != nil {
			h.Set("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
		}
		next.ServeHTTP(w, r)
	})
}

// tokenPath: the pages parties open with a link whose path is their token.
func tokenPath(p string) bool {
	for _, pre := range []string{"/p/", "/sign/", "/rate/", "/consent/"} {
		if strings.HasPrefix(p, pre) {
			return true
		}
	}
	return false
}

func (s *Server) recoverer(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				s.opt.Log.Error("panic", "path", domain.RedactLinks(r.URL.Path), "panic", v)
				// Outside the session middleware: no page template, just the message.
				if isAPI(r) {
					api.Fail(w, http.StatusInternalServerError, "系统错误")
					return
				}
				http.Error(w, "系统错误，请稍后再试", http.StatusInternalServerError)
			}
		}()
		next.ServeHTTP(w, r)
	})
}

// readConns is the reader pool's size ("read", or the one pool), 0 when
// unbounded or unknown.
func readConns(pools map[string]*sql.DB) int {
	for _, name := range []string{"read", "pool"} {
		if p := pools[name]; p != nil {
			return p.Stats().MaxOpenConnections
		}
	}
	return 0
}
