// Package deadline joins the pure calendar rules to what is stored: the
// admin's calendar overrides, the versioned policy table and a case's events.
package deadline

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"time"

	"github.com/tiaojie/tiaojie/internal/calendar"
	"github.com/tiaojie/tiaojie/internal/domain"
	"github.com/tiaojie/tiaojie/internal/store"
)

// Source loads the calendar and policies.
type Source interface {
	ListCalendarOverrides(ctx context.Context) ([]store.CalendarOverride, error)
	ListPolicies(ctx context.Context) ([]store.Policy, error)
	PutPolicy(ctx context.Context, p *store.Policy) error
}

// EnsureDefaultPolicies writes the built-in policies when the table is empty.
func EnsureDefaultPolicies(ctx context.Context, src Source) error {
	ps, err := src.ListPolicies(ctx)
	if err != nil || len(ps) > 0 {
		return err
	}
	for _, p := range calendar.DefaultPolicies() {
		sp := FromCalendar(p)
		if err := src.PutPolicy(ctx, &sp); err != nil {
			return fmt.Errorf("seed policy %s: %w", p.Code, err)
		}
	}
	return nil
}

// ToCalendar converts a stored policy.
func ToCalendar(p store.Policy) calendar.Policy {
	d, _ := calendar.ParseDate(p.EffectiveFrom)
	return calendar.Policy{ID: p.ID, Code: p.Code, Name: p.Name, EffectiveFrom: d, AcceptanceWD: p.AcceptanceWD,
		MediationWD: p.MediationWD, TerminationNoticeWD: p.TerminationNoticeWD, ODRNegotiationWD: p.ODRNegotiationWD,
		JudicialConfirmDays: p.JudicialConfirmDays, CommitteeTargetDays: p.CommitteeTargetDays}
}

// FromCalendar converts a policy for storage.
func FromCalendar(p calendar.Policy) store.Policy {
	return store.Policy{ID: p.ID, Code: p.Code, Name: p.Name, EffectiveFrom: p.EffectiveFrom.String(),
		AcceptanceWD: p.AcceptanceWD, MediationWD: p.MediationWD, TerminationNoticeWD: p.TerminationNoticeWD,
		ODRNegotiationWD: p.ODRNegotiationWD, JudicialConfirmDays: p.JudicialConfirmDays, CommitteeTargetDays: p.CommitteeTargetDays}
}

// Rules is a loaded calendar and policy table.
type Rules struct {
	Calendar *calendar.Calendar
	Policies []calendar.Policy

	memo           *Memo  // Remembered
	calendarDigest string // the calendar's, with memo
}

// Load reads the current calendar overrides and policies.
func Load(ctx context.Context, src Source) (Rules, error) {
	os, err := src.ListCalendarOverrides(ctx)
	if err != nil {
		return Rules{}, err
	}
	var ovs []calendar.Override
	for _, o := range os {
		d, err := calendar.ParseDate(o.Date)
		if err != nil {
			continue
		}
		ovs = append(ovs, calendar.Override{Date: d, Workday: o.Workday, Name: o.Name})
	}
	ps, err := src.ListPolicies(ctx)
	if err != nil {
		return Rules{}, err
	}
	r := Rules{Calendar: calendar.New(ovs)}
	for _, p := range ps {
		r.Policies = append(r.Policies, ToCalendar(p))
	}
	if len(r.Policies) == 0 {
		r.Policies = calendar.DefaultPolicies()
	}
	return r, nil
}

// Digest identifies the rules: the calendar's working days and every
// policy's numbers. Dates computed under rules with the same digest are the
// same (internal/desk's stored due dates).
func (r Rules) Digest() string {
	h := sha256.New()
	cal := r.calendarDigest // taken by Remembered
	if cal == "" {
		cal = r.Calendar.Digest()
	}
	fmt.Fprintf(h, "calendar %s\n", cal)
	for _, p := range r.Policies {
		fmt.Fprintf(h, "policy %d %s %s %d %d %d %d %d %d\n", p.ID, p.Code, p.EffectiveFrom, p.AcceptanceWD, p.MediationWD,
			p.TerminationNoticeWD, p.ODRNegotiationWD, p.JudicialConfirmDays, p.CommitteeTargetDays)
	}
	return hex.EncodeToString(h.Sum(nil))
}

// PolicyFor is the policy a case runs under: the one it was accepted under,
// or, before acceptance, the one in force on the day it was received.
func (r Rules) PolicyFor(c store.Case) calendar.Policy {
	if c.PolicyID != 0 {
		for _, p := range r.Policies {
			if p.ID == c.PolicyID {
				return p
			}
		}
	}
	p, ok := calendar.PolicyInForce(r.Policies, calendar.DateOf(c.ReceivedAt))
	if !ok {
		return r.Policies[0]
	}
	return p
}

// Facts derives the clock facts of a case from its row and its event log.
func Facts(c store.Case, events []store.Event) calendar.ClockFacts {
	d := func(t time.Time) *calendar.Date { v := calendar.DateOf(t); return &v }
	f := calendar.ClockFacts{ReceivedAt: calendar.DateOf(c.ReceivedAt)}
	if c.AcceptedAt != nil {
		f.AcceptedAt = d(*c.AcceptedAt)
	}
	if c.DecidedAt != nil {
		f.Decided, f.DecidedAt = true, d(*c.DecidedAt)
	}
	for _, e := range events {
		switch domain.Action(e.Type) {
		case domain.ActionSuspend:
			f.Pauses = append(f.Pauses, calendar.Pause{From: calendar.DateOf(e.At)})
		case domain.ActionResume:
			if n := len(f.Pauses); n > 0 && f.Pauses[n-1].To == nil {
				f.Pauses[n-1].To = d(e.At)
			}
		case domain.ActionStartODR:
			f.ODRStartedAt = d(e.At)
		case domain.ActionODRFailed, domain.ActionODRSettled:
			f.ODREndedAt = d(e.At)
		case domain.ActionReachAgreement, domain.ActionWithdraw:
			if f.MediationEndedAt == nil {
				f.MediationEndedAt = d(e.At)
			}
		case domain.ActionTerminate:
			f.TerminatedAt = d(e.At)
			if f.MediationEndedAt == nil {
				f.MediationEndedAt = d(e.At)
			}
		case domain.ActionStartPerformance:
			f.EffectiveAt = d(e.At)
		}
		switch e.Type {
		case "termination_notice_sent":
			f.NoticeSentAt = d(e.At)
		case "judicial_applied":
			f.JudicialAppliedAt = d(e.At)
		}
	}
	return f
}

// ForCase computes the clocks of a case as of now.
func (r Rules) ForCase(c store.Case, events []store.Event, now time.Time) []calendar.Deadline {
	return r.deadlines(r.PolicyFor(c), Facts(c, events), calendar.DateOf(now))
}
