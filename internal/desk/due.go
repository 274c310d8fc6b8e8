package desk

import (
	"context"

	"github.com/tiaojie/tiaojie/internal/store"
)

// DueCounts counts the open cases under the scope (and in the room, when
// roomID is set) whose urgent clock is close: soon (two working days or
// less left, or passed — the case list's due=soon) and overdue (passed —
// due=overdue). For reports drafted in the background, without a user;
// the caller has checked who may see the unit. Read by index like the
// case list's due=soon (clock.go); beyond maxCandidates the counts are a
// lower bound.
func (s *Service) DueCounts(ctx context.Context, scope store.Scope, roomID int64) (soon, overdue int, err error) {
	m, err := s.rowMaker(ctx)
	if err != nil {
		return 0, 0, err
	}
	q := ListQuery{CaseQuery: store.CaseQuery{Scope: scope, RoomID: roomID}, Due: DueSoon}
	res, err := s.dueRows(ctx, m, q, 0, 0)
	if err != nil {
		return 0, 0, err
	}
	q.Due = DueOverdue
	over, err := s.dueRows(ctx, m, q, 0, 0)
	if err != nil {
		return 0, 0, err
	}
	return res.Total, over.Total, nil
}
