package storetest

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tiaojie/tiaojie/internal/domain"
	"github.com/tiaojie/tiaojie/internal/store"
	"github.com/tiaojie/tiaojie/internal/store/sqlstore"
)

func TestWarningStore(t *testing.T) {
	for _, e := range Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			t.Parallel()
			testWarningStore(t, e.Open(t, true))
		})
	}
}

func mkWarning(f fixture, rule string, caseID int64, room store.OrgUnit, at time.Time) *store.Warning {
	return &store.Warning{Rule: rule, RuleVersion: 1, Level: "red", SubjectKind: "case", SubjectID: caseID,
		SubjectKey: fmt.Sprintf("case:%d", caseID), SubjectLabel: "N", CaseID: caseID, UnitID: room.ID, UnitPath: room.Path,
		Explain: "调解超期", RaisedAt: at}
}

func testWarningStore(t *testing.T, db *sqlstore.DB) {
	ctx := context.Background()
	f := newFixture(t, db)
	// Rule versions: the next one only.
	if _, err := db.LatestWarningRules(ctx); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("no rules yet: %v", err)
	}
	if err := db.AddWarningRules(ctx, store.WarningRuleSet{Version: 1, Body: `{"version":1}`, Created: t0}); err != nil {
		t.Fatal(err)
	}
	if err := db.AddWarningRules(ctx, store.WarningRuleSet{Version: 1, Body: `{}`}); !errors.Is(err, store.ErrConflict) {
		t.Fatalf("version taken: %v", err)
	}
	if err := db.AddWarningRules(ctx, store.WarningRuleSet{Version: 3, Body: `{}`}); !errors.Is(err, store.ErrConflict) {
		t.Fatalf("version skipped: %v", err)
	}
	if err := db.AddWarningRules(ctx, store.WarningRuleSet{Version: 2, Body: `{"version":2}`, Note: "改阈值", CreatedBy: 1}); err != nil {
		t.Fatal(err)
	}
	if r, err := db.LatestWarningRules(ctx); err != nil || r.Version != 2 || r.Note != "改阈值" {
		t.Fatalf("latest %+v %v", r, err)
	}
	if rs, err := db.ListWarningRules(ctx); err != nil || len(rs) != 2 || rs[0].Version != 2 {
		t.Fatalf("list %+v %v", rs, err)
	}

	c1, _, err := db.CreateCase(ctx, newCase(f, f.room1.ID, ""))
	if err != nil {
		t.Fatal(err)
	}
	c2, _, err := db.CreateCase(ctx, newCase(f, f.room2.ID, ""))
	if err != nil {
		t.Fatal(err)
	}
	w := mkWarning(f, "deadline_overdue", c1.ID, f.room1, t0)
	if ok, err := db.RaiseWarning(ctx, w); !ok || err != nil || w.ID == 0 {
		t.Fatalf("raise: %v %v", ok, err)
	}
	again := mkWarning(f, "deadline_overdue", c1.ID, f.room1, t0.Add(time.Minute))
	if ok, err := db.RaiseWarning(ctx, again); ok || err != nil {
		t.Fatalf("second open warning of rule × subject: %v %v", ok, err)
	}
	other := mkWarning(f, "deadline_soon", c1.ID, f.room1, t0.Add(time.Minute))
	other.Level = "yellow"
	if ok, err := db.RaiseWarning(ctx, other); !ok || err != nil {
		t.Fatalf("another rule: %v %v", ok, err)
	}
	w2 := mkWarning(f, "deadline_overdue", c2.ID, f.room2, t0.Add(2*time.Minute))
	if ok, err := db.RaiseWarning(ctx, w2); !ok || err != nil {
		t.Fatal(err)
	}
	got, err := db.GetWarning(ctx, w.ID)
	if err != nil || got.Status != store.WarningOpen || got.CaseNumber != c1.Number || got.UnitPath != f.room1.Path || !got.RaisedAt.Equal(t0) {
		t.Fatalf("get %+v %v", got, err)
	}
	// Scope and filters.
	list := func(q store.WarningQuery) []int64 {
		t.Helper()
		q.Limit = 1
		ids, _ := warningPages(t, db, q)
		return ids
	}
	if got := list(store.WarningQuery{Scope: store.Scope{Prefixes: []string{f.room1.Path}}}); fmt.Sprint(got) != fmt.Sprint([]int64{other.ID, w.ID}) {
		t.Fatalf("room1 list %v, want %d then %d", got, other.ID, w.ID)
	}
	if got := list(store.WarningQuery{Scope: store.Scope{Prefixes: []string{f.otherDistrict.Path}}}); len(got) != 0 {
		t.Fatalf("other district sees %v", got)
	}
	if got := list(store.WarningQuery{Scope: store.Scope{}}); len(got) != 0 {
		t.Fatalf("empty scope sees %v", got)
	}
	if got := list(store.WarningQuery{Scope: store.Scope{All: true}, Level: "red", CaseID: c2.ID}); fmt.Sprint(got) != fmt.Sprint([]int64{w2.ID}) {
		t.Fatalf("level+case filter %v", got)
	}
	if _, err := db.ListWarnings(ctx, store.WarningQuery{Scope: store.Scope{All: true}}); err == nil {
		t.Fatal("a list without a page size")
	}
	counts, err := db.WarningCounts(ctx, store.WarningQuery{Scope: store.Scope{Prefixes: []string{f.committee.Path}}, Statuses: []string{store.WarningOpen}})
	if err != nil || counts["red"] != 2 || counts["yellow"] != 1 {
		t.Fatalf("counts %v %v", counts, err)
	}
	// A mediator's own: cases they preside over, or about them.
	med := store.User{Username: "m1", DisplayName: "调解员甲", PasswordHash: "x", Active: true}
	if err := db.CreateUser(ctx, &med); err != nil {
		t.Fatal(err)
	}
	if _, err := db.AssignCase(ctx, c1.ID, c1.Version, []int64{med.ID}, med.ID, store.CaseChange{Status: c1.Status},
		store.Event{Type: "assign", FromStatus: c1.Status, ToStatus: c1.Status, At: t0}); err != nil {
		t.Fatal(err)
	}
	mw := &store.Warning{Rule: "over_capacity", RuleVersion: 1, Level: "yellow", SubjectKind: "mediator", SubjectID: med.ID,
		SubjectKey: fmt.Sprintf("mediator:%d", med.ID), UnitID: f.room1.ID, UnitPath: f.room1.Path, Explain: "超负荷", RaisedAt: t0}
	if ok, err := db.RaiseWarning(ctx, mw); !ok || err != nil {
		t.Fatal(err)
	}
	if got := list(store.WarningQuery{Scope: store.Scope{All: true}, Presiding: med.ID}); fmt.Sprint(got) != fmt.Sprint([]int64{other.ID, mw.ID, w.ID}) {
		t.Fatalf("mediator's own %v, want %v", got, []int64{other.ID, mw.ID, w.ID})
	}

	// Steps are taken once.
	if ok, err := db.TakeWarningStep(ctx, store.WarningEvent{WarningID: w.ID, Step: 0, At: t0, Note: "通知"}); !ok || err != nil {
		t.Fatalf("step 0: %v %v", ok, err)
	}
	if ok, err := db.TakeWarningStep(ctx, store.WarningEvent{WarningID: w.ID, Step: 0, At: t0}); ok || err != nil {
		t.Fatalf("step 0 again: %v %v", ok, err)
	}
	// Inside a transaction the duplicate step leaves the rest of it usable.
	if err := db.InTx(ctx, func(tx store.Store) error {
		if ok, err := tx.TakeWarningStep(ctx, store.WarningEvent{WarningID: w.ID, Step: 0, At: t0}); ok || err != nil {
			return fmt.Errorf("in tx: %v %v", ok, err)
		}
		ok, err := tx.TakeWarningStep(ctx, store.WarningEvent{WarningID: w.ID, Step: 1, At: t0})
		if !ok || err != nil {
			return fmt.Errorf("step 1: %v %v", ok, err)
		}
		return tx.AddWarningNotices(ctx, []store.WarningNotice{{UserID: med.ID, WarningID: w.ID, Step: 1, Body: "红色预警", SMS: true, At: t0}})
	}); err != nil {
		t.Fatal(err)
	}
	// Acknowledge once; resolve once.
	if err := db.AcknowledgeWarning(ctx, w.ID, med.ID, t0.Add(time.Hour), "已知悉"); err != nil {
		t.Fatal(err)
	}
	if err := db.AcknowledgeWarning(ctx, w.ID, med.ID, t0.Add(time.Hour), ""); !errors.Is(err, store.ErrConflict) {
		t.Fatalf("acknowledged twice: %v", err)
	}
	if err := db.ResolveWarning(ctx, w.ID, med.ID, t0.Add(2*time.Hour), "manual", "已结案"); err != nil {
		t.Fatal(err)
	}
	if err := db.ResolveWarning(ctx, w.ID, med.ID, t0.Add(2*time.Hour), "manual", "x"); !errors.Is(err, store.ErrConflict) {
		t.Fatalf("resolved twice: %v", err)
	}
	if err := db.AcknowledgeWarning(ctx, w.ID, med.ID, t0, ""); !errors.Is(err, store.ErrConflict) {
		t.Fatalf("acknowledge resolved: %v", err)
	}
	got, _ = db.GetWarning(ctx, w.ID)
	if got.Status != store.WarningResolved || got.AcknowledgedBy != med.ID || got.ResolveNote != "已结案" || got.ResolvedAt == nil {
		t.Fatalf("after resolve %+v", got)
	}
	// Resolved, the rule × subject may be raised again.
	if ok, err := db.RaiseWarning(ctx, mkWarning(f, "deadline_overdue", c1.ID, f.room1, t0.Add(3*time.Hour))); !ok || err != nil {
		t.Fatalf("raise after resolve: %v %v", ok, err)
	}
	evs, err := db.ListWarningEvents(ctx, w.ID)
	var kinds []string
	for _, e := range evs {
		kinds = append(kinds, fmt.Sprintf("%s%d", e.Kind, e.Step))
	}
	if err != nil || fmt.Sprint(kinds) != "[raised-1 step0 step1 acknowledged-1 resolved-1]" || evs[3].ActorName != "调解员甲" {
		t.Fatalf("events %v %v", kinds, err)
	}
	if err := db.AddWarningEvent(ctx, store.WarningEvent{WarningID: w.ID, Kind: "urged", ActorID: med.ID, At: t0, Note: "催办"}); err != nil {
		t.Fatal(err)
	}
	open, err := db.OpenWarningList(ctx)
	if err != nil || len(open) != 4 {
		t.Fatalf("open list %d %v", len(open), err)
	}
	// Notices: the user's own, marked read by them only.
	ns, err := db.ListWarningNotices(ctx, med.ID, 0, 10)
	if err != nil || len(ns) != 1 || !ns[0].SMS || ns[0].ReadAt != nil || ns[0].UserName != "调解员甲" {
		t.Fatalf("notices %+v %v", ns, err)
	}
	if ns2, _ := db.ListWarningNotices(ctx, 0, w.ID, 10); len(ns2) != 1 {
		t.Fatalf("warning's notices %d", len(ns2))
	}
	if err := db.MarkWarningNoticeRead(ctx, med.ID+1000, ns[0].ID, t0); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("someone else's notice: %v", err)
	}
	if err := db.MarkWarningNoticeRead(ctx, med.ID, ns[0].ID, t0); err != nil {
		t.Fatal(err)
	}
	// Supervisions.
	s := store.Supervision{Kind: "supervise", CaseID: c1.ID, UnitID: f.room1.ID, UnitPath: f.room1.Path, MediatorID: med.ID,
		Request: "请说明超期原因", RequestedBy: med.ID, RequestedAt: t0, Due: t0.Add(24 * time.Hour)}
	if err := db.CreateSupervision(ctx, &s); err != nil || s.ID == 0 {
		t.Fatal(err)
	}
	if l, err := db.ListSupervisions(ctx, store.SupervisionQuery{Scope: store.Scope{All: true}, Unanswered: true}); err != nil || len(l) != 1 || l[0].CaseNumber != c1.Number {
		t.Fatalf("unanswered %+v %v", l, err)
	}
	if l, _ := db.ListSupervisions(ctx, store.SupervisionQuery{Scope: store.Scope{Prefixes: []string{f.room2.Path}}}); len(l) != 0 {
		t.Fatalf("room2 sees %d", len(l))
	}
	if err := db.ReplySupervision(ctx, s.ID, med.ID, "已联系双方", t0.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	if err := db.ReplySupervision(ctx, s.ID, med.ID, "again", t0.Add(time.Hour)); !errors.Is(err, store.ErrConflict) {
		t.Fatalf("reply twice: %v", err)
	}
	if g, err := db.GetSupervision(ctx, s.ID); err != nil || g.Reply != "已联系双方" || g.RepliedAt == nil || g.RequesterName != "调解员甲" {
		t.Fatalf("get supervision %+v %v", g, err)
	}
	if l, _ := db.ListSupervisions(ctx, store.SupervisionQuery{Scope: store.Scope{All: true}, Unanswered: true}); len(l) != 0 {
		t.Fatalf("answered still listed: %d", len(l))
	}
	// Who is bound where.
	cm := store.User{Username: "c1", DisplayName: "主任", PasswordHash: "x", Active: true}
	off := store.User{Username: "c2", DisplayName: "停用", PasswordHash: "x", Active: false}
	db.CreateUser(ctx, &cm)
	db.CreateUser(ctx, &off)
	db.AddBinding(ctx, store.Binding{UserID: cm.ID, Role: domain.RoleCommittee, OrgID: f.committee.ID})
	db.AddBinding(ctx, store.Binding{UserID: off.ID, Role: domain.RoleCommittee, OrgID: f.committee.ID})
	db.AddBinding(ctx, store.Binding{UserID: med.ID, Role: domain.RoleMediator, OrgID: f.room1.ID})
	bs, err := db.BoundUsers(ctx, []int64{f.committee.ID}, []domain.Role{domain.RoleCommittee})
	if err != nil || len(bs) != 1 || bs[0].UserID != cm.ID {
		t.Fatalf("bound users %+v %v", bs, err)
	}
	if bs, _ := db.BoundUsers(ctx, []int64{f.committee.ID}, []domain.Role{domain.RoleMediator}); len(bs) != 0 {
		t.Fatalf("a room's mediator is not bound at the committee: %+v", bs)
	}
	// Latest follow-up per case since a time.
	for i, sat := range []int{5, 2} {
		fu := store.FollowUp{CaseID: c1.ID, Satisfaction: sat, Method: "phone", RecordedAt: t0.Add(time.Duration(i) * time.Hour)}
		if err := db.AddFollowUp(ctx, &fu); err != nil {
			t.Fatal(err)
		}
	}
	fus, err := db.LatestFollowUps(ctx, t0.Add(-time.Hour))
	if err != nil || len(fus) != 1 || fus[0].Satisfaction != 2 {
		t.Fatalf("latest follow-ups %+v %v", fus, err)
	}
}

