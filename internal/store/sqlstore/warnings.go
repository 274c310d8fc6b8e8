package sqlstore

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/tiaojie/tiaojie/internal/domain"
	"github.com/tiaojie/tiaojie/internal/store"
)

func (db *DB) LatestWarningRules(ctx context.Context) (store.WarningRuleSet, error) {
	var r store.WarningRuleSet
	err := db.read().QueryRowContext(ctx, `SELECT version, body, note, created_by, created_at FROM warning_rule_sets
		ORDER BY version DESC LIMIT 1`).Scan(&r.Version, &r.Body, &r.Note, &r.CreatedBy, &r.Created)
	return r, db.wrap("latest warning rules", err)
}

func (db *DB) ListWarningRules(ctx context.Context) ([]store.WarningRuleSet, error) {
	rows, err := db.read().QueryContext(ctx, `SELECT version, body, note, created_by, created_at FROM warning_rule_sets ORDER BY version DESC`)
	if err != nil {
		return nil, db.wrap("list warning rules", err)
	}
	defer rows.Close()
	var out []store.WarningRuleSet
	for rows.Next() {
		var r store.WarningRuleSet
		if err := rows.Scan(&r.Version, &r.Body, &r.Note, &r.CreatedBy, &r.Created); err != nil {
			return nil, db.wrap("scan warning rules", err)
		}
		out = append(out, r)
	}
	return out, db.wrap("list warning rules", rows.Err())
}

func (db *DB) AddWarningRules(ctx context.Context, r store.WarningRuleSet) error {
	if r.Created.IsZero() {
		r.Created = time.Now()
	}
	return db.wrap("add warning rules", db.InTx(ctx, func(tx store.Store) error {
		t := tx.(*DB).cur
		t.about("warning_rules", r.Version)
		var latest int
		if err := t.QueryRowContext(ctx, `SELECT COALESCE(MAX(version), 0) FROM warning_rule_sets`).Scan(&latest); err != nil {
			return err
		}
		if r.Version != latest+1 {
			return fmt.Errorf("version %d after %d: %w", r.Version, latest, store.ErrConflict)
		}
		_, err := t.ExecContext(ctx, `INSERT INTO warning_rule_sets (version, body, note, created_by, created_at) VALUES ($1, $2, $3, $4, $5)`,
			r.Version, r.Body, r.Note, r.CreatedBy, r.Created.UTC())
		return err
	}))
}

func (db *DB) RaiseWarning(ctx context.Context, w *store.Warning) (bool, error) {
	if w.RaisedAt.IsZero() {
		w.RaisedAt = time.Now()
	}
	raised := false
	err := db.InTx(ctx, func(tx store.Store) error {
		t := tx.(*DB).cur
		// The partial unique index (rule, subject) over unresolved rows
		// makes the loser of two concurrent sweeps insert nothing.
		// Its mediator: the subject of a mediator's warning, else the
		// presiding mediator of its case (migration 87 follows changes).
		err := t.QueryRowContext(ctx, `INSERT INTO warnings (rule_code, rule_version, level, status, subject_kind, subject_id, subject_ref,
			subject_key, subject_label, case_id, unit_id, unit_path, explain, raised_at, raised_by, mediator_id)
			VALUES ($1, $2, $3, 'open', $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14,
				CASE WHEN $4 = 'mediator' THEN $5 ELSE COALESCE((SELECT c.presiding_id FROM cases c WHERE c.id = $9), 0) END)
			ON CONFLICT DO NOTHING RETURNING id`,
			w.Rule, w.RuleVersion, w.Level, w.SubjectKind, w.SubjectID, w.SubjectRef, w.SubjectKey, w.SubjectLabel,
			nullInt(w.CaseID), w.UnitID, w.UnitPath, w.Explain, w.RaisedAt.UTC(), w.RaisedBy).Scan(&w.ID)
		if errors.Is(err, sql.ErrNoRows) {
			return nil
		}
		if err != nil {
			return err
		}
		raised = true
		w.Status = store.WarningOpen
		t.about("warning", w.ID)
		_, err = t.ExecContext(ctx, `INSERT INTO warning_events (warning_id, kind, step, actor_id, at, note) VALUES ($1, 'raised', -1, $2, $3, $4)`,
			w.ID, w.RaisedBy, w.RaisedAt.UTC(), w.Explain)
		return err
	})
	return raised, db.wrap("raise warning", err)
}

