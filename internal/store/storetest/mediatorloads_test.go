package storetest

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/pressly/goose/v3"

	"github.com/tiaojie/tiaojie/internal/domain"
	"github.com/tiaojie/tiaojie/internal/store"
	"github.com/tiaojie/tiaojie/internal/store/postgres"
	"github.com/tiaojie/tiaojie/internal/store/sqlite"
	"github.com/tiaojie/tiaojie/internal/store/sqlstore"
)

// countsAgainstLoad is the Go side of the statuses migration 00060's
// triggers count: open and past the acceptance decision.
func countsAgainstLoad(s domain.Status) bool { return s.Open() && s != domain.StatusReceived }

// recountLoads counts each mediator's open cases from the cases' rows, the
// way MediatorLoads did before the counters.
func recountLoads(t testing.TB, db *sqlstore.DB) map[int64]int {
	t.Helper()
	rows, err := db.Writer().QueryContext(context.Background(), `SELECT presiding_id, status FROM cases WHERE presiding_id IS NOT NULL`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	out := map[int64]int{}
	for rows.Next() {
		var id int64
		var st string
		if err := rows.Scan(&id, &st); err != nil {
			t.Fatal(err)
		}
		if countsAgainstLoad(domain.Status(st)) {
			out[id]++
		}
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// checkLoads compares MediatorLoads and the counter table itself with a
// recount of the cases.
func checkLoads(t *testing.T, db *sqlstore.DB, step string, users []int64) {
	t.Helper()
	ctx := context.Background()
	want := recountLoads(t, db)
	asked := slices.Clone(users)
	for id := range want {
		if !slices.Contains(asked, id) {
			asked = append(asked, id)
		}
	}
	got, err := db.MediatorLoads(ctx, asked)
	if err != nil {
		t.Fatalf("%s: %v", step, err)
	}
	if !maps.Equal(got, want) {
		t.Fatalf("%s: MediatorLoads = %v, recount = %v", step, got, want)
	}
	// Rows left at 0 are allowed; a negative or missing count is drift.
	rows, err := db.Writer().QueryContext(ctx, `SELECT user_id, open_cases FROM mediator_loads`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	table := map[int64]int{}
	for rows.Next() {
		var id int64
		var n int
		if err := rows.Scan(&id, &n); err != nil {
			t.Fatal(err)
		}
		if n != want[id] {
			t.Fatalf("%s: mediator_loads has %d for user %d, recount %d", step, n, id, want[id])
		}
		table[id] = n
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	for id, n := range want {
		if _, ok := table[id]; !ok {
			t.Fatalf("%s: mediator_loads has no row for user %d, recount %d", step, id, n)
		}
	}
}

func mkMediators(t testing.TB, db *sqlstore.DB, n int) []int64 {
	t.Helper()
	var ids []int64
	for i := range n {
		u := store.User{Username: fmt.Sprintf("load-m%d", i), DisplayName: fmt.Sprintf("调解员%d", i), PasswordHash: "x", Active: true}
		if err := db.CreateUser(context.Background(), &u); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, u.ID)
	}
	return ids
}

// TestMediatorLoadsFollowCases moves cases through their statuses and
// between mediators by every kind of write the application makes (and a
// few only hand-written SQL makes) and recounts after each step.
func TestMediatorLoadsFollowCases(t *testing.T) {
	for _, e := range Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			db := e.Open(t, true)
			f := newFixture(t, db)
			ms := mkMediators(t, db, 4) // ms[3] never presides
			check := func(step string) { t.Helper(); checkLoads(t, db, step, ms) }
			move := func(c store.Case, st domain.Status, typ string) store.Case {
				t.Helper()
				c, err := db.ApplyEvent(ctx, c.ID, c.Version, store.CaseChange{Status: st}, store.Event{Type: typ})
				if err != nil {
					t.Fatalf("%s case %d to %s: %v", typ, c.ID, st, err)
				}
				return c
			}
			assign := func(c store.Case, st domain.Status, typ string, m ...int64) store.Case {
				t.Helper()
				c, err := db.AssignCase(ctx, c.ID, c.Version, m, 0, store.CaseChange{Status: st}, store.Event{Type: typ})
				if err != nil {
					t.Fatalf("%s case %d to %v: %v", typ, c.ID, m, err)
				}
				return c
			}

			var cs []store.Case
			for i := range 5 {
				c, _, err := db.CreateCase(ctx, newCase(f, f.room1.ID, fmt.Sprintf("L-%d", i)))
				if err != nil {
					t.Fatal(err)
				}
				cs = append(cs, c)
			}
			check("received")
			for i := range cs {
				cs[i] = move(cs[i], domain.StatusAccepted, "accept")
				cs[i] = move(cs[i], domain.StatusConsenting, "request_consent")
			}
			check("consenting")
			cs[0] = assign(cs[0], domain.StatusAssigned, "assign", ms[0], ms[2])
			cs[1] = assign(cs[1], domain.StatusAssigned, "assign", ms[0])
			cs[2] = assign(cs[2], domain.StatusAssigned, "assign", ms[1])
			cs[3] = assign(cs[3], domain.StatusAssigned, "assign", ms[1])
			check("assigned")
			cs[0] = move(cs[0], domain.StatusMediating, "start_mediation")
			check("mediating")
			cs[0] = assign(cs[0], "", "reassign", ms[1]) // the status stays
			check("reassigned")
			cs[1] = move(cs[1], domain.StatusSuspended, "suspend")
			cs[1] = move(cs[1], domain.StatusAssigned, "resume")
			check("suspended and resumed")
			cs[2] = move(cs[2], domain.StatusTerminated, "terminate")
			check("terminated")
			cs[2] = move(cs[2], domain.StatusArchived, "archive")
			check("archived")
			cs[3] = move(cs[3], domain.StatusWithdrawn, "withdraw")
			check("withdrawn")
			cs[3] = assign(cs[3], "", "reassign", ms[2]) // a closed case changes hands: no count moves
			check("closed case reassigned")

			// Every status in turn, closed ones back to open ones included:
			// a status the Go table counts and the triggers do not (or the
			// other way round) shows here.
			for _, st := range domain.Statuses {
				cs[0] = move(cs[0], st, "facts_updated")
				check("case 0 in " + string(st))
				cs[3] = move(cs[3], st, "facts_updated")
				check("case 3 in " + string(st))
			}
			cs[4] = assign(cs[4], domain.StatusAssigned, "assign", ms[2])
			for _, st := range slices.Backward(domain.Statuses) {
				cs[4] = assign(cs[4], st, "reassign", ms[int(cs[4].Version)%3])
				check(fmt.Sprintf("case 4 in %s with %d", st, cs[4].PresidingID))
			}

			// Imports and intake batches write new cases without a mediator.
			if _, err := db.InsertCases(ctx, []*store.NewCase{newCase(f, f.room1.ID, "L-import-1"), newCase(f, f.room2.ID, "L-import-2")}); err != nil {
				t.Fatal(err)
			}
			check("imported")
			// Demo seeding writes each case once in its final state, the
			// mediator named by the history's assignment.
			var bulk []store.BulkCase
			for i, st := range domain.Statuses {
				bc := store.BulkCase{New: *newCase(f, f.room1.ID, fmt.Sprintf("L-bulk-%d", i))}
				bc.History = []store.Step{{Change: store.CaseChange{Status: st},
					Event: store.Event{Type: "assign", Data: fmt.Sprintf(`{"mediator_id":%d}`, ms[i%3])}}}
				bulk = append(bulk, bc)
			}
			if err := db.BulkCreateCases(ctx, bulk); err != nil {
				t.Fatal(err)
			}
			check("bulk created")

			// No application path inserts a case with a mediator, moves many
			// at once or deletes one; the benchmarks and a hand-written fix
			// might.
			w := db.Writer()
			var raw int64
			if err := w.QueryRowContext(ctx, `INSERT INTO cases (number, year, seq, committee_id, org_path, status, channel,
				received_at, version, created_at, updated_at, presiding_id)
				VALUES ('（2026）浦消调字第99999号', 2026, 99999, $1, $2, 'mediating', 'walk_in', $3, 1, $3, $3, $4) RETURNING id`,
				f.committee.ID, f.committee.Path, t0, ms[3]).Scan(&raw); err != nil {
				t.Fatal(err)
			}
			check("inserted with a mediator")
			if _, err := w.ExecContext(ctx, `UPDATE cases SET presiding_id = $1 WHERE room_id = $2`, ms[3], f.room1.ID); err != nil {
				t.Fatal(err)
			}
			check("a room's cases moved at once")
			if _, err := w.ExecContext(ctx, `UPDATE cases SET presiding_id = NULL WHERE id = $1`, cs[0].ID); err != nil {
				t.Fatal(err)
			}
			check("mediator removed")
			if _, err := w.ExecContext(ctx, `DELETE FROM cases WHERE id = $1`, raw); err != nil {
				t.Fatal(err)
			}
			check("deleted")
			if _, err := w.ExecContext(ctx, `UPDATE cases SET status = 'archived'`); err != nil {
				t.Fatal(err)
			}
			check("all archived")
			if got, _ := db.MediatorLoads(ctx, ms); len(got) != 0 {
				t.Fatalf("no open cases, loads %v", got)
			}
		})
	}
}

// TestMediatorLoadStatuses: the statuses migration 00060 counts are the
// ones the Go table does. A status added to domain.Statuses (or an Open
// changed) without a migration that changes the view and recounts fails
// here.
func TestMediatorLoadStatuses(t *testing.T) {
	var want []string
	for _, s := range domain.Statuses {
		if countsAgainstLoad(s) {
			want = append(want, string(s))
		}
	}
	slices.Sort(want)
	for _, e := range Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			t.Parallel()
			db := e.Open(t, true)
			rows, err := db.Writer().QueryContext(context.Background(), `SELECT status FROM mediator_load_statuses ORDER BY status`)
			if err != nil {
				t.Fatal(err)
			}
			defer rows.Close()
			var got []string
			for rows.Next() {
				var s string
				if err := rows.Scan(&s); err != nil {
					t.Fatal(err)
				}
				got = append(got, s)
			}
			if err := rows.Err(); err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(got, want) {
				t.Fatalf("the triggers count %v, domain %v", got, want)
			}
		})
	}
}

