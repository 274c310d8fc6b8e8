package notify

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Gateway defaults.
const (
	DefaultMaxAttempts = 3
	DefaultTimeout     = 10 * time.Second

	// SendPath is appended to GatewaySender.BaseURL.
	SendPath = "/v1/sms/send"

	backoffBase   = 500 * time.Millisecond // wait before the 2nd attempt; doubles after
	backoffMax    = 10 * time.Second
	retryAfterMax = 60 * time.Second // a longer Retry-After is cut to this
	maxRespBytes  = 64 << 10
	maxMsgRunes   = 200 // gateway messages are cut to this before they reach errors and logs
)

// GatewaySender is an HTTP client for an SMS gateway. The wire format (also
// in GATEWAY.md, and implemented by the peer server in package gatewaytest):
//
//	POST {BaseURL}/v1/sms/send
//	Authorization: Bearer {APIKey}
//	Content-Type: application/json
//
//	{"request_id": "6f1c2a9e-…", "phone": "13812345678", "sign": "浦东消调委",
//	 "content": "您的验证码为123456，5分钟内有效。如非本人操作请忽略。", "biz_type": "verify_code"}
//
//	request_id  idempotency key, a random UUID (version 4) made per message
//	            and reused across retries; the gateway delivers a request_id
//	            once and answers a repeat with the first msg_id
//	phone       mainland mobile, 11 digits
//	sign        signature without brackets; the gateway shows it as 【sign】
//	            in front of content
//	content     message text without the signature, at most 500 characters
//	biz_type    message kind (verify_code, consent_request, consent_reminder,
//	            notice, …)
//
// Responses:
//
//	200 {"code": 0, "message": "ok", "msg_id": "…"}  accepted
//	200 {"code": N, "message": "…"}  (N ≠ 0)        refused: an error carrying
//	                                                 the gateway's message, no retry
//	429 or 5xx (optional Retry-After: seconds)      retried
//	other 4xx {"code": N, "message": "…"}           an error, no retry (401: wrong key)
//
// The platform calls Deliver (one attempt per job attempt; the job queue
// retries, see Deliver). Send is the stand-alone path:
//
// Retries: at most MaxAttempts attempts (default 3) in all. Between attempts
// the sender waits Retry-After seconds when the gateway sent that header (cut
// to 60 s), otherwise 0.5 s, then 1 s, doubling up to 10 s. Network errors and
// per-attempt timeouts are retried the same way. Each attempt has its own
// Timeout (default 10 s); cancelling ctx stops the attempt in flight and any
// further retries. The same request_id is sent on every attempt, so a
// response lost on the way back does not produce a second SMS.
//
// When Outbox is set every message is also recorded there, as sent or
// failed, with the phone masked and hashed. Logs show only the masked phone.
type GatewaySender struct {
	BaseURL   string // e.g. "https://sms.example.com"; SendPath is appended
	APIKey    string
	Signature string       // e.g. "浦东消调委"
	Client    *http.Client // nil: http.DefaultClient
	Log       *slog.Logger // nil: slog.Default()
	Outbox    Outbox       // optional: also record what was sent or failed
	Hash      func(string) string
	// MaxAttempts bounds the attempts per message, the first included
	// (0: DefaultMaxAttempts).
	MaxAttempts int
	// Timeout bounds each attempt (0: DefaultTimeout).
	Timeout time.Duration
	// Sleep waits between attempts; a test hook. nil: a timer that also
	// stops when ctx is done. ctx is checked after Sleep returns.
	Sleep func(time.Duration)
}

var _ Sender = (*GatewaySender)(nil)

// GatewayError is a failed send through the gateway. Its message is Chinese
// and never contains a full phone number.
type GatewayError struct {
	HTTPStatus int    // last HTTP status; 0 when no response arrived
	Code       int    // gateway's code from the response body, 0 if none
	Message    string // gateway's message (phone numbers masked), "" if none
	Attempts   int    // attempts made
	Temporary  bool   // the last failure was of a retryable kind
	Stopped    bool   // ctx was done, so no (further) attempt was made; Err is ctx.Err()
	Err        error  // underlying transport or context error, if any
}

