package storetest

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/tiaojie/tiaojie/internal/domain"
	"github.com/tiaojie/tiaojie/internal/store"
	"github.com/tiaojie/tiaojie/internal/store/sqlstore"
)

// A text search lists exactly the cases in scope one of whose fields
// contains the term (LIKE's substring, ASCII case aside on SQLite), every
// page by cursor, newest first: for terms of one to four characters, rare
// and common, old and new, whether the grams are read as candidates or
// filter the walks.
func TestCaseSearchEqualsSubstring(t *testing.T) {
	for _, e := range Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			db := e.Open(t, true)
			f := newFixture(t, db)
			r := rand.New(rand.NewPCG(17, 58))
			alphabet := []rune("健身预付卡房退款手机aBc01９，- ")
			word := func(n int) string {
				w := make([]rune, n)
				for i := range w {
					w[i] = alphabet[r.IntN(len(alphabet))]
				}
				return string(w)
			}
			type doc struct {
				c      store.Case
				fields []string
				inside bool
			}
			var docs []doc
			for i := range 240 {
				nc := newCase(f, f.room1.ID, "")
				if i%5 == 0 {
					nc.RoomID = f.room2.ID
				}
				if i%7 == 0 {
					nc.CommitteeID, nc.CommitteeAbbr, nc.RoomID = f.otherCommittee.ID, "徐", 0
				}
				if i%11 == 0 {
					nc.ExternalID = fmt.Sprintf("EXT%d%s", i, word(2))
				}
				nc.Description, nc.Parties[0].Name, nc.Parties[1].Name = word(3+r.IntN(12)), word(r.IntN(4)), word(r.IntN(6))
				// Ties on the receipt time; the oldest cases hold a word of their own.
				nc.ReceivedAt = t0.Add(time.Duration(r.IntN(120)) * time.Hour)
				if i < 3 {
					nc.ReceivedAt = t0.Add(-1000 * time.Hour)
					nc.Description += "古旧"
				}
				c := mustCreate(t, db, nc)
				if i%3 == 0 {
					at := t0
					var err error
					if c, err = db.ApplyEvent(ctx, c.ID, c.Version, store.CaseChange{Status: domain.StatusAccepted, AcceptedAt: &at},
						store.Event{Type: "accepted", ToStatus: domain.StatusAccepted, At: at}); err != nil {
						t.Fatal(err)
					}
				}
				docs = append(docs, doc{c: c, fields: []string{c.Number, nc.Parties[0].Name, nc.Parties[1].Name, nc.Description, nc.ExternalID},
					inside: nc.CommitteeID == f.committee.ID})
			}
			fold := func(s string) string {
				if e.Name == "sqlite" { // SQLite's LIKE ignores ASCII case
					return strings.ToLower(s)
				}
				return s
			}
			want := func(term string, status domain.Status) []int64 {
				var hit []store.Case
				for _, d := range docs {
					if !d.inside || (status != "" && d.c.Status != status) {
						continue
					}
					if slices.ContainsFunc(d.fields, func(s string) bool { return strings.Contains(fold(s), fold(term)) }) {
						hit = append(hit, d.c)
					}
				}
				sort.Slice(hit, func(i, j int) bool {
					if !hit[i].ReceivedAt.Equal(hit[j].ReceivedAt) {
						return hit[i].ReceivedAt.After(hit[j].ReceivedAt)
					}
					return hit[i].ID > hit[j].ID
				})
				ids := []int64{}
				for _, c := range hit {
					ids = append(ids, c.ID)
				}
				return ids
			}
			terms := []string{"古旧", "古", "旧古", "健", "健身", "身预付", "预付卡房", "a", "ab", "AB", "b", "0", "01", "９", "9",
				"，", "-", "手机", "退款手", "c0", "EXT", "ext1", "号", docs[5].c.Number, docs[100].c.Number[3:], "不在"}
			for range 40 {
				terms = append(terms, strings.TrimSpace(word(1+r.IntN(4))))
			}
			committee := store.Scope{Prefixes: []string{f.committee.Path}}
			for _, sparse := range []int{5000, 8} {
				db.SetSearchSparse(sparse)
				for _, term := range terms {
					if term == "" {
						continue
					}
					for _, st := range []domain.Status{"", domain.StatusAccepted} {
						q := store.CaseQuery{Scope: committee, Text: term, Limit: 9}
						if st != "" {
							q.Statuses = []domain.Status{st}
						}
						exp := want(term, st)
						if got := walk(t, db, q, nil); !slices.Equal(append([]int64{}, got...), exp) && !(len(got) == 0 && len(exp) == 0) {
							t.Fatalf("sparse %d, %q status %q:\n got %v\nwant %v", sparse, term, st, got, exp)
						}
						q.CountCap = 20
						p, err := db.ListCases(ctx, q)
						if err != nil {
							t.Fatal(err)
						}
						if wantN := min(len(exp), 20); p.Total != int64(wantN) || p.TotalCapped != (len(exp) > 20) {
							t.Fatalf("sparse %d, %q status %q: count %d capped %v, want %d of %d", sparse, term, st, p.Total, p.TotalCapped, wantN, len(exp))
						}
					}
				}
			}
		})
	}
}

