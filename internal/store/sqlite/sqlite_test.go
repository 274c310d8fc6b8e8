package sqlite_test

import (
	"context"
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
