package evaluation

import (
	"encoding/json"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/tiaojie/tiaojie/internal/calendar"
	"github.com/tiaojie/tiaojie/internal/domain"
)

// Outcome is how a case ended, for evaluation. The codes are part of the
// API (case JSON "outcome") and documented in docs/evaluation.md.
type Outcome string

const (
	OutcomeOpen       Outcome = "open"        // not closed yet
	OutcomeRejected   Outcome = "rejected"    // 不予受理
	OutcomeAgreed     Outcome = "agreed"      // agreement reached (oral or written)
	OutcomeNotAgreed  Outcome = "not_agreed"  // terminated after mediation began
	OutcomeTerminated Outcome = "terminated"  // terminated before mediation began (e.g. consent refused)
	OutcomeWithdrawn  Outcome = "withdrawn"   // the applicant withdrew
	OutcomeODRSettled Outcome = "odr_settled" // settled on the merchant's ODR platform
	OutcomeMerged     Outcome = "merged"      // a duplicate merged into another case
)

var outcomeLabels = map[Outcome]string{
	OutcomeOpen: "未办结", OutcomeRejected: "不予受理", OutcomeAgreed: "调解成功", OutcomeNotAgreed: "调解不成",
	OutcomeTerminated: "终止（未进入调解）", OutcomeWithdrawn: "撤回", OutcomeODRSettled: "企业协商和解", OutcomeMerged: "合并",
}

// Label is the Chinese name of the outcome.
func (o Outcome) Label() string {
	if l, ok := outcomeLabels[o]; ok {
		return l
	}
	return string(o)
}

// Commendation is one 锦旗, 感谢信 or other thanks recorded on a case.
type Commendation struct {
	Kind string // banner | letter | other
	At   time.Time
}

// Facts are what the indicators look at for one case. Times are nil when
// the thing has not happened.
type Facts struct {
	CaseID     int64
	ReceivedAt time.Time
	ClaimFen   int64      // amount claimed (the complaint's own figure)
	Diverted   bool       // diverted by market regulation (12315 or a 市场监管所)
	EnteredAt  *time.Time // the "received" event: when the case was registered
	DecidedAt  *time.Time // accepted or rejected
	AcceptedAt *time.Time

	MediationBegan   bool
	MediationBeganAt *time.Time

	Outcome  Outcome
	ClosedAt *time.Time // the closing event (see Derive)

	AgreementForm string // oral | written ("" without agreement)
	AgreedFen     int64
	RecoveredFen  int64
	Performed     bool       // every term performed
	PerformedAt   *time.Time // when the last term was performed

	FollowUpDone bool
	FollowUpAt   *time.Time
	Satisfaction int // 1..5, 0 without follow-up

	Commendations []Commendation

	JudicialConfirmed   bool
	JudicialConfirmedAt *time.Time
	JudicialRejectedAt  []time.Time // 司法确认驳回: the agreement came back
	Archived            bool        // archiving requires a complete case file
	ArchivedAt          *time.Time  //

	PresidingID int64 // presiding mediator at closure (or now, while open)

	// Statistics facts (人民调解案件统计表, 12315 period report).
	Parties            int        // parties on the case (当事人数)
	MentalFen          int64      // 精神损害赔偿 agreed
	PunitiveFen        int64      // 惩罚性（加倍）赔偿 agreed
	Prevention         []string   // 预防效果 codes recorded at closure (internal/statcodes)
	JudicialAppliedAt  *time.Time // 司法确认 applied for
	JudicialAnnulledAt *time.Time // the court later changed, annulled or voided the agreement
	LeadsAt            []time.Time

	Pauses []calendar.Pause
	// HandlingDays is working days from acceptance to closure, suspended
	// days excluded; only meaningful when HasHandlingDays.
	HandlingDays    int
	HasHandlingDays bool

	// EntryDays is working days from receipt to registration (HasEntryDays
	// when the case has a "received" event).
	EntryDays    int
	HasEntryDays bool

	// Clocks against the case's deadline policy.
	AcceptanceDue   calendar.Date
	AcceptedOnTime  *bool // nil until decided
	MediationDue    calendar.Date
	HasMediationDue bool
	ClosedOnTime    *bool // nil until closed after acceptance
}

// Closed reports whether the case was closed at or before t (any outcome).
func (f Facts) Closed() bool { return f.ClosedAt != nil }

// Banners and Letters count the commendations by kind.
func (f Facts) Banners() int { return f.countKind("banner") }
func (f Facts) Letters() int { return f.countKind("letter") }

func (f Facts) countKind(k string) int {
	n := 0
	for _, c := range f.Commendations {
		if c.Kind == k {
			n++
		}
	}
	return n
}

