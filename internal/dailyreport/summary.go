package dailyreport

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/tiaojie/tiaojie/internal/access"
	"github.com/tiaojie/tiaojie/internal/auth"
	"github.com/tiaojie/tiaojie/internal/calendar"
	"github.com/tiaojie/tiaojie/internal/domain"
	"github.com/tiaojie/tiaojie/internal/reportrules"
	"github.com/tiaojie/tiaojie/internal/store"
)

// Summary kinds.
const (
	Weekly  = "weekly"  // 周研判: Monday..Sunday
	Monthly = "monthly" // 月分析: a calendar month
)

// KindLabel is the Chinese name of a summary kind.
func KindLabel(kind string) string {
	return map[string]string{Weekly: "周研判", Monthly: "月分析"}[kind]
}

// Summary adds up a unit's dailies whose report day falls in a week or a
// month, against the period before.
type Summary struct {
	Kind           string
	Unit           store.OrgUnit
	From, To       calendar.Date // the period (To may be past today: the days so far count)
	PrevFrom       calendar.Date
	PrevTo         calendar.Date
	Counts, Prev   reportrules.Counts
	Trends         []TrendLine
	Days           int // report days so far in the period
	Remarks        []Remark
	Submission     []Submission  // the unit and, for a committee, each room
	CoveredFrom    calendar.Date // the first day the dailies cover
	CoveredTo      calendar.Date
	NotableCount   int
	NewGroupsCount int
	Today          calendar.Date
}

// TrendLine is one figure against the previous period.
type TrendLine struct {
	reportrules.Line
	Prev  int64
	Trend string
}

// Remark is a submitted daily's remarks.
type Remark struct {
	Unit store.OrgUnit
	Day  string
	By   string
	Text string
}

// Submission is how many of a unit's dailies in the period were submitted.
type Submission struct {
	Unit      store.OrgUnit
	Submitted int
	OnTime    int
	Due       int // report days in the period up to today
	Rate      string
}

// Summarize builds the weekly or monthly summary of the unit: kind is
// weekly (date: any day of the week, YYYY-MM-DD) or monthly (date: YYYY-MM).
// The unit's own dailies are drafted where missing; the rooms' submission
// rates count what the rooms have submitted.
func (s *Service) Summarize(ctx context.Context, p *auth.Principal, unit, kind, date string) (Summary, error) {
	v, err := s.resolve(ctx, p, unit)
	if err != nil {
		return Summary{}, err
	}
	today := s.today()
	var from, to calendar.Date
	switch kind {
	case Weekly:
		d := today
		if strings.TrimSpace(date) != "" {
			if d, err = calendar.ParseDate(strings.TrimSpace(date)); err != nil || d.String() != strings.TrimSpace(date) {
				return Summary{}, fieldErr("date", fmt.Sprintf("日期“%s”无效，格式为 YYYY-MM-DD", date))
			}
		}
		from, to = reportrules.Week(d)
	case Monthly:
		d := today
		if m := strings.TrimSpace(date); m != "" {
			t, err := time.Parse("2006-01", m)
			if err != nil {
				return Summary{}, fieldErr("month", fmt.Sprintf("月份“%s”无效，格式为 YYYY-MM", date))
			}
			d = calendar.Date{Year: t.Year(), Month: t.Month(), Day: 1}
		}
		from, to = reportrules.Month(d)
	default:
		return Summary{}, fieldErr("kind", "汇总应为周研判（weekly）或月分析（monthly）")
	}
	if from.After(today) {
		return Summary{}, fieldErr("date", fmt.Sprintf("%s 起的期间还没有到：今天是 %s", from, today))
	}
	cal, err := s.calendar(ctx)
	if err != nil {
		return Summary{}, err
	}
	sum := Summary{Kind: kind, Unit: v.unit, From: from, To: to, Today: today}
	if kind == Weekly {
		sum.PrevFrom, sum.PrevTo = reportrules.Week(from.AddDays(-1))
	} else {
		sum.PrevFrom, sum.PrevTo = reportrules.Month(from.AddDays(-1))
	}
	cur, err := s.dailies(ctx, v, cal, from, minDate(to, today))
	if err != nil {
		return Summary{}, err
	}
	prev, err := s.dailies(ctx, v, cal, sum.PrevFrom, minDate(sum.PrevTo, today))
	if err != nil {
		return Summary{}, err
	}
	sum.Days = len(cur)
	for i, r := range cur {
		if i == 0 {
			sum.CoveredFrom = r.From
		}
		sum.CoveredTo = r.To
		sum.Counts.Add(r.Figures.Counts)
		sum.NotableCount += len(r.Figures.Notable)
		sum.NewGroupsCount += len(r.Figures.NewGroups)
	}
	for _, r := range prev {
		sum.Prev.Add(r.Figures.Counts)
	}
	prevLines := map[string]int64{}
	for _, l := range sum.Prev.Lines() {
		prevLines[l.Code] = l.Value
	}
	for _, l := range sum.Counts.Lines() {
		sum.Trends = append(sum.Trends, TrendLine{Line: l, Prev: prevLines[l.Code], Trend: reportrules.Trend(l.Value, prevLines[l.Code])})
	}
	if err := s.submissions(ctx, p, v, cal, &sum, minDate(to, today)); err != nil {
		return Summary{}, err
	}
	return sum, nil
}

