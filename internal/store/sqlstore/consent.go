package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/tiaojie/tiaojie/internal/store"
)

func (db *DB) RequestConsents(ctx context.Context, caseID int64, reqs []store.ConsentRequest, at time.Time) error {
	return db.tx(ctx, "request consents", func(tx *wtx) error {
		tx.about("case", caseID)
		for _, r := range reqs {
			if _, err := tx.ExecContext(ctx, `INSERT INTO consents (case_id, party_kind, decision, token_hash, token_sealed, requested_at)
				VALUES ($1, $2, 'pending', $3, $4, $5)
				ON CONFLICT (case_id, party_kind) DO UPDATE SET token_hash = excluded.token_hash, token_sealed = excluded.token_sealed,
				requested_at = excluded.requested_at, reminded_at = NULL, escalated_at = NULL
				WHERE consents.decision = 'pending'`, caseID, r.PartyKind, nullStr(r.TokenHash), r.TokenSealed, at.UTC()); err != nil {
				return err
			}
		}
		return nil
	})
}

const consentCols = `case_id, party_kind, decision, online, method, COALESCE(recorded_by, 0), recorded_at, requested_at, reminded_at, escalated_at, token_sealed`

func scanConsent(row interface{ Scan(...any) error }) (store.Consent, error) {
	var c store.Consent
	var rec, rem, esc sql.NullTime
	err := row.Scan(&c.CaseID, &c.PartyKind, &c.Decision, &c.Online, &c.Method, &c.RecordedBy, &rec, &c.RequestedAt, &rem, &esc, &c.TokenSealed)
	c.RecordedAt, c.RemindedAt, c.EscalatedAt, c.RequestedAt = timePtr(rec), timePtr(rem), timePtr(esc), c.RequestedAt.UTC()
	return c, err
}

func (db *DB) ListConsents(ctx context.Context, caseID int64) ([]store.Consent, error) {
	return db.consents(ctx, "list consents", `SELECT `+consentCols+` FROM consents WHERE case_id = $1 ORDER BY party_kind`, caseID)
}

func (db *DB) consents(ctx context.Context, what, q string, args ...any) ([]store.Consent, error) {
	rows, err := db.read().QueryContext(ctx, q, args...)
	if err != nil {
		return nil, db.wrap(what, err)
	}
	defer rows.Close()
	var out []store.Consent
	for rows.Next() {
		c, err := scanConsent(rows)
		if err != nil {
			return nil, db.wrap(what, err)
		}
		out = append(out, c)
	}
	return out, db.wrap(what, rows.Err())
}

func (db *DB) GetConsentByToken(ctx context.Context, tokenHash string) (store.Consent, error) {
	c, err := scanConsent(db.read().QueryRowContext(ctx, `SELECT `+consentCols+` FROM consents WHERE token_hash = $1`, tokenHash))
	return c, db.wrap("get consent by token", err)
}

func (db *DB) RecordConsent(ctx context.Context, c store.Consent) error {
	at := time.Now().UTC()
	if c.RecordedAt != nil {
		at = c.RecordedAt.UTC()
	}
	res, err := db.writeOn("case", c.CaseID).ExecContext(ctx, `UPDATE consents SET decision = $1, online = $2, method = $3, recorded_by = $4, recorded_at = $5
		WHERE case_id = $6 AND party_kind = $7`, c.Decision, c.Online, c.Method, nullInt(c.RecordedBy), at, c.CaseID, c.PartyKind)
	return db.wrap("record consent", mustAffect(res, err))
}

func (db *DB) ListPendingConsents(ctx context.Context, requestedBefore time.Time) ([]store.Consent, error) {
	return db.consents(ctx, "list pending consents", `SELECT `+consentCols+` FROM consents
		WHERE decision = 'pending' AND requested_at < $1 AND escalated_at IS NULL ORDER BY requested_at LIMIT 5000`, requestedBefore.UTC())
}

