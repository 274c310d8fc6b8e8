package desk_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/tiaojie/tiaojie/internal/auth"
	"github.com/tiaojie/tiaojie/internal/calendar"
	"github.com/tiaojie/tiaojie/internal/desk"
	"github.com/tiaojie/tiaojie/internal/domain"
	"github.com/tiaojie/tiaojie/internal/store"
	"github.com/tiaojie/tiaojie/internal/store/sqlstore"
)

// More overdue cases than the lists count (store.ListCountCap): the list
// says "more than", and page by page it still offers the next page until
// every case has been shown once, nearest date first.
func TestOverdueListPagesPastTheCap(t *testing.T) {
	ctx := context.Background()
	onEveryDemo(t, 0, func(t *testing.T, st *sqlstore.DB, committee store.OrgUnit) {
		// Received over 1,150 hours a month and more ago, never
		// accepted: every acceptance clock has run out, on many dates.
		const n = store.ListCountCap + 150
		var ncs []*store.NewCase
		for i := range n {
			ncs = append(ncs, &store.NewCase{CommitteeID: committee.ID, CommitteeAbbr: committee.Abbr, Channel: domain.ChannelWalkIn,
				Category: "服务-健身", Description: "预付卡退款", ReceivedAt: clockNow.AddDate(0, -1, 0).Add(-time.Duration(i) * time.Hour),
				Parties: []store.Party{{Kind: "consumer", Name: "张三"}, {Kind: "merchant", Name: "某健身公司"}},
				Event:   store.Event{Type: "received", ActorName: "测试"}})
		}
		for len(ncs) > 0 { // in the import's batches
			k := min(len(ncs), 200)
			if _, err := st.InsertCases(ctx, ncs[:k]); err != nil {
				t.Fatal(err)
			}
			ncs = ncs[k:]
		}
		svc := &desk.Service{Store: st, Now: func() time.Time { return clockNow }}
		if _, err := svc.RefreshDue(ctx); err != nil {
			t.Fatal(err)
		}
		director := &auth.Principal{DisplayName: "测试", Bindings: []store.Binding{{Role: domain.RoleCommittee, OrgID: committee.ID, OrgPath: committee.Path}}}
		seen := map[int64]bool{}
		var last string
		for page := 1; ; page++ {
			p, err := svc.List(ctx, director, desk.ListQuery{Page: page, Due: desk.DueOverdue}, 50)
			if err != nil {
				t.Fatal(err)
			}
			if page == 1 && (!p.Capped || p.Total != store.ListCountCap) {
				t.Fatalf("first page: total %d, capped %v; want more than %d", p.Total, p.Capped, store.ListCountCap)
			}
			for _, r := range p.Rows {
				if seen[r.Case.ID] {
					t.Fatalf("page %d shows case %d again", page, r.Case.ID)
				}
				seen[r.Case.ID] = true
				if d := r.Next.Due.String(); d < last {
					t.Fatalf("page %d: due %s after %s", page, d, last)
				} else {
					last = d
				}
			}
			if p.Page >= p.Pages {
				if len(p.Rows) == 0 {
					t.Fatalf("page %d offered but empty", page)
				}
				break
			}
			if page > n/50+2 {
				t.Fatalf("still offering page %d", page+1)
			}
		}
		if len(seen) != n {
			t.Fatalf("%d cases shown over the pages, want %d", len(seen), n)
		}
		// Without the clock filter the same cases are a list by scope
		// and status alone: counted exactly (the case counters), every
		// page offered, a page past the end is the last.
		all := desk.ListQuery{CaseQuery: store.CaseQuery{Statuses: []domain.Status{domain.StatusReceived}}, Page: 99}
		p, err := svc.List(ctx, director, all, 50)
		if err != nil || p.Total != n || p.Capped || p.Pages != (n+49)/50 || p.Page != p.Pages || len(p.Rows) != n-(p.Pages-1)*50 {
			t.Fatalf("received list: total %d capped %v page %d of %d, %d rows (%v); want %d cases on %d pages", p.Total, p.Capped, p.Page, p.Pages, len(p.Rows), err, n, (n+49)/50)
		}
	})
}

