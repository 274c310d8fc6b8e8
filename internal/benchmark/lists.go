package benchmark

import (
	"context"
	"database/sql"
	"fmt"
	"io"
	"slices"
	"strings"
	"sync"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/tiaojie/tiaojie/internal/admission"
	"github.com/tiaojie/tiaojie/internal/auth"
	"github.com/tiaojie/tiaojie/internal/calendar"
	"github.com/tiaojie/tiaojie/internal/demo"
	"github.com/tiaojie/tiaojie/internal/desk"
	"github.com/tiaojie/tiaojie/internal/domain"
	"github.com/tiaojie/tiaojie/internal/grouping"
	"github.com/tiaojie/tiaojie/internal/intake"
	"github.com/tiaojie/tiaojie/internal/pii"
	"github.com/tiaojie/tiaojie/internal/store"
	"github.com/tiaojie/tiaojie/internal/store/sqlstore"
)

// ListsFixture is a seeded database with what the list benchmarks ask for:
// the demo committee (its director's scope), its busiest room and
// mediator, a phone number and an identity number of a consumer, a case
// number.
type ListsFixture struct {
	DB        *sqlstore.DB
	Cases     int
	Seeded    time.Duration
	Committee store.OrgUnit
	Room      store.OrgUnit
	Mediator  int64
	Phone     string
	IDNumber  string
	Number    string
	Director  *auth.Principal
	Intake    *intake.Service
	Desk      *desk.Service
	Grouping  *grouping.Service
	Now       time.Time // the lists' today
	// DueRefresh is how long computing the stored due dates took here
	// (DueComputed cases: all open ones on a new or upgraded file).
	DueRefresh  time.Duration
	DueComputed int
}

// ListsSource says whose database the lists are read from: nil for the
// bench's own (seeded here with a fixed key, read as of EvalNow), or one
// seeded by `tiaojie demo` (its key, read as of its now).
type ListsSource struct {
	Key []byte
	Now time.Time
}

