package storetest

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/tiaojie/tiaojie/internal/domain"
	"github.com/tiaojie/tiaojie/internal/store"
	"github.com/tiaojie/tiaojie/internal/store/sqlstore"
)

// countingDerive stands in for the rules: every event of a case adds one
// "received" on its day, a "closed" on the last event's day, and one
// handling bucket of the event count; the case is the row's presiding
// mediator's.
func countingDerive(in []store.EvalInput) ([]store.EvalFact, error) {
	var out []store.EvalFact
	for _, c := range in {
		f := store.EvalFact{CaseID: c.Case.ID, EvalDims: store.EvalDims{CommitteeID: c.Case.CommitteeID, RoomID: c.Case.RoomID,
			MediatorID: c.Case.PresidingID, Category: c.Case.Category, Channel: string(c.Case.Channel)},
			Outcome: "open", Facts: "{}"}
		for _, e := range c.Events {
			d := e.At.Format("2006-01-02")
			f.Contrib = append(f.Contrib, store.EvalContribution{Day: d, Counter: "received", N: 1})
			f.ReceivedDay = d
		}
		last := c.Events[len(c.Events)-1].At.Format("2006-01-02")
		f.ClosureDay = last
		f.Contrib = append(f.Contrib, store.EvalContribution{Day: last, Counter: "closed", N: 1},
			store.EvalContribution{Day: last, Counter: "claim_fen", N: c.Case.ClaimFen})
		f.Handling = []store.EvalHandling{{Day: last, WD: len(c.Events)}}
		out = append(out, f)
	}
	return out, nil
}

func sums(t *testing.T, db store.Store, q store.EvalQuery) map[string]map[string]int64 {
	t.Helper()
	rows, err := db.EvalSums(context.Background(), q)
	if err != nil {
		t.Fatalf("sums %+v: %v", q, err)
	}
	out := map[string]map[string]int64{}
	for _, r := range rows {
		out[r.Key] = r.Counters
	}
	return out
}

func catchUp(t *testing.T, db store.Store) int {
	t.Helper()
	return catchUpWith(t, db, 7, countingDerive)
}

// catchUpWith runs the evaluation's catch-up with derive, batch cases at a
// time, until nothing is pending; it returns how many cases it took.
func catchUpWith(t testing.TB, db store.Store, batch int, derive func([]store.EvalInput) ([]store.EvalFact, error)) int {
	t.Helper()
	total := 0
	for {
		n, err := db.EvalCatchUp(context.Background(), batch, derive)
		if err != nil {
			t.Fatalf("catch-up: %v", err)
		}
		total += n
		if n == 0 {
			return total
		}
	}
}

