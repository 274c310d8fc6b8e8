package sqlstore

import (
	"cmp"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/tiaojie/tiaojie/internal/domain"
	"github.com/tiaojie/tiaojie/internal/store"
)

// markDirty queues a case for the evaluation catch-up, in the transaction
// that wrote its event. ON CONFLICT DO UPDATE (not DO NOTHING) takes the
// row's lock, so a catch-up claiming the case waits for this transaction
// and then reads its event: no committed event is ever skipped.
func markDirty(ctx context.Context, tx execer, caseIDs ...int64) error {
	ids := slices.Clone(caseIDs)
	slices.Sort(ids) // one lock order for every writer
	ids = slices.Compact(ids)
	for len(ids) > 0 {
		n := min(len(ids), 500)
		var b strings.Builder
		b.WriteString(`INSERT INTO eval_dirty (case_id) VALUES `)
		for i, id := range ids[:n] {
			if i > 0 {
				b.WriteString(", ")
			}
			fmt.Fprintf(&b, "(%d)", id)
		}
		b.WriteString(` ON CONFLICT (case_id) DO UPDATE SET marks = eval_dirty.marks + 1` + oneOff) // ids inlined
		if _, err := tx.ExecContext(ctx, b.String()); err != nil {
			return fmt.Errorf("mark case for evaluation: %w", err)
		}
		ids = ids[n:]
	}
	return nil
}

func idList(ids []int64) string {
	parts := make([]string, len(ids))
	for i, id := range ids {
		parts[i] = strconv.FormatInt(id, 10)
	}
	return strings.Join(parts, ", ")
}

func (db *DB) EvalPending(ctx context.Context) (int64, error) {
	var n int64
	err := db.read().QueryRowContext(ctx, `SELECT COUNT(*) FROM (SELECT 1 FROM eval_dirty LIMIT $1) pending`, store.PendingCap+1).Scan(&n)
	return n, db.wrap("count pending evaluation", err)
}

// evalTx runs fn in a transaction of its own that stays off the audit trail
// (rollups are derived data), serialised against other catch-ups.
func (db *DB) evalTx(ctx context.Context, what string, fn func(*sql.Tx) error) error {
	return db.rollupTx(ctx, what, 74110011, fn)
}

// skipLocked makes a catch-up's claim pass over the marks a writer still
// holds (PostgreSQL): waiting for them while writers mark several cases in
// one transaction (a bulk load, the demo) can close a lock cycle. A skipped
// mark stays and the next round takes it after the writer commits. SQLite
// has one writer: nothing to skip.
func (db *DB) skipLocked() string {
	if db.d.Name == "postgres" {
		return " FOR UPDATE SKIP LOCKED"
	}
	return ""
}

// rollupTx is a derived-data transaction off the audit trail; catch-ups of
// one kind take turns through the advisory lock named by lock (SQLite has
// one writer already).
func (db *DB) rollupTx(ctx context.Context, what string, lock int64, fn func(*sql.Tx) error) error {
	if db.cur != nil {
		return fmt.Errorf("%s: not inside another transaction", what)
	}
	tx, err := db.w.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("%s: begin: %w", what, err)
	}
	if db.d.Name == "postgres" {
		if _, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock($1)`, lock); err != nil {
			_ = tx.Rollback()
			return fmt.Errorf("%s: lock: %w", what, err)
		}
	}
	if err := fn(tx); err != nil {
		_ = tx.Rollback()
		return db.wrap(what, err)
	}
	return db.wrap(what+": commit", tx.Commit())
}

func (db *DB) EvalReset(ctx context.Context) error {
	return db.evalTx(ctx, "reset evaluation", func(tx *sql.Tx) error {
		for _, t := range []string{"eval_facts", "eval_day", "eval_day_unit", "eval_month", "eval_month_dim", "eval_running", "eval_hist_day", "eval_hist_month", "eval_hist_committee", "eval_dirty"} {
			if _, err := tx.ExecContext(ctx, `DELETE FROM `+t); err != nil {
				return fmt.Errorf("empty %s: %w", t, err)
			}
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO eval_dirty (case_id) SELECT id FROM cases`)
		return err
	})
}

