package demo

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/tiaojie/tiaojie/internal/calendar"
	"github.com/tiaojie/tiaojie/internal/deadline"
	"github.com/tiaojie/tiaojie/internal/evaluation"
	"github.com/tiaojie/tiaojie/internal/store"
	"github.com/tiaojie/tiaojie/internal/store/storetest"
)

// derived is the demo's cases as evaluation sees them.
type derived struct {
	facts     []evaluation.Facts // the Pudong committee's cases
	events    map[string]int     // event types across those cases
	mediators map[int64]string   // mediator01 … mediator47 by id
}

// deriveAll reads every case of the Pudong committee with its events and
// derives its facts as of asOf, the way a rollup or a rebuild would: from
// the event log alone (the row gives receipt, policy and the fallback
// presiding mediator; the term count comes from the "performed" events).
func deriveAll(t testing.TB, db store.Store, committee int64, asOf time.Time) derived {
	t.Helper()
	ctx := context.Background()
	rules, err := deadline.Load(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	r := evaluation.Rules{Calendar: rules.Calendar, Policies: rules.Policies}
	out := derived{events: map[string]int{}, mediators: map[int64]string{}}
	for i := 1; i <= NumMediators; i++ {
		u, err := db.GetUserByUsername(ctx, fmt.Sprintf("mediator%02d", i))
		if err != nil {
			t.Fatal(err)
		}
		out.mediators[u.ID] = u.Username
	}
	for _, c := range storetest.AllCases(t, db) {
		if c.CommitteeID != committee {
			continue
		}
		evs, err := db.ListEvents(ctx, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		ec := evaluation.Case{ID: c.ID, ReceivedAt: c.ReceivedAt, PolicyID: c.PolicyID, PresidingID: c.PresidingID}
		for _, e := range evs {
			out.events[e.Type]++
			var d struct {
				Terms      int    `json:"terms"`
				Term       *int   `json:"term"`
				MediatorID int64  `json:"mediator_id"`
				Kind       string `json:"kind"`
			}
			if err := json.Unmarshal([]byte(e.Data), &d); err != nil {
				t.Fatalf("case %s: %s data %q: %v", c.Number, e.Type, e.Data, err)
			}
			switch e.Type {
			case "performed":
				if d.Terms == 0 || d.Term == nil || *d.Term >= d.Terms {
					t.Fatalf("case %s: performed event without its term of terms: %q", c.Number, e.Data)
				}
				ec.AgreementTerms = d.Terms
			case "assign", "recusal_granted", "reassign":
				if d.MediatorID == 0 {
					t.Fatalf("case %s: %s names no mediator: %q", c.Number, e.Type, e.Data)
				}
			case "commendation":
				if d.Kind != "banner" && d.Kind != "letter" && d.Kind != "other" {
					t.Fatalf("case %s: commendation of kind %q", c.Number, d.Kind)
				}
			}
			ec.Events = append(ec.Events, evaluation.Event{Type: e.Type, At: e.At, FromStatus: e.FromStatus, ToStatus: e.ToStatus,
				ActorID: e.ActorID, ReasonCode: e.ReasonCode, Note: e.Note, Data: e.Data})
		}
		out.facts = append(out.facts, evaluation.Derive(r, ec, asOf))
	}
	return out
}

func month(y int, m time.Month, asOf time.Time) evaluation.Period {
	from := calendar.Date{Year: y, Month: m, Day: 1}
	return evaluation.Period{From: from, To: calendar.DateOf(from.Time().AddDate(0, 1, -1)), AsOf: asOf}
}

// TestHistoriesScoreLikeACommittee: the demo's histories give every
// indicator of the default scheme a figure that is neither 0% nor 100% in
// a month, one that moves from month to month and differs between
// mediators, and every deduction, commendation and unusual turn something
// to count.
func TestHistoriesScoreLikeACommittee(t *testing.T) {
	const n = 3000
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			db := e.Open(t, true)
			start := time.Now()
			res, err := Build(ctx, db, testSealer(t), Options{Cases: n, Password: "test-pass", Now: testNow})
			if err != nil {
				t.Fatal(err)
			}
			built := time.Since(start)
			d := deriveAll(t, db, res.CommitteeID, testNow)
			t.Logf("%s: %d cases built in %v, derived in %v", e.Name, len(d.facts), built, time.Since(start)-built)
			scheme := evaluation.DefaultScheme()
			months := []evaluation.Period{month(2026, time.September, testNow), month(2026, time.October, testNow)}

			committee := make([]evaluation.Result, len(months))
			for i, p := range months {
				committee[i] = evaluation.Score(scheme, d.facts, p)
				for _, f := range committee[i].Indicators {
					t.Logf("%s %s %-20s %4d/%4d = %.3f", e.Name, p.From, f.Code, f.Numerator, f.Denominator, f.Value)
					if !f.Applicable || f.Value <= 0 || f.Value >= 1 {
						t.Errorf("%s: committee's %s (%s) is %d/%d: want a figure strictly between 0 and 1", p.From, f.Name, f.Code, f.Numerator, f.Denominator)
					}
				}
			}
			for k := range committee[0].Indicators {
				a, b := committee[0].Indicators[k], committee[1].Indicators[k]
				if a.Value == b.Value {
					t.Errorf("committee's %s is %.4f in both months", a.Code, a.Value)
				}
			}

			// Mediators: each indicator takes different values across the
			// mediators (in a month; over both, at least three values), and
			// the totals spread out.
			by := evaluation.ByPresiding(d.facts)
			spread := map[string]int{}               // months in which the mediators differ, by indicator
			overall := map[string]map[float64]bool{} // every mediator's value in either month
			for _, w := range scheme.Indicators {
				overall[w.Code] = map[float64]bool{}
			}
			for _, p := range months {
				values := map[string]map[float64]bool{}
				totals := map[float64]bool{}
				scored := 0
				for id := range d.mediators {
					r := evaluation.Score(scheme, by[id], p)
					if !r.Scored {
						continue
					}
					scored++
					totals[r.Total] = true
					for _, f := range r.Indicators {
						if f.Applicable {
							if values[f.Code] == nil {
								values[f.Code] = map[float64]bool{}
							}
							values[f.Code][f.Value] = true
						}
					}
				}
				if scored < NumMediators*3/4 {
					t.Errorf("%s: only %d of %d mediators scored", p.From, scored, NumMediators)
				}
				for _, w := range scheme.Indicators {
					if len(values[w.Code]) > 1 {
						spread[w.Code]++
					}
					for v := range values[w.Code] {
						overall[w.Code][v] = true
					}
				}
				if len(totals) < scored/2 {
					t.Errorf("%s: %d mediators share only %d distinct totals", p.From, scored, len(totals))
				}
			}

			for _, w := range scheme.Indicators {
				if spread[w.Code] == 0 || len(overall[w.Code]) < 3 {
					t.Errorf("%s is the same for every mediator in both months, or takes only the values %v", w.Code, overall[w.Code])
				}
			}

			// Over the three years: every deduction has cases, and so do the
			// outcomes beside the success rate.
			all := evaluation.Score(scheme, d.facts, evaluation.Period{From: calendar.DateOf(testNow.AddDate(-3, 0, 0)), To: calendar.DateOf(testNow), AsOf: testNow})
			for _, l := range all.Deductions {
				t.Logf("%s deduction %s: %d cases", e.Name, l.Code, l.Count)
				if l.Count == 0 {
					t.Errorf("no case for the deduction %s (%s)", l.Name, l.Code)
				}
			}
			for _, c := range all.Beside {
				if c.Count == 0 && (c.Code == "withdrawn" || c.Code == "rejected" || c.Code == "terminated" || c.Code == "odr_settled") {
					t.Errorf("no %s case in three years", c.Code)
				}
			}
			banners, letters := 0, 0
			for _, f := range d.facts {
				banners += f.Banners()
				letters += f.Letters()
			}
			t.Logf("%s: %d 锦旗, %d 感谢信; events %v", e.Name, banners, letters, d.events)
			if banners == 0 || letters == 0 {
				t.Errorf("%d 锦旗 and %d 感谢信 in three years", banners, letters)
			}
			for _, typ := range []string{"suspend", "resume", "withdraw", "reject", "recusal_granted", "recusal_refused", "judicial_confirmed", "judicial_rejected", "agreement_signed"} {
				if d.events[typ] == 0 {
					t.Errorf("no %s event in the histories", typ)
				}
			}
			// A granted recusal hands the case to the successor named in its data.
			if n := checkRecusals(t, db, res.CommitteeID); n == 0 {
				t.Error("no granted recusal among the cases")
			}
		})
	}
}

