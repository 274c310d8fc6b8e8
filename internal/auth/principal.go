// Package auth decides who is asking and what they may do: password
// sign-in with lockout, bearer tokens, and the principal every handler and
// service checks permissions and org scope against.
package auth

import (
	"context"
	"strings"

	"github.com/tiaojie/tiaojie/internal/domain"
	"github.com/tiaojie/tiaojie/internal/store"
)

// Principal is the signed-in user or machine client behind a request.
type Principal struct {
	UserID      int64
	Username    string
	DisplayName string
	TokenID     int64 // API key or bearer token used, 0 for web sessions
	Machine     bool  // a machine client's API key
	Bindings    []store.Binding
}

// Can reports whether any binding's role grants p.
func (p *Principal) Can(perm domain.Permission) bool {
	if p == nil {
		return perm == domain.PermNone
	}
	for _, b := range p.Bindings {
		if domain.RoleHas(b.Role, perm) {
			return true
		}
	}
	return perm == domain.PermNone || perm == domain.PermSignedIn
}

// Has reports whether the principal holds role r anywhere.
func (p *Principal) Has(r domain.Role) bool {
	for _, b := range p.Bindings {
		if b.Role == r {
			return true
		}
	}
	return false
}

// Scope is the set of org subtrees where the principal may use perm.
func (p *Principal) Scope(perm domain.Permission) store.Scope {
	var s store.Scope
	if p == nil {
		return s
	}
	for _, b := range p.Bindings {
		if domain.RoleHas(b.Role, perm) && b.OrgPath != "" {
			s.Prefixes = append(s.Prefixes, b.OrgPath)
		}
	}
	return s
}

// CanOnCase reports whether perm may be used on case c: the permission must
// come from a binding whose subtree holds the case's unit or the unit that diverted it.
func (p *Principal) CanOnCase(perm domain.Permission, c store.Case) bool {
	for _, prefix := range p.Scope(perm).Prefixes {
		if strings.HasPrefix(c.OrgPath, prefix) || (c.DivertedByPath != "" && strings.HasPrefix(c.DivertedByPath, prefix)) {
			return true
		}
	}
	return false
}

// Reaches reports whether perm may be used on the org unit with the given path.
func (p *Principal) Reaches(perm domain.Permission, path string) bool {
	for _, prefix := range p.Scope(perm).Prefixes {
		if strings.HasPrefix(path, prefix) {
			return true
		}
	}
	return false
}

// ClientID names who sent an idempotency key, so keys of different clients never collide.
func (p *Principal) ClientID() string {
	if p.TokenID != 0 && p.Machine {
		return "key:" + itoa(p.TokenID)
	}
	return "user:" + itoa(p.UserID)
}

// Roles lists the distinct roles held, for display.
func (p *Principal) Roles() []domain.Role {
	var out []domain.Role
	seen := map[domain.Role]bool{}
	for _, b := range p.Bindings {
		if !seen[b.Role] {
			seen[b.Role] = true
			out = append(out, b.Role)
		}
	}
	return out
}

type ctxKey struct{}

// With returns ctx carrying p.
func With(ctx context.Context, p *Principal) context.Context {
	return context.WithValue(ctx, ctxKey{}, p)
}

// From returns the principal in ctx, or nil.
func From(ctx context.Context) *Principal {
	p, _ := ctx.Value(ctxKey{}).(*Principal)
	return p
}

func itoa(n int64) string {
	var b [20]byte
	i := len(b)
	if n == 0 {
		return "0"
	}
	for n > 0 {
		i--
		b[i] = byte('0' + n%10)
		n /= 10
	}
	return string(b[i:])
}
