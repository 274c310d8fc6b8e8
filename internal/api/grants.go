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
// Pending are oldest first (up to 200; more_pending says there are more),
// decided newest first, a page at a time: next_cursor, passed as after=,
// is the following page of decided ones.
type GrantList struct {
	Pending     []GrantJSON `json:"pending"`
	MorePending bool        `json:"more_pending,omitempty"`
	Decided     []GrantJSON `json:"decided"`
	NextCursor  string      `json:"next_cursor,omitempty"`
}

func grantJSON(g administration.GrantRequest) GrantJSON {
	return GrantJSON{ID: g.ID, UserID: g.UserID, Username: g.Username, Role: string(g.Role), OrgID: g.OrgID, OrgName: g.OrgName, Reason: g.Reason,
		State: g.State, RequestedBy: g.RequestedBy, RequestedAt: g.RequestedAt, DecidedBy: g.DecidedBy, DecidedAt: g.DecidedAt, Note: g.Note}
}

// ListGrants lists the grant requests the caller may decide or made.
func (a *API) ListGrants(w http.ResponseWriter, r *http.Request) {
	var after int64
	if s := r.URL.Query().Get("after"); s != "" {
		var err error
		if after, err = strconv.ParseInt(s, 10, 64); err != nil || after <= 0 {
			Fail(w, http.StatusBadRequest, "after 无效：请使用上一页返回的 next_cursor")
			return
		}
	}
	v, err := a.Administration.Grants(r.Context(), auth.From(r.Context()), after)
	if err != nil {
		failErr(w, a.Log, r, err)
		return
	}
	out := GrantList{Pending: []GrantJSON{}, Decided: []GrantJSON{}, MorePending: v.MorePending}
	if v.NextBefore != 0 {
		out.NextCursor = strconv.FormatInt(v.NextBefore, 10)
	}
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