// A page number opened without a cursor is an offset: past what the store
// pages by offset (store.MaxListOffset) it is the last page reached, so
// the rows shown are the page named.
func TestOffsetPage(t *testing.T) {
	for _, size := range []int{1, 20, 50, 500} {
		last := store.MaxListOffset/size + 1
		for _, tc := range [][2]int{{-3, 1}, {0, 1}, {1, 1}, {2, 2}, {last - 1, last - 1}, {last, last}, {last + 1, last}, {last * 10, last}} {
			got := desk.OffsetPage(tc[0], size)
			if got != tc[1] || (got-1)*size > store.MaxListOffset {
				t.Errorf("size %d page %d: %d, want %d", size, tc[0], got, tc[1])
			}
		}
	}
}

// A refresh that fixes a burst of pending cases (an import) compacts their
// index; the next, with nothing pending, does not; the lists still read it.
func TestRefreshCompactsAfterABurst(t *testing.T) {
	ctx := context.Background()
	onEveryDemo(t, 0, func(t *testing.T, st *sqlstore.DB, committee store.OrgUnit) {
		svc := &desk.Service{Store: st, Now: func() time.Time { return clockNow }}
		if _, err := svc.RefreshDue(ctx); err != nil {
			t.Fatal(err)
		}
		for range desk.CompactAfter / 500 {
			var ncs []*store.NewCase
			for range 500 {
				ncs = append(ncs, &store.NewCase{CommitteeID: committee.ID, CommitteeAbbr: committee.Abbr, Channel: domain.ChannelWalkIn,
					Category: "服务-健身", Description: "预付卡退款", ReceivedAt: clockNow.AddDate(0, -1, 0),
					Parties: []store.Party{{Kind: "consumer", Name: "张三"}, {Kind: "merchant", Name: "某健身公司"}},
					Event:   store.Event{Type: "received", ActorName: "测试"}})
			}
			if _, err := st.InsertCases(ctx, ncs); err != nil {
				t.Fatal(err)
			}
		}
		analyzed := func() (at time.Time) {
			t.Helper()
			if st.Dialect() != "postgres" {
				return time.Time{}
			}
			var ts *time.Time
			if err := st.Writer().QueryRowContext(ctx, `SELECT GREATEST(last_analyze, last_autoanalyze) FROM pg_stat_user_tables
				WHERE relname = 'cases' AND schemaname = current_schema()`).Scan(&ts); err != nil {
				t.Fatal(err)
			}
			if ts != nil {
				at = *ts
			}
			return at
		}
		before := analyzed()
		rep, err := svc.RefreshDue(ctx)
		if err != nil || rep.Computed != desk.CompactAfter || !rep.Compacted {
			t.Fatalf("refresh after %d new cases: %+v (%v)", desk.CompactAfter, rep, err)
		}
		// PostgreSQL's planner is told of the burst's due dates.
		if st.Dialect() == "postgres" && !analyzed().After(before) {
			t.Error("the case table's statistics were not refreshed after the burst")
		}
		if rep, err = svc.RefreshDue(ctx); err != nil || rep.Computed != 0 || rep.Compacted {
			t.Fatalf("refresh with nothing pending: %+v (%v)", rep, err)
		}
		director := &auth.Principal{DisplayName: "测试", Bindings: []store.Binding{{Role: domain.RoleCommittee, OrgID: committee.ID, OrgPath: committee.Path}}}
		p, err := svc.List(ctx, director, desk.ListQuery{Page: 1, Due: desk.DueOverdue}, 50)
		if err != nil || len(p.Rows) != 50 || !p.Capped { // more than the lists count
			t.Fatalf("overdue list after the compaction: %d rows of %d (%v)", len(p.Rows), p.Total, err)
		}
	})
}

