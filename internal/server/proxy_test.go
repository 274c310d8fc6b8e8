package server

import (
	"net/http"
	"net/http/httptest"
	"net/netip"
	"testing"
)

func TestForwardedClient(t *testing.T) {
	trusted := []netip.Prefix{netip.MustParsePrefix("10.0.0.0/24"), netip.MustParsePrefix("192.168.1.5/32")}
	cases := []struct {
		name, peer string
		xff        []string
		want       string // "" = not forwarded: the peer stands
	}{
		{"direct caller, header ignored", "203.0.113.9", []string{"1.2.3.4"}, ""},
		{"untrusted peer claiming to be a proxy's client", "203.0.113.9", []string{"10.0.0.1"}, ""},
		{"trusted proxy, no header", "10.0.0.2", nil, ""},
		{"trusted proxy, empty header", "10.0.0.2", []string{""}, ""},
		{"one proxy", "10.0.0.2", []string{"198.51.100.7"}, "198.51.100.7"},
		{"forged entries left of the proxy's are not believed", "10.0.0.2", []string{"1.1.1.1, 198.51.100.7"}, "198.51.100.7"},
		{"two trusted proxies in a row", "10.0.0.2", []string{"198.51.100.7, 192.168.1.5"}, "198.51.100.7"},
		{"several header lines", "10.0.0.2", []string{"9.9.9.9", "198.51.100.7"}, "198.51.100.7"},
		{"spaces", "10.0.0.2", []string{" 198.51.100.7 "}, "198.51.100.7"},
		{"IPv6 client", "10.0.0.2", []string{"2001:db8::1"}, "2001:db8::1"},
		{"IPv4-mapped peer", "::ffff:10.0.0.2", []string{"198.51.100.7"}, "198.51.100.7"},
		{"IPv4-mapped client", "10.0.0.2", []string{"::ffff:198.51.100.7"}, "198.51.100.7"},
		{"malformed hop stops the walk", "10.0.0.2", []string{"198.51.100.7, garbage"}, ""},
		{"malformed hop behind a good one", "10.0.0.2", []string{"garbage, 198.51.100.7"}, "198.51.100.7"},
		{"only trusted hops: the furthest", "10.0.0.2", []string{"10.0.0.9, 192.168.1.5"}, "10.0.0.9"},
		{"port in the header is not an address", "10.0.0.2", []string{"198.51.100.7:5555"}, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, ok := forwardedClient(netip.MustParseAddr(c.peer), c.xff, trusted)
			if c.want == "" {
				if ok {
					t.Fatalf("forwarded to %s, want the peer to stand", got)
				}
				return
			}
			if !ok || got != netip.MustParseAddr(c.want) {
				t.Fatalf("got %s %v, want %s", got, ok, c.want)
			}
		})
	}
	if _, ok := forwardedClient(netip.MustParseAddr("10.0.0.2"), []string{"198.51.100.7"}, nil); ok {
		t.Fatal("no trusted proxies configured, yet the header was believed")
	}
}

// Behind a trusted proxy every handler sees the client as the peer; the
// request is otherwise left as it came.
func TestFromProxy(t *testing.T) {
	var got string
	seen := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { got = r.RemoteAddr })
	call := func(h http.Handler, peer, xff string) string {
		req := httptest.NewRequest("GET", "/healthz", nil)
		req.RemoteAddr = peer
		if xff != "" {
			req.Header.Set("X-Forwarded-For", xff)
		}
		h.ServeHTTP(httptest.NewRecorder(), req)
		return got
	}
	behind := (&Server{opt: Options{TrustedProxies: []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8")}}}).fromProxy(seen)
	if a := call(behind, "10.1.2.3:40000", "1.1.1.1, 198.51.100.7"); a != "198.51.100.7:40000" {
		t.Fatalf("through the proxy: %s", a)
	}
	if a := call(behind, "203.0.113.9:5000", "198.51.100.7"); a != "203.0.113.9:5000" {
		t.Fatalf("a direct caller chose its own address: %s", a)
	}
	direct := (&Server{}).fromProxy(seen)
	if a := call(direct, "10.1.2.3:40000", "198.51.100.7"); a != "10.1.2.3:40000" {
		t.Fatalf("without trusted proxies the header was believed: %s", a)
	}
}
