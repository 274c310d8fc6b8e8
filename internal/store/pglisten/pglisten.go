// Package pglisten holds the PostgreSQL LISTEN connections an instance
// keeps: one per topic (live conversations, list totals), each taken out
// of the store's LISTEN pool for good and listening on the schema's
// channel, so that installs in other schemas of a database are not told.
package pglisten

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// Quiet is how long a listening connection may be silent before it is
// pinged (or checked otherwise), so that a connection cut without a reset
// is noticed and replaced.
const Quiet = 30 * time.Second

// Channel is the notification channel of topic in schema; PostgreSQL cuts
// identifiers at 63 bytes, and senders cut the same way (pg_notify in SQL:
// left(…, 63)).
func Channel(schema, topic string) string {
	n := topic
	if schema != "" {
		n = schema + "." + topic
	}
	if len(n) > 63 {
		n = n[:63]
	}
	return n
}

// Connect takes a connection out of pool for good and listens on topic's
// channel in the connection's schema, which it returns.
func Connect(ctx context.Context, pool *pgxpool.Pool, topic string) (*pgx.Conn, string, error) {
	pc, err := pool.Acquire(ctx)
	if err != nil {
		return nil, "", err
	}
	conn := pc.Hijack() // the pool neither lends it out again nor waits for it on close
	fail := func(err error) (*pgx.Conn, string, error) {
		cctx, cancel := context.WithTimeout(context.Background(), time.Second)
		defer cancel()
		conn.Close(cctx)
		return nil, "", err
	}
	var schema string
	if err := conn.QueryRow(ctx, "SELECT coalesce(current_schema(), '')").Scan(&schema); err != nil {
		return fail(fmt.Errorf("current schema: %w", err))
	}
	channel := Channel(schema, topic)
	if _, err := conn.Exec(ctx, "LISTEN "+pgx.Identifier{channel}.Sanitize()); err != nil {
		return fail(fmt.Errorf("listen: %w", err))
	}
	return conn, channel, nil
}

// Serve calls heard with each notification's payload until the connection
// fails or ctx ends, and quiet after every Quiet without one (a ping when
// nil). It returns why it stopped.
func Serve(ctx context.Context, conn *pgx.Conn, heard func(payload string), quiet func(context.Context) error) error {
	if quiet == nil {
		quiet = func(ctx context.Context) error {
			pctx, cancel := context.WithTimeout(ctx, 3*time.Second)
			defer cancel()
			if err := conn.Ping(pctx); err != nil {
				return fmt.Errorf("ping: %w", err)
			}
			return nil
		}
	}
	for {
		wctx, cancel := context.WithTimeout(ctx, Quiet)
		n, err := conn.WaitForNotification(wctx)
		silent := wctx.Err() != nil
		cancel()
		switch {
		case err == nil:
			heard(n.Payload)
		case ctx.Err() != nil:
			return ctx.Err()
		case silent && !conn.IsClosed():
			if err := quiet(ctx); err != nil {
				return err
			}
		default:
			return err
		}
	}
}

// Close closes a listening connection, waiting at most a second.
func Close(conn *pgx.Conn) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	conn.Close(ctx)
}
