package web

import (
	"encoding/base64"
	"errors"
	"net/http"
	"strings"

	"github.com/tiaojie/tiaojie/internal/agreement"
	"github.com/tiaojie/tiaojie/internal/auth"
	"github.com/tiaojie/tiaojie/internal/domain"
)

type signPage struct {
	V        agreement.SignView
	CodeSent bool
}

// SignForm is a party's phone page for signing the agreement.
func (pg *Pages) SignForm(w http.ResponseWriter, r *http.Request) {
	pg.showSign(w, r, http.StatusOK, false)
}

func (pg *Pages) showSign(w http.ResponseWriter, r *http.Request, status int, sent bool) {
	v, err := pg.Agreement.ByToken(r.Context(), r.PathValue("token"))
	if errors.Is(err, agreement.ErrBadLink) {
		pg.Fail(w, r, http.StatusNotFound, err.Error())
		return
	} else if err != nil {
		pg.serverError(w, r, err)
		return
	}
	pg.render(w, r, status, "sign", "签署调解协议", signPage{V: v, CodeSent: sent})
}

// Sign sends a code (action=code) or records the signature.
func (pg *Pages) Sign(w http.ResponseWriter, r *http.Request) {
	tok := r.PathValue("token")
	if r.PostFormValue("action") == "code" {
		if err := pg.Agreement.SendCode(r.Context(), tok); err != nil {
			pg.signError(w, r, err)
			return
		}
		pg.showSign(w, r, http.StatusOK, true)
		return
	}
	data := r.PostFormValue("signature")
	img, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(data, "data:image/png;base64,"))
	if err != nil {
		img = nil
	}
	if err := pg.Agreement.PartySign(r.Context(), tok, r.PostFormValue("code"), img); err != nil {
		pg.signError(w, r, err)
		return
	}
	pg.flash(r, "签署成功。协议在各方签署并加盖调委会印章后生效。")
	http.Redirect(w, r, "/sign/"+tok, http.StatusSeeOther)
}

func (pg *Pages) signError(w http.ResponseWriter, r *http.Request, err error) {
	var fe *domain.FieldError
	switch {
	case errors.Is(err, agreement.ErrBadLink):
		pg.Fail(w, r, http.StatusNotFound, err.Error())
	case errors.As(err, &fe):
		pg.Sessions.Put(r.Context(), "error", fe.Message)
		pg.showSign(w, r, http.StatusUnprocessableEntity, fe.Field == "code" || fe.Field == "signature")
	default:
		pg.serverError(w, r, err)
	}
}

// MediatorSign and Seal: the mediator's signature and the committee's seal.
func (pg *Pages) MediatorSign(w http.ResponseWriter, r *http.Request) {
	id := mustID(r.PathValue("id"))
	pg.mediationDone(w, r, id, pg.Agreement.MediatorSign(r.Context(), auth.From(r.Context()), id), "调解员已签署。")
}

func (pg *Pages) Seal(w http.ResponseWriter, r *http.Request) {
	id := mustID(r.PathValue("id"))
	pg.mediationDone(w, r, id, pg.Agreement.Seal(r.Context(), auth.From(r.Context()), id), "已加盖调委会印章。")
}

// AgreementPDF serves the effective agreement to whoever may read the case.
func (pg *Pages) AgreementPDF(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	pdf, sha, err := pg.Agreement.Document(ctx, auth.From(ctx), mustID(r.PathValue("id")))
	if err != nil {
		pg.apiOrPageError(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "application/pdf")
	w.Header().Set("X-Content-SHA256", sha)
	w.Write(pdf)
}

// VerifyAgreement confirms a presented agreement by its SHA-256 (public).
func (pg *Pages) VerifyAgreement(w http.ResponseWriter, r *http.Request) {
	v, ok, err := pg.Agreement.Verify(r.Context(), r.URL.Query().Get("sha256"))
	if err != nil {
		pg.serverError(w, r, err)
		return
	}
	if !ok {
		pg.apiOrPageFail(w, r, http.StatusNotFound, "未找到该调解协议，文件可能已被改动或不是本平台出具")
		return
	}
	writeJSONBody(w, http.StatusOK, map[string]any{"case_number": v.CaseNumber, "effective_at": v.EffectiveAt, "valid": true,
		"message": "该调解协议由本平台出具，于" + v.EffectiveAt.Format("2006-01-02") + "生效，案号" + v.CaseNumber + "。"})
}