// A floating case's stored date is its due date as of the refresh. Days
// later that date is stale, and every clock list would compute the case on
// read; the next refresh computes it again as of the new day, after which
// the lists leave it alone until it is near, and a refresh on the same day
// writes nothing.
func TestFloatingDatesFollowTheDay(t *testing.T) {
	ctx := context.Background()
	onEveryDemo(t, 0, func(t *testing.T, st *sqlstore.DB, committee store.OrgUnit) {
		day := func(n int) time.Time { return clockNow.AddDate(0, 0, n) }
		c, _, err := st.CreateCase(ctx, &store.NewCase{CommitteeID: committee.ID, CommitteeAbbr: committee.Abbr, Channel: domain.ChannelWalkIn,
			Category: "服务-健身", Description: "预付卡退款", ReceivedAt: day(-21),
			Parties: []store.Party{{Kind: "consumer", Name: "张三"}, {Kind: "merchant", Name: "某健身公司"}},
			Event:   store.Event{Type: "received", ActorName: "测试", At: day(-21)}})
		if err != nil {
			t.Fatal(err)
		}
		acc := day(-20)
		if c, err = st.ApplyEvent(ctx, c.ID, c.Version, store.CaseChange{Status: domain.StatusMediating, AcceptedAt: &acc},
			store.Event{Type: "accept", ActorName: "测试", At: acc, FromStatus: c.Status, ToStatus: domain.StatusMediating}); err != nil {
			t.Fatal(err)
		}
		if _, err = st.ApplyEvent(ctx, c.ID, c.Version, store.CaseChange{Status: domain.StatusSuspended, PrevStatus: &c.Status},
			store.Event{Type: string(domain.ActionSuspend), ActorName: "测试", At: day(-10), FromStatus: c.Status, ToStatus: domain.StatusSuspended}); err != nil {
			t.Fatal(err)
		}
		if _, err := (&desk.Service{Store: st, Now: func() time.Time { return clockNow }}).RefreshDue(ctx); err != nil {
			t.Fatal(err)
		}
		scope := store.Scope{Prefixes: []string{committee.Path}}
		later := day(60)
		by := calendar.DateOf(later).AddDays(-1).Number() // the overdue list's date, 60 days on
		unfixed := func() bool {
			t.Helper()
			cs, err := st.DueUnfixed(ctx, store.DueQuery{Scope: scope, By: by})
			if err != nil {
				t.Fatal(err)
			}
			return slices.ContainsFunc(cs, func(x store.Case) bool { return x.ID == c.ID })
		}
		if !unfixed() {
			t.Fatal("the floating case's date of 60 days ago is not read by the lists: the test does not show what it means to")
		}
		svc := &desk.Service{Store: st, Now: func() time.Time { return later }}
		rep, err := svc.RefreshDue(ctx)
		if err != nil || rep.Full || rep.Floating < 1 || rep.Moved < 1 {
			t.Fatalf("refresh 60 days on: %+v (%v), want the floating case computed again", rep, err)
		}
		if unfixed() {
			t.Error("after the refresh the lists still compute the floating case on read")
		}
		// Its clock is paused, far from due: in no clock list.
		director := &auth.Principal{DisplayName: "测试", Bindings: []store.Binding{{Role: domain.RoleCommittee, OrgID: committee.ID, OrgPath: committee.Path}}}
		for _, due := range []desk.Due{desk.DueOverdue, desk.DueSoon} {
			for page := 1; ; page++ {
				p, err := svc.List(ctx, director, desk.ListQuery{Page: page, Due: due}, 50)
				if err != nil {
					t.Fatal(err)
				}
				for _, r := range p.Rows {
					if r.Case.ID == c.ID {
						t.Errorf("the paused case is in the %v list: due %s", due, r.Next.Due)
					}
				}
				if len(p.Rows) < 50 {
					break
				}
			}
		}
		if rep, err := svc.RefreshDue(ctx); err != nil || rep.Moved != 0 {
			t.Fatalf("a second refresh the same day: %+v (%v), want nothing moved", rep, err)
		}
	})
}
