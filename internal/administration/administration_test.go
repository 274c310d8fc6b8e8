package administration_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/tiaojie/tiaojie/internal/access"
	"github.com/tiaojie/tiaojie/internal/administration"
	"github.com/tiaojie/tiaojie/internal/auth"
	"github.com/tiaojie/tiaojie/internal/deadline"
	"github.com/tiaojie/tiaojie/internal/domain"
	"github.com/tiaojie/tiaojie/internal/store"
	"github.com/tiaojie/tiaojie/internal/store/storetest"
)

// world is a city with two districts (浦东, 徐汇), a committee and two
// office rooms in 浦东, and the people who act on them.
type world struct {
	st                      store.Store
	svc                     *administration.Service
	city, pd, xh            store.OrgUnit
	pdCmt, ljz, huamu, xhC  store.OrgUnit
	admin, xhAdmin, med, ct *auth.Principal
}

var now = time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)

func mk(t *testing.T, st store.Store, parent int64, kind domain.OrgKind, code, name, abbr string) store.OrgUnit {
	t.Helper()
	u := store.OrgUnit{ParentID: parent, Kind: kind, Code: code, Name: name, Abbr: abbr}
	if err := st.CreateOrgUnit(context.Background(), &u); err != nil {
		t.Fatal(err)
	}
	return u
}

func principal(t *testing.T, st store.Store, username string, role domain.Role, u store.OrgUnit) *auth.Principal {
	t.Helper()
	usr := store.User{Username: username, DisplayName: username, PasswordHash: "x", Active: true}
	if err := st.CreateUser(context.Background(), &usr); err != nil {
		t.Fatal(err)
	}
	return &auth.Principal{UserID: usr.ID, DisplayName: username, Bindings: []store.Binding{{UserID: usr.ID, Role: role, OrgID: u.ID, OrgPath: u.Path, OrgName: u.Name}}}
}

func newWorld(t *testing.T, e storetest.Engine) *world {
	ctx := context.Background()
	st := e.Open(t, true)
	if err := deadline.EnsureDefaultPolicies(ctx, st); err != nil {
		t.Fatal(err)
	}
	w := &world{st: st}
	w.svc = &administration.Service{Store: st, Issuer: &auth.Service{Store: st}, Now: func() time.Time { return now }}
	w.city = mk(t, st, 0, domain.OrgCity, "sh", "上海市", "")
	w.pd = mk(t, st, w.city.ID, domain.OrgDistrict, "pd", "浦东新区", "")
	w.xh = mk(t, st, w.city.ID, domain.OrgDistrict, "xh", "徐汇区", "")
	w.pdCmt = mk(t, st, w.pd.ID, domain.OrgCommittee, "pd-cmt", "浦东新区消费纠纷人民调解委员会", "浦")
	w.ljz = mk(t, st, w.pdCmt.ID, domain.OrgOfficeRoom, "r-ljz", "陆家嘴市场监管所联合人民调解工作室", "")
	w.huamu = mk(t, st, w.pdCmt.ID, domain.OrgOfficeRoom, "r-hm", "花木市场监管所联合人民调解工作室", "")
	w.xhC = mk(t, st, w.xh.ID, domain.OrgCommittee, "xh-cmt", "徐汇区消费纠纷人民调解委员会", "徐")
	if err := st.SetRoomStreets(ctx, w.ljz.ID, []string{"陆家嘴街道"}); err != nil {
		t.Fatal(err)
	}
	w.admin = principal(t, st, "admin", domain.RoleAdmin, w.city)
	w.xhAdmin = principal(t, st, "xh_admin", domain.RoleAdmin, w.xh)
	w.med = principal(t, st, "mediator01", domain.RoleMediator, w.ljz)
	w.ct = principal(t, st, "court01", domain.RoleCourt, w.pd)
	return w
}

func noUser(t *testing.T, st store.Store, username string) {
	t.Helper()
	if _, err := st.GetUserByUsername(context.Background(), username); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("user %s exists after a refused creation (err %v)", username, err)
	}
}

func fieldMsg(err error) string {
	_, msg := access.StatusOf(err)
	return msg
}

func good(username string, gs ...administration.Grant) administration.NewUser {
	return administration.NewUser{Username: username, DisplayName: "王调解", Password: "correct-horse-1", Bindings: gs}
}

// failingBindings stores everything but role bindings and requests for
// them, inside and outside a transaction.
type failingBindings struct{ store.Store }

