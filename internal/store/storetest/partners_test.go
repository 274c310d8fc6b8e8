package storetest

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/tiaojie/tiaojie/internal/domain"
	"github.com/tiaojie/tiaojie/internal/store"
	"github.com/tiaojie/tiaojie/internal/store/sqlstore"
)

// TestPartnersStore: the liaison register and the room inspections on both engines.
func TestPartnersStore(t *testing.T) {
	for _, e := range Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			t.Parallel()
			t.Run("Liaison", func(t *testing.T) { t.Parallel(); testLiaisonStore(t, e.Open(t, true)) })
			t.Run("Inspections", func(t *testing.T) { t.Parallel(); testInspectionStore(t, e.Open(t, true)) })
		})
	}
}

func testLiaisonStore(t *testing.T, db *sqlstore.DB) {
	ctx := context.Background()
	f := newFixture(t, db)
	court := mkOrg(t, db, f.district.ID, domain.OrgCourt, "pd-court", "浦东法院", "")
	reg := store.Partner{CommitteeID: f.committee.ID, Kind: string(domain.OrgRegulatorOffice), OrgID: f.regulator.ID, Name: f.regulator.Name, Created: t0}
	if err := db.AddPartner(ctx, &reg); err != nil || reg.ID == 0 {
		t.Fatalf("add partner: %+v %v", reg, err)
	}
	// The same unit twice in one committee is a conflict; in another committee it is not.
	dup := reg
	dup.ID, dup.Name = 0, "另一个名字"
	if err := db.AddPartner(ctx, &dup); !errors.Is(err, store.ErrConflict) {
		t.Fatalf("same unit twice: %v", err)
	}
	other := store.Partner{CommitteeID: f.otherCommittee.ID, Kind: "court", OrgID: court.ID, Name: court.Name}
	if err := db.AddPartner(ctx, &other); err != nil {
		t.Fatal(err)
	}
	ent := store.Partner{CommitteeID: f.committee.ID, Kind: "enterprise", RoomID: f.room2.ID, Name: "企业联络点", Note: "客服"}
	if err := db.AddPartner(ctx, &ent); err != nil {
		t.Fatal(err)
	}
	c := store.PartnerContact{PartnerID: reg.ID, Name: "顾明华", Post: "所长", PhoneSealed: "sealed", PhoneMask: "139****0001", Email: "a@b.cn"}
	if err := db.AddPartnerContact(ctx, &c); err != nil || c.ID == 0 {
		t.Fatal(err)
	}
	got, err := db.GetPartner(ctx, reg.ID)
	if err != nil || got.OrgID != f.regulator.ID || len(got.Contacts) != 1 || got.Contacts[0].PhoneSealed != "sealed" || got.Contacts[0].Post != "所长" {
		t.Fatalf("get partner: %+v %v", got, err)
	}
	if _, err := db.GetPartner(ctx, 9999); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("unknown partner: %v", err)
	}
	ps, err := db.ListPartners(ctx, []int64{f.committee.ID})
	if err != nil || len(ps) != 2 || ps[0].Kind != "enterprise" || ps[0].RoomID != f.room2.ID || len(ps[1].Contacts) != 1 {
		t.Fatalf("list partners: %+v %v", ps, err)
	}
	if ps, _ := db.ListPartners(ctx, []int64{}); len(ps) != 0 {
		t.Fatalf("no committees: %+v", ps)
	}

	c1, _, _ := db.CreateCase(ctx, newCase(f, f.room1.ID, "L1"))
	for i, day := range []string{"2026-03-01", "2026-03-05", "2026-02-20"} {
		l := store.ContactLog{CommitteeID: f.committee.ID, PartnerID: reg.ID, Day: day, Channel: "phone", Topic: "分流案件", Recorder: "王敏", Created: t0}
		if i == 1 {
			l.CaseIDs, l.GroupIDs = []int64{c1.ID}, []int64{7}
		}
		if err := db.AddContactLog(ctx, &l); err != nil || l.ID == 0 {
			t.Fatal(err)
		}
	}
	ls, err := db.ListContactLog(ctx, store.ContactLogQuery{CommitteeIDs: []int64{f.committee.ID}})
	if err != nil || len(ls) != 3 || ls[0].Day != "2026-03-05" || len(ls[0].CaseIDs) != 1 || ls[0].CaseIDs[0] != c1.ID ||
		len(ls[0].GroupIDs) != 1 || ls[0].PartnerName != f.regulator.Name || ls[2].Day != "2026-02-20" {
		t.Fatalf("list log: %+v %v", ls, err)
	}
	if ls, _ := db.ListContactLog(ctx, store.ContactLogQuery{CommitteeIDs: []int64{f.committee.ID}, From: "2026-03-01", To: "2026-03-04"}); len(ls) != 1 {
		t.Fatalf("days filter: %+v", ls)
	}
	if ls, _ := db.ListContactLog(ctx, store.ContactLogQuery{CommitteeIDs: []int64{f.otherCommittee.ID}}); len(ls) != 0 {
		t.Fatalf("other committee: %+v", ls)
	}
	// Pages by cursor: a second line on 2026-03-01 comes before the first
	// (the newer id first), and a page resumes past the cursor's line.
	same := store.ContactLog{CommitteeID: f.committee.ID, PartnerID: reg.ID, Day: "2026-03-01", Channel: "visit", Topic: "回访", Recorder: "王敏", Created: t0}
	if err := db.AddContactLog(ctx, &same); err != nil {
		t.Fatal(err)
	}
	all, _ := db.ListContactLog(ctx, store.ContactLogQuery{CommitteeIDs: []int64{f.committee.ID}})
	if len(all) != 4 || all[1].ID != same.ID || all[2].Day != "2026-03-01" {
		t.Fatalf("log with a tie: %+v", all)
	}
	for i := range all {
		page, err := db.ListContactLog(ctx, store.ContactLogQuery{CommitteeIDs: []int64{f.committee.ID}, After: &store.DayCursor{Day: all[i].Day, ID: all[i].ID}, Limit: 2})
		if err != nil {
			t.Fatal(err)
		}
		want := all[i+1 : min(i+3, len(all))]
		if len(page) != len(want) || len(want) > 0 && (page[0].ID != want[0].ID || page[len(page)-1].ID != want[len(want)-1].ID) {
			t.Fatalf("page after line %d: %+v, want %+v", i, page, want)
		}
	}

	b := store.Briefing{CommitteeID: f.committee.ID, Title: "情况通报", From: "2026-02-01", To: "2026-02-28", Body: "正文", PDF: []byte("%PDF-1.4 x %%EOF"),
		SHA256: "abc", Creator: "王敏", Created: t0, Recipients: []store.BriefingRecipient{{PartnerID: reg.ID, SMSQueued: 1}, {PartnerID: ent.ID}}}
	if err := db.AddBriefing(ctx, &b); err != nil || b.ID == 0 {
		t.Fatal(err)
	}
	gb, err := db.GetBriefing(ctx, b.ID)
	if err != nil || string(gb.PDF) != "%PDF-1.4 x %%EOF" || len(gb.Recipients) != 2 || gb.Recipients[0].State != "sent" || !gb.Created.Equal(t0) {
		t.Fatalf("get briefing: %+v %v", gb, err)
	}
	if err := db.MarkBriefingReceived(ctx, b.ID, reg.ID, t0.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	if err := db.MarkBriefingReceived(ctx, b.ID, reg.ID, t0.Add(2*time.Hour)); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("received twice: %v", err)
	}
	if err := db.MarkBriefingReceived(ctx, b.ID, other.ID, t0); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("not a recipient: %v", err)
	}
	bs, err := db.ListBriefings(ctx, []int64{f.committee.ID})
	if err != nil || len(bs) != 1 || bs[0].PDF != nil || len(bs[0].Recipients) != 2 {
		t.Fatalf("list briefings: %+v %v", bs, err)
	}
	for _, r := range bs[0].Recipients {
		if (r.PartnerID == reg.ID) != (r.State == "received" && r.ReceivedAt != nil && r.SMSQueued == 1) {
			t.Fatalf("recipient %+v", r)
		}
	}
	// Every write is on the audit trail.
	if es, err := db.ListAudit(ctx, store.AuditQuery{Scope: store.Scope{All: true}, Limit: 100}); err != nil || len(es) < 8 {
		t.Fatalf("audit: %d %v", len(es), err)
	}
}