// A search that is a whole case number, typed any way, lists that case
// alone through the number's index (in scope and status, counted as one);
// a part of a number, or a whole number no case has, is searched as text.
func TestCaseSearchByNumber(t *testing.T) {
	for _, e := range Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			db := e.Open(t, true)
			f := newFixture(t, db)
			a := mustCreate(t, db, newCase(f, f.room1.ID, ""))
			quoting := newCase(f, f.room1.ID, "")
			quoting.Description = "与" + a.Number + "系同一商家"
			b := mustCreate(t, db, quoting)
			other := newCase(f, 0, "")
			other.CommitteeID, other.CommitteeAbbr = f.otherCommittee.ID, "徐"
			c := mustCreate(t, db, other)
			ghost := strings.Replace(a.Number, "第", "第9", 1) // no case has it
			quoting.Description = "见" + ghost
			d := mustCreate(t, db, quoting)

			committee := store.Scope{Prefixes: []string{f.committee.Path}}
			halfWidth := strings.NewReplacer("（", "(", "）", ") ").Replace(a.Number)
			for _, tc := range []struct {
				text     string
				scope    store.Scope
				statuses []domain.Status
				want     []int64
			}{
				{a.Number, committee, nil, []int64{a.ID}},
				{halfWidth, committee, nil, []int64{a.ID}},
				{" " + a.Number + " ", store.Scope{All: true}, nil, []int64{a.ID}},
				{a.Number, committee, []domain.Status{domain.StatusAccepted}, nil},
				{strings.TrimSuffix(a.Number, "号"), committee, nil, []int64{b.ID, a.ID}},
				{c.Number, committee, nil, nil},
				{c.Number, store.Scope{All: true}, nil, []int64{c.ID}},
				{ghost, committee, nil, []int64{d.ID}},
			} {
				q := store.CaseQuery{Scope: tc.scope, Statuses: tc.statuses, Text: tc.text, Limit: 10, CountCap: 100}
				p, err := db.ListCases(ctx, q)
				if err != nil {
					t.Fatal(err)
				}
				var got []int64
				for _, c := range p.Cases {
					got = append(got, c.ID)
				}
				if !slices.Equal(got, tc.want) || p.Total != int64(len(tc.want)) {
					t.Errorf("%q in %v %v: got %v (total %d), want %v", tc.text, tc.scope, tc.statuses, got, p.Total, tc.want)
				}
			}
		})
	}
}

