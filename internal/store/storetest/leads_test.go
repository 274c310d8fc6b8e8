package storetest

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/tiaojie/tiaojie/internal/domain"
	"github.com/tiaojie/tiaojie/internal/store"
	"github.com/tiaojie/tiaojie/internal/store/sqlstore"
)

// The leads list is paged by key, newest first, all or of one status, with
// the office's scope: every lead once, in order, by pages of any size,
// whether the scope's few units are read apart or a wide scope is walked.
// On SQLite the page is read in key order, never by sorting the scope's
// every lead.
func TestLeadPages(t *testing.T) {
	onEveryEngine(t, func(t *testing.T, e Engine, db *sqlstore.DB, f fixture) {
		ctx := context.Background()
		office2 := mkOrg(t, db, f.district.ID, domain.OrgRegulatorOffice, "pd-reg2", "花木市场监管所", "")
		foreign := mkOrg(t, db, f.otherDistrict.ID, domain.OrgRegulatorOffice, "xh-reg1", "徐家汇市场监管所", "")
		c, _, err := db.CreateCase(ctx, newCase(f, f.room1.ID, ""))
		if err != nil {
			t.Fatal(err)
		}
		var all []store.Lead
		for i := range 17 {
			office := []store.OrgUnit{f.regulator, office2, foreign}[i%3]
			l := store.Lead{CaseID: c.ID, OfficeID: office.ID, Kind: "price", Note: fmt.Sprint("线索", i)}
			if err := db.AddLead(ctx, &l); err != nil {
				t.Fatal(err)
			}
			if i%4 == 1 {
				if err := db.MarkLeadHandled(ctx, l.ID, 1, t0); err != nil {
					t.Fatal(err)
				}
				l.Status = "handled"
			}
			all = append(all, l)
		}
		// Checked with the district's units read apart, then walked.
		check := func() {
			t.Helper()
			for _, sc := range []struct {
				name  string
				scope store.Scope
				in    func(store.Lead) bool
			}{
				{"district", store.Scope{Prefixes: []string{f.district.Path}}, func(l store.Lead) bool { return l.OfficeID != foreign.ID }},
				{"office", store.Scope{Prefixes: []string{office2.Path}}, func(l store.Lead) bool { return l.OfficeID == office2.ID }},
				{"all", store.Scope{All: true}, func(store.Lead) bool { return true }},
			} {
				for _, status := range []string{"", "new", "handled"} {
					var want []int64
					for _, l := range slices.Backward(all) {
						if sc.in(l) && (status == "" || l.Status == status) {
							want = append(want, l.ID)
						}
					}
					for _, limit := range []int{1, 2, 5, 100} {
						ls, pages := walkPages(t, func(after *store.ListCursor) (store.Page[store.Lead], error) {
							return db.ListLeads(ctx, store.LeadQuery{Scope: sc.scope, Status: status, Paging: store.Paging{After: after, Limit: limit}})
						})
						var got []int64
						for _, l := range ls {
							got = append(got, l.ID)
							if l.CaseNumber != c.Number {
								t.Fatalf("lead %d without its case's number: %+v", l.ID, l)
							}
						}
						if !slices.Equal(got, want) {
							t.Errorf("%s, status %q, by %d: %v, want %v", sc.name, status, limit, got, want)
						}
						if pages != wantPages(len(want), limit) {
							t.Errorf("%s, status %q, by %d: %d pages for %d leads", sc.name, status, limit, pages, len(want))
						}
					}
				}
			}
		}
		check()
		for i := range 8 {
			mkOrg(t, db, f.district.ID, domain.OrgRegulatorOffice, fmt.Sprint("pd-regx", i), fmt.Sprint("监管所", i), "")
		}
		check()
		if _, err := db.ListLeads(ctx, store.LeadQuery{Scope: store.Scope{All: true}}); err == nil {
			t.Error("a page of no size was read")
		}
		if e.Name != "sqlite" {
			return
		}
		// A district (more units than are read apart) walks the key; an
		// office reads its own index.
		for _, status := range []string{"", "new"} {
			q := store.LeadQuery{Scope: store.Scope{Prefixes: []string{f.district.Path}}, Status: status,
				Paging: store.Paging{Limit: 50, After: &store.ListCursor{At: t0, ID: 1 << 40}}}
			if plan := tracedPlan(t, db, func() { db.ListLeads(ctx, q) }); strings.Contains(plan, "TEMP B-TREE") || strings.Contains(plan, "violation_leads_office") {
				t.Errorf("district, status %q: the page is not read in key order:\n%s", status, plan)
			}
			q.Scope = store.Scope{Prefixes: []string{office2.Path}}
			plan := tracedPlan(t, db, func() { db.ListLeads(ctx, q) })
			if !regexp.MustCompile(`SEARCH violation_leads USING COVERING INDEX violation_leads_office(_status)? \(office_path=\? AND `).MatchString(plan) ||
				strings.Count(plan, "TEMP B-TREE") > 1 {
				t.Errorf("office, status %q: not read by its index:\n%s", status, plan)
			}
		}
	})
}
