package alerting

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"

	"github.com/tiaojie/tiaojie/internal/access"
	"github.com/tiaojie/tiaojie/internal/auth"
	"github.com/tiaojie/tiaojie/internal/domain"
	"github.com/tiaojie/tiaojie/internal/store"
	"github.com/tiaojie/tiaojie/internal/warning"
)

// Status labels.
var statusLabels = map[string]string{store.WarningOpen: "待签收", store.WarningAcknowledged: "已签收", store.WarningResolved: "已解除"}

// StatusLabel is the Chinese name of a warning status.
func StatusLabel(s string) string { return statusLabels[s] }

// Warning is a warning as a reader sees it, with labels.
type Warning struct {
	store.Warning
	RuleName    string
	LevelLabel  string
	StatusLabel string
	SubjectName string // the subject kind in Chinese
	SubjectHref string // the page of the subject ("" when it has none)
	// What the reader may do with it (lists: from their notices and scope).
	CanAcknowledge, CanResolve bool
}

func (s *Service) view(rs warning.RuleSet, w store.Warning) Warning {
	v := Warning{Warning: w, LevelLabel: warning.Level(w.Level).Label(), StatusLabel: StatusLabel(w.Status),
		SubjectName: warning.SubjectLabel(w.SubjectKind), RuleName: w.Rule}
	if r, ok := rs.Rule(w.Rule); ok {
		v.RuleName = r.Name
	}
	switch w.SubjectKind {
	case warning.SubjectMediator:
		v.SubjectHref = fmt.Sprintf("/mediators/%d", w.SubjectID)
	case warning.SubjectGroup:
		v.SubjectHref = fmt.Sprintf("/groups/%d", w.SubjectID)
	case warning.SubjectItem:
		v.SubjectHref = "/meetings"
	case warning.SubjectRectification:
		v.SubjectHref = "/standards"
	}
	if w.CaseID != 0 {
		v.SubjectHref = fmt.Sprintf("/cases/%d", w.CaseID)
	}
	return v
}

// reader is what one principal may read: the subtrees they see whole, and
// those where they see only their own (a mediator's bindings).
type reader struct {
	p    *auth.Principal
	wide []string // warning.read bindings of roles other than mediator
	own  []string // mediator bindings
}

func newReader(p *auth.Principal) reader {
	r := reader{p: p}
	for _, b := range p.Bindings {
		if !domain.RoleHas(b.Role, domain.PermWarningRead) || b.OrgPath == "" {
			continue
		}
		if b.Role == domain.RoleMediator {
			r.own = append(r.own, b.OrgPath)
		} else {
			r.wide = append(r.wide, b.OrgPath)
		}
	}
	return r
}

func under(path string, prefixes []string) bool {
	for _, p := range prefixes {
		if strings.HasPrefix(path, p) {
			return true
		}
	}
	return false
}

// mine reports whether the warning concerns the user as a mediator.
func (s *Service) mine(ctx context.Context, userID int64, w store.Warning) (bool, error) {
	id, err := s.presiding(ctx, w)
	return id == userID && userID != 0, err
}

// sees reports whether the reader may see a warning.
func (s *Service) sees(ctx context.Context, r reader, w store.Warning) (bool, error) {
	if under(w.UnitPath, r.wide) {
		return true, nil
	}
	if !under(w.UnitPath, r.own) {
		return false, nil
	}
	return s.mine(ctx, r.p.UserID, w)
}

// ListQuery filters a list of warnings and names its page.
type ListQuery struct {
	Unit   string // org unit code; "" every unit the reader sees
	Status string // open, acknowledged, resolved; "" all
	Level  string // yellow, orange, red; "" all
	CaseID int64
	store.Paging
}

// ParseListQuery reads a list's filters and page from a query string:
// unit, status (open, acknowledged, resolved, or all; byDefault when
// absent), level, case, after and limit. msg says in Chinese what is wrong.
func ParseListQuery(v url.Values, byDefault string) (ListQuery, string) {
	_, pg, msg := store.ParseListParams(v)
	if msg != "" {
		return ListQuery{}, msg
	}
	q := ListQuery{Unit: strings.TrimSpace(v.Get("unit")), Status: strings.TrimSpace(v.Get("status")),
		Level: strings.TrimSpace(v.Get("level")), Paging: pg}
	if !v.Has("status") {
		q.Status = byDefault
	}
	if q.Status == "all" {
		q.Status = ""
	}
	if s := strings.TrimSpace(v.Get("case")); s != "" {
		id, err := strconv.ParseInt(s, 10, 64)
		if err != nil || id <= 0 {
			return ListQuery{}, "案件编号应为正整数"
		}
		q.CaseID = id
	}
	if err := checkFilters(q); err != nil {
		return ListQuery{}, err.Error()
	}
	return q, ""
}

