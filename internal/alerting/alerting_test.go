package alerting_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tiaojie/tiaojie/internal/access"
	"github.com/tiaojie/tiaojie/internal/alerting"
	"github.com/tiaojie/tiaojie/internal/auth"
	"github.com/tiaojie/tiaojie/internal/calendar"
	"github.com/tiaojie/tiaojie/internal/domain"
	"github.com/tiaojie/tiaojie/internal/notify"
	"github.com/tiaojie/tiaojie/internal/store"
	"github.com/tiaojie/tiaojie/internal/store/sqlstore"
	"github.com/tiaojie/tiaojie/internal/store/storetest"
	"github.com/tiaojie/tiaojie/internal/warning"
)

// clock is a fake clock tests move by hand.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time  { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Set(t time.Time) { c.mu.Lock(); c.t = t; c.mu.Unlock() }
func at(d calendar.Date, hm string) time.Time {
	t, _ := time.ParseInLocation("2006-01-02 15:04", d.String()+" "+hm, calendar.Shanghai())
	return t
}

// sms records what the service sends.
type sms struct {
	mu   sync.Mutex
	sent []notify.Message
}

func (s *sms) Send(_ context.Context, m notify.Message) (notify.Receipt, error) {
	s.mu.Lock()
	s.sent = append(s.sent, m)
	s.mu.Unlock()
	return notify.Receipt{ID: "x", Status: "queued"}, nil
}

func (s *sms) to(phone string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for _, m := range s.sent {
		if m.To == phone {
			n++
		}
	}
	return n
}

type env struct {
	t                                                  *testing.T
	db                                                 *sqlstore.DB
	clk                                                *clock
	sms                                                *sms
	svc                                                *alerting.Service
	district, committee, room, justiceBureau, xhCmt    store.OrgUnit
	mediator, other, lead, director, cmt2, justice, xh *auth.Principal
	caseID                                             int64
	accepted                                           calendar.Date
	due                                                calendar.Date
}

var phones = map[string]string{"mediator": "13800000001", "lead": "13800000002", "director": "13800000003", "cmt2": "13800000004", "justice": "13800000005"}

func mkOrg(t *testing.T, db store.Store, parent int64, kind domain.OrgKind, code, name, abbr string) store.OrgUnit {
	u := store.OrgUnit{ParentID: parent, Kind: kind, Code: code, Name: name, Abbr: abbr}
	if err := db.CreateOrgUnit(context.Background(), &u); err != nil {
		t.Fatal(err)
	}
	return u
}

func (e *env) user(name string, role domain.Role, org store.OrgUnit) *auth.Principal {
	ctx := context.Background()
	u := store.User{Username: name, DisplayName: name, PasswordHash: "x", Active: true}
	if err := e.db.CreateUser(ctx, &u); err != nil {
		e.t.Fatal(err)
	}
	if err := e.db.AddBinding(ctx, store.Binding{UserID: u.ID, Role: role, OrgID: org.ID}); err != nil {
		e.t.Fatal(err)
	}
	bs, _ := e.db.ListBindings(ctx, u.ID)
	return &auth.Principal{UserID: u.ID, Username: name, DisplayName: name, Bindings: bs}
}

