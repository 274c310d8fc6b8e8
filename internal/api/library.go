package api

import (
	"errors"
	"net/http"
	"strconv"
	"time"

	"github.com/tiaojie/tiaojie/internal/auth"
	"github.com/tiaojie/tiaojie/internal/casebook"
)

// The typical-case library (典型案例): public reading without sign-in, and
// the staff workflow (nominate, edit, submit, publish, withdraw). What a
// caller may see and do is decided by the casebook service.

// LibraryCaseJSON is a published typical case: only anonymised text.
type LibraryCaseJSON struct {
	ID           int64     `json:"id"`
	Title        string    `json:"title"`
	Category     string    `json:"category"`
	Facts        string    `json:"facts" doc:"基本案情"`
	Process      string    `json:"process" doc:"调解过程"`
	Result       string    `json:"result" doc:"调解结果"`
	Significance string    `json:"significance" doc:"典型意义"`
	Committee    string    `json:"committee" doc:"发布的调解委员会"`
	PublishedAt  time.Time `json:"published_at"`
}

// LibraryListJSON answers GET /api/v1/library.
type LibraryListJSON struct {
	Cases      []LibraryCaseJSON `json:"cases"`
	Total      int               `json:"total"`
	Limit      int               `json:"limit"`
	Offset     int               `json:"offset"`
	Categories []string          `json:"categories" doc:"已发布案例的纠纷类别，用于筛选"`
}

func libraryCaseJSON(p casebook.Public) LibraryCaseJSON {
	return LibraryCaseJSON{ID: p.ID, Title: p.Title, Category: p.Category, Facts: p.Facts, Process: p.Process, Result: p.Result,
		Significance: p.Significance, Committee: p.Committee, PublishedAt: p.PublishedAt}
}

// Library searches the published typical cases.
func (a *API) Library(w http.ResponseWriter, r *http.Request) {
	v := r.URL.Query()
	limit, offset := 20, 0
	for _, k := range []string{"limit", "offset"} {
		if s := v.Get(k); s != "" {
			n, err := strconv.Atoi(s)
			if err != nil || n < 0 || (k == "limit" && (n < 1 || n > 100)) {
				Fail(w, http.StatusBadRequest, "limit 应为1至100，offset 应为非负整数")
				return
			}
			if k == "limit" {
				limit = n
			} else {
				offset = n
			}
		}
	}
	page, err := a.Services.Library.List(r.Context(), casebook.PublicQuery{Category: v.Get("category"), Text: v.Get("q"), Limit: limit, Offset: offset})
	if err != nil {
		failQuery(w, a.Log, r, err)
		return
	}
	out := LibraryListJSON{Cases: []LibraryCaseJSON{}, Total: page.Total, Limit: limit, Offset: offset, Categories: page.Categories}
	if out.Categories == nil {
		out.Categories = []string{}
	}
	for _, c := range page.Cases {
		out.Cases = append(out.Cases, libraryCaseJSON(c))
	}
	writeJSON(w, http.StatusOK, out)
}

func libraryID(w http.ResponseWriter, r *http.Request) (int64, bool) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		Fail(w, http.StatusNotFound, "典型案例不存在")
		return 0, false
	}
	return id, true
}

// LibraryCase answers one published typical case; anything unpublished is 404.
func (a *API) LibraryCase(w http.ResponseWriter, r *http.Request) {
	id, ok := libraryID(w, r)
	if !ok {
		return
	}
	c, err := a.Services.Library.GetPublic(r.Context(), id)
	if err != nil {
		failErr(w, a.Log, r, err)
		return
	}
	writeJSON(w, http.StatusOK, libraryCaseJSON(c))
}

// LibraryHitJSON is one finding of the residual-PI scan.
type LibraryHitJSON struct {
	Field   string `json:"field" doc:"title、category、facts、process、result、significance"`
	Kind    string `json:"kind" doc:"phone、id_number、card_number、plate、email、certificate、address、health、name、merchant、control"`
	Label   string `json:"label"`
	Start   int    `json:"start" doc:"字段内的起始字符位置（从0起）"`
	End     int    `json:"end"`
	Excerpt string `json:"excerpt" doc:"部分遮盖的片段"`
}

