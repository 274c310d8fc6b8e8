package web

import (
	"net/http"
	"net/url"
	"slices"

	"github.com/tiaojie/tiaojie/internal/domain"
)

// CheckValues applies domain.CheckText to every value (and key) of a form or
// query: invalid UTF-8, U+FFFD, control characters other than newline and
// tab, bidi controls and non-characters are refused in every field, named in
// the message. It is applied centrally (the server's middleware for forms
// and queries, formFile for multipart forms), so a new field is covered
// without a line of its own. Single-line fields are further checked with
// domain.CheckLine where they are validated.
func CheckValues(v url.Values) *domain.FieldError {
	keys := make([]string, 0, len(v))
	for k := range v {
		keys = append(keys, k)
	}
	slices.Sort(keys) // the same field is named for the same request
	for _, k := range keys {
		if fe := domain.CheckLine("", k); fe != nil {
			return &domain.FieldError{Field: "form", Message: fe.Message}
		}
		for _, x := range v[k] {
			if fe := domain.CheckText(k, x); fe != nil {
				return fe
			}
		}
	}
	return nil
}

// multipartText is CheckValues on a parsed multipart form's fields.
func multipartText(r *http.Request) *domain.FieldError {
	if r.MultipartForm == nil {
		return nil
	}
	return CheckValues(r.MultipartForm.Value)
}