// SeedLists fills an empty database with n demo cases (one committee, its
// rooms and mediators; three years) or reuses one seeded earlier.
func SeedLists(ctx context.Context, db *sqlstore.DB, n int, src *ListsSource, progress io.Writer) (*ListsFixture, error) {
	key, now := make([]byte, 32), EvalNow
	for i := range key {
		key[i] = byte(i*7 + 3)
	}
	if src != nil {
		key, now = src.Key, src.Now
	}
	sealer, err := pii.NewSealer(key)
	if err != nil {
		return nil, err
	}
	say := func(format string, a ...any) {
		if progress != nil {
			fmt.Fprintf(progress, format, a...)
		}
	}
	f := &ListsFixture{DB: db}
	empty, err := demo.IsEmpty(ctx, db)
	if err != nil {
		return nil, err
	}
	if empty {
		start := time.Now()
		if _, err := demo.Build(ctx, db, sealer, demo.Options{Password: "bench-pass", Now: EvalNow, Cases: 0}); err != nil {
			return nil, fmt.Errorf("build the organisation: %w", err)
		}
		step, next := max(n/10, demo.BatchSize), max(n/10, demo.BatchSize)
		if _, err := demo.AddCases(ctx, db, sealer, n, demo.DefaultSeed, EvalNow, func(done, total int) {
			if done >= next || done == total {
				say("  %s: %d/%d cases written (%.0f s)\n", db.Dialect(), done, total, time.Since(start).Seconds())
				next += step
			}
		}); err != nil {
			return nil, fmt.Errorf("write cases: %w", err)
		}
		if err := setPresiding(ctx, db); err != nil {
			return nil, err
		}
		f.Seeded = time.Since(start)
		if err := analyze(ctx, db); err != nil {
			return nil, err
		}
	}
	w := db.Writer()
	if err := w.QueryRowContext(ctx, `SELECT COUNT(*) FROM cases`).Scan(&f.Cases); err != nil {
		return nil, err
	}
	if !empty {
		say("  %s: reusing %d cases seeded earlier\n", db.Dialect(), f.Cases)
	}
	if f.Committee, err = db.GetOrgUnitByCode(ctx, demo.CodeCommittee); err != nil {
		return nil, fmt.Errorf("find the committee: %w", err)
	}
	var room int64
	if err := w.QueryRowContext(ctx, `SELECT room_id FROM cases WHERE room_id IS NOT NULL GROUP BY room_id ORDER BY COUNT(*) DESC LIMIT 1`).Scan(&room); err != nil {
		return nil, fmt.Errorf("busiest room: %w", err)
	}
	if f.Room, err = db.GetOrgUnit(ctx, room); err != nil {
		return nil, err
	}
	if err := w.QueryRowContext(ctx, `SELECT presiding_id FROM cases WHERE presiding_id IS NOT NULL GROUP BY presiding_id ORDER BY COUNT(*) DESC LIMIT 1`).Scan(&f.Mediator); err != nil {
		return nil, fmt.Errorf("busiest mediator: %w", err)
	}
	// A consumer from the middle of the table, so that the answer is neither
	// the first nor the last row.
	var phone, id string
	if err := w.QueryRowContext(ctx, `SELECT p.phone_sealed, c.number FROM parties p JOIN cases c ON c.id = p.case_id
		WHERE p.kind = 'consumer' AND p.phone_sealed <> '' AND p.case_id >= (SELECT MAX(id) / 2 FROM cases) ORDER BY p.case_id LIMIT 1`).Scan(&phone, &f.Number); err != nil {
		return nil, fmt.Errorf("a consumer's phone: %w", err)
	}
	if f.Phone, err = sealer.Open(phone); err != nil {
		return nil, err
	}
	if err := w.QueryRowContext(ctx, `SELECT id_sealed FROM parties WHERE kind = 'consumer' AND id_sealed <> ''
		AND case_id >= (SELECT MAX(id) / 3 FROM cases) ORDER BY case_id LIMIT 1`).Scan(&id); err == nil {
		if f.IDNumber, err = sealer.Open(id); err != nil {
			return nil, err
		}
	} else if err != sql.ErrNoRows {
		return nil, err
	}
	f.Director = &auth.Principal{UserID: 0, DisplayName: "基准测试", Bindings: []store.Binding{{Role: domain.RoleCommittee, OrgID: f.Committee.ID, OrgPath: f.Committee.Path}}}
	f.Intake = &intake.Service{Store: db, Sealer: sealer, Now: func() time.Time { return now }}
	f.Desk = &desk.Service{Store: db, Now: func() time.Time { return now }}
	f.Grouping = &grouping.Service{Store: db, Sealer: sealer, Now: func() time.Time { return now }}
	f.Now = now
	// The stored due dates, as the server's periodic job keeps them.
	start := time.Now()
	rep, err := f.Desk.RefreshDue(ctx)
	if err != nil {
		return nil, fmt.Errorf("compute due dates: %w", err)
	}
	f.DueRefresh, f.DueComputed = time.Since(start), rep.Computed
	say("  %s: due dates of %d open cases computed in %.1f s\n", db.Dialect(), rep.Computed, f.DueRefresh.Seconds())
	if empty {
		// Storing the due dates rewrote every open case's row after the
		// seeding's vacuum: vacuum again, as docs/operations.md asks after
		// a bulk load (index-only scans read the heap until then: a
		// mediator's count 6.8 → 0.4 ms at 1,000,000 cases).
		if err := analyze(ctx, db); err != nil {
			return nil, err
		}
	}
	return f, nil
}

// ListsRow is one list: the platform's answer and a hand-written
// index-ordered query for the same page, both under the same load.
type ListsRow struct {
	Name     string
	App, Raw Latency
	Rows     int // cases on the app's page
}

// ListsResult is one engine's run.
type ListsResult struct {
	Engine          string
	Cases, Clients  int
	Seeded          time.Duration
	Rows            []ListsRow
	Phone, IDNumber string
	Committee, Room string
	MediatorUserID  int64
}

func (r ListsResult) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s, %d cases, %d concurrent clients", r.Engine, r.Cases, r.Clients)
	if r.Seeded > 0 {
		fmt.Fprintf(&b, " (seeded in %.1f s)", r.Seeded.Seconds())
	}
	fmt.Fprintf(&b, "\n  %-44s %5s %9s %9s %9s %9s %7s\n", "list", "rows", "app p50", "app p95", "raw p50", "raw p95", "p95 ×")
	ms := func(d time.Duration) string { return fmt.Sprintf("%.1f ms", float64(d.Microseconds())/1000) }
	for _, row := range r.Rows {
		ratio := float64(row.App.P95) / float64(max(row.Raw.P95, time.Microsecond))
		fmt.Fprintf(&b, "  %-44s %5d %9s %9s %9s %9s %7.1f\n", row.Name, row.Rows, ms(row.App.P50), ms(row.App.P95), ms(row.Raw.P50), ms(row.Raw.P95), ratio)
	}
	b.WriteString("  (p95 × = app p95 / raw p95; raw = one hand-written index-ordered statement for the same page)\n")
	return b.String()
}

