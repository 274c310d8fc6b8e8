package sqlite_test

import (
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"testing"

	"github.com/tiaojie/tiaojie/internal/store/sqlite"
)

// A data directory whose name holds URI syntax opens the file it names.
func TestOpenPathWithURISyntax(t *testing.T) {
	ctx := context.Background()
	for _, dir := range []string{"调解#1", "a?b", "100%25"} {
		path := filepath.Join(t.TempDir(), dir, "tiaojie.db")
		if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
			t.Fatal(err)
		}
		db, err := sqlite.Open(ctx, path)
		if err != nil {
			t.Fatalf("%s: %v", dir, err)
		}
		if _, err := db.Writer().ExecContext(ctx, "CREATE TABLE marker (x INTEGER)"); err != nil {
			t.Fatal(err)
		}
		db.Close()
		if _, err := os.Stat(path); err != nil {
			t.Fatalf("%s: the database is not where it was asked to be: %v", dir, err)
		}
		db, err = sqlite.OpenNoMigrate(ctx, path)
		if err != nil {
			t.Fatal(err)
		}
		var n int
		if err := db.Writer().QueryRowContext(ctx, "SELECT count(*) FROM sqlite_master WHERE name = 'marker'").Scan(&n); err != nil || n != 1 {
			t.Fatalf("%s: reopened file lacks the table written before (%d, %v)", dir, n, err)
		}
		db.Close()
	}
}

// Every reader connection keeps a page cache of 32 MB, the writer 64 MB
// (sqlite.go says why); SQLite's default of 2 MB made a search that seeks a
// thousand index entries read each page again from the file.
func TestPageCaches(t *testing.T) {
	ctx := context.Background()
	db, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "tiaojie.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	size := func(q interface {
		QueryRowContext(context.Context, string, ...any) *sql.Row
	}) int {
		var n int
		if err := q.QueryRowContext(ctx, "PRAGMA cache_size").Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	if n := size(db.Writer()); n != -65536 {
		t.Errorf("writer cache_size %d, want -65536", n)
	}
	// Hold several readers at once so that each connection is asked.
	var conns []*sql.Conn
	for range 4 {
		c, err := db.Reader().Conn(ctx)
		if err != nil {
			t.Fatal(err)
		}
		conns = append(conns, c)
	}
	for i, c := range conns {
		if n := size(c); n != -32768 {
			t.Errorf("reader %d cache_size %d, want -32768", i, n)
		}
		c.Close()
	}
}
