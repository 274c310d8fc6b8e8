// Package alerting is the 预警 capability: it keeps the warning rules
// (versioned, edited by the committee), sweeps the cases, complaints,
// mediators and supervisions against them (internal/warning decides),
// raises and resolves warnings, climbs each unacknowledged warning's
// escalation ladder in working hours with an in-app notice and an SMS per
// recipient, records 催办/督办 and the mediator's written reply on the case,
// and answers scoped reads.
package alerting

import (
	"context"
	"errors"
	"fmt"
	"github.com/tiaojie/tiaojie/internal/calendar"
	"log/slog"
	"time"

	"github.com/tiaojie/tiaojie/internal/deadline"
	"github.com/tiaojie/tiaojie/internal/notify"
	"github.com/tiaojie/tiaojie/internal/store"
	"github.com/tiaojie/tiaojie/internal/warning"
)

// PhoneBook finds the mobile numbers of users (for SMS); a user missing
// from the map gets the in-app notice only.
type PhoneBook func(ctx context.Context, userIDs []int64) (map[int64]string, error)

// Service is the warning capability.
type Service struct {
	Store  store.Store
	Sender notify.Sender // nil: no SMS
	// Phones is optional (nil: in-app notices only). The lead wires the
	// mediator registry's phones here.
	Phones PhoneBook
	// Duties lists the routine duties past their day (filing, training
	// hours, action items, rectifications) from the routines' services;
	// nil: the duty rules find nothing.
	Duties func(ctx context.Context, today calendar.Date) ([]warning.Duty, error)
	// Owner is who answers for a duty subject (an action item's owner, a
	// room's rectification owner): the "承办" audience of its ladder.
	Owner func(ctx context.Context, kind string, id int64) (int64, error)
	Log   *slog.Logger
	Now   func() time.Time
}

func (s *Service) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

func (s *Service) log() *slog.Logger {
	if s.Log != nil {
		return s.Log
	}
	return slog.Default()
}

// rules is the rule set in force: the newest stored version, or the
// embedded defaults as version 1 before the committee ever edited them.
func (s *Service) rules(ctx context.Context) (warning.RuleSet, error) {
	r, err := s.Store.LatestWarningRules(ctx)
	if errors.Is(err, store.ErrNotFound) {
		return warning.Defaults(), nil
	}
	if err != nil {
		return warning.RuleSet{}, fmt.Errorf("load warning rules: %w", err)
	}
	rs, err := warning.Decode(r.Body)
	if err != nil {
		return warning.RuleSet{}, err
	}
	rs.Version = r.Version
	return rs.WithDefaults(), nil
}

// SweepResult counts what one sweep did.
type SweepResult struct {
	Raised, Resolved, Steps int
}

// Sweep evaluates every rule, raises what holds and is not open yet,
// resolves what no longer holds (or was superseded by a higher deadline
// warning) and takes the escalation steps that are due. It is idempotent
// and safe to run on two instances at once: the store keeps one open
// warning per rule × subject and takes each step once.
func (s *Service) Sweep(ctx context.Context) (SweepResult, error) {
	var res SweepResult
	now := s.now()
	rs, err := s.rules(ctx)
	if err != nil {
		return res, err
	}
	dl, err := deadline.Load(ctx, s.Store)
	if err != nil {
		return res, fmt.Errorf("load calendar: %w", err)
	}
	units, err := s.units(ctx)
	if err != nil {
		return res, err
	}
	// The open warnings are read before the inputs: one another instance
	// raises meanwhile is then neither seen open nor resolved as cleared by
	// a sweep whose inputs predate it (and raised twice by none: the store
	// keeps one per rule × subject).
	open, err := s.Store.OpenWarningList(ctx)
	if err != nil {
		return res, fmt.Errorf("list open warnings: %w", err)
	}
	in, err := s.inputs(ctx, rs, dl, units, now)
	if err != nil {
		return res, err
	}
	found := warning.Evaluate(rs, in)
	var os []warning.Open
	for _, w := range open {
		os = append(os, warning.Open{ID: w.ID, Rule: w.Rule, Key: w.SubjectKey, Level: warning.Level(w.Level)})
	}
	plan := warning.Reconcile(rs, os, found)
	// Resolve first: a case moving from 黄 to 橙 closes the yellow one before
	// the orange one tells anyone.
	for _, r := range plan.Resolve {
		err := s.Store.ResolveWarning(ctx, r.ID, 0, now, r.Reason, r.Note)
		switch {
		case errors.Is(err, store.ErrConflict):
			continue // another sweep resolved it
		case err != nil:
			return res, fmt.Errorf("resolve warning %d: %w", r.ID, err)
		}
		res.Resolved++
	}
	for _, f := range plan.Raise {
		u, ok := units.byID[f.UnitID]
		if !ok {
			continue
		}
		w := &store.Warning{Rule: f.Rule, RuleVersion: rs.Version, Level: string(f.Level), SubjectKind: f.Subject.Kind,
			SubjectID: f.Subject.ID, SubjectRef: f.Subject.Ref, SubjectKey: f.Subject.Key(), SubjectLabel: f.Subject.Label,
			CaseID: f.CaseID, UnitID: u.ID, UnitPath: u.Path, Explain: f.Explain, RaisedAt: now}
		ok, err := s.Store.RaiseWarning(ctx, w)
		if err != nil {
			return res, fmt.Errorf("raise %s on %s: %w", f.Rule, f.Subject.Key(), err)
		}
		if ok {
			res.Raised++
		}
	}
	n, err := s.escalate(ctx, rs, dl, units, now)
	res.Steps = n
	return res, err
}
