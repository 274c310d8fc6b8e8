package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"github.com/tiaojie/tiaojie/internal/domain"
	"github.com/tiaojie/tiaojie/internal/store"
)

// Personal-data access on record (internal/privacy): reveals, requests,
// retention settings and the retention sweep.

func (db *DB) RecordReveal(ctx context.Context, r *store.PIIReveal) error {
	r.At, r.Expires = r.At.UTC(), r.Expires.UTC()
	return db.tx(ctx, "pii.reveal "+r.Field+" "+r.Purpose, func(t *wtx) error {
		err := t.QueryRowContext(ctx, `INSERT INTO pii_reveals (case_id, party_id, org_path, field, purpose, note, user_id, user_name, role,
			client_addr, revealed_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING id`,
			r.CaseID, r.PartyID, r.OrgPath, r.Field, r.Purpose, r.Note, r.UserID, r.UserName, r.Role, r.ClientAddr, r.At, r.Expires).Scan(&r.ID)
		if err == nil {
			t.about("case", r.CaseID)
			t.about("party", r.PartyID)
		}
		return err
	})
}

func (db *DB) ListReveals(ctx context.Context, q store.PIIRevealQuery) ([]store.PIIReveal, error) {
	var args []any
	arg := func(v any) string { args = append(args, v); return fmt.Sprintf("$%d", len(args)) }
	// The newest reveals of a scope are found by walking them newest first
	// with the scope as a filter: SQLite would otherwise read the scope's
	// every reveal by its path index and sort them all. "+" keeps it off
	// that index unless a time window makes it the right one; PostgreSQL
	// weighs the range with its statistics.
	col := "r.org_path"
	if db.d.Name == "sqlite" && q.From.IsZero() && q.To.IsZero() {
		col = "+r.org_path"
	}
	where := []string{scopeWhere(col, q.Scope, arg)}
	if q.UserName != "" {
		where = append(where, "r.user_name = "+arg(q.UserName))
	}
	if q.CaseID != 0 {
		where = append(where, "r.case_id = "+arg(q.CaseID))
	}
	if q.Field != "" {
		where = append(where, "r.field = "+arg(q.Field))
	}
	if !q.From.IsZero() {
		where = append(where, "r.revealed_at >= "+arg(q.From.UTC()))
	}
	if !q.To.IsZero() {
		where = append(where, "r.revealed_at < "+arg(q.To.UTC()))
	}
	limit := q.Limit
	if limit <= 0 || limit > 1000 {
		limit = 100
	}
	rows, err := db.read().QueryContext(ctx, `SELECT r.id, r.case_id, c.number, r.party_id, p.name, r.org_path, r.field, r.purpose, r.note,
		r.user_id, r.user_name, r.role, r.client_addr, r.revealed_at, r.expires_at
		FROM pii_reveals r JOIN cases c ON c.id = r.case_id JOIN parties p ON p.id = r.party_id
		WHERE `+strings.Join(where, " AND ")+` ORDER BY r.id DESC LIMIT `+fmt.Sprint(limit), args...)
	if err != nil {
		return nil, db.wrap("list reveals", err)
	}
	defer rows.Close()
	var out []store.PIIReveal
	for rows.Next() {
		var r store.PIIReveal
		if err := rows.Scan(&r.ID, &r.CaseID, &r.CaseNumber, &r.PartyID, &r.PartyName, &r.OrgPath, &r.Field, &r.Purpose, &r.Note,
			&r.UserID, &r.UserName, &r.Role, &r.ClientAddr, &r.At, &r.Expires); err != nil {
			return nil, db.wrap("scan reveal", err)
		}
		r.At, r.Expires = r.At.UTC(), r.Expires.UTC()
		out = append(out, r)
	}
	return out, db.wrap("list reveals", rows.Err())
}

