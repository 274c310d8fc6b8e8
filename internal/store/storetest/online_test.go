package storetest

import (
	"context"
	"strings"
	"testing"

	"github.com/tiaojie/tiaojie/internal/domain"
	"github.com/tiaojie/tiaojie/internal/store"
	"github.com/tiaojie/tiaojie/internal/store/sqlstore"
)

// The desk's channels awaiting a reply are found from the mediator's open
// cases: those they preside by the case's presiding mediator and status,
// the others by their non-presiding assignments. Never by every case they
// were ever assigned, which a mediator's years make thousands
// (BenchmarkAwaitingReplyYears). The answer is checked on both engines
// (testOnlineMediation); SQLite's plan here.
func TestAwaitingReplyByOpenCases(t *testing.T) {
	onEveryEngine(t, func(t *testing.T, e Engine, db *sqlstore.DB, f fixture) {
		ctx := context.Background()
		med := store.User{Username: "ar", DisplayName: "调解员", PasswordHash: "x", Active: true}
		db.CreateUser(ctx, &med)
		for i, c := range insertCases(t, db, f, 3) {
			st := domain.StatusMediating
			if i == 2 {
				st = domain.StatusArchived
			}
			if _, err := db.AssignCase(ctx, c.ID, c.Version, []int64{med.ID}, 0, store.CaseChange{Status: st}, store.Event{Type: "assign"}); err != nil {
				t.Fatal(err)
			}
			m := store.Message{CaseID: c.ID, Channel: store.ChannelJoint, Author: "merchant", AuthorName: "商家", Body: "已发货"}
			if err := db.AddMessage(ctx, &m); err != nil {
				t.Fatal(err)
			}
		}
		if th, err := db.ListAwaitingReply(ctx, med.ID); err != nil || len(th) != 2 {
			t.Fatalf("awaiting %+v %v, want the two open cases", th, err)
		}
		if e.Name != "sqlite" {
			return
		}
		plan := tracedPlan(t, db, func() { db.ListAwaitingReply(ctx, med.ID) })
		for _, want := range []string{"INDEX cases_presiding_scope (presiding_id=? AND status=?)", "INDEX case_mediators_user (user_id=? AND presiding=?)"} {
			if !strings.Contains(plan, want) {
				t.Errorf("plan lacks %q:\n%s", want, plan)
			}
		}
	})
}
