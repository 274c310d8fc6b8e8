package evaluation

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/tiaojie/tiaojie/internal/calendar"
)

// randomCase builds a plausible history at random: late entry, decisions on
// or after the deadline, suspensions, every outcome, performance, follow-up
// scores including none, commendations, judicial results, archiving, merges.
func randomCase(r *rand.Rand, id int64) Case {
	t := time.Date(2026, 1, 1, 9, 0, 0, 0, calendar.Shanghai()).AddDate(0, 0, r.IntN(150))
	c := Case{ID: id, ReceivedAt: t, PresidingID: int64(1 + r.IntN(3)), ClaimFen: int64(r.IntN(100000)), Diverted: r.IntN(2) == 0,
		Parties: 1 + r.IntN(4)}
	prevention := func() string {
		codes := []string{"escalation", "suicide", "criminal", "petition", "incident", "unknown"}
		if r.IntN(3) > 0 {
			return "[]"
		}
		return fmt.Sprintf(`[%q]`, codes[r.IntN(len(codes))])
	}
	step := func(maxDays int) time.Time {
		t = t.Add(time.Duration(r.IntN(maxDays*24+1)) * time.Hour)
		return t
	}
	add := func(typ, data string) { c.Events = append(c.Events, Event{Type: typ, At: t, Data: data}) }
	step(4)
	add("received", "{}")
	if r.IntN(12) == 0 {
		step(3)
		add("merge", "{}")
		return c
	}
	step(14)
	if r.IntN(8) == 0 {
		add("reject", "{}")
		if r.IntN(2) == 0 {
			step(10)
			add("archive", "{}")
		}
		return c
	}
	add("accept", "{}")
	step(5)
	if r.IntN(10) == 0 {
		add("terminate", "{}")
		return c
	}
	add("assign", fmt.Sprintf(`{"mediator_id":%d}`, 1+r.IntN(3)))
	add("start_mediation", "{}")
	for r.IntN(4) == 0 {
		step(10)
		add("suspend", "{}")
		if r.IntN(3) == 0 {
			return c // still suspended
		}
		step(20)
		add("resume", "{}")
	}
	step(70)
	switch r.IntN(10) {
	case 0:
		return c // still open
	case 1:
		add([]string{"withdraw", "odr_settled"}[r.IntN(2)], "{}")
		return c
	case 2, 3:
		add("terminate", `{"prevention":`+prevention()+`}`)
	default:
		kind := "written"
		if r.IntN(3) == 0 {
			kind = "oral"
		}
		add("reach_agreement", fmt.Sprintf(`{"agreed_fen":%d,"kind":%q,"mental_fen":%d,"punitive_fen":%d,"prevention":%s}`,
			r.IntN(50000), kind, r.IntN(2)*r.IntN(5000), r.IntN(2)*r.IntN(9000), prevention()))
		if r.IntN(6) == 0 {
			add("lead", "{}")
		}
		c.AgreementTerms = 1 + r.IntN(2)
		for i := 0; i < c.AgreementTerms; i++ {
			if r.IntN(4) > 0 {
				step(10)
				add("performed", fmt.Sprintf(`{"recovered_fen":%d,"term":%d}`, r.IntN(20000), i))
			}
		}
		if r.IntN(3) > 0 {
			step(10)
			add("follow_up", fmt.Sprintf(`{"satisfaction":%d}`, r.IntN(6)))
		}
		for r.IntN(4) == 0 {
			step(5)
			add("commendation", fmt.Sprintf(`{"kind":%q}`, []string{"banner", "letter", "other"}[r.IntN(3)]))
		}
		for r.IntN(5) == 0 {
			step(20)
			add("judicial_rejected", "{}")
		}
		if r.IntN(3) == 0 {
			step(5)
			add("judicial_applied", "{}")
			if r.IntN(4) > 0 {
				step(20)
				add("judicial_confirmed", "{}")
				if r.IntN(5) == 0 {
					step(30)
					add("judicial_annulled", "{}")
				}
			}
		}
	}
	if r.IntN(3) > 0 {
		step(15)
		add("archive", "{}")
	}
	return c
}

// The rollup path (contributions summed per period → ScoreTally) and the
// case path (membership of each fact → Score) are two readings of one
// definition: on random histories every count agrees, for any period.
func TestTallyAgreesWithMembership(t *testing.T) {
	r := rand.New(rand.NewPCG(11, 12))
	var facts []Facts
	for i := int64(1); i <= 600; i++ {
		facts = append(facts, Derive(rules(), randomCase(r, i), time.Time{}))
	}
	s := DefaultScheme()
	for k, sch := range []Scheme{s, func() Scheme { s2 := s; s2.EntryWD, s2.SatisfiedFrom, s2.DissatisfiedTo = 3, 5, 3; return s2 }()} {
		for i := 0; i < 40; i++ {
			from := day("2026-01-01").AddDays(r.IntN(200))
			p := Period{From: from, To: from.AddDays(r.IntN(60))}
			byCase := Score(sch, facts, p)
			byTally := ScoreTally(sch, TallyOf(facts, p), p)
			if byCase.Cases != byTally.Cases || byCase.Total != byTally.Total {
				t.Fatalf("scheme %d period %v–%v: cases %d/%d total %v/%v", k, p.From, p.To, byCase.Cases, byTally.Cases, byCase.Total, byTally.Total)
			}
			for j, fig := range byCase.Indicators {
				o := byTally.Indicators[j]
				if fig.Numerator != o.Numerator || fig.Denominator != o.Denominator {
					t.Errorf("scheme %d %v–%v %s: members %d/%d, tally %d/%d", k, p.From, p.To, fig.Code, fig.Numerator, fig.Denominator, o.Numerator, o.Denominator)
				}
			}
			for j, d := range byCase.Deductions {
				if d.Count != byTally.Deductions[j].Count {
					t.Errorf("scheme %d %v–%v deduction %s: members %d, tally %d", k, p.From, p.To, d.Code, d.Count, byTally.Deductions[j].Count)
				}
			}
			for j, b := range byCase.Beside {
				if b.Count != byTally.Beside[j].Count {
					t.Errorf("%s: %d vs %d", b.Code, b.Count, byTally.Beside[j].Count)
				}
			}
		}
	}
	// The histories exercise every figure.
	all := TallyOf(facts, Period{From: day("2025-01-01"), To: day("2027-12-31")})
	for _, c := range Counters {
		if c != "overdue_open" && all[c] == 0 {
			t.Errorf("random histories never touch %s", c)
		}
	}
}

