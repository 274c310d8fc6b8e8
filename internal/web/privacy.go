package web

import (
	"encoding/json"
	"fmt"
	"html/template"
	"net/http"
	"strconv"
	"time"

	"github.com/tiaojie/tiaojie/internal/access"
	"github.com/tiaojie/tiaojie/internal/auth"
	"github.com/tiaojie/tiaojie/internal/privacy"
)

// Personal-data access on record: the reveal on the case page, the
// auditor's reveal log, the committee's request queue and retention
// periods, and the party's own page of their data and requests.

func init() {
	funcs["revealPurposes"] = func() []privacy.Code { return privacy.Purposes }
	funcs["revealFields"] = func() []privacy.Code { return privacy.Fields }
	// The case page repeats both lists in each party's reveal form: made once.
	fields, purposes := optionsOf(privacy.Fields, privacyPair, ""), optionsOf(privacy.Purposes, privacyPair, "")
	funcs["revealFieldOptions"] = func() template.HTML { return fields }
	funcs["revealPurposeOptions"] = func() template.HTML { return purposes }
	funcs["purposeLabel"] = privacy.PurposeLabel
	funcs["piiFieldLabel"] = privacy.FieldLabel
	funcs["privacyKind"] = privacy.KindLabel
	funcs["privacyStatus"] = privacy.StatusLabel
}

// noStore keeps a page with personal data out of every cache.
func noStore(w http.ResponseWriter) {
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Pragma", "no-cache")
}

type revealData struct {
	V   privacy.Revealed
	TTL int // seconds
}

// RevealParty shows one party's full value for RevealTTL after the purpose
// is chosen; the answer to this POST is the only place it appears.
func (pg *Pages) RevealParty(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	pid, err := strconv.ParseInt(r.PathValue("pid"), 10, 64)
	if err != nil {
		pid = -1
	}
	v, err := pg.Privacy.Reveal(ctx, auth.From(ctx), mustID(r.PathValue("id")), pid,
		privacy.RevealRequest{Field: r.PostFormValue("field"), Purpose: r.PostFormValue("purpose"), Note: r.PostFormValue("note")})
	if err != nil {
		pg.failErr(w, r, err)
		return
	}
	noStore(w)
	pg.render(w, r, http.StatusOK, "reveal", "查看当事人信息 "+v.CaseNumber, revealData{V: v, TTL: int(privacy.RevealTTL / time.Second)})
}

type revealLogData struct {
	Rows []privacy.RevealRow
	More bool // more reveals match than Rows lists
	Q    privacy.RevealQuery
	Err  error
}

// RevealLog is the auditor's page: who saw whose full data, filterable.
func (pg *Pages) RevealLog(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	v := r.URL.Query()
	q := privacy.RevealQuery{User: v.Get("user"), Field: v.Get("field"), From: v.Get("from"), To: v.Get("to")}
	q.CaseID, _ = strconv.ParseInt(v.Get("case_id"), 10, 64)
	rows, more, err := pg.Privacy.Reveals(ctx, auth.From(ctx), q)
	status := http.StatusOK
	if err != nil {
		if st, _ := access.StatusOf(err); st != http.StatusUnprocessableEntity {
			pg.failErr(w, r, err)
			return
		}
		status = http.StatusUnprocessableEntity
	}
	pg.render(w, r, status, "reveals", "个人信息查看记录", revealLogData{Rows: rows, More: more, Q: q, Err: err})
}

type privacyDeskData struct {
	Requests  []privacy.Request
	Committee string
	Retention privacy.Retention
	Sweep     privacy.Sweep
	Status    string
	Err       error
}

// PrivacyDesk is the committee's queue of parties' requests with the
// retention periods.
func (pg *Pages) PrivacyDesk(w http.ResponseWriter, r *http.Request) {
	pg.privacyDesk(w, r, http.StatusOK, nil)
}

func (pg *Pages) privacyDesk(w http.ResponseWriter, r *http.Request, status int, formErr error) {
	ctx := r.Context()
	p := auth.From(ctx)
	d := privacyDeskData{Status: r.URL.Query().Get("status"), Err: formErr}
	var err error
	if d.Requests, err = pg.Privacy.Requests(ctx, p, d.Status); err != nil {
		pg.failErr(w, r, err)
		return
	}
	c, ret, err := pg.Privacy.RetentionFor(ctx, p, 0)
	if err != nil {
		pg.failErr(w, r, err)
		return
	}
	d.Committee, d.Retention = c.Name, ret
	if d.Sweep, err = pg.Privacy.LastSweep(ctx); err != nil {
		pg.serverError(w, r, err)
		return
	}
	pg.render(w, r, status, "privacy", "个人信息请求", d)
}

