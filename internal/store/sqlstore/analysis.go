package sqlstore

import (
	"cmp"
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/tiaojie/tiaojie/internal/store"
)

// The 分析研判 rollups (migration 38): analysis_day (day x committee x room x
// channel x category x merchant x street), analysis_month (month x committee x
// room x merchant x street), analysis_facts (what each case added) and
// analysis_dirty (cases to recount), kept like the evaluation's.

func (db *DB) AnalysisMark(ctx context.Context, tx *sql.Tx, evs []store.Event) error {
	ids := make([]int64, 0, len(evs))
	for _, e := range evs {
		ids = append(ids, e.CaseID)
	}
	slices.Sort(ids) // one lock order for every writer
	ids = slices.Compact(ids)
	for len(ids) > 0 {
		n := min(len(ids), 500)
		var b strings.Builder
		b.WriteString(`INSERT INTO analysis_dirty (case_id) VALUES `)
		for i, id := range ids[:n] {
			if i > 0 {
				b.WriteString(", ")
			}
			fmt.Fprintf(&b, "(%d)", id)
		}
		b.WriteString(` ON CONFLICT (case_id) DO UPDATE SET marks = analysis_dirty.marks + 1`)
		if _, err := tx.ExecContext(ctx, b.String()); err != nil {
			return fmt.Errorf("mark case for analysis: %w", err)
		}
		ids = ids[n:]
	}
	return nil
}

func (db *DB) AnalysisPending(ctx context.Context) (int64, error) {
	var n int64
	err := db.read().QueryRowContext(ctx, `SELECT COUNT(*) FROM (SELECT 1 FROM analysis_dirty LIMIT $1) pending`, store.PendingCap+1).Scan(&n)
	return n, db.wrap("count pending analysis", err)
}

// analysisTx is evalTx for the analysis rollups, with a lock of its own so
// an evaluation catch-up does not wait for one.
func (db *DB) analysisTx(ctx context.Context, what string, fn func(*sql.Tx) error) error {
	return db.rollupTx(ctx, what, 74110038, fn)
}

func (db *DB) AnalysisReset(ctx context.Context) error {
	return db.analysisTx(ctx, "reset analysis", func(tx *sql.Tx) error {
		for _, t := range []string{"analysis_facts", "analysis_day", "analysis_month", "analysis_subject_day", "analysis_subject_month", "analysis_dirty"} {
			if _, err := tx.ExecContext(ctx, `DELETE FROM `+t); err != nil {
				return fmt.Errorf("empty %s: %w", t, err)
			}
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO analysis_dirty (case_id) SELECT id FROM cases`)
		return err
	})
}

const analysisFactCols = `case_id, committee_id, room_id, channel, category, merchant_key, street, day, received, claim_fen`

func (db *DB) AnalysisCatchUp(ctx context.Context, limit int, derive func([]store.AnalysisInput) ([]store.AnalysisFact, error)) (int, error) {
	taken := 0
	err := db.analysisTx(ctx, "analysis catch-up", func(tx *sql.Tx) error {
		// Claim first, passing over marks a writer still holds (see skipLocked).
		rows, err := tx.QueryContext(ctx, `DELETE FROM analysis_dirty WHERE case_id IN
			(SELECT case_id FROM analysis_dirty ORDER BY case_id LIMIT $1`+db.skipLocked()+`) RETURNING case_id`, limit)
		if err != nil {
			return fmt.Errorf("claim dirty cases: %w", err)
		}
		ids, err := scanIDs(rows)
		if err != nil || len(ids) == 0 {
			return err
		}
		slices.Sort(ids)
		taken = len(ids)
		inputs, err := loadAnalysisInputs(ctx, tx, ids)
		if err != nil {
			return err
		}
		old, err := loadAnalysisFacts(ctx, tx, ids)
		if err != nil {
			return err
		}
		fresh, err := derive(inputs)
		if err != nil {
			return fmt.Errorf("derive analysis facts: %w", err)
		}
		d := newAnalysisDelta()
		for _, f := range old {
			d.add(f, -1)
		}
		for _, f := range fresh {
			d.add(f, +1)
		}
		if err := db.applyAnalysisDelta(ctx, tx, &d); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM analysis_facts WHERE case_id IN (`+idList(ids)+`)`); err != nil {
			return fmt.Errorf("drop old analysis facts: %w", err)
		}
		for len(fresh) > 0 {
			n := min(len(fresh), 100)
			var b strings.Builder
			b.WriteString(`INSERT INTO analysis_facts (` + analysisFactCols + `) VALUES `)
			args := make([]any, 0, n*10)
			for i, f := range fresh[:n] {
				if i > 0 {
					b.WriteString(", ")
				}
				b.WriteString(db.placeholders(len(args), 10))
				args = append(args, f.CaseID, f.CommitteeID, f.RoomID, f.Channel, f.Category, f.MerchantKey, f.Street, f.Day, f.Received, f.ClaimFen)
			}
			if _, err := tx.ExecContext(ctx, b.String(), args...); err != nil {
				return fmt.Errorf("store analysis facts: %w", err)
			}
			fresh = fresh[n:]
		}
		return nil
	})
	return taken, err
}

