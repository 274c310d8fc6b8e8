package web

import (
	"net/http"
	"strconv"

	"github.com/tiaojie/tiaojie/internal/auth"
	"github.com/tiaojie/tiaojie/internal/consultation"
)

// Consult sends a question about a case to an expert.
func (pg *Pages) Consult(w http.ResponseWriter, r *http.Request) {
	id := mustID(r.PathValue("id"))
	_, err := pg.Consultation.Ask(r.Context(), auth.From(r.Context()), id, mustID(r.PostFormValue("expert")), r.PostFormValue("question"), r.PostFormValue("shared"))
	pg.mediationDone(w, r, id, err, "已发送专家咨询。")
}

// Consultations is an expert's inbox, a page at a time: those awaiting the
// expert's opinion oldest first (待答复), or those answered newest first.
func (pg *Pages) Consultations(w http.ResponseWriter, r *http.Request) {
	q, msg := consultation.ParseInboxQuery(r.URL.Query())
	if msg != "" {
		pg.Fail(w, r, http.StatusBadRequest, msg)
		return
	}
	page, err := pg.Consultation.Inbox(r.Context(), auth.From(r.Context()), q)
	if err != nil {
		pg.failErr(w, r, err)
		return
	}
	state := "open"
	if q.Answered {
		state = "answered"
	}
	pg.render(w, r, http.StatusOK, "consultations", "专家咨询", pagedList("/consultations", state, "open", q.Paging, page))
}

// ConsultationAnswer records an expert's answer.
func (pg *Pages) ConsultationAnswer(w http.ResponseWriter, r *http.Request) {
	id := mustID(r.PathValue("id"))
	if err := pg.Consultation.Answer(r.Context(), auth.From(r.Context()), id, r.PostFormValue("answer")); err != nil {
		pg.failErr(w, r, err)
		return
	}
	pg.flash(r, "已答复。")
	// Back to the card among the answered, where it is now.
	http.Redirect(w, r, "/consultations?state=answered#k"+strconv.FormatInt(id, 10), http.StatusSeeOther)
}
