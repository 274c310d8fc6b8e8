// Package courttest is an in-repo court system speaking the format of
// internal/court, for tests: it checks the key, the idempotency key, the
// JSON, the package hash and the ZIP's manifest, and records what it
// received — once per idempotency key. It can be down (answering 5xx) or
// hold submissions unanswered, as a slow court system does.
package courttest

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"time"

	"github.com/tiaojie/tiaojie/internal/court"
)

// Received is one accepted submission.
type Received struct {
	Submission court.Submission
	Files      map[string][]byte
	Receipt    string
	Key        string // its idempotency key
}

// Server is the fake court.
type Server struct {
	*httptest.Server
	key      string
	mu       sync.Mutex
	received []Received
	progress map[string]court.Progress // by receipt
	posts    int                       // submissions that reached the court (authenticated), answered or not
	down     int                       // answer submissions with this status instead (0: up)
	gate     chan struct{}             // non-nil: submissions wait for Release
	waiting  int                       // submissions waiting at the gate
	quit     chan struct{}             // closed by Close: waiting submissions give up
	keys     []string                  // the idempotency key of every submission, refused ones included
}

// Decide is the court ruling on an application: "accepted", "confirmed"
// with a ruling number, or "rejected" with a reason.
func (s *Server) Decide(receipt, status, ruling, reason string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := time.Now().UTC()
	s.progress[receipt] = court.Progress{Receipt: receipt, Status: status, RulingNumber: ruling, Reason: reason, DecidedAt: &now}
}

// New starts a court that accepts key.
func New(key string) *Server {
	s := &Server{key: key, progress: map[string]court.Progress{}, quit: make(chan struct{})}
	s.Server = httptest.NewServer(http.HandlerFunc(s.handle))
	return s
}

// Close stops the court; submissions held at the gate give up first.
func (s *Server) Close() {
	s.mu.Lock()
	select {
	case <-s.quit:
	default:
		close(s.quit)
	}
	s.mu.Unlock()
	s.Server.Close()
}

// Down makes the court answer every submission with status (503: down for
// maintenance) without taking it; Down(0) brings it back.
func (s *Server) Down(status int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.down = status
}

// Hold makes submissions wait, unanswered, until Release: a court system
// that takes its time.
func (s *Server) Hold() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.gate == nil {
		s.gate = make(chan struct{})
	}
}

// Release lets held submissions through, and later ones straight in.
func (s *Server) Release() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.gate != nil {
		close(s.gate)
		s.gate = nil
	}
}

// Waiting is how many submissions are held at the gate now.
func (s *Server) Waiting() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.waiting
}

// Posts is how many submissions reached the court, repeats included.
func (s *Server) Posts() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.posts
}

// Keys lists the idempotency key of every submission that arrived, in
// order, refused ones included: a test learns what a sender tried even
// after the sender has forgotten it.
func (s *Server) Keys() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.keys...)
}

// Received lists what the court accepted.
func (s *Server) Received() []Received {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Received(nil), s.received...)
}

func fail(w http.ResponseWriter, status int, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(map[string]string{"error": msg})
}

func (s *Server) handle(w http.ResponseWriter, r *http.Request) {
	if r.Method == http.MethodPost {
		s.mu.Lock()
		s.keys = append(s.keys, r.Header.Get(court.IdempotencyHeader))
		s.mu.Unlock()
	}
	if r.Header.Get("Authorization") != "Bearer "+s.key {
		fail(w, http.StatusUnauthorized, "认证失败")
		return
	}
	if receipt, ok := strings.CutPrefix(r.URL.Path, "/v1/confirmations/"); ok && r.Method == http.MethodGet {
		s.mu.Lock()
		p, known := s.progress[receipt]
		s.mu.Unlock()
		if !known {
			fail(w, http.StatusNotFound, "回执不存在")
			return
		}
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(p)
		return
	}
	if r.Method != http.MethodPost || r.URL.Path != "/v1/confirmations" {
		fail(w, http.StatusNotFound, "接口不存在")
		return
	}
	s.mu.Lock()
	s.posts++
	gate, down := s.gate, s.down
	if gate != nil {
		s.waiting++
	}
	s.mu.Unlock()
	if gate != nil {
		released := false
		select {
		case <-gate:
			released = true
		case <-r.Context().Done():
		case <-s.quit:
		}
		s.mu.Lock()
		s.waiting--
		s.mu.Unlock()
		if !released { // the sender gave up, or the court is closing: no answer
			return
		}
	}
	if down != 0 {
		fail(w, down, "系统维护中")
		return
	}
	key := r.Header.Get(court.IdempotencyHeader)
	if key == "" || len(key) > 64 {
		fail(w, http.StatusBadRequest, "缺少 Idempotency-Key")
		return
	}
	var sub court.Submission
	if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 64<<20)).Decode(&sub); err != nil {
		fail(w, http.StatusBadRequest, "请求格式错误")
		return
	}
	pkg, err := base64.StdEncoding.DecodeString(sub.Package)
	h := sha256.Sum256(pkg)
	if err != nil || hex.EncodeToString(h[:]) != sub.PackageSHA256 {
		fail(w, http.StatusBadRequest, "材料包校验失败")
		return
	}
	_, files, err := court.Check(pkg)
	if err != nil {
		fail(w, http.StatusBadRequest, "材料包不完整："+err.Error())
		return
	}
	for _, need := range []string{"application.pdf", "agreement.pdf", "parties.json"} {
		if len(files[need]) == 0 {
			fail(w, http.StatusUnprocessableEntity, "缺少材料："+need)
			return
		}
	}
	ah := sha256.Sum256(files["agreement.pdf"])
	if hex.EncodeToString(ah[:]) != sub.AgreementSHA256 {
		fail(w, http.StatusUnprocessableEntity, "调解协议与声明的哈希不符")
		return
	}
	s.mu.Lock()
	// Idempotent by key: a repeat answers the first receipt and is not
	// recorded again; the key reused for another package, or a second key
	// for an application number already taken, is refused.
	for _, prev := range s.received {
		if prev.Key == key || prev.Submission.ApplicationNo == sub.ApplicationNo {
			s.mu.Unlock()
			switch {
			case prev.Key != key:
				fail(w, http.StatusConflict, "该申请编号已受理，不能重复申请")
			case prev.Submission.PackageSHA256 != sub.PackageSHA256 || prev.Submission.ApplicationNo != sub.ApplicationNo:
				fail(w, http.StatusConflict, "该幂等键已用于不同的申请")
			default:
				w.Header().Set("Content-Type", "application/json")
				w.WriteHeader(http.StatusAccepted)
				json.NewEncoder(w).Encode(map[string]string{"receipt": prev.Receipt})
			}
			return
		}
	}
	rec := Received{Submission: sub, Files: files, Receipt: fmt.Sprintf("SQ%06d", len(s.received)+1), Key: key}
	s.received = append(s.received, rec)
	s.progress[rec.Receipt] = court.Progress{Receipt: rec.Receipt, Status: "submitted"}
	s.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusAccepted)
	json.NewEncoder(w).Encode(map[string]string{"receipt": rec.Receipt})
}
