package storetest

import (
	"context"
	"errors"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/tiaojie/tiaojie/internal/domain"
	"github.com/tiaojie/tiaojie/internal/store"
	"github.com/tiaojie/tiaojie/internal/store/sqlstore"
)

// TestGrantRequests: a request is stored pending with who asked, decided once
// (a second decision is a conflict), listed by state and user, and every step
// is on the audit trail; a binding is removed once. Both engines.
func TestGrantRequests(t *testing.T) {
	for _, e := range Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			t.Parallel()
			testGrantRequests(t, e.Open(t, true))
		})
	}
}

func testGrantRequests(t *testing.T, db *sqlstore.DB) {
	ctx := context.Background()
	f := newFixture(t, db)
	admin := mkUser(t, db, "admin1", domain.RoleAdmin, f.city)
	approver := mkUser(t, db, "cmt1", domain.RoleCommittee, f.committee)
	target := store.User{Username: "newbie", DisplayName: "新同事", PasswordHash: "x", Active: true}
	if err := db.CreateUser(ctx, &target); err != nil {
		t.Fatal(err)
	}
	g := store.GrantRequest{UserID: target.ID, Role: domain.RoleCommittee, OrgID: f.committee.ID, Reason: "调委会新任", RequestedBy: admin.ID, RequestedAt: t0}
	if err := db.CreateGrantRequest(ctx, &g); err != nil {
		t.Fatal(err)
	}
	other := store.GrantRequest{UserID: target.ID, Role: domain.RoleMediator, OrgID: f.room1.ID, RequestedBy: admin.ID}
	if err := db.CreateGrantRequest(ctx, &other); err != nil {
		t.Fatal(err)
	}
	got, err := db.GetGrantRequest(ctx, g.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.State != store.GrantPending || got.Role != domain.RoleCommittee || got.OrgPath != f.committee.Path || got.Username != "newbie" ||
		got.UserName != "新同事" || got.Requester != "admin1" || got.Reason != "调委会新任" || !got.RequestedAt.Equal(t0) || got.DecidedAt != nil {
		t.Fatalf("stored request %+v", got)
	}
	if _, err := db.GetGrantRequest(ctx, g.ID+1000); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("unknown request: %v", err)
	}
	at := t0.Add(time.Hour)
	if err := db.DecideGrantRequest(ctx, g.ID, store.GrantApproved, approver.ID, "同意", at); err != nil {
		t.Fatal(err)
	}
	if err := db.DecideGrantRequest(ctx, g.ID, store.GrantRejected, approver.ID, "", at); !errors.Is(err, store.ErrConflict) {
		t.Fatalf("second decision: %v", err)
	}
	if err := db.DecideGrantRequest(ctx, g.ID+1000, store.GrantApproved, approver.ID, "", at); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("decide unknown: %v", err)
	}
	got, _ = db.GetGrantRequest(ctx, g.ID)
	if got.State != store.GrantApproved || got.DecidedBy != approver.ID || got.Decider != "cmt1" || got.DecidedAt == nil || !got.DecidedAt.Equal(at) || got.Note != "同意" {
		t.Fatalf("decided request %+v", got)
	}
	pending, err := db.ListGrantRequests(ctx, store.GrantQuery{State: store.GrantPending})
	if err != nil || len(pending) != 1 || pending[0].ID != other.ID {
		t.Fatalf("pending: %+v %v", pending, err)
	}
	all, err := db.ListGrantRequests(ctx, store.GrantQuery{UserID: target.ID})
	if err != nil || len(all) != 2 || all[0].ID != other.ID {
		t.Fatalf("by user: %+v %v", all, err)
	}
	if none, _ := db.ListGrantRequests(ctx, store.GrantQuery{UserID: admin.ID}); len(none) != 0 {
		t.Fatalf("requests for the admin: %+v", none)
	}

	// A reader's reach: the committee's subtree for any role but the
	// auditor's, plus what the reader asked for elsewhere; decided ones
	// newest first by cursor, pending ones oldest first.
	mk := func(org int64, role domain.Role, by int64, decided bool) int64 {
		r := store.GrantRequest{UserID: target.ID, Role: role, OrgID: org, RequestedBy: by}
		if err := db.CreateGrantRequest(ctx, &r); err != nil {
			t.Fatal(err)
		}
		if decided {
			if err := db.DecideGrantRequest(ctx, r.ID, store.GrantRejected, approver.ID, "", at); err != nil {
				t.Fatal(err)
			}
		}
		return r.ID
	}
	elsewhere := mk(f.otherCommittee.ID, domain.RoleMediator, admin.ID, true)
	auditor := mk(f.room2.ID, domain.RoleAuditor, admin.ID, true)
	mine := mk(f.otherCommittee.ID, domain.RoleMediator, approver.ID, true)
	room2 := mk(f.room2.ID, domain.RoleMediator, admin.ID, true)
	pendingIn := mk(f.room1.ID, domain.RoleMediator, admin.ID, false)
	mk(f.otherCommittee.ID, domain.RoleMediator, admin.ID, false)
	reach := []store.GrantReach{{Prefix: f.committee.Path, Except: []domain.Role{domain.RoleAuditor, domain.RoleAdmin}}}
	ids := func(q store.GrantQuery) []int64 {
		t.Helper()
		gs, err := db.ListGrantRequests(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		return idsOf(gs, func(g store.GrantRequest) int64 { return g.ID })
	}
	if got, want := ids(store.GrantQuery{Decided: true, Reach: reach, Mine: approver.ID}), []int64{room2, mine, g.ID}; !slices.Equal(got, want) {
		t.Fatalf("decided in reach: %v, want %v (elsewhere %d, auditor %d)", got, want, elsewhere, auditor)
	}
	if got, want := ids(store.GrantQuery{Decided: true, Reach: reach, Mine: approver.ID, BeforeID: room2, Limit: 1}), []int64{mine}; !slices.Equal(got, want) {
		t.Fatalf("decided before %d: %v, want %v", room2, got, want)
	}
	if got, want := ids(store.GrantQuery{Decided: true, Reach: reach}), []int64{room2, g.ID}; !slices.Equal(got, want) {
		t.Fatalf("decided in reach, none asked: %v, want %v", got, want)
	}
	if got, want := ids(store.GrantQuery{State: store.GrantPending, Reach: reach, Oldest: true}), []int64{other.ID, pendingIn}; !slices.Equal(got, want) {
		t.Fatalf("pending in reach, oldest first: %v, want %v", got, want)
	}
	wide := []store.GrantReach{{Prefix: f.city.Path}}
	if got := ids(store.GrantQuery{Decided: true, Reach: wide}); len(got) != 5 || !slices.Contains(got, auditor) {
		t.Fatalf("decided in the whole city: %v", got)
	}

	b := store.Binding{UserID: approver.ID, Role: domain.RoleCommittee, OrgID: f.committee.ID}
	if err := db.RemoveBinding(ctx, b); err != nil {
		t.Fatal(err)
	}
	if err := db.RemoveBinding(ctx, b); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("remove again: %v", err)
	}
	if bs, _ := db.ListBindings(ctx, approver.ID); len(bs) != 0 {
		t.Fatalf("bindings left: %+v", bs)
	}

	es, err := db.ListAudit(ctx, store.AuditQuery{Limit: 50, Scope: store.Scope{All: true}})
	if err != nil {
		t.Fatal(err)
	}
	has := func(action, object string) bool {
		for _, e := range es {
			if strings.Contains(e.Action, action) && strings.Contains(e.Object, object) {
				return true
			}
		}
		return false
	}
	id := "grant:" + strconv.FormatInt(g.ID, 10)
	if !has("request role grant", id) || !has("approve role grant", id) || !has("delete role_bindings", "user:"+strconv.FormatInt(approver.ID, 10)) {
		t.Errorf("audit trail lacks the grant's steps: %+v", es)
	}
}
