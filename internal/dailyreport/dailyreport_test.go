package dailyreport_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/tiaojie/tiaojie/internal/access"
	"github.com/tiaojie/tiaojie/internal/auth"
	"github.com/tiaojie/tiaojie/internal/calendar"
	"github.com/tiaojie/tiaojie/internal/dailyreport"
	"github.com/tiaojie/tiaojie/internal/deadline"
	"github.com/tiaojie/tiaojie/internal/desk"
	"github.com/tiaojie/tiaojie/internal/domain"
	"github.com/tiaojie/tiaojie/internal/reportrules"
	"github.com/tiaojie/tiaojie/internal/scorecard"
	"github.com/tiaojie/tiaojie/internal/store"
	"github.com/tiaojie/tiaojie/internal/store/storetest"
)

func TestMain(m *testing.M) { storetest.Main(m) }

func status(err error) int {
	code, _ := access.StatusOf(err)
	return code
}

func at(day string, h, m int) time.Time {
	d, _ := calendar.ParseDate(day)
	return d.Time().Add(time.Duration(h)*time.Hour + time.Duration(m)*time.Minute)
}

// world is a district with a committee and two rooms, another district's
// committee, and people in each role the reports care about.
type world struct {
	st                                  store.Store
	svc                                 *dailyreport.Service
	sc                                  *scorecard.Service
	clock                               *time.Time
	committee, room1, room2, other      store.OrgUnit
	director, lead1, lead2, mediator    *auth.Principal
	outsider, justice, analyst          *auth.Principal
	big, rejected, agreed, late, monday int64
}

func org(t *testing.T, st store.Store, parent int64, kind domain.OrgKind, code, name, abbr string) store.OrgUnit {
	t.Helper()
	u := store.OrgUnit{ParentID: parent, Kind: kind, Code: code, Name: name, Abbr: abbr}
	if err := st.CreateOrgUnit(context.Background(), &u); err != nil {
		t.Fatal(err)
	}
	return u
}

func person(t *testing.T, st store.Store, name string, role domain.Role, unit store.OrgUnit) *auth.Principal {
	t.Helper()
	ctx := context.Background()
	u := store.User{Username: name, DisplayName: name, Active: true, PasswordHash: "x"}
	if err := st.CreateUser(ctx, &u); err != nil {
		t.Fatal(err)
	}
	if err := st.AddBinding(ctx, store.Binding{UserID: u.ID, Role: role, OrgID: unit.ID}); err != nil {
		t.Fatal(err)
	}
	bs, err := st.ListBindings(ctx, u.ID)
	if err != nil {
		t.Fatal(err)
	}
	return &auth.Principal{UserID: u.ID, Username: name, DisplayName: name, Bindings: bs}
}

func service(st store.Store, clock *time.Time) *dailyreport.Service {
	now := func() time.Time { return *clock }
	sc := &scorecard.Service{Store: st, Now: now}
	return &dailyreport.Service{Store: st, Scorecard: sc, Desk: &desk.Service{Store: st, Now: now}, Now: now,
		Warnings: func(ctx context.Context, unitID int64) (map[string]int, error) {
			return map[string]int{"red": 1, "yellow": 2}, nil
		}}
}

// Monday 2026-12-07, 09:00: the report covers Friday the 4th to Sunday the 6th.
const monday = "2026-12-07"

