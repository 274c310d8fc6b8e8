package web

import (
	"encoding/json"
	"github.com/tiaojie/tiaojie/internal/access"
	"net/http"
	"strconv"
	"strings"

	"github.com/tiaojie/tiaojie/internal/agreement"
	"github.com/tiaojie/tiaojie/internal/auth"
	"github.com/tiaojie/tiaojie/internal/domain"
)

// OralAgreement records an oral agreement reached in mediation.
func (pg *Pages) OralAgreement(w http.ResponseWriter, r *http.Request) {
	id := mustID(r.PathValue("id"))
	f := r.PostForm
	a := domain.AgreementContent{Facts: f.Get("facts"), Responsibility: f.Get("responsibility"), Prevention: f["prevention"]}
	var err error
	if a.Terms, err = termsFromForm(f); err != nil {
		pg.mediationDone(w, r, id, err, "")
		return
	}
	if r.PostFormValue("kind") == "written" {
		c, err := pg.Agreement.RecordWritten(r.Context(), auth.From(r.Context()), id, a)
		msg := "已生成调解协议书。"
		if err == nil {
			states, serr := pg.Agreement.SignerStates(r.Context(), c)
			if serr != nil {
				pg.serverError(w, r, serr)
				return
			}
			msg = agreement.SentWords(states)
		}
		pg.mediationDone(w, r, id, err, msg)
		return
	}
	_, err = pg.Agreement.RecordOral(r.Context(), auth.From(r.Context()), id, a)
	pg.mediationDone(w, r, id, err, "已记录口头协议，协议即时生效，进入履行。")
}

// Perform records one term's performance.
func (pg *Pages) Perform(w http.ResponseWriter, r *http.Request) {
	id := mustID(r.PathValue("id"))
	term, _ := strconv.Atoi(r.PostFormValue("term"))
	err := pg.Agreement.Perform(r.Context(), auth.From(r.Context()), id, term, r.PostFormValue("proof"))
	pg.mediationDone(w, r, id, err, "已记录履行。")
}

// FollowUp records the follow-up call.
func (pg *Pages) FollowUp(w http.ResponseWriter, r *http.Request) {
	id := mustID(r.PathValue("id"))
	sat, _ := strconv.Atoi(r.PostFormValue("satisfaction"))
	_, err := pg.Agreement.FollowUp(r.Context(), auth.From(r.Context()), id, agreement.FollowUp{Satisfaction: sat, Method: r.PostFormValue("method"),
		Comment: r.PostFormValue("comment"), Commendation: r.PostFormValue("commendation")})
	pg.mediationDone(w, r, id, err, "已记录回访。")
}

// Archive freezes the case file.
func (pg *Pages) Archive(w http.ResponseWriter, r *http.Request) {
	id := mustID(r.PathValue("id"))
	_, err := pg.Agreement.Archive(r.Context(), auth.From(r.Context()), id)
	pg.mediationDone(w, r, id, err, "已归档。")
}

// ArchivePDF serves the frozen case file to whoever may read the case.
func (pg *Pages) ArchivePDF(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	a, err := pg.Agreement.ArchiveFile(ctx, auth.From(ctx), mustID(r.PathValue("id")))
	if err != nil {
		pg.apiOrPageError(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "application/pdf")
	w.Header().Set("X-Content-SHA256", a.SHA256)
	w.Write(a.PDF)
}

// apiOrPageFail answers JSON on /api/ paths (documents served on both) and a page elsewhere.
func (pg *Pages) apiOrPageFail(w http.ResponseWriter, r *http.Request, status int, msg string) {
	if strings.HasPrefix(r.URL.Path, "/api/") {
		writeJSONBody(w, status, map[string]string{"error": msg})
		return
	}
	pg.Fail(w, r, status, msg)
}

func (pg *Pages) apiOrPageError(w http.ResponseWriter, r *http.Request, err error) {
	status, msg := access.StatusOf(err)
	if status == http.StatusInternalServerError {
		pg.Log.Error("request failed", "path", domain.RedactLinks(r.URL.Path), "err", err)
	}
	pg.apiOrPageFail(w, r, status, msg)
}

func writeJSONBody(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.Encode(v)
}
