package gatewaytest

import (
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

const key = "secret"

func post(t *testing.T, s *Server, auth, contentType, body string) (int, sendResponse, http.Header) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, s.URL+Path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if auth != "" {
		req.Header.Set("Authorization", auth)
	}
	req.Header.Set("Content-Type", contentType)
	resp, err := s.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out sendResponse
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
		t.Fatalf("response body: %v", err)
	}
	return resp.StatusCode, out, resp.Header
}

func body(id, phone, sign, content, biz string) string {
	b, _ := json.Marshal(sendRequest{RequestID: id, Phone: phone, Sign: sign, Content: content, BizType: biz})
	return string(b)
}

func TestDeliversOncePerRequestID(t *testing.T) {
	s := New(key)
	defer s.Close()
	ok := body("r1", "13812345678", "浦东消调委", "您好", "notice")
	st, r1, _ := post(t, s, "Bearer "+key, "application/json", ok)
	if st != 200 || r1.Code != 0 || r1.MsgID == "" || r1.Message != "ok" {
		t.Fatalf("first: %d %+v", st, r1)
	}
	_, r2, _ := post(t, s, "Bearer "+key, "application/json; charset=utf-8", ok)
	if r2.MsgID != r1.MsgID {
		t.Errorf("repeat got msg_id %q, want %q", r2.MsgID, r1.MsgID)
	}
	_, r3, _ := post(t, s, "Bearer "+key, "application/json", body("r2", "13812345678", "浦东消调委", "您好", "notice"))
	if r3.MsgID == r1.MsgID {
		t.Error("a new request_id got the old msg_id")
	}
	d := s.Delivered()
	if len(d) != 2 || d[0].RequestID != "r1" || d[0].Phone != "13812345678" || d[0].Sign != "浦东消调委" ||
		d[0].Content != "您好" || d[0].BizType != "notice" || d[0].MsgID != r1.MsgID || d[0].At.IsZero() {
		t.Errorf("delivered = %+v", d)
	}
	if n := len(s.Requests()); n != 3 {
		t.Errorf("%d requests", n)
	}
}

func TestRejects(t *testing.T) {
	s := New(key)
	defer s.Close()
	good := func(mod func(*sendRequest)) string {
		r := sendRequest{RequestID: "x", Phone: "13812345678", Sign: "浦东消调委", Content: "您好", BizType: "notice"}
		mod(&r)
		b, _ := json.Marshal(r)
		return string(b)
	}
	for _, tc := range []struct {
		name, auth, ct, body string
		status, code         int
	}{
		{"no key", "", "application/json", good(func(*sendRequest) {}), 401, CodeUnauthorized},
		{"wrong key", "Bearer nope", "application/json", good(func(*sendRequest) {}), 401, CodeUnauthorized},
		{"not bearer", key, "application/json", good(func(*sendRequest) {}), 401, CodeUnauthorized},
		{"content type", "Bearer " + key, "text/plain", good(func(*sendRequest) {}), 415, CodeBadRequest},
		{"bad json", "Bearer " + key, "application/json", "{", 400, CodeBadRequest},
		{"no request_id", "Bearer " + key, "application/json", good(func(r *sendRequest) { r.RequestID = "" }), 400, CodeBadRequest},
		{"short phone", "Bearer " + key, "application/json", good(func(r *sendRequest) { r.Phone = "1381234567" }), 400, CodeBadPhone},
		{"prefixed phone", "Bearer " + key, "application/json", good(func(r *sendRequest) { r.Phone = "+8613812345678" }), 400, CodeBadPhone},
		{"letters", "Bearer " + key, "application/json", good(func(r *sendRequest) { r.Phone = "1381234567a" }), 400, CodeBadPhone},
		{"no sign", "Bearer " + key, "application/json", good(func(r *sendRequest) { r.Sign = "" }), 400, CodeBadRequest},
		{"no content", "Bearer " + key, "application/json", good(func(r *sendRequest) { r.Content = "" }), 400, CodeBadRequest},
		{"too long", "Bearer " + key, "application/json", good(func(r *sendRequest) { r.Content = strings.Repeat("调", 501) }), 400, CodeTooLong},
		{"no biz_type", "Bearer " + key, "application/json", good(func(r *sendRequest) { r.BizType = "" }), 400, CodeBadRequest},
	} {
		st, out, _ := post(t, s, tc.auth, tc.ct, tc.body)
		if st != tc.status || out.Code != tc.code || out.Message == "" || out.MsgID != "" {
			t.Errorf("%s: %d %+v, want %d code %d", tc.name, st, out, tc.status, tc.code)
		}
	}
	if d := s.Delivered(); len(d) != 0 {
		t.Errorf("delivered = %+v", d)
	}
	st, _, _ := post(t, s, "Bearer "+key, "application/json", good(func(r *sendRequest) { r.Content = strings.Repeat("调", 500) }))
	if st != 200 {
		t.Errorf("500 characters: %d", st)
	}
}

func TestWrongPathAndMethod(t *testing.T) {
	s := New(key)
	defer s.Close()
	resp, err := s.Client().Get(s.URL + Path)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 405 || resp.Header.Get("Allow") != "POST" {
		t.Errorf("GET: %d", resp.StatusCode)
	}
	resp, err = s.Client().Post(s.URL+"/v2/sms", "application/json", strings.NewReader("{}"))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 404 {
		t.Errorf("wrong path: %d", resp.StatusCode)
	}
}