// Two instances raising the same rule × subject at once: one warning, and
// each escalation step is taken by one of them.
func TestWarningRaiseAcrossInstances(t *testing.T) {
	for _, e := range Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			dbs := e.OpenShared(t, 2)
			f := newFixture(t, dbs[0])
			c, _, err := dbs[0].CreateCase(ctx, newCase(f, f.room1.ID, ""))
			if err != nil {
				t.Fatal(err)
			}
			var mu sync.Mutex
			raised, steps := 0, 0
			var wg sync.WaitGroup
			start := make(chan struct{})
			for i := 0; i < 8; i++ {
				db := dbs[i%2]
				wg.Add(1)
				go func() {
					defer wg.Done()
					<-start
					w := mkWarning(f, "deadline_overdue", c.ID, f.room1, t0)
					ok, err := db.RaiseWarning(ctx, w)
					if err != nil {
						t.Error(err)
						return
					}
					mu.Lock()
					if ok {
						raised++
					}
					mu.Unlock()
				}()
			}
			close(start)
			wg.Wait()
			if raised != 1 {
				t.Fatalf("%d warnings raised", raised)
			}
			open, _ := dbs[1].OpenWarningList(ctx)
			if len(open) != 1 {
				t.Fatalf("%d open", len(open))
			}
			start = make(chan struct{})
			for i := 0; i < 8; i++ {
				db := dbs[i%2]
				wg.Add(1)
				go func() {
					defer wg.Done()
					<-start
					ok, err := db.TakeWarningStep(ctx, store.WarningEvent{WarningID: open[0].ID, Step: 1, At: t0})
					if err != nil {
						t.Error(err)
						return
					}
					mu.Lock()
					if ok {
						steps++
					}
					mu.Unlock()
				}()
			}
			close(start)
			wg.Wait()
			if steps != 1 {
				t.Fatalf("step taken %d times", steps)
			}
		})
	}
}

