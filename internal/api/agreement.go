package api

import (
	"fmt"
	"net/http"
	"time"

	"github.com/tiaojie/tiaojie/internal/agreement"
	"github.com/tiaojie/tiaojie/internal/auth"
	"github.com/tiaojie/tiaojie/internal/domain"
	"github.com/tiaojie/tiaojie/internal/store"
)

// TermJSON is one obligation of an agreement.
type TermJSON struct {
	Party       string `json:"party" api:"required" enum:"party"`
	Content     string `json:"content" api:"required"`
	AmountFen   int64  `json:"amount_fen"`
	Manner      string `json:"manner" api:"required"`
	Deadline    string `json:"deadline" api:"required" format:"date"`
	Kind        string `json:"kind,omitempty" enum:"term_kind" doc:"款项类别（统计精神损害赔偿、惩罚性赔偿用）；不填为其他"`
	PerformedAt string `json:"performed_at,omitempty" format:"date"`
	Proof       string `json:"proof,omitempty"`
}

// AgreementRequest records the agreement reached in mediation: an oral one
// takes effect at once, a written one is sent to the parties for signing.
type AgreementRequest struct {
	Kind           string     `json:"kind" api:"required" enum:"agreement_kind"`
	Facts          string     `json:"facts" api:"required"`
	Responsibility string     `json:"responsibility" api:"required"`
	Terms          []TermJSON `json:"terms" api:"required"`
	Prevention     []string   `json:"prevention,omitempty" enum:"prevention" doc:"预防效果（统计用）"`
}

// SignerJSON is one signature a written agreement needs, and whether it is there.
type SignerJSON struct {
	Signer   string     `json:"signer" enum:"signer"`
	Label    string     `json:"label"`
	Signed   bool       `json:"signed"`
	Method   string     `json:"method,omitempty"`
	SignedAt *time.Time `json:"signed_at"`
}

// JudicialJSON is the application for judicial confirmation.
type JudicialJSON struct {
	CaseID       int64      `json:"case_id"`
	CaseNumber   string     `json:"case_number,omitempty"`
	CourtID      int64      `json:"court_id"`
	Status       string     `json:"status" enum:"judicial_status"`
	Receipt      string     `json:"receipt,omitempty"`
	RulingNumber string     `json:"ruling_number,omitempty"`
	Reason       string     `json:"reason,omitempty"`
	SubmittedAt  time.Time  `json:"submitted_at"`
	DecidedAt    *time.Time `json:"decided_at"`
	// Delivery to the court system: queued, retrying (last_error says why),
	// failed (may be resubmitted), submitted; delivery_label says it in words.
	Delivery      string `json:"delivery" enum:"judicial_delivery"`
	DeliveryLabel string `json:"delivery_label"`
	Attempts      int    `json:"attempts"` // failed attempts to deliver
	LastError     string `json:"last_error,omitempty"`
}

// FollowUpJSON is one follow-up (回访).
type FollowUpJSON struct {
	ID           int64     `json:"id"`
	Satisfaction int       `json:"satisfaction" minimum:"1" maximum:"5"`
	Method       string    `json:"method" enum:"followup_method"`
	Comment      string    `json:"comment"`
	Commendation string    `json:"commendation"`
	RecordedAt   time.Time `json:"recorded_at"`
}

// AgreementJSON is a case's agreement with its signing state, the judicial
// application and the follow-ups.
type AgreementJSON struct {
	Kind           string         `json:"kind" enum:"agreement_kind"`
	Facts          string         `json:"facts"`
	Responsibility string         `json:"responsibility"`
	Terms          []TermJSON     `json:"terms"`
	EffectiveAt    *time.Time     `json:"effective_at"`
	Signers        []SignerJSON   `json:"signers"`
	Judicial       *JudicialJSON  `json:"judicial"`
	FollowUps      []FollowUpJSON `json:"follow_ups"`
}

// writtenSigners are who must sign a written agreement before it takes effect.
var writtenSigners = []string{"consumer", "merchant", "mediator", "seal"}

// GetAgreement returns a case's agreement (404 before one is reached).
func (a *API) GetAgreement(w http.ResponseWriter, r *http.Request) {
	id, ok := pathID(w, r)
	if !ok {
		return
	}
	ctx := r.Context()
	f, err := a.CaseFile.Agreement(ctx, auth.From(ctx), id)
	if err != nil {
		failErr(w, a.Log, r, err)
		return
	}
	ag := f.Agreement
	out := AgreementJSON{Kind: ag.Kind, Facts: ag.Facts, Responsibility: ag.Responsibility, EffectiveAt: ag.EffectiveAt,
		Terms: []TermJSON{}, Signers: []SignerJSON{}, FollowUps: []FollowUpJSON{}}
	for _, t := range ag.Terms {
		out.Terms = append(out.Terms, TermJSON{Party: t.Party, Content: t.Content, AmountFen: t.AmountFen, Manner: t.Manner, Deadline: t.Deadline,
			Kind: t.Kind, PerformedAt: t.PerformedAt, Proof: t.Proof})
	}
	if ag.Kind == "written" {
		have := map[string]store.Signature{}
		for _, s := range f.Signatures {
			have[s.Signer] = s
		}
		for _, who := range writtenSigners {
			s, signed := have[who]
			sj := SignerJSON{Signer: who, Label: domain.PartyWord(who), Signed: signed, Method: s.Method}
			if signed {
				at := s.SignedAt
				sj.SignedAt = &at
			}
			out.Signers = append(out.Signers, sj)
		}
	}
	if f.Judicial != nil {
		j := judicialJSON(*f.Judicial)
		out.Judicial = &j
	}
	for _, f := range f.FollowUps {
		out.FollowUps = append(out.FollowUps, FollowUpJSON{ID: f.ID, Satisfaction: f.Satisfaction, Method: f.Method, Comment: f.Comment,
			Commendation: f.Commendation, RecordedAt: f.RecordedAt})
	}
	writeJSON(w, http.StatusOK, out)
}

