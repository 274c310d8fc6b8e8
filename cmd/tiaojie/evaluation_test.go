package main

import (
	"bytes"
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tiaojie/tiaojie/internal/store/postgres"
	"github.com/tiaojie/tiaojie/internal/store/sqlite"
	"github.com/tiaojie/tiaojie/internal/store/sqlstore"
	"github.com/tiaojie/tiaojie/internal/store/storetest"
)

// TestRebuildCommands: on a demo database each rebuild finds the derived
// data as the event log gives it — the evaluation rollups, the clock lists'
// stored due dates (computed by the demo's seeding); after a row is altered
// behind the system's back it says they differed and puts them right.
func TestRebuildCommands(t *testing.T) {
	for _, tc := range []struct {
		cmd      string
		tamper   string // SQL that changes exactly the derived data
		same     string // in the output when nothing differed
		differed string // in the output after tamper
	}{
		{"evaluation", `UPDATE eval_month SET received = received + 1 WHERE received > 0`, "与原汇总一致", "不一致"},
		{"deadlines", `UPDATE cases SET next_due = next_due + 1 WHERE id = (SELECT MIN(id) FROM cases WHERE next_due IS NOT NULL)`,
			"与原索引一致", "1 件与原索引不一致"},
	} {
		for _, eng := range storetest.Engines(t) {
			t.Run(tc.cmd+"/"+eng.Name, func(t *testing.T) {
				ctx := context.Background()
				env, open := cliDatabase(t, eng)
				if err := run(ctx, []string{"demo", "--cases", "60"}, &bytes.Buffer{}, envFrom(env)); err != nil {
					t.Fatal(err)
				}
				var out bytes.Buffer
				if err := run(ctx, []string{tc.cmd, "rebuild"}, &out, envFrom(env)); err != nil {
					t.Fatalf("rebuild: %v\n%s", err, out.String())
				}
				if !strings.Contains(out.String(), tc.same) || strings.Contains(out.String(), "：0 件") {
					t.Fatalf("output: %s", out.String())
				}
				db := open()
				res, err := db.Writer().ExecContext(ctx, tc.tamper)
				if err != nil {
					t.Fatal(err)
				}
				if n, err := res.RowsAffected(); err != nil || n == 0 {
					t.Fatalf("nothing to alter: %d %v", n, err)
				}
				db.Close()
				out.Reset()
				if err := run(ctx, []string{tc.cmd, "rebuild"}, &out, envFrom(env)); err == nil || !strings.Contains(out.String(), tc.differed) {
					t.Fatalf("an altered row goes unnoticed: %v %s", err, out.String())
				}
				out.Reset()
				if err := run(ctx, []string{tc.cmd, "rebuild"}, &out, envFrom(env)); err != nil {
					t.Fatalf("after the rebuild the data holds again: %v %s", err, out.String())
				}
			})
		}
	}
}

// cliDatabase is the environment of a CLI run on a fresh database of the
// engine, and a way to open that database behind the CLI's back.
func cliDatabase(t *testing.T, eng storetest.Engine) (map[string]string, func() *sqlstore.DB) {
	t.Helper()
	ctx := context.Background()
	env := map[string]string{"TIAOJIE_DATA_DIR": filepath.Join(t.TempDir(), "data"), "TIAOJIE_LOG_LEVEL": "error",
		"TIAOJIE_SECRET_KEY": strings.Repeat("ab", 32)}
	open := func() *sqlstore.DB {
		db, err := sqlite.OpenNoMigrate(ctx, filepath.Join(env["TIAOJIE_DATA_DIR"], "tiaojie.db"))
		if err != nil {
			t.Fatal(err)
		}
		return db
	}
	if eng.Name == "postgres" {
		env["TIAOJIE_DATABASE_URL"] = storetest.SchemaURL(t)
		open = func() *sqlstore.DB {
			db, err := postgres.OpenNoMigrate(ctx, env["TIAOJIE_DATABASE_URL"])
			if err != nil {
				t.Fatal(err)
			}
			return db
		}
	}
	return env, open
}
