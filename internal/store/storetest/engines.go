// Package storetest runs one conformance suite against every Store
// implementation and gives other packages' tests a fresh database per engine.
package storetest

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	_ "github.com/jackc/pgx/v5/stdlib"

	"github.com/tiaojie/tiaojie/internal/store/postgres"
	"github.com/tiaojie/tiaojie/internal/store/sqlite"
	"github.com/tiaojie/tiaojie/internal/store/sqlstore"
)

// EnvPostgres names the PostgreSQL server used by tests.
const EnvPostgres = "TIAOJIE_TEST_DATABASE_URL"

// Engine opens a fresh, empty database of one kind.
type Engine struct {
	Name string
	// Open returns a new database; migrate=false leaves it without schema.
	Open func(t testing.TB, migrate bool) *sqlstore.DB
}

// Engines lists SQLite and, when configured, PostgreSQL. Under CI a missing
// PostgreSQL is a failure, not a skip.
func Engines(t testing.TB) []Engine {
	es := []Engine{{Name: "sqlite", Open: openSQLite}}
	if os.Getenv(EnvPostgres) != "" {
		es = append(es, Engine{Name: "postgres", Open: openPostgres})
	} else if os.Getenv("CI") != "" {
		t.Fatalf("%s is not set: CI must test PostgreSQL too", EnvPostgres)
	} else {
		t.Logf("%s not set: PostgreSQL tests skipped", EnvPostgres)
	}
	return es
}

func openSQLite(t testing.TB, migrate bool) *sqlstore.DB {
	t.Helper()
	path := filepath.Join(t.TempDir(), "tiaojie.db")
	ctx := context.Background()
	var db *sqlstore.DB
	var err error
	if migrate {
		db, err = sqlite.Open(ctx, path)
	} else {
		db, err = sqlite.OpenNoMigrate(ctx, path)
	}
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// openPostgres creates a schema of its own so parallel runs never collide,
// and drops it afterwards.
func openPostgres(t testing.TB, migrate bool) *sqlstore.DB {
	t.Helper()
	url := SchemaURL(t)
	ctx := context.Background()
	var db *sqlstore.DB
	var err error
	if migrate {
		db, err = postgres.Open(ctx, url)
	} else {
		db, err = postgres.OpenNoMigrate(ctx, url)
	}
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// SchemaURL creates a fresh schema on the test server and returns a URL
// whose connections use it; the schema is dropped when the test ends.
func SchemaURL(t testing.TB) string {
	t.Helper()
	u, drop, err := postgres.ScratchSchema(context.Background(), os.Getenv(EnvPostgres), "t")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(drop)
	return u
}
