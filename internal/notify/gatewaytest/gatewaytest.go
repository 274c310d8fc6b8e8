// Package gatewaytest is a fake SMS gateway for tests: an httptest server
// speaking the format documented in internal/notify/GATEWAY.md. It checks
// the bearer key and the JSON fields, de-duplicates by request_id, can be
// told to fail the next requests or to answer slowly, and records what it
// delivered.
package gatewaytest

import (
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync"
	"time"
	"unicode/utf8"
)

// Path is where the gateway accepts messages.
const Path = "/v1/sms/send"

// MaxContentRunes is the longest content accepted.
const MaxContentRunes = 500

// Error codes in response bodies.
const (
	CodeOK           = 0
	CodeBadRequest   = 40001 // malformed JSON or a missing/invalid field
	CodeBadPhone     = 40002
	CodeTooLong      = 40003
	CodeUnauthorized = 40100
	CodeRateLimited  = 42900
	CodeUnavailable  = 50300
)

// Delivered is a message the gateway accepted, recorded once per request_id.
type Delivered struct {
	RequestID string
	Phone     string
	Sign      string
	Content   string
	BizType   string
	MsgID     string
	At        time.Time
}

// Request is one HTTP request as received (every attempt, failed or not).
type Request struct {
	RequestID     string // "" when the body could not be read
	Authorization string
	Status        int // HTTP status answered
	Code          int // code in the answer body
}

// Failure is an injected failure, used by FailNext.
type Failure struct {
	Status     int    // HTTP status, e.g. 503 or 429; 200 with Code ≠ 0 for a refusal
	RetryAfter int    // seconds for the Retry-After header; 0: no header
	Code       int    // code in the body
	Message    string // message in the body
}

// Server is a running fake gateway. Close it when done.
type Server struct {
	*httptest.Server
	APIKey string

	mu        sync.Mutex
	fail      []Failure          // injected failures, consumed in order
	byPhone   map[string]Failure // every request to the phone fails so
	delivered []Delivered
	byID      map[string]string // request_id → msg_id
	requests  []Request
	seq       int
	delay     time.Duration
}

// New starts a fake gateway that accepts "Authorization: Bearer {apiKey}".
func New(apiKey string) *Server {
	s := &Server{APIKey: apiKey, byID: map[string]string{}}
	s.Server = httptest.NewServer(s)
	return s
}

// FailNext makes the next n authorized requests fail with f.
func (s *Server) FailNext(n int, f Failure) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for range n {
		s.fail = append(s.fail, f)
	}
}

// FailPhone makes every request to phone fail with f (a number the
// gateway refuses), whatever else is in flight: unlike FailNext, another
// queued message cannot take the failure meant for this one.
func (s *Server) FailPhone(phone string, f Failure) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.byPhone == nil {
		s.byPhone = map[string]Failure{}
	}
	s.byPhone[phone] = f
}

// ClearFailures drops the failures not yet used: the gateway is back.
func (s *Server) ClearFailures() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.fail, s.byPhone = nil, nil
}

// FailUnavailable makes the next n requests answer 503, with a Retry-After
// header when retryAfter > 0.
func (s *Server) FailUnavailable(n, retryAfter int) {
	s.FailNext(n, Failure{Status: http.StatusServiceUnavailable, RetryAfter: retryAfter,
		Code: CodeUnavailable, Message: "服务暂时不可用，请稍后重试"})
}

// FailRateLimited makes the next n requests answer 429, with a Retry-After
// header when retryAfter > 0.
func (s *Server) FailRateLimited(n, retryAfter int) {
	s.FailNext(n, Failure{Status: http.StatusTooManyRequests, RetryAfter: retryAfter,
		Code: CodeRateLimited, Message: "发送频率超限"})
}

// FailCode makes the next n requests answer 200 with a non-zero code.
func (s *Server) FailCode(n, code int, message string) {
	s.FailNext(n, Failure{Status: http.StatusOK, Code: code, Message: message})
}

// SetDelay makes every later request wait d before it is answered (a slow
// gateway); the wait ends early when the client hangs up.
func (s *Server) SetDelay(d time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.delay = d
}

// Delivered returns the messages delivered so far, in order.
func (s *Server) Delivered() []Delivered {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Delivered(nil), s.delivered...)
}

