package web

import (
	"errors"
	"github.com/tiaojie/tiaojie/internal/access"
	"net/http"

	"github.com/tiaojie/tiaojie/internal/domain"
	"github.com/tiaojie/tiaojie/internal/intake"
)

type fileData struct {
	In         intake.Complaint
	Amount     string
	Committee  int64
	Committees []intake.Unit
	Categories []string
	Key        string
	Err        error
	CodeSent   bool
	Filed      *intake.Case
}

// FileForm is the consumer's phone form for filing a complaint online.
func (pg *Pages) FileForm(w http.ResponseWriter, r *http.Request) {
	pg.showFile(w, r, http.StatusOK, fileData{Key: newKey()})
}

func (pg *Pages) showFile(w http.ResponseWriter, r *http.Request, status int, d fileData) {
	cs, err := pg.Online.Committees(r.Context())
	if err != nil {
		pg.serverError(w, r, err)
		return
	}
	d.Committees, d.Categories = cs, domain.Categories
	pg.render(w, r, status, "file", "网上申请调解", d)
}

// File sends the code (action=code) or files the complaint (action=file).
func (pg *Pages) File(w http.ResponseWriter, r *http.Request) {
	f := r.PostForm
	d := fileData{In: intake.Complaint{ComplainantName: f.Get("complainant_name"), Phone: f.Get("phone"), IDNumber: f.Get("id_number"),
		MerchantName: f.Get("merchant_name"), MerchantAddress: f.Get("merchant_address"), Category: f.Get("category"),
		Description: f.Get("description"), Claim: f.Get("claim")}, Amount: f.Get("claim_amount"), Committee: mustID(f.Get("committee")), Key: f.Get("key")}
	if d.Key == "" {
		d.Key = newKey()
	}
	if f.Get("action") == "code" {
		err := pg.Online.SendCode(r.Context(), d.In.Phone)
		var fe *domain.FieldError
		if errors.As(err, &fe) {
			d.Err = &access.ValidationError{Fields: []*domain.FieldError{fe}}
			pg.showFile(w, r, http.StatusUnprocessableEntity, d)
			return
		} else if err != nil {
			pg.serverError(w, r, err)
			return
		}
		d.CodeSent = true
		pg.showFile(w, r, http.StatusOK, d)
		return
	}
	fen, err := domain.ParseYuan(d.Amount)
	if err != nil {
		d.Err = &access.ValidationError{Fields: []*domain.FieldError{err.(*domain.FieldError)}}
		pg.showFile(w, r, http.StatusUnprocessableEntity, d)
		return
	}
	d.In.ClaimAmountFen = fen
	c, err := pg.Online.File(r.Context(), d.Committee, d.In, f.Get("code"), d.Key)
	if err != nil {
		status, msg := access.StatusOf(err)
		if status == http.StatusInternalServerError {
			pg.serverError(w, r, err)
			return
		}
		d.Err = err // no code was sent by this request: say nothing about one
		pg.Sessions.Put(r.Context(), "error", msg)
		pg.showFile(w, r, status, d)
		return
	}
	d.Filed = &c
	pg.showFile(w, r, http.StatusCreated, d)
}
