package notify

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/tiaojie/tiaojie/internal/notify/gatewaytest"
)

const testKey = "k-test-123"

// sleeps records the waits asked of the Sleep hook.
type sleeps struct {
	mu sync.Mutex
	d  []time.Duration
	fn func() // run on each call, e.g. to cancel a context
}

func (s *sleeps) sleep(d time.Duration) {
	s.mu.Lock()
	s.d = append(s.d, d)
	fn := s.fn
	s.mu.Unlock()
	if fn != nil {
		fn()
	}
}

func (s *sleeps) got() []time.Duration {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]time.Duration(nil), s.d...)
}

type fixture struct {
	gw     *gatewaytest.Server
	s      *GatewaySender
	ob     *memOutbox
	log    *syncBuffer
	sleeps *sleeps
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	gw := gatewaytest.New(testKey)
	t.Cleanup(gw.Close)
	log, buf := newLog()
	f := &fixture{gw: gw, ob: &memOutbox{}, log: buf, sleeps: &sleeps{}}
	f.s = &GatewaySender{BaseURL: gw.URL + "/", APIKey: testKey, Signature: testSign, Client: gw.Client(),
		Log: log, Outbox: f.ob, Hash: testHash, Sleep: f.sleeps.sleep}
	return f
}

// checkLog asserts the log never shows the full phone number.
func (f *fixture) checkLog(t *testing.T) {
	t.Helper()
	if out := f.log.String(); strings.Contains(out, testPhone) {
		t.Errorf("log shows the phone number: %s", out)
	}
}

func consentMessage() Message {
	return Message{To: testPhone, Kind: KindConsentRequest, CaseID: 7,
		Body: ConsentRequestText("（2025）浦消调字第0007号", "https://tj.example.cn/c/x1")}
}

func asGatewayError(t *testing.T, err error) *GatewayError {
	t.Helper()
	var ge *GatewayError
	if !errors.As(err, &ge) {
		t.Fatalf("err = %v (%T), want *GatewayError", err, err)
	}
	return ge
}

var uuidV4 = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)

func TestGatewaySuccess(t *testing.T) {
	f := newFixture(t)
	m := consentMessage()
	rc, err := f.s.Send(context.Background(), m)
	if err != nil {
		t.Fatal(err)
	}
	d := f.gw.Delivered()
	if len(d) != 1 {
		t.Fatalf("delivered = %+v", d)
	}
	if d[0].Phone != testPhone || d[0].Sign != testSign || d[0].Content != m.Body || d[0].BizType != KindConsentRequest {
		t.Errorf("delivered = %+v", d[0])
	}
	if !uuidV4.MatchString(d[0].RequestID) {
		t.Errorf("request_id %q is not a UUID v4", d[0].RequestID)
	}
	if rc.ID != d[0].MsgID || rc.Provider != ProviderGateway || rc.At.IsZero() {
		t.Errorf("receipt = %+v, msg_id %q", rc, d[0].MsgID)
	}
	if r := f.gw.Requests(); len(r) != 1 || r[0].Authorization != "Bearer "+testKey {
		t.Errorf("requests = %+v", r)
	}
	if len(f.sleeps.got()) != 0 {
		t.Errorf("slept %v", f.sleeps.got())
	}
	es := f.ob.all()
	if len(es) != 1 {
		t.Fatalf("outbox = %+v", es)
	}
	if e := es[0]; e.Status != StatusSent || e.ToMask != testMask || e.ToHash != testHash(testPhone) ||
		e.Body != "【浦东消调委】"+m.Body || e.Provider != ProviderGateway || e.CaseID != 7 || e.Kind != KindConsentRequest {
		t.Errorf("outbox entry = %+v", e)
	}
	if out := f.log.String(); !strings.Contains(out, testMask) || !strings.Contains(out, "msg="+`"sms sent"`) {
		t.Errorf("log = %s", out)
	}
	f.checkLog(t)
}

func TestGatewayVerifyCodeNeverLogged(t *testing.T) {
	f := newFixture(t)
	f.gw.FailUnavailable(1, 0)
	code := "582046"
	if _, err := f.s.Send(context.Background(), Message{To: testPhone, Kind: KindVerifyCode, Body: VerifyCodeText(code, 5)}); err != nil {
		t.Fatal(err)
	}
	if d := f.gw.Delivered(); len(d) != 1 || !strings.Contains(d[0].Content, code) {
		t.Fatalf("delivered = %+v", d)
	}
	if out := f.log.String(); strings.Contains(out, code) {
		t.Errorf("log shows the code: %s", out)
	}
	f.checkLog(t)
}

