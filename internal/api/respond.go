// Package api serves the JSON API v1 and its OpenAPI document.
package api

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"github.com/tiaojie/tiaojie/internal/access"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"unicode/utf8"

	"github.com/tiaojie/tiaojie/internal/domain"
)

// Error is every error body: a machine-readable code, a Chinese message,
// and per-field messages for invalid input.
type Error struct {
	Code   string            `json:"code" doc:"bad_request、unauthorized、forbidden、not_found、conflict、invalid、too_many_requests、internal 等，随 HTTP 状态"`
	Error  string            `json:"error"`
	Fields map[string]string `json:"fields,omitempty"`
}

// errorCodes name the statuses an error body can carry.
var errorCodes = map[int]string{
	http.StatusBadRequest: "bad_request", http.StatusUnauthorized: "unauthorized", http.StatusForbidden: "forbidden",
	http.StatusNotFound: "not_found", http.StatusMethodNotAllowed: "method_not_allowed", http.StatusConflict: "conflict",
	http.StatusRequestEntityTooLarge: "too_large", http.StatusUnsupportedMediaType: "unsupported_media_type",
	http.StatusUnprocessableEntity: "invalid", http.StatusTooManyRequests: "too_many_requests",
	http.StatusInternalServerError: "internal", http.StatusServiceUnavailable: "unavailable",
}

// ErrorCode is the code of an error body with the given status.
func ErrorCode(status int) string {
	if c, ok := errorCodes[status]; ok {
		return c
	}
	return "error"
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	if e, ok := v.(Error); ok && e.Code == "" {
		e.Code = ErrorCode(status)
		v = e
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.Encode(v)
}

// Fail writes an error body.
func Fail(w http.ResponseWriter, status int, msg string) {
	writeJSON(w, status, Error{Error: msg})
}

// failErr maps a service error; unknown errors are logged and hidden.
func failErr(w http.ResponseWriter, log *slog.Logger, r *http.Request, err error) {
	status, msg := access.StatusOf(err)
	body := Error{Error: msg, Fields: access.Fields(err)}
	if status == http.StatusInternalServerError {
		log.Error("api request failed", "path", domain.RedactLinks(r.URL.Path), "err", err)
	}
	writeJSON(w, status, body)
}

// decodeOptional is decode for actions whose every field is optional: an
// empty body means all defaults, anything else is read strictly.
func decodeOptional(w http.ResponseWriter, r *http.Request, dst any) bool {
	if r.ContentLength == 0 {
		return true
	}
	return decode(w, r, dst)
}

// decode reads a JSON body strictly: one object, known fields, right types.
// The body size is already limited by the server.
func decode(w http.ResponseWriter, r *http.Request, dst any) bool {
	if ct := r.Header.Get("Content-Type"); ct != "" && !strings.HasPrefix(ct, "application/json") {
		Fail(w, http.StatusUnsupportedMediaType, "请求体须为 JSON（Content-Type: application/json）")
		return false
	}
	body, err := io.ReadAll(r.Body)
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) {
		Fail(w, http.StatusRequestEntityTooLarge, fmt.Sprintf("请求体过大（上限 %d 字节）", tooBig.Limit))
		return false
	}
	// PostgreSQL cannot store NUL in text; refuse it here for both engines alike.
	if bytes.Contains(bytes.ToLower(body), []byte(`\u0000`)) {
		Fail(w, http.StatusBadRequest, "请求内容含有无法识别的字符（\\u0000）")
		return false
	}
	// encoding/json would replace invalid UTF-8 with U+FFFD silently: refuse it.
	if !utf8.Valid(body) {
		Fail(w, http.StatusBadRequest, "请求内容含有无法识别的字符（不是有效的 UTF-8 编码）")
		return false
	}
	if fe := checkJSONText(body); fe != nil {
		writeJSON(w, http.StatusUnprocessableEntity, Error{Error: fe.Message, Fields: map[string]string{fe.Field: fe.Message}})
		return false
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	err = dec.Decode(dst)
	if err == nil && dec.More() {
		err = errors.New("trailing data")
	}
	if err == nil {
		if _, e := dec.Token(); e != io.EOF {
			err = errors.New("trailing data")
		}
	}
	if err == nil {
		return true
	}
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	msg := "请求体不是有效的 JSON"
	status := http.StatusBadRequest
	switch {
	case errors.As(err, &tooBig):
		msg, status = fmt.Sprintf("请求体过大（上限 %d 字节）", tooBig.Limit), http.StatusRequestEntityTooLarge
	case errors.As(err, &syn):
		msg = fmt.Sprintf("JSON 格式错误（第 %d 字节附近）", syn.Offset)
	case errors.As(err, &typ) && strings.HasPrefix(typ.Value, "number") && strings.HasPrefix(typ.Type.Kind().String(), "int"):
		msg = fmt.Sprintf("字段 %s 应为整数", typ.Field)
		if strings.HasSuffix(typ.Field, "_fen") {
			msg = fmt.Sprintf("字段 %s 应为整数（金额以“分”为单位，不能有小数）", typ.Field)
		}
	case errors.As(err, &typ):
		msg = fmt.Sprintf("字段 %s 的类型错误，应为 %s", typ.Field, jsonKind(typ.Type.Kind().String()))
	case errors.Is(err, io.EOF):
		msg = "请求体为空"
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		msg = "未知字段 " + strings.TrimPrefix(err.Error(), "json: unknown field ")
	case strings.Contains(err.Error(), "parsing time"):
		msg = "时间格式应为 RFC 3339，例如 2026-03-02T09:30:00+08:00"
	}
	Fail(w, status, msg)
	return false
}

func jsonKind(k string) string {
	switch k {
	case "string":
		return "字符串"
	case "int", "int64", "int32", "uint", "uint64", "float64":
		return "数字"
	case "bool":
		return "布尔值"
	case "struct", "map":
		return "对象"
	case "slice":
		return "数组"
	}
	return k
}

// fieldErr is a single-field refusal answered as 422.
func fieldErr(field, msg string) error { return &domain.FieldError{Field: field, Message: msg} }