func (db *DB) EvalCatchUp(ctx context.Context, limit int, derive func([]store.EvalInput) ([]store.EvalFact, error)) (int, error) {
	taken := 0
	err := db.evalTx(ctx, "evaluation catch-up", func(tx *sql.Tx) error {
		// Claim first: a mark a writer still holds is passed over (it stays
		// for the next round), so the reads below see every claimed case's
		// committed events.
		rows, err := tx.QueryContext(ctx, `DELETE FROM eval_dirty WHERE case_id IN
			(SELECT case_id FROM eval_dirty ORDER BY case_id LIMIT $1`+db.skipLocked()+`) RETURNING case_id`, limit)
		if err != nil {
			return fmt.Errorf("claim dirty cases: %w", err)
		}
		ids, err := scanIDs(rows)
		if err != nil || len(ids) == 0 {
			return err
		}
		slices.Sort(ids)
		taken = len(ids)
		inputs, err := loadEvalInputs(ctx, tx, ids)
		if err != nil {
			return err
		}
		old, err := loadEvalFacts(ctx, tx, "eval_facts", `WHERE case_id IN (`+idList(ids)+`)`+oneOff, nil, true)
		if err != nil {
			return err
		}
		fresh, err := derive(inputs)
		if err != nil {
			return fmt.Errorf("derive facts: %w", err)
		}
		var d evalDelta
		for _, f := range old {
			d.add(f, -1)
		}
		for _, f := range fresh {
			d.add(f, +1)
		}
		if err := db.applyEvalDelta(ctx, tx, &d); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM eval_facts WHERE case_id IN (`+idList(ids)+`)`+oneOff); err != nil {
			return fmt.Errorf("drop old facts: %w", err)
		}
		return db.insertEvalFacts(ctx, tx, fresh)
	})
	return taken, err
}

func scanIDs(rows *sql.Rows) ([]int64, error) {
	defer rows.Close()
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
}

func loadEvalInputs(ctx context.Context, tx querier, ids []int64) ([]store.EvalInput, error) {
	in := idList(ids)
	rows, err := tx.QueryContext(ctx, `SELECT `+caseCols+` FROM cases c WHERE c.id IN (`+in+`) ORDER BY c.id`+oneOff)
	if err != nil {
		return nil, fmt.Errorf("load cases: %w", err)
	}
	byID := map[int64]int{}
	var out []store.EvalInput
	for rows.Next() {
		c, err := scanCase(rows)
		if err != nil {
			rows.Close()
			return nil, fmt.Errorf("scan case: %w", err)
		}
		byID[c.ID] = len(out)
		out = append(out, store.EvalInput{Case: c})
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("load cases: %w", err)
	}
	rows, err = tx.QueryContext(ctx, `SELECT id, case_id, seq, type, from_status, to_status, COALESCE(actor_id, 0),
		actor_name, at, reason_code, note, data FROM case_events WHERE case_id IN (`+in+`) ORDER BY case_id, seq`+oneOff)
	if err != nil {
		return nil, fmt.Errorf("load events: %w", err)
	}
	for rows.Next() {
		var e store.Event
		var from, to string
		if err := rows.Scan(&e.ID, &e.CaseID, &e.Seq, &e.Type, &from, &to, &e.ActorID, &e.ActorName, &e.At,
			&e.ReasonCode, &e.Note, &e.Data); err != nil {
			rows.Close()
			return nil, fmt.Errorf("scan event: %w", err)
		}
		e.FromStatus, e.ToStatus, e.At = domain.Status(from), domain.Status(to), e.At.UTC()
		if i, ok := byID[e.CaseID]; ok {
			out[i].Events = append(out[i].Events, e)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("load events: %w", err)
	}
	rows, err = tx.QueryContext(ctx, `SELECT case_id, COUNT(*) FROM parties WHERE case_id IN (`+in+`) GROUP BY case_id`+oneOff)
	if err != nil {
		return nil, fmt.Errorf("load parties: %w", err)
	}
	for rows.Next() {
		var id int64
		var n int
		if err := rows.Scan(&id, &n); err != nil {
			rows.Close()
			return nil, fmt.Errorf("scan parties: %w", err)
		}
		if i, ok := byID[id]; ok {
			out[i].Parties = n
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("load parties: %w", err)
	}
	rows, err = tx.QueryContext(ctx, `SELECT case_id, terms FROM agreements WHERE case_id IN (`+in+`)`+oneOff)
	if err != nil {
		return nil, fmt.Errorf("load agreements: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var terms string
		if err := rows.Scan(&id, &terms); err != nil {
			return nil, fmt.Errorf("scan agreement: %w", err)
		}
		var list []json.RawMessage
		if err := json.Unmarshal([]byte(terms), &list); err != nil {
			return nil, fmt.Errorf("agreement %d terms: %w", id, err)
		}
		if i, ok := byID[id]; ok {
			out[i].AgreementTerms = len(list)
		}
	}
	return out, rows.Err()
}

const evalFactCols = `case_id, committee_id, room_id, mediator_id, category, channel, outcome, received_day, decided_day,
	closure_day, follow_up_day, overdue_from, overdue_until, returned_first, returned_last, facts, contrib`

// evalFactColsBare are evalFactCols without the contributions, which only
// the rollups' own updates read (a kilobyte of JSON a case).
var evalFactColsBare = strings.TrimSuffix(evalFactCols, ", contrib")

// loadEvalFacts reads the facts of from (eval_facts, or a join ending in it).
func loadEvalFacts(ctx context.Context, q querier, from, where string, args []any, withContrib bool) ([]store.EvalFact, error) {
	cols := evalFactColsBare
	if withContrib {
		cols = evalFactCols
	}
	rows, err := q.QueryContext(ctx, `SELECT `+cols+` FROM `+from+` `+where, args...)
	if err != nil {
		return nil, fmt.Errorf("load evaluation facts: %w", err)
	}
	defer rows.Close()
	var out []store.EvalFact
	for rows.Next() {
		var f store.EvalFact
		var contrib string
		dest := []any{&f.CaseID, &f.CommitteeID, &f.RoomID, &f.MediatorID, &f.Category, &f.Channel, &f.Outcome,
			&f.ReceivedDay, &f.DecidedDay, &f.ClosureDay, &f.FollowUpDay, &f.OverdueFrom, &f.OverdueUntil,
			&f.ReturnedFirst, &f.ReturnedLast, &f.Facts}
		if withContrib {
			dest = append(dest, &contrib)
		}
		if err := rows.Scan(dest...); err != nil {
			return nil, fmt.Errorf("scan evaluation facts: %w", err)
		}
		if withContrib {
			var stored storedContrib
			if err := json.Unmarshal([]byte(contrib), &stored); err != nil {
				return nil, fmt.Errorf("case %d contributions: %w", f.CaseID, err)
			}
			f.Contrib, f.Handling = stored.C, stored.H
		}
		out = append(out, f)
	}
	return out, rows.Err()
}

// storedContrib is what a case added, kept so it can be taken back exactly,
// whatever the rules say by the time it changes.
type storedContrib struct {
	C []store.EvalContribution `json:"c"`
	H []store.EvalHandling     `json:"h"`
}

func (db *DB) insertEvalFacts(ctx context.Context, tx *sql.Tx, facts []store.EvalFact) error {
	for _, f := range facts {
		contrib, err := json.Marshal(storedContrib{C: f.Contrib, H: f.Handling})
		if err != nil {
			return fmt.Errorf("encode contributions: %w", err)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO eval_facts (`+evalFactCols+`)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)`,
			f.CaseID, f.CommitteeID, f.RoomID, f.MediatorID, f.Category, f.Channel, f.Outcome, f.ReceivedDay, f.DecidedDay,
			f.ClosureDay, f.FollowUpDay, f.OverdueFrom, f.OverdueUntil, f.ReturnedFirst, f.ReturnedLast, f.Facts, string(contrib)); err != nil {
			return fmt.Errorf("store facts of case %d: %w", f.CaseID, err)
		}
	}
	return nil
}

