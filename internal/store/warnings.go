package store

import (
	"context"
	"time"

	"github.com/tiaojie/tiaojie/internal/domain"
)

// Warning statuses.
const (
	WarningOpen         = "open"
	WarningAcknowledged = "acknowledged"
	WarningResolved     = "resolved"
)

// WarningStore keeps 预警: rule set versions, warnings with their events
// and notices, and 催办/督办 (internal/alerting).
type WarningStore interface {
	// LatestWarningRules is the rule set in force (ErrNotFound before the first).
	LatestWarningRules(ctx context.Context) (WarningRuleSet, error)
	ListWarningRules(ctx context.Context) ([]WarningRuleSet, error) // newest first
	// AddWarningRules stores the next version (r.Version must be the latest + 1, else ErrConflict).
	AddWarningRules(ctx context.Context, r WarningRuleSet) error

	// RaiseWarning inserts w (sets ID) with its "raised" event unless a
	// warning of the same rule and subject is still open or acknowledged:
	// then it returns false and changes nothing.
	RaiseWarning(ctx context.Context, w *Warning) (bool, error)
	GetWarning(ctx context.Context, id int64) (Warning, error)
	// ListWarnings is a page of the filter's warnings, newest raised first
	// (then by id), read by key: never a count over the scope.
	ListWarnings(ctx context.Context, q WarningQuery) (Page[Warning], error)
	// WarningCounts counts the filter's warnings by level (the open ones:
	// few, whatever the years behind them).
	WarningCounts(ctx context.Context, q WarningQuery) (map[string]int, error)
	// OpenWarningList lists every open or acknowledged warning (the sweep).
	OpenWarningList(ctx context.Context) ([]Warning, error)
	// AcknowledgeWarning moves an open warning to acknowledged with its
	// event (ErrConflict when it is not open).
	AcknowledgeWarning(ctx context.Context, id, by int64, at time.Time, note string) error
	// ResolveWarning resolves a warning that is not yet resolved, with its
	// event (ErrConflict when it already is).
	ResolveWarning(ctx context.Context, id, by int64, at time.Time, reason, note string) error
	// TakeWarningStep records escalation step e.Step of a warning once:
	// false when it was taken already (by this or another instance).
	TakeWarningStep(ctx context.Context, e WarningEvent) (bool, error)
	AddWarningEvent(ctx context.Context, e WarningEvent) error
	ListWarningEvents(ctx context.Context, warningID int64) ([]WarningEvent, error) // in order
	// WarningStepsTaken lists, for each of the warnings, the ladder steps
	// already taken (the escalation's look before taking the due ones).
	WarningStepsTaken(ctx context.Context, warningIDs []int64) (map[int64][]int, error)

	AddWarningNotices(ctx context.Context, ns []WarningNotice) error
	// ListWarningNotices lists a user's notices (or a warning's, userID 0), newest first.
	ListWarningNotices(ctx context.Context, userID, warningID int64, limit int) ([]WarningNotice, error)
	MarkWarningNoticeRead(ctx context.Context, userID, id int64, at time.Time) error // only the user's own (else ErrNotFound)
	// WarningsTold says which of the warnings the user was sent a notice
	// about (a list's 签收 buttons).
	WarningsTold(ctx context.Context, userID int64, warningIDs []int64) (map[int64]bool, error)

	CreateSupervision(ctx context.Context, s *Supervision) error // sets ID
	GetSupervision(ctx context.Context, id int64) (Supervision, error)
	ListSupervisions(ctx context.Context, q SupervisionQuery) ([]Supervision, error) // newest first
	// OpenSupervisions lists every unanswered supervision of a kind, oldest
	// first (the warning sweep's: an overdue one must never be left out).
	OpenSupervisions(ctx context.Context, kind string) ([]Supervision, error)
	// ReplySupervision stores the mediator's written reply once (ErrConflict after).
	ReplySupervision(ctx context.Context, id, by int64, reply string, at time.Time) error

	// BoundUsers lists active users holding one of the roles exactly at one
	// of the units (not below), ordered by unit, user id: who a step tells.
	BoundUsers(ctx context.Context, orgIDs []int64, roles []domain.Role) ([]Binding, error)
	// LatestFollowUps is each case's latest 回访 recorded since a time.
	LatestFollowUps(ctx context.Context, since time.Time) ([]FollowUp, error)
}

// WarningRuleSet is one stored version of warning.RuleSet (Body is its JSON).
type WarningRuleSet struct {
	Version   int
	Body      string
	Note      string
	CreatedBy int64
	Created   time.Time
}

// Warning is one raised warning.
type Warning struct {
	ID             int64
	Rule           string
	RuleVersion    int
	Level          string
	Status         string
	SubjectKind    string
	SubjectID      int64
	SubjectRef     string
	SubjectKey     string
	SubjectLabel   string
	CaseID         int64
	CaseNumber     string // filled by reads
	UnitID         int64
	UnitPath       string
	Explain        string
	RaisedAt       time.Time
	RaisedBy       int64
	AcknowledgedAt *time.Time
	AcknowledgedBy int64
	ResolvedAt     *time.Time
	ResolvedBy     int64
	ResolveReason  string
	ResolveNote    string
}

// WarningQuery filters warnings. Scope limits by unit path (All for sweeps).
type WarningQuery struct {
	Scope    Scope
	Statuses []string
	Level    string
	CaseID   int64
	// Presiding limits to warnings on cases this user presides over or
	// about this mediator (a mediator's own view).
	Presiding int64
	Paging
}

// WarningEvent is one entry of a warning's history.
type WarningEvent struct {
	ID        int64
	WarningID int64
	Kind      string // "raised", "step", "acknowledged", "resolved", "urged"
	Step      int    // the ladder step (kind "step"), else -1
	ActorID   int64
	ActorName string // filled by reads
	At        time.Time
	Note      string
}

// WarningNotice is an in-app notice (我的提醒) to one user.
type WarningNotice struct {
	ID            int64
	UserID        int64
	WarningID     int64
	SupervisionID int64
	Step          int
	Body          string
	SMS           bool // an SMS was queued too
	At            time.Time
	ReadAt        *time.Time
	UserName      string // filled by reads
}

// Supervision is a 催办 ("urge") or 督办 ("supervise") on a case.
type Supervision struct {
	ID            int64
	Kind          string
	CaseID        int64
	CaseNumber    string // filled by reads
	WarningID     int64
	UnitID        int64
	UnitPath      string
	MediatorID    int64
	Request       string
	RequestedBy   int64
	RequesterName string // filled by reads
	RequestedAt   time.Time
	Due           time.Time
	Reply         string
	RepliedBy     int64
	RepliedAt     *time.Time
}

// SupervisionQuery filters supervisions.
type SupervisionQuery struct {
	Scope      Scope
	CaseID     int64
	Mediator   int64 // addressed to this mediator
	Unanswered bool
	Kind       string
	Limit      int
}
