package conversation

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/tiaojie/tiaojie/internal/store/pglisten"
)

// Live conversations across instances (PostgreSQL LISTEN/NOTIFY).
//
// What travels is "case N has news" and the sending instance's tag — never
// a message, a name or a phone: a stream that is woken reads the message
// through the store as its own reader, with that reader's channel rules.
//
// The NOTIFY is sent right after the post commits, not inside its
// transaction. Inside, PostgreSQL would deliver it atomically with the
// commit, but every post path (messages, evidence, proposals, answers)
// would have to thread the notification through the store, and a
// transaction that has notified takes a database-wide lock at commit,
// serialising every posting transaction behind it. After the commit, the
// message is already visible to whoever is woken; if the process dies
// between commit and NOTIFY, the other instances' streams still find the
// message on their next timed look (web.StreamPoll), so it is late, never
// lost. Lost notifications while the listening connection is down are made
// good the same way, sooner: on reconnecting, every local stream looks
// again from the last message it sent.

const (
	// relaySend bounds a NOTIFY; a post never waits longer on its announcement.
	relaySend = 3 * time.Second
	// relayBackoffMax caps the wait between reconnection attempts.
	relayBackoffMax = 5 * time.Second
	relayTopic      = "tiaojie_talk"
)

type relay struct {
	pool    *pgxpool.Pool
	channel string // per schema: instances of another install on the same database are not woken
	self    string // this instance's tag: its own notifications come back and are skipped
	log     *slog.Logger
	cancel  context.CancelFunc
	done    chan struct{}

	mu  sync.Mutex
	pid uint32 // the listening backend (tests cut it)
}

// Relay connects this hub to the other instances on the database behind
// pool: Publish also notifies them, and their notifications wake the
// streams here. It returns once listening, so nothing published after it
// returns is missed; a dropped connection is re-established in the
// background until ctx ends or Close. A nil pool (SQLite: one instance per
// file) leaves the hub in-process.
func (h *Hub) Relay(ctx context.Context, pool *pgxpool.Pool, log *slog.Logger) error {
	if pool == nil {
		return nil
	}
	if log == nil {
		log = slog.Default()
	}
	h.mu.Lock()
	busy := h.relay != nil || h.closed
	h.mu.Unlock()
	if busy {
		return errors.New("live conversation relay: hub already relayed or closed")
	}
	tag := make([]byte, 8)
	rand.Read(tag)
	r := &relay{pool: pool, self: hex.EncodeToString(tag), log: log, done: make(chan struct{})}
	conn, err := r.connect(ctx)
	if err != nil {
		return fmt.Errorf("listen for live conversations: %w", err)
	}
	rctx, cancel := context.WithCancel(ctx)
	r.cancel = cancel
	h.mu.Lock()
	h.relay = r
	h.mu.Unlock()
	go r.run(rctx, h, conn)
	return nil
}

// connect takes a connection out of the pool for good and listens on it.
func (r *relay) connect(ctx context.Context) (*pgx.Conn, error) {
	conn, channel, err := pglisten.Connect(ctx, r.pool, relayTopic)
	if err != nil {
		return nil, err
	}
	if r.channel == "" { // set by the first connection, before any send; the same after
		r.channel = channel
	}
	r.mu.Lock()
	r.pid = conn.PgConn().PID()
	r.mu.Unlock()
	return conn, nil
}

func (r *relay) run(ctx context.Context, h *Hub, conn *pgx.Conn) {
	defer close(r.done)
	for {
		err := r.listen(ctx, h, conn)
		pglisten.Close(conn)
		if ctx.Err() != nil {
			return
		}
		r.log.Warn("live conversation: lost the connection that hears other instances; reconnecting", "err", err)
		if conn = r.reconnect(ctx); conn == nil {
			return
		}
		r.log.Info("live conversation: hearing other instances again")
		h.wakeAll() // what was posted while nobody listened
	}
}

// listen delivers notifications until the connection fails or ctx ends.
func (r *relay) listen(ctx context.Context, h *Hub, conn *pgx.Conn) error {
	return pglisten.Serve(ctx, conn, func(payload string) { r.deliver(h, payload) }, nil)
}

func (r *relay) reconnect(ctx context.Context) *pgx.Conn {
	wait := 100 * time.Millisecond
	for {
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return nil
		case <-t.C:
		}
		conn, err := r.connect(ctx)
		if err == nil {
			return conn
		}
		if ctx.Err() != nil {
			return nil
		}
		r.log.Warn("live conversation: cannot listen yet", "err", err, "retry_in", wait.String())
		wait = min(2*wait, relayBackoffMax)
	}
}

// payload is what a notification carries: the case id and the sender's tag.
func (r *relay) payload(caseID int64) string { return strconv.FormatInt(caseID, 10) + " " + r.self }

func (r *relay) deliver(h *Hub, payload string) {
	id, from, ok := strings.Cut(payload, " ")
	if !ok || from == r.self {
		return
	}
	if n, err := strconv.ParseInt(id, 10, 64); err == nil && n > 0 {
		h.wake(n)
	}
}

// send tells the other instances; a failure only delays their streams
// until their next timed look.
func (r *relay) send(ctx context.Context, caseID int64) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), relaySend)
	defer cancel()
	if _, err := r.pool.Exec(ctx, "SELECT pg_notify($1, $2)", r.channel, r.payload(caseID)); err != nil {
		r.log.Warn("live conversation: could not notify other instances; their streams see the message on their next look",
			"case", caseID, "err", err)
	}
}

func (r *relay) stop() {
	r.cancel()
	<-r.done
}

func (r *relay) listenerPID() uint32 {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.pid
}