// evalKey is one rollup row: a day (or month) and whose figures.
type evalKey struct {
	period                    string
	committee, room, mediator int64
	category, channel         string
}

type histKey struct {
	period                    string
	committee, room, mediator int64
	wd                        int
}

// evalDelta is how much each rollup row moves.
type evalDelta struct {
	day, dayUnit, month            map[evalKey]map[string]int64
	histDay, histMonth, histCommit map[histKey]int64
}

func (d *evalDelta) add(f store.EvalFact, sign int64) {
	if d.day == nil {
		d.day, d.dayUnit, d.month = map[evalKey]map[string]int64{}, map[evalKey]map[string]int64{}, map[evalKey]map[string]int64{}
		d.histDay, d.histMonth, d.histCommit = map[histKey]int64{}, map[histKey]int64{}, map[histKey]int64{}
	}
	bump := func(m map[evalKey]map[string]int64, k evalKey, counter string, n int64) {
		row := m[k]
		if row == nil {
			row = map[string]int64{}
			m[k] = row
		}
		row[counter] += n
	}
	for _, c := range f.Contrib {
		k := evalKey{c.Day, f.CommitteeID, f.RoomID, f.MediatorID, f.Category, f.Channel}
		bump(d.day, k, c.Counter, sign*c.N)
		bump(d.dayUnit, evalKey{c.Day, f.CommitteeID, f.RoomID, f.MediatorID, "", ""}, c.Counter, sign*c.N)
		bump(d.month, evalKey{c.Day[:7], f.CommitteeID, f.RoomID, f.MediatorID, "", ""}, c.Counter, sign*c.N)
	}
	for _, h := range f.Handling {
		d.histDay[histKey{h.Day, f.CommitteeID, f.RoomID, f.MediatorID, h.WD}] += sign
		d.histMonth[histKey{h.Day[:7], f.CommitteeID, f.RoomID, f.MediatorID, h.WD}] += sign
		d.histCommit[histKey{h.Day[:7], f.CommitteeID, 0, 0, h.WD}] += sign
	}
}

// evalUpsert builds a multi-row upsert that adds to the counters.
func (db *DB) evalUpsert(table string, keyCols, valCols []string, rows int, add string) string {
	cols := append(slices.Clone(keyCols), valCols...)
	var b strings.Builder
	fmt.Fprintf(&b, "INSERT INTO %s (%s) VALUES ", table, strings.Join(cols, ", "))
	n := 0
	for r := 0; r < rows; r++ {
		if r > 0 {
			b.WriteString(", ")
		}
		b.WriteByte('(')
		for i := range cols {
			if i > 0 {
				b.WriteString(", ")
			}
			n++
			if db.d.QuestionMarks {
				b.WriteByte('?')
			} else {
				fmt.Fprintf(&b, "$%d", n)
			}
		}
		b.WriteByte(')')
	}
	fmt.Fprintf(&b, " ON CONFLICT (%s) DO UPDATE SET ", strings.Join(keyCols, ", "))
	for i, c := range valCols {
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, "%s = %s.%s + excluded.%s", c, add, c, c)
	}
	return b.String()
}

