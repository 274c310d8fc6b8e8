package sqlstore

import (
	"context"
	"database/sql"
	"strconv"
	"strings"
	"time"

	"github.com/tiaojie/tiaojie/internal/store"
)

const bulletinCols = `id, committee_id, month, revision, COALESCE(corrects_id, 0), reason, state, title, figures, sections, remarks,
	drafted_by, drafted_at, refreshed_at, edited_by, editor, edited_at, approved_by, approver, approved_at,
	published_by, publisher, published_at, COALESCE(briefing_id, 0), sha256, version`

func scanBulletin(r interface{ Scan(...any) error }) (store.Bulletin, error) {
	var b store.Bulletin
	var edited, approved, published sql.NullTime
	err := r.Scan(&b.ID, &b.CommitteeID, &b.Month, &b.Revision, &b.CorrectsID, &b.Reason, &b.State, &b.Title, &b.Figures, &b.Sections, &b.Remarks,
		&b.DraftedBy, &b.Drafted, &b.Refreshed, &b.EditedBy, &b.Editor, &edited, &b.ApprovedBy, &b.Approver, &approved,
		&b.PublishedBy, &b.Publisher, &published, &b.BriefingID, &b.SHA256, &b.Version)
	b.Drafted, b.Refreshed = b.Drafted.UTC(), b.Refreshed.UTC()
	b.Edited, b.Approved, b.Published = timePtr(edited), timePtr(approved), timePtr(published)
	return b, err
}

func (db *DB) AddBulletin(ctx context.Context, b *store.Bulletin) error {
	if b.Drafted.IsZero() {
		b.Drafted = time.Now()
	}
	b.Drafted = b.Drafted.UTC()
	if b.Refreshed.IsZero() {
		b.Refreshed = b.Drafted
	}
	if b.Revision == 0 {
		b.Revision = 1
	}
	if b.Sections == "" {
		b.Sections = "{}"
	}
	b.Version = 1
	return db.tx(ctx, "draft bulletin", func(t *wtx) error {
		t.about("org", b.CommitteeID)
		return t.QueryRowContext(ctx, `INSERT INTO bulletins (committee_id, month, revision, corrects_id, reason, state, title, figures, sections, remarks,
			drafted_by, drafted_at, refreshed_at, version) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, 1) RETURNING id`,
			b.CommitteeID, b.Month, b.Revision, nullInt(b.CorrectsID), b.Reason, b.State, b.Title, b.Figures, b.Sections, b.Remarks,
			b.DraftedBy, b.Drafted, b.Refreshed.UTC()).Scan(&b.ID)
	})
}

func (db *DB) GetBulletin(ctx context.Context, id int64) (store.Bulletin, error) {
	b, err := scanBulletin(db.read().QueryRowContext(ctx, `SELECT `+bulletinCols+` FROM bulletins WHERE id = $1`, id))
	return b, db.wrap("get bulletin", err)
}

func (db *DB) ListBulletins(ctx context.Context, q store.BulletinQuery) ([]store.Bulletin, error) {
	where := []string{committeeIn("committee_id", q.CommitteeIDs)}
	var args []any
	if q.Month != "" {
		args = append(args, q.Month)
		where = append(where, "month = $1")
	}
	if q.PublishedOnly {
		where = append(where, "state = 'published'")
	}
	limit := q.Limit
	if limit <= 0 {
		limit = 200
	}
	rows, err := db.read().QueryContext(ctx, `SELECT `+bulletinCols+` FROM bulletins WHERE `+strings.Join(where, " AND ")+
		` ORDER BY month DESC, committee_id, revision DESC LIMIT `+strconv.Itoa(limit), args...)
	if err != nil {
		return nil, db.wrap("list bulletins", err)
	}
	defer rows.Close()
	var out []store.Bulletin
	for rows.Next() {
		b, err := scanBulletin(rows)
		if err != nil {
			return nil, db.wrap("scan bulletin", err)
		}
		out = append(out, b)
	}
	return out, db.wrap("list bulletins", rows.Err())
}