// TestMediatorLoadsMigration: migration 00060 counts the cases an older
// schema holds, and its Down and Up again leave the same counts.
func TestMediatorLoadsMigration(t *testing.T) {
	const before = 59
	for _, e := range Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			// Cases in every status, spread over three mediators, by
			// today's code on yesterday's schema.
			var ms []int64
			db, _ := oldSchemaWithCases(t, e, before, 3, func(db *sqlstore.DB) func(int, domain.Status) store.Step {
				ms = mkMediators(t, db, 3)
				return func(i int, st domain.Status) store.Step {
					return store.Step{Change: store.CaseChange{Status: st},
						Event: store.Event{Type: "assign", Data: fmt.Sprintf(`{"mediator_id":%d}`, ms[i%len(ms)])}}
				}
			})
			want := recountLoads(t, db)
			if len(want) != len(ms) {
				t.Fatalf("fixture: every mediator should have open cases: %v", want)
			}
			if err := db.Migrate(ctx); err != nil {
				t.Fatal(err)
			}
			checkLoads(t, db, "upgraded", ms)

			p := migrationProvider(t, db)
			if _, err := p.DownTo(ctx, before); err != nil {
				t.Fatal(err)
			}
			var n int
			if err := db.Writer().QueryRowContext(ctx, `SELECT COUNT(*) FROM cases`).Scan(&n); err != nil || n != 3*len(domain.Statuses) {
				t.Fatalf("cases after down: %d %v", n, err)
			}
			if _, err := db.Writer().ExecContext(ctx, `UPDATE cases SET status = 'archived' WHERE id IN (SELECT MIN(id) FROM cases)`); err != nil {
				t.Fatalf("cases writable without the triggers: %v", err)
			}
			if err := db.Migrate(ctx); err != nil {
				t.Fatal(err)
			}
			checkLoads(t, db, "down and up again", ms)
		})
	}
}