// SetRetention saves the committee's retention periods.
func (pg *Pages) SetRetention(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	closed, err1 := strconv.Atoi(r.PostFormValue("closed_years"))
	archived, err2 := strconv.Atoi(r.PostFormValue("archived_years"))
	if err1 != nil || err2 != nil {
		closed, archived = 0, 0
	}
	if _, err := pg.Privacy.SetRetention(ctx, auth.From(ctx), 0, closed, archived); err != nil {
		if st, _ := access.StatusOf(err); st == http.StatusUnprocessableEntity {
			pg.privacyDesk(w, r, st, err)
			return
		}
		pg.failErr(w, r, err)
		return
	}
	pg.flash(r, "保存期限已更新。")
	http.Redirect(w, r, "/privacy", http.StatusSeeOther)
}

// DecidePrivacyRequest answers a request from the queue.
func (pg *Pages) DecidePrivacyRequest(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	q, err := pg.Privacy.Decide(ctx, auth.From(ctx), mustID(r.PathValue("id")), r.PostFormValue("action"), r.PostFormValue("reason"))
	if err != nil {
		pg.failErr(w, r, err)
		return
	}
	pg.flash(r, fmt.Sprintf("%s 的请求：%s。%s", q.CaseNumber, privacy.StatusLabel(q.Status), q.Reason))
	http.Redirect(w, r, "/privacy", http.StatusSeeOther)
}

// PrivacyExportForCommittee downloads a party's data for the committee to hand over.
func (pg *Pages) PrivacyExportForCommittee(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	e, err := pg.Privacy.ExportForCommittee(ctx, auth.From(ctx), mustID(r.PathValue("id")))
	if err != nil {
		pg.failErr(w, r, err)
		return
	}
	sendExport(w, e)
}

func sendExport(w http.ResponseWriter, e privacy.Export) {
	noStore(w)
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="personal-data-`+e.CaseNumber+`.json"`)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	enc.Encode(e)
}

// PartyRequestPrivacy records a request made by staff on a party's behalf.
func (pg *Pages) PartyRequestPrivacy(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	pid, err := strconv.ParseInt(r.PathValue("pid"), 10, 64)
	if err != nil {
		pid = -1
	}
	q, err := pg.Privacy.RequestForParty(ctx, auth.From(ctx), privacy.NewRequest{CaseID: mustID(r.PathValue("id")), PartyID: pid,
		Kind: r.PostFormValue("kind"), Note: r.PostFormValue("note")})
	if err != nil {
		pg.failErr(w, r, err)
		return
	}
	pg.flash(r, "已登记当事人的“"+privacy.KindLabel(q.Kind)+"”请求，调解委员会将于"+q.DueOn+"前答复。")
	http.Redirect(w, r, "/cases/"+strconv.FormatInt(q.CaseID, 10), http.StatusSeeOther)
}

type myDataData struct {
	V    privacy.PartyView
	Base string
	Done string
}

// MyData is the party's page of their personal data and requests.
func (pg *Pages) MyData(w http.ResponseWriter, r *http.Request) {
	rd, ok := pg.partyReader(w, r)
	if !ok {
		return
	}
	v, err := pg.Privacy.ForParty(r.Context(), rd.Case, rd.Kind)
	if err != nil {
		pg.failErr(w, r, err)
		return
	}
	noStore(w)
	pg.render(w, r, http.StatusOK, "mydata", "我的个人信息", myDataData{V: v, Base: "/p/" + rd.Token, Done: r.URL.Query().Get("done")})
}

// MyDataRequest records the party's own request.
func (pg *Pages) MyDataRequest(w http.ResponseWriter, r *http.Request) {
	rd, ok := pg.partyReader(w, r)
	if !ok {
		return
	}
	if _, err := pg.Privacy.RequestAsParty(r.Context(), rd.Case, rd.Kind, privacy.NewRequest{Kind: r.PostFormValue("kind"), Note: r.PostFormValue("note")}); err != nil {
		pg.failErr(w, r, err)
		return
	}
	http.Redirect(w, r, "/p/"+rd.Token+"/privacy?done=1", http.StatusSeeOther)
}

// MyDataExport downloads the party's data once an export request is answered.
func (pg *Pages) MyDataExport(w http.ResponseWriter, r *http.Request) {
	rd, ok := pg.partyReader(w, r)
	if !ok {
		return
	}
	e, err := pg.Privacy.ExportForParty(r.Context(), rd.Case, rd.Kind)
	if err != nil {
		pg.failErr(w, r, err)
		return
	}
	sendExport(w, e)
}
