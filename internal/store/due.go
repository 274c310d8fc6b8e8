package store

import (
	"context"
	"time"

	"github.com/tiaojie/tiaojie/internal/domain"
)

// ClockStatuses are the statuses in which a legal clock can run. Migration
// 00069's partial indexes cases_due_pending and cases_due_floating list the
// same statuses in the same order (storetest checks it): change both, in a
// new migration.
var ClockStatuses = []domain.Status{domain.StatusReceived, domain.StatusAccepted, domain.StatusODRNegotiating,
	domain.StatusConsenting, domain.StatusAssigned, domain.StatusMediating, domain.StatusSuspended, domain.StatusTerminated}

// DueState says what a case row's stored due date (next_due) means.
type DueState int

const (
	// DuePending: the clock facts changed since the date was computed (or it
	// never was); the refresher computes it.
	DuePending DueState = 0
	// DueFixed: next_due is the due date of the urgent legal clock, or
	// none when no legal clock runs.
	DueFixed DueState = 1
	// DueFloats: a running clock is suspended, so its due date moves later
	// with each day: computed each time it is read. next_due is the date as
	// of the refresh, a lower bound.
	DueFloats DueState = 2
)

// DueCase is a case read for computing its due date, with the mark of its
// clock facts at the time of reading and what is stored now.
type DueCase struct {
	Case
	Mark  int64
	State DueState
	Next  int // yyyymmdd; 0 for none
}

// DueValue is a computed due date to store: Next is the date as yyyymmdd
// (0: no legal clock runs), Mark the mark read with the case.
type DueValue struct {
	CaseID int64
	Mark   int64
	State  DueState
	Next   int
}

// DueQuery selects the cases of a clock list by their stored due dates.
type DueQuery struct {
	Scope     Scope
	RoomID    int64
	Presiding int64
	Statuses  []domain.Status
	From, To  *time.Time // received in [From, To)
	// By: cases due on or before this day (yyyymmdd).
	By    int
	Limit int
	// CountCap > 0 counts at most CountCap cases (Capped when there are
	// more); 0 counts them all; < 0 counts nothing.
	CountCap int
	// Brief: DueCases and DueUnfixed read each case as Case.Brief has it.
	Brief bool
}

// DueStore keeps each case's stored due date (migration 00062): a change of
// the clock facts marks the case pending by trigger, in its own
// transaction; the refresher (internal/desk) computes and stores the dates.
type DueStore interface {
	// DueIndex reads, in one statement, the digest of the rules the fixed
	// dates were computed under ("" before the first full computation) and
	// the pending cases in a clock status, counted up to maxBacklog+1 (not
	// counted when maxBacklog is 0).
	DueIndex(ctx context.Context, maxBacklog int) (rules string, backlog int, err error)
	SetDueRules(ctx context.Context, digest string) error
	// DueToCompute reads the cases in a clock status with id > afterID, by
	// id: the pending ones, or with all every one of them.
	DueToCompute(ctx context.Context, afterID int64, all bool, limit int) ([]DueCase, error)
	// DueFloating reads the floating cases whose stored lower bound is on
	// or before by (yyyymmdd), with id > afterID, by id: the ones a clock
	// list would compute on read, to be computed again as of today.
	DueFloating(ctx context.Context, by int, afterID int64, limit int) ([]DueCase, error)
	// SetDue stores computed dates in one transaction; a case whose mark
	// has moved on since it was read stays pending. It returns how many
	// were stored.
	SetDue(ctx context.Context, vals []DueValue) (int, error)
	// DueCases reads the fixed cases under q due by q.By, nearest date
	// first (then by id), at most q.Limit, and counts them per q.CountCap.
	DueCases(ctx context.Context, q DueQuery) (cases []Case, total int, capped bool, err error)
	// DueUnfixed reads the cases under q whose date is computed on read:
	// pending, or floating with a lower bound on or before q.By (any, when
	// q.By is 0); at most q.Limit, by id.
	DueUnfixed(ctx context.Context, q DueQuery) ([]Case, error)
	// CompactAfterBurst gives back what a burst of new cases (an import,
	// seeding) left swollen on PostgreSQL, whose vacuum frees pages but
	// keeps them: the index of pending due dates, which the planner costs
	// by its size and then walks every open case instead (122 ms against
	// 1 ms at 1,000,000 cases; REINDEX CONCURRENTLY, which blocks nobody),
	// and the case counters, whose dead row versions the lists' totals
	// scan (6.4 MB for 2,142 rows: 13 ms against 0.5; VACUUM FULL, which
	// holds the writers of cases for the milliseconds a small table takes);
	// and the case table's statistics, which still count the burst's cases
	// pending (ANALYZE).
	// SQLite merges emptied pages itself: nothing to do.
	CompactAfterBurst(ctx context.Context) error
}
