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

// Case lists at a million cases (issue 17).
//
// A list is ordered by (received_at, id) and shows one page. Its scope is a
// set of path prefixes matched on org_path OR diverted_by_path; a range on a
// path cannot give the rows in receipt order, so both engines used to collect
// and sort every case in scope. Here the list is the UNION of "branches",
// each an equality on an index's leading columns (one org_path of the scope,
// one status, one room, one mediator) walked in (received_at, id) order and
// cut at the page size; the union of a few dozen short runs is merged and
// cut again. The paths present under a prefix are read from the case
// counters (below), so a new room needs nothing.
//
// Text: a term of any length is looked up by its grams (grams.go; FTS5 on
// SQLite, GIN on PostgreSQL). When at most searchSparse cases hold them
// these are the candidates, filtered by LIKE and scope and sorted; a term
// that more cases hold is a filter (grams, then LIKE) on the branches' walks
// newest first, which find a page soon. Both see every case in scope.
//
// Totals: a list filtered by scope and statuses only sums the case counters
// (migration 63, one row per org path, diverting path and status, kept by
// triggers), exactly; the counters also name the paths the branches walk.
// Other filters count their matches up to the caller's cap.

const (
	searchSparse = 5000
	maxCompound  = 400
	denseScan    = 2000
)

type caseListSQL struct {
	args []any
}

func (l *caseListSQL) arg(v any) string {
	l.args = append(l.args, v)
	return fmt.Sprintf("$%d", len(l.args))
}

// bind renumbers the $n placeholders of one statement in the order they
// appear, keeping only the arguments it uses (both drivers refuse unused
// ones); the list builds its conditions once and reuses them in several
// statements.
func bind(stmt string, args []any) (string, []any) {
	var b strings.Builder
	var out []any
	seen := map[int]int{}
	for i := 0; i < len(stmt); i++ {
		if stmt[i] != '$' || i+1 >= len(stmt) || stmt[i+1] < '0' || stmt[i+1] > '9' {
			b.WriteByte(stmt[i])
			continue
		}
		j := i + 1
		n := 0
		for j < len(stmt) && stmt[j] >= '0' && stmt[j] <= '9' {
			n = n*10 + int(stmt[j]-'0')
			j++
		}
		k, ok := seen[n]
		if !ok {
			out = append(out, args[n-1])
			k = len(out)
			seen[n] = k
		}
		fmt.Fprintf(&b, "$%d", k)
		i = j - 1
	}
	return b.String(), out
}

// SetSearchSparse sets how many cases a text search's grams may match and
// still be read as candidates (default searchSparse); tests lower it to
// answer a small corpus both ways. Call before the database is used.
// The terms' plans were learnt against the old bound: forgotten.
func (db *DB) SetSearchSparse(n int) { db.searchSparse, db.plans = n, &termPlans{} }

