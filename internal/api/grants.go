package api

import (
	"net/http"
	"strconv"
	"time"

	"github.com/tiaojie/tiaojie/internal/administration"
	"github.com/tiaojie/tiaojie/internal/auth"
	"github.com/tiaojie/tiaojie/internal/domain"
)

// GrantJSON is one request to grant a role (三员分立).
type GrantJSON struct {
	ID          int64      `json:"id"`
	UserID      int64      `json:"user_id"`
	Username    string     `json:"username"`
	Role        string     `json:"role"`
	OrgID       int64      `json:"org_id"`
	OrgName     string     `json:"org_name"`
	Reason      string     `json:"reason"`
	State       string     `json:"state" doc:"pending 待审批、approved 已批准、rejected 已驳回"`
	RequestedBy int64      `json:"requested_by"`
	RequestedAt time.Time  `json:"requested_at"`
	DecidedBy   int64      `json:"decided_by,omitempty"`
	DecidedAt   *time.Time `json:"decided_at,omitempty"`
	Note        string     `json:"note,omitempty"`
}

// GrantRequestBody asks for a role binding for a user.
type GrantRequestBody struct {
	UserID int64  `json:"user_id" api:"required"`
	Role   string `json:"role" api:"required"`
	OrgID  int64  `json:"org_id" api:"required"`
	Reason string `json:"reason" api:"required"`
}

// GrantDecisionBody approves or rejects a pending request.
type GrantDecisionBody struct {
	Approve bool   `json:"approve"`
	Note    string `json:"note"`
}

// GrantList is the requests the caller may decide and those they made.
type GrantList struct {
	Pending []GrantJSON `json:"pending"`
	Decided []GrantJSON `json:"decided"`
}

func grantJSON(g administration.GrantRequest) GrantJSON {
	return GrantJSON{ID: g.ID, UserID: g.UserID, Username: g.Username, Role: string(g.Role), OrgID: g.OrgID, OrgName: g.OrgName, Reason: g.Reason,
		State: g.State, RequestedBy: g.RequestedBy, RequestedAt: g.RequestedAt, DecidedBy: g.DecidedBy, DecidedAt: g.DecidedAt, Note: g.Note}
}

// ListGrants lists the grant requests the caller may decide or made.
func (a *API) ListGrants(w http.ResponseWriter, r *http.Request) {
	v, err := a.Administration.Grants(r.Context(), auth.From(r.Context()))
	if err != nil {
		failErr(w, a.Log, r, err)
		return
	}
	out := GrantList{Pending: []GrantJSON{}, Decided: []GrantJSON{}}
	for _, g := range v.Pending {
		out.Pending = append(out.Pending, grantJSON(g))
	}
	for _, g := range v.Decided {
		out.Decided = append(out.Decided, grantJSON(g))
	}
	writeJSON(w, http.StatusOK, out)
}

// RequestGrant records a pending request; the binding exists once someone
// else approves it.
func (a *API) RequestGrant(w http.ResponseWriter, r *http.Request) {
	var req GrantRequestBody
	if !decode(w, r, &req) {
		return
	}
	g, err := a.Administration.RequestGrant(r.Context(), auth.From(r.Context()),
		administration.GrantForm{UserID: req.UserID, Role: domain.Role(req.Role), OrgID: req.OrgID, Reason: req.Reason})
	if err != nil {
		failErr(w, a.Log, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, grantJSON(g))
}

// DecideGrant approves or rejects a pending request.
func (a *API) DecideGrant(w http.ResponseWriter, r *http.Request) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		Fail(w, http.StatusNotFound, administration.ErrGrantNotFound.Error())
		return
	}
	var req GrantDecisionBody
	if !decode(w, r, &req) {
		return
	}
	g, err := a.Administration.DecideGrant(r.Context(), auth.From(r.Context()), id, req.Approve, req.Note)
	if err != nil {
		failErr(w, a.Log, r, err)
		return
	}
	writeJSON(w, http.StatusOK, grantJSON(g))
}
