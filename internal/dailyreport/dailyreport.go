// Package dailyreport is the daily report capability (日报) with its weekly
// and monthly summaries (周研判、月分析): every working day a report is
// drafted for each committee and room from the evaluation rollups, the
// room lead adds remarks and submits it, and the committee sees who has
// not by the deadline. The rules are internal/reportrules'; this package
// loads, scopes and stores.
package dailyreport

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/tiaojie/tiaojie/internal/access"
	"github.com/tiaojie/tiaojie/internal/auth"
	"github.com/tiaojie/tiaojie/internal/calendar"
	"github.com/tiaojie/tiaojie/internal/deadline"
	"github.com/tiaojie/tiaojie/internal/desk"
	"github.com/tiaojie/tiaojie/internal/domain"
	"github.com/tiaojie/tiaojie/internal/reportrules"
	"github.com/tiaojie/tiaojie/internal/scorecard"
	"github.com/tiaojie/tiaojie/internal/store"
)

// Service drafts, shows and takes the submission of daily reports.
type Service struct {
	Store store.Store
	// Scorecard keeps the rollups current (reports catch up before reading).
	Scorecard *scorecard.Service
	// Desk counts the cases due soon for the drafting-time snapshot.
	Desk *desk.Service
	Log  *slog.Logger
	Now  func() time.Time
	// Deadline is when the day's reports are due, HH:MM Shanghai time
	// (default 10:00).
	Deadline string
	// Warnings counts a unit's open warnings by level (yellow, orange,
	// red); nil leaves them out of the reports.
	Warnings func(ctx context.Context, unitID int64) (map[string]int, error)
	// Notify tells a unit's leads of a 催报 inside the chase's transaction
	// (nil: the chase is recorded only).
	Notify func(ctx context.Context, tx store.Store, unitID int64, body string) (int, error)

	// scanClosures finds the span's commendations by decoding every
	// closure of the look-back, as before migration 61: the reference the
	// tests hold the indexed look-up to.
	scanClosures bool
}

// Report is one unit's daily report.
type Report struct {
	Unit     store.OrgUnit
	Day      calendar.Date // the report day
	From, To calendar.Date // the days it covers
	Row      store.DailyReport
	Figures  Figures
	// Due is when it must be submitted; Late: not submitted by then.
	Due       time.Time
	Late      bool
	CanSubmit bool
	CanChase  bool // the reader may 催报 (a late draft of a unit below them)
}

// Submitted says whether the report is submitted.
func (r Report) Submitted() bool { return r.Row.State == store.DailySubmitted }

func (s *Service) calendar(ctx context.Context) (*calendar.Calendar, error) {
	rules, err := deadline.Load(ctx, s.Store)
	if err != nil {
		return nil, fmt.Errorf("load the calendar: %w", err)
	}
	return rules.Calendar, nil
}

// Get returns the unit's report for a report day, drafting it when it
// does not exist yet. A draft's span figures follow the rollups until it
// is submitted (a late-recorded event still shows); its snapshot stays as
// drafted.
func (s *Service) Get(ctx context.Context, p *auth.Principal, unit, date string) (Report, error) {
	v, err := s.resolve(ctx, p, unit)
	if err != nil {
		return Report{}, err
	}
	cal, err := s.calendar(ctx)
	if err != nil {
		return Report{}, err
	}
	day, from, to, err := parseDay(cal, date, s.today())
	if err != nil {
		return Report{}, err
	}
	rep, err := s.ensure(ctx, v, day, from, to, true)
	if err != nil {
		return Report{}, err
	}
	rep.CanSubmit = CanSubmit(p, v.unit) && !rep.Submitted()
	rep.CanChase = canChase(p, v.unit) && !rep.Submitted() && rep.Late
	return rep, nil
}