// ListCases answers the case lists: sweeps (ByID) with one statement, the
// rest by index-ordered branches (see above).
func (db *DB) ListCases(ctx context.Context, q store.CaseQuery) (store.CasePage, error) {
	if q.ByID {
		return db.listCasesScan(ctx, q)
	}
	if !q.Scope.All && len(q.Scope.Prefixes) == 0 {
		return store.CasePage{}, nil
	}
	limit := q.Limit
	if limit <= 0 {
		limit = 50
	}
	limit = min(limit, 500)
	offset := 0
	if q.After == nil {
		offset = min(max(q.Offset, 0), store.MaxListOffset)
	}
	l := &caseListSQL{}
	desc := !q.OldestFirst
	dir, cmp, cmpStrict := " DESC", "<=", "<"
	if !desc {
		dir, cmp, cmpStrict = "", ">=", ">"
	}

	// Conditions every branch carries.
	var common []string
	scopeCond := ""
	if !q.Scope.All {
		var ors []string
		for _, p := range q.Scope.Prefixes {
			lo, hi := prefixRange(p)
			lp, hp := l.arg(lo), l.arg(hi)
			ors = append(ors, fmt.Sprintf("(c.org_path >= %s AND c.org_path < %s)", lp, hp),
				fmt.Sprintf("(c.diverted_by_path >= %s AND c.diverted_by_path < %s)", lp, hp))
		}
		scopeCond = "(" + strings.Join(ors, " OR ") + ")"
	}
	ownScope := "" // the org path within the scope
	if !q.Scope.All {
		var ors []string
		for _, p := range q.Scope.Prefixes {
			lo, hi := prefixRange(p)
			ors = append(ors, fmt.Sprintf("(c.org_path >= %s AND c.org_path < %s)", l.arg(lo), l.arg(hi)))
		}
		ownScope = "(" + strings.Join(ors, " OR ") + ")"
	}
	statusIn := ""
	var statusArgs []string
	if len(q.Statuses) > 0 {
		for _, s := range q.Statuses {
			statusArgs = append(statusArgs, l.arg(string(s)))
		}
		statusIn = "c.status IN (" + strings.Join(statusArgs, ", ") + ")"
	}
	// A room's walk on PostgreSQL (roomWalk below) reads the room's index
	// under its own conditions: the room and the receipt-time range.
	var roomIndex []string
	if q.RoomID != 0 {
		roomIndex = append(roomIndex, "c.room_id = "+l.arg(q.RoomID))
		common = append(common, roomIndex[0])
	}
	if q.Presiding != 0 {
		common = append(common, "c.presiding_id = "+l.arg(q.Presiding))
	}
	if q.Unassigned {
		common = append(common, "c.presiding_id IS NULL")
	}
	var timeConds []string // on the receipt time alone
	if q.From != nil {
		timeConds = append(timeConds, "c.received_at >= "+l.arg(q.From.UTC()))
	}
	if q.To != nil {
		timeConds = append(timeConds, "c.received_at < "+l.arg(q.To.UTC()))
	}
	common = append(common, timeConds...)
	roomIndex = append(roomIndex, timeConds...)
	var keyset []string
	if q.After != nil {
		t, id := l.arg(q.After.At.UTC()), l.arg(q.After.ID)
		keyset = append(keyset, fmt.Sprintf("c.received_at %s %s", cmp, t),
			fmt.Sprintf("(c.received_at %s %s OR c.id %s %s)", cmpStrict, t, cmpStrict, id))
	}
	query := func(stmt string) (string, []any) { return bind(stmt, l.args) }

	// Text: the cases holding the term's grams (grams.go), filtered by LIKE
	// for exactness. A rare term's cases are the candidates, sorted; a
	// common term is a filter on the index-ordered walks (a full page comes
	// soon). Either way every case in scope is considered.
	text := strings.TrimSpace(q.Text)
	candidates := ""
	// A common term: walkText filters the page's walks, countText the
	// counts, which read their cases from countFrom: the grams drive them
	// (countByGrams) and stop at the cap soonest.
	walkText, countText := "", ""
	countFrom, countByGrams := "cases c", false
	numberID, byNumber := int64(0), false
	// A rare term on SQLite: its grams' cases, sorted by their keys from
	// an index, then LIKE on the page's rows (below; none for a term that is one gram).
	rareText, rareLike := "", ""
	// A rare term may first be looked for in the newest cases (walkBudget):
	// how many cases hold its grams, the LIKE that makes it exact and, on
	// PostgreSQL, the holders' ids as a parameter.
	rareN, rareLikeAll, rareIDs := 0, "", ""
	if q.PartyHash == "" && text != "" {
		var err error
		if numberID, byNumber, err = db.caseIDByNumber(ctx, text); err != nil {
			return store.CasePage{}, err
		}
	}
	switch {
	case byNumber:
		candidates = "c.id = " + l.arg(numberID)
	case q.PartyHash != "":
		h := l.arg(q.PartyHash)
		candidates = fmt.Sprintf("c.id IN (SELECT case_id FROM parties WHERE phone_hash = %[1]s OR id_hash = %[1]s)", h)
	case text != "":
		p := l.arg("%" + likeEscape(text) + "%")
		like := fmt.Sprintf(`(c.number LIKE %[1]s ESCAPE '\' OR c.consumer_name LIKE %[1]s ESCAPE '\'
			OR c.merchant_name LIKE %[1]s ESCAPE '\' OR c.description LIKE %[1]s ESCAPE '\' OR c.external_id LIKE %[1]s ESCAPE '\')`, p)
		grams := termGrams(text)
		if len(grams) == 0 {
			// Only punctuation: nothing to look up, the walks filter.
			common = append(common, like)
			break
		}
		// rare: the candidates when few cases hold the grams; gramsCond
		// and gramsFrom: the count of a common term.
		var rare, gramsCond, gramsFrom string
		// n: how many cases hold the grams, up to searchSparse+1; a term
		// known to be dense (termplans.go) is not probed again.
		n, now := db.searchSparse+1, time.Now()
		plan := db.plans.get(text, now)
		probe, learnt := !plan.dense, false
		if db.d.Name == "postgres" {
			arr := TermGramArray(text)                                         // numbers since migration 66
			matching := "SELECT case_id FROM case_grams WHERE grams @> " + arr // migration 64
			// The probe reads the ids of up to searchSparse+1 cases. Few:
			// the page and its count fetch those cases by key without
			// reading the grams again.
			if probe {
				ids, found, err := db.probeGrams(ctx, matching+` LIMIT `+fmt.Sprint(db.searchSparse+1))
				if err != nil {
					return store.CasePage{}, err
				}
				if n = found; n <= db.searchSparse {
					rareIDs = l.arg(ids)
					rare = "c.id = ANY (" + rareIDs + "::bigint[])"
				}
			}
			// Many: LIKE alone filters the walks (it is exact, and each walked
			// case is read anyway; a semi-join first read every holder's grams
			// row, 9,000 of them for 健身 at 100,000 cases). The capped count
			// reads the holders one by one, each case by its key, and stops
			// at the cap: OFFSET 0 keeps the planner from hashing them all.
			gramsCond = "g.grams @> " + arr
			gramsFrom = "case_grams g CROSS JOIN LATERAL (SELECT * FROM cases WHERE cases.id = g.case_id OFFSET 0) c"
		} else {
			if plan.grams == nil {
				var err error
				if plan.grams, err = db.selectiveGrams(ctx, grams); err != nil {
					return store.CasePage{}, err
				}
				learnt = true
			}
			m := l.arg(`"` + strings.Join(plan.grams, `" "`) + `"`)
			rare = "c.id IN (SELECT rowid FROM cases_grams WHERE cases_grams MATCH " + m + ")"
			// Many: as on PostgreSQL, LIKE alone filters the walks (testing
			// "+c.id IN (…)" first collected every holder's rowid: 28–36 ms
			// for 预付's 150,000 at a million cases, against 1–2 ms), and the
			// capped count is driven by the grams, each case by its rowid.
			gramsCond = "g.cases_grams MATCH " + m
			gramsFrom = "cases_grams g JOIN cases c ON c.id = g.rowid"
			if probe {
				ps, pa := bind(`SELECT COUNT(*) FROM (SELECT 1 FROM cases_grams WHERE cases_grams MATCH `+m+` LIMIT `+fmt.Sprint(db.searchSparse+1)+`) x`, l.args)
				found, err := db.countCases(ctx, db.read(), ps, pa)
				if err != nil {
					return store.CasePage{}, db.wrap("probe case search", err)
				}
				n = int(found)
			}
		}
		if probe && n > db.searchSparse {
			plan.dense, learnt = true, true
		}
		if learnt {
			db.plans.put(text, now, plan)
		}
		// A term that is one gram (光, 健身) is held by exactly the cases
		// LIKE finds: its count needs no case's row, and on SQLite reads
		// the list keys' index (migration 68), dense, where the rows are
		// scattered over the whole file (q=光 at 1,000,000 cases: 1,089
		// rows read for the count, each a page).
		exact := termIsGram(text)
		if exact && db.d.Name == "sqlite" {
			gramsFrom = "cases_grams g JOIN cases c INDEXED BY cases_list_keys ON c.id = g.rowid"
		}
		if n <= db.searchSparse {
			candidates = rare
			rareN, rareLikeAll = n, like
			if !exact {
				candidates += " AND " + like
			}
			if db.d.Name == "sqlite" {
				rareText = rare
				if exact {
					countFrom = "cases c INDEXED BY cases_list_keys"
				} else {
					rareLike = like
				}
			}
		} else {
			walkText, countText = like, gramsCond
			if !exact {
				countText += " AND " + like
			}
			countFrom, countByGrams = gramsFrom, true
		}
	}

	// Branches: equalities that lead an index in the list's order.
	var branches []string
	unionOp := " UNION " // branches may share a case (its own path and the diverting one)
	byPath := false
	perStatus := func(base string) {
		if len(statusArgs) == 0 {
			branches = append(branches, base)
			return
		}
		for _, s := range statusArgs {
			branches = append(branches, base+" AND c.status = "+s)
		}
	}
	filters := append([]string{}, common...)
	if walkText != "" {
		filters = append(filters, walkText)
	}
	// forCount puts the count's form of a common term in the conditions.
	forCount := func(conds []string) []string {
		if walkText == "" {
			return conds
		}
		out := make([]string, len(conds))
		for i, c := range conds {
			out[i] = strings.ReplaceAll(c, walkText, countText)
		}
		return out
	}
	switch {
	case candidates != "":
		filters = append(filters, candidates)
		if scopeCond != "" {
			filters = append(filters, scopeCond)
		}
		if statusIn != "" {
			filters = append(filters, statusIn)
		}
		branches = []string{"1 = 1"}
	case q.RoomID != 0:
		if scopeCond != "" {
			filters = append(filters, scopeCond)
		}
		if statusIn != "" {
			filters = append(filters, statusIn)
		}
		branches = []string{"1 = 1"}
	case q.Presiding != 0, q.Unassigned, q.Scope.All:
		// With a mediator, or none yet (its NULL entries), the mediator's
		// index (presiding_id, status, received_at, id and the scope's
		// columns) walks each status in order.
		if scopeCond != "" {
			filters = append(filters, scopeCond)
		}
		perStatus("1 = 1")
		// One branch per status: no case is in two, so the union keeps
		// every row without the temporary b-tree that drops duplicates
		// (a mediator's open cases, nine statuses: 17 % of the statement).
		unionOp = " UNION ALL "
	default:
		byPath = true
	}
	// PostgreSQL's path branches of a scope (when the dense walk did not
	// fill the page: a committee whose newest 2,000 cases are another
	// district's) are made disjoint — a diverted case whose own path is in
	// scope left out of the diverting office's branch — so that UNION ALL
	// joins them without deduplicating, and the statement is planned once:
	// each branch is its path's index walked backwards to the page's
	// size whatever the values. A committee of 68 paths at 1,000,000
	// cases: 3–12 ms of planning and 3.2 ms of work before (UNION, planned
	// with its values), 280–490 ms at p95 with 64 clients. (PostgreSQL 15
	// does not merge the branches in order as SQLite does: without each
	// branch's own LIMIT it sorted the scope's every case.)
	pgMerge := db.d.Name == "postgres" && byPath && ownScope != ""
	pathBranches := func() (bool, error) {
		if !byPath || len(branches) > 0 {
			return len(branches) > 0, nil
		}
		paths, err := db.scopePaths(ctx, q.Scope.Prefixes, q.Statuses)
		if err != nil {
			return false, err
		}
		for _, p := range paths.org {
			perStatus("c.org_path = " + l.arg(p))
		}
		for _, p := range paths.diverted {
			b := "c.diverted_by_path = " + l.arg(p)
			if statusIn != "" {
				b += " AND " + statusIn
			}
			if pgMerge {
				// a case whose own path is in scope is in its own branch
				b += " AND NOT " + ownScope
			}
			branches = append(branches, b)
		}
		if pgMerge {
			unionOp = " UNION ALL " // the branches are disjoint
		}
		return len(branches) > 0, nil
	}
	// A dense scope (most cases of the engine are in it, as for a
	// committee on its own server) first walks the receipt-time index, or
	// the status's, with the scope as a filter, looking at denseScan cases
	// at most; a full page from it is the answer.
	dense := byPath && len(statusArgs) <= 1
	// Several statuses (the desk's sections): the same walk per status.
	denseStatuses := byPath && len(statusArgs) > 1
	order := fmt.Sprintf(" ORDER BY c.received_at%[1]s, c.id%[1]s", dir)
	orderK := fmt.Sprintf(" ORDER BY received_at%[1]s, id%[1]s", dir)
	// A room's list on PostgreSQL: the room's index (room, receipt time,
	// id, the scope's paths) walked in order whatever the values, the
	// other conditions after a fence (fenced), planned once. Planned with
	// its values, the page took 0.22 ms to plan for 0.05 ms of work at
	// 100,000 cases, its capped count 0.20 ms for 0.3 ms.
	roomWalk := db.d.Name == "postgres" && q.RoomID != 0 && text == "" && q.PartyHash == ""
	// roomFenced is the room's walk with the list's other conditions
	// (outer) after the fence; inner adds to the walk's own (a keyset).
	roomFenced := func(inner, outer []string, ordered bool) string {
		cols := "c.received_at, c.id, c.org_path, c.diverted_by_path"
		if statusIn != "" {
			cols += ", c.status"
		}
		if q.Presiding != 0 || q.Unassigned {
			cols += ", c.presiding_id"
		}
		walkOrder := ""
		if ordered {
			walkOrder = order
		}
		return fenced(cols, "cases c", append(slices.Clone(roomIndex), inner...), walkOrder, outer)
	}
	// roomOuter is conds without the walk's own.
	roomOuter := func(conds []string) []string {
		return slices.DeleteFunc(slices.Clone(conds), func(c string) bool { return slices.Contains(roomIndex, c) })
	}
	// On SQLite the page is the compound itself, ordered and cut: SQLite
	// merges its branches, each walked in order by its index, and stops at
	// the page. Before, each branch was cut in a subquery and their union
	// sorted, which read every branch's n rows (a mediator's nine statuses
	// at 1,000,000 cases: 0.50 → 0.39 ms a request). A branch cannot carry
	// its own LIMIT in a compound; the plan test (checkMergedBranches) holds
	// that none is sorted, i.e. read whole. PostgreSQL keeps its statement
	// as it was measured. (A func: the path branches are added later.)
	mergeBranches := func() bool { return db.d.Name == "sqlite" && len(branches) <= maxCompound }
	union := func(extra []string, n int) string {
		if roomWalk {
			return `SELECT received_at, id FROM (SELECT c.received_at, c.id FROM ` + roomFenced(extra, roomOuter(filters), true) +
				order + fmt.Sprintf(" LIMIT %d", n) + `) b0`
		}
		var parts []string
		for i, b := range branches {
			conds := append(append([]string{b}, filters...), extra...)
			if mergeBranches() {
				parts = append(parts, fmt.Sprintf(`SELECT c.received_at AS received_at, c.id AS id FROM cases c WHERE %s`, strings.Join(conds, " AND ")))
				continue
			}
			sub := fmt.Sprintf(`SELECT c.received_at, c.id FROM cases c WHERE %s%s LIMIT %d`, strings.Join(conds, " AND "), order, n)
			parts = append(parts, fmt.Sprintf("SELECT received_at, id FROM (%s) b%d", sub, i))
		}
		// SQLite allows 500 terms in one compound SELECT: a scope with
		// more paths × statuses unions groups of unions.
		for len(parts) > maxCompound {
			var groups []string
			for i := 0; i < len(parts); i += maxCompound {
				groups = append(groups, fmt.Sprintf("SELECT received_at, id FROM (%s) g%d_%d",
					strings.Join(parts[i:min(i+maxCompound, len(parts))], unionOp), len(parts), i))
			}
			parts = groups
		}
		return strings.Join(parts, unionOp)
	}

	// A mediator's lists (or those of no mediator yet) walk the mediator's
	// index, whatever the values: their statements are planned once on
	// PostgreSQL (readGeneric).
	rq := db.read
	if (q.Presiding != 0 || q.Unassigned) && q.RoomID == 0 && text == "" && q.PartyHash == "" {
		rq = db.readGeneric
	}
	if roomWalk {
		rq = db.readGeneric
	}
	var page store.CasePage
	// Filtered by scope and status only: the total is the counters' sum
	// (migration 63), exact, whatever the cap.
	byCounters := q.RoomID == 0 && q.Presiding == 0 && !q.Unassigned && text == "" && q.PartyHash == "" && q.From == nil && q.To == nil
	// The first page of a rare term that is one gram: every candidate in
	// the list's scope is a match, so the page's statement, which sorts
	// them all, counts them too (a second pass seeked each of them in the
	// index again: q=光 at 1,000,000 cases, 1,089 seeks).
	// A rare term's holders looked for among the newest cases first, up to
	// walk cases (0: not), where that is expected to cost less than
	// sorting every holder (walkBudget). The page's total is then counted
	// by the count below, not with the sort.
	walk := 0
	if rareN > 0 && q.RoomID == 0 && q.Presiding == 0 && !q.Unassigned {
		var err error
		if walk, err = db.walkBudget(ctx, q.Scope, q.Statuses, rareN, offset+limit+1); err != nil {
			return store.CasePage{}, err
		}
	}
	totalInPage := rareText != "" && rareLike == "" && len(keyset) == 0 && offset == 0 && walk == 0
	switch {
	case q.CountCap < 0, totalInPage:
	case byCounters:
		if n, ok, err := db.countedTotal(ctx, q.Scope, q.Statuses); err != nil {
			return page, db.wrap("count cases", err)
		} else if ok {
			page.Total = n
			break
		}
		// One index range per prefix and path column, summed: the rows
		// diverted into the scope from outside it, and the scope's own,
		// each once (prefixes under another are left out). One condition
		// ORing the ranges made SQLite collect and deduplicate the rows.
		st := ""
		if statusIn != "" {
			st = " AND " + statusIn
		}
		parts := []string{`SELECT c.n FROM case_counts c WHERE 1 = 1` + st}
		if !q.Scope.All {
			parts = parts[:0]
			for _, p := range outermost(q.Scope.Prefixes) {
				lo, hi := prefixRange(p)
				lp, hp := l.arg(lo), l.arg(hi)
				parts = append(parts, fmt.Sprintf(`SELECT c.n FROM case_counts c WHERE c.org_path >= %s AND c.org_path < %s%s`, lp, hp, st),
					fmt.Sprintf(`SELECT c.n FROM case_counts c WHERE c.diverted_by_path >= %s AND c.diverted_by_path < %s AND NOT %s%s`, lp, hp, ownScope, st))
			}
		}
		// The counters are a table of a few thousand rows: any plan will
		// do, so it is made once (readGeneric).
		cs, ca := query(`SELECT COALESCE(SUM(n), 0) FROM (` + strings.Join(parts, " UNION ALL ") + `) x`)
		if err := db.readGeneric().QueryRowContext(ctx, cs, ca...).Scan(&page.Total); err != nil {
			return page, db.wrap("count cases", err)
		}
	case q.CountCap > 0 && (len(statusArgs) == 0 || db.d.Name == "postgres" || countByGrams || candidates != ""):
		// Count up to the cap with the scope as one condition: both engines
		// read the scope's path index and stop at the cap (a dense scope).
		// With statuses too on PostgreSQL, whose planner, given the values,
		// picks the status or the path index (or both, bitmap-ORed) for the
		// scope at hand; planning the per-path union instead took 4–17 ms
		// at 100,000 cases. SQLite counts by the branches below, except a
		// common term's count, which the grams drive.
		conds := append([]string{}, filters...)
		if scopeCond != "" && !slices.Contains(conds, scopeCond) {
			conds = append(conds, scopeCond)
		}
		if statusIn != "" && !slices.Contains(conds, statusIn) {
			conds = append(conds, statusIn)
		}
		conds = forCount(conds)
		cond := ""
		if len(conds) > 0 {
			cond = " WHERE " + strings.Join(conds, " AND ")
		}
		capN := q.CountCap + 1
		from := countFrom + cond
		if roomWalk {
			from = roomFenced(nil, roomOuter(conds), false)
		}
		cs, ca := query(`SELECT COUNT(*) FROM (SELECT 1 FROM ` + from + ` LIMIT ` + fmt.Sprint(capN) + `) x`)
		n, err := db.countCases(ctx, rq(), cs, ca)
		if err != nil {
			return page, db.wrap("count cases", err)
		}
		page.Total = n
		if page.Total > int64(q.CountCap) {
			page.Total, page.TotalCapped = int64(q.CountCap), true
		}
	case q.CountCap > 0:
		if ok, err := pathBranches(); err != nil || !ok {
			return store.CasePage{}, err
		}
		// Count up to the cap: the branches one after another (UNION ALL,
		// each case once: a diverted case whose own path is also in scope
		// is counted with its path), stopping at the cap.
		capN := q.CountCap + 1
		var parts []string
		for _, b := range branches {
			conds := append([]string{b}, forCount(filters)...)
			if strings.HasPrefix(b, "c.diverted_by_path") && !pgMerge { // pgMerge's branches are disjoint already
				conds = append(conds, "NOT "+ownScope)
			}
			parts = append(parts, `SELECT 1 FROM cases c WHERE `+strings.Join(conds, " AND "))
		}
		for len(parts) > maxCompound {
			var groups []string
			for i := 0; i < len(parts); i += maxCompound {
				groups = append(groups, fmt.Sprintf("SELECT 1 FROM (%s) g%d_%d", strings.Join(parts[i:min(i+maxCompound, len(parts))], " UNION ALL "), len(parts), i))
			}
			parts = groups
		}
		cs, ca := query(`SELECT COUNT(*) FROM (` + strings.Join(parts, " UNION ALL ") + ` LIMIT ` + fmt.Sprint(capN) + `) x`)
		n, err := db.countCases(ctx, rq(), cs, ca)
		if err != nil {
			return page, db.wrap("count cases", err)
		}
		page.Total = n
		if page.Total > int64(q.CountCap) {
			page.Total, page.TotalCapped = int64(q.CountCap), true
		}
	default:
		// Exact count, for the callers that need one (small scopes, reports).
		conds := append([]string{}, common...)
		if scopeCond != "" {
			conds = append(conds, scopeCond)
		}
		if statusIn != "" {
			conds = append(conds, statusIn)
		}
		if candidates != "" {
			conds = append(conds, candidates)
		}
		if countText != "" {
			conds = append(conds, countText)
		}
		cond := ""
		if len(conds) > 0 {
			cond = " WHERE " + strings.Join(conds, " AND ")
		}
		cs, ca := query(`SELECT COUNT(*) FROM ` + countFrom + cond)
		if err := rq().QueryRowContext(ctx, cs, ca...).Scan(&page.Total); err != nil {
			return page, db.wrap("count cases", err)
		}
	}

	cols, scan := db.rowColumns(q.Brief)
	// readOn runs a page's statement on the given readers (read: on the
	// list's); with total, each row also ends with the count of the whole
	// list, scanned into it.
	readOn := func(via func() querier, stmt string, total ...*int64) error {
		page.Cases = page.Cases[:0]
		stmt, args := query(stmt)
		rows, err := via().QueryContext(ctx, stmt, args...)
		if err != nil {
			return db.wrap("list cases", err)
		}
		defer rows.Close()
		var src interface{ Scan(...any) error } = rows
		if len(total) > 0 {
			src = trailing{rows, total[0]}
		}
		for rows.Next() {
			c, err := scan(src)
			if err != nil {
				return db.wrap("scan case", err)
			}
			page.Cases = append(page.Cases, c)
		}
		return db.wrap("list cases", rows.Err())
	}
	read := func(stmt string, total ...*int64) error { return readOn(rq, stmt, total...) }
	cut := fmt.Sprintf(" LIMIT %d OFFSET %d", limit+1, offset)
	walked := false
	if walk > 0 {
		// The newest walk cases in the list's order (the receipt-time index
		// alone, with the dates and the cursor), each holder among them
		// read and tested; on PostgreSQL the walk keeps only the holders'
		// ids (hashed) before any row is read — in COALESCE, which the
		// planner does not estimate element by element: planning the bare
		// ANY over 3,422 ids took 1.1–1.6 ms, this 0.5–0.6, for 0.6 ms of
		// work (q=翻新机 at 100,000 cases). A full page is the answer:
		// every case before its last was seen. Otherwise the holders are
		// sorted below, as without the walk.
		inner := append(slices.Clone(timeConds), keyset...)
		where := ""
		if len(inner) > 0 {
			where = " WHERE " + strings.Join(inner, " AND ")
		}
		outer := []string{rareLikeAll}
		if scopeCond != "" {
			outer = append(outer, scopeCond)
		}
		if statusIn != "" {
			outer = append(outer, statusIn)
		}
		k := `SELECT c.received_at, c.id FROM cases c` + where + order + fmt.Sprintf(" LIMIT %d", walk)
		stmt := ""
		if db.d.Name == "postgres" {
			stmt = `SELECT ` + cols + ` FROM (SELECT received_at, id FROM (` + k + `) w WHERE COALESCE(w.id = ANY (` + rareIDs + `::bigint[]), false)) k JOIN cases c ON c.id = k.id WHERE ` +
				strings.Join(outer, " AND ") + fmt.Sprintf(" ORDER BY k.received_at%[1]s, k.id%[1]s", dir) + cut
		} else {
			// CROSS JOIN keeps the walk the outer loop, in its order.
			stmt = `SELECT ` + cols + ` FROM (` + k + `) k CROSS JOIN cases c ON c.id = k.id WHERE ` + strings.Join(outer, " AND ") + cut
		}
		if err := read(stmt); err != nil {
			return page, err
		}
		if len(page.Cases) > limit {
			slices.SortStableFunc(page.Cases, func(a, b store.Case) int {
				return listOrder(a.ReceivedAt, a.ID, b.ReceivedAt, b.ID, desc)
			})
			walked = true
		}
	}
	if dense && !walked {
		conds := append(append([]string{}, filters...), keyset...)
		if len(statusArgs) == 1 {
			conds = append(conds, "c.status = "+statusArgs[0])
		}
		where := ""
		if len(conds) > 0 {
			where = " WHERE " + strings.Join(conds, " AND ")
		}
		stmt := `SELECT ` + cols + ` FROM (SELECT received_at, id FROM (SELECT c.received_at, c.id, c.org_path, c.diverted_by_path FROM cases c` +
			where + order + fmt.Sprintf(" LIMIT %d", denseScan) + `) c WHERE ` + scopeCond + orderK + cut + `) k JOIN cases c ON c.id = k.id` + order
		// The walk is the receipt-time index, or the status's, whatever the
		// values, the scope being a filter after it: planned once on
		// PostgreSQL (readGeneric). Not with a text, whose LIKE a generic
		// plan cannot weigh.
		via := rq
		if walkText == "" {
			via = db.readGeneric
		}
		if err := readOn(via, stmt); err != nil {
			return page, err
		}
	}
	if denseStatuses && !walked {
		// Each status's walk is its index whatever the values (the scope
		// only tested on each row): planned once on PostgreSQL, as the
		// single status's walk is. Not with a text (see above).
		via := db.read
		if walkText == "" {
			via = db.readGeneric
		}
		ids, ok, err := db.denseByStatus(ctx, via, l, filters, keyset, statusArgs, scopeCond, order, desc, offset+limit+1)
		if err != nil {
			return page, err
		}
		if ok {
			if len(ids) == 0 {
				return page, nil
			}
			// The page's rows by key, put in the walks' order here: the
			// statement's text depends only on the page size, so it stays
			// prepared (ids written into it were parsed on every call), and
			// SQLite sorts nothing.
			ids = ids[min(offset, len(ids)):]
			ids = ids[:min(limit+1, len(ids))]
			if err := db.readByIDs(ctx, cols, scan, ids, &page); err != nil {
				return page, err
			}
			dense = true // answered: the branches are not needed
		}
	}
	if walked {
		// answered by the walk
	} else if rareText != "" {
		// The candidates' receipt times, statuses and paths come from the
		// list keys' index (migration 68), a few pages for thousands of
		// cases, where their rows cost a page each; they are sorted, and
		// only then are rows read, in that order, and LIKE keeps the
		// matches until the page is full (q=翻新机, 3,422 cases of 100,000:
		// 7.3 → 2.7 ms in SQLite's own statement). The order of the rows is
		// the walk's; it is sorted again below all the same.
		rareWhere := ""
		if rareLike != "" {
			rareWhere = " WHERE " + rareLike
		}
		conds := append(append([]string{rareText}, common...), keyset...)
		if scopeCond != "" {
			conds = append(conds, scopeCond)
		}
		if statusIn != "" {
			conds = append(conds, statusIn)
		}
		sel, win, into := cols, "", []*int64{}
		if totalInPage {
			sel, win, into = cols+", k.n", ", COUNT(*) OVER () AS n", []*int64{&page.Total}
		}
		if err := read(`SELECT `+sel+` FROM (SELECT c.received_at, c.id`+win+` FROM cases c INDEXED BY cases_list_keys WHERE `+
			strings.Join(conds, " AND ")+order+fmt.Sprintf(" LIMIT %d", db.searchSparse+1)+`) k CROSS JOIN cases c ON c.id = k.id`+
			rareWhere+cut, into...); err != nil {
			return page, err
		}
		if totalInPage && q.CountCap > 0 && page.Total > int64(q.CountCap) {
			page.Total, page.TotalCapped = int64(q.CountCap), true
		}
		slices.SortStableFunc(page.Cases, func(a, b store.Case) int {
			return listOrder(a.ReceivedAt, a.ID, b.ReceivedAt, b.ID, desc)
		})
	} else if !dense || (len(page.Cases) <= limit && !denseStatuses) {
		if ok, err := pathBranches(); err != nil || !ok {
			return page, err
		}
		n := offset + limit + 1
		merged := `SELECT received_at, id FROM (` + union(keyset, n) + `) u` + orderK + cut
		if mergeBranches() {
			merged = union(keyset, n) + orderK + cut
		}
		via := rq
		if pgMerge && walkText == "" {
			via = db.readGeneric
		}
		if err := readOn(via, `SELECT `+cols+` FROM (`+merged+`) k JOIN cases c ON c.id = k.id`+order); err != nil {
			return page, err
		}
	}
	if len(page.Cases) > limit {
		page.Cases = page.Cases[:limit]
		last := page.Cases[limit-1]
		page.Next = &store.ListCursor{At: last.ReceivedAt, ID: last.ID}
	}
	return page, nil
}

