package web

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/tiaojie/tiaojie/internal/access"
	"github.com/tiaojie/tiaojie/internal/auth"
	"github.com/tiaojie/tiaojie/internal/casebook"
)

// The typical-case library (典型案例): public pages (no sign-in) and the
// staff drafts and editor. The casebook service decides who sees what.

const libraryPageSize = 10

type libraryListData struct {
	Page       casebook.PublicPage
	Category   string
	Q          string
	Offset     int
	Prev, Next string // links, "" when none
	Err        string
}

func libraryURL(category, q string, offset int) string {
	v := url.Values{}
	if category != "" {
		v.Set("category", category)
	}
	if q != "" {
		v.Set("q", q)
	}
	if offset > 0 {
		v.Set("offset", strconv.Itoa(offset))
	}
	if len(v) == 0 {
		return "/library"
	}
	return "/library?" + v.Encode()
}

// Library is the public list of typical cases, searchable by category and keyword.
func (pg *Pages) Library(w http.ResponseWriter, r *http.Request) {
	v := r.URL.Query()
	d := libraryListData{Category: strings.TrimSpace(v.Get("category")), Q: strings.TrimSpace(v.Get("q"))}
	if s := v.Get("offset"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 0 {
			pg.Fail(w, r, http.StatusBadRequest, "页码有误")
			return
		}
		d.Offset = n
	}
	page, err := pg.Services.Library.List(r.Context(), casebook.PublicQuery{Category: d.Category, Text: d.Q, Limit: libraryPageSize, Offset: d.Offset})
	var ve *access.ValidationError
	if errors.As(err, &ve) {
		d.Err = ve.Error()
		pg.render(w, r, http.StatusBadRequest, "library", "典型案例", d)
		return
	}
	if err != nil {
		pg.failErr(w, r, err)
		return
	}
	d.Page = page
	if d.Offset > 0 {
		d.Prev = libraryURL(d.Category, d.Q, max(0, d.Offset-libraryPageSize))
	}
	if d.Offset+libraryPageSize < page.Total {
		d.Next = libraryURL(d.Category, d.Q, d.Offset+libraryPageSize)
	}
	pg.render(w, r, http.StatusOK, "library", "典型案例", d)
}

// LibraryCase is one published typical case; anything else is 404.
func (pg *Pages) LibraryCase(w http.ResponseWriter, r *http.Request) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		pg.Fail(w, r, http.StatusNotFound, casebook.ErrNoPublic.Error())
		return
	}
	c, err := pg.Services.Library.GetPublic(r.Context(), id)
	if err != nil {
		pg.failErr(w, r, err)
		return
	}
	pg.render(w, r, http.StatusOK, "library_case", c.Title, c)
}

type libraryDraftsData struct {
	Drafts     []casebook.TypicalCase
	Total      int
	Status     string
	Candidates []casebook.Candidate
	Q          string
	CanPublish bool
}

// LibraryDrafts lists the typical cases in the user's scope and the closed
// cases that may be nominated.
func (pg *Pages) LibraryDrafts(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	p := auth.From(ctx)
	d := libraryDraftsData{Status: r.URL.Query().Get("status"), Q: strings.TrimSpace(r.URL.Query().Get("q"))}
	var err error
	d.Drafts, d.Total, err = pg.Services.Library.Drafts(ctx, p, casebook.DraftQuery{Status: d.Status, Limit: 100})
	if err != nil {
		pg.failErr(w, r, err)
		return
	}
	if d.Candidates, err = pg.Services.Library.Candidates(ctx, p, d.Q, 15); err != nil {
		pg.failErr(w, r, err)
		return
	}
	d.CanPublish = p.Can("library.publish")
	pg.render(w, r, http.StatusOK, "library_drafts", "典型案例草稿", d)
}

// LibraryNominate drafts a typical case from a case and opens the editor.
func (pg *Pages) LibraryNominate(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	id, err := strconv.ParseInt(strings.TrimSpace(r.FormValue("case_id")), 10, 64)
	if err != nil || id <= 0 {
		pg.Fail(w, r, http.StatusUnprocessableEntity, "请选择要推荐的案件")
		return
	}
	tc, err := pg.Services.Library.Nominate(ctx, auth.From(ctx), casebook.Nomination{CaseID: id, InvolvesMinor: r.FormValue("involves_minor") != ""})
	if err != nil {
		pg.failErr(w, r, err)
		return
	}
	pg.flash(r, "已生成匿名化草稿，请核对原文与草稿，填写典型意义")
	http.Redirect(w, r, fmt.Sprintf("/library/drafts/%d", tc.ID), http.StatusSeeOther)
}

type libraryEditorData struct {
	Draft  casebook.Draft
	Fields []struct{ Name, Label string }
	Form   map[string]string // what was typed, when a save was refused
	Errors map[string]string
}