// ensure drafts the report if it is missing, or refreshes a draft's span
// figures when refresh is set.
func (s *Service) ensure(ctx context.Context, v unitView, day, from, to calendar.Date, refresh bool) (Report, error) {
	rep := Report{Unit: v.unit, Day: day, From: from, To: to, Due: day.Time().Add(s.deadline())}
	row, err := s.Store.GetDailyReport(ctx, v.unit.ID, day.String())
	switch {
	case errors.Is(err, store.ErrNotFound):
		f, err := s.spanFigures(ctx, v, from, to)
		if err != nil {
			return Report{}, err
		}
		// The snapshot is of this morning's desk: only a report drafted on
		// its own day, by a service that can read the desk, has one.
		if day == s.today() && (s.Desk != nil || s.Warnings != nil) {
			if f.Snapshot, err = s.snapshot(ctx, v); err != nil {
				return Report{}, err
			}
		}
		raw, err := json.Marshal(f)
		if err != nil {
			return Report{}, fmt.Errorf("encode figures: %w", err)
		}
		row, _, err = s.Store.DraftDailyReport(ctx, store.DailyReport{UnitID: v.unit.ID, Day: day.String(),
			SpanFrom: from.String(), SpanTo: to.String(), Figures: string(raw), Drafted: s.now()})
		if err != nil {
			return Report{}, fmt.Errorf("draft the daily report of %s for %s: %w", v.unit.Code, day, err)
		}
	case err != nil:
		return Report{}, fmt.Errorf("load the daily report of %s for %s: %w", v.unit.Code, day, err)
	case refresh && row.State == store.DailyDraft:
		if row, err = s.refresh(ctx, v, row, from, to); err != nil {
			return Report{}, err
		}
	}
	rep.Row = row
	if err := json.Unmarshal([]byte(row.Figures), &rep.Figures); err != nil {
		return Report{}, fmt.Errorf("decode the figures of daily report %d: %w", row.ID, err)
	}
	rep.Late = reportrules.Late(day, s.deadline(), rep.Submitted(), s.now())
	return rep, nil
}

// refresh recomputes a draft's span figures, keeping its snapshot, and
// stores them when they changed.
func (s *Service) refresh(ctx context.Context, v unitView, row store.DailyReport, from, to calendar.Date) (store.DailyReport, error) {
	var old Figures
	if err := json.Unmarshal([]byte(row.Figures), &old); err != nil {
		return row, fmt.Errorf("decode the figures of daily report %d: %w", row.ID, err)
	}
	f, err := s.spanFigures(ctx, v, from, to)
	if err != nil {
		return row, err
	}
	f.Snapshot = old.Snapshot
	raw, err := json.Marshal(f)
	if err != nil {
		return row, fmt.Errorf("encode figures: %w", err)
	}
	if string(raw) == row.Figures {
		return row, nil
	}
	switch err := s.Store.RefreshDailyReport(ctx, row.ID, string(raw), s.now()); {
	case errors.Is(err, store.ErrConflict): // submitted meanwhile: its figures are frozen
	case err != nil:
		return row, fmt.Errorf("refresh daily report %d: %w", row.ID, err)
	}
	return s.Store.GetDailyReport(ctx, v.unit.ID, row.Day)
}

// Submit adds the remarks and submits the report, freezing its figures.
// Only the unit's own report.submit binding may (a room lead their room,
// the committee its own); a submitted report is never submitted again.
func (s *Service) Submit(ctx context.Context, p *auth.Principal, unit, date, remarks string) (Report, error) {
	v, err := s.resolve(ctx, p, unit)
	if err != nil {
		return Report{}, err
	}
	if !CanSubmit(p, v.unit) {
		return Report{}, access.Forbidden(fmt.Sprintf("只有“%s”本单位的负责人可以提交其日报", v.unit.Name))
	}
	remarks, err = checkRemarks(remarks)
	if err != nil {
		return Report{}, err
	}
	cal, err := s.calendar(ctx)
	if err != nil {
		return Report{}, err
	}
	day, from, to, err := parseDay(cal, date, s.today())
	if err != nil {
		return Report{}, err
	}
	rep, err := s.ensure(ctx, v, day, from, to, true)
	if err != nil {
		return Report{}, err
	}
	if rep.Submitted() {
		return Report{}, submittedAlready(rep.Row)
	}
	err = s.Store.SubmitDailyReport(ctx, rep.Row.ID, remarks, rep.Row.Figures, p.UserID, s.now())
	if errors.Is(err, store.ErrConflict) {
		row, gerr := s.Store.GetDailyReport(ctx, v.unit.ID, day.String())
		if gerr != nil {
			return Report{}, gerr
		}
		return Report{}, submittedAlready(row)
	}
	if err != nil {
		return Report{}, fmt.Errorf("submit daily report %d: %w", rep.Row.ID, err)
	}
	return s.ensure(ctx, v, day, from, to, false)
}

