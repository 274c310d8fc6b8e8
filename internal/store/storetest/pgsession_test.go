package storetest

import (
	"context"
	"database/sql"
	"slices"
	"testing"

	"github.com/tiaojie/tiaojie/internal/store/postgres"
)

// PostgreSQL's two pools run with the settings the lists were measured
// with (docs/decisions.md): the reader plans every statement with its
// values, neither starts parallel workers; the database URL overrides both.
func TestPostgresSessionSettings(t *testing.T) {
	for _, e := range Engines(t) {
		if e.Name != "postgres" {
			continue
		}
		t.Run(e.Name, func(t *testing.T) {
			ctx := context.Background()
			show := func(db *sql.DB, name string) string {
				t.Helper()
				var v string
				if err := db.QueryRowContext(ctx, "SELECT current_setting($1)", name).Scan(&v); err != nil {
					t.Fatal(err)
				}
				return v
			}
			url := SchemaURL(t)
			for _, tc := range []struct {
				url                             string
				readerPlan, writerPlan, workers string
			}{
				{url, "force_custom_plan", "auto", "0"},
				{url + "&plan_cache_mode=force_generic_plan&max_parallel_workers_per_gather=2", "force_generic_plan", "force_generic_plan", "2"},
			} {
				db, err := postgres.Open(ctx, tc.url)
				if err != nil {
					t.Fatal(err)
				}
				got := []string{show(db.Reader(), "plan_cache_mode"), show(db.Writer(), "plan_cache_mode"),
					show(db.Reader(), "max_parallel_workers_per_gather"), show(db.Writer(), "max_parallel_workers_per_gather")}
				db.Close()
				if want := []string{tc.readerPlan, tc.writerPlan, tc.workers, tc.workers}; !slices.Equal(got, want) {
					t.Errorf("%s: reader plan, writer plan, reader workers, writer workers = %v, want %v", tc.url, got, want)
				}
			}
		})
	}
}