func TestInjectedFailures(t *testing.T) {
	s := New(key)
	defer s.Close()
	s.FailUnavailable(1, 3)
	s.FailRateLimited(1, 0)
	s.FailCode(1, 30001, "内容违规")
	ok := body("r1", "13812345678", "浦东消调委", "您好", "notice")
	want := []struct{ status, code, retryAfter int }{
		{503, CodeUnavailable, 3}, {429, CodeRateLimited, 0}, {200, 30001, 0}, {200, 0, 0},
	}
	for i, w := range want {
		st, out, h := post(t, s, "Bearer "+key, "application/json", ok)
		ra := h.Get("Retry-After")
		if st != w.status || out.Code != w.code || (w.retryAfter > 0) != (ra != "") ||
			(w.retryAfter > 0 && ra != strconv.Itoa(w.retryAfter)) {
			t.Errorf("request %d: %d %+v Retry-After %q, want %+v", i+1, st, out, ra, w)
		}
		if i < 3 && (out.MsgID != "" || len(s.Delivered()) != 0) {
			t.Errorf("request %d delivered while failing", i+1)
		}
	}
	if d := s.Delivered(); len(d) != 1 {
		t.Errorf("delivered = %+v", d)
	}
	// A request with a wrong key does not use up an injected failure.
	s.FailUnavailable(1, 0)
	if st, _, _ := post(t, s, "Bearer nope", "application/json", ok); st != 401 {
		t.Errorf("wrong key: %d", st)
	}
	if st, _, _ := post(t, s, "Bearer "+key, "application/json", ok); st != 503 {
		t.Errorf("injected failure lost: %d", st)
	}
	reqs := s.Requests()
	if last := reqs[len(reqs)-1]; last.RequestID != "r1" || last.Status != 503 || last.Code != CodeUnavailable {
		t.Errorf("last request = %+v", last)
	}
}

// Concurrent repeats of one request_id are delivered once.
func TestConcurrentRepeatsDeliverOnce(t *testing.T) {
	s := New(key)
	defer s.Close()
	ok := body("same", "13812345678", "浦东消调委", "您好", "notice")
	var wg sync.WaitGroup
	ids := make([]string, 8)
	for i := range ids {
		wg.Add(1)
		go func() {
			defer wg.Done()
			req, _ := http.NewRequest(http.MethodPost, s.URL+Path, strings.NewReader(ok))
			req.Header.Set("Authorization", "Bearer "+key)
			req.Header.Set("Content-Type", "application/json")
			resp, err := s.Client().Do(req)
			if err != nil {
				t.Error(err)
				return
			}
			defer resp.Body.Close()
			var r sendResponse
			_ = json.NewDecoder(resp.Body).Decode(&r)
			ids[i] = r.MsgID
		}()
	}
	wg.Wait()
	if d := s.Delivered(); len(d) != 1 {
		t.Fatalf("delivered %d times", len(d))
	}
	for _, id := range ids {
		if id != ids[0] || id == "" {
			t.Fatalf("msg ids %v", ids)
		}
	}
}

// A slow gateway answers after the delay, or not at all when the client
// gives up first; ClearFailures brings a failing gateway back.
func TestDelayAndClearFailures(t *testing.T) {
	s := New(key)
	defer s.Close()
	s.SetDelay(150 * time.Millisecond)
	start := time.Now()
	if st, _, _ := post(t, s, "Bearer "+key, "application/json", body("d1", "13812345678", "签名", "您好", "notice")); st != 200 {
		t.Fatalf("status %d", st)
	}
	if el := time.Since(start); el < 150*time.Millisecond {
		t.Fatalf("answered after %v", el)
	}
	s.SetDelay(0)
	s.FailUnavailable(5, 0)
	if st, _, _ := post(t, s, "Bearer "+key, "application/json", body("d2", "13812345678", "签名", "您好", "notice")); st != 503 {
		t.Fatalf("status %d, want 503", st)
	}
	s.ClearFailures()
	if st, _, _ := post(t, s, "Bearer "+key, "application/json", body("d2", "13812345678", "签名", "您好", "notice")); st != 200 {
		t.Fatalf("status %d after ClearFailures", st)
	}
}

// A failure bound to a phone hits every request to that phone and no
// other, until ClearFailures.
func TestFailPhone(t *testing.T) {
	s := New(key)
	defer s.Close()
	s.FailPhone("13800000001", Failure{Status: 400, Code: CodeBadPhone, Message: "号码无效"})
	if st, out, _ := post(t, s, "Bearer "+key, "application/json", body("p1", "13812345678", "签名", "您好", "notice")); st != 200 || out.Code != CodeOK {
		t.Fatalf("another phone: %d %+v", st, out)
	}
	for _, id := range []string{"p2", "p3"} {
		if st, out, _ := post(t, s, "Bearer "+key, "application/json", body(id, "13800000001", "签名", "您好", "notice")); st != 400 || out.Code != CodeBadPhone {
			t.Fatalf("the refused phone (%s): %d %+v", id, st, out)
		}
	}
	s.ClearFailures()
	if st, _, _ := post(t, s, "Bearer "+key, "application/json", body("p4", "13800000001", "签名", "您好", "notice")); st != 200 {
		t.Fatalf("after ClearFailures: %d", st)
	}
	if n := len(s.Delivered()); n != 2 {
		t.Fatalf("%d delivered, want 2", n)
	}
}
