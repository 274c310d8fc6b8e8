package desk

import (
	"context"
	"fmt"
	"time"

	"github.com/tiaojie/tiaojie/internal/calendar"
	"github.com/tiaojie/tiaojie/internal/deadline"
	"github.com/tiaojie/tiaojie/internal/store"
)

// Stored due dates (docs/performance.md "Clock lists by stored due date").
//
// Each case row keeps the due date of its urgent legal clock (Urgent), so
// that the clock lists are a range on an index instead of the clocks of
// every case near its deadline computed per request. Outside a suspension
// that date depends only on the case's clock facts and the rules: triggers
// mark a case pending in the transaction that changes its facts, and
// RefreshDue (a periodic job) computes the pending ones; a suspended clock's
// date moves with the day, so such a case floats and is computed when read,
// as are the pending ones. A change of the rules (calendar, policies) is
// seen by digest: until RefreshDue has recomputed every open case under the
// new rules, the lists compute every clock as before (clock.go).
//
// A floating case's stored date is its due date as of the day it was
// computed, so a lower bound only on that day and after; left alone it
// falls behind a day for each day of the suspension, and once it is before
// the lists' date every list computes the case on read, near or not (at
// 100,000 cases, 70 days on, the overdue list cost 3.5 times as much).
// RefreshDue therefore computes again, as of today, the floating cases
// whose stored date a list would read; only those that are near stay so.

// maxBacklog is how many pending cases the lists compute on read before
// they stop trusting the index and compute every clock instead.
const maxBacklog = 2000

// refreshBatch is how many cases RefreshDue computes and stores per transaction.
const refreshBatch = 500

// compactAfter is how many pending cases one RefreshDue fixes before it
// compacts what they swelled (store.DueStore.CompactAfterBurst): a burst,
// not the few that arrive between two runs.
const compactAfter = 5000

// dueValue is what a case stores: the due date of its urgent clock (0 when
// none runs), floating when a suspension is open while a legal clock runs.
// Without an open suspension a clock's due date does not depend on the day
// (now only needs to be after the case's events); with one it moves later
// each day the suspension lasts, so the date as of now is a lower bound for
// the days after, which lets the lists skip the floating cases not near.
func dueValue(r deadline.Rules, c store.Case, evs []store.Event, now time.Time) (store.DueState, int) {
	next := Urgent(r.ForCase(c, evs, now))
	if next == nil {
		return store.DueFixed, 0
	}
	for _, p := range deadline.Facts(c, evs).Pauses {
		if p.To == nil {
			return store.DueFloats, next.Due.Number()
		}
	}
	return store.DueFixed, next.Due.Number()
}

// RefreshReport says what one RefreshDue or RebuildDue did.
type RefreshReport struct {
	Full     bool // every case in a clock status was recomputed (the rules had changed, or a rebuild)
	Computed int
	Stored   int // the others changed again meanwhile and stay pending
	// Differed counts the cases whose stored date (not pending) was not
	// the one computed: after a change of the rules, the dates it moved;
	// in a rebuild under the same rules, errors.
	Differed int
	// Compacted: so many pending cases were fixed that what they swelled
	// was compacted (compactAfter).
	Compacted bool
	// Floating: floating cases whose stored date a list would read, computed
	// again as of today; Moved: those whose date moved (and was stored).
	Floating, Moved int
}

// RefreshDue computes the stored due dates that are pending, or all of them
// when the rules have changed since they were computed, refreshBatch cases
// per transaction. Run by one worker at a time (the job queue's leader).
func (s *Service) RefreshDue(ctx context.Context) (RefreshReport, error) {
	return s.refreshDue(ctx, false)
}

// RebuildDue recomputes every stored due date from the event log, as after
// a change of the rules, and says how many differed from the stored ones
// (`tiaojie deadlines rebuild`).
func (s *Service) RebuildDue(ctx context.Context) (RefreshReport, error) {
	return s.refreshDue(ctx, true)
}