// Requests returns every request received so far, in order.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Request(nil), s.requests...)
}

type sendRequest struct {
	RequestID string `json:"request_id"`
	Phone     string `json:"phone"`
	Sign      string `json:"sign"`
	Content   string `json:"content"`
	BizType   string `json:"biz_type"`
}

type sendResponse struct {
	Code    int    `json:"code"`
	Message string `json:"message"`
	MsgID   string `json:"msg_id,omitempty"`
}

// ServeHTTP implements the gateway.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	rec := Request{Authorization: r.Header.Get("Authorization")}
	answer := func(status int, body sendResponse, retryAfter int) {
		rec.Status, rec.Code = status, body.Code
		s.mu.Lock()
		s.requests = append(s.requests, rec)
		s.mu.Unlock()
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		if retryAfter > 0 {
			w.Header().Set("Retry-After", strconv.Itoa(retryAfter))
		}
		w.WriteHeader(status)
		_ = json.NewEncoder(w).Encode(body)
	}
	bad := func(code int, msg string) {
		answer(http.StatusBadRequest, sendResponse{Code: code, Message: msg}, 0)
	}

	s.mu.Lock()
	delay := s.delay
	s.mu.Unlock()
	if delay > 0 {
		t := time.NewTimer(delay)
		select {
		case <-t.C:
		case <-r.Context().Done():
			t.Stop()
			return
		}
	}
	if r.URL.Path != Path {
		answer(http.StatusNotFound, sendResponse{Code: 40400, Message: "接口不存在"}, 0)
		return
	}
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		answer(http.StatusMethodNotAllowed, sendResponse{Code: 40500, Message: "仅支持POST"}, 0)
		return
	}
	var req sendRequest
	raw, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	if err == nil {
		err = json.Unmarshal(raw, &req)
	}
	rec.RequestID = req.RequestID
	if rec.Authorization != "Bearer "+s.APIKey || s.APIKey == "" {
		answer(http.StatusUnauthorized, sendResponse{Code: CodeUnauthorized, Message: "接口密钥无效"}, 0)
		return
	}
	if mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); mt != "application/json" {
		answer(http.StatusUnsupportedMediaType, sendResponse{Code: CodeBadRequest, Message: "Content-Type须为application/json"}, 0)
		return
	}
	if err != nil {
		bad(CodeBadRequest, "请求体不是有效的JSON")
		return
	}
	switch {
	case req.RequestID == "":
		bad(CodeBadRequest, "缺少request_id")
		return
	case !validPhone(req.Phone):
		bad(CodeBadPhone, "phone须为11位数字")
		return
	case req.Sign == "":
		bad(CodeBadRequest, "缺少sign")
		return
	case req.Content == "":
		bad(CodeBadRequest, "缺少content")
		return
	case utf8.RuneCountInString(req.Content) > MaxContentRunes:
		bad(CodeTooLong, fmt.Sprintf("content超过%d字", MaxContentRunes))
		return
	case req.BizType == "":
		bad(CodeBadRequest, "缺少biz_type")
		return
	}

	s.mu.Lock()
	var f *Failure
	if pf, ok := s.byPhone[req.Phone]; ok {
		f = &pf
	} else if len(s.fail) > 0 {
		f = &s.fail[0]
		s.fail = s.fail[1:]
	}
	var msgID string
	if f == nil {
		var seen bool
		if msgID, seen = s.byID[req.RequestID]; !seen {
			s.seq++
			msgID = fmt.Sprintf("MSG%08d", s.seq)
			s.byID[req.RequestID] = msgID
			s.delivered = append(s.delivered, Delivered{RequestID: req.RequestID, Phone: req.Phone,
				Sign: req.Sign, Content: req.Content, BizType: req.BizType, MsgID: msgID, At: time.Now()})
		}
	}
	s.mu.Unlock()

	if f != nil {
		answer(f.Status, sendResponse{Code: f.Code, Message: f.Message}, f.RetryAfter)
		return
	}
	answer(http.StatusOK, sendResponse{Code: CodeOK, Message: "ok", MsgID: msgID}, 0)
}

func validPhone(s string) bool {
	if len(s) != 11 {
		return false
	}
	for i := range len(s) {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}