func judicialJSON(ja store.JudicialApplication) JudicialJSON {
	state, label := agreement.Delivery(ja)
	return JudicialJSON{CaseID: ja.CaseID, CaseNumber: ja.CaseNumber, CourtID: ja.CourtID, Status: ja.Status, Receipt: ja.Receipt,
		RulingNumber: ja.RulingNumber, Reason: ja.Reason, SubmittedAt: ja.SubmittedAt, DecidedAt: ja.DecidedAt,
		Delivery: state, DeliveryLabel: label, Attempts: ja.Attempts, LastError: ja.LastError}
}

// CreateAgreement records an oral or written agreement.
func (a *API) CreateAgreement() http.HandlerFunc {
	return caseAction(a, false, func(r *http.Request, p *auth.Principal, id int64, in AgreementRequest) error {
		content := domain.AgreementContent{Facts: in.Facts, Responsibility: in.Responsibility, Prevention: in.Prevention}
		for _, t := range in.Terms {
			content.Terms = append(content.Terms, domain.Term{Party: t.Party, Content: t.Content, AmountFen: t.AmountFen, Manner: t.Manner, Deadline: t.Deadline, Kind: t.Kind})
		}
		var err error
		switch in.Kind {
		case "oral":
			_, err = a.Agreement.RecordOral(r.Context(), p, id, content)
		case "written":
			_, err = a.Agreement.RecordWritten(r.Context(), p, id, content)
		default:
			err = a.missing(r, p, id, "kind", "协议形式应为口头（oral）或书面（written）")
		}
		return err
	})
}

// MediatorSign is the presiding mediator's signature on a written agreement.
func (a *API) MediatorSign() http.HandlerFunc {
	return caseAction(a, false, func(r *http.Request, p *auth.Principal, id int64, _ NoBody) error {
		return a.Agreement.MediatorSign(r.Context(), p, id)
	})
}

// Seal applies the committee's seal (committee staff).
func (a *API) Seal() http.HandlerFunc {
	return caseAction(a, false, func(r *http.Request, p *auth.Principal, id int64, _ NoBody) error {
		return a.Agreement.Seal(r.Context(), p, id)
	})
}

// PerformRequest records that one term (0-based) was performed.
type PerformRequest struct {
	Term  int    `json:"term" api:"required" minimum:"0"`
	Proof string `json:"proof" api:"required"`
}

// Perform records one term's performance.
func (a *API) Perform() http.HandlerFunc {
	return caseAction(a, false, func(r *http.Request, p *auth.Principal, id int64, in PerformRequest) error {
		return a.Agreement.Perform(r.Context(), p, id, in.Term, in.Proof)
	})
}

// FollowUpRequest records the follow-up call.
type FollowUpRequest struct {
	Satisfaction int    `json:"satisfaction" api:"required" minimum:"1" maximum:"5"`
	Method       string `json:"method" api:"required" enum:"followup_method"`
	Comment      string `json:"comment,omitempty"`
	Commendation string `json:"commendation,omitempty"` // 锦旗, 感谢信 …
}

// FollowUp records the follow-up (回访).
func (a *API) FollowUp() http.HandlerFunc {
	return caseAction(a, false, func(r *http.Request, p *auth.Principal, id int64, in FollowUpRequest) error {
		_, err := a.Agreement.FollowUp(r.Context(), p, id, store.FollowUp{Satisfaction: in.Satisfaction, Method: in.Method, Comment: in.Comment, Commendation: in.Commendation})
		return err
	})
}

// RequestRating texts the consumer the rating link.
func (a *API) RequestRating() http.HandlerFunc {
	return caseAction(a, false, func(r *http.Request, p *auth.Principal, id int64, _ NoBody) error {
		return a.Agreement.RequestRating(r.Context(), p, id)
	})
}

// Archive freezes the case file.
func (a *API) Archive() http.HandlerFunc {
	return caseAction(a, false, func(r *http.Request, p *auth.Principal, id int64, _ NoBody) error {
		_, err := a.Agreement.Archive(r.Context(), p, id)
		return err
	})
}

// JudicialRequest files the joint application for judicial confirmation.
type JudicialRequest struct {
	Court int64 `json:"court" api:"required"`
	Joint bool  `json:"joint" api:"required"` // both parties apply together, as the law requires
}

