package dailyreport

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"time"

	"github.com/tiaojie/tiaojie/internal/calendar"
	"github.com/tiaojie/tiaojie/internal/evaluation"
	"github.com/tiaojie/tiaojie/internal/reportrules"
	"github.com/tiaojie/tiaojie/internal/store"
)

// Figures are what a daily report says, frozen as JSON in its row.
type Figures struct {
	// Counts come from the evaluation rollups over the report's span.
	Counts reportrules.Counts `json:"counts"`
	// Overdue is the accepted cases open past their mediation due day at
	// the end of the span (the rollups' running overdue_open).
	Overdue int64 `json:"overdue"`
	// Snapshot is taken when the report is drafted on its own day; a report
	// drafted later (a day opened afterwards, a summary) has none, since
	// the clocks of that morning cannot be read back.
	Snapshot *Snapshot `json:"snapshot,omitempty"`
	// NewGroups are the group disputes formed in the span.
	NewGroups []GroupRef `json:"new_groups"`
	// Notable are the cases the notable rules pick out, with their reasons.
	Notable []NotableCase `json:"notable"`
}

// Snapshot is what the desk showed when the report was drafted.
type Snapshot struct {
	At time.Time `json:"at"`
	// DueSoon counts the open cases with two working days or less left on
	// a clock, or past it (the case list's due=soon).
	DueSoon int `json:"due_soon"`
	// Warnings are the open warnings by level (nil: no warnings service).
	Warnings map[string]int `json:"warnings,omitempty"`
}

// GroupRef is a group dispute formed in the span.
type GroupRef struct {
	ID      int64  `json:"id"`
	Title   string `json:"title"`
	Members int    `json:"members"`
}

// NotableCase is a case the report points out.
type NotableCase struct {
	CaseID  int64                `json:"case_id"`
	Number  string               `json:"number"`
	Reasons []reportrules.Reason `json:"reasons"`
}

// catchUp brings the rollups up to the last event, so a report never lags
// the cases it counts.
func (s *Service) catchUp(ctx context.Context) error {
	n, err := s.Store.EvalPending(ctx)
	if err != nil || n == 0 || s.Scorecard == nil {
		return err
	}
	_, err = s.Scorecard.CatchUp(ctx)
	return err
}

// tally sums the rollups of the unit over from..to.
func (s *Service) tally(ctx context.Context, v unitView, from, to calendar.Date, counters []string) (map[string]int64, error) {
	rows, err := s.Store.EvalSums(ctx, store.EvalQuery{Committees: v.committees, RoomID: v.roomID,
		From: from.String(), To: to.String(), Counters: counters})
	if err != nil {
		return nil, fmt.Errorf("sum the rollups of %s: %w", v.unit.Code, err)
	}
	t := map[string]int64{}
	for _, r := range rows {
		for k, n := range r.Counters {
			t[k] += n
		}
	}
	return t, nil
}

// spanFigures computes what the rollups and the event log say about the
// span (everything but the snapshot).
func (s *Service) spanFigures(ctx context.Context, v unitView, from, to calendar.Date) (Figures, error) {
	if err := s.catchUp(ctx); err != nil {
		return Figures{}, fmt.Errorf("catch up the rollups: %w", err)
	}
	t, err := s.tally(ctx, v, from, to, nil)
	if err != nil {
		return Figures{}, err
	}
	f := Figures{Counts: reportrules.FromTally(t), NewGroups: []GroupRef{}, Notable: []NotableCase{}}
	running, err := s.tally(ctx, v, calendar.Date{Year: 2000, Month: 1, Day: 1}, to, []string{"overdue_open"})
	if err != nil {
		return Figures{}, err
	}
	f.Overdue = running["overdue_open"]
	if f.NewGroups, err = s.newGroups(ctx, v, from, to); err != nil {
		return Figures{}, err
	}
	if f.Notable, err = s.notable(ctx, v, from, to); err != nil {
		return Figures{}, err
	}
	return f, nil
}

func inSpan(day string, from, to calendar.Date) bool {
	return day != "" && day >= from.String() && day <= to.String()
}

// newGroups lists the group disputes formed in the span (for a room: those
// with a member case in the room).
func (s *Service) newGroups(ctx context.Context, v unitView, from, to calendar.Date) ([]GroupRef, error) {
	out := []GroupRef{}
	for _, cid := range v.committees {
		// Formed on the span's Shanghai days: from the first day's midnight
		// to the midnight after the last.
		gs, err := s.Store.ListGroupsFormed(ctx, cid, from.Time(), to.AddDays(1).Time())
		if err != nil {
			return nil, fmt.Errorf("list groups of committee %d: %w", cid, err)
		}
		for _, g := range gs {
			full, err := s.Store.GetGroup(ctx, g.ID)
			if err != nil {
				return nil, fmt.Errorf("load group %d: %w", g.ID, err)
			}
			if v.roomID != 0 && !slices.ContainsFunc(full.Members, func(m store.GroupMember) bool { return m.RoomID == v.roomID }) {
				continue
			}
			out = append(out, GroupRef{ID: g.ID, Title: g.Title, Members: len(full.Members)})
		}
	}
	return out, nil
}