func TestGatewayRetries503ThenSucceeds(t *testing.T) {
	f := newFixture(t)
	f.gw.FailUnavailable(2, 0)
	rc, err := f.s.Send(context.Background(), consentMessage())
	if err != nil {
		t.Fatal(err)
	}
	reqs := f.gw.Requests()
	if len(reqs) != 3 || reqs[0].Status != 503 || reqs[1].Status != 503 || reqs[2].Status != 200 {
		t.Fatalf("requests = %+v", reqs)
	}
	if reqs[0].RequestID == "" || reqs[1].RequestID != reqs[0].RequestID || reqs[2].RequestID != reqs[0].RequestID {
		t.Errorf("request_id changed across retries: %+v", reqs)
	}
	if d := f.gw.Delivered(); len(d) != 1 || d[0].MsgID != rc.ID {
		t.Errorf("delivered = %+v, receipt %+v", d, rc)
	}
	if got := f.sleeps.got(); len(got) != 2 || got[0] != 500*time.Millisecond || got[1] != time.Second {
		t.Errorf("backoff = %v, want [500ms 1s]", got)
	}
	if es := f.ob.all(); len(es) != 1 || es[0].Status != StatusSent {
		t.Errorf("outbox = %+v", es)
	}
	f.checkLog(t)
}

func TestGatewayHonoursRetryAfterOn429(t *testing.T) {
	f := newFixture(t)
	f.gw.FailRateLimited(1, 7)
	if _, err := f.s.Send(context.Background(), consentMessage()); err != nil {
		t.Fatal(err)
	}
	if got := f.sleeps.got(); len(got) != 1 || got[0] != 7*time.Second {
		t.Errorf("slept %v, want [7s]", got)
	}
	if d := f.gw.Delivered(); len(d) != 1 {
		t.Errorf("delivered = %+v", d)
	}
}

func TestGatewayGivesUpAfterMaxAttempts(t *testing.T) {
	for _, max := range []int{0, 2} {
		f := newFixture(t)
		f.s.MaxAttempts = max
		want := max
		if want == 0 {
			want = DefaultMaxAttempts
		}
		f.gw.FailUnavailable(10, 1)
		_, err := f.s.Send(context.Background(), consentMessage())
		ge := asGatewayError(t, err)
		if ge.HTTPStatus != 503 || ge.Attempts != want || !ge.Temporary || ge.Stopped {
			t.Errorf("max %d: error = %+v", max, ge)
		}
		msg := err.Error()
		for _, part := range []string{"短信发送失败", "短信网关暂时不可用（HTTP 503）", "服务暂时不可用", "共尝试"} {
			if !strings.Contains(msg, part) {
				t.Errorf("max %d: error %q lacks %q", max, msg, part)
			}
		}
		if n := len(f.gw.Requests()); n != want {
			t.Errorf("max %d: %d requests", max, n)
		}
		if n := len(f.sleeps.got()); n != want-1 {
			t.Errorf("max %d: %d sleeps", max, n)
		}
		if d := f.gw.Delivered(); len(d) != 0 {
			t.Errorf("max %d: delivered = %+v", max, d)
		}
		es := f.ob.all()
		if len(es) != 1 || es[0].Status != StatusFailed || es[0].Error != msg || es[0].ToMask != testMask || es[0].ToHash != testHash(testPhone) {
			t.Errorf("max %d: outbox = %+v", max, es)
		}
		f.checkLog(t)
	}
}

func TestGatewayWrongKeyNoRetry(t *testing.T) {
	f := newFixture(t)
	f.s.APIKey = "wrong"
	_, err := f.s.Send(context.Background(), consentMessage())
	ge := asGatewayError(t, err)
	if ge.HTTPStatus != 401 || ge.Temporary || ge.Attempts != 1 {
		t.Errorf("error = %+v", ge)
	}
	if !strings.Contains(err.Error(), "鉴权失败") || !strings.Contains(err.Error(), "接口密钥无效") {
		t.Errorf("error = %q", err)
	}
	if n := len(f.gw.Requests()); n != 1 {
		t.Errorf("%d requests, want 1", n)
	}
	if len(f.sleeps.got()) != 0 || len(f.gw.Delivered()) != 0 {
		t.Error("retried or delivered")
	}
	if es := f.ob.all(); len(es) != 1 || es[0].Status != StatusFailed {
		t.Errorf("outbox = %+v", es)
	}
}

