package desk_test

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/tiaojie/tiaojie/internal/auth"
	"github.com/tiaojie/tiaojie/internal/desk"
	"github.com/tiaojie/tiaojie/internal/domain"
	"github.com/tiaojie/tiaojie/internal/store"
	"github.com/tiaojie/tiaojie/internal/store/sqlstore"
)

// The committee desk's first two sections are of cases no mediator
// presides over yet. More older cases that have a mediator than a section
// holds (waiting for the parties' consent, say) must not hide them: the
// section is read of such cases only.
func TestCommitteeDeskSkipsCasesWithAMediator(t *testing.T) {
	ctx := context.Background()
	onEveryDemo(t, 0, func(t *testing.T, st *sqlstore.DB, committee store.OrgUnit) {
		units, err := st.ListOrgUnits(ctx)
		if err != nil {
			t.Fatal(err)
		}
		var room store.OrgUnit
		for _, u := range units {
			if u.ParentID == committee.ID && u.Kind.IsRoom() {
				room = u
				break
			}
		}
		m := store.User{Username: "desk-m", DisplayName: "调解员甲", PasswordHash: "x", Active: true}
		if err := st.CreateUser(ctx, &m); err != nil {
			t.Fatal(err)
		}
		mk := func(roomID int64, at time.Time) store.Case {
			t.Helper()
			nc := &store.NewCase{CommitteeID: committee.ID, CommitteeAbbr: committee.Abbr, RoomID: roomID, Channel: domain.ChannelWalkIn,
				Category: "服务-健身", Description: "预付卡退款", ReceivedAt: at,
				Parties: []store.Party{{Kind: "consumer", Name: "张三"}, {Kind: "merchant", Name: "某健身公司"}},
				Event:   store.Event{Type: "received", ActorName: "测试", At: at}}
			c, _, err := st.CreateCase(ctx, nc)
			if err != nil {
				t.Fatal(err)
			}
			return c
		}
		// Older than every demo case: consenting, each with a mediator.
		for i := range desk.SectionRows + 10 {
			c := mk(room.ID, clockNow.AddDate(-2, 0, 0).Add(time.Duration(i)*time.Hour))
			if _, err := st.AssignCase(ctx, c.ID, c.Version, []int64{m.ID}, 0, store.CaseChange{Status: domain.StatusConsenting},
				store.Event{Type: "assign", ActorName: "测试"}); err != nil {
				t.Fatal(err)
			}
		}
		// Older than every demo case too, younger than those: the oldest
		// cases without a mediator.
		unrouted := mk(0, clockNow.AddDate(-1, 0, 0))
		waiting := mk(room.ID, clockNow.AddDate(-1, 0, 0).Add(time.Hour))
		director := &auth.Principal{DisplayName: "测试", Bindings: []store.Binding{{Role: domain.RoleCommittee, OrgID: committee.ID, OrgPath: committee.Path}}}
		d, err := (&desk.Service{Store: st, Now: func() time.Time { return clockNow }}).Committee(ctx, director, desk.Filter{})
		if err != nil {
			t.Fatal(err)
		}
		has := func(rows []desk.Row, id int64) bool {
			return slices.ContainsFunc(rows, func(r desk.Row) bool { return r.Case.ID == id })
		}
		show := func(rows []desk.Row) string {
			var ids []int64
			for _, r := range rows {
				ids = append(ids, r.Case.ID)
			}
			return fmt.Sprint(ids)
		}
		if !has(d.Unrouted, unrouted.ID) {
			t.Errorf("the unrouted case %d is not on the desk: %s", unrouted.ID, show(d.Unrouted))
		}
		if !has(d.Waiting, waiting.ID) {
			t.Errorf("the routed case without a mediator %d is not on the desk: %s", waiting.ID, show(d.Waiting))
		}
		for _, r := range append(slices.Clone(d.Unrouted), d.Waiting...) {
			if r.Case.PresidingID != 0 {
				t.Errorf("case %d has a mediator and is in the committee's sections", r.Case.ID)
			}
		}
	})
}

// The desk's group section shows the group disputes still being handled —
// a member case open — newest first, at most a section's rows, and says
// there are more; a group whose cases have all closed leaves it, however
// new it is.
func TestCommitteeDeskGroupsStillBeingHandled(t *testing.T) {
	ctx := context.Background()
	onEveryDemo(t, 0, func(t *testing.T, st *sqlstore.DB, committee store.OrgUnit) {
		mk := func() store.Case {
			t.Helper()
			at := clockNow.Add(-time.Hour)
			c, _, err := st.CreateCase(ctx, &store.NewCase{CommitteeID: committee.ID, CommitteeAbbr: committee.Abbr, Channel: domain.ChannelWalkIn,
				Category: "服务-健身", Description: "闭店退款", ReceivedAt: at,
				Parties: []store.Party{{Kind: "consumer", Name: "李四"}, {Kind: "merchant", Name: "某健身公司"}},
				Event:   store.Event{Type: "received", ActorName: "测试", At: at}})
			if err != nil {
				t.Fatal(err)
			}
			return c
		}
		group := func(title string, c store.Case) int64 {
			t.Helper()
			g := store.Group{CommitteeID: committee.ID, MerchantName: "某健身公司", Title: title}
			if err := st.CreateGroup(ctx, &g, []int64{c.ID}); err != nil {
				t.Fatal(err)
			}
			return g.ID
		}
		var open []int64 // newest first
		for i := range desk.SectionRows + 1 {
			open = slices.Insert(open, 0, group(fmt.Sprintf("群体性纠纷%d", i), mk()))
		}
		c := mk()
		closed := group("已办结的群体性纠纷", c)
		if _, err := st.ApplyEvent(ctx, c.ID, c.Version, store.CaseChange{Status: domain.StatusWithdrawn},
			store.Event{Type: "withdraw", FromStatus: c.Status, ToStatus: domain.StatusWithdrawn}); err != nil {
			t.Fatal(err)
		}
		director := &auth.Principal{DisplayName: "测试", Bindings: []store.Binding{{Role: domain.RoleCommittee, OrgID: committee.ID, OrgPath: committee.Path}}}
		d, err := (&desk.Service{Store: st, Now: func() time.Time { return clockNow }}).Committee(ctx, director, desk.Filter{})
		if err != nil {
			t.Fatal(err)
		}
		var got []int64
		for _, g := range d.Groups {
			got = append(got, g.ID)
		}
		if !slices.Equal(got, open[:desk.SectionRows]) || !d.MoreGroups {
			t.Fatalf("desk groups %v (more %v), want the newest %d open ones %v and more", got, d.MoreGroups, desk.SectionRows, open[:desk.SectionRows])
		}
		if slices.Contains(got, closed) {
			t.Fatalf("the group whose cases all closed (%d) is on the desk", closed)
		}
	})
}
