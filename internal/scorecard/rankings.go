package scorecard

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/tiaojie/tiaojie/internal/access"
	"github.com/tiaojie/tiaojie/internal/auth"
	"github.com/tiaojie/tiaojie/internal/domain"
	"github.com/tiaojie/tiaojie/internal/evaluation"
	"github.com/tiaojie/tiaojie/internal/store"
)

// Placed is one subject's place in a ranking.
type Placed struct {
	Subject evaluation.Subject `json:"subject"`
	Total   float64            `json:"total"`
	Band    string             `json:"band"`
	Cases   int                `json:"cases"`
	Rank    int                `json:"rank"`
	Reason  string             `json:"reason,omitempty"`
}

// RankingBody is what publishing freezes.
type RankingBody struct {
	SchemeVersion string   `json:"scheme_version"`
	EffectiveFrom string   `json:"effective_from"`
	MinCases      int      `json:"min_cases"`
	Rows          []Placed `json:"rows"`
	Red           []Placed `json:"red"`
	Black         []Placed `json:"black"`
}

// Revision describes one published revision.
type Revision struct {
	Revision    int64
	Reason      string
	PublishedBy string
	Published   time.Time
}

// RankingView is a month's 红榜/黑榜: the latest published revision, or the
// live figures while unpublished.
type RankingView struct {
	Unit       store.OrgUnit
	Level      string
	Period     string
	Days       Period
	Live       bool // not published: the figures still move with late events
	Current    *Revision
	Revisions  []Revision
	Body       RankingBody
	CanPublish bool
}

// Ranking answers the red and black lists of a month.
func (s *Service) Ranking(ctx context.Context, p *auth.Principal, unit, level, month string) (RankingView, error) {
	v, err := s.resolve(ctx, p, unit)
	if err != nil {
		return RankingView{}, err
	}
	if v.selfOnly != 0 {
		return RankingView{}, access.Forbidden("红黑榜由调委会发布，调解员请在“我的绩效”查看本人名次")
	}
	if level, err = v.levelFor(level); err != nil {
		return RankingView{}, err
	}
	days, err := parseMonth(month, s.today())
	if err != nil {
		return RankingView{}, err
	}
	out := RankingView{Unit: v.unit, Level: level, Period: month, Days: days,
		CanPublish: p.Reaches(domain.PermEvalManage, v.unit.Path) && days.To.Before(s.today())}
	revs, err := s.Store.ListRankings(ctx, v.unit.ID, level, month)
	if err != nil {
		return out, fmt.Errorf("published rankings: %w", err)
	}
	for _, r := range revs {
		by := ""
		if r.PublishedBy != 0 {
			by, _ = s.userName(ctx, r.PublishedBy)
		}
		out.Revisions = append(out.Revisions, Revision{Revision: r.Revision, Reason: r.Reason, PublishedBy: by, Published: r.Published})
	}
	if len(revs) > 0 {
		if err := json.Unmarshal([]byte(revs[0].Body), &out.Body); err != nil {
			return out, fmt.Errorf("ranking revision %d: %w", revs[0].Revision, err)
		}
		out.Current = &out.Revisions[0]
		return out, nil
	}
	out.Live = true
	out.Body, err = s.liveRanking(ctx, v, level, days)
	return out, err
}

func (s *Service) liveRanking(ctx context.Context, v view, level string, days Period) (RankingBody, error) {
	scheme, _, err := s.schemeFor(ctx, v, days.From)
	if err != nil {
		return RankingBody{}, err
	}
	sc, err := s.scores(ctx, v, level, days, scheme)
	if err != nil {
		return RankingBody{}, err
	}
	body := RankingBody{SchemeVersion: scheme.Version, EffectiveFrom: scheme.EffectiveFrom.String(), MinCases: scheme.MinCases,
		Rows: []Placed{}, Red: []Placed{}, Black: []Placed{}}
	var rows []evaluation.Row
	for _, r := range sc.Rows {
		body.Rows = append(body.Rows, Placed{Subject: r.Subject, Total: r.Result.Total, Band: r.Result.Band, Cases: r.Result.Cases, Rank: r.Rank, Reason: r.Reason})
		rows = append(rows, evaluation.Row{Subject: r.Subject, Total: r.Result.Total, Band: r.Result.Band, Cases: r.Result.Cases, Scored: r.Result.Scored})
	}
	rk := evaluation.Rank(rows, scheme.MinCases)
	for _, r := range rk.Red {
		body.Red = append(body.Red, Placed{Subject: r.Subject, Total: r.Total, Band: r.Band, Cases: r.Cases, Rank: r.Rank})
	}
	for _, r := range rk.Black {
		body.Black = append(body.Black, Placed{Subject: r.Subject, Total: r.Total, Band: r.Band, Cases: r.Cases, Rank: r.Rank})
	}
	return body, nil
}

// Publish freezes a finished month's ranking. The first publication needs
// no reason; a correction is a new revision and must say why.
func (s *Service) Publish(ctx context.Context, p *auth.Principal, unit, level, month, reason string) (RankingView, error) {
	v, err := s.resolve(ctx, p, unit)
	if err != nil {
		return RankingView{}, err
	}
	if !p.Reaches(domain.PermEvalManage, v.unit.Path) {
		return RankingView{}, access.Forbidden("无权发布该单位的红黑榜")
	}
	if level, err = v.levelFor(level); err != nil {
		return RankingView{}, err
	}
	days, err := parseMonth(month, s.today())
	if err != nil {
		return RankingView{}, err
	}
	if !days.To.Before(s.today()) {
		return RankingView{}, &access.ValidationError{Fields: []*domain.FieldError{{Field: "period", Message: fmt.Sprintf("%s 尚未结束，月度红黑榜须在次月发布", month)}}}
	}
	revs, err := s.Store.ListRankings(ctx, v.unit.ID, level, month)
	if err != nil {
		return RankingView{}, fmt.Errorf("published rankings: %w", err)
	}
	reason = strings.TrimSpace(reason)
	if len(revs) > 0 && reason == "" {
		return RankingView{}, &access.ValidationError{Fields: []*domain.FieldError{{Field: "reason", Message: "该月红黑榜已发布；更正须写明理由，将作为新的修订版公布"}}}
	}
	if len([]rune(reason)) > 500 {
		return RankingView{}, &access.ValidationError{Fields: []*domain.FieldError{{Field: "reason", Message: "理由不超过500字"}}}
	}
	// A published list must hold every event up to now: catch up fully.
	if _, err := s.CatchUp(ctx); err != nil {
		return RankingView{}, err
	}
	body, err := s.liveRanking(ctx, v, level, days)
	if err != nil {
		return RankingView{}, err
	}
	raw, err := json.Marshal(body)
	if err != nil {
		return RankingView{}, fmt.Errorf("encode ranking: %w", err)
	}
	r := store.EvalRanking{UnitID: v.unit.ID, Level: level, Period: month, Reason: reason, Body: string(raw), PublishedBy: p.UserID, Published: s.now()}
	if err := s.Store.PublishRanking(ctx, &r); err != nil {
		return RankingView{}, fmt.Errorf("publish ranking: %w", err)
	}
	return s.Ranking(ctx, p, unit, level, month)
}