// eventData is every Data key this package reads.
type eventData struct {
	RecoveredFen *int64   `json:"recovered_fen"`
	AgreedFen    *int64   `json:"agreed_fen"`
	Kind         string   `json:"kind"`
	Satisfaction int      `json:"satisfaction"`
	MediatorID   int64    `json:"mediator_id"`
	Term         *int     `json:"term"`
	Terms        int      `json:"terms"` // the agreement's term count, on "performed"
	MentalFen    *int64   `json:"mental_fen"`
	PunitiveFen  *int64   `json:"punitive_fen"`
	Prevention   []string `json:"prevention"`
}

func parseData(s string) eventData {
	var d eventData
	if strings.TrimSpace(s) != "" {
		_ = json.Unmarshal([]byte(s), &d) // unknown or broken data reads as empty
	}
	return d
}

// termNote finds the 1-based term number in a "performed" note ("第2项已履行…").
var termNote = regexp.MustCompile(`^第(\d+)项`)

// commendationKinds maps the Chinese label in a commendation note
// ("消费者赠送锦旗：…") to its kind, for events without Data.
var commendationKinds = map[string]string{"锦旗": "banner", "感谢信": "letter", "其他表扬": "other"}

func commendationKind(e Event, d eventData) string {
	if d.Kind != "" {
		return d.Kind
	}
	_, after, ok := strings.Cut(e.Note, "赠送")
	if !ok {
		return "other"
	}
	label, _, _ := strings.Cut(after, "：")
	if k, ok := commendationKinds[label]; ok {
		return k
	}
	return "other"
}

// Rules are the calendar and deadline policies the clocks are measured against.
type Rules struct {
	Calendar *calendar.Calendar
	Policies []calendar.Policy // empty = calendar.DefaultPolicies()
}

func (r Rules) policy(c Case) calendar.Policy {
	ps := r.Policies
	if len(ps) == 0 {
		ps = calendar.DefaultPolicies()
	}
	if c.PolicyID != 0 {
		for _, p := range ps {
			if p.ID == c.PolicyID {
				return p
			}
		}
	}
	if p, ok := calendar.PolicyInForce(ps, calendar.DateOf(c.ReceivedAt)); ok {
		return p
	}
	return ps[0]
}

// Derive computes the facts of one case from its events; asOf is when the
// figures are taken (an open suspension lasts until then). Events after
// asOf are ignored; a zero asOf takes every event. The first closing event closes the case: reject,
// reach_agreement, terminate, withdraw, odr_settled or merge.
func Derive(r Rules, c Case, asOf time.Time) Facts {
	f := Facts{CaseID: c.ID, ReceivedAt: c.ReceivedAt, ClaimFen: c.ClaimFen, Diverted: c.Diverted,
		Outcome: OutcomeOpen, PresidingID: c.PresidingID, Parties: c.Parties}
	at := func(t time.Time) *time.Time { return &t }
	performedTerms := map[int]bool{}
	performedEvents := 0
	closeAs := func(e Event, o Outcome) {
		if f.ClosedAt == nil {
			f.ClosedAt, f.Outcome = at(e.At), o
		}
	}
	for _, e := range c.Events {
		if !asOf.IsZero() && e.At.After(asOf) {
			continue
		}
		d := parseData(e.Data)
		switch e.Type {
		case "received":
			if f.EnteredAt == nil {
				f.EnteredAt = at(e.At)
			}
		case string(domain.ActionAccept):
			f.AcceptedAt, f.DecidedAt = at(e.At), at(e.At)
		case string(domain.ActionReject):
			f.DecidedAt = at(e.At)
			closeAs(e, OutcomeRejected)
		case string(domain.ActionAssign), "recusal_granted", "reassign":
			// Only an id in Data names the mediator; without it the row's
			// presiding mediator stands (see Case.PresidingID).
			if d.MediatorID != 0 && f.ClosedAt == nil {
				f.PresidingID = d.MediatorID
			}
		case string(domain.ActionStartMediation):
			if !f.MediationBegan {
				f.MediationBegan, f.MediationBeganAt = true, at(e.At)
			}
		case string(domain.ActionSuspend):
			f.Pauses = append(f.Pauses, calendar.Pause{From: calendar.DateOf(e.At)})
		case string(domain.ActionResume):
			if n := len(f.Pauses); n > 0 && f.Pauses[n-1].To == nil {
				to := calendar.DateOf(e.At)
				f.Pauses[n-1].To = &to
			}
		case string(domain.ActionReachAgreement):
			f.AgreementForm = "written"
			if d.Kind == "oral" {
				f.AgreementForm = "oral"
			}
			if d.AgreedFen != nil {
				f.AgreedFen = *d.AgreedFen
			}
			if d.MentalFen != nil {
				f.MentalFen = *d.MentalFen
			}
			if d.PunitiveFen != nil {
				f.PunitiveFen = *d.PunitiveFen
			}
			if f.ClosedAt == nil {
				f.Prevention = d.Prevention
			}
			closeAs(e, OutcomeAgreed)
		case string(domain.ActionTerminate):
			if f.ClosedAt == nil {
				f.Prevention = d.Prevention
			}
			if f.MediationBegan {
				closeAs(e, OutcomeNotAgreed)
			} else {
				closeAs(e, OutcomeTerminated)
			}
		case string(domain.ActionWithdraw):
			closeAs(e, OutcomeWithdrawn)
		case string(domain.ActionODRSettled):
			closeAs(e, OutcomeODRSettled)
		case string(domain.ActionMerge):
			closeAs(e, OutcomeMerged)
		case "performed":
			performedEvents++
			if d.RecoveredFen != nil {
				f.RecoveredFen += *d.RecoveredFen
			}
			term := 0
			if d.Term != nil {
				term = *d.Term + 1
			} else if m := termNote.FindStringSubmatch(e.Note); m != nil {
				term, _ = strconv.Atoi(m[1])
			}
			if term == 0 {
				term = -performedEvents // unnamed: each event counts as its own term
			}
			performedTerms[term] = true
			terms := c.AgreementTerms
			if terms == 0 {
				terms = d.Terms // the event says how many terms there are
			}
			if !f.Performed && (terms > 0 && len(performedTerms) >= terms || terms == 0) {
				f.Performed, f.PerformedAt = true, at(e.At)
			}
		case string(domain.ActionFollowUp):
			if !f.FollowUpDone {
				f.FollowUpDone, f.FollowUpAt, f.Satisfaction = true, at(e.At), d.Satisfaction
			}
		case "commendation":
			f.Commendations = append(f.Commendations, Commendation{Kind: commendationKind(e, d), At: e.At})
		case "judicial_confirmed":
			if !f.JudicialConfirmed {
				f.JudicialConfirmed, f.JudicialConfirmedAt = true, at(e.At)
			}
		case "judicial_rejected":
			f.JudicialRejectedAt = append(f.JudicialRejectedAt, e.At)
		case "judicial_applied":
			if f.JudicialAppliedAt == nil {
				f.JudicialAppliedAt = at(e.At)
			}
		case "judicial_annulled":
			if f.JudicialAnnulledAt == nil {
				f.JudicialAnnulledAt = at(e.At)
			}
		case "lead":
			f.LeadsAt = append(f.LeadsAt, e.At)
		case string(domain.ActionArchive):
			f.Archived, f.ArchivedAt = true, at(e.At)
		}
	}
	f.clocks(r, c, asOf)
	return f
}

