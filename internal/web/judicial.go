package web

import (
	"net/http"
	"strconv"

	"github.com/tiaojie/tiaojie/internal/agreement"
	"github.com/tiaojie/tiaojie/internal/auth"
)

// ApplyJudicial files the parties' joint application for judicial
// confirmation. With a court system it is queued, not sent: the page says so.
func (pg *Pages) ApplyJudicial(w http.ResponseWriter, r *http.Request) {
	id := mustID(r.PathValue("id"))
	ja, err := pg.Agreement.ApplyJudicial(r.Context(), auth.From(r.Context()), id, mustID(r.PostFormValue("court")), r.PostFormValue("joint") == "yes")
	msg := "已提交司法确认申请，由法院联络人在本平台办理。"
	if ja.Status == "sending" {
		msg = "申请已保存，已排队提交法院：系统在后台送达法院系统，送达情况见本页“司法确认”一栏。"
	}
	pg.mediationDone(w, r, id, err, msg)
}

// ResubmitJudicial sends an application that could not be delivered to the
// court system again (same application, same idempotency key).
func (pg *Pages) ResubmitJudicial(w http.ResponseWriter, r *http.Request) {
	id := mustID(r.PathValue("id"))
	err := pg.Agreement.ResubmitJudicial(r.Context(), auth.From(r.Context()), id)
	pg.mediationDone(w, r, id, err, "已重新排队提交法院。")
}

// CourtResubmit is ResubmitJudicial from the court liaison's list.
func (pg *Pages) CourtResubmit(w http.ResponseWriter, r *http.Request) {
	id := mustID(r.PathValue("id"))
	if err := pg.Agreement.CourtResubmit(r.Context(), auth.From(r.Context()), id); err != nil {
		pg.failErr(w, r, err)
		return
	}
	pg.flash(r, "已重新排队提交法院。")
	http.Redirect(w, r, "/court#j"+strconv.FormatInt(id, 10), http.StatusSeeOther)
}

// CourtQueue is a court liaison's list of applications, a page at a time:
// those awaiting the court oldest first (待处理), or those it decided newest
// first (已裁定).
func (pg *Pages) CourtQueue(w http.ResponseWriter, r *http.Request) {
	q, msg := agreement.ParseCourtQuery(r.URL.Query())
	if msg != "" {
		pg.Fail(w, r, http.StatusBadRequest, msg)
		return
	}
	page, err := pg.Agreement.CourtQueue(r.Context(), auth.From(r.Context()), q)
	if err != nil {
		pg.failErr(w, r, err)
		return
	}
	state := "pending"
	if q.Decided {
		state = "decided"
	}
	pg.render(w, r, http.StatusOK, "court", "司法确认", pagedList("/court", state, "pending", q.Paging, page))
}

// CourtDecide records the court's acceptance, confirmation or rejection.
func (pg *Pages) CourtDecide(w http.ResponseWriter, r *http.Request) {
	id := mustID(r.PathValue("id"))
	if err := pg.Agreement.CourtDecide(r.Context(), auth.From(r.Context()), id, r.PostFormValue("decision"), r.PostFormValue("ruling"), r.PostFormValue("reason")); err != nil {
		pg.failErr(w, r, err)
		return
	}
	pg.flash(r, "已记录。")
	// Back to the card, in the list that holds it now: accepted, it still
	// awaits the court; any other decision moves it to the decided.
	list := "/court?state=decided"
	if r.PostFormValue("decision") == "accepted" {
		list = "/court"
	}
	http.Redirect(w, r, list+"#j"+strconv.FormatInt(id, 10), http.StatusSeeOther)
}

// CourtPackage serves the application package (ZIP) to the court.
func (pg *Pages) CourtPackage(w http.ResponseWriter, r *http.Request) {
	ja, err := pg.Agreement.CourtApplication(r.Context(), auth.From(r.Context()), mustID(r.PathValue("id")))
	if err != nil {
		pg.failErr(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "application/zip")
	w.Header().Set("Content-Disposition", `attachment; filename="`+ja.CaseNumber+`.zip"`)
	_, _ = w.Write(ja.Package)
}
