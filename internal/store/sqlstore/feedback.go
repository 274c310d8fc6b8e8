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

// closingTypes are the events that can close a case for the feedback.
var closingTypes = []domain.Action{domain.ActionReachAgreement, domain.ActionTerminate, domain.ActionWithdraw,
	domain.ActionODRSettled, domain.ActionReject}

// closingTypesSQL lists closingTypes as SQL literals, as the partial index
// case_events_closing (migration 78) does: a bound parameter would not
// match it (TestClosingTypesMatchIndex).
const closingTypesSQL = `('reach_agreement', 'terminate', 'withdraw', 'odr_settled', 'reject')`

func (db *DB) FeedbackCases(ctx context.Context, q store.FeedbackQuery) ([]store.FeedbackInput, error) {
	var where []string
	var args []any
	arg := func(v any) string { args = append(args, v); return fmt.Sprintf("$%d", len(args)) }
	if !q.Scope.All {
		if len(q.Scope.Prefixes) == 0 {
			return nil, nil
		}
		var ors []string
		for _, p := range q.Scope.Prefixes {
			lo, hi := prefixRange(p)
			l, h := arg(lo), arg(hi)
			ors = append(ors, fmt.Sprintf("(c.org_path >= %s AND c.org_path < %s)", l, h),
				fmt.Sprintf("(c.diverted_by_path >= %s AND c.diverted_by_path < %s)", l, h))
		}
		where = append(where, "("+strings.Join(ors, " OR ")+")")
	}
	if q.OfficePath != "" {
		lo, hi := prefixRange(q.OfficePath)
		where = append(where, fmt.Sprintf("c.diverted_by_path >= %s AND c.diverted_by_path < %s", arg(lo), arg(hi)))
	}
	where = append(where, fmt.Sprintf("(c.channel = %s OR d.kind IN (%s, %s))", arg(string(domain.Channel12315)),
		arg(string(domain.OrgRegulatorOffice)), arg(string(domain.OrgRegulatorBureau))))
	// From the closing events of the window (their partial index), each
	// case looked up by id: the window's closings, whatever the years of
	// cases in the scope. CROSS JOIN keeps SQLite from starting at the
	// scope's cases (PostgreSQL plans it as any join).
	where = append(where, "c.id = e.case_id", "e.type IN "+closingTypesSQL,
		"e.at >= "+arg(q.From.UTC()), "e.at < "+arg(q.To.UTC()), "c.received_at < "+arg(q.To.UTC()))
	limit := q.Limit
	if limit <= 0 || limit > store.MaxFeedbackCases {
		limit = store.MaxFeedbackCases
	}
	rows, err := db.read().QueryContext(ctx, `SELECT DISTINCT c.id FROM case_events e CROSS JOIN cases c LEFT JOIN org_units d ON d.id = c.diverted_by_org_id
		WHERE `+strings.Join(where, " AND ")+` ORDER BY c.id LIMIT `+arg(limit), args...)
	if err != nil {
		return nil, db.wrap("list feedback cases", err)
	}
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return nil, db.wrap("scan feedback case", err)
		}
		ids = append(ids, id)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, db.wrap("list feedback cases", err)
	}
	return db.loadFeedbackInputs(ctx, ids)
}

func (db *DB) FeedbackCase(ctx context.Context, caseID int64) (store.FeedbackInput, error) {
	in, err := db.loadFeedbackInputs(ctx, []int64{caseID})
	if err != nil {
		return store.FeedbackInput{}, err
	}
	if len(in) == 0 {
		return store.FeedbackInput{}, fmt.Errorf("feedback case %d: %w", caseID, store.ErrNotFound)
	}
	return in[0], nil
}

