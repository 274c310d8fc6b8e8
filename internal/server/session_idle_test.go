package server_test

import (
	"context"
	"net/http"
	"net/url"
	"sync/atomic"
	"testing"
	"time"

	"github.com/tiaojie/tiaojie/internal/server"
	"github.com/tiaojie/tiaojie/internal/store"
	"github.com/tiaojie/tiaojie/internal/store/storetest"
)

// A page view that changes nothing in the session does not write it, except
// to move its idle expiry forward once a tenth of the idle timeout (at most
// once a minute); a session used within its idle timeout stays signed in,
// one left idle longer is over.
func TestSessionIdleTouch(t *testing.T) {
	const idle = 4 * time.Second
	for _, eng := range storetest.Engines(t) {
		t.Run(eng.Name, func(t *testing.T) {
			t.Parallel()
			var commits atomic.Int64
			e := startEnv(t, eng.FromTemplate(t, "demo", buildDemo), nil, nil, func(o *server.Options) {
				o.SessionIdle, o.Store = idle, countingSessions{o.Store, &commits}
			})
			ctx := context.Background()
			c := e.login("mediator01")
			u, _ := url.Parse(e.ts.URL)
			var token string
			for _, k := range c.http.Jar.Cookies(u) {
				if k.Name == "tiaojie_session" {
					token = k.Value
				}
			}
			if token == "" {
				t.Fatal("no session cookie")
			}
			expiry := func() time.Time {
				t.Helper()
				_, exp, ok, err := e.db.SessionFindExpiry(ctx, token)
				if err != nil || !ok {
					t.Fatalf("session: %v %v", ok, err)
				}
				return exp
			}
			view := func() {
				t.Helper()
				if res := c.get("/cases"); res.StatusCode != http.StatusOK {
					t.Fatalf("signed-in view: %d", res.StatusCode)
				}
			}
			first := expiry()
			before, start := commits.Load(), time.Now()
			const views = 20
			for range views {
				view()
			}
			wrote, took := commits.Load()-before, time.Since(start)
			if limit := int64(took/(idle/10)) + 1; wrote > limit || wrote >= views {
				t.Fatalf("%d views in %v wrote the session %d times (at most %d)", views, took, wrote, limit)
			}
			time.Sleep(idle/10 + 100*time.Millisecond)
			view()
			if touched := expiry(); !touched.After(first) {
				t.Fatalf("a view after the touch interval did not move the idle expiry: %v → %v", first, touched)
			}
			// Active for longer than the idle timeout: still signed in.
			for end := time.Now().Add(idle + time.Second); time.Now().Before(end); time.Sleep(idle / 4) {
				view()
			}
			// Idle for the timeout: signed out.
			time.Sleep(idle + 200*time.Millisecond)
			if res := c.get("/cases"); res.StatusCode == http.StatusOK {
				t.Fatalf("session still live after %v idle", idle)
			}
		})
	}
}

// countingSessions counts session writes.
type countingSessions struct {
	store.Store
	n *atomic.Int64
}

func (c countingSessions) SessionCommit(ctx context.Context, token string, data []byte, expiry time.Time) error {
	c.n.Add(1)
	return c.Store.SessionCommit(ctx, token, data, expiry)
}