func (db *DB) applyEvalDelta(ctx context.Context, tx *sql.Tx, d *evalDelta) error {
	if d.day == nil {
		return nil
	}
	write := func(table string, keyCols, valCols []string, rows [][]any) error {
		const chunk = 100
		for len(rows) > 0 {
			n := min(len(rows), chunk)
			var args []any
			for _, r := range rows[:n] {
				args = append(args, r...)
			}
			if _, err := tx.ExecContext(ctx, db.evalUpsert(table, keyCols, valCols, n, table), args...); err != nil {
				return fmt.Errorf("move %s: %w", table, err)
			}
			rows = rows[n:]
		}
		return nil
	}
	counterRows := func(m map[evalKey]map[string]int64, withDims bool) [][]any {
		keys := make([]evalKey, 0, len(m))
		for k, row := range m {
			if nonZero(row) {
				keys = append(keys, k)
			}
		}
		slices.SortFunc(keys, func(a, b evalKey) int { return strings.Compare(fmt.Sprint(a), fmt.Sprint(b)) })
		out := make([][]any, 0, len(keys))
		for _, k := range keys {
			r := []any{k.period, k.committee, k.room, k.mediator}
			if withDims {
				r = append(r, k.category, k.channel)
			}
			for _, c := range store.EvalCounters {
				r = append(r, m[k][c])
			}
			out = append(out, r)
		}
		return out
	}
	histRows := func(m map[histKey]int64) [][]any {
		keys := make([]histKey, 0, len(m))
		for k, n := range m {
			if n != 0 {
				keys = append(keys, k)
			}
		}
		slices.SortFunc(keys, func(a, b histKey) int { return strings.Compare(fmt.Sprint(a), fmt.Sprint(b)) })
		out := make([][]any, 0, len(keys))
		for _, k := range keys {
			out = append(out, []any{k.period, k.committee, k.room, k.mediator, k.wd, m[k]})
		}
		return out
	}
	dims := []string{"day", "committee_id", "room_id", "mediator_id", "category", "channel"}
	if err := write("eval_day", dims, store.EvalCounters, counterRows(d.day, true)); err != nil {
		return err
	}
	if err := write("eval_day_unit", []string{"day", "committee_id", "room_id", "mediator_id"}, store.EvalCounters, counterRows(d.dayUnit, false)); err != nil {
		return err
	}
	if err := write("eval_month", []string{"month", "committee_id", "room_id", "mediator_id"}, store.EvalCounters, counterRows(d.month, false)); err != nil {
		return err
	}
	// eval_running: the all-time sums of the running counters, moved with
	// the months they are the sum of.
	running := map[evalKey]map[string]int64{}
	for k, row := range d.month {
		k.period = ""
		t := running[k]
		if t == nil {
			t = map[string]int64{}
			running[k] = t
		}
		for _, c := range RunningCounters {
			t[c] += row[c]
		}
	}
	var runningRows [][]any
	for _, r := range counterRows(running, false) {
		vals := append([]any{}, r[1:4]...)
		for _, c := range RunningCounters {
			vals = append(vals, r[4+slices.Index(store.EvalCounters, c)])
		}
		runningRows = append(runningRows, vals)
	}
	if err := write("eval_running", []string{"committee_id", "room_id", "mediator_id"}, RunningCounters, runningRows); err != nil {
		return err
	}
	// eval_month_dim: eval_day's rows by month (filtered dashboards).
	monthDim := map[evalKey]map[string]int64{}
	for k, row := range d.day {
		k.period = k.period[:7]
		t := monthDim[k]
		if t == nil {
			t = map[string]int64{}
			monthDim[k] = t
		}
		for c, v := range row {
			t[c] += v
		}
	}
	if err := write("eval_month_dim", []string{"month", "committee_id", "room_id", "mediator_id", "category", "channel"}, store.EvalCounters, counterRows(monthDim, true)); err != nil {
		return err
	}
	if err := write("eval_hist_day", []string{"day", "committee_id", "room_id", "mediator_id", "wd"}, []string{"n"}, histRows(d.histDay)); err != nil {
		return err
	}
	if err := write("eval_hist_month", []string{"month", "committee_id", "room_id", "mediator_id", "wd"}, []string{"n"}, histRows(d.histMonth)); err != nil {
		return err
	}
	var committeeRows [][]any
	for _, r := range histRows(d.histCommit) {
		committeeRows = append(committeeRows, []any{r[0], r[1], r[4], r[5]})
	}
	return write("eval_hist_committee", []string{"month", "committee_id", "wd"}, []string{"n"}, committeeRows)
}

func nonZero(row map[string]int64) bool {
	for _, n := range row {
		if n != 0 {
			return true
		}
	}
	return false
}