const privacyRequestCols = `q.id, q.case_id, c.number, q.party_id, p.name, p.kind, q.committee_id, q.org_path, q.kind, q.status, q.via,
	q.requested_by, q.requester, q.note, q.requested_at, q.due_on, q.decided_by, q.decider, q.decided_at, q.reason`

const privacyRequestFrom = ` FROM privacy_requests q JOIN cases c ON c.id = q.case_id JOIN parties p ON p.id = q.party_id`

func scanPrivacyRequest(sc interface{ Scan(...any) error }) (store.PrivacyRequest, error) {
	var r store.PrivacyRequest
	var decided sql.NullTime
	err := sc.Scan(&r.ID, &r.CaseID, &r.CaseNumber, &r.PartyID, &r.PartyName, &r.PartyKind, &r.CommitteeID, &r.OrgPath, &r.Kind, &r.Status, &r.Via,
		&r.RequestedBy, &r.Requester, &r.Note, &r.RequestedAt, &r.DueOn, &r.DecidedBy, &r.Decider, &decided, &r.Reason)
	r.RequestedAt = r.RequestedAt.UTC()
	if decided.Valid {
		at := decided.Time.UTC()
		r.DecidedAt = &at
	}
	return r, err
}

func (db *DB) CreatePrivacyRequest(ctx context.Context, r *store.PrivacyRequest) error {
	r.RequestedAt = r.RequestedAt.UTC()
	if r.Status == "" {
		r.Status = store.PrivacyPending
	}
	return db.tx(ctx, "privacy request "+r.Kind, func(t *wtx) error {
		err := t.QueryRowContext(ctx, `INSERT INTO privacy_requests (case_id, party_id, committee_id, org_path, kind, status, via, requested_by,
			requester, note, requested_at, due_on) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING id`,
			r.CaseID, r.PartyID, r.CommitteeID, r.OrgPath, r.Kind, r.Status, r.Via, r.RequestedBy, r.Requester, r.Note, r.RequestedAt, r.DueOn).Scan(&r.ID)
		if err == nil {
			t.about("privacy_request", r.ID)
			t.about("case", r.CaseID)
		}
		return err
	})
}

func (db *DB) GetPrivacyRequest(ctx context.Context, id int64) (store.PrivacyRequest, error) {
	r, err := scanPrivacyRequest(db.read().QueryRowContext(ctx, `SELECT `+privacyRequestCols+privacyRequestFrom+` WHERE q.id = $1`, id))
	return r, db.wrap("get privacy request", err)
}

func (db *DB) ListPrivacyRequests(ctx context.Context, q store.PrivacyRequestQuery) ([]store.PrivacyRequest, error) {
	var args []any
	arg := func(v any) string { args = append(args, v); return fmt.Sprintf("$%d", len(args)) }
	where := []string{scopeWhere("q.org_path", q.Scope, arg)}
	if q.Status != "" {
		where = append(where, "q.status = "+arg(q.Status))
	}
	if q.PartyID != 0 {
		where = append(where, "q.party_id = "+arg(q.PartyID))
	}
	limit := q.Limit
	if limit <= 0 || limit > 500 {
		limit = 100
	}
	rows, err := db.read().QueryContext(ctx, `SELECT `+privacyRequestCols+privacyRequestFrom+` WHERE `+strings.Join(where, " AND ")+
		` ORDER BY CASE WHEN q.status = 'pending' THEN 0 ELSE 1 END, q.due_on, q.id DESC LIMIT `+fmt.Sprint(limit), args...)
	if err != nil {
		return nil, db.wrap("list privacy requests", err)
	}
	defer rows.Close()
	var out []store.PrivacyRequest
	for rows.Next() {
		r, err := scanPrivacyRequest(rows)
		if err != nil {
			return nil, db.wrap("scan privacy request", err)
		}
		out = append(out, r)
	}
	return out, db.wrap("list privacy requests", rows.Err())
}

