package api

import (
	"errors"
	"github.com/tiaojie/tiaojie/internal/access"
	"github.com/tiaojie/tiaojie/internal/platform"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/tiaojie/tiaojie/internal/auth"
	"github.com/tiaojie/tiaojie/internal/calendar"
	"github.com/tiaojie/tiaojie/internal/domain"
	"github.com/tiaojie/tiaojie/internal/evaluation"
	"github.com/tiaojie/tiaojie/internal/intake"
	"github.com/tiaojie/tiaojie/internal/store"
)

// API holds what the JSON handlers need: the same capability services the
// pages call, so every rule lives in one place.
type API struct {
	*platform.Services
	Now func() time.Time
}

// TokenRequest is the body of POST /api/v1/auth/token.
type TokenRequest struct {
	Username string `json:"username" api:"required"`
	Password string `json:"password" api:"required" format:"password"`
}

// TokenResponse answers POST /api/v1/auth/token.
type TokenResponse struct {
	Token     string    `json:"token"`
	ExpiresAt time.Time `json:"expires_at"`
}

// Token exchanges a username and password for a bearer token.
func (a *API) Token(w http.ResponseWriter, r *http.Request) {
	var req TokenRequest
	if !decode(w, r, &req) {
		return
	}
	if req.Username == "" || req.Password == "" {
		writeJSON(w, http.StatusUnprocessableEntity, Error{Error: "请填写用户名和密码", Fields: map[string]string{"username": "必填", "password": "必填"}})
		return
	}
	p, err := a.Auth.Login(r.Context(), req.Username, req.Password)
	switch {
	case errors.Is(err, auth.ErrLocked), errors.Is(err, auth.ErrRateLimited), errors.Is(err, auth.ErrBusy):
		Fail(w, http.StatusTooManyRequests, err.Error())
		return
	case errors.Is(err, auth.ErrBadCredentials), errors.Is(err, auth.ErrInactive):
		Fail(w, http.StatusUnauthorized, err.Error())
		return
	case auth.Refused(err): // a second factor or a password change is due: on the web
		Fail(w, http.StatusForbidden, err.Error())
		return
	case err != nil:
		failErr(w, a.Log, r, err)
		return
	}
	tok, exp, err := a.Auth.IssueToken(r.Context(), p)
	if err != nil {
		failErr(w, a.Log, r, err)
		return
	}
	writeJSON(w, http.StatusOK, TokenResponse{Token: tok, ExpiresAt: exp})
}

// Me describes the caller.
type Me struct {
	Username    string        `json:"username"`
	DisplayName string        `json:"display_name"`
	Machine     bool          `json:"machine"`
	Bindings    []BindingJSON `json:"bindings"`
}

type BindingJSON struct {
	Role    string `json:"role"`
	OrgID   int64  `json:"org_id"`
	OrgName string `json:"org_name"`
}

// GetMe returns the caller's identity and role bindings.
func (a *API) GetMe(w http.ResponseWriter, r *http.Request) {
	p := auth.From(r.Context())
	m := Me{Username: p.Username, DisplayName: p.DisplayName, Machine: p.Machine, Bindings: []BindingJSON{}}
	for _, b := range p.Bindings {
		m.Bindings = append(m.Bindings, BindingJSON{Role: string(b.Role), OrgID: b.OrgID, OrgName: b.OrgName})
	}
	writeJSON(w, http.StatusOK, m)
}

// CaseJSON is a case as the API returns it. Personal data is masked.
type CaseJSON struct {
	ID             int64          `json:"id"`
	Number         string         `json:"number"`
	Status         string         `json:"status"`
	StatusLabel    string         `json:"status_label"`
	Channel        string         `json:"channel"`
	Category       string         `json:"category"`
	Description    string         `json:"description"`
	Claim          string         `json:"claim"`
	ClaimAmountFen int64          `json:"claim_amount_fen"`
	ReceivedAt     time.Time      `json:"received_at"`
	AcceptedAt     *time.Time     `json:"accepted_at"`
	ExternalID     string         `json:"external_id,omitempty"`
	CourtNumber    string         `json:"court_number,omitempty"`
	CommitteeID    int64          `json:"committee_id"`
	RoomID         int64          `json:"room_id,omitempty"`
	ReasonCode     string         `json:"reason_code,omitempty"`
	Version        int64          `json:"version"`
	Parties        []PartyJSON    `json:"parties"`
	Deadlines      []DeadlineJSON `json:"deadlines"`
	// What the evaluation figures count of the case (docs/evaluation.md),
	// so any client can recompute a figure.
	PresidingMediator *MediatorRef    `json:"presiding_mediator" doc:"主持调解员（办结时的；未办结时为当前的）；无则为 null。案件计入其绩效，协办调解员不计"`
	Outcome           string          `json:"outcome" enum:"outcome" doc:"评估结果：open 未办结；agreed 调解成功（口头或书面协议）；not_agreed 调解不成（开始调解后终止）；terminated 终止（未进入调解，如一方不同意调解）；withdrawn 撤回；rejected 不予受理；odr_settled 企业协商和解；merged 重复投诉已合并（不计入任何指标）"`
	ClosedAt          *time.Time      `json:"closed_at" doc:"评估上的办结时间：达成协议、终止、撤回、不予受理、企业协商和解或合并之时（调解成功的案件以达成协议之日为准，而非回访）；未办结为 null"`
	Agreement         *AgreementFacts `json:"agreement" doc:"调解协议；未达成协议为 null"`
	FollowUp          FollowUpFacts   `json:"follow_up"`
}