const warningCols = `w.id, w.rule_code, w.rule_version, w.level, w.status, w.subject_kind, w.subject_id, w.subject_ref, w.subject_key,
	w.subject_label, COALESCE(w.case_id, 0), COALESCE(c.number, ''), w.unit_id, w.unit_path, w.explain, w.raised_at, w.raised_by,
	w.acknowledged_at, w.acknowledged_by, w.resolved_at, w.resolved_by, w.resolve_reason, w.resolve_note`

func scanWarning(r interface{ Scan(...any) error }) (store.Warning, error) {
	var w store.Warning
	var ack, res sql.NullTime
	err := r.Scan(&w.ID, &w.Rule, &w.RuleVersion, &w.Level, &w.Status, &w.SubjectKind, &w.SubjectID, &w.SubjectRef, &w.SubjectKey,
		&w.SubjectLabel, &w.CaseID, &w.CaseNumber, &w.UnitID, &w.UnitPath, &w.Explain, &w.RaisedAt, &w.RaisedBy,
		&ack, &w.AcknowledgedBy, &res, &w.ResolvedBy, &w.ResolveReason, &w.ResolveNote)
	w.AcknowledgedAt, w.ResolvedAt = timePtr(ack), timePtr(res)
	w.RaisedAt = w.RaisedAt.UTC()
	return w, err
}

func (db *DB) GetWarning(ctx context.Context, id int64) (store.Warning, error) {
	w, err := scanWarning(db.read().QueryRowContext(ctx, `SELECT `+warningCols+` FROM warnings w LEFT JOIN cases c ON c.id = w.case_id
		WHERE w.id = $1`, id))
	return w, db.wrap("get warning", err)
}

// scopeWhere limits a unit_path column to the scope's subtrees.
func scopeWhere(col string, s store.Scope, arg func(any) string) string {
	if s.All {
		return "1 = 1"
	}
	if len(s.Prefixes) == 0 {
		return "1 = 0"
	}
	var ors []string
	for _, p := range s.Prefixes {
		lo, hi := prefixRange(p)
		ors = append(ors, fmt.Sprintf("(%s >= %s AND %s < %s)", col, arg(lo), col, arg(hi)))
	}
	return "(" + strings.Join(ors, " OR ") + ")"
}

func (db *DB) warningWhere(q store.WarningQuery) (string, []any) {
	var args []any
	arg := func(v any) string { args = append(args, v); return fmt.Sprintf("$%d", len(args)) }
	col := "w.unit_path"
	if q.Presiding != 0 && db.d.Name == "sqlite" {
		// A mediator's are read by their own index; by the unit index
		// SQLite would sort the unit's warnings of the years.
		col = "+w.unit_path"
	}
	where := []string{scopeWhere(col, q.Scope, arg)}
	if len(q.Statuses) > 0 {
		var ph []string
		for _, s := range q.Statuses {
			ph = append(ph, arg(s))
		}
		where = append(where, "w.status IN ("+strings.Join(ph, ", ")+")")
	}
	if q.Level != "" {
		where = append(where, "w.level = "+arg(q.Level))
	}
	if q.CaseID != 0 {
		where = append(where, "w.case_id = "+arg(q.CaseID))
	}
	if q.Presiding != 0 {
		// The warnings on the cases they preside and about themselves.
		where = append(where, "w.mediator_id = "+arg(q.Presiding))
	}
	return strings.Join(where, " AND "), args
}

