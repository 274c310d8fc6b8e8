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
	_, err = db.writeOn("case", a.CaseID).ExecContext(ctx, `INSERT INTO agreements (case_id, kind, facts, responsibility, terms, effective_at, created_by, created_at)
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
	err := db.readGeneric().QueryRowContext(ctx, `SELECT case_id, kind, facts, responsibility, terms, effective_at, COALESCE(created_by, 0), created_at
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
	err := db.writeRow(ctx, func(q rowQuerier) error {
		return q.QueryRowContext(ctx, `INSERT INTO follow_ups (case_id, satisfaction, method, comment, commendation, recorded_by, recorded_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`, f.CaseID, f.Satisfaction, f.Method, f.Comment, f.Commendation,
			nullInt(f.RecordedBy), f.RecordedAt.UTC()).Scan(&f.ID)
	})
	return db.wrap("add follow-up", err)
}

func (db *DB) ListFollowUps(ctx context.Context, caseID int64) ([]store.FollowUp, error) {
	rows, err := db.read().QueryContext(ctx, `SELECT id, case_id, satisfaction, method, comment, commendation, COALESCE(recorded_by, 0), recorded_at
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

func (db *DB) AttachArchive(ctx context.Context, caseID int64, a store.Archive) error {
	res, err := db.writeOn("case", caseID).ExecContext(ctx, `INSERT INTO case_archives (case_id, file_number, pdf, sha256, archived_by, archived_at)
		SELECT $1, $2, $3, $4, $5, $6 WHERE EXISTS (SELECT 1 FROM cases WHERE id = $1 AND status = 'archived')`,
		caseID, a.FileNumber, a.PDF, a.SHA256, nullInt(a.ArchivedBy), a.ArchivedAt.UTC())
	if err == nil {
		if n, _ := res.RowsAffected(); n == 0 {
			err = store.ErrNotFound // no such archived case
		}
	}
	return db.wrap("attach archive", err)
}

func (db *DB) GetArchive(ctx context.Context, caseID int64) (store.Archive, error) {
	var a store.Archive
	err := db.read().QueryRowContext(ctx, `SELECT case_id, file_number, pdf, sha256, COALESCE(archived_by, 0), archived_at FROM case_archives WHERE case_id = $1`,
		caseID).Scan(&a.CaseID, &a.FileNumber, &a.PDF, &a.SHA256, &a.ArchivedBy, &a.ArchivedAt)
	a.ArchivedAt = a.ArchivedAt.UTC()
	return a, db.wrap("get archive", err)
}

func (db *DB) ArchivedAt(ctx context.Context, caseID int64) (time.Time, error) {
	var at time.Time
	err := db.read().QueryRowContext(ctx, `SELECT archived_at FROM case_archives WHERE case_id = $1`, caseID).Scan(&at)
	return at.UTC(), db.wrap("archived at", err)
}

func (db *DB) AddSignature(ctx context.Context, sg store.Signature) error {
	if sg.SignedAt.IsZero() {
		sg.SignedAt = time.Now()
	}
	_, err := db.writeOn("case", sg.CaseID).ExecContext(ctx, `INSERT INTO agreement_signatures (case_id, signer, method, image, signed_by, signed_at)
		VALUES ($1, $2, $3, $4, $5, $6)`, sg.CaseID, sg.Signer, sg.Method, sg.Image, nullInt(sg.SignedBy), sg.SignedAt.UTC())
	return db.wrap("add signature", err)
}

func (db *DB) ListSignatures(ctx context.Context, caseID int64) ([]store.Signature, error) {
	rows, err := db.read().QueryContext(ctx, `SELECT case_id, signer, method, image, COALESCE(signed_by, 0), signed_at FROM agreement_signatures
		WHERE case_id = $1 ORDER BY signed_at, signer`, caseID)
	if err != nil {
		return nil, db.wrap("list signatures", err)
	}
	defer rows.Close()
	var out []store.Signature
	for rows.Next() {
		var sg store.Signature
		if err := rows.Scan(&sg.CaseID, &sg.Signer, &sg.Method, &sg.Image, &sg.SignedBy, &sg.SignedAt); err != nil {
			return nil, db.wrap("scan signature", err)
		}
		sg.SignedAt = sg.SignedAt.UTC()
		out = append(out, sg)
	}
	return out, db.wrap("list signatures", rows.Err())
}

func (db *DB) FreezeAgreement(ctx context.Context, caseID int64, pdf []byte, sha, code string, at time.Time) error {
	res, err := db.writeOn("case", caseID).ExecContext(ctx, `UPDATE agreements SET pdf = $1, sha256 = $2, verify_code = $3, effective_at = $4
		WHERE case_id = $5 AND pdf IS NULL`, pdf, sha, code, at.UTC(), caseID)
	return db.wrap("freeze agreement", mustAffect(res, err))
}

func (db *DB) GetAgreementDocument(ctx context.Context, caseID int64) ([]byte, string, error) {
	var pdf []byte
	var sha sql.NullString
	err := db.read().QueryRowContext(ctx, `SELECT pdf, sha256 FROM agreements WHERE case_id = $1 AND pdf IS NOT NULL`, caseID).Scan(&pdf, &sha)
	return pdf, sha.String, db.wrap("get agreement document", err)
}

func (db *DB) FindAgreementBySHA(ctx context.Context, sha string) (int64, string, time.Time, error) {
	var id int64
	var number string
	var at time.Time
	err := db.read().QueryRowContext(ctx, `SELECT c.id, c.number, a.effective_at FROM agreements a JOIN cases c ON c.id = a.case_id
		WHERE a.sha256 = $1`, sha).Scan(&id, &number, &at)
	return id, number, at.UTC(), db.wrap("find agreement by sha256", err)
}

func (db *DB) PutSignToken(ctx context.Context, caseID int64, party, hash, sealed string) error {
	_, err := db.writeOn("case", caseID).ExecContext(ctx, `INSERT INTO sign_tokens (token_hash, case_id, party, token_sealed, created_at) VALUES ($1, $2, $3, $4, $5)`,
		hash, caseID, party, sealed, time.Now().UTC())
	return db.wrap("put sign token", err)
}

func (db *DB) GetSignToken(ctx context.Context, hash string) (int64, string, error) {
	var id int64
	var party string
	err := db.read().QueryRowContext(ctx, `SELECT case_id, party FROM sign_tokens WHERE token_hash = $1`, hash).Scan(&id, &party)
	return id, party, db.wrap("get sign token", err)
}

func (db *DB) ListSignTokens(ctx context.Context, caseID int64) ([]store.PartyLink, error) {
	return db.links(ctx, "list sign tokens", `SELECT case_id, party, token_sealed, created_at FROM sign_tokens WHERE case_id = $1 ORDER BY created_at DESC, party`, caseID)
}

func (db *DB) AddCommendation(ctx context.Context, c *store.Commendation, ev store.Event) error {
	if c.RecordedAt.IsZero() {
		c.RecordedAt = time.Now()
	}
	return db.tx(ctx, "add commendation", func(tx *wtx) error {
		tx.about("case", c.CaseID)
		if err := tx.QueryRowContext(ctx, `INSERT INTO commendations (case_id, kind, giver, note, photo, photo_type, photo_sha, recorded_by, recorded_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id`, c.CaseID, c.Kind, c.Giver, c.Note, c.Photo, c.PhotoType, c.PhotoSHA,
			nullInt(c.RecordedBy), c.RecordedAt.UTC()).Scan(&c.ID); err != nil {
			return err
		}
		return appendEvent(ctx, tx, c.CaseID, &ev)
	})
}

func (db *DB) ListCommendations(ctx context.Context, caseID int64) ([]store.Commendation, error) {
	rows, err := db.read().QueryContext(ctx, `SELECT id, case_id, kind, giver, note, photo_type, photo_sha, photo IS NOT NULL, COALESCE(recorded_by, 0), recorded_at
		FROM commendations WHERE case_id = $1 ORDER BY id`, caseID)
	if err != nil {
		return nil, db.wrap("list commendations", err)
	}
	defer rows.Close()
	var out []store.Commendation
	for rows.Next() {
		var c store.Commendation
		if err := rows.Scan(&c.ID, &c.CaseID, &c.Kind, &c.Giver, &c.Note, &c.PhotoType, &c.PhotoSHA, &c.HasPhoto, &c.RecordedBy, &c.RecordedAt); err != nil {
			return nil, db.wrap("scan commendation", err)
		}
		c.RecordedAt = c.RecordedAt.UTC()
		out = append(out, c)
	}
	return out, db.wrap("list commendations", rows.Err())
}

func (db *DB) GetCommendationPhoto(ctx context.Context, caseID, id int64) ([]byte, string, error) {
	var photo []byte
	var typ string
	err := db.read().QueryRowContext(ctx, `SELECT photo, photo_type FROM commendations WHERE id = $1 AND case_id = $2 AND photo IS NOT NULL`, id, caseID).Scan(&photo, &typ)
	return photo, typ, db.wrap("get commendation photo", err)
}
