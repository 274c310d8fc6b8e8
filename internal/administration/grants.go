package administration

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/tiaojie/tiaojie/internal/access"
	"github.com/tiaojie/tiaojie/internal/auth"
	"github.com/tiaojie/tiaojie/internal/domain"
	"github.com/tiaojie/tiaojie/internal/store"
)

// Separated duties (三员分立, 等保2.0 level 3). No role binding takes effect
// on one person's word:
//
//   - A case role (every assignable role but the three below: whoever holds
//     one reads cases, party data or figures drawn from them) is requested by
//     an administrator (user.manage on the unit) and approved by a second
//     administrator or by a holder of role.approve whose scope holds the unit
//     (the committee for its district, the security administrator).
//   - A system role (admin, auditor, security_admin) is requested by the
//     security administrator only and approved by an administrator.
//
// Nobody approves their own request or a role for themselves, and nobody
// requests a role for themselves. Requests, decisions and revocations are
// audit-trail entries ("request role grant", "approve role grant", …).

// ErrGrantNotFound: no such request, or not one the actor may decide.
var ErrGrantNotFound = access.NotFound("授权申请不存在")

// Refusals of the separated duties.
var (
	ErrSelfGrant     = access.Forbidden("不能为自己申请角色：须由其他管理员申请并经他人审批")
	ErrOwnRequest    = access.Forbidden("不能审批自己提出的授权申请，须由另一名管理员或有审批权限的人员审批")
	ErrApproveSelf   = access.Forbidden("不能审批授予自己的角色")
	ErrSystemRole    = access.Forbidden("系统管理员、安全审计员和安全管理员角色只能由安全管理员申请授予")
	ErrCaseRoleAsk   = access.Forbidden("业务角色须由系统管理员申请授予")
	ErrGrantDecided  = access.Conflict("该授权申请已处理")
	ErrGrantPending  = access.Conflict("该用户已有相同的待审批申请")
	ErrAlreadyBound  = access.Conflict("该用户已拥有此角色")
	ErrRevokeOwnRole = access.Forbidden("不能撤销自己的角色")
)

// SystemRole reports whether r is one of the three roles of the separated
// duties, which only the security administrator requests.
func SystemRole(r domain.Role) bool { return slices.Contains(systemRoles, r) }

var systemRoles = []domain.Role{domain.RoleAdmin, domain.RoleAuditor, domain.RoleSecurityAdmin}

// GrantForm is a request as a person fills it in.
type GrantForm struct {
	UserID int64
	Role   domain.Role
	OrgID  int64
	Reason string
}

// requestPerm is the permission whose scope must hold the unit for p to
// request role r there.
func requestPerm(r domain.Role) domain.Permission {
	if SystemRole(r) {
		return domain.PermSecurityPolicy
	}
	return domain.PermUserManage
}

// grantReach is where p may decide requests, as mayDecide says: every role
// where p manages users, the roles other than the system ones where p
// approves.
func grantReach(p *auth.Principal) []store.GrantReach {
	var out []store.GrantReach
	for _, pre := range p.Scope(domain.PermUserManage).Prefixes {
		out = append(out, store.GrantReach{Prefix: pre})
	}
	for _, pre := range p.Scope(domain.PermRoleApprove).Prefixes {
		out = append(out, store.GrantReach{Prefix: pre, Except: systemRoles})
	}
	return out
}

// mayDecide reports whether p may approve or reject a request for role r at
// the unit with path orgPath (before the requester and self checks).
func mayDecide(p *auth.Principal, r domain.Role, orgPath string) bool {
	if SystemRole(r) {
		return p.Reaches(domain.PermUserManage, orgPath)
	}
	return p.Reaches(domain.PermUserManage, orgPath) || p.Reaches(domain.PermRoleApprove, orgPath)
}

