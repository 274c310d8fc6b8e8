package desk_test

import (
	"context"
	"errors"
	"strconv"
	"testing"

	"github.com/tiaojie/tiaojie/internal/access"
	"github.com/tiaojie/tiaojie/internal/auth"
	"github.com/tiaojie/tiaojie/internal/desk"
	"github.com/tiaojie/tiaojie/internal/domain"
	"github.com/tiaojie/tiaojie/internal/store"
	"github.com/tiaojie/tiaojie/internal/store/storetest"
)

// Saved views: a name of 1–20 characters, a filter to keep, at most 20 per
// person (re-saving a known name replaces it), and only one's own deleted.
func TestSavedViews(t *testing.T) {
	ctx := context.Background()
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			st := e.Open(t, true)
			var users [2]store.User
			for i := range users {
				users[i] = store.User{Username: "m" + strconv.Itoa(i), DisplayName: "调解员", PasswordHash: "x", Active: true}
				if err := st.CreateUser(ctx, &users[i]); err != nil {
					t.Fatal(err)
				}
			}
			me, other := &auth.Principal{UserID: users[0].ID}, &auth.Principal{UserID: users[1].ID}
			svc := &desk.Service{Store: st}
			var fe *domain.FieldError
			if err := svc.SaveView(ctx, me, "", "status=mediating"); !errors.As(err, &fe) {
				t.Fatalf("an empty name is refused: %v", err)
			}
			if err := svc.SaveView(ctx, me, "超期", ""); !errors.As(err, &fe) {
				t.Fatalf("no filter is refused: %v", err)
			}
			for i := range 20 {
				if err := svc.SaveView(ctx, me, "视图"+strconv.Itoa(i), "due=overdue"); err != nil {
					t.Fatal(err)
				}
			}
			if err := svc.SaveView(ctx, me, "第二十一个", "due=soon"); !errors.As(err, &fe) {
				t.Fatalf("a 21st view is refused: %v", err)
			}
			if err := svc.SaveView(ctx, me, "视图3", "due=soon"); err != nil {
				t.Fatalf("re-saving a known name at the limit: %v", err)
			}
			vs, err := svc.Views(ctx, me)
			if err != nil || len(vs) != 20 {
				t.Fatalf("views = %d, %v", len(vs), err)
			}
			if err := svc.DeleteView(ctx, other, vs[0].ID); !errors.Is(err, desk.ErrNoView) {
				t.Fatalf("deleting another's view: %v", err)
			}
			if _, code := access.StatusOf(desk.ErrNoView); code == "" {
				t.Fatal("the refusal has no message")
			}
			if err := svc.DeleteView(ctx, me, vs[0].ID); err != nil {
				t.Fatal(err)
			}
			if vs, _ := svc.Views(ctx, me); len(vs) != 19 {
				t.Fatalf("after delete: %d views", len(vs))
			}
		})
	}
}
