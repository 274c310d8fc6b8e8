package web

import (
	"errors"

	"github.com/tiaojie/tiaojie/internal/agreement"
	"net/http"
	"strconv"

	"github.com/tiaojie/tiaojie/internal/auth"
	"github.com/tiaojie/tiaojie/internal/store"
)

// ApplyJudicial files the parties' joint application for judicial confirmation.
func (pg *Pages) ApplyJudicial(w http.ResponseWriter, r *http.Request) {
	id := mustID(r.PathValue("id"))
	_, err := pg.Agreement.ApplyJudicial(r.Context(), auth.From(r.Context()), id, mustID(r.PostFormValue("court")), r.PostFormValue("joint") == "yes")
	if errors.Is(err, agreement.ErrCourtQueued) { // stored; the sweep delivers it
		pg.mediationDone(w, r, id, nil, err.Error())
		return
	}
	pg.mediationDone(w, r, id, err, "已向法院提交司法确认申请。")
}

// CourtQueue is a court liaison's list of applications.
func (pg *Pages) CourtQueue(w http.ResponseWriter, r *http.Request) {
	items, err := pg.Agreement.CourtQueue(r.Context(), auth.From(r.Context()))
	if err != nil {
		pg.failErr(w, r, err)
		return
	}
	pg.render(w, r, http.StatusOK, "court", "司法确认", struct{ Items []store.JudicialApplication }{items})
}

// CourtDecide records the court's acceptance, confirmation or rejection.
func (pg *Pages) CourtDecide(w http.ResponseWriter, r *http.Request) {
	id := mustID(r.PathValue("id"))
	if err := pg.Agreement.CourtDecide(r.Context(), auth.From(r.Context()), id, r.PostFormValue("decision"), r.PostFormValue("ruling"), r.PostFormValue("reason")); err != nil {
		pg.failErr(w, r, err)
		return
	}
	pg.flash(r, "已记录。")
	http.Redirect(w, r, "/court#j"+strconv.FormatInt(id, 10), http.StatusSeeOther)
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