func newWorld(t *testing.T, st store.Store) *world {
	t.Helper()
	ctx := context.Background()
	if err := deadline.EnsureDefaultPolicies(ctx, st); err != nil {
		t.Fatal(err)
	}
	clock := at(monday, 9, 0)
	w := &world{st: st, clock: &clock}
	w.svc = service(st, w.clock)
	w.sc = w.svc.Scorecard
	city := org(t, st, 0, domain.OrgCity, "sh", "上海市", "")
	pd := org(t, st, city.ID, domain.OrgDistrict, "pd", "浦东新区", "")
	w.committee = org(t, st, pd.ID, domain.OrgCommittee, "pd-cmt", "浦东新区消费纠纷人民调解委员会", "浦")
	w.room1 = org(t, st, w.committee.ID, domain.OrgOfficeRoom, "pd-r1", "陆家嘴工作室", "")
	w.room2 = org(t, st, w.committee.ID, domain.OrgEnterpriseRoom, "pd-r2", "商场工作室", "")
	xh := org(t, st, city.ID, domain.OrgDistrict, "xh", "徐汇区", "")
	w.other = org(t, st, xh.ID, domain.OrgCommittee, "xh-cmt", "徐汇区消费纠纷人民调解委员会", "徐")
	w.director = person(t, st, "主任", domain.RoleCommittee, w.committee)
	w.lead1 = person(t, st, "陆家嘴负责人", domain.RoleRoomLead, w.room1)
	w.lead2 = person(t, st, "商场负责人", domain.RoleRoomLead, w.room2)
	w.mediator = person(t, st, "调解员", domain.RoleMediator, w.room1)
	w.outsider = person(t, st, "徐汇主任", domain.RoleCommittee, w.other)
	w.justice = person(t, st, "司法局", domain.RoleJustice, pd)
	w.analyst = person(t, st, "分析员", domain.RoleAnalyst, pd)

	n := 0
	newCase := func(room store.OrgUnit, received time.Time, claimFen int64) store.Case {
		n++
		c, _, err := st.CreateCase(ctx, &store.NewCase{CommitteeID: w.committee.ID, CommitteeAbbr: "浦", RoomID: room.ID, Channel: domain.ChannelWalkIn,
			Category: "服务-健身", Description: "预付卡退费纠纷", Claim: "退款", ClaimFen: claimFen, ReceivedAt: received, ExternalID: fmt.Sprintf("d-%d", n),
			Parties: []store.Party{{Kind: "consumer", Name: "甲", PhoneSealed: "s", PhoneHash: fmt.Sprintf("h%d", n), PhoneMask: "138****0000"}},
			Event:   store.Event{Type: "received", At: received}})
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	apply := func(c store.Case, typ string, st2 domain.Status, when time.Time, data string) store.Case {
		c2, err := st.ApplyEvent(ctx, c.ID, c.Version, store.CaseChange{Status: st2},
			store.Event{Type: typ, At: when, FromStatus: c.Status, ToStatus: st2, Data: data})
		if err != nil {
			t.Fatalf("%s on case %d: %v", typ, c.ID, err)
		}
		return c2
	}
	note := func(c store.Case, typ string, when time.Time, data string) {
		if err := st.AddNote(ctx, c.ID, store.Event{Type: typ, At: when, ToStatus: c.Status, Data: data}); err != nil {
			t.Fatal(err)
		}
	}
	// Room 1, Friday: a 6万元 claim, accepted the same day.
	c := newCase(w.room1, at("2026-12-04", 10, 0), 6_000_000)
	apply(c, "accept", domain.StatusAccepted, at("2026-12-04", 14, 0), "{}")
	w.big = c.ID
	// Room 1, Saturday: received and refused.
	c = newCase(w.room1, at("2026-12-05", 11, 0), 10_000)
	apply(c, "reject", domain.StatusRejected, at("2026-12-05", 15, 0), "{}")
	w.rejected = c.ID
	// Room 2, received Thursday (the report before), agreed in writing on
	// Sunday, paid and thanked with a banner the same day.
	c = newCase(w.room2, at("2026-12-03", 9, 0), 50_000)
	c = apply(c, "accept", domain.StatusAccepted, at("2026-12-03", 10, 0), "{}")
	c, err := st.AssignCase(ctx, c.ID, c.Version, []int64{w.mediator.UserID}, 0, store.CaseChange{Status: domain.StatusAssigned},
		store.Event{Type: "assign", At: at("2026-12-03", 11, 0), FromStatus: c.Status, ToStatus: domain.StatusAssigned,
			Data: fmt.Sprintf(`{"mediator_id":%d}`, w.mediator.UserID)})
	if err != nil {
		t.Fatal(err)
	}
	c = apply(c, "start_mediation", domain.StatusMediating, at("2026-12-03", 12, 0), "{}")
	c = apply(c, "reach_agreement", domain.StatusAgreed, at("2026-12-06", 10, 0), `{"agreed_fen":30000,"kind":"written"}`)
	note(c, "performed", at("2026-12-06", 11, 0), `{"recovered_fen":20000}`)
	note(c, "commendation", at("2026-12-06", 12, 0), `{"kind":"banner"}`)
	w.agreed = c.ID
	// Room 1, accepted in September and still open: overdue.
	c = newCase(w.room1, at("2026-09-01", 9, 0), 10_000)
	apply(c, "accept", domain.StatusAccepted, at("2026-09-01", 10, 0), "{}")
	w.late = c.ID
	// Room 1, Monday itself: the next report's.
	c = newCase(w.room1, at(monday, 8, 30), 10_000)
	w.monday = c.ID
	return w
}

// rollup sums the rollups of a unit over days, as the evaluation reads them.
func rollup(t *testing.T, w *world, u store.OrgUnit, from, to string) reportrules.Counts {
	t.Helper()
	q := store.EvalQuery{Committees: []int64{w.committee.ID}, From: from, To: to}
	if u.Kind != domain.OrgCommittee {
		q.RoomID = u.ID
	}
	rows, err := w.st.EvalSums(context.Background(), q)
	if err != nil {
		t.Fatal(err)
	}
	tally := map[string]int64{}
	for _, r := range rows {
		for k, v := range r.Counters {
			tally[k] += v
		}
	}
	return reportrules.FromTally(tally)
}

func sameCounts(a, b reportrules.Counts) bool {
	if a.Received != b.Received || a.Accepted != b.Accepted || a.Rejected != b.Rejected || a.Closed != b.Closed ||
		a.AgreedOral != b.AgreedOral || a.AgreedWritten != b.AgreedWritten || a.AgreedFen != b.AgreedFen ||
		a.RecoveredFen != b.RecoveredFen || a.Commendations != b.Commendations {
		return false
	}
	for _, o := range reportrules.Outcomes {
		if a.ByOutcome[o.Code] != b.ByOutcome[o.Code] {
			return false
		}
	}
	return true
}

// The Monday report covers Friday to Sunday; its figures are the
// constructed cases' and equal the evaluation rollups and headline for the
// same unit and days; every figure opens exactly its cases.
func TestFiguresEqualRollups(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			t.Parallel()
			w := newWorld(t, e.Open(t, true))
			ctx := context.Background()
			rep, err := w.svc.Get(ctx, w.lead1, "pd-r1", monday)
			if err != nil {
				t.Fatal(err)
			}
			if rep.From.String() != "2026-12-04" || rep.To.String() != "2026-12-06" {
				t.Fatalf("Monday's span %s..%s, want Friday to Sunday", rep.From, rep.To)
			}
			c := rep.Figures.Counts
			if c.Received != 2 || c.Accepted != 1 || c.Rejected != 1 || c.Closed != 1 || c.AgreedFen != 0 {
				t.Errorf("room 1 figures %+v, want 2 received, 1 accepted, 1 rejected, 1 closed", c)
			}
			if !rep.CanSubmit || rep.Late || rep.Submitted() {
				t.Errorf("fresh draft: can submit %v, late %v, submitted %v", rep.CanSubmit, rep.Late, rep.Submitted())
			}
			if rep.Figures.Overdue != 1 {
				t.Errorf("overdue %d, want the September case", rep.Figures.Overdue)
			}
			if sn := rep.Figures.Snapshot; sn == nil || sn.DueSoon < 1 || sn.Warnings["red"] != 1 {
				t.Errorf("drafting-time snapshot %+v", sn)
			}
			if len(rep.Figures.Notable) != 1 || rep.Figures.Notable[0].CaseID != w.big || rep.Figures.Notable[0].Reasons[0].Rule != "big_claim" {
				t.Errorf("notable %+v, want the 6万元 claim", rep.Figures.Notable)
			}
			cmt, err := w.svc.Get(ctx, w.director, "pd-cmt", monday)
			if err != nil {
				t.Fatal(err)
			}
			cc := cmt.Figures.Counts
			if cc.Received != 2 || cc.Closed != 2 || cc.ByOutcome["agreed"] != 1 || cc.AgreedWritten != 1 || cc.AgreedFen != 30000 ||
				cc.RecoveredFen != 20000 || cc.Commendations != 1 || cc.Accepted != 1 {
				t.Errorf("committee figures %+v", cc)
			}
			var commended bool
			for _, n := range cmt.Figures.Notable {
				commended = commended || (n.CaseID == w.agreed && n.Reasons[0].Rule == "commendation")
			}
			if !commended {
				t.Errorf("the banner is not among the committee's notable cases: %+v", cmt.Figures.Notable)
			}
			for _, r := range []dailyreport.Report{rep, cmt} {
				want := rollup(t, w, r.Unit, r.From.String(), r.To.String())
				if !sameCounts(r.Figures.Counts, want) {
					t.Errorf("%s: report %+v, rollups %+v", r.Unit.Code, r.Figures.Counts, want)
				}
				h, err := w.sc.Headline(ctx, w.director, r.Unit.Code, r.From.String(), r.To.String())
				if err != nil {
					t.Fatal(err)
				}
				if hc := reportrules.FromTally(h.Tally); !sameCounts(r.Figures.Counts, hc) {
					t.Errorf("%s: report %+v, evaluation headline %+v", r.Unit.Code, r.Figures.Counts, hc)
				}
				// Each count opens exactly that many cases.
				for _, l := range r.Figures.Counts.Lines() {
					if l.Money {
						continue
					}
					page, err := w.svc.Cases(ctx, w.director, r.Unit.Code, monday, l.Code)
					if err != nil {
						t.Fatalf("%s %s: %v", r.Unit.Code, l.Code, err)
					}
					if int64(len(page.Cases)) != l.Value {
						t.Errorf("%s %s: figure %d, %d cases behind it", r.Unit.Code, l.Code, l.Value, len(page.Cases))
					}
				}
				page, err := w.svc.Cases(ctx, w.director, r.Unit.Code, monday, "overdue")
				if err != nil || int64(len(page.Cases)) != r.Figures.Overdue {
					t.Errorf("%s overdue: figure %d, cases %d (%v)", r.Unit.Code, r.Figures.Overdue, len(page.Cases), err)
				}
			}
			// Tuesday's report covers Monday only: the case received then.
			*w.clock = at("2026-12-08", 9, 0)
			tue, err := w.svc.Get(ctx, w.lead1, "pd-r1", "2026-12-08")
			if err != nil {
				t.Fatal(err)
			}
			if tue.From.String() != monday || tue.To.String() != monday || tue.Figures.Counts.Received != 1 {
				t.Errorf("Tuesday: %s..%s received %d", tue.From, tue.To, tue.Figures.Counts.Received)
			}
			// A Monday report opened later has no snapshot and the same counts.
			w2 := service(w.st, w.clock)
			late, err := w2.Get(ctx, w.lead2, "pd-r2", "2026-12-04")
			if err != nil {
				t.Fatal(err)
			}
			if late.Figures.Snapshot != nil {
				t.Errorf("a report drafted after its day has a snapshot: %+v", late.Figures.Snapshot)
			}
			if want := rollup(t, w, w.room2, "2026-12-03", "2026-12-03"); !sameCounts(late.Figures.Counts, want) || want.Received != 1 {
				t.Errorf("Friday's report of room 2 %+v, rollups %+v", late.Figures.Counts, want)
			}
		})
	}
}

