package desk

import (
	"context"
	"slices"
	"time"

	"github.com/tiaojie/tiaojie/internal/calendar"
	"github.com/tiaojie/tiaojie/internal/deadline"
	"github.com/tiaojie/tiaojie/internal/domain"
	"github.com/tiaojie/tiaojie/internal/store"
)

// Clock lists by index (docs/performance.md "Clock lists by index"): the
// way the lists find their cases when the stored due dates cannot be used
// (dueindex.go: before the first refresh, after a change of the rules) and
// for a search's matches.
//
// Clocks are computed, not stored, so "overdue" cannot be a WHERE clause;
// but each legal clock that Urgent looks at is due a number of working days
// after a date the case row holds or bounds from below:
//
//   - acceptance: after received_at, while accepted_at is unset;
//   - mediation: after accepted_at (extended by suspensions);
//   - ODR negotiation: after the ODR start, which follows acceptance, so
//     after accepted_at at the earliest;
//   - termination notice: after the termination, which is closed_at
//     (Terminate sets both from the same instant); the clock stops when the
//     notice is recorded (event termination_notice_sent).
//
// Suspensions only move a due date later and a later start never gives an
// earlier due date, so "due on or before D" implies "start on or before
// calendar.LatestStart(D, length)" for the shortest length among the
// policies. Those cases are the candidates, read by range scans of indexes
// on (status, start date); their clocks are then computed exactly, with
// their events (rowMaker.rows), and filtered.

// maxCandidates bounds the cases one clock list reads: far above the open
// cases of a district near their deadlines. When it is hit the list says so
// ("超过 N 件", ListPage.Capped); the cases left out are the most recently
// received.
const maxCandidates = 50000

// lastDue is the latest due date a running clock may have and still be in
// the list, as seen on today: overdue means due before today (Deadline.Overdue),
// soon means overdue or at most two working days left (Row.Soon), that is
// due before the third working day after today.
func lastDue(cal *calendar.Calendar, due Due, today calendar.Date) calendar.Date {
	if due == DueOverdue {
		return today.AddDays(-1)
	}
	return cal.AddWorkdays(today, 3).AddDays(-1)
}

// eventClockStatuses are the statuses in which a clock may run that starts
// at an event rather than at a date of the case row (ODR negotiation,
// termination notice): rowMaker reads their events whatever the row says.
var eventClockStatuses = []domain.Status{domain.StatusODRNegotiating, domain.StatusTerminated}

// clockBranches turns "the urgent clock is due on or before by" into the
// store's ranges on start dates for the given statuses.
func clockBranches(r deadline.Rules, statuses []domain.Status, by calendar.Date) []store.ClockBranch {
	// before is the first instant after the latest start over the policies:
	// a stored start earlier than it may be due by then.
	before := func(length func(calendar.Policy) int) time.Time {
		var cut calendar.Date
		for i, p := range r.Policies {
			if c := r.Calendar.LatestStart(by, length(p)); i == 0 || c.After(cut) {
				cut = c
			}
		}
		return cut.AddDays(1).Time()
	}
	var mediation, odr, terminated []domain.Status
	for _, st := range statuses {
		switch st {
		case domain.StatusODRNegotiating:
			odr = append(odr, st)
		case domain.StatusTerminated:
			terminated = append(terminated, st)
		default:
			mediation = append(mediation, st)
		}
	}
	out := []store.ClockBranch{{Statuses: statuses, Start: store.StartReceived, Before: before(func(p calendar.Policy) int { return p.AcceptanceWD })}}
	if len(mediation) > 0 {
		out = append(out, store.ClockBranch{Statuses: mediation, Start: store.StartAccepted,
			Before: before(func(p calendar.Policy) int { return p.MediationWD })})
	}
	if len(odr) > 0 {
		out = append(out, store.ClockBranch{Statuses: odr, Start: store.StartAccepted,
			Before: before(func(p calendar.Policy) int { return min(p.MediationWD, p.ODRNegotiationWD) })})
	}
	if len(terminated) > 0 {
		out = append(out, store.ClockBranch{Statuses: terminated, Start: store.StartClosed, Unless: "termination_notice_sent",
			Before: before(func(p calendar.Policy) int { return p.TerminationNoticeWD })})
	}
	return out
}

// clockCandidates reads the cases under q in the statuses whose urgent clock
// may match q.Due, oldest receipt first; capped when maxCandidates was hit.
func (s *Service) clockCandidates(ctx context.Context, m *rowMaker, q ListQuery, statuses []domain.Status) ([]store.Case, bool, error) {
	by := lastDue(m.rules.Calendar, q.Due, calendar.DateOf(m.now))
	cases, capped, err := s.Store.ClockCandidates(ctx, store.ClockQuery{Scope: q.Scope, RoomID: q.RoomID,
		Branches: clockBranches(m.rules, statuses, by), Limit: maxCandidates})
	if err != nil {
		return nil, false, err
	}
	// The list's other filters, on the few cases found.
	out := slices.DeleteFunc(cases, func(c store.Case) bool {
		return (q.Presiding != 0 && c.PresidingID != q.Presiding) ||
			(q.From != nil && c.ReceivedAt.Before(*q.From)) || (q.To != nil && !c.ReceivedAt.Before(*q.To))
	})
	return out, capped, nil
}
