// Package statistics is the official statistics forms capability (统计报表):
// it loads the form files (internal/statforms/forms), checks who may read
// which unit, sums the evaluation rollups over the period, the year to date
// and the same spans last year (grouped by dispute category where a form
// has a row per category), counts the organisations and the mediator
// registry, fills the form with internal/statforms' rules and writes the
// workbook. The figures are the rollups the evaluation reads, so a form and
// a score never disagree.
package statistics

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/tiaojie/tiaojie/internal/access"
	"github.com/tiaojie/tiaojie/internal/auth"
	"github.com/tiaojie/tiaojie/internal/calendar"
	"github.com/tiaojie/tiaojie/internal/domain"
	"github.com/tiaojie/tiaojie/internal/scorecard"
	"github.com/tiaojie/tiaojie/internal/statcodes"
	"github.com/tiaojie/tiaojie/internal/statforms"
	"github.com/tiaojie/tiaojie/internal/statforms/forms"
	"github.com/tiaojie/tiaojie/internal/store"
)

// Service answers the statistics forms.
type Service struct {
	Store     store.Store
	Scorecard *scorecard.Service // catches the rollups up before a read
	Now       func() time.Time

	once  sync.Once
	forms []*statforms.Form
	codes *statcodes.Tables
	err   error
}

func (s *Service) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

func (s *Service) today() calendar.Date { return calendar.DateOf(s.now()) }

// load parses the embedded form files once, ordered by 表号.
func (s *Service) load() ([]*statforms.Form, error) {
	s.once.Do(func() {
		s.codes, s.err = statcodes.Load()
		if s.err != nil {
			return
		}
		s.forms, s.err = LoadForms(forms.Files, s.codes)
	})
	return s.forms, s.err
}

// LoadForms parses every *.json form file of fsys, ordered by 表号 then code.
func LoadForms(fsys fs.FS, codes *statcodes.Tables) ([]*statforms.Form, error) {
	names, err := fs.Glob(fsys, "*.json")
	if err != nil {
		return nil, err
	}
	list := func(table string) [][2]string {
		cs := codes.List(table)
		if cs == nil {
			return nil
		}
		out := make([][2]string, 0, len(cs))
		for _, c := range cs {
			out = append(out, [2]string{c.Code, c.Label})
		}
		return out
	}
	var out []*statforms.Form
	seen := map[string]bool{}
	for _, n := range names {
		b, err := fs.ReadFile(fsys, n)
		if err != nil {
			return nil, err
		}
		f, err := statforms.Parse(b, list, statforms.KnownCounter)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", n, err)
		}
		if seen[f.Code] {
			return nil, fmt.Errorf("%s: 报表代码“%s”重复", n, f.Code)
		}
		seen[f.Code] = true
		out = append(out, f)
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Number != out[j].Number {
			return out[i].Number < out[j].Number
		}
		return out[i].Code < out[j].Code
	})
	return out, nil
}

func invalid(field, msg string) error {
	return &access.ValidationError{Fields: []*domain.FieldError{{Field: field, Message: msg}}}
}

// Forms lists the forms (anyone who reads statistics).
func (s *Service) Forms(p *auth.Principal) ([]*statforms.Form, error) {
	if p == nil || !p.Can(domain.PermStatsRead) {
		return nil, access.Forbidden("无权查看统计报表")
	}
	return s.load()
}

// form finds a form by code.
func (s *Service) form(code string) (*statforms.Form, error) {
	fs, err := s.load()
	if err != nil {
		return nil, err
	}
	for _, f := range fs {
		if f.Code == code {
			return f, nil
		}
	}
	var codes []string
	for _, f := range fs {
		codes = append(codes, f.Code)
	}
	return nil, access.NotFound(fmt.Sprintf("没有报表“%s”（可选：%s）", code, strings.Join(codes, "、")))
}

// IsStatUnit says whether a unit has statistics: the city, a district, a
// committee or a room.
func IsStatUnit(k domain.OrgKind) bool {
	return k == domain.OrgCity || k == domain.OrgDistrict || k == domain.OrgCommittee || k.IsRoom()
}

// canRead says whether p reads u's statistics: a stats.read binding on the
// unit or above it.
func canRead(p *auth.Principal, u store.OrgUnit) bool {
	if p == nil {
		return false
	}
	for _, b := range p.Bindings {
		if b.OrgPath != "" && domain.RoleHas(b.Role, domain.PermStatsRead) && strings.HasPrefix(u.Path, b.OrgPath) {
			return true
		}
	}
	return false
}

