package storetest

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/tiaojie/tiaojie/internal/store/sqlstore"
)

// HeardAll waits until a has heard every notification committed so far
// (PostgreSQL; SQLite reads its version synchronously): a payload of its
// own, sent through b, arrives after them. A notification still on its
// way would move a's generation and hide what a test means to show is
// remembered. b may be a itself.
func HeardAll(t testing.TB, a, b *sqlstore.DB) {
	t.Helper()
	if a.Dialect() != "postgres" {
		return
	}
	mark := fmt.Sprintf("barrier-%d", time.Now().UnixNano())
	if _, err := b.Writer().ExecContext(context.Background(), `SELECT pg_notify(left(CASE WHEN coalesce(current_schema(), '') = ''
		THEN 'tiaojie_counts' ELSE current_schema() || '.tiaojie_counts' END, 63), $1)`, mark); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(10 * time.Second)
	for a.ListenerHeard() != mark {
		if time.Now().After(deadline) {
			t.Fatalf("the store did not hear %s in 10 s", mark)
		}
		time.Sleep(5 * time.Millisecond)
	}
}
