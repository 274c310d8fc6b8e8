package auth_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/tiaojie/tiaojie/internal/auth"
	"github.com/tiaojie/tiaojie/internal/domain"
	"github.com/tiaojie/tiaojie/internal/store"
	"github.com/tiaojie/tiaojie/internal/store/storetest"
)

func TestPasswordHash(t *testing.T) {
	h, err := auth.HashPassword("correct horse")
	if err != nil {
		t.Fatal(err)
	}
	h2, _ := auth.HashPassword("correct horse")
	if h == h2 {
		t.Fatal("hashes must be salted")
	}
	if !auth.CheckPassword(h, "correct horse") || auth.CheckPassword(h, "correct hors") || auth.CheckPassword(h, "") {
		t.Fatal("check")
	}
	for _, bad := range []string{"", "plain", "$argon2id$v=19$m=x$a$b", "$bcrypt$...$...$...$..."} {
		if auth.CheckPassword(bad, "x") {
			t.Fatalf("malformed hash %q accepted", bad)
		}
	}
	if _, err := auth.HashPassword(""); err == nil {
		t.Fatal("empty password hashed")
	}
}

func TestLoginLockoutTokens(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			ctx := context.Background()
			db := e.Open(t, true)
			now := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
			svc := &auth.Service{Store: db, Now: func() time.Time { return now }}
			org := store.OrgUnit{Kind: domain.OrgCity, Code: "sh", Name: "上海市"}
			db.CreateOrgUnit(ctx, &org)
			h, _ := auth.HashPassword("secret-pass")
			u := store.User{Username: "mediator01", DisplayName: "王芳", PasswordHash: h, Active: true}
			db.CreateUser(ctx, &u)
			db.AddBinding(ctx, store.Binding{UserID: u.ID, Role: domain.RoleMediator, OrgID: org.ID})

			p, err := svc.Login(ctx, " mediator01 ", "secret-pass")
			if err != nil || p.UserID != u.ID || !p.Can(domain.PermCaseRead) || p.Can(domain.PermSettings) {
				t.Fatalf("login: %+v %v", p, err)
			}
			if _, err := svc.Login(ctx, "nobody", "secret-pass"); !errors.Is(err, auth.ErrBadCredentials) {
				t.Fatalf("unknown user: %v", err)
			}
			for i := 1; i < auth.MaxFailures; i++ {
				if _, err := svc.Login(ctx, "mediator01", "wrong"); !errors.Is(err, auth.ErrBadCredentials) {
					t.Fatalf("failure %d: %v", i, err)
				}
			}
			if _, err := svc.Login(ctx, "mediator01", "wrong"); !errors.Is(err, auth.ErrLocked) {
				t.Fatalf("5th failure must lock: %v", err)
			}
			// Locked: even the right password is refused until the lock ends.
			if _, err := svc.Login(ctx, "mediator01", "secret-pass"); !errors.Is(err, auth.ErrLocked) {
				t.Fatalf("locked account signed in: %v", err)
			}
			now = now.Add(auth.LockDuration + time.Second)
			if _, err := svc.Login(ctx, "mediator01", "secret-pass"); err != nil {
				t.Fatalf("after the lock: %v", err)
			}
			if got, _ := db.GetUser(ctx, u.ID); got.FailedLogins != 0 {
				t.Fatal("success must reset the failure count")
			}

			// Bearer tokens expire; keys are scoped; revoked keys stop working.
			tok, exp, err := svc.IssueToken(ctx, p)
			if err != nil || !exp.Equal(now.Add(auth.TokenTTL).Truncate(time.Second)) {
				t.Fatal(err)
			}
			if bp, err := svc.Bearer(ctx, tok); err != nil || bp.UserID != u.ID || bp.Machine {
				t.Fatalf("bearer: %v", err)
			}
			now = now.Add(auth.TokenTTL)
			if _, err := svc.Bearer(ctx, tok); !errors.Is(err, auth.ErrBadToken) {
				t.Fatalf("expired token: %v", err)
			}
			key, kt, err := svc.IssueKey(ctx, "12315对接", org.ID, nil)
			if err != nil {
				t.Fatal(err)
			}
			kp, err := svc.Bearer(ctx, key)
			if err != nil || !kp.Machine || !kp.Can(domain.PermMachineIntake) || kp.Can(domain.PermCaseDecide) || kp.Scope(domain.PermCaseRead).Prefixes[0] != org.Path {
				t.Fatalf("key principal: %+v %v", kp, err)
			}
			db.RevokeToken(ctx, kt.ID, now)
			if _, err := svc.Bearer(ctx, key); !errors.Is(err, auth.ErrBadToken) {
				t.Fatalf("revoked key: %v", err)
			}
			if _, err := svc.Bearer(ctx, "tjk_nonsense"); !errors.Is(err, auth.ErrBadToken) {
				t.Fatalf("unknown key: %v", err)
			}
		})
	}
}

func TestPrincipalScope(t *testing.T) {
	p := &auth.Principal{Bindings: []store.Binding{
		{Role: domain.RoleMediator, OrgPath: "/1/2/3/10/"},
		{Role: domain.RoleAnalyst, OrgPath: "/1/2/"},
	}}
	in := store.Case{OrgPath: "/1/2/3/10/"}
	sibling := store.Case{OrgPath: "/1/2/3/11/"}
	prefixTrap := store.Case{OrgPath: "/1/2/3/100/"}
	if !p.CanOnCase(domain.PermCaseRead, in) || p.CanOnCase(domain.PermCaseRead, sibling) || p.CanOnCase(domain.PermCaseRead, prefixTrap) {
		t.Fatal("case scope")
	}
	// The analyst binding reaches the district but grants no case reading.
	if p.CanOnCase(domain.PermCaseRead, store.Case{OrgPath: "/1/2/5/"}) {
		t.Fatal("permission must come from the binding that reaches the case")
	}
	diverted := store.Case{OrgPath: "/1/2/3/", DivertedByPath: "/1/2/9/"}
	reg := &auth.Principal{Bindings: []store.Binding{{Role: domain.RoleRegulator, OrgPath: "/1/2/9/"}}}
	if !reg.CanOnCase(domain.PermCaseRead, diverted) || reg.CanOnCase(domain.PermCaseDecide, diverted) {
		t.Fatal("regulator scope")
	}
	var nobody *auth.Principal
	if nobody.Can(domain.PermCaseRead) || !nobody.Can(domain.PermNone) {
		t.Fatal("nil principal")
	}
}