// trailing scans a row whose last column is not the caller's: into n.
type trailing struct {
	rows *sql.Rows
	n    *int64
}

func (t trailing) Scan(dest ...any) error { return t.rows.Scan(append(dest, t.n)...) }

// caseIDByNumber finds the case a search names by its whole number (typed
// any way NormalizeCaseNumber accepts) through the number's unique index.
// A whole number is then the search, as a phone is: it lists that case
// alone, not others that quote the number. A number no case has is
// searched as text.
func (db *DB) caseIDByNumber(ctx context.Context, text string) (int64, bool, error) {
	n := domain.NormalizeCaseNumber(text)
	if !domain.IsCaseNumber(n) {
		return 0, false, nil
	}
	var id int64
	err := db.read().QueryRowContext(ctx, `SELECT id FROM cases WHERE number = $1`, n).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, false, nil
	}
	if err != nil {
		return 0, false, db.wrap("find case by number", err)
	}
	return id, true, nil
}

// maxQueryGrams is how many of a long term's grams SQLite is asked for
// when some are selective: FTS5 reads each token's whole list of cases, and
// a case number's common pairs ("消调", "20") are in nearly every case.
const maxQueryGrams = 4

// walkRowCost is, per engine, how many cases the newest-first walk of a
// rare term may look at for the cost of sorting one of its holders:
// SQLite reads and tests each walked case's row (2.8 µs) against a seek
// of the list keys' index per holder (3.8 µs); PostgreSQL's walk reads
// index entries and keeps the holders' ids by hash (0.25 µs) against a
// key lookup and row per holder (2.8 µs). Measured at 100,000 cases
// (docs/performance.md).
var walkRowCost = map[string]float64{"sqlite": 1.4, "postgres": 10}

