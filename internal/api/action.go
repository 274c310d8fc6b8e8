package api

import (
	"net/http"
	"strconv"

	"github.com/tiaojie/tiaojie/internal/auth"
)

// NoBody marks an action that takes no request body.
type NoBody struct{}

// caseAction is the shape of every case action: read the case id, decode the
// body strictly (an empty body is allowed when every field is optional), call
// the capability service, and answer the case as it now stands.
func caseAction[T any](a *API, optional bool, run func(r *http.Request, p *auth.Principal, id int64, in T) error) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		id, ok := pathID(w, r)
		if !ok {
			return
		}
		var in T
		if _, none := any(in).(NoBody); none {
			if !noBody(w, r) {
				return
			}
		} else if optional && !decodeOptional(w, r, &in) || !optional && !decode(w, r, &in) {
			return
		}
		if err := run(r, auth.From(r.Context()), id, in); err != nil {
			failErr(w, a.Log, r, err)
			return
		}
		a.respondCase(w, r, id)
	}
}

// respondCase answers the case with its clocks as the caller now sees it.
func (a *API) respondCase(w http.ResponseWriter, r *http.Request, id int64) {
	d, err := a.Intake.Detail(r.Context(), auth.From(r.Context()), id)
	if err != nil {
		failErr(w, a.Log, r, err)
		return
	}
	out, err := a.oneCaseJSON(r.Context(), d.Case, d.Deadlines)
	if err != nil {
		failErr(w, a.Log, r, err)
		return
	}
	writeJSON(w, http.StatusOK, out)
}

// noBody refuses a body on an action that takes none, rather than ignoring it.
func noBody(w http.ResponseWriter, r *http.Request) bool {
	if r.ContentLength == 0 {
		return true
	}
	var v struct{}
	return decode(w, r, &v)
}

// subID reads a second numeric path segment (a session, flag, group member…).
func subID(w http.ResponseWriter, r *http.Request, name, what string) (int64, bool) {
	id, err := strconv.ParseInt(r.PathValue(name), 10, 64)
	if err != nil || id <= 0 {
		Fail(w, http.StatusNotFound, what+"不存在或无权查看")
		return 0, false
	}
	return id, true
}

// missing answers a required field the body left out: the case's scope is
// checked first, so a case outside it is 404 whatever the body says.
func (a *API) missing(r *http.Request, p *auth.Principal, id int64, field, msg string) error {
	if _, _, err := a.Intake.Get(r.Context(), p, id); err != nil {
		return err
	}
	return fieldErr(field, msg)
}
