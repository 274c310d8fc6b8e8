package storetest

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/tiaojie/tiaojie/internal/store"
)

// TestLibraryStore: typical cases on both engines: one live typical case
// per case, guarded edits (version, status), moves with their stamps,
// scoped and public listing with category and text filters.
func TestLibraryStore(t *testing.T) {
	for _, e := range Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			db := e.Open(t, true)
			f := newFixture(t, db)
			c1, _, err := db.CreateCase(ctx, newCase(f, f.room1.ID, "L1"))
			if err != nil {
				t.Fatal(err)
			}
			c2, _, err := db.CreateCase(ctx, newCase(f, f.room2.ID, "L2"))
			if err != nil {
				t.Fatal(err)
			}
			tc := store.TypicalCase{CaseID: c1.ID, CommitteeID: f.committee.ID, OrgPath: c1.OrgPath, Title: "健身房闭店退费纠纷", Category: "服务-健身",
				Facts: "张某在某健身公司办卡", Process: "调解员组织调解", Result: "退还余款", KeepMerchants: false, Hits: `[{"kind":"name"}]`,
				NominatedBy: 0, Nominator: "调解员01", Created: t0}
			if err := db.CreateTypicalCase(ctx, &tc); err != nil || tc.ID == 0 || tc.Version != 1 || tc.Status != store.TypicalDraft {
				t.Fatalf("create: %+v %v", tc, err)
			}
			dup := tc
			dup.ID = 0
			if err := db.CreateTypicalCase(ctx, &dup); !errors.Is(err, store.ErrConflict) {
				t.Fatalf("second live typical case of one case: %v", err)
			}
			got, err := db.GetTypicalCase(ctx, tc.ID)
			if err != nil || got.CaseNumber != c1.Number || got.Title != tc.Title || got.Hits != tc.Hits || got.Clean || got.Version != 1 ||
				!got.Created.Equal(t0) || got.Nominator != "调解员01" || got.SubmittedAt != nil || got.OrgPath != c1.OrgPath {
				t.Fatalf("get: %+v %v", got, err)
			}
			if _, err := db.GetTypicalCase(ctx, 99999); !errors.Is(err, store.ErrNotFound) {
				t.Fatalf("unknown: %v", err)
			}
			// Edit at the version read; a stale version is refused.
			got.Significance, got.Hits, got.Clean, got.Updated = "预付式消费风险提示", "[]", true, t0.Add(time.Hour)
			if err := db.EditTypicalCase(ctx, got); err != nil {
				t.Fatal(err)
			}
			if err := db.EditTypicalCase(ctx, got); !errors.Is(err, store.ErrStale) {
				t.Fatalf("stale edit: %v", err)
			}
			got, _ = db.GetTypicalCase(ctx, tc.ID)
			if got.Version != 2 || got.Significance != "预付式消费风险提示" || !got.Clean || got.Hits != "[]" {
				t.Fatalf("after edit: %+v", got)
			}
			// Publish straight from a draft is not allowed when From says submitted.
			pub := store.TypicalMove{ID: tc.ID, Version: 2, From: []string{store.TypicalSubmitted}, To: store.TypicalPublished, By: 0, ByName: "调委会01", At: t0.Add(3 * time.Hour), Hits: "[]", Clean: true}
			if err := db.MoveTypicalCase(ctx, pub); !errors.Is(err, store.ErrConflict) {
				t.Fatalf("publish a draft: %v", err)
			}
			if err := db.MoveTypicalCase(ctx, store.TypicalMove{ID: tc.ID, Version: 2, From: []string{store.TypicalDraft}, To: store.TypicalSubmitted, At: t0.Add(2 * time.Hour)}); err != nil {
				t.Fatal(err)
			}
			pub.Version = 3
			if err := db.MoveTypicalCase(ctx, pub); err != nil {
				t.Fatal(err)
			}
			got, _ = db.GetTypicalCase(ctx, tc.ID)
			if got.Status != store.TypicalPublished || got.Version != 4 || got.SubmittedAt == nil || !got.SubmittedAt.Equal(t0.Add(2*time.Hour)) ||
				got.PublishedAt == nil || !got.PublishedAt.Equal(t0.Add(3*time.Hour)) || got.Publisher != "调委会01" {
				t.Fatalf("published: %+v", got)
			}
			// A published case is no longer edited.
			if err := db.EditTypicalCase(ctx, got); !errors.Is(err, store.ErrConflict) {
				t.Fatalf("edit published: %v", err)
			}
			// A second case, still a draft, in room 2.
			tc2 := store.TypicalCase{CaseID: c2.ID, CommitteeID: f.committee.ID, OrgPath: c2.OrgPath, Title: "家电维修纠纷", Category: "商品-家用电器", Facts: "空调故障", Created: t0}
			if err := db.CreateTypicalCase(ctx, &tc2); err != nil {
				t.Fatal(err)
			}
			public := store.TypicalCaseQuery{Scope: store.Scope{All: true}, Statuses: []string{store.TypicalPublished}}
			ls, n, err := db.ListTypicalCases(ctx, public)
			if err != nil || n != 1 || len(ls) != 1 || ls[0].ID != tc.ID {
				t.Fatalf("public list: %+v %d %v", ls, n, err)
			}
			q := public
			q.Text = "风险"
			if ls, n, _ := db.ListTypicalCases(ctx, q); n != 1 || len(ls) != 1 {
				t.Fatalf("text search: %d", n)
			}
			q.Text = "100%_"
			if _, n, _ := db.ListTypicalCases(ctx, q); n != 0 {
				t.Fatalf("LIKE wildcards must be literal: %d", n)
			}
			q.Text, q.Category = "", "商品-家用电器"
			if _, n, _ := db.ListTypicalCases(ctx, q); n != 0 {
				t.Fatalf("category filter: %d", n)
			}
			if cs, err := db.TypicalCategories(ctx, public); err != nil || len(cs) != 1 || cs[0] != "服务-健身" {
				t.Fatalf("categories: %v %v", cs, err)
			}
			// Staff scope: room 2 sees its own draft only; the other district nothing.
			room2 := store.TypicalCaseQuery{Scope: store.Scope{Prefixes: []string{f.room2.Path}}}
			if ls, n, _ := db.ListTypicalCases(ctx, room2); n != 1 || ls[0].ID != tc2.ID {
				t.Fatalf("room scope: %d %+v", n, ls)
			}
			if _, n, _ := db.ListTypicalCases(ctx, store.TypicalCaseQuery{Scope: store.Scope{Prefixes: []string{f.otherCommittee.Path}}}); n != 0 {
				t.Fatalf("other district sees %d", n)
			}
			if _, n, _ := db.ListTypicalCases(ctx, store.TypicalCaseQuery{}); n != 0 {
				t.Fatalf("empty scope sees %d", n)
			}
			if ls, n, _ := db.ListTypicalCases(ctx, store.TypicalCaseQuery{Scope: store.Scope{Prefixes: []string{f.committee.Path}}, Limit: 1, Offset: 1}); n != 2 || len(ls) != 1 {
				t.Fatalf("paging: %d %d", n, len(ls))
			}
			// Withdraw with a reason; the case may then be nominated again.
			if err := db.MoveTypicalCase(ctx, store.TypicalMove{ID: tc.ID, Version: 4, From: []string{store.TypicalPublished}, To: store.TypicalWithdrawn, Reason: "当事人提出异议", At: t0.Add(4 * time.Hour)}); err != nil {
				t.Fatal(err)
			}
			got, _ = db.GetTypicalCase(ctx, tc.ID)
			if got.Status != store.TypicalWithdrawn || got.WithdrawNote != "当事人提出异议" || got.WithdrawnAt == nil || got.PublishedAt == nil {
				t.Fatalf("withdrawn: %+v", got)
			}
			if _, n, _ := db.ListTypicalCases(ctx, public); n != 0 {
				t.Fatalf("withdrawn still public: %d", n)
			}
			again := store.TypicalCase{CaseID: c1.ID, CommitteeID: f.committee.ID, OrgPath: c1.OrgPath, Title: "再次推荐", Created: t0}
			if err := db.CreateTypicalCase(ctx, &again); err != nil {
				t.Fatalf("renominate after withdrawal: %v", err)
			}
			// Every write is on the audit trail.
			es, err := db.ListAudit(ctx, store.AuditQuery{Object: "typical_case:", Scope: store.Scope{All: true}, Limit: 50})
			if err != nil || len(es) < 6 {
				t.Fatalf("audit: %d %v", len(es), err)
			}
		})
	}
}