// A draft follows the rollups until it is submitted, then stays frozen.
func TestDraftFollowsSubmittedFreezes(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			t.Parallel()
			w := newWorld(t, e.Open(t, true))
			ctx := context.Background()
			if _, err := w.svc.Get(ctx, w.lead1, "pd-r1", monday); err != nil {
				t.Fatal(err)
			}
			// A complaint recorded late, received on Saturday.
			if _, _, err := w.st.CreateCase(ctx, &store.NewCase{CommitteeID: w.committee.ID, CommitteeAbbr: "浦", RoomID: w.room1.ID,
				Channel: domain.ChannelWalkIn, Category: "服务-健身", Description: "补录", Claim: "退款", ClaimFen: 100,
				ReceivedAt: at("2026-12-05", 16, 0), ExternalID: "late-entry",
				Parties: []store.Party{{Kind: "consumer", Name: "乙", PhoneSealed: "s", PhoneHash: "hx", PhoneMask: "139****0000"}},
				Event:   store.Event{Type: "received", At: at("2026-12-05", 16, 0)}}); err != nil {
				t.Fatal(err)
			}
			rep, err := w.svc.Get(ctx, w.lead1, "pd-r1", monday)
			if err != nil {
				t.Fatal(err)
			}
			if rep.Figures.Counts.Received != 3 {
				t.Fatalf("draft after a late entry: received %d, want 3", rep.Figures.Counts.Received)
			}
			sub, err := w.svc.Submit(ctx, w.lead1, "pd-r1", monday, "  周末收案三件，一件大额已受理。 ")
			if err != nil {
				t.Fatal(err)
			}
			if !sub.Submitted() || sub.Row.Remarks != "周末收案三件，一件大额已受理。" || sub.Row.SubmittedBy != w.lead1.UserID || sub.CanSubmit {
				t.Fatalf("submitted %+v", sub.Row)
			}
			if _, _, err := w.st.CreateCase(ctx, &store.NewCase{CommitteeID: w.committee.ID, CommitteeAbbr: "浦", RoomID: w.room1.ID,
				Channel: domain.ChannelWalkIn, Category: "服务-健身", Description: "再补录", Claim: "退款", ClaimFen: 100,
				ReceivedAt: at("2026-12-06", 16, 0), ExternalID: "later-entry",
				Parties: []store.Party{{Kind: "consumer", Name: "丙", PhoneSealed: "s", PhoneHash: "hy", PhoneMask: "137****0000"}},
				Event:   store.Event{Type: "received", At: at("2026-12-06", 16, 0)}}); err != nil {
				t.Fatal(err)
			}
			again, err := w.svc.Get(ctx, w.director, "pd-r1", monday)
			if err != nil {
				t.Fatal(err)
			}
			if again.Figures.Counts.Received != 3 || again.Row.Figures != sub.Row.Figures {
				t.Errorf("a submitted report moved: received %d", again.Figures.Counts.Received)
			}
			// Resubmission is refused, the remarks stay.
			_, err = w.svc.Submit(ctx, w.lead1, "pd-r1", monday, "改写")
			if status(err) != 409 || !strings.Contains(err.Error(), "不能再次提交") {
				t.Fatalf("resubmission: %d %v", status(err), err)
			}
			row, _ := w.st.GetDailyReport(ctx, w.room1.ID, monday)
			if row.Remarks != "周末收案三件，一件大额已受理。" {
				t.Errorf("remarks after a refused resubmission: %q", row.Remarks)
			}
		})
	}
}