// LibraryDraftJSON is a typical case as staff see it.
type LibraryDraftJSON struct {
	ID             int64            `json:"id"`
	CaseID         int64            `json:"case_id"`
	CaseNumber     string           `json:"case_number"`
	Status         string           `json:"status" doc:"draft 草稿、submitted 待审核、published 已发布、withdrawn 已撤回"`
	StatusLabel    string           `json:"status_label"`
	Version        int64            `json:"version" doc:"修改、提交、发布、撤回时可带上，防止覆盖他人的修改"`
	Title          string           `json:"title"`
	Category       string           `json:"category"`
	Facts          string           `json:"facts"`
	Process        string           `json:"process"`
	Result         string           `json:"result"`
	Significance   string           `json:"significance"`
	KeepMerchants  bool             `json:"keep_merchants" doc:"是否保留经营者名称（默认隐去）"`
	Clean          bool             `json:"clean" doc:"最近一次匿名化检查未发现个人信息"`
	Hits           []LibraryHitJSON `json:"hits"`
	Nominator      string           `json:"nominator"`
	Created        time.Time        `json:"created_at"`
	Updated        time.Time        `json:"updated_at"`
	SubmittedAt    *time.Time       `json:"submitted_at"`
	PublishedAt    *time.Time       `json:"published_at"`
	WithdrawnAt    *time.Time       `json:"withdrawn_at"`
	WithdrawReason string           `json:"withdraw_reason"`
}

func libraryHits(hs []casebook.FieldHit) []LibraryHitJSON {
	out := []LibraryHitJSON{}
	for _, h := range hs {
		out = append(out, LibraryHitJSON{Field: h.Field, Kind: h.Kind, Label: h.Label(), Start: h.Start, End: h.End, Excerpt: h.Excerpt})
	}
	return out
}

func libraryDraftJSON(tc casebook.TypicalCase) LibraryDraftJSON {
	return LibraryDraftJSON{ID: tc.ID, CaseID: tc.CaseID, CaseNumber: tc.CaseNumber, Status: tc.Status, StatusLabel: casebook.StatusLabel(tc.Status),
		Version: tc.Version, Title: tc.Title, Category: tc.Category, Facts: tc.Facts, Process: tc.Process, Result: tc.Result, Significance: tc.Significance,
		KeepMerchants: tc.KeepMerchants, Clean: tc.Clean, Hits: libraryHits(casebook.ParseHits(tc.Hits)), Nominator: tc.Nominator,
		Created: tc.Created, Updated: tc.Updated, SubmittedAt: tc.SubmittedAt, PublishedAt: tc.PublishedAt, WithdrawnAt: tc.WithdrawnAt,
		WithdrawReason: tc.WithdrawNote}
}

// LibraryDraftList answers GET /api/v1/library/drafts.
type LibraryDraftList struct {
	Drafts []LibraryDraftJSON `json:"drafts"`
	Total  int                `json:"total"`
}

// LibraryDrafts lists the typical cases in the caller's scope.
func (a *API) LibraryDrafts(w http.ResponseWriter, r *http.Request) {
	limit, offset, msg := pageParams(r.URL.Query())
	if msg != "" {
		Fail(w, http.StatusBadRequest, msg)
		return
	}
	tcs, total, err := a.Services.Library.Drafts(r.Context(), auth.From(r.Context()), casebook.DraftQuery{Status: r.URL.Query().Get("status"), Limit: min(limit, 100), Offset: offset})
	if err != nil {
		failQuery(w, a.Log, r, err)
		return
	}
	out := LibraryDraftList{Drafts: []LibraryDraftJSON{}, Total: total}
	for _, tc := range tcs {
		out.Drafts = append(out.Drafts, libraryDraftJSON(tc))
	}
	writeJSON(w, http.StatusOK, out)
}

// LibraryDraft answers one typical case for staff, whatever its status.
func (a *API) LibraryDraft(w http.ResponseWriter, r *http.Request) {
	id, ok := libraryID(w, r)
	if !ok {
		return
	}
	d, err := a.Services.Library.Get(r.Context(), auth.From(r.Context()), id)
	if err != nil {
		failErr(w, a.Log, r, err)
		return
	}
	writeJSON(w, http.StatusOK, libraryDraftJSON(d.TypicalCase))
}

// LibraryNominateRequest is the body of POST /api/v1/library.
type LibraryNominateRequest struct {
	CaseID        int64 `json:"case_id" api:"required" doc:"已达成调解协议或依法终止调解的案件"`
	InvolvesMinor bool  `json:"involves_minor,omitempty" doc:"推荐人声明本案涉及未成年人（为 true 时不予推荐）"`
}

