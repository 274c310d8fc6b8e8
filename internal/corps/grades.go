package corps

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/tiaojie/tiaojie/internal/access"
	"github.com/tiaojie/tiaojie/internal/auth"
	"github.com/tiaojie/tiaojie/internal/calendar"
	"github.com/tiaojie/tiaojie/internal/domain"
	"github.com/tiaojie/tiaojie/internal/grading"
	"github.com/tiaojie/tiaojie/internal/store"
)

// gradeCounters are the rollup counters the grade rules read.
var gradeCounters = []string{"closed_accepted", "out_agreed", "out_not_agreed", "agreed_oral", "agreed_written"}

// Eligibility is a mediator's grade evaluation with the figures it read.
type Eligibility struct {
	Mediator Mediator
	Facts    grading.Facts
	Result   grading.Result
	From, To string // the period in post the figures cover ("" before an appointment)
}

// CanRise reports whether the rules allow a higher grade than the current one.
func (e Eligibility) CanRise() bool {
	return grading.GradeRank(e.Result.Highest) > grading.GradeRank(e.Mediator.Grade)
}

// HighestLabel names the highest grade qualified for.
func (e Eligibility) HighestLabel() string { return grading.Label(grading.Grades, e.Result.Highest) }

// rulesFor returns the rule versions of a committee (the default table
// when it saved none), cached per call.
func (s *Service) rulesFor(ctx context.Context, cache map[int64][]grading.RuleSet, committeeID int64) ([]grading.RuleSet, error) {
	if rs, ok := cache[committeeID]; ok {
		return rs, nil
	}
	stored, err := s.Store.ListGradeRules(ctx, committeeID)
	if err != nil {
		return nil, fmt.Errorf("list grade rules: %w", err)
	}
	var rs []grading.RuleSet
	for _, st := range stored {
		r, err := grading.ParseRuleSet(st.Body)
		if err != nil {
			return nil, err
		}
		rs = append(rs, r)
	}
	cache[committeeID] = rs
	return rs, nil
}

// eligibility evaluates one mediator: the rollups over their whole time in
// post (every committee), incidents since appointment, last year's training.
func (s *Service) eligibility(ctx context.Context, m Mediator, cache map[int64][]grading.RuleSet) (Eligibility, error) {
	today := s.today()
	e := Eligibility{Mediator: m, Facts: grading.Facts{TrainingHours: m.TrainingHours}}
	var committee int64
	if len(m.Rooms) > 0 {
		committee = m.Rooms[0].CommitteeID
	}
	versions, err := s.rulesFor(ctx, cache, committee)
	if err != nil {
		return e, err
	}
	rs := grading.InForce(versions, today)
	appointed := parseOpt(m.AppointedOn)
	if !appointed.IsZero() && !appointed.After(today) {
		e.Facts.AppointedOn = appointed
		e.From, e.To = appointed.String(), today.String()
		sums, err := s.Store.EvalSums(ctx, store.EvalQuery{MediatorID: m.UserID, From: e.From, To: e.To, Counters: gradeCounters})
		if err != nil {
			return e, fmt.Errorf("evaluation sums of mediator %d: %w", m.UserID, err)
		}
		for _, sum := range sums {
			c := sum.Counters
			e.Facts.Cases += c["closed_accepted"]
			e.Facts.Agreed += c["out_agreed"]
			e.Facts.NotAgreed += c["out_not_agreed"]
			e.Facts.Oral += c["agreed_oral"]
			e.Facts.Written += c["agreed_written"]
		}
		ins, err := s.Store.ListMediatorIncidents(ctx, []int64{m.UserID})
		if err != nil {
			return e, fmt.Errorf("list incidents: %w", err)
		}
		for _, in := range ins {
			if in.OccurredOn >= e.From && in.OccurredOn <= e.To {
				e.Facts.Improper++
			}
		}
	}
	e.Result = grading.Evaluate(rs, e.Facts, today)
	return e, nil
}

// GradesView lists who qualifies for which grade under a unit, and why.
type GradesView struct {
	Unit  store.OrgUnit
	Rules grading.RuleSet // in force for the unit's committee (the default for a district)
	Rows  []Eligibility
}