func newEnv(t *testing.T, db *sqlstore.DB) *env {
	ctx := context.Background()
	e := &env{t: t, db: db, clk: &clock{}, sms: &sms{}}
	city := mkOrg(t, db, 0, domain.OrgCity, "sh", "上海市", "")
	e.district = mkOrg(t, db, city.ID, domain.OrgDistrict, "pd", "浦东新区", "")
	e.justiceBureau = mkOrg(t, db, e.district.ID, domain.OrgJusticeBureau, "pd-sfj", "浦东新区司法局", "")
	e.committee = mkOrg(t, db, e.district.ID, domain.OrgCommittee, "pd-cmt", "浦东新区消费纠纷人民调解委员会", "浦")
	e.room = mkOrg(t, db, e.committee.ID, domain.OrgOfficeRoom, "pd-r1", "陆家嘴工作室", "")
	xh := mkOrg(t, db, city.ID, domain.OrgDistrict, "xh", "徐汇区", "")
	e.xhCmt = mkOrg(t, db, xh.ID, domain.OrgCommittee, "xh-cmt", "徐汇区消费纠纷人民调解委员会", "徐")
	e.mediator = e.user("mediator", domain.RoleMediator, e.room)
	e.other = e.user("other", domain.RoleMediator, e.room)
	e.lead = e.user("lead", domain.RoleRoomLead, e.room)
	e.director = e.user("director", domain.RoleCommittee, e.committee)
	e.cmt2 = e.user("cmt2", domain.RoleCommittee, e.committee)
	e.justice = e.user("justice", domain.RoleJustice, e.justiceBureau)
	e.xh = e.user("xh", domain.RoleCommittee, e.xhCmt)
	byID := map[int64]string{}
	for _, p := range []*auth.Principal{e.mediator, e.lead, e.director, e.cmt2, e.justice} {
		byID[p.UserID] = phones[p.Username]
	}
	e.svc = &alerting.Service{Store: db, Sender: e.sms, Now: e.clk.Now,
		Phones: func(_ context.Context, ids []int64) (map[int64]string, error) {
			out := map[int64]string{}
			for _, id := range ids {
				if p, ok := byID[id]; ok {
					out[id] = p
				}
			}
			return out, nil
		}}
	// A case accepted on Mon 5 Jan 2026 under the default policy (45
	// working days), presided over by the mediator.
	e.accepted = calendar.Date{Year: 2026, Month: 1, Day: 5}
	e.due = calendar.New(nil).AddWorkdays(e.accepted, 45)
	recv := at(e.accepted, "09:00")
	c, _, err := db.CreateCase(ctx, &store.NewCase{CommitteeID: e.committee.ID, CommitteeAbbr: "浦", RoomID: e.room.ID, Channel: domain.ChannelWalkIn,
		Category: "服务-健身", Description: "健身房退费", Claim: "退款", ReceivedAt: recv,
		Parties: []store.Party{{Kind: "consumer", Name: "张三", PhoneHash: "h1", PhoneMask: "138****0000"}, {Kind: "merchant", Name: "某健身"}},
		Event:   store.Event{Type: "received", At: recv}})
	if err != nil {
		t.Fatal(err)
	}
	acc := at(e.accepted, "10:00")
	c, err = db.ApplyEvent(ctx, c.ID, c.Version, store.CaseChange{Status: domain.StatusAccepted, AcceptedAt: &acc, DecidedAt: &acc, PolicyID: ptr(int64(1))},
		store.Event{Type: string(domain.ActionAccept), FromStatus: domain.StatusReceived, ToStatus: domain.StatusAccepted, At: acc})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.AssignCase(ctx, c.ID, c.Version, []int64{e.mediator.UserID}, e.lead.UserID, store.CaseChange{Status: domain.StatusAssigned},
		store.Event{Type: string(domain.ActionAssign), FromStatus: domain.StatusAccepted, ToStatus: domain.StatusAssigned, At: acc}); err != nil {
		t.Fatal(err)
	}
	e.caseID = c.ID
	return e
}

func ptr[T any](v T) *T { return &v }

func (e *env) sweepAt(tm time.Time) alerting.SweepResult {
	e.t.Helper()
	e.clk.Set(tm)
	r, err := e.svc.Sweep(context.Background())
	if err != nil {
		e.t.Fatalf("sweep at %s: %v", tm, err)
	}
	return r
}

func (e *env) warnings(status string) []store.Warning {
	page, err := e.db.ListWarnings(context.Background(), store.WarningQuery{Scope: store.Scope{All: true}, Statuses: []string{status}, Paging: store.Paging{Limit: store.MaxPage}})
	if err != nil {
		e.t.Fatal(err)
	}
	return page.Items
}

func (e *env) notices(p *auth.Principal) []store.WarningNotice {
	ns, err := e.db.ListWarningNotices(context.Background(), p.UserID, 0, 100)
	if err != nil {
		e.t.Fatal(err)
	}
	return ns
}

