package web

import (
	"errors"
	"net/http"
	"strconv"

	"github.com/tiaojie/tiaojie/internal/auth"
	"github.com/tiaojie/tiaojie/internal/consent"
)

type consentPage struct {
	V     consent.View
	Party string
	Done  string
}

// ConsentForm is the party's phone page behind the SMS link: the rights and
// duties notice and the two questions. The link is the credential.
func (pg *Pages) ConsentForm(w http.ResponseWriter, r *http.Request) {
	v, err := pg.Consent.ByToken(r.Context(), r.PathValue("token"))
	if err != nil {
		pg.consentError(w, r, err)
		return
	}
	d := consentPage{V: v, Party: consent.PartyLabel(v.Consent.PartyKind)}
	if v.Consent.Decision != "pending" {
		d.Done = map[string]string{"agree": "您已同意调解，调解员将与您联系。", "refuse": "您已选择不同意调解。"}[v.Consent.Decision]
	}
	pg.render(w, r, http.StatusOK, "consent", "调解意愿确认", d)
}

// ConsentAnswer records the party's choice.
func (pg *Pages) ConsentAnswer(w http.ResponseWriter, r *http.Request) {
	token := r.PathValue("token")
	choice := r.PostFormValue("mediation")
	if choice != "agree" && choice != "refuse" {
		pg.Sessions.Put(r.Context(), "error", "请选择是否同意调解")
		pg.ConsentForm(w, r)
		return
	}
	_, err := pg.Consent.Answer(r.Context(), token, choice == "agree", r.PostFormValue("online") == "agree", mustID(r.PostFormValue("mediator")))
	if err != nil {
		pg.consentError(w, r, err)
		return
	}
	pg.flash(r, map[string]string{"agree": "感谢您的确认。调解员将尽快与您联系。", "refuse": "已记录您不同意调解的选择。您仍可通过投诉、仲裁或诉讼等途径解决纠纷。"}[choice])
	http.Redirect(w, r, "/consent/"+token, http.StatusSeeOther)
}

func (pg *Pages) consentError(w http.ResponseWriter, r *http.Request, err error) {
	switch {
	case errors.Is(err, consent.ErrBadLink):
		pg.Fail(w, r, http.StatusNotFound, err.Error())
	case errors.Is(err, consent.ErrAnswered):
		pg.Fail(w, r, http.StatusConflict, err.Error())
	default:
		pg.failErr(w, r, err)
	}
}

// RequestConsent sends the consent links of an accepted case.
func (pg *Pages) RequestConsent(w http.ResponseWriter, r *http.Request) {
	id := mustID(r.PathValue("id"))
	if _, err := pg.Consent.Request(r.Context(), auth.From(r.Context()), id, r.PostFormValue("merchant_phone")); err != nil {
		pg.failErr(w, r, err)
		return
	}
	pg.flash(r, "调解意愿确认短信已排队，将发送给双方当事人。")
	http.Redirect(w, r, "/cases/"+strconv.FormatInt(id, 10), http.StatusSeeOther)
}

// RecordConsent stores consent given on paper, by phone or in person.
func (pg *Pages) RecordConsent(w http.ResponseWriter, r *http.Request) {
	id := mustID(r.PathValue("id"))
	f := r.PostForm
	if err := pg.Consent.Record(r.Context(), auth.From(r.Context()), id, f.Get("party"), f.Get("mediation") == "agree", f.Get("online") == "agree", f.Get("method")); err != nil {
		pg.failErr(w, r, err)
		return
	}
	pg.flash(r, "已记录当事人调解意愿。")
	http.Redirect(w, r, "/cases/"+strconv.FormatInt(id, 10), http.StatusSeeOther)
}

// Outbox lists the SMS the platform queued, with where each stands.
func (pg *Pages) Outbox(w http.ResponseWriter, r *http.Request) {
	es, err := pg.Consent.Outbox(r.Context(), auth.From(r.Context()))
	if err != nil {
		pg.failErr(w, r, err)
		return
	}
	pg.render(w, r, http.StatusOK, "outbox", "短信发件箱", struct{ Entries []consent.OutboxEntry }{es})
}
