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

// Schemes lists the stored schemes by effective date; the default proposal
// stands in while none is stored.
func (s *Service) Schemes(ctx context.Context) ([]evaluation.Scheme, error) {
	rows, err := s.Store.ListEvalSchemes(ctx)
	if err != nil {
		return nil, fmt.Errorf("list schemes: %w", err)
	}
	if len(rows) == 0 {
		return []evaluation.Scheme{evaluation.DefaultScheme()}, nil
	}
	// The default proposal stays in force until a stored scheme replaces it
	// (same version, or an earlier effective date): saving next year's
	// scheme must not rescore this year under it.
	def := evaluation.DefaultScheme()
	out, keepDefault := make([]evaluation.Scheme, 0, len(rows)+1), true
	for _, r := range rows {
		var sc evaluation.Scheme
		if err := json.Unmarshal([]byte(r.Body), &sc); err != nil {
			return nil, fmt.Errorf("scheme %s: %w", r.Version, err)
		}
		if sc.Version == def.Version || !sc.EffectiveFrom.After(def.EffectiveFrom) {
			keepDefault = false
		}
		out = append(out, sc)
	}
	if keepDefault {
		out = append([]evaluation.Scheme{def}, out...)
	}
	return out, nil
}

// SchemeFor is the scheme in force on a period's first day.
func (s *Service) SchemeFor(ctx context.Context, first calendar.Date) (evaluation.Scheme, error) {
	all, err := s.Schemes(ctx)
	if err != nil {
		return evaluation.Scheme{}, err
	}
	if sc, ok := evaluation.SchemeFor(all, first); ok {
		return sc, nil
	}
	return all[0], nil // a period before every scheme: the earliest
}

// SaveScheme stores a scheme version after checking it. A version already
// in force for a published month cannot be rewritten: a change is a new
// version with its own effective date.
func (s *Service) SaveScheme(ctx context.Context, p *auth.Principal, sc evaluation.Scheme) error {
	if p == nil || !p.Can(domain.PermEvalManage) {
		return access.Forbidden("无权修改绩效评估方案")
	}
	if errs := sc.Validate(); len(errs) > 0 {
		return &access.ValidationError{Fields: errs}
	}
	stored, err := s.Store.ListEvalSchemes(ctx)
	if err != nil {
		return fmt.Errorf("list schemes: %w", err)
	}
	for _, r := range stored {
		if r.Version == sc.Version && r.EffectiveFrom <= s.today().String() {
			return &access.ValidationError{Fields: []*domain.FieldError{{Field: "version",
				Message: fmt.Sprintf("方案 %s 已于 %s 起施行，不能改写；请以新的版本号和生效日期另立方案", r.Version, r.EffectiveFrom)}}}
		}
	}
	body, err := json.Marshal(sc)
	if err != nil {
		return fmt.Errorf("encode scheme: %w", err)
	}
	return s.Store.PutEvalScheme(ctx, store.EvalScheme{Version: sc.Version, Name: sc.Name, EffectiveFrom: sc.EffectiveFrom.String(),
		Body: string(body), CreatedBy: p.UserID, Created: s.now()})
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
	if level, err = v.levelFor(level); err != nil {
		return nil, err
	}
	per := monthDays(s.today())
	per.To = s.today()
	current, err := s.SchemeFor(ctx, per.From)
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
