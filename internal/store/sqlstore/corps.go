package sqlstore

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/tiaojie/tiaojie/internal/store"
)

// idsIn renders "col IN ($n, …)" for the ids, appending them to args; no
// ids match nothing.
func idsIn(col string, ids []int64, args *[]any) string {
	if len(ids) == 0 {
		return "1 = 0"
	}
	ph := make([]string, len(ids))
	for i, id := range ids {
		*args = append(*args, id)
		ph[i] = fmt.Sprintf("$%d", len(*args))
	}
	return col + " IN (" + strings.Join(ph, ", ") + ")"
}

func (db *DB) PutMediatorRecord(ctx context.Context, m store.MediatorRecord) error {
	if m.Updated.IsZero() {
		m.Updated = time.Now()
	}
	if m.Grade == "" {
		m.Grade = "none"
	}
	_, err := db.writeOn("mediator", m.UserID).ExecContext(ctx, `INSERT INTO mediator_registry (user_id, kind, sex, birth_year,
		education, major, law_major, legal_qualification, grade, appointed_on, term_end, employment, filed_on,
		id_sealed, id_hash, id_mask, phone_sealed, phone_hash, phone_mask, updated_by, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21)
		ON CONFLICT (user_id) DO UPDATE SET kind = excluded.kind, sex = excluded.sex, birth_year = excluded.birth_year,
		education = excluded.education, major = excluded.major, law_major = excluded.law_major,
		legal_qualification = excluded.legal_qualification, appointed_on = excluded.appointed_on,
		term_end = excluded.term_end, employment = excluded.employment, filed_on = excluded.filed_on,
		id_sealed = excluded.id_sealed, id_hash = excluded.id_hash, id_mask = excluded.id_mask,
		phone_sealed = excluded.phone_sealed, phone_hash = excluded.phone_hash, phone_mask = excluded.phone_mask,
		updated_by = excluded.updated_by, updated_at = excluded.updated_at`,
		m.UserID, m.Kind, m.Sex, m.BirthYear, m.Education, m.Major, m.LawMajor, m.LegalQualification, m.Grade,
		m.AppointedOn, m.TermEnd, m.Employment, m.FiledOn, m.IDSealed, m.IDHash, m.IDMask,
		m.PhoneSealed, m.PhoneHash, m.PhoneMask, nullInt(m.UpdatedBy), m.Updated.UTC())
	return db.wrap("put mediator record", err)
}

const mediatorCols = `user_id, kind, sex, birth_year, education, major, law_major, legal_qualification, grade,
	appointed_on, term_end, employment, filed_on, id_sealed, id_hash, id_mask, phone_sealed, phone_hash, phone_mask,
	COALESCE(updated_by, 0), updated_at`

func scanMediator(r interface{ Scan(...any) error }) (store.MediatorRecord, error) {
	var m store.MediatorRecord
	err := r.Scan(&m.UserID, &m.Kind, &m.Sex, &m.BirthYear, &m.Education, &m.Major, &m.LawMajor, &m.LegalQualification,
		&m.Grade, &m.AppointedOn, &m.TermEnd, &m.Employment, &m.FiledOn, &m.IDSealed, &m.IDHash, &m.IDMask,
		&m.PhoneSealed, &m.PhoneHash, &m.PhoneMask, &m.UpdatedBy, &m.Updated)
	m.Updated = m.Updated.UTC()
	return m, err
}

func (db *DB) GetMediatorRecord(ctx context.Context, userID int64) (store.MediatorRecord, error) {
	m, err := scanMediator(db.read().QueryRowContext(ctx, `SELECT `+mediatorCols+` FROM mediator_registry WHERE user_id = $1`, userID))
	return m, db.wrap("get mediator record", err)
}

func (db *DB) ListMediatorRecords(ctx context.Context, userIDs []int64) ([]store.MediatorRecord, error) {
	var args []any
	rows, err := db.read().QueryContext(ctx, `SELECT `+mediatorCols+` FROM mediator_registry WHERE `+
		idsIn("user_id", userIDs, &args)+` ORDER BY user_id`, args...)
	if err != nil {
		return nil, db.wrap("list mediator records", err)
	}
	defer rows.Close()
	var out []store.MediatorRecord
	for rows.Next() {
		m, err := scanMediator(rows)
		if err != nil {
			return nil, db.wrap("scan mediator record", err)
		}
		out = append(out, m)
	}
	return out, db.wrap("list mediator records", rows.Err())
}

func (db *DB) AddMediatorIncident(ctx context.Context, in *store.MediatorIncident) error {
	if in.Created.IsZero() {
		in.Created = time.Now()
	}
	err := db.writeRow(ctx, func(q rowQuerier) error {
		return q.QueryRowContext(ctx, `INSERT INTO mediator_incidents (user_id, case_id, occurred_on, note, recorded_by, created_at)
			VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`, in.UserID, nullInt(in.CaseID), in.OccurredOn, in.Note,
			nullInt(in.RecordedBy), in.Created.UTC()).Scan(&in.ID)
	})
	return db.wrap("add mediator incident", err)
}