// Warnings a page at a time, newest raised first (raised at one instant:
// by id): each status alone and all of them, within a scope; each page's
// Next resumes after its last row and the last page has none. On SQLite the
// order comes from an index, never from a sort of the scope's warnings.
func TestWarningPages(t *testing.T) {
	onEveryEngine(t, func(t *testing.T, e Engine, db *sqlstore.DB, f fixture) {
		ctx := context.Background()
		c, _, err := db.CreateCase(ctx, newCase(f, f.room1.ID, ""))
		if err != nil {
			t.Fatal(err)
		}
		var all []store.Warning
		for i := range 23 {
			room := f.room1
			if i%4 == 3 {
				room = f.room2
			}
			if i%5 == 4 {
				room = f.otherCommittee
			}
			w := mkWarning(f, "deadline_overdue", c.ID, room, t0.Add(time.Duration(i/3)*time.Hour)) // three at each instant
			w.SubjectKey = fmt.Sprintf("case:%d:%d", c.ID, i)
			if ok, err := db.RaiseWarning(ctx, w); !ok || err != nil {
				t.Fatal(ok, err)
			}
			switch i % 3 {
			case 1:
				err = db.AcknowledgeWarning(ctx, w.ID, 1, t0, "")
				w.Status = store.WarningAcknowledged
			case 2:
				err = db.ResolveWarning(ctx, w.ID, 1, t0, "manual", "已处理")
				w.Status = store.WarningResolved
			default:
				w.Status = store.WarningOpen
			}
			if err != nil {
				t.Fatal(err)
			}
			all = append(all, *w)
		}
		scope := store.Scope{Prefixes: []string{f.committee.Path}}
		at := func(w store.Warning) store.ListCursor { return store.ListCursor{At: w.RaisedAt, ID: w.ID} }
		for _, status := range []string{"", store.WarningOpen, store.WarningAcknowledged, store.WarningResolved} {
			var want []store.Warning
			for _, w := range all {
				if strings.HasPrefix(w.UnitPath, f.committee.Path) && (status == "" || w.Status == status) {
					want = append(want, w)
				}
			}
			q := store.WarningQuery{Scope: scope}
			if status != "" {
				q.Statuses = []string{status}
			}
			for _, limit := range []int{1, 2, 3, 7, 100} {
				q.Limit = limit
				ids, pages := warningPages(t, db, q)
				if wantIDs := keysetOrder(want, at, true); fmt.Sprint(ids) != fmt.Sprint(wantIDs) {
					t.Errorf("status %q by %d: %v, want %v", status, limit, ids, wantIDs)
				}
				if pages != wantPages(len(want), limit) {
					t.Errorf("status %q by %d: %d pages for %d warnings", status, limit, pages, len(want))
				}
			}
		}
		if e.Name != "sqlite" {
			return
		}
		for _, status := range []string{"", store.WarningResolved} {
			q := store.WarningQuery{Scope: scope, Paging: store.Paging{Limit: 50}}
			if status != "" {
				q.Statuses = []string{status}
			}
			q.After = &store.ListCursor{At: t0, ID: 1 << 40}
			if plan := tracedPlan(t, db, func() { db.ListWarnings(ctx, q) }); strings.Contains(plan, "TEMP B-TREE") || !strings.Contains(plan, "warnings_") {
				t.Errorf("status %q: the page is not read in index order:\n%s", status, plan)
			}
		}
	})
}