// walkBudget says how many of the newest cases a search for a term that n
// cases hold (n ≤ searchSparse) should look at before sorting its holders
// (0: none). With the holders spread as the cases are, a walk meets one
// in scope every N·N/(n·S) cases (N cases in all, S in the list's scope
// and statuses, both from the counters in memory), so it expects to see
// E = need·N·N/(n·S) cases for a page of need. It walks when that costs
// at most half of sorting the n holders, and up to 2E cases: a term whose
// holders are old, or outside the scope, costs at most what the sort
// does again. Inside a transaction (no counters) it never walks.
func (db *DB) walkBudget(ctx context.Context, scope store.Scope, statuses []domain.Status, n, need int) (int, error) {
	all, ok, err := db.countedTotal(ctx, store.Scope{All: true}, nil)
	if err != nil || !ok || all == 0 {
		return 0, err
	}
	in, _, err := db.countedTotal(ctx, scope, statuses)
	if err != nil || in == 0 {
		return 0, err
	}
	e := float64(need) * float64(all) / float64(n) * float64(all) / float64(in)
	if e > walkRowCost[db.d.Name]*float64(n)/2 {
		return 0, nil
	}
	return int(min(2*e, float64(all))) + 1, nil
}

// probeGrams reads the case ids a PostgreSQL grams statement gives, as an
// array literal for a bigint[] parameter, and how many there are: one row,
// remembered as the counts are (askCases) until a case changes — the grams
// are written only with their case.
func (db *DB) probeGrams(ctx context.Context, stmt string) (string, int, error) {
	type probed struct {
		ids string
		n   int
	}
	q := `SELECT COALESCE(array_agg(case_id)::text, '{}'), COUNT(*) FROM (` + stmt + `) p`
	scan := func(r *sql.Row) (any, error) {
		var p probed
		err := r.Scan(&p.ids, &p.n)
		return p, err
	}
	a, err := db.askCases(ctx, db.read(), q, nil, scan)
	if err != nil {
		return "", 0, db.wrap("probe case search", err)
	}
	p := a.(probed)
	return p.ids, p.n, nil
}

