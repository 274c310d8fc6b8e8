package storetest

import (
	"context"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/tiaojie/tiaojie/internal/domain"
	"github.com/tiaojie/tiaojie/internal/store"
	"github.com/tiaojie/tiaojie/internal/store/sqlstore"
)

// The stored due dates (migration 00062): new cases and changes of the clock
// facts leave a case pending (its row's dates, its policy, an event of a
// clock type; not other events or changes); a value computed before a change
// is not stored; the fixed dates are listed nearest first under the scope and
// the filters, counted to a cap; the pending and floating cases in a clock
// status are the ones computed on read.
func TestDueIndex(t *testing.T) {
	ctx := context.Background()
	for _, e := range Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			t.Parallel()
			db := e.Open(t, true)
			f := newFixture(t, db)
			mk := func(room int64, status domain.Status, recv int, other, diverted bool) store.Case {
				nc := newCase(f, room, "")
				nc.ReceivedAt = t0.AddDate(0, 0, recv)
				if other || diverted {
					nc.CommitteeID, nc.CommitteeAbbr = f.otherCommittee.ID, "徐"
				}
				if diverted {
					nc.DivertedByOrgID = f.committee.ID
				}
				c := mustCreate(t, db, nc)
				if status != domain.StatusReceived {
					var err error
					if c, err = db.ApplyEvent(ctx, c.ID, c.Version, store.CaseChange{Status: status}, store.Event{Type: "test", ActorName: "测试"}); err != nil {
						t.Fatal(err)
					}
				}
				return c
			}
			a := mk(f.room1.ID, domain.StatusReceived, 0, false, false)
			b := mk(f.room1.ID, domain.StatusMediating, 1, false, false)
			c := mk(f.room2.ID, domain.StatusMediating, 2, false, false)
			d := mk(0, domain.StatusReceived, 3, true, false)
			e2 := mk(0, domain.StatusReceived, 4, false, true)
			g := mk(f.room1.ID, domain.StatusArchived, 5, false, false)
			ids := func(cs []store.Case) []int64 {
				var out []int64
				for _, c := range cs {
					out = append(out, c.ID)
				}
				return out
			}
			pending := func() []store.DueCase {
				t.Helper()
				dcs, err := db.DueToCompute(ctx, 0, false, 100)
				if err != nil {
					t.Fatal(err)
				}
				return dcs
			}
			dcs := pending()
			var got []int64
			marks := map[int64]int64{}
			for _, dc := range dcs {
				got = append(got, dc.ID)
				marks[dc.ID] = dc.Mark
			}
			if want := []int64{a.ID, b.ID, c.ID, d.ID, e2.ID}; !slices.Equal(got, want) {
				t.Fatalf("pending after intake %v, want %v (the archived case is not computed)", got, want)
			}
			if _, n, err := db.DueIndex(ctx, 100); err != nil || n != 5 {
				t.Fatalf("backlog %d (%v), want 5", n, err)
			}
			if _, n, err := db.DueIndex(ctx, 2); err != nil || n != 3 {
				t.Fatalf("backlog capped at 2 counts %d (%v), want 3", n, err)
			}
			if all, err := db.DueToCompute(ctx, b.ID, true, 2); err != nil || !slices.Equal(ids(dueCases(all)), []int64{c.ID, d.ID}) {
				t.Fatalf("every case after b, two: %v (%v)", ids(dueCases(all)), err)
			}
			vals := []store.DueValue{
				{CaseID: a.ID, Mark: marks[a.ID], State: store.DueFixed, Next: 20260310},
				{CaseID: b.ID, Mark: marks[b.ID], State: store.DueFixed, Next: 20260305},
				{CaseID: c.ID, Mark: marks[c.ID], State: store.DueFixed, Next: 20260305},
				{CaseID: d.ID, Mark: marks[d.ID], State: store.DueFixed, Next: 20260301},
				{CaseID: e2.ID, Mark: marks[e2.ID], State: store.DueFloats, Next: 20260320},
			}
			if n, err := db.SetDue(ctx, vals); err != nil || n != 5 {
				t.Fatalf("set due: %d (%v)", n, err)
			}
			if len(pending()) != 0 {
				t.Fatalf("pending after the refresh: %v", pending())
			}
			scope := store.Scope{Prefixes: []string{f.committee.Path}}
			list := func(q store.DueQuery) ([]int64, int, bool) {
				t.Helper()
				cs, n, capped, err := db.DueCases(ctx, q)
				if err != nil {
					t.Fatal(err)
				}
				return ids(cs), n, capped
			}
			check := func(what string, q store.DueQuery, want []int64) {
				t.Helper()
				q.Limit = 10
				got, n, capped := list(q)
				if !slices.Equal(got, want) || n != len(want) || capped {
					t.Errorf("%s: %v (%d, capped %v), want %v", what, got, n, capped, want)
				}
				// Brief rows: the same cases, each its whole row's Case.Brief.
				full, _, _, err := db.DueCases(ctx, q)
				if err != nil {
					t.Fatal(err)
				}
				q.Brief = true
				brief, bn, _, err := db.DueCases(ctx, q)
				if err != nil || bn != n || len(brief) != len(full) {
					t.Fatalf("%s, brief: %d rows (%d counted), want %d (%v)", what, len(brief), bn, len(full), err)
				}
				for i, c := range full {
					if !reflect.DeepEqual(brief[i], c.Brief()) {
						t.Errorf("%s: brief row of case %d:\n got %+v\nwant %+v", what, c.ID, brief[i], c.Brief())
					}
				}
			}
			// b and c share a date: by id. d is another committee's; e2
			// floats, so is not listed by its date.
			check("committee by 03-10", store.DueQuery{Scope: scope, By: 20260310}, []int64{b.ID, c.ID, a.ID})
			check("committee by 03-09", store.DueQuery{Scope: scope, By: 20260309}, []int64{b.ID, c.ID})
			// A count past a full page follows every commit (SQLite keeps
			// it until something commits).
			counted := func() int {
				t.Helper()
				_, n, _ := list(store.DueQuery{Scope: scope, By: 20260310, Limit: 1, CountCap: 5})
				return n
			}
			for _, x := range []struct{ next, want int }{{0, 3}, {20260311, 2}, {20260310, 3}} {
				if x.next != 0 {
					if n, err := db.SetDue(ctx, []store.DueValue{{CaseID: a.ID, Mark: marks[a.ID], State: store.DueFixed, Next: x.next}}); err != nil || n != 1 {
						t.Fatalf("move a's date: %d (%v)", n, err)
					}
				}
				if n := counted(); n != x.want {
					t.Errorf("counted by 03-10 with a due %d: %d, want %d", x.next, n, x.want)
				}
			}
			check("everything", store.DueQuery{Scope: store.Scope{All: true}, By: 20261231}, []int64{d.ID, b.ID, c.ID, a.ID})
			check("other committee", store.DueQuery{Scope: store.Scope{Prefixes: []string{f.otherCommittee.Path}}, By: 20261231}, []int64{d.ID})
			check("room 1", store.DueQuery{Scope: scope, RoomID: f.room1.ID, By: 20261231}, []int64{b.ID, a.ID})
			check("received", store.DueQuery{Scope: scope, Statuses: []domain.Status{domain.StatusReceived}, By: 20261231}, []int64{a.ID})
			from, to := t0.AddDate(0, 0, 1), t0.AddDate(0, 0, 2)
			check("received on day 1", store.DueQuery{Scope: scope, From: &from, To: &to, By: 20261231}, []int64{b.ID})
			check("no scope", store.DueQuery{Scope: store.Scope{}, By: 20261231}, nil)
			if got, n, capped := list(store.DueQuery{Scope: scope, By: 20261231, Limit: 1, CountCap: 2}); !slices.Equal(got, []int64{b.ID}) || n != 2 || !capped {
				t.Errorf("limit 1, count to 2: %v %d %v", got, n, capped)
			}
			if got, n, capped := list(store.DueQuery{Scope: scope, By: 20260310, Limit: 2}); !slices.Equal(got, []int64{b.ID, c.ID}) || n != 3 || capped {
				t.Errorf("a full page of 2 of 3: %v %d %v", got, n, capped)
			}
			// A page short of its limit is every match: no count is read.
			stop := db.TraceReads()
			got, n, capped := list(store.DueQuery{Scope: scope, By: 20260310, Limit: 10, CountCap: store.ListCountCap})
			for _, q := range stop() {
				if strings.Contains(q, "COUNT(") {
					t.Errorf("a short page counted its matches again: %s", q)
				}
			}
			if !slices.Equal(got, []int64{b.ID, c.ID, a.ID}) || n != 3 || capped {
				t.Errorf("a short page: %v %d %v", got, n, capped)
			}
			if got, n, capped := list(store.DueQuery{Scope: scope, By: 20261231, CountCap: -1}); got != nil || n != 0 || capped {
				t.Errorf("no rows, no count: %v %d %v", got, n, capped)
			}
			unfixed := func(q store.DueQuery) []int64 {
				t.Helper()
				cs, err := db.DueUnfixed(ctx, q)
				if err != nil {
					t.Fatal(err)
				}
				q.Brief = true
				brief, err := db.DueUnfixed(ctx, q)
				if err != nil || len(brief) != len(cs) {
					t.Fatalf("unfixed, brief: %d rows, want %d (%v)", len(brief), len(cs), err)
				}
				for i, c := range cs {
					if !reflect.DeepEqual(brief[i], c.Brief()) {
						t.Errorf("unfixed: brief row of case %d:\n got %+v\nwant %+v", c.ID, brief[i], c.Brief())
					}
				}
				return ids(cs)
			}
			// e2 floats; it is diverted by the committee, so in its scope.
			if got := unfixed(store.DueQuery{Scope: scope}); !slices.Equal(got, []int64{e2.ID}) {
				t.Errorf("unfixed in the committee: %v, want the floating case", got)
			}
			// Its date, a lower bound, keeps it out of the fixed dates'
			// lists and out of a list of dates before it.
			if got := unfixed(store.DueQuery{Scope: scope, By: 20260319}); got != nil {
				t.Errorf("unfixed due by 03-19: %v, want none (the floating case is due on 03-20 at the earliest)", got)
			}
			if got := unfixed(store.DueQuery{Scope: scope, By: 20260320}); !slices.Equal(got, []int64{e2.ID}) {
				t.Errorf("unfixed due by 03-20: %v, want the floating case", got)
			}
			if got := unfixed(store.DueQuery{Scope: scope, RoomID: f.room1.ID}); got != nil {
				t.Errorf("unfixed in room 1: %v", got)
			}
			// The floating cases whose lower bound a list would read, to be
			// computed again as of a later day: by date, after an id.
			floating := func(by int, after int64, limit int) []int64 {
				t.Helper()
				dcs, err := db.DueFloating(ctx, by, after, limit)
				if err != nil {
					t.Fatal(err)
				}
				for _, dc := range dcs {
					if dc.State != store.DueFloats || dc.Next != 20260320 || dc.Mark != marks[dc.ID] {
						t.Errorf("floating case %d read as %v %d mark %d", dc.ID, dc.State, dc.Next, dc.Mark)
					}
				}
				return ids(dueCases(dcs))
			}
			if got := floating(20260320, 0, 10); !slices.Equal(got, []int64{e2.ID}) {
				t.Errorf("floating by 03-20: %v, want the floating case", got)
			}
			if got := floating(20260319, 0, 10); got != nil {
				t.Errorf("floating by 03-19: %v, want none", got)
			}
			if got := floating(20261231, e2.ID, 10); got != nil {
				t.Errorf("floating after the floating case: %v, want none", got)
			}

			// A note of a clock type leaves b pending; the value computed
			// before it is not stored.
			if err := db.AddNote(ctx, b.ID, store.Event{Type: "termination_notice_sent", ActorName: "测试", ToStatus: b.Status}); err != nil {
				t.Fatal(err)
			}
			// Other notes and changes that keep the facts leave a and c fixed.
			if err := db.AddNote(ctx, a.ID, store.Event{Type: "session_scheduled", ActorName: "测试", ToStatus: a.Status}); err != nil {
				t.Fatal(err)
			}
			cur, err := db.GetCase(ctx, c.ID)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := db.ApplyEvent(ctx, c.ID, cur.Version, store.CaseChange{Status: domain.StatusAssigned}, store.Event{Type: "test", ActorName: "测试"}); err != nil {
				t.Fatal(err)
			}
			check("after the note", store.DueQuery{Scope: scope, By: 20261231}, []int64{c.ID, a.ID})
			if got := unfixed(store.DueQuery{Scope: scope}); !slices.Equal(got, []int64{b.ID, e2.ID}) {
				t.Errorf("unfixed after the note: %v, want b and the floating case", got)
			}
			if n, err := db.SetDue(ctx, []store.DueValue{{CaseID: b.ID, Mark: marks[b.ID], State: store.DueFixed, Next: 20260305}}); err != nil || n != 0 {
				t.Fatalf("a value of before the note was stored: %d (%v)", n, err)
			}
			// A change of the acceptance date, of the policy, or an event
			// of a clock type through ApplyEvent leaves the case pending.
			cur, err = db.GetCase(ctx, a.ID)
			if err != nil {
				t.Fatal(err)
			}
			acc := t0.AddDate(0, 0, 3)
			if _, err := db.ApplyEvent(ctx, a.ID, cur.Version, store.CaseChange{Status: domain.StatusAccepted, AcceptedAt: &acc}, store.Event{Type: "test", ActorName: "测试"}); err != nil {
				t.Fatal(err)
			}
			cur, err = db.GetCase(ctx, c.ID)
			if err != nil {
				t.Fatal(err)
			}
			pid := int64(1)
			if _, err := db.ApplyEvent(ctx, c.ID, cur.Version, store.CaseChange{Status: cur.Status, PolicyID: &pid}, store.Event{Type: "test", ActorName: "测试"}); err != nil {
				t.Fatal(err)
			}
			cur, err = db.GetCase(ctx, d.ID)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := db.ApplyEvent(ctx, d.ID, cur.Version, store.CaseChange{Status: domain.StatusSuspended, PrevStatus: &cur.Status},
				store.Event{Type: "suspend", ActorName: "测试", FromStatus: cur.Status, ToStatus: domain.StatusSuspended}); err != nil {
				t.Fatal(err)
			}
			var after []int64
			for _, dc := range pending() {
				after = append(after, dc.ID)
			}
			if want := []int64{a.ID, b.ID, c.ID, d.ID}; !slices.Equal(after, want) {
				t.Fatalf("pending after the changes %v, want %v", after, want)
			}
			check("after the changes", store.DueQuery{Scope: store.Scope{All: true}, By: 20261231}, nil)
			// A closed case pending is not computed on read.
			cur, err = db.GetCase(ctx, g.ID)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := db.ApplyEvent(ctx, g.ID, cur.Version, store.CaseChange{Status: cur.Status}, store.Event{Type: "resume", ActorName: "测试"}); err != nil {
				t.Fatal(err)
			}
			if got := unfixed(store.DueQuery{Scope: scope}); !slices.Equal(got, []int64{a.ID, b.ID, c.ID, e2.ID}) {
				t.Errorf("unfixed after the changes: %v", got)
			}

			if r, n, err := db.DueIndex(ctx, 0); err != nil || r != "" || n != 0 {
				t.Fatalf("rules before any refresh: %q, backlog %d uncounted (%v)", r, n, err)
			}
			if err := db.SetDueRules(ctx, "abc"); err != nil {
				t.Fatal(err)
			}
			if r, _, err := db.DueIndex(ctx, 10); err != nil || r != "abc" {
				t.Fatalf("rules: %q (%v)", r, err)
			}
			// The same question after a commit has the new answer (SQLite
			// keeps the answer until something commits).
			if err := db.SetDueRules(ctx, "def"); err != nil {
				t.Fatal(err)
			}
			if r, _, err := db.DueIndex(ctx, 10); err != nil || r != "def" {
				t.Fatalf("rules after a change: %q (%v)", r, err)
			}
		})
	}
}

