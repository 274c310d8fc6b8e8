package storetest

import (
	"context"
	"database/sql"
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/tiaojie/tiaojie/internal/domain"
	"github.com/tiaojie/tiaojie/internal/store"
	"github.com/tiaojie/tiaojie/internal/store/sqlstore"
)

// checkCaseCounts compares every list total the case counters answer (each
// scope of the fixture, with no status, each status and two at once) and
// the list walked page by page with the cases counted in Go from a sweep of
// the whole table.
func checkCaseCounts(t *testing.T, db *sqlstore.DB, f fixture, step string) {
	t.Helper()
	ctx := context.Background()
	all := AllCases(t, db)
	scopes := []store.Scope{{All: true}, {Prefixes: []string{f.committee.Path}}, {Prefixes: []string{f.room1.Path}},
		{Prefixes: []string{f.regulator.Path}}, {Prefixes: []string{f.room2.Path, f.regulator.Path}}, {Prefixes: []string{f.otherDistrict.Path}}}
	byStatus := map[domain.Status]int64{}
	for _, c := range all {
		byStatus[c.Status]++
	}
	if got, err := db.CountCasesByStatus(ctx); err != nil || !maps.Equal(got, byStatus) {
		t.Fatalf("%s: cases by status %v, want %v (%v)", step, got, byStatus, err)
	}
	filters := [][]domain.Status{nil, {domain.StatusReceived, domain.StatusMediating}}
	for _, st := range domain.Statuses {
		filters = append(filters, []domain.Status{st})
	}
	for _, scope := range scopes {
		for _, sts := range filters {
			var want []int64
			for _, c := range all {
				in := scope.All
				for _, p := range scope.Prefixes {
					in = in || strings.HasPrefix(c.OrgPath, p) || (c.DivertedByPath != "" && strings.HasPrefix(c.DivertedByPath, p))
				}
				if in && (sts == nil || slices.Contains(sts, c.Status)) {
					want = append(want, c.ID)
				}
			}
			p, err := db.ListCases(ctx, store.CaseQuery{Scope: scope, Statuses: sts, Limit: 1, CountCap: store.ListCountCap})
			if err != nil || p.Total != int64(len(want)) || p.TotalCapped {
				t.Fatalf("%s: %v %v: total %d capped %v, want %d (%v)", step, scope, sts, p.Total, p.TotalCapped, len(want), err)
			}
			got := walk(t, db, store.CaseQuery{Scope: scope, Statuses: sts, Limit: 7, CountCap: -1}, nil)
			slices.Sort(got)
			if !slices.Equal(got, want) {
				t.Fatalf("%s: %v %v: listed %v, want %v", step, scope, sts, got, want)
			}
		}
	}
}

// awaitCounts returns a function that waits until db has heard a change of
// the case counters since the previous call (PostgreSQL's counters in
// memory); on SQLite, and while db does not listen, it returns at once.
func awaitCounts(t *testing.T, db *sqlstore.DB) func() {
	t.Helper()
	last, _ := db.CountsGeneration()
	return func() {
		t.Helper()
		deadline := time.Now().Add(10 * time.Second)
		for {
			g, live := db.CountsGeneration()
			if !live || g > last {
				last = g
				return
			}
			if time.Now().After(deadline) {
				t.Fatalf("no change of the case counters heard in 10 s (generation %d)", g)
			}
			time.Sleep(5 * time.Millisecond)
		}
	}
}