func (db *DB) DecidePrivacyRequest(ctx context.Context, d store.PrivacyDecision) error {
	return db.tx(ctx, "privacy request "+d.Status, func(t *wtx) error {
		var caseID int64
		err := t.QueryRowContext(ctx, `UPDATE privacy_requests SET status = $1, decided_by = $2, decider = $3, decided_at = $4, reason = $5
			WHERE id = $6 AND status = 'pending' RETURNING case_id`, d.Status, d.By, d.ByName, d.At.UTC(), d.Reason, d.ID).Scan(&caseID)
		if err == sql.ErrNoRows {
			return store.ErrConflict
		}
		if err != nil {
			return err
		}
		t.about("privacy_request", d.ID)
		t.about("case", caseID)
		if e := d.Anonymize; e != nil {
			t.about("party", e.PartyID)
			return eraseParty(ctx, t, caseID, e.PartyID, e.Name, e.At)
		}
		return nil
	})
}

// eraseParty empties the party's contact fields; a new name (a case not
// kept in an archive) replaces the name here and on the case's row.
func eraseParty(ctx context.Context, t *wtx, caseID, partyID int64, name string, at time.Time) error {
	set := `phone_sealed = '', phone_hash = '', phone_mask = '', id_sealed = '', id_hash = '', id_mask = '', address = '', anonymized_at = $1`
	args := []any{at.UTC(), partyID}
	if name != "" {
		set += `, name = $3`
		args = append(args, name)
	}
	var kind string
	if err := t.QueryRowContext(ctx, `UPDATE parties SET `+set+` WHERE id = $2 RETURNING kind`, args...).Scan(&kind); err != nil {
		return fmt.Errorf("erase party %d: %w", partyID, err)
	}
	if name != "" && kind == "consumer" {
		if _, err := t.ExecContext(ctx, `UPDATE cases SET consumer_name = $1 WHERE id = $2`, name, caseID); err != nil {
			return fmt.Errorf("erase consumer name of case %d: %w", caseID, err)
		}
	}
	return nil
}

func (db *DB) PartyAnonymizedAt(ctx context.Context, partyID int64) (*time.Time, error) {
	var at sql.NullTime
	if err := db.read().QueryRowContext(ctx, `SELECT anonymized_at FROM parties WHERE id = $1`, partyID).Scan(&at); err != nil {
		return nil, db.wrap("party anonymized", err)
	}
	if !at.Valid {
		return nil, nil
	}
	v := at.Time.UTC()
	return &v, nil
}

func (db *DB) GetRetention(ctx context.Context, committeeID int64) (store.Retention, error) {
	var r store.Retention
	err := db.read().QueryRowContext(ctx, `SELECT committee_id, closed_years, archived_years, updated_by, updater, updated_at
		FROM privacy_retention WHERE committee_id = $1`, committeeID).Scan(&r.CommitteeID, &r.ClosedYears, &r.ArchivedYears, &r.UpdatedBy, &r.Updater, &r.Updated)
	r.Updated = r.Updated.UTC()
	return r, db.wrap("get retention", err)
}

func (db *DB) PutRetention(ctx context.Context, r store.Retention) error {
	_, err := db.writeOn("retention", r.CommitteeID).ExecContext(ctx, `INSERT INTO privacy_retention (committee_id, closed_years, archived_years,
		updated_by, updater, updated_at) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (committee_id) DO UPDATE SET closed_years = excluded.closed_years,
		archived_years = excluded.archived_years, updated_by = excluded.updated_by, updater = excluded.updater, updated_at = excluded.updated_at`,
		r.CommitteeID, r.ClosedYears, r.ArchivedYears, r.UpdatedBy, r.Updater, r.Updated.UTC())
	return db.wrap("put retention", err)
}

