// Package courttest is an in-repo court system speaking the format of
// internal/court, for tests: it checks the key, the JSON, the package hash
// and the ZIP's manifest, and records what it received.
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
}

// Server is the fake court.
type Server struct {
	*httptest.Server
	key      string
	mu       sync.Mutex
	received []Received
	progress map[string]court.Progress // by receipt
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
	s := &Server{key: key, progress: map[string]court.Progress{}}
	s.Server = httptest.NewServer(http.HandlerFunc(s.handle))
	return s
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
	// Idempotent by application number: a resend of the same package answers
	// the first receipt; a different package under the same number is refused.
	for _, prev := range s.received {
		if prev.Submission.ApplicationNo == sub.ApplicationNo {
			s.mu.Unlock()
			if prev.Submission.PackageSHA256 != sub.PackageSHA256 {
				fail(w, http.StatusConflict, "该申请编号已提交过不同的材料")
				return
			}
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusAccepted)
			json.NewEncoder(w).Encode(map[string]string{"receipt": prev.Receipt})
			return
		}
	}
	rec := Received{Submission: sub, Files: files, Receipt: fmt.Sprintf("SQ%06d", len(s.received)+1)}
	s.received = append(s.received, rec)
	s.progress[rec.Receipt] = court.Progress{Receipt: rec.Receipt, Status: "submitted"}
	s.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusAccepted)
	json.NewEncoder(w).Encode(map[string]string{"receipt": rec.Receipt})
}