func dueCases(dcs []store.DueCase) []store.Case {
	out := make([]store.Case, len(dcs))
	for i, dc := range dcs {
		out[i] = dc.Case
	}
	return out
}

// The migration's lists are the code's: the statuses of the partial index
// of cases computed on read (store.ClockStatuses) and the event types whose
// insertion leaves a case pending (store.ClockEventTypes), in order.
func TestDueIndexLists(t *testing.T) {
	quoted := regexp.MustCompile(`'([a-z_]+)'`)
	for _, e := range Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			t.Parallel()
			db := e.Open(t, true)
			def := func(sqlite, postgres string) []string {
				t.Helper()
				q := sqlite
				if db.Dialect() == "postgres" {
					q = postgres
				}
				var text string
				if err := db.Writer().QueryRowContext(context.Background(), q).Scan(&text); err != nil {
					t.Fatal(err)
				}
				var out []string
				for _, m := range quoted.FindAllStringSubmatch(text, -1) {
					out = append(out, m[1])
				}
				return out
			}
			var want []string
			for _, s := range store.ClockStatuses {
				want = append(want, string(s))
			}
			for _, index := range []string{"cases_due_pending", "cases_due_floating"} {
				if got := def(`SELECT sql FROM sqlite_master WHERE name = '`+index+`'`,
					`SELECT indexdef FROM pg_indexes WHERE indexname = '`+index+`'`); !slices.Equal(got, want) {
					t.Errorf("%s lists %v, store.ClockStatuses %v", index, got, want)
				}
			}
			if got := def(`SELECT sql FROM sqlite_master WHERE name = 'case_events_due'`,
				`SELECT pg_get_triggerdef(oid) FROM pg_trigger WHERE tgname = 'case_events_due'`); !slices.Equal(got, store.ClockEventTypes) {
				t.Errorf("case_events_due lists %v, store.ClockEventTypes %v", got, store.ClockEventTypes)
			}
		})
	}
}