// Units lists the units p may fill forms for, each district before its
// committees and each committee before its rooms.
func (s *Service) Units(ctx context.Context, p *auth.Principal) ([]store.OrgUnit, error) {
	if p == nil || !p.Can(domain.PermStatsRead) {
		return nil, access.Forbidden("无权查看统计报表")
	}
	units, err := s.Store.ListOrgUnits(ctx)
	if err != nil {
		return nil, fmt.Errorf("list org units: %w", err)
	}
	var out []store.OrgUnit
	for _, u := range units {
		if IsStatUnit(u.Kind) && canRead(p, u) {
			out = append(out, u)
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Path < out[j].Path })
	return out, nil
}

// scope is a unit and what its figures are summed over.
type scope struct {
	unit       store.OrgUnit
	units      []store.OrgUnit // every unit under it (itself included)
	committees []int64
	roomID     int64
}

func (s *Service) resolve(ctx context.Context, p *auth.Principal, code string) (scope, error) {
	if p == nil || !p.Can(domain.PermStatsRead) {
		return scope{}, access.Forbidden("无权查看统计报表")
	}
	code = strings.TrimSpace(code)
	if code == "" {
		return scope{}, invalid("unit", "请指定填报单位（unit，如 pd-cmt）")
	}
	all, err := s.Store.ListOrgUnits(ctx)
	if err != nil {
		return scope{}, fmt.Errorf("list org units: %w", err)
	}
	var v scope
	found := false
	for _, u := range all {
		if u.Code == code {
			v.unit, found = u, true
		}
	}
	if !found {
		return scope{}, access.NotFound(fmt.Sprintf("找不到单位“%s”", code))
	}
	if !canRead(p, v.unit) {
		return scope{}, access.Forbidden(fmt.Sprintf("无权查看“%s”的统计报表", v.unit.Name))
	}
	if !IsStatUnit(v.unit.Kind) {
		return scope{}, invalid("unit", fmt.Sprintf("“%s”不是调解组织，没有统计报表（请选择区、调委会或工作室）", v.unit.Name))
	}
	for _, u := range all {
		if strings.HasPrefix(u.Path, v.unit.Path) {
			v.units = append(v.units, u)
		}
	}
	sort.SliceStable(v.units, func(i, j int) bool { return v.units[i].ID < v.units[j].ID })
	if v.unit.Kind.IsRoom() {
		v.committees, v.roomID = []int64{v.unit.ParentID}, v.unit.ID
	} else {
		v.committees = []int64{}
		for _, u := range v.units {
			if u.Kind == domain.OrgCommittee {
				v.committees = append(v.committees, u.ID)
			}
		}
	}
	return v, nil
}

// Report is a filled form.
type Report struct {
	Form    *statforms.Form
	Unit    store.OrgUnit
	Period  statforms.Period
	Table   statforms.Table
	Filled  calendar.Date // 填报日期
	Pending int64         // cases not yet in the rollups (normally 0)
}

// Title is the form's title with the unit and period, for file names.
func (r Report) Title() string {
	return fmt.Sprintf("%s-%s-%s", r.Form.Title, r.Unit.Name, r.Period.Label())
}

// PeriodText is the period in words with its days.
func (r Report) PeriodText() string {
	cur := r.Period.Span(statforms.SpanCurrent)
	s := fmt.Sprintf("%s（%s 至 %s", r.Period.Label(), cur.From, cur.To)
	if r.Period.Cut {
		s += "，本期未结束，统计到今天"
	}
	return s + "）"
}

// CasesQuery is the query of the evaluation case list behind a cell
// ("" when the cell has none): unit, from, to, indicator and part.
func (r Report) CasesQuery(c statforms.Cell) string {
	if c.Cases == nil || c.Span == "" || r.Form.Source != statforms.SourceRollups {
		return ""
	}
	span := r.Period.Span(c.Span)
	return url.Values{"unit": {r.Unit.Code}, "from": {span.From.String()}, "to": {span.To.String()},
		"indicator": {c.Cases.Indicator}, "part": {c.Cases.Part}}.Encode()
}

