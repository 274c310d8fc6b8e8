package store

import (
	"context"
	"time"
)

// Daily report states.
const (
	DailyDraft     = "draft"
	DailySubmitted = "submitted"
)

// DailyReportStore keeps the daily reports (日报): one per unit and report day.
type DailyReportStore interface {
	// DraftDailyReport inserts r unless the unit already has a report for
	// the day, and returns the stored one (created reports whether this
	// call inserted it). Two instances drafting at once leave one row.
	DraftDailyReport(ctx context.Context, r DailyReport) (out DailyReport, created bool, err error)
	// RefreshDailyReport replaces a draft's figures; a submitted report is
	// left as it is (ErrConflict).
	RefreshDailyReport(ctx context.Context, id int64, figures string, at time.Time) error
	// SubmitDailyReport stores the remarks and the final figures and marks
	// the draft submitted; ErrConflict when it was submitted already.
	SubmitDailyReport(ctx context.Context, id int64, remarks, figures string, by int64, at time.Time) error
	// ChaseDailyReport records a 催报 on a draft (ErrConflict once
	// submitted) and runs then (the notices) in the same transaction.
	ChaseDailyReport(ctx context.Context, id, by int64, at time.Time, then func(tx Store) error) error
	GetDailyReport(ctx context.Context, unitID int64, day string) (DailyReport, error)
	// ListDailyReports lists the reports of the units whose report day is
	// in from..to (inclusive), by day then unit.
	ListDailyReports(ctx context.Context, unitIDs []int64, from, to string) ([]DailyReport, error)
}

// DailyReport is one unit's report for one report day, covering the days
// SpanFrom..SpanTo. Figures is dailyreport's figures as JSON, frozen when
// submitted.
type DailyReport struct {
	ID               int64
	UnitID           int64
	Day              string
	SpanFrom, SpanTo string
	Figures          string
	Remarks          string
	State            string
	SubmittedBy      int64
	SubmittedByName  string // filled by reads
	SubmittedAt      *time.Time
	Drafted, Updated time.Time
	// The last 催报 (nil: never chased) and how many there were.
	ChasedAt *time.Time
	ChasedBy int64
	Chases   int
}
