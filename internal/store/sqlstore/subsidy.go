package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/tiaojie/tiaojie/internal/store"
)

func (db *DB) ListSubsidySchemes(ctx context.Context, unitID int64) ([]store.SubsidyScheme, error) {
	if !db.cached() {
		return db.listSubsidySchemes(ctx, unitID)
	}
	if ss, ok := db.cfg.getSchemes(unitID); ok {
		return ss, nil
	}
	gen := db.cfg.generation()
	ss, err := db.listSubsidySchemes(ctx, unitID)
	if err == nil {
		db.cfg.putSchemes(gen, unitID, ss)
	}
	return ss, err
}

func (db *DB) listSubsidySchemes(ctx context.Context, unitID int64) ([]store.SubsidyScheme, error) {
	rows, err := db.read().QueryContext(ctx, `SELECT unit_id, version, effective_from, body, created_by, created_at
		FROM subsidy_schemes WHERE unit_id = $1 ORDER BY effective_from, id`, unitID)
	if err != nil {
		return nil, db.wrap("list subsidy schemes", err)
	}
	defer rows.Close()
	var out []store.SubsidyScheme
	for rows.Next() {
		var s store.SubsidyScheme
		if err := rows.Scan(&s.UnitID, &s.Version, &s.EffectiveFrom, &s.Body, &s.CreatedBy, &s.Created); err != nil {
			return nil, db.wrap("scan subsidy scheme", err)
		}
		s.Created = s.Created.UTC()
		out = append(out, s)
	}
	return out, db.wrap("list subsidy schemes", rows.Err())
}

func (db *DB) AddSubsidyScheme(ctx context.Context, s store.SubsidyScheme) error {
	if s.Created.IsZero() {
		s.Created = time.Now().UTC()
	}
	defer db.cfgChanged()
	_, err := db.write().ExecContext(ctx, `INSERT INTO subsidy_schemes (unit_id, version, effective_from, body, created_by, created_at)
		VALUES ($1, $2, $3, $4, $5, $6)`, s.UnitID, s.Version, s.EffectiveFrom, s.Body, s.CreatedBy, s.Created.UTC())
	return db.wrap("add subsidy scheme", err)
}

func (db *DB) CaseDifficulties(ctx context.Context, caseIDs []int64) (map[int64]store.CaseDifficulty, error) {
	out := map[int64]store.CaseDifficulty{}
	for chunk := range slices.Chunk(caseIDs, 500) {
		in, args := fewIDs(chunk)
		rows, err := db.read().QueryContext(ctx, `SELECT d.case_id, d.proposed, d.proposed_why, d.level, d.note, d.confirmed_by,
			d.confirmed_at, COALESCE(u.display_name, '') FROM case_difficulty d LEFT JOIN users u ON u.id = d.confirmed_by
			WHERE d.case_id IN (`+in+`)`, args...)
		if err != nil {
			return nil, db.wrap("case difficulties", err)
		}
		for rows.Next() {
			var d store.CaseDifficulty
			if err := rows.Scan(&d.CaseID, &d.Proposed, &d.ProposedWhy, &d.Level, &d.Note, &d.ConfirmedBy, &d.ConfirmedAt, &d.ByName); err != nil {
				rows.Close()
				return nil, db.wrap("scan case difficulty", err)
			}
			d.ConfirmedAt = d.ConfirmedAt.UTC()
			out[d.CaseID] = d
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, db.wrap("case difficulties", err)
		}
	}
	return out, nil
}

func (db *DB) PutCaseDifficulty(ctx context.Context, d store.CaseDifficulty) error {
	_, err := db.write().ExecContext(ctx, `INSERT INTO case_difficulty (case_id, proposed, proposed_why, level, note, confirmed_by, confirmed_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7)
		ON CONFLICT (case_id) DO UPDATE SET proposed = excluded.proposed, proposed_why = excluded.proposed_why, level = excluded.level,
			note = excluded.note, confirmed_by = excluded.confirmed_by, confirmed_at = excluded.confirmed_at`,
		d.CaseID, d.Proposed, d.ProposedWhy, d.Level, d.Note, d.ConfirmedBy, d.ConfirmedAt.UTC())
	return db.wrap("put case difficulty", err)
}

