package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/tiaojie/tiaojie/internal/domain"
	"github.com/tiaojie/tiaojie/internal/store"
)

// Stored due dates (migration 00062): the columns next_due, due_state and
// due_mark of cases, kept pending by triggers and computed by the
// refresher in internal/desk.

// clockStatusesSQL is the clock statuses as the partial indexes of
// migration 69 list them: SQLite uses a partial index only for a query
// that has its terms verbatim.
var clockStatusesSQL = "c.status IN ('" + strings.Join(statusStrings(store.ClockStatuses), "', '") + "')"

// duePendingSQL and dueFloatingSQL are the conditions of the partial
// indexes cases_due_pending (by id) and cases_due_floating (by the stored
// bound), written the same way.
var (
	duePendingSQL  = "c.due_state = 0 AND " + clockStatusesSQL
	dueFloatingSQL = "c.due_state = 2 AND " + clockStatusesSQL
)

// pendingFrom and floatingFrom name the cases table for a query on those
// conditions: SQLite is told to use the partial index (its planner prefers
// an index on status, which holds every open case, not the few it needs);
// PostgreSQL chooses it by itself.
func (db *DB) pendingFrom() string { return db.indexedBy("cases_due_pending") }

func (db *DB) floatingFrom() string { return db.indexedBy("cases_due_floating") }

func (db *DB) indexedBy(index string) string {
	if db.d.Name == "postgres" {
		return "cases c"
	}
	return "cases c INDEXED BY " + index
}

func statusStrings(ss []domain.Status) []string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = string(s)
	}
	return out
}

func (db *DB) DueIndex(ctx context.Context, maxBacklog int) (string, int, error) {
	backlog := "0"
	if maxBacklog > 0 {
		backlog = `(SELECT COUNT(*) FROM (SELECT 1 FROM ` + db.pendingFrom() + ` WHERE ` + duePendingSQL +
			fmt.Sprintf(` LIMIT %d) t)`, maxBacklog+1)
	}
	query := `SELECT rules, ` + backlog + ` FROM due_index WHERE id = 1`
	// The same answer until a case or the due index changes
	// (countcache.go); a transaction sees its own writes and asks.
	type state struct {
		rules string
		n     int
	}
	scan := func(r *sql.Row) (any, error) {
		var st state
		err := r.Scan(&st.rules, &st.n)
		return st, err
	}
	if db.cur == nil {
		if a, ok, err := db.counts.remembered(ctx, db.read(), query, nil, scan); ok || err != nil {
			st, _ := a.(state)
			return st.rules, st.n, db.wrap("read the due index's state", err)
		}
	}
	a, err := scan(db.read().QueryRowContext(ctx, query))
	st, _ := a.(state)
	return st.rules, st.n, db.wrap("read the due index's state", err)
}

func (db *DB) SetDueRules(ctx context.Context, digest string) error {
	_, err := db.writeOn("due_index", 1).ExecContext(ctx, `UPDATE due_index SET rules = $1, updated_at = $2 WHERE id = 1`,
		digest, time.Now().UTC())
	return db.wrap("set due index rules", err)
}

func (db *DB) DueToCompute(ctx context.Context, afterID int64, all bool, limit int) ([]store.DueCase, error) {
	from, cond := db.pendingFrom(), duePendingSQL
	if all {
		from, cond = "cases c", "c.status IN ('"+strings.Join(statusStrings(store.ClockStatuses), "', '")+"')"
	}
	return db.dueToCompute(ctx, from, cond, limit, afterID)
}

func (db *DB) DueFloating(ctx context.Context, by int, afterID int64, limit int) ([]store.DueCase, error) {
	return db.dueToCompute(ctx, db.floatingFrom(), "c.next_due <= $2 AND "+dueFloatingSQL, limit, afterID, by)
}