// The deadline family on a constructed clock: 黄 two working days before
// the due day, 橙 on it (the yellow one resolves as 已升级), 红 the next
// working day; the red ladder tells the mediator, room lead and committee
// at once, the director after 2 working hours and the justice bureau after
// 4 more — each exactly once, each with a notice and an SMS.
func TestDeadlineEscalation(t *testing.T) {
	for _, eng := range storetest.Engines(t) {
		t.Run(eng.Name, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t, eng.Open(t, true))
			cal := calendar.New(nil)
			before := func(n int) calendar.Date {
				d := e.due
				for i := 0; i < n; {
					d = d.AddDays(-1)
					if cal.IsWorkday(d) {
						i++
					}
				}
				return d
			}
			if r := e.sweepAt(at(before(3), "10:00")); r.Raised != 0 {
				t.Fatalf("three working days ahead raised %+v", r)
			}
			r := e.sweepAt(at(before(2), "10:00"))
			open := e.warnings(store.WarningOpen)
			if r.Raised != 1 || len(open) != 1 || open[0].Rule != warning.RuleDeadlineSoon || open[0].Level != "yellow" ||
				!strings.Contains(open[0].Explain, e.due.String()) || open[0].CaseID != e.caseID {
				t.Fatalf("yellow: %+v %+v", r, open)
			}
			// Yellow tells the mediator only.
			if n := len(e.notices(e.mediator)); n != 1 || e.sms.to(phones["mediator"]) != 1 || len(e.notices(e.lead)) != 0 {
				t.Fatalf("yellow notices: mediator %d, lead %d", n, len(e.notices(e.lead)))
			}
			if r := e.sweepAt(at(before(2), "10:05")); r.Raised+r.Resolved+r.Steps != 0 {
				t.Fatalf("second sweep did %+v", r)
			}
			e.sweepAt(at(e.due, "09:30"))
			open = e.warnings(store.WarningOpen)
			res := e.warnings(store.WarningResolved)
			if len(open) != 1 || open[0].Rule != warning.RuleDeadlineToday || len(res) != 1 || res[0].ResolveReason != warning.ReasonEscalated ||
				!strings.Contains(res[0].ResolveNote, "已升级为橙色预警") || res[0].ResolvedBy != 0 {
				t.Fatalf("orange: open %+v resolved %+v", open, res)
			}
			next := e.due.AddDays(1)
			for !cal.IsWorkday(next) {
				next = next.AddDays(1)
			}
			e.sweepAt(at(next, "10:00"))
			open = e.warnings(store.WarningOpen)
			if len(open) != 1 || open[0].Level != "red" {
				t.Fatalf("red: %+v", open)
			}
			red := open[0]
			// Step 1 at once: mediator, room lead, both committee users.
			for _, p := range []*auth.Principal{e.lead, e.director, e.cmt2} {
				if ns := e.notices(p); len(ns) != 1 || ns[0].WarningID != red.ID || !ns[0].SMS || !strings.Contains(ns[0].Body, "红色预警") {
					t.Fatalf("%s after red: %+v", p.Username, ns)
				}
			}
			if len(e.notices(e.justice)) != 0 || len(e.notices(e.other)) != 0 {
				t.Fatal("justice or another mediator told at once")
			}
			// The director after 2 working hours, not a minute earlier.
			if r := e.sweepAt(at(next, "11:59")); r.Steps != 0 {
				t.Fatalf("step before its time: %+v", r)
			}
			if r := e.sweepAt(at(next, "12:00")); r.Steps != 1 {
				t.Fatalf("director step: %+v", r)
			}
			if len(e.notices(e.director)) != 2 || len(e.notices(e.cmt2)) != 1 || e.sms.to(phones["director"]) != 2 {
				t.Fatalf("director told %d, cmt2 %d", len(e.notices(e.director)), len(e.notices(e.cmt2)))
			}
			if r := e.sweepAt(at(next, "12:30")); r.Steps != 0 {
				t.Fatalf("step repeated: %+v", r)
			}
			// The justice bureau 4 working hours later: 16:00.
			if r := e.sweepAt(at(next, "15:59")); r.Steps != 0 {
				t.Fatalf("justice early: %+v", r)
			}
			if r := e.sweepAt(at(next, "16:00")); r.Steps != 1 || len(e.notices(e.justice)) != 1 || e.sms.to(phones["justice"]) != 1 {
				t.Fatalf("justice step: %+v, %d notices", r, len(e.notices(e.justice)))
			}
			evs, _ := e.db.ListWarningEvents(context.Background(), red.ID)
			var kinds []string
			for _, ev := range evs {
				kinds = append(kinds, fmt.Sprintf("%s%d", ev.Kind, ev.Step))
			}
			if fmt.Sprint(kinds) != "[raised-1 step0 step1 step2]" {
				t.Fatalf("events %v", kinds)
			}
			// The director acknowledges what reached them; the ladder has nothing left.
			ctx := context.Background()
			if err := e.svc.Acknowledge(ctx, e.director, red.ID, "已联系调解员"); err != nil {
				t.Fatal(err)
			}
			if err := e.svc.Acknowledge(ctx, e.director, red.ID, ""); status(err) != http.StatusConflict {
				t.Fatalf("acknowledge twice: %v", err)
			}
			// Closing the case clears the warning by itself.
			c, _ := e.db.GetCase(ctx, e.caseID)
			end := at(next, "16:30")
			if _, err := e.db.ApplyEvent(ctx, c.ID, c.Version, store.CaseChange{Status: domain.StatusWithdrawn, ClosedAt: &end},
				store.Event{Type: string(domain.ActionWithdraw), FromStatus: c.Status, ToStatus: domain.StatusWithdrawn, At: end}); err != nil {
				t.Fatal(err)
			}
			if r := e.sweepAt(at(next, "16:31")); r.Resolved != 1 {
				t.Fatalf("withdrawn case: %+v", r)
			}
			got, _ := e.db.GetWarning(ctx, red.ID)
			if got.Status != store.WarningResolved || got.ResolveReason != warning.ReasonCleared || !strings.Contains(got.ResolveNote, "系统自动解除") {
				t.Fatalf("cleared: %+v", got)
			}
		})
	}
}

