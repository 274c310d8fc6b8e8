// Package scorecard is the performance-evaluation capability (绩效评估): it
// keeps the rollups current from the event log, and answers scores,
// headline figures, the cases behind a figure and rankings within what the
// asking user may see. The rules are internal/evaluation's; this package
// loads, scopes and stores.
package scorecard

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"time"

	"github.com/tiaojie/tiaojie/internal/calendar"
	"github.com/tiaojie/tiaojie/internal/deadline"
	"github.com/tiaojie/tiaojie/internal/domain"
	"github.com/tiaojie/tiaojie/internal/evaluation"
	"github.com/tiaojie/tiaojie/internal/memo"
	"github.com/tiaojie/tiaojie/internal/store"
)

// Service answers evaluation questions.
type Service struct {
	Store store.Store
	Log   *slog.Logger
	Now   func() time.Time
	// Batch is how many cases one catch-up transaction recounts (default 500).
	Batch int

	names   names
	figures memo.Memo[string, CaseFigures] // by the stored facts they are read from
}

func (s *Service) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

// CatchUp recounts every case whose events changed since it was last
// counted, batch by batch, and returns how many it recounted.
func (s *Service) CatchUp(ctx context.Context) (int, error) {
	rules, err := deadline.Load(ctx, s.Store)
	if err != nil {
		return 0, fmt.Errorf("load calendar for evaluation: %w", err)
	}
	r := evaluation.Rules{Calendar: rules.Calendar, Policies: rules.Policies}
	batch := s.Batch
	if batch <= 0 {
		batch = 500
	}
	total := 0
	for {
		n, err := s.Store.EvalCatchUp(ctx, batch, func(in []store.EvalInput) ([]store.EvalFact, error) {
			return DeriveAll(r, in)
		})
		total += n
		if err != nil {
			return total, fmt.Errorf("evaluation catch-up: %w", err)
		}
		if n < batch {
			return total, nil
		}
	}
}

// Rebuild recomputes every rollup from the event log and returns the
// digest before and after: equal when the incremental upkeep was exact.
func (s *Service) Rebuild(ctx context.Context) (before, after string, cases int, err error) {
	if _, err := s.CatchUp(ctx); err != nil {
		return "", "", 0, err
	}
	if before, err = s.Store.EvalDigest(ctx); err != nil {
		return "", "", 0, err
	}
	if err := s.Store.EvalReset(ctx); err != nil {
		return before, "", 0, fmt.Errorf("reset rollups: %w", err)
	}
	if cases, err = s.CatchUp(ctx); err != nil {
		return before, "", cases, err
	}
	after, err = s.Store.EvalDigest(ctx)
	return before, after, cases, err
}

// DeriveAll turns loaded cases into what they add to the rollups.
func DeriveAll(r evaluation.Rules, in []store.EvalInput) ([]store.EvalFact, error) {
	out := make([]store.EvalFact, 0, len(in))
	for _, c := range in {
		f := evaluation.Derive(r, ToCase(c), time.Time{})
		ef, err := toEvalFact(c.Case, f)
		if err != nil {
			return nil, err
		}
		out = append(out, ef)
	}
	return out, nil
}

// ToCase maps a stored case and its events to the rule package's input.
func ToCase(in store.EvalInput) evaluation.Case {
	c := in.Case
	ec := evaluation.Case{ID: c.ID, ReceivedAt: c.ReceivedAt, PolicyID: c.PolicyID, PresidingID: c.PresidingID,
		AgreementTerms: in.AgreementTerms, ClaimFen: c.ClaimFen, Parties: in.Parties,
		Diverted: c.Channel == domain.Channel12315 || c.DivertedByOrgID != 0}
	for _, e := range in.Events {
		ec.Events = append(ec.Events, evaluation.Event{Type: e.Type, At: e.At, FromStatus: e.FromStatus, ToStatus: e.ToStatus,
			ActorID: e.ActorID, ReasonCode: e.ReasonCode, Note: e.Note, Data: e.Data})
	}
	return ec
}

func day(t *time.Time) string {
	if t == nil {
		return ""
	}
	return calendar.DateOf(*t).String()
}