// The application's gram function and PostgreSQL's case_search_grams give
// the same tokens; on SQLite, search_grams is the Go function on every
// pooled connection.
func TestSearchGramsSameInSQL(t *testing.T) {
	corpus := [][5]string{
		{"", "", "", "", ""},
		{"(2026)浦消调字第12号", "张小明", "某某健身有限公司", "健身房闭店，预付卡余额无法退还", "EXT-001"},
		{"ABC-１２ｘＹ", "Ｚｚ", "a_b%c\\d", "手机😀屏幕碎了！！", ""},
		{"é É ß", "「预付」【卡】", "—…“引号”", "\u3000全角空格\u00a0nbsp\ufeffbom", "tab\there\nline"},
		{"x", "1", "。", "健", "9"},
		{"ｱｲｳ カタカナ", "한국어", "Ω≈ç√", "🙂🙂🙂", "0x1F600"},
	}
	for _, e := range Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			t.Parallel()
			db := e.Open(t, true)
			stmt := `SELECT search_grams($1, $2, $3, $4, $5)`
			if e.Name == "postgres" {
				stmt = `SELECT array_to_string(case_search_grams($1, $2, $3, $4, $5), ' ')`
			}
			for _, c := range corpus {
				for range 2 { // two statements: more than one pooled connection on the way
					var got string
					if err := db.Reader().QueryRowContext(context.Background(), stmt, c[0], c[1], c[2], c[3], c[4]).Scan(&got); err != nil {
						t.Fatal(err)
					}
					g, w := strings.Fields(got), strings.Fields(sqlstore.SearchGrams(c[:]...))
					slices.Sort(g)
					slices.Sort(w)
					if !slices.Equal(g, w) {
						t.Errorf("%q:\n sql %v\n  go %v", c, g, w)
					}
				}
				if e.Name != "postgres" {
					continue
				}
				// The numbers PostgreSQL stores (migration 66): the same set
				// from case_gram_keys as from the store's GramKeys.
				var same bool
				if err := db.Reader().QueryRowContext(context.Background(), `SELECT k @> g AND k <@ g AND cardinality(k) = cardinality(g)
					FROM (SELECT case_gram_keys($1, $2, $3, $4, $5) AS k, $6::bigint[] AS g) x`,
					c[0], c[1], c[2], c[3], c[4], sqlstore.GramKeys(c[:]...)).Scan(&same); err != nil {
					t.Fatal(err)
				}
				if !same {
					t.Errorf("%q: case_gram_keys differs from GramKeys %s", c, sqlstore.GramKeys(c[:]...))
				}
			}
		})
	}
}

