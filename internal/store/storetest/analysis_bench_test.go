package storetest

import (
	"context"
	"testing"

	"github.com/tiaojie/tiaojie/internal/store"
)

// BenchmarkAnalysisCases measures the cases behind a dashboard figure (分析
// 研判 → 案件) at a district's three years: 300,000 received cases of one
// committee, the figure being the last 90 days' intake (about 25,000); its
// first page and its hundredth, one room's and one merchant's first.
func BenchmarkAnalysisCases(b *testing.B) {
	for _, e := range Engines(b) {
		b.Run(e.Name, func(b *testing.B) {
			ctx := context.Background()
			db := e.Open(b, true)
			f := newFixture(b, db)
			w := db.Writer()
			// Day k/274 of three years from 2024-01-01 (1,095 days), ten rooms.
			days := `to_char(date '2024-01-01' + (k / 274), 'YYYY-MM-DD')`
			if e.Name == "sqlite" {
				days = `date('2024-01-01', '+' || (k / 274) || ' days')`
			}
			if _, err := w.ExecContext(ctx, `WITH RECURSIVE n(k) AS (SELECT 0 UNION ALL SELECT k + 1 FROM n WHERE k < 299999)
				INSERT INTO analysis_facts (case_id, committee_id, room_id, channel, category, merchant_key, street, day, received, claim_fen)
				SELECT 1 + k, $1, 1 + k % 10, '12315', '服务-健身', 'm' || (k % 500), '', `+days+`, 1, 0 FROM n`, f.committee.ID); err != nil {
				b.Fatal(err)
			}
			// The rollups the figure is drawn from, as the refresh keeps them.
			for _, q := range []string{`INSERT INTO analysis_day (day, committee_id, room_id, channel, category, merchant_key, street, received, claim_fen)
				SELECT day, committee_id, room_id, channel, category, merchant_key, street, SUM(received), SUM(claim_fen) FROM analysis_facts
				GROUP BY day, committee_id, room_id, channel, category, merchant_key, street`,
				`INSERT INTO analysis_month (month, committee_id, room_id, merchant_key, street, received, claim_fen)
				SELECT substr(day, 1, 7), committee_id, room_id, merchant_key, street, SUM(received), SUM(claim_fen) FROM analysis_facts
				GROUP BY substr(day, 1, 7), committee_id, room_id, merchant_key, street`} {
				if _, err := w.ExecContext(ctx, q); err != nil {
					b.Fatal(err)
				}
			}
			if _, err := w.ExecContext(ctx, `ANALYZE`); err != nil {
				b.Fatal(err)
			}
			for _, bc := range []struct {
				name     string
				room     int64
				offset   int
				merchant string
			}{{"first", 0, 0, ""}, {"page100", 0, 4950, ""}, {"room-first", 3, 0, ""}, {"merchant-first", 0, 0, "m7"}} {
				b.Run(bc.name, func(b *testing.B) {
					q := store.AnalysisQuery{Committees: []int64{f.committee.ID}, RoomID: bc.room, MerchantKey: bc.merchant, From: "2026-10-03", To: "2026-12-31"}
					for b.Loop() {
						ids, total, err := db.AnalysisCaseIDs(ctx, q, 50, bc.offset)
						if err != nil || len(ids) != min(50, total) || total == 0 {
							b.Fatal(len(ids), total, err)
						}
					}
				})
			}
		})
	}
}
