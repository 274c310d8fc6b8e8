package web

import (
	"errors"
	"net/http"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/tiaojie/tiaojie/internal/auth"
	"github.com/tiaojie/tiaojie/internal/domain"
	"github.com/tiaojie/tiaojie/internal/store"
)

// LeadKinds are the kinds of violation leads a mediator can pass on.
var LeadKinds = domain.Reasons{
	{Code: "illegal_operation", Label: "涉嫌违法经营行为"},
	{Code: "false_advertising", Label: "涉嫌虚假宣传"},
	{Code: "price", Label: "涉嫌价格违法"},
	{Code: "quality_safety", Label: "涉嫌产品质量或食品安全问题"},
	{Code: "prepaid_risk", Label: "预付式消费风险（闭店、跑路）"},
	{Code: "group_risk", Label: "群体性风险"},
	{Code: "other", Label: "其他"},
}

// districtOffices are the 市场监管所 of the case's district.
func (pg *Pages) districtOffices(r *http.Request, c store.Case) ([]store.OrgUnit, error) {
	units, err := pg.Store.ListOrgUnits(r.Context())
	if err != nil {
		return nil, err
	}
	var committeePath string
	for _, u := range units {
		if u.ID == c.CommitteeID {
			committeePath = u.Path
		}
	}
	district := strings.TrimSuffix(committeePath, strconv.FormatInt(c.CommitteeID, 10)+"/")
	var out []store.OrgUnit
	for _, u := range units {
		if u.Kind == domain.OrgRegulatorOffice && district != "" && strings.HasPrefix(u.Path, district) {
			out = append(out, u)
		}
	}
	return out, nil
}

// AddLead passes a suspected violation of a case to a 市场监管所.
func (pg *Pages) AddLead(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	p := auth.From(ctx)
	id := mustID(r.PathValue("id"))
	c, _, err := pg.Intake.Get(ctx, p, id)
	if err != nil {
		pg.intakeError(w, r, err)
		return
	}
	if !p.CanOnCase(domain.PermCaseDecide, c) {
		pg.Fail(w, r, http.StatusForbidden, "无权进行此操作")
		return
	}
	kind, note := r.PostFormValue("kind"), strings.TrimSpace(r.PostFormValue("note"))
	office := mustID(r.PostFormValue("office"))
	offices, err := pg.districtOffices(r, c)
	if err != nil {
		pg.serverError(w, r, err)
		return
	}
	okOffice := false
	for _, o := range offices {
		okOffice = okOffice || o.ID == office
	}
	switch {
	case !LeadKinds.Has(kind):
		pg.Fail(w, r, http.StatusUnprocessableEntity, "请选择线索类型")
		return
	case !okOffice:
		pg.Fail(w, r, http.StatusUnprocessableEntity, "请选择本区的市场监管所")
		return
	case note == "" || utf8.RuneCountInString(note) > 1000:
		pg.Fail(w, r, http.StatusUnprocessableEntity, "请填写线索情况（不超过1000字）")
		return
	}
	l := store.Lead{CaseID: c.ID, OfficeID: office, Kind: kind, Note: note, CreatedBy: p.UserID}
	if err := pg.Store.AddLead(ctx, &l); err != nil {
		pg.serverError(w, r, err)
		return
	}
	if _, err := pg.Store.ApplyEvent(ctx, c.ID, c.Version, store.CaseChange{}, store.Event{Type: "lead", ActorID: p.UserID, ActorName: p.DisplayName,
		Note: "移送违法线索：" + LeadKinds.Label(kind)}); err != nil && !errors.Is(err, store.ErrStale) {
		pg.serverError(w, r, err)
		return
	}
	pg.flash(r, "已移送市场监管所。")
	http.Redirect(w, r, "/cases/"+strconv.FormatInt(c.ID, 10), http.StatusSeeOther)
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
	ctx := r.Context()
	p := auth.From(ctx)
	id := mustID(r.PathValue("id"))
	ls, err := pg.Store.ListLeads(ctx, p.Scope(domain.PermLeadRead), 1000)
	if err != nil {
		pg.serverError(w, r, err)
		return
	}
	found := false
	for _, l := range ls {
		found = found || l.ID == id
	}
	if !found {
		pg.Fail(w, r, http.StatusNotFound, "线索不存在")
		return
	}
	if err := pg.Store.MarkLeadHandled(ctx, id, p.UserID, pg.now()); err != nil && !errors.Is(err, store.ErrNotFound) {
		pg.serverError(w, r, err)
		return
	}
	pg.flash(r, "已标记为已处理。")
	http.Redirect(w, r, "/leads", http.StatusSeeOther)
}
