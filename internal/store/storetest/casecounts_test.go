package storetest

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"

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
			w := db.Writer()
			if _, err := w.ExecContext(ctx, `UPDATE cases SET status = 'archived' WHERE room_id = $1`, f.room2.ID); err != nil {
				t.Fatal(err)
			}
			check("a room's cases archived at once")
			if _, err := w.ExecContext(ctx, `UPDATE cases SET diverted_by_path = $1, diverted_by_org_id = $2 WHERE id = $3`, f.regulator.Path, f.regulator.ID, cs[5].ID); err != nil {
				t.Fatal(err)
			}
			check("diversion set by hand")
			if _, err := w.ExecContext(ctx, `UPDATE cases SET org_path = $1, status = 'received' WHERE id = $2`, f.room2.Path, cs[1].ID); err != nil {
				t.Fatal(err)
			}
			check("path and status set by hand")
			var raw int64
			if err := w.QueryRowContext(ctx, `INSERT INTO cases (number, year, seq, committee_id, org_path, diverted_by_path, status, channel,
				received_at, version, created_at, updated_at)
				VALUES ('（2026）浦消调字第99999号', 2026, 99999, $1, $2, $3, 'mediating', 'walk_in', $4, 1, $4, $4) RETURNING id`,
				f.committee.ID, f.room1.Path, f.regulator.Path, t0).Scan(&raw); err != nil {
				t.Fatal(err)
			}
			check("inserted by hand")
			if _, err := w.ExecContext(ctx, `DELETE FROM cases WHERE id = $1`, raw); err != nil {
				t.Fatal(err)
			}
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
