package server_test

import (
	"cmp"
	"context"
	"fmt"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// A case can be in 履行中 (performing) without an agreement row: the demo's
// bulk histories and cases carried over from older systems arrive that way.
// Its page must still render.
func TestCasePagePerformingWithoutAgreement(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		id := firstRoutedCase(t, e)
		for _, q := range []string{

			`DELETE FROM agreements WHERE case_id = $1`,
			`UPDATE cases SET status = 'performing' WHERE id = $1`,
		} {
			if _, err := e.db.Writer().ExecContext(ctx, q, id); err != nil && !strings.Contains(err.Error(), "no such table") && !strings.Contains(err.Error(), "does not exist") {
				t.Fatalf("%s: %v", q, err)
			}
		}
		for _, user := range []string{"admin", "committee01", "mediator01"} {
			c := e.login(user)
			res := c.get(fmt.Sprintf("/cases/%d", id))
			if res.StatusCode >= 500 {
				t.Fatalf("%s: case page of a performing case without agreement: %d %s", user, res.StatusCode, res.body)
			}
			if res.StatusCode == http.StatusOK && !strings.Contains(res.body, "履行") {
				t.Errorf("%s: page does not show the performing state", user)
			}
		}
	})
}

// firstRoutedCase is the demo's first case that a room holds.
func firstRoutedCase(t *testing.T, e *env) int64 {
	t.Helper()
	var id int64
	if err := e.db.Writer().QueryRowContext(context.Background(), `SELECT id FROM cases WHERE room_id IS NOT NULL ORDER BY id LIMIT 1`).Scan(&id); err != nil {
		t.Fatal(err)
	}
	return id
}

// Every read a case page runs is served by an index: the page's cost must not
// grow with the number of cases (issue 17). Each statement the page ran is
// EXPLAINed — on SQLite its query plan, on PostgreSQL its generic plan with
// sequential scans priced out, so a Seq Scan left means no index can serve it
// — and a full scan of any table that grows with the cases fails the test.
// Tables of configuration size (the org tree, policies, schemes) and the
// sweeps' work queues may be read whole. The reads of the background jobs that run meanwhile (sweeps, daily
// reports) are traced and held to the same rule.
func TestCasePageReadsUseIndexes(t *testing.T) {
	smallTables := map[string]bool{"org_units": true, "security_policies": true, "policies": true,
		"calendar_overrides": true, "subsidy_schemes": true, "eval_schemes": true, "room_settings": true,
		"expert_profiles": true, "courts": true,
		// Work queues that the evaluation and analysis sweeps drain every few
		// seconds; their count is the backlog the pages report. A sweep may
		// run while the pages are traced.
		"eval_dirty": true, "analysis_dirty": true,
		// The warning rules' versions: one row a rule change.
		"warning_rule_sets": true}
	// Partial indexes that hold only a sweep's pending work: scanning one
	// reads the backlog, not the table (the due dates not yet computed, the
	// supervisions not yet replied to).
	queueIndexes := map[string]bool{"cases_due_pending": true, "supervisions_open": true}
	forEachEngine(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		// Cases of every kind the demo has: one per status, the richest first.
		rows, err := e.db.Writer().QueryContext(ctx, `SELECT MIN(id) FROM cases GROUP BY status`)
		if err != nil {
			t.Fatal(err)
		}
		var ids []int64
		for rows.Next() {
			var id int64
			if err := rows.Scan(&id); err != nil {
				t.Fatal(err)
			}
			ids = append(ids, id)
		}
		rows.Close()
		if len(ids) < 5 {
			t.Fatalf("demo has cases in only %d statuses", len(ids))
		}
		committee, mediator := e.login("committee01"), e.login("mediator01")
		stop := e.db.TraceReads()
		for _, id := range ids {
			for _, c := range []*client{committee, mediator} {
				if res := c.get(fmt.Sprintf("/cases/%d", id)); res.StatusCode >= 500 {
					t.Fatalf("case %d: %d", id, res.StatusCode)
				}
			}
		}
		stmts := stop()
		if len(stmts) < 15 {
			t.Fatalf("traced only %d read statements: the trace is not recording the page", len(stmts))
		}
		explained := 0
		for _, q := range stmts {
			scans, err := fullScans(ctx, e, q, queueIndexes)
			if err != nil {
				t.Logf("not explained (%v): %s", err, oneLine(q))
				continue
			}
			explained++
			for _, tbl := range scans {
				if !smallTables[tbl] {
					t.Errorf("reads all of %s: %s", tbl, oneLine(q))
				}
			}
		}
		if explained < len(stmts)*9/10 {
			t.Fatalf("explained %d of %d statements", explained, len(stmts))
		}
	})
}

