package storetest

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/tiaojie/tiaojie/internal/domain"
	"github.com/tiaojie/tiaojie/internal/store"
	"github.com/tiaojie/tiaojie/internal/store/sqlstore"
)

// TestFeedbackStore: the diverted complaints closed in a window, with their
// sessions, leads and recorded parts, on both engines.
func TestFeedbackStore(t *testing.T) {
	for _, e := range Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			t.Parallel()
			testFeedbackStore(t, e.Open(t, true))
		})
	}
}

func testFeedbackStore(t *testing.T, db *sqlstore.DB) {
	ctx := context.Background()
	f := newFixture(t, db)
	office2 := mkOrg(t, db, f.district.ID, domain.OrgRegulatorOffice, "pd-reg2", "花木市场监管所", "")
	court := mkOrg(t, db, f.district.ID, domain.OrgCourt, "pd-court", "浦东法院", "")
	mk := func(ext string, channel domain.Channel, divertedBy int64, closeType string, closeDay int) store.Case {
		t.Helper()
		nc := newCase(f, f.room1.ID, ext)
		nc.Channel, nc.DivertedByOrgID = channel, divertedBy
		c, _, err := db.CreateCase(ctx, nc)
		if err != nil {
			t.Fatal(err)
		}
		if closeType != "" {
			if err := db.AddNote(ctx, c.ID, store.Event{Type: closeType, At: t0.AddDate(0, 0, closeDay), ReasonCode: "no_agreement"}); err != nil {
				t.Fatal(err)
			}
		}
		return c
	}
	a := mk("fb-a", domain.Channel12315, f.regulator.ID, "reach_agreement", 5) // in March, office 1
	b := mk("fb-b", domain.ChannelWalkIn, office2.ID, "terminate", 10)         // in March, office 2
	mk("fb-c", domain.ChannelWalkIn, f.regulator.ID, "terminate", 40)          // April
	mk("fb-d", domain.ChannelWalkIn, f.regulator.ID, "", 0)                    // open
	mk("fb-e", domain.ChannelCourt, court.ID, "withdraw", 5)                   // diverted by a court: not 12315's
	mk("fb-f", domain.ChannelWalkIn, 0, "withdraw", 5)                         // walk-in
	g := mk("fb-g", domain.Channel12315, 0, "withdraw", 6)                     // 12315 without an office
	h := mk("fb-h", domain.Channel12315, f.regulator.ID, "terminate", 3)       // two closing events in March: listed once
	if err := db.AddNote(ctx, h.ID, store.Event{Type: "withdraw", At: t0.AddDate(0, 0, 8)}); err != nil {
		t.Fatal(err)
	}
	march := store.FeedbackQuery{Scope: store.Scope{Prefixes: []string{f.committee.Path}},
		From: time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC), To: time.Date(2026, 4, 1, 0, 0, 0, 0, time.UTC)}
	ids := func(in []store.FeedbackInput, err error) string {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		var s []int64
		for _, x := range in {
			s = append(s, x.Case.ID)
		}
		return fmt.Sprint(s)
	}
	if got, want := ids(db.FeedbackCases(ctx, march)), fmt.Sprint([]int64{a.ID, b.ID, g.ID, h.ID}); got != want {
		t.Fatalf("committee, March: %s, want %s", got, want)
	}
	// Read from the window's closing events (on SQLite, checked by its
	// plan), not from every case of the scope.
	if db.Dialect() == "sqlite" {
		if plan := tracedPlan(t, db, func() { db.FeedbackCases(ctx, march) }); !strings.Contains(plan, "INDEX case_events_closing (at>? AND at<?)") {
			t.Errorf("the window's closings not read by their events:\n%s", plan)
		}
	}
	// An office sees what it diverted; the office filter narrows a committee's view.
	office := march
	office.Scope = store.Scope{Prefixes: []string{f.regulator.Path}}
	if got, want := ids(db.FeedbackCases(ctx, office)), fmt.Sprint([]int64{a.ID, h.ID}); got != want {
		t.Fatalf("office 1: %s, want %s", got, want)
	}
	narrowed := march
	narrowed.OfficePath = office2.Path
	if got, want := ids(db.FeedbackCases(ctx, narrowed)), fmt.Sprint([]int64{b.ID}); got != want {
		t.Fatalf("office 2 filter: %s, want %s", got, want)
	}
	for _, q := range []store.FeedbackQuery{{Scope: store.Scope{Prefixes: []string{f.otherCommittee.Path}}, From: march.From, To: march.To},
		{From: march.From, To: march.To}} {
		if got := ids(db.FeedbackCases(ctx, q)); got != "[]" {
			t.Fatalf("outside the scope: %s", got)
		}
	}
	limited := march
	limited.Limit = 1
	if got := ids(db.FeedbackCases(ctx, limited)); got != fmt.Sprint([]int64{a.ID}) {
		t.Fatalf("limit: %s", got)
	}

	// One case with its parts: units, sessions, leads, the recorded edit.
	s := store.Session{CaseID: a.ID, Kind: "online", StartsAt: t0.AddDate(0, 0, 2), CreatedBy: 0}
	if err := db.CreateSession(ctx, &s); err != nil {
		t.Fatal(err)
	}
	if err := db.AddLead(ctx, &store.Lead{CaseID: a.ID, OfficeID: f.regulator.ID, Kind: "price", Note: "涉嫌价格违法"}); err != nil {
		t.Fatal(err)
	}
	got, err := db.FeedbackCase(ctx, a.ID)
	if err != nil || got.DiverterName != "陆家嘴市场监管所" || got.DiverterCode != "pd-reg1" || got.RoomName != "陆家嘴工作室" ||
		len(got.Sessions) != 1 || got.Sessions[0].Kind != "online" || got.Sessions[0].Status != "scheduled" || got.Leads != 1 ||
		got.Edit != nil || len(got.Events) != 2 || got.Parties != 2 || got.Case.ExternalID != "fb-a" {
		t.Fatalf("feedback case: %+v %v", got, err)
	}
	at := time.Date(2026, 3, 8, 2, 0, 0, 0, time.UTC)
	u := mkUser(t, db, "fb-mediator", domain.RoleMediator, f.room1)
	edit := store.FeedbackEdit{CaseID: a.ID, Method: "online", Summary: "双方在线达成协议。", UpdatedBy: u.ID, UpdatedByName: "王芳", UpdatedAt: at}
	if err := db.PutFeedbackEdit(ctx, edit); err != nil {
		t.Fatal(err)
	}
	edit.Summary, edit.Result = "改写后的调解情况。", "other"
	if err := db.PutFeedbackEdit(ctx, edit); err != nil {
		t.Fatal(err)
	}
	got, err = db.FeedbackCase(ctx, a.ID)
	if err != nil || got.Edit == nil || *got.Edit != edit {
		t.Fatalf("edit replaced: %+v %v", got.Edit, err)
	}
	if _, err := db.FeedbackCase(ctx, 999999); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("unknown case: %v", err)
	}
	if err := db.PutFeedbackEdit(ctx, store.FeedbackEdit{CaseID: 999999, UpdatedAt: at}); err == nil {
		t.Fatal("an edit of no case was stored")
	}
	entries, err := db.ListAudit(ctx, store.AuditQuery{Object: fmt.Sprintf("case:%d", a.ID), Scope: store.Scope{All: true}, Limit: 20})
	if err != nil || len(entries) == 0 {
		t.Fatalf("the edit is on the case's audit trail: %v %v", entries, err)
	}
}