// Scopes: who reads and submits which unit's report; bad input is refused
// in Chinese with nothing stored.
func TestScopeAndBadInput(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			t.Parallel()
			w := newWorld(t, e.Open(t, true))
			ctx := context.Background()
			count := func() int {
				rows, err := w.st.ListDailyReports(ctx, []int64{w.committee.ID, w.room1.ID, w.room2.ID, w.other.ID}, "2000-01-01", "2100-01-01")
				if err != nil {
					t.Fatal(err)
				}
				return len(rows)
			}
			refusals := []struct {
				name   string
				call   func() error
				status int
				words  string
			}{
				{"mediator reads", func() error { _, err := w.svc.Get(ctx, w.mediator, "pd-r1", monday); return err }, 403, "无权"},
				{"analyst reads", func() error { _, err := w.svc.Get(ctx, w.analyst, "pd-r1", monday); return err }, 403, "无权"},
				{"other district", func() error { _, err := w.svc.Get(ctx, w.outsider, "pd-r1", monday); return err }, 403, "无权"},
				{"other room's lead", func() error { _, err := w.svc.Get(ctx, w.lead2, "pd-r1", monday); return err }, 403, "无权"},
				{"room lead reads the committee", func() error { _, err := w.svc.Get(ctx, w.lead1, "pd-cmt", monday); return err }, 403, "无权"},
				{"other room's lead submits", func() error { _, err := w.svc.Submit(ctx, w.lead2, "pd-r1", monday, "x"); return err }, 403, "无权"},
				{"committee submits a room's", func() error { _, err := w.svc.Submit(ctx, w.director, "pd-r1", monday, "x"); return err }, 403, "负责人"},
				{"justice submits", func() error { _, err := w.svc.Submit(ctx, w.justice, "pd-cmt", monday, "x"); return err }, 403, ""},
				{"unknown unit", func() error { _, err := w.svc.Get(ctx, w.director, "nope", monday); return err }, 404, "找不到单位"},
				{"not a report unit", func() error { _, err := w.svc.Get(ctx, w.justice, "pd", monday); return err }, 422, "没有日报"},
				{"no unit", func() error { _, err := w.svc.Get(ctx, w.director, " ", monday); return err }, 422, "请指定单位"},
				{"not a date", func() error { _, err := w.svc.Get(ctx, w.director, "pd-r1", "2026-13-01"); return err }, 422, "无效"},
				{"sloppy date", func() error { _, err := w.svc.Get(ctx, w.director, "pd-r1", "2026-12-7"); return err }, 422, "无效"},
				{"future", func() error { _, err := w.svc.Get(ctx, w.director, "pd-r1", "2026-12-08"); return err }, 422, "在未来"},
				{"Saturday", func() error { _, err := w.svc.Get(ctx, w.director, "pd-r1", "2026-12-05"); return err }, 422, "不是工作日"},
				{"remarks too long", func() error {
					_, err := w.svc.Submit(ctx, w.lead1, "pd-r1", monday, strings.Repeat("长", dailyreport.MaxRemarks+1))
					return err
				}, 422, "最多"},
				{"bad figure", func() error { _, err := w.svc.Cases(ctx, w.director, "pd-r1", "2026-12-08", "received"); return err }, 422, "在未来"},
				{"weekly in the future", func() error {
					_, err := w.svc.Summarize(ctx, w.director, "pd-cmt", dailyreport.Weekly, "2027-01-04")
					return err
				}, 422, "还没有到"},
				{"bad month", func() error {
					_, err := w.svc.Summarize(ctx, w.director, "pd-cmt", dailyreport.Monthly, "2026-13")
					return err
				}, 422, "月份"},
			}
			for _, r := range refusals {
				err := r.call()
				if got := status(err); got != r.status || !strings.Contains(err.Error(), r.words) {
					t.Errorf("%s: %d %v, want %d with %q", r.name, got, err, r.status, r.words)
				}
			}
			if n := count(); n != 0 {
				t.Fatalf("refused requests stored %d reports", n)
			}
			// Allowed: the district's justice bureau reads; a committee reads
			// its rooms; the lead submits their own; the committee its own.
			for _, ok := range []struct {
				p    *auth.Principal
				unit string
			}{{w.justice, "pd-r1"}, {w.director, "pd-r2"}, {w.lead1, "pd-r1"}} {
				if _, err := w.svc.Get(ctx, ok.p, ok.unit, monday); err != nil {
					t.Errorf("%s reads %s: %v", ok.p.Username, ok.unit, err)
				}
			}
			if _, err := w.svc.Submit(ctx, w.director, "pd-cmt", monday, "调委会日报"); err != nil {
				t.Errorf("committee submits its own: %v", err)
			}
			if _, err := w.svc.Cases(ctx, w.director, "pd-r1", monday, "nonsense"); status(err) != 422 {
				t.Errorf("unknown figure: %v", err)
			}
			rep, _ := w.svc.Get(ctx, w.director, "pd-r1", monday)
			if rep.CanSubmit {
				t.Error("the committee is offered to submit a room's report")
			}
		})
	}
}