func (db *DB) SubsidyCases(ctx context.Context, caseIDs []int64) (map[int64]store.SubsidyCase, error) {
	out := map[int64]store.SubsidyCase{}
	for chunk := range slices.Chunk(caseIDs, 500) {
		in, args := fewIDs(chunk)
		rows, err := db.read().QueryContext(ctx, `SELECT c.id, c.number, COALESCE(c.room_id, 0), COALESCE(r.name, ''), c.claim_fen,
			COALESCE(c.presiding_id, 0), COALESCE(m.number, ''), COALESCE(c.group_id, 0), COALESCE(g.title, ''),
			(SELECT COUNT(*) FROM parties p WHERE p.case_id = c.id),
			(SELECT COUNT(*) FROM mediation_sessions s WHERE s.case_id = c.id AND s.status = 'held'),
			(SELECT COUNT(*) FROM case_archives a WHERE a.case_id = c.id),
			COALESCE(ss.state, ''), COALESCE(ss.platform_id, '')
			FROM cases c LEFT JOIN org_units r ON r.id = c.room_id LEFT JOIN cases m ON m.id = c.merged_into
			LEFT JOIN case_groups g ON g.id = c.group_id LEFT JOIN smart_sync ss ON ss.case_id = c.id
			WHERE c.id IN (`+in+`)`, args...)
		if err != nil {
			return nil, db.wrap("subsidy cases", err)
		}
		for rows.Next() {
			var c store.SubsidyCase
			var archives int
			if err := rows.Scan(&c.CaseID, &c.Number, &c.RoomID, &c.RoomName, &c.ClaimFen, &c.PresidingID, &c.MergedInto, &c.GroupID,
				&c.GroupTitle, &c.Parties, &c.Sessions, &archives, &c.SyncState, &c.SyncPlatformID); err != nil {
				rows.Close()
				return nil, db.wrap("scan subsidy case", err)
			}
			c.HasArchive = archives > 0
			out[c.CaseID] = c
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, db.wrap("subsidy cases", err)
		}
	}
	return out, nil
}

func (db *DB) CreateSubsidyBatch(ctx context.Context, b *store.SubsidyBatch, first store.SubsidyTrail) error {
	return db.wrap("create subsidy batch", db.InTx(ctx, func(tx store.Store) error {
		t := tx.(*DB).cur
		t.note("create subsidy batch")
		now := time.Now().UTC()
		if b.Created.IsZero() {
			b.Created = now
		}
		if b.Computed.IsZero() {
			b.Computed = b.Created
		}
		if b.Status == "" {
			b.Status = store.SubsidyDraft
		}
		if b.Kind == "" {
			b.Kind = "regular"
		}
		b.Version = 1
		b.TotalFen = lineTotal(b.Lines)
		if err := t.QueryRowContext(ctx, `INSERT INTO subsidy_batches (committee_id, period, kind, adjusts_id, status, window_from,
			window_to, total_fen, created_by, created_at, computed_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id`,
			b.CommitteeID, b.Period, b.Kind, nullInt(b.AdjustsID), b.Status, b.WindowFrom, b.WindowTo, b.TotalFen, b.CreatedBy,
			b.Created.UTC(), b.Computed.UTC()).Scan(&b.ID); err != nil {
			return err
		}
		t.about("subsidy_batch", b.ID)
		if err := insertLines(ctx, t, b.ID, b.Lines, nil); err != nil {
			return err
		}
		if err := insertFailures(ctx, t, b.ID, b.Failures); err != nil {
			return err
		}
		if err := setBatchCounts(ctx, t, b.ID, len(b.Lines), len(b.Failures)); err != nil {
			return err
		}
		return insertTrail(ctx, t, b.ID, first, b.Created)
	}))
}

func lineTotal(ls []store.SubsidyLine) int64 {
	var n int64
	for _, l := range ls {
		if !l.Excluded {
			n += l.AmountFen
		}
	}
	return n
}

