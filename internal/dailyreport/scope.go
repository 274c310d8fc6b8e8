package dailyreport

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/tiaojie/tiaojie/internal/access"
	"github.com/tiaojie/tiaojie/internal/auth"
	"github.com/tiaojie/tiaojie/internal/calendar"
	"github.com/tiaojie/tiaojie/internal/domain"
	"github.com/tiaojie/tiaojie/internal/reportrules"
	"github.com/tiaojie/tiaojie/internal/store"
)

// IsReportUnit says whether a unit keeps daily reports: a committee and
// its rooms.
func IsReportUnit(k domain.OrgKind) bool {
	return k == domain.OrgCommittee || isRoom(k)
}

func isRoom(k domain.OrgKind) bool {
	return k == domain.OrgOfficeRoom || k == domain.OrgEnterpriseRoom
}

// unitView is a report unit with what its figures are summed over.
type unitView struct {
	unit       store.OrgUnit
	committees []int64
	roomID     int64
}

func viewOf(u store.OrgUnit) unitView {
	if isRoom(u.Kind) {
		return unitView{unit: u, committees: []int64{u.ParentID}, roomID: u.ID}
	}
	return unitView{unit: u, committees: []int64{u.ID}}
}

// canRead says whether p reads unit u's reports: a report.read binding on
// the unit or above it.
func canRead(p *auth.Principal, u store.OrgUnit) bool {
	for _, b := range p.Bindings {
		if b.OrgPath != "" && domain.RoleHas(b.Role, domain.PermReportRead) && strings.HasPrefix(u.Path, b.OrgPath) {
			return true
		}
	}
	return false
}

// CanSubmit says whether p submits unit u's reports: a report.submit
// binding on the unit itself (a room lead their own room, the committee
// its own report; nobody submits for another unit).
func CanSubmit(p *auth.Principal, u store.OrgUnit) bool {
	if p == nil {
		return false
	}
	for _, b := range p.Bindings {
		if b.OrgPath == u.Path && b.OrgID == u.ID && domain.RoleHas(b.Role, domain.PermReportSubmit) {
			return true
		}
	}
	return false
}

// resolve finds a report unit by code and checks p may read it.
func (s *Service) resolve(ctx context.Context, p *auth.Principal, code string) (unitView, error) {
	if p == nil || !p.Can(domain.PermReportRead) {
		return unitView{}, access.Forbidden("无权查看日报")
	}
	code = strings.TrimSpace(code)
	if code == "" {
		return unitView{}, &access.ValidationError{Fields: []*domain.FieldError{{Field: "unit", Message: "请指定单位（unit，如 pd-cmt）"}}}
	}
	u, err := s.Store.GetOrgUnitByCode(ctx, code)
	if errors.Is(err, store.ErrNotFound) {
		return unitView{}, access.NotFound(fmt.Sprintf("找不到单位“%s”", code))
	} else if err != nil {
		return unitView{}, fmt.Errorf("get org unit %s: %w", code, err)
	}
	if !canRead(p, u) {
		return unitView{}, access.Forbidden(fmt.Sprintf("无权查看“%s”的日报", u.Name))
	}
	if !IsReportUnit(u.Kind) {
		return unitView{}, &access.ValidationError{Fields: []*domain.FieldError{{Field: "unit", Message: fmt.Sprintf("“%s”不是调委会或工作室，没有日报", u.Name)}}}
	}
	return viewOf(u), nil
}

// unitsInScope lists the report units p reads, by path: the subtrees
// canRead allows.
func (s *Service) unitsInScope(ctx context.Context, p *auth.Principal) ([]store.OrgUnit, error) {
	units, err := auth.Reached(ctx, s.Store, p, domain.PermReportRead)
	if err != nil {
		return nil, err
	}
	return slices.DeleteFunc(units, func(u store.OrgUnit) bool { return !IsReportUnit(u.Kind) }), nil
}

// parseDay checks a report day: a real date, not in the future, a working day.
func parseDay(cal *calendar.Calendar, s string, today calendar.Date) (calendar.Date, calendar.Date, calendar.Date, error) {
	s = strings.TrimSpace(s)
	fail := func(msg string) (calendar.Date, calendar.Date, calendar.Date, error) {
		return calendar.Date{}, calendar.Date{}, calendar.Date{}, &access.ValidationError{Fields: []*domain.FieldError{{Field: "date", Message: msg}}}
	}
	if s == "" {
		return fail("请指定日报日期（date，格式为 YYYY-MM-DD）")
	}
	d, err := calendar.ParseDate(s)
	if err != nil || d.String() != s {
		return fail(fmt.Sprintf("日期“%s”无效，格式为 YYYY-MM-DD", s))
	}
	if d.After(today) {
		return fail(fmt.Sprintf("日期 %s 在未来：今天是 %s", d, today))
	}
	from, to, ok := reportrules.Span(cal, d)
	if !ok {
		return fail(fmt.Sprintf("%s 不是工作日，没有日报（日报在每个工作日生成，周一的日报包括周末）", d))
	}
	return d, from, to, nil
}

// MaxRemarks is the longest remarks a report takes, in characters.
const MaxRemarks = 2000

func checkRemarks(s string) (string, error) {
	s = strings.TrimSpace(s)
	if !utf8.ValidString(s) || strings.ContainsRune(s, 0) {
		return "", &access.ValidationError{Fields: []*domain.FieldError{{Field: "remarks", Message: "备注含有无效字符"}}}
	}
	if n := utf8.RuneCountInString(s); n > MaxRemarks {
		return "", &access.ValidationError{Fields: []*domain.FieldError{{Field: "remarks", Message: fmt.Sprintf("备注最多 %d 字，现为 %d 字", MaxRemarks, n)}}}
	}
	return s, nil
}

func (s *Service) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

func (s *Service) today() calendar.Date { return calendar.DateOf(s.now()) }

func (s *Service) deadline() time.Duration {
	d, err := reportrules.ParseDeadline(s.Deadline)
	if err != nil || s.Deadline == "" {
		d, _ = reportrules.ParseDeadline(reportrules.DefaultDeadline)
	}
	return d
}
