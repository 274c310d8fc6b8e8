package scorecard

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/tiaojie/tiaojie/internal/access"
	"github.com/tiaojie/tiaojie/internal/auth"
	"github.com/tiaojie/tiaojie/internal/calendar"
	"github.com/tiaojie/tiaojie/internal/domain"
	"github.com/tiaojie/tiaojie/internal/evaluation"
	"github.com/tiaojie/tiaojie/internal/store"
)

// SchemeList is what applies to a unit: the schemes of the nearest unit
// (itself or above) that has any, the one in force today, and whether the
// viewer may edit the unit's own schemes.
type SchemeList struct {
	Unit     store.OrgUnit
	Owner    store.OrgUnit // whose schemes apply; zero: the default proposal
	Schemes  []evaluation.Scheme
	InForce  evaluation.Scheme
	Own      []evaluation.Scheme // the unit's own versions (what an editor changes)
	CanEdit  bool
	Inherits bool // the schemes in force come from a unit above (or the default)
}

// storedSchemes groups the stored schemes by unit.
func (s *Service) storedSchemes(ctx context.Context) (map[int64][]evaluation.Scheme, error) {
	rows, err := s.Store.ListEvalSchemes(ctx)
	if err != nil {
		return nil, fmt.Errorf("list schemes: %w", err)
	}
	out := map[int64][]evaluation.Scheme{}
	for _, r := range rows {
		var sc evaluation.Scheme
		if err := json.Unmarshal([]byte(r.Body), &sc); err != nil {
			return nil, fmt.Errorf("scheme %d/%s: %w", r.UnitID, r.Version, err)
		}
		out[r.UnitID] = append(out[r.UnitID], sc)
	}
	return out, nil
}

// chain is the unit and every unit above it, nearest first.
func (v view) chain() []store.OrgUnit {
	byID := map[int64]store.OrgUnit{}
	for _, u := range v.units {
		byID[u.ID] = u
	}
	var out []store.OrgUnit
	for u, ok := v.unit, true; ok; u, ok = byID[u.ParentID] {
		out = append(out, u)
		if u.ParentID == 0 {
			break
		}
	}
	return out
}

// schemeFor is the scheme a period starting on first is scored under at the
// view's unit: the one in force on that day at the nearest unit (itself,
// then upwards) that has one in force, else the default proposal. A unit
// whose only scheme starts later falls back to the unit above until then.
func (s *Service) schemeFor(ctx context.Context, v view, first calendar.Date) (evaluation.Scheme, store.OrgUnit, error) {
	stored, err := s.storedSchemes(ctx)
	if err != nil {
		return evaluation.Scheme{}, store.OrgUnit{}, err
	}
	for _, u := range v.chain() {
		if sc, ok := evaluation.SchemeFor(stored[u.ID], first); ok {
			return sc, u, nil
		}
	}
	if sc, ok := evaluation.SchemeFor(stored[0], first); ok {
		return sc, store.OrgUnit{}, nil
	}
	return evaluation.DefaultScheme(), store.OrgUnit{}, nil
}

// Schemes lists what applies to a unit.
func (s *Service) Schemes(ctx context.Context, p *auth.Principal, unit string) (SchemeList, error) {
	v, err := s.resolve(ctx, p, unit)
	if err != nil {
		return SchemeList{}, err
	}
	stored, err := s.storedSchemes(ctx)
	if err != nil {
		return SchemeList{}, err
	}
	out := SchemeList{Unit: v.unit, Own: stored[v.unit.ID], CanEdit: canEditSchemes(p, v.unit)}
	out.InForce, out.Owner, err = s.schemeFor(ctx, v, s.today())
	if err != nil {
		return out, err
	}
	out.Inherits = out.Owner.ID != v.unit.ID
	if out.Owner.ID != 0 {
		out.Schemes = stored[out.Owner.ID]
	} else if len(stored[0]) > 0 {
		out.Schemes = stored[0]
	} else {
		out.Schemes = []evaluation.Scheme{evaluation.DefaultScheme()}
	}
	return out, nil
}

// canEditSchemes: schemes belong to a committee, a district or the city,
// and are edited by someone who manages evaluation there.
func canEditSchemes(p *auth.Principal, u store.OrgUnit) bool {
	switch u.Kind {
	case domain.OrgCommittee, domain.OrgDistrict, domain.OrgCity:
		return p.Reaches(domain.PermEvalManage, u.Path)
	}
	return false
}

