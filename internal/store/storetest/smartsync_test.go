package storetest

import (
	"context"
	"fmt"
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
