package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/tiaojie/tiaojie/internal/auth"
	"github.com/tiaojie/tiaojie/internal/bulletin"
	"github.com/tiaojie/tiaojie/internal/bulletinrules"
	"github.com/tiaojie/tiaojie/internal/calendar"
)

type bulletinsData struct {
	Month      string
	Bulletins  []bulletin.Summary
	Committees []bulletin.Committee // those the reader drafts for
	LastMonth  string
}

// Bulletins lists the monthly 情况通报 the reader may see.
func (pg *Pages) Bulletins(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	p := auth.From(ctx)
	month := r.URL.Query().Get("month")
	list, err := pg.Services.Bulletins.List(ctx, p, month)
	if err != nil {
		pg.failErr(w, r, err)
		return
	}
	cs, err := pg.Services.Bulletins.Committees(ctx, p)
	if err != nil {
		pg.failErr(w, r, err)
		return
	}
	d := bulletinsData{Month: month, Bulletins: list, Committees: cs,
		LastMonth: bulletinrules.LastEnded(calendar.DateOf(pg.now())).Month}
	pg.render(w, r, http.StatusOK, "bulletins", "情况通报", d)
}

// DraftBulletin opens (drafting when needed) a committee's bulletin of a month.
func (pg *Pages) DraftBulletin(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	v, _, err := pg.Services.Bulletins.Draft(ctx, auth.From(ctx), r.FormValue("unit"), r.FormValue("month"))
	if err != nil {
		pg.failErr(w, r, err)
		return
	}
	http.Redirect(w, r, "/bulletins/"+strconv.FormatInt(v.ID, 10), http.StatusSeeOther)
}

type bulletinData struct {
	bulletin.View
	Rows []recipientRow
}

func bulletinPageID(r *http.Request) int64 {
	id, _ := strconv.ParseInt(r.PathValue("id"), 10, 64)
	return id
}

// Bulletin shows one bulletin: its sections and figures, the forms to
// edit, approve, publish or correct it, and who received it.
func (pg *Pages) Bulletin(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	v, err := pg.Services.Bulletins.Get(ctx, auth.From(ctx), bulletinPageID(r))
	if err != nil {
		pg.failErr(w, r, err)
		return
	}
	d := bulletinData{View: v}
	for _, rc := range v.Recipients {
		d.Rows = append(d.Rows, recipientRow{rc, bulletinStateLabel(rc.State)})
	}
	pg.render(w, r, http.StatusOK, "bulletin", v.Title, d)
}

func bulletinStateLabel(s string) string {
	return map[string]string{"sent": "已发送", "received": "已签收"}[s]
}

func (pg *Pages) bulletinDone(w http.ResponseWriter, r *http.Request, id int64, msg string) {
	pg.flash(r, msg)
	http.Redirect(w, r, "/bulletins/"+strconv.FormatInt(id, 10), http.StatusSeeOther)
}

// EditBulletin saves the committee's texts.
func (pg *Pages) EditBulletin(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	id := bulletinPageID(r)
	in := bulletin.EditInput{Title: r.FormValue("title"), Remarks: r.FormValue("remarks"), Sections: map[string]string{}}
	for _, s := range bulletin.SectionHeadings() {
		if vs, ok := r.PostForm["section_"+s[0]]; ok && len(vs) > 0 {
			in.Sections[s[0]] = vs[0]
		}
	}
	if _, err := pg.Services.Bulletins.Edit(ctx, auth.From(ctx), id, in); err != nil {
		pg.failErr(w, r, err)
		return
	}
	pg.bulletinDone(w, r, id, "已保存。审核前可继续修改。")
}

// ApproveBulletin records the committee's approval.
func (pg *Pages) ApproveBulletin(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	id := bulletinPageID(r)
	if _, err := pg.Services.Bulletins.Approve(ctx, auth.From(ctx), id); err != nil {
		pg.failErr(w, r, err)
		return
	}
	pg.bulletinDone(w, r, id, "已审核，数据和文字已冻结，可以发布。")
}

// PublishBulletin freezes and sends the bulletin to the chosen partners.
func (pg *Pages) PublishBulletin(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	id := bulletinPageID(r)
	var ids []int64
	for _, v := range r.PostForm["partner"] {
		if n, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64); err == nil {
			ids = append(ids, n)
		}
	}
	if _, err := pg.Services.Bulletins.Publish(ctx, auth.From(ctx), id, ids); err != nil {
		pg.failErr(w, r, err)
		return
	}
	pg.bulletinDone(w, r, id, "情况通报已发布并发送。")
}

// ReviseBulletin starts a correction.
func (pg *Pages) ReviseBulletin(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	v, err := pg.Services.Bulletins.Revise(ctx, auth.From(ctx), bulletinPageID(r), r.FormValue("reason"))
	if err != nil {
		pg.failErr(w, r, err)
		return
	}
	pg.bulletinDone(w, r, v.ID, "已生成更正版草稿。")
}

// BulletinPDF serves a published bulletin's frozen PDF.
func (pg *Pages) BulletinPDF(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	pdf, name, err := pg.Services.Bulletins.PDF(ctx, auth.From(ctx), bulletinPageID(r))
	if err != nil {
		pg.failErr(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "application/pdf")
	w.Header().Set("Content-Disposition", `inline; filename="bulletin.pdf"; filename*=UTF-8''`+url.PathEscape(name))
	w.Write(pdf)
}
