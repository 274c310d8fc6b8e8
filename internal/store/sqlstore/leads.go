package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"github.com/tiaojie/tiaojie/internal/store"
)

func (db *DB) AddLead(ctx context.Context, l *store.Lead) error {
	l.Created = time.Now().UTC()
	if l.Status == "" {
		l.Status = "new"
	}
	err := db.writeRow(ctx, func(q rowQuerier) error {
		return q.QueryRowContext(ctx, `INSERT INTO violation_leads (case_id, office_id, office_path, kind, note, status, created_by, created_at)
		VALUES ($1, $2, (SELECT path FROM org_units WHERE id = $2), $3, $4, $5, $6, $7) RETURNING id, office_path`,
			l.CaseID, l.OfficeID, l.Kind, l.Note, l.Status, nullInt(l.CreatedBy), l.Created).Scan(&l.ID, &l.OfficePath)
	})
	return db.wrap("add lead", err)
}

func (db *DB) ListLeads(ctx context.Context, scope store.Scope, limit int) ([]store.Lead, error) {
	if limit <= 0 || limit > 1000 {
		limit = 200
	}
	var where []string
	var args []any
	if !scope.All {
		if len(scope.Prefixes) == 0 {
			return nil, nil
		}
		var ors []string
		for _, p := range scope.Prefixes {
			lo, hi := prefixRange(p)
			args = append(args, lo, hi)
			ors = append(ors, fmt.Sprintf("(l.office_path >= $%d AND l.office_path < $%d)", len(args)-1, len(args)))
		}
		where = append(where, "("+strings.Join(ors, " OR ")+")")
	}
	cond := ""
	if len(where) > 0 {
		cond = " WHERE " + strings.Join(where, " AND ")
	}
	args = append(args, limit)
	rows, err := db.read().QueryContext(ctx, `SELECT `+leadCols+`
		FROM violation_leads l JOIN cases c ON c.id = l.case_id`+cond+fmt.Sprintf(` ORDER BY l.id DESC LIMIT $%d`, len(args)), args...)
	if err != nil {
		return nil, db.wrap("list leads", err)
	}
	defer rows.Close()
	var out []store.Lead
	for rows.Next() {
		var l store.Lead
		var h sql.NullTime
		if err := rows.Scan(&l.ID, &l.CaseID, &l.CaseNumber, &l.Merchant, &l.OfficeID, &l.OfficePath, &l.Kind, &l.Note, &l.Status,
			&l.CreatedBy, &l.Created, &l.HandledBy, &h); err != nil {
			return nil, db.wrap("scan lead", err)
		}
		l.Created, l.HandledAt = l.Created.UTC(), timePtr(h)
		out = append(out, l)
	}
	return out, db.wrap("list leads", rows.Err())
}

func (db *DB) MarkLeadHandled(ctx context.Context, id, by int64, at time.Time) error {
	res, err := db.writeOn("lead", id).ExecContext(ctx, `UPDATE violation_leads SET status = 'handled', handled_by = $1, handled_at = $2
		WHERE id = $3 AND status = 'new'`, nullInt(by), at.UTC(), id)
	return db.wrap("mark lead handled", mustAffect(res, err))
}

func (db *DB) GetLead(ctx context.Context, id int64) (store.Lead, error) {
	var l store.Lead
	var h sql.NullTime
	err := db.read().QueryRowContext(ctx, `SELECT `+leadCols+` FROM violation_leads l JOIN cases c ON c.id = l.case_id WHERE l.id = $1`, id).Scan(
		&l.ID, &l.CaseID, &l.CaseNumber, &l.Merchant, &l.OfficeID, &l.OfficePath, &l.Kind, &l.Note, &l.Status, &l.CreatedBy, &l.Created, &l.HandledBy, &h)
	l.Created, l.HandledAt = l.Created.UTC(), timePtr(h)
	return l, db.wrap("get lead", err)
}

const leadCols = `l.id, l.case_id, c.number, c.merchant_name, l.office_id, l.office_path, l.kind, l.note, l.status,
	COALESCE(l.created_by, 0), l.created_at, COALESCE(l.handled_by, 0), l.handled_at`