// TestCaseCountsFollowCases writes cases by every kind of write the
// application makes (and a few only hand-written SQL makes) and checks the
// lists' totals against a recount after each step.
func TestCaseCountsFollowCases(t *testing.T) {
	for _, e := range Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			db := e.Open(t, true)
			f := newFixture(t, db)
			check := func(step string) { t.Helper(); checkCaseCounts(t, db, f, step) }
			check("empty")
			var cs []store.Case
			for i := range 6 {
				nc := newCase(f, []int64{f.room1.ID, f.room2.ID, 0}[i%3], fmt.Sprintf("K-%d", i))
				if i%2 == 0 {
					nc.DivertedByOrgID = f.regulator.ID
				}
				c, _, err := db.CreateCase(ctx, nc)
				if err != nil {
					t.Fatal(err)
				}
				cs = append(cs, c)
			}
			check("created")
			move := func(i int, ch store.CaseChange) {
				t.Helper()
				c, err := db.ApplyEvent(ctx, cs[i].ID, cs[i].Version, ch, store.Event{Type: "facts_updated"})
				if err != nil {
					t.Fatalf("case %d: %v", i, err)
				}
				cs[i] = c
			}
			// Every status in turn, closed ones back to open ones included.
			for _, st := range domain.Statuses {
				move(0, store.CaseChange{Status: st})
				move(1, store.CaseChange{Status: st})
				check("cases 0 and 1 in " + string(st))
			}
			// A transfer changes the case's own path, with or without its status.
			move(2, store.CaseChange{RoomID: &f.room1.ID})
			check("transferred")
			move(3, store.CaseChange{RoomID: &f.room2.ID, Status: domain.StatusAccepted})
			check("transferred and accepted")
			zero := int64(0)
			move(4, store.CaseChange{RoomID: &zero})
			check("back to the committee")

			if _, err := db.InsertCases(ctx, []*store.NewCase{newCase(f, f.room1.ID, "K-import-1"), newCase(f, f.room2.ID, "K-import-2"),
				newCase(f, f.room2.ID, "K-import-3")}); err != nil {
				t.Fatal(err)
			}
			check("imported")
			var bulk []store.BulkCase
			for i, st := range domain.Statuses {
				bc := store.BulkCase{New: *newCase(f, []int64{f.room1.ID, f.room2.ID}[i%2], fmt.Sprintf("K-bulk-%d", i))}
				bc.History = []store.Step{{Change: store.CaseChange{Status: st}, Event: store.Event{Type: "test"}}}
				bulk = append(bulk, bc)
			}
			if err := db.BulkCreateCases(ctx, bulk); err != nil {
				t.Fatal(err)
			}
			check("bulk created")

			// Hand-written fixes: many cases moved at once, a path or a
			// diversion changed in place, a case deleted.
			// Written beside the store, as another program or instance
			// writes: on PostgreSQL the totals follow once the change is
			// heard (heard waits for it).
			w := db.Writer()
			heard := awaitCounts(t, db)
			if _, err := w.ExecContext(ctx, `UPDATE cases SET status = 'archived' WHERE room_id = $1`, f.room2.ID); err != nil {
				t.Fatal(err)
			}
			heard()
			check("a room's cases archived at once")
			if _, err := w.ExecContext(ctx, `UPDATE cases SET diverted_by_path = $1, diverted_by_org_id = $2 WHERE id = $3`, f.regulator.Path, f.regulator.ID, cs[5].ID); err != nil {
				t.Fatal(err)
			}
			heard()
			check("diversion set by hand")
			if _, err := w.ExecContext(ctx, `UPDATE cases SET org_path = $1, status = 'received' WHERE id = $2`, f.room2.Path, cs[1].ID); err != nil {
				t.Fatal(err)
			}
			heard()
			check("path and status set by hand")
			var raw int64
			if err := w.QueryRowContext(ctx, `INSERT INTO cases (number, year, seq, committee_id, org_path, diverted_by_path, status, channel,
				received_at, version, created_at, updated_at)
				VALUES ('（2026）浦消调字第99999号', 2026, 99999, $1, $2, $3, 'mediating', 'walk_in', $4, 1, $4, $4) RETURNING id`,
				f.committee.ID, f.room1.Path, f.regulator.Path, t0).Scan(&raw); err != nil {
				t.Fatal(err)
			}
			heard()
			check("inserted by hand")
			if _, err := w.ExecContext(ctx, `DELETE FROM cases WHERE id = $1`, raw); err != nil {
				t.Fatal(err)
			}
			heard()
			check("deleted")
			check("nothing written since") // SQLite: from the counters kept in memory

			// Inside a transaction the total counts its own new case.
			whole := store.CaseQuery{Scope: store.Scope{All: true}, Limit: 1, CountCap: store.ListCountCap}
			before, err := db.ListCases(ctx, whole)
			if err != nil {
				t.Fatal(err)
			}
			err = db.InTx(ctx, func(tx store.Store) error {
				if _, _, err := tx.CreateCase(ctx, newCase(f, f.room1.ID, "K-in-tx")); err != nil {
					return err
				}
				p, err := tx.ListCases(ctx, whole)
				if err == nil && p.Total != before.Total+1 {
					err = fmt.Errorf("inside the transaction: total %d, want %d", p.Total, before.Total+1)
				}
				return err
			})
			if err != nil {
				t.Fatal(err)
			}
			check("created in a transaction")
		})
	}
}

// TestCaseCountsMigration upgrades a database holding cases of every status
// (own and diverted paths) to the counters, then down and up again after
// writes made without the triggers.
func TestCaseCountsMigration(t *testing.T) {
	const before = 62
	for _, e := range Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			db, f := oldSchemaWithCases(t, e, before, 1, nil)
			if err := db.Migrate(ctx); err != nil {
				t.Fatal(err)
			}
			checkCaseCounts(t, db, f, "upgraded")
			if _, err := migrationProvider(t, db).DownTo(ctx, before); err != nil {
				t.Fatal(err)
			}
			if _, err := db.Writer().ExecContext(ctx, `UPDATE cases SET status = 'withdrawn' WHERE id IN (SELECT MIN(id) FROM cases)`); err != nil {
				t.Fatalf("cases writable without the triggers: %v", err)
			}
			if err := db.Migrate(ctx); err != nil {
				t.Fatal(err)
			}
			checkCaseCounts(t, db, f, "down and up again")
		})
	}
}