// scopeFor turns the reader and an optional unit into a store query.
func (s *Service) scopeFor(ctx context.Context, p *auth.Principal, unit string) (store.WarningQuery, error) {
	if p == nil || !p.Can(domain.PermWarningRead) {
		return store.WarningQuery{}, access.Forbidden("无权查看预警")
	}
	r := newReader(p)
	unit = strings.TrimSpace(unit)
	if unit == "" {
		if len(r.wide) > 0 {
			return store.WarningQuery{Scope: store.Scope{Prefixes: r.wide}}, nil
		}
		return store.WarningQuery{Scope: store.Scope{Prefixes: r.own}, Presiding: p.UserID}, nil
	}
	u, err := s.Store.GetOrgUnitByCode(ctx, unit)
	if errors.Is(err, store.ErrNotFound) {
		return store.WarningQuery{}, access.NotFound(fmt.Sprintf("找不到单位“%s”", unit))
	}
	if err != nil {
		return store.WarningQuery{}, fmt.Errorf("find unit %s: %w", unit, err)
	}
	if under(u.Path, r.wide) {
		return store.WarningQuery{Scope: store.Scope{Prefixes: []string{u.Path}}}, nil
	}
	for _, o := range r.own {
		if strings.HasPrefix(u.Path, o) || strings.HasPrefix(o, u.Path) {
			return store.WarningQuery{Scope: store.Scope{Prefixes: r.own}, Presiding: p.UserID}, nil
		}
	}
	return store.WarningQuery{}, access.Forbidden(fmt.Sprintf("无权查看“%s”的预警", u.Name))
}

func checkFilters(q ListQuery) error {
	var errs []*domain.FieldError
	switch q.Status {
	case "", store.WarningOpen, store.WarningAcknowledged, store.WarningResolved:
	default:
		errs = append(errs, &domain.FieldError{Field: "status", Message: fmt.Sprintf("状态“%s”无效：应为 open（待签收）、acknowledged（已签收）或 resolved（已解除）", q.Status)})
	}
	if q.Level != "" && !warning.Level(q.Level).Valid() {
		errs = append(errs, &domain.FieldError{Field: "level", Message: fmt.Sprintf("级别“%s”无效：应为 yellow（黄）、orange（橙）或 red（红）", q.Level)})
	}
	if q.CaseID < 0 {
		errs = append(errs, &domain.FieldError{Field: "case", Message: "案件编号无效"})
	}
	if len(errs) > 0 {
		return &access.ValidationError{Fields: errs}
	}
	return nil
}

// List is a page of the warnings the principal may see, newest first.
func (s *Service) List(ctx context.Context, p *auth.Principal, q ListQuery) (store.Page[Warning], error) {
	if err := checkFilters(q); err != nil {
		return store.Page[Warning]{}, err
	}
	if q.Limit == 0 {
		q.Limit = store.PageSize
	}
	wq, err := s.scopeFor(ctx, p, q.Unit)
	if err != nil {
		return store.Page[Warning]{}, err
	}
	if q.Status != "" {
		wq.Statuses = []string{q.Status}
	}
	wq.Level, wq.CaseID, wq.Paging = q.Level, q.CaseID, q.Paging
	page, err := s.Store.ListWarnings(ctx, wq)
	if err != nil {
		return store.Page[Warning]{}, fmt.Errorf("list warnings: %w", err)
	}
	rs, err := s.rules(ctx)
	if err != nil {
		return store.Page[Warning]{}, err
	}
	// Which rows reached the reader: their notices about the page's
	// warnings, or (a mediator's own view) every row, since the scope
	// already holds only their cases.
	told := map[int64]bool{}
	if p.Can(domain.PermWarningHandle) {
		ids := make([]int64, len(page.Items))
		for i, w := range page.Items {
			ids[i] = w.ID
		}
		if told, err = s.Store.WarningsTold(ctx, p.UserID, ids); err != nil {
			return store.Page[Warning]{}, fmt.Errorf("notices of the page's warnings: %w", err)
		}
	}
	out := store.Page[Warning]{Items: make([]Warning, 0, len(page.Items)), Next: page.Next}
	for _, w := range page.Items {
		v := s.view(rs, w)
		if p.Can(domain.PermWarningHandle) {
			mine := wq.Presiding != 0 || told[w.ID]
			v.CanAcknowledge = w.Status == store.WarningOpen && mine
			v.CanResolve = w.Status != store.WarningResolved && (mine || handlesUnit(p, w.UnitPath))
		}
		out.Items = append(out.Items, v)
	}
	return out, nil
}

