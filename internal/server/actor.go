package server

import (
	"crypto/rand"
	"encoding/hex"
	"net"
	"net/http"
	"strings"

	"github.com/tiaojie/tiaojie/internal/audit"
	"github.com/tiaojie/tiaojie/internal/auth"
	"github.com/tiaojie/tiaojie/internal/domain"
)

// newRequestID names one request in the logs and the audit trail.
func newRequestID() string {
	var b [8]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// actorOf is who the audit trail records for this request: the signed-in
// user (or key) with the binding that grants the route's permission, else a
// party's personal link, else the public.
func actorOf(r *http.Request, p *auth.Principal, rt Route, reqID string) audit.Actor {
	a := audit.Actor{RequestID: reqID, Addr: clientAddr(r)}
	switch {
	case p != nil:
		a.Kind, a.ID, a.Name = audit.KindUser, p.UserID, p.Username
		if p.Machine {
			a.Kind, a.ID = audit.KindKey, p.TokenID
		}
		for _, b := range p.Bindings {
			if rt.Perm == domain.PermNone || rt.Perm == domain.PermSignedIn || domain.RoleHas(b.Role, rt.Perm) {
				a.Role, a.UnitID, a.UnitPath = string(b.Role), b.OrgID, b.OrgPath
				break
			}
		}
	case hasTokenPath(rt.Path):
		a.Kind, a.Name = audit.KindParty, "当事人（个人链接）"
	default:
		a.Kind, a.Name = audit.KindParty, "公众（未登录）"
	}
	return a
}

func hasTokenPath(path string) bool { return strings.Contains(path, "{token}") }

// clientAddr is the peer's address: behind a trusted proxy (--trusted-proxies)
// fromProxy has already put the forwarded client there; any other
// X-Forwarded-For is the caller's own claim and is not believed.
func clientAddr(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}