type listCase struct {
	name string
	app  func(context.Context) (int, error)
	raw  string
	args []any
}

// under runs fn clients-fold concurrently, reps times each, and returns
// the spread of the single calls.
//
// Each call passes the gate first, as the server admits each GET request
// (package admission) as many at a time as there are reader connections;
// nil: none.
func under(ctx context.Context, name string, clients, reps int, gate *admission.Gate, fn func(context.Context) error) (Latency, error) {
	ds := make([]time.Duration, clients*reps)
	var wg sync.WaitGroup
	errs := make(chan error, clients)
	if gate != nil {
		inner := fn
		fn = func(ctx context.Context) error {
			leave, err := gate.Enter(ctx)
			if err != nil {
				return err
			}
			defer leave()
			return inner(ctx)
		}
	}
	for c := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range reps {
				t0 := time.Now()
				if err := fn(ctx); err != nil {
					errs <- err
					return
				}
				ds[c*reps+i] = time.Since(t0)
			}
		}()
	}
	wg.Wait()
	close(errs)
	if err := <-errs; err != nil {
		return Latency{}, fmt.Errorf("%s: %w", name, err)
	}
	return spread(name, ds), nil
}

// Lists measures the lists people open ("lists") or the searches
// ("search") with the given number of concurrent clients; with only set,
// just those whose name contains it (a profile of one list).
func Lists(ctx context.Context, f *ListsFixture, what, only string, clients, reps int, progress io.Writer) (ListsResult, error) {
	res := ListsResult{Engine: f.DB.Dialect(), Cases: f.Cases, Clients: clients, Seeded: f.Seeded,
		Phone: domain.MaskMobile(f.Phone), Committee: f.Committee.Name, Room: f.Room.Name, MediatorUserID: f.Mediator}
	list := func(q store.CaseQuery) func(context.Context) (int, error) {
		q.Limit, q.CountCap = 50, store.ListCountCap
		return func(ctx context.Context) (int, error) {
			p, err := f.Intake.List(ctx, f.Director, q)
			return len(p.Cases), err
		}
	}
	// The raw statements: one index walk each, the page's 50 rows, no count.
	cols := `c.id, c.number, c.status, c.received_at, c.org_path, c.consumer_name, c.merchant_name, c.description`
	newest := ` ORDER BY c.received_at DESC, c.id DESC LIMIT 50`
	lo, hi := f.Committee.Path, strings.TrimSuffix(f.Committee.Path, "/")+"0"
	pg := f.DB.Dialect() == "postgres"
	var cases []listCase
	switch what {
	case "lists":
		// The cursor of page 21, as a user who pressed 下一页 twenty times holds it.
		deep := store.CaseQuery{Scope: f.Director.Scope(domain.PermCaseRead), Limit: 50, CountCap: -1}
		for range 20 {
			p, err := f.DB.ListCases(ctx, deep)
			if err != nil || p.Next == nil {
				return res, fmt.Errorf("walk to page 21: %v", err)
			}
			deep.After = p.Next
		}
		// The scope as a filter on the receipt-time index: SQLite is told
		// not to use the path index (+), PostgreSQL chooses.
		scopeRaw := `SELECT ` + cols + ` FROM cases c WHERE ((+c.org_path >= $1 AND +c.org_path < $2) OR (+c.diverted_by_path >= $1 AND +c.diverted_by_path < $2))`
		if pg {
			scopeRaw = strings.ReplaceAll(scopeRaw, "+", "")
		}
		open := append(slices.Clone(desk.Working), domain.StatusAgreed, domain.StatusPerforming)
		overdueBy := calendar.DateOf(f.Now).AddDays(-1).Number()
		cases = []listCase{
			{name: "committee, first page (API)", app: list(store.CaseQuery{}), raw: scopeRaw + newest, args: []any{lo, hi}},
			{name: "committee, page 21 by cursor", app: list(store.CaseQuery{After: deep.After}),
				raw: scopeRaw + ` AND c.received_at <= $3 AND (c.received_at < $3 OR c.id < $4)` + newest, args: []any{lo, hi, deep.After.At, deep.After.ID}},
			{name: "one room", app: list(store.CaseQuery{RoomID: f.Room.ID}),
				raw: `SELECT ` + cols + ` FROM cases c WHERE c.room_id = $1` + newest, args: []any{f.Room.ID}},
			{name: "one status (mediating)", app: list(store.CaseQuery{Statuses: []domain.Status{domain.StatusMediating}}),
				raw: `SELECT ` + cols + ` FROM cases c WHERE c.status = $1` + newest, args: []any{string(domain.StatusMediating)}},
			{name: "status received, oldest first (work list)", app: list(store.CaseQuery{Statuses: []domain.Status{domain.StatusReceived}, OldestFirst: true}),
				raw: `SELECT ` + cols + ` FROM cases c WHERE c.status = $1 ORDER BY c.received_at, c.id LIMIT 50`, args: []any{string(domain.StatusReceived)}},
			{name: "a mediator's open cases", app: list(store.CaseQuery{Presiding: f.Mediator, Statuses: open}),
				raw: `SELECT ` + cols + ` FROM cases c WHERE c.presiding_id = $1 AND c.status = $2` + newest, args: []any{f.Mediator, string(domain.StatusMediating)}},
			{name: "web case list (desk rows, outcomes)", app: func(ctx context.Context) (int, error) {
				p, err := f.Desk.List(ctx, f.Director, desk.ListQuery{Page: 1}, 50)
				return len(p.Rows), err
			}, raw: scopeRaw + newest, args: []any{lo, hi}},
			// Overdue cases: the stored due dates by index (desk/dueindex.go),
			// most urgent first; raw: the same index walk, no count.
			{name: "overdue cases (web list, due=overdue)", app: func(ctx context.Context) (int, error) {
				p, err := f.Desk.List(ctx, f.Director, desk.ListQuery{Page: 1, Due: desk.DueOverdue}, 50)
				return len(p.Rows), err
			}, raw: scopeRaw + ` AND c.next_due IS NOT NULL AND c.due_state = 1 AND c.next_due <= $3 ORDER BY c.next_due, c.id LIMIT 50`, args: []any{lo, hi, overdueBy}},
			{name: "committee desk (sections)", app: func(ctx context.Context) (int, error) {
				d, err := f.Desk.Committee(ctx, f.Director, desk.Filter{})
				return len(d.Waiting), err
			}, raw: `SELECT ` + cols + ` FROM cases c WHERE c.status = $1 ORDER BY c.received_at, c.id LIMIT 50`, args: []any{string(domain.StatusReceived)}},
			// The groups page's first page: the committee's newest groups and
			// the surge proposals (集中投诉) among its last 90 days' open
			// complaints; raw: the groups' page alone.
			{name: "groups page (first page, surges)", app: func(ctx context.Context) (int, error) {
				gs, err := f.DB.ListGroups(ctx, store.GroupQuery{CommitteeID: f.Committee.ID, Paging: store.Paging{Limit: 50}})
				if err != nil {
					return 0, err
				}
				ps, err := f.Grouping.Proposals(ctx, f.Director, f.Committee)
				return len(gs.Items) + len(ps), err
			}, raw: `SELECT id, title, created_at FROM case_groups WHERE committee_id = $1 ORDER BY created_at DESC, id DESC LIMIT 50`, args: []any{f.Committee.ID}},
		}
	case "search":
		terms, err := searchTerms(ctx, f.DB, lo, hi)
		if err != nil {
			return res, err
		}
		grams, err := hasSearchGrams(ctx, f.DB)
		if err != nil {
			return res, err
		}
		like := `(c.number LIKE $1 OR c.consumer_name LIKE $1 OR c.merchant_name LIKE $1 OR c.description LIKE $1 OR c.external_id LIKE $1)`
		// The raw statement of a term: the engine's index for it read
		// directly (the grams of migrations 58 and 66 with LIKE on what they
		// give, newest 50, no scope), or on an older schema the trigram
		// index (3 characters or more) or the newest 20,000 cases filtered.
		textRaw := func(term string) (string, []any) {
			g := sqlstore.TermGrams(term)
			switch {
			case grams && pg:
				return `SELECT ` + cols + ` FROM cases c WHERE c.id IN (SELECT case_id FROM case_grams WHERE grams @> ` + sqlstore.TermGramArray(term) + `) AND ` + like + newest,
					[]any{"%" + term + "%"}
			case grams:
				return `SELECT ` + cols + ` FROM cases c WHERE c.id IN (SELECT rowid FROM cases_grams WHERE cases_grams MATCH $2) AND ` + like + newest,
					[]any{"%" + term + "%", `"` + strings.Join(g, `" "`) + `"`}
			case pg:
				return `SELECT ` + cols + ` FROM cases c WHERE ` + pgSearchDocBench + ` LIKE $1` + newest, []any{"%" + term + "%"}
			case utf8.RuneCountInString(term) >= 3:
				return `SELECT ` + cols + ` FROM cases c WHERE c.id IN (SELECT rowid FROM cases_fts WHERE cases_fts MATCH $1 ORDER BY rowid DESC LIMIT 50)` + newest, []any{`"` + term + `"`}
			}
			return `SELECT ` + cols + ` FROM (SELECT * FROM cases c ORDER BY c.received_at DESC, c.id DESC LIMIT 20000) c WHERE c.description LIKE $1 OR c.merchant_name LIKE $1 LIMIT 50`, []any{"%" + term + "%"}
		}
		phoneRaw := `SELECT ` + cols + ` FROM cases c WHERE c.id IN (SELECT case_id FROM parties WHERE phone_hash = $1)` + newest
		text := func(name, term string) listCase {
			raw, args := textRaw(term)
			return listCase{name: name, app: list(store.CaseQuery{Text: term}), raw: raw, args: args}
		}
		cases = []listCase{
			text("q=健身 (2 characters, dense)", "健身"),
			text("q=预付 (2 characters)", "预付"),
			text(fmt.Sprintf("q=%s (1 character, %d cases)", terms.rare1, terms.rare1N), terms.rare1),
			text(fmt.Sprintf("q=%s (2 characters, %d cases)", terms.rare2, terms.rare2N), terms.rare2),
			text(fmt.Sprintf("q=%s (only cases older than the newest %d)", terms.old, terms.oldAfter), terms.old),
			text("q=翻新机 (3 characters)", "翻新机"),
			text("q=三包规定 (common phrase)", "三包规定"),
			// A whole number is looked up by its unique index; a part of
			// one (no 号) is searched as text.
			{name: "q=case number", app: list(store.CaseQuery{Text: f.Number}),
				raw: `SELECT ` + cols + ` FROM cases c WHERE c.number = $1`, args: []any{f.Number}},
			text("q=case number without 号 (text)", strings.TrimSuffix(f.Number, "号")),
			{name: "q=phone number (spaces)", app: list(store.CaseQuery{Text: f.Phone[:3] + " " + f.Phone[3:7] + " " + f.Phone[7:]}),
				raw: phoneRaw, args: []any{f.Intake.PartyHash(f.Phone)}},
		}
		if f.IDNumber != "" {
			cases = append(cases, listCase{name: "q=identity number", app: list(store.CaseQuery{Text: f.IDNumber}),
				raw: `SELECT ` + cols + ` FROM cases c WHERE c.id IN (SELECT case_id FROM parties WHERE id_hash = $1)` + newest, args: []any{f.Intake.PartyHash(f.IDNumber)}})
		}
	default:
		return res, fmt.Errorf("unknown list benchmark %q", what)
	}
	reader := f.DB.Reader()
	for _, lc := range cases {
		if !strings.Contains(lc.name, only) {
			continue
		}
		var n int
		var err error
		if n, err = lc.app(ctx); err != nil { // warm: statements planned, pages cached
			return res, fmt.Errorf("%s: %w", lc.name, err)
		}
		if (what == "search") && n == 0 {
			return res, fmt.Errorf("%s: found nothing", lc.name)
		}
		row := ListsRow{Name: lc.name, Rows: n}
		// Both sides wait at one gate as the server's requests do.
		gate := admission.New(reader.Stats().MaxOpenConnections)
		if row.App, err = under(ctx, lc.name, clients, reps, gate, func(ctx context.Context) error { _, err := lc.app(ctx); return err }); err != nil {
			return res, err
		}
		rawOnce := func(ctx context.Context) error {
			rows, err := reader.QueryContext(ctx, lc.raw, lc.args...)
			if err != nil {
				return err
			}
			defer rows.Close()
			for rows.Next() {
				var id int64
				var num, st, path, cn, mn, desc string
				var at time.Time
				if err := rows.Scan(&id, &num, &st, &at, &path, &cn, &mn, &desc); err != nil {
					return err
				}
			}
			return rows.Err()
		}
		if err := rawOnce(ctx); err != nil {
			return res, fmt.Errorf("%s, raw: %w", lc.name, err)
		}
		if row.Raw, err = under(ctx, lc.name+" (raw)", clients, reps, gate, rawOnce); err != nil {
			return res, err
		}
		res.Rows = append(res.Rows, row)
		if progress != nil {
			fmt.Fprintf(progress, "  %s: %s — app p95 %.1f ms, raw p95 %.1f ms\n", res.Engine, row.Name,
				float64(row.App.P95.Microseconds())/1000, float64(row.Raw.P95.Microseconds())/1000)
		}
	}
	return res, nil
}

