// Package feedback is the 12315 result feedback (结果反馈): for every
// complaint market regulation diverted to mediation, its closing record in
// 12315's terms — derived from the case by internal/feedbackrules and
// completed by the mediator where the case cannot say — listed per 市场监管所
// with a completeness check, edited on a form, exported as XLSX and CSV for
// keying into 12315, and served as JSON to a connector.
//
// Who sees what: feedback.read reaches the complaints a regulator office
// diverted (a bureau: its offices') and a committee's own cases; the
// mediator, room lead and committee who may decide a case may also open and
// complete its record; another district never.
package feedback

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/tiaojie/tiaojie/internal/access"
	"github.com/tiaojie/tiaojie/internal/auth"
	"github.com/tiaojie/tiaojie/internal/domain"
	"github.com/tiaojie/tiaojie/internal/evaluation"
	"github.com/tiaojie/tiaojie/internal/feedbackrules"
	"github.com/tiaojie/tiaojie/internal/scorecard"
	"github.com/tiaojie/tiaojie/internal/statcodes"
	"github.com/tiaojie/tiaojie/internal/store"
)

// Service lists, shows, completes and exports the records.
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

var cst = time.FixedZone("CST", 8*3600)

// Codes are the code tables of the records (internal/statcodes), built once.
var Codes = buildTables(statcodes.MustLoad())

func buildTables(tb *statcodes.Tables) feedbackrules.Tables {
	list := func(name string) []feedbackrules.Code {
		var out []feedbackrules.Code
		for _, c := range tb.List(name) {
			out = append(out, feedbackrules.Code{Code: c.Code, Label: c.Label})
		}
		return out
	}
	maps := func(name string) map[string]string {
		out := map[string]string{}
		for _, c := range tb.List(name) {
			out[c.Code] = tb.MapTo(name, c.Code)
		}
		return out
	}
	return feedbackrules.Tables{Results: list(statcodes.Result12315), Methods: list(statcodes.Method12315),
		Art21: list(statcodes.Art21Reason), Art21Of: maps(statcodes.Art21Map), ResultOf: maps(statcodes.ResultMap)}
}

// Art21Text names an Art 21 ground as the article numbers it: "第二十一条第（三）项 …".
func Art21Text(code string) string {
	l := Codes.Art21Label(code)
	if l == "" {
		return ""
	}
	nums := map[string]string{"1": "一", "2": "二", "3": "三", "4": "四", "5": "五", "6": "六", "7": "七"}
	return "第二十一条第（" + nums[code] + "）项：" + l
}

// Errors the service answers with.
var (
	ErrNotDiverted = access.NotFound("本案不是市场监管部门分流的投诉，无需向12315反馈")
	ErrOffice      = access.NotFound("市场监管单位不存在或不在您的查看范围内")
)

// Filter selects the records of a list: an office (its code, "" = every
// office in scope) and closure dates (YYYY-MM-DD, inclusive).
type Filter struct {
	Office   string
	From, To string
}

// List is one office's (or every office's in scope) records in a period.
type List struct {
	Offices    []Unit // regulator units the caller may filter by
	Office     Unit   // the one chosen (zero: all)
	From, To   string
	Records    []Record
	Incomplete int
	Truncated  bool // more cases than one list holds: narrow the period
}

// MaxPeriodDays bounds a list's period.
const MaxPeriodDays = 366

// period parses and checks a filter's dates; an empty from is the first of
// the month of to, an empty to is today.
func (s *Service) period(f Filter) (from, to time.Time, err error) {
	today := s.now().In(cst)
	parse := func(v, field, what string) (time.Time, error) {
		t, err := time.ParseInLocation("2006-01-02", strings.TrimSpace(v), cst)
		if err != nil {
			return t, &domain.FieldError{Field: field, Message: what + "日期格式应为YYYY-MM-DD，如2026-03-01"}
		}
		return t, nil
	}
	to = time.Date(today.Year(), today.Month(), today.Day(), 0, 0, 0, 0, cst)
	if strings.TrimSpace(f.To) != "" {
		if to, err = parse(f.To, "to", "办结日期止"); err != nil {
			return
		}
	}
	from = time.Date(to.Year(), to.Month(), 1, 0, 0, 0, 0, cst)
	if strings.TrimSpace(f.From) != "" {
		if from, err = parse(f.From, "from", "办结日期起"); err != nil {
			return
		}
	}
	switch {
	case from.After(to):
		err = &domain.FieldError{Field: "from", Message: "办结日期起不能晚于办结日期止"}
	case to.Sub(from) > MaxPeriodDays*24*time.Hour:
		err = &domain.FieldError{Field: "from", Message: fmt.Sprintf("查询期间不超过%d天，请分段导出", MaxPeriodDays)}
	}
	return
}