func (f failingBindings) AddBinding(context.Context, store.Binding) error {
	return errors.New("disk full")
}

func (f failingBindings) CreateGrantRequest(context.Context, *store.GrantRequest) error {
	return errors.New("disk full")
}

func (f failingBindings) InTx(ctx context.Context, fn func(tx store.Store) error) error {
	return f.Store.InTx(ctx, func(tx store.Store) error { return fn(failingBindings{tx}) })
}

func TestCreateUserIsAtomic(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			w := newWorld(t, e)
			ctx := context.Background()
			// The second binding names a unit that does not exist: the first
			// binding and the account must not stay behind.
			_, err := w.svc.CreateUser(ctx, w.admin, good("wang01", administration.Grant{Role: domain.RoleMediator, OrgID: w.ljz.ID},
				administration.Grant{Role: domain.RoleMediator, OrgID: w.ljz.ID + 9999}))
			var fe *domain.FieldError
			if !errors.As(err, &fe) || fe.Field != "org" || fe.Message != "所属单位不存在" {
				t.Fatalf("bad binding: %v", err)
			}
			noUser(t, w.st, "wang01")

			// The store fails to bind: no account either.
			broken := &administration.Service{Store: failingBindings{w.st}, Now: w.svc.Now}
			if _, err := broken.CreateUser(ctx, w.admin, good("wang02", administration.Grant{Role: domain.RoleMediator, OrgID: w.ljz.ID})); err == nil {
				t.Fatal("a failed binding was reported as success")
			}
			noUser(t, w.st, "wang02")

			// Both bindings good: one account with both awaiting approval
			// (separated duties), and no binding yet.
			u, err := w.svc.CreateUser(ctx, w.admin, good("wang03", administration.Grant{Role: domain.RoleMediator, OrgID: w.ljz.ID},
				administration.Grant{Role: domain.RoleMediator, OrgID: w.huamu.ID}))
			if err != nil {
				t.Fatal(err)
			}
			bs, err := w.st.ListBindings(ctx, u.ID)
			if err != nil || len(bs) != 0 {
				t.Fatalf("bindings of the new user before approval: %v %v", bs, err)
			}
			if gs, err := w.st.ListGrantRequests(ctx, store.GrantQuery{UserID: u.ID, State: store.GrantPending}); err != nil || len(gs) != 2 {
				t.Fatalf("pending requests of the new user: %v %v", gs, err)
			}
			if got, err := w.st.GetUserByUsername(ctx, "wang03"); err != nil || !got.Active || !auth.CheckPassword(got.PasswordHash, "correct-horse-1") {
				t.Fatalf("stored user: %+v %v", got, err)
			}

			// The same username again: a conflict, and still one account.
			_, err = w.svc.CreateUser(ctx, w.admin, good("wang03", administration.Grant{Role: domain.RoleMediator, OrgID: w.huamu.ID}))
			if !errors.Is(err, administration.ErrUsernameTaken) {
				t.Fatalf("duplicate username: %v", err)
			}
			if us, _ := w.st.ListUsers(ctx, store.UserQuery{Text: "wang03"}); len(us) != 1 {
				t.Fatalf("accounts named wang03: %d", len(us))
			}
		})
	}
}