// dueToCompute reads the cases of a due date computation: cond on from,
// with $1 the id they follow and args from $2.
func (db *DB) dueToCompute(ctx context.Context, from, cond string, limit int, args ...any) ([]store.DueCase, error) {
	rows, err := db.read().QueryContext(ctx, `SELECT `+db.caseColumns()+`, c.due_mark, c.due_state, COALESCE(c.next_due, 0) FROM `+from+` WHERE c.id > $1 AND `+cond+
		fmt.Sprintf(` ORDER BY c.id LIMIT %d`, max(limit, 1)), args...)
	if err != nil {
		return nil, db.wrap("list cases to compute due dates", err)
	}
	defer rows.Close()
	var out []store.DueCase
	for rows.Next() {
		var dc store.DueCase
		var state int
		c, err := scanCase(withTail{rows, []any{&dc.Mark, &state, &dc.Next}})
		if err != nil {
			return nil, db.wrap("scan case to compute due date", err)
		}
		dc.Case, dc.State = c, store.DueState(state)
		out = append(out, dc)
	}
	return out, db.wrap("list cases to compute due dates", rows.Err())
}

// withTail scans the columns after caseCols into tail.
type withTail struct {
	rows interface{ Scan(...any) error }
	tail []any
}

func (w withTail) Scan(dest ...any) error { return w.rows.Scan(append(dest, w.tail...)...) }

// dueColumns is what a due-date list selects and how it reads a row: the
// case (whole or brief, as rowColumns) and its due mark (store.Case.DueMark).
func (db *DB) dueColumns(brief bool) (string, func(interface{ Scan(...any) error }) (store.Case, error)) {
	cols, scan := db.rowColumns(brief)
	return cols + ", c.due_mark", func(row interface{ Scan(...any) error }) (store.Case, error) {
		var mark int64
		c, err := scan(withTail{row, []any{&mark}})
		c.DueMark = mark
		return c, err
	}
}

func (db *DB) SetDue(ctx context.Context, vals []store.DueValue) (int, error) {
	if len(vals) == 0 {
		return 0, nil
	}
	stored := 0
	err := db.tx(ctx, "refresh due dates", func(t *wtx) error {
		stored = 0
		for _, v := range vals {
			var next any
			if v.Next != 0 {
				next = v.Next
			}
			res, err := t.ExecContext(ctx, `UPDATE cases SET next_due = $1, due_state = $2 WHERE id = $3 AND due_mark = $4`,
				next, int(v.State), v.CaseID, v.Mark)
			if err != nil {
				return err
			}
			n, err := res.RowsAffected()
			if err != nil {
				return err
			}
			stored += int(n)
		}
		return nil
	})
	return stored, err
}

// dueFilters are q's conditions but the date. On SQLite the unary + keeps
// the planner on the date indexes (the room's or the mediator's when set
// and byRoom), which give the order, instead of the path indexes, which
// would read the whole scope and sort it.
func (db *DB) dueFilters(q store.DueQuery, byRoom bool, arg func(any) string) []string {
	plus := "+"
	if db.d.Name == "postgres" {
		plus = ""
	}
	drive := plus
	if byRoom {
		drive = ""
	}
	var conds []string
	if !q.Scope.All {
		conds = append(conds, scopeRanges(q.Scope.Prefixes, plus, arg))
	}
	if len(q.Statuses) > 0 {
		var ss []string
		for _, s := range q.Statuses {
			ss = append(ss, arg(string(s)))
		}
		conds = append(conds, plus+"c.status IN ("+strings.Join(ss, ", ")+")")
	}
	if q.RoomID != 0 {
		conds = append(conds, drive+"c.room_id = "+arg(q.RoomID))
	}
	if q.Presiding != 0 {
		conds = append(conds, drive+"c.presiding_id = "+arg(q.Presiding))
	}
	if q.From != nil {
		conds = append(conds, plus+"c.received_at >= "+arg(q.From.UTC()))
	}
	if q.To != nil {
		conds = append(conds, plus+"c.received_at < "+arg(q.To.UTC()))
	}
	return conds
}

