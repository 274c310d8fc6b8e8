package desk_test

import (
	"context"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/tiaojie/tiaojie/internal/auth"
	"github.com/tiaojie/tiaojie/internal/deadline"
	"github.com/tiaojie/tiaojie/internal/desk"
	"github.com/tiaojie/tiaojie/internal/domain"
	"github.com/tiaojie/tiaojie/internal/store"
	"github.com/tiaojie/tiaojie/internal/store/sqlstore"
)

// A server keeps the clocks of the cases its desks and overdue lists show
// (clockcache.go). When a case shown is suspended and resumed and its date
// stored again, on the same day, the same service shows its new clock; on
// the next day every row's days left follow the day.
func TestClockCacheFollowsChanges(t *testing.T) {
	ctx := context.Background()
	onEveryDemo(t, 600, func(t *testing.T, st *sqlstore.DB, committee store.OrgUnit) {
		now := clockNow
		svc := &desk.Service{Store: st, Now: func() time.Time { return now }}
		if _, err := svc.RefreshDue(ctx); err != nil {
			t.Fatal(err)
		}
		director := &auth.Principal{DisplayName: "测试", Bindings: []store.Binding{{Role: domain.RoleCommittee, OrgID: committee.ID, OrgPath: committee.Path}}}
		overdue := func() []desk.Row {
			p, err := svc.List(ctx, director, desk.ListQuery{Page: 1, Due: desk.DueOverdue}, 50)
			if err != nil {
				t.Fatal(err)
			}
			return p.Rows
		}
		// Each row's clock as computed from the case and its events now.
		check := func(what string, rows []desk.Row) {
			t.Helper()
			rules, err := deadline.Load(ctx, st)
			if err != nil {
				t.Fatal(err)
			}
			for _, r := range rows {
				c, err := st.GetCase(ctx, r.Case.ID)
				if err != nil {
					t.Fatal(err)
				}
				evs, err := st.EventsOf(ctx, []int64{c.ID})
				if err != nil {
					t.Fatal(err)
				}
				if want := desk.Urgent(rules.ForCase(c, evs[c.ID], now)); !reflect.DeepEqual(r.Next, want) {
					t.Fatalf("%s: case %d shows %+v, its clock is %+v", what, c.ID, r.Next, want)
				}
			}
		}
		before := overdue()
		check("first read", before)
		// A mediating case overdue by a week: suspended for two days
		// shortly before its due date, it is still overdue after.
		var target store.Case
		var due time.Time
		for _, r := range before {
			if r.Case.Status == domain.StatusMediating && r.Next.Remaining <= -5 {
				target, due = r.Case, r.Next.Due.Time()
				break
			}
		}
		if target.ID == 0 {
			t.Fatal("no mediating case overdue by five working days in the demo")
		}
		check("read again", overdue()) // the cached clocks, as they were
		cur, err := st.GetCase(ctx, target.ID)
		if err != nil {
			t.Fatal(err)
		}
		ev := store.Event{Type: string(domain.ActionSuspend), ActorName: "测试", At: due.AddDate(0, 0, -6).Add(10 * time.Hour), FromStatus: cur.Status, ToStatus: domain.StatusSuspended}
		if _, err := st.ApplyEvent(ctx, cur.ID, cur.Version, store.CaseChange{Status: domain.StatusSuspended, PrevStatus: &cur.Status}, ev); err != nil {
			t.Fatal(err)
		}
		ev = store.Event{Type: string(domain.ActionResume), ActorName: "测试", At: due.AddDate(0, 0, -4).Add(10 * time.Hour), FromStatus: domain.StatusSuspended, ToStatus: domain.StatusMediating}
		if _, err := st.ApplyEvent(ctx, cur.ID, cur.Version+1, store.CaseChange{Status: domain.StatusMediating}, ev); err != nil {
			t.Fatal(err)
		}
		if _, err := svc.RefreshDue(ctx); err != nil {
			t.Fatal(err)
		}
		after := overdue()
		check("after the suspension", after)
		found := false
		for _, r := range after {
			if r.Case.ID == target.ID {
				found = true
				if !strings.Contains(r.Next.Explain, "中止顺延") {
					t.Fatalf("case %d: %s", r.Case.ID, r.Next.Explain)
				}
			}
		}
		if !found {
			t.Fatalf("case %d left the overdue list", target.ID)
		}
		now = now.AddDate(0, 0, 3) // Monday: more working days overdue
		check("three days later", overdue())
	})
}
