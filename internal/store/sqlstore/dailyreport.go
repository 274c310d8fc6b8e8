package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"github.com/tiaojie/tiaojie/internal/store"
)

const dailyCols = `r.id, r.unit_id, r.day, r.span_from, r.span_to, r.figures, r.remarks, r.state, r.submitted_by,
	COALESCE(u.display_name, ''), r.submitted_at, r.drafted_at, r.updated_at, r.chased_at, r.chased_by, r.chases`

const dailyFrom = ` FROM daily_reports r LEFT JOIN users u ON u.id = r.submitted_by`

func scanDaily(sc interface{ Scan(...any) error }) (store.DailyReport, error) {
	var r store.DailyReport
	var at, chased sql.NullTime
	err := sc.Scan(&r.ID, &r.UnitID, &r.Day, &r.SpanFrom, &r.SpanTo, &r.Figures, &r.Remarks, &r.State, &r.SubmittedBy,
		&r.SubmittedByName, &at, &r.Drafted, &r.Updated, &chased, &r.ChasedBy, &r.Chases)
	r.SubmittedAt = timePtr(at)
	r.ChasedAt = timePtr(chased)
	return r, err
}

func (db *DB) DraftDailyReport(ctx context.Context, r store.DailyReport) (store.DailyReport, bool, error) {
	if r.Drafted.IsZero() {
		r.Drafted = time.Now()
	}
	created := false
	err := db.InTx(ctx, func(tx store.Store) error {
		t := tx.(*DB).cur
		res, err := t.ExecContext(ctx, `INSERT INTO daily_reports (unit_id, day, span_from, span_to, figures, remarks, state,
			submitted_by, drafted_at, updated_at) VALUES ($1, $2, $3, $4, $5, '', 'draft', 0, $6, $6)
			ON CONFLICT (unit_id, day) DO NOTHING`, r.UnitID, r.Day, r.SpanFrom, r.SpanTo, r.Figures, r.Drafted.UTC())
		if err != nil {
			return err
		}
		n, err := res.RowsAffected()
		if err != nil {
			return err
		}
		created = n == 1
		t.about("daily_report", fmt.Sprintf("%d/%s", r.UnitID, r.Day))
		return nil
	})
	if err != nil {
		return store.DailyReport{}, false, db.wrap("draft daily report", err)
	}
	out, err := db.GetDailyReport(ctx, r.UnitID, r.Day)
	return out, created, err
}

// aboutDaily names the report on the audit entry as drafting does: unit/day.
func aboutDaily(ctx context.Context, t *wtx, id int64) error {
	var unit int64
	var day string
	if err := t.QueryRowContext(ctx, `SELECT unit_id, day FROM daily_reports WHERE id = $1`, id).Scan(&unit, &day); err != nil {
		return err
	}
	t.about("daily_report", fmt.Sprintf("%d/%s", unit, day))
	return nil
}

func (db *DB) RefreshDailyReport(ctx context.Context, id int64, figures string, at time.Time) error {
	return db.wrap("refresh daily report", db.InTx(ctx, func(tx store.Store) error {
		t := tx.(*DB).cur
		if err := aboutDaily(ctx, t, id); err != nil {
			return err
		}
		res, err := t.ExecContext(ctx, `UPDATE daily_reports SET figures = $1, updated_at = $2 WHERE id = $3 AND state = 'draft'`,
			figures, at.UTC(), id)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return store.ErrConflict
		}
		return nil
	}))
}

func (db *DB) SubmitDailyReport(ctx context.Context, id int64, remarks, figures string, by int64, at time.Time) error {
	return db.wrap("submit daily report", db.InTx(ctx, func(tx store.Store) error {
		t := tx.(*DB).cur
		if err := aboutDaily(ctx, t, id); err != nil {
			return err
		}
		res, err := t.ExecContext(ctx, `UPDATE daily_reports SET remarks = $1, figures = $2, state = 'submitted', submitted_by = $3,
			submitted_at = $4, updated_at = $4 WHERE id = $5 AND state = 'draft'`, remarks, figures, by, at.UTC(), id)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return store.ErrConflict
		}
		return nil
	}))
}

func (db *DB) ChaseDailyReport(ctx context.Context, id, by int64, at time.Time, then func(tx store.Store) error) error {
	return db.wrap("chase daily report", db.InTx(ctx, func(tx store.Store) error {
		t := tx.(*DB).cur
		if err := aboutDaily(ctx, t, id); err != nil {
			return err
		}
		res, err := t.ExecContext(ctx, `UPDATE daily_reports SET chased_at = $1, chased_by = $2, chases = chases + 1
			WHERE id = $3 AND state = 'draft'`, at.UTC(), by, id)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return store.ErrConflict
		}
		if then != nil {
			return then(tx)
		}
		return nil
	}))
}

func (db *DB) GetDailyReport(ctx context.Context, unitID int64, day string) (store.DailyReport, error) {
	r, err := scanDaily(db.read().QueryRowContext(ctx, `SELECT `+dailyCols+dailyFrom+` WHERE r.unit_id = $1 AND r.day = $2`, unitID, day))
	return r, db.wrap("get daily report", err)
}

func (db *DB) ListDailyReports(ctx context.Context, unitIDs []int64, from, to string) ([]store.DailyReport, error) {
	if len(unitIDs) == 0 {
		return nil, nil
	}
	args := []any{from, to}
	ph := make([]string, len(unitIDs))
	for i, id := range unitIDs {
		args = append(args, id)
		ph[i] = fmt.Sprintf("$%d", len(args))
	}
	rows, err := db.read().QueryContext(ctx, `SELECT `+dailyCols+dailyFrom+` WHERE r.day >= $1 AND r.day <= $2
		AND r.unit_id IN (`+strings.Join(ph, ", ")+`) ORDER BY r.day, r.unit_id`, args...)
	if err != nil {
		return nil, db.wrap("list daily reports", err)
	}
	defer rows.Close()
	var out []store.DailyReport
	for rows.Next() {
		r, err := scanDaily(rows)
		if err != nil {
			return nil, db.wrap("scan daily report", err)
		}
		out = append(out, r)
	}
	return out, db.wrap("list daily reports", rows.Err())
}