func (db *DB) ListMediatorIncidents(ctx context.Context, userIDs []int64) ([]store.MediatorIncident, error) {
	var args []any
	rows, err := db.read().QueryContext(ctx, `SELECT id, user_id, COALESCE(case_id, 0), occurred_on, note, COALESCE(recorded_by, 0), created_at
		FROM mediator_incidents WHERE `+idsIn("user_id", userIDs, &args)+` ORDER BY occurred_on, id`, args...)
	if err != nil {
		return nil, db.wrap("list mediator incidents", err)
	}
	defer rows.Close()
	var out []store.MediatorIncident
	for rows.Next() {
		var in store.MediatorIncident
		if err := rows.Scan(&in.ID, &in.UserID, &in.CaseID, &in.OccurredOn, &in.Note, &in.RecordedBy, &in.Created); err != nil {
			return nil, db.wrap("scan mediator incident", err)
		}
		in.Created = in.Created.UTC()
		out = append(out, in)
	}
	return out, db.wrap("list mediator incidents", rows.Err())
}

func (db *DB) DecideMediatorGrade(ctx context.Context, d *store.GradeDecision) error {
	if d.Created.IsZero() {
		d.Created = time.Now()
	}
	return db.wrap("decide mediator grade", db.InTx(ctx, func(tx store.Store) error {
		t := tx.(*DB).cur
		t.about("mediator", d.UserID)
		res, err := t.ExecContext(ctx, `UPDATE mediator_registry SET grade = $1, updated_by = $2, updated_at = $3
			WHERE user_id = $4 AND grade = $5`, d.To, nullInt(d.DecidedBy), d.Created.UTC(), d.UserID, d.From)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n == 0 {
			var one int
			if err := t.QueryRowContext(ctx, `SELECT 1 FROM mediator_registry WHERE user_id = $1`, d.UserID).Scan(&one); err != nil {
				return db.wrap("find mediator record", err)
			}
			return store.ErrStale
		}
		return t.QueryRowContext(ctx, `INSERT INTO mediator_grade_decisions (user_id, from_grade, to_grade, decided_on, basis,
			decided_by, snapshot, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`,
			d.UserID, d.From, d.To, d.DecidedOn, d.Basis, nullInt(d.DecidedBy), d.Snapshot, d.Created.UTC()).Scan(&d.ID)
	}))
}

func (db *DB) ListGradeDecisions(ctx context.Context, userID int64) ([]store.GradeDecision, error) {
	rows, err := db.read().QueryContext(ctx, `SELECT id, user_id, from_grade, to_grade, decided_on, basis, COALESCE(decided_by, 0),
		snapshot, created_at FROM mediator_grade_decisions WHERE user_id = $1 ORDER BY id DESC`, userID)
	if err != nil {
		return nil, db.wrap("list grade decisions", err)
	}
	defer rows.Close()
	var out []store.GradeDecision
	for rows.Next() {
		var d store.GradeDecision
		if err := rows.Scan(&d.ID, &d.UserID, &d.From, &d.To, &d.DecidedOn, &d.Basis, &d.DecidedBy, &d.Snapshot, &d.Created); err != nil {
			return nil, db.wrap("scan grade decision", err)
		}
		d.Created = d.Created.UTC()
		out = append(out, d)
	}
	return out, db.wrap("list grade decisions", rows.Err())
}

func (db *DB) PutGradeRules(ctx context.Context, r store.GradeRules) error {
	if r.Created.IsZero() {
		r.Created = time.Now()
	}
	_, err := db.writeOn("grade_rules", r.UnitID).ExecContext(ctx, `INSERT INTO mediator_grade_rules (unit_id, effective_from, body,
		created_by, created_at) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (unit_id, effective_from) DO UPDATE SET
		body = excluded.body, created_by = excluded.created_by, created_at = excluded.created_at`,
		r.UnitID, r.EffectiveFrom, r.Body, nullInt(r.CreatedBy), r.Created.UTC())
	return db.wrap("put grade rules", err)
}

func (db *DB) ListGradeRules(ctx context.Context, unitID int64) ([]store.GradeRules, error) {
	rows, err := db.read().QueryContext(ctx, `SELECT id, unit_id, effective_from, body, COALESCE(created_by, 0), created_at
		FROM mediator_grade_rules WHERE unit_id = $1 ORDER BY effective_from`, unitID)
	if err != nil {
		return nil, db.wrap("list grade rules", err)
	}
	defer rows.Close()
	var out []store.GradeRules
	for rows.Next() {
		var r store.GradeRules
		if err := rows.Scan(&r.ID, &r.UnitID, &r.EffectiveFrom, &r.Body, &r.CreatedBy, &r.Created); err != nil {
			return nil, db.wrap("scan grade rules", err)
		}
		r.Created = r.Created.UTC()
		out = append(out, r)
	}
	return out, db.wrap("list grade rules", rows.Err())
}
