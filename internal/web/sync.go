package web

import (
	"bytes"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/tiaojie/tiaojie/internal/access"
	"github.com/tiaojie/tiaojie/internal/auth"
	"github.com/tiaojie/tiaojie/internal/calendar"
	"github.com/tiaojie/tiaojie/internal/domain"
	"github.com/tiaojie/tiaojie/internal/smartsync"
)

type syncData struct {
	smartsync.Overview
	States   []string
	Page     paged[smartsync.Row]
	From, To string
}

// Sync shows the smart-mediation platform sync: counts by state per
// committee, the last reconciliation, and the cases in one state.
func (pg *Pages) Sync(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	v := r.URL.Query()
	q, msg := smartsync.ParsePaging(v)
	if msg != "" {
		pg.Fail(w, r, http.StatusBadRequest, msg)
		return
	}
	ov, err := pg.Services.Sync.Overview(ctx, auth.From(ctx), v.Get("state"), q)
	if err != nil {
		pg.failErr(w, r, err)
		return
	}
	keep := url.Values{}
	if ov.State != "" {
		keep.Set("state", ov.State)
	}
	now := time.Now().In(calendar.Shanghai())
	first := time.Date(now.Year(), now.Month(), 1, 0, 0, 0, 0, calendar.Shanghai())
	pg.render(w, r, http.StatusOK, "sync", "智慧调解平台同步", syncData{Overview: ov, States: smartsync.States,
		Page: pagedLinks("/sync", keep, q, ov.Rows), From: first.AddDate(0, -1, 0).Format(time.DateOnly), To: first.Format(time.DateOnly)})
}

// ResyncCase queues one case to be sent again.
func (pg *Pages) ResyncCase(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		pg.failErr(w, r, access.ErrNotFound)
		return
	}
	if err := pg.Services.Sync.Resync(ctx, auth.From(ctx), id); err != nil {
		pg.failErr(w, r, err)
		return
	}
	pg.flash(r, "已排队重新同步该案件。")
	back := r.PostFormValue("back")
	if back != "case" {
		http.Redirect(w, r, "/sync", http.StatusSeeOther)
		return
	}
	http.Redirect(w, r, "/cases/"+strconv.FormatInt(id, 10), http.StatusSeeOther)
}

// SyncBackfill queues every accepted case of a committee not yet synced.
func (pg *Pages) SyncBackfill(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	id, err := strconv.ParseInt(r.PostFormValue("committee"), 10, 64)
	if err != nil {
		pg.failErr(w, r, &access.ValidationError{Fields: []*domain.FieldError{{Field: "committee", Message: "请选择调委会"}}})
		return
	}
	if err := pg.Services.Sync.StartBackfill(ctx, auth.From(ctx), id); err != nil {
		pg.failErr(w, r, err)
		return
	}
	pg.flash(r, "已排队补传该调委会全部未同步的已受理案件，进度见下方计数。")
	http.Redirect(w, r, "/sync", http.StatusSeeOther)
}

// SyncReconcile compares with the platform now instead of tonight.
func (pg *Pages) SyncReconcile(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	n, err := pg.Services.Sync.ReconcileNow(ctx, auth.From(ctx))
	if err != nil {
		pg.failErr(w, r, err)
		return
	}
	pg.flash(r, fmt.Sprintf("对账完成：发现 %d 处不一致。", n))
	http.Redirect(w, r, "/sync", http.StatusSeeOther)
}

// SyncExport sends the records of cases received in [from, to) as XLSX,
// for districts that report to the platform by file.
func (pg *Pages) SyncExport(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	p := auth.From(ctx)
	from, ferr := time.ParseInLocation(time.DateOnly, r.URL.Query().Get("from"), calendar.Shanghai())
	to, terr := time.ParseInLocation(time.DateOnly, r.URL.Query().Get("to"), calendar.Shanghai())
	if ferr != nil || terr != nil {
		pg.failErr(w, r, &access.ValidationError{Fields: []*domain.FieldError{{Field: "from", Message: "请填写起止日期，格式如 2026-11-01"}}})
		return
	}
	var buf bytes.Buffer
	n, skipped, err := pg.Services.Sync.Export(ctx, p, from, to, &buf)
	if err != nil {
		pg.failErr(w, r, err)
		return
	}
	pg.Log.Info("smart-mediation export", "user", p.Username, "from", from.Format(time.DateOnly), "to", to.Format(time.DateOnly),
		"cases", n, "skipped", len(skipped))
	name := fmt.Sprintf("智慧调解平台报送-%s至%s.xlsx", from.Format(time.DateOnly), to.AddDate(0, 0, -1).Format(time.DateOnly))
	w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	w.Header().Set("Content-Disposition", `attachment; filename="smart-mediation.xlsx"; filename*=UTF-8''`+url.PathEscape(name))
	w.Header().Set("X-Tiaojie-Skipped", strconv.Itoa(len(skipped)))
	w.Write(buf.Bytes())
}
