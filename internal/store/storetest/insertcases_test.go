package storetest

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"testing"
	"time"

	"github.com/tiaojie/tiaojie/internal/domain"
	"github.com/tiaojie/tiaojie/internal/store"
)

// TestInsertCases: a batch of new cases comes out as CreateCase for each in
// order would make it — numbers continuing gap-free per (committee, year),
// one merchant row per credit code or name with the last non-empty name and
// address, parties, the first event, the evaluation mark — and a batch that
// meets a conflict writes nothing and uses no number. CaseIDsByExternalID
// and the candidates of many complainants (DedupQuery.PhoneHashes) see it.
func TestInsertCases(t *testing.T) {
	for _, e := range Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			db := e.Open(t, true)
			f := newFixture(t, db)
			first := newCase(f, 0, "CC-0")
			first.Merchant = &store.Merchant{Name: "某某健身有限公司", CreditCode: "91350100M000100Y43", Address: "旧地址"}
			c0, _, err := db.CreateCase(ctx, first)
			if err != nil {
				t.Fatal(err)
			}
			mk := func(i int, room int64, recv time.Time, code, name, addr, phone string) *store.NewCase {
				nc := newCase(f, room, fmt.Sprintf("CC-%d", i))
				nc.ReceivedAt = recv
				nc.ClientID, nc.IdempotencyKey = "user:1", fmt.Sprintf("k-%d", i)
				nc.Parties[0].PhoneHash = phone
				nc.Parties[1] = store.Party{Kind: "merchant", Name: name, CreditCode: code, Address: addr}
				nc.Merchant = &store.Merchant{Name: name, CreditCode: code, Address: addr}
				nc.Event = store.Event{Type: "received", ActorID: 0, ActorName: "12315导入", At: recv, Note: fmt.Sprintf("登记 %d", i)}
				return nc
			}
			nextYear := time.Date(2027, 1, 5, 3, 0, 0, 0, time.UTC)
			batch := []*store.NewCase{
				mk(1, f.room1.ID, t0, "91350100M000100Y43", "某某健身有限公司", "新地址", "p1"),
				mk(2, 0, nextYear, "", "无码小店", "", "p2"),
				mk(3, 0, t0.Add(time.Hour), "", "无码小店", "小店地址", "p1"),
				mk(4, 0, t0.Add(2*time.Hour), "91350100M000100Y43", "某某健身有限公司", "", "p3"),
			}
			batch[3].DivertedByOrgID = f.regulator.ID
			got, err := db.InsertCases(ctx, batch)
			if err != nil || len(got) != 4 {
				t.Fatalf("create cases: %d %v", len(got), err)
			}
			wantNumbers := []string{"（2026）浦消调字第00002号", "（2027）浦消调字第00001号", "（2026）浦消调字第00003号", "（2026）浦消调字第00004号"}
			for i, c := range got {
				if c.Number != wantNumbers[i] {
					t.Fatalf("case %d number %s, want %s", i, c.Number, wantNumbers[i])
				}
				stored, err := db.GetCase(ctx, c.ID)
				if err != nil {
					t.Fatal(err)
				}
				for j := range stored.Parties {
					stored.Parties[j].ID = 0 // the batch's cases carry no party ids
				}
				c.Created, c.Updated, stored.Created, stored.Updated = time.Time{}, time.Time{}, time.Time{}, time.Time{}
				if !reflect.DeepEqual(c, stored) {
					t.Fatalf("case %d as returned:\n%+v\nas stored:\n%+v", i, c, stored)
				}
				evs, err := db.ListEvents(ctx, c.ID)
				if err != nil || len(evs) != 1 || evs[0].Type != "received" || evs[0].Seq != 1 || evs[0].ToStatus != domain.StatusReceived ||
					evs[0].Note != fmt.Sprintf("登记 %d", i+1) || !evs[0].At.Equal(batch[i].ReceivedAt) {
					t.Fatalf("events of case %d: %+v %v", i, evs, err)
				}
			}
			if got[0].RoomID != f.room1.ID || got[0].OrgPath != f.room1.Path || got[3].DivertedByPath != f.regulator.Path || got[1].OrgPath != f.committee.Path {
				t.Fatalf("placement: %+v / %+v", got[0], got[3])
			}
			// One merchant per key, as sequential upserts leave it.
			if got[0].MerchantID != c0.MerchantID || got[3].MerchantID != c0.MerchantID || got[1].MerchantID != got[2].MerchantID || got[1].MerchantID == c0.MerchantID {
				t.Fatalf("merchants %d %d %d %d (first %d)", got[0].MerchantID, got[1].MerchantID, got[2].MerchantID, got[3].MerchantID, c0.MerchantID)
			}
			if m, _ := db.GetMerchant(ctx, c0.MerchantID); m.Address != "新地址" {
				t.Fatalf("coded merchant address %q: the last non-empty one wins", m.Address)
			}
			if m, _ := db.GetMerchant(ctx, got[1].MerchantID); m.Address != "小店地址" || m.Name != "无码小店" {
				t.Fatalf("named merchant %+v", m)
			}
			if got[1].Parties[1].MerchantID != got[1].MerchantID {
				t.Fatalf("merchant party not linked: %+v", got[1].Parties)
			}
			var dirty int
			if err := db.Writer().QueryRowContext(ctx, fmt.Sprintf(`SELECT count(*) FROM eval_dirty WHERE case_id IN (%d, %d, %d, %d)`,
				got[0].ID, got[1].ID, got[2].ID, got[3].ID)).Scan(&dirty); err != nil || dirty != 4 {
				t.Fatalf("evaluation marks %d %v", dirty, err)
			}
			ids, err := db.CaseIDsByExternalID(ctx, []string{"CC-0", "CC-3", "CC-9"})
			if err != nil || len(ids) != 2 || ids["CC-0"] != c0.ID || ids["CC-3"] != got[2].ID {
				t.Fatalf("ids by external id %v %v", ids, err)
			}
			if ids, err := db.CaseIDsByExternalID(ctx, nil); err != nil || len(ids) != 0 {
				t.Fatalf("no numbers %v %v", ids, err)
			}
			cands, err := db.ListDedupCandidates(ctx, store.DedupQuery{CommitteeID: f.committee.ID, PhoneHashes: []string{"p1", "p3"},
				Since: t0.Add(-time.Hour), Until: t0.Add(3 * time.Hour)})
			if err != nil || len(cands) != 3 || cands[0].CaseID != got[0].ID || cands[1].CaseID != got[2].ID || cands[2].CaseID != got[3].ID ||
				cands[0].CreditCode != "91350100M000100Y43" || cands[1].PhoneHash != "p1" {
				t.Fatalf("candidates of two complainants %+v %v", cands, err)
			}
			// A conflict anywhere (a 12315 number, a key) writes nothing.
			for _, bad := range [][]*store.NewCase{
				{mk(5, 0, t0, "", "甲店", "地址", "p5"), mk(3, 0, t0, "", "乙店", "地址", "p6")},
				{mk(6, 0, t0, "", "丙店", "地址", "p5"), func() *store.NewCase {
					nc := mk(7, 0, t0, "", "丁店", "地址", "p6")
					nc.IdempotencyKey = "k-1"
					return nc
				}()},
			} {
				if _, err := db.InsertCases(ctx, bad); !errors.Is(err, store.ErrConflict) {
					t.Fatalf("conflicting batch: %v", err)
				}
			}
			if ids, _ := db.CaseIDsByExternalID(ctx, []string{"CC-5", "CC-6"}); len(ids) != 0 {
				t.Fatalf("half a batch was written: %v", ids)
			}
			var shops int
			if err := db.Writer().QueryRowContext(ctx, `SELECT count(*) FROM merchants WHERE name IN ('甲店', '乙店', '丙店', '丁店')`).Scan(&shops); err != nil || shops != 0 {
				t.Fatalf("merchants of failed batches stay: %d %v", shops, err)
			}
			next, _, err := db.CreateCase(ctx, newCase(f, 0, ""))
			if err != nil || next.Number != "（2026）浦消调字第00005号" {
				t.Fatalf("number after failed batches: %q %v", next.Number, err)
			}
			if out, err := db.InsertCases(ctx, nil); err != nil || len(out) != 0 {
				t.Fatalf("empty batch: %v %v", out, err)
			}
		})
	}
}
