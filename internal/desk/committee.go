package desk

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/tiaojie/tiaojie/internal/auth"
	"github.com/tiaojie/tiaojie/internal/domain"
	"github.com/tiaojie/tiaojie/internal/store"
)

// Filter narrows the committee's desk.
type Filter struct {
	Status string // a status, or "" for all
	Due    Due
	Room   int64 // a room of the committee; -1 for the committee's own queue (unrouted)
	Q      string
}

// Match reports whether a row passes the filter.
func (f Filter) Match(r Row) bool {
	if f.Status != "" && string(r.Case.Status) != f.Status {
		return false
	}
	switch f.Due {
	case DueOverdue:
		if !r.Overdue() {
			return false
		}
	case DueSoon:
		if !r.Soon() {
			return false
		}
	}
	switch {
	case f.Room == -1 && r.Case.RoomID != 0, f.Room > 0 && r.Case.RoomID != f.Room:
		return false
	}
	if f.Q != "" && !strings.Contains(r.Case.Number, f.Q) && !strings.Contains(r.Case.ConsumerName, f.Q) && !strings.Contains(r.Case.MerchantName, f.Q) {
		return false
	}
	return true
}

// CommitteeDesk is what waits on a committee's staff.
type CommitteeDesk struct {
	Committees []store.OrgUnit
	Rooms      []store.OrgUnit // the committees' rooms, for the filter
	Unrouted   []Row           // in the committee's queue: never routed, or sent back by a room (退回)
	Waiting    []Row           // in a room, waiting for acceptance, the parties' consent or a mediator
	Due        []Row           // the SectionRows open cases whose legal clock is nearest, among those with two working days or less left or passed
	Groups     []store.Group   // group disputes still being handled (a member case open), newest first, at most SectionRows
	Truncated  bool            // more open cases than one desk reads; narrow with the filter
	// How many cases each section holds among the cases read (for the
	// first two a lower bound when Truncated: each list reads SectionRows
	// cases); DueTotal counts every due case in scope.
	UnroutedTotal, WaitingTotal, DueTotal int
	// MoreWaiting: more cases wait than were read (the first two sections);
	// MoreOpen: more due cases than the section shows (DueTotal is a lower
	// bound only when the clock list hit its safety bound).
	MoreWaiting, MoreOpen bool
	// MoreGroups: more groups are being handled than Groups shows.
	MoreGroups bool
	// DueCapped: the due cases were cut at the clock list's safety bound
	// (maxCandidates), so DueTotal is a lower bound.
	DueCapped bool
}

// SectionRows bounds each list the desk reads, and so each section: the
// first page of the oldest cases (the rest through the full case list).
// Reading 500 per list and building a row for each took most of a second
// of one core per desk at 10,000 cases (docs/performance.md).
const SectionRows = 50

// Why says what a waiting case needs from the committee.
func Why(c store.Case) string {
	switch {
	case c.RoomID == 0 && c.Status == domain.StatusReceived:
		return "待受理审查，未分流"
	case c.RoomID == 0:
		return "待分流至工作室"
	case c.Status == domain.StatusReceived:
		return "待受理审查"
	case c.Status == domain.StatusAccepted:
		return "待征求调解意愿"
	case c.Status == domain.StatusConsenting && c.PresidingID == 0:
		return "待双方同意/指派调解员"
	case c.Status == domain.StatusSuspended:
		return "中止中"
	}
	return c.Status.Label()
}

