package api

import (
	"net/http"
	"time"

	"github.com/tiaojie/tiaojie/internal/auth"
	"github.com/tiaojie/tiaojie/internal/consultation"
)

// RerouteRequest moves a case to another room of its committee.
type RerouteRequest struct {
	Room    int64  `json:"room" api:"required"`
	Reason  string `json:"reason" api:"required"`
	Version int64  `json:"version,omitempty"`
}

// Reroute (改派) moves an open case to another room with a reason.
func (a *API) Reroute() http.HandlerFunc {
	return caseAction(a, false, func(r *http.Request, p *auth.Principal, id int64, in RerouteRequest) error {
		_, err := a.Diversion.Reroute(r.Context(), p, id, in.Room, in.Reason, in.Version)
		return err
	})
}

// ODRRequest is an enterprise's report on its own negotiation.
type ODRRequest struct {
	Outcome string `json:"outcome" api:"required" enum:"odr_outcome"`
	Note    string `json:"note,omitempty"`
}

// ODROutcome records the outcome of the enterprise's negotiation first step.
func (a *API) ODROutcome() http.HandlerFunc {
	return caseAction(a, false, func(r *http.Request, p *auth.Principal, id int64, in ODRRequest) error {
		_, err := a.Diversion.ODROutcome(r.Context(), p, id, in.Outcome, in.Note)
		return err
	})
}

// AssignRequest designates the presiding mediator; 0 lets the room's rule choose.
type AssignRequest struct {
	Mediator int64 `json:"mediator,omitempty"`
	Version  int64 `json:"version,omitempty"`
}

// Assign designates (or, for a mediator, claims) the presiding mediator.
func (a *API) Assign() http.HandlerFunc {
	return caseAction(a, true, func(r *http.Request, p *auth.Principal, id int64, in AssignRequest) error {
		_, err := a.Assignment.Assign(r.Context(), p, id, in.Mediator, in.Version)
		return err
	})
}

// CandidateJSON is a mediator who may be assigned.
type CandidateJSON struct {
	UserID   int64  `json:"user_id"`
	Name     string `json:"name"`
	Load     int    `json:"load"`
	OnLeave  bool   `json:"on_leave"`
	Eligible bool   `json:"eligible"`
}

// AssignmentJSON is a case's room with its mediators, their load and duty.
type AssignmentJSON struct {
	RoomID     int64           `json:"room_id"`
	RoomName   string          `json:"room_name"`
	Capacity   int             `json:"capacity"`
	Chooser    string          `json:"chooser"`
	Candidates []CandidateJSON `json:"candidates"`
}

// AssignmentOptions lists whom the case can be assigned to.
func (a *API) AssignmentOptions(w http.ResponseWriter, r *http.Request) {
	id, ok := pathID(w, r)
	if !ok {
		return
	}
	c, _, err := a.Intake.Get(r.Context(), auth.From(r.Context()), id)
	if err != nil {
		failErr(w, a.Log, r, err)
		return
	}
	o, err := a.Assignment.Options(r.Context(), c)
	if err != nil {
		failErr(w, a.Log, r, err)
		return
	}
	out := AssignmentJSON{RoomID: o.Room.ID, RoomName: o.Room.Name, Capacity: o.Settings.Capacity, Chooser: o.Settings.Chooser, Candidates: []CandidateJSON{}}
	eligible := map[int64]bool{}
	for _, x := range o.Eligible {
		eligible[x.UserID] = true
	}
	for _, x := range o.Candidates {
		out.Candidates = append(out.Candidates, CandidateJSON{UserID: x.UserID, Name: x.Name, Load: x.Load, OnLeave: x.OnLeave, Eligible: eligible[x.UserID]})
	}
	writeJSON(w, http.StatusOK, out)
}

// Start moves an assigned case into mediation.
func (a *API) Start() http.HandlerFunc {
	return caseAction(a, false, func(r *http.Request, p *auth.Principal, id int64, _ NoBody) error {
		_, err := a.Assignment.Start(r.Context(), p, id)
		return err
	})
}

// SuspendRequest pauses a case (中止) with a legal reason.
type SuspendRequest struct {
	Reason string `json:"reason" api:"required" enum:"suspend_reason"`
	Note   string `json:"note,omitempty"`
}

// Suspend pauses mediation; the clocks stop.
func (a *API) Suspend() http.HandlerFunc {
	return caseAction(a, false, func(r *http.Request, p *auth.Principal, id int64, in SuspendRequest) error {
		_, err := a.Mediation.Suspend(r.Context(), p, id, in.Reason, in.Note)
		return err
	})
}

// NoteRequest carries an optional note.
type NoteRequest struct {
	Note string `json:"note,omitempty"`
}

// Resume restarts a suspended case.
func (a *API) Resume() http.HandlerFunc {
	return caseAction(a, true, func(r *http.Request, p *auth.Principal, id int64, in NoteRequest) error {
		_, err := a.Mediation.Resume(r.Context(), p, id, in.Note)
		return err
	})
}