func status(err error) int {
	s, _ := access.StatusOf(err)
	return s
}

// Two instances sweeping the same moment raise one warning and take each
// step once.
func TestConcurrentSweeps(t *testing.T) {
	for _, eng := range storetest.Engines(t) {
		t.Run(eng.Name, func(t *testing.T) {
			t.Parallel()
			dbs := eng.OpenShared(t, 2)
			e := newEnv(t, dbs[0])
			second := *e.svc
			second.Store = dbs[1]
			next := e.due.AddDays(1)
			for !calendar.New(nil).IsWorkday(next) {
				next = next.AddDays(1)
			}
			e.clk.Set(at(next, "17:00"))
			var wg sync.WaitGroup
			for i := 0; i < 6; i++ {
				svc := e.svc
				if i%2 == 1 {
					svc = &second
				}
				wg.Add(1)
				go func() {
					defer wg.Done()
					if _, err := svc.Sweep(context.Background()); err != nil {
						t.Error(err)
					}
				}()
			}
			wg.Wait()
			open := e.warnings(store.WarningOpen)
			if len(open) != 1 || open[0].Level != "red" {
				t.Fatalf("open after concurrent sweeps: %+v", open)
			}
			if n := len(e.notices(e.lead)); n != 1 || e.sms.to(phones["lead"]) != 1 {
				t.Fatalf("room lead told %d times", n)
			}
		})
	}
}