func toEvalFact(c store.Case, f evaluation.Facts) (store.EvalFact, error) {
	raw, err := json.Marshal(f)
	if err != nil {
		return store.EvalFact{}, fmt.Errorf("encode facts of case %d: %w", c.ID, err)
	}
	ef := store.EvalFact{CaseID: c.ID,
		EvalDims: store.EvalDims{CommitteeID: c.CommitteeID, RoomID: c.RoomID, MediatorID: f.PresidingID,
			Category: c.Category, Channel: string(c.Channel)},
		Outcome: string(f.Outcome), ReceivedDay: calendar.DateOf(f.ReceivedAt).String(), DecidedDay: day(f.DecidedAt),
		ClosureDay: day(f.ClosedAt), FollowUpDay: day(f.FollowUpAt), Facts: string(raw)}
	if f.Outcome == evaluation.OutcomeMerged {
		// Counted only as merged: no figure looks at its other days.
		ef.DecidedDay, ef.FollowUpDay = "", ""
	}
	if from, until, ok := f.OverdueSpan(); ok {
		ef.OverdueFrom = from.String()
		if until != nil {
			ef.OverdueUntil = until.String()
		}
	}
	if n := len(f.JudicialRejectedAt); n > 0 && f.Outcome != evaluation.OutcomeMerged {
		ef.ReturnedFirst, ef.ReturnedLast = day(&f.JudicialRejectedAt[0]), day(&f.JudicialRejectedAt[n-1])
	}
	for _, k := range evaluation.Contributions(f) {
		ef.Contrib = append(ef.Contrib, store.EvalContribution{Day: k.Day.String(), Counter: k.Counter, N: k.N})
	}
	if h, ok := evaluation.Handling(f); ok {
		ef.Handling = []store.EvalHandling{{Day: h.Day.String(), WD: h.WD}}
	}
	return ef, nil
}

// CaseFigures is what a case contributes to the figures, for the case JSON:
// any client can recompute a figure from these.
type CaseFigures struct {
	PresidingID   int64
	Outcome       evaluation.Outcome
	ClosedAt      *time.Time // the closing event (an agreed case closes when the agreement is reached)
	HasAgreement  bool
	AgreementForm string // oral | written
	AgreedFen     int64
	Performed     bool
	FollowUpDone  bool
	Satisfaction  int
}

// Figures returns the counted facts of cases (catching up first); a case
// not counted yet is missing.
func (s *Service) Figures(ctx context.Context, ids []int64) (map[int64]CaseFigures, error) {
	if _, err := s.refresh(ctx); err != nil {
		return nil, err
	}
	texts, err := s.Store.EvalFactTexts(ctx, ids)
	if err != nil {
		return nil, err
	}
	out := make(map[int64]CaseFigures, len(texts))
	for id, facts := range texts {
		// Decoding a case's facts (1 kB of JSON) is 11 µs; the same facts
		// are read by every list that shows the case until it changes.
		f, ok := s.figures.Get(facts)
		if !ok {
			if f, err = figuresOf(facts); err != nil {
				return nil, fmt.Errorf("facts of case %d: %w", id, err)
			}
			s.figures.Put(facts, f)
		}
		if f.ClosedAt != nil { // the remembered one is shared
			at := *f.ClosedAt
			f.ClosedAt = &at
		}
		out[id] = f
	}
	return out, nil
}

// figuresOf reads a case's figures from its stored facts (evaluation.Facts
// as JSON), decoding only the fields they need: the API's case list reads
// fifty, and decoding every fact (a score of timestamps each) was half of
// its CPU.
func figuresOf(facts string) (CaseFigures, error) {
	var f struct {
		PresidingID   int64
		Outcome       evaluation.Outcome
		ClosedAt      *time.Time
		AgreementForm string
		AgreedFen     int64
		Performed     bool
		FollowUpDone  bool
		Satisfaction  int
	}
	if err := json.Unmarshal([]byte(facts), &f); err != nil {
		return CaseFigures{}, err
	}
	return CaseFigures{PresidingID: f.PresidingID, Outcome: f.Outcome, ClosedAt: f.ClosedAt,
		HasAgreement: f.AgreementForm != "", AgreementForm: f.AgreementForm, AgreedFen: f.AgreedFen,
		Performed: f.Performed, FollowUpDone: f.FollowUpDone, Satisfaction: f.Satisfaction}, nil
}
