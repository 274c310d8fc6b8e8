package api

import (
	"net/http"
	"time"

	"github.com/tiaojie/tiaojie/internal/auth"
	"github.com/tiaojie/tiaojie/internal/grouping"
	"github.com/tiaojie/tiaojie/internal/store"
)

// DuplicateJSON is a suspected duplicate of a case.
type DuplicateJSON struct {
	ID          int64      `json:"id"`
	OtherID     int64      `json:"other_id"`
	OtherNumber string     `json:"other_number"`
	Score       float64    `json:"score"`
	Reasons     string     `json:"reasons"`
	Status      string     `json:"status" enum:"flag_status"`
	DecidedAt   *time.Time `json:"decided_at"`
}

// Duplicates lists a case's duplicate flags.
func (a *API) Duplicates(w http.ResponseWriter, r *http.Request) {
	id, ok := pathID(w, r)
	if !ok {
		return
	}
	p := auth.From(r.Context())
	c, _, err := a.Intake.Get(r.Context(), p, id)
	if err != nil {
		failErr(w, a.Log, r, err)
		return
	}
	fs, err := a.Grouping.Flags(r.Context(), p, c)
	if err != nil {
		failErr(w, a.Log, r, err)
		return
	}
	out := []DuplicateJSON{}
	for _, f := range fs {
		out = append(out, DuplicateJSON{ID: f.Flag.ID, OtherID: f.Other.ID, OtherNumber: f.Other.Number, Score: f.Flag.Score, Reasons: f.Flag.Reasons,
			Status: f.Flag.Status, DecidedAt: f.Flag.DecidedAt})
	}
	writeJSON(w, http.StatusOK, out)
}

// DuplicateAction merges a duplicate into the case kept (answering that case)
// or dismisses the flag (answering this case).
func (a *API) DuplicateAction(merge bool) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		id, ok := pathID(w, r)
		if !ok {
			return
		}
		flag, ok := subID(w, r, "flag", "重复提示")
		if !ok || !noBody(w, r) {
			return
		}
		p := auth.From(r.Context())
		if merge {
			keep, err := a.Grouping.Merge(r.Context(), p, id, flag)
			if err != nil {
				failErr(w, a.Log, r, err)
				return
			}
			a.respondCase(w, r, keep.ID)
			return
		}
		if err := a.Grouping.Dismiss(r.Context(), p, id, flag); err != nil {
			failErr(w, a.Log, r, err)
			return
		}
		a.respondCase(w, r, id)
	}
}

// GroupMemberJSON is one complaint of a group dispute.
type GroupMemberJSON struct {
	CaseID         int64  `json:"case_id"`
	Number         string `json:"number"`
	ConsumerName   string `json:"consumer_name"`
	Status         string `json:"status" enum:"status"`
	ClaimFen       int64  `json:"claim_fen"`
	Representative bool   `json:"representative"`
	Outcome        string `json:"outcome,omitempty" enum:"group_outcome"`
	OutcomeNote    string `json:"outcome_note,omitempty"`
	OutcomeFen     int64  `json:"outcome_fen"`
}

// GroupJSON is a group dispute (群体性纠纷).
type GroupJSON struct {
	ID           int64             `json:"id"`
	CommitteeID  int64             `json:"committee_id"`
	MerchantName string            `json:"merchant_name"`
	Title        string            `json:"title"`
	Facts        string            `json:"facts"`
	Reason       string            `json:"reason"`
	Status       string            `json:"status"`
	Created      time.Time         `json:"created"`
	SessionAt    *time.Time        `json:"session_at"`
	SessionPlace string            `json:"session_place,omitempty"`
	Members      []GroupMemberJSON `json:"members"`
}