func TestGatewayNonZeroCode(t *testing.T) {
	f := newFixture(t)
	f.gw.FailCode(1, 30001, "内容含有敏感词，号码13812345678已被拦截")
	_, err := f.s.Send(context.Background(), consentMessage())
	ge := asGatewayError(t, err)
	if ge.HTTPStatus != 200 || ge.Code != 30001 || ge.Temporary || ge.Attempts != 1 {
		t.Errorf("error = %+v", ge)
	}
	msg := err.Error()
	if !strings.Contains(msg, "内容含有敏感词") || !strings.Contains(msg, "30001") {
		t.Errorf("error %q lacks the gateway's message", msg)
	}
	if strings.Contains(msg, testPhone) || !strings.Contains(msg, testMask) {
		t.Errorf("error %q does not mask the phone", msg)
	}
	if n := len(f.gw.Requests()); n != 1 {
		t.Errorf("%d requests, want 1", n)
	}
	f.checkLog(t)
}

func TestGatewayRejectsBadMessagesBeforeSending(t *testing.T) {
	for _, tc := range []struct {
		m    Message
		want error
	}{
		{Message{To: "1381234", Body: "您好"}, ErrInvalidPhone},
		{Message{To: testPhone, Body: ""}, ErrEmptyBody},
		{Message{To: testPhone, Body: strings.Repeat("调", 501)}, ErrBodyTooLong},
	} {
		f := newFixture(t)
		if _, err := f.s.Send(context.Background(), tc.m); !errors.Is(err, tc.want) {
			t.Errorf("%+v: err = %v, want %v", tc.m, err, tc.want)
		}
		if n := len(f.gw.Requests()); n != 0 {
			t.Errorf("%d requests", n)
		}
		if es := f.ob.all(); len(es) != 1 || es[0].Status != StatusFailed || es[0].Error != tc.want.Error() {
			t.Errorf("outbox = %+v", es)
		}
	}
	// Exactly 500 characters are accepted by both sides.
	f := newFixture(t)
	if _, err := f.s.Send(context.Background(), Message{To: testPhone, Body: strings.Repeat("调", 500)}); err != nil {
		t.Errorf("500 characters: %v", err)
	}
	// No gateway configured.
	s := &GatewaySender{Signature: testSign}
	if _, err := s.Send(context.Background(), consentMessage()); !errors.Is(err, ErrNoGateway) {
		t.Errorf("no base URL: err = %v", err)
	}
}

func TestGatewayStopsWhenContextCancelled(t *testing.T) {
	f := newFixture(t)
	f.gw.FailUnavailable(10, 0)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	f.sleeps.fn = cancel // the caller gives up during the first wait
	_, err := f.s.Send(ctx, consentMessage())
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
	ge := asGatewayError(t, err)
	if !ge.Stopped || ge.Attempts != 1 || ge.HTTPStatus != 503 {
		t.Errorf("error = %+v", ge)
	}
	if !strings.Contains(err.Error(), "发送已中止") {
		t.Errorf("error = %q", err)
	}
	if n := len(f.gw.Requests()); n != 1 {
		t.Errorf("%d requests after cancel, want 1", n)
	}
	// The failure is still recorded, even though ctx is done.
	if es := f.ob.all(); len(es) != 1 || es[0].Status != StatusFailed {
		t.Errorf("outbox = %+v", es)
	}
}

func TestGatewayRealWaitIsContextAware(t *testing.T) {
	f := newFixture(t)
	f.s.Sleep = nil             // the real timer
	f.gw.FailRateLimited(1, 30) // would wait 30 s
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err := f.s.Send(ctx, consentMessage())
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err = %v", err)
	}
	if el := time.Since(start); el > 5*time.Second {
		t.Errorf("took %v; the wait ignored the context", el)
	}
	if n := len(f.gw.Requests()); n != 1 {
		t.Errorf("%d requests", n)
	}
}

