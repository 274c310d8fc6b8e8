package api

import (
	"github.com/tiaojie/tiaojie/internal/leads"
	"net/http"
	"time"

	"github.com/tiaojie/tiaojie/internal/auth"
	"github.com/tiaojie/tiaojie/internal/store"
)

// ConsentRequestRequest sends both parties the consent links; the merchant's
// phone is needed when the complaint came without one.
type ConsentRequestRequest struct {
	MerchantPhone string `json:"merchant_phone,omitempty" format:"phone"`
}

// RequestConsent texts both parties the 调解意愿 links of an accepted case.
func (a *API) RequestConsent() http.HandlerFunc {
	return caseAction(a, true, func(r *http.Request, p *auth.Principal, id int64, in ConsentRequestRequest) error {
		_, err := a.Consent.Request(r.Context(), p, id, in.MerchantPhone)
		return err
	})
}

// ConsentRecordRequest records a party's consent given on paper, by phone or in person.
type ConsentRecordRequest struct {
	Party     string `json:"party" api:"required" enum:"party"`
	Mediation string `json:"mediation" api:"required" enum:"consent_decision"`
	Online    bool   `json:"online,omitempty"` // also agrees to mediate online
	Method    string `json:"method" api:"required" enum:"consent_method"`
}

// RecordConsent stores one party's answer.
func (a *API) RecordConsent() http.HandlerFunc {
	return caseAction(a, false, func(r *http.Request, p *auth.Principal, id int64, in ConsentRecordRequest) error {
		if in.Mediation != "agree" && in.Mediation != "refuse" {
			return a.missing(r, p, id, "mediation", "请选择是否同意调解（agree 或 refuse）")
		}
		return a.Consent.Record(r.Context(), p, id, in.Party, in.Mediation == "agree", in.Online, in.Method)
	})
}

// ConsentJSON is one party's consent to mediation.
type ConsentJSON struct {
	Party       string     `json:"party" enum:"party"`
	Decision    string     `json:"decision" enum:"consent_state"`
	Online      string     `json:"online"`
	Method      string     `json:"method"`
	RequestedAt time.Time  `json:"requested_at"`
	RecordedAt  *time.Time `json:"recorded_at"`
}

// Consents lists both parties' consent state.
func (a *API) Consents(w http.ResponseWriter, r *http.Request) {
	casePart(a, w, r, func(p *auth.Principal, id int64) ([]ConsentJSON, error) {
		xs, err := a.CaseFile.Consents(r.Context(), p, id)
		out := []ConsentJSON{}
		for _, x := range xs {
			out = append(out, ConsentJSON{Party: x.PartyKind, Decision: x.Decision, Online: x.Online, Method: x.Method, RequestedAt: x.RequestedAt, RecordedAt: x.RecordedAt})
		}
		return out, err
	})
}

// Sessions lists a case's mediation sessions.
func (a *API) Sessions(w http.ResponseWriter, r *http.Request) {
	casePart(a, w, r, func(p *auth.Principal, id int64) ([]SessionJSON, error) {
		xs, err := a.CaseFile.Sessions(r.Context(), p, id)
		out := []SessionJSON{}
		for _, x := range xs {
			out = append(out, SessionJSON{ID: x.ID, Kind: x.Kind, StartsAt: x.StartsAt, Place: x.Place, Status: x.Status, Attendance: x.Attendance, Record: x.Record})
		}
		return out, err
	})
}

// Mediators lists a case's mediators, the presiding one marked.
func (a *API) Mediators(w http.ResponseWriter, r *http.Request) {
	casePart(a, w, r, func(p *auth.Principal, id int64) ([]MediatorJSON, error) {
		xs, err := a.CaseFile.Mediators(r.Context(), p, id)
		out := []MediatorJSON{}
		for _, x := range xs {
			out = append(out, MediatorJSON{UserID: x.UserID, Name: x.DisplayName, Presiding: x.Presiding, AssignedAt: x.AssignedAt})
		}
		return out, err
	})
}

// CaseConsultations lists the expert consultations of a case.
func (a *API) CaseConsultations(w http.ResponseWriter, r *http.Request) {
	casePart(a, w, r, func(p *auth.Principal, id int64) ([]ConsultationJSON, error) {
		ks, err := a.CaseFile.Consultations(r.Context(), p, id)
		out := []ConsultationJSON{}
		for _, k := range ks {
			out = append(out, consultationJSON(k.ID, k.CaseID, k.CaseNumber, k.ExpertID, k.ExpertName, k.Question, k.Shared, k.Status, k.Answer, k.AskedAt, k.AnsweredAt))
		}
		return out, err
	})
}