func (db *DB) MarkConsentFollowUp(ctx context.Context, caseID int64, partyKind, what string, at time.Time) error {
	col := map[string]string{"reminded": "reminded_at", "escalated": "escalated_at"}[what]
	if col == "" {
		return fmt.Errorf("mark consent follow-up: unknown %q", what)
	}
	// Conditional, so that of two sweeps at the same moment one marks and
	// the other gets ErrConflict (PostgreSQL re-checks the condition after
	// the first commits; SQLite has one writer).
	return db.tx(ctx, "mark consent "+what, func(tx *wtx) error {
		tx.about("case", caseID)
		res, err := tx.ExecContext(ctx, `UPDATE consents SET `+col+` = $1 WHERE case_id = $2 AND party_kind = $3 AND `+col+` IS NULL
			AND decision = 'pending'`, at.UTC(), caseID, partyKind)
		return guarded(ctx, tx, res, err, `SELECT count(*) FROM consents WHERE case_id = $1 AND party_kind = $2`, caseID, partyKind)
	})
}

func (db *DB) SetPartyPhone(ctx context.Context, caseID int64, partyKind string, p store.Party) error {
	res, err := db.writeOn("case", caseID).ExecContext(ctx, `UPDATE parties SET phone_sealed = $1, phone_hash = $2, phone_mask = $3 WHERE case_id = $4 AND kind = $5`,
		p.PhoneSealed, p.PhoneHash, p.PhoneMask, caseID, partyKind)
	return db.wrap("set party phone", mustAffect(res, err))
}

func (db *DB) AddOutbox(ctx context.Context, e store.OutboxEntry) (int64, error) {
	if e.At.IsZero() {
		e.At = time.Now()
	}
	var id int64
	err := db.writeRow(ctx, func(q rowQuerier) error {
		return q.QueryRowContext(ctx, `INSERT INTO sms_outbox (to_mask, to_hash, body, kind, case_id, provider, status, last_error, created_at,
			request_id, phone_sealed, body_sealed, attempts, queued_at, attempted_at, sent_at, provider_msg_id)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17) RETURNING id`, e.ToMask, e.ToHash, e.Body, e.Kind,
			nullInt(e.CaseID), e.Provider, e.Status, e.Error, e.At.UTC(), e.RequestID, e.PhoneSealed, e.BodySealed, e.Attempts,
			nullTime(e.QueuedAt), nullTime(e.AttemptedAt), nullTime(e.SentAt), e.ProviderMsgID).Scan(&id)
	})
	return id, db.wrap("add outbox", err)
}

// outboxCols are what the outbox page may see: never the sealed phone or text.
const outboxCols = `id, to_mask, to_hash, body, kind, COALESCE(case_id, 0), provider, status, last_error, created_at,
	request_id, attempts, queued_at, attempted_at, sent_at, provider_msg_id`

func scanOutbox(row interface{ Scan(...any) error }, extra ...any) (store.OutboxEntry, error) {
	var e store.OutboxEntry
	var queued, attempted, sent sql.NullTime
	err := row.Scan(append([]any{&e.ID, &e.ToMask, &e.ToHash, &e.Body, &e.Kind, &e.CaseID, &e.Provider, &e.Status, &e.Error, &e.At,
		&e.RequestID, &e.Attempts, &queued, &attempted, &sent, &e.ProviderMsgID}, extra...)...)
	e.At, e.QueuedAt, e.AttemptedAt, e.SentAt = e.At.UTC(), timePtr(queued), timePtr(attempted), timePtr(sent)
	return e, err
}

func (db *DB) ListOutbox(ctx context.Context, limit int) ([]store.OutboxEntry, error) {
	if limit <= 0 || limit > 1000 {
		limit = 200
	}
	rows, err := db.read().QueryContext(ctx, `SELECT `+outboxCols+` FROM sms_outbox ORDER BY id DESC LIMIT $1`, limit)
	if err != nil {
		return nil, db.wrap("list outbox", err)
	}
	defer rows.Close()
	var out []store.OutboxEntry
	for rows.Next() {
		e, err := scanOutbox(rows)
		if err != nil {
			return nil, db.wrap("scan outbox", err)
		}
		out = append(out, e)
	}
	return out, db.wrap("list outbox", rows.Err())
}

func (db *DB) GetOutbox(ctx context.Context, id int64) (store.OutboxEntry, error) {
	var phone, body string
	// The job is committed with its row, so any reader sees the row.
	e, err := scanOutbox(db.read().QueryRowContext(ctx, `SELECT `+outboxCols+`, phone_sealed, body_sealed FROM sms_outbox WHERE id = $1`, id), &phone, &body)
	e.PhoneSealed, e.BodySealed = phone, body
	return e, db.wrap("get outbox", err)
}

