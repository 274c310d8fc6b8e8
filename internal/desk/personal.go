package desk

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"unicode/utf8"

	"github.com/tiaojie/tiaojie/internal/access"
	"github.com/tiaojie/tiaojie/internal/auth"
	"github.com/tiaojie/tiaojie/internal/calendar"
	"github.com/tiaojie/tiaojie/internal/domain"
	"github.com/tiaojie/tiaojie/internal/store"
)

// Working are the statuses a mediator still has to act on.
var Working = []domain.Status{domain.StatusReceived, domain.StatusAccepted, domain.StatusODRNegotiating, domain.StatusConsenting,
	domain.StatusAssigned, domain.StatusMediating, domain.StatusSuspended}

// Personal is what a mediator's own desk shows.
type Personal struct {
	Mine    []store.Case       // cases the actor presides over, still to work on or being performed
	Waiting []store.Case       // unassigned cases waiting in the rooms where the actor decides (Mine and Waiting: brief rows, store.Case.Brief)
	Today   []store.Session    // the actor's sessions scheduled that day
	Late    map[int64][]string // per case: agreement terms past their deadline and not performed, in words
	Replies []store.Thread     // online mediation channels where a party waits for an answer
	Views   []store.SavedView  // the actor's saved desk filters
}

// Personal loads a mediator's desk for the given day.
func (s *Service) Personal(ctx context.Context, p *auth.Principal, day calendar.Date) (Personal, error) {
	var d Personal
	mine, err := s.Store.ListCases(ctx, store.CaseQuery{Scope: p.Scope(domain.PermCaseRead), Presiding: p.UserID,
		Statuses: append(slices.Clone(Working), domain.StatusAgreed, domain.StatusPerforming), Limit: 500, CountCap: -1, Brief: true})
	if err != nil {
		return d, fmt.Errorf("list presided cases: %w", err)
	}
	d.Mine = mine.Cases
	// Unassigned work in the rooms of the actor's bindings (not the whole committee).
	var rooms store.Scope
	for _, b := range p.Bindings {
		if !domain.RoleHas(b.Role, domain.PermCaseDecide) {
			continue
		}
		u, err := s.Store.GetOrgUnit(ctx, b.OrgID)
		if err != nil {
			return d, fmt.Errorf("binding unit %d: %w", b.OrgID, err)
		}
		if u.Kind.IsRoom() && !slices.Contains(rooms.Prefixes, u.Path) {
			rooms.Prefixes = append(rooms.Prefixes, u.Path)
		}
	}
	if len(rooms.Prefixes) > 0 {
		waiting, err := s.Store.ListCases(ctx, store.CaseQuery{Scope: rooms, Statuses: []domain.Status{domain.StatusReceived, domain.StatusAccepted, domain.StatusConsenting}, Limit: 500, CountCap: -1, Brief: true})
		if err != nil {
			return d, fmt.Errorf("list waiting cases: %w", err)
		}
		for _, c := range waiting.Cases {
			if c.PresidingID == 0 {
				d.Waiting = append(d.Waiting, c)
			}
		}
	}
	if d.Today, err = s.Store.ListSessions(ctx, store.SessionQuery{PresidingID: p.UserID, From: day.Time(), To: day.AddDays(1).Time(), Status: "scheduled"}); err != nil {
		return d, fmt.Errorf("list today's sessions: %w", err)
	}
	d.Late = map[int64][]string{}
	var performing []int64
	for _, c := range d.Mine {
		if c.Status == domain.StatusPerforming {
			performing = append(performing, c.ID)
		}
	}
	var ags map[int64]store.Agreement
	if len(performing) > 0 {
		if ags, err = s.Store.AgreementsOf(ctx, performing); err != nil {
			return d, fmt.Errorf("get agreements of performing cases: %w", err)
		}
	}
	for _, c := range d.Mine {
		a, ok := ags[c.ID]
		if c.Status != domain.StatusPerforming || !ok {
			continue
		}
		for i, t := range a.Terms {
			if t.PerformedAt == "" && t.Deadline < day.String() {
				d.Late[c.ID] = append(d.Late[c.ID], "第"+strconv.Itoa(i+1)+"项履行（"+t.Content+"）已过期限"+t.Deadline+"，尚未履行")
			}
		}
	}
	if d.Replies, err = s.Store.ListAwaitingReply(ctx, p.UserID); err != nil {
		return d, fmt.Errorf("list threads awaiting reply: %w", err)
	}
	if d.Views, err = s.Views(ctx, p); err != nil {
		return d, err
	}
	return d, nil
}

// deskPage is the page saved views belong to.
const deskPage = "desk"

// maxViews is how many views one person keeps.
const maxViews = 20

// Views lists the actor's saved desk filters.
func (s *Service) Views(ctx context.Context, p *auth.Principal) ([]store.SavedView, error) {
	vs, err := s.Store.ListViews(ctx, p.UserID, deskPage)
	if err != nil {
		return nil, fmt.Errorf("list saved views: %w", err)
	}
	return vs, nil
}

// SaveView keeps a desk filter (a URL query) under a name of the actor's
// choosing; saving under a known name replaces its filter.
func (s *Service) SaveView(ctx context.Context, p *auth.Principal, name, query string) error {
	switch n := utf8.RuneCountInString(name); {
	case n == 0 || n > 20:
		return &domain.FieldError{Field: "name", Message: "请给视图起一个名字（不超过20字）"}
	case query == "":
		return &domain.FieldError{Field: "query", Message: "当前没有筛选条件，无需保存"}
	}
	vs, err := s.Views(ctx, p)
	if err != nil {
		return err
	}
	if len(vs) >= maxViews && !slices.ContainsFunc(vs, func(v store.SavedView) bool { return v.Name == name }) {
		return &domain.FieldError{Field: "name", Message: "最多保存20个视图，请先删除不用的"}
	}
	if err := s.Store.SaveView(ctx, &store.SavedView{UserID: p.UserID, Page: deskPage, Name: name, Query: query}); err != nil {
		return fmt.Errorf("save view: %w", err)
	}
	return nil
}

// ErrNoView: the view does not exist or is somebody else's.
var ErrNoView = access.NotFound("视图不存在")

// DeleteView removes one of the actor's own views.
func (s *Service) DeleteView(ctx context.Context, p *auth.Principal, id int64) error {
	err := s.Store.DeleteView(ctx, p.UserID, id)
	if errors.Is(err, store.ErrNotFound) {
		return ErrNoView
	} else if err != nil {
		return fmt.Errorf("delete view %d: %w", id, err)
	}
	return nil
}
