package scorecard

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/tiaojie/tiaojie/internal/access"
	"github.com/tiaojie/tiaojie/internal/auth"
	"github.com/tiaojie/tiaojie/internal/calendar"
	"github.com/tiaojie/tiaojie/internal/domain"
	"github.com/tiaojie/tiaojie/internal/store"
)

// Levels whose subjects can be scored.
const (
	LevelMediator  = "mediator"
	LevelRoom      = "room"
	LevelCommittee = "committee"
)

// LevelLabel is the Chinese name of a level.
func LevelLabel(l string) string {
	return map[string]string{LevelMediator: "调解员", LevelRoom: "工作室", LevelCommittee: "调委会"}[l]
}

// view is what one request may see: the unit asked about, the committees
// under (or above, for a room) it, and whether the viewer sees only their
// own figures (a mediator).
type view struct {
	unit       store.OrgUnit
	units      []store.OrgUnit // every unit, by path
	committees []int64
	roomID     int64 // when the unit is a room
	selfOnly   int64 // the mediator's user id when they may see only their own figures
}

func isRoom(k domain.OrgKind) bool {
	return k == domain.OrgOfficeRoom || k == domain.OrgEnterpriseRoom
}

// resolve finds the unit by code and checks the viewer may see its figures.
func (s *Service) resolve(ctx context.Context, p *auth.Principal, code string) (view, error) {
	if p == nil || !p.Can(domain.PermEvalRead) {
		return view{}, access.Forbidden("无权查看绩效评估")
	}
	code = strings.TrimSpace(code)
	if code == "" {
		return view{}, &access.ValidationError{Fields: []*domain.FieldError{{Field: "unit", Message: "请指定单位（unit，如 pd-cmt）"}}}
	}
	var v view
	var err error
	if v.unit, err = s.Store.GetOrgUnitByCode(ctx, code); errors.Is(err, store.ErrNotFound) {
		return view{}, access.NotFound(fmt.Sprintf("找不到单位“%s”", code))
	} else if err != nil {
		return view{}, fmt.Errorf("get org unit %s: %w", code, err)
	}
	switch k := v.unit.Kind; {
	case k == domain.OrgCity || k == domain.OrgDistrict || k == domain.OrgCommittee || isRoom(k):
	default:
		return view{}, &access.ValidationError{Fields: []*domain.FieldError{{Field: "unit", Message: fmt.Sprintf("“%s”不是调解组织，没有绩效数据", v.unit.Name)}}}
	}
	// Who may see the unit: a binding whose subtree holds it, or, for a
	// mediator, a binding anywhere above their own figures.
	wide := false
	for _, b := range p.Bindings {
		if !domain.RoleHas(b.Role, domain.PermEvalRead) || b.OrgPath == "" {
			continue
		}
		if b.Role != domain.RoleMediator && strings.HasPrefix(v.unit.Path, b.OrgPath) {
			wide = true
		}
	}
	if !wide {
		mine := false
		for _, b := range p.Bindings {
			if b.Role == domain.RoleMediator && (strings.HasPrefix(v.unit.Path, b.OrgPath) || strings.HasPrefix(b.OrgPath, v.unit.Path)) {
				mine = true
			}
		}
		if !mine {
			return view{}, access.Forbidden(fmt.Sprintf("无权查看“%s”的绩效", v.unit.Name))
		}
		v.selfOnly = p.UserID
	}
	if v.units, err = s.units(ctx, v.unit); err != nil {
		return view{}, err
	}
	if isRoom(v.unit.Kind) {
		v.committees = []int64{v.unit.ParentID}
		v.roomID = v.unit.ID
	} else {
		for _, u := range v.units {
			if u.Kind == domain.OrgCommittee && strings.HasPrefix(u.Path, v.unit.Path) {
				v.committees = append(v.committees, u.ID)
			}
		}
		if v.committees == nil {
			v.committees = []int64{}
		}
	}
	return v, nil
}

