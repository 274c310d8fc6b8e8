package storetest

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/tiaojie/tiaojie/internal/store"
)

// Thirty failures at once lock the account exactly as thirty in a row do:
// the count and the lock move in one statement. A success while locked
// changes nothing; after the lock one failure starts the count again.
func TestLoginFailureAtomic(t *testing.T) {
	for _, e := range Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			db := e.Open(t, true)
			u := store.User{Username: "mediator01", DisplayName: "调解员01", PasswordHash: "x", Active: true}
			if err := db.CreateUser(ctx, &u); err != nil {
				t.Fatal(err)
			}
			const lockFor = 15 * time.Minute
			var wg sync.WaitGroup
			var mu sync.Mutex
			seen := map[int]bool{}
			errs := make(chan error, 30)
			for range 30 {
				wg.Add(1)
				go func() {
					defer wg.Done()
					n, _, err := db.LoginFailure(ctx, u.ID, t0, 5, lockFor)
					if err != nil {
						errs <- err
						return
					}
					mu.Lock()
					seen[n] = true
					mu.Unlock()
				}()
			}
			wg.Wait()
			close(errs)
			for err := range errs {
				t.Fatal(err)
			}
			// Every failure saw its own count: none was lost to a race.
			if len(seen) != 30 || !seen[1] || !seen[30] {
				t.Fatalf("counts seen: %v", seen)
			}
			got, _ := db.GetUser(ctx, u.ID)
			if got.FailedLogins != 30 || got.LockedUntil == nil || !got.LockedUntil.Equal(t0.Add(lockFor)) {
				t.Fatalf("after 30 parallel failures: %d %v", got.FailedLogins, got.LockedUntil)
			}
			// Locked: a success is not recorded and does not clear the lock.
			if ok, err := db.LoginSuccess(ctx, u.ID, t0.Add(time.Minute)); err != nil || ok {
				t.Fatalf("success while locked: %v %v", ok, err)
			}
			if got, _ := db.GetUser(ctx, u.ID); got.LockedUntil == nil || got.LastLoginAt != nil {
				t.Fatal("a success while locked changed the account")
			}
			// A failure during the lock keeps the lock's end.
			if n, lock, err := db.LoginFailure(ctx, u.ID, t0.Add(time.Minute), 5, lockFor); err != nil || n != 31 || lock == nil || !lock.Equal(t0.Add(lockFor)) {
				t.Fatalf("failure while locked: %d %v %v", n, lock, err)
			}
			// After the lock: one failure counts 1, without a lock.
			later := t0.Add(lockFor + time.Second)
			if n, lock, err := db.LoginFailure(ctx, u.ID, later, 5, lockFor); err != nil || n != 1 || lock != nil {
				t.Fatalf("failure after the lock: %d %v %v", n, lock, err)
			}
			if ok, err := db.LoginSuccess(ctx, u.ID, later); err != nil || !ok {
				t.Fatalf("success after the lock: %v %v", ok, err)
			}
			if got, _ := db.GetUser(ctx, u.ID); got.FailedLogins != 0 || got.LastLoginAt == nil || !got.LastLoginAt.Equal(later) {
				t.Fatalf("after success: %+v", got)
			}
			if _, _, err := db.LoginFailure(ctx, 4242, t0, 5, lockFor); !errors.Is(err, store.ErrNotFound) {
				t.Fatalf("unknown user: %v", err)
			}
			// Each counted failure is on the audit trail, about the user.
			es, err := db.ListAudit(ctx, store.AuditQuery{Object: fmt.Sprintf("user:%d", u.ID), Scope: store.Scope{All: true}, Limit: 100})
			if err != nil || len(es) < 32 {
				t.Fatalf("audit entries about the user: %d %v", len(es), err)
			}

			// Policy versions and second-factor challenges.
			if _, err := db.LatestSecurityPolicy(ctx); !errors.Is(err, store.ErrNotFound) {
				t.Fatalf("no policy yet: %v", err)
			}
			for _, js := range []string{`{"max_failures":5}`, `{"max_failures":3}`} {
				if err := db.AddSecurityPolicy(ctx, &store.SecurityPolicy{Policy: js, CreatedBy: u.ID}); err != nil {
					t.Fatal(err)
				}
			}
			if p, err := db.LatestSecurityPolicy(ctx); err != nil || p.Policy != `{"max_failures":3}` || p.CreatedBy != u.ID {
				t.Fatalf("latest policy: %+v %v", p, err)
			}
			if err := db.SetUserPhone(ctx, u.ID, "sealed", "136****1234"); err != nil {
				t.Fatal(err)
			}
			if got, _ := db.GetUser(ctx, u.ID); got.PhoneSealed != "sealed" || got.PhoneMask != "136****1234" {
				t.Fatalf("phone: %+v", got)
			}
			if err := db.ChangePassword(ctx, u.ID, "h2", t0); err != nil {
				t.Fatal(err)
			}
			if got, _ := db.GetUser(ctx, u.ID); got.PasswordHash != "h2" || got.PasswordChanged == nil || !got.PasswordChanged.Equal(t0) || got.FailedLogins != 0 {
				t.Fatalf("changed password: %+v", got)
			}
			c := store.LoginChallenge{UserID: u.ID, CodeHash: "h", Expires: t0.Add(5 * time.Minute)}
			if err := db.CreateLoginChallenge(ctx, &c); err != nil || c.ID == 0 {
				t.Fatal(err)
			}
			var tries sync.Map
			wg = sync.WaitGroup{}
			for range 10 {
				wg.Add(1)
				go func() {
					defer wg.Done()
					got, err := db.TryLoginChallenge(ctx, c.ID)
					if err != nil {
						t.Error(err)
						return
					}
					tries.Store(got.Tries, true)
				}()
			}
			wg.Wait()
			for i := 1; i <= 10; i++ {
				if _, ok := tries.Load(i); !ok {
					t.Fatalf("try %d was never counted", i)
				}
			}
			got2, err := db.TryLoginChallenge(ctx, c.ID)
			if err != nil || got2.Tries != 11 || got2.UserID != u.ID || got2.CodeHash != "h" || !got2.Expires.Equal(t0.Add(5*time.Minute)) {
				t.Fatalf("challenge: %+v %v", got2, err)
			}
			if err := db.UseLoginChallenge(ctx, c.ID, t0); err != nil {
				t.Fatal(err)
			}
			if err := db.UseLoginChallenge(ctx, c.ID, t0); !errors.Is(err, store.ErrNotFound) {
				t.Fatalf("used twice: %v", err)
			}
			if _, err := db.TryLoginChallenge(ctx, c.ID); !errors.Is(err, store.ErrNotFound) {
				t.Fatalf("try a used challenge: %v", err)
			}
		})
	}
}