func testEvaluationRollups(t *testing.T, db *sqlstore.DB) {
	ctx := context.Background()
	f := newFixture(t, db)
	var ids []int64
	for i := 0; i < 20; i++ {
		nc := newCase(f, []int64{f.room1.ID, f.room2.ID}[i%2], fmt.Sprintf("ev-%d", i))
		nc.ReceivedAt = t0.AddDate(0, 0, i*3) // 2 Mar … 28 Apr
		nc.Event.At = nc.ReceivedAt
		c, _, err := db.CreateCase(ctx, nc)
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, c.ID)
	}
	if n, _ := db.EvalPending(ctx); n != 20 {
		t.Fatalf("every new case waits for the catch-up: %d", n)
	}
	if n := catchUp(t, db); n != 20 {
		t.Fatalf("catch-up took %d cases", n)
	}
	if n, _ := db.EvalPending(ctx); n != 0 {
		t.Fatalf("nothing pending after the catch-up: %d", n)
	}
	// A backlog past the cap (an import, a rebuild) is counted to the cap
	// and one: the reads that ask it stay cheap.
	for _, table := range []string{"eval_dirty", "analysis_dirty"} {
		if _, err := db.Writer().ExecContext(ctx, `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 2500)
			INSERT INTO `+table+` (case_id) SELECT 900000000 + i FROM n`); err != nil {
			t.Fatal(err)
		}
	}
	if n, err := db.EvalPending(ctx); err != nil || n != store.PendingCap+1 {
		t.Fatalf("a backlog of 2,500 counts %d, want %d: %v", n, store.PendingCap+1, err)
	}
	if n, err := db.AnalysisPending(ctx); err != nil || n != store.PendingCap+1 {
		t.Fatalf("analysis: a backlog of 2,500 counts %d, want %d: %v", n, store.PendingCap+1, err)
	}
	for _, table := range []string{"eval_dirty", "analysis_dirty"} {
		if _, err := db.Writer().ExecContext(ctx, `DELETE FROM `+table+` WHERE case_id > 900000000`); err != nil {
			t.Fatal(err)
		}
	}
	all := store.EvalQuery{Committees: []int64{f.committee.ID}, From: "2026-01-01", To: "2026-12-31"}
	if got := sums(t, db, all)[""]; got["received"] != 20 || got["closed"] != 20 || got["claim_fen"] != 20*256000 {
		t.Fatalf("year sums %v", got)
	}
	// A period that starts and ends inside months reads days and months alike.
	part := sums(t, db, store.EvalQuery{Committees: []int64{f.committee.ID}, From: "2026-03-05", To: "2026-04-10"})[""]
	want := 0
	for i := 0; i < 20; i++ {
		if d := t0.AddDate(0, 0, i*3).Format("2006-01-02"); d >= "2026-03-05" && d <= "2026-04-10" {
			want++
		}
	}
	if part["received"] != int64(want) {
		t.Fatalf("5 Mar–10 Apr: %d received, want %d", part["received"], want)
	}
	byRoom := sums(t, db, store.EvalQuery{Committees: []int64{f.committee.ID}, From: "2026-03-01", To: "2026-04-30", GroupBy: "room"})
	if byRoom[fmt.Sprint(f.room1.ID)]["received"] != 10 || byRoom[fmt.Sprint(f.room2.ID)]["received"] != 10 {
		t.Fatalf("by room %v", byRoom)
	}
	byMonth := sums(t, db, store.EvalQuery{From: "2026-03-01", To: "2026-04-30", GroupBy: "month"})
	if byMonth["2026-03"]["received"]+byMonth["2026-04"]["received"] != 20 || byMonth["2026-03"]["received"] == 0 {
		t.Fatalf("by month %v", byMonth)
	}
	if got := sums(t, db, store.EvalQuery{Committees: []int64{f.otherCommittee.ID}, From: "2026-01-01", To: "2026-12-31"}); len(got) != 0 && got[""]["received"] != 0 {
		t.Fatalf("another committee has nothing: %v", got)
	}
	hist, err := db.EvalHandling(ctx, all)
	if err != nil || hist[1] != 20 {
		t.Fatalf("handling histogram %v %v", hist, err)
	}

	// Filtered by channel or category, whole months come from the month
	// rollup with those dimensions (eval_month_dim) and agree with the days.
	c, _ := db.GetCase(ctx, ids[0])
	filtered := func(q store.AnalysisEvalQuery) (whole, byDay int64) {
		t.Helper()
		q.Committees, q.Counters = []int64{f.committee.ID}, []string{"received", "claim_fen"}
		rows, err := db.AnalysisEvalSums(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range rows {
			whole += r.Counters["received"]
		}
		q.GroupBy = "day"
		rows, err = db.AnalysisEvalSums(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range rows {
			byDay += r.Counters["received"]
		}
		return whole, byDay
	}
	for _, per := range [][2]string{{"2026-03-01", "2026-04-30"}, {"2026-02-01", "2026-04-30"}, {"2026-03-05", "2026-04-10"}} {
		w, d := filtered(store.AnalysisEvalQuery{Channel: string(c.Channel), From: per[0], To: per[1]})
		if w != d || w == 0 {
			t.Fatalf("channel %s over %v: %d from months and days, %d from days", c.Channel, per, w, d)
		}
		w, d = filtered(store.AnalysisEvalQuery{Category: c.Category, From: per[0], To: per[1], GroupBy: "category"})
		if w != d || w == 0 {
			t.Fatalf("category %s over %v: %d from months and days, %d from days", c.Category, per, w, d)
		}
		if w, d = filtered(store.AnalysisEvalQuery{Channel: "no-such-channel", From: per[0], To: per[1]}); w != 0 || d != 0 {
			t.Fatalf("an unused channel counts %d / %d", w, d)
		}
	}
	if w, _ := filtered(store.AnalysisEvalQuery{Channel: string(c.Channel), From: "2026-03-01", To: "2026-04-30"}); w != 20 {
		t.Fatalf("every case is of channel %s: %d", c.Channel, w)
	}

	// A new event moves the case's contributions: old taken back, new added.
	if _, err := db.ApplyEvent(ctx, c.ID, c.Version, store.CaseChange{Status: domain.StatusAccepted},
		store.Event{Type: "accept", At: t0.AddDate(0, 1, 0)}); err != nil {
		t.Fatal(err)
	}
	catchUp(t, db)
	if got := sums(t, db, all)[""]; got["received"] != 21 || got["closed"] != 20 {
		t.Fatalf("after an event: %v", got)
	}
	hist, _ = db.EvalHandling(ctx, all)
	if hist[1] != 19 || hist[2] != 1 {
		t.Fatalf("handling moved: %v", hist)
	}
	facts, err := db.EvalFacts(ctx, store.EvalFactQuery{Committees: []int64{f.committee.ID}, Day: "closure", From: "2026-04-02", To: "2026-04-02"})
	if err != nil || len(facts) != 1 || facts[0].CaseID != ids[0] {
		t.Fatalf("facts by closure day: %+v %v", facts, err)
	}
	if of, err := db.EvalFactsOf(ctx, []int64{ids[0], ids[1], 999999}); err != nil || len(of) != 2 || of[ids[1]].RoomID != f.room2.ID {
		t.Fatalf("facts of cases: %+v %v", of, err)
	}
	// The facts alone, as the lists' figures read them: the same text, the
	// uncounted case missing; past a statement's bound of ids as well.
	many := append([]int64{999999}, ids...)
	for len(many) <= 600 {
		many = append(many, 1_000_000+int64(len(many)))
	}
	for _, want := range [][]int64{{ids[0], ids[1], 999999}, many, nil} {
		of, err := db.EvalFactsOf(ctx, want)
		if err != nil {
			t.Fatal(err)
		}
		texts, err := db.EvalFactTexts(ctx, want)
		if err != nil || len(texts) != len(of) || (want != nil && len(texts) < 2) {
			t.Fatalf("facts' texts of %d cases: %d, want %d (%v)", len(want), len(texts), len(of), err)
		}
		for id, f := range of {
			if texts[id] != f.Facts || f.Facts == "" {
				t.Fatalf("facts' text of case %d: %q, want %q", id, texts[id], f.Facts)
			}
		}
	}
	if _, err := db.EvalFacts(ctx, store.EvalFactQuery{Day: "nonsense", From: "2026-01-01", To: "2026-01-02"}); err == nil {
		t.Fatal("an unknown day kind is refused")
	}

	// Rebuild reproduces the rollups exactly.
	before, err := db.EvalDigest(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := db.EvalReset(ctx); err != nil {
		t.Fatal(err)
	}
	if got := sums(t, db, all)[""]; got["received"] != 0 {
		t.Fatalf("reset empties the rollups: %v", got)
	}
	catchUp(t, db)
	after, _ := db.EvalDigest(ctx)
	if before != after {
		t.Fatal("rebuilt rollups differ from the incremental ones")
	}
}

// Events written while catch-ups run are all counted: no event is skipped,
// none twice.
func testEvaluationConcurrentCatchUp(t *testing.T, db *sqlstore.DB) {
	ctx := context.Background()
	f := newFixture(t, db)
	var wg sync.WaitGroup
	stop := make(chan struct{})
	errs := make(chan error, 8)
	for w := 0; w < 2; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case <-stop:
					return
				default:
				}
				if _, err := db.EvalCatchUp(ctx, 5, countingDerive); err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	var writers sync.WaitGroup
	for w := 0; w < 4; w++ {
		writers.Add(1)
		go func() {
			defer writers.Done()
			for i := 0; i < 10; i++ {
				c, _, err := db.CreateCase(ctx, newCase(f, f.room1.ID, fmt.Sprintf("cc-%d-%d", w, i)))
				if err != nil {
					errs <- err
					return
				}
				if err := db.AddNote(ctx, c.ID, store.Event{Type: "note", At: t0, ToStatus: c.Status}); err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	writers.Wait()
	close(stop)
	wg.Wait()
	close(errs)
	for err := range errs {
		if !errors.Is(err, store.ErrStale) {
			t.Fatal(err)
		}
	}
	catchUp(t, db)
	got := sums(t, db, store.EvalQuery{From: "2026-01-01", To: "2026-12-31"})[""]
	if got["received"] != 80 || got["closed"] != 40 {
		t.Fatalf("40 cases with 2 events each: %v", got)
	}
}

func testEvaluationSchemesRankings(t *testing.T, db *sqlstore.DB) {
	ctx := context.Background()
	if s, err := db.ListEvalSchemes(ctx); err != nil || len(s) != 0 {
		t.Fatalf("no schemes at first: %v %v", s, err)
	}
	for _, s := range []store.EvalScheme{{UnitID: 3, Version: "2027", Name: "新方案", EffectiveFrom: "2027-01-01", Body: "{}"},
		{UnitID: 3, Version: "2026", Name: "默认", EffectiveFrom: "2026-01-01", Body: "{}"},
		{UnitID: 9, Version: "2027", Name: "另一调委会的方案", EffectiveFrom: "2027-01-01", Body: "{}"}} {
		if err := db.PutEvalScheme(ctx, s); err != nil {
			t.Fatal(err)
		}
	}
	if err := db.PutEvalScheme(ctx, store.EvalScheme{UnitID: 3, Version: "2027", Name: "新方案（修订）", EffectiveFrom: "2027-02-01", Body: `{"x":1}`}); err != nil {
		t.Fatal(err)
	}
	ss, _ := db.ListEvalSchemes(ctx)
	if len(ss) != 3 || ss[0].Version != "2026" || ss[1].Name != "新方案（修订）" || ss[1].EffectiveFrom != "2027-02-01" ||
		ss[2].UnitID != 9 || ss[2].Name != "另一调委会的方案" {
		t.Fatalf("schemes %+v", ss)
	}
	for i, reason := range []string{"", "更正：补录迟到的回访"} {
		r := store.EvalRanking{UnitID: 3, Level: "mediator", Period: "2026-03", Reason: reason, Body: fmt.Sprintf(`{"n":%d}`, i)}
		if err := db.PublishRanking(ctx, &r); err != nil || r.Revision != int64(i+1) || r.ID == 0 {
			t.Fatalf("publish %d: %+v %v", i, r, err)
		}
	}
	rs, err := db.ListRankings(ctx, 3, "mediator", "2026-03")
	if err != nil || len(rs) != 2 || rs[0].Revision != 2 || !strings.Contains(rs[0].Reason, "更正") || rs[1].Body != `{"n":0}` {
		t.Fatalf("rankings %+v %v", rs, err)
	}
	if rs, _ := db.ListRankings(ctx, 3, "room", "2026-03"); len(rs) != 0 {
		t.Fatalf("another level has none: %+v", rs)
	}
	entries, err := db.ListAudit(ctx, store.AuditQuery{Object: "eval_scheme:3/2027", Scope: store.Scope{All: true}, Limit: 10})
	if err != nil || len(entries) != 2 {
		t.Fatalf("scheme edits are on the audit trail: %d %v", len(entries), err)
	}
}

// A mediator's sums over a span (the grades page: their whole time in
// post, in every committee) count their cases only, and on SQLite read the
// rollups by the mediator (migration 77), not every unit's days and months.
func TestEvalSumsByMediator(t *testing.T) {
	onEveryEngine(t, func(t *testing.T, e Engine, db *sqlstore.DB, f fixture) {
		ctx := context.Background()
		var meds [2]store.User
		for i := range meds {
			meds[i] = store.User{Username: fmt.Sprintf("em%d", i), DisplayName: fmt.Sprintf("调解员%d", i), PasswordHash: "x", Active: true}
			if err := db.CreateUser(ctx, &meds[i]); err != nil {
				t.Fatal(err)
			}
		}
		want := 0
		for i := range 20 {
			nc := newCase(f, []int64{f.room1.ID, f.room2.ID}[i%2], fmt.Sprintf("em-%d", i))
			if i%5 == 4 {
				nc.CommitteeID, nc.CommitteeAbbr, nc.RoomID = f.otherCommittee.ID, "徐", 0
			}
			nc.ReceivedAt = t0.AddDate(0, 0, i*3) // 2 Mar … 28 Apr
			nc.Event.At = nc.ReceivedAt
			c, _, err := db.CreateCase(ctx, nc)
			if err != nil {
				t.Fatal(err)
			}
			med := meds[i%2]
			if _, err := db.AssignCase(ctx, c.ID, c.Version, []int64{med.ID}, med.ID, store.CaseChange{Status: c.Status},
				store.Event{Type: "assign", FromStatus: c.Status, ToStatus: c.Status, At: nc.ReceivedAt}); err != nil {
				t.Fatal(err)
			}
			// countingDerive counts each event on its day: received and assigned.
			if d := nc.ReceivedAt.Format("2006-01-02"); i%2 == 0 && d >= "2026-03-05" && d <= "2026-04-10" {
				want += 2
			}
		}
		catchUp(t, db)
		q := store.EvalQuery{MediatorID: meds[0].ID, From: "2026-03-05", To: "2026-04-10"}
		if got := sums(t, db, q)[""]["received"]; got != int64(want) {
			t.Fatalf("mediator's received %d, want %d", got, want)
		}
		if e.Name != "sqlite" {
			return
		}
		stop := db.TraceReads()
		sums(t, db, q)
		read := 0
		for _, s := range stop() {
			if !strings.Contains(s, "eval_month") && !strings.Contains(s, "eval_day_unit") {
				continue
			}
			read++
			if plan := sqlitePlan(t, db, s); !strings.Contains(plan, "_mediator (mediator_id=?") {
				t.Errorf("a mediator's rollups not read by the mediator:\n%s\n%s", s, plan)
			}
		}
		if read == 0 {
			t.Fatal("no rollup read traced")
		}
	})
}

// The cases overdue at some time of a span (the daily report): still
// overdue, or their spell ended in the span or after it, whenever it
// began before the span ended; on SQLite read by the spell's end
// (migration 79), not by every case ever overdue.
func TestEvalFactsOverdue(t *testing.T) {
	onEveryEngine(t, func(t *testing.T, e Engine, db *sqlstore.DB, f fixture) {
		ctx := context.Background()
		spells := map[string][2]string{ // external id → overdue from, until
			"still-old":    {"2016-05-01", ""},
			"ended-before": {"2026-01-02", "2026-02-27"},
			"ended-in":     {"2026-02-01", "2026-03-03"},
			"began-after":  {"2026-03-11", ""},
			"spans":        {"2026-02-20", "2026-04-01"},
			"never":        {"", ""},
			"began-in":     {"2026-03-05", ""},
		}
		ids := map[int64]string{}
		for ext := range spells {
			c, _, err := db.CreateCase(ctx, newCase(f, f.room1.ID, ext))
			if err != nil {
				t.Fatal(err)
			}
			ids[c.ID] = ext
		}
		derive := func(in []store.EvalInput) ([]store.EvalFact, error) {
			out, err := countingDerive(in)
			for i := range out {
				sp := spells[ids[out[i].CaseID]]
				out[i].OverdueFrom, out[i].OverdueUntil = sp[0], sp[1]
			}
			return out, err
		}
		catchUpWith(t, db, 7, derive)
		rows, err := db.EvalFacts(ctx, store.EvalFactQuery{Committees: []int64{f.committee.ID}, Day: "overdue", From: "2026-03-01", To: "2026-03-10"})
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		last := int64(0)
		for _, r := range rows {
			if r.CaseID <= last {
				t.Errorf("facts not by case id: %d after %d", r.CaseID, last)
			}
			last = r.CaseID
			got = append(got, ids[r.CaseID])
		}
		slices.Sort(got)
		if want := []string{"began-in", "ended-in", "spans", "still-old"}; !slices.Equal(got, want) {
			t.Errorf("overdue in 1–10 March: %v, want %v", got, want)
		}
		if other, _ := db.EvalFacts(ctx, store.EvalFactQuery{Committees: []int64{f.otherCommittee.ID}, Day: "overdue", From: "2026-03-01", To: "2026-03-10"}); len(other) != 0 {
			t.Errorf("another committee's overdue: %d", len(other))
		}
		if e.Name != "sqlite" {
			return
		}
		stop := db.TraceReads()
		db.EvalFacts(ctx, store.EvalFactQuery{Committees: []int64{f.committee.ID}, Day: "overdue", From: "2026-03-01", To: "2026-03-10"})
		for _, s := range stop() { // two reads: each by the spell's end
			if plan := sqlitePlan(t, db, s); !strings.Contains(plan, "eval_facts_cmt_overdue_until (committee_id=? AND overdue_until") {
				t.Errorf("overdue facts not read by the spell's end:\n%s", plan)
			}
		}
	})
}

// The cases behind a period's 退回 deduction: those returned with a return
// in the period, read by the partial index of the returned (migration 88;
// SQLite's plan checked), on both engines.
func TestEvalFactsReturned(t *testing.T) {
	onEveryEngine(t, func(t *testing.T, e Engine, db *sqlstore.DB, f fixture) {
		ctx := context.Background()
		returns := map[string][2]string{ // external id → first, last return
			"before": {"2026-01-02", "2026-02-27"},
			"in":     {"2026-03-02", "2026-03-02"},
			"spans":  {"2026-02-20", "2026-04-01"},
			"after":  {"2026-03-11", "2026-03-12"},
			"never":  {"", ""},
		}
		ids := map[int64]string{}
		for ext := range returns {
			c, _, err := db.CreateCase(ctx, newCase(f, f.room1.ID, ext))
			if err != nil {
				t.Fatal(err)
			}
			ids[c.ID] = ext
		}
		catchUpWith(t, db, 7, func(in []store.EvalInput) ([]store.EvalFact, error) {
			out, err := countingDerive(in)
			for i := range out {
				r := returns[ids[out[i].CaseID]]
				out[i].ReturnedFirst, out[i].ReturnedLast = r[0], r[1]
			}
			return out, err
		})
		q := store.EvalFactQuery{Committees: []int64{f.committee.ID}, Day: "returned", From: "2026-03-01", To: "2026-03-10"}
		rows, err := db.EvalFacts(ctx, q)
		var got []string
		for _, r := range rows {
			got = append(got, ids[r.CaseID])
		}
		slices.Sort(got)
		if want := []string{"in", "spans"}; err != nil || !slices.Equal(got, want) {
			t.Errorf("returned in 1–10 March: %v %v, want %v", got, err, want)
		}
		if e.Name == "sqlite" {
			if plan := tracedPlan(t, db, func() { db.EvalFacts(ctx, q) }); !strings.Contains(plan, "INDEX eval_facts_returned (committee_id=? AND returned_last>?)") {
				t.Errorf("returned facts not read by their index:\n%s", plan)
			}
		}
	})
}