func (s *Service) refreshDue(ctx context.Context, all bool) (RefreshReport, error) {
	var rep RefreshReport
	rules, err := deadline.Load(ctx, s.Store)
	if err != nil {
		return rep, fmt.Errorf("load deadline rules: %w", err)
	}
	digest := rules.Digest()
	stored, _, err := s.Store.DueIndex(ctx, 0)
	if err != nil {
		return rep, err
	}
	rep.Full = all || stored != digest
	now := s.now()
	pending := 0 // of the cases computed, those that were pending
	err = s.eachDueBatch(ctx, rules, now, func(after int64) ([]store.DueCase, error) {
		return s.Store.DueToCompute(ctx, after, rep.Full, refreshBatch)
	}, func(batch []store.DueCase, vals []store.DueValue) error {
		for i, dc := range batch {
			if dc.State != store.DuePending && (dc.State != vals[i].State || dc.Next != vals[i].Next) {
				rep.Differed++
			}
			if dc.State == store.DuePending {
				pending++
			}
		}
		n, err := s.Store.SetDue(ctx, vals)
		rep.Computed += len(batch)
		rep.Stored += n
		return err
	})
	if err != nil {
		return rep, err
	}
	if !rep.Full {
		// A full pass has just computed the floating cases as well.
		by := lastDue(rules.Calendar, DueSoon, calendar.DateOf(now)).Number()
		err := s.eachDueBatch(ctx, rules, now, func(after int64) ([]store.DueCase, error) {
			return s.Store.DueFloating(ctx, by, after, refreshBatch)
		}, func(batch []store.DueCase, vals []store.DueValue) error {
			var moved []store.DueValue
			for i, dc := range batch {
				// Unchanged (a near one, computed earlier today): no write.
				if v := vals[i]; v.State != dc.State || v.Next != dc.Next {
					moved = append(moved, v)
				}
			}
			n, err := s.Store.SetDue(ctx, moved)
			rep.Floating += len(batch)
			rep.Moved += n
			return err
		})
		if err != nil {
			return rep, err
		}
	}
	if pending >= compactAfter {
		if err := s.Store.CompactAfterBurst(ctx); err != nil {
			return rep, err
		}
		rep.Compacted = true
	}
	if rep.Full && stored != digest {
		// The dates are those of the rules read at the start: record them
		// only if they are still the rules in force.
		again, err := deadline.Load(ctx, s.Store)
		if err != nil {
			return rep, fmt.Errorf("load deadline rules: %w", err)
		}
		if again.Digest() == digest {
			if err := s.Store.SetDueRules(ctx, digest); err != nil {
				return rep, err
			}
		}
	}
	return rep, nil
}

// eachDueBatch reads batches of cases by id with read (from the id after
// the last batch's) until none is left, and hands each to fn with the
// due values computed for it.
func (s *Service) eachDueBatch(ctx context.Context, rules deadline.Rules, now time.Time,
	read func(after int64) ([]store.DueCase, error), fn func([]store.DueCase, []store.DueValue) error) error {
	for after := int64(0); ; {
		batch, err := read(after)
		if err != nil || len(batch) == 0 {
			return err
		}
		vals, err := s.computeDue(ctx, rules, batch, now)
		if err != nil {
			return err
		}
		if err := fn(batch, vals); err != nil {
			return err
		}
		after = batch[len(batch)-1].ID
	}
}

// computeDue computes the due values of a batch of cases with their clock
// events, each with the mark it was read with.
func (s *Service) computeDue(ctx context.Context, rules deadline.Rules, batch []store.DueCase, now time.Time) ([]store.DueValue, error) {
	ids := make([]int64, len(batch))
	for i, dc := range batch {
		ids[i] = dc.ID
	}
	evs, err := s.Store.ClockEventsOf(ctx, ids)
	if err != nil {
		return nil, err
	}
	vals := make([]store.DueValue, len(batch))
	for i, dc := range batch {
		st, next := dueValue(rules, dc.Case, evs[dc.ID], now)
		vals[i] = store.DueValue{CaseID: dc.ID, Mark: dc.Mark, State: st, Next: next}
	}
	return vals, nil
}

// dueIndexUsable reports whether the clock lists may read the stored dates:
// computed under today's rules, with few enough pending cases to compute on read.
func (s *Service) dueIndexUsable(ctx context.Context, m *rowMaker) (bool, error) {
	stored, n, err := s.Store.DueIndex(ctx, maxBacklog)
	if err != nil {
		return false, err
	}
	return stored == m.digest() && n <= maxBacklog, nil
}
