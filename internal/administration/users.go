package administration

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/tiaojie/tiaojie/internal/access"
	"github.com/tiaojie/tiaojie/internal/auth"
	"github.com/tiaojie/tiaojie/internal/domain"
	"github.com/tiaojie/tiaojie/internal/store"
)

// ErrUsernameTaken: another account already has the username.
var ErrUsernameTaken = access.Conflict("用户名已存在")

// AssignableRoles are the roles an administrator grants to staff accounts:
// machine keys are issued on their own page, and consumers and merchants
// are parties who use links, never accounts made for them.
func AssignableRoles() []domain.Role {
	var out []domain.Role
	for _, r := range domain.Roles {
		if r != domain.RoleMachine && r != domain.RoleConsumer && r != domain.RoleMerchant {
			out = append(out, r)
		}
	}
	return out
}

func assignable(r domain.Role) bool {
	for _, a := range AssignableRoles() {
		if a == r {
			return true
		}
	}
	return false
}

// UserList is what the users page shows: a page of the accounts matching
// a search, and the roles and units a new account may be bound to.
type UserList struct {
	Users []store.User
	Next  string // the username the next page starts after; "" on the last
	Roles []domain.Role
	Units []store.OrgUnit
}

// UsersPage is how many accounts the users page lists at once.
const UsersPage = 100

// Users lists, for an actor who manages users, a page of the accounts
// whose username or name contains text, in username order, starting
// after the username after.
func (s *Service) Users(ctx context.Context, p *auth.Principal, text, after string) (UserList, error) {
	if !p.Can(domain.PermUserManage) {
		return UserList{}, access.ErrForbidden
	}
	us, err := s.Store.ListUsers(ctx, store.UserQuery{Text: strings.TrimSpace(text), After: after, Limit: UsersPage + 1})
	if err != nil {
		return UserList{}, fmt.Errorf("list users: %w", err)
	}
	var next string
	if len(us) > UsersPage {
		us, next = us[:UsersPage], us[UsersPage-1].Username
	}
	units, err := s.Store.ListOrgUnits(ctx)
	if err != nil {
		return UserList{}, fmt.Errorf("list org units: %w", err)
	}
	var roles []domain.Role // what an administrator may request (system roles: the security administrator)
	for _, r := range AssignableRoles() {
		if !SystemRole(r) {
			roles = append(roles, r)
		}
	}
	return UserList{Users: us, Next: next, Roles: roles, Units: reachable(p, domain.PermUserManage, units)}, nil
}

// NewUser is an account to create with its role bindings.
type NewUser struct {
	Username    string
	DisplayName string
	Password    string
	Bindings    []Grant
}

// Grant is one role at one org unit.
type Grant struct {
	Role  domain.Role
	OrgID int64
}

// CreateUser adds an active account and, for each role binding asked for, a
// pending grant request (separated duties: the binding exists only once
// someone else approves it, see grants.go), in one transaction: a request
// that cannot be stored leaves no account behind. Each binding's unit must
// be within the actor's user.manage scope; a system role is refused (the
// security administrator requests those for an existing account).
func (s *Service) CreateUser(ctx context.Context, p *auth.Principal, in NewUser) (store.User, error) {
	u, _, err := s.CreateUserRequest(ctx, p, in, "新建用户")
	return u, err
}

// CreateUserRequest is CreateUser with the reason the requests carry; it
// also returns them.
func (s *Service) CreateUserRequest(ctx context.Context, p *auth.Principal, in NewUser, reason string) (store.User, []store.GrantRequest, error) {
	if !p.Can(domain.PermUserManage) {
		return store.User{}, nil, access.ErrForbidden
	}
	in.Username, in.DisplayName = domain.NormalizeIdentifier(in.Username), strings.TrimSpace(in.DisplayName)
	if err := validateUser(in); err != nil {
		return store.User{}, nil, err
	}
	for _, g := range in.Bindings {
		if SystemRole(g.Role) {
			return store.User{}, nil, ErrSystemRole
		}
	}
	if reason = strings.TrimSpace(reason); reason == "" {
		reason = "新建用户"
	}
	hash, err := auth.HashPassword(in.Password)
	if err != nil {
		return store.User{}, nil, fmt.Errorf("hash password: %w", err)
	}
	u := store.User{Username: in.Username, DisplayName: in.DisplayName, PasswordHash: hash, Active: true, MustChangePassword: true}
	var gs []store.GrantRequest
	err = s.Store.InTx(ctx, func(tx store.Store) error {
		if err := tx.CreateUser(ctx, &u); errors.Is(err, store.ErrConflict) {
			return ErrUsernameTaken
		} else if err != nil {
			return fmt.Errorf("create user: %w", err)
		}
		for _, g := range in.Bindings {
			r, err := requestGrant(ctx, tx, p, GrantForm{UserID: u.ID, Role: g.Role, OrgID: g.OrgID, Reason: reason})
			if errors.Is(err, ErrGrantPending) {
				continue // the same binding twice in one form
			}
			if err != nil {
				return err
			}
			gs = append(gs, r)
		}
		return nil
	})
	if err != nil {
		return store.User{}, nil, err
	}
	return u, gs, nil
}

// validateUser checks the form of an account before anything is written.
func validateUser(in NewUser) error {
	var fs []*domain.FieldError
	add := func(field, msg string) { fs = append(fs, &domain.FieldError{Field: field, Message: msg}) }
	if !validCode(in.Username, 32) {
		add("username", "用户名应为3至32位字母、数字、下划线或连字符")
	}
	if fe := domain.CheckLine("display_name", in.DisplayName); fe != nil {
		fs = append(fs, fe)
	} else if in.DisplayName == "" || utf8.RuneCountInString(in.DisplayName) > 50 {
		add("display_name", "请填写姓名（不超过50个字）")
	}
	if utf8.RuneCountInString(in.Password) < 10 {
		add("password", "初始密码至少10位")
	}
	for _, g := range in.Bindings {
		if !assignable(g.Role) {
			add("role", "角色无效")
			break
		}
	}
	if len(fs) > 0 {
		return &access.ValidationError{Fields: fs}
	}
	return nil
}

// validCode reports whether s is 3 to max ASCII letters, digits, '_' or '-'
// (usernames and org unit codes).
func validCode(s string, max int) bool {
	if len(s) < 3 || len(s) > max {
		return false
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '_' || r == '-') {
			return false
		}
	}
	return true
}