// oldSchemaWithCases opens a database of engine e migrated up to version
// only and writes, by today's code on that schema, rounds × one case of
// every status (steps, given the database, says case i's status step;
// nil: one "test" event).
func oldSchemaWithCases(t *testing.T, e Engine, version int64, rounds int, steps func(*sqlstore.DB) func(int, domain.Status) store.Step) (*sqlstore.DB, fixture) {
	t.Helper()
	ctx := context.Background()
	db := e.Open(t, false)
	if err := db.MigrateTo(ctx, version); err != nil {
		t.Fatal(err)
	}
	f := newFixture(t, db)
	step := func(_ int, st domain.Status) store.Step {
		return store.Step{Change: store.CaseChange{Status: st}, Event: store.Event{Type: "test"}}
	}
	if steps != nil {
		step = steps(db)
	}
	var bulk []store.BulkCase
	for i := range rounds * len(domain.Statuses) {
		bc := store.BulkCase{New: *newCase(f, []int64{f.room1.ID, f.room2.ID}[i%2], fmt.Sprintf("OLD-%d", i))}
		if i%3 == 0 {
			bc.New.DivertedByOrgID = f.regulator.ID
		}
		bc.History = []store.Step{step(i, domain.Statuses[i%len(domain.Statuses)])}
		bulk = append(bulk, bc)
	}
	if err := db.BulkCreateCases(ctx, bulk); err != nil {
		t.Fatal(err)
	}
	return db, f
}

// onEveryOldSchema runs fn on each engine, in parallel, against a database
// migrated to version with the fixture and no case; fn migrates it on.
func onEveryOldSchema(t *testing.T, version int64, fn func(t *testing.T, db *sqlstore.DB, f fixture)) {
	for _, e := range Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			t.Parallel()
			db, f := oldSchemaWithCases(t, e, version, 0, nil)
			fn(t, db, f)
		})
	}
}

// TestCaseCountsAcrossInstances: a list's total on one instance follows the
// cases another instance writes (SQLite: the file's data version;
// PostgreSQL: the counters' notification), and on PostgreSQL the totals
// come from memory while the instance listens: a change made without
// notifying is not seen until a notified one. A cut listening connection
// is replaced, and the totals are right again.
func TestCaseCountsAcrossInstances(t *testing.T) {
	twoInstances(t, func(t *testing.T, e Engine, a, b *sqlstore.DB, f fixture) {
		ctx := context.Background()
		q := store.CaseQuery{Scope: store.Scope{Prefixes: []string{f.committee.Path}}, Limit: 1, CountCap: store.ListCountCap}
		total := func() int64 {
			t.Helper()
			p, err := a.ListCases(ctx, q)
			if err != nil {
				t.Fatal(err)
			}
			return p.Total
		}
		eventually := func(step string, want int64) {
			t.Helper()
			settle(t, e, step, func() (bool, string) {
				got := total()
				return got == want, fmt.Sprintf("a's total %d, want %d", got, want)
			})
		}
		create := func(db *sqlstore.DB, ref string) {
			t.Helper()
			if _, _, err := db.CreateCase(ctx, newCase(f, f.room1.ID, ref)); err != nil {
				t.Fatal(err)
			}
		}
		eventually("empty", 0)
		create(a, "X-1")
		if n := total(); n != 1 {
			t.Fatalf("a's own case: total %d, want 1 at once", n)
		}
		create(b, "X-2")
		eventually("b's case", 2)
		if e.Name != "postgres" {
			return
		}
		// Listening: the totals come from memory.
		awaitListening(t, a)
		HeardAll(t, a, b)
		eventually("listening", 2)
		w := b.Writer()
		quiet(t, w, "DISABLE")
		create(b, "X-3") // not notified
		quiet(t, w, "ENABLE")
		time.Sleep(100 * time.Millisecond)
		if n := total(); n != 2 {
			t.Fatalf("a change nobody was told of: a's total %d, want 2 (kept in memory)", n)
		}
		create(b, "X-4")
		eventually("b's notified case", 4)

		// The listening connection is cut: a listens again, and what
		// was written meanwhile shows.
		pid := a.ListenerPID()
		if _, err := w.ExecContext(ctx, `SELECT pg_terminate_backend($1)`, int64(pid)); err != nil {
			t.Fatal(err)
		}
		create(b, "X-5")
		eventually("after the cut", 5)
		deadline := time.Now().Add(10 * time.Second)
		for p := a.ListenerPID(); p == 0 || p == pid; p = a.ListenerPID() {
			if time.Now().After(deadline) {
				t.Fatal("a does not listen again after its connection was cut")
			}
			time.Sleep(5 * time.Millisecond)
		}
		create(b, "X-6")
		eventually("listening again", 6)
	})
}