func groupJSON(g store.Group) GroupJSON {
	out := GroupJSON{ID: g.ID, CommitteeID: g.CommitteeID, MerchantName: g.MerchantName, Title: g.Title, Facts: g.Facts, Reason: g.Reason,
		Status: g.Status, Created: g.Created, SessionAt: g.SessionAt, SessionPlace: g.SessionPlace, Members: []GroupMemberJSON{}}
	for _, m := range g.Members {
		out.Members = append(out.Members, GroupMemberJSON{CaseID: m.CaseID, Number: m.Number, ConsumerName: m.ConsumerName, Status: string(m.Status),
			ClaimFen: m.ClaimFen, Representative: m.Representative, Outcome: m.Outcome, OutcomeNote: m.OutcomeNote, OutcomeFen: m.OutcomeFen})
	}
	return out
}

// ProposalJSON is a surge of similar complaints against one merchant that
// may be formed into a group.
type ProposalJSON struct {
	MerchantName string  `json:"merchant_name"`
	CaseIDs      []int64 `json:"case_ids"`
}

// GroupsJSON answers GET /api/v1/groups: a page of the groups, newest
// formed first, without their members (GET /api/v1/groups/{id} has them);
// NextCursor, passed as after=, is the following page. Proposals (the
// surges of the last 90 days' open complaints) come with the first page
// only.
type GroupsJSON struct {
	CommitteeID int64          `json:"committee_id"`
	Groups      []GroupJSON    `json:"groups"`
	Proposals   []ProposalJSON `json:"proposals"`
	Limit       int            `json:"limit"`
	NextCursor  string         `json:"next_cursor,omitempty"`
}

// committee is the caller's committee for group work, or a 403 answered.
func (a *API) committee(w http.ResponseWriter, r *http.Request) (store.OrgUnit, bool) {
	c, ok, err := a.Grouping.CommitteeOf(r.Context(), auth.From(r.Context()))
	if err != nil {
		failErr(w, a.Log, r, err)
		return c, false
	}
	if !ok {
		Fail(w, http.StatusForbidden, "群体性纠纷由调委会工作人员处理")
	}
	return c, ok
}

// Groups lists the committee's group disputes and the surges that could become one.
func (a *API) Groups(w http.ResponseWriter, r *http.Request) {
	c, ok := a.committee(w, r)
	if !ok {
		return
	}
	q, msg := grouping.ParseListQuery(r.URL.Query())
	if msg != "" {
		Fail(w, http.StatusBadRequest, msg)
		return
	}
	page, err := a.Grouping.Groups(r.Context(), auth.From(r.Context()), c, q)
	if err != nil {
		failErr(w, a.Log, r, err)
		return
	}
	var ps []grouping.Proposal
	if q.After == nil { // the surges come with the first page only
		if ps, err = a.Grouping.Proposals(r.Context(), auth.From(r.Context()), c); err != nil {
			failErr(w, a.Log, r, err)
			return
		}
	}
	out := GroupsJSON{CommitteeID: c.ID, Groups: []GroupJSON{}, Proposals: []ProposalJSON{}, Limit: q.Limit}
	for _, g := range page.Items {
		out.Groups = append(out.Groups, groupJSON(g))
	}
	if page.Next != nil {
		out.NextCursor = page.Next.String()
	}
	for _, p := range ps {
		pj := ProposalJSON{CaseIDs: []int64{}}
		for _, x := range p.Cases {
			pj.CaseIDs = append(pj.CaseIDs, x.CaseID)
			if pj.MerchantName == "" {
				pj.MerchantName = x.MerchantName
			}
		}
		out.Proposals = append(out.Proposals, pj)
	}
	writeJSON(w, http.StatusOK, out)
}

// GroupRequest forms a group from complaints against one merchant.
type GroupRequest struct {
	Cases  []int64 `json:"cases" api:"required"`
	Title  string  `json:"title" api:"required"`
	Facts  string  `json:"facts,omitempty"`
	Reason string  `json:"reason,omitempty"`
}

