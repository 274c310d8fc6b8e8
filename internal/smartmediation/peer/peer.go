// Package peer is an in-repo implementation of the platform's side of
// internal/smartmediation/FORMAT.md: an http.Handler for tests (with
// httptest) and for the demo, with in-memory state, counters and
// injectable failures.
package peer

import (
	"bytes"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"

	sm "github.com/tiaojie/tiaojie/internal/smartmediation"
)

// Options configure a peer.
type Options struct {
	APIKey     string    // the bearer key it accepts
	Committees []string  // committee codes the key may send for; empty: any
	Codes      *sm.Codes // nil: sm.DefaultCodes()
	PageSize   int       // listing page size; 0: 100
	IDPrefix   string    // platform ids look like "SH-TJ-2026-000001"; "": "SH-TJ"
	// StrictReferences refuses a case whose committee, room or mediators
	// were not sent first (FORMAT.md allows the platform to insist).
	StrictReferences bool
	Now              func() time.Time // nil: time.Now
}

// Stored is a case the peer holds.
type Stored struct {
	Record     sm.CaseRecord
	PlatformID string
	Revision   int
	Digest     string
	UpdatedAt  time.Time
}

// Entity is a committee, room or mediator the peer holds.
type Entity struct {
	PlatformID string
	Revision   int
	Digest     string
	Body       []byte // canonical JSON as stored
}

// Counts are what the peer answered.
type Counts struct {
	Accepted  int // writes that stored a new revision (cases, orgs, mediators)
	Unchanged int // identical repeats: nothing written
	Rejected  int // refused with 4xx: auth, validation, duplicates, bad requests
	Injected  int // answered by an injected failure
	Cases     int // cases held
}

// Server is the peer. The zero value is not usable: call New.
type Server struct {
	opts    Options
	codes   *sm.Codes
	handler http.Handler

	mu        sync.Mutex
	cases     map[string]*Stored
	dockets   map[string]string // 案号 → case code
	orgs      map[string]*Entity
	mediators map[string]*Entity
	keys      map[string]string // Idempotency-Key → path and digest it was first used with
	writes    map[string]int    // case code → revisions stored
	seq       map[string]int    // platform id kind → last number
	counts    Counts
	faults    faults
}

// New returns a peer with no data and no failures.
func New(opts Options) *Server {
	if opts.Codes == nil {
		opts.Codes = sm.DefaultCodes()
	}
	if opts.PageSize <= 0 {
		opts.PageSize = 100
	}
	if opts.IDPrefix == "" {
		opts.IDPrefix = "SH-TJ"
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	s := &Server{opts: opts, codes: opts.Codes, cases: map[string]*Stored{}, dockets: map[string]string{},
		orgs: map[string]*Entity{}, mediators: map[string]*Entity{}, keys: map[string]string{},
		writes: map[string]int{}, seq: map[string]int{}}
	mux := http.NewServeMux()
	mux.HandleFunc("PUT /api/v1/cases/{code}", s.putCase)
	mux.HandleFunc("PUT /api/v1/orgs/{code}", s.putOrg)
	mux.HandleFunc("PUT /api/v1/mediators/{code}", s.putMediator)
	mux.HandleFunc("GET /api/v1/cases", s.listCases)
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		s.refuse(w, http.StatusNotFound, apiError{Code: "not_found", Message: "没有这个接口：" + r.Method + " " + r.URL.Path})
	})
	s.handler = mux
	return s
}

// ServeHTTP applies the injected failures, then authentication, then the API.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if d := s.latency(); d > 0 {
		// Read the body first: only then does the server notice a client
		// that gave up, and the wait ends with it.
		body, _ := io.ReadAll(io.LimitReader(r.Body, maxBody+1))
		r.Body = io.NopCloser(bytes.NewReader(body))
		select {
		case <-time.After(d):
		case <-r.Context().Done():
			return
		}
	}
	if s.injectFailure(w) {
		return
	}
	if !s.authorised(w, r) {
		return
	}
	s.handler.ServeHTTP(w, r)
}

// apiError is the error body of FORMAT.md.
type apiError struct {
	Code               string          `json:"code"`
	Message            string          `json:"message"`
	Fields             []sm.FieldError `json:"fields,omitempty"`
	ExistingPlatformID string          `json:"existing_platform_id,omitempty"`
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}

// refuse answers a 4xx and counts it.
func (s *Server) refuse(w http.ResponseWriter, status int, e apiError) {
	s.mu.Lock()
	s.counts.Rejected++
	s.mu.Unlock()
	writeJSON(w, status, e)
}

func (s *Server) authorised(w http.ResponseWriter, r *http.Request) bool {
	key, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	if !ok || s.opts.APIKey == "" || subtle.ConstantTimeCompare([]byte(key), []byte(s.opts.APIKey)) != 1 {
		s.refuse(w, http.StatusUnauthorized, apiError{Code: "unauthorized", Message: "接入密钥无效"})
		return false
	}
	c := r.Header.Get("X-Tiaojie-Committee")
	if c == "" || len(s.opts.Committees) > 0 && !slices.Contains(s.opts.Committees, c) {
		s.refuse(w, http.StatusForbidden, apiError{Code: "forbidden", Message: "该密钥无权以调委会“" + c + "”报送"})
		return false
	}
	return true
}

// maxBody bounds a request body.
const maxBody = 1 << 20

// decode reads a JSON body into v; unknown fields are ignored (FORMAT.md
// "版本").
func (s *Server) decode(w http.ResponseWriter, r *http.Request, v any) bool {
	body, err := io.ReadAll(io.LimitReader(r.Body, maxBody+1))
	switch {
	case err != nil:
		s.refuse(w, http.StatusBadRequest, apiError{Code: "bad_request", Message: "请求正文读取失败"})
	case len(body) > maxBody:
		s.refuse(w, http.StatusBadRequest, apiError{Code: "bad_request", Message: "请求正文超过1MB"})
	case json.Unmarshal(body, v) != nil:
		s.refuse(w, http.StatusBadRequest, apiError{Code: "bad_request", Message: "请求正文不是有效的JSON"})
	default:
		return true
	}
	return false
}

// invalid answers a validation failure.
func (s *Server) invalid(w http.ResponseWriter, err error) {
	var ve *sm.ValidationError
	if !errors.As(err, &ve) {
		s.refuse(w, http.StatusUnprocessableEntity, apiError{Code: "invalid", Message: err.Error()})
		return
	}
	code := "invalid"
	if slices.ContainsFunc(ve.Fields, func(f sm.FieldError) bool { return f.Field == "format_version" }) {
		code = "unsupported_version"
	}
	s.refuse(w, http.StatusUnprocessableEntity, apiError{Code: code, Message: ve.Error(), Fields: ve.Fields})
}

func digest(v any) (string, []byte) {
	b, err := sm.CanonicalJSON(v)
	if err != nil {
		panic("peer: decoded records always encode: " + err.Error())
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:]), b
}

// nextID issues the next platform id of a kind; the caller holds mu.
func (s *Server) nextID(kind string) string {
	s.seq[kind]++
	if kind == "" {
		return fmt.Sprintf("%s-%04d-%06d", s.opts.IDPrefix, s.opts.Now().Year(), s.seq[kind])
	}
	return fmt.Sprintf("%s-%s-%06d", s.opts.IDPrefix, kind, s.seq[kind])
}
