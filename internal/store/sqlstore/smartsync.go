package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"github.com/tiaojie/tiaojie/internal/store"
)

func (db *DB) PutSmartSync(ctx context.Context, s store.SmartSync) error {
	if s.Updated.IsZero() {
		s.Updated = time.Now()
	}
	return db.wrap("put smart sync", db.InTx(ctx, func(tx store.Store) error {
		t := tx.(*DB).cur
		t.about("case", s.CaseID)
		if _, err := t.ExecContext(ctx, `INSERT INTO smart_sync (case_id, committee_id, case_code, state, platform_id, digest, revision,
			attempts, last_error, synced_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
			ON CONFLICT (case_id) DO UPDATE SET committee_id = excluded.committee_id, case_code = excluded.case_code,
			state = excluded.state, platform_id = CASE WHEN excluded.platform_id = '' THEN smart_sync.platform_id ELSE excluded.platform_id END,
			digest = CASE WHEN excluded.digest = '' THEN smart_sync.digest ELSE excluded.digest END,
			revision = CASE WHEN excluded.revision = 0 THEN smart_sync.revision ELSE excluded.revision END,
			attempts = excluded.attempts, last_error = excluded.last_error,
			synced_at = COALESCE(excluded.synced_at, smart_sync.synced_at), updated_at = excluded.updated_at`,
			s.CaseID, s.CommitteeID, s.CaseCode, s.State, s.PlatformID, s.Digest, s.Revision, s.Attempts, s.LastError,
			nullTime(s.SyncedAt), s.Updated.UTC()); err != nil {
			return err
		}
		if s.PlatformID == "" {
			return nil
		}
		// The platform's id on the case itself, without a new version: a
		// background sync must not make a mediator's open form stale.
		_, err := t.ExecContext(ctx, `UPDATE cases SET platform_id = $1 WHERE id = $2 AND COALESCE(platform_id, '') <> $1`, s.PlatformID, s.CaseID)
		return err
	}))
}

const smartCols = `s.case_id, s.committee_id, s.case_code, s.state, s.platform_id, s.digest, s.revision, s.attempts, s.last_error,
	s.synced_at, s.updated_at, c.number`

func scanSmart(r interface{ Scan(...any) error }) (store.SmartSync, error) {
	var s store.SmartSync
	var synced sql.NullTime
	err := r.Scan(&s.CaseID, &s.CommitteeID, &s.CaseCode, &s.State, &s.PlatformID, &s.Digest, &s.Revision, &s.Attempts,
		&s.LastError, &synced, &s.Updated, &s.CaseNumber)
	s.SyncedAt = timePtr(synced)
	return s, err
}

func (db *DB) GetSmartSync(ctx context.Context, caseID int64) (store.SmartSync, error) {
	s, err := scanSmart(db.read().QueryRowContext(ctx, `SELECT `+smartCols+` FROM smart_sync s JOIN cases c ON c.id = s.case_id
		WHERE s.case_id = $1`, caseID))
	return s, db.wrap("get smart sync", err)
}

func committeeFilter(ids []int64, args *[]any) string {
	if len(ids) == 0 {
		return "1 = 0"
	}
	ph := make([]string, len(ids))
	for i, id := range ids {
		*args = append(*args, id)
		ph[i] = fmt.Sprintf("$%d", len(*args))
	}
	return "s.committee_id IN (" + strings.Join(ph, ", ") + ")"
}

func (db *DB) ListSmartSync(ctx context.Context, q store.SmartSyncQuery) (store.Page[store.SmartSync], error) {
	if err := q.Check(); err != nil {
		return store.Page[store.SmartSync]{}, fmt.Errorf("list smart sync: %w", err)
	}
	// By the indexes (committee_id[, state], updated_at, case_id) of
	// migration 80, newest first, one row past the page.
	var args []any
	where := committeeFilter(q.CommitteeIDs, &args)
	if q.State != "" {
		args = append(args, q.State)
		where += fmt.Sprintf(" AND s.state = $%d", len(args))
	}
	if q.After != nil {
		t, id := len(args)+1, len(args)+2
		where += fmt.Sprintf(" AND s.updated_at <= $%d AND (s.updated_at < $%d OR s.case_id < $%d)", t, t, id)
		args = append(args, q.After.At.UTC(), q.After.ID)
	}
	rows, err := db.read().QueryContext(ctx, `SELECT `+smartCols+` FROM smart_sync s JOIN cases c ON c.id = s.case_id WHERE `+where+
		fmt.Sprintf(` ORDER BY s.updated_at DESC, s.case_id DESC LIMIT %d`, q.Limit+1), args...)
	if err != nil {
		return store.Page[store.SmartSync]{}, db.wrap("list smart sync", err)
	}
	defer rows.Close()
	var out []store.SmartSync
	for rows.Next() {
		s, err := scanSmart(rows)
		if err != nil {
			return store.Page[store.SmartSync]{}, db.wrap("scan smart sync", err)
		}
		out = append(out, s)
	}
	if err := rows.Err(); err != nil {
		return store.Page[store.SmartSync]{}, db.wrap("list smart sync", err)
	}
	return store.PageOf(out, q.Limit, func(s store.SmartSync) store.ListCursor { return store.ListCursor{At: s.Updated, ID: s.CaseID} }), nil
}

