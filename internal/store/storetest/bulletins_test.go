package storetest

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/tiaojie/tiaojie/internal/store"
	"github.com/tiaojie/tiaojie/internal/store/sqlstore"
)

// TestBulletinStore: monthly bulletins, their guarded updates, and the two
// small questions they ask (hot merchants, warnings raised) on both engines.
func TestBulletinStore(t *testing.T) {
	for _, e := range Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			t.Parallel()
			testBulletinStore(t, e.Open(t, true))
		})
	}
}

func testBulletinStore(t *testing.T, db *sqlstore.DB) {
	ctx := context.Background()
	f := newFixture(t, db)
	b := store.Bulletin{CommitteeID: f.committee.ID, Month: "2026-02", State: store.BulletinDraft, Title: "二月通报", Figures: `{"a":1}`, Drafted: t0}
	if err := db.AddBulletin(ctx, &b); err != nil || b.ID == 0 || b.Version != 1 || b.Revision != 1 {
		t.Fatalf("add: %+v %v", b, err)
	}
	dup := store.Bulletin{CommitteeID: f.committee.ID, Month: "2026-02", State: store.BulletinDraft, Title: "x", Figures: "{}"}
	if err := db.AddBulletin(ctx, &dup); !errors.Is(err, store.ErrConflict) {
		t.Fatalf("same month twice: %v", err)
	}
	other := store.Bulletin{CommitteeID: f.otherCommittee.ID, Month: "2026-02", State: store.BulletinDraft, Title: "徐汇", Figures: "{}"}
	if err := db.AddBulletin(ctx, &other); err != nil {
		t.Fatal(err)
	}
	got, err := db.GetBulletin(ctx, b.ID)
	if err != nil || got.Figures != `{"a":1}` || got.Sections != "{}" || got.Edited != nil || !got.Drafted.Equal(t0) || got.BriefingID != 0 {
		t.Fatalf("get: %+v %v", got, err)
	}
	if _, err := db.GetBulletin(ctx, 9999); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("unknown: %v", err)
	}
	// Edit from draft; a stale version or a wrong state changes nothing.
	at := t0.Add(time.Hour)
	got.State, got.Remarks, got.EditedBy, got.Editor, got.Edited = store.BulletinEdited, "意见", 7, "主任", &at
	if err := db.UpdateBulletin(ctx, &got, store.BulletinDraft, store.BulletinEdited); err != nil || got.Version != 2 {
		t.Fatalf("edit: %v %d", err, got.Version)
	}
	stale := got
	stale.Version = 1
	if err := db.UpdateBulletin(ctx, &stale, store.BulletinEdited); !errors.Is(err, store.ErrStale) {
		t.Fatalf("stale: %v", err)
	}
	wrong := got
	wrong.State = store.BulletinPublished
	if err := db.UpdateBulletin(ctx, &wrong, store.BulletinApproved); !errors.Is(err, store.ErrStale) {
		t.Fatalf("publish an unapproved one: %v", err)
	}
	back, _ := db.GetBulletin(ctx, b.ID)
	if back.State != store.BulletinEdited || back.Remarks != "意见" || back.Editor != "主任" || back.Edited == nil || !back.Edited.Equal(at) || back.Version != 2 {
		t.Fatalf("after edit: %+v", back)
	}
	// A correction is the next revision of the month.
	rev := store.Bulletin{CommitteeID: f.committee.ID, Month: "2026-02", Revision: 2, CorrectsID: b.ID, Reason: "更正", State: store.BulletinDraft, Title: "更正", Figures: "{}"}
	if err := db.AddBulletin(ctx, &rev); err != nil {
		t.Fatal(err)
	}
	march := store.Bulletin{CommitteeID: f.committee.ID, Month: "2026-03", State: store.BulletinDraft, Title: "三月", Figures: "{}"}
	if err := db.AddBulletin(ctx, &march); err != nil {
		t.Fatal(err)
	}
	list, err := db.ListBulletins(ctx, store.BulletinQuery{CommitteeIDs: []int64{f.committee.ID}})
	if err != nil || len(list) != 3 || list[0].ID != march.ID || list[1].ID != rev.ID || list[1].CorrectsID != b.ID || list[2].ID != b.ID {
		t.Fatalf("list: %+v %v", list, err)
	}
	if l, _ := db.ListBulletins(ctx, store.BulletinQuery{CommitteeIDs: []int64{f.committee.ID}, Month: "2026-02"}); len(l) != 2 {
		t.Fatalf("by month: %d", len(l))
	}
	if l, _ := db.ListBulletins(ctx, store.BulletinQuery{CommitteeIDs: []int64{}}); len(l) != 0 {
		t.Fatalf("no committees: %d", len(l))
	}
	if l, _ := db.ListBulletins(ctx, store.BulletinQuery{PublishedOnly: true}); len(l) != 0 {
		t.Fatalf("published: %d", len(l))
	}

	// Hot merchants: counted cases received in the days, per merchant (or
	// per name when the case names one not in the register).
	for i, m := range []string{"甲健身", "甲健身", "乙教育", "甲健身", ""} {
		nc := newCase(f, f.room1.ID, fmt.Sprintf("hot-%d", i))
		if m != "" {
			nc.Merchant = &store.Merchant{Name: m}
		}
		if i == 3 {
			nc.ReceivedAt = t0.AddDate(0, 1, 0) // another month
		}
		nc.Event.At = nc.ReceivedAt
		if _, _, err := db.CreateCase(ctx, nc); err != nil {
			t.Fatal(err)
		}
	}
	catchUp(t, db)
	hot, err := db.HotMerchants(ctx, f.committee.ID, "2026-03-01", "2026-03-31", 10)
	if err != nil || len(hot) != 3 || hot[0].Name != "甲健身" || hot[0].Cases != 2 || hot[0].MerchantID == 0 || hot[1].Name != "乙教育" || hot[1].Cases != 1 ||
		hot[2].MerchantID != 0 || hot[2].Name != "某某健身有限公司" { // named on the case only
		t.Fatalf("hot merchants: %+v %v", hot, err)
	}
	if hot, _ := db.HotMerchants(ctx, f.committee.ID, "2026-03-01", "2026-03-31", 1); len(hot) != 1 {
		t.Fatalf("limit: %+v", hot)
	}
	if hot, _ := db.HotMerchants(ctx, f.otherCommittee.ID, "2026-03-01", "2026-03-31", 0); len(hot) != 0 {
		t.Fatalf("other committee: %+v", hot)
	}

	// Warnings raised in a window within a subtree.
	for i, w := range []struct {
		unit  store.OrgUnit
		level string
		at    time.Time
	}{{f.room1, "red", t0}, {f.committee, "yellow", t0.Add(time.Hour)}, {f.room1, "red", t0.AddDate(0, 1, 0)}, {f.otherCommittee, "red", t0}} {
		wr := store.Warning{Rule: "overdue", RuleVersion: 1, Level: w.level, Status: store.WarningOpen, SubjectKind: "case", SubjectID: int64(i + 1),
			SubjectKey: fmt.Sprintf("case:%d", i+1), SubjectLabel: fmt.Sprintf("案件%d", i), UnitID: w.unit.ID, UnitPath: w.unit.Path, Explain: "超期", RaisedAt: w.at}
		if ok, err := db.RaiseWarning(ctx, &wr); err != nil || !ok {
			t.Fatalf("raise: %v %v", ok, err)
		}
	}
	ws, err := db.WarningsRaised(ctx, f.committee.Path, time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC), time.Date(2026, 4, 1, 0, 0, 0, 0, time.UTC))
	if err != nil || len(ws) != 2 || ws[0].Level != "red" || ws[0].SubjectLabel != "案件0" || ws[1].Level != "yellow" || ws[0].Explain != "超期" {
		t.Fatalf("warnings raised: %+v %v", ws, err)
	}
}
