package main

import (
	"bytes"
	"context"
	"io"
	"maps"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/tiaojie/tiaojie/internal/demo"
	"github.com/tiaojie/tiaojie/internal/pii"
	"github.com/tiaojie/tiaojie/internal/store/sqlite"
	"github.com/tiaojie/tiaojie/internal/store/storetest"
)

// TestBackupRestore on SQLite: a backup taken while a writer keeps adding
// cases is consistent; restored into a fresh data dir its audit chain
// verifies and it holds the cases the backup counted; restore will not
// replace an existing database without --force.
func TestBackupRestore(t *testing.T) {
	ctx := context.Background()
	env := map[string]string{"TIAOJIE_DATA_DIR": filepath.Join(t.TempDir(), "data"), "TIAOJIE_LOG_LEVEL": "error",
		"TIAOJIE_SECRET_KEY": strings.Repeat("ab", 32)}
	if err := run(ctx, []string{"demo", "--cases", "20"}, io.Discard, envFrom(env)); err != nil {
		t.Fatal(err)
	}
	// The writer: another connection adding cases (with their audit entries) the whole time.
	w, err := sqlite.OpenNoMigrate(ctx, filepath.Join(env["TIAOJIE_DATA_DIR"], "tiaojie.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	base := countRows(t, w, `SELECT COUNT(*) FROM cases`)
	key, _ := pii.ParseKey(env["TIAOJIE_SECRET_KEY"])
	s, _ := pii.NewSealer(key)
	var added atomic.Int64
	stop, done := make(chan struct{}), make(chan error, 1)
	go func() {
		for i := int64(1); ; i++ {
			select {
			case <-stop:
				done <- nil
				return
			default:
			}
			n, err := demo.AddCases(ctx, w, s, 2, i, time.Now(), nil)
			if err != nil {
				done <- err
				return
			}
			added.Add(int64(n))
		}
	}()
	waitFor(t, "the writer to add cases", 60*time.Second, func() bool { return added.Load() >= 4 })
	file := filepath.Join(t.TempDir(), "backup.db")
	var out bytes.Buffer
	err = run(ctx, []string{"backup", "--out", file}, &out, envFrom(env))
	atBackup := added.Load()
	waitFor(t, "the writer to add more after the backup", 60*time.Second, func() bool { return added.Load() >= atBackup+4 })
	close(stop)
	if werr := <-done; werr != nil {
		t.Fatalf("writer: %v", werr)
	}
	if err != nil {
		t.Fatalf("backup: %v\n%s", err, out.String())
	}
	m := regexp.MustCompile(`备份完成.*：(\d+) 件案件，审计日志 (\d+) 条，哈希链完好`).FindStringSubmatch(out.String())
	if m == nil {
		t.Fatalf("backup output: %s", out.String())
	}
	backedUp, _ := strconv.Atoi(m[1])
	if backedUp < base+4 || backedUp > base+int(atBackup) {
		t.Fatalf("backup holds %d cases; %d + %d had been written by its end", backedUp, base, atBackup)
	}
	if err := run(ctx, []string{"backup", "--out", file}, io.Discard, envFrom(env)); err == nil {
		t.Fatal("backup overwrote an existing file")
	}

	// Restore into a fresh data dir: checked, counted, and `audit verify` agrees.
	fresh := maps.Clone(env)
	fresh["TIAOJIE_DATA_DIR"] = filepath.Join(t.TempDir(), "restored")
	out.Reset()
	if err := run(ctx, []string{"restore", "--from", file}, &out, envFrom(fresh)); err != nil {
		t.Fatalf("restore: %v\n%s", err, out.String())
	}
	if !strings.Contains(out.String(), m[1]+" 件案件，审计日志 "+m[2]+" 条，哈希链完好") {
		t.Fatalf("restore output: %s", out.String())
	}
	out.Reset()
	if err := run(ctx, []string{"audit", "verify"}, &out, envFrom(fresh)); err != nil || !strings.Contains(out.String(), "审计日志完好："+m[2]+" 条") {
		t.Fatalf("audit verify after restore: %v %s", err, out.String())
	}
	r, err := sqlite.OpenNoMigrate(ctx, filepath.Join(fresh["TIAOJIE_DATA_DIR"], "tiaojie.db"))
	if err != nil {
		t.Fatal(err)
	}
	if n := countRows(t, r, `SELECT COUNT(*) FROM cases`); n != backedUp {
		t.Fatalf("restored %d cases, backup counted %d", n, backedUp)
	}
	r.Close()
	// The restored database serves (its key opens its phones).
	if err := run(ctx, []string{"demo", "--cases", "1"}, io.Discard, envFrom(fresh)); err != nil {
		t.Fatalf("restored database refused: %v", err)
	}

	// The live database is not replaced without --force; with it, it is kept aside.
	if err := run(ctx, []string{"restore", "--from", file}, io.Discard, envFrom(env)); err == nil || !strings.Contains(err.Error(), "--force") {
		t.Fatalf("restore over an existing database: %v", err)
	}
	out.Reset()
	if err := run(ctx, []string{"restore", "--from", file, "--force"}, &out, envFrom(env)); err != nil || !strings.Contains(out.String(), "改名保留") {
		t.Fatalf("restore --force: %v %s", err, out.String())
	}
	aside, _ := filepath.Glob(filepath.Join(env["TIAOJIE_DATA_DIR"], "tiaojie.db.replaced-*"))
	if len(aside) == 0 {
		t.Fatal("the replaced database was not kept")
	}
	// A backup with a broken audit chain is refused.
	bad := filepath.Join(t.TempDir(), "bad.db")
	if err := copyFile(file, bad); err != nil {
		t.Fatal(err)
	}
	b, err := sqlite.OpenNoMigrate(ctx, bad)
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{`DROP TRIGGER audit_log_no_update`, `UPDATE audit_log SET action = action || 'x' WHERE seq = 3`} {
		if _, err := b.Writer().ExecContext(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	b.Close()
	other := maps.Clone(env)
	other["TIAOJIE_DATA_DIR"] = filepath.Join(t.TempDir(), "other")
	if err := run(ctx, []string{"restore", "--from", bad}, io.Discard, envFrom(other)); err == nil || !strings.Contains(err.Error(), "哈希链断裂") {
		t.Fatalf("tampered backup restored: %v", err)
	}
	if _, err := os.Stat(filepath.Join(other["TIAOJIE_DATA_DIR"], "tiaojie.db")); err == nil {
		t.Fatal("a tampered backup took the database's place")
	}
}

var _ = storetest.Engines

// TestBackupRestorePostgres: pg_dump while the database is in use, then
// pg_restore into a new database, whose audit chain verifies and whose
// cases match; restore will not write over it again without --force.
func TestBackupRestorePostgres(t *testing.T) {
	base := os.Getenv(storetest.EnvPostgres)
	if base == "" {
		t.Skip("TIAOJIE_TEST_DATABASE_URL not set")
	}
	ctx := context.Background()
	env, open := cliDatabase(t, storetest.Engine{Name: "postgres"})
	if err := run(ctx, []string{"demo", "--cases", "10"}, io.Discard, envFrom(env)); err != nil {
		t.Fatal(err)
	}
	db := open()
	cases := countRows(t, db, `SELECT COUNT(*) FROM cases`)
	entries := countRows(t, db, `SELECT COUNT(*) FROM audit_log`)
	file := filepath.Join(t.TempDir(), "tiaojie.dump")
	var out bytes.Buffer
	if err := run(ctx, []string{"backup", "--out", file}, &out, envFrom(env)); err != nil || !strings.Contains(out.String(), "备份完成") {
		t.Fatalf("backup: %v %s", err, out.String())
	}
	name := "tj_restore_" + strconv.FormatInt(time.Now().UnixNano(), 36)
	if _, err := db.Writer().ExecContext(ctx, `CREATE DATABASE `+name); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		db.Writer().ExecContext(context.Background(), `DROP DATABASE IF EXISTS `+name+` WITH (FORCE)`)
		db.Close()
	})
	u, err := url.Parse(env["TIAOJIE_DATABASE_URL"])
	if err != nil {
		t.Fatal(err)
	}
	u.Path = "/" + name
	restored := maps.Clone(env)
	restored["TIAOJIE_DATABASE_URL"] = u.String()
	out.Reset()
	if err := run(ctx, []string{"restore", "--from", file}, &out, envFrom(restored)); err != nil {
		t.Fatalf("restore: %v\n%s", err, out.String())
	}
	if want := strconv.Itoa(cases) + " 件案件，审计日志 " + strconv.Itoa(entries) + " 条，哈希链完好"; !strings.Contains(out.String(), want) {
		t.Fatalf("restore output lacks %q: %s", want, out.String())
	}
	if err := run(ctx, []string{"restore", "--from", file}, io.Discard, envFrom(restored)); err == nil || !strings.Contains(err.Error(), "--force") {
		t.Fatalf("restore over a restored database: %v", err)
	}
}
