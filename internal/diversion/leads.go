package diversion

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/tiaojie/tiaojie/internal/auth"
	"github.com/tiaojie/tiaojie/internal/domain"
	"github.com/tiaojie/tiaojie/internal/intake"
	"github.com/tiaojie/tiaojie/internal/store"
)

// LeadKinds are the kinds of violation leads a mediator can pass on to a 市场监管所.
var LeadKinds = domain.Reasons{
	{Code: "illegal_operation", Label: "涉嫌违法经营行为"},
	{Code: "false_advertising", Label: "涉嫌虚假宣传"},
	{Code: "price", Label: "涉嫌价格违法"},
	{Code: "quality_safety", Label: "涉嫌产品质量或食品安全问题"},
	{Code: "prepaid_risk", Label: "预付式消费风险（闭店、跑路）"},
	{Code: "group_risk", Label: "群体性风险"},
	{Code: "other", Label: "其他"},
}

// DistrictOffices are the 市场监管所 of the case's district: the offices a
// lead from this case may go to.
func (s *Service) DistrictOffices(ctx context.Context, c store.Case) ([]store.OrgUnit, error) {
	units, err := s.Store.ListOrgUnits(ctx)
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

// AddLead passes a suspected violation found in a case to a 市场监管所 of its district.
func (s *Service) AddLead(ctx context.Context, p *auth.Principal, caseID, officeID int64, kind, note string) (store.Lead, error) {
	c, err := intake.Authorize(ctx, s.Store, p, caseID, true)
	if err != nil {
		return store.Lead{}, err
	}
	note = strings.TrimSpace(note)
	offices, err := s.DistrictOffices(ctx, c)
	if err != nil {
		return store.Lead{}, err
	}
	okOffice := false
	for _, o := range offices {
		okOffice = okOffice || o.ID == officeID
	}
	switch {
	case !LeadKinds.Has(kind):
		return store.Lead{}, &domain.FieldError{Field: "kind", Message: "请选择线索类型"}
	case !okOffice:
		return store.Lead{}, &domain.FieldError{Field: "office", Message: "请选择本区的市场监管所"}
	case note == "" || utf8.RuneCountInString(note) > 1000:
		return store.Lead{}, &domain.FieldError{Field: "note", Message: "请填写线索情况（不超过1000字）"}
	}
	l := store.Lead{CaseID: c.ID, OfficeID: officeID, Kind: kind, Note: note, CreatedBy: p.UserID}
	if err := s.Store.AddLead(ctx, &l); err != nil {
		return store.Lead{}, err
	}
	// The timeline entry is informative; a concurrent change of the case must not undo the lead.
	if _, err := s.Store.ApplyEvent(ctx, c.ID, c.Version, store.CaseChange{}, store.Event{Type: "lead", ActorID: p.UserID, ActorName: p.DisplayName,
		Note: "移送违法线索：" + LeadKinds.Label(kind)}); err != nil && !errors.Is(err, store.ErrStale) {
		return l, err
	}
	return l, nil
}

// Leads are the leads received by the offices the caller reads leads for, newest first.
func (s *Service) Leads(ctx context.Context, p *auth.Principal, limit int) ([]store.Lead, error) {
	return s.Store.ListLeads(ctx, p.Scope(domain.PermLeadRead), limit)
}

// LeadHandled marks a lead of the caller's offices as dealt with.
func (s *Service) LeadHandled(ctx context.Context, p *auth.Principal, id int64) error {
	ls, err := s.Store.ListLeads(ctx, p.Scope(domain.PermLeadRead), 1000)
	if err != nil {
		return err
	}
	found := false
	for _, l := range ls {
		found = found || l.ID == id
	}
	if !found {
		return ErrLeadNotFound
	}
	if err := s.Store.MarkLeadHandled(ctx, id, p.UserID, s.now()); err != nil && !errors.Is(err, store.ErrNotFound) {
		return err
	}
	return nil
}

// ErrLeadNotFound answers a lead that does not exist or is another office's
// (the same answer, so ids do not leak).
var ErrLeadNotFound = errors.New("线索不存在或无权查看")
