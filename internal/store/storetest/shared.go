package storetest

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime/debug"
	"strings"

	"github.com/tiaojie/tiaojie/internal/store/postgres"
	"github.com/tiaojie/tiaojie/internal/store/sqlite"
	"github.com/tiaojie/tiaojie/internal/store/sqlstore"
)

// The migrated, empty template is shared by the test processes of a run (go
// test runs a process per package, some thirty of which open databases):
// migrating PostgreSQL costs its server about 3 CPU-s, a copy a tenth of
// that. It is named by what makes it — the engine's migration files and the
// versions of the job queue and the migrator — so a changed migration gets
// a template of its own, and it stays on the test server (PostgreSQL) or in
// the temporary directory (SQLite) for the next run, as a build cache does;
// the one of an older schema is removed when a newer one is built.

// emptyKey is the shared template's name for dialect d; ok is false when
// the binary cannot say which versions it was built with.
func emptyKey(d sqlstore.Dialect) (key string, ok bool) {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return "", false
	}
	h := sha256.New()
	fmt.Fprintf(h, "%s\n", d.Name)
	for _, m := range bi.Deps {
		if strings.HasPrefix(m.Path, "github.com/riverqueue/river") || m.Path == "github.com/pressly/goose/v3" {
			if m.Replace != nil {
				return "", false // a local copy: its version says nothing of its content
			}
			fmt.Fprintf(h, "%s %s\n", m.Path, m.Version)
		}
	}
	err := fs.WalkDir(d.Migrations, ".", func(p string, de fs.DirEntry, err error) error {
		if err != nil || de.IsDir() {
			return err
		}
		b, err := fs.ReadFile(d.Migrations, p)
		if err != nil {
			return err
		}
		fmt.Fprintf(h, "%s %d\n", p, len(b))
		h.Write(b)
		return nil
	})
	if err != nil {
		return "", false
	}
	return hex.EncodeToString(h.Sum(nil))[:16], true
}

// sharedEmpty returns the shared empty template of engine name (SQLite: its
// file; PostgreSQL: its database), building it if no process has yet.
func sharedEmpty(ctx context.Context, name string) (string, error) {
	if name == "sqlite" {
		key, ok := emptyKey(sqlite.Dialect())
		if !ok {
			return "", errNoKey
		}
		return sharedSQLite(ctx, key)
	}
	key, ok := emptyKey(postgres.Dialect())
	if !ok {
		return "", errNoKey
	}
	return sharedPostgres(ctx, os.Getenv(EnvPostgres), key)
}

var errNoKey = errors.New("no build information to name a shared template by")

// sharedSQLite builds the file under a name of its own and renames it into
// place, so a reader never sees half a file; two processes building at once
// each rename a whole one.
func sharedSQLite(ctx context.Context, key string) (string, error) {
	dir := filepath.Join(os.TempDir(), "tiaojie-test-templates")
	path := filepath.Join(dir, "empty-"+key+".db")
	if _, err := os.Stat(path); err == nil {
		return path, nil
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", err
	}
	tmp, err := os.MkdirTemp(dir, "build-")
	if err != nil {
		return "", err
	}
	defer os.RemoveAll(tmp)
	db, err := sqlite.Open(ctx, filepath.Join(tmp, "t.db"))
	if err != nil {
		return "", err
	}
	if err := db.Close(); err != nil { // the last connection folds the WAL into the file
		return "", err
	}
	if err := os.Rename(filepath.Join(tmp, "t.db"), path); err != nil {
		return "", err
	}
	old, _ := filepath.Glob(filepath.Join(dir, "empty-*.db"))
	for _, o := range old {
		if o != path {
			os.Remove(o)
		}
	}
	return path, nil
}

// sharedPostgres builds the database under a scratch name and renames it
// when it is complete, one process at a time (an advisory lock on the
// server), so a copy never starts from half a schema.
func sharedPostgres(ctx context.Context, base, key string) (string, error) {
	name := "tjtpl_empty_" + key
	admin, err := sql.Open("pgx", base)
	if err != nil {
		return "", err
	}
	defer admin.Close()
	conn, err := admin.Conn(ctx)
	if err != nil {
		return "", fmt.Errorf("connect for the shared template: %w", err)
	}
	defer conn.Close()
	const lock = "SELECT pg_advisory_lock(hashtext('tiaojie test template'))"
	if _, err := conn.ExecContext(ctx, lock); err != nil {
		return "", fmt.Errorf("lock the shared template: %w", err)
	}
	defer conn.ExecContext(context.WithoutCancel(ctx), "SELECT pg_advisory_unlock(hashtext('tiaojie test template'))")
	var exists bool
	if err := conn.QueryRowContext(ctx, "SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)", name).Scan(&exists); err != nil {
		return "", err
	}
	if exists {
		return name, nil
	}
	prefix, err := ownedPrefix(ctx, base, "tjtpl_build")
	if err != nil {
		return "", err
	}
	url, tmp, drop, err := postgres.NewDatabase(ctx, base, prefix)
	if err != nil {
		return "", err
	}
	defer drop() // after the rename, a drop of a name no longer there
	db, err := postgres.Open(ctx, url)
	if err != nil {
		return "", err
	}
	if err := db.Close(); err != nil { // a template may have no connections while it is copied
		return "", err
	}
	if _, err := conn.ExecContext(ctx, "ALTER DATABASE "+tmp+" RENAME TO "+name); err != nil {
		return "", fmt.Errorf("name the shared template: %w", err)
	}
	// An older schema's template: dropped unless a copy of it is under way
	// (the process copying it builds its own again if it needs another).
	rows, err := conn.QueryContext(ctx, `SELECT datname FROM pg_database WHERE datname LIKE 'tjtpl\_empty\_%' AND datname <> $1`, name)
	if err != nil {
		return name, nil
	}
	var old []string
	for rows.Next() {
		var n string
		if rows.Scan(&n) == nil {
			old = append(old, n)
		}
	}
	rows.Close()
	for _, n := range old {
		conn.ExecContext(ctx, "DROP DATABASE IF EXISTS "+n)
	}
	return name, nil
}