// TestDueIndexMigration: migration 00062 on a schema holding cases in every
// status leaves the open ones pending for the first refresh (the lists
// compute their clocks until then) and the closed ones out; its Down leaves
// the cases as they were, writable, and Up again gives the same.
func TestDueIndexMigration(t *testing.T) {
	const before = 61
	for _, e := range Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			db, _ := oldSchemaWithCases(t, e, before, 1, nil)
			check := func(when string) {
				t.Helper()
				if err := db.Migrate(ctx); err != nil {
					t.Fatal(err)
				}
				dcs, err := db.DueToCompute(ctx, 0, false, 100)
				if err != nil {
					t.Fatal(err)
				}
				var got []string
				for _, dc := range dcs {
					got = append(got, string(dc.Status))
				}
				var want []string
				for _, st := range domain.Statuses {
					if slices.Contains(store.ClockStatuses, st) {
						want = append(want, string(st))
					}
				}
				if !slices.Equal(got, want) {
					t.Errorf("%s: pending %v, want the open statuses %v", when, got, want)
				}
				if rules, n, err := db.DueIndex(ctx, 100); err != nil || rules != "" || n != len(want) {
					t.Errorf("%s: rules %q, backlog %d (%v)", when, rules, n, err)
				}
			}
			check("upgraded")
			p := migrationProvider(t, db)
			if _, err := p.DownTo(ctx, before); err != nil {
				t.Fatal(err)
			}
			if _, err := db.Writer().ExecContext(ctx, `UPDATE cases SET accepted_at = received_at WHERE id IN (SELECT MIN(id) FROM cases)`); err != nil {
				t.Fatalf("cases writable without the triggers: %v", err)
			}
			if _, err := db.Writer().ExecContext(ctx, `INSERT INTO case_events (case_id, seq, type, at, actor_name, from_status, to_status, data)
				SELECT MIN(id), 99, 'suspend', received_at, '', status, status, '{}' FROM cases GROUP BY received_at, status LIMIT 1`); err != nil {
				t.Fatalf("events writable without the triggers: %v", err)
			}
			check("down and up again")
		})
	}
}