// The search index follows every write of a searched field and nothing
// else: cases written by intake, by a batch and by the bulk path are found;
// a status change keeps them found once; a correction of the facts, a
// merchant renamed by hand and a case inserted and deleted by hand are
// found by their words of now only. On PostgreSQL the grams live in their
// own table (migration 64), each row holding the numbers case_gram_keys
// gives its case (migration 66; written by the store from Go, or by the
// triggers).
func TestCaseGramsFollowCases(t *testing.T) {
	for _, e := range Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			db := e.Open(t, true)
			f := newFixture(t, db)
			committee := store.Scope{Prefixes: []string{f.committee.Path}}
			expect := func(what, term string, want ...int64) {
				t.Helper()
				got := walk(t, db, store.CaseQuery{Scope: committee, Text: term, Limit: 2}, nil)
				slices.Sort(got)
				slices.Sort(want)
				if !slices.Equal(got, want) && !(len(got) == 0 && len(want) == 0) {
					t.Fatalf("%s: %q finds %v, want %v", what, term, got, want)
				}
				if e.Name != "postgres" {
					return
				}
				var cases, same int
				if err := db.Reader().QueryRowContext(ctx, `SELECT (SELECT COUNT(*) FROM cases),
					(SELECT COUNT(*) FROM cases c JOIN case_grams g ON g.case_id = c.id
					 CROSS JOIN LATERAL (SELECT case_gram_keys(c.number, c.consumer_name, c.merchant_name, c.description, c.external_id) AS f) x
					 WHERE g.grams @> x.f AND g.grams <@ x.f AND cardinality(g.grams) = cardinality(x.f))`).Scan(&cases, &same); err != nil {
					t.Fatal(err)
				}
				if cases != same {
					t.Fatalf("%s: %d cases, %d with their grams as computed now", what, cases, same)
				}
			}
			nc := newCase(f, f.room1.ID, "")
			nc.Description = "跑步机断带"
			a := mustCreate(t, db, nc)
			nc = newCase(f, f.room2.ID, "")
			nc.Description = "跑步机异响"
			ins, err := db.InsertCases(ctx, []*store.NewCase{nc})
			if err != nil {
				t.Fatal(err)
			}
			b := ins[0]
			at := t0.Add(time.Hour)
			bc := store.BulkCase{New: *newCase(f, f.room1.ID, "GRAMS-BULK"), History: []store.Step{{
				Change: store.CaseChange{Status: domain.StatusAccepted, AcceptedAt: &at},
				Event:  store.Event{Type: "accepted", At: at}}}}
			bc.New.Description = "跑步机漏电"
			if err := db.BulkCreateCases(ctx, []store.BulkCase{bc}); err != nil {
				t.Fatal(err)
			}
			ids, err := db.CaseIDsByExternalID(ctx, []string{"GRAMS-BULK"})
			if err != nil || ids["GRAMS-BULK"] == 0 {
				t.Fatalf("bulk case: %v %v", ids, err)
			}
			c := ids["GRAMS-BULK"]
			expect("written three ways", "跑步机", a.ID, b.ID, c)

			if a, err = db.ApplyEvent(ctx, a.ID, a.Version, store.CaseChange{Status: domain.StatusAccepted, AcceptedAt: &at},
				store.Event{Type: "accepted", ToStatus: domain.StatusAccepted, At: at}); err != nil {
				t.Fatal(err)
			}
			expect("after a status change", "跑步机", a.ID, b.ID, c)
			expect("after a status change", "断带", a.ID)

			facts := &store.Facts{Category: nc.Category, Description: "椭圆机踏板断裂", Claim: nc.Claim, ClaimFen: nc.ClaimFen,
				Consumer: store.Party{Kind: "consumer", Name: "张小明"}} // the description alone changes
			if _, err = db.ApplyEvent(ctx, a.ID, a.Version, store.CaseChange{Facts: facts},
				store.Event{Type: "facts_updated", At: at}); err != nil {
				t.Fatal(err)
			}
			expect("facts corrected: old words", "断带")
			expect("facts corrected: new words", "椭圆机", a.ID)
			expect("facts corrected: the others", "跑步机", b.ID, c)

			w := db.Writer()
			if _, err := w.ExecContext(ctx, `UPDATE cases SET merchant_name = '动感单车专营店' WHERE id = $1`, b.ID); err != nil {
				t.Fatal(err)
			}
			expect("merchant renamed by hand", "单车专营", b.ID)
			var raw int64
			if err := w.QueryRowContext(ctx, `INSERT INTO cases (number, year, seq, committee_id, org_path, diverted_by_path, status, channel,
				received_at, version, created_at, updated_at, description)
				VALUES ('（2026）浦消调字第99998号', 2026, 99998, $1, $2, '', 'mediating', 'walk_in', $3, 1, $3, $3, '划船机') RETURNING id`,
				f.committee.ID, f.room1.Path, t0).Scan(&raw); err != nil {
				t.Fatal(err)
			}
			expect("inserted by hand", "划船机", raw)
			if _, err := w.ExecContext(ctx, `DELETE FROM cases WHERE id = $1`, raw); err != nil {
				t.Fatal(err)
			}
			expect("deleted by hand", "划船机")
		})
	}
}

