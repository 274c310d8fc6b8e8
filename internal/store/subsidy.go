package store

import (
	"context"
	"time"
)

// SubsidyStore keeps per-case subsidies (个案补贴): scheme versions, case
// difficulties and the monthly settlement batches with their trail.
type SubsidyStore interface {
	// ListSubsidySchemes lists a unit's scheme versions by effective date.
	ListSubsidySchemes(ctx context.Context, unitID int64) ([]SubsidyScheme, error)
	// AddSubsidyScheme stores a new version (ErrConflict when the unit has it).
	AddSubsidyScheme(ctx context.Context, s SubsidyScheme) error

	// CaseDifficulties returns the confirmed difficulty of the given cases (those without one are missing).
	CaseDifficulties(ctx context.Context, caseIDs []int64) (map[int64]CaseDifficulty, error)
	PutCaseDifficulty(ctx context.Context, d CaseDifficulty) error // insert or replace
	// SubsidyCases reads what the gates need of each case that no event
	// carries: number, room, merged-into number, group, parties, sessions
	// held, whether a case file is frozen and the smart-mediation state.
	SubsidyCases(ctx context.Context, caseIDs []int64) (map[int64]SubsidyCase, error)

	// CreateSubsidyBatch stores a new batch with its lines and failures and
	// the first trail entry, in one transaction (sets ID). A second regular
	// batch of a committee's period is ErrConflict.
	CreateSubsidyBatch(ctx context.Context, b *SubsidyBatch, first SubsidyTrail) error
	// GetSubsidyBatch reads a batch with its lines, failures and trail.
	GetSubsidyBatch(ctx context.Context, id int64) (SubsidyBatch, error)
	// FindSubsidyBatch finds the regular batch of a committee's period (ErrNotFound).
	FindSubsidyBatch(ctx context.Context, committeeID int64, period string) (SubsidyBatch, error)
	// ListSubsidyBatches lists batches of the committees (nil: none), newest period first, without lines.
	ListSubsidyBatches(ctx context.Context, committeeIDs []int64, limit int) ([]SubsidyBatch, error)
	// ChangeSubsidyBatch applies a change to a batch that is still in one
	// of c.From at c.Version, bumps its version and appends the trail
	// entry, in one transaction; ErrStale when it moved meanwhile.
	ChangeSubsidyBatch(ctx context.Context, c SubsidyChange) error
	// SubsidyPaid reads, for the given cases, the approved or paid lines
	// (not excluded) of a committee: case → period and amount summed over
	// the regular batch and its adjustments.
	SubsidyPaid(ctx context.Context, committeeID int64, caseIDs []int64) (map[int64]SubsidyPaidCase, error)
	// SubsidyPendingCases lists the cases that failed a gate still open
	// ("pending") in the committee's regular batches of periods from..to
	// (inclusive) and are on no approved line since.
	SubsidyPendingCases(ctx context.Context, committeeID int64, from, to string) ([]int64, error)
	// SubsidySpent sums the approved and paid batches of a committee whose
	// period falls in a calendar year, leaving one batch out (0: none).
	SubsidySpent(ctx context.Context, committeeID int64, year int, except int64) (int64, error)
	// MediatorSubsidyLines lists a mediator's lines on batches past draft,
	// newest month first; period ("2006-01", or "") keeps one month's.
	MediatorSubsidyLines(ctx context.Context, mediatorID int64, period string, limit int) ([]SubsidyLine, error)
	// MediatorSubsidySum totals a mediator's lines approved or paid, less
	// the excluded: every month's, however many lines are listed.
	MediatorSubsidySum(ctx context.Context, mediatorID int64) (int64, error)
	// CaseSubsidy lists a case's lines and failures on every batch, newest batch first.
	CaseSubsidy(ctx context.Context, caseID int64) ([]SubsidyLine, []SubsidyFailure, error)
	// CaseSubsidyFacts reads in one statement what a case page's subsidy
	// panel needs besides the lines and failures, and whether there are any
	// (ErrNotFound: no such case).
	CaseSubsidyFacts(ctx context.Context, caseID int64) (CaseSubsidyFacts, error)
}

// CaseSubsidyFacts is one case's difficulty, closure day, parties and held
// sessions, and whether any batch has a line or failure of it
// (SubsidyStore.CaseSubsidyFacts): the same as CaseDifficulties,
// EvalFactsOf and SubsidyCases say of the case.
type CaseSubsidyFacts struct {
	Difficulty   CaseDifficulty // CaseID 0: none stored
	ClosureDay   string         // of its evaluation facts ("" none)
	Parties      int
	HeldSessions int
	HasLines     bool
	HasFailures  bool
}

