package store

import (
	"context"
	"time"
)

// Bulletin states.
const (
	BulletinDraft     = "draft"     // drafted automatically; figures follow the rollups
	BulletinEdited    = "edited"    // the committee changed texts or remarks
	BulletinApproved  = "approved"  // approved: figures and texts frozen
	BulletinPublished = "published" // frozen as a PDF and sent (never changes)
)

// Bulletin is a committee's monthly 情况通报 (internal/bulletin). Figures
// and Sections are JSON kept by the capability.
type Bulletin struct {
	ID          int64
	CommitteeID int64
	Month       string // YYYY-MM
	Revision    int
	CorrectsID  int64  // the published bulletin this revision corrects (0: none)
	Reason      string // why the correction
	State       string
	Title       string
	Figures     string // the computed sections, JSON
	Sections    string // the committee's texts per section, JSON
	Remarks     string
	DraftedBy   int64 // 0: drafted by the system
	Drafted     time.Time
	Refreshed   time.Time
	EditedBy    int64
	Editor      string
	Edited      *time.Time
	ApprovedBy  int64
	Approver    string
	Approved    *time.Time
	PublishedBy int64
	Publisher   string
	Published   *time.Time
	BriefingID  int64 // the liaison briefing that froze and sent it
	SHA256      string
	Version     int
}

// BulletinQuery selects bulletins, newest month first then newest revision.
type BulletinQuery struct {
	CommitteeIDs  []int64 // nil: every committee
	Month         string  // "" does not filter
	PublishedOnly bool
	Limit         int // 0: 200
}

// HotCount is how many cases of one merchant were received in a window.
type HotCount struct {
	MerchantID int64
	Name       string
	Cases      int64
}

// MonthWarning is a warning raised in a window, for a bulletin.
type MonthWarning struct {
	ID           int64
	Rule         string
	Level        string
	SubjectKind  string
	SubjectLabel string
	Explain      string
	RaisedAt     time.Time
	Status       string
}

// BulletinStore keeps the monthly bulletins and answers the two small
// questions they ask beyond the evaluation rollups.
type BulletinStore interface {
	// AddBulletin stores a new bulletin (sets ID, Version 1); the same
	// committee, month and revision twice is ErrConflict.
	AddBulletin(ctx context.Context, b *Bulletin) error
	GetBulletin(ctx context.Context, id int64) (Bulletin, error)
	ListBulletins(ctx context.Context, q BulletinQuery) ([]Bulletin, error)
	// UpdateBulletin writes b's state, texts, figures and people when the
	// stored version is b.Version and the stored state is one of from;
	// ErrStale otherwise. It bumps b.Version.
	UpdateBulletin(ctx context.Context, b *Bulletin, from ...string) error
	// HotMerchants counts a committee's cases received in the days (merged
	// duplicates left out) per merchant, most first.
	HotMerchants(ctx context.Context, committeeID int64, from, to string, limit int) ([]HotCount, error)
	// WarningsRaised lists the warnings raised within a unit's subtree in
	// [from, to), oldest first.
	WarningsRaised(ctx context.Context, unitPath string, from, to time.Time) ([]MonthWarning, error)
}
