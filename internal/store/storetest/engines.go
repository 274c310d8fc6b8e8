// Package storetest runs one conformance suite against every Store
// implementation and gives other packages' tests a fresh database per engine.
package storetest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
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
// whose connections use it.
func SchemaURL(t testing.TB) string {
	t.Helper()
	base := os.Getenv(EnvPostgres)
	b := make([]byte, 6)
	rand.Read(b)
	schema := "t_" + hex.EncodeToString(b)
	admin, err := sql.Open("pgx", base)
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close()
	if _, err := admin.Exec(`CREATE SCHEMA ` + schema); err != nil {
		t.Fatalf("create test schema: %v", err)
	}
	t.Cleanup(func() {
		a, err := sql.Open("pgx", base)
		if err == nil {
			a.Exec(`DROP SCHEMA ` + schema + ` CASCADE`)
			a.Close()
		}
	})
	u, err := url.Parse(base)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}