// selectiveGrams picks the grams of a term worth asking FTS5 for: when
// a term has more than maxQueryGrams, each one's cases are counted up to
// searchSparse (one statement, each count stopping there) and the rarest
// maxQueryGrams that are under it are kept. Any subset gives a superset of
// the term's cases (LIKE makes it exact), so this only changes the speed.
// When none is selective the last maxQueryGrams are kept.
func (db *DB) selectiveGrams(ctx context.Context, grams []string) ([]string, error) {
	if len(grams) <= maxQueryGrams {
		return grams, nil
	}
	var parts []string
	args := make([]any, len(grams))
	for i, g := range grams {
		args[i] = `"` + g + `"`
		parts = append(parts, fmt.Sprintf(`SELECT %d, (SELECT COUNT(*) FROM (SELECT 1 FROM cases_grams WHERE cases_grams MATCH $%d LIMIT %d))`,
			i, i+1, db.searchSparse+1))
	}
	rows, err := db.read().QueryContext(ctx, strings.Join(parts, " UNION ALL "), args...)
	if err != nil {
		return nil, db.wrap("count case search grams", err)
	}
	defer rows.Close()
	type gc struct{ i, n int }
	var counts []gc
	for rows.Next() {
		var c gc
		if err := rows.Scan(&c.i, &c.n); err != nil {
			return nil, db.wrap("count case search grams", err)
		}
		if c.n <= db.searchSparse {
			counts = append(counts, c)
		}
	}
	if err := rows.Err(); err != nil {
		return nil, db.wrap("count case search grams", err)
	}
	if len(counts) == 0 {
		// None alone is rare: the last ones, since what sets a case
		// number apart is its serial at the end, and together they
		// usually are (measured: a case number's last four pairs, about
		// a hundred cases of 100,000).
		return grams[len(grams)-maxQueryGrams:], nil
	}
	slices.SortStableFunc(counts, func(a, b gc) int { return a.n - b.n })
	var out []string
	for _, c := range counts[:min(len(counts), maxQueryGrams)] {
		out = append(out, grams[c.i])
	}
	return out, nil
}

