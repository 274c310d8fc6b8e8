package web

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"github.com/tiaojie/tiaojie/internal/access"
	"net/http"
	"strconv"

	"github.com/tiaojie/tiaojie/internal/auth"
	"github.com/tiaojie/tiaojie/internal/domain"
	"github.com/tiaojie/tiaojie/internal/intake"
)

type registerData struct {
	In         intake.Complaint
	Amount     string
	Err        error
	Key        string
	Channels   []domain.Channel
	Categories []string
}

func newKey() string {
	b := make([]byte, 16)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// NewCaseForm shows the walk-in / phone registration form.
func (pg *Pages) NewCaseForm(w http.ResponseWriter, r *http.Request) {
	pg.render(w, r, http.StatusOK, "case_new", "登记投诉", registerData{
		In: intake.Complaint{Channel: string(domain.ChannelWalkIn)}, Key: newKey(),
		Channels: staffChannels, Categories: domain.Categories})
}

// staffChannels are the channels a person registers by hand.
var staffChannels = []domain.Channel{domain.ChannelWalkIn, domain.ChannelPhone, domain.Channel12315, domain.ChannelLetters}

// CreateCase registers the form; a double submit (same form key) gives the same case.
func (pg *Pages) CreateCase(w http.ResponseWriter, r *http.Request) {
	f := r.PostForm
	in := intake.Complaint{
		ComplainantName: f.Get("complainant_name"), Phone: f.Get("phone"), IDNumber: f.Get("id_number"),
		MerchantName: f.Get("merchant_name"), CreditCode: f.Get("credit_code"), MerchantAddress: f.Get("merchant_address"),
		Category: f.Get("category"), Description: f.Get("description"), Claim: f.Get("claim"),
		ExternalID: f.Get("external_id"), Channel: f.Get("channel"),
	}
	data := registerData{In: in, Amount: f.Get("claim_amount"), Key: f.Get("idempotency_key"),
		Channels: staffChannels, Categories: domain.Categories}
	if data.Key == "" {
		data.Key = newKey()
	}
	fen, err := domain.ParseYuan(data.Amount)
	if err != nil {
		data.Err = &access.ValidationError{Fields: []*domain.FieldError{err.(*domain.FieldError)}}
		pg.render(w, r, http.StatusUnprocessableEntity, "case_new", "登记投诉", data)
		return
	}
	in.ClaimAmountFen = fen
	c, _, err := pg.Complaints.Register(r.Context(), auth.From(r.Context()), in, data.Key)
	if err != nil {
		status, msg := access.StatusOf(err)
		if status == http.StatusInternalServerError {
			pg.serverError(w, r, err)
			return
		}
		data.Err = err
		pg.Sessions.Put(r.Context(), "error", msg)
		pg.render(w, r, status, "case_new", "登记投诉", data)
		return
	}
	pg.flash(r, fmt.Sprintf("已登记，案号%s。请在7个工作日内作出是否受理的决定。", c.Number))
	http.Redirect(w, r, "/cases/"+strconv.FormatInt(c.ID, 10), http.StatusSeeOther)
}

// Decide handles the accept and reject buttons.
func (pg *Pages) Decide(accept bool) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
		if err != nil {
			pg.Fail(w, r, http.StatusNotFound, "案件不存在")
			return
		}
		version, _ := strconv.ParseInt(r.PostFormValue("version"), 10, 64)
		d := intake.Decision{Accept: accept, ReasonCode: r.PostFormValue("reason"), Note: r.PostFormValue("note"), Version: version}
		c, err := pg.Intake.Decide(r.Context(), auth.From(r.Context()), id, d)
		if err != nil {
			status, msg := access.StatusOf(err)
			if status == http.StatusInternalServerError {
				pg.serverError(w, r, err)
				return
			}
			if status == http.StatusNotFound || status == http.StatusForbidden {
				pg.Fail(w, r, status, msg)
				return
			}
			pg.Sessions.Put(r.Context(), "error", msg)
			pg.showCase(w, r, id, status)
			return
		}
		if accept {
			pg.flash(r, "已受理。调解期限自今日起算。")
		} else {
			pg.flash(r, "已决定不予受理。")
		}
		http.Redirect(w, r, "/cases/"+strconv.FormatInt(c.ID, 10), http.StatusSeeOther)
	}
}
