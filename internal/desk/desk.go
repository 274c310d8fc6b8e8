// Package desk answers the work lists of staff: the case list with its room,
// mediator, outcome and deadline columns (and its spreadsheet export), and
// the committee's desk of what waits on the committee across all its rooms.
// Handlers parse and render; the queries and the rules of what is due live here.
package desk

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/tiaojie/tiaojie/internal/calendar"
	"github.com/tiaojie/tiaojie/internal/deadline"
	"github.com/tiaojie/tiaojie/internal/domain"
	"github.com/tiaojie/tiaojie/internal/store"
)

// Service reads work lists.
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

// Row is one case as a work list shows it.
type Row struct {
	Case     store.Case
	Room     string             // room name, or the committee's queue while unrouted
	Mediator string             // presiding mediator, "" when none yet
	Outcome  string             // how the case ended or stands, in words
	Next     *calendar.Deadline // the running legal clock due first, nil when none runs
}

// Overdue reports whether the row's clock has passed.
func (r Row) Overdue() bool { return r.Next != nil && r.Next.Overdue }

// Soon reports whether the row's clock has two working days or less left (or has passed).
func (r Row) Soon() bool { return r.Next != nil && (r.Next.Overdue || r.Next.Remaining <= 2) }

// Urgent is the running legal clock due first. The committee's internal
// target is left out: missing it is not a breach of any rule, and the judicial
// confirmation window is a right of the parties (it never turns overdue).
func Urgent(dls []calendar.Deadline) *calendar.Deadline {
	var next *calendar.Deadline
	for i := range dls {
		dl := dls[i]
		if !dl.Running || dl.Kind == calendar.ClockCommitteeTarget || dl.Kind == calendar.ClockJudicialConfirmation {
			continue
		}
		if next == nil || dl.Due.Before(next.Due) {
			next = &dl
		}
	}
	return next
}

// clockStatuses are the statuses in which a legal clock can run.
var clockStatuses = []domain.Status{domain.StatusReceived, domain.StatusAccepted, domain.StatusODRNegotiating, domain.StatusConsenting,
	domain.StatusAssigned, domain.StatusMediating, domain.StatusSuspended, domain.StatusTerminated}

// rows turns cases into rows: names are looked up once per request, clocks
// computed from the case row and, for a case that looks due, re-computed
// from its events (suspensions only extend a clock, so a case that is not
// due without them is not due with them).
type rowMaker struct {
	s     *Service
	rules deadline.Rules
	units map[int64]store.OrgUnit
	users map[int64]string
	now   time.Time
}

func (s *Service) rowMaker(ctx context.Context) (*rowMaker, error) {
	rules, err := deadline.Load(ctx, s.Store)
	if err != nil {
		return nil, fmt.Errorf("load deadline rules: %w", err)
	}
	units, err := s.Store.ListOrgUnits(ctx)
	if err != nil {
		return nil, fmt.Errorf("list org units: %w", err)
	}
	m := &rowMaker{s: s, rules: rules, units: map[int64]store.OrgUnit{}, users: map[int64]string{}, now: s.now()}
	for _, u := range units {
		m.units[u.ID] = u
	}
	return m, nil
}

// clock is the case's urgent clock, exact for suspended cases.
func (m *rowMaker) clock(ctx context.Context, c store.Case) (*calendar.Deadline, error) {
	next := Urgent(m.rules.ForCase(c, nil, m.now))
	if next == nil || !(next.Overdue || next.Remaining <= 2) {
		return next, nil
	}
	evs, err := m.s.Store.ListEvents(ctx, c.ID)
	if err != nil {
		return nil, fmt.Errorf("list events of case %d: %w", c.ID, err)
	}
	return Urgent(m.rules.ForCase(c, evs, m.now)), nil
}

func (m *rowMaker) row(ctx context.Context, c store.Case, withOutcome bool) (Row, error) {
	r := Row{Case: c, Room: "调委会待分流"}
	if u, ok := m.units[c.RoomID]; ok && c.RoomID != 0 {
		r.Room = u.Name
	}
	if c.PresidingID != 0 {
		name, ok := m.users[c.PresidingID]
		if !ok {
			u, err := m.s.Store.GetUser(ctx, c.PresidingID)
			if err != nil {
				return r, fmt.Errorf("get mediator %d: %w", c.PresidingID, err)
			}
			name = u.DisplayName
			m.users[c.PresidingID] = name
		}
		r.Mediator = name
	}
	var err error
	if r.Next, err = m.clock(ctx, c); err != nil {
		return r, err
	}
	if withOutcome {
		if r.Outcome, err = Outcome(ctx, m.s.Store, c); err != nil {
			return r, err
		}
	}
	return r, nil
}

// AgreementReader is what Outcome needs of the store.
type AgreementReader interface {
	GetAgreement(ctx context.Context, caseID int64) (store.Agreement, error)
	ListSignatures(ctx context.Context, caseID int64) ([]store.Signature, error)
}

// AgreementForm names an agreement's form: 书面 (调解协议书) or 口头. An
// agreement that carries the committee's seal is a written one whatever the
// row says (《人民调解法》第二十九条: a written agreement takes effect when
// signed by the parties and the mediator and sealed by the committee).
func AgreementForm(ctx context.Context, st AgreementReader, a store.Agreement) (string, error) {
	if a.Kind == "written" {
		return "书面协议", nil
	}
	sigs, err := st.ListSignatures(ctx, a.CaseID)
	if err != nil {
		return "", fmt.Errorf("list signatures of case %d: %w", a.CaseID, err)
	}
	for _, sg := range sigs {
		if sg.Signer == "seal" {
			return "书面协议", nil
		}
	}
	return "口头协议", nil
}

// Outcome says in words how a case ended, or "" while it is being worked.
func Outcome(ctx context.Context, st AgreementReader, c store.Case) (string, error) {
	agreed := func(suffix string) (string, error) {
		a, err := st.GetAgreement(ctx, c.ID)
		if err != nil {
			if errors.Is(err, store.ErrNotFound) {
				return "达成协议" + suffix, nil
			}
			return "", fmt.Errorf("get agreement of case %d: %w", c.ID, err)
		}
		form, err := AgreementForm(ctx, st, a)
		if err != nil {
			return "", err
		}
		if a.EffectiveAt == nil {
			return "达成" + form + "（待签署生效）", nil
		}
		return "达成" + form + suffix, nil
	}
	switch c.Status {
	case domain.StatusAgreed, domain.StatusPerforming:
		return agreed("")
	case domain.StatusFollowedUp:
		return agreed("，已回访")
	case domain.StatusTerminated:
		return "调解终止：" + domain.TerminateReasons.Label(c.ReasonCode), nil
	case domain.StatusWithdrawn:
		return "申请人撤回", nil
	case domain.StatusRejected:
		return "不予受理：" + domain.RejectReasons.Label(c.ReasonCode), nil
	case domain.StatusArchived:
		switch {
		case c.MergedInto != 0:
			return "已并入其他案件", nil
		case domain.TerminateReasons.Has(c.ReasonCode):
			return "调解终止：" + domain.TerminateReasons.Label(c.ReasonCode), nil
		case domain.RejectReasons.Has(c.ReasonCode):
			return "不予受理：" + domain.RejectReasons.Label(c.ReasonCode), nil
		}
		if _, err := st.GetAgreement(ctx, c.ID); err == nil {
			return agreed("，已归档")
		} else if !errors.Is(err, store.ErrNotFound) {
			return "", fmt.Errorf("get agreement of case %d: %w", c.ID, err)
		}
		return "已归档", nil
	}
	return "", nil
}
