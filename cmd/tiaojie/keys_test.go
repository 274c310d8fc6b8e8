package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/tiaojie/tiaojie/internal/pii"
	"github.com/tiaojie/tiaojie/internal/store/sqlstore"
	"github.com/tiaojie/tiaojie/internal/store/storetest"
)

// TestSecretKeyRequired: on PostgreSQL, or with --secure-cookies, the binary
// refuses to start without an explicit key — a clear message and exit
// status 1, nothing generated — while the SQLite demo still makes its own
// key and says so.
func TestSecretKeyRequired(t *testing.T) {
	bin := buildBinary(t)
	dir := filepath.Join(t.TempDir(), "data")
	for _, c := range []struct {
		name string
		args []string
	}{
		{"postgres", []string{"serve", "--database-url", "postgres://127.0.0.1:1/none", "--addr", "127.0.0.1:0"}},
		{"secure cookies", []string{"serve", "--secure-cookies", "--addr", "127.0.0.1:0"}},
		{"demo on postgres", []string{"demo", "--database-url", "postgres://127.0.0.1:1/none"}},
	} {
		cmd := exec.Command(bin, c.args...)
		cmd.Env = []string{"TIAOJIE_DATA_DIR=" + dir, "TIAOJIE_LOG_LEVEL=error"}
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		err := cmd.Run()
		var exit *exec.ExitError
		if !errors.As(err, &exit) || exit.ExitCode() == 0 {
			t.Fatalf("%s: started without a key: %v", c.name, err)
		}
		if !strings.Contains(stderr.String(), "--secret-key") || !strings.Contains(stderr.String(), "TIAOJIE_SECRET_KEY") {
			t.Fatalf("%s: message does not say what to set: %s", c.name, stderr.String())
		}
		if _, err := os.Stat(filepath.Join(dir, "secret.key")); err == nil {
			t.Fatalf("%s: a key file was generated", c.name)
		}
	}
	// The SQLite demo generates one and prints that it did.
	out := &syncBuf{}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	if err := run(ctx, []string{"demo", "--cases", "2"}, out, envFrom(map[string]string{"TIAOJIE_DATA_DIR": dir})); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "已生成个人信息密钥 "+filepath.Join(dir, "secret.key")) {
		t.Fatalf("demo did not say it generated the key:\n%s", out.String())
	}
}

