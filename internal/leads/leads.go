// Package leads passes suspected violations found while mediating (违法线索)
// to a 市场监管所 of the case's district, and shows each office the leads it
// received and where the complaints it diverted stand (分流跟踪).
package leads

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/tiaojie/tiaojie/internal/access"
	"github.com/tiaojie/tiaojie/internal/auth"
	"github.com/tiaojie/tiaojie/internal/domain"
	"github.com/tiaojie/tiaojie/internal/store"
)

// Kinds are the kinds of violation leads a mediator can pass on.
var Kinds = domain.Reasons{
	{Code: "illegal_operation", Label: "涉嫌违法经营行为"},
	{Code: "false_advertising", Label: "涉嫌虚假宣传"},
	{Code: "price", Label: "涉嫌价格违法"},
	{Code: "quality_safety", Label: "涉嫌产品质量或食品安全问题"},
	{Code: "prepaid_risk", Label: "预付式消费风险（闭店、跑路）"},
	{Code: "group_risk", Label: "群体性风险"},
	{Code: "other", Label: "其他"},
}

// Service passes and lists leads.
type Service struct {
	Store store.Store
	Now   func() time.Time
}

func (s *Service) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

// Offices are the 市场监管所 of the case's district: where its leads may go.
func (s *Service) Offices(ctx context.Context, c store.Case) ([]store.OrgUnit, error) {
	cmt, err := s.Store.GetOrgUnit(ctx, c.CommitteeID)
	if errors.Is(err, store.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("get committee %d: %w", c.CommitteeID, err)
	}
	district := strings.TrimSuffix(cmt.Path, strconv.FormatInt(c.CommitteeID, 10)+"/")
	if district == "" || district == cmt.Path {
		return nil, nil
	}
	// The district's units only: a city's tree is thousands.
	units, err := s.Store.OrgUnitsUnder(ctx, district)
	if err != nil {
		return nil, fmt.Errorf("list the district's units: %w", err)
	}
	var out []store.OrgUnit
	for _, u := range units {
		if u.Kind == domain.OrgRegulatorOffice {
			out = append(out, u)
		}
	}
	return out, nil
}

// Pass records a lead and its note on the case's timeline, in one transaction.
func (s *Service) Pass(ctx context.Context, p *auth.Principal, caseID int64, kind string, office int64, note string) (store.Lead, error) {
	c, err := access.Authorize(ctx, s.Store, p, caseID, true)
	if err != nil {
		return store.Lead{}, err
	}
	note = strings.TrimSpace(note)
	offices, err := s.Offices(ctx, c)
	if err != nil {
		return store.Lead{}, err
	}
	okOffice := false
	for _, o := range offices {
		okOffice = okOffice || o.ID == office
	}
	switch {
	case !Kinds.Has(kind):
		return store.Lead{}, &domain.FieldError{Field: "kind", Message: "请选择线索类型"}
	case !okOffice:
		return store.Lead{}, &domain.FieldError{Field: "office", Message: "请选择本区的市场监管所"}
	case note == "" || utf8.RuneCountInString(note) > 1000:
		return store.Lead{}, &domain.FieldError{Field: "note", Message: "请填写线索情况（不超过1000字）"}
	}
	l := store.Lead{CaseID: c.ID, OfficeID: office, Kind: kind, Note: note, CreatedBy: p.UserID}
	err = s.Store.InTx(ctx, func(tx store.Store) error {
		if err := tx.AddLead(ctx, &l); err != nil {
			return err
		}
		return tx.AddNote(ctx, c.ID, store.Event{Type: "lead", ActorID: p.UserID, ActorName: p.DisplayName, At: s.now(),
			Note: "移送违法线索：" + Kinds.Label(kind)})
	})
	if err != nil {
		return l, fmt.Errorf("pass lead: %w", err)
	}
	return l, nil
}

// StatusCount is how many diverted complaints are in one status.
type StatusCount struct {
	Status domain.Status
	N      int64
}

// Overview is what an office sees: a page of the leads it received and
// where the complaints it diverted stand.
type Overview struct {
	Leads  store.Page[store.Lead]
	Counts []StatusCount
	Total  int64
}

// Lead is one lead as the pages show it; StateName one of the list's filters.
type (
	Lead      = store.Lead
	StateName = store.StateName
)

// ListStates are the leads list's filters: every lead (the default), those
// still to be handled, those handled.
var ListStates = []StateName{{Value: "all", Name: "全部"}, {Value: "new", Name: "待处理"}, {Value: "handled", Name: "已处理"}}

// ParseListQuery reads the leads list's parameters, shared by the page and
// the API: state (ListStates), after and limit (store.ParseListParams). It
// returns a Chinese message for a bad value.
func ParseListQuery(v url.Values) (q store.LeadQuery, state, msg string) {
	state, q.Paging, msg = store.ParseListParams(v, ListStates...)
	if state != "all" {
		q.Status = state
	}
	return q, state, msg
}

// Overview lists a page of the leads and the counts within the caller's
// scope; q's scope is the caller's.
func (s *Service) Overview(ctx context.Context, p *auth.Principal, q store.LeadQuery) (Overview, error) {
	scope := p.Scope(domain.PermLeadRead)
	q.Scope = scope
	page, err := s.Store.ListLeads(ctx, q)
	if err != nil {
		return Overview{}, fmt.Errorf("list leads: %w", err)
	}
	o := Overview{Leads: page}
	for _, st := range domain.Statuses {
		page, err := s.Store.ListCases(ctx, store.CaseQuery{Scope: scope, Statuses: []domain.Status{st}, Limit: 1})
		if err != nil {
			return o, fmt.Errorf("count diverted cases: %w", err)
		}
		if page.Total > 0 {
			o.Counts = append(o.Counts, StatusCount{st, page.Total})
			o.Total += page.Total
		}
	}
	return o, nil
}

// ErrNotFound: no such lead, or not one the caller's office received.
var ErrNotFound = access.NotFound("线索不存在或不属于本单位")

// Get returns a lead the caller's office received (else ErrNotFound).
func (s *Service) Get(ctx context.Context, p *auth.Principal, id int64) (store.Lead, error) {
	l, err := s.Store.GetLead(ctx, id)
	if errors.Is(err, store.ErrNotFound) || (err == nil && !p.Reaches(domain.PermLeadRead, l.OfficePath)) {
		return store.Lead{}, ErrNotFound
	}
	return l, err
}

// MarkHandled marks a lead in the caller's scope as dealt with; marking it
// twice is harmless.
func (s *Service) MarkHandled(ctx context.Context, p *auth.Principal, id int64) error {
	if _, err := s.Get(ctx, p, id); err != nil {
		return err
	}
	if err := s.Store.MarkLeadHandled(ctx, id, p.UserID, s.now()); err != nil && !errors.Is(err, store.ErrNotFound) {
		return fmt.Errorf("mark lead handled: %w", err)
	}
	return nil
}
