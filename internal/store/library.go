package store

import (
	"context"
	"time"
)

// Typical-case statuses (典型案例, internal/casebook).
const (
	TypicalDraft     = "draft"     // nominated; being edited
	TypicalSubmitted = "submitted" // the nominator submitted it for approval
	TypicalPublished = "published" // the committee approved it: public
	TypicalWithdrawn = "withdrawn" // taken back (with a reason); the case may be nominated again
)

// TypicalCase is an anonymised typical case drafted from a closed case.
// Only the anonymised fields are ever public; the case itself is not.
type TypicalCase struct {
	ID            int64
	CaseID        int64
	CaseNumber    string // filled by get and list, for staff
	CommitteeID   int64
	OrgPath       string // the case's unit when nominated: who may see the draft
	Status        string
	Title         string
	Category      string
	Facts         string // 基本案情
	Process       string // 调解过程
	Result        string // 调解结果
	Significance  string // 典型意义, written by the editor
	KeepMerchants bool   // merchants' names left unmasked (a policy decision)
	Hits          string // JSON of the latest residual-PI scan ("[]" when clean)
	Clean         bool
	Version       int64
	NominatedBy   int64
	Nominator     string
	Created       time.Time
	UpdatedBy     int64
	Updated       time.Time
	SubmittedBy   int64
	SubmittedAt   *time.Time
	PublishedBy   int64
	Publisher     string
	PublishedAt   *time.Time
	WithdrawnBy   int64
	WithdrawnAt   *time.Time
	WithdrawNote  string
}

// TypicalMove moves a typical case between statuses at a known version.
type TypicalMove struct {
	ID      int64
	Version int64    // the version read (ErrStale when it changed)
	From    []string // allowed current statuses (ErrConflict otherwise)
	To      string
	By      int64
	ByName  string
	At      time.Time
	Reason  string // withdrawal
	Hits    string // the scan run with the move (publish)
	Clean   bool
}

// TypicalCaseQuery selects typical cases. Scope limits by OrgPath (the
// public list passes All with Statuses published); Text searches the
// title and the anonymised fields.
type TypicalCaseQuery struct {
	Scope    Scope
	Statuses []string
	Category string
	Text     string
	Limit    int // default 20, max 100
	Offset   int
}

// LibraryStore keeps the typical-case library.
type LibraryStore interface {
	// CreateTypicalCase sets ID and Version; a case with a typical case
	// that is not withdrawn is ErrConflict.
	CreateTypicalCase(ctx context.Context, tc *TypicalCase) error
	GetTypicalCase(ctx context.Context, id int64) (TypicalCase, error)
	// EditTypicalCase stores the editable fields and the scan if the case
	// is still at tc.Version (else ErrStale) and in a draft or submitted
	// status (else ErrConflict); the version goes up.
	EditTypicalCase(ctx context.Context, tc TypicalCase) error
	// MoveTypicalCase changes the status, stamping who and when.
	MoveTypicalCase(ctx context.Context, m TypicalMove) error
	// ListTypicalCases pages a selection, newest published (else updated) first, with the total.
	ListTypicalCases(ctx context.Context, q TypicalCaseQuery) ([]TypicalCase, int, error)
	// TypicalCategories are the categories of the selection (Category, Text, paging ignored), sorted.
	TypicalCategories(ctx context.Context, q TypicalCaseQuery) ([]string, error)
}
