package server

import (
	"context"
	"net/http"
	"reflect"
	"time"

	"github.com/alexedwards/scs/v2"

	"github.com/tiaojie/tiaojie/internal/store"
)

// sessionStore adapts the Store to scs.
//
// scs re-commits a session on every request when an idle timeout is set, to
// push its expiry forward: on a busy site that is one write per page view,
// all of them through SQLite's single writer. This store skips the write
// when the request changed nothing in the session and the expiry stored
// is less than touchEvery behind the one scs asks for. A session therefore
// runs out between idle−touchEvery and idle after its last request (never
// later than the configured idle timeout), and a page view writes at most
// once a touchEvery.
type sessionStore struct {
	st         store.Store
	codec      scs.Codec
	touchEvery time.Duration
}

// newSessionStore touches a session at most once a minute, or once a tenth
// of the idle timeout when that is shorter.
func newSessionStore(st store.Store, sm *scs.SessionManager) sessionStore {
	touch := time.Minute
	if sm.IdleTimeout > 0 && sm.IdleTimeout/10 < touch {
		touch = sm.IdleTimeout / 10
	}
	return sessionStore{st: st, codec: sm.Codec, touchEvery: touch}
}

// sessionSeen is what the request's session lookup found, kept for its commit.
type sessionSeen struct {
	token  string
	data   []byte
	expiry time.Time
}

type sessionSeenKey struct{}

// withSessionSeen gives each request a place for what its session lookup found.
func withSessionSeen(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), sessionSeenKey{}, &sessionSeen{})))
	})
}

func (s sessionStore) Find(token string) ([]byte, bool, error) {
	return s.FindCtx(context.Background(), token)
}
func (s sessionStore) Commit(token string, b []byte, expiry time.Time) error {
	return s.CommitCtx(context.Background(), token, b, expiry)
}
func (s sessionStore) Delete(token string) error {
	return s.st.SessionDelete(context.Background(), token)
}
func (s sessionStore) FindCtx(ctx context.Context, token string) ([]byte, bool, error) {
	b, expiry, ok, err := s.st.SessionFindExpiry(ctx, token)
	if err == nil && ok {
		if seen, _ := ctx.Value(sessionSeenKey{}).(*sessionSeen); seen != nil {
			*seen = sessionSeen{token: token, data: b, expiry: expiry}
		}
	}
	return b, ok, err
}
func (s sessionStore) CommitCtx(ctx context.Context, token string, b []byte, expiry time.Time) error {
	if seen, _ := ctx.Value(sessionSeenKey{}).(*sessionSeen); seen != nil && seen.token == token && seen.token != "" &&
		expiry.Sub(seen.expiry) < s.touchEvery && s.same(seen.data, b) {
		return nil // unchanged and fresh enough: no write
	}
	return s.st.SessionCommit(ctx, token, b, expiry)
}
func (s sessionStore) DeleteCtx(ctx context.Context, token string) error {
	return s.st.SessionDelete(ctx, token)
}

// same reports whether two encoded sessions hold the same deadline and
// values (gob encodes a map in no fixed order, so the bytes may differ).
func (s sessionStore) same(a, b []byte) bool {
	if string(a) == string(b) {
		return true
	}
	da, va, err := s.codec.Decode(a)
	if err != nil {
		return false
	}
	db, vb, err := s.codec.Decode(b)
	if err != nil {
		return false
	}
	return da.Equal(db) && reflect.DeepEqual(va, vb)
}