func (db *DB) ListWarnings(ctx context.Context, q store.WarningQuery) (store.Page[store.Warning], error) {
	if err := q.Check(); err != nil {
		return store.Page[store.Warning]{}, fmt.Errorf("list warnings: %w", err)
	}
	// Newest first by (raised_at, id), one row past the page telling
	// whether another follows. The indexes (status, raised_at, id) and
	// (raised_at, id) give the order; the scope is a filter on the walk.
	where, args := db.warningWhere(q)
	if q.After != nil {
		t, id := len(args)+1, len(args)+2
		where += fmt.Sprintf(` AND w.raised_at <= $%d AND (w.raised_at < $%d OR w.id < $%d)`, t, t, id)
		args = append(args, q.After.At.UTC(), q.After.ID)
	}
	rows, err := db.read().QueryContext(ctx, `SELECT `+warningCols+` FROM warnings w LEFT JOIN cases c ON c.id = w.case_id WHERE `+where+
		fmt.Sprintf(` ORDER BY w.raised_at DESC, w.id DESC LIMIT %d`, q.Limit+1), args...)
	if err != nil {
		return store.Page[store.Warning]{}, db.wrap("list warnings", err)
	}
	out, err := scanWarnings(rows)
	if err != nil {
		return store.Page[store.Warning]{}, db.wrap("list warnings", err)
	}
	return store.PageOf(out, q.Limit, func(w store.Warning) store.ListCursor { return store.ListCursor{At: w.RaisedAt, ID: w.ID} }), nil
}

func scanWarnings(rows *sql.Rows) ([]store.Warning, error) {
	defer rows.Close()
	var out []store.Warning
	for rows.Next() {
		w, err := scanWarning(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, w)
	}
	return out, rows.Err()
}

func (db *DB) WarningCounts(ctx context.Context, q store.WarningQuery) (map[string]int, error) {
	where, args := db.warningWhere(q)
	rows, err := db.read().QueryContext(ctx, `SELECT w.level, COUNT(*) FROM warnings w WHERE `+where+` GROUP BY w.level`, args...)
	if err != nil {
		return nil, db.wrap("count warnings", err)
	}
	defer rows.Close()
	out := map[string]int{}
	for rows.Next() {
		var l string
		var n int
		if err := rows.Scan(&l, &n); err != nil {
			return nil, db.wrap("count warnings", err)
		}
		out[l] = n
	}
	return out, db.wrap("count warnings", rows.Err())
}

func (db *DB) OpenWarningList(ctx context.Context) ([]store.Warning, error) {
	rows, err := db.primary().QueryContext(ctx, `SELECT `+warningCols+` FROM warnings w LEFT JOIN cases c ON c.id = w.case_id
		WHERE w.status IN ('open', 'acknowledged') ORDER BY w.id`)
	if err != nil {
		return nil, db.wrap("open warnings", err)
	}
	out, err := scanWarnings(rows)
	return out, db.wrap("open warnings", err)
}

func (db *DB) AcknowledgeWarning(ctx context.Context, id, by int64, at time.Time, note string) error {
	return db.wrap("acknowledge warning", db.InTx(ctx, func(tx store.Store) error {
		t := tx.(*DB).cur
		t.about("warning", id)
		res, err := t.ExecContext(ctx, `UPDATE warnings SET status = 'acknowledged', acknowledged_at = $1, acknowledged_by = $2
			WHERE id = $3 AND status = 'open'`, at.UTC(), by, id)
		if err := affectedOr(res, err, store.ErrConflict); err != nil {
			return err
		}
		_, err = t.ExecContext(ctx, `INSERT INTO warning_events (warning_id, kind, step, actor_id, at, note) VALUES ($1, 'acknowledged', -1, $2, $3, $4)`,
			id, by, at.UTC(), note)
		return err
	}))
}

