package storetest

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/tiaojie/tiaojie/internal/domain"
	"github.com/tiaojie/tiaojie/internal/store"
)

// TestContractStore: purchased-services contracts and their assessment
// revisions on both engines: unique numbers, district filters, status
// moves, drafts recomputed in place, confirmation once and only once.
func TestContractStore(t *testing.T) {
	for _, e := range Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			db := e.Open(t, true)
			f := newFixture(t, db)
			provider := mkOrg(t, db, f.district.ID, domain.OrgServiceProvider, "pd-provider", "东方调解中心", "")
			svc := store.Contract{Kind: store.ContractService, Number: "PDSC-2026-001", Title: "消费纠纷人民调解服务", DistrictID: f.district.ID,
				CommitteeID: f.committee.ID, BuyerOrgID: f.regulator.ID, BuyerName: f.regulator.Name, ProviderOrgID: provider.ID, ProviderName: provider.Name,
				PeriodFrom: "2026-01-01", PeriodTo: "2026-12-31", AmountFen: 360000000, Scope: "驻所调解",
				Targets: `[{"code":"success","value":900,"rule":{"kind":"per_unit","fen":50000,"cap_fen":0}}]`, Status: store.ContractActive, CreatedBy: 0, Creator: "甲", Created: t0}
			if err := db.CreateContract(ctx, &svc); err != nil || svc.ID == 0 {
				t.Fatalf("create: %+v %v", svc, err)
			}
			dup := svc
			dup.ID = 0
			if err := db.CreateContract(ctx, &dup); !errors.Is(err, store.ErrConflict) {
				t.Fatalf("duplicate number: %v", err)
			}
			ent := store.Contract{Kind: store.ContractEnterprise, Number: "PDQY-2026-001", Title: "企业购买调解服务", DistrictID: f.district.ID,
				CommitteeID: f.committee.ID, BuyerName: "某商场", ProviderName: f.committee.Name, RoomID: f.room2.ID, PeriodFrom: "2026-03-01",
				PeriodTo: "2027-02-28", PriceFen: 15000, Status: store.ContractDraft, Created: t0}
			if err := db.CreateContract(ctx, &ent); err != nil {
				t.Fatal(err)
			}
			xh := store.Contract{Kind: store.ContractService, Number: "XH-1", Title: "徐汇", DistrictID: f.otherDistrict.ID, CommitteeID: f.otherCommittee.ID,
				BuyerName: "徐汇局", ProviderName: "某中心", PeriodFrom: "2026-01-01", PeriodTo: "2026-06-30", AmountFen: 1, Status: store.ContractActive, Created: t0}
			if err := db.CreateContract(ctx, &xh); err != nil {
				t.Fatal(err)
			}
			got, err := db.GetContract(ctx, svc.ID)
			if err != nil || got.Number != svc.Number || got.BuyerOrgID != f.regulator.ID || got.ProviderOrgID != provider.ID || got.Targets != svc.Targets ||
				got.AmountFen != 360000000 || got.RoomID != 0 || !got.Created.Equal(t0) || got.Creator != "甲" {
				t.Fatalf("get: %+v %v", got, err)
			}
			if _, err := db.GetContract(ctx, 9999); !errors.Is(err, store.ErrNotFound) {
				t.Fatalf("unknown: %v", err)
			}
			ls, err := db.ListContracts(ctx, store.ContractQuery{DistrictIDs: []int64{f.district.ID}})
			if err != nil || len(ls) != 2 || ls[0].ID != ent.ID || ls[1].ID != svc.ID || ls[0].Targets != "[]" {
				t.Fatalf("list district: %+v %v", ls, err)
			}
			if ls, _ := db.ListContracts(ctx, store.ContractQuery{DistrictIDs: []int64{}}); len(ls) != 0 {
				t.Fatal("empty filter lists contracts")
			}
			if ls, _ := db.ListContracts(ctx, store.ContractQuery{Kind: store.ContractService}); len(ls) != 2 {
				t.Fatalf("service contracts everywhere: %d", len(ls))
			}
			if ls, _ := db.ListContracts(ctx, store.ContractQuery{DistrictIDs: []int64{f.district.ID}, Kind: store.ContractEnterprise}); len(ls) != 1 || ls[0].PriceFen != 15000 {
				t.Fatalf("enterprise contracts: %+v", ls)
			}
			if err := db.SetContractStatus(ctx, ent.ID, store.ContractDraft, store.ContractActive, t0.Add(time.Hour)); err != nil {
				t.Fatal(err)
			}
			if err := db.SetContractStatus(ctx, ent.ID, store.ContractDraft, store.ContractEnded, t0); !errors.Is(err, store.ErrConflict) {
				t.Fatalf("stale status move: %v", err)
			}
			if err := db.SetContractStatus(ctx, 9999, store.ContractDraft, store.ContractEnded, t0); !errors.Is(err, store.ErrNotFound) {
				t.Fatalf("status of unknown: %v", err)
			}
			if g, _ := db.GetContract(ctx, ent.ID); g.Status != store.ContractActive || !g.Updated.Equal(t0.Add(time.Hour)) {
				t.Fatalf("status: %+v", g)
			}

			a := store.ContractAssessment{ContractID: svc.ID, Quarter: "2026-Q1", Revision: 1, Snapshot: `{"x":1}`, BaseFen: 90000000,
				DeductionsFen: 100000, DueFen: 89900000, Status: store.AssessmentDraft, ComputedName: "甲", ComputedAt: t0}
			if err := db.AddAssessment(ctx, &a); err != nil || a.ID == 0 {
				t.Fatal(err)
			}
			again := a
			again.ID = 0
			if err := db.AddAssessment(ctx, &again); !errors.Is(err, store.ErrConflict) {
				t.Fatalf("same revision twice: %v", err)
			}
			a.Snapshot, a.DeductionsFen, a.DueFen = `{"x":2}`, 0, 90000000
			if err := db.RecomputeAssessment(ctx, a); err != nil {
				t.Fatal(err)
			}
			// Confirm: once; two at once, one wins.
			var wg sync.WaitGroup
			errs := make([]error, 2)
			for i := range errs {
				wg.Add(1)
				go func() { defer wg.Done(); errs[i] = db.ConfirmAssessment(ctx, a.ID, 0, "乙", t0.Add(2*time.Hour)) }()
			}
			wg.Wait()
			wins := 0
			for _, err := range errs {
				switch {
				case err == nil:
					wins++
				case !errors.Is(err, store.ErrConflict):
					t.Fatalf("concurrent confirm: %v", err)
				}
			}
			if wins != 1 {
				t.Fatalf("confirmations that won: %d", wins)
			}
			if err := db.RecomputeAssessment(ctx, a); !errors.Is(err, store.ErrConflict) {
				t.Fatalf("recompute a confirmed revision: %v", err)
			}
			if err := db.ConfirmAssessment(ctx, 9999, 0, "乙", t0); !errors.Is(err, store.ErrNotFound) {
				t.Fatalf("confirm unknown: %v", err)
			}
			g, err := db.GetAssessment(ctx, a.ID)
			if err != nil || g.Status != store.AssessmentConfirmed || g.Snapshot != `{"x":2}` || g.DueFen != 90000000 || g.ConfirmedName != "乙" ||
				g.ConfirmedAt == nil || !g.ConfirmedAt.Equal(t0.Add(2*time.Hour)) {
				t.Fatalf("confirmed: %+v %v", g, err)
			}
			b := store.ContractAssessment{ContractID: svc.ID, Quarter: "2026-Q1", Revision: 2, Reason: "补录案件", Snapshot: "{}", Status: store.AssessmentDraft, ComputedAt: t0}
			c := store.ContractAssessment{ContractID: svc.ID, Quarter: "2025-Q4", Revision: 1, Snapshot: "{}", Status: store.AssessmentDraft, ComputedAt: t0}
			for _, x := range []*store.ContractAssessment{&b, &c} {
				if err := db.AddAssessment(ctx, x); err != nil {
					t.Fatal(err)
				}
			}
			as, err := db.ListAssessments(ctx, svc.ID)
			if err != nil || len(as) != 3 || as[0].ID != c.ID || as[1].ID != a.ID || as[2].ID != b.ID || as[2].Reason != "补录案件" || as[0].ConfirmedAt != nil {
				t.Fatalf("list assessments: %+v %v", as, err)
			}
			if as, _ := db.ListAssessments(ctx, ent.ID); len(as) != 0 {
				t.Fatal("assessments of another contract")
			}
		})
	}
}
