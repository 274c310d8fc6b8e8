package web

import (
	"bytes"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/tiaojie/tiaojie/internal/assignment"
	"github.com/tiaojie/tiaojie/internal/calendar"
	"github.com/tiaojie/tiaojie/internal/document"
	"github.com/tiaojie/tiaojie/internal/domain"
	"github.com/tiaojie/tiaojie/internal/mediation"

	"github.com/tiaojie/tiaojie/internal/auth"
)

func (pg *Pages) mediationDone(w http.ResponseWriter, r *http.Request, id int64, err error, msg string) {
	if err != nil {
		if !pg.caseInvalid(w, r, id, err) {
			pg.failErr(w, r, err)
		}
		return
	}
	pg.flash(r, msg)
	http.Redirect(w, r, "/cases/"+strconv.FormatInt(id, 10), http.StatusSeeOther)
}

// Suspend pauses a case (中止).
func (pg *Pages) Suspend(w http.ResponseWriter, r *http.Request) {
	id := mustID(r.PathValue("id"))
	_, err := pg.Mediation.Suspend(r.Context(), auth.From(r.Context()), id, r.PostFormValue("reason"), r.PostFormValue("note"))
	pg.mediationDone(w, r, id, err, "已中止，办理期限暂停计算。")
}

// Resume restarts a suspended case.
func (pg *Pages) Resume(w http.ResponseWriter, r *http.Request) {
	id := mustID(r.PathValue("id"))
	_, err := pg.Mediation.Resume(r.Context(), auth.From(r.Context()), id, r.PostFormValue("note"))
	pg.mediationDone(w, r, id, err, "已恢复调解，办理期限继续计算。")
}

// Recusal records a recusal request or declaration.
func (pg *Pages) Recusal(w http.ResponseWriter, r *http.Request) {
	id := mustID(r.PathValue("id"))
	_, err := pg.Mediation.RequestRecusal(r.Context(), auth.From(r.Context()), id, r.PostFormValue("by"), r.PostFormValue("note"))
	pg.mediationDone(w, r, id, err, "已登记回避申请，案件中止，待工作室负责人决定。")
}

// RecusalDecision is the lead's decision on a recusal.
func (pg *Pages) RecusalDecision(w http.ResponseWriter, r *http.Request) {
	id := mustID(r.PathValue("id"))
	_, err := pg.Mediation.DecideRecusal(r.Context(), auth.From(r.Context()), id, r.PostFormValue("grant") == "1",
		mustID(r.PostFormValue("replacement")), r.PostFormValue("note"))
	pg.mediationDone(w, r, id, err, "已决定回避事项，案件恢复调解。")
}

// roomPeople lists a case's room mediators for the recusal form.
func (pg *Pages) roomPeople(r *http.Request, c mediation.Case) ([]assignment.User, error) {
	if c.RoomID == 0 {
		return nil, nil
	}
	return pg.Assignment.RoomMediators(r.Context(), c.RoomID)
}

// Terminate ends mediation without agreement.
func (pg *Pages) Terminate(w http.ResponseWriter, r *http.Request) {
	id := mustID(r.PathValue("id"))
	_, err := pg.Mediation.Terminate(r.Context(), auth.From(r.Context()), id, r.PostFormValue("reason"), r.PostFormValue("note"), r.PostForm["prevention"])
	pg.mediationDone(w, r, id, err, "已终止调解。请在期限内向双方送达终止调解告知书。")
}

// Withdraw records the applicant's withdrawal.
func (pg *Pages) Withdraw(w http.ResponseWriter, r *http.Request) {
	id := mustID(r.PathValue("id"))
	_, err := pg.Mediation.Withdraw(r.Context(), auth.From(r.Context()), id, r.PostFormValue("note"))
	pg.mediationDone(w, r, id, err, "已记录撤回。")
}

// NoticeSent records the delivery of the termination notice.
func (pg *Pages) NoticeSent(w http.ResponseWriter, r *http.Request) {
	id := mustID(r.PathValue("id"))
	_, err := pg.Mediation.NoticeSent(r.Context(), auth.From(r.Context()), id, r.PostFormValue("method"))
	pg.mediationDone(w, r, id, err, "已记录送达。")
}

// TerminationPDF serves the termination notice for one party.
func (pg *Pages) TerminationPDF(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	d, err := pg.Intake.Detail(ctx, auth.From(ctx), mustID(r.PathValue("id")))
	if err != nil {
		pg.failErr(w, r, err)
		return
	}
	pg.writeTermination(w, r, d.Case, d.Events, d.Committee.Name, r.URL.Query().Get("party"))
}

// writeTermination writes the 终止调解告知书 addressed to party ("merchant", else the consumer).
func (pg *Pages) writeTermination(w http.ResponseWriter, r *http.Request, c mediation.Case, events []mediation.Event, committee, party string) {
	if !domain.EndedByTermination(c.Status, c.ReasonCode) {
		pg.Fail(w, r, http.StatusNotFound, "该案件没有终止调解告知书")
		return
	}
	to := c.ConsumerName
	if party == "merchant" {
		to = c.MerchantName
	}
	var note string
	for _, e := range events {
		if e.Type == string(domain.ActionTerminate) {
			note = e.Note
		}
	}
	t := document.Termination{CaseNumber: c.Number, Addressee: to, ConsumerName: c.ConsumerName, MerchantName: c.MerchantName,
		CommitteeName: committee, Reason: domain.TerminateReasons.Label(c.ReasonCode), Note: note}
	if c.AcceptedAt != nil {
		t.AcceptedAt = *c.AcceptedAt
	}
	if c.ClosedAt != nil {
		t.TerminatedAt = *c.ClosedAt
	}
	var buf bytes.Buffer
	if err := document.WriteNotice(&buf, document.TerminationNotice(t)); err != nil {
		pg.serverError(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "application/pdf")
	w.Header().Set("Content-Disposition", fmt.Sprintf(`inline; filename="termination-%d.pdf"; filename*=UTF-8''%s`, c.ID, url.PathEscape("终止调解告知书"+c.Number+".pdf")))
	buf.WriteTo(w)
}

// ScheduleSession sets a session and notifies the parties.
func (pg *Pages) ScheduleSession(w http.ResponseWriter, r *http.Request) {
	id := mustID(r.PathValue("id"))
	// An unreadable time is left zero: the service checks scope first, then refuses it.
	at, _ := time.ParseInLocation("2006-01-02T15:04", r.PostFormValue("at"), calendar.Shanghai())
	_, err := pg.Mediation.Schedule(r.Context(), auth.From(r.Context()), id, r.PostFormValue("kind"), at, r.PostFormValue("place"))
	pg.mediationDone(w, r, id, err, "已安排调解，通知双方当事人的短信已排队发送。")
}

// RecordSession stores attendance and the mediation record.
func (pg *Pages) RecordSession(w http.ResponseWriter, r *http.Request) {
	id := mustID(r.PathValue("id"))
	err := pg.Mediation.Record(r.Context(), auth.From(r.Context()), id, mustID(r.PathValue("sid")), r.PostFormValue("held") != "0",
		r.PostFormValue("attendance"), r.PostFormValue("record"))
	pg.mediationDone(w, r, id, err, "已记录。")
}