// SubsidyScheme is a stored scheme version (Body is subsidy.Scheme as JSON).
type SubsidyScheme struct {
	UnitID        int64
	Version       string
	EffectiveFrom string
	Body          string
	CreatedBy     int64
	Created       time.Time
}

// CaseDifficulty is a case's difficulty as proposed by the rules and as confirmed.
type CaseDifficulty struct {
	CaseID      int64
	Proposed    string
	ProposedWhy string
	Level       string
	Note        string
	ConfirmedBy int64
	ConfirmedAt time.Time
	ByName      string // filled on reads
}

// SubsidyCase is what the gates read of a case beyond its evaluation facts.
type SubsidyCase struct {
	CaseID         int64
	Number         string
	RoomID         int64
	RoomName       string
	ClaimFen       int64
	PresidingID    int64
	MergedInto     string // number of the case it was merged into
	GroupID        int64
	GroupTitle     string
	Parties        int
	Sessions       int // held mediation sessions
	HasArchive     bool
	SyncState      string // smart_sync state, "" when never handled
	SyncPlatformID string
}

// Batch statuses.
const (
	SubsidyDraft     = "draft"
	SubsidySubmitted = "submitted"
	SubsidyReturned  = "returned"
	SubsidyApproved  = "approved"
	SubsidyPaidState = "paid"
)

// SubsidyBatch is a committee's settlement of one month (or an adjustment of one).
type SubsidyBatch struct {
	ID            int64
	CommitteeID   int64
	CommitteeName string // filled on reads
	CommitteePath string // filled on reads
	CommitteeCode string // filled on reads
	Period        string // YYYY-MM
	Kind          string // regular | adjust
	AdjustsID     int64
	Status        string
	WindowFrom    string
	WindowTo      string
	TotalFen      int64 // lines not excluded
	ReturnReason  string
	CreatedBy     int64
	Created       time.Time
	Computed      time.Time
	SubmittedBy   int64
	SubmittedAt   *time.Time
	DecidedBy     int64
	DecidedAt     *time.Time
	PaidOn        string
	PaidBy        int64
	PaidNote      string
	Version       int64
	// Filled by GetSubsidyBatch.
	Lines    []SubsidyLine
	Failures []SubsidyFailure
	Trail    []SubsidyTrail
	// Counts, filled by ListSubsidyBatches.
	LineCount, FailureCount int
}

// SubsidyLine is one case that earns a subsidy in a batch.
type SubsidyLine struct {
	BatchID       int64
	CaseID        int64
	CaseNumber    string
	MediatorID    int64
	MediatorName  string
	RoomID        int64
	RoomName      string
	ClosureDay    string
	SchemeVersion string
	Rule          string
	Difficulty    string
	BaseFen       int64
	JudicialFen   int64
	Percent       int
	CutFen        int64
	AmountFen     int64
	Explanation   string
	Excluded      bool
	ExcludeReason string
	ExcludedBy    int64
	ReturnReason  string // the justice officer's reason when the batch was returned
	// Of the batch, filled by MediatorSubsidyLines.
	Period string
	Status string
	Kind   string
}

// SubsidyFailure is a candidate case that earns nothing in a batch, and why.
type SubsidyFailure struct {
	CaseID       int64
	CaseNumber   string
	MediatorID   int64
	MediatorName string
	RoomName     string
	ClosureDay   string
	Gate         string
	Reason       string
	Pending      bool
	// Of the batch, filled by CaseSubsidy.
	Period string
	Status string
}

// SubsidyTrail is one step of a batch's life (生成, 剔除, 提交, 退回, 审核通过, 支付 …).
type SubsidyTrail struct {
	Action    string
	ActorID   int64
	ActorName string
	ActorRole string
	At        time.Time
	Note      string
}

// SubsidyChange is one change to a batch. Zero fields leave things alone.
type SubsidyChange struct {
	BatchID int64
	From    []string // statuses the batch must be in
	Version int64    // the version it must be at
	Status  string   // new status ("" keep)
	// Recompute replaces lines and failures (exclusions of cases still on
	// it are kept) and the computed time.
	Recompute  bool
	Lines      []SubsidyLine
	Failures   []SubsidyFailure
	ComputedAt time.Time
	// Exclude (or include again) one line.
	ExcludeCase   int64
	Exclude       bool
	ExcludeReason string
	// Submitted / decided / paid stamps.
	SubmittedBy  int64
	DecidedBy    int64
	ReturnReason *string
	LineReasons  map[int64]string // case → reason on return (others cleared)
	ClearReturns bool             // clear line reasons (on resubmission)
	PaidOn       string
	PaidBy       int64
	PaidNote     string
	At           time.Time
	Trail        SubsidyTrail
}

// SubsidyPaidCase is what a case was paid in a committee's approved batches.
type SubsidyPaidCase struct {
	Period string
	Fen    int64
}
