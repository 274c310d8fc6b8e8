package store

import (
	"context"
	"time"
)

// Personal-data access on record (internal/privacy).

// PIIReveal is one reveal of a party's full phone, identity number or
// address: who saw whose data, for what purpose, when and from where.
type PIIReveal struct {
	ID         int64
	CaseID     int64
	CaseNumber string // filled by list
	PartyID    int64
	PartyName  string // filled by list
	OrgPath    string // the case's unit
	Field      string // phone, id_number, address
	Purpose    string // a code of privacy.Purposes
	Note       string // the purpose in words when it is "other"
	UserID     int64
	UserName   string
	Role       string
	ClientAddr string
	At         time.Time
	Expires    time.Time // when the page hides the value again
}

// PIIRevealQuery selects reveals within Scope, newest first.
type PIIRevealQuery struct {
	Scope    Scope
	UserName string
	CaseID   int64
	Field    string
	From, To time.Time // To exclusive; zero: open
	Limit    int       // default 100, max 1000
}

// Privacy request kinds and statuses.
const (
	PrivacyExport   = "export"
	PrivacyDelete   = "delete"
	PrivacyPending  = "pending"
	PrivacyDone     = "done"
	PrivacyRefused  = "refused"
	PrivacyViaParty = "party" // the party on their own page
	PrivacyViaStaff = "staff" // staff on the party's behalf
)

// PrivacyRequest is a party's request for an export or a deletion of their
// personal data (PIPL Art. 45, 47), answered by the committee by DueOn.
type PrivacyRequest struct {
	ID          int64
	CaseID      int64
	CaseNumber  string // filled by get and list
	PartyID     int64
	PartyName   string // filled by get and list
	PartyKind   string // filled by get and list
	CommitteeID int64
	OrgPath     string // the case's unit
	Kind        string
	Status      string
	Via         string
	RequestedBy int64 // staff; 0 for the party
	Requester   string
	Note        string
	RequestedAt time.Time
	DueOn       string // 2006-01-02: 15 working days
	DecidedBy   int64
	Decider     string
	DecidedAt   *time.Time
	Reason      string // why refused, or what was done
}

// PrivacyRequestQuery selects requests within Scope, oldest due first.
type PrivacyRequestQuery struct {
	Scope   Scope
	Status  string
	PartyID int64
	Limit   int // default 100, max 500
}

// PrivacyDecision closes a pending request; Anonymize (deletions carried
// out) erases the party's contact fields in the same transaction.
type PrivacyDecision struct {
	ID        int64
	Status    string // done or refused
	By        int64
	ByName    string
	At        time.Time
	Reason    string
	Anonymize *PartyErasure
}

// PartyErasure empties a party's phone, identity number and address; with
// Name set, the name is replaced too (a case not kept in an archive).
type PartyErasure struct {
	PartyID int64
	Name    string
	At      time.Time
}

// Retention is a committee's retention periods for parties' contact data,
// counted from a case's close (not archived) or its archiving.
type Retention struct {
	CommitteeID   int64
	ClosedYears   int
	ArchivedYears int
	UpdatedBy     int64
	Updater       string
	Updated       time.Time
}

// RetentionCandidate is a closed case with parties whose contact data is
// not yet anonymised, with when it ended.
type RetentionCandidate struct {
	CaseID      int64
	CommitteeID int64
	ClosedAt    time.Time
	ArchivedAt  *time.Time
}

// PrivacySweep is one run of the retention sweep.
type PrivacySweep struct {
	At      time.Time
	Cases   int
	Parties int
}

// PrivacyStore keeps reveals, requests, retention settings and sweeps.
type PrivacyStore interface {
	// RecordReveal stores the reveal with an audit entry naming the field
	// and purpose (action "pii.reveal …", objects the case and the party).
	RecordReveal(ctx context.Context, r *PIIReveal) error
	ListReveals(ctx context.Context, q PIIRevealQuery) ([]PIIReveal, error)

	CreatePrivacyRequest(ctx context.Context, r *PrivacyRequest) error
	GetPrivacyRequest(ctx context.Context, id int64) (PrivacyRequest, error)
	ListPrivacyRequests(ctx context.Context, q PrivacyRequestQuery) ([]PrivacyRequest, error)
	// DecidePrivacyRequest closes a pending request (ErrConflict when it
	// is no longer pending).
	DecidePrivacyRequest(ctx context.Context, d PrivacyDecision) error
	// PartyAnonymizedAt is when a party's contact data was erased (nil: not).
	PartyAnonymizedAt(ctx context.Context, partyID int64) (*time.Time, error)

	// GetRetention answers ErrNotFound when the committee never set it.
	GetRetention(ctx context.Context, committeeID int64) (Retention, error)
	PutRetention(ctx context.Context, r Retention) error
	// RetentionDue lists a committee's cases whose retention has passed and
	// that have a party not yet anonymised: archived before archivedBefore,
	// or closed before closedBefore and never archived; oldest closed first.
	RetentionDue(ctx context.Context, committeeID int64, closedBefore, archivedBefore time.Time, limit int) ([]RetentionCandidate, error)
	// EraseCaseParties anonymises every not-yet-anonymised party of the
	// case (names kept when keepNames), marks the case erased, and answers
	// how many parties it changed.
	EraseCaseParties(ctx context.Context, caseID int64, keepNames bool, at time.Time) (int, error)
	RecordPrivacySweep(ctx context.Context, s PrivacySweep) error
	LastPrivacySweep(ctx context.Context) (PrivacySweep, error) // ErrNotFound before the first
}
