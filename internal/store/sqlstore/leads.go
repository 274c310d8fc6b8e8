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

// leadUnitsApart is the most units in a scope whose leads are read apart,
// each by its own index: a 市场监管所 with a few under it, not a district.
const leadUnitsApart = 8

// unitPathsIn lists up to limit paths of the org units in scope (none for
// the whole tree).
func (db *DB) unitPathsIn(ctx context.Context, scope store.Scope, limit int) ([]string, error) {
	if scope.All || len(scope.Prefixes) == 0 {
		return nil, nil
	}
	var args []any
	arg := func(v any) string { args = append(args, v); return fmt.Sprintf("$%d", len(args)) }
	rows, err := db.read().QueryContext(ctx, `SELECT path FROM org_units WHERE `+scopeWhere("path", scope, arg)+
		fmt.Sprintf(` ORDER BY path LIMIT %d`, limit), args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var p string
		if err := rows.Scan(&p); err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

func (db *DB) ListLeads(ctx context.Context, q store.LeadQuery) (store.Page[store.Lead], error) {
	if err := q.Check(); err != nil {
		return store.Page[store.Lead]{}, fmt.Errorf("list leads: %w", err)
	}
	var args []any
	arg := func(v any) string { args = append(args, v); return fmt.Sprintf("$%d", len(args)) }
	// Newest first by id, one row past the page telling whether another
	// follows. On SQLite a few units in scope (a 市场监管所's own list is
	// one) are read each by its index (office_path[, status], id) to the
	// page's length; a wider scope (a district's) walks the key, or
	// (status, id), newest first with the scope as a filter. Either way no
	// read sorts the scope's every lead of the years. PostgreSQL weighs the
	// scope's range against the walk with its statistics (the reads apart
	// measured slower there: one more round trip).
	var units []string
	if db.d.Name == "sqlite" {
		var err error
		if units, err = db.unitPathsIn(ctx, q.Scope, leadUnitsApart+1); err != nil {
			return store.Page[store.Lead]{}, db.wrap("list leads", err)
		}
	}
	var cond []string
	if q.Status != "" {
		cond = append(cond, "status = "+arg(q.Status))
	}
	if q.After != nil {
		cond = append(cond, "id < "+arg(q.After.ID))
	}
	var where string
	if db.d.Name == "sqlite" && !q.Scope.All && len(units) <= leadUnitsApart {
		if len(units) == 0 {
			return store.Page[store.Lead]{}, nil
		}
		var each []string
		for i, u := range units {
			each = append(each, fmt.Sprintf(`SELECT id FROM (SELECT id FROM violation_leads WHERE %s ORDER BY id DESC LIMIT %d) u%d`,
				strings.Join(append([]string{"office_path = " + arg(u)}, cond...), " AND "), q.Limit+1, i))
		}
		where = "l.id IN (" + strings.Join(each, " UNION ALL ") + ")"
	} else {
		// "+" keeps SQLite off the office index, by which it would read the
		// scope's every lead and sort them.
		col := "l.office_path"
		if db.d.Name == "sqlite" {
			col = "+l.office_path"
		}
		w := []string{scopeWhere(col, q.Scope, arg)}
		for _, c := range cond {
			w = append(w, "l."+c)
		}
		where = strings.Join(w, " AND ")
	}
	rows, err := db.read().QueryContext(ctx, `SELECT `+leadCols+`
		FROM violation_leads l JOIN cases c ON c.id = l.case_id WHERE `+where+
		fmt.Sprintf(` ORDER BY l.id DESC LIMIT %d`, q.Limit+1), args...)
	if err != nil {
		return store.Page[store.Lead]{}, db.wrap("list leads", err)
	}
	defer rows.Close()
	var out []store.Lead
	for rows.Next() {
		var l store.Lead
		var h sql.NullTime
		if err := rows.Scan(&l.ID, &l.CaseID, &l.CaseNumber, &l.Merchant, &l.OfficeID, &l.OfficePath, &l.Kind, &l.Note, &l.Status,
			&l.CreatedBy, &l.Created, &l.HandledBy, &h); err != nil {
			return store.Page[store.Lead]{}, db.wrap("scan lead", err)
		}
		l.Created, l.HandledAt = l.Created.UTC(), timePtr(h)
		out = append(out, l)
	}
	if err := rows.Err(); err != nil {
		return store.Page[store.Lead]{}, db.wrap("list leads", err)
	}
	return store.PageOf(out, q.Limit, func(l store.Lead) store.ListCursor { return store.ListCursor{At: l.Created, ID: l.ID} }), nil
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