// denseByStatus answers a list over several statuses in a dense scope:
// each status's cases walked in list order through its index with the
// scope tested on each (at most denseScan cases per status), reading until
// n of them are in scope. ok when every walk either found n or ran out —
// then the first n of the merged walks are the list's first n: their ids
// are returned in list order, so that only they are read (the desk's three
// waiting statuses read 150 rows to show 50 before). Otherwise the scope is
// sparse in some status and the branches must answer.
func (db *DB) denseByStatus(ctx context.Context, via func() querier, l *caseListSQL, filters, keyset, statusArgs []string, scopeCond, order string, desc bool, n int) ([]int64, bool, error) {
	type key struct {
		at time.Time
		id int64
	}
	var keys []key
	at := "c.received_at"
	if db.d.Name == "sqlite" {
		at = "(c.received_at || '')" // read by timeCol, as the case columns are
	}
	for _, st := range statusArgs {
		conds := append(append(append([]string{}, filters...), keyset...), "c.status = "+st)
		// rn: how far the walk has gone at this row (0: count the rows).
		walk := `SELECT c.id, ` + at + `, CASE WHEN ` + scopeCond + ` THEN 1 ELSE 0 END, 0 FROM cases c WHERE ` + strings.Join(conds, " AND ") +
			order + fmt.Sprintf(" LIMIT %d", denseScan)
		if db.d.Name == "postgres" {
			// PostgreSQL runs a statement to its end before the driver
			// can close it (20 ms for 2,000 rows of a status at 1M cases,
			// where SQLite stops at the rows read): the scope filters and
			// the walk's end come from the statement, the last row it
			// walks (rn = denseScan) telling the walk was cut.
			walk = `SELECT id, received_at, in_scope, rn FROM (SELECT c.id, c.received_at, CASE WHEN ` + scopeCond + ` THEN 1 ELSE 0 END AS in_scope, row_number() OVER (` +
				strings.TrimPrefix(order, " ") + `) AS rn FROM cases c WHERE ` + strings.Join(conds, " AND ") + order +
				fmt.Sprintf(" LIMIT %d) w WHERE in_scope = 1 OR rn = %d LIMIT %d", denseScan, denseScan, n)
		}
		stmt, args := bind(walk, l.args)
		rows, err := via().QueryContext(ctx, stmt, args...)
		if err != nil {
			return nil, false, db.wrap("list cases by status", err)
		}
		scanned, found := 0, 0
		for found < n && rows.Next() {
			var k key
			var in, rn int
			if err := rows.Scan(&k.id, timeCol{t: &k.at}, &in, &rn); err != nil {
				rows.Close()
				return nil, false, db.wrap("list cases by status", err)
			}
			scanned++
			if rn > 0 {
				scanned = rn
			}
			if in == 1 {
				found++
				keys = append(keys, k)
			}
		}
		err = rows.Err()
		rows.Close() // stops the walk: the rest is not read
		if err != nil {
			return nil, false, db.wrap("list cases by status", err)
		}
		if found < n && scanned >= denseScan {
			return nil, false, nil
		}
	}
	slices.SortFunc(keys, func(a, b key) int { return listOrder(a.at, a.id, b.at, b.id, desc) })
	ids := make([]int64, 0, min(n, len(keys)))
	for _, k := range keys[:min(n, len(keys))] {
		ids = append(ids, k.id)
	}
	return ids, true, nil
}

