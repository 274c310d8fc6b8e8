package web

import (
	"errors"
	"net/http"
	"strconv"

	"github.com/tiaojie/tiaojie/internal/agreement"
	"github.com/tiaojie/tiaojie/internal/auth"
	"github.com/tiaojie/tiaojie/internal/domain"
)

// RequestRating sends the consumer the rating link.
func (pg *Pages) RequestRating(w http.ResponseWriter, r *http.Request) {
	id := mustID(r.PathValue("id"))
	pg.mediationDone(w, r, id, pg.Agreement.RequestRating(r.Context(), auth.From(r.Context()), id), "邀请消费者评价的短信已排队发送。")
}

// RateForm is the consumer's rating page.
func (pg *Pages) RateForm(w http.ResponseWriter, r *http.Request) {
	c, err := pg.Agreement.RatingCase(r.Context(), r.PathValue("token"))
	if err != nil {
		pg.Fail(w, r, http.StatusNotFound, agreement.ErrBadLink.Error())
		return
	}
	pg.render(w, r, http.StatusOK, "rate", "调解回访", struct {
		C    agreement.Case
		Done bool
	}{c, c.Status != domain.StatusPerforming})
}

// Rate records the consumer's rating.
func (pg *Pages) Rate(w http.ResponseWriter, r *http.Request) {
	tok := r.PathValue("token")
	sat, _ := strconv.Atoi(r.PostFormValue("satisfaction"))
	err := pg.Agreement.Rate(r.Context(), tok, sat, r.PostFormValue("comment"))
	var fe *domain.FieldError
	switch {
	case errors.Is(err, agreement.ErrBadLink):
		pg.Fail(w, r, http.StatusNotFound, err.Error())
		return
	case errors.As(err, &fe):
		pg.Fail(w, r, http.StatusUnprocessableEntity, fe.Message)
		return
	case err != nil:
		pg.failErr(w, r, err)
		return
	}
	pg.flash(r, "感谢您的评价！")
	http.Redirect(w, r, "/rate/"+tok, http.StatusSeeOther)
}
