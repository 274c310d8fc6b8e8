package api

import (
	"errors"
	"net/http"

	"github.com/tiaojie/tiaojie/internal/access"
	"github.com/tiaojie/tiaojie/internal/auth"
)

// SecurityPolicy is the sign-in policy (every field is required on PUT).
type SecurityPolicy = auth.Policy

// GetSecurityPolicy answers the sign-in policy in force.
func (a *API) GetSecurityPolicy(w http.ResponseWriter, r *http.Request) {
	pol, err := a.Auth.Policy(r.Context())
	if err != nil {
		failErr(w, a.Log, r, err)
		return
	}
	writeJSON(w, http.StatusOK, pol)
}

// PutSecurityPolicy stores a new version; an out-of-range value is a 422
// listing every bad field, and nothing is written.
func (a *API) PutSecurityPolicy(w http.ResponseWriter, r *http.Request) {
	var pol SecurityPolicy
	if !decode(w, r, &pol) {
		return
	}
	err := a.Auth.PutPolicy(r.Context(), auth.From(r.Context()), pol)
	var ip *auth.InvalidPolicy
	switch {
	case errors.As(err, &ip):
		failErr(w, a.Log, r, &access.ValidationError{Fields: ip.Fields})
		return
	case errors.Is(err, auth.ErrNotPermitted):
		Fail(w, http.StatusForbidden, err.Error())
		return
	case err != nil:
		failErr(w, a.Log, r, err)
		return
	}
	a.GetSecurityPolicy(w, r)
}