type PartyJSON struct {
	ID         int64  `json:"id" doc:"当事人编号（查看完整信息、个人信息请求时使用）"`
	Kind       string `json:"kind"`
	Name       string `json:"name"`
	Phone      string `json:"phone,omitempty"`
	IDNumber   string `json:"id_number,omitempty"`
	CreditCode string `json:"credit_code,omitempty"`
}

type DeadlineJSON struct {
	Kind        string `json:"kind"`
	Label       string `json:"label"`
	Start       string `json:"start"`
	Due         string `json:"due"`
	WorkingDays bool   `json:"working_days"`
	Running     bool   `json:"running"`
	Remaining   int    `json:"remaining"`
	Overdue     bool   `json:"overdue"`
	Paused      bool   `json:"paused"`
	Explain     string `json:"explain"`
}

func caseJSON(c store.Case, dls []calendar.Deadline) CaseJSON {
	out := CaseJSON{ID: c.ID, Number: c.Number, Status: string(c.Status), StatusLabel: c.Status.Label(), Channel: string(c.Channel),
		Category: c.Category, Description: c.Description, Claim: c.Claim, ClaimAmountFen: c.ClaimFen, ReceivedAt: c.ReceivedAt,
		AcceptedAt: c.AcceptedAt, ExternalID: c.ExternalID, CourtNumber: c.CourtNumber, CommitteeID: c.CommitteeID,
		RoomID: c.RoomID, ReasonCode: c.ReasonCode, Version: c.Version, Parties: []PartyJSON{}, Deadlines: []DeadlineJSON{}}
	for _, p := range c.Parties {
		out.Parties = append(out.Parties, PartyJSON{ID: p.ID, Kind: p.Kind, Name: p.Name, Phone: p.PhoneMask, IDNumber: p.IDMask, CreditCode: p.CreditCode})
	}
	for _, d := range dls {
		out.Deadlines = append(out.Deadlines, DeadlineJSON{Kind: string(d.Kind), Label: d.Label, Start: d.Start.String(), Due: d.Due.String(),
			WorkingDays: d.WorkingDays, Running: d.Running, Remaining: d.Remaining, Overdue: d.Overdue, Paused: d.Paused, Explain: d.Explain})
	}
	return out
}

// CreateComplaint registers a complaint; Idempotency-Key makes retries safe.
func (a *API) CreateComplaint(w http.ResponseWriter, r *http.Request) {
	var in intake.Complaint
	if !decode(w, r, &in) {
		return
	}
	p := auth.From(r.Context())
	c, created, err := a.Complaints.Register(r.Context(), p, in, strings.TrimSpace(r.Header.Get("Idempotency-Key")))
	if err != nil {
		failErr(w, a.Log, r, err)
		return
	}
	var out CaseJSON
	if created {
		// The case was read back after its commit; it has no events but
		// "received" (no suspension, so its row alone gives its clocks) and
		// no evaluation figures yet: it is open, with no agreement or
		// follow-up (what casesJSON answers for a case the rollups have not
		// counted). So the answer neither reads it again nor runs the
		// rollups' catch-up, a write through the single writer per complaint.
		var dls []calendar.Deadline
		if p.CanOnCase(domain.PermCaseRead, c) {
			m, err := a.Intake.Deadlines(r.Context(), []store.Case{c})
			if err != nil {
				failErr(w, a.Log, r, err)
				return
			}
			dls = m[c.ID]
		} // a client that may create but not read (outside its scope) gets what it sent, without clocks
		out = caseJSON(c, dls)
		out.Outcome = string(evaluation.OutcomeOpen)
	} else {
		d, err := a.Intake.Detail(r.Context(), p, c.ID)
		if errors.Is(err, access.ErrNotFound) {
			d = intake.Detail{Case: c}
		} else if err != nil {
			failErr(w, a.Log, r, err)
			return
		}
		if out, err = a.oneCaseJSON(r.Context(), d.Case, d.Deadlines); err != nil {
			failErr(w, a.Log, r, err)
			return
		}
	}
	status := http.StatusCreated
	if !created {
		status = http.StatusOK
	}
	w.Header().Set("Location", "/api/v1/cases/"+strconv.FormatInt(c.ID, 10))
	writeJSON(w, status, out)
}