// A user's notices and a warning's are read by their indexes, not by
// walking every notice ever sent (on SQLite, checked by its plans).
func TestWarningNoticesByIndex(t *testing.T) {
	onEveryEngine(t, func(t *testing.T, e Engine, db *sqlstore.DB, f fixture) {
		ctx := context.Background()
		c, _, err := db.CreateCase(ctx, newCase(f, f.room1.ID, ""))
		if err != nil {
			t.Fatal(err)
		}
		var users [3]store.User
		for i := range users {
			users[i] = store.User{Username: fmt.Sprintf("n%d", i), DisplayName: fmt.Sprintf("用户%d", i), PasswordHash: "x", Active: true}
			if err := db.CreateUser(ctx, &users[i]); err != nil {
				t.Fatal(err)
			}
		}
		var ws [2]*store.Warning
		for i := range ws {
			ws[i] = mkWarning(f, fmt.Sprintf("rule%d", i), c.ID, f.room1, t0)
			if ok, err := db.RaiseWarning(ctx, ws[i]); !ok || err != nil {
				t.Fatal(ok, err)
			}
		}
		// Notice k goes to user k%3 about warning k%2.
		for k := range 12 {
			if err := db.AddWarningNotices(ctx, []store.WarningNotice{{UserID: users[k%3].ID, WarningID: ws[k%2].ID, Step: k, Body: fmt.Sprint(k), At: t0}}); err != nil {
				t.Fatal(err)
			}
		}
		steps := func(userID, warningID int64, limit int) string {
			t.Helper()
			ns, err := db.ListWarningNotices(ctx, userID, warningID, limit)
			if err != nil {
				t.Fatal(err)
			}
			var out []int
			for _, n := range ns {
				if userID != 0 && n.UserID != userID || warningID != 0 && n.WarningID != warningID {
					t.Errorf("notice %+v outside user %d, warning %d", n, userID, warningID)
				}
				out = append(out, n.Step)
			}
			return fmt.Sprint(out)
		}
		for _, c := range []struct {
			user, warning int64
			limit         int
			want          string
		}{
			{users[0].ID, 0, 10, "[9 6 3 0]"},
			{users[0].ID, 0, 2, "[9 6]"},
			{0, ws[1].ID, 10, "[11 9 7 5 3 1]"},
			{users[1].ID, ws[1].ID, 10, "[7 1]"},
			{users[2].ID, ws[1].ID, 10, "[11 5]"},
		} {
			if got := steps(c.user, c.warning, c.limit); got != c.want {
				t.Errorf("user %d, warning %d, limit %d: steps %s, want %s", c.user, c.warning, c.limit, got, c.want)
			}
		}
		// Which warnings a user was told of: every one for the first three
		// users, only the second for a fourth; none for a stranger.
		late := store.User{Username: "n3", DisplayName: "用户3", PasswordHash: "x", Active: true}
		if err := db.CreateUser(ctx, &late); err != nil {
			t.Fatal(err)
		}
		if err := db.AddWarningNotices(ctx, []store.WarningNotice{{UserID: late.ID, WarningID: ws[1].ID, Step: 20, Body: "20", At: t0}}); err != nil {
			t.Fatal(err)
		}
		for _, c := range []struct {
			user int64
			want string
		}{{users[0].ID, "map[1:true 2:true]"}, {late.ID, "map[2:true]"}, {1 << 40, "map[]"}} {
			told, err := db.WarningsTold(ctx, c.user, []int64{ws[1].ID, ws[0].ID, 1 << 40})
			if err != nil {
				t.Fatal(err)
			}
			got := map[int]bool{}
			for id := range told {
				got[map[int64]int{ws[0].ID: 1, ws[1].ID: 2}[id]] = true
			}
			if fmt.Sprint(got) != c.want {
				t.Errorf("user %d told of %v, want %s", c.user, got, c.want)
			}
		}
		if e.Name != "sqlite" {
			return
		}
		for _, c := range []struct {
			user, warning int64
			index         string
		}{{users[0].ID, 0, "warning_notices_user"}, {0, ws[0].ID, "warning_notices_warning"}} {
			if plan := tracedPlan(t, db, func() { db.ListWarningNotices(ctx, c.user, c.warning, 20) }); !strings.Contains(plan, "INDEX "+c.index) || strings.Contains(plan, "SCAN n") {
				t.Errorf("notices of user %d, warning %d not read by %s:\n%s", c.user, c.warning, c.index, plan)
			}
		}
	})
}

