package storetest

import (
	"context"
	"fmt"
	"reflect"
	"testing"
	"time"

	"github.com/tiaojie/tiaojie/internal/domain"
	"github.com/tiaojie/tiaojie/internal/store"
	"github.com/tiaojie/tiaojie/internal/store/sqlstore"
)

// TestRowFactsAndConfigCache runs the set reads of work lists and the
// configuration cache's invalidation on every engine.
func TestRowFactsAndConfigCache(t *testing.T) {
	for _, e := range Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			t.Parallel()
			for name, fn := range map[string]func(*testing.T, *sqlstore.DB){
				"SetReads":    testSetReads,
				"ConfigCache": testConfigCache,
			} {
				t.Run(name, func(t *testing.T) {
					t.Parallel()
					fn(t, e.Open(t, true))
				})
			}
		})
	}
}

func testSetReads(t *testing.T, db *sqlstore.DB) {
	ctx := context.Background()
	f := newFixture(t, db)
	// 70 cases: more than one chunk of ids.
	var ids []int64
	for i := range 70 {
		c, _, err := db.CreateCase(ctx, newCase(f, f.room1.ID, fmt.Sprintf("SR%d", i)))
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, c.ID)
	}
	written, oral, sealed, none := ids[0], ids[1], ids[69], ids[2]
	for _, id := range []int64{written, oral, sealed} {
		kind := "oral"
		if id == written {
			kind = "written"
		}
		if err := db.PutAgreement(ctx, store.Agreement{CaseID: id, Kind: kind, Facts: "事实", Responsibility: "责任",
			Terms: []domain.Term{{Party: "merchant", Content: "退款", AmountFen: 1000, Manner: "转账", Deadline: "2026-03-10"}}}); err != nil {
			t.Fatal(err)
		}
	}
	for _, sg := range []store.Signature{{CaseID: oral, Signer: "consumer", Method: "sms_code"}, {CaseID: sealed, Signer: "seal", Method: "seal"}, {CaseID: sealed, Signer: "consumer", Method: "sms_code"}} {
		if err := db.AddSignature(ctx, sg); err != nil {
			t.Fatal(err)
		}
	}
	if err := db.AddNote(ctx, ids[68], store.Event{Type: "note", ActorName: "x", ToStatus: domain.StatusReceived}); err != nil {
		t.Fatal(err)
	}

	ask := append([]int64{none, sealed}, ids...) // duplicates and every id
	ags, err := db.AgreementsOf(ctx, ask)
	if err != nil || len(ags) != 3 || ags[written].Kind != "written" || ags[oral].Kind != "oral" || len(ags[sealed].Terms) != 1 || ags[sealed].Terms[0].AmountFen != 1000 {
		t.Fatalf("agreements of cases: %d %+v %v", len(ags), ags, err)
	}
	if _, ok := ags[none]; ok {
		t.Fatal("a case without an agreement has one")
	}
	want, _ := db.GetAgreement(ctx, oral)
	if got := ags[oral]; got.Facts != want.Facts || !got.Created.Equal(want.Created) || (got.EffectiveAt == nil) != (want.EffectiveAt == nil) {
		t.Fatalf("set read %+v differs from the point read %+v", got, want)
	}
	// The cases' rows, every chunk, the same as the point read without parties.
	rowsOf, err := db.CaseRowsOf(ctx, append(ask, 1<<40))
	if err != nil || len(rowsOf) != len(ids) {
		t.Fatalf("case rows of %d ids: %d %v", len(ask)+1, len(rowsOf), err)
	}
	for _, id := range ids {
		one, err := db.GetCase(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		one.Parties = nil
		if got := rowsOf[id]; !reflect.DeepEqual(got, one) {
			t.Fatalf("case %d read by set:\n%+v\nby id:\n%+v", id, got, one)
		}
	}
	if empty, err := db.CaseRowsOf(ctx, nil); err != nil || len(empty) != 0 {
		t.Fatalf("no ids: %v %v", empty, err)
	}
	seals, err := db.SealedAgreements(ctx, []int64{written, oral, sealed})
	if err != nil || len(seals) != 1 || !seals[sealed] {
		t.Fatalf("sealed agreements: %v %v", seals, err)
	}

	evs, err := db.EventsOf(ctx, ids)
	if err != nil || len(evs) != 70 {
		t.Fatalf("events of cases: %d %v", len(evs), err)
	}
	for _, id := range []int64{ids[0], ids[68], ids[69]} {
		one, err := db.ListEvents(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		got := evs[id]
		if len(got) != len(one) {
			t.Fatalf("case %d: %d events, point read %d", id, len(got), len(one))
		}
		for i := range one {
			if got[i].ID != one[i].ID || got[i].Seq != one[i].Seq || got[i].Type != one[i].Type || !got[i].At.Equal(one[i].At) || got[i].CaseID != id {
				t.Fatalf("case %d event %d: %+v vs %+v", id, i, got[i], one[i])
			}
		}
	}
	if len(evs[ids[68]]) != 2 {
		t.Fatalf("the note is missing: %d events", len(evs[ids[68]]))
	}
	if m, err := db.EventsOf(ctx, nil); err != nil || len(m) != 0 {
		t.Fatalf("no ids: %v %v", m, err)
	}

	if sd, err := db.CaseSides(ctx, none); err != nil || sd != (store.CaseSides{}) {
		t.Fatalf("sides of a bare case: %+v %v", sd, err)
	}
	if sd, err := db.CaseSides(ctx, written); err != nil || sd != (store.CaseSides{Agreement: true}) {
		t.Fatalf("sides of a case with an agreement: %+v %v", sd, err)
	}
	if sd, err := db.CaseSides(ctx, oral); err != nil || sd != (store.CaseSides{Agreement: true, Signatures: true}) {
		t.Fatalf("sides of a case with a signed agreement: %+v %v", sd, err)
	}
	court := mkOrg(t, db, f.district.ID, domain.OrgCourt, "court-sr", "人民法院", "")
	if err := db.PutJudicialApplication(ctx, store.JudicialApplication{CaseID: sealed, CourtID: court.ID, Status: "sending", Package: []byte("PK"),
		SubmittedAt: t0, IdempotencyKey: "sr-key"}); err != nil {
		t.Fatal(err)
	}
	if sd, err := db.CaseSides(ctx, sealed); err != nil || sd != (store.CaseSides{Agreement: true, Signatures: true, Judicial: true}) {
		t.Fatalf("sides of a case applied for judicial confirmation: %+v %v", sd, err)
	}
	// A duplicate flag names both of its cases; a sync row its own.
	if err := db.AddDuplicateFlags(ctx, []store.DuplicateFlag{{CaseID: ids[3], OtherID: ids[4], Score: 0.9, Reasons: "同一手机号"}}); err != nil {
		t.Fatal(err)
	}
	if err := db.PutSmartSync(ctx, store.SmartSync{CaseID: ids[4], CommitteeID: f.committee.ID, CaseCode: "sr-4", State: store.SmartSynced, Updated: t0}); err != nil {
		t.Fatal(err)
	}
	if sd, err := db.CaseSides(ctx, ids[3]); err != nil || sd != (store.CaseSides{Duplicates: true}) {
		t.Fatalf("sides of a flagged case: %+v %v", sd, err)
	}
	if sd, err := db.CaseSides(ctx, ids[4]); err != nil || sd != (store.CaseSides{Duplicates: true, SmartSync: true}) {
		t.Fatalf("sides of the other flagged case, synced: %+v %v", sd, err)
	}
	if err := db.AddCommendation(ctx, &store.Commendation{CaseID: none, Kind: "banner", Giver: "consumer"}, store.Event{Type: "commendation", At: t0, Note: "锦旗"}); err != nil {
		t.Fatal(err)
	}
	if sd, err := db.CaseSides(ctx, none); err != nil || sd != (store.CaseSides{Commendations: true}) {
		t.Fatalf("sides of a commended case: %+v %v", sd, err)
	}

	u1 := store.User{Username: "sr-a", DisplayName: "甲调解员", PasswordHash: "x"}
	u2 := store.User{Username: "sr-b", DisplayName: "乙调解员", PasswordHash: "x"}
	for _, u := range []*store.User{&u1, &u2} {
		if err := db.CreateUser(ctx, u); err != nil {
			t.Fatal(err)
		}
	}
	names, err := db.UserNames(ctx, []int64{u1.ID, u2.ID, u1.ID, 999999})
	if err != nil || len(names) != 2 || names[u1.ID] != "甲调解员" || names[u2.ID] != "乙调解员" {
		t.Fatalf("user names: %v %v", names, err)
	}
}

// A write through the store is seen at once by the next read, also when it
// happens inside a transaction (after its commit) and when the transaction
// rolls back nothing is kept.
func testConfigCache(t *testing.T, db *sqlstore.DB) {
	ctx := context.Background()
	f := newFixture(t, db)
	before, err := db.ListOrgUnits(ctx) // fills the cache
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.GetOrgUnitByCode(ctx, "pd-r1"); err != nil {
		t.Fatal(err)
	}
	r3 := mkOrg(t, db, f.committee.ID, domain.OrgOfficeRoom, "pd-r3", "张江工作室", "")
	after, err := db.ListOrgUnits(ctx)
	if err != nil || len(after) != len(before)+1 {
		t.Fatalf("a new unit is not listed at once: %d → %d %v", len(before), len(after), err)
	}
	if u, err := db.GetOrgUnit(ctx, r3.ID); err != nil || u.Name != "张江工作室" {
		t.Fatalf("get new unit: %+v %v", u, err)
	}
	if u, err := db.GetOrgUnitByCode(ctx, "pd-r3"); err != nil || u.ID != r3.ID {
		t.Fatalf("new unit by code: %+v %v", u, err)
	}
	// Callers may change what they get without changing the cache.
	after[0].Name = "改过"
	if again, _ := db.ListOrgUnits(ctx); again[0].Name == "改过" {
		t.Fatal("the cached tree was changed through a returned slice")
	}

	// Inside a transaction: the transaction sees its write, others after the commit.
	if err := db.InTx(ctx, func(tx store.Store) error {
		u := store.OrgUnit{ParentID: f.committee.ID, Kind: domain.OrgOfficeRoom, Code: "pd-r4", Name: "金桥工作室"}
		if err := tx.CreateOrgUnit(ctx, &u); err != nil {
			return err
		}
		if _, err := tx.GetOrgUnitByCode(ctx, "pd-r4"); err != nil {
			return fmt.Errorf("the transaction does not see its unit: %w", err)
		}
		_, err := db.ListOrgUnits(ctx) // another reader refills during the transaction
		return err
	}); err != nil {
		t.Fatal(err)
	}
	if us, _ := db.ListOrgUnits(ctx); len(us) != len(before)+2 {
		t.Fatalf("after the commit: %d units, want %d", len(us), len(before)+2)
	}
	// Rolled back: not there.
	_ = db.InTx(ctx, func(tx store.Store) error {
		u := store.OrgUnit{ParentID: f.committee.ID, Kind: domain.OrgOfficeRoom, Code: "pd-r5", Name: "回滚工作室"}
		if err := tx.CreateOrgUnit(ctx, &u); err != nil {
			return err
		}
		return fmt.Errorf("roll back")
	})
	if _, err := db.GetOrgUnitByCode(ctx, "pd-r5"); err == nil {
		t.Fatal("a rolled back unit is served")
	}

	// Display names (never changed by the platform): a name read once is
	// served from memory; a new user's at once; a name changed by hand
	// after at most the cache's time to live; an unknown id never.
	var uids []int64
	for i := range 3 {
		u := store.User{Username: fmt.Sprintf("cache-u%d", i), DisplayName: fmt.Sprintf("调解员%d", i), PasswordHash: "x", Active: true}
		if err := db.CreateUser(ctx, &u); err != nil {
			t.Fatal(err)
		}
		uids = append(uids, u.ID)
	}
	names := func(ids ...int64) map[int64]string {
		t.Helper()
		m, err := db.UserNames(ctx, ids)
		if err != nil {
			t.Fatal(err)
		}
		return m
	}
	if m := names(uids[0], uids[1], 999999); len(m) != 2 || m[uids[0]] != "调解员0" || m[uids[1]] != "调解员1" {
		t.Fatalf("names: %v", m)
	}
	stop := db.TraceReads()
	if m := names(uids[1], uids[0]); len(m) != 2 || m[uids[1]] != "调解员1" {
		t.Fatalf("names again: %v", m)
	}
	if reads := stop(); len(reads) != 0 {
		t.Errorf("names read once were read again: %v", reads)
	}
	if m := names(uids[0], uids[2]); m[uids[2]] != "调解员2" || m[uids[0]] != "调解员0" {
		t.Fatalf("a name not read before beside a cached one: %v", m)
	}
	if _, err := db.Writer().ExecContext(ctx, `UPDATE users SET display_name = '改名' WHERE id = $1`, uids[0]); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(10 * time.Second)
	for names(uids[0])[uids[0]] != "改名" {
		if time.Now().After(deadline) {
			t.Fatal("a name changed by hand is never seen")
		}
		time.Sleep(100 * time.Millisecond)
	}
	if m := names(999999); len(m) != 0 {
		t.Fatalf("an unknown id has a name: %v", m)
	}

	// Subsidy schemes, by unit.
	if ss, err := db.ListSubsidySchemes(ctx, f.district.ID); err != nil || len(ss) != 0 {
		t.Fatalf("schemes before: %v %v", ss, err)
	}
	if err := db.AddSubsidyScheme(ctx, store.SubsidyScheme{UnitID: f.district.ID, Version: "v1", EffectiveFrom: "2026-01-01", Body: "{}"}); err != nil {
		t.Fatal(err)
	}
	if ss, err := db.ListSubsidySchemes(ctx, f.district.ID); err != nil || len(ss) != 1 || ss[0].Version != "v1" {
		t.Fatalf("new scheme not listed at once: %v %v", ss, err)
	}
	if ss, _ := db.ListSubsidySchemes(ctx, f.otherDistrict.ID); len(ss) != 0 {
		t.Fatalf("another unit's schemes: %v", ss)
	}

	// Calendar overrides and policies.
	if _, err := db.ListCalendarOverrides(ctx); err != nil {
		t.Fatal(err)
	}
	if err := db.PutCalendarOverride(ctx, store.CalendarOverride{Date: "2026-10-10", Workday: true, Name: "调休"}); err != nil {
		t.Fatal(err)
	}
	if os, err := db.ListCalendarOverrides(ctx); err != nil || len(os) != 1 || os[0].Name != "调休" {
		t.Fatalf("override not seen at once: %+v %v", os, err)
	}
	if err := db.DeleteCalendarOverride(ctx, "2026-10-10"); err != nil {
		t.Fatal(err)
	}
	if os, _ := db.ListCalendarOverrides(ctx); len(os) != 0 {
		t.Fatalf("deleted override still served: %+v", os)
	}
	ps, err := db.ListPolicies(ctx)
	if err != nil {
		t.Fatal(err)
	}
	p := store.Policy{Code: "sr-test", Name: "测试规则", EffectiveFrom: "2030-01-01", AcceptanceWD: 3, MediationWD: 30, TerminationNoticeWD: 3, ODRNegotiationWD: 7, JudicialConfirmDays: 30, CommitteeTargetDays: 30}
	if err := db.PutPolicy(ctx, &p); err != nil {
		t.Fatal(err)
	}
	if again, _ := db.ListPolicies(ctx); len(again) != len(ps)+1 {
		t.Fatalf("new policy not listed at once: %d → %d", len(ps), len(again))
	}
	p.Name = "改名"
	if err := db.PutPolicy(ctx, &p); err != nil {
		t.Fatal(err)
	}
	again, _ := db.ListPolicies(ctx)
	found := false
	for _, q := range again {
		found = found || (q.Code == "sr-test" && q.Name == "改名")
	}
	if !found {
		t.Fatal("changed policy not seen at once")
	}
}