func (db *DB) SmartSyncCounts(ctx context.Context, committeeIDs []int64) (map[string]int, error) {
	var args []any
	// From the counters the triggers keep (migration 92), not a count of
	// every case the committees ever sent.
	rows, err := db.read().QueryContext(ctx, `SELECT s.state, SUM(s.n) FROM smart_sync_counts s WHERE `+committeeFilter(committeeIDs, &args)+
		` GROUP BY s.state HAVING SUM(s.n) <> 0`, args...)
	if err != nil {
		return nil, db.wrap("count smart sync", err)
	}
	defer rows.Close()
	out := map[string]int{}
	for rows.Next() {
		var st string
		var n int
		if err := rows.Scan(&st, &n); err != nil {
			return nil, db.wrap("count smart sync", err)
		}
		out[st] = n
	}
	return out, db.wrap("count smart sync", rows.Err())
}

func (db *DB) SyncedCases(ctx context.Context, committeeID int64) ([]store.SmartSync, error) {
	rows, err := db.read().QueryContext(ctx, `SELECT `+smartCols+` FROM smart_sync s JOIN cases c ON c.id = s.case_id
		WHERE s.committee_id = $1 AND s.platform_id <> '' ORDER BY s.case_id`, committeeID)
	if err != nil {
		return nil, db.wrap("synced cases", err)
	}
	defer rows.Close()
	var out []store.SmartSync
	for rows.Next() {
		s, err := scanSmart(rows)
		if err != nil {
			return nil, db.wrap("scan synced case", err)
		}
		out = append(out, s)
	}
	return out, db.wrap("synced cases", rows.Err())
}

func (db *DB) UnsyncedCases(ctx context.Context, committeeID, afterID int64, limit int) ([]int64, error) {
	rows, err := db.read().QueryContext(ctx, `SELECT c.id FROM cases c LEFT JOIN smart_sync s ON s.case_id = c.id
		WHERE c.committee_id = $1 AND c.id > $2 AND c.accepted_at IS NOT NULL AND c.merged_into IS NULL
		AND (s.case_id IS NULL OR s.state <> 'synced') ORDER BY c.id LIMIT $3`, committeeID, afterID, limit)
	if err != nil {
		return nil, db.wrap("unsynced cases", err)
	}
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, db.wrap("unsynced cases", err)
		}
		out = append(out, id)
	}
	return out, db.wrap("unsynced cases", rows.Err())
}

func (db *DB) GetSmartRef(ctx context.Context, code string) (string, error) {
	var d string
	err := db.read().QueryRowContext(ctx, `SELECT digest FROM smart_refs WHERE code = $1`, code).Scan(&d)
	return d, db.wrap("get smart ref", err)
}

func (db *DB) PutSmartRef(ctx context.Context, code, kind, digest, platformID string, at time.Time) error {
	_, err := db.writeOn("smart_ref", code).ExecContext(ctx, `INSERT INTO smart_refs (code, kind, digest, platform_id, synced_at)
		VALUES ($1, $2, $3, $4, $5) ON CONFLICT (code) DO UPDATE SET kind = excluded.kind, digest = excluded.digest,
		platform_id = excluded.platform_id, synced_at = excluded.synced_at`, code, kind, digest, platformID, at.UTC())
	return db.wrap("put smart ref", err)
}

func (db *DB) AddReconciliation(ctx context.Context, r store.Reconciliation) (int64, error) {
	var id int64
	err := db.writeRow(ctx, func(q rowQuerier) error {
		return q.QueryRowContext(ctx, `INSERT INTO smart_reconciliations (committee_id, at, ours, theirs, mismatches, error)
			VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`, r.CommitteeID, r.At.UTC(), r.Ours, r.Theirs, r.Mismatches, r.Error).Scan(&id)
	})
	return id, db.wrap("add reconciliation", err)
}

func (db *DB) LatestReconciliation(ctx context.Context, committeeID int64) (store.Reconciliation, error) {
	var r store.Reconciliation
	err := db.read().QueryRowContext(ctx, `SELECT id, committee_id, at, ours, theirs, mismatches, error FROM smart_reconciliations
		WHERE committee_id = $1 ORDER BY id DESC LIMIT 1`, committeeID).Scan(&r.ID, &r.CommitteeID, &r.At, &r.Ours, &r.Theirs, &r.Mismatches, &r.Error)
	return r, db.wrap("latest reconciliation", err)
}
