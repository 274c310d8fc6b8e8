package scorecard

import (
	"context"
	"fmt"

	"github.com/tiaojie/tiaojie/internal/calendar"
	"github.com/tiaojie/tiaojie/internal/evaluation"
	"github.com/tiaojie/tiaojie/internal/store"
)

// Internal entry points for capabilities that report evaluation figures to
// people who do not hold eval.read (a regulator reading a purchased-service
// assessment). They check no permission: the caller decides who may see
// what it reports. The figures are those the headline and the scores read.

// CommitteeTally sums one committee's rollups over from..to exactly as
// Headline does for the committee's unit (after catching up), with the
// pending count.
func (s *Service) CommitteeTally(ctx context.Context, committeeID int64, from, to calendar.Date) (evaluation.Tally, int64, error) {
	pending, err := s.refresh(ctx)
	if err != nil {
		return nil, 0, err
	}
	rows, err := s.Store.EvalSums(ctx, store.EvalQuery{Committees: []int64{committeeID}, From: from.String(), To: to.String()})
	if err != nil {
		return nil, 0, fmt.Errorf("committee sums: %w", err)
	}
	t := evaluation.Tally{}
	for _, r := range rows {
		t.Add(r.Counters)
	}
	return t, pending, nil
}

// RoomClosures lists the counted facts of a room's cases closed over
// from..to (after catching up), by case ID.
func (s *Service) RoomClosures(ctx context.Context, committeeID, roomID int64, from, to calendar.Date) ([]store.EvalFact, error) {
	if _, err := s.refresh(ctx); err != nil {
		return nil, err
	}
	rows, err := s.Store.EvalFacts(ctx, store.EvalFactQuery{Committees: []int64{committeeID}, RoomID: roomID, Day: "closure",
		From: from.String(), To: to.String()})
	if err != nil {
		return nil, fmt.Errorf("room closures: %w", err)
	}
	return rows, nil
}