// commendationCounters are the rollup counters a commendation adds to.
var commendationCounters = []string{"banners", "letters", "thanks_other"}

// notable applies the notable rules to the cases received, commended or
// gone overdue in the span.
func (s *Service) notable(ctx context.Context, v unitView, from, to calendar.Date) ([]NotableCase, error) {
	signs := map[int64]*reportrules.CaseSigns{}
	get := func(id int64) *reportrules.CaseSigns {
		if signs[id] == nil {
			signs[id] = &reportrules.CaseSigns{}
		}
		return signs[id]
	}
	received, err := s.facts(ctx, v, "received", from, to)
	if err != nil {
		return nil, err
	}
	for _, r := range received {
		if r.Outcome == string(evaluation.OutcomeMerged) || !inSpan(r.ReceivedDay, from, to) {
			continue
		}
		var f evaluation.Facts
		if err := json.Unmarshal([]byte(r.Facts), &f); err != nil {
			return nil, fmt.Errorf("facts of case %d: %w", r.CaseID, err)
		}
		sg := get(r.CaseID)
		sg.ReceivedInSpan, sg.ClaimFen = true, f.ClaimFen
	}
	src := figureSources()["commendations"]
	closed, err := s.candidates(ctx, v, src, from, to)
	if err != nil {
		return nil, err
	}
	for _, r := range closed {
		n, err := contributed(r, src.counters, from, to)
		if err != nil {
			return nil, err
		}
		if n > 0 {
			get(r.CaseID).Commendations = int(n)
		}
	}
	overdue, err := s.facts(ctx, v, "overdue", from, to)
	if err != nil {
		return nil, err
	}
	for _, r := range overdue {
		if inSpan(r.OverdueFrom, from, to) {
			get(r.CaseID).OverdueFromSpan = true
		}
	}
	ids := make([]int64, 0, len(signs))
	for id := range signs {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	out := []NotableCase{}
	cases, err := s.Store.CaseRowsOf(ctx, ids)
	if err != nil {
		return nil, fmt.Errorf("load the notable cases: %w", err)
	}
	for _, id := range ids {
		sg := signs[id]
		c, ok := cases[id]
		if !ok {
			return nil, fmt.Errorf("load case %d: %w", id, store.ErrNotFound)
		}
		sg.InGroup = c.GroupID != 0
		if rs := reportrules.Notable(*sg); len(rs) > 0 {
			out = append(out, NotableCase{CaseID: id, Number: c.Number, Reasons: rs})
		}
	}
	return out, nil
}

// candidates are the cases that may stand behind a figure of the span: of
// the source's day kind, near the span. For the commendations, only those
// with a commendation event on the span's days (the index of migration 61):
// the look-back would otherwise decode a year of closures for a handful of
// thanks. The rule that counts them (contributed) is the same either way.
func (s *Service) candidates(ctx context.Context, v unitView, src figureSource, from, to calendar.Date) ([]store.EvalFact, error) {
	q := store.EvalFactQuery{Committees: v.committees, RoomID: v.roomID, Day: src.kind,
		From: from.AddDays(-src.back).String(), To: to.String()}
	if src.commended && !s.scanClosures {
		// Days are Shanghai calendar days, as evaluation counts them.
		q.CommendedFrom, q.CommendedUntil = from.Time(), to.AddDays(1).Time()
	}
	rows, err := s.Store.EvalFacts(ctx, q)
	if err != nil {
		return nil, fmt.Errorf("cases by %s day: %w", src.kind, err)
	}
	return rows, nil
}

// facts are the cases of one day kind on the span's days.
func (s *Service) facts(ctx context.Context, v unitView, kind string, from, to calendar.Date) ([]store.EvalFact, error) {
	return s.candidates(ctx, v, figureSource{kind: kind}, from, to)
}

// contributed is what a case added to the counters on the span's days,
// recomputed from its counted facts by the evaluation's own rule (the
// fact rows a query returns do not carry their contributions).
func contributed(r store.EvalFact, counters []string, from, to calendar.Date) (int64, error) {
	var f evaluation.Facts
	if err := json.Unmarshal([]byte(r.Facts), &f); err != nil {
		return 0, fmt.Errorf("facts of case %d: %w", r.CaseID, err)
	}
	var n int64
	for _, c := range evaluation.Contributions(f) {
		if slices.Contains(counters, c.Counter) && !c.Day.Before(from) && !c.Day.After(to) {
			n += c.N
		}
	}
	return n, nil
}

// snapshot reads the desk's clocks and the open warnings now.
func (s *Service) snapshot(ctx context.Context, v unitView) (*Snapshot, error) {
	sn := &Snapshot{At: s.now()}
	if s.Desk != nil {
		soon, _, err := s.Desk.DueCounts(ctx, store.Scope{Prefixes: []string{v.unit.Path}}, v.roomID)
		if err != nil {
			return nil, fmt.Errorf("count cases due soon in %s: %w", v.unit.Code, err)
		}
		sn.DueSoon = soon
	}
	if s.Warnings != nil {
		w, err := s.Warnings(ctx, v.unit.ID)
		if err != nil {
			return nil, fmt.Errorf("count open warnings of %s: %w", v.unit.Code, err)
		}
		sn.Warnings = w
	}
	return sn, nil
}