// LibraryNominate drafts a typical case from a closed case.
func (a *API) LibraryNominate(w http.ResponseWriter, r *http.Request) {
	var req LibraryNominateRequest
	if !decode(w, r, &req) {
		return
	}
	tc, err := a.Services.Library.Nominate(r.Context(), auth.From(r.Context()), casebook.Nomination{CaseID: req.CaseID, InvolvesMinor: req.InvolvesMinor})
	if err != nil {
		failErr(w, a.Log, r, err)
		return
	}
	d, err := a.Services.Library.Get(r.Context(), auth.From(r.Context()), tc.ID)
	if err != nil {
		failErr(w, a.Log, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, libraryDraftJSON(d.TypicalCase))
}

// LibraryEditRequest is the body of PUT /api/v1/library/{id}.
type LibraryEditRequest struct {
	Version      int64  `json:"version,omitempty"`
	Title        string `json:"title" api:"required" doc:"60字以内"`
	Category     string `json:"category,omitempty"`
	Facts        string `json:"facts" api:"required" doc:"基本案情，5000字以内"`
	Process      string `json:"process,omitempty" doc:"调解过程，5000字以内"`
	Result       string `json:"result" api:"required" doc:"调解结果，3000字以内"`
	Significance string `json:"significance,omitempty" doc:"典型意义，3000字以内（提交审核前须填写）"`
}

// LibraryEdit stores an edit of a draft; the scan runs on the saved text.
func (a *API) LibraryEdit(w http.ResponseWriter, r *http.Request) {
	var req LibraryEditRequest
	if !decode(w, r, &req) {
		return
	}
	id, ok := libraryID(w, r)
	if !ok {
		return
	}
	d, err := a.Services.Library.Save(r.Context(), auth.From(r.Context()), id, casebook.Edit{Version: req.Version, Title: req.Title, Category: req.Category,
		Facts: req.Facts, Process: req.Process, Result: req.Result, Significance: req.Significance})
	if err != nil {
		failErr(w, a.Log, r, err)
		return
	}
	writeJSON(w, http.StatusOK, libraryDraftJSON(d.TypicalCase))
}

// LibraryActionRequest is the optional body of submit and publish.
type LibraryActionRequest struct {
	Version int64 `json:"version,omitempty" doc:"读取时的版本；不填按当前版本"`
}

// LibraryWithdrawRequest is the body of POST /api/v1/library/{id}/withdraw.
type LibraryWithdrawRequest struct {
	Reason  string `json:"reason" api:"required" doc:"撤回理由，500字以内"`
	Version int64  `json:"version,omitempty"`
}

// LibraryScanError is the 409 body of a publication the scan refused.
type LibraryScanError struct {
	Code  string           `json:"code"`
	Error string           `json:"error"`
	Hits  []LibraryHitJSON `json:"hits"`
}

// LibrarySubmit sends a draft for approval.
func (a *API) LibrarySubmit(w http.ResponseWriter, r *http.Request) {
	a.libraryAction(w, r, "submit")
}

// LibraryPublish approves and publishes a submitted typical case.
func (a *API) LibraryPublish(w http.ResponseWriter, r *http.Request) {
	a.libraryAction(w, r, "publish")
}

// LibraryWithdraw takes a typical case back, with a reason.
func (a *API) LibraryWithdraw(w http.ResponseWriter, r *http.Request) {
	a.libraryAction(w, r, "withdraw")
}

func (a *API) libraryAction(w http.ResponseWriter, r *http.Request, what string) {
	var version int64
	var reason string
	if what == "withdraw" {
		var req LibraryWithdrawRequest
		if !decode(w, r, &req) {
			return
		}
		version, reason = req.Version, req.Reason
	} else {
		var req LibraryActionRequest
		if !decodeOptional(w, r, &req) {
			return
		}
		version = req.Version
	}
	id, ok := libraryID(w, r)
	if !ok {
		return
	}
	ctx, p := r.Context(), auth.From(r.Context())
	var d casebook.Draft
	var err error
	switch what {
	case "submit":
		d, err = a.Services.Library.Submit(ctx, p, id, version)
	case "publish":
		d, err = a.Services.Library.Publish(ctx, p, id, version)
	default:
		d, err = a.Services.Library.Withdraw(ctx, p, id, version, reason)
	}
	var se *casebook.ScanError
	if errors.As(err, &se) {
		writeJSON(w, http.StatusConflict, LibraryScanError{Code: ErrorCode(http.StatusConflict), Error: se.Error(), Hits: libraryHits(se.Hits)})
		return
	}
	if err != nil {
		failErr(w, a.Log, r, err)
		return
	}
	writeJSON(w, http.StatusOK, libraryDraftJSON(d.TypicalCase))
}
