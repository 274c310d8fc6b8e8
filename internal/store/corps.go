package store

import (
	"context"
	"time"
)

// CorpsStore keeps the mediator registry (队伍): one row per mediator, the
// grade rule versions, improper-mediation incidents and grade decisions.
type CorpsStore interface {
	// PutMediatorRecord inserts or replaces a mediator's registry row (the
	// grade is left alone on an existing row: it changes only by decision).
	PutMediatorRecord(ctx context.Context, m MediatorRecord) error
	GetMediatorRecord(ctx context.Context, userID int64) (MediatorRecord, error)
	// ListMediatorRecords returns the rows of the given users (those without
	// one are missing), by user id.
	ListMediatorRecords(ctx context.Context, userIDs []int64) ([]MediatorRecord, error)
	// AddMediatorIncident records a case escalated through improper mediation (sets ID).
	AddMediatorIncident(ctx context.Context, in *MediatorIncident) error
	// ListMediatorIncidents lists the incidents of the given users, oldest first.
	ListMediatorIncidents(ctx context.Context, userIDs []int64) ([]MediatorIncident, error)
	// DecideMediatorGrade records the decision and sets the registry's grade,
	// in one transaction, if the row's grade is still d.From (else ErrStale;
	// ErrNotFound without a row). Sets ID.
	DecideMediatorGrade(ctx context.Context, d *GradeDecision) error
	ListGradeDecisions(ctx context.Context, userID int64) ([]GradeDecision, error) // newest first
	// PutGradeRules adds a unit's version, or replaces the one with the same
	// effective date.
	PutGradeRules(ctx context.Context, r GradeRules) error
	ListGradeRules(ctx context.Context, unitID int64) ([]GradeRules, error) // by effective date
}

// MediatorRecord is one mediator's registry row. Dates are 'YYYY-MM-DD'
// ("" for none); codes are internal/grading's.
type MediatorRecord struct {
	UserID             int64
	Kind               string // full_time, part_time
	Sex                string // male, female
	BirthYear          int
	Education          string
	Major              string
	LawMajor           bool
	LegalQualification bool
	Grade              string
	AppointedOn        string
	TermEnd            string
	Employment         string
	FiledOn            string
	IDSealed           string
	IDHash             string
	IDMask             string
	PhoneSealed        string
	PhoneHash          string
	PhoneMask          string
	UpdatedBy          int64
	Updated            time.Time
}

// MediatorIncident is a case escalated through improper mediation.
type MediatorIncident struct {
	ID         int64
	UserID     int64
	CaseID     int64 // 0: not linked to a case
	OccurredOn string
	Note       string
	RecordedBy int64
	Created    time.Time
}

// GradeDecision is a committee's decision to change a mediator's grade;
// Snapshot is the eligibility it rested on (JSON).
type GradeDecision struct {
	ID        int64
	UserID    int64
	From, To  string
	DecidedOn string
	Basis     string
	DecidedBy int64
	Snapshot  string
	Created   time.Time
}

// GradeRules is one version of a unit's grade rules (Body is
// grading.RuleSet as JSON).
type GradeRules struct {
	ID            int64
	UnitID        int64
	EffectiveFrom string
	Body          string
	CreatedBy     int64
	Created       time.Time
}
