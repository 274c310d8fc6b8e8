package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/tiaojie/tiaojie/internal/store"
)

func (db *DB) PutJudicialApplication(ctx context.Context, a store.JudicialApplication) error {
	_, err := db.writeOn("case", a.CaseID).ExecContext(ctx, `INSERT INTO judicial_applications (case_id, court_id, status, receipt, package, submitted_at, idempotency_key)
		VALUES ($1, $2, $3, $4, $5, $6, $7)`, a.CaseID, a.CourtID, a.Status, a.Receipt, a.Package, a.SubmittedAt.UTC(), a.IdempotencyKey)
	return db.wrap("put judicial application", err)
}

const judicialCols = `j.case_id, c.number, j.court_id, j.status, j.receipt, j.ruling_number, j.reason, j.submitted_at, j.decided_at,
	j.idempotency_key, j.attempts, j.last_error, j.last_attempt_at`

func scanJudicial(row interface{ Scan(...any) error }, extra ...any) (store.JudicialApplication, error) {
	var a store.JudicialApplication
	var dec, last sql.NullTime
	dst := append([]any{&a.CaseID, &a.CaseNumber, &a.CourtID, &a.Status, &a.Receipt, &a.RulingNumber, &a.Reason, &a.SubmittedAt, &dec,
		&a.IdempotencyKey, &a.Attempts, &a.LastError, &last}, extra...)
	err := row.Scan(dst...)
	a.SubmittedAt, a.DecidedAt, a.LastAttemptAt = a.SubmittedAt.UTC(), timePtr(dec), timePtr(last)
	return a, err
}

func (db *DB) GetJudicialApplication(ctx context.Context, caseID int64) (store.JudicialApplication, error) {
	var pkg []byte
	a, err := scanJudicial(db.read().QueryRowContext(ctx, `SELECT `+judicialCols+`, j.package FROM judicial_applications j
		JOIN cases c ON c.id = j.case_id WHERE j.case_id = $1`, caseID), &pkg)
	a.Package = pkg
	return a, db.wrap("get judicial application", err)
}

func (db *DB) ListJudicialApplications(ctx context.Context, q store.JudicialQuery) (store.Page[store.JudicialApplication], error) {
	if err := q.Check(); err != nil {
		return store.Page[store.JudicialApplication]{}, fmt.Errorf("list judicial applications: %w", err)
	}
	if len(q.CourtIDs) == 0 {
		return store.Page[store.JudicialApplication]{}, nil
	}
	// By the index (court_id, submitted_at, case_id), one row past the page
	// telling whether another follows: the queue oldest first, the decided
	// newest first.
	var args []any
	for _, id := range q.CourtIDs {
		args = append(args, id)
	}
	for _, st := range store.JudicialAwaiting {
		args = append(args, st)
	}
	where := `WHERE j.court_id IN (` + inList(1, len(q.CourtIDs)) + `) AND j.status `
	if q.Decided {
		where += `NOT `
	}
	where += `IN (` + inList(len(q.CourtIDs)+1, len(store.JudicialAwaiting)) + `)`
	cmp, dir := ">", "ASC"
	if q.Decided {
		cmp, dir = "<", "DESC"
	}
	if q.After != nil {
		t, id := len(args)+1, len(args)+2
		where += fmt.Sprintf(` AND j.submitted_at %s= $%d AND (j.submitted_at %s $%d OR j.case_id %s $%d)`, cmp, t, cmp, t, cmp, id)
		args = append(args, q.After.At.UTC(), q.After.ID)
	}
	items, err := db.judicialList(ctx, where+fmt.Sprintf(` ORDER BY j.submitted_at %s, j.case_id %s LIMIT %d`, dir, dir, q.Limit+1), args...)
	if err != nil {
		return store.Page[store.JudicialApplication]{}, err
	}
	return store.PageOf(items, q.Limit, func(a store.JudicialApplication) store.ListCursor {
		return store.ListCursor{At: a.SubmittedAt, ID: a.CaseID}
	}), nil
}

func (db *DB) ListPendingJudicial(ctx context.Context, localReceipt string) ([]store.JudicialApplication, error) {
	return db.judicialList(ctx, `WHERE j.status IN ('submitted', 'accepted') AND j.receipt NOT IN ('', $1) ORDER BY j.submitted_at`, localReceipt)
}

func (db *DB) judicialList(ctx context.Context, where string, args ...any) ([]store.JudicialApplication, error) {
	rows, err := db.read().QueryContext(ctx, `SELECT `+judicialCols+` FROM judicial_applications j JOIN cases c ON c.id = j.case_id `+where, args...)
	if err != nil {
		return nil, db.wrap("list judicial applications", err)
	}
	defer rows.Close()
	var out []store.JudicialApplication
	for rows.Next() {
		a, err := scanJudicial(rows)
		if err != nil {
			return nil, db.wrap("scan judicial application", err)
		}
		out = append(out, a)
	}
	return out, db.wrap("list judicial applications", rows.Err())
}

func (db *DB) DecideJudicialApplication(ctx context.Context, caseID int64, from []string, status, ruling, reason string, at time.Time, ev store.Event) error {
	args := []any{status, ruling, reason, at.UTC(), caseID}
	for _, f := range from {
		args = append(args, f)
	}
	return db.tx(ctx, "decide judicial application", func(tx *wtx) error {
		tx.about("case", caseID)
		res, err := tx.ExecContext(ctx, `UPDATE judicial_applications SET status = $1, ruling_number = $2, reason = $3, decided_at = $4
			WHERE case_id = $5 AND status IN (`+inList(6, len(from))+`)`, args...)
		if err := mustAffect(res, err); err != nil {
			return err
		}
		return appendEvent(ctx, tx, caseID, &ev)
	})
}

func (db *DB) MarkJudicialSent(ctx context.Context, caseID int64, key, receipt string) error {
	res, err := db.writeOn("case", caseID).ExecContext(ctx, `UPDATE judicial_applications SET receipt = $1, status = 'submitted', last_error = ''
		WHERE case_id = $2 AND idempotency_key = $3 AND status IN ('sending', 'failed')`, receipt, caseID, key)
	return db.wrap("mark judicial application sent", mustAffect(res, err))
}

func (db *DB) DeleteJudicialApplication(ctx context.Context, caseID int64, key string) error {
	res, err := db.writeOn("case", caseID).ExecContext(ctx, `DELETE FROM judicial_applications
		WHERE case_id = $1 AND idempotency_key = $2 AND status IN ('sending', 'failed')`, caseID, key)
	return db.wrap("delete judicial application", mustAffect(res, err))
}

func (db *DB) RecordJudicialAttempt(ctx context.Context, caseID int64, key, reason string, at time.Time, final bool) error {
	status := "sending"
	if final {
		status = "failed"
	}
	res, err := db.writeOn("case", caseID).ExecContext(ctx, `UPDATE judicial_applications SET attempts = attempts + 1, last_error = $1,
		last_attempt_at = $2, status = $3 WHERE case_id = $4 AND idempotency_key = $5 AND status IN ('sending', 'failed')`,
		reason, at.UTC(), status, caseID, key)
	return db.wrap("record judicial delivery attempt", mustAffect(res, err))
}

func (db *DB) RequeueJudicial(ctx context.Context, caseID int64, key string) error {
	res, err := db.writeOn("case", caseID).ExecContext(ctx, `UPDATE judicial_applications SET status = 'sending', last_error = ''
		WHERE case_id = $1 AND idempotency_key = $2 AND status = 'failed'`, caseID, key)
	return db.wrap("requeue judicial application", mustAffect(res, err))
}