// CaseList is one page of cases.
type CaseList struct {
	Cases  []CaseJSON `json:"cases"`
	Total  int64      `json:"total"`
	Limit  int        `json:"limit"`
	Offset int        `json:"offset"`
	// TotalCapped: more than total cases match (a list filtered by more
	// than scope and status counts up to 1,000; by those alone it is exact);
	// NextCursor, passed as after=, is the following page.
	TotalCapped bool   `json:"total_capped,omitempty"`
	NextCursor  string `json:"next_cursor,omitempty"`
}

// ListCases lists cases in the caller's scope: newest first, 50 a page,
// next_cursor for the following page, total exact by scope and status,
// counted up to 1,000 with other filters.
func (a *API) ListCases(w http.ResponseWriter, r *http.Request) {
	v := r.URL.Query()
	q, msg := intake.ParseListQuery(v)
	if msg == "" {
		q.Limit, q.Offset, msg = pageParams(v)
	}
	if msg == "" && q.Offset > store.MaxListOffset {
		msg = "offset 不能超过10000，更多请用 next_cursor 翻页"
	}
	if msg != "" {
		Fail(w, http.StatusBadRequest, msg)
		return
	}
	q.CountCap = store.ListCountCap
	page, err := a.Intake.List(r.Context(), auth.From(r.Context()), q)
	if err != nil {
		failErr(w, a.Log, r, err)
		return
	}
	dls, err := a.Intake.Deadlines(r.Context(), page.Cases)
	if err != nil {
		failErr(w, a.Log, r, err)
		return
	}
	list, err := a.casesJSON(r.Context(), page.Cases, dls)
	if err != nil {
		failErr(w, a.Log, r, err)
		return
	}
	out := CaseList{Cases: list, Total: page.Total, Limit: q.Limit, Offset: q.Offset, TotalCapped: page.TotalCapped}
	if page.Next != nil {
		out.NextCursor = page.Next.String()
	}
	writeJSON(w, http.StatusOK, out)
}

// pageParams reads limit (1–500, default 50) and offset (≥ 0); msg says what is wrong.
func pageParams(v url.Values) (limit, offset int, msg string) {
	limit = 50
	for _, k := range []string{"limit", "offset"} {
		if s := v.Get(k); s != "" {
			n, err := strconv.Atoi(s)
			if err != nil || n < 0 || (k == "limit" && (n < 1 || n > 500)) {
				return 0, 0, "limit 应为1至500，offset 应为非负整数"
			}
			if k == "limit" {
				limit = n
			} else {
				offset = n
			}
		}
	}
	return limit, offset, ""
}

func pathID(w http.ResponseWriter, r *http.Request) (int64, bool) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		Fail(w, http.StatusNotFound, "案件不存在或无权查看")
		return 0, false
	}
	return id, true
}

// GetCase returns one case with its clocks.
func (a *API) GetCase(w http.ResponseWriter, r *http.Request) {
	id, ok := pathID(w, r)
	if !ok {
		return
	}
	a.respondCase(w, r, id)
}

// EventJSON is one entry of a case's log.
type EventJSON struct {
	Seq        int64     `json:"seq"`
	Type       string    `json:"type"`
	FromStatus string    `json:"from_status"`
	ToStatus   string    `json:"to_status"`
	Actor      string    `json:"actor"`
	At         time.Time `json:"at"`
	ReasonCode string    `json:"reason_code,omitempty"`
	Note       string    `json:"note,omitempty"`
}

