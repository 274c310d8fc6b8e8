package evaluation

import (
	"fmt"

	"github.com/tiaojie/tiaojie/internal/calendar"
)

// Counters are the additive figures a case contributes to the rollups, one
// column each in the day and month rollup tables. A figure over a period is
// the sum of a counter over the period's days (overdue_open: over every day
// up to the period's end). The store declares the same list for its columns
// (store.EvalCounters); a test keeps the two equal.
var Counters = []string{
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
	// Statistics forms (issue 15): parties of accepted cases, agreed damages,
	// prevention effects at closure, judicial applications and annulments,
	// violation leads passed on.
	"parties", "parties3", "mental_fen", "punitive_fen",
	"prev_escalation", "prev_suicide", "prev_criminal", "prev_petition", "prev_incident",
	"judicial_applied", "annulled", "leads",
}

// preventionCounters are the prevention effects counted (statcodes' table
// "prevention"); an unknown code in an event is not counted.
var preventionCounters = map[string]bool{"escalation": true, "suicide": true, "criminal": true, "petition": true, "incident": true}

// MaxEntryWD is the longest entry limit a scheme may set: the rollups keep
// "registered within k working days" for k = 0..MaxEntryWD.
const MaxEntryWD = 5

// Cumulative counters are summed over every day up to a period's end, not
// over the period: overdue_open is +1 on the first overdue day and −1 on
// the day an overdue case closes, so its running sum is "open and overdue".
var cumulative = map[string]bool{"overdue_open": true}

// CumulativeCounters lists the counters read as running sums.
func CumulativeCounters() []string { return []string{"overdue_open"} }

// IsCumulative reports whether a counter is read as a running sum.
func IsCumulative(counter string) bool { return cumulative[counter] }

// Contribution is what one case adds to one counter on one day.
type Contribution struct {
	Day     calendar.Date
	Counter string
	N       int64
}

// HandlingBucket is one case's handling time, for the median: the case adds
// one to bucket WD on Day.
type HandlingBucket struct {
	Day calendar.Date
	WD  int
}

// Contributions lists what a case adds to the rollups. Each figure counts
// the case on the day of the event the figure is about (see
// docs/evaluation.md); what follows a closure (performance, follow-up,
// archiving) is counted on the closure day, once it has happened.
func Contributions(f Facts) []Contribution {
	var out []Contribution
	put := func(d calendar.Date, counter string, n int64) {
		if n != 0 {
			out = append(out, Contribution{Day: d, Counter: counter, N: n})
		}
	}
	one := func(ok bool) int64 {
		if ok {
			return 1
		}
		return 0
	}
	if f.Outcome == OutcomeMerged {
		// A duplicate is counted only as merged: the case it was merged into
		// carries the dispute.
		if f.ClosedAt != nil {
			put(toDate(*f.ClosedAt), "out_merged", 1)
		}
		return out
	}
	rd := toDate(f.ReceivedAt)
	put(rd, "received", 1)
	put(rd, "claim_fen", f.ClaimFen)
	put(rd, "diverted", one(f.Diverted))
	if f.HasEntryDays {
		put(rd, "entered", 1)
		for k := 0; k <= MaxEntryWD; k++ {
			put(rd, fmt.Sprintf("entry_wd%d", k), one(f.EntryDays <= k))
		}
	}
	if f.DecidedAt != nil {
		dd := toDate(*f.DecidedAt)
		put(dd, "decided", 1)
		put(dd, "decided_on_time", one(f.AcceptedOnTime != nil && *f.AcceptedOnTime))
	}
	if f.AcceptedAt != nil {
		ad := toDate(*f.AcceptedAt)
		put(ad, "accepted", 1)
		put(ad, "parties", int64(f.Parties))
		put(ad, "parties3", one(f.Parties >= 3))
	}
	if f.MediationBeganAt != nil {
		put(toDate(*f.MediationBeganAt), "mediated", 1)
	}
	if f.ClosedAt != nil {
		cd := toDate(*f.ClosedAt)
		put(cd, "closed", 1)
		put(cd, "out_"+string(f.Outcome), 1)
		if f.AcceptedAt != nil {
			put(cd, "closed_accepted", 1)
			put(cd, "closed_on_time", one(f.ClosedOnTime != nil && *f.ClosedOnTime))
			put(cd, "closed_late", one(f.ClosedOnTime != nil && !*f.ClosedOnTime))
		}
		if f.Outcome == OutcomeAgreed {
			put(cd, "agreed_"+f.AgreementForm, 1)
			put(cd, "agreed_fen", f.AgreedFen)
			put(cd, "performed", one(f.Performed))
			if f.FollowUpDone {
				put(cd, "followed", 1)
				if f.Satisfaction >= 1 && f.Satisfaction <= 5 {
					put(cd, fmt.Sprintf("sat%d", f.Satisfaction), 1)
				}
			}
		}
		put(cd, "recovered_fen", f.RecoveredFen)
		if f.Outcome == OutcomeAgreed {
			put(cd, "mental_fen", f.MentalFen)
			put(cd, "punitive_fen", f.PunitiveFen)
		}
		for _, p := range f.Prevention {
			if preventionCounters[p] {
				put(cd, "prev_"+p, 1)
			}
		}
		put(cd, "archived", one(f.Archived))
		if f.HasHandlingDays {
			put(cd, "handling_n", 1)
			put(cd, "handling_wd", int64(f.HandlingDays))
		}
	}
	if f.FollowUpAt != nil && f.Satisfaction >= 1 && f.Satisfaction <= 5 {
		put(toDate(*f.FollowUpAt), fmt.Sprintf("fu_sat%d", f.Satisfaction), 1)
	}
	if f.JudicialConfirmedAt != nil {
		put(toDate(*f.JudicialConfirmedAt), "judicial", 1)
	}
	if f.JudicialAppliedAt != nil {
		put(toDate(*f.JudicialAppliedAt), "judicial_applied", 1)
	}
	if f.JudicialAnnulledAt != nil {
		put(toDate(*f.JudicialAnnulledAt), "annulled", 1)
	}
	for _, t := range f.LeadsAt {
		put(toDate(t), "leads", 1)
	}
	for _, t := range f.JudicialRejectedAt {
		put(toDate(t), "returned", 1)
	}
	for _, c := range f.Commendations {
		switch c.Kind {
		case "banner":
			put(toDate(c.At), "banners", 1)
		case "letter":
			put(toDate(c.At), "letters", 1)
		default:
			put(toDate(c.At), "thanks_other", 1)
		}
	}
	if from, until, ok := f.OverdueSpan(); ok {
		put(from, "overdue_open", 1)
		if until != nil {
			put(*until, "overdue_open", -1)
		}
	}
	return out
}