// Offices are the 市场监管所/局 whose records the caller may list: those in
// the subtrees it holds feedback.read on, and, for a committee, the regulator
// units of its district.
func (s *Service) Offices(ctx context.Context, p *auth.Principal) ([]Unit, error) {
	units, err := s.Store.ListOrgUnits(ctx)
	if err != nil {
		return nil, fmt.Errorf("list org units: %w", err)
	}
	byPath := map[string]store.OrgUnit{}
	for _, u := range units {
		byPath[u.Path] = u
	}
	var bases []string
	for _, prefix := range p.Scope(domain.PermFeedbackRead).Prefixes {
		base := prefix
		// A committee or room reaches its district's regulator units.
		for u, ok := byPath[base]; ok && (u.Kind == domain.OrgCommittee || u.Kind == domain.OrgOfficeRoom || u.Kind == domain.OrgEnterpriseRoom); u, ok = byPath[base] {
			base = strings.TrimSuffix(base, fmt.Sprintf("%d/", u.ID))
		}
		bases = append(bases, base)
	}
	var out []Unit
	for _, u := range units {
		if u.Kind != domain.OrgRegulatorOffice && u.Kind != domain.OrgRegulatorBureau {
			continue
		}
		for _, b := range bases {
			if strings.HasPrefix(u.Path, b) {
				out = append(out, u)
				break
			}
		}
	}
	return out, nil
}

// List derives the records of the diverted complaints closed in the period
// within the caller's scope, oldest closure first.
func (s *Service) List(ctx context.Context, p *auth.Principal, f Filter) (List, error) {
	from, to, err := s.period(f)
	if err != nil {
		return List{}, err
	}
	l := List{From: from.Format("2006-01-02"), To: to.Format("2006-01-02")}
	if l.Offices, err = s.Offices(ctx, p); err != nil {
		return l, err
	}
	q := store.FeedbackQuery{Scope: p.Scope(domain.PermFeedbackRead), From: from, To: to.AddDate(0, 0, 1)}
	if code := strings.TrimSpace(f.Office); code != "" {
		i := slices.IndexFunc(l.Offices, func(u Unit) bool { return u.Code == code })
		if i < 0 {
			return l, ErrOffice
		}
		l.Office = l.Offices[i]
		q.OfficePath = l.Office.Path
	}
	if len(q.Scope.Prefixes) == 0 {
		return l, nil
	}
	ins, err := s.Store.FeedbackCases(ctx, q)
	if err != nil {
		return l, fmt.Errorf("load feedback cases: %w", err)
	}
	l.Truncated = len(ins) >= store.MaxFeedbackCases
	for _, in := range ins {
		r := derive(in)
		if !r.Closed || r.ClosedOn < l.From || r.ClosedOn > l.To {
			continue // closed earlier or later (a closing event in the period was not the first)
		}
		if !r.Complete() {
			l.Incomplete++
		}
		l.Records = append(l.Records, r)
	}
	sort.SliceStable(l.Records, func(i, j int) bool { return l.Records[i].ClosedOn < l.Records[j].ClosedOn })
	return l, nil
}

// derive turns a loaded case into its record.
func derive(in store.FeedbackInput) Record {
	ec := scorecard.ToCase(in.EvalInput)
	fi := feedbackrules.Input{Case: ec, Facts: evaluation.Derive(evaluation.Rules{}, ec, time.Time{}), Number: in.Case.Number,
		ExternalID: in.Case.ExternalID, Channel: in.Case.Channel, DiverterName: in.DiverterName, RoomName: in.RoomName,
		Claim: in.Case.Claim, Leads: in.Leads}
	for _, ss := range in.Sessions {
		fi.Sessions = append(fi.Sessions, feedbackrules.Session{Kind: ss.Kind, Status: ss.Status, StartsAt: ss.StartsAt})
	}
	if e := in.Edit; e != nil {
		at := e.UpdatedAt
		fi.Edit = feedbackrules.Edit{Result: e.Result, Method: e.Method, Summary: e.Summary, By: e.UpdatedByName, At: &at}
	}
	r := feedbackrules.Derive(Codes, fi)
	return Record{Record: r, CaseNumber: in.Case.Number, Merchant: in.Case.MerchantName, OfficeCode: in.DiverterCode}
}