// RequestGrant records a pending request to bind a user to a role at a unit.
func (s *Service) RequestGrant(ctx context.Context, p *auth.Principal, in GrantForm) (store.GrantRequest, error) {
	if !p.Can(domain.PermUserManage) && !p.Can(domain.PermSecurityPolicy) {
		return store.GrantRequest{}, access.ErrForbidden
	}
	in.Reason = strings.TrimSpace(in.Reason)
	var fs []*domain.FieldError
	if !assignable(in.Role) {
		fs = append(fs, &domain.FieldError{Field: "role", Message: "角色无效"})
	}
	if in.Reason == "" || utf8.RuneCountInString(in.Reason) > 200 {
		fs = append(fs, &domain.FieldError{Field: "reason", Message: "请填写申请理由（不超过200字）"})
	}
	if len(fs) > 0 {
		return store.GrantRequest{}, &access.ValidationError{Fields: fs}
	}
	if SystemRole(in.Role) && !p.Can(domain.PermSecurityPolicy) {
		return store.GrantRequest{}, ErrSystemRole
	}
	if !SystemRole(in.Role) && !p.Can(domain.PermUserManage) {
		return store.GrantRequest{}, ErrCaseRoleAsk
	}
	if in.UserID == p.UserID {
		return store.GrantRequest{}, ErrSelfGrant
	}
	var g store.GrantRequest
	err := s.Store.InTx(ctx, func(tx store.Store) error {
		var err error
		g, err = requestGrant(ctx, tx, p, in)
		return err
	})
	return g, err
}

// requestGrant checks the user and the unit and stores the request in tx.
func requestGrant(ctx context.Context, tx store.Store, p *auth.Principal, in GrantForm) (store.GrantRequest, error) {
	if _, err := tx.GetUser(ctx, in.UserID); errors.Is(err, store.ErrNotFound) {
		return store.GrantRequest{}, access.NotFound("用户不存在")
	} else if err != nil {
		return store.GrantRequest{}, fmt.Errorf("get user %d: %w", in.UserID, err)
	}
	org, err := tx.GetOrgUnit(ctx, in.OrgID)
	if errors.Is(err, store.ErrNotFound) || (err == nil && !p.Reaches(requestPerm(in.Role), org.Path)) {
		return store.GrantRequest{}, &domain.FieldError{Field: "org", Message: "所属单位不存在"}
	}
	if err != nil {
		return store.GrantRequest{}, fmt.Errorf("get org unit %d: %w", in.OrgID, err)
	}
	bs, err := tx.ListBindings(ctx, in.UserID)
	if err != nil {
		return store.GrantRequest{}, fmt.Errorf("list bindings: %w", err)
	}
	if slices.ContainsFunc(bs, func(b store.Binding) bool { return b.Role == in.Role && b.OrgID == org.ID }) {
		return store.GrantRequest{}, ErrAlreadyBound
	}
	pending, err := tx.ListGrantRequests(ctx, store.GrantQuery{State: store.GrantPending, UserID: in.UserID})
	if err != nil {
		return store.GrantRequest{}, fmt.Errorf("list grant requests: %w", err)
	}
	if slices.ContainsFunc(pending, func(g store.GrantRequest) bool { return g.Role == in.Role && g.OrgID == org.ID }) {
		return store.GrantRequest{}, ErrGrantPending
	}
	g := store.GrantRequest{UserID: in.UserID, Role: in.Role, OrgID: org.ID, Reason: in.Reason, RequestedBy: p.UserID}
	if err := tx.CreateGrantRequest(ctx, &g); err != nil {
		return store.GrantRequest{}, fmt.Errorf("create grant request: %w", err)
	}
	return g, nil
}