func TestGatewayCancelledBeforeSending(t *testing.T) {
	f := newFixture(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := f.s.Send(ctx, consentMessage())
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v", err)
	}
	if n := len(f.gw.Requests()); n != 0 {
		t.Errorf("%d requests", n)
	}
}

func TestGatewayPerAttemptTimeout(t *testing.T) {
	gw := gatewaytest.New(testKey)
	defer gw.Close()
	var calls atomic.Int32
	release := make(chan struct{})
	// The first attempt hangs (and is then delivered late, as a slow
	// gateway might); the retry carries the same request_id.
	slow := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if n := calls.Add(1); n == 1 || n < 0 {
			// Read the body so the server notices when the client hangs up.
			_, _ = io.Copy(io.Discard, r.Body)
			select {
			case <-r.Context().Done():
			case <-release:
			}
			return
		}
		gw.ServeHTTP(w, r)
	}))
	defer slow.Close()
	defer close(release) // runs before slow.Close, which waits for handlers
	sl := &sleeps{}
	log, buf := newLog()
	s := &GatewaySender{BaseURL: slow.URL, APIKey: testKey, Signature: testSign, Log: log,
		Timeout: 50 * time.Millisecond, Sleep: sl.sleep}
	if _, err := s.Send(context.Background(), consentMessage()); err != nil {
		t.Fatal(err)
	}
	if calls.Load() != 2 || len(gw.Delivered()) != 1 || len(sl.got()) != 1 {
		t.Errorf("calls %d, delivered %d, sleeps %v", calls.Load(), len(gw.Delivered()), sl.got())
	}
	if !strings.Contains(buf.String(), "sms gateway retry") {
		t.Errorf("log = %s", buf.String())
	}

	// Every attempt times out: a Chinese timeout error.
	calls.Store(-100)
	_, err := s.Send(context.Background(), consentMessage())
	ge := asGatewayError(t, err)
	if !errors.Is(err, context.DeadlineExceeded) || ge.Stopped || ge.Attempts != 3 || !strings.Contains(err.Error(), "响应超时") {
		t.Errorf("err = %v (%+v)", err, ge)
	}
}

func TestGatewayUnreachable(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler())
	url := srv.URL
	srv.Close()
	sl := &sleeps{}
	s := &GatewaySender{BaseURL: url, APIKey: testKey, Signature: testSign, Sleep: sl.sleep, Log: newDiscard()}
	_, err := s.Send(context.Background(), consentMessage())
	ge := asGatewayError(t, err)
	if ge.HTTPStatus != 0 || ge.Attempts != 3 || !ge.Temporary || !strings.Contains(err.Error(), "无法连接短信网关") {
		t.Errorf("err = %v (%+v)", err, ge)
	}
	if len(sl.got()) != 2 {
		t.Errorf("sleeps = %v", sl.got())
	}
}

func TestGatewayGarbledOKIsRetried(t *testing.T) {
	gw := gatewaytest.New(testKey)
	defer gw.Close()
	var calls atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if calls.Add(1) == 1 {
			_, _ = w.Write([]byte("<html>oops</html>"))
			return
		}
		gw.ServeHTTP(w, r)
	}))
	defer srv.Close()
	s := &GatewaySender{BaseURL: srv.URL, APIKey: testKey, Signature: testSign, Sleep: func(time.Duration) {}, Log: newDiscard()}
	if _, err := s.Send(context.Background(), consentMessage()); err != nil {
		t.Fatal(err)
	}
	if calls.Load() != 2 || len(gw.Delivered()) != 1 {
		t.Errorf("calls %d, delivered %d", calls.Load(), len(gw.Delivered()))
	}
}

func TestGatewayOutboxFailureDoesNotFailTheSend(t *testing.T) {
	f := newFixture(t)
	f.ob.err = errors.New("db down")
	rc, err := f.s.Send(context.Background(), consentMessage())
	if err != nil || rc.ID == "" {
		t.Fatalf("rc %+v, err %v", rc, err)
	}
	if !strings.Contains(f.log.String(), "sms outbox write failed") {
		t.Errorf("log = %s", f.log.String())
	}
	f.checkLog(t)
}