// Two instances opening the same report at once draft it once; the
// periodic job drafts every unit's report once.
func TestConcurrentDrafting(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			t.Parallel()
			dbs := e.OpenShared(t, 2)
			w := newWorld(t, dbs[0])
			svcs := []*dailyreport.Service{w.svc, service(dbs[1], w.clock)}
			ctx := context.Background()
			var wg sync.WaitGroup
			ids := make(chan int64, 20)
			start := make(chan struct{})
			for i := 0; i < 6; i++ {
				wg.Add(1)
				go func() {
					defer wg.Done()
					<-start
					rep, err := svcs[i%2].Get(ctx, w.director, "pd-cmt", monday)
					if err != nil {
						t.Error(err)
						return
					}
					ids <- rep.Row.ID
				}()
			}
			close(start)
			wg.Wait()
			close(ids)
			seen := map[int64]bool{}
			for id := range ids {
				seen[id] = true
			}
			if len(seen) != 1 {
				t.Fatalf("%d reports for one unit and day", len(seen))
			}
			var total int
			errs := make(chan error, 2)
			counts := make(chan int, 2)
			for _, s := range svcs {
				go func() {
					n, err := s.DraftToday(ctx)
					counts <- n
					errs <- err
				}()
			}
			for range svcs {
				if err := <-errs; err != nil {
					t.Fatal(err)
				}
				total += <-counts
			}
			rows, err := dbs[1].ListDailyReports(ctx, []int64{w.committee.ID, w.room1.ID, w.room2.ID, w.other.ID}, monday, monday)
			if err != nil {
				t.Fatal(err)
			}
			if len(rows) != 4 {
				t.Fatalf("%d reports after the sweeps, want one per committee and room", len(rows))
			}
			if total < 3 || total > 6 {
				t.Errorf("the sweeps drafted %d", total)
			}
			if n, err := w.svc.DraftToday(ctx); err != nil || n != 0 {
				t.Errorf("a third sweep drafted %d (%v)", n, err)
			}
			*w.clock = at("2026-12-05", 9, 0) // Saturday: no reports
			if n, err := w.svc.DraftToday(ctx); err != nil || n != 0 {
				t.Errorf("a Saturday sweep drafted %d (%v)", n, err)
			}
		})
	}
}

