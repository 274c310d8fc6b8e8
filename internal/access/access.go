// Package access holds what every capability shares at its edge: loading a
// case for an actor within their org scope (Authorize), and the errors a
// capability answers with — not found, forbidden, stale, invalid — that the
// pages and the API each turn into a status and a Chinese message in one
// place (StatusOf).
package access

import (
	"context"
	"errors"
	"net/http"
	"strings"

	"github.com/tiaojie/tiaojie/internal/auth"
	"github.com/tiaojie/tiaojie/internal/domain"
	"github.com/tiaojie/tiaojie/internal/store"
)

// Kind is the class of a refusal; each maps to one HTTP status.
type Kind int

const (
	KindInvalid   Kind = iota + 1 // 422: what was asked cannot be done as given
	KindNotFound                  // 404: unknown, or outside the actor's scope (never tell which)
	KindForbidden                 // 403: known and visible, but not the actor's to do
	KindConflict                  // 409: the state does not allow it (now)
	KindTooMany                   // 429: too many attempts
)

var statuses = map[Kind]int{KindInvalid: http.StatusUnprocessableEntity, KindNotFound: http.StatusNotFound,
	KindForbidden: http.StatusForbidden, KindConflict: http.StatusConflict, KindTooMany: http.StatusTooManyRequests}

// Error is a refusal with its class and the Chinese message the person reads.
type Error struct {
	Kind    Kind
	Message string
}

func (e *Error) Error() string { return e.Message }

// NotFound, Forbidden, Conflict and TooMany make refusals; declare them as
// package variables so callers can test for them with errors.Is.
func NotFound(msg string) error  { return &Error{KindNotFound, msg} }
func Forbidden(msg string) error { return &Error{KindForbidden, msg} }
func Conflict(msg string) error  { return &Error{KindConflict, msg} }
func TooMany(msg string) error   { return &Error{KindTooMany, msg} }

// The refusals every capability uses.
var (
	// ErrNotFound: unknown case, or one the actor cannot see.
	ErrNotFound = NotFound("案件不存在或无权查看")
	// ErrForbidden: the actor may not do this here.
	ErrForbidden = Forbidden("无权进行此操作")
	// ErrStale: somebody else changed the case first.
	ErrStale = Conflict("案件已被他人更新，请刷新后重试")
)

// Classed is an error of a capability's own type that declares its class
// (e.g. a duplicate complaint is a conflict).
type Classed interface {
	error
	Kind() Kind
}

// ValidationError lists every field that is wrong, in Chinese.
type ValidationError struct{ Fields []*domain.FieldError }

func (e *ValidationError) Error() string {
	var msgs []string
	for _, f := range e.Fields {
		msgs = append(msgs, f.Message)
	}
	return strings.Join(msgs, "；")
}

// Field returns the message for one field, or "".
func (e *ValidationError) Field(name string) string {
	for _, f := range e.Fields {
		if f.Field == name {
			return f.Message
		}
	}
	return ""
}

// Unexpected is the message for anything that is not a refusal: the cause
// goes to the log, never to the person.
const Unexpected = "系统暂时无法完成操作，请稍后再试"

// StatusOf maps an error to the HTTP status and the Chinese message pages
// and the API answer with; anything not a refusal is 500 with a generic
// message (and must be logged by the caller).
func StatusOf(err error) (int, string) {
	var ve *ValidationError
	var fe *domain.FieldError
	var te *domain.TransitionError
	var ae *Error
	var ce Classed
	switch {
	case err == nil:
		return http.StatusOK, ""
	case errors.As(err, &ve):
		return http.StatusUnprocessableEntity, ve.Error()
	case errors.As(err, &fe):
		return http.StatusUnprocessableEntity, fe.Message
	case errors.As(err, &te):
		return http.StatusConflict, te.Message
	case errors.As(err, &ae):
		return statuses[ae.Kind], ae.Message
	case errors.As(err, &ce):
		return statuses[ce.Kind()], ce.Error()
	case errors.Is(err, store.ErrStale):
		return http.StatusConflict, ErrStale.Error()
	}
	return http.StatusInternalServerError, Unexpected
}

// Fields are the per-field messages of a refusal, for forms and API bodies.
func Fields(err error) map[string]string {
	var ve *ValidationError
	var fe *domain.FieldError
	switch {
	case errors.As(err, &ve):
		m := map[string]string{}
		for _, f := range ve.Fields {
			m[f.Field] = f.Message
		}
		return m
	case errors.As(err, &fe):
		return map[string]string{fe.Field: fe.Message}
	}
	return nil
}

// CaseGetter is the part of the store Authorize needs.
type CaseGetter interface {
	GetCase(ctx context.Context, id int64) (store.Case, error)
}

// Authorize loads a case for an action: a case outside the actor's reading
// scope is ErrNotFound (never revealing it exists); with decide, the actor
// must also hold case.decide over it (ErrForbidden).
func Authorize(ctx context.Context, st CaseGetter, p *auth.Principal, id int64, decide bool) (store.Case, error) {
	c, err := st.GetCase(ctx, id)
	if errors.Is(err, store.ErrNotFound) || (err == nil && !p.CanOnCase(domain.PermCaseRead, c)) {
		return store.Case{}, ErrNotFound
	}
	if err != nil {
		return store.Case{}, err
	}
	if decide && !p.CanOnCase(domain.PermCaseDecide, c) {
		return store.Case{}, ErrForbidden
	}
	return c, nil
}