var (
	sqliteScan = regexp.MustCompile(`^SCAN (\w+)(?: USING (?:COVERING )?INDEX (\w+))?`)
	sqliteSub  = regexp.MustCompile(`^(?:CO-ROUTINE|MATERIALIZE) (\w+)`)
	pgSeqScan  = regexp.MustCompile(`Seq Scan on (\w+)`)
	fromAlias  = regexp.MustCompile(`(?i)\b(?:FROM|JOIN)\s+(\w+)(?:\s+(?:AS\s+)?(\w+))?`)
	paramRef   = regexp.MustCompile(`\$(\d+)`)
)

// fullScans names the tables a statement reads whole. On SQLite a scan of a
// subquery's rows (a co-routine or a materialised view) is not a table's:
// the subquery's own plan lines say how it reads. A scan of one of the
// queue indexes reads only the pending work.
func fullScans(ctx context.Context, e *env, q string, queueIndexes map[string]bool) ([]string, error) {
	n := 0
	for _, m := range paramRef.FindAllStringSubmatch(q, -1) {
		if k, _ := strconv.Atoi(m[1]); k > n {
			n = k
		}
	}
	conn, err := e.db.Writer().Conn(ctx)
	if err != nil {
		return nil, err
	}
	defer conn.Close()
	var out []string
	if e.db.Dialect() == "sqlite" {
		alias := map[string]string{}
		for _, m := range fromAlias.FindAllStringSubmatch(q, -1) {
			alias[m[1]] = m[1]
			if m[2] != "" && !strings.EqualFold(m[2], "WHERE") && !strings.EqualFold(m[2], "ON") {
				alias[m[2]] = m[1]
			}
		}
		rows, err := conn.QueryContext(ctx, "EXPLAIN QUERY PLAN "+q, make([]any, n)...)
		if err != nil {
			return nil, err
		}
		defer rows.Close()
		subqueries := map[string]bool{"CONSTANT": true}
		for rows.Next() {
			var id, parent, notused int
			var detail string
			if err := rows.Scan(&id, &parent, &notused, &detail); err != nil {
				return nil, err
			}
			if m := sqliteSub.FindStringSubmatch(detail); m != nil {
				subqueries[m[1]] = true
			}
			if m := sqliteScan.FindStringSubmatch(detail); m != nil && !subqueries[m[1]] && !queueIndexes[m[2]] {
				out = append(out, cmp.Or(alias[m[1]], m[1]))
			}
		}
		return out, rows.Err()
	}
	for _, s := range []string{"SET plan_cache_mode = force_generic_plan", "SET enable_seqscan = off"} {
		if _, err := conn.ExecContext(ctx, s); err != nil {
			return nil, err
		}
	}
	defer conn.ExecContext(ctx, "RESET ALL")
	if _, err := conn.ExecContext(ctx, "PREPARE traced AS "+q); err != nil {
		return nil, err
	}
	defer conn.ExecContext(ctx, "DEALLOCATE traced")
	exec := "EXPLAIN EXECUTE traced"
	if n > 0 {
		exec += "(" + strings.TrimSuffix(strings.Repeat("NULL, ", n), ", ") + ")"
	}
	rows, err := conn.QueryContext(ctx, exec)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var line string
		if err := rows.Scan(&line); err != nil {
			return nil, err
		}
		if m := pgSeqScan.FindStringSubmatch(line); m != nil {
			out = append(out, m[1])
		}
	}
	return out, rows.Err()
}

func oneLine(q string) string { return strings.Join(strings.Fields(q), " ") }
