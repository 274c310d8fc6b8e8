package sqlstore

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/tiaojie/tiaojie/internal/store/pglisten"
)

// PostgreSQL's case counters in memory.
//
// SQLite's cache (countcache.go) asks PRAGMA data_version before using the
// counters it holds. PostgreSQL has no version that cheap: a question
// would cost the round trip it saves. Instead migration 70's trigger
// notifies on every statement that changes the counters, delivered when
// that transaction commits, and one connection per instance listens: the
// counters are read again after any notification. The committee's list
// spent as much of PostgreSQL's time summing its scope's counter rows
// (1,565 at 100,000 cases) as reading its page (docs/performance.md).
//
// Since migration 71 every change of a case or of the due index notifies
// on the same channel, so the generation also says when the answers that
// depend only on cases may have changed (countCache.remembered).
//
// What this instance commits moves the generation at once, so a user sees
// their own change in the next list. Another instance's change shows once
// its notification arrives (milliseconds). While the listening connection
// is down, or the schema lacks the trigger, the counters are summed by SQL
// as before; on reconnecting the generation moves (what changed meanwhile
// was not heard).

const (
	countsTopic      = "tiaojie_counts"
	countsBackoffMax = 5 * time.Second
)

// liveCounts is the generation of PostgreSQL's counters as heard.
type liveCounts struct {
	pool *pgxpool.Pool
	log  *slog.Logger

	gen atomic.Int64
	up  atomic.Bool // listening, and the schema notifies
	// cases: the schema also notifies every change of cases and of the
	// due index (migration 71), so answers about them can be remembered.
	cases atomic.Bool
	pid   atomic.Uint32
	heard atomic.Value // the last payload heard (string), for tests' barriers

	once   sync.Once
	cancel context.CancelFunc
	done   chan struct{}
}

func newLiveCounts(pool *pgxpool.Pool) *liveCounts {
	return &liveCounts{pool: pool, log: slog.Default(), done: make(chan struct{})}
}

// version is the generation, ok only while it can be trusted; the first
// call starts listening (in the background: until it listens, ok is false).
func (l *liveCounts) version() (int64, bool) {
	l.once.Do(func() {
		ctx, cancel := context.WithCancel(context.Background())
		l.cancel = cancel
		go l.run(ctx)
	})
	if !l.up.Load() {
		return 0, false
	}
	return l.gen.Load(), true
}

// casesVersion is the generation when it also moves on every change of
// cases and of the due index (migration 71), ok only then.
func (l *liveCounts) casesVersion() (int64, bool) {
	v, ok := l.version()
	return v, ok && l.cases.Load()
}

// countsMoved tells PostgreSQL's counters in memory that this instance has
// committed a write or migrated: they are read again at the next list.
func (db *DB) countsMoved() {
	if db.counts != nil && db.counts.live != nil {
		db.counts.live.gen.Add(1)
	}
}

// ListenerPID is the backend that listens for counter changes (0: none),
// for tests that cut it.
func (db *DB) ListenerPID() uint32 {
	if db.counts == nil || db.counts.live == nil {
		return 0
	}
	return db.counts.live.pid.Load()
}

// ListenerHeard is the last payload this instance's listener heard ("" for
// none): a test that sends a payload of its own and waits for it here
// knows that every notification committed before it has been heard.
func (db *DB) ListenerHeard() string {
	if db.counts == nil || db.counts.live == nil {
		return ""
	}
	s, _ := db.counts.live.heard.Load().(string)
	return s
}

// CountsGeneration is the generation of PostgreSQL's counters as this
// instance has heard it, and whether it is trusted (listening, the schema
// notifies); false on SQLite. Tests wait on it after writing beside the
// store.
func (db *DB) CountsGeneration() (int64, bool) {
	if db.counts == nil || db.counts.live == nil {
		return 0, false
	}
	return db.counts.live.version()
}

func (l *liveCounts) stop() {
	started := false
	l.once.Do(func() {}) // no start after stop
	if l.cancel != nil {
		l.cancel()
		started = true
	}
	if started {
		<-l.done
	}
}

func (l *liveCounts) run(ctx context.Context) {
	defer close(l.done)
	wait := 100 * time.Millisecond
	for {
		conn, _, err := pglisten.Connect(ctx, l.pool, countsTopic)
		if err == nil {
			l.pid.Store(conn.PgConn().PID())
			wait = 100 * time.Millisecond
			err = l.listen(ctx, conn)
			l.up.Store(false)
			l.pid.Store(0)
			pglisten.Close(conn)
		}
		if ctx.Err() != nil {
			return
		}
		l.log.Warn("case counters: not hearing changes; lists count by SQL meanwhile", "err", err, "retry_in", wait.String())
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return
		case <-t.C:
		}
		wait = min(2*wait, countsBackoffMax)
	}
}

// listen moves the generation on every notification until the connection
// fails or ctx ends. The counters are trusted only while the schema has
// the trigger (a database not yet at migration 70 does not notify), and
// the remembered answers only while it has migration 71's too; both looked
// for on connecting and whenever the connection has been quiet.
func (l *liveCounts) listen(ctx context.Context, conn *pgx.Conn) error {
	check := func(ctx context.Context) error {
		var has, cases bool
		if err := conn.QueryRow(ctx, `SELECT
			EXISTS (SELECT 1 FROM pg_trigger WHERE tgname = 'case_counts_changed' AND tgrelid = to_regclass('case_counts')),
			EXISTS (SELECT 1 FROM pg_trigger WHERE tgname = 'cases_changed' AND tgrelid = to_regclass('cases'))
				AND EXISTS (SELECT 1 FROM pg_trigger WHERE tgname = 'due_index_changed' AND tgrelid = to_regclass('due_index'))`).Scan(&has, &cases); err != nil {
			return fmt.Errorf("look for the counters' trigger: %w", err)
		}
		if has && !l.up.Load() || cases && !l.cases.Load() {
			// Whatever changed before now was not heard.
			l.gen.Add(1)
		}
		l.cases.Store(has && cases)
		l.up.Store(has)
		return nil
	}
	if err := check(ctx); err != nil {
		return err
	}
	return pglisten.Serve(ctx, conn, func(payload string) { l.heard.Store(payload); l.gen.Add(1) }, check)
}
