package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"github.com/tiaojie/tiaojie/internal/store"
)

func (db *DB) CreateSession(ctx context.Context, m *store.Session) error {
	m.Created, m.Status = time.Now().UTC(), "scheduled"
	err := db.writeRow(ctx, func(q rowQuerier) error {
		return q.QueryRowContext(ctx, `INSERT INTO mediation_sessions (case_id, kind, starts_at, place, status, created_by, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`, m.CaseID, m.Kind, m.StartsAt.UTC(), m.Place, m.Status, nullInt(m.CreatedBy), m.Created).Scan(&m.ID)
	})
	return db.wrap("create session", err)
}

func (db *DB) ListSessions(ctx context.Context, q store.SessionQuery) ([]store.Session, error) {
	var where []string
	var args []any
	arg := func(v any) string { args = append(args, v); return fmt.Sprintf("$%d", len(args)) }
	if q.CaseID != 0 {
		where = append(where, "s.case_id = "+arg(q.CaseID))
	}
	if q.PresidingID != 0 {
		where = append(where, "c.presiding_id = "+arg(q.PresidingID))
	}
	if !q.From.IsZero() {
		where = append(where, "s.starts_at >= "+arg(q.From.UTC()))
	}
	if !q.To.IsZero() {
		where = append(where, "s.starts_at < "+arg(q.To.UTC()))
	}
	if q.Status != "" {
		where = append(where, "s.status = "+arg(q.Status))
	}
	if q.Unreminded {
		where = append(where, "s.reminded_at IS NULL")
	}
	from := `mediation_sessions s JOIN cases c ON c.id = s.case_id`
	if q.CaseID == 0 && !q.From.IsZero() {
		// A window of time (a mediator's day, the reminders' next day):
		// by the sessions' start, whatever the years behind it. SQLite
		// would start from every case the mediator ever presided over;
		// CROSS JOIN keeps the sessions outside (PostgreSQL plans it as
		// any join).
		from = `mediation_sessions s CROSS JOIN cases c`
		where = append(where, "c.id = s.case_id")
	}
	rows, err := db.read().QueryContext(ctx, `SELECT s.id, s.case_id, c.number, s.kind, s.starts_at, s.place, s.status, s.attendance, s.record,
		COALESCE(s.created_by, 0), s.created_at, s.reminded_at FROM `+from+` WHERE `+strings.Join(append(where, "1 = 1"), " AND ")+
		` ORDER BY s.starts_at, s.id LIMIT 1000`, args...)
	if err != nil {
		return nil, db.wrap("list sessions", err)
	}
	defer rows.Close()
	var out []store.Session
	for rows.Next() {
		var m store.Session
		var rem sql.NullTime
		if err := rows.Scan(&m.ID, &m.CaseID, &m.CaseNumber, &m.Kind, &m.StartsAt, &m.Place, &m.Status, &m.Attendance, &m.Record,
			&m.CreatedBy, &m.Created, &rem); err != nil {
			return nil, db.wrap("scan session", err)
		}
		m.StartsAt, m.Created, m.RemindedAt = m.StartsAt.UTC(), m.Created.UTC(), timePtr(rem)
		out = append(out, m)
	}
	return out, db.wrap("list sessions", rows.Err())
}

func (db *DB) RecordSession(ctx context.Context, id int64, status, attendance, record string) error {
	res, err := db.writeOn("session", id).ExecContext(ctx, `UPDATE mediation_sessions SET status = $1, attendance = $2, record = $3 WHERE id = $4 AND status = 'scheduled'`,
		status, attendance, record, id)
	return db.wrap("record session", mustAffect(res, err))
}

func (db *DB) MarkSessionReminded(ctx context.Context, id int64, at time.Time) error {
	// Conditional, so that two sweeps cannot both remind (see MarkConsentFollowUp).
	return db.tx(ctx, "mark session reminded", func(tx *wtx) error {
		tx.about("session", id)
		res, err := tx.ExecContext(ctx, `UPDATE mediation_sessions SET reminded_at = $1 WHERE id = $2 AND reminded_at IS NULL AND status = 'scheduled'`, at.UTC(), id)
		return guarded(ctx, tx, res, err, `SELECT count(*) FROM mediation_sessions WHERE id = $1`, id)
	})
}