// Scopes and bad input: nothing changes on a refusal.
func TestScopesAndRefusals(t *testing.T) {
	for _, eng := range storetest.Engines(t) {
		t.Run(eng.Name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			e := newEnv(t, eng.Open(t, true))
			cal := calendar.New(nil)
			d := e.due.AddDays(-1)
			for !cal.IsWorkday(d) {
				d = d.AddDays(-1)
			}
			e.sweepAt(at(d, "10:00")) // yellow: to the mediator only
			w := e.warnings(store.WarningOpen)[0]

			// Lists: the committee sees it, the other district does not, a
			// colleague mediator neither; an unknown unit is 404, a wrong role 403.
			if page, err := e.svc.List(ctx, e.director, alerting.ListQuery{Unit: "pd-cmt"}); err != nil || len(page.Items) != 1 {
				t.Fatalf("committee list %d %v", len(page.Items), err)
			}
			if _, err := e.svc.List(ctx, e.xh, alerting.ListQuery{Unit: "pd-cmt"}); status(err) != http.StatusForbidden {
				t.Fatalf("other district: %v", err)
			}
			if page, _ := e.svc.List(ctx, e.xh, alerting.ListQuery{}); len(page.Items) != 0 {
				t.Fatalf("other district sees %d", len(page.Items))
			}
			if page, _ := e.svc.List(ctx, e.other, alerting.ListQuery{}); len(page.Items) != 0 {
				t.Fatalf("colleague sees %d", len(page.Items))
			}
			if page, _ := e.svc.List(ctx, e.mediator, alerting.ListQuery{Unit: "pd-r1"}); len(page.Items) != 1 {
				t.Fatalf("own mediator sees %d", len(page.Items))
			}
			if _, err := e.svc.List(ctx, e.director, alerting.ListQuery{Unit: "nope"}); status(err) != http.StatusNotFound || !strings.Contains(err.Error(), "找不到单位") {
				t.Fatalf("unknown unit: %v", err)
			}
			if _, err := e.svc.List(ctx, e.director, alerting.ListQuery{Level: "purple"}); status(err) != http.StatusUnprocessableEntity {
				t.Fatalf("bad level: %v", err)
			}
			reg := &auth.Principal{UserID: 999, Bindings: []store.Binding{{Role: domain.RoleRegulator, OrgID: e.district.ID, OrgPath: e.district.Path}}}
			if _, err := e.svc.List(ctx, reg, alerting.ListQuery{}); status(err) != http.StatusForbidden {
				t.Fatalf("regulator: %v", err)
			}
			// What each may do, as the list shows it.
			if page, _ := e.svc.List(ctx, e.mediator, alerting.ListQuery{}); len(page.Items) != 1 || !page.Items[0].CanAcknowledge || !page.Items[0].CanResolve {
				t.Fatalf("mediator's row %+v", page.Items)
			}
			if page, _ := e.svc.List(ctx, e.cmt2, alerting.ListQuery{}); len(page.Items) != 1 || page.Items[0].CanAcknowledge || !page.Items[0].CanResolve {
				t.Fatalf("committee's row %+v", page.Items)
			}
			counts, err := e.svc.OpenCounts(ctx, e.lead, "pd-r1")
			if err != nil || counts[warning.Yellow] != 1 || counts[warning.Red] != 0 {
				t.Fatalf("counts %v %v", counts, err)
			}

			unchanged := func(what string) {
				t.Helper()
				got, _ := e.db.GetWarning(ctx, w.ID)
				if got.Status != store.WarningOpen || got.AcknowledgedBy != 0 {
					t.Fatalf("%s changed the warning: %+v", what, got)
				}
			}
			// Acknowledging someone else's warning: 403 inside scope, 404 outside.
			if err := e.svc.Acknowledge(ctx, e.cmt2, w.ID, ""); status(err) != http.StatusForbidden || !strings.Contains(err.Error(), "没有发送给您") {
				t.Fatalf("committee acknowledging the mediator's yellow: %v", err)
			}
			unchanged("committee")
			if err := e.svc.Acknowledge(ctx, e.xh, w.ID, ""); status(err) != http.StatusNotFound {
				t.Fatalf("other district: %v", err)
			}
			unchanged("other district")
			if err := e.svc.Acknowledge(ctx, e.other, w.ID, ""); status(err) != http.StatusNotFound {
				t.Fatalf("colleague: %v", err)
			}
			unchanged("colleague")
			if err := e.svc.Acknowledge(ctx, reg, w.ID, ""); status(err) != http.StatusForbidden {
				t.Fatalf("regulator: %v", err)
			}
			unchanged("regulator")
			// Resolve needs a note.
			if err := e.svc.Resolve(ctx, e.lead, w.ID, "  "); status(err) != http.StatusUnprocessableEntity || !strings.Contains(err.Error(), "解除说明") {
				t.Fatalf("resolve without note: %v", err)
			}
			unchanged("resolve without note")
			if err := e.svc.Resolve(ctx, e.xh, w.ID, "x"); status(err) != http.StatusNotFound {
				t.Fatalf("resolve from the other district: %v", err)
			}
			unchanged("resolve from elsewhere")
			// The mediator acknowledges their own; the room lead resolves with a note.
			if err := e.svc.Acknowledge(ctx, e.mediator, w.ID, "收到"); err != nil {
				t.Fatal(err)
			}
			if err := e.svc.Resolve(ctx, e.lead, w.ID, "已约双方本周调解"); err != nil {
				t.Fatal(err)
			}
			got, _ := e.db.GetWarning(ctx, w.ID)
			if got.Status != store.WarningResolved || got.ResolvedBy != e.lead.UserID || got.ResolveNote != "已约双方本周调解" {
				t.Fatalf("resolved %+v", got)
			}
			// Rules: read by all warning readers, edited by the committee only.
			rs, _, err := e.svc.Rules(ctx, e.mediator)
			if err != nil || rs.Version != 1 {
				t.Fatalf("rules %v", err)
			}
			if _, err := e.svc.SaveRules(ctx, e.lead, rs, "改"); status(err) != http.StatusForbidden {
				t.Fatalf("room lead edits rules: %v", err)
			}
			bad := warning.Defaults()
			bad.Rules[0].Level = "purple"
			if _, err := e.svc.SaveRules(ctx, e.director, bad, "改"); status(err) != http.StatusUnprocessableEntity {
				t.Fatalf("bad rules: %v", err)
			}
			if vs, _ := e.db.ListWarningRules(ctx); len(vs) != 0 {
				t.Fatalf("refused edit stored %d versions", len(vs))
			}
			rs.Rules[0].Thresholds[warning.TDays] = 3
			v, err := e.svc.SaveRules(ctx, e.director, rs, "临近预警提前到 3 个工作日")
			if err != nil || v != 2 {
				t.Fatalf("save rules %d %v", v, err)
			}
			rs2, vs, _ := e.svc.Rules(ctx, e.director)
			if rs2.Version != 2 || len(vs) != 2 || rs2.Rules[0].T(warning.TDays) != 3 {
				t.Fatalf("after edit %+v %+v", rs2.Version, vs)
			}
		})
	}
}