// units is what a view of unit reads of the tree, in path order: the
// units above it and the subtree it scores (for a room, its committee's, as
// its room level lists the committee's rooms). A city's whole tree, copied
// for each of the twelve months of a trend, was most of the page's reads.
func (s *Service) units(ctx context.Context, unit store.OrgUnit) ([]store.OrgUnit, error) {
	top := unit
	if isRoom(unit.Kind) {
		var err error
		if top, err = s.Store.GetOrgUnit(ctx, unit.ParentID); err != nil {
			return nil, fmt.Errorf("committee of room %s: %w", unit.Code, err)
		}
	}
	var above []store.OrgUnit
	for u := top; u.ParentID != 0; {
		var err error
		if u, err = s.Store.GetOrgUnit(ctx, u.ParentID); err != nil {
			return nil, fmt.Errorf("unit above %s: %w", unit.Code, err)
		}
		above = append([]store.OrgUnit{u}, above...)
	}
	sub, err := s.Store.OrgUnitsUnder(ctx, top.Path)
	if err != nil {
		return nil, fmt.Errorf("units under %s: %w", top.Code, err)
	}
	return append(above, sub...), nil
}

// Period is a validated From..To.
type Period struct {
	From, To calendar.Date
}

// parsePeriod checks from/to (YYYY-MM-DD): both present, real dates, from
// not after to, not starting in the future. To is cut back to today.
func parsePeriod(from, to string, today calendar.Date) (Period, error) {
	var errs []*domain.FieldError
	parse := func(field, label, s string) calendar.Date {
		s = strings.TrimSpace(s)
		if s == "" {
			errs = append(errs, &domain.FieldError{Field: field, Message: label + "不能为空，格式为 YYYY-MM-DD"})
			return calendar.Date{}
		}
		d, err := calendar.ParseDate(s)
		if err != nil || d.String() != s {
			errs = append(errs, &domain.FieldError{Field: field, Message: fmt.Sprintf("%s“%s”不是有效日期，格式为 YYYY-MM-DD", label, s)})
			return calendar.Date{}
		}
		return d
	}
	p := Period{From: parse("from", "开始日期", from), To: parse("to", "结束日期", to)}
	if len(errs) == 0 {
		switch {
		case p.From.After(p.To):
			errs = append(errs, &domain.FieldError{Field: "from", Message: fmt.Sprintf("开始日期 %s 晚于结束日期 %s", p.From, p.To)})
		case p.From.After(today):
			errs = append(errs, &domain.FieldError{Field: "from", Message: fmt.Sprintf("统计期间不能在未来：今天是 %s", today)})
		case p.To.Sub(p.From) > 366*5:
			errs = append(errs, &domain.FieldError{Field: "to", Message: "统计期间最长五年"})
		}
	}
	if len(errs) > 0 {
		return Period{}, &access.ValidationError{Fields: errs}
	}
	if p.To.After(today) {
		p.To = today
	}
	return p, nil
}

// parseMonth checks a YYYY-MM period and returns its first and last day.
func parseMonth(s string, today calendar.Date) (Period, error) {
	t, err := time.Parse("2006-01", strings.TrimSpace(s))
	if err != nil {
		return Period{}, &access.ValidationError{Fields: []*domain.FieldError{{Field: "period", Message: fmt.Sprintf("月份“%s”无效，格式为 YYYY-MM", s)}}}
	}
	first := calendar.Date{Year: t.Year(), Month: t.Month(), Day: 1}
	last := calendar.Date{Year: t.Year(), Month: t.Month(), Day: 1}.AddDays(40)
	last = calendar.Date{Year: last.Year, Month: last.Month, Day: 1}.AddDays(-1)
	if first.After(today) {
		return Period{}, &access.ValidationError{Fields: []*domain.FieldError{{Field: "period", Message: fmt.Sprintf("月份 %s 还没有到", s)}}}
	}
	return Period{From: first, To: last}, nil
}

func (s *Service) today() calendar.Date { return calendar.DateOf(s.now()) }

// levelFor checks the level against the unit: a room has no committees
// below it; a mediator sees only the mediator level.
func (v view) levelFor(level string) (string, error) {
	if level == "" {
		level = LevelMediator
		if v.selfOnly == 0 && (v.unit.Kind == domain.OrgCity || v.unit.Kind == domain.OrgDistrict) {
			level = LevelCommittee
		}
	}
	switch level {
	case LevelMediator, LevelRoom, LevelCommittee:
	default:
		return "", &access.ValidationError{Fields: []*domain.FieldError{{Field: "level", Message: fmt.Sprintf("层级“%s”无效：应为 mediator（调解员）、room（工作室）或 committee（调委会）", level)}}}
	}
	if v.selfOnly != 0 && level != LevelMediator {
		return "", access.Forbidden("调解员只能查看本人的绩效")
	}
	if isRoom(v.unit.Kind) && level == LevelCommittee {
		return "", &access.ValidationError{Fields: []*domain.FieldError{{Field: "level", Message: "工作室之下没有调委会层级"}}}
	}
	return level, nil
}