// Handling is the case's handling-time bucket, if it has one.
func Handling(f Facts) (HandlingBucket, bool) {
	if f.Outcome == OutcomeMerged || !f.HasHandlingDays || f.ClosedAt == nil {
		return HandlingBucket{}, false
	}
	return HandlingBucket{Day: toDate(*f.ClosedAt), WD: f.HandlingDays}, true
}

// OverdueSpan is when an accepted case is open past its mediation due day:
// from the day after the due day until (not including) the closing day, nil
// while it is still open. A case suspended now is not overdue (its clock is
// stopped) unless it was overdue before the suspension began. ok is false
// when the case was never open and overdue.
func (f Facts) OverdueSpan() (from calendar.Date, until *calendar.Date, ok bool) {
	if f.Outcome == OutcomeMerged || f.AcceptedAt == nil || !f.HasMediationDue {
		return calendar.Date{}, nil, false
	}
	from = f.MediationDue.AddDays(1)
	if f.ClosedAt != nil {
		cd := toDate(*f.ClosedAt)
		if !cd.After(f.MediationDue) {
			return calendar.Date{}, nil, false
		}
		return from, &cd, true
	}
	if n := len(f.Pauses); n > 0 && f.Pauses[n-1].To == nil && !f.MediationDue.Before(f.Pauses[n-1].From) {
		return calendar.Date{}, nil, false
	}
	return from, nil, true
}

// Tally is the counters summed over a period (cumulative ones up to its end).
type Tally map[string]int64

// Add adds another tally into t.
func (t Tally) Add(o Tally) {
	for k, v := range o {
		t[k] += v
	}
}

// TallyOf sums the contributions of facts over a period: the same sum the
// rollups hold, computed from the facts themselves.
func TallyOf(facts []Facts, p Period) Tally {
	t := Tally{}
	for _, f := range facts {
		for _, c := range Contributions(f) {
			if c.Day.After(p.To) || (!IsCumulative(c.Counter) && c.Day.Before(p.From)) {
				continue
			}
			t[c.Counter] += c.N
		}
	}
	return t
}