// OpenCounts counts the open and acknowledged warnings the principal sees
// under a unit ("" every unit they see), by level: for 今日 and the dailies.
func (s *Service) OpenCounts(ctx context.Context, p *auth.Principal, unitCode string) (map[warning.Level]int, error) {
	wq, err := s.scopeFor(ctx, p, unitCode)
	if err != nil {
		return nil, err
	}
	wq.Statuses = []string{store.WarningOpen, store.WarningAcknowledged}
	m, err := s.Store.WarningCounts(ctx, wq)
	if err != nil {
		return nil, fmt.Errorf("count warnings: %w", err)
	}
	out := map[warning.Level]int{}
	for _, l := range warning.Levels {
		out[l] = m[string(l)]
	}
	return out, nil
}

// Detail is one warning with its history, notices and supervisions.
type Detail struct {
	Warning
	Events       []store.WarningEvent
	Notices      []store.WarningNotice
	Supervisions []store.Supervision
	CanSupervise bool
}

// load finds a warning the principal may see (404 otherwise).
func (s *Service) load(ctx context.Context, p *auth.Principal, id int64) (store.Warning, reader, error) {
	if p == nil || !p.Can(domain.PermWarningRead) {
		return store.Warning{}, reader{}, access.Forbidden("无权查看预警")
	}
	w, err := s.Store.GetWarning(ctx, id)
	if errors.Is(err, store.ErrNotFound) {
		return w, reader{}, access.NotFound("找不到该预警")
	}
	if err != nil {
		return w, reader{}, fmt.Errorf("get warning %d: %w", id, err)
	}
	r := newReader(p)
	ok, err := s.sees(ctx, r, w)
	if err != nil {
		return w, r, err
	}
	if !ok {
		return store.Warning{}, r, access.NotFound("找不到该预警")
	}
	return w, r, nil
}

// Get is one warning with its timeline.
func (s *Service) Get(ctx context.Context, p *auth.Principal, id int64) (Detail, error) {
	w, _, err := s.load(ctx, p, id)
	if err != nil {
		return Detail{}, err
	}
	rs, err := s.rules(ctx)
	if err != nil {
		return Detail{}, err
	}
	d := Detail{Warning: s.view(rs, w)}
	if d.Events, err = s.Store.ListWarningEvents(ctx, id); err != nil {
		return Detail{}, fmt.Errorf("warning events: %w", err)
	}
	if d.Notices, err = s.Store.ListWarningNotices(ctx, 0, id, 200); err != nil {
		return Detail{}, fmt.Errorf("warning notices: %w", err)
	}
	if w.CaseID != 0 {
		if d.Supervisions, err = s.Store.ListSupervisions(ctx, store.SupervisionQuery{Scope: store.Scope{All: true}, CaseID: w.CaseID}); err != nil {
			return Detail{}, fmt.Errorf("supervisions: %w", err)
		}
	}
	d.CanAcknowledge = s.mayAcknowledge(ctx, p, w) == nil
	d.CanResolve = s.mayResolve(ctx, p, w) == nil
	d.CanSupervise = w.CaseID != 0 && w.Status != store.WarningResolved && p.Reaches(domain.PermWarningSupervise, w.UnitPath)
	return d, nil
}

// addressed reports whether the warning reached the user: a notice was
// sent to them, or it concerns them as the mediator.
func (s *Service) addressed(ctx context.Context, p *auth.Principal, w store.Warning) (bool, error) {
	if ok, err := s.mine(ctx, p.UserID, w); ok || err != nil {
		return ok, err
	}
	ns, err := s.Store.ListWarningNotices(ctx, p.UserID, w.ID, 1)
	if err != nil {
		return false, fmt.Errorf("notices of warning %d: %w", w.ID, err)
	}
	return len(ns) > 0, nil
}

func (s *Service) mayAcknowledge(ctx context.Context, p *auth.Principal, w store.Warning) error {
	if !p.Can(domain.PermWarningHandle) {
		return access.Forbidden("无权签收预警")
	}
	if w.Status != store.WarningOpen {
		return access.Conflict("该预警已签收或已解除")
	}
	ok, err := s.addressed(ctx, p, w)
	if err != nil {
		return err
	}
	if !ok {
		return access.Forbidden("该预警没有发送给您，不能签收")
	}
	return nil
}

func (s *Service) mayResolve(ctx context.Context, p *auth.Principal, w store.Warning) error {
	if !p.Can(domain.PermWarningHandle) {
		return access.Forbidden("无权解除预警")
	}
	if w.Status == store.WarningResolved {
		return access.Conflict("该预警已解除")
	}
	// Room leads, the committee and the justice bureau resolve within their
	// units; a mediator resolves what concerns them.
	if handlesUnit(p, w.UnitPath) {
		return nil
	}
	ok, err := s.addressed(ctx, p, w)
	if err != nil {
		return err
	}
	if !ok {
		return access.Forbidden("该预警没有发送给您，不能解除")
	}
	return nil
}

