package storetest

import (
	"context"
	"errors"
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
