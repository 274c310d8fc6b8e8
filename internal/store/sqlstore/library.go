package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"github.com/tiaojie/tiaojie/internal/store"
)

const typicalCols = `t.id, t.case_id, COALESCE(c.number, ''), t.committee_id, t.org_path, t.status, t.title, t.category, t.facts, t.process,
	t.result, t.significance, t.keep_merchants, t.hits, t.clean, t.version, COALESCE(t.nominated_by, 0), t.nominator, t.created_at,
	COALESCE(t.updated_by, 0), t.updated_at, COALESCE(t.submitted_by, 0), t.submitted_at, COALESCE(t.published_by, 0), t.publisher,
	t.published_at, COALESCE(t.withdrawn_by, 0), t.withdrawn_at, t.withdraw_note`

const typicalFrom = ` FROM typical_cases t LEFT JOIN cases c ON c.id = t.case_id`

func scanTypical(r interface{ Scan(...any) error }) (store.TypicalCase, error) {
	var tc store.TypicalCase
	var sub, pub, wd sql.NullTime
	err := r.Scan(&tc.ID, &tc.CaseID, &tc.CaseNumber, &tc.CommitteeID, &tc.OrgPath, &tc.Status, &tc.Title, &tc.Category, &tc.Facts, &tc.Process,
		&tc.Result, &tc.Significance, &tc.KeepMerchants, &tc.Hits, &tc.Clean, &tc.Version, &tc.NominatedBy, &tc.Nominator, &tc.Created,
		&tc.UpdatedBy, &tc.Updated, &tc.SubmittedBy, &sub, &tc.PublishedBy, &tc.Publisher, &pub, &tc.WithdrawnBy, &wd, &tc.WithdrawNote)
	tc.Created, tc.Updated = tc.Created.UTC(), tc.Updated.UTC()
	tc.SubmittedAt, tc.PublishedAt, tc.WithdrawnAt = utcPtr(timePtr(sub)), utcPtr(timePtr(pub)), utcPtr(timePtr(wd))
	return tc, err
}

func utcPtr(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	u := t.UTC()
	return &u
}

func (db *DB) CreateTypicalCase(ctx context.Context, tc *store.TypicalCase) error {
	if tc.Created.IsZero() {
		tc.Created = time.Now()
	}
	tc.Created = tc.Created.UTC()
	tc.Updated, tc.UpdatedBy, tc.Version = tc.Created, tc.NominatedBy, 1
	if tc.Hits == "" {
		tc.Hits = "[]"
	}
	if tc.Status == "" {
		tc.Status = store.TypicalDraft
	}
	return db.tx(ctx, "nominate typical case", func(t *wtx) error {
		err := t.QueryRowContext(ctx, `INSERT INTO typical_cases (case_id, committee_id, org_path, status, title, category, facts, process, result,
			significance, keep_merchants, hits, clean, version, nominated_by, nominator, created_at, updated_by, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19) RETURNING id`,
			tc.CaseID, tc.CommitteeID, tc.OrgPath, tc.Status, tc.Title, tc.Category, tc.Facts, tc.Process, tc.Result, tc.Significance,
			tc.KeepMerchants, tc.Hits, tc.Clean, tc.Version, nullInt(tc.NominatedBy), tc.Nominator, tc.Created, nullInt(tc.UpdatedBy), tc.Updated).Scan(&tc.ID)
		if err == nil {
			t.about("typical_case", tc.ID)
			t.about("case", tc.CaseID)
		}
		return err
	})
}

func (db *DB) GetTypicalCase(ctx context.Context, id int64) (store.TypicalCase, error) {
	tc, err := scanTypical(db.read().QueryRowContext(ctx, `SELECT `+typicalCols+typicalFrom+` WHERE t.id = $1`, id))
	return tc, db.wrap("get typical case", err)
}

// typicalMiss explains why a guarded update matched no row: unknown
// (ErrNotFound), another version (ErrStale) or another status (ErrConflict).
func typicalMiss(ctx context.Context, t *wtx, id, version int64) error {
	var v int64
	if err := t.QueryRowContext(ctx, `SELECT version FROM typical_cases WHERE id = $1`, id).Scan(&v); err != nil {
		return err
	}
	if v != version {
		return fmt.Errorf("typical case %d is at version %d, not %d: %w", id, v, version, store.ErrStale)
	}
	return fmt.Errorf("typical case %d cannot change in its status: %w", id, store.ErrConflict)
}

func (db *DB) EditTypicalCase(ctx context.Context, tc store.TypicalCase) error {
	if tc.Updated.IsZero() {
		tc.Updated = time.Now()
	}
	if tc.Hits == "" {
		tc.Hits = "[]"
	}
	return db.tx(ctx, "edit typical case", func(t *wtx) error {
		t.about("typical_case", tc.ID)
		res, err := t.ExecContext(ctx, `UPDATE typical_cases SET title = $1, category = $2, facts = $3, process = $4, result = $5, significance = $6,
			keep_merchants = $7, hits = $8, clean = $9, version = version + 1, updated_by = $10, updated_at = $11
			WHERE id = $12 AND version = $13 AND status IN ($14, $15)`,
			tc.Title, tc.Category, tc.Facts, tc.Process, tc.Result, tc.Significance, tc.KeepMerchants, tc.Hits, tc.Clean,
			nullInt(tc.UpdatedBy), tc.Updated.UTC(), tc.ID, tc.Version, store.TypicalDraft, store.TypicalSubmitted)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return typicalMiss(ctx, t, tc.ID, tc.Version)
		}
		return nil
	})
}