// evalSpan splits From..To into leading days, whole months and trailing
// days, so long periods read the month rollup.
func evalSpan(from, to string) (headFrom, headTo, monthFrom, monthTo, tailFrom, tailTo string, ok bool) {
	f, err1 := time.Parse("2006-01-02", from)
	t, err2 := time.Parse("2006-01-02", to)
	if err1 != nil || err2 != nil || t.Before(f) {
		return "", "", "", "", "", "", false
	}
	firstFull := time.Date(f.Year(), f.Month(), 1, 0, 0, 0, 0, time.UTC)
	if f.Day() != 1 {
		firstFull = firstFull.AddDate(0, 1, 0)
	}
	lastFull := time.Date(t.Year(), t.Month(), 1, 0, 0, 0, 0, time.UTC) // first day of To's month
	if t.AddDate(0, 0, 1).Month() == t.Month() {
		lastFull = lastFull.AddDate(0, -1, 0) // To is not its month's last day
	}
	if lastFull.Before(firstFull) {
		return from, to, "", "", "", "", true // no whole month: days only
	}
	day := func(x time.Time) string { return x.Format("2006-01-02") }
	if f.Before(firstFull) {
		headFrom, headTo = from, day(firstFull.AddDate(0, 0, -1))
	}
	monthFrom, monthTo = firstFull.Format("2006-01"), lastFull.Format("2006-01")
	if end := lastFull.AddDate(0, 1, 0); !t.Before(end) {
		tailFrom, tailTo = day(end), to
	}
	return headFrom, headTo, monthFrom, monthTo, tailFrom, tailTo, true
}

// RunningCounters are the counters eval_running keeps all-time sums of:
// evaluation's cumulative ones, read as running sums from RunningFrom.
var RunningCounters = []string{"overdue_open"}

// EvalRunningFill fills eval_running from eval_month, as migration 85
// does: for rollups written by other means than a catch-up (benchmarks).
const EvalRunningFill = `INSERT INTO eval_running (committee_id, room_id, mediator_id, overdue_open)
	SELECT committee_id, room_id, mediator_id, SUM(overdue_open) FROM eval_month
	GROUP BY committee_id, room_id, mediator_id HAVING SUM(overdue_open) <> 0`

// RunningFrom is the day a running sum is read from (before any case).
const RunningFrom = "2000-01-01"

func onlyRunning(counters []string) bool {
	for _, c := range counters {
		if !slices.Contains(RunningCounters, c) {
			return false
		}
	}
	return len(counters) > 0
}

func evalFilter(q store.EvalQuery) string {
	var w []string
	if q.Committees != nil {
		if len(q.Committees) == 0 {
			w = append(w, "1 = 0")
		} else {
			w = append(w, "committee_id IN ("+idList(q.Committees)+")")
		}
	}
	if q.RoomID != 0 {
		w = append(w, "room_id = "+strconv.FormatInt(q.RoomID, 10))
	}
	if q.MediatorID != 0 {
		w = append(w, "mediator_id = "+strconv.FormatInt(q.MediatorID, 10))
	}
	if len(w) == 0 {
		return ""
	}
	return " AND " + strings.Join(w, " AND ")
}

