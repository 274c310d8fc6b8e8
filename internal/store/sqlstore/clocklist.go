package sqlstore

import (
	"context"
	"fmt"
	"strings"

	"github.com/tiaojie/tiaojie/internal/store"
)

// defaultClockLimit bounds ClockCandidates when the caller sets no limit.
const defaultClockLimit = 100_000

// ClockCandidates answers the clock lists (due=overdue, due=soon, the
// desk's due section): the caller has turned "due by day D" into "starts
// before T" for each clock (calendar.LatestStart), so each branch and status
// is one range scan of an index that leads with (status, start date)
// (migration 00059). The scope and the room are tested on the rows found:
// the candidates are the cases near their deadline, few beside the scope.
func (db *DB) ClockCandidates(ctx context.Context, q store.ClockQuery) ([]store.Case, bool, error) {
	if !q.Scope.All && len(q.Scope.Prefixes) == 0 {
		return nil, false, nil
	}
	limit := q.Limit
	if limit <= 0 {
		limit = defaultClockLimit
	}
	var args []any
	arg := func(v any) string { args = append(args, v); return fmt.Sprintf("$%d", len(args)) }
	// SQLite: the unary + keeps the planner on the status-and-date index
	// instead of the path or room indexes, which would read the whole scope.
	plus := "+"
	if db.d.Name == "postgres" {
		plus = ""
	}
	var common []string
	if !q.Scope.All {
		common = append(common, scopeRanges(q.Scope.Prefixes, plus, arg))
	}
	if q.RoomID != 0 {
		common = append(common, plus+"c.room_id = "+arg(q.RoomID))
	}
	var parts []string
	for _, b := range q.Branches {
		before := arg(b.Before.UTC())
		var ranges []string
		switch b.Start {
		case store.StartReceived:
			ranges = []string{"c.accepted_at IS NULL AND c.received_at < " + before}
		case store.StartAccepted:
			ranges = []string{"c.accepted_at < " + before}
		case store.StartClosed:
			ranges = []string{"c.closed_at IS NULL", "c.closed_at < " + before}
		default:
			return nil, false, fmt.Errorf("clock candidates: unknown clock start %q", b.Start)
		}
		unless := ""
		if b.Unless != "" {
			// A literal, not a parameter: only then may the engines use the
			// partial index on that event type (migration 00059).
			if strings.Trim(b.Unless, "abcdefghijklmnopqrstuvwxyz_") != "" {
				return nil, false, fmt.Errorf("clock candidates: bad event type %q", b.Unless)
			}
			unless = " AND NOT EXISTS (SELECT 1 FROM case_events e WHERE e.case_id = c.id AND e.type = '" + b.Unless + "')"
		}
		for _, st := range b.Statuses {
			s := arg(string(st))
			for _, r := range ranges {
				conds := append([]string{"c.status = " + s, r}, common...)
				parts = append(parts, "SELECT c.id FROM cases c WHERE "+strings.Join(conds, " AND ")+unless)
			}
		}
	}
	if len(parts) == 0 {
		return nil, false, nil
	}
	rows, err := db.read().QueryContext(ctx, `SELECT `+db.caseColumns()+` FROM cases c WHERE c.id IN (`+strings.Join(parts, " UNION ALL ")+
		fmt.Sprintf(`) ORDER BY c.received_at, c.id LIMIT %d`, limit+1), args...)
	if err != nil {
		return nil, false, db.wrap("list clock candidates", err)
	}
	defer rows.Close()
	var out []store.Case
	for rows.Next() {
		c, err := scanCase(rows)
		if err != nil {
			return nil, false, db.wrap("scan clock candidate", err)
		}
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		return nil, false, db.wrap("list clock candidates", err)
	}
	if len(out) > limit {
		return out[:limit], true, nil
	}
	return out, false, nil
}

// scopeRanges is the condition "under one of the prefixes, by the case's
// own path or the diverting unit's", as ranges (prefixRange); plus is "+"
// to keep SQLite's planner off the path indexes, "" otherwise.
func scopeRanges(prefixes []string, plus string, arg func(any) string) string {
	var ors []string
	for _, p := range prefixes {
		lo, hi := prefixRange(p)
		l, h := arg(lo), arg(hi)
		ors = append(ors, fmt.Sprintf("(%[1]sc.org_path >= %[2]s AND %[1]sc.org_path < %[3]s)", plus, l, h),
			fmt.Sprintf("(%[1]sc.diverted_by_path >= %[2]s AND %[1]sc.diverted_by_path < %[3]s)", plus, l, h))
	}
	return "(" + strings.Join(ors, " OR ") + ")"
}

// clockEventTypesSQL is ClockEventTypes as the literal list of the partial
// index's WHERE: both engines use that index only for a query whose
// condition is the same expression, constants included.
var clockEventTypesSQL = "type IN ('" + strings.Join(store.ClockEventTypes, "', '") + "')"

// ClockEventsOf reads the clock events of the cases from the covering
// partial index case_events_clock: the rows of the event log (notes and
// data, the other events) are not read.
func (db *DB) ClockEventsOf(ctx context.Context, caseIDs []int64) (map[int64][]store.Event, error) {
	out := map[int64][]store.Event{}
	err := eachChunk(caseIDs, func(args []any) error {
		rows, err := db.readGeneric().QueryContext(ctx, `SELECT id, case_id, seq, type, at FROM case_events
			WHERE case_id IN (`+inList(1, idChunk)+`) AND `+clockEventTypesSQL+` ORDER BY case_id, seq`, args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var e store.Event
			if err := rows.Scan(&e.ID, &e.CaseID, &e.Seq, &e.Type, &e.At); err != nil {
				return err
			}
			e.At = e.At.UTC()
			out[e.CaseID] = append(out[e.CaseID], e)
		}
		return rows.Err()
	})
	return out, db.wrap("list clock events of cases", err)
}
