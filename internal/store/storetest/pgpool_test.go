package storetest

import (
	"context"
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/tiaojie/tiaojie/internal/domain"
	"github.com/tiaojie/tiaojie/internal/store"
	"github.com/tiaojie/tiaojie/internal/store/sqlstore"
)

// A test's database is its template's and nothing else, whether it is a new
// copy or one a finished test left (PostgreSQL keeps those, pgpool.go): the
// rows and sequences are the template's, and a copy whose schema or
// statistics a test changed is not handed out again.
func TestCopyAfterATestIsTheTemplate(t *testing.T) {
	ctx := context.Background()
	for _, e := range Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			build := func(db *sqlstore.DB) error {
				u := store.OrgUnit{Kind: domain.OrgCity, Code: "pool-c", Name: "模板委员会"}
				return db.CreateOrgUnit(ctx, &u)
			}
			open := func(t *testing.T) (*sqlstore.DB, string) {
				db := e.FromTemplate(t, "pooled", build)
				return db, databaseName(t, db)
			}
			var want, first string
			t.Run("a test writes", func(t *testing.T) {
				db, name := open(t)
				want, first = contents(t, db), name
				for i := range 3 {
					u := store.OrgUnit{Kind: domain.OrgCity, Code: fmt.Sprintf("pool-%d", i), Name: "测试委员会"}
					if err := db.CreateOrgUnit(ctx, &u); err != nil {
						t.Fatal(err)
					}
				}
				if contents(t, db) == want {
					t.Fatal("the writes changed nothing to compare")
				}
			})
			t.Run("the next test", func(t *testing.T) {
				db, name := open(t)
				if got := contents(t, db); got != want {
					t.Errorf("the next test's database is not the template's:\n%s", diffLines(want, got))
				}
				if e.Name == "postgres" && name != first {
					t.Errorf("the finished test's copy %s was not kept (got %s)", first, name)
				}
			})
			if e.Name != "postgres" {
				return
			}
			// Each step is a test on the kept copy; the next one checks what
			// the step left: the template's rows, from the same copy or not.
			pool := pgPoolOf(os.Getenv(EnvPostgres), templateNamed("postgres/pooled").src)
			exec := func(stmt string) func(*sqlstore.DB) error {
				return func(db *sqlstore.DB) error { _, err := db.Writer().ExecContext(ctx, stmt); return err }
			}
			for _, step := range []struct {
				what  string
				do    func(*sqlstore.DB) error
				kept  bool
				reset []string // the tables put back after it, when kept
			}{
				{"nothing written", func(*sqlstore.DB) error { return nil }, true, nil},
				{"a template row changed", exec("UPDATE org_units SET name = '改名'"), true, []string{"public.org_units"}},
				{"a template row deleted", exec("DELETE FROM org_units"), true, []string{"public.org_units"}},
				{"rows added where the template has none", func(db *sqlstore.DB) error {
					u := store.OrgUnit{Kind: domain.OrgCity, Code: "pool-x", Name: "新增"}
					return db.CreateOrgUnit(ctx, &u)
				}, true, []string{"public.audit_head", "public.audit_log", "public.org_units"}},
				{"nothing written again", func(*sqlstore.DB) error { return nil }, true, nil},
				{"a trigger turned off", exec("ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_change"), false, nil},
				{"a table analyzed", exec("ANALYZE org_units"), false, nil},
				{"a table truncated", exec("TRUNCATE goose_db_version"), false, nil},
			} {
				var used string
				t.Run(step.what, func(t *testing.T) {
					db, name := open(t)
					used = name
					if err := step.do(db); err != nil {
						t.Fatal(err)
					}
				})
				t.Run("after "+step.what, func(t *testing.T) {
					pool.mu.Lock()
					var kept *pooledDB
					for _, d := range pool.idle {
						if d.name == used {
							kept = d
						}
					}
					pool.mu.Unlock()
					switch {
					case (kept != nil) != step.kept:
						t.Fatalf("kept %v, want %v", kept != nil, step.kept)
					case kept != nil && !slices.Equal(kept.lastReset, step.reset):
						t.Errorf("put back %v, want %v", kept.lastReset, step.reset)
					}
					db, _ := open(t)
					if got := contents(t, db); got != want {
						t.Errorf("not the template's:\n%s", diffLines(want, got))
					}
					// As in a new copy, no table has counted a change (the
					// import analyzes by these counts).
					var moved int64
					if err := db.Reader().QueryRowContext(ctx, `SELECT coalesce(sum(n_tup_ins + n_tup_upd + n_tup_del + n_mod_since_analyze), 0)
						FROM pg_stat_user_tables`).Scan(&moved); err != nil || moved != 0 {
						t.Errorf("the copy's tables count %d changes (%v), want 0", moved, err)
					}
				})
			}
		})
	}
}

func databaseName(t *testing.T, db *sqlstore.DB) string {
	t.Helper()
	if db.Dialect() != "postgres" {
		return ""
	}
	var name string
	if err := db.Reader().QueryRowContext(context.Background(), "SELECT current_database()").Scan(&name); err != nil {
		t.Fatal(err)
	}
	return name
}

// contents lists every row of every table, and on PostgreSQL every
// sequence's position, one line each, sorted.
func contents(t *testing.T, db *sqlstore.DB) string {
	t.Helper()
	ctx := context.Background()
	q := db.Reader()
	// A virtual table (the search index) is read through its shadow tables;
	// a sequence by its position (log_cnt is the server's own bookkeeping).
	list := "SELECT 'SELECT * FROM ' || name FROM sqlite_master WHERE type = 'table' AND sql NOT LIKE 'CREATE VIRTUAL%'"
	if db.Dialect() == "postgres" {
		list = `SELECT format('SELECT * FROM %I.%I', schemaname, tablename) FROM pg_tables WHERE schemaname NOT IN ('pg_catalog', 'information_schema')
			UNION ALL SELECT format('SELECT last_value, is_called FROM %I.%I', schemaname, sequencename) FROM pg_sequences`
	}
	rows, err := q.QueryContext(ctx, list)
	if err != nil {
		t.Fatal(err)
	}
	var tables []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			t.Fatal(err)
		}
		tables = append(tables, n)
	}
	rows.Close()
	var lines []string
	for _, tb := range tables {
		rows, err := q.QueryContext(ctx, tb)
		if err != nil {
			t.Fatal(err)
		}
		cols, _ := rows.Columns()
		for rows.Next() {
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			if err := rows.Scan(ptrs...); err != nil {
				t.Fatal(err)
			}
			lines = append(lines, tb+" "+fmt.Sprint(vals...))
		}
		if err := rows.Err(); err != nil {
			t.Fatal(err)
		}
		rows.Close()
	}
	slices.Sort(lines)
	return strings.Join(lines, "\n")
}

// diffLines shows the lines only one side has.
func diffLines(want, got string) string {
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	var out []string
	for _, l := range w {
		if !slices.Contains(g, l) {
			out = append(out, "- "+l)
		}
	}
	for _, l := range g {
		if !slices.Contains(w, l) {
			out = append(out, "+ "+l)
		}
	}
	return strings.Join(out, "\n")
}