// Upgrading to migration 64 keeps every case searchable (PostgreSQL fills
// the grams table from the cases); down again restores the expression
// index, and a case edited while down is found by its new words once up.
func TestCaseGramsMigration(t *testing.T) {
	const before = 63
	for _, e := range Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			db, f := oldSchemaWithCases(t, e, before, 1, nil)
			if err := db.Migrate(ctx); err != nil {
				t.Fatal(err)
			}
			committee := store.Scope{Prefixes: []string{f.committee.Path}}
			all := walk(t, db, store.CaseQuery{Scope: committee, Limit: 50}, nil)
			if len(all) != len(domain.Statuses) {
				t.Fatalf("%d cases in scope, want %d", len(all), len(domain.Statuses))
			}
			if got := walk(t, db, store.CaseQuery{Scope: committee, Text: "预付卡", Limit: 50}, nil); !slices.Equal(got, all) {
				t.Fatalf("upgraded: 预付卡 finds %v, want every case %v", got, all)
			}
			if _, err := migrationProvider(t, db).DownTo(ctx, before); err != nil {
				t.Fatal(err)
			}
			if e.Name == "postgres" {
				var n int
				if err := db.Reader().QueryRowContext(ctx, `SELECT COUNT(*) FROM pg_indexes WHERE indexname = 'cases_search_grams' AND schemaname = current_schema()`).Scan(&n); err != nil || n != 1 {
					t.Fatalf("expression index after down: %d, %v", n, err)
				}
			}
			if _, err := db.Writer().ExecContext(ctx, `UPDATE cases SET description = '蹦床公园' WHERE id = $1`, all[0]); err != nil {
				t.Fatal(err)
			}
			// At 65 PostgreSQL's grams are hex text (numbers from 66): a
			// case the store writes then is found after the upgrade.
			if err := db.MigrateTo(ctx, 65); err != nil {
				t.Fatal(err)
			}
			nc := newCase(f, f.room1.ID, "")
			nc.Description = "攀岩馆停业"
			climbing := mustCreate(t, db, nc).ID
			if err := db.Migrate(ctx); err != nil {
				t.Fatal(err)
			}
			if got := walk(t, db, store.CaseQuery{Scope: committee, Text: "蹦床", Limit: 50}, nil); !slices.Equal(got, all[:1]) {
				t.Fatalf("down and up: 蹦床 finds %v, want %v", got, all[:1])
			}
			if got := walk(t, db, store.CaseQuery{Scope: committee, Text: "预付卡", Limit: 50}, nil); !slices.Equal(got, all[1:]) {
				t.Fatalf("down and up: 预付卡 finds %v, want %v", got, all[1:])
			}
			if got := walk(t, db, store.CaseQuery{Scope: committee, Text: "攀岩", Limit: 50}, nil); !slices.Equal(got, []int64{climbing}) {
				t.Fatalf("written at 65, upgraded: 攀岩 finds %v, want %v", got, []int64{climbing})
			}
		})
	}
}

// A term found dense is not probed again (termplans.go): its next search
// skips the statement that counted its grams' cases, and it still lists
// exactly the cases holding it, those written since included. A rare
// term's probe is remembered only until a case changes: a case written
// after it is found. On SQLite a long term's grams are counted once.
func TestDenseSearchTermsRemembered(t *testing.T) {
	for _, e := range Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			db := e.Open(t, true)
			f := newFixture(t, db)
			db.SetSearchSparse(3)
			var dense, rare []int64
			var numbers []string
			add := func(desc string) int64 {
				nc := newCase(f, f.room1.ID, "")
				nc.Description, nc.Parties[1].Name = desc, "某某商贸有限公司"
				nc.ReceivedAt = t0.Add(time.Duration(len(numbers)) * time.Hour)
				c := mustCreate(t, db, nc)
				numbers = append(numbers, c.Number)
				return c.ID
			}
			for range 5 {
				dense = append(dense, add("办了瑜伽卡退不了"))
			}
			rare = append(rare, add("旧手机翻新"))
			other := add("无关的投诉")
			otherNumber := numbers[len(numbers)-1]
			committee := store.Scope{Prefixes: []string{f.committee.Path}}
			// search runs it and returns the statements it read with.
			search := func(term string, want []int64) []string {
				t.Helper()
				stop := db.TraceReads()
				p, err := db.ListCases(ctx, store.CaseQuery{Scope: committee, Text: term, Limit: 10, CountCap: 100})
				reads := stop()
				if err != nil {
					t.Fatal(err)
				}
				var got []int64
				for _, c := range p.Cases {
					got = append(got, c.ID)
				}
				exp := slices.Clone(want)
				slices.Reverse(exp) // newest first
				if !slices.Equal(got, exp) || p.Total != int64(len(want)) {
					t.Fatalf("%q: got %v (total %d), want %v", term, got, p.Total, exp)
				}
				return reads
			}
			// probed runs the search and tells whether it counted the grams' cases.
			probed := func(term string, want []int64) bool {
				t.Helper()
				return slices.ContainsFunc(search(term, want), func(q string) bool { return strings.Contains(q, " LIMIT 4") })
			}
			if !probed("瑜伽", dense) {
				t.Fatal("the first search of a term did not count its grams' cases")
			}
			if probed("瑜伽", dense) {
				t.Error("a term found dense was probed again")
			}
			dense = append(dense, add("瑜伽馆跑路"))
			if probed("瑜伽", dense) {
				t.Error("a term found dense was probed again after a case was added")
			}
			probed("翻新", rare)
			rare = append(rare, add("翻新机冒充新机"))
			probed("翻新", rare)
			// A case number without 号 has more grams than SQLite asks FTS5
			// for: each is counted once, the choice then reused.
			long := strings.TrimSuffix(otherNumber, "号")
			counted := func() bool {
				t.Helper()
				return slices.ContainsFunc(search(long, []int64{other}), func(q string) bool { return strings.Contains(q, "SELECT 0, (SELECT COUNT(*)") })
			}
			if counted := counted(); counted != (e.Name == "sqlite") {
				t.Errorf("the first search of a long term counted its grams: %v", counted)
			}
			if counted() {
				t.Error("a long term's grams were counted again")
			}
			// A new bound forgets the verdicts.
			db.SetSearchSparse(3)
			if !probed("瑜伽", dense) {
				t.Error("a term was not probed again after the bound changed")
			}
		})
	}
}