func TestGatewayWithoutOutbox(t *testing.T) {
	f := newFixture(t)
	f.s.Outbox = nil
	if _, err := f.s.Send(context.Background(), consentMessage()); err != nil {
		t.Fatal(err)
	}
}

func TestGatewaySignatureNotSentTwice(t *testing.T) {
	f := newFixture(t)
	if _, err := f.s.Send(context.Background(), Message{To: testPhone, Body: "【浦东消调委】您好。"}); err != nil {
		t.Fatal(err)
	}
	if d := f.gw.Delivered(); d[0].Content != "您好。" || d[0].BizType != KindNotice {
		t.Errorf("delivered = %+v", d[0])
	}
}

func TestParseRetryAfter(t *testing.T) {
	now := time.Date(2025, 3, 1, 8, 0, 0, 0, time.UTC)
	for in, want := range map[string]time.Duration{
		"":                              -1,
		"abc":                           -1,
		"-3":                            -1,
		"0":                             0,
		"7":                             7 * time.Second,
		" 12 ":                          12 * time.Second,
		"3600":                          retryAfterMax,
		"Sat, 01 Mar 2025 08:00:20 GMT": 20 * time.Second,
		"Sat, 01 Mar 2025 07:00:00 GMT": 0,
		"Sun, 02 Mar 2025 08:00:00 GMT": retryAfterMax,
	} {
		if got := parseRetryAfter(in, now); got != want {
			t.Errorf("parseRetryAfter(%q) = %v, want %v", in, got, want)
		}
	}
}

func TestBackoff(t *testing.T) {
	want := []time.Duration{500 * time.Millisecond, time.Second, 2 * time.Second, 4 * time.Second, 8 * time.Second, 10 * time.Second, 10 * time.Second}
	for i, w := range want {
		if got := backoff(i + 1); got != w {
			t.Errorf("backoff(%d) = %v, want %v", i+1, got, w)
		}
	}
}

func TestRequestIDs(t *testing.T) {
	seen := map[string]bool{}
	for range 100 {
		id := newRequestID()
		if !uuidV4.MatchString(id) || seen[id] {
			t.Fatalf("bad or repeated id %q", id)
		}
		seen[id] = true
	}
}

func TestGatewayErrorTexts(t *testing.T) {
	for _, tc := range []struct {
		e    GatewayError
		want string
	}{
		{GatewayError{HTTPStatus: 400, Code: 40002, Message: "phone须为11位数字", Attempts: 1}, "短信发送失败：短信网关拒绝请求（HTTP 400）：phone须为11位数字"},
		{GatewayError{HTTPStatus: 429, Attempts: 3, Temporary: true}, "短信发送失败：短信网关限流（HTTP 429）（共尝试3次）"},
		{GatewayError{HTTPStatus: 200, Attempts: 3, Temporary: true}, "短信发送失败：短信网关的响应无法识别（共尝试3次）"},
		{GatewayError{Stopped: true, Err: context.Canceled}, "短信发送失败：发送已中止（请求被取消或超出时限）"},
	} {
		if got := tc.e.Error(); got != tc.want {
			t.Errorf("Error() = %q, want %q", got, tc.want)
		}
	}
	long := cleanMessage(strings.Repeat("长", 300) + "\n")
	if n := len([]rune(long)); n != maxMsgRunes+1 {
		t.Errorf("cleanMessage kept %d runes", n)
	}
}

// A party's personal link reaches the party, but neither the log nor the
// outbox record staff can read holds a usable link.
func TestGatewayLinkNeverKept(t *testing.T) {
	f := newFixture(t)
	tok := "AbCdEfGh12345678_-xyzQRST"
	body := "您的消费纠纷由调解员在线调解，请点击 https://tj.example.cn/p/" + tok + " 进入。"
	if _, err := f.s.Send(context.Background(), Message{To: testPhone, Kind: "online_mediation", Body: body}); err != nil {
		t.Fatal(err)
	}
	if d := f.gw.Delivered(); len(d) != 1 || !strings.Contains(d[0].Content, tok) {
		t.Fatalf("the party did not get the link: %+v", d)
	}
	es := f.ob.all()
	if len(es) != 1 || strings.Contains(es[0].Body, tok) || !strings.Contains(es[0].Body, "/p/…") {
		t.Fatalf("outbox keeps the link: %+v", es)
	}
	if out := f.log.String(); strings.Contains(out, tok) {
		t.Errorf("log shows the link: %s", out)
	}
}