// TestKeyRotation on both engines: data sealed with the old key is re-sealed
// with the new one — interrupted once and resumed — then opens with the new
// key alone and no longer with the old one; the lookup hashes are unchanged,
// every batch is on the audit trail and the chain holds.
func TestKeyRotation(t *testing.T) {
	for _, eng := range storetest.Engines(t) {
		t.Run(eng.Name, func(t *testing.T) {
			ctx := context.Background()
			env, open := cliDatabase(t, eng)
			oldHex, newHex := env["TIAOJIE_SECRET_KEY"], strings.Repeat("c3", 32)
			if err := run(ctx, []string{"demo", "--cases", "30"}, io.Discard, envFrom(env)); err != nil {
				t.Fatal(err)
			}
			oldKey, _ := pii.ParseKey(oldHex)
			newKey, _ := pii.ParseKey(newHex)
			oldOnly, _ := pii.NewSealer(oldKey)
			db := open()
			defer db.Close()

			// Every sealed column is known to the rotation.
			inSchema, err := db.SealedColumnsInSchema(ctx)
			if err != nil || len(inSchema) < 8 {
				t.Fatalf("schema's sealed columns: %v %v", inSchema, err)
			}
			for _, name := range inSchema {
				if !slices.ContainsFunc(sqlstore.SealedColumns, func(c sqlstore.SealedColumn) bool { return c.Name() == name }) {
					t.Errorf("column %s is sealed but key rotation does not know it (sqlstore.SealedColumns)", name)
				}
			}

			// What the old key opens, column by column.
			before := map[string]string{} // "table.column|key|hash" -> plain
			readAll := func(s *pii.Sealer) (map[string]string, error) {
				got := map[string]string{}
				for _, c := range sqlstore.SealedColumns {
					rows, err := db.Writer().QueryContext(ctx, `SELECT `+strings.Join(c.Key, " || '/' || ")+`, `+c.Column+` FROM `+c.Table+` WHERE `+c.Column+` <> ''`)
					if err != nil {
						t.Fatal(err)
					}
					for rows.Next() {
						var k, v string
						if err := rows.Scan(&k, &v); err != nil {
							t.Fatal(err)
						}
						p, err := s.Open(v)
						if err != nil {
							rows.Close()
							return nil, fmt.Errorf("%s %s: %w", c.Name(), k, err)
						}
						got[c.Name()+"|"+k] = p
					}
					rows.Close()
				}
				return got, nil
			}
			if before, err = readAll(oldOnly); err != nil {
				t.Fatal(err)
			}
			hashes := countRows(t, db, `SELECT COUNT(*) FROM parties WHERE phone_hash <> ''`)
			if len(before) < 60 || hashes < 30 {
				t.Fatalf("only %d sealed values, %d hashes", len(before), hashes)
			}
			var status bytes.Buffer
			if err := run(ctx, []string{"keys", "status"}, &status, envFrom(env)); err != nil || !strings.Contains(status.String(), pii.KeyID(oldKey)) {
				t.Fatalf("status before: %v\n%s", err, status.String())
			}

			// An interrupted first run leaves some values on each key ...
			ring, _ := pii.NewRing(newKey, [][]byte{oldKey}, oldKey)
			col := sqlstore.SealedColumns[0]
			calls := 0
			n, err := db.ResealColumn(ctx, col, ring.CurrentKeyID(), 4, func(v string) (string, error) {
				if calls++; calls > 10 {
					return "", errors.New("interrupted")
				}
				nv, _, err := ring.Reseal(v)
				return nv, err
			})
			if err == nil || n != 8 {
				t.Fatalf("interrupted run: %d re-sealed, %v", n, err)
			}
			// ... which a server with both keys still opens.
			if _, err := readAll(ring); err != nil {
				t.Fatalf("both keys configured, mid-rotation: %v", err)
			}
			// The command carries on.
			var out bytes.Buffer
			if err := run(ctx, []string{"keys", "rotate", "--new-key", newHex, "--batch", "7"}, &out, envFrom(env)); err != nil {
				t.Fatalf("rotate: %v\n%s", err, out.String())
			}
			m := regexp.MustCompile(`(\d+) 项已用新密钥`).FindStringSubmatch(out.String())
			if m == nil || m[1] != strconv.Itoa(len(before)-8) {
				t.Fatalf("rotate re-sealed %v of %d left:\n%s", m, len(before)-8, out.String())
			}
			newOnly, _ := pii.NewRing(newKey, nil, oldKey)
			after, err := readAll(newOnly)
			if err != nil {
				t.Fatalf("new key alone after rotation: %v", err)
			}
			if !maps.Equal(before, after) {
				t.Fatal("values changed in rotation")
			}
			if _, err := readAll(oldOnly); err == nil {
				t.Fatal("the old key alone still opens the data after rotation")
			}
			if countRows(t, db, `SELECT COUNT(*) FROM parties WHERE phone_hash <> ''`) != hashes {
				t.Fatal("lookup hashes changed")
			}
			// Status names only the new key.
			envNew := maps.Clone(env)
			envNew["TIAOJIE_SECRET_KEY"], envNew["TIAOJIE_LOOKUP_KEY"] = newHex, oldHex
			status.Reset()
			if err := run(ctx, []string{"keys", "status"}, &status, envFrom(envNew)); err != nil || strings.Contains(status.String(), pii.KeyID(oldKey)) ||
				!strings.Contains(status.String(), fmt.Sprintf("密钥 %-8s %8d 项（当前密钥）", pii.KeyID(newKey), len(before))) {
				t.Fatalf("status after: %v\n%s", err, status.String())
			}
			// A run again finds nothing to do.
			out.Reset()
			if err := run(ctx, []string{"keys", "rotate", "--new-key", newHex}, &out, envFrom(env)); err != nil || !strings.Contains(out.String(), "完成：0 项") {
				t.Fatalf("second rotate: %v\n%s", err, out.String())
			}
			// The instances: the new key (lookup on the original) starts and
			// adds cases; the old key alone is refused; a lookup key that
			// changed with the secret key is refused too.
			if err := run(ctx, []string{"demo", "--cases", "1"}, io.Discard, envFrom(envNew)); err != nil {
				t.Fatalf("new key refused: %v", err)
			}
			if err := run(ctx, []string{"demo", "--cases", "1"}, io.Discard, envFrom(env)); err == nil || !strings.Contains(err.Error(), "TIAOJIE_SECRET_KEY") {
				t.Fatalf("old key alone accepted after rotation: %v", err)
			}
			delete(envNew, "TIAOJIE_LOOKUP_KEY")
			if err := run(ctx, []string{"demo", "--cases", "1"}, io.Discard, envFrom(envNew)); err == nil || !strings.Contains(err.Error(), "TIAOJIE_LOOKUP_KEY") {
				t.Fatalf("changed lookup key accepted: %v", err)
			}
			// Every batch is on the audit trail, and the chain holds.
			if n := countRows(t, db, `SELECT COUNT(*) FROM audit_log WHERE action LIKE 'keys.rotate %' AND actor_name LIKE '%`+pii.KeyID(newKey)+`%'`); n < len(before)/7 {
				t.Fatalf("%d audit entries of the rotation", n)
			}
			out.Reset()
			if err := run(ctx, []string{"audit", "verify"}, &out, envFrom(env)); err != nil {
				t.Fatalf("audit chain after rotation: %v %s", err, out.String())
			}
		})
	}
}