// insertLines writes lines; keep carries exclusions over from a recomputation.
func insertLines(ctx context.Context, t *wtx, batchID int64, ls []store.SubsidyLine, keep map[int64]store.SubsidyLine) error {
	for _, l := range ls {
		if k, ok := keep[l.CaseID]; ok && k.Excluded {
			l.Excluded, l.ExcludeReason, l.ExcludedBy = true, k.ExcludeReason, k.ExcludedBy
		}
		if _, err := t.ExecContext(ctx, `INSERT INTO subsidy_lines (batch_id, case_id, case_number, mediator_id, mediator_name, room_id,
			room_name, closure_day, scheme_version, rule, difficulty, base_fen, judicial_fen, percent, cut_fen, amount_fen, explanation,
			excluded, exclude_reason, excluded_by, return_reason)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21)`,
			batchID, l.CaseID, l.CaseNumber, l.MediatorID, l.MediatorName, l.RoomID, l.RoomName, l.ClosureDay, l.SchemeVersion, l.Rule,
			l.Difficulty, l.BaseFen, l.JudicialFen, l.Percent, l.CutFen, l.AmountFen, l.Explanation, boolInt(l.Excluded),
			l.ExcludeReason, l.ExcludedBy, l.ReturnReason); err != nil {
			return err
		}
	}
	return nil
}

