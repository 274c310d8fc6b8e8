package storetest

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"slices"
	"testing"
	"time"

	"github.com/tiaojie/tiaojie/internal/store/postgres"
)

// The databases a dead test process left on the test server are dropped by
// the next process; those of a live process (its lock held) and the shared
// empty template are not. SQLite's test databases are files in each test's
// temporary directory and need no such care.
func TestDeadProcessesDatabasesDropped(t *testing.T) {
	ctx := context.Background()
	for _, e := range Engines(t) {
		if e.Name != "postgres" {
			continue
		}
		base := os.Getenv(EnvPostgres)
		mine, err := ownedPrefix(ctx, base, "tj")
		if err != nil {
			t.Fatal(err)
		}
		admin, err := sql.Open("pgx", base)
		if err != nil {
			t.Fatal(err)
		}
		defer admin.Close()
		// Another live process: its lock held on a session of its own.
		otherDB, err := sql.Open("pgx", base)
		if err != nil {
			t.Fatal(err)
		}
		defer otherDB.Close()
		other, err := otherDB.Conn(ctx)
		if err != nil {
			t.Fatal(err)
		}
		const otherKey, deadKey = 0x7ffffff1, 0x7ffffff2
		if _, err := other.ExecContext(ctx, "SELECT pg_advisory_lock($1, $2)", ownerLockClass, otherKey); err != nil {
			t.Fatal(err)
		}
		names := map[string]string{}
		for who, prefix := range map[string]string{"mine": mine, "other": fmt.Sprintf("tjtpl_%08x", otherKey), "dead": fmt.Sprintf("tj_%08x", deadKey)} {
			_, name, drop, err := postgres.NewDatabase(ctx, base, prefix)
			if err != nil {
				t.Fatal(err)
			}
			defer drop()
			if !ownedName.MatchString(name) {
				t.Fatalf("%s's database %s has no owner in its name", who, name)
			}
			names[who] = name
		}
		if ownedName.MatchString("tjtpl_empty_4097fd689ac587d2") {
			t.Fatal("the shared empty template's name reads as owned")
		}
		exists := func(name string) bool {
			var ok bool
			if err := admin.QueryRowContext(ctx, "SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)", name).Scan(&ok); err != nil {
				t.Fatal(err)
			}
			return ok
		}
		sweep := func() []string {
			conn, err := admin.Conn(ctx)
			if err != nil {
				t.Fatal(err)
			}
			defer conn.Close()
			dropped, err := dropOrphans(ctx, conn)
			if err != nil {
				t.Fatal(err)
			}
			return dropped
		}
		dropped := sweep()
		if !slices.Contains(dropped, names["dead"]) || exists(names["dead"]) {
			t.Fatalf("the dead process's database %s was not dropped (dropped %v)", names["dead"], dropped)
		}
		for _, who := range []string{"mine", "other"} {
			if slices.Contains(dropped, names[who]) || !exists(names[who]) {
				t.Fatalf("a live process's database %s (%s) was dropped", names[who], who)
			}
		}
		// The other process ends: its session, and with it its lock, goes.
		other.Close()
		otherDB.Close()
		for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(20 * time.Millisecond) {
			var held bool
			if err := admin.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM pg_locks WHERE locktype = 'advisory'
				AND classid::bigint = $1 AND objid::bigint = $2)`, int64(ownerLockClass), otherKey).Scan(&held); err != nil {
				t.Fatal(err)
			}
			if !held {
				break
			}
			if time.Now().After(deadline) {
				t.Fatal("the ended session still holds its lock")
			}
		}
		if dropped := sweep(); !slices.Contains(dropped, names["other"]) || exists(names["other"]) {
			t.Fatalf("the ended process's database %s was not dropped (dropped %v)", names["other"], dropped)
		}
		if !exists(names["mine"]) {
			t.Fatalf("this process's database %s was dropped", names["mine"])
		}
	}
}