// The committee sees who has not submitted by 10:00; summaries add the
// dailies up against the period before, with submission rates.
func TestMissingAndSummaries(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			t.Parallel()
			w := newWorld(t, e.Open(t, true))
			ctx := context.Background()
			day, _ := calendar.ParseDate(monday)
			if m, err := w.svc.Missing(ctx, w.director, day); err != nil || len(m) != 0 {
				t.Fatalf("missing before the deadline: %v %v", m, err)
			}
			if _, err := w.svc.Submit(ctx, w.lead1, "pd-r1", monday, "正常"); err != nil {
				t.Fatal(err)
			}
			*w.clock = at(monday, 10, 30)
			m, err := w.svc.Missing(ctx, w.director, day)
			if err != nil {
				t.Fatal(err)
			}
			var codes []string
			for _, u := range m {
				codes = append(codes, u.Code)
			}
			if strings.Join(codes, ",") != "pd-cmt,pd-r2" {
				t.Errorf("missing after 10:00: %v, want the committee and room 2", codes)
			}
			if m, _ := w.svc.Missing(ctx, w.lead1, day); len(m) != 0 {
				t.Errorf("room 1's lead sees missing %v", m)
			}
			if _, err := w.svc.Missing(ctx, w.mediator, day); status(err) != 403 {
				t.Errorf("a mediator asks for missing reports: %v", err)
			}
			g, err := w.svc.Grid(ctx, w.director, 5)
			if err != nil {
				t.Fatal(err)
			}
			if len(g.Rows) != 3 || len(g.Days) != 5 || g.Days[0].String() != monday {
				t.Fatalf("grid %d rows × %v", len(g.Rows), g.Days)
			}
			for _, r := range g.Rows {
				c := r.Cells[0]
				if want := r.Unit.Code != "pd-r1"; c.Late != want {
					t.Errorf("%s on Monday: late %v", r.Unit.Code, c.Late)
				}
			}
			if g, _ := w.svc.Grid(ctx, w.lead2, 5); len(g.Rows) != 1 || g.Rows[0].Unit.Code != "pd-r2" {
				t.Errorf("room 2's lead sees %d rows", len(g.Rows))
			}

			s, err := w.svc.Summarize(ctx, w.director, "pd-cmt", dailyreport.Weekly, monday)
			if err != nil {
				t.Fatal(err)
			}
			if s.From.String() != monday || s.To.String() != "2026-12-13" || s.Days != 1 {
				t.Fatalf("week %s..%s, %d days", s.From, s.To, s.Days)
			}
			if want := rollup(t, w, w.committee, "2026-12-04", "2026-12-06"); !sameCounts(s.Counts, want) {
				t.Errorf("this week %+v, rollups %+v", s.Counts, want)
			}
			// Last week's dailies (Mon 30 Nov … Fri 4 Dec) cover Fri 27 Nov … Thu 3 Dec.
			if want := rollup(t, w, w.committee, "2026-11-27", "2026-12-03"); !sameCounts(s.Prev, want) || want.Received != 1 {
				t.Errorf("last week %+v, rollups %+v", s.Prev, want)
			}
			var rate string
			for _, sb := range s.Submission {
				if sb.Unit.Code == "pd-r1" {
					rate = fmt.Sprintf("%d/%d/%d %s", sb.Submitted, sb.OnTime, sb.Due, sb.Rate)
				}
			}
			if rate != "1/1/1 100.0%" || len(s.Submission) != 3 || len(s.Remarks) != 1 || s.Remarks[0].Text != "正常" {
				t.Errorf("submission %q, %d units, remarks %+v", rate, len(s.Submission), s.Remarks)
			}
			var recv dailyreport.TrendLine
			for _, tl := range s.Trends {
				if tl.Code == "received" {
					recv = tl
				}
			}
			if recv.Value != 2 || recv.Prev != 1 || recv.Trend != "+1（+100.0%）" {
				t.Errorf("received trend %+v", recv)
			}
			mo, err := w.svc.Summarize(ctx, w.director, "pd-r1", dailyreport.Monthly, "2026-11")
			if err != nil {
				t.Fatal(err)
			}
			if mo.From.String() != "2026-11-01" || mo.To.String() != "2026-11-30" || mo.Days != 21 {
				t.Errorf("November: %s..%s, %d report days", mo.From, mo.To, mo.Days)
			}
			if want := rollup(t, w, w.room1, mo.CoveredFrom.String(), mo.CoveredTo.String()); !sameCounts(mo.Counts, want) {
				t.Errorf("November %+v, rollups %+v", mo.Counts, want)
			}
			if _, err := w.svc.Summarize(ctx, w.lead2, "pd-r1", dailyreport.Monthly, "2026-11"); status(err) != 403 {
				t.Errorf("room 2's lead reads room 1's month: %v", err)
			}
		})
	}
}