func (db *DB) ResolveWarning(ctx context.Context, id, by int64, at time.Time, reason, note string) error {
	return db.wrap("resolve warning", db.InTx(ctx, func(tx store.Store) error {
		t := tx.(*DB).cur
		t.about("warning", id)
		res, err := t.ExecContext(ctx, `UPDATE warnings SET status = 'resolved', resolved_at = $1, resolved_by = $2, resolve_reason = $3, resolve_note = $4
			WHERE id = $5 AND status <> 'resolved'`, at.UTC(), by, reason, note, id)
		if err := affectedOr(res, err, store.ErrConflict); err != nil {
			return err
		}
		_, err = t.ExecContext(ctx, `INSERT INTO warning_events (warning_id, kind, step, actor_id, at, note) VALUES ($1, 'resolved', -1, $2, $3, $4)`,
			id, by, at.UTC(), note)
		return err
	}))
}

// affectedOr is err, or notHit when the statement touched no row.
func affectedOr(res sql.Result, err error, notHit error) error {
	if err != nil {
		return err
	}
	n, err := res.RowsAffected()
	if err != nil {
		return err
	}
	if n == 0 {
		return notHit
	}
	return nil
}

func (db *DB) TakeWarningStep(ctx context.Context, e store.WarningEvent) (bool, error) {
	taken := false
	err := db.InTx(ctx, func(tx store.Store) error {
		t := tx.(*DB).cur
		t.about("warning", e.WarningID)
		var id int64
		err := t.QueryRowContext(ctx, `INSERT INTO warning_events (warning_id, kind, step, actor_id, at, note) VALUES ($1, 'step', $2, $3, $4, $5)
			ON CONFLICT DO NOTHING RETURNING id`, e.WarningID, e.Step, e.ActorID, e.At.UTC(), e.Note).Scan(&id)
		if errors.Is(err, sql.ErrNoRows) {
			return nil
		}
		taken = err == nil
		return err
	})
	return taken, db.wrap("take warning step", err)
}

func (db *DB) AddWarningEvent(ctx context.Context, e store.WarningEvent) error {
	if e.Kind == "step" {
		return fmt.Errorf("add warning event: steps go through TakeWarningStep")
	}
	_, err := db.writeOn("warning", e.WarningID).ExecContext(ctx, `INSERT INTO warning_events (warning_id, kind, step, actor_id, at, note)
		VALUES ($1, $2, -1, $3, $4, $5)`, e.WarningID, e.Kind, e.ActorID, e.At.UTC(), e.Note)
	return db.wrap("add warning event", err)
}

func (db *DB) ListWarningEvents(ctx context.Context, warningID int64) ([]store.WarningEvent, error) {
	rows, err := db.read().QueryContext(ctx, `SELECT e.id, e.warning_id, e.kind, e.step, e.actor_id, COALESCE(u.display_name, ''), e.at, e.note
		FROM warning_events e LEFT JOIN users u ON u.id = e.actor_id WHERE e.warning_id = $1 ORDER BY e.id`, warningID)
	if err != nil {
		return nil, db.wrap("list warning events", err)
	}
	defer rows.Close()
	var out []store.WarningEvent
	for rows.Next() {
		var e store.WarningEvent
		if err := rows.Scan(&e.ID, &e.WarningID, &e.Kind, &e.Step, &e.ActorID, &e.ActorName, &e.At, &e.Note); err != nil {
			return nil, db.wrap("scan warning event", err)
		}
		out = append(out, e)
	}
	return out, db.wrap("list warning events", rows.Err())
}

func (db *DB) AddWarningNotices(ctx context.Context, ns []store.WarningNotice) error {
	if len(ns) == 0 {
		return nil
	}
	return db.wrap("add warning notices", db.InTx(ctx, func(tx store.Store) error {
		t := tx.(*DB).cur
		for _, n := range ns {
			if n.At.IsZero() {
				n.At = time.Now()
			}
			sms := 0
			if n.SMS {
				sms = 1
			}
			t.about("user", n.UserID)
			if _, err := t.ExecContext(ctx, `INSERT INTO warning_notices (user_id, warning_id, supervision_id, step, body, sms, at)
				VALUES ($1, $2, $3, $4, $5, $6, $7)`, n.UserID, nullInt(n.WarningID), nullInt(n.SupervisionID), n.Step, n.Body, sms, n.At.UTC()); err != nil {
				return err
			}
		}
		return nil
	}))
}

