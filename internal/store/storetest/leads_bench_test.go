package storetest

import (
	"context"
	"fmt"
	"testing"

	"github.com/tiaojie/tiaojie/internal/domain"
	"github.com/tiaojie/tiaojie/internal/store"
)

// BenchmarkLeadPages measures the leads list's first page at a district's
// years: 60,000 leads over 30 offices, one in ten still to be handled, and
// an office that received twenty in the same years; the district's page,
// an office's, the rare office's, and the to-handle pages.
func BenchmarkLeadPages(b *testing.B) {
	for _, e := range Engines(b) {
		b.Run(e.Name, func(b *testing.B) {
			ctx := context.Background()
			db := e.Open(b, true)
			f := newFixture(b, db)
			c := insertCases(b, db, f, 1)[0]
			offices := []store.OrgUnit{f.regulator}
			for i := 2; i <= 30; i++ {
				offices = append(offices, mkOrg(b, db, f.district.ID, domain.OrgRegulatorOffice, fmt.Sprintf("pd-reg%d", i), fmt.Sprintf("第%d市场监管所", i), ""))
			}
			rare := mkOrg(b, db, f.district.ID, domain.OrgRegulatorOffice, "pd-rare", "临港市场监管所", "")
			w := db.Writer()
			// The offices' leads interleaved as they come; the rare office
			// received one in every hundred rounds.
			if _, err := w.ExecContext(ctx, `WITH RECURSIVE n(k) AS (SELECT 0 UNION ALL SELECT k + 1 FROM n WHERE k < 1999)
				INSERT INTO violation_leads (case_id, office_id, office_path, kind, note, status, created_at)
				SELECT $1, o.id, o.path, 'price', '涉嫌价格违法', CASE WHEN n.k % 10 = 0 THEN 'new' ELSE 'handled' END, $2
				FROM n CROSS JOIN org_units o WHERE o.kind = 'regulator_office' AND (o.id <> $3 OR n.k % 100 = 0) ORDER BY n.k, o.id`,
				c.ID, t0, rare.ID); err != nil {
				b.Fatal(err)
			}
			if _, err := w.ExecContext(ctx, `ANALYZE`); err != nil {
				b.Fatal(err)
			}
			want := map[string]int{"district": 1 << 30, "office": 2000, "office-rare": 20, "district-new": 1 << 30, "office-new": 200}
			for _, bc := range []struct {
				name   string
				prefix string
				status string
			}{{"district", f.district.Path, ""}, {"office", offices[7].Path, ""}, {"office-rare", rare.Path, ""}, {"district-new", f.district.Path, "new"},
				{"office-new", offices[7].Path, "new"}} {
				b.Run(bc.name, func(b *testing.B) {
					for b.Loop() {
						page, err := db.ListLeads(ctx, store.LeadQuery{Scope: store.Scope{Prefixes: []string{bc.prefix}}, Status: bc.status, Paging: store.Paging{Limit: 50}})
						if err != nil || len(page.Items) != min(50, want[bc.name]) {
							b.Fatal(len(page.Items), err)
						}
					}
				})
			}
		})
	}
}