// RecusalRequest asks that the presiding mediator step aside.
type RecusalRequest struct {
	By   string `json:"by" api:"required" enum:"recusal_by"`
	Note string `json:"note" api:"required"`
}

// Recusal records a recusal request; the case is suspended until decided.
func (a *API) Recusal() http.HandlerFunc {
	return caseAction(a, false, func(r *http.Request, p *auth.Principal, id int64, in RecusalRequest) error {
		_, err := a.Mediation.RequestRecusal(r.Context(), p, id, in.By, in.Note)
		return err
	})
}

// RecusalDecisionRequest is the room lead's decision.
type RecusalDecisionRequest struct {
	Grant       *bool  `json:"grant" api:"required"`
	Replacement int64  `json:"replacement,omitempty"` // the new presiding mediator when granted
	Note        string `json:"note,omitempty"`
}

// RecusalDecision grants (with a replacement) or refuses a recusal.
func (a *API) RecusalDecision() http.HandlerFunc {
	return caseAction(a, false, func(r *http.Request, p *auth.Principal, id int64, in RecusalDecisionRequest) error {
		if in.Grant == nil {
			return a.missing(r, p, id, "grant", "请选择是否准许回避")
		}
		_, err := a.Mediation.DecideRecusal(r.Context(), p, id, *in.Grant, in.Replacement, in.Note)
		return err
	})
}

// TerminateRequest ends mediation without agreement (终止) with a legal reason.
type TerminateRequest struct {
	Reason     string   `json:"reason" api:"required" enum:"terminate_reason"`
	Note       string   `json:"note,omitempty"`
	Prevention []string `json:"prevention,omitempty" enum:"prevention" doc:"预防效果（统计用）"`
}

// Terminate ends mediation without agreement.
func (a *API) Terminate() http.HandlerFunc {
	return caseAction(a, false, func(r *http.Request, p *auth.Principal, id int64, in TerminateRequest) error {
		_, err := a.Mediation.Terminate(r.Context(), p, id, in.Reason, in.Note, in.Prevention)
		return err
	})
}

// Withdraw records the applicant's withdrawal.
func (a *API) Withdraw() http.HandlerFunc {
	return caseAction(a, true, func(r *http.Request, p *auth.Principal, id int64, in NoteRequest) error {
		_, err := a.Mediation.Withdraw(r.Context(), p, id, in.Note)
		return err
	})
}

// NoticeRequest records how the termination notice reached the parties.
type NoticeRequest struct {
	Method string `json:"method" api:"required" enum:"notice_method"`
}

// NoticeSent records the delivery of the termination notice.
func (a *API) NoticeSent() http.HandlerFunc {
	return caseAction(a, false, func(r *http.Request, p *auth.Principal, id int64, in NoticeRequest) error {
		_, err := a.Mediation.NoticeSent(r.Context(), p, id, in.Method)
		return err
	})
}

// SessionRequest schedules a mediation session; the parties are texted.
type SessionRequest struct {
	Kind  string    `json:"kind" api:"required" enum:"session_kind"`
	At    time.Time `json:"at" api:"required"`
	Place string    `json:"place,omitempty"`
}

// ScheduleSession sets a session and notifies the parties.
func (a *API) ScheduleSession() http.HandlerFunc {
	return caseAction(a, false, func(r *http.Request, p *auth.Principal, id int64, in SessionRequest) error {
		_, err := a.Mediation.Schedule(r.Context(), p, id, in.Kind, in.At, in.Place)
		return err
	})
}

// RecordRequest stores what happened at a session.
type RecordRequest struct {
	Held       *bool  `json:"held" api:"required"`
	Attendance string `json:"attendance,omitempty"`
	Record     string `json:"record,omitempty"` // 调解笔录
}

// RecordSession stores attendance and the mediation record of one session.
func (a *API) RecordSession(w http.ResponseWriter, r *http.Request) {
	id, ok := pathID(w, r)
	if !ok {
		return
	}
	sid, ok := subID(w, r, "sid", "调解安排")
	if !ok {
		return
	}
	var in RecordRequest
	if !decode(w, r, &in) {
		return
	}
	p := auth.From(r.Context())
	if in.Held == nil {
		failErr(w, a.Log, r, a.missing(r, p, id, "held", "请选择调解是否如期举行"))
		return
	}
	if err := a.Mediation.Record(r.Context(), p, id, sid, *in.Held, in.Attendance, in.Record); err != nil {
		failErr(w, a.Log, r, err)
		return
	}
	a.respondCase(w, r, id)
}

// SessionJSON is one mediation session.
type SessionJSON struct {
	ID         int64     `json:"id"`
	Kind       string    `json:"kind" enum:"session_kind"`
	StartsAt   time.Time `json:"starts_at"`
	Place      string    `json:"place"`
	Status     string    `json:"status" enum:"session_status"`
	Attendance string    `json:"attendance"`
	Record     string    `json:"record"`
}

// MediatorJSON is one mediator of a case.
type MediatorJSON struct {
	UserID     int64     `json:"user_id"`
	Name       string    `json:"name"`
	Presiding  bool      `json:"presiding"`
	AssignedAt time.Time `json:"assigned_at"`
}