func submittedAlready(row store.DailyReport) error {
	at := ""
	if row.SubmittedAt != nil {
		at = row.SubmittedAt.In(calendar.Shanghai()).Format("2006-01-02 15:04") + " "
	}
	return access.Conflict(fmt.Sprintf("%s的日报已由%s于 %s提交，不能再次提交", row.Day, orSomeone(row.SubmittedByName), at))
}

func orSomeone(s string) string {
	if s == "" {
		return "他人"
	}
	return s
}

// DraftToday drafts today's report of every committee and room that has
// none yet (the periodic job); on a non-working day it does nothing. It
// returns how many it drafted.
func (s *Service) DraftToday(ctx context.Context) (int, error) {
	cal, err := s.calendar(ctx)
	if err != nil {
		return 0, err
	}
	today := s.today()
	from, to, ok := reportrules.Span(cal, today)
	if !ok {
		return 0, nil
	}
	units, err := s.Store.ListOrgUnits(ctx)
	if err != nil {
		return 0, fmt.Errorf("list org units: %w", err)
	}
	var ids []int64
	for _, u := range units {
		if IsReportUnit(u.Kind) {
			ids = append(ids, u.ID)
		}
	}
	have, err := s.Store.ListDailyReports(ctx, ids, today.String(), today.String())
	if err != nil {
		return 0, err
	}
	done := map[int64]bool{}
	for _, r := range have {
		done[r.UnitID] = true
	}
	n := 0
	for _, u := range units {
		if !IsReportUnit(u.Kind) || done[u.ID] {
			continue
		}
		if _, err := s.ensure(ctx, viewOf(u), today, from, to, false); err != nil {
			return n, err
		}
		n++
	}
	return n, nil
}

// Cell is one unit's report state on one day.
type Cell struct {
	Day       calendar.Date
	State     string // draft | submitted | "" (not drafted yet)
	Late      bool
	Submitted *time.Time
}

// GridRow is a unit's recent days.
type GridRow struct {
	Unit  store.OrgUnit
	Room  bool
	Cells []Cell
}

// Grid is the units p reads × the recent report days, newest first.
type Grid struct {
	Days     []calendar.Date
	Rows     []GridRow
	Deadline string
}

// Grid lists the states of the recent n report days of every unit p reads
// (a committee: itself and its rooms; a room lead: their room).
func (s *Service) Grid(ctx context.Context, p *auth.Principal, n int) (Grid, error) {
	if p == nil || !p.Can(domain.PermReportRead) {
		return Grid{}, access.Forbidden("无权查看日报")
	}
	cal, err := s.calendar(ctx)
	if err != nil {
		return Grid{}, err
	}
	units, err := s.unitsInScope(ctx, p)
	if err != nil {
		return Grid{}, err
	}
	g := Grid{Deadline: s.deadlineText()}
	for d := s.today(); len(g.Days) < n && d.After(s.today().AddDays(-120)); d = d.AddDays(-1) {
		if cal.IsWorkday(d) {
			g.Days = append(g.Days, d)
		}
	}
	if len(g.Days) == 0 || len(units) == 0 {
		return g, nil
	}
	ids := make([]int64, len(units))
	for i, u := range units {
		ids[i] = u.ID
	}
	rows, err := s.Store.ListDailyReports(ctx, ids, g.Days[len(g.Days)-1].String(), g.Days[0].String())
	if err != nil {
		return Grid{}, err
	}
	byKey := map[string]store.DailyReport{}
	for _, r := range rows {
		byKey[fmt.Sprintf("%d/%s", r.UnitID, r.Day)] = r
	}
	for _, u := range units {
		gr := GridRow{Unit: u, Room: isRoom(u.Kind)}
		for _, d := range g.Days {
			r, ok := byKey[fmt.Sprintf("%d/%s", u.ID, d)]
			c := Cell{Day: d}
			if ok {
				c.State, c.Submitted = r.State, r.SubmittedAt
			}
			c.Late = reportrules.Late(d, s.deadline(), c.State == store.DailySubmitted, s.now())
			gr.Cells = append(gr.Cells, c)
		}
		g.Rows = append(g.Rows, gr)
	}
	return g, nil
}

func (s *Service) deadlineText() string {
	d := s.deadline()
	return fmt.Sprintf("%02d:%02d", int(d.Hours()), int(d.Minutes())%60)
}