// Grades evaluates every registered mediator under the unit.
func (s *Service) Grades(ctx context.Context, p *auth.Principal, unit string) (GradesView, error) {
	v, err := s.resolve(ctx, p, unit, domain.PermCorpsRead)
	if err != nil {
		return GradesView{}, err
	}
	ms, err := s.members(ctx, v.rooms)
	if err != nil {
		return GradesView{}, err
	}
	if err := s.fill(ctx, ms); err != nil {
		return GradesView{}, err
	}
	cache := map[int64][]grading.RuleSet{}
	out := GradesView{Unit: v.unit}
	versions, err := s.rulesFor(ctx, cache, s.committeeOf(v))
	if err != nil {
		return GradesView{}, err
	}
	out.Rules = grading.InForce(versions, s.today())
	for _, m := range ms {
		if !m.Registered {
			continue
		}
		e, err := s.eligibility(ctx, m, cache)
		if err != nil {
			return GradesView{}, err
		}
		out.Rows = append(out.Rows, e)
	}
	return out, nil
}

// committeeOf is the committee whose rules a unit shows (0 above committees).
func (s *Service) committeeOf(v view) int64 {
	switch {
	case v.unit.Kind == domain.OrgCommittee:
		return v.unit.ID
	case isRoom(v.unit.Kind):
		return v.unit.ParentID
	}
	return 0
}

// CasesBehind lists the cases counted in a mediator's case figure: closed
// after acceptance, presided by them, in their time in post.
func (s *Service) casesBehind(ctx context.Context, e Eligibility) ([]int64, error) {
	if e.From == "" {
		return nil, nil
	}
	facts, err := s.Store.EvalFacts(ctx, store.EvalFactQuery{MediatorID: e.Mediator.UserID, Day: "closure", From: e.From, To: e.To})
	if err != nil {
		return nil, fmt.Errorf("cases behind the case count: %w", err)
	}
	var ids []int64
	for _, f := range facts {
		for _, c := range f.Contrib {
			if c.Counter == "closed_accepted" && c.N > 0 && !slices.Contains(ids, f.CaseID) {
				ids = append(ids, f.CaseID)
			}
		}
	}
	return ids, nil
}

// GradeDecision is a recorded decision as shown.
type GradeDecision struct {
	store.GradeDecision
	FromLabel, ToLabel string
	DecidedByName      string
}

// DecisionInput is a committee's grade decision.
type DecisionInput struct {
	To, On, Basis string
}

// DecideGrade records the committee's decision to change a mediator's
// grade, with the eligibility it rested on.
func (s *Service) DecideGrade(ctx context.Context, p *auth.Principal, userID int64, in DecisionInput) (store.GradeDecision, error) {
	m, err := s.mediator(ctx, p, userID, domain.PermCorpsManage)
	if err != nil {
		return store.GradeDecision{}, err
	}
	today := s.today()
	var errs []*domain.FieldError
	to := strings.TrimSpace(in.To)
	switch {
	case !grading.Known(grading.Grades, to):
		errs = append(errs, &domain.FieldError{Field: "to", Message: "请选择评定的等级"})
	case to == m.Grade:
		errs = append(errs, &domain.FieldError{Field: "to", Message: fmt.Sprintf("该调解员已是%s", m.GradeLabel)})
	}
	on, ferr := parseDay("on", "决定日期", in.On, today, true)
	if ferr != nil {
		errs = append(errs, ferr)
	}
	basis := strings.TrimSpace(in.Basis)
	if basis == "" {
		errs = append(errs, &domain.FieldError{Field: "basis", Message: "请写明决定依据（如会议名称、文号）"})
	} else if len([]rune(basis)) > 500 {
		errs = append(errs, &domain.FieldError{Field: "basis", Message: "决定依据最多 500 字"})
	}
	if !m.Registered {
		errs = append(errs, &domain.FieldError{Field: "to", Message: "该调解员尚未登记，请先填写登记信息"})
	}
	if len(errs) > 0 {
		return store.GradeDecision{}, &access.ValidationError{Fields: errs}
	}
	e, err := s.eligibility(ctx, m, map[int64][]grading.RuleSet{})
	if err != nil {
		return store.GradeDecision{}, err
	}
	snap, err := json.Marshal(e.Result)
	if err != nil {
		return store.GradeDecision{}, fmt.Errorf("eligibility snapshot: %w", err)
	}
	d := store.GradeDecision{UserID: userID, From: m.Grade, To: to, DecidedOn: on.String(), Basis: basis,
		DecidedBy: p.UserID, Snapshot: string(snap), Created: s.now()}
	if err := s.Store.DecideMediatorGrade(ctx, &d); errors.Is(err, store.ErrStale) {
		return store.GradeDecision{}, access.Conflict("该调解员的等级刚被他人修改，请刷新后重试")
	} else if err != nil {
		return store.GradeDecision{}, fmt.Errorf("decide grade: %w", err)
	}
	return d, nil
}

