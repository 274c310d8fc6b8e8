// Package administration is the system administration capability: user
// accounts and their role bindings, machine API keys, the org tree, the
// working-day calendar and the deadline policies. Every method takes the
// acting principal and checks the permission and org scope it needs
// itself; a change of several writes (a user and its bindings, a unit and
// its streets) is one transaction.
package administration

import (
	"context"
	"strings"
	"time"

	"github.com/tiaojie/tiaojie/internal/auth"
	"github.com/tiaojie/tiaojie/internal/domain"
	"github.com/tiaojie/tiaojie/internal/store"
)

// Store is the part of the store administration needs; writes of more than
// one statement go through InTx, whose tx is the full store.
type Store interface {
	InTx(ctx context.Context, fn func(tx store.Store) error) error

	ListOrgUnits(ctx context.Context) ([]store.OrgUnit, error)
	GetOrgUnit(ctx context.Context, id int64) (store.OrgUnit, error)
	ListRoomStreets(ctx context.Context, committeeID int64) ([]store.RoomStreet, error)
	ListRoomMerchants(ctx context.Context, roomID int64) ([]store.Merchant, error)

	ListUsers(ctx context.Context, q store.UserQuery) ([]store.User, error)
	ListBindings(ctx context.Context, userID int64) ([]store.Binding, error)
	ListBindingsOf(ctx context.Context, userIDs []int64) ([]store.Binding, error)
	ListGrantRequests(ctx context.Context, q store.GrantQuery) ([]store.GrantRequest, error)
	ListTokens(ctx context.Context, kind string) ([]store.Token, error)
	RevokeToken(ctx context.Context, id int64, at time.Time) error

	ListCalendarOverrides(ctx context.Context) ([]store.CalendarOverride, error)
	PutCalendarOverride(ctx context.Context, o store.CalendarOverride) error
	DeleteCalendarOverride(ctx context.Context, date string) error
	ListPolicies(ctx context.Context) ([]store.Policy, error)
	PutPolicy(ctx context.Context, p *store.Policy) error
}

// KeyIssuer makes a machine key's secret and stores its hash (auth.Service).
type KeyIssuer interface {
	IssueKey(ctx context.Context, name string, orgID int64, expires *time.Time) (string, store.Token, error)
}

// Service is the administration capability.
type Service struct {
	Store  Store
	Issuer KeyIssuer // makes machine keys (auth.Service)
	Now    func() time.Time
}

func (s *Service) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

// topLevel reports whether the actor holds perm on a unit at the top of the
// tree (the city): such an actor administers the whole tree, including new
// top-level units and units outside any binding.
func topLevel(p *auth.Principal, perm domain.Permission) bool {
	for _, prefix := range p.Scope(perm).Prefixes {
		if strings.Count(prefix, "/") == 2 { // "/<id>/"
			return true
		}
	}
	return false
}

// reachable keeps the units on which the actor holds perm.
func reachable(p *auth.Principal, perm domain.Permission, units []store.OrgUnit) []store.OrgUnit {
	var out []store.OrgUnit
	for _, u := range units {
		if p.Reaches(perm, u.Path) {
			out = append(out, u)
		}
	}
	return out
}
