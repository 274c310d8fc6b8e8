package store

import (
	"context"
	"database/sql"
	"time"
)

// AnalysisStore keeps the 分析研判 rollups: complaints received per day by
// committee, room, channel, category, merchant and street (街镇), which the
// evaluation rollups do not hold, and reads the evaluation rollups with the
// dashboard's filters (channel, category) and groupings (day, room).
type AnalysisStore interface {
	// AnalysisMark queues the cases of evs for the analysis catch-up. It is
	// an EventHook: registered with OnEvents, it runs in the transaction that
	// appends the events (ON CONFLICT DO UPDATE takes the mark's row lock, so
	// a catch-up claiming the case waits for that transaction).
	AnalysisMark(ctx context.Context, tx *sql.Tx, evs []Event) error
	// AnalysisCatchUp takes up to limit marked cases, hands their rows to
	// derive and moves the rollups by the difference between what each case
	// added before and what it adds now, in one transaction off the audit
	// trail. Returns how many cases it took (0: nothing pending).
	AnalysisCatchUp(ctx context.Context, limit int, derive func([]AnalysisInput) ([]AnalysisFact, error)) (int, error)
	// AnalysisPending counts the marked cases, up to PendingCap+1.
	AnalysisPending(ctx context.Context) (int64, error)
	// AnalysisReset empties the rollups and marks every case: a rebuild.
	AnalysisReset(ctx context.Context) error
	// AnalysisDigest fingerprints the rollups and facts (rows holding something).
	AnalysisDigest(ctx context.Context) (string, error)
	// AnalysisCounts sums complaints received over a filter, grouped by
	// "" (one row), "merchant", "street", "category", "channel", "room", "day" or "month".
	AnalysisCounts(ctx context.Context, q AnalysisQuery) ([]AnalysisCount, error)
	// AnalysisSubjectCounts sums complaints per merchant, street or category over a
	// period from the narrow subject rollups (no room or category filter).
	AnalysisSubjectCounts(ctx context.Context, q AnalysisSubjectQuery) ([]AnalysisCount, error)
	// AnalysisBusySubjects lists the subjects with at least atLeast
	// complaints in one committee's month among the months the period
	// touches, the busiest first, at most limit (0: all). A subject with n
	// complaints in the period has at least n / (months × committees) in
	// one of those rows, so this finds every subject a hot list can show.
	AnalysisBusySubjects(ctx context.Context, q AnalysisSubjectQuery, atLeast int64, limit int) ([]string, error)
	// AnalysisCaseIDs lists the counted cases received over a filter, by
	// case ID, one page, with the total.
	AnalysisCaseIDs(ctx context.Context, q AnalysisQuery, limit, offset int) ([]int64, int, error)
	// AnalysisEvalSums adds up evaluation counters over a filter that may
	// name a channel and a category, grouped by "", "day", "month",
	// "category", "channel", "room" or "room_day" (key "room|day").
	AnalysisEvalSums(ctx context.Context, q AnalysisEvalQuery) ([]EvalSum, error)
	// AnalysisSurges lists the group disputes formed and the merchant-surge
	// warnings raised over a period, oldest first.
	AnalysisSurges(ctx context.Context, q AnalysisSurgeQuery) ([]AnalysisSurge, error)
	// MerchantNames names merchants by ID.
	MerchantNames(ctx context.Context, ids []int64) (map[int64]string, error)
}

// AnalysisInput is one case to recount: its row, the merchant's address as
// the complaint gave it, and the types of its events in log order.
type AnalysisInput struct {
	Case            Case
	MerchantAddress string
	EventTypes      []string
}

// AnalysisFact is what one case adds to the analysis rollups: Received (0
// or 1) and ClaimFen on Day, under its dimensions.
type AnalysisFact struct {
	CaseID, CommitteeID, RoomID int64
	Channel, Category           string
	MerchantKey, Street         string
	Day                         string
	Received, ClaimFen          int64
}

// AnalysisQuery filters the analysis rollups. Committees nil means every
// committee; an empty filter string does not filter. From and To are days,
// inclusive.
type AnalysisQuery struct {
	Committees  []int64
	RoomID      int64
	Channel     string
	Category    string
	MerchantKey string
	Street      string
	// Unknown names a dimension ("merchant", "street" or "category") whose
	// value must be unknown (""): the "未识别" row of a hot list.
	Unknown  string
	From, To string
	GroupBy  string
	// Keys, when not nil, keeps only these values of the GroupBy dimension
	// ("merchant" or "street"): a hot list reading the other windows of
	// the subjects it can show.
	Keys []string
}

// AnalysisSubjectQuery reads the subject rollups: Committees (nil: every
// committee), Kind "merchant", "street" or "category", Channel ("" every channel), the
// days From..To inclusive and, when not nil, only these subjects.
type AnalysisSubjectQuery struct {
	Committees []int64
	Kind       string
	Channel    string
	From, To   string
	Keys       []string
}

// AnalysisCount is the complaints of one group.
type AnalysisCount struct {
	Key      string
	Received int64
	ClaimFen int64
}

// AnalysisEvalQuery filters the evaluation rollups for the dashboard.
type AnalysisEvalQuery struct {
	Committees []int64
	RoomID     int64
	Channel    string
	Category   string
	From, To   string
	GroupBy    string
	Counters   []string // nil: every counter
}

// AnalysisSurgeQuery selects surges under committees (nil: all) and, for
// warnings, under a unit path.
type AnalysisSurgeQuery struct {
	Committees []int64
	UnitPath   string
	From, To   time.Time // From <= at < To
}

// AnalysisSurge is a group dispute formed or a merchant-surge warning.
type AnalysisSurge struct {
	Kind        string // "group" or "warning"
	ID          int64
	At          time.Time
	CommitteeID int64
	MerchantID  int64
	Label       string // the group's title or the warning's subject
	Detail      string // the merchant or the warning's explanation
	Level       string // warnings: red | orange | yellow
	Cases       int64  // groups: member cases
}