// ListEvents returns a case's event log.
func (a *API) ListEvents(w http.ResponseWriter, r *http.Request) {
	id, ok := pathID(w, r)
	if !ok {
		return
	}
	_, evs, err := a.Intake.Get(r.Context(), auth.From(r.Context()), id)
	if err != nil {
		failErr(w, a.Log, r, err)
		return
	}
	out := []EventJSON{}
	for _, e := range evs {
		out = append(out, EventJSON{Seq: e.Seq, Type: e.Type, FromStatus: string(e.FromStatus), ToStatus: string(e.ToStatus),
			Actor: e.ActorName, At: e.At, ReasonCode: e.ReasonCode, Note: e.Note})
	}
	writeJSON(w, http.StatusOK, out)
}

// AcceptRequest is the (optional) body of POST /api/v1/cases/{id}/accept.
type AcceptRequest struct {
	Note    string `json:"note,omitempty"`
	Version int64  `json:"version,omitempty"` // the case version read; a stale one is 409
}

// RejectRequest is the body of POST /api/v1/cases/{id}/reject.
type RejectRequest struct {
	Reason  string `json:"reason" api:"required" enum:"reject_reason"`
	Note    string `json:"note,omitempty"`
	Version int64  `json:"version,omitempty"`
}

// Decide accepts or rejects a case.
func (a *API) Decide(accept bool) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		id, ok := pathID(w, r)
		if !ok {
			return
		}
		var req RejectRequest
		if accept {
			var in AcceptRequest
			if !decodeOptional(w, r, &in) {
				return
			}
			req.Note, req.Version = in.Note, in.Version
		} else if !decode(w, r, &req) {
			return
		}
		p := auth.From(r.Context())
		if _, err := a.Intake.Decide(r.Context(), p, id, intake.Decision{Accept: accept, ReasonCode: req.Reason, Note: req.Note, Version: req.Version}); err != nil {
			failErr(w, a.Log, r, err)
			return
		}
		a.respondCase(w, r, id)
	}
}

// ReasonJSON is a coded reason.
type ReasonJSON struct {
	Code  string `json:"code"`
	Label string `json:"label"`
}

// Reasons lists the reject reason codes (for clients building forms).
func (a *API) Reasons(w http.ResponseWriter, r *http.Request) {
	out := map[string][]ReasonJSON{}
	for name, rs := range map[string]domain.Reasons{"reject": domain.RejectReasons, "terminate": domain.TerminateReasons, "suspend": domain.SuspendReasons} {
		for _, x := range rs {
			out[name] = append(out[name], ReasonJSON{x.Code, x.Label})
		}
	}
	writeJSON(w, http.StatusOK, out)
}

// KeyRequest is the body of POST /api/v1/keys.
type KeyRequest struct {
	Name  string `json:"name" api:"required"`
	OrgID int64  `json:"org_id" api:"required"`
	Days  int    `json:"days,omitempty"` // 0 = no expiry
}

// KeyResponse carries a new key; the plain key is shown only here.
type KeyResponse struct {
	ID        int64      `json:"id"`
	Key       string     `json:"key"`
	OrgID     int64      `json:"org_id"`
	ExpiresAt *time.Time `json:"expires_at"`
}

// IssueKey creates a machine API key scoped to one org unit.
func (a *API) IssueKey(w http.ResponseWriter, r *http.Request) {
	var req KeyRequest
	if !decode(w, r, &req) {
		return
	}
	req.Name = strings.TrimSpace(req.Name)
	fields := map[string]string{}
	if req.Name == "" || len([]rune(req.Name)) > 50 {
		fields["name"] = "请填写名称（不超过50个字）"
	}
	if req.Days < 0 || req.Days > 3650 {
		fields["days"] = "有效期应为0至3650天"
	}
	if ok, err := a.Auth.OrgExists(r.Context(), req.OrgID); err != nil {
		failErr(w, a.Log, r, err)
		return
	} else if !ok {
		fields["org_id"] = "所属单位不存在"
	}
	if len(fields) > 0 {
		writeJSON(w, http.StatusUnprocessableEntity, Error{Error: "填写有误", Fields: fields})
		return
	}
	var exp *time.Time
	if req.Days > 0 {
		t := time.Now().AddDate(0, 0, req.Days).UTC()
		exp = &t
	}
	plain, t, err := a.Auth.IssueKey(r.Context(), req.Name, req.OrgID, exp)
	if err != nil {
		failErr(w, a.Log, r, err)
		return
	}
	a.Log.Info("api key issued", "key_id", t.ID, "org_id", req.OrgID, "by", auth.From(r.Context()).UserID)
	writeJSON(w, http.StatusCreated, KeyResponse{ID: t.ID, Key: plain, OrgID: req.OrgID, ExpiresAt: exp})
}
