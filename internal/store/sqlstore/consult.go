package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/tiaojie/tiaojie/internal/store"
)

func (db *DB) PutExpertProfile(ctx context.Context, e store.ExpertProfile) error {
	_, err := db.writeOn("user", e.UserID).ExecContext(ctx, `INSERT INTO expert_profiles (user_id, field, qualifications) VALUES ($1, $2, $3)
		ON CONFLICT (user_id) DO UPDATE SET field = excluded.field, qualifications = excluded.qualifications`, e.UserID, e.Field, e.Qualifications)
	return db.wrap("put expert profile", err)
}

func (db *DB) ListExperts(ctx context.Context) ([]store.ExpertProfile, error) {
	rows, err := db.read().QueryContext(ctx, `SELECT u.id, u.display_name, COALESCE(ep.field, ''), COALESCE(ep.qualifications, ''), o.path
		FROM users u JOIN role_bindings b ON b.user_id = u.id AND b.role = 'expert' JOIN org_units o ON o.id = b.org_id
		LEFT JOIN expert_profiles ep ON ep.user_id = u.id WHERE u.active = $1 ORDER BY u.id, o.path`, true)
	if err != nil {
		return nil, db.wrap("list experts", err)
	}
	defer rows.Close()
	var out []store.ExpertProfile
	for rows.Next() {
		var e store.ExpertProfile
		var path string
		if err := rows.Scan(&e.UserID, &e.DisplayName, &e.Field, &e.Qualifications, &path); err != nil {
			return nil, db.wrap("scan expert", err)
		}
		if n := len(out); n > 0 && out[n-1].UserID == e.UserID {
			out[n-1].OrgPaths = append(out[n-1].OrgPaths, path)
			continue
		}
		e.OrgPaths = []string{path}
		out = append(out, e)
	}
	return out, db.wrap("list experts", rows.Err())
}

func (db *DB) CreateConsultation(ctx context.Context, c *store.Consultation) error {
	c.AskedAt, c.Status = time.Now().UTC(), "open"
	err := db.writeRow(ctx, func(q rowQuerier) error {
		return q.QueryRowContext(ctx, `INSERT INTO consultations (case_id, expert_id, question, shared, status, asked_by, asked_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`, c.CaseID, c.ExpertID, c.Question, c.Shared, c.Status, nullInt(c.AskedBy), c.AskedAt).Scan(&c.ID)
	})
	return db.wrap("create consultation", err)
}

const consultCols = `k.id, k.case_id, c.number, k.expert_id, u.display_name, k.question, k.shared, k.status, k.answer,
	COALESCE(k.asked_by, 0), k.asked_at, k.answered_at, k.join_requested_at, k.join_consumer, k.join_merchant`

const consultFrom = ` FROM consultations k JOIN cases c ON c.id = k.case_id JOIN users u ON u.id = k.expert_id`

func scanConsult(row interface{ Scan(...any) error }) (store.Consultation, error) {
	var k store.Consultation
	var ans, join sql.NullTime
	err := row.Scan(&k.ID, &k.CaseID, &k.CaseNumber, &k.ExpertID, &k.ExpertName, &k.Question, &k.Shared, &k.Status, &k.Answer,
		&k.AskedBy, &k.AskedAt, &ans, &join, &k.JoinConsumer, &k.JoinMerchant)
	k.AskedAt, k.AnsweredAt, k.JoinRequestedAt = k.AskedAt.UTC(), timePtr(ans), timePtr(join)
	return k, err
}

func (db *DB) GetConsultation(ctx context.Context, id int64) (store.Consultation, error) {
	k, err := scanConsult(db.read().QueryRowContext(ctx, `SELECT `+consultCols+consultFrom+` WHERE k.id = $1`, id))
	return k, db.wrap("get consultation", err)
}

func (db *DB) ListConsultations(ctx context.Context, caseID int64) ([]store.Consultation, error) {
	return db.listConsultations(ctx, ` WHERE k.case_id = $1 ORDER BY k.id DESC`, caseID)
}