// parseDay checks a 'YYYY-MM-DD' field; notFuture refuses days after today.
func parseDay(field, label, s string, today calendar.Date, notFuture bool) (calendar.Date, *domain.FieldError) {
	s = strings.TrimSpace(s)
	if s == "" {
		return calendar.Date{}, &domain.FieldError{Field: field, Message: label + "不能为空，格式为 YYYY-MM-DD"}
	}
	d, err := calendar.ParseDate(s)
	if err != nil || d.String() != s {
		return calendar.Date{}, &domain.FieldError{Field: field, Message: fmt.Sprintf("%s“%s”不是有效日期，格式为 YYYY-MM-DD", label, s)}
	}
	if notFuture && d.After(today) {
		return calendar.Date{}, &domain.FieldError{Field: field, Message: fmt.Sprintf("%s不能晚于今天（%s）", label, today)}
	}
	return d, nil
}

// RulesView is a committee's grade rules: the version in force and all saved.
type RulesView struct {
	Unit     store.OrgUnit
	InForce  grading.RuleSet
	Versions []grading.RuleSet
}

// GradeRules answers the grade rules of a committee (or of a room's committee).
func (s *Service) GradeRules(ctx context.Context, p *auth.Principal, unit string) (RulesView, error) {
	v, err := s.resolve(ctx, p, unit, domain.PermCorpsRead)
	if err != nil {
		return RulesView{}, err
	}
	vs, err := s.rulesFor(ctx, map[int64][]grading.RuleSet{}, s.committeeOf(v))
	if err != nil {
		return RulesView{}, err
	}
	return RulesView{Unit: v.unit, InForce: grading.InForce(vs, s.today()), Versions: vs}, nil
}

// SaveGradeRules stores a new version of a committee's grade rules; a
// version takes effect no earlier than today (what was in force stays so).
func (s *Service) SaveGradeRules(ctx context.Context, p *auth.Principal, unit string, rs grading.RuleSet) error {
	v, err := s.resolve(ctx, p, unit, domain.PermCorpsManage)
	if err != nil {
		return err
	}
	if v.unit.Kind != domain.OrgCommittee {
		return invalid("unit", "等级评定条件由调委会制定，请选择调委会")
	}
	if err := rs.Validate(); err != nil {
		var fe *domain.FieldError
		if errors.As(err, &fe) {
			return &access.ValidationError{Fields: []*domain.FieldError{fe}}
		}
		return err
	}
	if rs.EffectiveFrom.Before(s.today()) {
		return invalid("effective_from", fmt.Sprintf("生效日期不能早于今天（%s）：已施行的条件不能改写", s.today()))
	}
	body, err := json.Marshal(rs)
	if err != nil {
		return fmt.Errorf("encode grade rules: %w", err)
	}
	if err := s.Store.PutGradeRules(ctx, store.GradeRules{UnitID: v.unit.ID, EffectiveFrom: rs.EffectiveFrom.String(),
		Body: string(body), CreatedBy: p.UserID, Created: s.now()}); err != nil {
		return fmt.Errorf("save grade rules: %w", err)
	}
	return nil
}