// Committee gathers what waits on the committees where the actor holds the
// committee role: cases to accept or route across all rooms, near-deadline
// and overdue cases, open group disputes.
func (s *Service) Committee(ctx context.Context, p *auth.Principal, f Filter) (CommitteeDesk, error) {
	var d CommitteeDesk
	// The bound committees and their rooms, by id and subtree: not a copy
	// of a city's tree per view.
	var scope store.Scope
	for _, b := range p.Bindings {
		if b.Role != domain.RoleCommittee {
			continue
		}
		u, err := s.Store.GetOrgUnit(ctx, b.OrgID)
		if err != nil {
			return d, fmt.Errorf("binding unit %d: %w", b.OrgID, err)
		}
		if u.Kind == domain.OrgCommittee && !slices.ContainsFunc(d.Committees, func(c store.OrgUnit) bool { return c.ID == u.ID }) {
			d.Committees = append(d.Committees, u)
			scope.Prefixes = append(scope.Prefixes, u.Path)
		}
	}
	if len(d.Committees) == 0 {
		return d, nil
	}
	// The rooms in the tree's order, as they were listed before.
	byPath := slices.SortedFunc(slices.Values(d.Committees), func(a, b store.OrgUnit) int { return strings.Compare(a.Path, b.Path) })
	for _, c := range byPath {
		units, err := s.Store.OrgUnitsUnder(ctx, c.Path)
		if err != nil {
			return d, fmt.Errorf("the committee's units: %w", err)
		}
		for _, u := range units {
			if u.Kind.IsRoom() && u.ParentID == c.ID {
				d.Rooms = append(d.Rooms, u)
			}
		}
	}
	m, err := s.rowMaker(ctx)
	if err != nil {
		return d, err
	}
	// The first two sections are of cases no mediator presides over yet
	// (those with one are the mediator's): asked of the store, so that a
	// page of older cases that have one neither hides them nor is read.
	q := store.CaseQuery{Scope: scope, OldestFirst: true, Limit: SectionRows, CountCap: -1, Brief: true, Unassigned: true}
	if f.Room > 0 {
		q.RoomID = f.Room
	}
	var more bool
	read := func(statuses []domain.Status) ([]Row, error) {
		more = false
		q.Statuses = statuses
		if f.Status != "" { // the status filter in the query, so that the page is of matching cases
			if !slices.Contains(statuses, domain.Status(f.Status)) {
				return nil, nil
			}
			q.Statuses = []domain.Status{domain.Status(f.Status)}
		}
		res, err := s.Store.ListCases(ctx, q)
		if err != nil {
			return nil, err
		}
		more = res.Next != nil
		d.Truncated = d.Truncated || more
		rows, err := m.rows(ctx, res.Cases, false)
		if err != nil {
			return nil, err
		}
		var out []Row
		for _, r := range rows {
			if f.Match(r) {
				out = append(out, r)
			}
		}
		return out, nil
	}
	waiting, err := read([]domain.Status{domain.StatusReceived, domain.StatusAccepted, domain.StatusConsenting})
	if err != nil {
		return d, err
	}
	d.MoreWaiting = more
	for _, r := range waiting {
		switch {
		case r.Case.RoomID == 0:
			d.Unrouted = append(d.Unrouted, r)
		case r.Case.PresidingID == 0:
			d.Waiting = append(d.Waiting, r)
		}
	}
	// The due section: the nearest clocks of the whole scope, read by index
	// like the case list's due=soon (clock.go), not the near ones among the
	// oldest open cases.
	lq := ListQuery{CaseQuery: store.CaseQuery{Scope: scope, RoomID: q.RoomID}, Due: DueSoon}
	if f.Due == DueOverdue {
		lq.Due = DueOverdue
	}
	if f.Status != "" {
		lq.Statuses = []domain.Status{domain.Status(f.Status)}
	}
	if f.Q == "" && f.Room == 0 {
		// The filter is the list's own: the nearest SectionRows and a
		// count that stops at the lists' cap.
		res, err := s.dueRows(ctx, m, lq, SectionRows, store.ListCountCap)
		if err != nil {
			return d, err
		}
		d.Due, d.DueTotal, d.DueCapped = res.Rows, res.Total, res.Capped
	} else {
		res, err := s.dueRows(ctx, m, lq, maxCandidates, 0)
		if err != nil {
			return d, err
		}
		for _, r := range res.Rows {
			if f.Match(r) {
				d.Due = append(d.Due, r)
			}
		}
		d.DueTotal, d.DueCapped = len(d.Due), res.Capped
	}
	d.MoreOpen = d.DueCapped || d.DueTotal > len(d.Due) || len(d.Due) > SectionRows
	d.Due = d.Due[:min(len(d.Due), SectionRows)]
	d.UnroutedTotal, d.WaitingTotal = len(d.Unrouted), len(d.Waiting)
	// The groups with a case still open, newest formed first (the groups
	// page has them all).
	for _, c := range d.Committees {
		page, err := s.Store.ListGroups(ctx, store.GroupQuery{CommitteeID: c.ID, OpenOnly: true, Paging: store.Paging{Limit: SectionRows}})
		if err != nil {
			return d, err
		}
		d.Groups, d.MoreGroups = append(d.Groups, page.Items...), d.MoreGroups || page.Next != nil
	}
	slices.SortFunc(d.Groups, func(a, b store.Group) int {
		return cmp.Or(b.Created.Compare(a.Created), cmp.Compare(b.ID, a.ID))
	})
	if len(d.Groups) > SectionRows {
		d.Groups, d.MoreGroups = d.Groups[:SectionRows], true
	}
	return d, nil
}