// listOrder compares two cases in a list's order: by receipt, then id,
// newest first when desc.
func listOrder(aAt time.Time, aID int64, bAt time.Time, bID int64, desc bool) int {
	c := cmp.Or(aAt.Compare(bAt), cmp.Compare(aID, bID))
	if desc {
		return -c
	}
	return c
}

// readByIDs reads the cases of ids into page.Cases, in the order of ids.
func (db *DB) readByIDs(ctx context.Context, cols string, scan func(interface{ Scan(...any) error }) (store.Case, error), ids []int64, page *store.CasePage) error {
	args := make([]any, len(ids))
	at := make(map[int64]int, len(ids))
	for i, id := range ids {
		args[i], at[id] = id, i
	}
	rows, err := db.read().QueryContext(ctx, `SELECT `+cols+` FROM cases c WHERE c.id IN (`+inList(1, len(ids))+`)`, args...)
	if err != nil {
		return db.wrap("list cases", err)
	}
	defer rows.Close()
	out := make([]store.Case, len(ids))
	for rows.Next() {
		c, err := scan(rows)
		if err != nil {
			return db.wrap("scan case", err)
		}
		out[at[c.ID]] = c
	}
	if err := rows.Err(); err != nil {
		return db.wrap("list cases", err)
	}
	// Cases are never deleted, so each id is found; were one not, the
	// page goes without it rather than with an empty row.
	page.Cases = slices.DeleteFunc(out, func(c store.Case) bool { return c.ID == 0 })
	return nil
}