func (db *DB) ListExpertConsultations(ctx context.Context, q store.ConsultationQuery) (store.Page[store.Consultation], error) {
	if err := q.Check(); err != nil {
		return store.Page[store.Consultation]{}, fmt.Errorf("list expert consultations: %w", err)
	}
	// By the index (expert_id, status, asked_at, id), one row past the page
	// telling whether another follows: the open ones oldest first, the
	// answered newest first.
	status, cmp, dir := "open", ">", "ASC"
	if q.Answered {
		status, cmp, dir = "answered", "<", "DESC"
	}
	where, args := ` WHERE k.expert_id = $1 AND k.status = $2`, []any{q.ExpertID, status}
	if q.After != nil {
		where += fmt.Sprintf(` AND k.asked_at %s= $3 AND (k.asked_at %s $3 OR k.id %s $4)`, cmp, cmp, cmp)
		args = append(args, q.After.At.UTC(), q.After.ID)
	}
	items, err := db.listConsultations(ctx, where+fmt.Sprintf(` ORDER BY k.asked_at %s, k.id %s LIMIT %d`, dir, dir, q.Limit+1), args...)
	if err != nil {
		return store.Page[store.Consultation]{}, err
	}
	return store.PageOf(items, q.Limit, func(k store.Consultation) store.ListCursor { return store.ListCursor{At: k.AskedAt, ID: k.ID} }), nil
}

// listConsultations reads the consultations (k) a WHERE and ORDER clause pick.
func (db *DB) listConsultations(ctx context.Context, where string, args ...any) ([]store.Consultation, error) {
	rows, err := db.read().QueryContext(ctx, `SELECT `+consultCols+consultFrom+where, args...)
	if err != nil {
		return nil, db.wrap("list consultations", err)
	}
	defer rows.Close()
	var out []store.Consultation
	for rows.Next() {
		k, err := scanConsult(rows)
		if err != nil {
			return nil, db.wrap("scan consultation", err)
		}
		out = append(out, k)
	}
	return out, db.wrap("list consultations", rows.Err())
}

func (db *DB) AnswerConsultation(ctx context.Context, id, expertID int64, answer string, at time.Time) error {
	res, err := db.writeOn("consultation", id).ExecContext(ctx, `UPDATE consultations SET answer = $1, status = 'answered', answered_at = $2
		WHERE id = $3 AND expert_id = $4 AND status = 'open'`, answer, at.UTC(), id, expertID)
	return db.wrap("answer consultation", mustAffect(res, err))
}

func (db *DB) RequestExpertJoin(ctx context.Context, consultationID int64, at time.Time) error {
	res, err := db.writeOn("consultation", consultationID).ExecContext(ctx, `UPDATE consultations SET join_requested_at = $1, join_consumer = '', join_merchant = ''
		WHERE id = $2 AND (join_requested_at IS NULL OR join_consumer = 'refuse' OR join_merchant = 'refuse')`, at.UTC(), consultationID)
	if err = mustAffect(res, err); errors.Is(err, store.ErrNotFound) {
		if _, gerr := db.GetConsultation(ctx, consultationID); gerr == nil {
			err = store.ErrConflict // already asked and not refused
		}
	}
	return db.wrap("request expert join", err)
}

func (db *DB) AnswerExpertJoin(ctx context.Context, consultationID int64, party, answer string) (store.Consultation, error) {
	col := map[string]string{"consumer": "join_consumer", "merchant": "join_merchant"}[party]
	if col == "" || (answer != "agree" && answer != "refuse") {
		return store.Consultation{}, fmt.Errorf("answer expert join: bad party %q or answer %q", party, answer)
	}
	res, err := db.writeOn("consultation", consultationID).ExecContext(ctx, `UPDATE consultations SET `+col+` = $1 WHERE id = $2 AND join_requested_at IS NOT NULL AND `+col+` = ''`,
		answer, consultationID)
	if err := mustAffect(res, err); err != nil {
		return store.Consultation{}, db.wrap("answer expert join", err)
	}
	return db.GetConsultation(ctx, consultationID)
}