func (e *GatewayError) Error() string {
	var b strings.Builder
	b.WriteString("短信发送失败：")
	switch {
	case e.Stopped:
		b.WriteString("发送已中止（请求被取消或超出时限）")
		if e.HTTPStatus != 0 {
			fmt.Fprintf(&b, "，此前短信网关返回 HTTP %d", e.HTTPStatus)
		}
	case e.HTTPStatus == http.StatusOK && e.Code != 0:
		fmt.Fprintf(&b, "短信网关拒绝发送（错误码%d）", e.Code)
	case e.HTTPStatus == http.StatusOK:
		b.WriteString("短信网关的响应无法识别")
	case e.HTTPStatus == http.StatusUnauthorized || e.HTTPStatus == http.StatusForbidden:
		fmt.Fprintf(&b, "短信网关鉴权失败（HTTP %d），请检查接口密钥", e.HTTPStatus)
	case e.HTTPStatus == http.StatusTooManyRequests:
		b.WriteString("短信网关限流（HTTP 429）")
	case e.HTTPStatus >= 500:
		fmt.Fprintf(&b, "短信网关暂时不可用（HTTP %d）", e.HTTPStatus)
	case e.HTTPStatus != 0:
		fmt.Fprintf(&b, "短信网关拒绝请求（HTTP %d）", e.HTTPStatus)
	case errors.Is(e.Err, context.DeadlineExceeded):
		b.WriteString("短信网关响应超时")
	default:
		b.WriteString("无法连接短信网关")
	}
	if e.Message != "" {
		b.WriteString("：")
		b.WriteString(e.Message)
	}
	if e.Attempts > 1 {
		fmt.Fprintf(&b, "（共尝试%d次）", e.Attempts)
	}
	return b.String()
}

func (e *GatewayError) Unwrap() error { return e.Err }

// gatewayRequest and gatewayResponse are the JSON bodies.
type gatewayRequest struct {
	RequestID string `json:"request_id"`
	Phone     string `json:"phone"`
	Sign      string `json:"sign"`
	Content   string `json:"content"`
	BizType   string `json:"biz_type"`
}

type gatewayResponse struct {
	Code    int    `json:"code"`
	Message string `json:"message"`
	MsgID   string `json:"msg_id"`
}

// Send sends m through the gateway at once, retrying as documented on
// GatewaySender. The platform does not call it: its messages go through the
// job queue (Queue, Worker), which calls Deliver.
func (s *GatewaySender) Send(ctx context.Context, m Message) (Receipt, error) {
	log := s.logger()
	p, err := prepare(m, s.Signature, s.Hash)
	if err == nil && strings.TrimSpace(s.BaseURL) == "" {
		err = ErrNoGateway
	}
	if err != nil {
		log.Warn("sms refused", "to", p.mask, "kind", p.kind, "case_id", m.CaseID, "err", err)
		s.record(ctx, log, p, m.CaseID, err)
		return Receipt{}, err
	}
	req := gatewayRequest{RequestID: newRequestID(), Phone: p.phone, Sign: strings.TrimSpace(s.Signature),
		Content: p.content, BizType: p.kind}
	body, err := json.Marshal(req)
	if err != nil {
		return Receipt{}, fmt.Errorf("短信请求编码失败：%w", err)
	}
	attrs := []any{"to", p.mask, "kind", p.kind, "case_id", m.CaseID, "request_id", req.RequestID}

	maxAttempts := s.MaxAttempts
	if maxAttempts < 1 {
		maxAttempts = DefaultMaxAttempts
	}
	var gerr *GatewayError
	for attempt := 1; ; attempt++ {
		if cerr := ctx.Err(); cerr != nil {
			if gerr == nil {
				gerr = &GatewayError{}
			}
			gerr.Stopped, gerr.Err = true, cerr
			break
		}
		resp, retryAfter, aerr := s.attempt(ctx, body)
		if aerr == nil {
			rc := Receipt{ID: resp.MsgID, Provider: ProviderGateway, Status: StatusSent, At: time.Now()}
			if rc.ID == "" {
				rc.ID = req.RequestID
			}
			log.Info("sms sent", append(attrs, "msg_id", rc.ID, "attempts", attempt)...)
			s.record(ctx, log, p, m.CaseID, nil)
			return rc, nil
		}
		aerr.Attempts = attempt
		gerr = aerr
		if aerr.HTTPStatus == 0 && ctx.Err() != nil {
			// The caller gave up while the attempt was in flight.
			gerr.Stopped, gerr.Err = true, ctx.Err()
			break
		}
		if !aerr.Temporary || attempt >= maxAttempts {
			break
		}
		wait := retryAfter
		if wait < 0 {
			wait = backoff(attempt)
		}
		log.Warn("sms gateway retry", append(attrs, "attempt", attempt, "status", aerr.HTTPStatus, "wait", wait, "err", aerr)...)
		s.sleep(ctx, wait)
	}
	log.Warn("sms failed", append(attrs, "attempts", gerr.Attempts, "status", gerr.HTTPStatus, "err", gerr)...)
	s.record(ctx, log, p, m.CaseID, gerr)
	return Receipt{}, gerr
}