// hasSearchGrams tells whether the schema has the grams index (migration
// 00058; on PostgreSQL its table, migration 64), so that the raw statements
// read it.
func hasSearchGrams(ctx context.Context, db *sqlstore.DB) (bool, error) {
	q := `SELECT COUNT(*) FROM sqlite_master WHERE name = 'cases_grams'`
	if db.Dialect() == "postgres" {
		q = `SELECT COUNT(*) FROM pg_tables WHERE tablename = 'case_grams' AND schemaname = current_schema()`
	}
	var n int
	err := db.Reader().QueryRowContext(ctx, q).Scan(&n)
	return n > 0, err
}

// benchTerms are search terms found in the seeded data: the rarest Chinese
// character, a pair of them that few cases hold, and a pair that only cases older
// than the newest oldAfter hold (the bounded walk of the old search never
// reached them).
type benchTerms struct {
	rare1, rare2, old        string
	rare1N, rare2N, oldAfter int
}

// searchTerms reads the search fields of every case of the committee (its
// paths from lo to hi, the scope the searches are asked in), newest first,
// and counts the cases holding each Chinese character and pair. Cases of
// other committees (the intake benchmark's, run on the same file) would
// name terms the committee's search cannot find.
func searchTerms(ctx context.Context, db *sqlstore.DB, lo, hi string) (benchTerms, error) {
	var t benchTerms
	rows, err := db.Reader().QueryContext(ctx, `SELECT consumer_name || ' ' || merchant_name || ' ' || description FROM cases
		WHERE (org_path >= $1 AND org_path < $2) OR (diverted_by_path >= $1 AND diverted_by_path < $2) ORDER BY received_at DESC, id DESC`, lo, hi)
	if err != nil {
		return t, fmt.Errorf("read the search fields: %w", err)
	}
	defer rows.Close()
	count, first := map[string]int{}, map[string]int{}
	pos := 0
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			return t, err
		}
		seen := map[string]bool{}
		rs := []rune(s)
		for i, r := range rs {
			if !unicode.Is(unicode.Han, r) {
				continue
			}
			keys := []string{string(r)}
			if i > 0 && unicode.Is(unicode.Han, rs[i-1]) {
				keys = append(keys, string(rs[i-1:i+1]))
			}
			for _, k := range keys {
				if seen[k] {
					continue
				}
				seen[k] = true
				if count[k] == 0 {
					first[k] = pos
				}
				count[k]++
			}
		}
		pos++
	}
	if err := rows.Err(); err != nil {
		return t, err
	}
	t.oldAfter = min(20000, pos/2)
	// The commonest of the rare pairs (up to 50 cases: a page), the
	// commonest of the old ones; ties by the text, so runs agree.
	better := func(k string, n int, cur string, curN int) bool {
		return n > curN || (n == curN && k < cur)
	}
	for k, n := range count {
		one := utf8.RuneCountInString(k) == 1
		// The demo's text repeats its words: the rarest character is the
		// rare one (about one case in a thousand).
		if one && (t.rare1 == "" || n < t.rare1N || (n == t.rare1N && k < t.rare1)) {
			t.rare1, t.rare1N = k, n
		}
		if n <= 50 && n >= 5 && !one && better(k, n, t.rare2, t.rare2N) {
			t.rare2, t.rare2N = k, n
		}
		if !one && first[k] >= t.oldAfter && better(k, n, t.old, count[t.old]) {
			t.old = k
		}
	}
	if t.rare1 == "" || t.rare2 == "" || t.old == "" {
		return t, fmt.Errorf("no rare or old search terms in %d cases", pos)
	}
	return t, nil
}

// pgSearchDocBench is the pg_trgm index's expression (migration 00045).
const pgSearchDocBench = `(c.number || ' ' || c.consumer_name || ' ' || c.merchant_name || ' ' || c.description || ' ' || COALESCE(c.external_id, ''))`
