package storetest

import (
	"context"
	"fmt"
	"testing"

	"github.com/tiaojie/tiaojie/internal/domain"
	"github.com/tiaojie/tiaojie/internal/store"
)

// BenchmarkOrgSubtree is a city's tree (16 districts, each a committee with
// 60 rooms and 40 regulator offices: 1,623 units) read as the case page,
// the desks and intake read it per request: the whole tree (ListOrgUnits,
// a copy of every unit) against one committee's subtree (OrgUnitsUnder),
// both from the configuration cache.
func BenchmarkOrgSubtree(b *testing.B) {
	for _, e := range Engines(b) {
		b.Run(e.Name, func(b *testing.B) {
			ctx := context.Background()
			db := e.Open(b, true)
			city := mkOrg(b, db, 0, domain.OrgCity, "sh", "上海市", "")
			var cmt store.OrgUnit
			for d := range 16 {
				dist := mkOrg(b, db, city.ID, domain.OrgDistrict, fmt.Sprintf("d%02d", d), fmt.Sprintf("第%d区", d), "")
				c := mkOrg(b, db, dist.ID, domain.OrgCommittee, fmt.Sprintf("d%02d-cmt", d), fmt.Sprintf("第%d区调委会", d), "")
				if d == 0 {
					cmt = c
				}
				for r := range 60 {
					mkOrg(b, db, c.ID, domain.OrgOfficeRoom, fmt.Sprintf("d%02d-r%02d", d, r), fmt.Sprintf("第%d区第%d工作室", d, r), "")
				}
				for o := range 40 {
					mkOrg(b, db, dist.ID, domain.OrgRegulatorOffice, fmt.Sprintf("d%02d-o%02d", d, o), fmt.Sprintf("第%d区第%d市场监管所", d, o), "")
				}
			}
			if all, err := db.ListOrgUnits(ctx); err != nil || len(all) != 1+16*102 {
				b.Fatalf("tree: %d %v", len(all), err)
			}
			b.Run("whole", func(b *testing.B) {
				b.ReportAllocs()
				for b.Loop() {
					if _, err := db.ListOrgUnits(ctx); err != nil {
						b.Fatal(err)
					}
				}
			})
			b.Run("committee", func(b *testing.B) {
				b.ReportAllocs()
				for b.Loop() {
					if us, err := db.OrgUnitsUnder(ctx, cmt.Path); err != nil || len(us) != 61 {
						b.Fatal(len(us), err)
					}
				}
			})
		})
	}
}