// ConsultationJSON is an expert consultation.
type ConsultationJSON struct {
	ID         int64      `json:"id"`
	CaseID     int64      `json:"case_id"`
	CaseNumber string     `json:"case_number"`
	ExpertID   int64      `json:"expert_id"`
	ExpertName string     `json:"expert_name"`
	Question   string     `json:"question"`
	Shared     string     `json:"shared"`
	Status     string     `json:"status" enum:"consultation_status"`
	Answer     string     `json:"answer"`
	AskedAt    time.Time  `json:"asked_at"`
	AnsweredAt *time.Time `json:"answered_at"`
}

// ExpertJSON is an expert a case may be referred to.
type ExpertJSON struct {
	UserID         int64  `json:"user_id"`
	Name           string `json:"name"`
	Field          string `json:"field"`
	Qualifications string `json:"qualifications"`
}

// ConsultRequest sends a question about a case to an expert.
type ConsultRequest struct {
	Expert   int64  `json:"expert" api:"required"`
	Question string `json:"question" api:"required"`
	Shared   string `json:"shared,omitempty"` // what of the case is shared with the expert
}

// Consult sends a question to an expert of the pool.
func (a *API) Consult() http.HandlerFunc {
	return caseAction(a, false, func(r *http.Request, p *auth.Principal, id int64, in ConsultRequest) error {
		_, err := a.Consultation.Ask(r.Context(), p, id, in.Expert, in.Question, in.Shared)
		return err
	})
}

// Experts lists the experts a case may be referred to.
func (a *API) Experts(w http.ResponseWriter, r *http.Request) {
	id, ok := pathID(w, r)
	if !ok {
		return
	}
	c, _, err := a.Intake.Get(r.Context(), auth.From(r.Context()), id)
	if err != nil {
		failErr(w, a.Log, r, err)
		return
	}
	es, err := a.Consultation.Experts(r.Context(), c)
	if err != nil {
		failErr(w, a.Log, r, err)
		return
	}
	out := []ExpertJSON{}
	for _, e := range es {
		out = append(out, ExpertJSON{UserID: e.UserID, Name: e.DisplayName, Field: e.Field, Qualifications: e.Qualifications})
	}
	writeJSON(w, http.StatusOK, out)
}

// ConsultationList is a page of an expert's consultations; NextCursor,
// passed as after=, is the following page.
type ConsultationList struct {
	Consultations []ConsultationJSON `json:"consultations"`
	Limit         int                `json:"limit"`
	NextCursor    string             `json:"next_cursor,omitempty"`
}

// ConsultationInbox is an expert's list of consultations addressed to them,
// a page at a time: those awaiting an opinion oldest first, or
// (state=answered) those answered newest first.
func (a *API) ConsultationInbox(w http.ResponseWriter, r *http.Request) {
	q, msg := consultation.ParseInboxQuery(r.URL.Query())
	if msg != "" {
		Fail(w, http.StatusBadRequest, msg)
		return
	}
	page, err := a.Consultation.Inbox(r.Context(), auth.From(r.Context()), q)
	if err != nil {
		failErr(w, a.Log, r, err)
		return
	}
	out := ConsultationList{Consultations: []ConsultationJSON{}, Limit: q.Limit}
	for _, k := range page.Items {
		out.Consultations = append(out.Consultations, consultationJSON(k.ID, k.CaseID, k.CaseNumber, k.ExpertID, k.ExpertName, k.Question, k.Shared, k.Status, k.Answer, k.AskedAt, k.AnsweredAt))
	}
	if page.Next != nil {
		out.NextCursor = page.Next.String()
	}
	writeJSON(w, http.StatusOK, out)
}

func consultationJSON(id, caseID int64, number string, expertID int64, expert, q, shared, status, answer string, asked time.Time, answered *time.Time) ConsultationJSON {
	return ConsultationJSON{ID: id, CaseID: caseID, CaseNumber: number, ExpertID: expertID, ExpertName: expert, Question: q, Shared: shared,
		Status: status, Answer: answer, AskedAt: asked, AnsweredAt: answered}
}

// AnswerRequest is an expert's answer.
type AnswerRequest struct {
	Answer string `json:"answer" api:"required"`
}

// AnswerConsultation records an expert's answer and returns the consultation.
func (a *API) AnswerConsultation(w http.ResponseWriter, r *http.Request) {
	id, ok := subID(w, r, "id", "咨询")
	if !ok {
		return
	}
	var in AnswerRequest
	if !decode(w, r, &in) {
		return
	}
	p := auth.From(r.Context())
	if err := a.Consultation.Answer(r.Context(), p, id, in.Answer); err != nil {
		failErr(w, a.Log, r, err)
		return
	}
	k, err := a.Consultation.Get(r.Context(), p, id)
	if err != nil {
		failErr(w, a.Log, r, err)
		return
	}
	writeJSON(w, http.StatusOK, consultationJSON(k.ID, k.CaseID, k.CaseNumber, k.ExpertID, k.ExpertName, k.Question, k.Shared, k.Status, k.Answer, k.AskedAt, k.AnsweredAt))
}
