package store

import (
	"context"
	"time"
)

// EvalCounters are the rollup columns: what a case can add to a day's
// figures. They are internal/evaluation's Counters (a test keeps the two
// lists equal; the store may not import a rule package).
var EvalCounters = []string{
	"received", "claim_fen", "diverted", "entered",
	"entry_wd0", "entry_wd1", "entry_wd2", "entry_wd3", "entry_wd4", "entry_wd5",
	"decided", "decided_on_time", "accepted", "mediated",
	"closed", "closed_accepted", "closed_on_time", "closed_late",
	"out_rejected", "out_agreed", "out_not_agreed", "out_terminated", "out_withdrawn", "out_odr_settled", "out_merged",
	"agreed_oral", "agreed_written", "agreed_fen", "recovered_fen",
	"performed", "followed", "sat1", "sat2", "sat3", "sat4", "sat5", "archived",
	"handling_n", "handling_wd", "judicial", "returned",
	"fu_sat1", "fu_sat2", "fu_sat3", "fu_sat4", "fu_sat5",
	"banners", "letters", "thanks_other", "overdue_open",
	"parties", "parties3", "mental_fen", "punitive_fen",
	"prev_escalation", "prev_suicide", "prev_criminal", "prev_petition", "prev_incident",
	"judicial_applied", "annulled", "leads",
}

// EvalStore keeps the evaluation rollups, schemes and published rankings.
// PendingCap bounds the rollups' backlog counts (EvalPending,
// AnalysisPending): a read catches up itself on a backlog of at most this
// many cases; beyond it the pages say the figures lag by more than this.
const PendingCap = 2000

type EvalStore interface {
	// EvalCatchUp takes up to limit cases whose events changed since they
	// were last counted, hands their rows and events to derive, and moves
	// the rollups by the difference between what each case added before and
	// what it adds now. One transaction, outside the audit trail (the
	// rollups are derived from events that are on it). Returns how many
	// cases it took; 0 when nothing is pending.
	EvalCatchUp(ctx context.Context, limit int, derive func([]EvalInput) ([]EvalFact, error)) (int, error)
	// EvalPending counts the cases waiting for the catch-up, up to
	// PendingCap+1: a backlog larger than PendingCap (after an import, a
	// rebuild) is not counted on every read.
	EvalPending(ctx context.Context) (int64, error)
	// EvalReset empties the rollups and marks every case for the catch-up:
	// a rebuild from the event log.
	EvalReset(ctx context.Context) error
	// EvalSums adds up the rollups over a filter, grouped.
	EvalSums(ctx context.Context, q EvalQuery) ([]EvalSum, error)
	// EvalHandling is the handling-time histogram (working days → cases).
	EvalHandling(ctx context.Context, q EvalQuery) (map[int]int64, error)
	// EvalFacts lists the counted cases whose day of one kind falls in the
	// filter's days, ordered by case ID: the candidates behind a figure.
	EvalFacts(ctx context.Context, q EvalFactQuery) ([]EvalFact, error)
	// EvalFactsOf returns the counted facts of the given cases (those not
	// yet counted are missing from the map).
	EvalFactsOf(ctx context.Context, caseIDs []int64) (map[int64]EvalFact, error)
	// EvalFactTexts returns the stored facts alone (EvalFact.Facts) of the
	// given counted cases: what a list's figures are read from, without
	// the fifteen columns beside them (a third of the cost on SQLite,
	// whose driver takes a lock for every column of every row).
	EvalFactTexts(ctx context.Context, caseIDs []int64) (map[int64]string, error)
	// EvalDigest fingerprints the rollups and facts (rows that hold
	// something), to prove a rebuild reproduced them.
	EvalDigest(ctx context.Context) (string, error)

	ListEvalSchemes(ctx context.Context) ([]EvalScheme, error) // by unit, effective date, version
	// PutEvalScheme adds a unit's version, or replaces the unit's one with the same version.
	PutEvalScheme(ctx context.Context, s EvalScheme) error
	// PublishRanking stores a ranking as the next revision of its unit,
	// level and period (sets Revision and ID).
	PublishRanking(ctx context.Context, r *EvalRanking) error
	// ListRankings lists the published revisions, newest first.
	ListRankings(ctx context.Context, unitID int64, level, period string) ([]EvalRanking, error)
}

// EvalInput is one case to recount: its row, its events in order and the
// number of terms of its agreement (0 without one).
type EvalInput struct {
	Case           Case
	Events         []Event
	AgreementTerms int
	Parties        int // rows in parties
}

// EvalDims say whose figures a case's contributions go to.
type EvalDims struct {
	CommitteeID, RoomID, MediatorID int64
	Category, Channel               string
}

// EvalFact is one case as counted: whose it is, the days its figures look
// at ('YYYY-MM-DD', "" for none), its facts (evaluation.Facts as JSON) and
// exactly what it added to the rollups.
type EvalFact struct {
	CaseID int64
	EvalDims
	Outcome                                          string
	ReceivedDay, DecidedDay, ClosureDay, FollowUpDay string
	OverdueFrom, OverdueUntil                        string
	ReturnedFirst, ReturnedLast                      string
	Facts                                            string
	Contrib                                          []EvalContribution
	Handling                                         []EvalHandling
}

// EvalContribution is N added to a counter (one of EvalCounters) on a day.
type EvalContribution struct {
	Day     string `json:"d"`
	Counter string `json:"c"`
	N       int64  `json:"n"`
}

// EvalHandling is one closed case's handling time in working days.
type EvalHandling struct {
	Day string `json:"d"`
	WD  int    `json:"wd"`
}

// EvalQuery filters the rollups. Committees nil means every committee.
// From and To are days, inclusive. GroupBy is "", "committee", "room",
// "mediator", "month", "category" or "channel".
type EvalQuery struct {
	Committees []int64
	RoomID     int64
	MediatorID int64
	From, To   string
	GroupBy    string
	// Counters names the counters wanted (nil: every one); a running sum
	// reads only the cumulative one over years of months.
	Counters []string
}

// EvalSum is the counters of one group (Key "" without grouping; an id or
// a month or a category otherwise).
type EvalSum struct {
	Key      string
	Counters map[string]int64
}

// EvalFactQuery selects candidate cases by the day of one kind: "received",
// "decided", "closure", "follow_up", "overdue" (open past the due day at
// some point of the days) or "returned".
type EvalFactQuery struct {
	Committees []int64
	RoomID     int64
	MediatorID int64
	Day        string
	From, To   string
	// CommendedUntil, when set, keeps only the cases with a commendation
	// event at or after CommendedFrom and before CommendedUntil: the few
	// cases a span's thanks are on, found by the events' time instead of
	// by decoding every candidate of the day kind.
	CommendedFrom, CommendedUntil time.Time
}

// EvalScheme is a stored scoring scheme (Body is evaluation.Scheme as JSON).
type EvalScheme struct {
	UnitID        int64 // the org unit it applies under (0: everywhere)
	Version       string
	Name          string
	EffectiveFrom string
	Body          string
	CreatedBy     int64
	Created       time.Time
}

// EvalRanking is a published ranking: its rows and lists frozen as JSON.
type EvalRanking struct {
	ID          int64
	UnitID      int64
	Level       string
	Period      string // YYYY-MM
	Revision    int64
	Reason      string // why a revision replaced the one before ("" for the first)
	Body        string
	PublishedBy int64
	Published   time.Time
}