// placeholders is one row's "(…)" of n parameters after `before` others.
func (db *DB) placeholders(before, n int) string {
	var b strings.Builder
	b.WriteByte('(')
	for i := 0; i < n; i++ {
		if i > 0 {
			b.WriteString(", ")
		}
		if db.d.QuestionMarks {
			b.WriteByte('?')
		} else {
			fmt.Fprintf(&b, "$%d", before+i+1)
		}
	}
	b.WriteByte(')')
	return b.String()
}

func loadAnalysisInputs(ctx context.Context, tx *sql.Tx, ids []int64) ([]store.AnalysisInput, error) {
	in := idList(ids)
	rows, err := tx.QueryContext(ctx, `SELECT `+caseCols+` FROM cases c WHERE c.id IN (`+in+`) ORDER BY c.id`)
	if err != nil {
		return nil, fmt.Errorf("load cases: %w", err)
	}
	byID := map[int64]int{}
	var out []store.AnalysisInput
	for rows.Next() {
		c, err := scanCase(rows)
		if err != nil {
			rows.Close()
			return nil, fmt.Errorf("scan case: %w", err)
		}
		byID[c.ID] = len(out)
		out = append(out, store.AnalysisInput{Case: c})
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("load cases: %w", err)
	}
	rows, err = tx.QueryContext(ctx, `SELECT case_id, address FROM parties WHERE case_id IN (`+in+`) AND kind = 'merchant' ORDER BY case_id, id`)
	if err != nil {
		return nil, fmt.Errorf("load merchant parties: %w", err)
	}
	for rows.Next() {
		var id int64
		var addr string
		if err := rows.Scan(&id, &addr); err != nil {
			rows.Close()
			return nil, fmt.Errorf("scan merchant party: %w", err)
		}
		if i, ok := byID[id]; ok && out[i].MerchantAddress == "" {
			out[i].MerchantAddress = addr
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("load merchant parties: %w", err)
	}
	rows, err = tx.QueryContext(ctx, `SELECT case_id, type FROM case_events WHERE case_id IN (`+in+`) ORDER BY case_id, seq`)
	if err != nil {
		return nil, fmt.Errorf("load events: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var typ string
		if err := rows.Scan(&id, &typ); err != nil {
			return nil, fmt.Errorf("scan event: %w", err)
		}
		if i, ok := byID[id]; ok {
			out[i].EventTypes = append(out[i].EventTypes, typ)
		}
	}
	return out, rows.Err()
}

func loadAnalysisFacts(ctx context.Context, q querier, ids []int64) ([]store.AnalysisFact, error) {
	rows, err := q.QueryContext(ctx, `SELECT `+analysisFactCols+` FROM analysis_facts WHERE case_id IN (`+idList(ids)+`)`)
	if err != nil {
		return nil, fmt.Errorf("load analysis facts: %w", err)
	}
	defer rows.Close()
	var out []store.AnalysisFact
	for rows.Next() {
		var f store.AnalysisFact
		if err := rows.Scan(&f.CaseID, &f.CommitteeID, &f.RoomID, &f.Channel, &f.Category, &f.MerchantKey, &f.Street, &f.Day,
			&f.Received, &f.ClaimFen); err != nil {
			return nil, fmt.Errorf("scan analysis facts: %w", err)
		}
		out = append(out, f)
	}
	return out, rows.Err()
}

// analysisKey is one rollup row (month rows leave channel and category empty).
type analysisKey struct {
	period                  string
	committee, room         int64
	channel, category       string
	merchantKey, streetName string
}

type analysisDelta struct {
	day, month map[analysisKey][2]int64 // received, claim_fen
	// The narrow subject rollups (migration 52): per subject, day or month
	// and channel ("" for every channel).
	subjectDay, subjectMonth map[subjectKey][2]int64
}

// subjectKey is one row of analysis_subject_day or _month.
type subjectKey struct {
	committee                      int64
	kind, channel, subject, period string
}

func newAnalysisDelta() analysisDelta {
	return analysisDelta{day: map[analysisKey][2]int64{}, month: map[analysisKey][2]int64{},
		subjectDay: map[subjectKey][2]int64{}, subjectMonth: map[subjectKey][2]int64{}}
}

func (d *analysisDelta) add(f store.AnalysisFact, sign int64) {
	if len(f.Day) < 10 {
		return
	}
	bump := func(m map[analysisKey][2]int64, k analysisKey) {
		v := m[k]
		v[0] += sign * f.Received
		v[1] += sign * f.ClaimFen
		m[k] = v
	}
	bump(d.day, analysisKey{f.Day, f.CommitteeID, f.RoomID, f.Channel, f.Category, f.MerchantKey, f.Street})
	bump(d.month, analysisKey{f.Day[:7], f.CommitteeID, f.RoomID, "", "", f.MerchantKey, f.Street})
	sbump := func(m map[subjectKey][2]int64, k subjectKey) {
		v := m[k]
		v[0] += sign * f.Received
		v[1] += sign * f.ClaimFen
		m[k] = v
	}
	channels := []string{""}
	if f.Channel != "" {
		channels = append(channels, f.Channel)
	}
	for _, ch := range channels {
		for kind, subject := range map[string]string{"merchant": f.MerchantKey, "street": f.Street, "category": f.Category} {
			sbump(d.subjectDay, subjectKey{f.CommitteeID, kind, ch, subject, f.Day})
			sbump(d.subjectMonth, subjectKey{f.CommitteeID, kind, ch, subject, f.Day[:7]})
		}
	}
}

func (db *DB) applyAnalysisDelta(ctx context.Context, tx *sql.Tx, d *analysisDelta) error {
	write := func(table string, keyCols []string, m map[analysisKey][2]int64, key func(analysisKey) []any) error {
		keys := make([]analysisKey, 0, len(m))
		for k, v := range m {
			if v != [2]int64{} {
				keys = append(keys, k)
			}
		}
		slices.SortFunc(keys, func(a, b analysisKey) int { return strings.Compare(fmt.Sprint(a), fmt.Sprint(b)) })
		for len(keys) > 0 {
			n := min(len(keys), 100)
			var args []any
			for _, k := range keys[:n] {
				v := m[k]
				args = append(args, append(key(k), v[0], v[1])...)
			}
			if _, err := tx.ExecContext(ctx, db.evalUpsert(table, keyCols, []string{"received", "claim_fen"}, n, table), args...); err != nil {
				return fmt.Errorf("move %s: %w", table, err)
			}
			keys = keys[n:]
		}
		return nil
	}
	if err := write("analysis_day", []string{"day", "committee_id", "room_id", "channel", "category", "merchant_key", "street"}, d.day,
		func(k analysisKey) []any {
			return []any{k.period, k.committee, k.room, k.channel, k.category, k.merchantKey, k.streetName}
		}); err != nil {
		return err
	}
	if err := write("analysis_month", []string{"month", "committee_id", "room_id", "merchant_key", "street"}, d.month,
		func(k analysisKey) []any { return []any{k.period, k.committee, k.room, k.merchantKey, k.streetName} }); err != nil {
		return err
	}
	writeSubjects := func(table, periodCol string, m map[subjectKey][2]int64) error {
		keys := make([]subjectKey, 0, len(m))
		for k, v := range m {
			if v != [2]int64{} {
				keys = append(keys, k)
			}
		}
		// One lock order for every writer (the rows are upserted in key order).
		slices.SortFunc(keys, func(a, b subjectKey) int {
			return cmp.Or(cmp.Compare(a.committee, b.committee), strings.Compare(a.kind, b.kind), strings.Compare(a.channel, b.channel),
				strings.Compare(a.subject, b.subject), strings.Compare(a.period, b.period))
		})
		keyCols := []string{"committee_id", "kind", "channel", "subject", periodCol}
		for len(keys) > 0 {
			n := min(len(keys), 100)
			args := make([]any, 0, n*7)
			for _, k := range keys[:n] {
				v := m[k]
				args = append(args, k.committee, k.kind, k.channel, k.subject, k.period, v[0], v[1])
			}
			if _, err := tx.ExecContext(ctx, db.evalUpsert(table, keyCols, []string{"received", "claim_fen"}, n, table), args...); err != nil {
				return fmt.Errorf("move %s: %w", table, err)
			}
			keys = keys[n:]
		}
		return nil
	}
	if err := writeSubjects("analysis_subject_day", "day", d.subjectDay); err != nil {
		return err
	}
	return writeSubjects("analysis_subject_month", "month", d.subjectMonth)
}

func (db *DB) AnalysisDigest(ctx context.Context) (string, error) {
	queries := []string{
		`SELECT day, committee_id, room_id, channel, category, merchant_key, street, received, claim_fen FROM analysis_day
			WHERE received <> 0 OR claim_fen <> 0 ORDER BY day, committee_id, room_id, channel, category, merchant_key, street`,
		`SELECT month, committee_id, room_id, merchant_key, street, received, claim_fen FROM analysis_month
			WHERE received <> 0 OR claim_fen <> 0 ORDER BY month, committee_id, room_id, merchant_key, street`,
		`SELECT ` + analysisFactCols + ` FROM analysis_facts ORDER BY case_id`,
		`SELECT committee_id, kind, channel, subject, day, received, claim_fen FROM analysis_subject_day
			WHERE received <> 0 OR claim_fen <> 0 ORDER BY committee_id, kind, channel, subject, day`,
		`SELECT committee_id, kind, channel, subject, month, received, claim_fen FROM analysis_subject_month
			WHERE received <> 0 OR claim_fen <> 0 ORDER BY committee_id, kind, channel, subject, month`,
	}
	return db.digest(ctx, "digest analysis", queries)
}

// analysisWhere is the filter of q as SQL with its arguments, numbered
// after `before` others. month drops the filters a month row cannot answer.
func analysisWhere(q store.AnalysisQuery, before int, month bool) (string, []any) {
	var w []string
	var args []any
	arg := func(v any) string {
		args = append(args, v)
		return "$" + strconv.Itoa(before+len(args))
	}
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
	if !month {
		if q.Channel != "" {
			w = append(w, "channel = "+arg(q.Channel))
		}
		if q.Category != "" {
			w = append(w, "category = "+arg(q.Category))
		}
	}
	if q.MerchantKey != "" {
		w = append(w, "merchant_key = "+arg(q.MerchantKey))
	}
	if q.Street != "" {
		w = append(w, "street = "+arg(q.Street))
	}
	if q.Keys != nil {
		col := map[string]string{"merchant": "merchant_key", "street": "street"}[q.GroupBy]
		switch {
		case col == "":
			w = append(w, "1 = 0") // no such dimension: nothing, never everything
		case len(q.Keys) == 0:
			w = append(w, "1 = 0")
		default:
			ps := make([]string, len(q.Keys))
			for i, k := range q.Keys {
				ps[i] = arg(k)
			}
			w = append(w, col+" IN ("+strings.Join(ps, ", ")+")")
		}
	}
	switch q.Unknown {
	case "merchant":
		w = append(w, "merchant_key = ''")
	case "street":
		w = append(w, "street = ''")
	case "category":
		if !month {
			w = append(w, "category = ''")
		}
	}
	if len(w) == 0 {
		return "", nil
	}
	return " AND " + strings.Join(w, " AND "), args
}

func (db *DB) AnalysisCounts(ctx context.Context, q store.AnalysisQuery) ([]store.AnalysisCount, error) {
	dayGroup := map[string]string{"": "''", "merchant": "merchant_key", "street": "street", "category": "category", "channel": "channel",
		"room": "room_id", "day": "day", "month": "substr(day, 1, 7)"}
	group, ok := dayGroup[q.GroupBy]
	if !ok {
		return nil, fmt.Errorf("analysis counts: unknown grouping %q", q.GroupBy)
	}
	hf, ht, mf, mt, tf, tt, ok := evalSpan(q.From, q.To)
	if !ok {
		return nil, fmt.Errorf("analysis counts: bad period %s..%s", q.From, q.To)
	}
	// The month rollup has no channel or category; days only when one is asked.
	if q.Channel != "" || q.Category != "" || q.Unknown == "category" || q.GroupBy == "category" || q.GroupBy == "channel" || q.GroupBy == "day" {
		hf, ht, mf, mt, tf, tt = q.From, q.To, "", "", "", ""
	}
	sums := map[string]*store.AnalysisCount{}
	read := func(query string, args ...any) error { return db.addCounts(ctx, sums, query, args...) }
	for _, span := range [][2]string{{hf, ht}, {tf, tt}} {
		if span[0] == "" {
			continue
		}
		where, args := analysisWhere(q, 2, false)
		if err := read(`SELECT `+group+`, COALESCE(SUM(received), 0), COALESCE(SUM(claim_fen), 0) FROM analysis_day
			WHERE day >= $1 AND day <= $2`+where+groupBy(group), append([]any{span[0], span[1]}, args...)...); err != nil {
			return nil, db.wrap("analysis counts by day", err)
		}
	}
	if mf != "" {
		mg := strings.Replace(group, "substr(day, 1, 7)", "month", 1)
		where, args := analysisWhere(q, 2, true)
		if err := read(`SELECT `+mg+`, COALESCE(SUM(received), 0), COALESCE(SUM(claim_fen), 0) FROM analysis_month
			WHERE month >= $1 AND month <= $2`+where+groupBy(mg), append([]any{mf, mt}, args...)...); err != nil {
			return nil, db.wrap("analysis counts by month", err)
		}
	}
	out := make([]store.AnalysisCount, 0, len(sums))
	for _, c := range sums {
		if c.Received != 0 || c.ClaimFen != 0 {
			out = append(out, *c)
		}
	}
	slices.SortFunc(out, func(a, b store.AnalysisCount) int { return strings.Compare(a.Key, b.Key) })
	return out, nil
}

// subjectWhere is the part of a subject-rollup filter every read shares.
func subjectWhere(q store.AnalysisSubjectQuery, before int) (string, []any, error) {
	if q.Kind != "merchant" && q.Kind != "street" && q.Kind != "category" {
		return "", nil, fmt.Errorf("analysis subjects: unknown kind %q", q.Kind)
	}
	args := []any{q.Kind, q.Channel}
	w := fmt.Sprintf(" AND kind = $%d AND channel = $%d", before+1, before+2)
	if q.Committees != nil {
		if len(q.Committees) == 0 {
			w += " AND 1 = 0"
		} else {
			w += " AND committee_id IN (" + idList(q.Committees) + ")"
		}
	}
	if q.Keys != nil {
		if len(q.Keys) == 0 {
			w += " AND 1 = 0"
		} else {
			ps := make([]string, len(q.Keys))
			for i, k := range q.Keys {
				args = append(args, k)
				ps[i] = "$" + strconv.Itoa(before+len(args))
			}
			w += " AND subject IN (" + strings.Join(ps, ", ") + ")"
		}
	}
	return w, args, nil
}

func (db *DB) AnalysisSubjectCounts(ctx context.Context, q store.AnalysisSubjectQuery) ([]store.AnalysisCount, error) {
	hf, ht, mf, mt, tf, tt, ok := evalSpan(q.From, q.To)
	if !ok {
		return nil, fmt.Errorf("analysis subjects: bad period %s..%s", q.From, q.To)
	}
	wq := q
	if db.d.Name == "postgres" && q.Keys != nil && len(q.Keys) > 0 {
		wq.Keys = nil // named subjects join as an array (subjectSums)
	}
	where, args, err := subjectWhere(wq, 2)
	if err != nil {
		return nil, err
	}
	if wq.Keys == nil && q.Keys != nil && len(q.Keys) > 0 {
		args = append(args, q.Keys)
	}
	sums := map[string]*store.AnalysisCount{}
	read := func(query string, args ...any) error { return db.addCounts(ctx, sums, query, args...) }
	for _, span := range [][2]string{{hf, ht}, {tf, tt}} {
		if span[0] == "" {
			continue
		}
		if err := read(db.subjectSums(q, "analysis_subject_day", "day", where, len(args)), append([]any{span[0], span[1]}, args...)...); err != nil {
			return nil, db.wrap("analysis subject counts by day", err)
		}
	}
	if mf != "" {
		if err := read(db.subjectSums(q, "analysis_subject_month", "month", where, len(args)), append([]any{mf, mt}, args...)...); err != nil {
			return nil, db.wrap("analysis subject counts by month", err)
		}
	}
	out := make([]store.AnalysisCount, 0, len(sums))
	for _, c := range sums {
		if c.Received != 0 || c.ClaimFen != 0 {
			out = append(out, *c)
		}
	}
	slices.SortFunc(out, func(a, b store.AnalysisCount) int { return strings.Compare(a.Key, b.Key) })
	return out, nil
}

// subjectSums is the statement summing a subject rollup over the period
// $1..$2 with the filter where (holding n arguments after those two). Named
// subjects are read through the key — a few seeks each — where the planner
// would otherwise scan the period's rows of every subject through the wider
// index: SQLite is told the index by name (it keeps no statistics);
// PostgreSQL gets the subjects as an array (the last argument) joined
// laterally, one key range per subject.
func (db *DB) subjectSums(q store.AnalysisSubjectQuery, table, period, where string, n int) string {
	if len(q.Keys) == 0 {
		return `SELECT subject, SUM(received), SUM(claim_fen) FROM ` + table + `
			WHERE ` + period + ` >= $1 AND ` + period + ` <= $2` + where + ` GROUP BY subject`
	}
	if db.d.Name == "postgres" {
		return `SELECT k.subject, COALESCE(s.r, 0), COALESCE(s.f, 0) FROM unnest($` + strconv.Itoa(n+2) + `::text[]) AS k(subject)
			CROSS JOIN LATERAL (SELECT SUM(received) AS r, SUM(claim_fen) AS f FROM ` + table + `
				WHERE subject = k.subject AND ` + period + ` >= $1 AND ` + period + ` <= $2` + where + `) s`
	}
	return `SELECT subject, SUM(received), SUM(claim_fen) FROM ` + table + ` INDEXED BY ` + table + `_key
		WHERE ` + period + ` >= $1 AND ` + period + ` <= $2` + where + ` GROUP BY subject`
}

func (db *DB) AnalysisBusySubjects(ctx context.Context, q store.AnalysisSubjectQuery, atLeast int64, limit int) ([]string, error) {
	from, err1 := time.Parse("2006-01-02", q.From)
	to, err2 := time.Parse("2006-01-02", q.To)
	if err1 != nil || err2 != nil || to.Before(from) {
		return nil, fmt.Errorf("analysis busy subjects: bad period %s..%s", q.From, q.To)
	}
	where, args, err := subjectWhere(q, 1)
	if err != nil {
		return nil, err
	}
	args = append([]any{atLeast}, args...)
	// One branch per month: with the month fixed the index
	// (committee, kind, channel, month, received) reads only the rows at
	// or above atLeast — with a limit, only that many of each month's
	// largest (the busiest overall are among them).
	var branches []string
	for m := time.Date(from.Year(), from.Month(), 1, 0, 0, 0, 0, time.UTC); !m.After(to); m = m.AddDate(0, 1, 0) {
		b := `SELECT subject, received FROM analysis_subject_month WHERE month = '` + m.Format("2006-01") + `' AND received >= $1` + where
		if limit > 0 {
			b = `SELECT * FROM (` + b + ` ORDER BY received DESC LIMIT ` + strconv.Itoa(limit) + `) m` + strconv.Itoa(len(branches))
		}
		branches = append(branches, b)
	}
	rows, err := db.read().QueryContext(ctx, strings.Join(branches, " UNION ALL "), args...)
	if err != nil {
		return nil, db.wrap("analysis busy subjects", err)
	}
	defer rows.Close()
	most := map[string]int64{}
	for rows.Next() {
		var k string
		var n int64
		if err := rows.Scan(&k, &n); err != nil {
			return nil, db.wrap("analysis busy subjects", err)
		}
		most[k] = max(most[k], n)
	}
	if err := rows.Err(); err != nil {
		return nil, db.wrap("analysis busy subjects", err)
	}
	out := make([]string, 0, len(most))
	for k := range most {
		out = append(out, k)
	}
	slices.SortFunc(out, func(a, b string) int { return cmp.Or(cmp.Compare(most[b], most[a]), strings.Compare(a, b)) })
	if limit > 0 && len(out) > limit {
		out = out[:limit]
	}
	return out, nil
}

// addCounts adds the (key, received, claim_fen) rows of a query to sums.
func (db *DB) addCounts(ctx context.Context, sums map[string]*store.AnalysisCount, query string, args ...any) error {
	rows, err := db.read().QueryContext(ctx, query, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var key any
		var n, fen int64
		if err := rows.Scan(&key, &n, &fen); err != nil {
			return err
		}
		k := keyString(key)
		c := sums[k]
		if c == nil {
			c = &store.AnalysisCount{Key: k}
			sums[k] = c
		}
		c.Received += n
		c.ClaimFen += fen
	}
	return rows.Err()
}

func (db *DB) AnalysisCaseIDs(ctx context.Context, q store.AnalysisQuery, limit, offset int) ([]int64, int, error) {
	// The total is the figure itself, from the rollups it is drawn from;
	// counting the facts of a district's window took tens of milliseconds.
	q.GroupBy, q.Keys = "", nil
	counts, err := db.AnalysisCounts(ctx, q)
	if err != nil {
		return nil, 0, db.wrap("count analysis cases", err)
	}
	total := 0
	for _, c := range counts {
		total += int(c.Received)
	}
	// The page in the order of an index, (committee_id | merchant_key | -,
	// day, case_id), walked past the offset: never every fact of the
	// window sorted. With several committees SQLite would read each one's
	// range and sort them all; "+" sends it along the days instead.
	where, args := analysisWhere(q, 2, false)
	if db.d.Name == "sqlite" && len(q.Committees) > 1 {
		where = strings.Replace(where, "committee_id IN (", "+committee_id IN (", 1)
	}
	rows, err := db.read().QueryContext(ctx, fmt.Sprintf(`SELECT case_id FROM analysis_facts WHERE received > 0 AND day >= $1 AND day <= $2`+
		where+` ORDER BY day, case_id LIMIT %d OFFSET %d`, limit, offset), append([]any{q.From, q.To}, args...)...)
	if err != nil {
		return nil, 0, db.wrap("list analysis cases", err)
	}
	ids, err := scanIDs(rows)
	return ids, total, db.wrap("list analysis cases", err)
}

func (db *DB) AnalysisEvalSums(ctx context.Context, q store.AnalysisEvalQuery) ([]store.EvalSum, error) {
	if q.From <= RunningFrom && q.Channel == "" && q.Category == "" && (q.GroupBy == "" || q.GroupBy == "room") && onlyRunning(q.Counters) {
		// A running sum (the overdue heat-map's base): the all-time totals
		// less what came after, as the scores pages read it.
		return db.EvalSums(ctx, store.EvalQuery{Committees: q.Committees, RoomID: q.RoomID, From: q.From, To: q.To, GroupBy: q.GroupBy, Counters: q.Counters})
	}
	groups := map[string]string{"": "''", "day": "day", "month": "substr(day, 1, 7)", "category": "category", "channel": "channel",
		"room": "room_id", "room_day": "room_id || '|' || day"}
	if db.d.Name == "postgres" {
		groups["room_day"] = "room_id::text || '|' || day"
	}
	group, ok := groups[q.GroupBy]
	if !ok {
		return nil, fmt.Errorf("analysis evaluation sums: unknown grouping %q", q.GroupBy)
	}
	counters := store.EvalCounters
	if q.Counters != nil {
		for _, c := range q.Counters {
			if !slices.Contains(store.EvalCounters, c) {
				return nil, fmt.Errorf("analysis evaluation sums: unknown counter %q", c)
			}
		}
		counters = q.Counters
	}
	hf, ht, mf, mt, tf, tt, ok := evalSpan(q.From, q.To)
	if !ok {
		return nil, fmt.Errorf("analysis evaluation sums: bad period %s..%s", q.From, q.To)
	}
	// Whole months from a month rollup, the days around them from a day
	// rollup; with a channel or a category, the rollups that keep them.
	dayTable, monthTable := "eval_day_unit", "eval_month"
	filtered := q.Channel != "" || q.Category != ""
	if filtered || q.GroupBy == "category" || q.GroupBy == "channel" {
		dayTable, monthTable = "eval_day", "eval_month_dim"
	}
	if q.GroupBy == "day" || q.GroupBy == "room_day" {
		hf, ht, mf, mt, tf, tt = q.From, q.To, "", "", "", ""
	}
	var filter []string
	var args []any
	if q.Committees != nil {
		if len(q.Committees) == 0 {
			filter = append(filter, "1 = 0")
		} else {
			filter = append(filter, "committee_id IN ("+idList(q.Committees)+")")
		}
	}
	if q.RoomID != 0 {
		filter = append(filter, "room_id = "+strconv.FormatInt(q.RoomID, 10))
	}
	if q.Channel != "" {
		args = append(args, q.Channel)
		filter = append(filter, "channel = $"+strconv.Itoa(2+len(args)))
	}
	if q.Category != "" {
		args = append(args, q.Category)
		filter = append(filter, "category = $"+strconv.Itoa(2+len(args)))
	}
	// Rows holding what is asked for only: the partial indexes of migration
	// 38 keep exactly those.
	switch {
	case sparseOnly(counters, "received", "claim_fen"):
		filter = append(filter, "received <> 0") // a claim is counted with its receipt
	case sparseOnly(counters, "overdue_open"):
		filter = append(filter, "overdue_open <> 0")
	}
	where := ""
	if len(filter) > 0 {
		where = " AND " + strings.Join(filter, " AND ")
	}
	var sel strings.Builder
	for _, c := range counters {
		fmt.Fprintf(&sel, ", COALESCE(SUM(%s), 0)", c)
	}
	sums := map[string]map[string]int64{}
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
			}
			for i, c := range counters {
				row[c] += vals[i]
			}
		}
		return rows.Err()
	}
	for _, span := range [][2]string{{hf, ht}, {tf, tt}} {
		if span[0] == "" {
			continue
		}
		if err := read(`SELECT `+group+sel.String()+` FROM `+dayTable+` WHERE day >= $1 AND day <= $2`+where+groupBy(group),
			append([]any{span[0], span[1]}, args...)...); err != nil {
			return nil, db.wrap("analysis evaluation sums by day", err)
		}
	}
	if mf != "" {
		mg := strings.Replace(group, "substr(day, 1, 7)", "month", 1)
		if err := read(`SELECT `+mg+sel.String()+` FROM `+monthTable+` WHERE month >= $1 AND month <= $2`+where+groupBy(mg),
			append([]any{mf, mt}, args...)...); err != nil {
			return nil, db.wrap("analysis evaluation sums by month", err)
		}
	}
	keys := make([]string, 0, len(sums))
	for k := range sums {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	out := make([]store.EvalSum, 0, len(keys))
	for _, k := range keys {
		out = append(out, store.EvalSum{Key: k, Counters: sums[k]})
	}
	return out, nil
}

