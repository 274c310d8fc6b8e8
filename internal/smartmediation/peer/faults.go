package peer

import (
	"math"
	"net/http"
	"strconv"
	"time"

	sm "github.com/tiaojie/tiaojie/internal/smartmediation"
)

// faults are the injected failure modes; they live under Server.mu.
type faults struct {
	unavailable    int           // next requests answered 503
	throttled      int           // next requests answered 429
	retryAfter     time.Duration // with this Retry-After
	acceptThenFail int           // next case writes stored, then answered 500
	delay          time.Duration // every request waits this long first
	rejects        map[string]sm.FieldError
}

// FailNext answers the next n requests 503, before looking at them.
func (s *Server) FailNext(n int) { s.mu.Lock(); s.faults.unavailable = n; s.mu.Unlock() }

// ThrottleNext answers the next n requests 429 with Retry-After (whole
// seconds, at least 1).
func (s *Server) ThrottleNext(n int, retryAfter time.Duration) {
	s.mu.Lock()
	s.faults.throttled, s.faults.retryAfter = n, retryAfter
	s.mu.Unlock()
}

// AcceptThenFail stores the next n case writes but answers them 500: the
// client sees a failure although the write landed.
func (s *Server) AcceptThenFail(n int) { s.mu.Lock(); s.faults.acceptThenFail = n; s.mu.Unlock() }

// SetLatency makes every request wait d before it is handled (0: none),
// to run clients into their timeouts.
func (s *Server) SetLatency(d time.Duration) { s.mu.Lock(); s.faults.delay = d; s.mu.Unlock() }

// RejectCase refuses every write of a case with 422 and this field error;
// a zero FieldError lifts the refusal.
func (s *Server) RejectCase(code string, fe sm.FieldError) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.faults.rejects == nil {
		s.faults.rejects = map[string]sm.FieldError{}
	}
	if fe == (sm.FieldError{}) {
		delete(s.faults.rejects, code)
		return
	}
	s.faults.rejects[code] = fe
}

// Reset lifts every injected failure.
func (s *Server) Reset() { s.mu.Lock(); s.faults = faults{}; s.mu.Unlock() }

func (s *Server) latency() time.Duration {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.faults.delay
}

// injectFailure answers a pending 503 or 429, if any.
func (s *Server) injectFailure(w http.ResponseWriter) bool {
	s.mu.Lock()
	f := &s.faults
	var status int
	var after time.Duration
	switch {
	case f.unavailable > 0:
		f.unavailable--
		status = http.StatusServiceUnavailable
	case f.throttled > 0:
		f.throttled--
		status, after = http.StatusTooManyRequests, f.retryAfter
	}
	if status != 0 {
		s.counts.Injected++
	}
	s.mu.Unlock()
	switch status {
	case http.StatusServiceUnavailable:
		writeJSON(w, status, apiError{Code: "unavailable", Message: "平台维护中，请稍后重试"})
	case http.StatusTooManyRequests:
		w.Header().Set("Retry-After", strconv.Itoa(max(1, int(math.Ceil(after.Seconds())))))
		writeJSON(w, status, apiError{Code: "too_many_requests", Message: "请求过于频繁，请稍后重试"})
	}
	return status != 0
}

func (s *Server) rejection(code string) (sm.FieldError, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	fe, ok := s.faults.rejects[code]
	return fe, ok
}

// failAfterAccept consumes one accept-then-fail, if any.
func (s *Server) failAfterAccept() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.faults.acceptThenFail == 0 {
		return false
	}
	s.faults.acceptThenFail--
	s.counts.Injected++
	return true
}