// A burst of pending cases, once fixed, leaves the index of pending cases
// with emptied pages; CompactAfterBurst gives them back on PostgreSQL (SQLite
// merges them itself and has nothing to do) and the index still answers; the
// case counters are rewritten.
func TestCompactAfterBurst(t *testing.T) {
	ctx := context.Background()
	onEveryEngine(t, func(t *testing.T, e Engine, db *sqlstore.DB, f fixture) {
		for range 6 { // in batches, as an import writes them
			var ncs []*store.NewCase
			for range 500 {
				ncs = append(ncs, newCase(f, f.room1.ID, ""))
			}
			if _, err := db.InsertCases(ctx, ncs); err != nil {
				t.Fatal(err)
			}
		}
		var vals []store.DueValue
		for after := int64(0); ; {
			dcs, err := db.DueToCompute(ctx, after, false, 500)
			if err != nil {
				t.Fatal(err)
			}
			if len(dcs) == 0 {
				break
			}
			for _, dc := range dcs {
				vals = append(vals, store.DueValue{CaseID: dc.ID, Mark: dc.Mark, State: store.DueFixed, Next: 20260310})
			}
			after = dcs[len(dcs)-1].ID
		}
		// All but the last stay fixed; the last stays pending.
		if n, err := db.SetDue(ctx, vals[:len(vals)-1]); err != nil || n != 2999 {
			t.Fatalf("fix 2,999 of %d pending cases: %d (%v)", len(vals), n, err)
		}
		size := func() int64 {
			var n int64
			if err := db.Writer().QueryRowContext(ctx, `SELECT pg_relation_size('cases_due_pending')`).Scan(&n); err != nil {
				t.Fatal(err)
			}
			return n
		}
		filenode := func() int64 {
			var n int64
			if err := db.Writer().QueryRowContext(ctx, `SELECT pg_relation_filenode('case_counts')`).Scan(&n); err != nil {
				t.Fatal(err)
			}
			return n
		}
		var before, counterFile int64
		if e.Name == "postgres" {
			before, counterFile = size(), filenode()
		}
		if err := db.CompactAfterBurst(ctx); err != nil {
			t.Fatal(err)
		}
		if e.Name == "postgres" {
			if after := size(); after*4 > before {
				t.Errorf("index of pending cases %d bytes before compaction, %d after", before, after)
			}
			// The counters were rewritten (a new file). How small the
			// rewrite is depends on the row versions PostgreSQL must keep
			// for running transactions: with another database's long
			// transaction on the server (a bulk load beside the suite) the
			// 3,000 updates' versions stayed, in a new file all the same.
			if after := filenode(); after == counterFile {
				t.Errorf("case counters not rewritten (file %d)", after)
			}
		}
		left, err := db.DueUnfixed(ctx, store.DueQuery{Scope: store.Scope{Prefixes: []string{f.committee.Path}}})
		if err != nil || len(left) != 1 || left[0].ID != vals[len(vals)-1].CaseID {
			t.Fatalf("pending after compaction: %d cases (%v), want case %d", len(left), err, vals[len(vals)-1].CaseID)
		}
	})
}