func TestUserAdministrationScope(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			w := newWorld(t, e)
			ctx := context.Background()
			// Who does not manage users is refused outright, and nothing is written.
			for _, p := range []*auth.Principal{w.med, w.ct} {
				if _, err := w.svc.CreateUser(ctx, p, good("li01", administration.Grant{Role: domain.RoleMediator, OrgID: w.ljz.ID})); !errors.Is(err, access.ErrForbidden) {
					t.Fatalf("%s creates a user: %v", p.DisplayName, err)
				}
				if _, err := w.svc.Users(ctx, p, "", ""); !errors.Is(err, access.ErrForbidden) {
					t.Fatalf("%s lists users: %v", p.DisplayName, err)
				}
				if _, err := w.svc.Keys(ctx, p); !errors.Is(err, access.ErrForbidden) {
					t.Fatalf("%s lists keys: %v", p.DisplayName, err)
				}
			}
			noUser(t, w.st, "li01")
			// A district's admin cannot bind anyone in the other district.
			_, err := w.svc.CreateUser(ctx, w.xhAdmin, good("li02", administration.Grant{Role: domain.RoleCommittee, OrgID: w.pdCmt.ID}))
			if fieldMsg(err) != "所属单位不存在" {
				t.Fatalf("xh admin binds in 浦东: %v", err)
			}
			noUser(t, w.st, "li02")
			if _, err := w.svc.CreateUser(ctx, w.xhAdmin, good("li03", administration.Grant{Role: domain.RoleCommittee, OrgID: w.xhC.ID})); err != nil {
				t.Fatalf("xh admin binds in 徐汇: %v", err)
			}
			l, err := w.svc.Users(ctx, w.xhAdmin, "", "")
			if err != nil {
				t.Fatal(err)
			}
			for _, u := range l.Units {
				if u.ID == w.pdCmt.ID || u.ID == w.city.ID {
					t.Errorf("xh admin is offered %s", u.Name)
				}
			}

			// Keys: each admin sees and revokes only keys of units in scope.
			_, pdKey, err := w.svc.IssueKey(ctx, w.admin, "浦东12315对接", w.pdCmt.ID, 30)
			if err != nil {
				t.Fatal(err)
			}
			if _, _, err := w.svc.IssueKey(ctx, w.xhAdmin, "越权密钥", w.pdCmt.ID, 30); fieldMsg(err) != "所属单位不存在" {
				t.Fatalf("xh admin issues a key for 浦东: %v", err)
			}
			if kl, _ := w.svc.Keys(ctx, w.xhAdmin); len(kl.Keys) != 0 {
				t.Fatalf("xh admin sees %d keys of 浦东", len(kl.Keys))
			}
			if err := w.svc.RevokeKey(ctx, w.xhAdmin, pdKey.ID); !errors.Is(err, administration.ErrNoKey) {
				t.Fatalf("xh admin revokes a 浦东 key: %v", err)
			}
			if kl, _ := w.svc.Keys(ctx, w.admin); len(kl.Keys) != 1 || kl.Keys[0].Token.RevokedAt != nil || kl.Keys[0].Org != w.pdCmt.Name {
				t.Fatalf("keys after a refused revocation: %+v", kl.Keys)
			}
			if err := w.svc.RevokeKey(ctx, w.admin, pdKey.ID); err != nil {
				t.Fatal(err)
			}
			if err := w.svc.RevokeKey(ctx, w.admin, pdKey.ID); !errors.Is(err, administration.ErrNoKey) {
				t.Fatalf("revoked twice: %v", err)
			}
		})
	}
}

func TestUserValidationMessages(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			w := newWorld(t, e)
			ok := administration.Grant{Role: domain.RoleMediator, OrgID: w.ljz.ID}
			cases := []struct {
				in          administration.NewUser
				field, want string
			}{
				{administration.NewUser{Username: "ab", DisplayName: "王", Password: "0123456789", Bindings: []administration.Grant{ok}}, "username", "用户名应为3至32位字母、数字、下划线或连字符"},
				{administration.NewUser{Username: "王芳芳", DisplayName: "王", Password: "0123456789", Bindings: []administration.Grant{ok}}, "username", "用户名应为3至32位字母、数字、下划线或连字符"},
				{administration.NewUser{Username: "wang", DisplayName: "  ", Password: "0123456789", Bindings: []administration.Grant{ok}}, "display_name", "请填写姓名（不超过50个字）"},
				{administration.NewUser{Username: "wang", DisplayName: "王", Password: "short", Bindings: []administration.Grant{ok}}, "password", "初始密码至少10位"},
				{good("wang", administration.Grant{Role: domain.RoleMachine, OrgID: w.ljz.ID}), "role", "角色无效"},
				{good("wang", administration.Grant{Role: domain.RoleConsumer, OrgID: w.ljz.ID}), "role", "角色无效"},
				{good("wang", administration.Grant{Role: "boss", OrgID: w.ljz.ID}), "role", "角色无效"},
			}
			for _, c := range cases {
				_, err := w.svc.CreateUser(context.Background(), w.admin, c.in)
				var ve *access.ValidationError
				if !errors.As(err, &ve) || ve.Field(c.field) != c.want {
					t.Errorf("%+v: got %v, want %s: %s", c.in, err, c.field, c.want)
				}
				if status, _ := access.StatusOf(err); status != 422 {
					t.Errorf("%+v: status %d", c.in, status)
				}
			}
			noUser(t, w.st, "wang")
		})
	}
}