func (db *DB) EvalSums(ctx context.Context, q store.EvalQuery) ([]store.EvalSum, error) {
	dayGroup := map[string]string{"": "''", "committee": "committee_id", "room": "room_id", "mediator": "mediator_id",
		"month": "substr(day, 1, 7)", "category": "category", "channel": "channel"}
	group, ok := dayGroup[q.GroupBy]
	if !ok {
		return nil, fmt.Errorf("evaluation sums: unknown grouping %q", q.GroupBy)
	}
	hf, ht, mf, mt, tf, tt, ok := evalSpan(q.From, q.To)
	if !ok {
		return nil, fmt.Errorf("evaluation sums: bad period %s..%s", q.From, q.To)
	}
	dayTable := "eval_day_unit"
	if q.GroupBy == "category" || q.GroupBy == "channel" {
		hf, ht, mf, mt, tf, tt = q.From, q.To, "", "", "", ""
		dayTable = "eval_day"
	}
	counters := store.EvalCounters
	if q.Counters != nil {
		for _, c := range q.Counters {
			if !slices.Contains(store.EvalCounters, c) {
				return nil, fmt.Errorf("evaluation sums: unknown counter %q", c)
			}
		}
		counters = q.Counters
	}
	sums := map[string]map[string]int64{}
	var order []string
	var sel strings.Builder
	for _, c := range counters {
		fmt.Fprintf(&sel, ", COALESCE(SUM(%s), 0)", c)
	}
	sign := int64(1)
	read := func(query string, args ...any) error {
		rows, err := db.read().QueryContext(ctx, query, args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		vals := make([]int64, len(counters))
		dest := make([]any, 1+len(vals))
		var key any
		dest[0] = &key
		for i := range vals {
			dest[i+1] = &vals[i]
		}
		for rows.Next() {
			if err := rows.Scan(dest...); err != nil {
				return err
			}
			k := keyString(key)
			row := sums[k]
			if row == nil {
				row = map[string]int64{}
				sums[k] = row
				order = append(order, k)
			}
			for i, c := range counters {
				row[c] += sign * vals[i]
			}
		}
		return rows.Err()
	}
	filter := evalFilter(q)
	if q.From <= RunningFrom && dayTable == "eval_day_unit" && q.GroupBy != "month" && onlyRunning(counters) {
		// A running sum from the beginning: the all-time sums less the
		// months after To's and the days after To in its month.
		if err := read(`SELECT ` + group + sel.String() + ` FROM eval_running WHERE 1 = 1` + filter + groupBy(group)); err != nil {
			return nil, db.wrap("sum evaluation running totals", err)
		}
		to, _ := time.Parse("2006-01-02", q.To)
		monthEnd := time.Date(to.Year(), to.Month()+1, 0, 0, 0, 0, 0, time.UTC).Format("2006-01-02")
		sign = -1
		if err := read(`SELECT `+group+sel.String()+` FROM `+dayTable+` WHERE day > $1 AND day <= $2`+filter+groupBy(group), q.To, monthEnd); err != nil {
			return nil, db.wrap("sum evaluation days after", err)
		}
		if err := read(`SELECT `+group+sel.String()+` FROM eval_month WHERE month > $1`+filter+groupBy(group), q.To[:7]); err != nil {
			return nil, db.wrap("sum evaluation months after", err)
		}
		hf, tf, mf = "", "", ""
	}
	for _, span := range [][2]string{{hf, ht}, {tf, tt}} {
		if span[0] == "" {
			continue
		}
		if err := read(`SELECT `+group+sel.String()+` FROM `+dayTable+` WHERE day >= $1 AND day <= $2`+filter+groupBy(group),
			span[0], span[1]); err != nil {
			return nil, db.wrap("sum evaluation days", err)
		}
	}
	if mf != "" {
		mg := strings.Replace(group, "substr(day, 1, 7)", "month", 1)
		if err := read(`SELECT `+mg+sel.String()+` FROM eval_month WHERE month >= $1 AND month <= $2`+filter+groupBy(mg),
			mf, mt); err != nil {
			return nil, db.wrap("sum evaluation months", err)
		}
	}
	slices.Sort(order)
	out := make([]store.EvalSum, 0, len(order))
	for _, k := range order {
		out = append(out, store.EvalSum{Key: k, Counters: sums[k]})
	}
	return out, nil
}

func groupBy(expr string) string {
	if expr == "''" {
		return ""
	}
	return " GROUP BY " + expr
}

func keyString(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case []byte:
		return string(x)
	case string:
		return x
	case int64:
		return strconv.FormatInt(x, 10)
	}
	return fmt.Sprint(v)
}

func (db *DB) EvalHandling(ctx context.Context, q store.EvalQuery) (map[int]int64, error) {
	hf, ht, mf, mt, tf, tt, ok := evalSpan(q.From, q.To)
	if !ok {
		return nil, fmt.Errorf("evaluation handling: bad period %s..%s", q.From, q.To)
	}
	out := map[int]int64{}
	read := func(query string, args ...any) error {
		rows, err := db.read().QueryContext(ctx, query, args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var wd, n int64
			if err := rows.Scan(&wd, &n); err != nil {
				return err
			}
			if n != 0 {
				out[int(wd)] += n
			}
		}
		return rows.Err()
	}
	filter := evalFilter(q)
	for _, span := range [][2]string{{hf, ht}, {tf, tt}} {
		if span[0] != "" {
			if err := read(`SELECT wd, SUM(n) FROM eval_hist_day WHERE day >= $1 AND day <= $2`+filter+` GROUP BY wd`, span[0], span[1]); err != nil {
				return nil, db.wrap("handling time by day", err)
			}
		}
	}
	if mf != "" {
		table := "eval_hist_month"
		if q.RoomID == 0 && q.MediatorID == 0 {
			table = "eval_hist_committee" // committee_id is its only filter
		}
		if err := read(`SELECT wd, SUM(n) FROM `+table+` WHERE month >= $1 AND month <= $2`+filter+` GROUP BY wd`, mf, mt); err != nil {
			return nil, db.wrap("handling time by month", err)
		}
	}
	for k, n := range out {
		if n == 0 {
			delete(out, k)
		}
	}
	return out, nil
}

