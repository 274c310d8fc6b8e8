package storetest

import (
	"context"
	"testing"
	"testing/fstest"

	"github.com/tiaojie/tiaojie/internal/store/sqlstore"
)

// A changed, added or renamed migration names another shared template, so
// no test copies a schema older than its code; the same files name the same.
func TestSharedTemplateNamedByMigrations(t *testing.T) {
	key := func(name string, files fstest.MapFS) string {
		t.Helper()
		k, ok := emptyKey(sqlstore.Dialect{Name: name, Migrations: files})
		if !ok {
			t.Fatal("the test binary has no build information to name a template by")
		}
		return k
	}
	base := fstest.MapFS{"00001_init.sql": {Data: []byte("CREATE TABLE a (x int);")}}
	k := key("sqlite", base)
	if key("sqlite", fstest.MapFS{"00001_init.sql": {Data: []byte("CREATE TABLE a (x int);")}}) != k {
		t.Fatal("the same migrations named two templates")
	}
	for what, other := range map[string]string{
		"a changed migration": key("sqlite", fstest.MapFS{"00001_init.sql": {Data: []byte("CREATE TABLE a (x bigint);")}}),
		"a renamed migration": key("sqlite", fstest.MapFS{"00002_init.sql": {Data: []byte("CREATE TABLE a (x int);")}}),
		"an added migration": key("sqlite", fstest.MapFS{"00001_init.sql": base["00001_init.sql"],
			"00002_more.sql": {Data: []byte("CREATE TABLE b (y int);")}}),
		"another engine": key("postgres", base),
	} {
		if other == k {
			t.Errorf("%s kept the template's name", what)
		}
	}
}

// The shared template is built once and fully migrated: a second request
// gets the same one, and a copy of it is at the latest migration.
func TestSharedTemplateIsMigrated(t *testing.T) {
	ctx := context.Background()
	for _, e := range Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			src, err := sharedEmpty(ctx, e.Name)
			if err != nil {
				t.Fatal(err)
			}
			again, err := sharedEmpty(ctx, e.Name)
			if err != nil || again != src {
				t.Fatalf("second request: %q (%v), first %q", again, err, src)
			}
			dbs, err := e.copyOf(t, src, 1)
			if err != nil {
				t.Fatal(err)
			}
			cur, latest, err := dbs[0].MigrationStatus(ctx)
			if err != nil || cur != latest || latest == 0 {
				t.Fatalf("a copy is at migration %d of %d (%v)", cur, latest, err)
			}
		})
	}
}