// Missing lists the units p reads whose report for day is not submitted
// although its deadline has passed (for the 今日 page). Nothing is missing
// on a non-working day or before the deadline.
func (s *Service) Missing(ctx context.Context, p *auth.Principal, day calendar.Date) ([]store.OrgUnit, error) {
	if p == nil || !p.Can(domain.PermReportRead) {
		return nil, access.Forbidden("无权查看日报")
	}
	cal, err := s.calendar(ctx)
	if err != nil {
		return nil, err
	}
	if !cal.IsWorkday(day) || !reportrules.Late(day, s.deadline(), false, s.now()) {
		return nil, nil
	}
	units, err := s.unitsInScope(ctx, p)
	if err != nil || len(units) == 0 {
		return nil, err
	}
	ids := make([]int64, len(units))
	for i, u := range units {
		ids[i] = u.ID
	}
	rows, err := s.Store.ListDailyReports(ctx, ids, day.String(), day.String())
	if err != nil {
		return nil, err
	}
	done := map[int64]bool{}
	for _, r := range rows {
		done[r.UnitID] = r.State == store.DailySubmitted
	}
	var out []store.OrgUnit
	for _, u := range units {
		if !done[u.ID] {
			out = append(out, u)
		}
	}
	return out, nil
}

// Chase (催报) reminds the people who answer for a unit whose report for
// date is missing past the deadline: a notice to each (and an SMS when
// their phone is known), recorded on the report with who chased and when.
// Only a report.submit binding above the unit chases it (the committee its
// rooms); a submitted report, a report not yet due or a unit outside the
// chaser's committee is refused.
func (s *Service) Chase(ctx context.Context, p *auth.Principal, unit, date string) (Report, error) {
	v, err := s.resolve(ctx, p, unit)
	if err != nil {
		return Report{}, err
	}
	if !canChase(p, v.unit) {
		return Report{}, access.Forbidden(fmt.Sprintf("只有“%s”的上级调委会可以催报", v.unit.Name))
	}
	cal, err := s.calendar(ctx)
	if err != nil {
		return Report{}, err
	}
	day, from, to, err := parseDay(cal, date, s.today())
	if err != nil {
		return Report{}, err
	}
	if !reportrules.Late(day, s.deadline(), false, s.now()) {
		return Report{}, &access.ValidationError{Fields: []*domain.FieldError{{Field: "date",
			Message: fmt.Sprintf("%s 的日报提交时限（%s）未到，不需要催报", day, s.deadlineText())}}}
	}
	rep, err := s.ensure(ctx, v, day, from, to, false)
	if err != nil {
		return Report{}, err
	}
	if rep.Submitted() {
		return Report{}, submittedAlready(rep.Row)
	}
	body := fmt.Sprintf("【催报】%s %s 的日报已过 %s 提交时限仍未提交，请尽快补充说明并提交。", v.unit.Name, day, s.deadlineText())
	err = s.Store.ChaseDailyReport(ctx, rep.Row.ID, p.UserID, s.now(), func(tx store.Store) error {
		if s.Notify == nil {
			return nil
		}
		_, err := s.Notify(ctx, tx, v.unit.ID, body)
		return err
	})
	if errors.Is(err, store.ErrConflict) {
		row, gerr := s.Store.GetDailyReport(ctx, v.unit.ID, day.String())
		if gerr != nil {
			return Report{}, gerr
		}
		return Report{}, submittedAlready(row)
	}
	if err != nil {
		return Report{}, fmt.Errorf("chase daily report %d: %w", rep.Row.ID, err)
	}
	return s.ensure(ctx, v, day, from, to, false)
}

// canChase: a report.submit binding strictly above the unit.
func canChase(p *auth.Principal, u store.OrgUnit) bool {
	for _, b := range p.Bindings {
		if b.OrgPath != "" && b.OrgPath != u.Path && strings.HasPrefix(u.Path, b.OrgPath) && domain.RoleHas(b.Role, domain.PermReportSubmit) {
			return true
		}
	}
	return false
}

// Workday says whether day is a working day on the stored calendar (days
// off and 调休 included): a daily report is due only then.
func (s *Service) Workday(ctx context.Context, day calendar.Date) (bool, error) {
	cal, err := s.calendar(ctx)
	if err != nil {
		return false, err
	}
	return cal.IsWorkday(day), nil
}