// caseList answers a list belonging to a case the caller may read.
// casePart answers a list the capability loads for a case by id (checking
// the caller's scope itself).
func casePart[T any](a *API, w http.ResponseWriter, r *http.Request, load func(p *auth.Principal, id int64) ([]T, error)) {
	id, ok := pathID(w, r)
	if !ok {
		return
	}
	out, err := load(auth.From(r.Context()), id)
	if err != nil {
		failErr(w, a.Log, r, err)
		return
	}
	writeJSON(w, http.StatusOK, out)
}

func caseList[T any](a *API, w http.ResponseWriter, r *http.Request, load func(store.Case) ([]T, error)) {
	id, ok := pathID(w, r)
	if !ok {
		return
	}
	c, _, err := a.Intake.Get(r.Context(), auth.From(r.Context()), id)
	if err != nil {
		failErr(w, a.Log, r, err)
		return
	}
	out, err := load(c)
	if err != nil {
		failErr(w, a.Log, r, err)
		return
	}
	writeJSON(w, http.StatusOK, out)
}

// LeadRequest passes a suspected violation to a 市场监管所 of the district.
type LeadRequest struct {
	Office int64  `json:"office" api:"required"`
	Kind   string `json:"kind" api:"required" enum:"lead_kind"`
	Note   string `json:"note" api:"required"`
}

// LeadJSON is one violation lead.
type LeadJSON struct {
	ID         int64      `json:"id"`
	CaseID     int64      `json:"case_id"`
	CaseNumber string     `json:"case_number"`
	Merchant   string     `json:"merchant"`
	OfficeID   int64      `json:"office_id"`
	Kind       string     `json:"kind" enum:"lead_kind"`
	KindLabel  string     `json:"kind_label"`
	Note       string     `json:"note"`
	Status     string     `json:"status" enum:"lead_status"`
	Created    time.Time  `json:"created"`
	HandledAt  *time.Time `json:"handled_at"`
}

func leadJSON(l store.Lead) LeadJSON {
	return LeadJSON{ID: l.ID, CaseID: l.CaseID, CaseNumber: l.CaseNumber, Merchant: l.Merchant, OfficeID: l.OfficeID, Kind: l.Kind,
		KindLabel: leads.Kinds.Label(l.Kind), Note: l.Note, Status: l.Status, Created: l.Created, HandledAt: l.HandledAt}
}

// AddLead passes a violation lead found in a case.
func (a *API) AddLead() http.HandlerFunc {
	return caseAction(a, false, func(r *http.Request, p *auth.Principal, id int64, in LeadRequest) error {
		_, err := a.Services.Leads.Pass(r.Context(), p, id, in.Kind, in.Office, in.Note)
		return err
	})
}

// Offices lists the 市场监管所 a case's leads may go to.
func (a *API) Offices(w http.ResponseWriter, r *http.Request) {
	caseList(a, w, r, func(c store.Case) ([]OrgUnitJSON, error) {
		us, err := a.Services.Leads.Offices(r.Context(), c)
		out := []OrgUnitJSON{}
		for _, u := range us {
			out = append(out, OrgUnitJSON{ID: u.ID, ParentID: u.ParentID, Kind: string(u.Kind), KindLabel: u.Kind.Label(), Code: u.Code, Name: u.Name})
		}
		return out, err
	})
}

// LeadList is a page of leads, newest first; next_cursor (absent on the
// last page) is the after of the next page.
type LeadList struct {
	Leads      []LeadJSON `json:"leads"`
	Limit      int        `json:"limit"`
	NextCursor string     `json:"next_cursor,omitempty"`
}

// Leads lists the leads received by the caller's offices, newest first, a
// page at a time.
func (a *API) Leads(w http.ResponseWriter, r *http.Request) {
	q, _, msg := leads.ParseListQuery(r.URL.Query())
	if msg != "" {
		Fail(w, http.StatusBadRequest, msg)
		return
	}
	o, err := a.Services.Leads.Overview(r.Context(), auth.From(r.Context()), q)
	if err != nil {
		failErr(w, a.Log, r, err)
		return
	}
	out := LeadList{Leads: []LeadJSON{}, Limit: q.Limit}
	for _, l := range o.Leads.Items {
		out.Leads = append(out.Leads, leadJSON(l))
	}
	if o.Leads.Next != nil {
		out.NextCursor = o.Leads.Next.String()
	}
	writeJSON(w, http.StatusOK, out)
}

// LeadHandled marks a lead as dealt with and answers it.
func (a *API) LeadHandled(w http.ResponseWriter, r *http.Request) {
	id, ok := subID(w, r, "id", "线索")
	if !ok || !noBody(w, r) {
		return
	}
	p := auth.From(r.Context())
	if err := a.Services.Leads.MarkHandled(r.Context(), p, id); err != nil {
		failErr(w, a.Log, r, err)
		return
	}
	l, err := a.Services.Leads.Get(r.Context(), p, id)
	if err != nil {
		failErr(w, a.Log, r, err)
		return
	}
	writeJSON(w, http.StatusOK, leadJSON(l))
}
