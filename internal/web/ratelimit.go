package web

import (
	"net"
	"net/http"
	"sync"
	"time"
)

// rateLimit counts requests per key in fixed windows, for the public pages
// that anyone can call (verification, progress lookup). It lives in memory:
// with several instances each enforces its own share, which is enough to
// stop a script from guessing, while a person never meets it.
type rateLimit struct {
	mu     sync.Mutex
	max    int
	window time.Duration
	seen   map[string]*rateWindow
}

type rateWindow struct {
	start time.Time
	n     int
}

func newRateLimit(max int, window time.Duration) *rateLimit {
	return &rateLimit{max: max, window: window, seen: map[string]*rateWindow{}}
}

// allow counts one request of key at now and reports whether it is within the limit.
func (l *rateLimit) allow(key string, now time.Time) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(l.seen) > 10000 { // forget finished windows so the map stays small
		for k, w := range l.seen {
			if now.Sub(w.start) >= l.window {
				delete(l.seen, k)
			}
		}
	}
	w := l.seen[key]
	if w == nil || now.Sub(w.start) >= l.window {
		w = &rateWindow{start: now}
		l.seen[key] = w
	}
	w.n++
	return w.n <= l.max
}

// clientKey is the caller's address without the port.
func clientKey(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// publicLimits are the limits of the public pages, made on first use.
type publicLimits struct {
	once     sync.Once
	verify   *rateLimit // verification attempts per address
	progress *rateLimit // progress code requests and checks per address
}

func (p *publicLimits) get() *publicLimits {
	p.once.Do(func() {
		p.verify = newRateLimit(30, 10*time.Minute)
		p.progress = newRateLimit(20, 10*time.Minute)
	})
	return p
}