func (db *DB) ListWarningNotices(ctx context.Context, userID, warningID int64, limit int) ([]store.WarningNotice, error) {
	if limit <= 0 || limit > 500 {
		limit = 50
	}
	// Only the filters given, each a plain equality: "$1 = 0 OR ..." kept
	// both planners off the indexes, and every 今日 and 预警 page read all
	// the notices ever sent (issue 17).
	var where []string
	args := []any{limit}
	if userID != 0 {
		args = append(args, userID)
		where = append(where, fmt.Sprintf("n.user_id = $%d", len(args)))
	}
	if warningID != 0 {
		args = append(args, warningID)
		where = append(where, fmt.Sprintf("n.warning_id = $%d", len(args)))
	}
	if len(where) == 0 {
		where = append(where, "1 = 1")
	}
	rows, err := db.read().QueryContext(ctx, `SELECT n.id, n.user_id, COALESCE(n.warning_id, 0), COALESCE(n.supervision_id, 0), n.step, n.body, n.sms,
		n.at, n.read_at, COALESCE(u.display_name, '') FROM warning_notices n LEFT JOIN users u ON u.id = n.user_id
		WHERE `+strings.Join(where, " AND ")+` ORDER BY n.id DESC LIMIT $1`, args...)
	if err != nil {
		return nil, db.wrap("list warning notices", err)
	}
	defer rows.Close()
	var out []store.WarningNotice
	for rows.Next() {
		var n store.WarningNotice
		var sms int
		var read sql.NullTime
		if err := rows.Scan(&n.ID, &n.UserID, &n.WarningID, &n.SupervisionID, &n.Step, &n.Body, &sms, &n.At, &read, &n.UserName); err != nil {
			return nil, db.wrap("scan warning notice", err)
		}
		n.SMS, n.ReadAt = sms != 0, timePtr(read)
		out = append(out, n)
	}
	return out, db.wrap("list warning notices", rows.Err())
}

func (db *DB) WarningStepsTaken(ctx context.Context, warningIDs []int64) (map[int64][]int, error) {
	out := map[int64][]int{}
	// The steps' partial unique index (warning_id, step) holds them all.
	err := eachChunk(warningIDs, func(args []any) error {
		rows, err := db.read().QueryContext(ctx, `SELECT warning_id, step FROM warning_events WHERE kind = 'step'
			AND warning_id IN (`+inList(1, idChunk)+`) ORDER BY warning_id, step`, args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var id int64
			var step int
			if err := rows.Scan(&id, &step); err != nil {
				return err
			}
			out[id] = append(out[id], step)
		}
		return rows.Err()
	})
	return out, db.wrap("warning steps taken", err)
}

func (db *DB) WarningsTold(ctx context.Context, userID int64, warningIDs []int64) (map[int64]bool, error) {
	// By each warning's notices (their index), the user's among them.
	out, err := idSet(ctx, db.read(), warningIDs, `SELECT DISTINCT warning_id FROM warning_notices
		WHERE warning_id IN (%s) AND user_id = $1`, userID)
	return out, db.wrap("warnings told", err)
}

func (db *DB) MarkWarningNoticeRead(ctx context.Context, userID, id int64, at time.Time) error {
	res, err := db.writeOn("warning_notice", id).ExecContext(ctx, `UPDATE warning_notices SET read_at = COALESCE(read_at, $1)
		WHERE id = $2 AND user_id = $3`, at.UTC(), id, userID)
	return db.wrap("mark warning notice read", affectedOr(res, err, store.ErrNotFound))
}