// A term that many of the newest cases hold is looked for among them
// first (walkBudget), and its page is the same as the holders sorted: the
// walk answers, by the statement that walks, only when it filled the page.
func TestRareSearchWalksNewestFirst(t *testing.T) {
	for _, e := range Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			db := e.Open(t, true)
			f := newFixture(t, db)
			var holders []int64 // oldest first
			for i := range 60 {
				nc := newCase(f, f.room1.ID, "")
				nc.Description, nc.Parties[1].Name = "普通投诉", "某某商贸有限公司"
				if i%2 == 0 {
					nc.Description = "手机翻新后出售"
				}
				nc.ReceivedAt = t0.Add(time.Duration(i) * time.Hour)
				c := mustCreate(t, db, nc)
				if i%2 == 0 {
					holders = append(holders, c.ID)
				}
			}
			walks := func(reads []string) bool {
				return slices.ContainsFunc(reads, func(q string) bool {
					return strings.Contains(q, ") w WHERE COALESCE(w.id = ANY") ||
						strings.Contains(q, ") k CROSS JOIN cases c ON c.id = k.id") && !strings.Contains(q, "INDEXED BY")
				})
			}
			if e.Name == "postgres" {
				awaitListening(t, db) // the walk's budget needs the counters in memory
			}
			committee := store.Scope{Prefixes: []string{f.committee.Path}}
			q := store.CaseQuery{Scope: committee, Text: "翻新", Limit: 4, CountCap: 100}
			var got []int64
			for page := 0; ; page++ {
				stop := db.TraceReads()
				p, err := db.ListCases(ctx, q)
				reads := stop()
				if err != nil {
					t.Fatal(err)
				}
				if page == 0 && !walks(reads) {
					t.Errorf("the first page did not walk the newest cases: %v", reads)
				}
				if page == 0 && e.Name == "sqlite" {
					// The walk follows an index in the list's order: nothing is sorted.
					for _, st := range reads {
						if walks([]string{st}) {
							if plan := sqlitePlan(t, db, st); strings.Contains(plan, "TEMP B-TREE") {
								t.Errorf("the walk sorts:\n%s\n%s", st, plan)
							}
						}
					}
				}
				if p.Total != int64(len(holders)) {
					t.Fatalf("page %d: total %d, want %d", page, p.Total, len(holders))
				}
				for _, c := range p.Cases {
					got = append(got, c.ID)
				}
				if p.Next == nil {
					break
				}
				q.After = p.Next
			}
			want := slices.Clone(holders)
			slices.Reverse(want)
			if !slices.Equal(got, want) {
				t.Fatalf("got %v\nwant %v", got, want)
			}
		})
	}
}