func (db *DB) DueCases(ctx context.Context, q store.DueQuery) ([]store.Case, int, bool, error) {
	if !q.Scope.All && len(q.Scope.Prefixes) == 0 {
		return nil, 0, false, nil
	}
	var args []any
	arg := func(v any) string { args = append(args, v); return fmt.Sprintf("$%d", len(args)) }
	// The first two terms are the partial indexes' condition, verbatim.
	index := []string{"c.next_due IS NOT NULL", "c.due_state = 1", "c.next_due <= " + arg(q.By)}
	filters := db.dueFilters(q, true, arg)
	where := strings.Join(append(index[:len(index):len(index)], filters...), " AND ")
	cols, scan := db.dueColumns(q.Brief)
	page := `SELECT ` + cols + ` FROM cases c WHERE ` + where + fmt.Sprintf(` ORDER BY c.next_due, c.id LIMIT %d`, q.Limit)
	countFrom := `SELECT 1 FROM cases c WHERE ` + where
	via := db.read
	if db.d.Name == "postgres" && q.RoomID == 0 && q.Presiding == 0 && q.From == nil && q.To == nil {
		// A scope's list walks the due-date index in its order, the scope
		// and statuses a filter, as its plan with the values did: planned
		// once (readGeneric; 0.2 ms of planning each for the page and the
		// count at 100,000 cases, more while the index's ends hold dead
		// entries, which planning with values reads), the filters after a
		// fence (fenced; without it, a bitmap AND of the path indexes took
		// 350-860 ms at 1,000,000 cases).
		const walked = "c.next_due, c.id, c.status, c.org_path, c.diverted_by_path"
		page = `SELECT ` + cols + ` FROM (SELECT c.next_due, c.id FROM ` + fenced(walked, "cases c", index, " ORDER BY c.next_due, c.id", filters) +
			fmt.Sprintf(` ORDER BY c.next_due, c.id LIMIT %d) k JOIN cases c ON c.id = k.id ORDER BY k.next_due, k.id`, q.Limit)
		countFrom = `SELECT 1 FROM ` + fenced(walked, "cases c", index, "", filters)
		via = db.readGeneric
	}
	var out []store.Case
	if q.Limit > 0 {
		rows, err := via().QueryContext(ctx, page, args...)
		if err != nil {
			return nil, 0, false, db.wrap("list cases by due date", err)
		}
		defer rows.Close()
		for rows.Next() {
			c, err := scan(rows)
			if err != nil {
				return nil, 0, false, db.wrap("scan case by due date", err)
			}
			out = append(out, c)
		}
		if err := rows.Err(); err != nil {
			return nil, 0, false, db.wrap("list cases by due date", err)
		}
	}
	if q.CountCap < 0 {
		return out, 0, false, nil
	}
	// A page short of its limit holds every match (the desk's due section
	// and the overdue list of a scope with few): that is the count.
	if q.Limit > 0 && len(out) < q.Limit {
		return out, len(out), false, nil
	}
	limit := ""
	if q.CountCap > 0 {
		limit = fmt.Sprintf(" LIMIT %d", q.CountCap+1)
	}
	// A count is the same until a case changes (countcache.go).
	n64, err := db.countCases(ctx, via(), `SELECT COUNT(*) FROM (`+countFrom+limit+`) t`, args)
	if err != nil {
		return nil, 0, false, db.wrap("count cases by due date", err)
	}
	n := int(n64)
	if q.CountCap > 0 && n > q.CountCap {
		return out, q.CountCap, true, nil
	}
	return out, n, false, nil
}