// warningPages walks q's list by q.Limit a page: the warnings' ids in
// order, and the pages it took.
func warningPages(t *testing.T, db *sqlstore.DB, q store.WarningQuery) (ids []int64, pages int) {
	t.Helper()
	ws, pages := walkPages(t, func(after *store.ListCursor) (store.Page[store.Warning], error) {
		q.After = after
		return db.ListWarnings(context.Background(), q)
	})
	for _, w := range ws {
		ids = append(ids, w.ID)
	}
	return ids, pages
}

// Supervisions are read newest first by key: the unanswered by their partial
// index, a mediator's by theirs, the rest by the key with the scope as a
// filter (SQLite's plans checked). The answers are checked on both engines
// against the rows themselves; the sweep's open ones come oldest first,
// every one of them.
func TestSupervisionReads(t *testing.T) {
	onEveryEngine(t, func(t *testing.T, e Engine, db *sqlstore.DB, f fixture) {
		ctx := context.Background()
		c, _, err := db.CreateCase(ctx, newCase(f, f.room1.ID, ""))
		if err != nil {
			t.Fatal(err)
		}
		var all []store.Supervision
		for i := range 24 {
			room := []store.OrgUnit{f.room1, f.room2, f.otherCommittee}[i%3]
			s := store.Supervision{Kind: []string{"supervise", "urge"}[i%2], CaseID: c.ID, UnitID: room.ID, UnitPath: room.Path,
				MediatorID: int64(1 + i%4), Request: fmt.Sprint("请说明进展", i), RequestedBy: 1, RequestedAt: t0, Due: t0.Add(24 * time.Hour)}
			if err := db.CreateSupervision(ctx, &s); err != nil {
				t.Fatal(err)
			}
			if i%5 == 0 {
				if err := db.ReplySupervision(ctx, s.ID, s.MediatorID, "已处理", t0.Add(time.Hour)); err != nil {
					t.Fatal(err)
				}
				s.Reply = "已处理"
			}
			all = append(all, s)
		}
		ids := func(ss []store.Supervision) []int64 {
			return idsOf(ss, func(s store.Supervision) int64 { return s.ID })
		}
		committee := store.Scope{Prefixes: []string{f.committee.Path}}
		for _, q := range []store.SupervisionQuery{
			{Scope: committee}, {Scope: committee, Unanswered: true}, {Scope: committee, Mediator: 2}, {Scope: committee, Mediator: 2, Unanswered: true},
			{Scope: store.Scope{All: true}, Unanswered: true, Kind: "supervise"}, {Scope: committee, Limit: 3}, {Scope: committee, Unanswered: true, Limit: 2},
		} {
			var want []int64
			for _, s := range slices.Backward(all) {
				if (q.Scope.All || strings.HasPrefix(s.UnitPath, f.committee.Path)) && (q.Mediator == 0 || s.MediatorID == q.Mediator) &&
					(!q.Unanswered || s.Reply == "") && (q.Kind == "" || s.Kind == q.Kind) && (q.Limit == 0 || len(want) < q.Limit) {
					want = append(want, s.ID)
				}
			}
			got, err := db.ListSupervisions(ctx, q)
			if err != nil || !slices.Equal(ids(got), want) {
				t.Errorf("%+v: %v %v, want %v", q, ids(got), err, want)
			}
		}
		var open []int64
		for _, s := range all {
			if s.Reply == "" && s.Kind == "supervise" {
				open = append(open, s.ID)
			}
		}
		if got, err := db.OpenSupervisions(ctx, "supervise"); err != nil || !slices.Equal(ids(got), open) || got[0].CaseNumber != c.Number {
			t.Errorf("open supervisions %v %v, want %v", ids(got), err, open)
		}
		if e.Name != "sqlite" {
			return
		}
		for _, c := range []struct {
			q     store.SupervisionQuery
			index string
		}{
			{store.SupervisionQuery{Scope: committee, Unanswered: true}, "supervisions_open"},
			{store.SupervisionQuery{Scope: committee, Mediator: 2}, "supervisions_mediator"},
			{store.SupervisionQuery{Scope: committee, Mediator: 2, Unanswered: true}, "supervisions_open"},
			{store.SupervisionQuery{Scope: committee}, ""},
		} {
			plan := tracedPlan(t, db, func() { db.ListSupervisions(ctx, c.q) })
			if strings.Contains(plan, "TEMP B-TREE") || strings.Contains(plan, "supervisions_unit") || !strings.Contains(plan, c.index) {
				t.Errorf("%+v: not read newest first by %q:\n%s", c.q, c.index, plan)
			}
		}
		if plan := tracedPlan(t, db, func() { db.OpenSupervisions(ctx, "supervise") }); !strings.Contains(plan, "supervisions_open") {
			t.Errorf("open supervisions not read by their index:\n%s", plan)
		}
	})
}

