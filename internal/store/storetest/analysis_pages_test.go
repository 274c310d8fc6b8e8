package storetest

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/tiaojie/tiaojie/internal/store"
	"github.com/tiaojie/tiaojie/internal/store/sqlstore"
)

// The cases behind a dashboard figure come a page at a time in the order of
// the received day, then the case, for one committee, several, a room or a
// merchant; their total is the figure's, from the rollups. On SQLite each
// page is read in an index's order, never by sorting the window's facts.
func TestAnalysisCasePages(t *testing.T) {
	onEveryEngine(t, func(t *testing.T, e Engine, db *sqlstore.DB, f fixture) {
		ctx := context.Background()
		type fact struct {
			id, committee, room int64
			merchant, day       string
		}
		var facts []fact
		w := db.Writer()
		for i := range 40 {
			// Case ids out of day order: a case received later may have a
			// smaller id (an import of last month's complaints).
			ft := fact{id: int64(1000 - i*7%40), committee: []int64{f.committee.ID, f.otherCommittee.ID}[i%2], room: int64(1 + i%3),
				merchant: []string{"甲店", "乙店"}[i%5/4], day: fmt.Sprintf("2026-03-%02d", 1+i*11%20)}
			facts = append(facts, ft)
			if _, err := w.ExecContext(ctx, `INSERT INTO analysis_facts (case_id, committee_id, room_id, channel, category, merchant_key, street, day, received, claim_fen)
				VALUES ($1, $2, $3, '12315', '服务-健身', $4, '', $5, 1, 0)`, ft.id, ft.committee, ft.room, ft.merchant, ft.day); err != nil {
				t.Fatal(err)
			}
			if _, err := w.ExecContext(ctx, `INSERT INTO analysis_day (day, committee_id, room_id, channel, category, merchant_key, street, received, claim_fen)
				VALUES ($1, $2, $3, '12315', '服务-健身', $4, '', 1, 0)
				ON CONFLICT (day, committee_id, room_id, channel, category, merchant_key, street) DO UPDATE SET received = analysis_day.received + 1`,
				ft.day, ft.committee, ft.room, ft.merchant); err != nil {
				t.Fatal(err)
			}
		}
		slices.SortFunc(facts, func(a, b fact) int {
			if c := strings.Compare(a.day, b.day); c != 0 {
				return c
			}
			return int(a.id - b.id)
		})
		for _, q := range []store.AnalysisQuery{
			{Committees: []int64{f.committee.ID}},
			{Committees: []int64{f.committee.ID, f.otherCommittee.ID}},
			{Committees: []int64{f.committee.ID, f.otherCommittee.ID}, RoomID: 2},
			{Committees: []int64{f.otherCommittee.ID}, MerchantKey: "乙店"},
		} {
			q.From, q.To = "2026-03-03", "2026-03-17"
			var want []int64
			for _, ft := range facts {
				if slices.Contains(q.Committees, ft.committee) && (q.RoomID == 0 || ft.room == q.RoomID) && (q.MerchantKey == "" || ft.merchant == q.MerchantKey) &&
					ft.day >= q.From && ft.day <= q.To {
					want = append(want, ft.id)
				}
			}
			var got []int64
			for off := 0; off <= len(want); off += 3 {
				ids, total, err := db.AnalysisCaseIDs(ctx, q, 3, off)
				if err != nil || total != len(want) {
					t.Fatalf("%+v at %d: total %d %v, want %d", q, off, total, err, len(want))
				}
				got = append(got, ids...)
			}
			if !slices.Equal(got, want) {
				t.Errorf("%+v: pages of three %v, want %v", q, got, want)
			}
			if e.Name != "sqlite" {
				continue
			}
			stop := db.TraceReads()
			db.AnalysisCaseIDs(ctx, q, 3, 3)
			stmts := stop()
			page := stmts[len(stmts)-1] // after the rollups' sums
			if plan := sqlitePlan(t, db, page); !strings.Contains(page, "FROM analysis_facts") || strings.Contains(plan, "TEMP B-TREE") {
				t.Errorf("%+v: the page is sorted, not read in an index's order:\n%s", q, plan)
			}
		}
	})
}
