package sqlstore

import (
	"context"
	"fmt"
)

// RefreshCaseStatistics runs ANALYZE on PostgreSQL: a table that grew from
// empty within an import kept the plans chosen when it was empty (sequential
// scans, and generic plans of prepared statements built on them) until
// autovacuum came round; the import of 100,000 rows took 685 s that way
// (issue 17). ANALYZE also invalidates those cached plans. Only tables that
// changed by a fifth since their last statistics are analyzed, so a large
// table that an import barely grows costs nothing. On SQLite it does
// nothing: without sqlite_stat1 the planner ranks by index shape, which
// serves these reads, and statistics would move the plans other reads are
// tuned to.
func (db *DB) RefreshCaseStatistics(ctx context.Context) error {
	if db.d.Name != "postgres" {
		return nil
	}
	// The tables a 12315 import grows and reads back in every transaction
	// (numbers known, duplicate candidates, merchants, events).
	rows, err := db.w.QueryContext(ctx, `SELECT s.relname FROM pg_stat_user_tables s JOIN pg_class c ON c.oid = s.relid
		WHERE s.schemaname = current_schema() AND s.relname IN ('cases', 'parties', 'merchants', 'case_events')
		AND s.n_mod_since_analyze >= 50 + 0.2 * GREATEST(c.reltuples, 0) ORDER BY s.relname`)
	if err != nil {
		return db.wrap("tables to analyze", err)
	}
	var stale []string
	for rows.Next() {
		var t string
		if err := rows.Scan(&t); err != nil {
			rows.Close()
			return db.wrap("tables to analyze", err)
		}
		stale = append(stale, t)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return db.wrap("tables to analyze", err)
	}
	for _, t := range stale {
		if _, err := db.w.ExecContext(ctx, "ANALYZE "+t); err != nil {
			return db.wrap(fmt.Sprintf("analyze %s", t), err)
		}
	}
	return nil
}