func (db *DB) UpdateOutbox(ctx context.Context, id int64, u store.OutboxUpdate) error {
	at := u.At
	if at.IsZero() {
		at = time.Now()
	}
	attempt := 0
	var attemptAt, sentAt sql.NullTime
	if u.Attempt {
		attempt, attemptAt = 1, sql.NullTime{Time: at.UTC(), Valid: true}
	}
	if u.Status == "sent" {
		sentAt = sql.NullTime{Time: at.UTC(), Valid: true}
	}
	return db.tx(ctx, "update outbox", func(tx *wtx) error {
		tx.about("sms", id)
		res, err := tx.ExecContext(ctx, `UPDATE sms_outbox SET status = $1, last_error = $2, attempts = attempts + $3,
			attempted_at = COALESCE($4, attempted_at), sent_at = COALESCE($5, sent_at),
			provider = COALESCE(NULLIF(CAST($6 AS TEXT), ''), provider), provider_msg_id = COALESCE(NULLIF(CAST($7 AS TEXT), ''), provider_msg_id)
			WHERE id = $8 AND status <> 'sent'`, u.Status, u.Error, attempt, attemptAt, sentAt, u.Provider, u.ProviderMsgID, id)
		return guarded(ctx, tx, res, err, `SELECT count(*) FROM sms_outbox WHERE id = $1`, id)
	})
}

// guarded reads the result of a conditional UPDATE: no row changed is
// ErrNotFound when the row does not exist (exists counts it), else
// ErrConflict (its condition no longer holds: someone else got there first).
func guarded(ctx context.Context, q querier, res sql.Result, err error, exists string, args ...any) error {
	if err != nil {
		return err
	}
	n, err := res.RowsAffected()
	if err != nil || n > 0 {
		return err
	}
	var c int
	if err := q.QueryRowContext(ctx, exists, args...).Scan(&c); err != nil {
		return err
	}
	if c == 0 {
		return store.ErrNotFound
	}
	return store.ErrConflict
}

func (db *DB) PutSMSCode(ctx context.Context, phoneHash, codeHash string, now, expires time.Time, minGap time.Duration) error {
	return db.tx(ctx, "put sms code", func(tx *wtx) error {
		var sent time.Time
		err := tx.QueryRowContext(ctx, `SELECT sent_at FROM sms_codes WHERE phone_hash = $1`, phoneHash).Scan(&sent)
		switch {
		case err == sql.ErrNoRows:
		case err != nil:
			return err
		case now.Sub(sent) < minGap:
			return store.ErrConflict
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO sms_codes (phone_hash, code_hash, sent_at, expires_at, attempts) VALUES ($1, $2, $3, $4, 0)
			ON CONFLICT (phone_hash) DO UPDATE SET code_hash = excluded.code_hash, sent_at = excluded.sent_at,
			expires_at = excluded.expires_at, attempts = 0`, phoneHash, codeHash, now.UTC(), expires.UTC())
		return err
	})
}

func (db *DB) CheckSMSCode(ctx context.Context, phoneHash, codeHash string, now time.Time, maxAttempts int) (bool, error) {
	ok := false
	err := db.tx(ctx, "check sms code", func(tx *wtx) error {
		var want string
		var expires time.Time
		var attempts int
		err := tx.QueryRowContext(ctx, `SELECT code_hash, expires_at, attempts FROM sms_codes WHERE phone_hash = $1`, phoneHash).Scan(&want, &expires, &attempts)
		if err == sql.ErrNoRows {
			return nil
		}
		if err != nil {
			return err
		}
		if attempts >= maxAttempts || !now.Before(expires) {
			return nil
		}
		if want != codeHash {
			_, err := tx.ExecContext(ctx, `UPDATE sms_codes SET attempts = attempts + 1 WHERE phone_hash = $1`, phoneHash)
			return err
		}
		ok = true
		_, err = tx.ExecContext(ctx, `DELETE FROM sms_codes WHERE phone_hash = $1`, phoneHash)
		return err
	})
	return ok, err
}
