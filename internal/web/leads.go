package web

import (
	"net/http"

	"github.com/tiaojie/tiaojie/internal/auth"
	"github.com/tiaojie/tiaojie/internal/leads"
)

// AddLead passes a suspected violation of a case to a 市场监管所.
func (pg *Pages) AddLead(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	id := mustID(r.PathValue("id"))
	_, err := pg.Services.Leads.Pass(ctx, auth.From(ctx), id, r.PostFormValue("kind"), mustID(r.PostFormValue("office")), r.PostFormValue("note"))
	pg.mediationDone(w, r, id, err, "已移送市场监管所。")
}

// leadsData is the leads page: a page of the leads, filtered by state, and
// the diverted complaints' counts.
type leadsData struct {
	paged[leads.Lead]
	States []leads.StateName
	Counts []leads.StatusCount
	Total  int64
}

// Leads shows a 市场监管所 the leads it received, a page at a time, and where
// its diverted complaints stand.
func (pg *Pages) Leads(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	q, state, msg := leads.ParseListQuery(r.URL.Query())
	if msg != "" {
		pg.Fail(w, r, http.StatusBadRequest, msg)
		return
	}
	o, err := pg.Services.Leads.Overview(ctx, auth.From(ctx), q)
	if err != nil {
		pg.serverError(w, r, err)
		return
	}
	pg.render(w, r, http.StatusOK, "leads", "分流跟踪与违法线索", leadsData{paged: pagedList("/leads", state, "all", q.Paging, o.Leads),
		States: leads.ListStates, Counts: o.Counts, Total: o.Total})
}

// LeadHandled marks a lead as dealt with.
func (pg *Pages) LeadHandled(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	if err := pg.Services.Leads.MarkHandled(ctx, auth.From(ctx), mustID(r.PathValue("id"))); err != nil {
		pg.failErr(w, r, err)
		return
	}
	pg.flash(r, "已标记为已处理。")
	http.Redirect(w, r, "/leads", http.StatusSeeOther)
}
