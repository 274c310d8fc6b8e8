package storetest

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/tiaojie/tiaojie/internal/store"
	"github.com/tiaojie/tiaojie/internal/store/sqlstore"
)

// A committee's sync rows a page at a time, the newest updated first (rows
// updated at one instant by case, descending), in one state or all; no
// other committee's. On SQLite read in index order, never sorted.
func TestSmartSyncPages(t *testing.T) {
	onEveryEngine(t, func(t *testing.T, e Engine, db *sqlstore.DB, f fixture) {
		ctx := context.Background()
		var rows []store.SmartSync
		for i := range 17 {
			nc := newCase(f, f.room1.ID, fmt.Sprintf("SP%d", i))
			committee := f.committee.ID
			if i%6 == 5 {
				nc.CommitteeID, nc.CommitteeAbbr, nc.RoomID = f.otherCommittee.ID, "徐", 0
				committee = f.otherCommittee.ID
			}
			c, _, err := db.CreateCase(ctx, nc)
			if err != nil {
				t.Fatal(err)
			}
			s := store.SmartSync{CaseID: c.ID, CommitteeID: committee, CaseCode: fmt.Sprintf("sp-%d", i),
				State: []string{store.SmartSynced, store.SmartFailed}[i%2], Updated: t0.Add(time.Duration(i/3) * time.Hour)}
			if err := db.PutSmartSync(ctx, s); err != nil {
				t.Fatal(err)
			}
			rows = append(rows, s)
		}
		at := func(s store.SmartSync) store.ListCursor { return store.ListCursor{At: s.Updated, ID: s.CaseID} }
		for _, state := range []string{"", store.SmartSynced, store.SmartFailed} {
			var want []store.SmartSync
			for _, s := range rows {
				if s.CommitteeID == f.committee.ID && (state == "" || s.State == state) {
					want = append(want, s)
				}
			}
			for _, limit := range []int{1, 2, 4, 50} {
				got, pages := walkPages(t, func(after *store.ListCursor) (store.Page[store.SmartSync], error) {
					return db.ListSmartSync(ctx, store.SmartSyncQuery{CommitteeIDs: []int64{f.committee.ID}, State: state,
						Paging: store.Paging{After: after, Limit: limit}})
				})
				var ids []int64
				for _, s := range got {
					ids = append(ids, s.CaseID)
				}
				if w := keysetOrder(want, at, true); !slices.Equal(ids, w) || pages != wantPages(len(want), limit) {
					t.Errorf("state %q by %d: %v in %d pages, want %v", state, limit, ids, pages, w)
				}
			}
		}
		if _, err := db.ListSmartSync(ctx, store.SmartSyncQuery{CommitteeIDs: []int64{f.committee.ID}}); err == nil {
			t.Error("a page without a size")
		}
		if p, err := db.ListSmartSync(ctx, store.SmartSyncQuery{Paging: store.Paging{Limit: 5}}); err != nil || len(p.Items) != 0 {
			t.Errorf("no committee: %+v %v", p, err)
		}
		if e.Name != "sqlite" {
			return
		}
		for _, state := range []string{"", store.SmartFailed} {
			plan := tracedPlan(t, db, func() {
				db.ListSmartSync(ctx, store.SmartSyncQuery{CommitteeIDs: []int64{f.committee.ID}, State: state,
					Paging: store.Paging{After: &store.ListCursor{At: t0.Add(3 * time.Hour), ID: 1 << 40}, Limit: 50}})
			})
			if strings.Contains(plan, "TEMP B-TREE") || !strings.Contains(plan, "updated") {
				t.Errorf("state %q: the page not read in index order:\n%s", state, plan)
			}
		}
	})
}

// The sync page's counts by state come from counters the triggers keep on
// every write (migration 92): after sends, state changes, a case moved to
// another committee and a row deleted, they equal a count of the rows; and
// rows written before the migration are counted once migrated. Both engines.
func TestSmartSyncCounts(t *testing.T) {
	counted := func(t *testing.T, db *sqlstore.DB, committee int64) map[string]int {
		t.Helper()
		rows, err := db.Writer().QueryContext(context.Background(), `SELECT state, COUNT(*) FROM smart_sync WHERE committee_id = $1 GROUP BY state`, committee)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		out := map[string]int{}
		for rows.Next() {
			var st string
			var n int
			rows.Scan(&st, &n)
			out[st] = n
		}
		return out
	}
	check := func(t *testing.T, db *sqlstore.DB, f fixture, when string) {
		t.Helper()
		for _, c := range []int64{f.committee.ID, f.otherCommittee.ID} {
			got, err := db.SmartSyncCounts(context.Background(), []int64{c})
			if want := counted(t, db, c); err != nil || !maps.Equal(got, want) {
				t.Errorf("%s, committee %d: counts %v %v, want %v", when, c, got, err, want)
			}
		}
	}
	onEveryEngine(t, func(t *testing.T, e Engine, db *sqlstore.DB, f fixture) {
		ctx := context.Background()
		cs := insertCases(t, db, f, 6)
		for i, c := range cs {
			st := []string{store.SmartSynced, store.SmartRetrying, store.SmartFailed}[i%3]
			if err := db.PutSmartSync(ctx, store.SmartSync{CaseID: c.ID, CommitteeID: f.committee.ID, CaseCode: fmt.Sprint("C", i), State: st}); err != nil {
				t.Fatal(err)
			}
		}
		check(t, db, f, "after sending")
		// A retry that succeeds, a resend in the same state, a case moved.
		if err := db.PutSmartSync(ctx, store.SmartSync{CaseID: cs[1].ID, CommitteeID: f.committee.ID, CaseCode: "C1", State: store.SmartSynced}); err != nil {
			t.Fatal(err)
		}
		if err := db.PutSmartSync(ctx, store.SmartSync{CaseID: cs[0].ID, CommitteeID: f.committee.ID, CaseCode: "C0", State: store.SmartSynced, Attempts: 2}); err != nil {
			t.Fatal(err)
		}
		if err := db.PutSmartSync(ctx, store.SmartSync{CaseID: cs[2].ID, CommitteeID: f.otherCommittee.ID, CaseCode: "C2", State: store.SmartFailed}); err != nil {
			t.Fatal(err)
		}
		check(t, db, f, "after changes")
		if _, err := db.Writer().ExecContext(ctx, `DELETE FROM smart_sync WHERE case_id = $1`, cs[3].ID); err != nil {
			t.Fatal(err)
		}
		check(t, db, f, "after a deletion")
	})
	onEveryOldSchema(t, 91, func(t *testing.T, db *sqlstore.DB, f fixture) {
		ctx := context.Background()
		for i, c := range insertCases(t, db, f, 4) {
			if _, err := db.Writer().ExecContext(ctx, `INSERT INTO smart_sync (case_id, committee_id, case_code, state, updated_at) VALUES ($1, $2, $3, $4, $5)`,
				c.ID, f.committee.ID, fmt.Sprint("M", i), []string{store.SmartSynced, store.SmartRejected}[i%2], t0); err != nil {
				t.Fatal(err)
			}
		}
		if err := db.Migrate(ctx); err != nil {
			t.Fatal(err)
		}
		check(t, db, f, "after migrating")
	})
}