func fieldErr(field, msg string) error {
	return &access.ValidationError{Fields: []*domain.FieldError{{Field: field, Message: msg}}}
}

func minDate(a, b calendar.Date) calendar.Date {
	if a.After(b) {
		return b
	}
	return a
}

// dailies returns the unit's reports for the report days from..to,
// drafting the missing ones.
func (s *Service) dailies(ctx context.Context, v unitView, cal *calendar.Calendar, from, to calendar.Date) ([]Report, error) {
	var out []Report
	for _, d := range reportrules.ReportDays(cal, from, to) {
		sf, st, _ := reportrules.Span(cal, d)
		r, err := s.ensure(ctx, v, d, sf, st, false)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, nil
}

// submissions fills the remarks collected and the submission rates of the
// unit and (for a committee) its rooms that p reads.
func (s *Service) submissions(ctx context.Context, p *auth.Principal, v unitView, cal *calendar.Calendar, sum *Summary, to calendar.Date) error {
	units := []store.OrgUnit{v.unit}
	if !isRoom(v.unit.Kind) {
		all, err := s.unitsInScope(ctx, p)
		if err != nil {
			return err
		}
		for _, u := range all {
			if isRoom(u.Kind) && u.ParentID == v.unit.ID {
				units = append(units, u)
			}
		}
	}
	ids := make([]int64, len(units))
	for i, u := range units {
		ids[i] = u.ID
	}
	days := reportrules.ReportDays(cal, sum.From, to)
	rows, err := s.Store.ListDailyReports(ctx, ids, sum.From.String(), to.String())
	if err != nil {
		return err
	}
	byUnit := map[int64]*Submission{}
	for _, u := range units {
		byUnit[u.ID] = &Submission{Unit: u, Due: len(days)}
	}
	names := map[int64]store.OrgUnit{}
	for _, u := range units {
		names[u.ID] = u
	}
	for _, r := range rows {
		if r.State != store.DailySubmitted {
			continue
		}
		sb := byUnit[r.UnitID]
		sb.Submitted++
		d, _ := calendar.ParseDate(r.Day)
		if r.SubmittedAt != nil && !reportrules.Late(d, s.deadline(), false, *r.SubmittedAt) {
			sb.OnTime++
		}
		if strings.TrimSpace(r.Remarks) != "" {
			sum.Remarks = append(sum.Remarks, Remark{Unit: names[r.UnitID], Day: r.Day, By: r.SubmittedByName, Text: r.Remarks})
		}
	}
	for _, u := range units {
		sb := byUnit[u.ID]
		sb.Rate = reportrules.Rate(sb.Submitted, sb.Due)
		sum.Submission = append(sum.Submission, *sb)
	}
	return nil
}

// PrevShow is the previous period's value with its unit.
func (t TrendLine) PrevShow() string { return reportrules.Line{Value: t.Prev, Money: t.Money}.Show() }