func insertFailures(ctx context.Context, t *wtx, batchID int64, fs []store.SubsidyFailure) error {
	for _, f := range fs {
		if _, err := t.ExecContext(ctx, `INSERT INTO subsidy_failures (batch_id, case_id, case_number, mediator_id, mediator_name, room_name,
			closure_day, gate, reason, pending) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
			batchID, f.CaseID, f.CaseNumber, f.MediatorID, f.MediatorName, f.RoomName, f.ClosureDay, f.Gate, f.Reason, boolInt(f.Pending)); err != nil {
			return err
		}
	}
	return nil
}

// setBatchCounts keeps a batch's counts of lines and failures on its row,
// for the batches' list.
func setBatchCounts(ctx context.Context, t *wtx, batchID int64, lines, failures int) error {
	_, err := t.ExecContext(ctx, `UPDATE subsidy_batches SET line_count = $1, failure_count = $2 WHERE id = $3`, lines, failures, batchID)
	return err
}

func insertTrail(ctx context.Context, t *wtx, batchID int64, e store.SubsidyTrail, at time.Time) error {
	if e.At.IsZero() {
		e.At = at
	}
	_, err := t.ExecContext(ctx, `INSERT INTO subsidy_trail (batch_id, action, actor_id, actor_name, actor_role, at, note)
		VALUES ($1, $2, $3, $4, $5, $6, $7)`, batchID, e.Action, e.ActorID, e.ActorName, e.ActorRole, e.At.UTC(), e.Note)
	return err
}

const subsidyBatchCols = `b.id, b.committee_id, o.name, o.path, o.code, b.period, b.kind, COALESCE(b.adjusts_id, 0), b.status, b.window_from, b.window_to,
	b.total_fen, b.return_reason, b.created_by, b.created_at, b.computed_at, b.submitted_by, b.submitted_at, b.decided_by, b.decided_at,
	b.paid_on, b.paid_by, b.paid_note, b.version`

func scanSubsidyBatch(r interface{ Scan(...any) error }, extra ...any) (store.SubsidyBatch, error) {
	var b store.SubsidyBatch
	var sub, dec sql.NullTime
	dest := []any{&b.ID, &b.CommitteeID, &b.CommitteeName, &b.CommitteePath, &b.CommitteeCode, &b.Period, &b.Kind, &b.AdjustsID, &b.Status,
		&b.WindowFrom, &b.WindowTo, &b.TotalFen, &b.ReturnReason, &b.CreatedBy, &b.Created, &b.Computed, &b.SubmittedBy, &sub,
		&b.DecidedBy, &dec, &b.PaidOn, &b.PaidBy, &b.PaidNote, &b.Version}
	err := r.Scan(append(dest, extra...)...)
	b.Created, b.Computed, b.SubmittedAt, b.DecidedAt = b.Created.UTC(), b.Computed.UTC(), timePtr(sub), timePtr(dec)
	return b, err
}

func (db *DB) GetSubsidyBatch(ctx context.Context, id int64) (store.SubsidyBatch, error) {
	b, err := scanSubsidyBatch(db.read().QueryRowContext(ctx, `SELECT `+subsidyBatchCols+` FROM subsidy_batches b JOIN org_units o ON o.id = b.committee_id
		WHERE b.id = $1`, id))
	if err != nil {
		return b, db.wrap("get subsidy batch", err)
	}
	if b.Lines, err = db.batchLines(ctx, `l.batch_id = $1 ORDER BY l.closure_day, l.case_id`, id); err != nil {
		return b, err
	}
	rows, err := db.read().QueryContext(ctx, `SELECT case_id, case_number, mediator_id, mediator_name, room_name, closure_day, gate, reason, pending
		FROM subsidy_failures WHERE batch_id = $1 ORDER BY closure_day, case_id`, id)
	if err != nil {
		return b, db.wrap("subsidy failures", err)
	}
	for rows.Next() {
		var f store.SubsidyFailure
		var pending int
		if err := rows.Scan(&f.CaseID, &f.CaseNumber, &f.MediatorID, &f.MediatorName, &f.RoomName, &f.ClosureDay, &f.Gate, &f.Reason, &pending); err != nil {
			rows.Close()
			return b, db.wrap("scan subsidy failure", err)
		}
		f.Pending = pending != 0
		b.Failures = append(b.Failures, f)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return b, db.wrap("subsidy failures", err)
	}
	rows, err = db.read().QueryContext(ctx, `SELECT action, actor_id, actor_name, actor_role, at, note FROM subsidy_trail
		WHERE batch_id = $1 ORDER BY id`, id)
	if err != nil {
		return b, db.wrap("subsidy trail", err)
	}
	defer rows.Close()
	for rows.Next() {
		var e store.SubsidyTrail
		if err := rows.Scan(&e.Action, &e.ActorID, &e.ActorName, &e.ActorRole, &e.At, &e.Note); err != nil {
			return b, db.wrap("scan subsidy trail", err)
		}
		e.At = e.At.UTC()
		b.Trail = append(b.Trail, e)
	}
	b.LineCount, b.FailureCount = len(b.Lines), len(b.Failures)
	return b, db.wrap("subsidy trail", rows.Err())
}

const lineCols = `l.batch_id, l.case_id, l.case_number, l.mediator_id, l.mediator_name, l.room_id, l.room_name, l.closure_day,
	l.scheme_version, l.rule, l.difficulty, l.base_fen, l.judicial_fen, l.percent, l.cut_fen, l.amount_fen, l.explanation, l.excluded,
	l.exclude_reason, l.excluded_by, l.return_reason, b.period, b.status, b.kind`

func (db *DB) batchLines(ctx context.Context, where string, args ...any) ([]store.SubsidyLine, error) {
	rows, err := db.read().QueryContext(ctx, `SELECT `+lineCols+` FROM subsidy_lines l JOIN subsidy_batches b ON b.id = l.batch_id WHERE `+where, args...)
	if err != nil {
		return nil, db.wrap("subsidy lines", err)
	}
	defer rows.Close()
	var out []store.SubsidyLine
	for rows.Next() {
		var l store.SubsidyLine
		var ex int
		if err := rows.Scan(&l.BatchID, &l.CaseID, &l.CaseNumber, &l.MediatorID, &l.MediatorName, &l.RoomID, &l.RoomName, &l.ClosureDay,
			&l.SchemeVersion, &l.Rule, &l.Difficulty, &l.BaseFen, &l.JudicialFen, &l.Percent, &l.CutFen, &l.AmountFen, &l.Explanation, &ex,
			&l.ExcludeReason, &l.ExcludedBy, &l.ReturnReason, &l.Period, &l.Status, &l.Kind); err != nil {
			return nil, db.wrap("scan subsidy line", err)
		}
		l.Excluded = ex != 0
		out = append(out, l)
	}
	return out, db.wrap("subsidy lines", rows.Err())
}

func (db *DB) FindSubsidyBatch(ctx context.Context, committeeID int64, period string) (store.SubsidyBatch, error) {
	var id int64
	err := db.read().QueryRowContext(ctx, `SELECT id FROM subsidy_batches WHERE committee_id = $1 AND period = $2 AND kind = 'regular'`,
		committeeID, period).Scan(&id)
	if err != nil {
		return store.SubsidyBatch{}, db.wrap("find subsidy batch", err)
	}
	return db.GetSubsidyBatch(ctx, id)
}

func (db *DB) ListSubsidyBatches(ctx context.Context, committeeIDs []int64, limit int) ([]store.SubsidyBatch, error) {
	if len(committeeIDs) == 0 {
		return nil, nil
	}
	if limit <= 0 {
		limit = 120
	}
	rows, err := db.read().QueryContext(ctx, `SELECT `+subsidyBatchCols+`, b.line_count, b.failure_count
		FROM subsidy_batches b JOIN org_units o ON o.id = b.committee_id
		WHERE b.committee_id IN (`+idList(committeeIDs)+`) ORDER BY b.period DESC, b.id DESC LIMIT $1`, limit)
	if err != nil {
		return nil, db.wrap("list subsidy batches", err)
	}
	defer rows.Close()
	var out []store.SubsidyBatch
	for rows.Next() {
		var lines, fails int
		b, err := scanSubsidyBatch(rows, &lines, &fails)
		if err != nil {
			return nil, db.wrap("scan subsidy batch", err)
		}
		b.LineCount, b.FailureCount = lines, fails
		out = append(out, b)
	}
	return out, db.wrap("list subsidy batches", rows.Err())
}

func (db *DB) ChangeSubsidyBatch(ctx context.Context, c store.SubsidyChange) error {
	return db.wrap("change subsidy batch", db.InTx(ctx, func(tx store.Store) error {
		t := tx.(*DB).cur
		t.note("subsidy batch: " + c.Trail.Action)
		t.about("subsidy_batch", c.BatchID)
		at := c.At
		if at.IsZero() {
			at = time.Now().UTC()
		}
		if len(c.From) == 0 {
			return fmt.Errorf("no from status: %w", store.ErrStale)
		}
		// Take the row first: a batch that moved meanwhile is stale, and
		// two approvals at once serialise here (one wins, one is told).
		args := []any{c.BatchID, c.Version}
		var ph []string
		for _, s := range c.From {
			args = append(args, s)
			ph = append(ph, fmt.Sprintf("$%d", len(args)))
		}
		set := []string{"version = version + 1"}
		add := func(col string, v any) {
			args = append(args, v)
			set = append(set, fmt.Sprintf("%s = $%d", col, len(args)))
		}
		if c.Status != "" {
			add("status", c.Status)
		}
		if c.Recompute {
			add("computed_at", c.ComputedAt.UTC())
		}
		if c.SubmittedBy != 0 {
			add("submitted_by", c.SubmittedBy)
			add("submitted_at", at.UTC())
		}
		if c.DecidedBy != 0 {
			add("decided_by", c.DecidedBy)
			add("decided_at", at.UTC())
		}
		if c.ReturnReason != nil {
			add("return_reason", *c.ReturnReason)
		}
		if c.PaidBy != 0 {
			add("paid_on", c.PaidOn)
			add("paid_by", c.PaidBy)
			add("paid_note", c.PaidNote)
		}
		res, err := t.ExecContext(ctx, `UPDATE subsidy_batches SET `+strings.Join(set, ", ")+
			` WHERE id = $1 AND version = $2 AND status IN (`+strings.Join(ph, ", ")+`)`, args...)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			var one int
			if err := t.QueryRowContext(ctx, `SELECT 1 FROM subsidy_batches WHERE id = $1`, c.BatchID).Scan(&one); err != nil {
				return err
			}
			return store.ErrStale
		}
		if c.Recompute {
			old, err := (&DB{d: db.d, cur: t}).batchLines(ctx, `l.batch_id = $1`, c.BatchID)
			if err != nil {
				return err
			}
			keep := map[int64]store.SubsidyLine{}
			for _, l := range old {
				keep[l.CaseID] = l
			}
			for _, q := range []string{`DELETE FROM subsidy_lines WHERE batch_id = $1`, `DELETE FROM subsidy_failures WHERE batch_id = $1`} {
				if _, err := t.ExecContext(ctx, q, c.BatchID); err != nil {
					return err
				}
			}
			if err := insertLines(ctx, t, c.BatchID, c.Lines, keep); err != nil {
				return err
			}
			if err := insertFailures(ctx, t, c.BatchID, c.Failures); err != nil {
				return err
			}
			if err := setBatchCounts(ctx, t, c.BatchID, len(c.Lines), len(c.Failures)); err != nil {
				return err
			}
		}
		if c.ExcludeCase != 0 {
			res, err := t.ExecContext(ctx, `UPDATE subsidy_lines SET excluded = $1, exclude_reason = $2, excluded_by = $3
				WHERE batch_id = $4 AND case_id = $5`, boolInt(c.Exclude), c.ExcludeReason, c.Trail.ActorID, c.BatchID, c.ExcludeCase)
			if err != nil {
				return err
			}
			if n, _ := res.RowsAffected(); n == 0 {
				return store.ErrNotFound
			}
		}
		if c.ClearReturns || c.LineReasons != nil {
			if _, err := t.ExecContext(ctx, `UPDATE subsidy_lines SET return_reason = '' WHERE batch_id = $1`, c.BatchID); err != nil {
				return err
			}
		}
		for caseID, why := range c.LineReasons {
			res, err := t.ExecContext(ctx, `UPDATE subsidy_lines SET return_reason = $1 WHERE batch_id = $2 AND case_id = $3`, why, c.BatchID, caseID)
			if err != nil {
				return err
			}
			if n, _ := res.RowsAffected(); n == 0 {
				return store.ErrNotFound
			}
		}
		if _, err := t.ExecContext(ctx, `UPDATE subsidy_batches SET total_fen =
			(SELECT COALESCE(SUM(amount_fen), 0) FROM subsidy_lines WHERE batch_id = $1 AND excluded = 0) WHERE id = $1`, c.BatchID); err != nil {
			return err
		}
		return insertTrail(ctx, t, c.BatchID, c.Trail, at)
	}))
}

func (db *DB) SubsidyPaid(ctx context.Context, committeeID int64, caseIDs []int64) (map[int64]store.SubsidyPaidCase, error) {
	out := map[int64]store.SubsidyPaidCase{}
	for chunk := range slices.Chunk(caseIDs, 500) {
		rows, err := db.read().QueryContext(ctx, `SELECT l.case_id, b.period, l.amount_fen FROM subsidy_lines l
			JOIN subsidy_batches b ON b.id = l.batch_id
			WHERE b.committee_id = $1 AND b.status IN ('approved', 'paid') AND l.excluded = 0 AND l.case_id IN (`+idList(chunk)+`)
			ORDER BY b.id`, committeeID)
		if err != nil {
			return nil, db.wrap("subsidy paid", err)
		}
		for rows.Next() {
			var id, fen int64
			var period string
			if err := rows.Scan(&id, &period, &fen); err != nil {
				rows.Close()
				return nil, db.wrap("scan subsidy paid", err)
			}
			p := out[id]
			if p.Period == "" {
				p.Period = period
			}
			p.Fen += fen
			out[id] = p
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, db.wrap("subsidy paid", err)
		}
	}
	return out, nil
}

func (db *DB) SubsidyPendingCases(ctx context.Context, committeeID int64, from, to string) ([]int64, error) {
	rows, err := db.read().QueryContext(ctx, `SELECT DISTINCT f.case_id FROM subsidy_failures f JOIN subsidy_batches b ON b.id = f.batch_id
		WHERE b.committee_id = $1 AND b.kind = 'regular' AND b.period >= $2 AND b.period <= $3 AND f.pending = 1
		AND NOT EXISTS (SELECT 1 FROM subsidy_lines l JOIN subsidy_batches p ON p.id = l.batch_id
			WHERE l.case_id = f.case_id AND l.excluded = 0 AND p.status IN ('approved', 'paid'))
		ORDER BY f.case_id`, committeeID, from, to)
	if err != nil {
		return nil, db.wrap("subsidy pending cases", err)
	}
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, db.wrap("scan pending case", err)
		}
		out = append(out, id)
	}
	return out, db.wrap("subsidy pending cases", rows.Err())
}

func (db *DB) SubsidySpent(ctx context.Context, committeeID int64, year int, except int64) (int64, error) {
	var n int64
	err := db.read().QueryRowContext(ctx, `SELECT COALESCE(SUM(total_fen), 0) FROM subsidy_batches
		WHERE committee_id = $1 AND status IN ('approved', 'paid') AND period >= $2 AND period <= $3 AND id <> $4`,
		committeeID, fmt.Sprintf("%04d-01", year), fmt.Sprintf("%04d-12", year), except).Scan(&n)
	return n, db.wrap("subsidy spent", err)
}

func (db *DB) MediatorSubsidyLines(ctx context.Context, mediatorID int64, period string, limit int) ([]store.SubsidyLine, error) {
	if limit <= 0 {
		limit = 500
	}
	if period != "" {
		return db.batchLines(ctx, `l.mediator_id = $1 AND b.period = $2 AND b.status <> 'draft' ORDER BY b.id DESC, l.closure_day, l.case_id
			LIMIT $3`, mediatorID, period, limit)
	}
	return db.batchLines(ctx, `l.mediator_id = $1 AND b.status <> 'draft' ORDER BY b.period DESC, b.id DESC, l.closure_day, l.case_id
		LIMIT $2`, mediatorID, limit)
}

func (db *DB) MediatorSubsidySum(ctx context.Context, mediatorID int64) (int64, error) {
	var fen int64
	err := db.read().QueryRowContext(ctx, `SELECT COALESCE(SUM(l.amount_fen), 0) FROM subsidy_lines l JOIN subsidy_batches b ON b.id = l.batch_id
		WHERE l.mediator_id = $1 AND l.excluded = 0 AND b.status IN ('approved', 'paid')`, mediatorID).Scan(&fen)
	return fen, db.wrap("mediator subsidy sum", err)
}

// caseSubsidyFactsSQL reads one case's subsidy panel facts in one row: the
// case row, its difficulty row (if any), the rest as subqueries.
const caseSubsidyFactsSQL = `SELECT COALESCE(d.case_id, 0), COALESCE(d.proposed, ''), COALESCE(d.proposed_why, ''), COALESCE(d.level, ''),
	COALESCE(d.note, ''), COALESCE(d.confirmed_by, 0), d.confirmed_at, COALESCE(u.display_name, ''),
	COALESCE((SELECT f.closure_day FROM eval_facts f WHERE f.case_id = $1), ''),
	(SELECT COUNT(*) FROM parties p WHERE p.case_id = $1),
	(SELECT COUNT(*) FROM mediation_sessions s WHERE s.case_id = $1 AND s.status = 'held'),
	CASE WHEN EXISTS (SELECT 1 FROM subsidy_lines l WHERE l.case_id = $1) THEN 1 ELSE 0 END,
	CASE WHEN EXISTS (SELECT 1 FROM subsidy_failures x WHERE x.case_id = $1) THEN 1 ELSE 0 END
	FROM cases c LEFT JOIN case_difficulty d ON d.case_id = c.id LEFT JOIN users u ON u.id = d.confirmed_by WHERE c.id = $1`

func (db *DB) CaseSubsidyFacts(ctx context.Context, caseID int64) (store.CaseSubsidyFacts, error) {
	var f store.CaseSubsidyFacts
	var at sql.NullTime
	var lines, fails int
	d := &f.Difficulty
	err := db.read().QueryRowContext(ctx, caseSubsidyFactsSQL, caseID).Scan(&d.CaseID, &d.Proposed, &d.ProposedWhy, &d.Level, &d.Note,
		&d.ConfirmedBy, &at, &d.ByName, &f.ClosureDay, &f.Parties, &f.HeldSessions, &lines, &fails)
	if err != nil {
		return f, db.wrap("case subsidy facts", err)
	}
	if at.Valid {
		d.ConfirmedAt = at.Time.UTC()
	}
	f.HasLines, f.HasFailures = lines != 0, fails != 0
	return f, nil
}

func (db *DB) CaseSubsidy(ctx context.Context, caseID int64) ([]store.SubsidyLine, []store.SubsidyFailure, error) {
	lines, err := db.batchLines(ctx, `l.case_id = $1 ORDER BY b.period DESC, b.id DESC`, caseID)
	if err != nil {
		return nil, nil, err
	}
	rows, err := db.read().QueryContext(ctx, `SELECT f.gate, f.reason, f.pending, b.period, b.status FROM subsidy_failures f
		JOIN subsidy_batches b ON b.id = f.batch_id WHERE f.case_id = $1 ORDER BY b.period DESC, b.id DESC`, caseID)
	if err != nil {
		return nil, nil, db.wrap("case subsidy failures", err)
	}
	defer rows.Close()
	var fails []store.SubsidyFailure
	for rows.Next() {
		f := store.SubsidyFailure{CaseID: caseID}
		var pending int
		if err := rows.Scan(&f.Gate, &f.Reason, &pending, &f.Period, &f.Status); err != nil {
			return nil, nil, db.wrap("scan case subsidy failure", err)
		}
		f.Pending = pending != 0
		fails = append(fails, f)
	}
	return lines, fails, db.wrap("case subsidy failures", rows.Err())
}
