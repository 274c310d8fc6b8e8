package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"time"

	"github.com/tiaojie/tiaojie/internal/store"
)

func (db *DB) PutAgreement(ctx context.Context, a store.Agreement) error {
	terms, err := json.Marshal(a.Terms)
	if err != nil {
		return fmt.Errorf("put agreement: %w", err)
	}
	if a.Created.IsZero() {
		a.Created = time.Now()
	}
	_, err = db.w.ExecContext(ctx, `INSERT INTO agreements (case_id, kind, facts, responsibility, terms, effective_at, created_by, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
		ON CONFLICT (case_id) DO UPDATE SET kind = excluded.kind, facts = excluded.facts, responsibility = excluded.responsibility,
		terms = excluded.terms, effective_at = excluded.effective_at`,
		a.CaseID, a.Kind, a.Facts, a.Responsibility, string(terms), nullTime(a.EffectiveAt), nullInt(a.CreatedBy), a.Created.UTC())
	return db.wrap("put agreement", err)
}

func (db *DB) GetAgreement(ctx context.Context, caseID int64) (store.Agreement, error) {
	var a store.Agreement
	var terms string
	var eff sql.NullTime
	err := db.r.QueryRowContext(ctx, `SELECT case_id, kind, facts, responsibility, terms, effective_at, COALESCE(created_by, 0), created_at
		FROM agreements WHERE case_id = $1`, caseID).Scan(&a.CaseID, &a.Kind, &a.Facts, &a.Responsibility, &terms, &eff, &a.CreatedBy, &a.Created)
	if err != nil {
		return a, db.wrap("get agreement", err)
	}
	a.EffectiveAt, a.Created = timePtr(eff), a.Created.UTC()
	if err := json.Unmarshal([]byte(terms), &a.Terms); err != nil {
		return a, fmt.Errorf("agreement %d terms: %w", caseID, err)
	}
	return a, nil
}

func (db *DB) AddFollowUp(ctx context.Context, f *store.FollowUp) error {
	if f.RecordedAt.IsZero() {
		f.RecordedAt = time.Now()
	}
	err := db.w.QueryRowContext(ctx, `INSERT INTO follow_ups (case_id, satisfaction, method, comment, commendation, recorded_by, recorded_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`, f.CaseID, f.Satisfaction, f.Method, f.Comment, f.Commendation,
		nullInt(f.RecordedBy), f.RecordedAt.UTC()).Scan(&f.ID)
	return db.wrap("add follow-up", err)
}

func (db *DB) ListFollowUps(ctx context.Context, caseID int64) ([]store.FollowUp, error) {
	rows, err := db.r.QueryContext(ctx, `SELECT id, case_id, satisfaction, method, comment, commendation, COALESCE(recorded_by, 0), recorded_at
		FROM follow_ups WHERE case_id = $1 ORDER BY id`, caseID)
	if err != nil {
		return nil, db.wrap("list follow-ups", err)
	}
	defer rows.Close()
	var out []store.FollowUp
	for rows.Next() {
		var f store.FollowUp
		if err := rows.Scan(&f.ID, &f.CaseID, &f.Satisfaction, &f.Method, &f.Comment, &f.Commendation, &f.RecordedBy, &f.RecordedAt); err != nil {
			return nil, db.wrap("scan follow-up", err)
		}
		f.RecordedAt = f.RecordedAt.UTC()
		out = append(out, f)
	}
	return out, db.wrap("list follow-ups", rows.Err())
}

func (db *DB) ArchiveCase(ctx context.Context, caseID, expectVersion int64, a store.Archive, ch store.CaseChange, ev store.Event) error {
	return db.tx(ctx, "archive case", func(tx *wtx) error {
		if err := applyChange(ctx, tx, caseID, expectVersion, ch, &ev); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO case_archives (case_id, file_number, pdf, sha256, archived_by, archived_at)
			VALUES ($1, $2, $3, $4, $5, $6)`, caseID, a.FileNumber, a.PDF, a.SHA256, nullInt(a.ArchivedBy), a.ArchivedAt.UTC())
		return err
	})
}

func (db *DB) GetArchive(ctx context.Context, caseID int64) (store.Archive, error) {
	var a store.Archive
	err := db.r.QueryRowContext(ctx, `SELECT case_id, file_number, pdf, sha256, COALESCE(archived_by, 0), archived_at FROM case_archives WHERE case_id = $1`,
		caseID).Scan(&a.CaseID, &a.FileNumber, &a.PDF, &a.SHA256, &a.ArchivedBy, &a.ArchivedAt)
	a.ArchivedAt = a.ArchivedAt.UTC()
	return a, db.wrap("get archive", err)
}