// CreateGroup forms a group dispute.
func (a *API) CreateGroup(w http.ResponseWriter, r *http.Request) {
	c, ok := a.committee(w, r)
	if !ok {
		return
	}
	var in GroupRequest
	if !decode(w, r, &in) {
		return
	}
	p := auth.From(r.Context())
	g, err := a.Grouping.CreateGroup(r.Context(), p, c, in.Cases, in.Title, in.Facts, in.Reason)
	if err != nil {
		failErr(w, a.Log, r, err)
		return
	}
	a.respondGroup(w, r, g.ID, http.StatusCreated)
}

func (a *API) respondGroup(w http.ResponseWriter, r *http.Request, id int64, status int) {
	g, err := a.Grouping.Group(r.Context(), auth.From(r.Context()), id)
	if err != nil {
		failErr(w, a.Log, r, err)
		return
	}
	writeJSON(w, status, groupJSON(g))
}

// GetGroup returns one group dispute with its members.
func (a *API) GetGroup(w http.ResponseWriter, r *http.Request) {
	id, ok := subID(w, r, "id", "群体性纠纷")
	if !ok {
		return
	}
	a.respondGroup(w, r, id, http.StatusOK)
}

// groupAction is caseAction for a group: decode, call, answer the group.
func groupAction[T any](a *API, run func(r *http.Request, p *auth.Principal, id int64, in T) error) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		id, ok := subID(w, r, "id", "群体性纠纷")
		if !ok {
			return
		}
		var in T
		if !decode(w, r, &in) {
			return
		}
		if err := run(r, auth.From(r.Context()), id, in); err != nil {
			failErr(w, a.Log, r, err)
			return
		}
		a.respondGroup(w, r, id, http.StatusOK)
	}
}

// RepresentativesRequest names the group's representatives (推选代表人).
type RepresentativesRequest struct {
	Cases []int64 `json:"cases" api:"required"`
}

// GroupRepresentatives sets the group's representatives.
func (a *API) GroupRepresentatives() http.HandlerFunc {
	return groupAction(a, func(r *http.Request, p *auth.Principal, id int64, in RepresentativesRequest) error {
		return a.Grouping.SetRepresentatives(r.Context(), p, id, in.Cases)
	})
}

// GroupNotifyRequest is the text sent to every complainant of the group.
type GroupNotifyRequest struct {
	Text string `json:"text" api:"required"`
}

// GroupNotify texts every member's complainant.
func (a *API) GroupNotify() http.HandlerFunc {
	return groupAction(a, func(r *http.Request, p *auth.Principal, id int64, in GroupNotifyRequest) error {
		_, err := a.Grouping.Notify(r.Context(), p, id, in.Text)
		return err
	})
}

// GroupSessionRequest schedules the joint session (集中调解).
type GroupSessionRequest struct {
	At    time.Time `json:"at" api:"required"`
	Place string    `json:"place" api:"required"`
}

// GroupSession schedules the joint session and notifies the complainants.
func (a *API) GroupSession() http.HandlerFunc {
	return groupAction(a, func(r *http.Request, p *auth.Principal, id int64, in GroupSessionRequest) error {
		_, err := a.Grouping.ScheduleSession(r.Context(), p, id, in.At, in.Place)
		return err
	})
}

// GroupOutcomeRequest records one member's outcome after the joint session.
type GroupOutcomeRequest struct {
	Case      int64  `json:"case" api:"required"`
	Outcome   string `json:"outcome" api:"required" enum:"group_outcome"`
	Note      string `json:"note,omitempty"`
	AmountFen int64  `json:"amount_fen,omitempty" minimum:"0"`
}

// GroupOutcome records one member's outcome.
func (a *API) GroupOutcome() http.HandlerFunc {
	return groupAction(a, func(r *http.Request, p *auth.Principal, id int64, in GroupOutcomeRequest) error {
		return a.Grouping.RecordOutcome(r.Context(), p, id, in.Case, in.Outcome, in.Note, in.AmountFen)
	})
}