func TestOverdueSpan(t *testing.T) {
	open := newCase(1, "2026-03-02").mediating("2026-03-02", "2026-03-03", 1).facts()
	from, until, ok := open.OverdueSpan()
	if !ok || until != nil || from != open.MediationDue.AddDays(1) {
		t.Errorf("open case: %v %v %v (due %v)", from, until, ok, open.MediationDue)
	}
	late := newCase(2, "2026-01-05").mediating("2026-01-05", "2026-01-06", 1).agreed("2026-06-01", 100, "written").facts()
	from, until, ok = late.OverdueSpan()
	if !ok || until == nil || *until != day("2026-06-01") || !from.After(day("2026-01-06")) {
		t.Errorf("late case: %v %v %v", from, until, ok)
	}
	onTime := newCase(3, "2026-03-02").mediating("2026-03-02", "2026-03-03", 1).agreed("2026-03-10", 100, "oral").facts()
	if _, _, ok := onTime.OverdueSpan(); ok {
		t.Error("a case closed on time was never overdue")
	}
	paused := newCase(4, "2026-03-02").mediating("2026-03-02", "2026-03-03", 1).ev("suspend", "2026-03-20", "").facts()
	if _, _, ok := paused.OverdueSpan(); ok {
		t.Error("a case suspended before its due day is not overdue while suspended")
	}
	pausedLate := newCase(5, "2026-01-05").mediating("2026-01-05", "2026-01-06", 1).ev("suspend", "2026-06-01", "").facts()
	if _, _, ok := pausedLate.OverdueSpan(); !ok {
		t.Error("a case suspended after its due day stays overdue")
	}
	merged := newCase(6, "2026-01-05").mediating("2026-01-05", "2026-01-06", 1).ev("merge", "2026-06-01", "").facts()
	if _, _, ok := merged.OverdueSpan(); ok || len(Contributions(merged)) != 1 {
		t.Errorf("a merged duplicate counts only as merged: %+v", Contributions(merged))
	}
}

// The statistics counters land on the day of the step they count.
func TestStatisticsContributions(t *testing.T) {
	at := func(d string) time.Time { x, _ := calendar.ParseDate(d); return x.Time().Add(10 * time.Hour) }
	c := Case{ID: 1, ReceivedAt: at("2026-03-02"), Parties: 3, Events: []Event{
		{Type: "received", At: at("2026-03-02")},
		{Type: "accept", At: at("2026-03-03")},
		{Type: "assign", At: at("2026-03-03")},
		{Type: "start_mediation", At: at("2026-03-04")},
		{Type: "reach_agreement", At: at("2026-03-10"), Data: `{"agreed_fen":90000,"kind":"written","mental_fen":5000,"punitive_fen":30000,"prevention":["escalation","petition","bogus"]}`},
		{Type: "lead", At: at("2026-03-11")},
		{Type: "judicial_applied", At: at("2026-03-12")},
		{Type: "judicial_confirmed", At: at("2026-03-20")},
		{Type: "judicial_annulled", At: at("2026-05-06")},
	}}
	got := map[string]int64{}
	for _, x := range Contributions(Derive(rules(), c, time.Time{})) {
		got[x.Day.String()+" "+x.Counter] += x.N
	}
	want := map[string]int64{
		"2026-03-03 parties": 3, "2026-03-03 parties3": 1,
		"2026-03-10 mental_fen": 5000, "2026-03-10 punitive_fen": 30000,
		"2026-03-10 prev_escalation": 1, "2026-03-10 prev_petition": 1,
		"2026-03-11 leads": 1, "2026-03-12 judicial_applied": 1, "2026-03-20 judicial": 1, "2026-05-06 annulled": 1,
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s = %d, want %d", k, got[k], v)
		}
	}
	for k := range got {
		if strings.Contains(k, "prev_bogus") {
			t.Errorf("unknown prevention code counted: %s", k)
		}
	}
	// Two parties: counted, not among the three-or-more.
	c.Parties = 2
	for _, x := range Contributions(Derive(rules(), c, time.Time{})) {
		if x.Counter == "parties3" {
			t.Errorf("two parties counted as three or more")
		}
	}
}