// DecideGrant approves (the binding is added in the same transaction) or
// rejects a pending request. A request outside what p may decide is not
// found; p's own request, or one for p, is refused.
func (s *Service) DecideGrant(ctx context.Context, p *auth.Principal, id int64, approve bool, note string) (store.GrantRequest, error) {
	note = strings.TrimSpace(note)
	if utf8.RuneCountInString(note) > 200 {
		return store.GrantRequest{}, &domain.FieldError{Field: "note", Message: "审批意见不超过200字"}
	}
	var g store.GrantRequest
	err := s.Store.InTx(ctx, func(tx store.Store) error {
		var err error
		g, err = tx.GetGrantRequest(ctx, id)
		if errors.Is(err, store.ErrNotFound) || (err == nil && !mayDecide(p, g.Role, g.OrgPath)) {
			return ErrGrantNotFound
		}
		if err != nil {
			return fmt.Errorf("get grant request %d: %w", id, err)
		}
		switch {
		case g.RequestedBy == p.UserID:
			return ErrOwnRequest
		case g.UserID == p.UserID:
			return ErrApproveSelf
		case g.State != store.GrantPending:
			return ErrGrantDecided
		}
		state := store.GrantRejected
		if approve {
			state = store.GrantApproved
		}
		if err := tx.DecideGrantRequest(ctx, id, state, p.UserID, note, s.now()); errors.Is(err, store.ErrConflict) {
			return ErrGrantDecided
		} else if err != nil {
			return fmt.Errorf("decide grant request %d: %w", id, err)
		}
		if approve {
			if err := tx.AddBinding(ctx, store.Binding{UserID: g.UserID, Role: g.Role, OrgID: g.OrgID}); err != nil {
				return fmt.Errorf("add binding: %w", err)
			}
		}
		g.State = state
		return nil
	})
	return g, err
}

// GrantView is what the grants page shows the actor.
type GrantView struct {
	Pending     []store.GrantRequest // requests p may decide, and p's own, oldest first
	MorePending bool                 // more than MaxPendingShown are pending
	Decided     []store.GrantRequest // a page of the decided ones p may see, newest first
	Before      int64                // the page's cursor (0: the newest)
	NextBefore  int64                // the next page's cursor (0: none)
	Roles       []domain.Role        // the roles p may request
	Units       []store.OrgUnit      // where p may request them
	Me          int64
}

// UserBinding is one revocable binding with its holder.
type UserBinding struct {
	User    store.User
	Binding store.Binding
}

// GrantPageSize is how many decided requests a page of the grants page
// shows; pending ones are shown up to MaxPendingShown, oldest first.
const (
	GrantPageSize   = 50
	MaxPendingShown = 200
)

// Grants lists the requests p may see: those p may decide and those p made.
// The pending ones come oldest first (a queue, up to MaxPendingShown); the
// decided ones newest first, a page at a time before the request id before
// (0: the newest). The store keeps p's reach, so requests of units p does
// not reach never push p's own out of a page.
func (s *Service) Grants(ctx context.Context, p *auth.Principal, before int64) (GrantView, error) {
	if !p.Can(domain.PermUserManage) && !p.Can(domain.PermRoleApprove) {
		return GrantView{}, access.ErrForbidden
	}
	reach := grantReach(p)
	pending, err := s.Store.ListGrantRequests(ctx, store.GrantQuery{State: store.GrantPending, Reach: reach, Mine: p.UserID,
		Oldest: true, Limit: MaxPendingShown + 1})
	if err != nil {
		return GrantView{}, fmt.Errorf("list pending grant requests: %w", err)
	}
	decided, err := s.Store.ListGrantRequests(ctx, store.GrantQuery{Decided: true, Reach: reach, Mine: p.UserID,
		BeforeID: before, Limit: GrantPageSize + 1})
	if err != nil {
		return GrantView{}, fmt.Errorf("list decided grant requests: %w", err)
	}
	v := GrantView{Me: p.UserID, Pending: pending, Decided: decided, Before: before}
	if len(v.Pending) > MaxPendingShown {
		v.Pending, v.MorePending = v.Pending[:MaxPendingShown], true
	}
	if len(v.Decided) > GrantPageSize {
		v.Decided = v.Decided[:GrantPageSize]
		v.NextBefore = v.Decided[GrantPageSize-1].ID
	}
	v.Roles = requestableRoles(p)
	if len(v.Roles) == 0 {
		return v, nil // an approver only
	}
	units, err := s.Store.ListOrgUnits(ctx)
	if err != nil {
		return GrantView{}, fmt.Errorf("list org units: %w", err)
	}
	for _, u := range units {
		if p.Reaches(domain.PermUserManage, u.Path) || p.Reaches(domain.PermSecurityPolicy, u.Path) {
			v.Units = append(v.Units, u)
		}
	}
	return v, nil
}

// requestableRoles is the roles p may request for others.
func requestableRoles(p *auth.Principal) []domain.Role {
	var out []domain.Role
	for _, r := range AssignableRoles() {
		if SystemRole(r) && p.Can(domain.PermSecurityPolicy) || !SystemRole(r) && p.Can(domain.PermUserManage) {
			out = append(out, r)
		}
	}
	return out
}