func (db *DB) EvalFacts(ctx context.Context, q store.EvalFactQuery) ([]store.EvalFact, error) {
	var cond string
	switch q.Day {
	case "received", "decided", "closure", "follow_up":
		col := q.Day + "_day"
		cond = col + " >= $1 AND " + col + " <= $2"
	case "overdue":
		// Overdue at some time of the span: those still overdue, then those
		// whose overdue spell ended in it or after (two reads by the index
		// (committee_id, overdue_until), migration 79), never every case
		// ever overdue since the first.
		a, err := db.EvalFacts(ctx, withDay(q, "overdue_still"))
		if err != nil {
			return nil, err
		}
		b, err := db.EvalFacts(ctx, withDay(q, "overdue_ended"))
		if err != nil {
			return nil, err
		}
		out := append(a, b...)
		slices.SortFunc(out, func(x, y store.EvalFact) int { return cmp.Compare(x.CaseID, y.CaseID) })
		return out, nil
	case "overdue_still":
		// ('' <= $1 holds for any day: it only gives $1 a type.)
		cond = "overdue_until = '' AND overdue_until <= $1 AND overdue_from <> '' AND overdue_from <= $2"
	case "overdue_ended":
		cond = "overdue_until >= $1 AND overdue_from <> '' AND overdue_from <= $2"
	case "returned":
		cond = "returned_first <> '' AND returned_first <= $2 AND returned_last >= $1"
	default:
		return nil, fmt.Errorf("evaluation facts: unknown day %q", q.Day)
	}
	args := []any{q.From, q.To}
	from := "eval_facts"
	if !q.CommendedUntil.IsZero() {
		// The window's commendation events (the partial index of migration
		// 61: a handful of rows) drive the join, each a primary-key read of
		// its case's facts. CROSS JOIN keeps SQLite from starting at the
		// day kind's index instead: a year of closures, each row read to
		// test its id.
		from = `(SELECT DISTINCT case_id AS commended_id FROM case_events
			WHERE type = 'commendation' AND at >= $3 AND at < $4) AS commended CROSS JOIN eval_facts`
		cond += " AND case_id = commended_id"
		args = append(args, q.CommendedFrom.UTC(), q.CommendedUntil.UTC())
	}
	filter := evalFilter(store.EvalQuery{Committees: q.Committees, RoomID: q.RoomID, MediatorID: q.MediatorID})
	out, err := loadEvalFacts(ctx, db.read(), from, `WHERE `+cond+filter+` ORDER BY case_id`, args, false)
	return out, db.wrap("evaluation facts", err)
}

// withDay is q asking for another kind of day.
func withDay(q store.EvalFactQuery, day string) store.EvalFactQuery {
	q.Day = day
	return q
}

func (db *DB) EvalFactsOf(ctx context.Context, caseIDs []int64) (map[int64]store.EvalFact, error) {
	out := map[int64]store.EvalFact{}
	if len(caseIDs) == 0 {
		return out, nil
	}
	in, args := fewIDs(caseIDs)
	where := `WHERE case_id IN (` + in + `)`
	if args == nil {
		where += oneOff // the ids written out: this text will not recur
	}
	rows, err := loadEvalFacts(ctx, db.read(), "eval_facts", where, args, false)
	if err != nil {
		return nil, db.wrap("evaluation facts of cases", err)
	}
	for _, f := range rows {
		out[f.CaseID] = f
	}
	return out, nil
}

