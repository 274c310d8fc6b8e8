package web

import (
	"errors"
	"net/http"

	"github.com/tiaojie/tiaojie/internal/auth"
	"github.com/tiaojie/tiaojie/internal/diversion"
	"github.com/tiaojie/tiaojie/internal/domain"
	"github.com/tiaojie/tiaojie/internal/store"
)

// LeadKinds are the kinds of violation leads (the diversion capability's table).
var LeadKinds = diversion.LeadKinds

// districtOffices are the 市场监管所 of the case's district.
func (pg *Pages) districtOffices(r *http.Request, c store.Case) ([]store.OrgUnit, error) {
	return pg.Diversion.DistrictOffices(r.Context(), c)
}

// AddLead passes a suspected violation of a case to a 市场监管所.
func (pg *Pages) AddLead(w http.ResponseWriter, r *http.Request) {
	id := mustID(r.PathValue("id"))
	_, err := pg.Diversion.AddLead(r.Context(), auth.From(r.Context()), id, mustID(r.PostFormValue("office")), r.PostFormValue("kind"), r.PostFormValue("note"))
	pg.mediationDone(w, r, id, err, "已移送市场监管所。")
}

type leadsData struct {
	Leads  []store.Lead
	Counts []statusCount
	Total  int64
}

type statusCount struct {
	Status domain.Status
	N      int64
}

// Leads shows a 市场监管所 the leads it received and where its diverted complaints stand.
func (pg *Pages) Leads(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	p := auth.From(ctx)
	scope := p.Scope(domain.PermLeadRead)
	ls, err := pg.Store.ListLeads(ctx, scope, 200)
	if err != nil {
		pg.serverError(w, r, err)
		return
	}
	d := leadsData{Leads: ls}
	for _, st := range domain.Statuses {
		page, err := pg.Store.ListCases(ctx, store.CaseQuery{Scope: scope, Statuses: []domain.Status{st}, Limit: 1})
		if err != nil {
			pg.serverError(w, r, err)
			return
		}
		if page.Total > 0 {
			d.Counts = append(d.Counts, statusCount{st, page.Total})
			d.Total += page.Total
		}
	}
	pg.render(w, r, http.StatusOK, "leads", "分流跟踪与违法线索", d)
}

// LeadHandled marks a lead as dealt with.
func (pg *Pages) LeadHandled(w http.ResponseWriter, r *http.Request) {
	err := pg.Diversion.LeadHandled(r.Context(), auth.From(r.Context()), mustID(r.PathValue("id")))
	if errors.Is(err, diversion.ErrLeadNotFound) {
		pg.Fail(w, r, http.StatusNotFound, "线索不存在")
		return
	}
	if err != nil {
		pg.serverError(w, r, err)
		return
	}
	pg.flash(r, "已标记为已处理。")
	http.Redirect(w, r, "/leads", http.StatusSeeOther)
}