func (db *DB) RetentionDue(ctx context.Context, committeeID int64, closedBefore, archivedBefore time.Time, limit int) ([]store.RetentionCandidate, error) {
	if limit <= 0 || limit > 5000 {
		limit = 1000
	}
	// Along the committee's cases not yet erased (migration 89), oldest
	// closed first; only due ones count towards the limit, so cases kept
	// longer (archived) never hold back those due behind them.
	earliest := closedBefore
	if archivedBefore.After(earliest) {
		earliest = archivedBefore // a case is archived after it closes
	}
	rows, err := db.read().QueryContext(ctx, `SELECT c.id, c.committee_id, c.closed_at, a.archived_at FROM cases c
		LEFT JOIN case_archives a ON a.case_id = c.id
		WHERE c.committee_id = $1 AND c.closed_at IS NOT NULL AND c.pii_erased = 0 AND c.closed_at < $2
		AND ((a.archived_at IS NULL AND c.closed_at < $3) OR a.archived_at < $4)
		AND EXISTS (SELECT 1 FROM parties p WHERE p.case_id = c.id AND p.anonymized_at IS NULL)
		ORDER BY c.closed_at, c.id LIMIT `+fmt.Sprint(limit), committeeID, earliest.UTC(), closedBefore.UTC(), archivedBefore.UTC())
	if err != nil {
		return nil, db.wrap("retention candidates", err)
	}
	defer rows.Close()
	var out []store.RetentionCandidate
	for rows.Next() {
		var c store.RetentionCandidate
		var arch sql.NullTime
		if err := rows.Scan(&c.CaseID, &c.CommitteeID, &c.ClosedAt, &arch); err != nil {
			return nil, db.wrap("scan retention candidate", err)
		}
		c.ClosedAt = c.ClosedAt.UTC()
		if arch.Valid {
			at := arch.Time.UTC()
			c.ArchivedAt = &at
		}
		out = append(out, c)
	}
	return out, db.wrap("retention candidates", rows.Err())
}

func (db *DB) EraseCaseParties(ctx context.Context, caseID int64, keepNames bool, at time.Time) (int, error) {
	n := 0
	err := db.tx(ctx, "retention erase", func(t *wtx) error {
		rows, err := t.QueryContext(ctx, `SELECT id, name FROM parties WHERE case_id = $1 AND anonymized_at IS NULL ORDER BY id`, caseID)
		if err != nil {
			return err
		}
		type pn struct {
			id   int64
			name string
		}
		var ps []pn
		for rows.Next() {
			var p pn
			if err := rows.Scan(&p.id, &p.name); err != nil {
				rows.Close()
				return err
			}
			ps = append(ps, p)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		t.about("case", caseID)
		for _, p := range ps {
			name := ""
			if !keepNames {
				name = domain.MaskName(p.name)
			}
			if err := eraseParty(ctx, t, caseID, p.id, name, at); err != nil {
				return err
			}
		}
		n = len(ps)
		// Off the sweep's index: nothing of this case is left to erase.
		_, err = t.ExecContext(ctx, `UPDATE cases SET pii_erased = 1 WHERE id = $1`, caseID)
		return err
	})
	return n, err
}

func (db *DB) RecordPrivacySweep(ctx context.Context, s store.PrivacySweep) error {
	_, err := db.writeOn("privacy_sweep", s.At.UTC().Format(time.RFC3339)).ExecContext(ctx,
		`INSERT INTO privacy_sweeps (ran_at, cases, parties) VALUES ($1, $2, $3)`, s.At.UTC(), s.Cases, s.Parties)
	return db.wrap("record privacy sweep", err)
}

func (db *DB) LastPrivacySweep(ctx context.Context) (store.PrivacySweep, error) {
	var s store.PrivacySweep
	err := db.read().QueryRowContext(ctx, `SELECT ran_at, cases, parties FROM privacy_sweeps ORDER BY id DESC LIMIT 1`).Scan(&s.At, &s.Cases, &s.Parties)
	s.At = s.At.UTC()
	return s, db.wrap("last privacy sweep", err)
}