// A mediator's warnings are those on the cases they preside now and those
// about themselves: they follow a case to its new presiding mediator, and
// a case assigned after its warning was raised. Read by the warnings'
// mediator index (SQLite's plan checked), on both engines; warnings raised
// before migration 87 name their mediator once migrated.
func TestWarningsOfMediator(t *testing.T) {
	onEveryEngine(t, func(t *testing.T, e Engine, db *sqlstore.DB, f fixture) {
		ctx := context.Background()
		var meds [2]store.User
		for i := range meds {
			meds[i] = store.User{Username: fmt.Sprint("wm", i), DisplayName: fmt.Sprint("调解员", i), PasswordHash: "x", Active: true}
			if err := db.CreateUser(ctx, &meds[i]); err != nil {
				t.Fatal(err)
			}
		}
		a, b := meds[0].ID, meds[1].ID
		cs := insertCases(t, db, f, 3)
		for i, m := range []int64{a, b} {
			if _, err := db.AssignCase(ctx, cs[i].ID, cs[i].Version, []int64{m}, 0, store.CaseChange{Status: domain.StatusMediating}, store.Event{Type: "assign"}); err != nil {
				t.Fatal(err)
			}
		}
		raise := func(w *store.Warning) int64 {
			t.Helper()
			if ok, err := db.RaiseWarning(ctx, w); !ok || err != nil {
				t.Fatal(ok, err)
			}
			return w.ID
		}
		w1 := raise(mkWarning(f, "deadline_overdue", cs[0].ID, f.room1, t0))
		w2 := raise(mkWarning(f, "deadline_overdue", cs[1].ID, f.room1, t0.Add(time.Minute)))
		w3 := raise(mkWarning(f, "deadline_overdue", cs[2].ID, f.room1, t0.Add(2*time.Minute)))
		w4 := raise(&store.Warning{Rule: "over_capacity", RuleVersion: 1, Level: "yellow", SubjectKind: "mediator", SubjectID: a,
			SubjectKey: fmt.Sprint("mediator:", a), SubjectLabel: "调解员0", UnitID: f.room1.ID, UnitPath: f.room1.Path, Explain: "超过上限", RaisedAt: t0.Add(3 * time.Minute)})
		own := store.Scope{Prefixes: []string{f.room1.Path}}
		mine := func(who int64, want ...int64) {
			t.Helper()
			page, err := db.ListWarnings(ctx, store.WarningQuery{Scope: own, Presiding: who, Paging: store.Paging{Limit: 50}})
			got := idsOf(page.Items, func(w store.Warning) int64 { return w.ID })
			if err != nil || !slices.Equal(got, want) {
				t.Fatalf("mediator %d's warnings %v %v, want %v", who, got, err, want)
			}
		}
		mine(a, w4, w1)
		mine(b, w2)
		// The first case passes to b; the unassigned third is given to a.
		c0, _ := db.GetCase(ctx, cs[0].ID)
		if _, err := db.AssignCase(ctx, c0.ID, c0.Version, []int64{b}, 0, store.CaseChange{}, store.Event{Type: "reassign"}); err != nil {
			t.Fatal(err)
		}
		if _, err := db.AssignCase(ctx, cs[2].ID, cs[2].Version, []int64{a}, 0, store.CaseChange{Status: domain.StatusMediating}, store.Event{Type: "assign"}); err != nil {
			t.Fatal(err)
		}
		mine(a, w4, w3)
		mine(b, w2, w1)
		if e.Name == "sqlite" {
			for _, st := range [][]string{nil, {store.WarningOpen}} {
				plan := tracedPlan(t, db, func() {
					db.ListWarnings(ctx, store.WarningQuery{Scope: own, Presiding: a, Statuses: st, Paging: store.Paging{Limit: 50}})
				})
				if !strings.Contains(plan, "INDEX warnings_mediator") || strings.Contains(plan, "TEMP B-TREE") || strings.Contains(plan, "SUBQUERY") {
					t.Errorf("statuses %v: a mediator's warnings not read by their index:\n%s", st, plan)
				}
			}
		}
	})
}

