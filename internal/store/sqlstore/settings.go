package sqlstore

import (
	"context"
	"time"

	"github.com/tiaojie/tiaojie/internal/store"
)

// shanghai decides which year a case number belongs to.
var shanghai = func() *time.Location {
	loc, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		return time.FixedZone("CST", 8*3600)
	}
	return loc
}()

func (db *DB) ListCalendarOverrides(ctx context.Context) ([]store.CalendarOverride, error) {
	if !db.cached() {
		return db.listCalendarOverrides(ctx)
	}
	if os, ok := db.cfg.getOverrides(); ok {
		return os, nil
	}
	gen := db.cfg.generation()
	os, err := db.listCalendarOverrides(ctx)
	if err == nil {
		db.cfg.putOverrides(gen, os)
	}
	return os, err
}

func (db *DB) listCalendarOverrides(ctx context.Context) ([]store.CalendarOverride, error) {
	rows, err := db.read().QueryContext(ctx, `SELECT date, workday, name, COALESCE(updated_by, 0), updated_at FROM calendar_overrides ORDER BY date`)
	if err != nil {
		return nil, db.wrap("list calendar overrides", err)
	}
	defer rows.Close()
	var out []store.CalendarOverride
	for rows.Next() {
		var o store.CalendarOverride
		if err := rows.Scan(&o.Date, &o.Workday, &o.Name, &o.UpdatedBy, &o.Updated); err != nil {
			return nil, db.wrap("scan calendar override", err)
		}
		o.Updated = o.Updated.UTC()
		out = append(out, o)
	}
	return out, db.wrap("list calendar overrides", rows.Err())
}

func (db *DB) PutCalendarOverride(ctx context.Context, o store.CalendarOverride) error {
	if o.Updated.IsZero() {
		o.Updated = time.Now()
	}
	defer db.cfgChanged()
	_, err := db.writeOn("calendar", o.Date).ExecContext(ctx, `INSERT INTO calendar_overrides (date, workday, name, updated_by, updated_at)
		VALUES ($1, $2, $3, $4, $5) ON CONFLICT (date) DO UPDATE SET workday = excluded.workday, name = excluded.name,
		updated_by = excluded.updated_by, updated_at = excluded.updated_at`,
		o.Date, o.Workday, o.Name, nullInt(o.UpdatedBy), o.Updated.UTC())
	return db.wrap("put calendar override", err)
}

func (db *DB) DeleteCalendarOverride(ctx context.Context, date string) error {
	defer db.cfgChanged()
	res, err := db.writeOn("calendar", date).ExecContext(ctx, `DELETE FROM calendar_overrides WHERE date = $1`, date)
	return db.wrap("delete calendar override", mustAffect(res, err))
}

const policyCols = `id, code, name, effective_from, acceptance_wd, mediation_wd, termination_notice_wd,
	odr_negotiation_wd, judicial_confirm_days, committee_target_days`

func (db *DB) ListPolicies(ctx context.Context) ([]store.Policy, error) {
	if !db.cached() {
		return db.listPolicies(ctx)
	}
	if ps, ok := db.cfg.getPolicies(); ok {
		return ps, nil
	}
	gen := db.cfg.generation()
	ps, err := db.listPolicies(ctx)
	if err == nil {
		db.cfg.putPolicies(gen, ps)
	}
	return ps, err
}

func (db *DB) listPolicies(ctx context.Context) ([]store.Policy, error) {
	rows, err := db.read().QueryContext(ctx, `SELECT `+policyCols+` FROM policies ORDER BY effective_from`)
	if err != nil {
		return nil, db.wrap("list policies", err)
	}
	defer rows.Close()
	var out []store.Policy
	for rows.Next() {
		var p store.Policy
		if err := rows.Scan(&p.ID, &p.Code, &p.Name, &p.EffectiveFrom, &p.AcceptanceWD, &p.MediationWD,
			&p.TerminationNoticeWD, &p.ODRNegotiationWD, &p.JudicialConfirmDays, &p.CommitteeTargetDays); err != nil {
			return nil, db.wrap("scan policy", err)
		}
		out = append(out, p)
	}
	return out, db.wrap("list policies", rows.Err())
}

func (db *DB) PutPolicy(ctx context.Context, p *store.Policy) error {
	defer db.cfgChanged()
	err := db.writeRow(ctx, func(q rowQuerier) error {
		return q.QueryRowContext(ctx, `INSERT INTO policies (code, name, effective_from, acceptance_wd, mediation_wd,
		termination_notice_wd, odr_negotiation_wd, judicial_confirm_days, committee_target_days)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
		ON CONFLICT (code) DO UPDATE SET name = excluded.name, effective_from = excluded.effective_from,
		acceptance_wd = excluded.acceptance_wd, mediation_wd = excluded.mediation_wd,
		termination_notice_wd = excluded.termination_notice_wd, odr_negotiation_wd = excluded.odr_negotiation_wd,
		judicial_confirm_days = excluded.judicial_confirm_days, committee_target_days = excluded.committee_target_days
		RETURNING id`, p.Code, p.Name, p.EffectiveFrom, p.AcceptanceWD, p.MediationWD, p.TerminationNoticeWD,
			p.ODRNegotiationWD, p.JudicialConfirmDays, p.CommitteeTargetDays).Scan(&p.ID)
	})
	return db.wrap("put policy", err)
}

var _ store.Store = (*DB)(nil)