// loadFeedbackInputs loads the cases with ids (those that exist), in id order.
func (db *DB) loadFeedbackInputs(ctx context.Context, ids []int64) ([]store.FeedbackInput, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	q := db.read()
	var out []store.FeedbackInput
	byID := map[int64]int{}
	// Large selections load in chunks so the IN lists stay short.
	for start := 0; start < len(ids); start += 500 {
		chunk := ids[start:min(start+500, len(ids))]
		eins, err := loadEvalInputs(ctx, q, chunk)
		if err != nil {
			return nil, db.wrap("load feedback cases", err)
		}
		for _, e := range eins {
			byID[e.Case.ID] = len(out)
			out = append(out, store.FeedbackInput{EvalInput: e})
		}
		if err := db.loadFeedbackParts(ctx, q, chunk, out, byID); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func (db *DB) loadFeedbackParts(ctx context.Context, q querier, ids []int64, out []store.FeedbackInput, byID map[int64]int) error {
	in := idList(ids)
	each := func(what, query string, scan func(rows *sql.Rows) error) error {
		rows, err := q.QueryContext(ctx, query)
		if err != nil {
			return db.wrap(what, err)
		}
		defer rows.Close()
		for rows.Next() {
			if err := scan(rows); err != nil {
				return db.wrap(what, err)
			}
		}
		return db.wrap(what, rows.Err())
	}
	err := each("load feedback units", `SELECT c.id, COALESCE(d.name, ''), COALESCE(d.code, ''), COALESCE(r.name, '')
		FROM cases c LEFT JOIN org_units d ON d.id = c.diverted_by_org_id LEFT JOIN org_units r ON r.id = c.room_id
		WHERE c.id IN (`+in+`)`, func(rows *sql.Rows) error {
		var id int64
		var dn, dc, rn string
		if err := rows.Scan(&id, &dn, &dc, &rn); err != nil {
			return err
		}
		if i, ok := byID[id]; ok {
			out[i].DiverterName, out[i].DiverterCode, out[i].RoomName = dn, dc, rn
		}
		return nil
	})
	if err != nil {
		return err
	}
	err = each("load feedback sessions", `SELECT case_id, kind, status, starts_at FROM mediation_sessions
		WHERE case_id IN (`+in+`) ORDER BY case_id, starts_at, id`, func(rows *sql.Rows) error {
		var s store.Session
		if err := rows.Scan(&s.CaseID, &s.Kind, &s.Status, &s.StartsAt); err != nil {
			return err
		}
		s.StartsAt = s.StartsAt.UTC()
		if i, ok := byID[s.CaseID]; ok {
			out[i].Sessions = append(out[i].Sessions, s)
		}
		return nil
	})
	if err != nil {
		return err
	}
	err = each("load feedback leads", `SELECT case_id, COUNT(*) FROM violation_leads WHERE case_id IN (`+in+`) GROUP BY case_id`,
		func(rows *sql.Rows) error {
			var id int64
			var n int
			if err := rows.Scan(&id, &n); err != nil {
				return err
			}
			if i, ok := byID[id]; ok {
				out[i].Leads = n
			}
			return nil
		})
	if err != nil {
		return err
	}
	return each("load feedback edits", `SELECT case_id, result, method, summary, COALESCE(updated_by, 0), updated_by_name, updated_at
		FROM feedback_12315 WHERE case_id IN (`+in+`)`, func(rows *sql.Rows) error {
		var e store.FeedbackEdit
		if err := rows.Scan(&e.CaseID, &e.Result, &e.Method, &e.Summary, &e.UpdatedBy, &e.UpdatedByName, &e.UpdatedAt); err != nil {
			return err
		}
		e.UpdatedAt = e.UpdatedAt.UTC()
		if i, ok := byID[e.CaseID]; ok {
			out[i].Edit = &e
		}
		return nil
	})
}

func (db *DB) PutFeedbackEdit(ctx context.Context, e store.FeedbackEdit) error {
	if e.UpdatedAt.IsZero() {
		e.UpdatedAt = time.Now()
	}
	_, err := db.writeOn("case", e.CaseID).ExecContext(ctx, `INSERT INTO feedback_12315 (case_id, result, method, summary, updated_by,
		updated_by_name, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7)
		ON CONFLICT (case_id) DO UPDATE SET result = excluded.result, method = excluded.method, summary = excluded.summary,
		updated_by = excluded.updated_by, updated_by_name = excluded.updated_by_name, updated_at = excluded.updated_at`,
		e.CaseID, e.Result, e.Method, e.Summary, nullInt(e.UpdatedBy), e.UpdatedByName, e.UpdatedAt.UTC())
	return db.wrap("put feedback edit", err)
}