// Role grants (三员分立) at the service: who may ask, who may decide, and
// what is refused, with nothing bound until a second person approves.
func TestGrantRules(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			w := newWorld(t, e)
			ctx := context.Background()
			sec := principal(t, w.st, "security01", domain.RoleSecurityAdmin, w.city)
			pdCmt := principal(t, w.st, "committee01", domain.RoleCommittee, w.pdCmt)
			u, err := w.svc.CreateUser(ctx, w.admin, good("zhao01"))
			if err != nil {
				t.Fatal(err)
			}
			ask := func(p *auth.Principal, role domain.Role, org int64) (store.GrantRequest, error) {
				return w.svc.RequestGrant(ctx, p, administration.GrantForm{UserID: u.ID, Role: role, OrgID: org, Reason: "工作需要"})
			}
			if _, err := w.svc.RequestGrant(ctx, w.admin, administration.GrantForm{UserID: u.ID, Role: domain.RoleMediator, OrgID: w.ljz.ID}); fieldMsg(err) != "请填写申请理由（不超过200字）" {
				t.Fatalf("no reason: %v", err)
			}
			if _, err := w.svc.RequestGrant(ctx, w.admin, administration.GrantForm{UserID: u.ID + 999, Role: domain.RoleMediator, OrgID: w.ljz.ID, Reason: "x"}); !errors.Is(err, access.ErrNotFound) && fieldMsg(err) != "用户不存在" {
				t.Fatalf("unknown user: %v", err)
			}
			if _, err := ask(w.admin, domain.RoleAuditor, w.city.ID); !errors.Is(err, administration.ErrSystemRole) {
				t.Fatalf("admin asks for a system role: %v", err)
			}
			if _, err := ask(sec, domain.RoleMediator, w.ljz.ID); !errors.Is(err, administration.ErrCaseRoleAsk) {
				t.Fatalf("security admin asks for a case role: %v", err)
			}
			if _, err := ask(pdCmt, domain.RoleMediator, w.ljz.ID); !errors.Is(err, access.ErrForbidden) {
				t.Fatalf("committee asks: %v", err)
			}
			g, err := ask(w.admin, domain.RoleMediator, w.ljz.ID)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := ask(w.admin, domain.RoleMediator, w.ljz.ID); !errors.Is(err, administration.ErrGrantPending) {
				t.Fatalf("the same request twice: %v", err)
			}
			if _, err := w.svc.DecideGrant(ctx, w.admin, g.ID, true, ""); !errors.Is(err, administration.ErrOwnRequest) {
				t.Fatalf("own request: %v", err)
			}
			if _, err := w.svc.DecideGrant(ctx, w.xhAdmin, g.ID, true, ""); !errors.Is(err, administration.ErrGrantNotFound) {
				t.Fatalf("xh admin decides a 浦东 request: %v", err)
			}
			if _, err := w.svc.DecideGrant(ctx, w.med, g.ID, true, ""); !errors.Is(err, administration.ErrGrantNotFound) {
				t.Fatalf("a mediator decides: %v", err)
			}
			if bs, _ := w.st.ListBindings(ctx, u.ID); len(bs) != 0 {
				t.Fatalf("bound before approval: %+v", bs)
			}
			if _, err := w.svc.DecideGrant(ctx, sec, g.ID, false, "人员未到岗"); err != nil {
				t.Fatalf("security admin rejects: %v", err)
			}
			if _, err := w.svc.DecideGrant(ctx, pdCmt, g.ID, true, ""); !errors.Is(err, administration.ErrGrantDecided) {
				t.Fatalf("decided twice: %v", err)
			}
			if bs, _ := w.st.ListBindings(ctx, u.ID); len(bs) != 0 {
				t.Fatalf("bound after rejection: %+v", bs)
			}
			// System role: the security admin asks, an admin approves; the security admin may not.
			s, err := ask(sec, domain.RoleAuditor, w.city.ID)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := w.svc.DecideGrant(ctx, sec, s.ID, true, ""); !errors.Is(err, administration.ErrGrantNotFound) && !errors.Is(err, administration.ErrOwnRequest) {
				t.Fatalf("security admin approves own: %v", err)
			}
			if _, err := w.svc.DecideGrant(ctx, pdCmt, s.ID, true, ""); !errors.Is(err, administration.ErrGrantNotFound) {
				t.Fatalf("committee approves a system role: %v", err)
			}
			if _, err := w.svc.DecideGrant(ctx, w.admin, s.ID, true, "同意"); err != nil {
				t.Fatal(err)
			}
			if bs, _ := w.st.ListBindings(ctx, u.ID); len(bs) != 1 || bs[0].Role != domain.RoleAuditor {
				t.Fatalf("bindings after approval: %+v", bs)
			}
			// Nobody asks for or approves a role for themselves; the security admin keeps its own role.
			self := administration.GrantForm{UserID: w.admin.UserID, Role: domain.RoleMediator, OrgID: w.ljz.ID, Reason: "x"}
			if _, err := w.svc.RequestGrant(ctx, w.admin, self); !errors.Is(err, administration.ErrSelfGrant) {
				t.Fatalf("self-grant: %v", err)
			}
			if err := w.svc.RevokeBinding(ctx, sec, store.Binding{UserID: sec.UserID, Role: domain.RoleSecurityAdmin, OrgID: w.city.ID}); !errors.Is(err, administration.ErrRevokeOwnRole) {
				t.Fatalf("revoke own: %v", err)
			}
			if err := w.svc.RevokeBinding(ctx, w.admin, store.Binding{UserID: u.ID, Role: domain.RoleAuditor, OrgID: w.city.ID}); !errors.Is(err, access.ErrForbidden) {
				t.Fatalf("admin revokes: %v", err)
			}
			if err := w.svc.RevokeBinding(ctx, sec, store.Binding{UserID: u.ID, Role: domain.RoleAuditor, OrgID: w.city.ID}); err != nil {
				t.Fatal(err)
			}
			if bs, _ := w.st.ListBindings(ctx, u.ID); len(bs) != 0 {
				t.Fatalf("bindings after revocation: %+v", bs)
			}
		})
	}
}