// GrantUsersPage is how many accounts the grant form offers at once.
const GrantUsersPage = 100

// GrantUsers is the accounts the grant form offers, and the bindings the
// security administrator may revoke from them.
type GrantUsers struct {
	Who      string // the search: accounts whose username or name contains it
	Users    []store.User
	Bindings []UserBinding
	// More: more accounts match than are shown. A city has thousands; the
	// search narrows them, where a fixed first few hundred left the rest
	// out of reach.
	More bool
}

// GrantUsersFor finds the accounts p may request a role for (or revoke
// one from) among those matching who, at most GrantUsersPage of them, with
// the bindings p may revoke read in one go.
func (s *Service) GrantUsersFor(ctx context.Context, p *auth.Principal, who string) (GrantUsers, error) {
	if len(requestableRoles(p)) == 0 && !p.Can(domain.PermSecurityPolicy) {
		return GrantUsers{}, access.ErrForbidden
	}
	out := GrantUsers{Who: strings.TrimSpace(who)}
	us, err := s.Store.ListUsers(ctx, store.UserQuery{Text: out.Who, Limit: GrantUsersPage + 1})
	if err != nil {
		return GrantUsers{}, fmt.Errorf("list users: %w", err)
	}
	if len(us) > GrantUsersPage {
		us, out.More = us[:GrantUsersPage], true
	}
	for _, u := range us {
		if u.ID != p.UserID {
			out.Users = append(out.Users, u)
		}
	}
	if !p.Can(domain.PermSecurityPolicy) || len(out.Users) == 0 {
		return out, nil
	}
	ids := make([]int64, len(out.Users))
	byID := make(map[int64]store.User, len(out.Users))
	for i, u := range out.Users {
		ids[i], byID[u.ID] = u.ID, u
	}
	bs, err := s.Store.ListBindingsOf(ctx, ids)
	if err != nil {
		return GrantUsers{}, fmt.Errorf("list bindings: %w", err)
	}
	for _, b := range bs {
		if p.Reaches(domain.PermSecurityPolicy, b.OrgPath) {
			out.Bindings = append(out.Bindings, UserBinding{User: byID[b.UserID], Binding: b})
		}
	}
	return out, nil
}

// RevokeBinding removes a user's role binding: the security administrator's
// part of managing roles. It takes effect on the holder's next request.
func (s *Service) RevokeBinding(ctx context.Context, p *auth.Principal, b store.Binding) error {
	if !p.Can(domain.PermSecurityPolicy) {
		return access.ErrForbidden
	}
	if b.UserID == p.UserID {
		return ErrRevokeOwnRole
	}
	return s.Store.InTx(ctx, func(tx store.Store) error {
		org, err := tx.GetOrgUnit(ctx, b.OrgID)
		if errors.Is(err, store.ErrNotFound) || (err == nil && !p.Reaches(domain.PermSecurityPolicy, org.Path)) {
			return access.NotFound("该角色不存在")
		}
		if err != nil {
			return fmt.Errorf("get org unit %d: %w", b.OrgID, err)
		}
		if err := tx.RecordAccess(ctx, "revoke role binding", fmt.Sprintf("user:%d", b.UserID)); err != nil {
			return err
		}
		if err := tx.RemoveBinding(ctx, store.Binding{UserID: b.UserID, Role: b.Role, OrgID: b.OrgID}); errors.Is(err, store.ErrNotFound) {
			return access.NotFound("该角色不存在")
		} else if err != nil {
			return fmt.Errorf("remove binding: %w", err)
		}
		return nil
	})
}

// GrantRequest is a request as the pages and the API show it.
type GrantRequest = store.GrantRequest

// Binding is a role binding as the pages name it.
type Binding = store.Binding

// The administration pages' other records, named here so pages depend on
// this capability, not on the store.
type (
	Policy           = store.Policy           // a version of the legal periods (期限政策)
	CalendarOverride = store.CalendarOverride // a holiday or a make-up working day
	Unit             = store.OrgUnit          // a unit of the org tree
)