func testInspectionStore(t *testing.T, db *sqlstore.DB) {
	ctx := context.Background()
	f := newFixture(t, db)
	in := store.Inspection{CommitteeID: f.committee.ID, RoomID: f.room1.ID, Day: "2026-03-01", StandardVersion: "PD-2024", Inspectors: "王敏",
		EarnedX10: 955, PossibleX10: 1000, Created: t0,
		Items:          []store.InspectionItem{{Code: "A1", Result: "pass"}, {Code: "E1", Result: "fail", Note: "未加锁"}},
		Photos:         []store.InspectionPhoto{{ItemCode: "E1", Name: "柜.png", ContentType: "image/png", SHA256: "s", Data: []byte("PNGDATA")}},
		Rectifications: []store.Rectification{{ItemCode: "E1", Text: "档案柜加锁", DueDay: "2026-03-10", Owner: "李"}, {Text: "公示", DueDay: "2026-04-01", Owner: "张"}}}
	if err := db.AddInspection(ctx, &in); err != nil || in.ID == 0 || in.Photos[0].ID == 0 || in.Rectifications[1].ID == 0 {
		t.Fatalf("add inspection: %+v %v", in, err)
	}
	later := store.Inspection{CommitteeID: f.committee.ID, RoomID: f.room1.ID, Day: "2026-03-20", StandardVersion: "PD-2024", Inspectors: "王敏",
		EarnedX10: 1000, PossibleX10: 1000}
	if err := db.AddInspection(ctx, &later); err != nil {
		t.Fatal(err)
	}
	got, err := db.GetInspection(ctx, in.ID)
	if err != nil || got.RoomName != f.room1.Name || len(got.Items) != 2 || got.Items[1].Note != "未加锁" || len(got.Photos) != 1 ||
		got.Photos[0].Data != nil || got.Photos[0].Size != 7 || len(got.Rectifications) != 2 || got.EarnedX10 != 955 {
		t.Fatalf("get inspection: %+v %v", got, err)
	}
	ph, err := db.GetInspectionPhoto(ctx, in.ID, in.Photos[0].ID)
	if err != nil || string(ph.Data) != "PNGDATA" || ph.ContentType != "image/png" {
		t.Fatalf("photo: %+v %v", ph, err)
	}
	if _, err := db.GetInspectionPhoto(ctx, later.ID, in.Photos[0].ID); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("photo of another inspection: %v", err)
	}
	ins, err := db.ListInspections(ctx, []int64{f.committee.ID}, 0)
	if err != nil || len(ins) != 2 || ins[0].ID != later.ID {
		t.Fatalf("list inspections: %+v %v", ins, err)
	}
	if ins, _ := db.ListInspections(ctx, []int64{f.committee.ID}, f.room2.ID); len(ins) != 0 {
		t.Fatalf("room filter: %+v", ins)
	}
	// Each room's latest: by day, then by id on the same day; a room never
	// inspected has none.
	same := store.Inspection{CommitteeID: f.committee.ID, RoomID: f.room1.ID, Day: later.Day, StandardVersion: "PD-2024", Inspectors: "李华",
		EarnedX10: 900, PossibleX10: 1000}
	earlier := store.Inspection{CommitteeID: f.committee.ID, RoomID: f.room1.ID, Day: "2025-12-01", StandardVersion: "PD-2024", Inspectors: "李华",
		EarnedX10: 800, PossibleX10: 1000}
	for _, x := range []*store.Inspection{&same, &earlier} {
		if err := db.AddInspection(ctx, x); err != nil {
			t.Fatal(err)
		}
	}
	latest, err := db.LatestInspections(ctx, []int64{f.room1.ID, f.room2.ID})
	if err != nil || len(latest) != 1 || latest[0].ID != same.ID || latest[0].RoomName != f.room1.Name || latest[0].EarnedX10 != 900 {
		t.Fatalf("latest inspections: %+v %v", latest, err)
	}
	if latest, err := db.LatestInspections(ctx, nil); err != nil || len(latest) != 0 {
		t.Fatalf("latest of no room: %+v %v", latest, err)
	}
	overdue, err := db.ListRectifications(ctx, store.RectificationQuery{DueBefore: "2026-03-15"})
	if err != nil || len(overdue) != 1 || overdue[0].Text != "档案柜加锁" || overdue[0].RoomName != f.room1.Name {
		t.Fatalf("overdue: %+v %v", overdue, err)
	}
	if err := db.CompleteRectification(ctx, overdue[0].ID, "2026-03-16", "已加锁", 0); err != nil {
		t.Fatal(err)
	}
	if err := db.CompleteRectification(ctx, overdue[0].ID, "2026-03-17", "again", 0); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("completed twice: %v", err)
	}
	if o, _ := db.ListRectifications(ctx, store.RectificationQuery{DueBefore: "2026-03-15"}); len(o) != 0 {
		t.Fatalf("overdue after done: %+v", o)
	}
	if open, _ := db.ListRectifications(ctx, store.RectificationQuery{CommitteeIDs: []int64{f.committee.ID}, OpenOnly: true}); len(open) != 1 {
		t.Fatalf("open: %+v", open)
	}
	if all, _ := db.ListRectifications(ctx, store.RectificationQuery{CommitteeIDs: []int64{f.committee.ID}, RoomID: f.room1.ID}); len(all) != 2 || all[0].DoneDay != "2026-03-16" {
		t.Fatalf("all: %+v", all)
	}

	d := store.Designation{CommitteeID: f.committee.ID, RoomID: f.room1.ID, Day: "2026-03-21", Designator: "王敏", Basis: "得分 100", Created: t0}
	if err := db.AddDesignation(ctx, &d); err != nil || d.ID == 0 {
		t.Fatal(err)
	}
	twice := d
	twice.ID = 0
	if err := db.AddDesignation(ctx, &twice); !errors.Is(err, store.ErrConflict) {
		t.Fatalf("standing twice: %v", err)
	}
	if err := db.RevokeDesignation(ctx, d.ID, "2026-04-01", "整改逾期", 0); err != nil {
		t.Fatal(err)
	}
	if err := db.RevokeDesignation(ctx, d.ID, "2026-04-02", "again", 0); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("revoked twice: %v", err)
	}
	if err := db.AddDesignation(ctx, &twice); err != nil { // designated again after a revocation
		t.Fatal(err)
	}
	ds, err := db.ListDesignations(ctx, []int64{f.committee.ID})
	if err != nil || len(ds) != 2 || ds[0].RevokedDay != "" || ds[1].RevokeReason != "整改逾期" || ds[1].RoomName != f.room1.Name {
		t.Fatalf("list designations: %+v %v", ds, err)
	}
	if ds, _ := db.ListDesignations(ctx, []int64{f.otherCommittee.ID}); len(ds) != 0 {
		t.Fatalf("other committee: %+v", ds)
	}
}
