package store

import (
	"context"
	"time"
)

// FeedbackStore loads diverted complaints for the 12315 result feedback
// (internal/feedback) and keeps the parts of each closing record a person
// recorded; everything else is computed from the case.
type FeedbackStore interface {
	// FeedbackCases loads the diverted complaints (channel 12315, or diverted
	// by a 市场监管所/局) within the query with a closing event (agreement,
	// termination, withdrawal, ODR settlement, rejection) at From ≤ at < To,
	// ordered by id, with what their records are derived from.
	FeedbackCases(ctx context.Context, q FeedbackQuery) ([]FeedbackInput, error)
	// FeedbackCase loads one case the same way, whatever its channel
	// (ErrNotFound when there is no such case).
	FeedbackCase(ctx context.Context, caseID int64) (FeedbackInput, error)
	// PutFeedbackEdit records (replaces) what a person recorded of a case's record.
	PutFeedbackEdit(ctx context.Context, e FeedbackEdit) error
}

// FeedbackQuery selects diverted complaints for the feedback.
type FeedbackQuery struct {
	Scope      Scope  // the case's unit or the diverting unit within these subtrees
	OfficePath string // only those diverted by a unit within this subtree ("" = any)
	From, To   time.Time
	Limit      int // default and at most MaxFeedbackCases
}

// MaxFeedbackCases bounds one feedback query.
const MaxFeedbackCases = 5000

// FeedbackInput is one case with what its closing record is derived from.
type FeedbackInput struct {
	EvalInput
	DiverterName string // the diverting unit ("" when none)
	DiverterCode string
	RoomName     string
	Sessions     []Session // Kind, Status and StartsAt filled
	Leads        int       // violation leads passed on the case
	Edit         *FeedbackEdit
}

// FeedbackEdit is what a mediator or the committee recorded of a closing
// record: "" leaves the derived value.
type FeedbackEdit struct {
	CaseID        int64
	Result        string // a result_12315 code over a derived one (contact_lost, other)
	Method        string // a method_12315 code
	Summary       string // 调解情况 as edited
	UpdatedBy     int64
	UpdatedByName string
	UpdatedAt     time.Time
}