// Value is the text of a field: as typed after a refused save, else as stored.
func (d libraryEditorData) Value(name string) string {
	if v, ok := d.Form[name]; ok {
		return v
	}
	tc := d.Draft.TypicalCase
	return map[string]string{"title": tc.Title, "category": tc.Category, "facts": tc.Facts, "process": tc.Process, "result": tc.Result, "significance": tc.Significance}[name]
}

func (pg *Pages) libraryEditor(w http.ResponseWriter, r *http.Request, status int, id int64, form, errs map[string]string) {
	ctx := r.Context()
	d, err := pg.Services.Library.Get(ctx, auth.From(ctx), id)
	if err != nil {
		pg.failErr(w, r, err)
		return
	}
	pg.render(w, r, status, "library_draft", "编辑典型案例", libraryEditorData{Draft: d, Fields: casebook.Fields, Form: form, Errors: errs})
}

func draftID(r *http.Request) int64 {
	id, _ := strconv.ParseInt(r.PathValue("id"), 10, 64)
	return id
}

// LibraryDraft is the editor: the original beside the draft, the scan, the form.
func (pg *Pages) LibraryDraft(w http.ResponseWriter, r *http.Request) {
	pg.libraryEditor(w, r, http.StatusOK, draftID(r), nil, nil)
}

// LibrarySave stores the editor's form; the scan runs on the saved text.
func (pg *Pages) LibrarySave(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	if err := r.ParseForm(); err != nil {
		pg.Fail(w, r, http.StatusBadRequest, "表单无法解析")
		return
	}
	f := r.PostForm
	version, _ := strconv.ParseInt(f.Get("version"), 10, 64)
	e := casebook.Edit{Version: version, Title: f.Get("title"), Category: f.Get("category"), Facts: f.Get("facts"), Process: f.Get("process"),
		Result: f.Get("result"), Significance: f.Get("significance")}
	d, err := pg.Services.Library.Save(ctx, auth.From(ctx), draftID(r), e)
	if err != nil {
		status, msg := access.StatusOf(err)
		if status == http.StatusUnprocessableEntity || status == http.StatusConflict {
			form := map[string]string{"title": e.Title, "category": e.Category, "facts": e.Facts, "process": e.Process, "result": e.Result, "significance": e.Significance}
			errs := access.Fields(err)
			if errs == nil {
				errs = map[string]string{}
			}
			errs[""] = msg
			pg.libraryEditor(w, r, status, draftID(r), form, errs)
			return
		}
		pg.failErr(w, r, err)
		return
	}
	if d.Clean {
		pg.flash(r, "已保存；匿名化检查未发现个人信息")
	} else {
		pg.flash(r, fmt.Sprintf("已保存；匿名化检查发现%d处可能的个人信息，发布前须修改", len(d.Hits)))
	}
	http.Redirect(w, r, fmt.Sprintf("/library/drafts/%d", d.ID), http.StatusSeeOther)
}

// LibraryAction submits, publishes or withdraws a typical case from the editor.
func (pg *Pages) LibraryAction(what string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		ctx := r.Context()
		p := auth.From(ctx)
		id := draftID(r)
		version, _ := strconv.ParseInt(r.FormValue("version"), 10, 64)
		var err error
		var done string
		switch what {
		case "submit":
			_, err = pg.Services.Library.Submit(ctx, p, id, version)
			done = "已提交调解委员会审核"
		case "publish":
			_, err = pg.Services.Library.Publish(ctx, p, id, version)
			done = "已发布到典型案例库（公开）"
		default:
			_, err = pg.Services.Library.Withdraw(ctx, p, id, version, r.FormValue("reason"))
			done = "已撤回"
		}
		if err != nil {
			status, msg := access.StatusOf(err)
			if status == http.StatusUnprocessableEntity || status == http.StatusConflict {
				pg.libraryEditor(w, r, status, id, nil, map[string]string{"": msg})
				return
			}
			pg.failErr(w, r, err)
			return
		}
		pg.flash(r, done)
		http.Redirect(w, r, fmt.Sprintf("/library/drafts/%d", id), http.StatusSeeOther)
	}
}

// StatusLabel names a typical case's status.
func (libraryDraftsData) StatusLabel(s string) string { return casebook.StatusLabel(s) }

// StatusLabel names a typical case's status.
func (libraryEditorData) StatusLabel(s string) string { return casebook.StatusLabel(s) }

// Excerpt is the first characters of a text, for the list.
func (libraryListData) Excerpt(s string) string {
	rs := []rune(strings.ReplaceAll(s, "\n", " "))
	if len(rs) <= 90 {
		return string(rs)
	}
	return string(rs[:90]) + "…"
}

// PageURL links a category with the current keyword.
func (d libraryListData) PageURL(category string) string { return libraryURL(category, d.Q, 0) }