// Deliver (the queue's path) makes exactly one HTTP attempt with the given
// request_id: the job queue does the retrying.
func TestGatewayDeliverOneAttempt(t *testing.T) {
	f := newFixture(t)
	d := Delivery{OutboxID: 9, RequestID: "6f1c2a9e-4b7d-4c1e-9a55-0d3c8e2f7b10", Phone: testPhone, Mask: testMask, Content: "您好。", Kind: KindNotice}
	f.gw.FailUnavailable(1, 30)
	_, err := f.s.Deliver(context.Background(), d)
	ge := asGatewayError(t, err)
	if ge.HTTPStatus != 503 || !ge.Temporary || ge.Attempts != 1 || !Temporary(err) || strings.Contains(err.Error(), "共尝试") {
		t.Fatalf("err = %v (%+v)", err, ge)
	}
	if n := len(f.gw.Requests()); n != 1 || len(f.sleeps.got()) != 0 {
		t.Fatalf("%d requests, sleeps %v: Deliver retried by itself", n, f.sleeps.got())
	}
	rc, err := f.s.Deliver(context.Background(), d)
	if err != nil || rc.Provider != ProviderGateway || rc.Status != StatusSent || rc.ID == "" {
		t.Fatalf("rc %+v, err %v", rc, err)
	}
	// A repeat (the answer was lost) gets the first msg_id and sends nothing.
	again, err := f.s.Deliver(context.Background(), d)
	if err != nil || again.ID != rc.ID || len(f.gw.Delivered()) != 1 {
		t.Fatalf("repeat: %+v %v, delivered %d", again, err, len(f.gw.Delivered()))
	}
	// Nothing is written to the outbox here: the worker records the outcome.
	if len(f.ob.all()) != 0 {
		t.Fatalf("outbox written by Deliver: %+v", f.ob.all())
	}
	f.gw.FailCode(1, 30001, "内容含有敏感词")
	if _, err := f.s.Deliver(context.Background(), Delivery{RequestID: "r-2", Phone: testPhone, Content: "x", Kind: KindNotice}); Temporary(err) {
		t.Fatalf("a refusal is temporary: %v", err)
	}
	f.s.APIKey = "wrong"
	if _, err := f.s.Deliver(context.Background(), Delivery{RequestID: "r-3", Phone: testPhone, Content: "x", Kind: KindNotice}); Temporary(err) {
		t.Fatalf("401 is temporary: %v", err)
	}
	f.checkLog(t)
	if _, err := (&GatewaySender{}).Deliver(context.Background(), d); !errors.Is(err, ErrNoGateway) || Temporary(err) {
		t.Fatalf("no gateway: %v", err)
	}
}

func TestTemporary(t *testing.T) {
	for _, tc := range []struct {
		err  error
		want bool
	}{
		{nil, false},
		{&GatewayError{HTTPStatus: 503, Temporary: true}, true},
		{&GatewayError{HTTPStatus: 429, Temporary: true}, true},
		{&GatewayError{Err: context.DeadlineExceeded, Temporary: true}, true},
		{&GatewayError{Stopped: true, Err: context.Canceled}, true},
		{&GatewayError{HTTPStatus: 400}, false},
		{&GatewayError{HTTPStatus: 200, Code: 30001}, false},
		{ErrInvalidPhone, false},
		{errUnreadable, false},
		{errors.New("database is locked"), true},
	} {
		if got := Temporary(tc.err); got != tc.want {
			t.Errorf("Temporary(%v) = %v, want %v", tc.err, got, tc.want)
		}
	}
	for in, want := range map[error]string{
		&GatewayError{HTTPStatus: 400, Message: "号码138****5678无效"}: "短信发送失败：短信网关拒绝请求（HTTP 400）：号码138****5678无效",
		context.Canceled:                       "短信发送失败：发送已中止（请求被取消或超出时限）",
		errors.New("dial 13812345678 refused"): "短信发送失败：dial 138****5678 refused",
		ErrInvalidPhone:                        "短信发送失败：" + ErrInvalidPhone.Error(),
	} {
		if got := errorText(in); got != want {
			t.Errorf("errorText(%v) = %q, want %q", in, got, want)
		}
	}
}