func migrationProvider(t *testing.T, db *sqlstore.DB) *goose.Provider {
	t.Helper()
	d := sqlite.Dialect()
	if db.Dialect() == "postgres" {
		d = postgres.Dialect()
	}
	p, err := goose.NewProvider(d.GooseDialect, db.Writer(), d.Migrations)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// BenchmarkMediatorLoads reads the loads of a room's 8 mediators with 40
// open cases each (the 20,000-case demo) and with 4,000 (the 1M demo): the
// counters (MediatorLoads) beside the count over the cases they replace.
func BenchmarkMediatorLoads(b *testing.B) {
	for _, e := range Engines(b) {
		for _, open := range []int{40, 4000} {
			b.Run(fmt.Sprintf("%s/open=%d", e.Name, open), func(b *testing.B) {
				ctx := context.Background()
				db := e.Open(b, true)
				f := newFixture(b, db)
				ms := mkMediators(b, db, 8)
				var counted []string
				for _, s := range domain.Statuses {
					if countsAgainstLoad(s) {
						counted = append(counted, "'"+string(s)+"'")
					}
				}
				// As many closed cases beside the open ones, written in one
				// statement per mediator (the triggers count them).
				for i, m := range ms {
					base := (i + 1) * 1_000_000
					_, err := db.Writer().ExecContext(ctx, fmt.Sprintf(`WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < %d)
						INSERT INTO cases (number, year, seq, committee_id, org_path, status, channel, received_at, version, created_at, updated_at, presiding_id)
						SELECT 'LB' || (%d + i), 2026, %d + i, %d, $1,
							CASE WHEN i %% 2 = 0 THEN 'mediating' WHEN i %% 4 = 1 THEN 'performing' ELSE 'archived' END,
							'walk_in', $2, 1, $2, $2, %d FROM n`, 4*open/3, base, base, f.committee.ID, m), f.committee.Path, t0)
					if err != nil {
						b.Fatal(err)
					}
				}
				if db.Dialect() == "postgres" {
					// Each inserted case updated its mediator's row: the
					// dead versions are what autovacuum clears after a bulk
					// load (operations.md), not what a page view meets.
					if _, err := db.Writer().ExecContext(ctx, `VACUUM ANALYZE mediator_loads`); err != nil {
						b.Fatal(err)
					}
				}
				want := recountLoads(b, db)
				args := make([]any, len(ms))
				for i, m := range ms {
					args[i] = m
				}
				b.Run("MediatorLoads", func(b *testing.B) {
					for b.Loop() {
						if got, err := db.MediatorLoads(ctx, ms); err != nil || !maps.Equal(got, want) {
							b.Fatal(got, want, err)
						}
					}
				})
				// The two statements alike, unprepared on the reader pool.
				in := make([]string, len(ms))
				for i := range ms {
					in[i] = fmt.Sprintf("$%d", i+1)
				}
				for name, q := range map[string]string{
					"counter-sql": `SELECT user_id, open_cases FROM mediator_loads WHERE user_id IN (` + strings.Join(in, ", ") + `) AND open_cases > 0`,
					"count-sql": `SELECT presiding_id, COUNT(*) FROM cases WHERE presiding_id IN (` + strings.Join(in, ", ") +
						`) AND status IN (` + strings.Join(counted, ", ") + `) GROUP BY presiding_id`,
				} {
					b.Run(name, func(b *testing.B) {
						for b.Loop() {
							rows, err := db.Reader().QueryContext(ctx, q, args...)
							if err != nil {
								b.Fatal(err)
							}
							n := 0
							for rows.Next() {
								n++
							}
							rows.Close()
							if n != len(ms) {
								b.Fatal(n)
							}
						}
					})
				}
			})
		}
	}
}