// Fill fills a form for a unit and a period ("2026", "2026-Q3", "2026-10").
func (s *Service) Fill(ctx context.Context, p *auth.Principal, code, unit, period string) (Report, error) {
	if p == nil || !p.Can(domain.PermStatsRead) {
		return Report{}, access.Forbidden("无权查看统计报表")
	}
	f, err := s.form(strings.TrimSpace(code))
	if err != nil {
		return Report{}, err
	}
	v, err := s.resolve(ctx, p, unit)
	if err != nil {
		return Report{}, err
	}
	today := s.today()
	per, err := statforms.ParsePeriod(period, today)
	if err != nil {
		var fe *domain.FieldError
		if errors.As(err, &fe) {
			return Report{}, &access.ValidationError{Fields: []*domain.FieldError{fe}}
		}
		return Report{}, err
	}
	r := Report{Form: f, Unit: v.unit, Period: per, Filled: today}
	var sums statforms.Sums
	switch f.Source {
	case statforms.SourceRegistry:
		sums, err = s.registrySums(ctx, v)
	default:
		sums, r.Pending, err = s.rollupSums(ctx, f, v, per)
	}
	if err != nil {
		return Report{}, err
	}
	r.Table = statforms.Fill(f, sums)
	return r, nil
}

// rollupSums sums the evaluation rollups for each span the form reads,
// grouped by justice dispute category when the form has a row per category.
func (s *Service) rollupSums(ctx context.Context, f *statforms.Form, v scope, per statforms.Period) (statforms.Sums, int64, error) {
	pending, err := s.Store.EvalPending(ctx)
	if err != nil {
		return nil, 0, err
	}
	if pending > 0 && pending <= store.PendingCap && s.Scorecard != nil {
		if _, err := s.Scorecard.CatchUp(ctx); err != nil {
			return nil, 0, err
		}
		if pending, err = s.Store.EvalPending(ctx); err != nil {
			return nil, 0, err
		}
	}
	group := ""
	if f.Grouped() {
		group = "category"
	}
	out := statforms.Sums{}
	for _, span := range f.UsesSpans() {
		rg := per.Span(span)
		rows, err := s.Store.EvalSums(ctx, store.EvalQuery{Committees: v.committees, RoomID: v.roomID,
			From: rg.From.String(), To: rg.To.String(), GroupBy: group, Counters: f.Counters()})
		if err != nil {
			return nil, 0, fmt.Errorf("sum the rollups of %s over %s: %w", v.unit.Code, rg, err)
		}
		groups := map[string]map[string]int64{}
		for _, row := range rows {
			key := statforms.TotalGroup
			if group != "" {
				key = s.codes.JusticeOf(row.Key)
			}
			g := groups[key]
			if g == nil {
				g = map[string]int64{}
				groups[key] = g
			}
			for k, n := range row.Counters {
				g[k] += n
			}
		}
		out[span] = groups
	}
	return out, pending, nil
}

// registrySums counts the organisations and mediators under the unit by
// organisation type (committee, office_room, enterprise_room). A mediator
// bound to several units counts once, for the first of them by ID.
func (s *Service) registrySums(ctx context.Context, v scope) (statforms.Sums, error) {
	groups := map[string]map[string]int64{}
	add := func(kind string) map[string]int64 {
		g := groups[kind]
		if g == nil {
			g = map[string]int64{}
			groups[kind] = g
		}
		return g
	}
	seen := map[int64]string{}
	var ids []int64
	for _, u := range v.units {
		if u.Kind != domain.OrgCommittee && !u.Kind.IsRoom() {
			continue
		}
		add(string(u.Kind))["units"]++
		us, err := s.Store.ListRoomMediators(ctx, u.ID)
		if err != nil {
			return nil, fmt.Errorf("list mediators of %s: %w", u.Code, err)
		}
		for _, m := range us {
			if _, ok := seen[m.ID]; !ok {
				seen[m.ID] = string(u.Kind)
				ids = append(ids, m.ID)
			}
		}
	}
	recs, err := s.Store.ListMediatorRecords(ctx, ids)
	if err != nil {
		return nil, fmt.Errorf("list mediator records: %w", err)
	}
	byID := map[int64]store.MediatorRecord{}
	for _, r := range recs {
		byID[r.UserID] = r
	}
	for _, id := range ids {
		r, ok := byID[id]
		statforms.CountMember(add(seen[id]), statforms.Member{Registered: ok, Kind: r.Kind, Education: r.Education})
	}
	return statforms.Sums{statforms.SpanCurrent: groups}, nil
}