// A pending request stays on its approver's list however many requests
// were made after it elsewhere: the list read the newest 500 of all
// units' requests, so an older pending one fell off it.
func TestGrantPendingNeverCrowdedOut(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			w := newWorld(t, e)
			ctx := context.Background()
			pdCmt := principal(t, w.st, "committee01", domain.RoleCommittee, w.pdCmt)
			u, err := w.svc.CreateUser(ctx, w.admin, good("qian01"))
			if err != nil {
				t.Fatal(err)
			}
			g, err := w.svc.RequestGrant(ctx, w.admin, administration.GrantForm{UserID: u.ID, Role: domain.RoleMediator, OrgID: w.ljz.ID, Reason: "工作需要"})
			if err != nil {
				t.Fatal(err)
			}
			// 600 requests decided since in another district, and among them
			// 60 of the approver's own district and one for a system role
			// there, which a committee may not decide.
			decide := func(org int64, role domain.Role, i int) int64 {
				r := store.GrantRequest{UserID: u.ID, Role: role, OrgID: org, Reason: fmt.Sprint("申请", i), RequestedBy: w.xhAdmin.UserID}
				if err := w.st.CreateGrantRequest(ctx, &r); err != nil {
					t.Fatal(err)
				}
				if err := w.st.DecideGrantRequest(ctx, r.ID, store.GrantRejected, w.admin.UserID, "已办", time.Now()); err != nil {
					t.Fatal(err)
				}
				return r.ID
			}
			var own []int64
			for i := range 600 {
				decide(w.xhC.ID, domain.RoleMediator, i)
				if i%10 == 3 {
					own = append([]int64{decide(w.ljz.ID, domain.RoleMediator, i)}, own...)
				}
				if i == 300 {
					decide(w.ljz.ID, domain.RoleAuditor, i)
				}
			}
			v, err := w.svc.Grants(ctx, pdCmt, 0)
			if err != nil {
				t.Fatal(err)
			}
			if len(v.Pending) != 1 || v.Pending[0].ID != g.ID {
				t.Fatalf("pending for the approver: %+v, want request %d", v.Pending, g.ID)
			}
			// Its own district's decided requests, newest first, 50 and then
			// the other 10: none of the other district's, nor the system role.
			var seen []int64
			for before, pages := int64(0), 0; ; pages++ {
				v, err := w.svc.Grants(ctx, pdCmt, before)
				if err != nil {
					t.Fatal(err)
				}
				if pages == 0 && len(v.Decided) != administration.GrantPageSize {
					t.Fatalf("first page: %d decided", len(v.Decided))
				}
				for _, d := range v.Decided {
					seen = append(seen, d.ID)
				}
				if before = v.NextBefore; before == 0 {
					break
				}
				if pages > 5 {
					t.Fatal("pages without end")
				}
			}
			if !slices.Equal(seen, own) {
				t.Fatalf("decided pages: %v, want %v", seen, own)
			}
			if _, err := w.svc.Grants(ctx, pdCmt, own[49]); err != nil {
				t.Fatal(err)
			}
		})
	}
}