func (db *DB) CreateSupervision(ctx context.Context, s *store.Supervision) error {
	err := db.writeRow(ctx, func(q rowQuerier) error {
		return q.QueryRowContext(ctx, `INSERT INTO supervisions (kind, case_id, warning_id, unit_id, unit_path, mediator_id, request,
			requested_by, requested_at, due_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id`,
			s.Kind, s.CaseID, nullInt(s.WarningID), s.UnitID, s.UnitPath, s.MediatorID, s.Request, s.RequestedBy,
			s.RequestedAt.UTC(), s.Due.UTC()).Scan(&s.ID)
	})
	return db.wrap("create supervision", err)
}

const supervisionCols = `s.id, s.kind, s.case_id, COALESCE(c.number, ''), COALESCE(s.warning_id, 0), s.unit_id, s.unit_path, s.mediator_id,
	s.request, s.requested_by, COALESCE(u.display_name, ''), s.requested_at, s.due_at, s.reply, s.replied_by, s.replied_at`

const supervisionFrom = ` FROM supervisions s LEFT JOIN cases c ON c.id = s.case_id LEFT JOIN users u ON u.id = s.requested_by`

func scanSupervision(r interface{ Scan(...any) error }) (store.Supervision, error) {
	var s store.Supervision
	var replied sql.NullTime
	err := r.Scan(&s.ID, &s.Kind, &s.CaseID, &s.CaseNumber, &s.WarningID, &s.UnitID, &s.UnitPath, &s.MediatorID, &s.Request,
		&s.RequestedBy, &s.RequesterName, &s.RequestedAt, &s.Due, &s.Reply, &s.RepliedBy, &replied)
	s.RepliedAt = timePtr(replied)
	s.RequestedAt, s.Due = s.RequestedAt.UTC(), s.Due.UTC()
	return s, err
}

func (db *DB) GetSupervision(ctx context.Context, id int64) (store.Supervision, error) {
	s, err := scanSupervision(db.read().QueryRowContext(ctx, `SELECT `+supervisionCols+supervisionFrom+` WHERE s.id = $1`, id))
	return s, db.wrap("get supervision", err)
}

func (db *DB) OpenSupervisions(ctx context.Context, kind string) ([]store.Supervision, error) {
	return db.supervisions(ctx, "open supervisions", `WHERE s.replied_at IS NULL AND s.kind = $1 ORDER BY s.id`, kind)
}

// supervisions reads the supervisions a WHERE … ORDER BY … clause selects.
func (db *DB) supervisions(ctx context.Context, what, where string, args ...any) ([]store.Supervision, error) {
	rows, err := db.read().QueryContext(ctx, `SELECT `+supervisionCols+supervisionFrom+` `+where, args...)
	if err != nil {
		return nil, db.wrap(what, err)
	}
	defer rows.Close()
	var out []store.Supervision
	for rows.Next() {
		s, err := scanSupervision(rows)
		if err != nil {
			return nil, db.wrap("scan supervision", err)
		}
		out = append(out, s)
	}
	return out, db.wrap(what, rows.Err())
}

func (db *DB) ListSupervisions(ctx context.Context, q store.SupervisionQuery) ([]store.Supervision, error) {
	var args []any
	arg := func(v any) string { args = append(args, v); return fmt.Sprintf("$%d", len(args)) }
	// Newest first by key, with the scope as a filter: unanswered ones by
	// their partial index (few at any time), a mediator's by theirs, the
	// rest by the key. "+" keeps SQLite off the unit index, by which it
	// would read the scope's every supervision of the years and sort them.
	col := "s.unit_path"
	if db.d.Name == "sqlite" {
		col = "+s.unit_path"
	}
	where := []string{scopeWhere(col, q.Scope, arg)}
	if q.CaseID != 0 {
		where = append(where, "s.case_id = "+arg(q.CaseID))
	}
	if q.Mediator != 0 {
		// A mediator's unanswered ones are the few open ones filtered, not
		// their years of answered ones.
		m := "s.mediator_id"
		if q.Unanswered && db.d.Name == "sqlite" {
			m = "+s.mediator_id"
		}
		where = append(where, m+" = "+arg(q.Mediator))
	}
	if q.Unanswered {
		where = append(where, "s.replied_at IS NULL")
	}
	if q.Kind != "" {
		where = append(where, "s.kind = "+arg(q.Kind))
	}
	if q.Limit <= 0 || q.Limit > 1000 {
		q.Limit = 200
	}
	return db.supervisions(ctx, "list supervisions", `WHERE `+strings.Join(where, " AND ")+` ORDER BY s.id DESC LIMIT `+arg(q.Limit), args...)
}