func (db *DB) CompactAfterBurst(ctx context.Context) error {
	if db.d.Name != "postgres" {
		return nil
	}
	// Outside a transaction, as both must be.
	if _, err := db.w.ExecContext(ctx, `REINDEX INDEX CONCURRENTLY cases_due_pending`); err != nil {
		return db.wrap("compact the index of pending due dates", err)
	}
	// The burst's due dates are new to the planner's statistics, which
	// still count those cases pending: it then chose the mediator's due
	// index for the overdue list, read all of it and sorted (6.0 ms at
	// 1,000,000 cases against 0.5 after ANALYZE). Sampling, 0.6 s there;
	// writers go on.
	if _, err := db.w.ExecContext(ctx, `ANALYZE cases`); err != nil {
		return db.wrap("refresh the case table's statistics", err)
	}
	// The rewrite waits for the counters' row locks, and writers of cases
	// queue behind it meanwhile: it gives up after a second (a long
	// transaction is writing) and the next burst tries again.
	conn, err := db.w.Conn(ctx)
	if err != nil {
		return db.wrap("compact the case counters", err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, `SET lock_timeout = '1s'`); err != nil {
		return db.wrap("compact the case counters", err)
	}
	_, err = conn.ExecContext(ctx, `VACUUM (FULL, ANALYZE) case_counts`)
	if _, rerr := conn.ExecContext(ctx, `RESET lock_timeout`); err == nil {
		err = rerr
	}
	if err != nil && db.d.IsLockTimeout != nil && db.d.IsLockTimeout(err) {
		return nil
	}
	return db.wrap("compact the case counters", err)
}

func (db *DB) DueUnfixed(ctx context.Context, q store.DueQuery) ([]store.Case, error) {
	if !q.Scope.All && len(q.Scope.Prefixes) == 0 {
		return nil, nil
	}
	var args []any
	arg := func(v any) string { args = append(args, v); return fmt.Sprintf("$%d", len(args)) }
	// Every pending case, and the floating ones whose stored bound is
	// within the list's range: each from its partial index (migration 69).
	pending := []string{duePendingSQL}
	floating := []string{dueFloatingSQL}
	if q.By > 0 {
		floating = append(floating, "c.next_due <= "+arg(q.By))
	}
	pendingFilters := db.dueFilters(q, false, arg)
	floatingFilters := db.dueFilters(q, false, arg)
	limit := q.Limit
	if limit <= 0 {
		limit = math.MaxInt32
	}
	// branch reads one partial index. SQLite is told which (INDEXED BY)
	// and takes the filters with it. PostgreSQL plans the statement once
	// (readGeneric: planning its two branches with their values took
	// 0.7 ms for 0.03 ms of work at 100,000 cases), the filters after a
	// fence (fenced): without it, once many cases were pending (after a
	// change of the rules), a status list drove a bitmap of the status
	// index instead of the partial index. The index holds every column a
	// filter reads.
	via := db.read
	branch := func(from string, index, filters []string) string {
		if db.d.Name != "postgres" {
			return `SELECT c.id FROM ` + from + ` WHERE ` + strings.Join(append(index, filters...), " AND ")
		}
		return `SELECT c.id FROM ` + fenced("c.id, c.status, c.org_path, c.diverted_by_path, c.room_id, c.presiding_id, c.received_at", from, index, "", filters)
	}
	if db.d.Name == "postgres" {
		via = db.readGeneric
	}
	// The ids first, from the partial indexes alone (they hold every column
	// a filter reads), then the rows by key: asked for the rows at once,
	// PostgreSQL costed the heap visits of the index's entries above a walk
	// of every open case by status (447 ms against 1 ms at 1,000,000 cases).
	// The LIMIT keeps the subquery from being merged into the join.
	cols, scan := db.dueColumns(q.Brief)
	rows, err := via().QueryContext(ctx, `SELECT `+cols+` FROM (SELECT id FROM (`+branch(db.pendingFrom(), pending, pendingFilters)+
		` UNION ALL `+branch(db.floatingFrom(), floating, floatingFilters)+
		fmt.Sprintf(`) u ORDER BY id LIMIT %d) k JOIN cases c ON c.id = k.id ORDER BY c.id`, limit), args...)
	if err != nil {
		return nil, db.wrap("list cases with due dates computed on read", err)
	}
	defer rows.Close()
	var out []store.Case
	for rows.Next() {
		c, err := scan(rows)
		if err != nil {
			return nil, db.wrap("scan case with due date computed on read", err)
		}
		out = append(out, c)
	}
	return out, db.wrap("list cases with due dates computed on read", rows.Err())
}