var _ Deliverer = (*GatewaySender)(nil)

// Deliver makes ONE HTTP attempt to send d, with d.RequestID as the
// idempotency key; the Worker calls it once per job attempt.
//
// Why one: retrying belongs to the job queue. River retries the job with
// its backoff, the state survives a restart and shows in the outbox as
// 重试中, and the worker slot is free while waiting. Send's loop on top of
// that would multiply the requests (MaxAttempts × the job's attempts), hold a
// worker through its sleeps and be forgotten in a crash anyway. For the same
// reason a Retry-After from the gateway is not waited for here: the job's
// backoff (1 s, 16 s, 81 s, …) soon exceeds what gateways ask.
func (s *GatewaySender) Deliver(ctx context.Context, d Delivery) (Receipt, error) {
	log := s.logger()
	attrs := []any{"to", d.Mask, "kind", d.Kind, "case_id", d.CaseID, "outbox_id", d.OutboxID, "request_id", d.RequestID}
	if strings.TrimSpace(s.BaseURL) == "" {
		return Receipt{}, ErrNoGateway
	}
	body, err := json.Marshal(gatewayRequest{RequestID: d.RequestID, Phone: d.Phone, Sign: strings.TrimSpace(s.Signature),
		Content: d.Content, BizType: d.Kind})
	if err != nil {
		return Receipt{}, fmt.Errorf("短信请求编码失败：%w", err)
	}
	resp, _, gerr := s.attempt(ctx, body)
	if gerr != nil {
		gerr.Attempts = 1
		if gerr.HTTPStatus == 0 && ctx.Err() != nil {
			gerr.Stopped, gerr.Err = true, ctx.Err()
		}
		log.Warn("sms gateway attempt failed", append(attrs, "status", gerr.HTTPStatus, "temporary", gerr.Temporary, "err", gerr)...)
		return Receipt{}, gerr
	}
	rc := Receipt{ID: resp.MsgID, Provider: ProviderGateway, Status: StatusSent, At: time.Now()}
	if rc.ID == "" {
		rc.ID = d.RequestID
	}
	log.Info("sms accepted by gateway", append(attrs, "msg_id", rc.ID)...)
	return rc, nil
}

// attempt makes one HTTP request. retryAfter is the gateway's Retry-After
// (cut to retryAfterMax), or -1 when it sent none.
func (s *GatewaySender) attempt(ctx context.Context, body []byte) (gatewayResponse, time.Duration, *GatewayError) {
	timeout := s.Timeout
	if timeout <= 0 {
		timeout = DefaultTimeout
	}
	actx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	var out gatewayResponse
	url := strings.TrimRight(strings.TrimSpace(s.BaseURL), "/") + SendPath
	hreq, err := http.NewRequestWithContext(actx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return out, -1, &GatewayError{Err: err}
	}
	hreq.Header.Set("Authorization", "Bearer "+s.APIKey)
	hreq.Header.Set("Content-Type", "application/json")
	hreq.Header.Set("Accept", "application/json")
	client := s.Client
	if client == nil {
		client = http.DefaultClient
	}
	hresp, err := client.Do(hreq)
	if err != nil {
		if errors.Is(err, context.DeadlineExceeded) && ctx.Err() == nil {
			err = context.DeadlineExceeded // the attempt's own timeout; drop the URL noise
		}
		return out, -1, &GatewayError{Temporary: true, Err: err}
	}
	defer hresp.Body.Close()
	raw, rerr := io.ReadAll(io.LimitReader(hresp.Body, maxRespBytes))
	status := hresp.StatusCode
	retryAfter := parseRetryAfter(hresp.Header.Get("Retry-After"), time.Now())
	jerr := json.Unmarshal(raw, &out)
	ge := &GatewayError{HTTPStatus: status, Code: out.Code, Message: cleanMessage(out.Message)}
	switch {
	case status == http.StatusTooManyRequests || status >= 500:
		ge.Temporary = true
		return out, retryAfter, ge
	case status != http.StatusOK:
		return out, -1, ge
	case rerr != nil || jerr != nil:
		// A garbled 200 is retried: the request_id keeps it from being
		// delivered twice.
		ge.Temporary, ge.Code, ge.Message = true, 0, ""
		if rerr != nil {
			ge.Err = rerr
		} else {
			ge.Err = jerr
		}
		return out, -1, ge
	case out.Code != 0:
		return out, -1, ge
	}
	return out, -1, nil
}