// quiet disables (or enables) the triggers that notify changes of cases
// and of their counters (migrations 70 and 71), for a change nobody is
// told of.
func quiet(t *testing.T, w interface {
	ExecContext(context.Context, string, ...any) (sql.Result, error)
}, how string) {
	t.Helper()
	for _, stmt := range []string{`ALTER TABLE case_counts %s TRIGGER case_counts_changed`, `ALTER TABLE cases %s TRIGGER cases_changed`} {
		if _, err := w.ExecContext(context.Background(), fmt.Sprintf(stmt, how)); err != nil {
			t.Fatal(err)
		}
	}
}

// TestDueAnswersAcrossInstances: the answers each instance keeps until a
// case changes — the due index's backlog, a clock list's capped count —
// follow the cases another instance writes (at once on SQLite, which asks
// its data version; on PostgreSQL when the change is heard), and on
// PostgreSQL they come from memory: a change nobody was told of is not
// seen until the next one that is.
func TestDueAnswersAcrossInstances(t *testing.T) {
	twoInstances(t, func(t *testing.T, e Engine, a, b *sqlstore.DB, f fixture) {
		ctx := context.Background()
		q := store.DueQuery{Scope: store.Scope{Prefixes: []string{f.committee.Path}}, By: 20260310, CountCap: store.ListCountCap}
		answers := func() (backlog, due int) {
			t.Helper()
			_, backlog, err := a.DueIndex(ctx, 100)
			if err != nil {
				t.Fatal(err)
			}
			_, due, _, err = a.DueCases(ctx, q)
			if err != nil {
				t.Fatal(err)
			}
			return backlog, due
		}
		eventually := func(step string, backlog, due int) {
			t.Helper()
			settle(t, e, step, func() (bool, string) {
				gb, gd := answers()
				return gb == backlog && gd == due, fmt.Sprintf("a's backlog %d and due count %d, want %d and %d", gb, gd, backlog, due)
			})
		}
		// fix sets b's pending cases due on 2026-03-01.
		fix := func() {
			t.Helper()
			dcs, err := b.DueToCompute(ctx, 0, false, 100)
			if err != nil {
				t.Fatal(err)
			}
			var vals []store.DueValue
			for _, dc := range dcs {
				vals = append(vals, store.DueValue{CaseID: dc.ID, Mark: dc.Mark, State: store.DueFixed, Next: 20260301})
			}
			if _, err := b.SetDue(ctx, vals); err != nil {
				t.Fatal(err)
			}
		}
		eventually("empty", 0, 0)
		for i := range 3 {
			mustCreate(t, b, newCase(f, f.room1.ID, fmt.Sprintf("D-%d", i)))
		}
		eventually("b's new cases", 3, 0)
		fix()
		eventually("b's cases fixed", 0, 3)
		if e.Name != "postgres" {
			return
		}
		awaitListening(t, a)
		HeardAll(t, a, b)
		eventually("listening", 0, 3)
		w := b.Writer()
		quiet(t, w, "DISABLE")
		mustCreate(t, b, newCase(f, f.room1.ID, "D-3")) // not notified
		quiet(t, w, "ENABLE")
		time.Sleep(100 * time.Millisecond)
		if gb, gd := answers(); gb != 0 || gd != 3 {
			t.Fatalf("a change nobody was told of: a's backlog %d and due count %d, want 0 and 3 (kept in memory)", gb, gd)
		}
		fix() // notified
		eventually("b's notified change", 0, 4)
	})
}

// settle polls until ok holds, at once on SQLite (which asks its data
// version) and within 10 s on PostgreSQL (when the change is heard); got
// says what was read instead.
func settle(t *testing.T, e Engine, step string, ok func() (bool, string)) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		good, got := ok()
		if good {
			return
		}
		if e.Name == "sqlite" || time.Now().After(deadline) {
			t.Fatalf("%s: %s", step, got)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// awaitListening waits until db hears changes of cases (PostgreSQL).
func awaitListening(t *testing.T, db *sqlstore.DB) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for _, live := db.CountsGeneration(); !live; _, live = db.CountsGeneration() {
		if time.Now().After(deadline) {
			t.Fatal("the instance does not listen for changes")
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// twoInstances runs fn on each engine with two instances a and b of one
// database and a fixture written through a.
func twoInstances(t *testing.T, fn func(t *testing.T, e Engine, a, b *sqlstore.DB, f fixture)) {
	for _, e := range Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			t.Parallel()
			dbs := e.OpenShared(t, 2)
			fn(t, e, dbs[0], dbs[1], newFixture(t, dbs[0]))
		})
	}
}