// 催办/督办: recorded on the case, replied in writing; a supervise left
// unanswered past its deadline raises a red warning that the reply clears.
func TestSupervision(t *testing.T) {
	for _, eng := range storetest.Engines(t) {
		t.Run(eng.Name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			e := newEnv(t, eng.Open(t, true))
			day := calendar.Date{Year: 2026, Month: 1, Day: 20}
			e.clk.Set(at(day, "10:00"))
			in := alerting.SuperviseInput{Kind: alerting.KindSupervise, CaseID: e.caseID, Request: "请说明进展", Due: day.String()}
			// Refusals first: nothing recorded.
			if _, err := e.svc.Supervise(ctx, e.mediator, in); status(err) != http.StatusForbidden {
				t.Fatalf("mediator supervising: %v", err)
			}
			if _, err := e.svc.Supervise(ctx, e.xh, in); status(err) != http.StatusNotFound {
				t.Fatalf("other district: %v", err)
			}
			bad := in
			bad.Request, bad.Due = "", "2026-01-19"
			err := func() error { _, err := e.svc.Supervise(ctx, e.lead, bad); return err }()
			var ve *access.ValidationError
			if !errors.As(err, &ve) || ve.Field("request") == "" || ve.Field("due") == "" {
				t.Fatalf("bad supervise: %v", err)
			}
			if ss, _ := e.db.ListSupervisions(ctx, store.SupervisionQuery{Scope: store.Scope{All: true}}); len(ss) != 0 {
				t.Fatalf("refusals recorded %d", len(ss))
			}
			sp, err := e.svc.Supervise(ctx, e.director, in)
			if err != nil {
				t.Fatal(err)
			}
			urge, err := e.svc.Supervise(ctx, e.lead, alerting.SuperviseInput{Kind: alerting.KindUrge, CaseID: e.caseID, Request: "请尽快联系商家", Due: "2026-01-21"})
			if err != nil {
				t.Fatal(err)
			}
			if ns := e.notices(e.mediator); len(ns) != 2 || e.sms.to(phones["mediator"]) != 2 {
				t.Fatalf("mediator told %d", len(ns))
			}
			// Past 17:30 unanswered: a red warning about the supervision.
			e.sweepAt(at(day, "17:29"))
			if len(e.warnings(store.WarningOpen)) != 0 {
				t.Fatal("raised before the deadline")
			}
			e.sweepAt(at(day, "17:31"))
			open := e.warnings(store.WarningOpen)
			if len(open) != 1 || open[0].Rule != warning.RuleSuperviseOverdue || open[0].Level != "red" || open[0].CaseID != e.caseID {
				t.Fatalf("supervise overdue: %+v", open)
			}
			// Only the presiding mediator replies; in writing.
			if err := e.svc.Reply(ctx, e.other, sp.ID, "x"); status(err) != http.StatusForbidden {
				t.Fatalf("colleague replying: %v", err)
			}
			if err := e.svc.Reply(ctx, e.xh, sp.ID, "x"); status(err) != http.StatusNotFound {
				t.Fatalf("other district replying: %v", err)
			}
			if err := e.svc.Reply(ctx, e.lead, sp.ID, "x"); status(err) != http.StatusForbidden {
				t.Fatalf("lead replying: %v", err)
			}
			if err := e.svc.Reply(ctx, e.mediator, sp.ID, " "); status(err) != http.StatusUnprocessableEntity {
				t.Fatalf("empty reply: %v", err)
			}
			e.clk.Set(at(day, "17:40"))
			if err := e.svc.Reply(ctx, e.mediator, sp.ID, "已约 1 月 22 日调解"); err != nil {
				t.Fatal(err)
			}
			if err := e.svc.Reply(ctx, e.mediator, urge.ID, "今日已电话联系商家"); err != nil {
				t.Fatal(err)
			}
			if err := e.svc.Reply(ctx, e.mediator, sp.ID, "again"); status(err) != http.StatusConflict {
				t.Fatalf("second reply: %v", err)
			}
			if r := e.sweepAt(at(day, "17:45")); r.Resolved != 1 {
				t.Fatalf("reply did not clear the warning: %+v", r)
			}
			// Both requests and both replies are on the case's timeline.
			evs, _ := e.db.ListEvents(ctx, e.caseID)
			var types []string
			for _, ev := range evs {
				switch ev.Type {
				case "urge", "supervise", "supervision_reply":
					types = append(types, ev.Type)
				}
			}
			if fmt.Sprint(types) != "[supervise urge supervision_reply supervision_reply]" {
				t.Fatalf("case events %v", types)
			}
			if ns := e.notices(e.director); len(ns) == 0 || !strings.Contains(ns[0].Body, "已答复") {
				t.Fatalf("requester not told of the reply: %+v", ns)
			}
			list, _ := e.svc.Supervisions(ctx, e.mediator, false)
			if len(list) != 2 {
				t.Fatalf("mediator's supervisions %d", len(list))
			}
		})
	}
}

