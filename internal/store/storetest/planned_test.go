package storetest

import (
	"context"
	"testing"
	"time"

	"github.com/tiaojie/tiaojie/internal/domain"
	"github.com/tiaojie/tiaojie/internal/store"
	"github.com/tiaojie/tiaojie/internal/store/sqlstore"
)

// TestCasePageLookupsPlannedOnce: on PostgreSQL the lookups by a key that
// every case page makes (the session, the user and their bindings, the case
// with its parties and events, its sides, mediators, agreement, duplicate
// flags, the room's settings) are planned once per connection, on the
// generic pool: planned with their values they cost more to plan than to
// run. Each must answer as the reader does.
func TestCasePageLookupsPlannedOnce(t *testing.T) {
	ctx := context.Background()
	onEveryEngine(t, func(t *testing.T, e Engine, db *sqlstore.DB, f fixture) {
		if e.Name != "postgres" {
			return
		}
		g := db.Pools()["read_generic"]
		g.SetMaxOpenConns(1)
		ms := mkMediators(t, db, 1)
		c := mustCreate(t, db, newCase(f, f.room1.ID, ""))
		if _, err := db.AssignCase(ctx, c.ID, c.Version, ms, 0, store.CaseChange{}, store.Event{Type: "assign"}); err != nil {
			t.Fatal(err)
		}
		if err := db.AddBinding(ctx, store.Binding{UserID: ms[0], Role: domain.RoleMediator, OrgID: f.room1.ID}); err != nil {
			t.Fatal(err)
		}
		if err := db.SessionCommit(ctx, "tok-planned", []byte("data"), time.Now().Add(time.Hour)); err != nil {
			t.Fatal(err)
		}
		for range 2 {
			got, err := db.GetCase(ctx, c.ID)
			if err != nil || got.ID != c.ID || len(got.Parties) != len(c.Parties) || len(got.Parties) == 0 {
				t.Fatalf("case: %+v %v", got, err)
			}
			if evs, err := db.ListEvents(ctx, c.ID); err != nil || len(evs) < 2 {
				t.Fatalf("events: %d %v", len(evs), err)
			}
			if sides, err := db.CaseSides(ctx, c.ID); err != nil || !sides.Mediators {
				t.Fatalf("sides: %+v %v", sides, err)
			}
			if cms, err := db.ListCaseMediators(ctx, c.ID); err != nil || len(cms) != 1 || cms[0].UserID != ms[0] {
				t.Fatalf("mediators: %+v %v", cms, err)
			}
			if _, err := db.GetAgreement(ctx, c.ID); err == nil {
				t.Fatal("an agreement the case does not have")
			}
			if _, err := db.ListDuplicateFlags(ctx, c.ID); err != nil {
				t.Fatal(err)
			}
			if _, err := db.GetRoomSettings(ctx, f.room1.ID); err != nil {
				t.Fatal(err)
			}
			if u, err := db.GetUser(ctx, ms[0]); err != nil || u.ID != ms[0] {
				t.Fatalf("user: %+v %v", u, err)
			}
			if bs, err := db.ListBindings(ctx, ms[0]); err != nil || len(bs) != 1 || bs[0].OrgPath != f.room1.Path {
				t.Fatalf("bindings: %+v %v", bs, err)
			}
			if data, _, ok, err := db.SessionFindExpiry(ctx, "tok-planned"); err != nil || !ok || string(data) != "data" {
				t.Fatalf("session: %q %v %v", data, ok, err)
			}
		}
		for _, from := range []string{"FROM cases c WHERE c.id", "FROM parties WHERE case_id", "FROM case_events WHERE case_id",
			"FROM consents WHERE case_id", "FROM case_mediators cm", "responsibility, terms, effective_at", "other_id, score, reasons",
			"FROM room_settings", "FROM users WHERE id", "FROM role_bindings b", "FROM sessions WHERE token"} {
			var n, plans int
			if err := g.QueryRowContext(ctx, `SELECT COUNT(*), COALESCE(SUM(generic_plans), 0) FROM pg_prepared_statements
				WHERE statement LIKE '%' || $1 || '%' AND statement NOT LIKE '%pg_prepared_statements%'`, from).Scan(&n, &plans); err != nil {
				t.Fatal(err)
			}
			if n != 1 || plans < 2 {
				t.Errorf("%s: %d statements on the generic pool, %d generic plans; want 1 and at least 2", from, n, plans)
			}
		}
	})
}