// clocks fills the on-time facts from the calendar's own deadline rules and
// the handling time.
func (f *Facts) clocks(r Rules, c Case, asOf time.Time) {
	date := func(t *time.Time) *calendar.Date {
		if t == nil {
			return nil
		}
		v := calendar.DateOf(*t)
		return &v
	}
	cf := calendar.ClockFacts{
		ReceivedAt: calendar.DateOf(c.ReceivedAt), AcceptedAt: date(f.AcceptedAt),
		Decided: f.DecidedAt != nil, DecidedAt: date(f.DecidedAt), Pauses: f.Pauses,
	}
	if f.AcceptedAt != nil {
		cf.MediationEndedAt = date(f.ClosedAt)
	}
	// Without asOf the clocks are read on the day of the last event, so the
	// result depends on the events alone.
	if asOf.IsZero() {
		asOf = c.ReceivedAt
		for _, e := range c.Events {
			if e.At.After(asOf) {
				asOf = e.At
			}
		}
	}
	today := calendar.DateOf(asOf)
	for _, dl := range calendar.Deadlines(r.Calendar, r.policy(c), cf, today) {
		switch dl.Kind {
		case calendar.ClockAcceptance:
			f.AcceptanceDue, f.AcceptedOnTime = dl.Due, dl.Met
		case calendar.ClockMediation:
			f.MediationDue, f.HasMediationDue, f.ClosedOnTime = dl.Due, true, dl.Met
		}
	}
	if f.EnteredAt != nil {
		f.EntryDays, f.HasEntryDays = r.Calendar.WorkdaysBetween(calendar.DateOf(c.ReceivedAt), calendar.DateOf(*f.EnteredAt)), true
	}
	if f.AcceptedAt != nil && f.ClosedAt != nil {
		f.HandlingDays = workdaysExcluding(r.Calendar, calendar.DateOf(*f.AcceptedAt), calendar.DateOf(*f.ClosedAt), f.Pauses)
		f.HasHandlingDays = true
	}
}

// workdaysExcluding counts the working days in (from, to] that lie in no
// suspension window (From, To]; an open suspension lasts until to.
// Overlapping suspensions are not subtracted twice.
func workdaysExcluding(c *calendar.Calendar, from, to calendar.Date, pauses []calendar.Pause) int {
	n := 0
	for d := from.AddDays(1); !d.After(to); d = d.AddDays(1) {
		if !c.IsWorkday(d) {
			continue
		}
		paused := false
		for _, p := range pauses {
			if d.After(p.From) && (p.To == nil || !d.After(*p.To)) {
				paused = true
				break
			}
		}
		if !paused {
			n++
		}
	}
	return n
}