// diverted reports whether market regulation diverted the case: a 12315
// complaint, or one a 市场监管所/局 handed over.
func diverted(in store.FeedbackInput, units func(int64) (store.OrgUnit, error)) (bool, error) {
	if in.Case.Channel == domain.Channel12315 {
		return true, nil
	}
	if in.Case.DivertedByOrgID == 0 {
		return false, nil
	}
	u, err := units(in.Case.DivertedByOrgID)
	if err != nil {
		return false, err
	}
	return u.Kind == domain.OrgRegulatorOffice || u.Kind == domain.OrgRegulatorBureau, nil
}

// Detail is one record with what its page needs.
type Detail struct {
	Record  Record
	Case    Case
	CanEdit bool // the caller may decide the case: a mediator, room lead or committee of it
}

// load reads a case for the feedback: visible to feedback.read on it or to
// whoever may decide it, and diverted by market regulation.
func (s *Service) load(ctx context.Context, p *auth.Principal, caseID int64) (store.FeedbackInput, bool, error) {
	c, err := s.Store.GetCase(ctx, caseID)
	if errors.Is(err, store.ErrNotFound) {
		return store.FeedbackInput{}, false, access.ErrNotFound
	}
	if err != nil {
		return store.FeedbackInput{}, false, err
	}
	canEdit := p.CanOnCase(domain.PermCaseDecide, c)
	if !canEdit && !p.CanOnCase(domain.PermFeedbackRead, c) {
		return store.FeedbackInput{}, false, access.ErrNotFound
	}
	in, err := s.Store.FeedbackCase(ctx, caseID)
	if err != nil {
		return in, false, fmt.Errorf("load feedback case: %w", err)
	}
	ok, err := diverted(in, func(id int64) (store.OrgUnit, error) { return s.Store.GetOrgUnit(ctx, id) })
	if err != nil {
		return in, false, fmt.Errorf("diverting unit: %w", err)
	}
	if !ok {
		return in, false, ErrNotDiverted
	}
	return in, canEdit, nil
}

// Get shows one case's record.
func (s *Service) Get(ctx context.Context, p *auth.Principal, caseID int64) (Detail, error) {
	in, canEdit, err := s.load(ctx, p, caseID)
	if err != nil {
		return Detail{}, err
	}
	return Detail{Record: derive(in), Case: in.Case, CanEdit: canEdit}, nil
}

// Edit is what the form or the API submits: "" leaves the derived value.
type Edit struct {
	Result  string
	Method  string
	Summary string
}

// Save records the editable parts of a closed case's record. Only who may
// decide the case may (a regulator reads); every problem is reported and
// nothing changes. A summary saved unchanged from the draft is not frozen:
// the draft keeps following the case.
func (s *Service) Save(ctx context.Context, p *auth.Principal, caseID int64, e Edit) (Record, error) {
	if _, err := access.Authorize(ctx, s.Store, p, caseID, true); err != nil {
		return Record{}, err
	}
	in, _, err := s.load(ctx, p, caseID)
	if err != nil {
		return Record{}, err
	}
	cur := derive(in)
	e.Result, e.Method = strings.TrimSpace(e.Result), strings.TrimSpace(e.Method)
	e.Summary = strings.TrimSpace(strings.ReplaceAll(e.Summary, "\r\n", "\n"))
	edit := feedbackrules.Edit{Result: e.Result, Method: e.Method, Summary: e.Summary}
	if errs := feedbackrules.Validate(Codes, cur.Record, edit); len(errs) > 0 {
		return cur, &access.ValidationError{Fields: errs}
	}
	if edit.Summary == strings.TrimSpace(cur.Draft) {
		edit.Summary = ""
	}
	if edit.Result == cur.ResultDerived {
		edit.Result = ""
	}
	err = s.Store.PutFeedbackEdit(ctx, store.FeedbackEdit{CaseID: caseID, Result: edit.Result, Method: edit.Method, Summary: edit.Summary,
		UpdatedBy: p.UserID, UpdatedByName: p.DisplayName, UpdatedAt: s.now()})
	if err != nil {
		return cur, fmt.Errorf("save feedback: %w", err)
	}
	in, err = s.Store.FeedbackCase(ctx, caseID)
	if err != nil {
		return cur, fmt.Errorf("reload feedback case: %w", err)
	}
	return derive(in), nil
}