// outermost leaves out the prefixes under another of them (a binding to a
// committee and one to its room): the rest name disjoint sets of paths.
func outermost(prefixes []string) []string {
	var out []string
	for _, p := range prefixes {
		under := false
		for _, q := range prefixes {
			under = under || (q != p && strings.HasPrefix(p, q))
		}
		if !under && !slices.Contains(out, p) {
			out = append(out, p)
		}
	}
	return out
}

type scopePaths struct{ org, diverted []string }

// scopePaths lists the distinct org and diversion paths under the prefixes
// that hold cases (of one of the statuses, when given), from the case
// counters (migration 63): a list walks one branch per path.
func (db *DB) scopePaths(ctx context.Context, prefixes []string, statuses []domain.Status) (scopePaths, error) {
	var out scopePaths
	l := &caseListSQL{}
	statusIn := ""
	if len(statuses) > 0 {
		var ps []string
		for _, s := range statuses {
			ps = append(ps, l.arg(string(s)))
		}
		statusIn = " AND status IN (" + strings.Join(ps, ", ") + ")"
	}
	var ors []string
	for _, p := range prefixes {
		lo, hi := prefixRange(p)
		lp, hp := l.arg(lo), l.arg(hi)
		ors = append(ors, fmt.Sprintf(`SELECT 'o', org_path FROM case_counts WHERE org_path >= %[1]s AND org_path < %[2]s AND n > 0%[3]s
			UNION SELECT 'd', diverted_by_path FROM case_counts WHERE diverted_by_path >= %[1]s AND diverted_by_path < %[2]s AND n > 0%[3]s`, lp, hp, statusIn))
	}
	rows, err := db.read().QueryContext(ctx, strings.Join(ors, " UNION ")+" ORDER BY 1, 2", l.args...)
	if err != nil {
		return out, db.wrap("scope paths", err)
	}
	defer rows.Close()
	for rows.Next() {
		var kind, v string
		if err := rows.Scan(&kind, &v); err != nil {
			return out, db.wrap("scope paths", err)
		}
		if kind == "o" {
			out.org = append(out.org, v)
		} else {
			out.diverted = append(out.diverted, v)
		}
	}
	return out, db.wrap("scope paths", rows.Err())
}

// Reader is the read pool (benchmarks compare the lists with hand-written
// statements on it).
func (db *DB) Reader() *sql.DB { return db.r }