// Complaints against one merchant: a surge (橙) and closure wording from
// three complainants (红), both about the merchant; with no mediator to
// tell, the committee hears at once.
func TestMerchantWarnings(t *testing.T) {
	for _, eng := range storetest.Engines(t) {
		t.Run(eng.Name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			e := newEnv(t, eng.Open(t, true))
			day := calendar.Date{Year: 2026, Month: 2, Day: 12}
			for i := 0; i < 5; i++ {
				desc := "课程质量差"
				if i < 3 {
					desc = "健身房突然闭店，预付卡余额无法退还"
				}
				recv := at(day, "09:00").Add(-time.Duration(i) * 24 * time.Hour)
				if _, _, err := e.db.CreateCase(ctx, &store.NewCase{CommitteeID: e.committee.ID, CommitteeAbbr: "浦", Channel: domain.ChannelWalkIn,
					Category: "服务-健身", Description: desc, Claim: "退款", ReceivedAt: recv, Merchant: &store.Merchant{Name: "上海某某健身有限公司"},
					Parties: []store.Party{{Kind: "consumer", Name: "李四", PhoneHash: fmt.Sprintf("p%d", i), PhoneMask: "139****0000"}, {Kind: "merchant", Name: "上海某某健身有限公司"}},
					Event:   store.Event{Type: "received", At: recv}}); err != nil {
					t.Fatal(err)
				}
			}
			e.sweepAt(at(day, "10:00"))
			rules := map[string]store.Warning{}
			for _, w := range e.warnings(store.WarningOpen) {
				rules[w.Rule] = w
			}
			surge, closure := rules[warning.RuleMerchantSurge], rules[warning.RulePrepaidClosure]
			if surge.Level != "orange" || surge.SubjectKind != "merchant" || surge.UnitID != e.committee.ID || !strings.Contains(surge.Explain, "5 件") {
				t.Fatalf("surge %+v", surge)
			}
			if closure.Level != "red" || !strings.Contains(closure.Explain, "3 位投诉人") {
				t.Fatalf("closure %+v", closure)
			}
			for _, p := range []*auth.Principal{e.director, e.cmt2} {
				if ns := e.notices(p); len(ns) != 2 {
					t.Fatalf("%s told %d times", p.Username, len(ns))
				}
			}
			if len(e.notices(e.mediator)) != 0 || len(e.notices(e.lead)) != 0 {
				t.Fatal("a room told of a committee-level warning")
			}
			// The room lead does not see the committee's merchant warnings.
			if page, _ := e.svc.List(ctx, e.lead, alerting.ListQuery{}); len(page.Items) != 0 {
				t.Fatalf("room lead sees %d", len(page.Items))
			}
		})
	}
}

