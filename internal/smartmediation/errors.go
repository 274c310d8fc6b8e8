package smartmediation

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strconv"
	"time"
)

// Error is a failed exchange with the platform. Retryable says whether the
// same request may succeed later (429, 5xx, timeouts, no answer); the
// others need a person: fix the record (400/422), the key or committee code
// (401/403), or decide about a duplicate (409). Message and Fields are
// Chinese and never hold a full phone, ID or card number.
type Error struct {
	Op                 string // what was being done, e.g. "报送案件 310115001-2026-000123"
	Status             int    // HTTP status; 0 when no answer came
	Code               string // the platform's error code, or network, timeout, canceled, bad_response
	Message            string
	Fields             []FieldError
	Retryable          bool
	RetryAfter         time.Duration // the platform's Retry-After, 0 when it gave none
	ExistingPlatformID string        // 409: the platform id of the case it already holds
	Err                error         // the transport failure, when no answer came
}

func (e *Error) Error() string {
	detail := e.Code
	if e.Status != 0 {
		detail = fmt.Sprintf("HTTP %d %s", e.Status, e.Code)
	}
	return fmt.Sprintf("%s：%s（%s）", e.Op, e.Message, detail)
}

func (e *Error) Unwrap() error { return e.Err }

// Retryable reports whether err is worth retrying and after how long at
// least (0: the caller's own backoff). Errors not from the client are not.
func Retryable(err error) (bool, time.Duration) {
	var e *Error
	if errors.As(err, &e) {
		return e.Retryable, e.RetryAfter
	}
	return false, 0
}

// retryableStatus: overload and server trouble pass; the rest is ours to fix.
func retryableStatus(status int) bool {
	return status == http.StatusRequestTimeout || status == http.StatusTooEarly ||
		status == http.StatusTooManyRequests || status >= 500
}

// defaultMessages say what the operator should do when the platform says nothing.
var defaultMessages = map[int]string{
	http.StatusBadRequest:          "智慧调解平台无法识别请求",
	http.StatusUnauthorized:        "智慧调解平台拒绝了接入密钥，请核对密钥",
	http.StatusForbidden:           "智慧调解平台不允许以该调委会编码报送，请核对调委会编码和授权",
	http.StatusConflict:            "智慧调解平台已有同一纠纷的案件",
	http.StatusUnprocessableEntity: "智慧调解平台认为数据不合格",
	http.StatusTooManyRequests:     "智慧调解平台请求过于频繁，稍后重试",
}

// errorBody is the platform's error answer (FORMAT.md "错误").
type errorBody struct {
	Code               string       `json:"code"`
	Message            string       `json:"message"`
	Fields             []FieldError `json:"fields"`
	ExistingPlatformID string       `json:"existing_platform_id"`
}

// httpError classifies a non-2xx answer.
func httpError(op string, resp *http.Response, body []byte, now time.Time) *Error {
	var eb errorBody
	_ = json.Unmarshal(body, &eb) // a body that is not ours still has a status
	e := &Error{Op: op, Status: resp.StatusCode, Code: eb.Code, Message: Scrub(eb.Message),
		Retryable: retryableStatus(resp.StatusCode), ExistingPlatformID: eb.ExistingPlatformID,
		RetryAfter: retryAfter(resp.Header.Get("Retry-After"), now)}
	for _, f := range eb.Fields {
		e.Fields = append(e.Fields, FieldError{Field: f.Field, Message: Scrub(f.Message)})
	}
	if e.Code == "" {
		e.Code = "http_" + strconv.Itoa(resp.StatusCode)
	}
	if e.Message == "" {
		e.Message = defaultMessages[resp.StatusCode]
		if e.Message == "" {
			e.Message = "智慧调解平台返回错误：" + http.StatusText(resp.StatusCode)
		}
	}
	return e
}

// retryAfter reads seconds or an HTTP date; anything else is 0.
func retryAfter(v string, now time.Time) time.Duration {
	if v == "" {
		return 0
	}
	if s, err := strconv.Atoi(v); err == nil && s > 0 {
		return time.Duration(s) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil && t.After(now) {
		return t.Sub(now)
	}
	return 0
}

// transportError classifies a request that got no answer; all are retryable.
func transportError(op string, err error) *Error {
	e := &Error{Op: op, Code: "network", Message: "无法连接智慧调解平台", Retryable: true, Err: err}
	var ne net.Error
	switch {
	case errors.Is(err, context.Canceled):
		e.Code, e.Message = "canceled", "报送被取消"
	case errors.Is(err, context.DeadlineExceeded) || errors.As(err, &ne) && ne.Timeout():
		e.Code, e.Message = "timeout", "智慧调解平台响应超时"
	}
	return e
}