// exported submits the committee's Monday report and returns it with the
// week's summary.
func exported(t *testing.T) (dailyreport.Report, dailyreport.Summary) {
	t.Helper()
	e := storetest.Engines(t)[0]
	w := newWorld(t, e.Open(t, true))
	ctx := context.Background()
	if _, err := w.svc.Submit(ctx, w.director, "pd-cmt", monday, "周末达成书面协议一件，收到锦旗一面。"); err != nil {
		t.Fatal(err)
	}
	rep, err := w.svc.Get(ctx, w.director, "pd-cmt", monday)
	if err != nil {
		t.Fatal(err)
	}
	s, err := w.svc.Summarize(ctx, w.director, "pd-cmt", dailyreport.Weekly, monday)
	if err != nil {
		t.Fatal(err)
	}
	return rep, s
}

func readBack(t *testing.T, f interface {
	Write(w io.Writer, opts ...excelize.Options) error
}) *excelize.File {
	t.Helper()
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		t.Fatal(err)
	}
	x, err := excelize.OpenReader(bytes.NewReader(buf.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	return x
}

// The XLSX of a daily report and of a summary read back with their figures.
func TestExportsXLSX(t *testing.T) {
	rep, s := exported(t)
	f, err := rep.Workbook()
	if err != nil {
		t.Fatal(err)
	}
	rows, err := readBack(t, f).GetRows(dailyreport.DailySheet)
	if err != nil {
		t.Fatal(err)
	}
	cells := map[string]string{}
	for _, r := range rows {
		if len(r) >= 2 {
			cells[r[0]] = r[1]
		}
	}
	if cells["收到投诉"] != "2 件" || cells["办结（合计）"] != "2 件" || cells["协议金额"] != "300.00 元" || cells["负责人备注"] != "周末达成书面协议一件，收到锦旗一面。" {
		t.Errorf("daily workbook %v", cells)
	}
	sf, err := s.Workbook()
	if err != nil {
		t.Fatal(err)
	}
	x := readBack(t, sf)
	figs, _ := x.GetRows(dailyreport.SummaryFiguresSheet)
	found := false
	for _, r := range figs {
		if len(r) == 4 && r[0] == "收到投诉" && r[1] == "2 件" && r[2] == "1 件" && r[3] == "+1（+100.0%）" {
			found = true
		}
	}
	subs, _ := x.GetRows(dailyreport.SummarySubmissionSheet)
	rems, _ := x.GetRows(dailyreport.SummaryRemarksSheet)
	if !found || len(subs) != 4 || len(rems) != 2 {
		t.Errorf("weekly workbook: figures %v, submission %v, remarks %v", figs, subs, rems)
	}
}

// The PDF of a daily report and of a summary read back with their figures.
func TestExportsPDF(t *testing.T) {
	rep, s := exported(t)
	var buf bytes.Buffer
	if err := rep.WritePDF(&buf); err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(buf.Bytes(), []byte("%PDF-")) {
		t.Fatal("not a PDF")
	}
	text := pdfText(t, buf.Bytes())
	for _, want := range []string{"日报", "浦东新区消费纠纷人民调解委员会", "2026-12-04至2026-12-06", "收到投诉：2件", "协议金额：300.00元",
		"挽回经济损失：200.00元", "周末达成书面协议一件", "已提交"} {
		if !strings.Contains(text, want) {
			t.Errorf("daily PDF lacks %q:\n%s", want, text)
		}
	}
	buf.Reset()
	if err := s.WritePDF(&buf); err != nil {
		t.Fatal(err)
	}
	text = pdfText(t, buf.Bytes())
	for _, want := range []string{"周研判", "收到投诉：2件（上期1件，+1（+100.0%））", "提交率100.0%", "周末达成书面协议一件"} {
		if !strings.Contains(text, want) {
			t.Errorf("weekly PDF lacks %q:\n%s", want, text)
		}
	}
}

func pdfText(t *testing.T, b []byte) string {
	t.Helper()
	if _, err := exec.LookPath("pdftotext"); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("pdftotext (poppler-utils) missing under CI")
		}
		t.Skip("pdftotext not installed")
	}
	path := filepath.Join(t.TempDir(), "r.pdf")
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("pdftotext", "-layout", path, "-").Output()
	if err != nil {
		t.Fatalf("pdftotext: %v", err)
	}
	return strings.Join(strings.Fields(string(out)), "")
}

