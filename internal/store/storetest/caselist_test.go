package storetest

import (
	"cmp"
	"context"
	"fmt"
	"maps"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/tiaojie/tiaojie/internal/domain"
	"github.com/tiaojie/tiaojie/internal/store"
	"github.com/tiaojie/tiaojie/internal/store/sqlstore"
)

// TestCaseLists runs the keyset list and search conformance on every engine.
func TestCaseLists(t *testing.T) {
	for _, e := range Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			t.Parallel()
			for name, fn := range map[string]func(*testing.T, *sqlstore.DB){
				"Keyset": testCaseListKeyset,
				"Search": testCaseSearch,
			} {
				t.Run(name, func(t *testing.T) {
					t.Parallel()
					fn(t, e.Open(t, true))
				})
			}
		})
	}
}

// literalIDs matches an IN list of numbers written into a statement.
var literalIDs = regexp.MustCompile(`IN \(\d+(, \d+)*\)`)

func mustCreate(t *testing.T, db *sqlstore.DB, nc *store.NewCase) store.Case {
	t.Helper()
	c, _, err := db.CreateCase(context.Background(), nc)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// walk pages through a list by its cursor and returns the ids in order.
func walk(t *testing.T, db *sqlstore.DB, q store.CaseQuery, between func(page int)) []int64 {
	t.Helper()
	var ids []int64
	for page := 0; ; page++ {
		p, err := db.ListCases(context.Background(), q)
		if err != nil {
			t.Fatal(err)
		}
		if len(p.Cases) > q.Limit {
			t.Fatalf("page of %d, limit %d", len(p.Cases), q.Limit)
		}
		for _, c := range p.Cases {
			ids = append(ids, c.ID)
		}
		if p.Next == nil {
			return ids
		}
		if between != nil {
			between(page)
		}
		// The cursor survives its text form, as the web and the API hand it out.
		if q.After, err = store.ParseListCursor(p.Next.String()); err != nil {
			t.Fatal(err)
		}
		if page > 100 {
			t.Fatal("list does not end")
		}
	}
}

func testCaseListKeyset(t *testing.T, db *sqlstore.DB) {
	ctx := context.Background()
	f := newFixture(t, db)
	var mine []store.Case // the committee's, newest first once sorted
	for i := range 23 {
		room := f.room1.ID
		if i%4 == 0 {
			room = f.room2.ID
		}
		nc := newCase(f, room, "")
		// Ties on the receipt time: the id breaks them.
		nc.ReceivedAt = t0.Add(time.Duration(i/3) * time.Hour)
		if i%5 == 0 {
			nc.DivertedByOrgID = f.regulator.ID
		}
		mine = append(mine, mustCreate(t, db, nc))
	}
	for i := range 3 {
		other := newCase(f, 0, "")
		other.CommitteeID, other.CommitteeAbbr = f.otherCommittee.ID, "徐"
		other.ReceivedAt = t0.Add(time.Duration(i) * time.Hour)
		mustCreate(t, db, other)
	}
	newest := func(cs []store.Case) []int64 {
		s := slices.Clone(cs)
		slices.SortFunc(s, func(a, b store.Case) int {
			if c := b.ReceivedAt.Compare(a.ReceivedAt); c != 0 {
				return c
			}
			return int(b.ID - a.ID)
		})
		var ids []int64
		for _, c := range s {
			ids = append(ids, c.ID)
		}
		return ids
	}
	committee := store.Scope{Prefixes: []string{f.committee.Path}}

	// Every case of the scope exactly once, in order, while new cases arrive
	// between pages (newer than the first page: they belong to a fresh list).
	got := walk(t, db, store.CaseQuery{Scope: committee, Limit: 5}, func(page int) {
		nc := newCase(f, f.room1.ID, "")
		nc.ReceivedAt = t0.Add(time.Duration(100+page) * time.Hour)
		mustCreate(t, db, nc)
	})
	if want := newest(mine); !slices.Equal(got, want) {
		t.Fatalf("committee pages:\n got %v\nwant %v", got, want)
	}

	// Oldest first, a status filter, one room, the diverted scope, the city.
	all, err := db.ListCases(ctx, store.CaseQuery{Scope: committee, Limit: 500})
	if err != nil {
		t.Fatal(err)
	}
	rev := walk(t, db, store.CaseQuery{Scope: committee, Limit: 4, OldestFirst: true}, nil)
	wantRev := newest(all.Cases)
	slices.Reverse(wantRev)
	if !slices.Equal(rev, wantRev) {
		t.Fatalf("oldest first:\n got %v\nwant %v", rev, wantRev)
	}
	var accepted []store.Case
	for i, c := range mine[:10] {
		if i%2 == 0 {
			at := t0
			c2, err := db.ApplyEvent(ctx, c.ID, c.Version, store.CaseChange{Status: domain.StatusAccepted, AcceptedAt: &at},
				store.Event{Type: "accepted", ToStatus: domain.StatusAccepted, At: at})
			if err != nil {
				t.Fatal(err)
			}
			accepted = append(accepted, c2)
		}
	}
	if got := walk(t, db, store.CaseQuery{Scope: committee, Limit: 2, Statuses: []domain.Status{domain.StatusAccepted}}, nil); !slices.Equal(got, newest(accepted)) {
		t.Fatalf("status pages: got %v want %v", got, newest(accepted))
	}
	// Several statuses (the desk's sections): every case of the scope in
	// either status, in order, both ways; another committee's never.
	two := []domain.Status{domain.StatusReceived, domain.StatusAccepted}
	if got := walk(t, db, store.CaseQuery{Scope: committee, Limit: 3, Statuses: two}, nil); !slices.Equal(got, newest(all.Cases)) {
		t.Fatalf("two statuses:\n got %v\nwant %v", got, newest(all.Cases))
	}
	stop := db.TraceReads()
	if got := walk(t, db, store.CaseQuery{Scope: committee, Limit: 4, Statuses: two, OldestFirst: true}, nil); !slices.Equal(got, wantRev) {
		t.Fatalf("two statuses, oldest first:\n got %v\nwant %v", got, wantRev)
	}
	// The pages' rows are read by key with the ids as parameters: a
	// statement with ids in its text is parsed anew on every call.
	for _, q := range stop() {
		if literalIDs.MatchString(q) {
			t.Errorf("ids written into a list's statement: %s", q)
		}
	}
	if p, err := db.ListCases(ctx, store.CaseQuery{Scope: committee, Limit: 5, Offset: 5, Statuses: two}); err != nil || len(p.Cases) != 5 || p.Cases[0].ID != newest(all.Cases)[5] {
		t.Fatalf("two statuses, second page by offset: %v %v", p.Cases, err)
	}
	var room2 []store.Case
	var diverted []store.Case
	for i, c := range mine {
		if c.RoomID == f.room2.ID {
			room2 = append(room2, c)
		}
		if i%5 == 0 {
			diverted = append(diverted, c)
		}
	}
	if got := walk(t, db, store.CaseQuery{Scope: committee, Limit: 2, RoomID: f.room2.ID}, nil); !slices.Equal(got, newest(room2)) {
		t.Fatalf("room pages: got %v want %v", got, newest(room2))
	}
	regulator := store.Scope{Prefixes: []string{f.regulator.Path}}
	if got := walk(t, db, store.CaseQuery{Scope: regulator, Limit: 2}, nil); !slices.Equal(got, newest(diverted)) {
		t.Fatalf("diverted pages: got %v want %v", got, newest(diverted))
	}
	// A scope of two overlapping bindings lists each case once.
	both := store.Scope{Prefixes: []string{f.committee.Path, f.regulator.Path, f.room1.Path}}
	if got := walk(t, db, store.CaseQuery{Scope: both, Limit: 7}, nil); !slices.Equal(got, newest(all.Cases)) {
		t.Fatalf("overlapping scope: got %d cases, want %d", len(got), len(all.Cases))
	}
	// Scope never leaks: the other district sees its three, with any filter.
	other := store.Scope{Prefixes: []string{f.otherDistrict.Path}}
	if got := walk(t, db, store.CaseQuery{Scope: other, Limit: 2}, nil); len(got) != 3 {
		t.Fatalf("other district: %d cases", len(got))
	}
	if got := walk(t, db, store.CaseQuery{Scope: other, Limit: 2, RoomID: f.room1.ID}, nil); len(got) != 0 {
		t.Fatalf("other district sees a room of another: %v", got)
	}

	// Filtered by scope and statuses only, a list's total is the walked
	// list's length, exact whatever the cap (the case counters); with
	// another filter too it counts up to the cap. Every scope (overlapping
	// and diverted ones included) and set of statuses.
	since := time.Unix(0, 0)
	for _, scope := range []store.Scope{committee, regulator, both, other} {
		for _, sts := range [][]domain.Status{nil, {domain.StatusAccepted}, two, {domain.StatusMediating}} {
			n := len(walk(t, db, store.CaseQuery{Scope: scope, Limit: 50, Statuses: sts}, nil))
			for _, cap := range []int{0, 3, 1000} {
				p, err := db.ListCases(ctx, store.CaseQuery{Scope: scope, Limit: 1, Statuses: sts, CountCap: cap})
				if err != nil || p.Total != int64(n) || p.TotalCapped {
					t.Fatalf("count of %v %v cap %d: %d capped %v, want %d (%v)", scope.Prefixes, sts, cap, p.Total, p.TotalCapped, n, err)
				}
				if cap == 0 {
					continue
				}
				p, err = db.ListCases(ctx, store.CaseQuery{Scope: scope, Limit: 1, Statuses: sts, CountCap: cap, From: &since})
				if err != nil || p.Total != int64(min(n, cap)) || p.TotalCapped != (n > cap) {
					t.Fatalf("capped count of %v %v cap %d: %d capped %v, want %d of %d (%v)", scope.Prefixes, sts, cap, p.Total, p.TotalCapped, min(n, cap), n, err)
				}
			}
		}
	}

	// Counts stop at the cap.
	p, err := db.ListCases(ctx, store.CaseQuery{Scope: committee, Limit: 5, CountCap: 10, From: &since})
	if err != nil || p.Total != 10 || !p.TotalCapped || len(p.Cases) != 5 {
		t.Fatalf("capped count: total %d capped %v %d cases %v", p.Total, p.TotalCapped, len(p.Cases), err)
	}
	p, err = db.ListCases(ctx, store.CaseQuery{Scope: committee, Limit: 5, CountCap: 1000, RoomID: f.room2.ID})
	if err != nil || p.Total != int64(len(room2)) || p.TotalCapped {
		t.Fatalf("count under the cap: total %d capped %v, want %d (%v)", p.Total, p.TotalCapped, len(room2), err)
	}
	// Offsets still page (bounded), for the callers that use them.
	p, err = db.ListCases(ctx, store.CaseQuery{Scope: committee, Limit: 3, Offset: 3})
	if err != nil || len(p.Cases) != 3 || p.Cases[0].ID != newest(all.Cases)[3] {
		t.Fatalf("offset page: %v %v", p.Cases, err)
	}
	if _, err := store.ParseListCursor("not-a-cursor"); err == nil {
		t.Fatal("a made-up cursor parses")
	}

	// Brief rows are the whole rows' Case.Brief, in the same order, on
	// every path of the list: a dense scope, several statuses, one room, a
	// search, a cursor page, oldest first. One case carries every brief
	// field that can be empty (decided, a reason, an external id).
	decided, reason := t0.Add(time.Hour), "withdrawn"
	c0, err := db.GetCase(ctx, accepted[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.ApplyEvent(ctx, c0.ID, c0.Version, store.CaseChange{Status: domain.StatusWithdrawn, DecidedAt: &decided, ReasonCode: &reason},
		store.Event{Type: "withdraw", ToStatus: domain.StatusWithdrawn, At: decided}); err != nil {
		t.Fatal(err)
	}
	ext := newCase(f, f.room2.ID, "12315-BRIEF-1")
	ext.ReceivedAt = t0.Add(50 * time.Hour)
	mustCreate(t, db, ext)
	first, err := db.ListCases(ctx, store.CaseQuery{Scope: committee, Limit: 3})
	if err != nil || first.Next == nil {
		t.Fatalf("first page: %v %v", first.Next, err)
	}
	filled := map[string]bool{}
	for _, q := range []store.CaseQuery{
		{Scope: committee, Limit: 50},
		{Scope: committee, Limit: 50, Statuses: two},
		{Scope: committee, Limit: 50, Statuses: []domain.Status{domain.StatusWithdrawn}},
		{Scope: committee, Limit: 50, RoomID: f.room2.ID, OldestFirst: true},
		{Scope: committee, Limit: 50, Text: "健身"},
		{Scope: both, Limit: 4, After: first.Next},
		{Scope: store.Scope{All: true}, Limit: 50, CountCap: -1},
	} {
		full, err := db.ListCases(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		q.Brief = true
		brief, err := db.ListCases(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		if len(full.Cases) == 0 || len(brief.Cases) != len(full.Cases) || brief.Total != full.Total || !reflect.DeepEqual(brief.Next, full.Next) {
			t.Fatalf("brief list of %+v: %d cases (total %d), whole rows %d (total %d)", q, len(brief.Cases), brief.Total, len(full.Cases), full.Total)
		}
		for i, c := range full.Cases {
			if want := c.Brief(); !reflect.DeepEqual(brief.Cases[i], want) {
				t.Fatalf("brief row of case %d:\n got %+v\nwant %+v", c.ID, brief.Cases[i], want)
			}
			filled["decided"] = filled["decided"] || c.DecidedAt != nil
			filled["accepted"] = filled["accepted"] || c.AcceptedAt != nil
			filled["reason"] = filled["reason"] || c.ReasonCode != ""
			filled["external"] = filled["external"] || c.ExternalID != ""
			filled["room"] = filled["room"] || c.RoomID != 0
		}
	}
	if len(filled) != 5 || slices.Contains(slices.Collect(maps.Values(filled)), false) {
		t.Fatalf("the brief rows compared leave fields empty: %v", filled)
	}
}

func testCaseSearch(t *testing.T, db *sqlstore.DB) {
	ctx := context.Background()
	f := newFixture(t, db)
	mk := func(room int64, desc, merchant, consumer, phoneHash, idHash string) store.Case {
		nc := newCase(f, room, "")
		nc.Description, nc.Parties[0].Name, nc.Parties[1].Name = desc, consumer, merchant
		nc.Parties[0].PhoneHash, nc.Parties[0].IDHash = phoneHash, idHash
		return mustCreate(t, db, nc)
	}
	gym := mk(f.room1.ID, "健身房闭店，预付卡余额无法退还", "某某健身有限公司", "张小明", "ph-a", "id-a")
	phone := mk(f.room2.ID, "手机屏幕碎裂，要求退货", "数码城", "李四", "ph-b", "")
	car := mk(f.room1.ID, "汽车保养多收费", "车行", "王五", "ph-c", "id-c")
	// The same words in another district: never in this committee's results.
	far := newCase(f, 0, "")
	far.CommitteeID, far.CommitteeAbbr = f.otherCommittee.ID, "徐"
	far.Description, far.Parties[0].PhoneHash = "健身房跑路，手机屏幕也碎了", "ph-a"
	farCase := mustCreate(t, db, far)

	committee := store.Scope{Prefixes: []string{f.committee.Path}}
	find := func(q store.CaseQuery) []int64 {
		t.Helper()
		if q.Scope.Prefixes == nil && !q.Scope.All {
			q.Scope = committee
		}
		p, err := db.ListCases(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		var ids []int64
		for _, c := range p.Cases {
			ids = append(ids, c.ID)
		}
		slices.Sort(ids)
		return ids
	}
	for _, tc := range []struct {
		name string
		q    store.CaseQuery
		want []int64
	}{
		{"two characters", store.CaseQuery{Text: "健身"}, []int64{gym.ID}},
		{"one character", store.CaseQuery{Text: "车"}, []int64{car.ID}},
		{"three characters", store.CaseQuery{Text: "预付卡"}, []int64{gym.ID}},
		{"longer phrase", store.CaseQuery{Text: "屏幕碎裂"}, []int64{phone.ID}},
		{"merchant", store.CaseQuery{Text: "数码城"}, []int64{phone.ID}},
		{"consumer name", store.CaseQuery{Text: "王五"}, []int64{car.ID}},
		{"case number", store.CaseQuery{Text: car.Number}, []int64{car.ID}},
		{"part of a case number", store.CaseQuery{Text: fmt.Sprintf("%d号", car.Seq)}, []int64{car.ID}},
		{"phone hash", store.CaseQuery{PartyHash: "ph-b"}, []int64{phone.ID}},
		{"identity hash", store.CaseQuery{PartyHash: "id-c"}, []int64{car.ID}},
		{"phone hash stays in scope", store.CaseQuery{PartyHash: "ph-a"}, []int64{gym.ID}},
		{"phone hash, the city", store.CaseQuery{Scope: store.Scope{All: true}, PartyHash: "ph-a"}, []int64{gym.ID, farCase.ID}},
		{"no match", store.CaseQuery{Text: "不存在的词语"}, nil},
		{"with a status", store.CaseQuery{Text: "健身", Statuses: []domain.Status{domain.StatusReceived}}, []int64{gym.ID}},
		{"with a room", store.CaseQuery{Text: "手机", RoomID: f.room1.ID}, nil},
	} {
		if got := find(tc.q); !slices.Equal(got, tc.want) {
			t.Errorf("%s: got %v, want %v", tc.name, got, tc.want)
		}
	}
	// The index follows the case in the same write: changed facts are found
	// by their new words, not by the old ones.
	desc := "美容院办卡后关门"
	if _, err := db.ApplyEvent(ctx, car.ID, car.Version, store.CaseChange{Facts: &store.Facts{Category: "服务", Description: desc,
		Consumer: car.Parties[0]}}, store.Event{Type: "facts_updated", At: t0}); err != nil {
		t.Fatal(err)
	}
	if got := find(store.CaseQuery{Text: "美容院"}); !slices.Equal(got, []int64{car.ID}) {
		t.Errorf("after the update: got %v", got)
	}
	if got := find(store.CaseQuery{Text: "汽车保养"}); got != nil {
		t.Errorf("old words still found: %v", got)
	}
}

// Migration 00045 applies to a database that already holds cases: the
// trigram index is filled from them.
func TestCaseSearchMigratesExistingCases(t *testing.T) {
	for _, e := range Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			ctx := context.Background()
			db := e.Open(t, false)
			if err := db.MigrateTo(ctx, 41); err != nil {
				t.Fatal(err)
			}
			f := newFixture(t, db)
			nc := newCase(f, f.room1.ID, "")
			nc.Description = "美容院办卡后关门跑路"
			old := mustCreate(t, db, nc)
			if err := db.Migrate(ctx); err != nil {
				t.Fatal(err)
			}
			p, err := db.ListCases(ctx, store.CaseQuery{Scope: store.Scope{Prefixes: []string{f.committee.Path}}, Text: "办卡后关门"})
			if err != nil || len(p.Cases) != 1 || p.Cases[0].ID != old.ID {
				t.Fatalf("a case from before the migration: %v %v", p.Cases, err)
			}
		})
	}
}

// A scope that is sparse among the cases of a status (another committee's
// 2,100 newer ones first): the walk of each status stops at its bound and
// the list is answered by the scope's own branches, every case of the scope
// once, in order; with the other committee's scope, its newest first.
func TestCaseListSparseScope(t *testing.T) {
	ctx := context.Background()
	onEveryEngine(t, func(t *testing.T, e Engine, db *sqlstore.DB, f fixture) {
		var mine []int64
		for i := range 3 {
			nc := newCase(f, f.room1.ID, "")
			nc.ReceivedAt = t0.Add(time.Duration(i) * time.Minute)
			mine = append(mine, mustCreate(t, db, nc).ID)
		}
		slices.Reverse(mine) // newest first
		var others []int64
		for b := range 6 {
			var ncs []*store.NewCase
			for i := range 350 {
				nc := newCase(f, 0, "")
				nc.CommitteeID, nc.CommitteeAbbr = f.otherCommittee.ID, "徐"
				nc.ReceivedAt = t0.Add(time.Hour + time.Duration(b*350+i)*time.Second)
				ncs = append(ncs, nc)
			}
			cs, err := db.InsertCases(ctx, ncs)
			if err != nil {
				t.Fatal(err)
			}
			for _, c := range cs {
				others = append(others, c.ID)
			}
		}
		two := []domain.Status{domain.StatusReceived, domain.StatusAccepted}
		committee := store.Scope{Prefixes: []string{f.committee.Path}}
		stop := db.TraceReads()
		if got := walk(t, db, store.CaseQuery{Scope: committee, Limit: 2, Statuses: two}, nil); !slices.Equal(got, mine) {
			t.Fatalf("sparse scope, two statuses: %v, want %v", got, mine)
		}
		if got := walk(t, db, store.CaseQuery{Scope: committee, Limit: 2, Statuses: two, OldestFirst: true}, nil); !slices.Equal(got, []int64{mine[2], mine[1], mine[0]}) {
			t.Fatalf("sparse scope, two statuses, oldest first: %v, want %v reversed", got, mine)
		}
		merges := 0
		for _, q := range stop() {
			if e.Name == "sqlite" && strings.Contains(q, "UNION") && strings.Contains(q, "JOIN cases c") {
				checkMergedBranches(t, db, q)
				merges++
			}
		}
		if e.Name == "sqlite" && merges == 0 {
			t.Error("the sparse scope's list read no branches")
		}
		p, err := db.ListCases(ctx, store.CaseQuery{Scope: store.Scope{Prefixes: []string{f.otherCommittee.Path}}, Limit: 5, Statuses: two, CountCap: -1})
		if err != nil || len(p.Cases) != 5 {
			t.Fatalf("dense scope: %d cases (%v)", len(p.Cases), err)
		}
		for i, c := range p.Cases {
			if want := others[len(others)-1-i]; c.ID != want {
				t.Fatalf("dense scope, row %d: case %d, want %d", i, c.ID, want)
			}
		}
	})
}

// TestCaseListSparseScopeDiverted: a scope whose newest cases are another
// district's (its lists read its paths' branches, not the walk of the
// newest cases) lists each of its cases once — one it owns that its own
// office diverted is in two branches — and the cases its office diverted
// to another district's committee, in order both ways, page after page,
// by cursor and by offset, with their total.
func TestCaseListSparseScopeDiverted(t *testing.T) {
	ctx := context.Background()
	onEveryEngine(t, func(t *testing.T, e Engine, db *sqlstore.DB, f fixture) {
		mk := func(committee store.OrgUnit, room, divertedBy int64, minute int) store.Case {
			nc := newCase(f, room, "")
			nc.CommitteeID, nc.DivertedByOrgID = committee.ID, divertedBy
			if committee.ID == f.otherCommittee.ID {
				nc.CommitteeAbbr = "徐"
			}
			nc.ReceivedAt = t0.Add(time.Duration(minute) * time.Minute)
			return mustCreate(t, db, nc)
		}
		own := mk(f.committee, f.room1.ID, 0, 1)
		divertedOwn := mk(f.committee, f.room2.ID, f.regulator.ID, 2)
		divertedAway := mk(f.otherCommittee, 0, f.regulator.ID, 3)
		plain := mk(f.committee, 0, 0, 4)
		var ncs []*store.NewCase
		for i := range 2100 {
			nc := newCase(f, 0, "")
			nc.CommitteeID, nc.CommitteeAbbr = f.otherCommittee.ID, "徐"
			nc.ReceivedAt = t0.Add(time.Hour + time.Duration(i)*time.Second)
			ncs = append(ncs, nc)
		}
		if _, err := db.InsertCases(ctx, ncs); err != nil {
			t.Fatal(err)
		}
		for _, c := range []struct {
			scope store.OrgUnit
			want  []int64 // newest first
		}{
			{f.district, []int64{plain.ID, divertedAway.ID, divertedOwn.ID, own.ID}},
			{f.committee, []int64{plain.ID, divertedOwn.ID, own.ID}},
		} {
			scope := store.Scope{Prefixes: []string{c.scope.Path}}
			oldest := slices.Clone(c.want)
			slices.Reverse(oldest)
			for _, limit := range []int{1, 2, 50} {
				if got := walk(t, db, store.CaseQuery{Scope: scope, Limit: limit}, nil); !slices.Equal(got, c.want) {
					t.Fatalf("%s, pages of %d: %v, want %v", c.scope.Code, limit, got, c.want)
				}
				if got := walk(t, db, store.CaseQuery{Scope: scope, Limit: limit, OldestFirst: true}, nil); !slices.Equal(got, oldest) {
					t.Fatalf("%s, pages of %d, oldest first: %v, want %v", c.scope.Code, limit, got, oldest)
				}
			}
			p, err := db.ListCases(ctx, store.CaseQuery{Scope: scope, Limit: 2, Offset: 1, CountCap: store.ListCountCap})
			if err != nil || len(p.Cases) != 2 || p.Cases[0].ID != c.want[1] || p.Cases[1].ID != c.want[2] || p.Total != int64(len(c.want)) {
				t.Fatalf("%s, second and third by offset: %d cases, total %d (%v)", c.scope.Code, len(p.Cases), p.Total, err)
			}
		}
		// On PostgreSQL the branches are planned once (their plan is each
		// path's index whatever the values).
		if g := db.Pools()["read_generic"]; e.Name == "postgres" {
			var plans int
			if err := g.QueryRowContext(ctx, `SELECT COALESCE(SUM(generic_plans), 0) FROM pg_prepared_statements
				WHERE statement LIKE '%UNION ALL%c.org_path = $%' AND statement NOT LIKE '%pg_prepared_statements%'`).Scan(&plans); err != nil || plans < 2 {
				t.Fatalf("the scope's branches: %d generic plans on the pool (%v)", plans, err)
			}
		}
	})
}

// TestCaseListMediator: a mediator's list over several statuses (one
// branch per status) gives each of the mediator's cases in those statuses
// once, in order both ways, page after page, and its total; another
// mediator's cases and other statuses never. The cases no mediator
// presides over yet (the committee's desk) are listed the same way.
func TestCaseListMediator(t *testing.T) {
	ctx := context.Background()
	onEveryEngine(t, func(t *testing.T, e Engine, db *sqlstore.DB, f fixture) {
		ms := mkMediators(t, db, 2)
		statuses := []domain.Status{domain.StatusAssigned, domain.StatusMediating, domain.StatusSuspended, domain.StatusArchived}
		open := statuses[:3]
		var want, none []store.Case
		for i := range 30 {
			nc := newCase(f, f.room1.ID, "")
			nc.ReceivedAt = t0.Add(time.Duration(i/4) * time.Hour) // ties: the id decides
			c := mustCreate(t, db, nc)
			st := statuses[i%len(statuses)]
			if i%6 == 5 { // no mediator yet
				c, err := db.ApplyEvent(ctx, c.ID, c.Version, store.CaseChange{Status: st}, store.Event{Type: "test"})
				if err != nil {
					t.Fatal(err)
				}
				if slices.Contains(open, st) {
					none = append(none, c)
				}
				continue
			}
			m := ms[0]
			if i%5 == 0 {
				m = ms[1]
			}
			c, err := db.AssignCase(ctx, c.ID, c.Version, []int64{m}, 0, store.CaseChange{Status: st}, store.Event{Type: "assign"})
			if err != nil {
				t.Fatal(err)
			}
			if m == ms[0] && slices.Contains(open, st) {
				want = append(want, c)
			}
		}
		if len(none) < 3 {
			t.Fatalf("only %d cases without a mediator in the statuses listed", len(none))
		}
		for _, scope := range []store.Scope{{Prefixes: []string{f.committee.Path}}, {All: true}} {
			for _, oldest := range []bool{false, true} {
				q := store.CaseQuery{Scope: scope, Presiding: ms[0], Statuses: open, Limit: 4, OldestFirst: oldest}
				if got := walk(t, db, q, nil); !slices.Equal(got, inOrder(want, oldest)) {
					t.Errorf("scope %v, oldest first %v:\n got %v\nwant %v", scope, oldest, got, inOrder(want, oldest))
				}
				q = store.CaseQuery{Scope: scope, Unassigned: true, Statuses: open, Limit: 2, OldestFirst: oldest}
				if got := walk(t, db, q, nil); !slices.Equal(got, inOrder(none, oldest)) {
					t.Errorf("no mediator, scope %v, oldest first %v:\n got %v\nwant %v", scope, oldest, got, inOrder(none, oldest))
				}
			}
			p, err := db.ListCases(ctx, store.CaseQuery{Scope: scope, Presiding: ms[0], Statuses: open, Limit: 4, CountCap: store.ListCountCap})
			if err != nil || p.Total != int64(len(want)) {
				t.Errorf("scope %v: total %d, want %d (%v)", scope, p.Total, len(want), err)
			}
			p, err = db.ListCases(ctx, store.CaseQuery{Scope: scope, Unassigned: true, Statuses: open, Limit: 50, CountCap: store.ListCountCap})
			if err != nil || p.Total != int64(len(none)) {
				t.Errorf("no mediator, scope %v: total %d, want %d (%v)", scope, p.Total, len(none), err)
			}
		}
		// SQLite merges the branches in order and stops at the page:
		// no branch is sorted, only the page's rows at the end.
		if db.Dialect() == "sqlite" {
			stop := db.TraceReads()
			for _, oldest := range []bool{false, true} {
				if _, err := db.ListCases(ctx, store.CaseQuery{Scope: store.Scope{Prefixes: []string{f.committee.Path}}, Presiding: ms[0], Statuses: open, Limit: 4, OldestFirst: oldest}); err != nil {
					t.Fatal(err)
				}
			}
			for _, q := range stop() {
				if strings.Contains(q, "UNION") {
					checkMergedBranches(t, db, q)
				}
			}
		}
		// With a room: the room's filter drives, no mediator filters.
		p, err := db.ListCases(ctx, store.CaseQuery{Scope: store.Scope{Prefixes: []string{f.committee.Path}}, RoomID: f.room1.ID, Unassigned: true, Statuses: open, Limit: 50})
		var got []int64
		for _, c := range p.Cases {
			got = append(got, c.ID)
		}
		if err != nil || !slices.Equal(got, inOrder(none, false)) {
			t.Errorf("no mediator in room 1: %v, want %v (%v)", got, inOrder(none, false), err)
		}
	})
}

// inOrder gives the ids of cs in list order: newest first, or oldest.
func inOrder(cs []store.Case, oldest bool) []int64 {
	return keysetOrder(cs, func(c store.Case) store.ListCursor { return store.ListCursor{At: c.ReceivedAt, ID: c.ID} }, !oldest)
}

// checkMergedBranches fails when SQLite's plan for a list statement sorts
// anything but the final page: a branch sorted is a branch read whole.
func checkMergedBranches(t *testing.T, db *sqlstore.DB, q string) {
	t.Helper()
	merged := false
	for _, step := range sqlitePlanSteps(t, db, q) {
		merged = merged || strings.HasPrefix(step.detail, "MERGE")
		if strings.Contains(step.detail, "TEMP B-TREE") && step.parent != 0 {
			t.Errorf("a branch of the list is sorted:\n%s", q)
		}
	}
	if !merged {
		t.Errorf("the list's branches are not merged:\n%s\n%s", q, sqlitePlan(t, db, q))
	}
}

type planStep struct {
	id, parent int
	detail     string
}

// sqlitePlanSteps is SQLite's EXPLAIN QUERY PLAN of a statement whose $n
// parameters are all NULL.
func sqlitePlanSteps(t *testing.T, db *sqlstore.DB, q string) []planStep {
	t.Helper()
	n := 0
	for _, m := range regexp.MustCompile(`\$(\d+)`).FindAllStringSubmatch(q, -1) {
		if k, _ := strconv.Atoi(m[1]); k > n {
			n = k
		}
	}
	rows, err := db.Reader().QueryContext(context.Background(), "EXPLAIN QUERY PLAN "+q, make([]any, n)...)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var steps []planStep
	for rows.Next() {
		var s planStep
		var notUsed int
		if err := rows.Scan(&s.id, &s.parent, &notUsed, &s.detail); err != nil {
			t.Fatal(err)
		}
		steps = append(steps, s)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return steps
}

// tracedPlan is SQLite's plan of the first statement run reads.
func tracedPlan(t *testing.T, db *sqlstore.DB, run func()) string {
	t.Helper()
	stop := db.TraceReads()
	run()
	stmts := stop()
	if len(stmts) == 0 {
		t.Fatal("no statement traced")
	}
	return sqlitePlan(t, db, stmts[0])
}

// sqlitePlan is the plan as text, a step a line.
func sqlitePlan(t *testing.T, db *sqlstore.DB, q string) string {
	t.Helper()
	var lines []string
	for _, s := range sqlitePlanSteps(t, db, q) {
		lines = append(lines, fmt.Sprintf("%d %d %s", s.id, s.parent, s.detail))
	}
	return strings.Join(lines, "\n")
}

// On PostgreSQL the lists whose plan is the same whatever their values (a
// mediator's, a committee's walk by receipt time) are planned once, without
// their values, on a pool of their own (sqlstore's readGeneric); those whose
// plan depends on the values (a room's, a scope's paths) are not. SQLite
// has no such pool.
func TestMediatorListsPlannedOnce(t *testing.T) {
	ctx := context.Background()
	onEveryEngine(t, func(t *testing.T, e Engine, db *sqlstore.DB, f fixture) {
		g := db.Pools()["read_generic"]
		if e.Name != "postgres" {
			if g != nil {
				t.Fatal("SQLite has a generic-plan pool")
			}
			return
		}
		if g == nil {
			t.Fatal("no generic-plan pool")
		}
		// One connection, so that its prepared statements are all of the pool's.
		g.SetMaxOpenConns(1)
		var mode string
		if err := g.QueryRowContext(ctx, "SHOW plan_cache_mode").Scan(&mode); err != nil || mode != "force_generic_plan" {
			t.Fatalf("plan_cache_mode %q (%v)", mode, err)
		}
		if err := db.Reader().QueryRowContext(ctx, "SHOW plan_cache_mode").Scan(&mode); err != nil || mode != "force_custom_plan" {
			t.Fatalf("reader plan_cache_mode %q (%v)", mode, err)
		}
		// The pool's list statements over the case table (not a case read
		// by its id, TestCasePageLookupsPlannedOnce), and their generic plans.
		onCases := func() (stmts, generic int) {
			if err := g.QueryRowContext(ctx, `SELECT COUNT(*), COALESCE(SUM(generic_plans), 0) FROM pg_prepared_statements
				WHERE statement LIKE '%FROM cases c%' AND statement NOT LIKE '%FROM cases c WHERE c.id = $1'
				AND statement NOT LIKE '%pg_prepared_statements%'`).Scan(&stmts, &generic); err != nil {
				t.Fatal(err)
			}
			return stmts, generic
		}
		ms := mkMediators(t, db, 1)
		c := mustCreate(t, db, newCase(f, f.room1.ID, ""))
		if _, err := db.AssignCase(ctx, c.ID, c.Version, ms, 0, store.CaseChange{Status: domain.StatusMediating}, store.Event{Type: "assign"}); err != nil {
			t.Fatal(err)
		}
		committee := store.Scope{Prefixes: []string{f.committee.Path}}
		// A room's list walks the room's index, the scope after a fence:
		// its page and its count, each planned generically.
		for range 2 {
			p, err := db.ListCases(ctx, store.CaseQuery{Scope: committee, RoomID: f.room1.ID, Limit: 10, CountCap: 100})
			if err != nil || len(p.Cases) != 1 || p.Total != 1 || p.Cases[0].ID != c.ID {
				t.Fatalf("a room's list: %d cases, total %d (%v)", len(p.Cases), p.Total, err)
			}
		}
		if n, gp := onCases(); n != 2 || gp < 2 {
			t.Fatalf("a room's list: %d statements on the pool, %d generic plans; want 2 and at least 2", n, gp)
		}
		base, _ := onCases()
		for range 2 {
			p, err := db.ListCases(ctx, store.CaseQuery{Scope: committee, Presiding: ms[0], Statuses: []domain.Status{domain.StatusMediating, domain.StatusAssigned}, Limit: 10, CountCap: 100})
			if err != nil || len(p.Cases) != 1 || p.Total != 1 {
				t.Fatalf("mediator's list: %d cases, total %d (%v)", len(p.Cases), p.Total, err)
			}
		}
		// Its page and its count, each planned generically, twice.
		if n, gp := onCases(); n != base+2 || gp < 6 {
			t.Fatalf("the mediator's list: %d statements on the pool, %d generic plans; want %d and at least 6", n, gp, base+2)
		}
		// A committee's list of one status walks the status's index, the
		// scope a filter: that walk too; and, the walk leaving the page
		// short here (one case), the scope's path branches after it.
		if _, err := db.ListCases(ctx, store.CaseQuery{Scope: committee, Statuses: []domain.Status{domain.StatusMediating}, Limit: 10, CountCap: 100}); err != nil {
			t.Fatal(err)
		}
		if n, _ := onCases(); n != base+4 {
			t.Fatalf("after the committee's list: %d statements on the pool, want %d", n, base+4)
		}
		// A committee's list of several statuses (the desk's sections)
		// walks each status's index the same way, planned once each.
		three := []domain.Status{domain.StatusMediating, domain.StatusAssigned, domain.StatusReceived}
		for range 2 {
			p, err := db.ListCases(ctx, store.CaseQuery{Scope: committee, Statuses: three, Limit: 10, CountCap: -1})
			if err != nil || len(p.Cases) != 1 || p.Cases[0].ID != c.ID {
				t.Fatalf("the committee's list of three statuses: %d cases (%v)", len(p.Cases), err)
			}
		}
		var walks, walkPlans int
		if err := g.QueryRowContext(ctx, `SELECT COUNT(*), COALESCE(SUM(generic_plans), 0) FROM pg_prepared_statements
			WHERE statement LIKE '%row_number() OVER%' AND statement NOT LIKE '%pg_prepared_statements%'`).Scan(&walks, &walkPlans); err != nil {
			t.Fatal(err)
		}
		if walks != 1 || walkPlans < 2*len(three) { // one text, the status a parameter
			t.Fatalf("the status walks: %d statements on the pool, %d generic plans; want 1 and at least %d", walks, walkPlans, 2*len(three))
		}
		// A page's facts read by case ids (its rows' clock events): one
		// plan whatever the ids.
		for range 3 {
			if _, err := db.ClockEventsOf(ctx, []int64{c.ID}); err != nil {
				t.Fatal(err)
			}
		}
		var gp int
		if err := g.QueryRowContext(ctx, `SELECT COALESCE(SUM(generic_plans), 0) FROM pg_prepared_statements
			WHERE statement LIKE '%FROM case_events%' AND statement NOT LIKE '%pg_prepared_statements%'`).Scan(&gp); err != nil || gp < 1 {
			t.Fatalf("clock events by case: %d generic plans on the pool (%v)", gp, err)
		}
		// A page's stored evaluation facts by case ids, the same.
		for range 3 {
			if _, err := db.EvalFactTexts(ctx, []int64{c.ID}); err != nil {
				t.Fatal(err)
			}
		}
		if err := g.QueryRowContext(ctx, `SELECT COALESCE(SUM(generic_plans), 0) FROM pg_prepared_statements
			WHERE statement LIKE '%FROM eval_facts%' AND statement NOT LIKE '%pg_prepared_statements%'`).Scan(&gp); err != nil || gp < 3 {
			t.Fatalf("evaluation facts by case: %d generic plans on the pool (%v)", gp, err)
		}
		// The cases whose due date is computed on read: each branch reads
		// its partial index whatever the values, so the statement is
		// planned once; the same cases as read on the values' plan.
		due := store.DueQuery{Scope: committee, Statuses: store.ClockStatuses, By: 20991231}
		var before []store.Case
		for i := range 2 {
			cs, err := db.DueUnfixed(ctx, due)
			if err != nil || !slices.ContainsFunc(cs, func(x store.Case) bool { return x.ID == c.ID }) {
				t.Fatalf("due dates computed on read: %d cases, want case %d among them (%v)", len(cs), c.ID, err)
			}
			if i == 1 && len(cs) != len(before) {
				t.Fatalf("due dates computed on read: %d cases, then %d", len(before), len(cs))
			}
			before = cs
		}
		if err := g.QueryRowContext(ctx, `SELECT COALESCE(SUM(generic_plans), 0) FROM pg_prepared_statements
			WHERE statement LIKE '%due_state = 0%' AND statement NOT LIKE '%pg_prepared_statements%'`).Scan(&gp); err != nil || gp < 2 {
			t.Fatalf("due dates computed on read: %d generic plans on the pool (%v)", gp, err)
		}
		// A scope's list by stored due date and its capped count: the walk
		// of the due-date index, the scope a filter, whatever the values.
		// A room's list walks the room's index, planned with its values.
		stored := func(like string) int {
			if err := g.QueryRowContext(ctx, `SELECT COALESCE(SUM(generic_plans), 0) FROM pg_prepared_statements
				WHERE statement LIKE $1 AND statement NOT LIKE '%pg_prepared_statements%'`, like).Scan(&gp); err != nil {
				t.Fatal(err)
			}
			return gp
		}
		const pageSQL, countSQL = "SELECT c.id%due_state = 1%", "SELECT COUNT(*)%due_state = 1%"
		room := due
		room.RoomID, room.Limit, room.CountCap = f.room1.ID, 1, 10
		if _, _, _, err := db.DueCases(ctx, room); err != nil {
			t.Fatal(err)
		}
		room.Limit = 0
		if _, _, _, err := db.DueCases(ctx, room); err != nil {
			t.Fatal(err)
		}
		if n := stored("%due_state = 1%"); n != 0 {
			t.Fatalf("a room's list by due date: %d generic plans on the pool", n)
		}
		// Pages, then counts alone; each on another day, since a count is
		// remembered until a case changes.
		for i, limit := range []int{1, 1, 0, 0} {
			due.Limit, due.CountCap, due.By = limit, 10, 20991231-i
			if _, _, _, err := db.DueCases(ctx, due); err != nil {
				t.Fatal(err)
			}
		}
		if p, c := stored(pageSQL), stored(countSQL); p < 2 || c < 2 {
			t.Fatalf("a scope's list by due date: page %d, count %d generic plans on the pool; want at least 2 each", p, c)
		}
	})
}

// TestRoomListFilters holds a room's lists — every combination of status
// filter, receipt-time range, mediator, order and scope, walked page by
// page — and their totals to the cases picked in Go from the whole table.
// (On PostgreSQL a room's list walks its index behind a fence and is
// planned once; this is what says the filters after the fence are all
// there.)
func TestRoomListFilters(t *testing.T) {
	ctx := context.Background()
	onEveryEngine(t, func(t *testing.T, e Engine, db *sqlstore.DB, f fixture) {
		ms := mkMediators(t, db, 1)
		statuses := []domain.Status{domain.StatusReceived, domain.StatusMediating, domain.StatusArchived}
		for i := range 24 {
			room := []int64{f.room1.ID, f.room2.ID}[i%2]
			nc := newCase(f, room, fmt.Sprintf("R-%d", i))
			nc.ReceivedAt = t0.Add(time.Duration(i%7) * time.Hour) // ties in time: the id decides
			if i%5 == 0 {
				nc.DivertedByOrgID = f.regulator.ID
			}
			c := mustCreate(t, db, nc)
			if st := statuses[i%3]; st != domain.StatusReceived {
				if i%4 == 1 {
					if _, err := db.AssignCase(ctx, c.ID, c.Version, ms, 0, store.CaseChange{Status: st}, store.Event{Type: "assign"}); err != nil {
						t.Fatal(err)
					}
				} else if _, err := db.ApplyEvent(ctx, c.ID, c.Version, store.CaseChange{Status: st}, store.Event{Type: "facts_updated"}); err != nil {
					t.Fatal(err)
				}
			}
		}
		all := AllCases(t, db)
		from, to := t0.Add(2*time.Hour), t0.Add(5*time.Hour)
		scopes := []store.Scope{{Prefixes: []string{f.committee.Path}}, {Prefixes: []string{f.regulator.Path}}, {All: true}}
		for _, scope := range scopes {
			for _, sts := range [][]domain.Status{nil, {domain.StatusMediating}, {domain.StatusReceived, domain.StatusArchived}} {
				for _, ranged := range []bool{false, true} {
					for _, who := range []string{"", "presiding", "unassigned"} {
						for _, oldest := range []bool{false, true} {
							q := store.CaseQuery{Scope: scope, RoomID: f.room1.ID, Statuses: sts, OldestFirst: oldest, Limit: 3, CountCap: store.ListCountCap}
							if ranged {
								q.From, q.To = &from, &to
							}
							switch who {
							case "presiding":
								q.Presiding = ms[0]
							case "unassigned":
								q.Unassigned = true
							}
							var want []store.Case
							for _, c := range all {
								in := scope.All
								for _, p := range scope.Prefixes {
									in = in || strings.HasPrefix(c.OrgPath, p) || c.DivertedByPath != "" && strings.HasPrefix(c.DivertedByPath, p)
								}
								switch {
								case !in, c.RoomID != f.room1.ID, sts != nil && !slices.Contains(sts, c.Status),
									ranged && (c.ReceivedAt.Before(from) || !c.ReceivedAt.Before(to)),
									who == "presiding" && c.PresidingID != ms[0], who == "unassigned" && c.PresidingID != 0:
									continue
								}
								want = append(want, c)
							}
							slices.SortFunc(want, func(a, b store.Case) int {
								if d := a.ReceivedAt.Compare(b.ReceivedAt); d != 0 {
									return d
								}
								return cmp.Compare(a.ID, b.ID)
							})
							if !oldest {
								slices.Reverse(want)
							}
							var wantIDs []int64
							for _, c := range want {
								wantIDs = append(wantIDs, c.ID)
							}
							p, err := db.ListCases(ctx, q)
							if err != nil || p.Total != int64(len(want)) {
								t.Fatalf("%+v: total %d, want %d (%v)", q, p.Total, len(want), err)
							}
							if got := walk(t, db, q, nil); !slices.Equal(got, wantIDs) {
								t.Fatalf("%+v: listed %v, want %v", q, got, wantIDs)
							}
						}
					}
				}
			}
		}
	})
}

// TestDenseWalksIndexOnly: a dense scope's list pages by offset through the
// walk of the newest cases (all of them, or one status's) and gives the cases
// in order; on SQLite the walk reads the scope's paths from its index
// (migration 94), not a row for every case walked.
func TestDenseWalksIndexOnly(t *testing.T) {
	ctx := context.Background()
	onEveryEngine(t, func(t *testing.T, e Engine, db *sqlstore.DB, f fixture) {
		var all, mediating []store.Case
		var ncs []*store.NewCase
		for i := range 40 {
			nc := newCase(f, f.room1.ID, "")
			nc.ReceivedAt = t0.Add(time.Duration(i/3) * time.Minute) // ties: the id decides
			ncs = append(ncs, nc)
		}
		cs, err := db.InsertCases(ctx, ncs)
		if err != nil {
			t.Fatal(err)
		}
		for i, c := range cs {
			if i%4 == 1 {
				if c, err = db.ApplyEvent(ctx, c.ID, c.Version, store.CaseChange{Status: domain.StatusMediating}, store.Event{Type: "test"}); err != nil {
					t.Fatal(err)
				}
				mediating = append(mediating, c)
			}
			all = append(all, c)
		}
		committee := store.Scope{Prefixes: []string{f.committee.Path}}
		for _, c := range []struct {
			name     string
			statuses []domain.Status
			want     []store.Case
			index    string
		}{
			{"every status", nil, all, "cases_received"},
			{"mediating", []domain.Status{domain.StatusMediating}, mediating, "cases_status_received"},
		} {
			for _, oldest := range []bool{false, true} {
				want := inOrder(c.want, oldest)
				stop := db.TraceReads()
				p, err := db.ListCases(ctx, store.CaseQuery{Scope: committee, Statuses: c.statuses, Offset: 5, Limit: 4, OldestFirst: oldest})
				stmts := stop()
				var got []int64
				for _, x := range p.Cases {
					got = append(got, x.ID)
				}
				if err != nil || !slices.Equal(got, want[5:9]) {
					t.Fatalf("%s, oldest first %v, offset 5: %v, want %v (%v)", c.name, oldest, got, want[5:9], err)
				}
				if e.Name != "sqlite" {
					continue
				}
				walked := false
				for _, q := range stmts {
					if !strings.Contains(q, "LIMIT 2000") { // the walk's bound (sqlstore's denseScan)
						continue
					}
					for _, s := range sqlitePlanSteps(t, db, q) {
						if strings.Contains(s.detail, "INDEX "+c.index+" ") || strings.HasSuffix(s.detail, "INDEX "+c.index) {
							walked = true
							if !strings.Contains(s.detail, "COVERING INDEX") {
								t.Errorf("%s: the walk reads a row for each case: %s\n%s", c.name, s.detail, q)
							}
						}
					}
				}
				if !walked {
					t.Errorf("%s, oldest first %v: no walk of %s among the statements:\n%s", c.name, oldest, c.index, strings.Join(stmts, "\n"))
				}
			}
		}
	})
}