func (db *DB) MoveTypicalCase(ctx context.Context, m store.TypicalMove) error {
	if m.At.IsZero() {
		m.At = time.Now()
	}
	if len(m.From) == 0 {
		return fmt.Errorf("move typical case: no from status")
	}
	return db.tx(ctx, "typical case "+m.To, func(t *wtx) error {
		t.about("typical_case", m.ID)
		var args []any
		arg := func(v any) string { args = append(args, v); return fmt.Sprintf("$%d", len(args)) }
		set := []string{"status = " + arg(m.To), "version = version + 1", "updated_by = " + arg(nullInt(m.By)), "updated_at = " + arg(m.At.UTC())}
		switch m.To {
		case store.TypicalSubmitted:
			set = append(set, "submitted_by = "+arg(nullInt(m.By)), "submitted_at = "+arg(m.At.UTC()))
		case store.TypicalPublished:
			set = append(set, "published_by = "+arg(nullInt(m.By)), "publisher = "+arg(m.ByName), "published_at = "+arg(m.At.UTC()),
				"hits = "+arg(orEmpty(m.Hits)), "clean = "+arg(m.Clean))
		case store.TypicalWithdrawn:
			set = append(set, "withdrawn_by = "+arg(nullInt(m.By)), "withdrawn_at = "+arg(m.At.UTC()), "withdraw_note = "+arg(m.Reason))
		case store.TypicalDraft:
			set = append(set, "submitted_by = NULL", "submitted_at = NULL")
		}
		var from []string
		for _, f := range m.From {
			from = append(from, arg(f))
		}
		q := `UPDATE typical_cases SET ` + strings.Join(set, ", ") + ` WHERE id = ` + arg(m.ID) + ` AND version = ` + arg(m.Version) +
			` AND status IN (` + strings.Join(from, ", ") + `)`
		res, err := t.ExecContext(ctx, q, args...)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return typicalMiss(ctx, t, m.ID, m.Version)
		}
		return nil
	})
}

func orEmpty(hits string) string {
	if hits == "" {
		return "[]"
	}
	return hits
}

func typicalWhere(q store.TypicalCaseQuery, withFilters bool) (string, []any) {
	var args []any
	arg := func(v any) string { args = append(args, v); return fmt.Sprintf("$%d", len(args)) }
	where := []string{scopeWhere("t.org_path", q.Scope, arg)}
	if len(q.Statuses) > 0 {
		var ph []string
		for _, s := range q.Statuses {
			ph = append(ph, arg(s))
		}
		where = append(where, "t.status IN ("+strings.Join(ph, ", ")+")")
	}
	if withFilters {
		if q.Category != "" {
			where = append(where, "t.category = "+arg(q.Category))
		}
		if s := strings.TrimSpace(q.Text); s != "" {
			p := arg("%" + likeEscape(s) + "%")
			where = append(where, fmt.Sprintf(`(t.title LIKE %[1]s ESCAPE '\' OR t.facts LIKE %[1]s ESCAPE '\' OR t.process LIKE %[1]s ESCAPE '\'
				OR t.result LIKE %[1]s ESCAPE '\' OR t.significance LIKE %[1]s ESCAPE '\' OR t.category LIKE %[1]s ESCAPE '\')`, p))
		}
	}
	return " WHERE " + strings.Join(where, " AND "), args
}

func (db *DB) ListTypicalCases(ctx context.Context, q store.TypicalCaseQuery) ([]store.TypicalCase, int, error) {
	where, args := typicalWhere(q, true)
	var total int
	if err := db.read().QueryRowContext(ctx, `SELECT COUNT(*) FROM typical_cases t`+where, args...).Scan(&total); err != nil {
		return nil, 0, db.wrap("count typical cases", err)
	}
	limit := q.Limit
	if limit <= 0 {
		limit = 20
	}
	limit = min(limit, 100)
	rows, err := db.read().QueryContext(ctx, `SELECT `+typicalCols+typicalFrom+where+
		fmt.Sprintf(` ORDER BY COALESCE(t.published_at, t.updated_at) DESC, t.id DESC LIMIT %d OFFSET %d`, limit, max(q.Offset, 0)), args...)
	if err != nil {
		return nil, 0, db.wrap("list typical cases", err)
	}
	defer rows.Close()
	var out []store.TypicalCase
	for rows.Next() {
		tc, err := scanTypical(rows)
		if err != nil {
			return nil, 0, db.wrap("scan typical case", err)
		}
		out = append(out, tc)
	}
	return out, total, db.wrap("list typical cases", rows.Err())
}

func (db *DB) TypicalCategories(ctx context.Context, q store.TypicalCaseQuery) ([]string, error) {
	where, args := typicalWhere(q, false)
	rows, err := db.read().QueryContext(ctx, `SELECT DISTINCT t.category FROM typical_cases t`+where+` AND t.category <> '' ORDER BY t.category`, args...)
	if err != nil {
		return nil, db.wrap("typical categories", err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var c string
		if err := rows.Scan(&c); err != nil {
			return nil, db.wrap("typical categories", err)
		}
		out = append(out, c)
	}
	return out, db.wrap("typical categories", rows.Err())
}