// ApplyJudicial files the application with a court of the district and
// answers it as stored: with a court system, "delivery":"queued" (已排队提交法院)
// — the court system has not seen it yet; the case's agreement shows when it has.
func (a *API) ApplyJudicial(w http.ResponseWriter, r *http.Request) {
	id, ok := pathID(w, r)
	if !ok {
		return
	}
	var in JudicialRequest
	if !decode(w, r, &in) {
		return
	}
	ja, err := a.Agreement.ApplyJudicial(r.Context(), auth.From(r.Context()), id, in.Court, in.Joint)
	if err != nil {
		failErr(w, a.Log, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, judicialJSON(ja))
}

// ResubmitJudicial sends an application that could not be delivered to the
// court system again, under its idempotency key.
func (a *API) ResubmitJudicial(w http.ResponseWriter, r *http.Request) {
	id, ok := pathID(w, r)
	if !ok || !noBody(w, r) {
		return
	}
	p := auth.From(r.Context())
	if err := a.Agreement.ResubmitJudicial(r.Context(), p, id); err != nil {
		failErr(w, a.Log, r, err)
		return
	}
	f, err := a.CaseFile.Agreement(r.Context(), p, id)
	if err != nil {
		failErr(w, a.Log, r, err)
		return
	}
	if f.Judicial == nil {
		failErr(w, a.Log, r, fmt.Errorf("case %d: resubmitted application not found", id))
		return
	}
	writeJSON(w, http.StatusOK, judicialJSON(*f.Judicial))
}

// CourtJSON is a court a case's application may go to.
type CourtJSON struct {
	ID   int64  `json:"id"`
	Name string `json:"name"`
}

// Courts lists the courts of the case's district.
func (a *API) Courts(w http.ResponseWriter, r *http.Request) {
	id, ok := pathID(w, r)
	if !ok {
		return
	}
	c, _, err := a.Intake.Get(r.Context(), auth.From(r.Context()), id)
	if err != nil {
		failErr(w, a.Log, r, err)
		return
	}
	us, err := a.Agreement.Courts(r.Context(), c)
	if err != nil {
		failErr(w, a.Log, r, err)
		return
	}
	out := []CourtJSON{}
	for _, u := range us {
		out = append(out, CourtJSON{ID: u.ID, Name: u.Name})
	}
	writeJSON(w, http.StatusOK, out)
}

// JudicialList is a page of a court's applications; NextCursor, passed as
// after=, is the following page.
type JudicialList struct {
	Applications []JudicialJSON `json:"applications"`
	Limit        int            `json:"limit"`
	NextCursor   string         `json:"next_cursor,omitempty"`
}

// CourtQueue is a court liaison's list of applications, a page at a time:
// those awaiting the court oldest first, or (state=decided) those it
// decided newest first.
func (a *API) CourtQueue(w http.ResponseWriter, r *http.Request) {
	q, msg := agreement.ParseCourtQuery(r.URL.Query())
	if msg != "" {
		Fail(w, http.StatusBadRequest, msg)
		return
	}
	page, err := a.Agreement.CourtQueue(r.Context(), auth.From(r.Context()), q)
	if err != nil {
		failErr(w, a.Log, r, err)
		return
	}
	out := JudicialList{Applications: []JudicialJSON{}, Limit: q.Limit}
	for _, ja := range page.Items {
		out.Applications = append(out.Applications, judicialJSON(ja))
	}
	if page.Next != nil {
		out.NextCursor = page.Next.String()
	}
	writeJSON(w, http.StatusOK, out)
}

// CourtDecisionRequest is the court's step on an application.
type CourtDecisionRequest struct {
	Decision string `json:"decision" api:"required" enum:"court_decision"`
	Ruling   string `json:"ruling,omitempty"` // 确认裁定书文号, for "confirmed"
	Reason   string `json:"reason,omitempty"` // for "rejected"
}

// CourtDecide records the court's acceptance, confirmation or rejection; the
// path id is the case's.
func (a *API) CourtDecide(w http.ResponseWriter, r *http.Request) {
	id, ok := pathID(w, r)
	if !ok {
		return
	}
	var in CourtDecisionRequest
	if !decode(w, r, &in) {
		return
	}
	p := auth.From(r.Context())
	if err := a.Agreement.CourtDecide(r.Context(), p, id, in.Decision, in.Ruling, in.Reason); err != nil {
		failErr(w, a.Log, r, err)
		return
	}
	ja, err := a.Agreement.CourtApplication(r.Context(), p, id)
	if err != nil {
		failErr(w, a.Log, r, err)
		return
	}
	writeJSON(w, http.StatusOK, judicialJSON(ja))
}

// VerifyJSON answers the public agreement verification.
type VerifyJSON struct {
	CaseNumber  string    `json:"case_number"`
	EffectiveAt time.Time `json:"effective_at"`
	Valid       bool      `json:"valid"`
	Message     string    `json:"message"`
}

// PDF marks routes that answer a PDF document rather than JSON.
type PDF struct{}