func (db *DB) UpdateBulletin(ctx context.Context, b *store.Bulletin, from ...string) error {
	if len(from) == 0 {
		return db.wrap("update bulletin", store.ErrStale)
	}
	states := make([]string, len(from))
	for i, s := range from {
		states[i] = "'" + strings.ReplaceAll(s, "'", "") + "'"
	}
	err := db.tx(ctx, "update bulletin "+b.State, func(t *wtx) error {
		t.about("bulletin", b.ID)
		res, err := t.ExecContext(ctx, `UPDATE bulletins SET state = $1, title = $2, figures = $3, sections = $4, remarks = $5, refreshed_at = $6,
			edited_by = $7, editor = $8, edited_at = $9, approved_by = $10, approver = $11, approved_at = $12,
			published_by = $13, publisher = $14, published_at = $15, briefing_id = $16, sha256 = $17, version = version + 1
			WHERE id = $18 AND version = $19 AND state IN (`+strings.Join(states, ", ")+`)`,
			b.State, b.Title, b.Figures, b.Sections, b.Remarks, b.Refreshed.UTC(), b.EditedBy, b.Editor, nullTime(b.Edited),
			b.ApprovedBy, b.Approver, nullTime(b.Approved), b.PublishedBy, b.Publisher, nullTime(b.Published), nullInt(b.BriefingID), b.SHA256,
			b.ID, b.Version)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return store.ErrStale
		}
		return nil
	})
	if err == nil {
		b.Version++
	}
	return err
}

func (db *DB) HotMerchants(ctx context.Context, committeeID int64, from, to string, limit int) ([]store.HotCount, error) {
	q := `SELECT COALESCE(c.merchant_id, 0), CASE WHEN MAX(m.name) IS NOT NULL THEN MAX(m.name) ELSE MAX(c.merchant_name) END, COUNT(*)
		FROM eval_facts f JOIN cases c ON c.id = f.case_id LEFT JOIN merchants m ON m.id = c.merchant_id
		WHERE f.committee_id = $1 AND f.received_day >= $2 AND f.received_day <= $3 AND f.outcome <> 'merged'
			AND (c.merchant_id IS NOT NULL OR c.merchant_name <> '')
		GROUP BY COALESCE(c.merchant_id, 0), CASE WHEN c.merchant_id IS NULL THEN c.merchant_name ELSE '' END
		ORDER BY COUNT(*) DESC, 2`
	if limit > 0 {
		q += ` LIMIT ` + strconv.Itoa(limit)
	}
	rows, err := db.read().QueryContext(ctx, q, committeeID, from, to)
	if err != nil {
		return nil, db.wrap("hot merchants", err)
	}
	defer rows.Close()
	var out []store.HotCount
	for rows.Next() {
		var h store.HotCount
		if err := rows.Scan(&h.MerchantID, &h.Name, &h.Cases); err != nil {
			return nil, db.wrap("scan hot merchant", err)
		}
		out = append(out, h)
	}
	return out, db.wrap("hot merchants", rows.Err())
}

func (db *DB) WarningsRaised(ctx context.Context, unitPath string, from, to time.Time) ([]store.MonthWarning, error) {
	lo, hi := prefixRange(unitPath)
	rows, err := db.read().QueryContext(ctx, `SELECT id, rule_code, level, subject_kind, subject_label, explain, raised_at, status
		FROM warnings WHERE unit_path >= $1 AND unit_path < $2 AND raised_at >= $3 AND raised_at < $4 ORDER BY raised_at, id`,
		lo, hi, from.UTC(), to.UTC())
	if err != nil {
		return nil, db.wrap("warnings raised", err)
	}
	defer rows.Close()
	var out []store.MonthWarning
	for rows.Next() {
		var w store.MonthWarning
		if err := rows.Scan(&w.ID, &w.Rule, &w.Level, &w.SubjectKind, &w.SubjectLabel, &w.Explain, &w.RaisedAt, &w.Status); err != nil {
			return nil, db.wrap("scan warning", err)
		}
		w.RaisedAt = w.RaisedAt.UTC()
		out = append(out, w)
	}
	return out, db.wrap("warnings raised", rows.Err())
}