func (db *DB) ReplySupervision(ctx context.Context, id, by int64, reply string, at time.Time) error {
	res, err := db.writeOn("supervision", id).ExecContext(ctx, `UPDATE supervisions SET reply = $1, replied_by = $2, replied_at = $3
		WHERE id = $4 AND replied_at IS NULL`, reply, by, at.UTC(), id)
	return db.wrap("reply supervision", affectedOr(res, err, store.ErrConflict))
}

func (db *DB) BoundUsers(ctx context.Context, orgIDs []int64, roles []domain.Role) ([]store.Binding, error) {
	if len(orgIDs) == 0 || len(roles) == 0 {
		return nil, nil
	}
	var args []any
	arg := func(v any) string { args = append(args, v); return fmt.Sprintf("$%d", len(args)) }
	var op, rp []string
	for _, id := range orgIDs {
		op = append(op, arg(id))
	}
	for _, r := range roles {
		rp = append(rp, arg(string(r)))
	}
	rows, err := db.read().QueryContext(ctx, `SELECT b.user_id, b.role, b.org_id, o.path, o.name FROM role_bindings b
		JOIN org_units o ON o.id = b.org_id JOIN users u ON u.id = b.user_id
		WHERE b.org_id IN (`+strings.Join(op, ", ")+`) AND b.role IN (`+strings.Join(rp, ", ")+`) AND u.active = `+arg(true)+`
		ORDER BY o.path, b.user_id, b.role`, args...)
	if err != nil {
		return nil, db.wrap("bound users", err)
	}
	defer rows.Close()
	var out []store.Binding
	for rows.Next() {
		var b store.Binding
		var role string
		if err := rows.Scan(&b.UserID, &role, &b.OrgID, &b.OrgPath, &b.OrgName); err != nil {
			return nil, db.wrap("scan bound user", err)
		}
		b.Role = domain.Role(role)
		out = append(out, b)
	}
	return out, db.wrap("bound users", rows.Err())
}

func (db *DB) LatestFollowUps(ctx context.Context, since time.Time) ([]store.FollowUp, error) {
	rows, err := db.read().QueryContext(ctx, `SELECT f.id, f.case_id, f.satisfaction, f.method, f.comment, f.commendation,
		COALESCE(f.recorded_by, 0), f.recorded_at FROM follow_ups f
		WHERE f.recorded_at >= $1 AND f.id = (SELECT MAX(g.id) FROM follow_ups g WHERE g.case_id = f.case_id)`, since.UTC())
	if err != nil {
		return nil, db.wrap("latest follow-ups", err)
	}
	defer rows.Close()
	var out []store.FollowUp
	for rows.Next() {
		var f store.FollowUp
		if err := rows.Scan(&f.ID, &f.CaseID, &f.Satisfaction, &f.Method, &f.Comment, &f.Commendation, &f.RecordedBy, &f.RecordedAt); err != nil {
			return nil, db.wrap("scan follow-up", err)
		}
		out = append(out, f)
	}
	// By case, sorted here: an ORDER BY case_id would have SQLite walk
	// every follow-up by its case index rather than the window's by time.
	slices.SortFunc(out, func(a, b store.FollowUp) int { return cmp.Compare(a.CaseID, b.CaseID) })
	return out, db.wrap("latest follow-ups", rows.Err())
}