func TestWarningMediatorMigrated(t *testing.T) {
	onEveryOldSchema(t, 86, func(t *testing.T, db *sqlstore.DB, f fixture) {
		ctx := context.Background()
		med := store.User{Username: "wmm", DisplayName: "调解员", PasswordHash: "x", Active: true}
		if err := db.CreateUser(ctx, &med); err != nil {
			t.Fatal(err)
		}
		c := insertCases(t, db, f, 1)[0]
		if _, err := db.Writer().ExecContext(ctx, `UPDATE cases SET presiding_id = $1 WHERE id = $2`, med.ID, c.ID); err != nil {
			t.Fatal(err)
		}
		for i, kind := range []string{"case", "mediator"} {
			if _, err := db.Writer().ExecContext(ctx, `INSERT INTO warnings (rule_code, rule_version, level, status, subject_kind, subject_id,
				subject_key, case_id, unit_id, unit_path, explain, raised_at) VALUES ('r', 1, 'red', 'open', $1, $2, $3, $4, $5, $6, 'x', $7)`,
				kind, []int64{c.ID, med.ID}[i], fmt.Sprint(kind, i), []any{c.ID, nil}[i], f.room1.ID, f.room1.Path, t0); err != nil {
				t.Fatal(err)
			}
		}
		if err := db.Migrate(ctx); err != nil {
			t.Fatal(err)
		}
		page, err := db.ListWarnings(ctx, store.WarningQuery{Scope: store.Scope{Prefixes: []string{f.room1.Path}}, Presiding: med.ID, Paging: store.Paging{Limit: 50}})
		if err != nil || len(page.Items) != 2 {
			t.Fatalf("the mediator's warnings after migrating: %+v %v", page.Items, err)
		}
	})
}