// checkRecusals: after a granted recusal the rest of the case is the
// successor's, and evaluation says so. It returns how many it saw.
func checkRecusals(t *testing.T, db store.Store, committee int64) int {
	ctx := context.Background()
	seen := 0
	for _, c := range storetest.AllCases(t, db) {
		if c.CommitteeID != committee {
			continue
		}
		evs, err := db.ListEvents(ctx, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		var successor int64
		var ec evaluation.Case
		ec.ID, ec.ReceivedAt = c.ID, c.ReceivedAt
		for _, e := range evs {
			ec.Events = append(ec.Events, evaluation.Event{Type: e.Type, At: e.At, Data: e.Data, Note: e.Note})
			if e.Type == "recusal_granted" {
				var d struct {
					MediatorID int64 `json:"mediator_id"`
				}
				if json.Unmarshal([]byte(e.Data), &d) != nil || d.MediatorID == 0 || d.MediatorID != e.ActorID {
					t.Fatalf("case %s: recusal_granted by %d with data %q", c.Number, e.ActorID, e.Data)
				}
				successor = d.MediatorID
				continue
			}
			if successor != 0 && e.ActorName != "系统" && e.ActorName != "签署" && e.ActorID != 0 && e.ActorID != successor &&
				(e.Type == "follow_up" || e.Type == "reach_agreement" || e.Type == "terminate" || e.Type == "archive") {
				t.Errorf("case %s: %s by %d after the case passed to %d", c.Number, e.Type, e.ActorID, successor)
			}
		}
		if successor == 0 {
			continue
		}
		seen++
		if f := evaluation.Derive(evaluation.Rules{Calendar: calendar.New(nil)}, ec, time.Time{}); f.PresidingID != successor {
			t.Errorf("case %s: evaluation gives it to %d, the successor is %d", c.Number, f.PresidingID, successor)
		}
	}
	return seen
}

// TestThreeYearHeadline generates a larger history and reads its three-year
// headline the way Pudong reports its own: about nine in ten mediations
// agreed, tens of millions of yuan recovered and some fifty 锦旗 and forty
// 感谢信 for 65,000 disputes (scaled from the cases generated here).
func TestThreeYearHeadline(t *testing.T) {
	if testing.Short() {
		t.Skip("-short")
	}
	const n = 15000
	ctx := context.Background()
	db := storetest.Engines(t)[0].Open(t, true)
	sealer := testSealer(t)
	res, err := Build(ctx, db, sealer, Options{Cases: 0, Password: "test-pass", Now: testNow})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := AddCases(ctx, db, sealer, n, DefaultSeed, testNow, nil); err != nil {
		t.Fatal(err)
	}
	checkHeadline(t, db, res.CommitteeID, n)
}

// checkHeadline derives the committee's n generated cases and checks the
// three-year headline, scaled to 65,000 cases.
func checkHeadline(t *testing.T, db store.Store, committee int64, n int) {
	t.Helper()
	d := deriveAll(t, db, committee, testNow)
	var agreed, notAgreed, banners, letters int
	var recovered int64
	for _, f := range d.facts {
		switch f.Outcome {
		case evaluation.OutcomeAgreed:
			agreed++
		case evaluation.OutcomeNotAgreed:
			notAgreed++
		}
		recovered += f.RecoveredFen
		banners += f.Banners()
		letters += f.Letters()
	}
	success := float64(agreed) / float64(agreed+notAgreed)
	scale := 65000.0 / float64(n)
	yuan65k := float64(recovered) / 100 * scale
	b, l := float64(banners)*scale, float64(letters)*scale
	t.Logf("%d cases: %d agreed, %d not agreed: success %.1f%%; recovered ¥%.0f (¥%.1fM at 65,000 cases); %d 锦旗, %d 感谢信 (%.0f and %.0f at 65,000)",
		n, agreed, notAgreed, success*100, float64(recovered)/100, yuan65k/1e6, banners, letters, b, l)
	if success < 0.85 || success > 0.95 {
		t.Errorf("success rate %.3f, want about 0.9", success)
	}
	if yuan65k < 40e6 || yuan65k > 70e6 {
		t.Errorf("recovered ¥%.1fM at 65,000 cases, want tens of millions (40–70)", yuan65k/1e6)
	}
	if b < 25 || b > 120 || l < 20 || l > 100 {
		t.Errorf("%.0f 锦旗 and %.0f 感谢信 at 65,000 cases: want Pudong's order (50 and 39)", b, l)
	}
}