// Acknowledging stops the ladder: the room lead signs for a red warning
// before its second step, and the director is never told. Without a phone
// book the notices are in-app only.
func TestAcknowledgeStopsLadder(t *testing.T) {
	for _, eng := range storetest.Engines(t) {
		t.Run(eng.Name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			e := newEnv(t, eng.Open(t, true))
			e.svc.Phones = nil
			next := e.due.AddDays(1)
			for !calendar.New(nil).IsWorkday(next) {
				next = next.AddDays(1)
			}
			e.sweepAt(at(next, "16:00")) // red, 1.5 working hours left today
			red := e.warnings(store.WarningOpen)[0]
			ns := e.notices(e.lead)
			if len(ns) != 1 || ns[0].SMS || len(e.sms.sent) != 0 {
				t.Fatalf("without phones: %+v, %d SMS", ns, len(e.sms.sent))
			}
			// The lead's list offers 签收 on the warning the lead was told of.
			page, err := e.svc.List(ctx, e.lead, alerting.ListQuery{Status: store.WarningOpen})
			if err != nil || len(page.Items) != 1 || page.Items[0].ID != red.ID || !page.Items[0].CanAcknowledge {
				t.Fatalf("the lead's list: %+v %v", page.Items, err)
			}
			e.clk.Set(at(next, "17:00"))
			if err := e.svc.Acknowledge(ctx, e.lead, red.ID, "已安排明日上午调解"); err != nil {
				t.Fatal(err)
			}
			// 2 working hours after 16:00 is 09:30 the next working day; nothing climbs.
			day2 := next.AddDays(1)
			for !calendar.New(nil).IsWorkday(day2) {
				day2 = day2.AddDays(1)
			}
			if r := e.sweepAt(at(day2, "16:00")); r.Steps != 0 {
				t.Fatalf("an acknowledged warning climbed: %+v", r)
			}
			if len(e.notices(e.director)) != 1 || len(e.notices(e.justice)) != 0 {
				t.Fatalf("director %d, justice %d notices", len(e.notices(e.director)), len(e.notices(e.justice)))
			}
		})
	}
}