func (db *DB) EvalFactTexts(ctx context.Context, caseIDs []int64) (map[int64]string, error) {
	out := make(map[int64]string, len(caseIDs))
	if len(caseIDs) == 0 {
		return out, nil
	}
	in, args := fewIDs(caseIDs)
	where := `WHERE case_id IN (` + in + `)`
	via := db.readGeneric // a page's ids: one plan whatever they are, as ClockEventsOf
	if args == nil {
		where += oneOff
		via = db.read
	}
	rows, err := via().QueryContext(ctx, `SELECT case_id, facts FROM eval_facts `+where, args...)
	if err != nil {
		return nil, db.wrap("evaluation facts of cases", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var facts string
		if err := rows.Scan(&id, &facts); err != nil {
			return nil, db.wrap("evaluation facts of cases", err)
		}
		out[id] = facts
	}
	return out, db.wrap("evaluation facts of cases", rows.Err())
}

func (db *DB) EvalDigest(ctx context.Context) (string, error) {
	var nz []string
	for _, c := range store.EvalCounters {
		nz = append(nz, c+" <> 0")
	}
	anyCounter := strings.Join(nz, " OR ")
	queries := []string{
		`SELECT day, committee_id, room_id, mediator_id, category, channel, ` + strings.Join(store.EvalCounters, ", ") +
			` FROM eval_day WHERE ` + anyCounter + ` ORDER BY day, committee_id, room_id, mediator_id, category, channel`,
		`SELECT day, committee_id, room_id, mediator_id, ` + strings.Join(store.EvalCounters, ", ") +
			` FROM eval_day_unit WHERE ` + anyCounter + ` ORDER BY day, committee_id, room_id, mediator_id`,
		`SELECT month, committee_id, room_id, mediator_id, ` + strings.Join(store.EvalCounters, ", ") +
			` FROM eval_month WHERE ` + anyCounter + ` ORDER BY month, committee_id, room_id, mediator_id`,
		`SELECT month, committee_id, room_id, mediator_id, category, channel, ` + strings.Join(store.EvalCounters, ", ") +
			` FROM eval_month_dim WHERE ` + anyCounter + ` ORDER BY month, committee_id, room_id, mediator_id, category, channel`,
		`SELECT committee_id, room_id, mediator_id, ` + strings.Join(RunningCounters, ", ") + ` FROM eval_running WHERE ` +
			strings.Join(RunningCounters, " <> 0 OR ") + ` <> 0 ORDER BY committee_id, room_id, mediator_id`,
		`SELECT month, committee_id, wd, n FROM eval_hist_committee WHERE n <> 0 ORDER BY month, committee_id, wd`,
		`SELECT day, committee_id, room_id, mediator_id, wd, n FROM eval_hist_day WHERE n <> 0 ORDER BY day, committee_id, room_id, mediator_id, wd`,
		`SELECT month, committee_id, room_id, mediator_id, wd, n FROM eval_hist_month WHERE n <> 0 ORDER BY month, committee_id, room_id, mediator_id, wd`,
		`SELECT ` + evalFactCols + ` FROM eval_facts ORDER BY case_id`,
	}
	return db.digest(ctx, "digest evaluation", queries)
}

// digest fingerprints what the queries return, row by row in their order:
// equal digests mean a rebuild reproduced the derived tables exactly.
func (db *DB) digest(ctx context.Context, what string, queries []string) (string, error) {
	h := sha256.New()
	for _, query := range queries {
		rows, err := db.read().QueryContext(ctx, query)
		if err != nil {
			return "", db.wrap(what, err)
		}
		cols, _ := rows.Columns()
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		for rows.Next() {
			if err := rows.Scan(ptrs...); err != nil {
				rows.Close()
				return "", db.wrap(what, err)
			}
			for _, v := range vals {
				fmt.Fprintf(h, "%s|", keyString(v))
			}
			h.Write([]byte{'\n'})
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return "", db.wrap(what, err)
		}
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

func (db *DB) ListEvalSchemes(ctx context.Context) ([]store.EvalScheme, error) {
	rows, err := db.read().QueryContext(ctx, `SELECT unit_id, version, name, effective_from, body, created_by, created_at
		FROM eval_schemes ORDER BY unit_id, effective_from, version`)
	if err != nil {
		return nil, db.wrap("list schemes", err)
	}
	defer rows.Close()
	var out []store.EvalScheme
	for rows.Next() {
		var s store.EvalScheme
		if err := rows.Scan(&s.UnitID, &s.Version, &s.Name, &s.EffectiveFrom, &s.Body, &s.CreatedBy, &s.Created); err != nil {
			return nil, db.wrap("scan scheme", err)
		}
		s.Created = s.Created.UTC()
		out = append(out, s)
	}
	return out, db.wrap("list schemes", rows.Err())
}

func (db *DB) PutEvalScheme(ctx context.Context, s store.EvalScheme) error {
	if s.Created.IsZero() {
		s.Created = time.Now()
	}
	_, err := db.writeOn("eval_scheme", fmt.Sprintf("%d/%s", s.UnitID, s.Version)).ExecContext(ctx, `INSERT INTO eval_schemes (unit_id, version, name, effective_from, body, created_by, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (unit_id, version) DO UPDATE SET name = excluded.name,
		effective_from = excluded.effective_from, body = excluded.body, created_by = excluded.created_by, created_at = excluded.created_at`,
		s.UnitID, s.Version, s.Name, s.EffectiveFrom, s.Body, s.CreatedBy, s.Created.UTC())
	return db.wrap("put scheme", err)
}

func (db *DB) PublishRanking(ctx context.Context, r *store.EvalRanking) error {
	if r.Published.IsZero() {
		r.Published = time.Now()
	}
	return db.tx(ctx, "publish ranking", func(tx *wtx) error {
		tx.about("ranking", fmt.Sprintf("%d/%s/%s", r.UnitID, r.Level, r.Period))
		if err := tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(revision), 0) + 1 FROM eval_rankings WHERE unit_id = $1 AND level = $2 AND period = $3`,
			r.UnitID, r.Level, r.Period).Scan(&r.Revision); err != nil {
			return fmt.Errorf("next revision: %w", err)
		}
		return tx.QueryRowContext(ctx, `INSERT INTO eval_rankings (unit_id, level, period, revision, reason, body, published_by, published_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`, r.UnitID, r.Level, r.Period, r.Revision, r.Reason, r.Body,
			r.PublishedBy, r.Published.UTC()).Scan(&r.ID)
	})
}

func (db *DB) ListRankings(ctx context.Context, unitID int64, level, period string) ([]store.EvalRanking, error) {
	rows, err := db.read().QueryContext(ctx, `SELECT id, unit_id, level, period, revision, reason, body, published_by, published_at
		FROM eval_rankings WHERE unit_id = $1 AND level = $2 AND period = $3 ORDER BY revision DESC`, unitID, level, period)
	if err != nil {
		return nil, db.wrap("list rankings", err)
	}
	defer rows.Close()
	var out []store.EvalRanking
	for rows.Next() {
		var r store.EvalRanking
		if err := rows.Scan(&r.ID, &r.UnitID, &r.Level, &r.Period, &r.Revision, &r.Reason, &r.Body, &r.PublishedBy, &r.Published); err != nil {
			return nil, db.wrap("scan ranking", err)
		}
		r.Published = r.Published.UTC()
		out = append(out, r)
	}
	return out, db.wrap("list rankings", rows.Err())
}
