package auth

import (
	"context"
	"runtime"
	"sync"
	"time"
)

// The limits in front of the password check. They live in the process, not
// the database (docs/decisions.md): the account lockout, which protects each
// account, is counted in the database and holds across instances; these
// protect the instance itself (its CPU and memory) and slow a guesser down,
// and with n instances an address gets at most n times its share.

// Defaults of the instance's own limits (Service fields override them).
const (
	DefaultGlobalPerSecond = 100             // sign-in attempts per second on one instance
	DefaultHashWait        = 2 * time.Second // how long an attempt waits for a hashing slot
)

// HashSlots is how many password hashes run at once by default: argon2id
// takes 64 MiB each, so a burst of attempts queues here instead of taking
// the memory of all of them at once.
func HashSlots() int {
	n := runtime.GOMAXPROCS(0)
	if n > 4 {
		n = 4
	}
	if n < 2 {
		n = 2
	}
	return n
}

// addrLimit counts failed sign-ins per client address in fixed windows.
// An attempt takes its slot before the password is checked (so parallel
// attempts cannot all pass the check together) and a right password gives
// it back: people who sign in are never counted, guessers are.
type addrLimit struct {
	mu   sync.Mutex
	seen map[string]*addrWindow
}

type addrWindow struct {
	start   time.Time
	n       int
	refused bool // a refusal of this window is already on record
}

// take counts one attempt of addr; ok is false when the window's failures
// are used up, first is true for the first refusal of the window (the one
// the audit trail records).
func (l *addrLimit) take(addr string, now time.Time, max int, window time.Duration) (ok, first bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.seen == nil {
		l.seen = map[string]*addrWindow{}
	}
	if len(l.seen) > 10000 {
		for k, w := range l.seen {
			if now.Sub(w.start) >= window {
				delete(l.seen, k)
			}
		}
	}
	w := l.seen[addr]
	if w == nil || now.Sub(w.start) >= window {
		w = &addrWindow{start: now}
		l.seen[addr] = w
	}
	if w.n >= max {
		first = !w.refused
		w.refused = true
		return false, first
	}
	w.n++
	return true, false
}

// give returns a slot taken by an attempt that turned out right.
func (l *addrLimit) give(addr string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if w := l.seen[addr]; w != nil && w.n > 0 {
		w.n--
	}
}

// rate counts attempts per second across the instance.
type rate struct {
	mu      sync.Mutex
	second  int64
	n       int
	refused bool
}

func (r *rate) take(now time.Time, max int) (ok, first bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if s := now.Unix(); s != r.second {
		r.second, r.n, r.refused = s, 0, false
	}
	if r.n >= max {
		first = !r.refused
		r.refused = true
		return false, first
	}
	r.n++
	return true, false
}

// pool bounds the password hashes running at once.
type pool struct {
	once  sync.Once
	slots chan struct{}
}

func (s *Service) hashPool() chan struct{} {
	s.pool.once.Do(func() {
		n := s.HashSlots
		if n <= 0 {
			n = HashSlots()
		}
		s.pool.slots = make(chan struct{}, n)
	})
	return s.pool.slots
}

// withSlot runs fn holding a hashing slot, waiting at most HashWait (or
// until ctx ends); ErrBusy when no slot came free.
func (s *Service) withSlot(ctx context.Context, fn func()) error {
	slots := s.hashPool()
	wait := s.HashWait
	if wait <= 0 {
		wait = DefaultHashWait
	}
	t := time.NewTimer(wait)
	defer t.Stop()
	select {
	case slots <- struct{}{}:
	case <-t.C:
		return ErrBusy
	case <-ctx.Done():
		return ErrBusy
	}
	defer func() { <-slots }()
	fn()
	return nil
}

// checkPassword verifies pw against hash in a hashing slot.
func (s *Service) checkPassword(ctx context.Context, hash, pw string) (bool, error) {
	var ok bool
	err := s.withSlot(ctx, func() { ok = CheckPassword(hash, pw) })
	return ok, err
}

// hashPassword hashes a new password in a hashing slot.
func (s *Service) hashPassword(ctx context.Context, pw string) (string, error) {
	var h string
	var herr error
	if err := s.withSlot(ctx, func() { h, herr = s.hash(pw) }); err != nil {
		return "", err
	}
	return h, herr
}

func (s *Service) hash(pw string) (string, error) {
	if s.Hash != nil {
		return s.Hash(pw)
	}
	return HashPassword(pw)
}
