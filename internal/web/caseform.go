package web

import (
	"github.com/tiaojie/tiaojie/internal/access"
	"net/http"
	"net/url"
	"strconv"
	"strings"
)

// caseForm is a case action the user sent that was refused for what they
// typed: the case page is shown again (422) with their values and the
// message beside the form, instead of a bare error page.
type caseForm struct {
	Action string     // the action's path after /cases/{id}/, e.g. "agreement/oral"
	Values url.Values // what was typed
	Msg    string
	Err    error
}

// Get is what a field shows: the typed value when this form was the one
// refused, else the fallback.
func (f caseForm) Get(action, name, fallback string) string {
	if f.Action == action && f.Values != nil {
		return f.Values.Get(name)
	}
	return fallback
}

// Is reports whether the refused form was this one.
func (f caseForm) Is(action string) bool { return f.Action == action }

// caseInvalid shows the case page again when err is a mistake in what was
// typed; it reports false (nothing written) for any other error.
func (pg *Pages) caseInvalid(w http.ResponseWriter, r *http.Request, id int64, err error) bool {
	status, msg := access.StatusOf(err)
	if status != http.StatusUnprocessableEntity || wantsJSON(r) {
		return false
	}
	action := strings.TrimPrefix(r.URL.Path, "/cases/"+strconv.FormatInt(id, 10)+"/")
	pg.showCase(w, r, id, status, caseForm{Action: action, Values: r.PostForm, Msg: msg, Err: err})
	return true
}