// The escalation's look at the steps taken: each warning's steps, in one
// read for all of them, acknowledgements and notes left out.
func TestWarningStepsTaken(t *testing.T) {
	onEveryEngine(t, func(t *testing.T, e Engine, db *sqlstore.DB, f fixture) {
		ctx := context.Background()
		var ids []int64
		for i, c := range insertCases(t, db, f, 3) {
			w := mkWarning(f, "deadline_overdue", c.ID, f.room1, t0.Add(time.Duration(i)*time.Minute))
			if ok, err := db.RaiseWarning(ctx, w); !ok || err != nil {
				t.Fatal(ok, err)
			}
			ids = append(ids, w.ID)
		}
		for _, s := range []struct {
			w    int64
			step int
		}{{ids[0], 0}, {ids[0], 1}, {ids[2], 0}} {
			if ok, err := db.TakeWarningStep(ctx, store.WarningEvent{WarningID: s.w, Step: s.step, At: t0}); !ok || err != nil {
				t.Fatal(ok, err)
			}
		}
		if err := db.AddWarningEvent(ctx, store.WarningEvent{WarningID: ids[1], Kind: "note", At: t0, Note: "已电话联系"}); err != nil {
			t.Fatal(err)
		}
		got, err := db.WarningStepsTaken(ctx, append(ids, 1<<40))
		if err != nil || fmt.Sprint(got) != fmt.Sprint(map[int64][]int{ids[0]: {0, 1}, ids[2]: {0}}) {
			t.Errorf("steps taken %v %v", got, err)
		}
		if got, err := db.WarningStepsTaken(ctx, nil); err != nil || len(got) != 0 {
			t.Errorf("no warnings: %v %v", got, err)
		}
	})
}