// SaveScheme stores a version of a unit's scheme after checking it. A
// version already in force cannot be rewritten: a change is a new version
// with its own effective date, so scored periods keep their figures.
func (s *Service) SaveScheme(ctx context.Context, p *auth.Principal, unit string, sc evaluation.Scheme) error {
	if p == nil || !p.Can(domain.PermEvalManage) {
		return access.Forbidden("无权修改绩效评估方案")
	}
	v, err := s.resolve(ctx, p, unit)
	if err != nil {
		return err
	}
	if !canEditSchemes(p, v.unit) {
		return access.Forbidden(fmt.Sprintf("无权修改“%s”的绩效评估方案（方案由调委会、区或市一级制定）", v.unit.Name))
	}
	if errs := sc.Validate(); len(errs) > 0 {
		return &access.ValidationError{Fields: errs}
	}
	if first := monthDays(s.today()).From; sc.EffectiveFrom.Before(first) {
		return &access.ValidationError{Fields: []*domain.FieldError{{Field: "effective_from",
			Message: fmt.Sprintf("生效日期不能早于本月1日（%s）：已结束的月份按当时施行的方案评估", first)}}}
	}
	stored, err := s.storedSchemes(ctx)
	if err != nil {
		return err
	}
	for _, r := range stored[v.unit.ID] {
		if r.Version == sc.Version && !r.EffectiveFrom.After(s.today()) {
			return &access.ValidationError{Fields: []*domain.FieldError{{Field: "version",
				Message: fmt.Sprintf("方案 %s 已于 %s 起施行，不能改写；请以新的版本号和生效日期另立方案", r.Version, r.EffectiveFrom)}}}
		}
	}
	body, err := json.Marshal(sc)
	if err != nil {
		return fmt.Errorf("encode scheme: %w", err)
	}
	return s.Store.PutEvalScheme(ctx, store.EvalScheme{UnitID: v.unit.ID, Version: sc.Version, Name: sc.Name,
		EffectiveFrom: sc.EffectiveFrom.String(), Body: string(body), CreatedBy: p.UserID, Created: s.now()})
}

// Move is how a subject's place would change under a candidate scheme.
type Move struct {
	Subject             evaluation.Subject
	TotalNow, TotalThen float64
	RankNow, RankThen   int
	BandNow, BandThen   string
}

// Preview scores this month under the scheme in force and under a
// candidate, so an editor sees whose rank moves before saving.
func (s *Service) Preview(ctx context.Context, p *auth.Principal, unit, level string, candidate evaluation.Scheme) ([]Move, error) {
	if p == nil || !p.Can(domain.PermEvalManage) {
		return nil, access.Forbidden("无权修改绩效评估方案")
	}
	if errs := candidate.Validate(); len(errs) > 0 {
		return nil, &access.ValidationError{Fields: errs}
	}
	v, err := s.resolve(ctx, p, unit)
	if err != nil {
		return nil, err
	}
	if !canEditSchemes(p, v.unit) {
		return nil, access.Forbidden(fmt.Sprintf("无权修改“%s”的绩效评估方案（方案由调委会、区或市一级制定）", v.unit.Name))
	}
	if level, err = v.levelFor(level); err != nil {
		return nil, err
	}
	per := monthDays(s.today())
	per.To = s.today()
	current, _, err := s.schemeFor(ctx, v, per.From)
	if err != nil {
		return nil, err
	}
	now, err := s.scores(ctx, v, level, per, current)
	if err != nil {
		return nil, err
	}
	then, err := s.scores(ctx, v, level, per, candidate)
	if err != nil {
		return nil, err
	}
	byID := map[int64]Row{}
	for _, r := range then.Rows {
		byID[r.Subject.ID] = r
	}
	var out []Move
	for _, r := range now.Rows {
		t := byID[r.Subject.ID]
		out = append(out, Move{Subject: r.Subject, TotalNow: r.Result.Total, TotalThen: t.Result.Total,
			RankNow: r.Rank, RankThen: t.Rank, BandNow: r.Result.Band, BandThen: t.Result.Band})
	}
	return out, nil
}
