package web

import (
	"net/http"
	"strconv"

	"github.com/tiaojie/tiaojie/internal/auth"
	"github.com/tiaojie/tiaojie/internal/store"
)

// Consult sends a question about a case to an expert.
func (pg *Pages) Consult(w http.ResponseWriter, r *http.Request) {
	id := mustID(r.PathValue("id"))
	_, err := pg.Consultation.Ask(r.Context(), auth.From(r.Context()), id, mustID(r.PostFormValue("expert")), r.PostFormValue("question"), r.PostFormValue("shared"))
	pg.mediationDone(w, r, id, err, "已发送专家咨询。")
}

// Consultations is an expert's inbox.
func (pg *Pages) Consultations(w http.ResponseWriter, r *http.Request) {
	ks, err := pg.Consultation.Inbox(r.Context(), auth.From(r.Context()))
	if err != nil {
		pg.failErr(w, r, err)
		return
	}
	pg.render(w, r, http.StatusOK, "consultations", "专家咨询", struct{ Items []store.Consultation }{ks})
}

// ConsultationAnswer records an expert's answer.
func (pg *Pages) ConsultationAnswer(w http.ResponseWriter, r *http.Request) {
	id := mustID(r.PathValue("id"))
	if err := pg.Consultation.Answer(r.Context(), auth.From(r.Context()), id, r.PostFormValue("answer")); err != nil {
		pg.failErr(w, r, err)
		return
	}
	pg.flash(r, "已答复。")
	http.Redirect(w, r, "/consultations#k"+strconv.FormatInt(id, 10), http.StatusSeeOther)
}