// 催报: only the committee above a room chases it, only past the deadline,
// only while it is not submitted; each chase is counted on the report and
// handed to Notify in the chase's transaction.
func TestChase(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			t.Parallel()
			w := newWorld(t, e.Open(t, true))
			ctx := context.Background()
			var told []string
			w.svc.Notify = func(ctx context.Context, tx store.Store, unitID int64, body string) (int, error) {
				told = append(told, fmt.Sprintf("%d %s", unitID, body))
				return 1, nil
			}
			chase := func(p *auth.Principal, unit string) error { _, err := w.svc.Chase(ctx, p, unit, monday); return err }
			*w.clock = at(monday, 9, 59)
			if err := chase(w.director, "pd-r1"); status(err) != 422 || !strings.Contains(err.Error(), "未到") {
				t.Fatalf("chasing before the deadline: %v", err)
			}
			*w.clock = at(monday, 10, 30)
			for _, r := range []struct {
				name   string
				p      *auth.Principal
				unit   string
				status int
			}{
				{"the room's own lead", w.lead1, "pd-r1", 403},
				{"another room's lead", w.lead2, "pd-r1", 403},
				{"the committee chasing itself", w.director, "pd-cmt", 403},
				{"the justice bureau (reads only)", w.justice, "pd-r1", 403},
				{"another district", w.outsider, "pd-r1", 403},
				{"an unknown unit", w.director, "nope", 404},
			} {
				if err := chase(r.p, r.unit); status(err) != r.status {
					t.Errorf("%s: %v, want %d", r.name, err, r.status)
				}
			}
			if len(told) != 0 {
				t.Fatalf("refused chases told someone: %v", told)
			}
			for i := 1; i <= 2; i++ {
				rep, err := w.svc.Chase(ctx, w.director, "pd-r1", monday)
				if err != nil || rep.Row.Chases != i || rep.Row.ChasedBy != w.director.UserID || len(told) != i ||
					!strings.HasPrefix(told[i-1], fmt.Sprintf("%d 【催报】", w.room1.ID)) {
					t.Fatalf("chase %d: %+v %v %v", i, rep.Row, told, err)
				}
			}
			if rep, _ := w.svc.Get(ctx, w.director, "pd-r1", monday); !rep.CanChase {
				t.Error("the committee is not offered 催报 on a late room report")
			}
			if _, err := w.svc.Submit(ctx, w.lead1, "pd-r1", monday, "补报"); err != nil {
				t.Fatal(err)
			}
			if err := chase(w.director, "pd-r1"); status(err) != 409 {
				t.Fatalf("chasing a submitted report: %v", err)
			}
			if len(told) != 2 {
				t.Fatalf("told after the submission: %v", told)
			}
			if rep, _ := w.svc.Get(ctx, w.director, "pd-r1", monday); rep.CanChase {
				t.Error("a submitted report is offered 催报")
			}
		})
	}
}

// A report lists the group disputes formed on its span's Shanghai days,
// oldest first — a room's report those with a case of the room — and none
// formed the moment before the span or the midnight after it.
func TestNewGroupsOfTheSpan(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			t.Parallel()
			w := newWorld(t, e.Open(t, true))
			ctx := context.Background()
			group := func(room store.OrgUnit, formed time.Time) int64 {
				t.Helper()
				c, _, err := w.st.CreateCase(ctx, &store.NewCase{CommitteeID: w.committee.ID, CommitteeAbbr: "浦", RoomID: room.ID, Channel: domain.ChannelWalkIn,
					Category: "服务-健身", Description: "闭店", ReceivedAt: formed.Add(-time.Hour),
					Parties: []store.Party{{Kind: "consumer", Name: "王五"}, {Kind: "merchant", Name: "某健身公司"}},
					Event:   store.Event{Type: "received", At: formed.Add(-time.Hour)}})
				if err != nil {
					t.Fatal(err)
				}
				g := store.Group{CommitteeID: w.committee.ID, Title: "群体性纠纷" + formed.Format(time.RFC3339), Created: formed}
				if err := w.st.CreateGroup(ctx, &g, []int64{c.ID}); err != nil {
					t.Fatal(err)
				}
				return g.ID
			}
			// Monday's report spans Friday 2026-12-04 to Sunday 2026-12-06.
			group(w.room1, at("2026-12-04", 0, 0).Add(-time.Second))
			first := group(w.room2, at("2026-12-04", 0, 0))
			inRoom1 := group(w.room1, at("2026-12-06", 23, 59))
			group(w.room1, at("2026-12-07", 0, 0))
			ids := func(rep dailyreport.Report) []int64 {
				var out []int64
				for _, g := range rep.Figures.NewGroups {
					out = append(out, g.ID)
				}
				return out
			}
			cmt, err := w.svc.Get(ctx, w.director, "pd-cmt", monday)
			if err != nil {
				t.Fatal(err)
			}
			if got := ids(cmt); !slices.Equal(got, []int64{first, inRoom1}) {
				t.Fatalf("committee's new groups %v, want %v", got, []int64{first, inRoom1})
			}
			room, err := w.svc.Get(ctx, w.lead1, "pd-r1", monday)
			if err != nil {
				t.Fatal(err)
			}
			if got := ids(room); !slices.Equal(got, []int64{inRoom1}) {
				t.Fatalf("room 1's new groups %v, want %v", got, []int64{inRoom1})
			}
		})
	}
}