// record writes the outcome to the outbox, if there is one. A failed write is
// logged, not returned: the SMS has already gone (or failed) either way, and
// reporting a sent message as failed would invite a second send.
func (s *GatewaySender) record(ctx context.Context, log *slog.Logger, p prepared, caseID int64, sendErr error) {
	if s.Outbox == nil {
		return
	}
	// The SMS has gone to the party; the record staff can read keeps no usable link or code.
	e := OutboxEntry{ToMask: p.mask, ToHash: p.hash, Body: Shown(p.full), Kind: p.kind, CaseID: caseID,
		Provider: ProviderGateway, Status: StatusSent, At: time.Now()}
	if sendErr != nil {
		e.Status, e.Error = StatusFailed, sendErr.Error()
	}
	// Record even when ctx was cancelled: the outcome must not be lost.
	if _, err := s.Outbox.AddOutbox(context.WithoutCancel(ctx), e); err != nil {
		log.Error("sms outbox write failed", "to", p.mask, "kind", p.kind, "case_id", caseID, "status", e.Status, "err", err)
	}
}

func (s *GatewaySender) logger() *slog.Logger {
	if s.Log != nil {
		return s.Log
	}
	return slog.Default()
}

// sleep waits d, or until ctx is done.
func (s *GatewaySender) sleep(ctx context.Context, d time.Duration) {
	if s.Sleep != nil {
		s.Sleep(d)
		return
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
	case <-ctx.Done():
	}
}

// backoff is the wait after failed attempt n (1-based) when the gateway gave
// no Retry-After: 0.5 s, 1 s, 2 s, … up to backoffMax.
func backoff(n int) time.Duration {
	d := backoffBase
	for i := 1; i < n && d < backoffMax; i++ {
		d *= 2
	}
	return min(d, backoffMax)
}

// parseRetryAfter reads a Retry-After header given in seconds or as an HTTP
// date. It returns -1 when the header is absent or unreadable, and cuts long
// waits to retryAfterMax.
func parseRetryAfter(v string, now time.Time) time.Duration {
	v = strings.TrimSpace(v)
	if v == "" {
		return -1
	}
	var d time.Duration
	if secs, err := strconv.Atoi(v); err == nil {
		if secs < 0 {
			return -1
		}
		d = time.Duration(min(secs, int(retryAfterMax/time.Second))) * time.Second
	} else if t, err := http.ParseTime(v); err == nil {
		d = max(t.Sub(now), 0)
	} else {
		return -1
	}
	return min(d, retryAfterMax)
}

// cleanMessage makes a gateway message safe for errors and logs: phone
// numbers masked, control characters dropped, length bounded.
func cleanMessage(s string) string {
	s = strings.Map(func(r rune) rune {
		if r < ' ' || r == 0x7f {
			return ' '
		}
		return r
	}, s)
	s = strings.TrimSpace(maskPhones(s))
	if rs := []rune(s); len(rs) > maxMsgRunes {
		s = string(rs[:maxMsgRunes]) + "…"
	}
	return s
}

// newRequestID returns a random version 4 UUID, the idempotency key of one
// message.
func newRequestID() string {
	var b [16]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never returns an error
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	h := hex.EncodeToString(b[:])
	return h[:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
}