// Notices are the principal's own notices (我的提醒), newest first.
func (s *Service) Notices(ctx context.Context, p *auth.Principal, limit int) ([]store.WarningNotice, error) {
	if p == nil || !p.Can(domain.PermWarningRead) {
		return nil, access.Forbidden("无权查看预警")
	}
	ns, err := s.Store.ListWarningNotices(ctx, p.UserID, 0, limit)
	if err != nil {
		return nil, fmt.Errorf("list notices: %w", err)
	}
	return ns, nil
}

// Supervisions lists the 催办/督办 the principal may see: a mediator those
// addressed to them, others those in their units.
func (s *Service) Supervisions(ctx context.Context, p *auth.Principal, unanswered bool) ([]store.Supervision, error) {
	if p == nil || !p.Can(domain.PermWarningRead) {
		return nil, access.Forbidden("无权查看预警")
	}
	r := newReader(p)
	q := store.SupervisionQuery{Scope: store.Scope{Prefixes: r.wide}, Unanswered: unanswered}
	if len(r.wide) == 0 {
		q = store.SupervisionQuery{Scope: store.Scope{Prefixes: r.own}, Mediator: p.UserID, Unanswered: unanswered}
	}
	out, err := s.Store.ListSupervisions(ctx, q)
	if err != nil {
		return nil, fmt.Errorf("list supervisions: %w", err)
	}
	return out, nil
}

// Owed are the unanswered 催办 and 督办 addressed to p as a mediator, newest
// first, wherever p reads warnings: the 今日 page's replies owed. They are
// asked of the store by mediator, not picked out of the reader's whole
// scope, whose newest unanswered ones may all be others'.
func (s *Service) Owed(ctx context.Context, p *auth.Principal) ([]store.Supervision, error) {
	if p == nil || !p.Can(domain.PermWarningRead) {
		return nil, access.Forbidden("无权查看预警")
	}
	r := newReader(p)
	q := store.SupervisionQuery{Scope: store.Scope{Prefixes: append(r.own, r.wide...)}, Mediator: p.UserID, Unanswered: true}
	out, err := s.Store.ListSupervisions(ctx, q)
	if err != nil {
		return nil, fmt.Errorf("supervisions owed by %d: %w", p.UserID, err)
	}
	return out, nil
}

// handlesUnit reports whether a binding other than a mediator's may
// handle warnings of the unit.
func handlesUnit(p *auth.Principal, path string) bool {
	for _, b := range p.Bindings {
		if b.Role != domain.RoleMediator && domain.RoleHas(b.Role, domain.PermWarningHandle) && b.OrgPath != "" && strings.HasPrefix(path, b.OrgPath) {
			return true
		}
	}
	return false
}

// UnitOpenCounts counts the open (and acknowledged) warnings within a unit
// by level, for the daily report and the agenda: their callers have
// checked the reader's scope on the unit.
func (s *Service) UnitOpenCounts(ctx context.Context, unitID int64) (map[string]int, error) {
	u, err := s.Store.GetOrgUnit(ctx, unitID)
	if err != nil {
		return nil, fmt.Errorf("unit %d for warning counts: %w", unitID, err)
	}
	return s.Store.WarningCounts(ctx, store.WarningQuery{Scope: store.Scope{Prefixes: []string{u.Path}},
		Statuses: []string{store.WarningOpen, store.WarningAcknowledged}})
}

// UnitRed lists a unit's open red warnings in words (rule, subject and
// explanation), for a meeting's agenda.
func (s *Service) UnitRed(ctx context.Context, unitID int64) ([]string, error) {
	u, err := s.Store.GetOrgUnit(ctx, unitID)
	if err != nil {
		return nil, fmt.Errorf("unit %d for red warnings: %w", unitID, err)
	}
	rs, err := s.rules(ctx)
	if err != nil {
		return nil, err
	}
	page, err := s.Store.ListWarnings(ctx, store.WarningQuery{Scope: store.Scope{Prefixes: []string{u.Path}},
		Statuses: []string{store.WarningOpen, store.WarningAcknowledged}, Level: string(warning.Red), Paging: store.Paging{Limit: 100}})
	if err != nil {
		return nil, fmt.Errorf("red warnings of unit %d: %w", unitID, err)
	}
	out := make([]string, 0, len(page.Items)+1)
	for _, w := range page.Items {
		name := w.Rule
		if r, ok := rs.Rule(w.Rule); ok {
			name = r.Name
		}
		out = append(out, fmt.Sprintf("%s（%s %s）：%s", name, warning.SubjectLabel(w.SubjectKind), w.SubjectLabel, w.Explain))
	}
	if page.Next != nil {
		out = append(out, "另有更多红色预警，见预警页。")
	}
	return out, nil
}
