package conversation

import (
	"context"
	"io"
	"log/slog"
	"regexp"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/tiaojie/tiaojie/internal/store/postgres"
	"github.com/tiaojie/tiaojie/internal/store/sqlstore"
	"github.com/tiaojie/tiaojie/internal/store/storetest"
)

func woken(t *testing.T, ch <-chan struct{}, what string) {
	t.Helper()
	select {
	case <-ch:
	case <-time.After(5 * time.Second):
		t.Fatalf("not woken: %s", what)
	}
}

func notWoken(t *testing.T, ch <-chan struct{}, within time.Duration, what string) {
	t.Helper()
	select {
	case <-ch:
		t.Fatalf("woken: %s", what)
	case <-time.After(within):
	}
}

func openAt(t *testing.T, url string) *sqlstore.DB {
	t.Helper()
	db, err := postgres.OpenNoMigrate(context.Background(), url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func relayed(t *testing.T, db *sqlstore.DB) *Hub {
	t.Helper()
	h := &Hub{}
	if err := h.Relay(context.Background(), db.ListenPool(), slog.New(slog.NewTextHandler(io.Discard, nil))); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(h.Close)
	return h
}

// Two instances on one PostgreSQL: a post on one wakes the streams of the
// same case on the other, carrying only identifiers; another install's
// schema on the same server hears nothing; a cut listening connection is
// replaced and every stream looks again. SQLite has no notifications and
// the hub stays in-process.
func TestRelayAcrossInstances(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			if e.Name == "sqlite" {
				db := e.Open(t, false)
				h := relayed(t, db)
				if h.relay != nil || db.ListenPool() != nil {
					t.Fatal("SQLite got a relay")
				}
				ch, stop := h.Subscribe(3)
				defer stop()
				h.Publish(t.Context(), 3)
				woken(t, ch, "in-process publish")
				return
			}
			ctx := t.Context()
			url := storetest.SchemaURL(t)
			dbA, dbB := openAt(t, url), openAt(t, url)
			dbOther := openAt(t, storetest.SchemaURL(t))
			a, b, other := relayed(t, dbA), relayed(t, dbB), relayed(t, dbOther)

			// What goes over the wire, heard by a plain listener.
			raw, err := dbA.ListenPool().Acquire(ctx)
			if err != nil {
				t.Fatal(err)
			}
			spy := raw.Hijack()
			defer spy.Close(context.Background())
			if _, err := spy.Exec(ctx, "LISTEN "+pgx.Identifier{a.relay.channel}.Sanitize()); err != nil {
				t.Fatal(err)
			}

			onA, stopA := a.Subscribe(7)
			defer stopA()
			onB, stopB := b.Subscribe(7)
			defer stopB()
			elseB, stopElse := b.Subscribe(8)
			defer stopElse()
			onOther, stopOther := other.Subscribe(7)
			defer stopOther()

			a.Publish(ctx, 7)
			woken(t, onA, "local stream")
			woken(t, onB, "the other instance's stream of the case")
			wctx, cancel := context.WithTimeout(ctx, 5*time.Second)
			n, err := spy.WaitForNotification(wctx)
			cancel()
			if err != nil {
				t.Fatal(err)
			}
			if !regexp.MustCompile(`^7 [0-9a-f]{16}$`).MatchString(n.Payload) {
				t.Fatalf("notification payload %q: only the case id and the instance tag may travel", n.Payload)
			}
			notWoken(t, onA, 300*time.Millisecond, "an instance by its own notification coming back")
			notWoken(t, elseB, 0, "another case's stream")
			notWoken(t, onOther, 0, "a stream of another schema on the same server")

			b.Publish(ctx, 7)
			woken(t, onA, "the first instance, by a post on the second")
			woken(t, onB, "local stream on the second")

			// Cut B's listening connection, as a failover or an idle-connection killer would.
			pid := b.relay.listenerPID()
			if _, err := dbA.ListenPool().Exec(ctx, "SELECT pg_terminate_backend($1)", pid); err != nil {
				t.Fatal(err)
			}
			a.Publish(ctx, 7) // may fall into the gap: the resync must make up for it
			woken(t, onB, "after the listening connection was cut")
			deadline := time.Now().Add(10 * time.Second)
			for b.relay.listenerPID() == pid {
				if time.Now().After(deadline) {
					t.Fatal("the listening connection was not replaced")
				}
				time.Sleep(50 * time.Millisecond)
			}
			time.Sleep(100 * time.Millisecond)
			for len(onB) > 0 {
				<-onB
			}
			a.Publish(ctx, 7)
			woken(t, onB, "on the new listening connection")

			// Close stops listening: the backend goes away.
			pid = b.relay.listenerPID()
			b.Close()
			for {
				var alive int
				if err := dbA.Writer().QueryRowContext(ctx, "SELECT count(*) FROM pg_stat_activity WHERE pid = $1", pid).Scan(&alive); err != nil {
					t.Fatal(err)
				}
				if alive == 0 {
					break
				}
				if time.Now().After(deadline) {
					t.Fatal("Close left the listening connection open")
				}
				time.Sleep(50 * time.Millisecond)
			}
		})
	}
}
