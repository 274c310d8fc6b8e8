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
// What this instance commits moves the generation at once, so a user sees
// their own change in the next list. Another instance's change shows once
// its notification arrives (milliseconds). While the listening connection
// is down, or the schema lacks the trigger, the counters are summed by SQL
// as before; on reconnecting the generation moves (what changed meanwhile
// was not heard).

const (
	countsTopic      = "tiaojie_counts"
	countsQuiet      = 30 * time.Second // a silent connection is pinged, and the trigger looked for again
	countsBackoffMax = 5 * time.Second
)

// liveCounts is the generation of PostgreSQL's counters as heard.
type liveCounts struct {
	pool *pgxpool.Pool
	log  *slog.Logger

	gen atomic.Int64
	up  atomic.Bool // listening, and the schema notifies
	pid atomic.Uint32

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
		conn, channel, err := l.connect(ctx)
		if err == nil {
			wait = 100 * time.Millisecond
			err = l.listen(ctx, conn, channel)
			l.up.Store(false)
			l.pid.Store(0)
			cctx, cancel := context.WithTimeout(context.Background(), time.Second)
			conn.Close(cctx)
			cancel()
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

// connect takes a connection out of the pool for good and listens on the
// schema's channel.
func (l *liveCounts) connect(ctx context.Context) (*pgx.Conn, string, error) {
	pc, err := l.pool.Acquire(ctx)
	if err != nil {
		return nil, "", err
	}
	conn := pc.Hijack()
	var schema string
	if err := conn.QueryRow(ctx, "SELECT coalesce(current_schema(), '')").Scan(&schema); err != nil {
		conn.Close(context.WithoutCancel(ctx))
		return nil, "", fmt.Errorf("current schema: %w", err)
	}
	channel := countsTopic
	if schema != "" {
		channel = schema + "." + countsTopic
	}
	if len(channel) > 63 { // PostgreSQL cuts identifiers; the trigger cuts the same way
		channel = channel[:63]
	}
	if _, err := conn.Exec(ctx, "LISTEN "+pgx.Identifier{channel}.Sanitize()); err != nil {
		conn.Close(context.WithoutCancel(ctx))
		return nil, "", fmt.Errorf("listen: %w", err)
	}
	l.pid.Store(conn.PgConn().PID())
	return conn, channel, nil
}

// listen moves the generation on every notification until the connection
// fails or ctx ends. The counters are trusted only while the schema has
// the trigger (a database not yet at migration 70 does not notify).
func (l *liveCounts) listen(ctx context.Context, conn *pgx.Conn, channel string) error {
	check := func() error {
		var has bool
		if err := conn.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM pg_trigger
			WHERE tgname = 'case_counts_changed' AND tgrelid = to_regclass('case_counts'))`).Scan(&has); err != nil {
			return fmt.Errorf("look for the counters' trigger: %w", err)
		}
		if has && !l.up.Load() {
			// Whatever changed before now was not heard.
			l.gen.Add(1)
		}
		l.up.Store(has)
		return nil
	}
	if err := check(); err != nil {
		return err
	}
	for {
		wctx, cancel := context.WithTimeout(ctx, countsQuiet)
		_, err := conn.WaitForNotification(wctx)
		quiet := wctx.Err() != nil
		cancel()
		switch {
		case err == nil:
			l.gen.Add(1)
		case ctx.Err() != nil:
			return ctx.Err()
		case quiet && !conn.IsClosed():
			if err := check(); err != nil {
				return err
			}
		default:
			return err
		}
	}
}
