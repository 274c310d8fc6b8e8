package server

import (
	"net"
	"net/http"
	"net/netip"
	"strings"
)

// fromProxy makes r.RemoteAddr the client's address when the request came
// through a trusted reverse proxy, so the audit trail and the per-address
// limits of the public pages see the caller, not the load balancer.
func (s *Server) fromProxy(next http.Handler) http.Handler {
	if len(s.opt.TrustedProxies) == 0 {
		return next
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		host, port, err := net.SplitHostPort(r.RemoteAddr)
		if peer, perr := netip.ParseAddr(host); err == nil && perr == nil {
			if c, ok := forwardedClient(peer, r.Header.Values("X-Forwarded-For"), s.opt.TrustedProxies); ok {
				r = r.WithContext(r.Context()) // a copy: the server's request stays as it came
				r.RemoteAddr = net.JoinHostPort(c.String(), port)
			}
		}
		next.ServeHTTP(w, r)
	})
}

// forwardedClient is the client behind peer when peer is a trusted proxy:
// the right-most X-Forwarded-For entry that is not itself a trusted proxy.
// Entries further left were written by whoever sent the request and are
// not believed. ok is false when peer is not trusted or names no one.
func forwardedClient(peer netip.Addr, xff []string, trusted []netip.Prefix) (netip.Addr, bool) {
	isTrusted := func(a netip.Addr) bool {
		for _, p := range trusted {
			if p.Contains(a) {
				return true
			}
		}
		return false
	}
	peer = peer.Unmap()
	if !isTrusted(peer) {
		return netip.Addr{}, false
	}
	var hops []string
	for _, h := range xff {
		hops = append(hops, strings.Split(h, ",")...)
	}
	client, found := peer, false
	for i := len(hops) - 1; i >= 0; i-- {
		a, err := netip.ParseAddr(strings.TrimSpace(hops[i]))
		if err != nil {
			break // a malformed hop: nothing left of it can be placed
		}
		client, found = a.Unmap(), true
		if !isTrusted(client) {
			break
		}
	}
	return client, found
}