// sparseOnly reports whether counters are among only.
func sparseOnly(counters []string, only ...string) bool {
	for _, c := range counters {
		if !slices.Contains(only, c) {
			return false
		}
	}
	return len(counters) > 0
}

func (db *DB) AnalysisSurges(ctx context.Context, q store.AnalysisSurgeQuery) ([]store.AnalysisSurge, error) {
	var out []store.AnalysisSurge
	cmt := ""
	if q.Committees != nil {
		if len(q.Committees) == 0 {
			return out, nil
		}
		cmt = " AND g.committee_id IN (" + idList(q.Committees) + ")"
	}
	rows, err := db.read().QueryContext(ctx, `SELECT g.id, g.created_at, g.committee_id, COALESCE(g.merchant_id, 0), g.title, g.merchant_name,
		(SELECT COUNT(*) FROM case_group_members m WHERE m.group_id = g.id)
		FROM case_groups g WHERE g.created_at >= $1 AND g.created_at < $2`+cmt+` ORDER BY g.created_at, g.id`, q.From.UTC(), q.To.UTC())
	if err != nil {
		return nil, db.wrap("list group disputes", err)
	}
	for rows.Next() {
		s := store.AnalysisSurge{Kind: "group"}
		if err := rows.Scan(&s.ID, &s.At, &s.CommitteeID, &s.MerchantID, &s.Label, &s.Detail, &s.Cases); err != nil {
			rows.Close()
			return nil, db.wrap("scan group dispute", err)
		}
		s.At = s.At.UTC()
		out = append(out, s)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, db.wrap("list group disputes", err)
	}
	rows, err = db.read().QueryContext(ctx, `SELECT id, raised_at, unit_id, subject_id, subject_label, explain, level FROM warnings
		WHERE rule_code = 'merchant_surge' AND raised_at >= $1 AND raised_at < $2 AND unit_path LIKE $3 ORDER BY raised_at, id`,
		q.From.UTC(), q.To.UTC(), q.UnitPath+"%")
	if err != nil {
		return nil, db.wrap("list surge warnings", err)
	}
	defer rows.Close()
	for rows.Next() {
		s := store.AnalysisSurge{Kind: "warning"}
		if err := rows.Scan(&s.ID, &s.At, &s.CommitteeID, &s.MerchantID, &s.Label, &s.Detail, &s.Level); err != nil {
			return nil, db.wrap("scan surge warning", err)
		}
		s.At = s.At.UTC()
		out = append(out, s)
	}
	if err := rows.Err(); err != nil {
		return nil, db.wrap("list surge warnings", err)
	}
	slices.SortStableFunc(out, func(a, b store.AnalysisSurge) int { return a.At.Compare(b.At) })
	return out, nil
}

func (db *DB) MerchantNames(ctx context.Context, ids []int64) (map[int64]string, error) {
	out := map[int64]string{}
	if len(ids) == 0 {
		return out, nil
	}
	rows, err := db.read().QueryContext(ctx, `SELECT id, name FROM merchants WHERE id IN (`+idList(ids)+`)`)
	if err != nil {
		return nil, db.wrap("merchant names", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var name string
		if err := rows.Scan(&id, &name); err != nil {
			return nil, db.wrap("merchant names", err)
		}
		out[id] = name
	}
	return out, db.wrap("merchant names", rows.Err())
}
