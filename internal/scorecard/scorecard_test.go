package scorecard_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strconv"
	"testing"
	"time"

	"github.com/tiaojie/tiaojie/internal/access"
	"github.com/tiaojie/tiaojie/internal/auth"
	"github.com/tiaojie/tiaojie/internal/calendar"
	"github.com/tiaojie/tiaojie/internal/deadline"
	"github.com/tiaojie/tiaojie/internal/domain"
	"github.com/tiaojie/tiaojie/internal/evaluation"
	"github.com/tiaojie/tiaojie/internal/scorecard"
	"github.com/tiaojie/tiaojie/internal/store"
	"github.com/tiaojie/tiaojie/internal/store/storetest"
)

func status(err error) int {
	code, _ := access.StatusOf(err)
	return code
}

func TestMain(m *testing.M) { storetest.Main(m) }

// world is a district with a committee, two rooms and three mediators, and
// another district with its own committee.
type world struct {
	st                           store.Store
	svc                          *scorecard.Service
	committee, room1, room2      store.OrgUnit
	otherCommittee               store.OrgUnit
	mediators                    []int64
	director, mediator, outsider *auth.Principal
	analyst, lead                *auth.Principal
}

var now = time.Date(2026, 12, 3, 10, 0, 0, 0, calendar.Shanghai())

func org(t *testing.T, st store.Store, parent int64, kind domain.OrgKind, code, name, abbr string) store.OrgUnit {
	t.Helper()
	u := store.OrgUnit{ParentID: parent, Kind: kind, Code: code, Name: name, Abbr: abbr}
	if err := st.CreateOrgUnit(context.Background(), &u); err != nil {
		t.Fatal(err)
	}
	return u
}

func principal(t *testing.T, st store.Store, name string, role domain.Role, unit store.OrgUnit) *auth.Principal {
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

func newWorld(t *testing.T, e storetest.Engine) *world {
	st := e.Open(t, true)
	w := &world{st: st}
	w.svc = &scorecard.Service{Store: st, Now: func() time.Time { return now }, Batch: 13}
	city := org(t, st, 0, domain.OrgCity, "sh", "上海市", "")
	pd := org(t, st, city.ID, domain.OrgDistrict, "pd", "浦东新区", "")
	w.committee = org(t, st, pd.ID, domain.OrgCommittee, "pd-cmt", "浦东新区消费纠纷人民调解委员会", "浦")
	w.room1 = org(t, st, w.committee.ID, domain.OrgOfficeRoom, "pd-r1", "陆家嘴工作室", "")
	w.room2 = org(t, st, w.committee.ID, domain.OrgEnterpriseRoom, "pd-r2", "商场工作室", "")
	xh := org(t, st, city.ID, domain.OrgDistrict, "xh", "徐汇区", "")
	w.otherCommittee = org(t, st, xh.ID, domain.OrgCommittee, "xh-cmt", "徐汇区消费纠纷人民调解委员会", "徐")
	for i := 0; i < 3; i++ {
		p := principal(t, st, fmt.Sprintf("调解员%d", i+1), domain.RoleMediator, []store.OrgUnit{w.room1, w.room2}[i%2])
		w.mediators = append(w.mediators, p.UserID)
		if i == 0 {
			w.mediator = p
		}
	}
	w.director = principal(t, st, "主任", domain.RoleCommittee, w.committee)
	w.outsider = principal(t, st, "徐汇主任", domain.RoleCommittee, w.otherCommittee)
	w.analyst = principal(t, st, "分析员", domain.RoleAnalyst, pd)
	w.lead = principal(t, st, "室负责人", domain.RoleRoomLead, w.room1)
	return w
}

// randomHistory writes n cases through the store with random events, some
// of them after a catch-up has already counted the case.
func (w *world) randomHistory(t *testing.T, r *rand.Rand, n int) []int64 {
	t.Helper()
	ctx := context.Background()
	var ids []int64
	type live struct {
		c    store.Case
		at   time.Time
		step int
	}
	var open []*live
	for i := 0; i < n; i++ {
		room := []store.OrgUnit{w.room1, w.room2}[r.IntN(2)]
		at := time.Date(2025, 1, 2, 9, 0, 0, 0, calendar.Shanghai()).AddDate(0, 0, r.IntN(650))
		channel := []domain.Channel{domain.Channel12315, domain.ChannelWalkIn, domain.ChannelOnline}[r.IntN(3)]
		c, _, err := w.st.CreateCase(ctx, &store.NewCase{CommitteeID: w.committee.ID, CommitteeAbbr: "浦", RoomID: room.ID, Channel: channel,
			Category: []string{"服务-健身", "商品-家电"}[r.IntN(2)], Description: "纠纷", Claim: "退款", ClaimFen: int64(r.IntN(500000)),
			ReceivedAt: at, ExternalID: fmt.Sprintf("r-%d", i),
			Parties: []store.Party{{Kind: "consumer", Name: "甲", PhoneSealed: "s", PhoneHash: fmt.Sprintf("h%d", i), PhoneMask: "138****0000"}},
			Event:   store.Event{Type: "received", At: at.Add(time.Duration(r.IntN(72)) * time.Hour)}})
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, c.ID)
		open = append(open, &live{c: c, at: at})
	}
	apply := func(l *live, typ string, status domain.Status, data string) {
		l.at = l.at.Add(time.Duration(1+r.IntN(24*12)) * time.Hour)
		c, err := w.st.ApplyEvent(ctx, l.c.ID, l.c.Version, store.CaseChange{Status: status},
			store.Event{Type: typ, At: l.at, FromStatus: l.c.Status, ToStatus: status, Data: data})
		if err != nil {
			t.Fatalf("%s on case %d: %v", typ, l.c.ID, err)
		}
		l.c = c
	}
	note := func(l *live, typ, data string) {
		l.at = l.at.Add(time.Duration(1+r.IntN(24*12)) * time.Hour)
		if err := w.st.AddNote(ctx, l.c.ID, store.Event{Type: typ, At: l.at, ToStatus: l.c.Status, Data: data}); err != nil {
			t.Fatal(err)
		}
	}
	for round := 0; round < 8; round++ {
		for _, l := range open {
			if r.IntN(3) == 0 {
				continue
			}
			l.step++
			switch l.step {
			case 1:
				switch r.IntN(10) {
				case 0:
					apply(l, "reject", domain.StatusRejected, "{}")
					l.step = 99
				case 1:
					apply(l, "merge", domain.StatusTerminated, "{}")
					l.step = 99
				default:
					apply(l, "accept", domain.StatusAccepted, "{}")
				}
			case 2:
				m := w.mediators[r.IntN(len(w.mediators))]
				c, err := w.st.AssignCase(ctx, l.c.ID, l.c.Version, []int64{m}, 0, store.CaseChange{Status: domain.StatusAssigned},
					store.Event{Type: "assign", At: l.at.Add(time.Hour), FromStatus: l.c.Status, ToStatus: domain.StatusAssigned,
						Data: fmt.Sprintf(`{"mediator_id":%d}`, m)})
				if err != nil {
					t.Fatal(err)
				}
				l.c = c
				apply(l, "start_mediation", domain.StatusMediating, "{}")
			case 3:
				if r.IntN(4) == 0 {
					apply(l, "suspend", domain.StatusSuspended, "{}")
					if r.IntN(2) == 0 {
						l.step = 2 // resume later
						apply(l, "resume", domain.StatusMediating, "{}")
					}
					continue
				}
				switch r.IntN(8) {
				case 0:
					apply(l, "withdraw", domain.StatusWithdrawn, "{}")
					l.step = 99
				case 1, 2:
					apply(l, "terminate", domain.StatusTerminated, "{}")
					l.step = 6
				default:
					kind := []string{"oral", "written"}[r.IntN(2)]
					apply(l, "reach_agreement", domain.StatusAgreed, fmt.Sprintf(`{"agreed_fen":%d,"kind":%q}`, r.IntN(90000), kind))
				}
			case 4:
				note(l, "performed", fmt.Sprintf(`{"recovered_fen":%d}`, r.IntN(50000)))
			case 5:
				if r.IntN(3) > 0 {
					apply(l, "follow_up", domain.StatusFollowedUp, fmt.Sprintf(`{"satisfaction":%d}`, 1+r.IntN(5)))
				}
				if r.IntN(4) == 0 {
					note(l, "commendation", `{"kind":"banner"}`)
				}
				if r.IntN(5) == 0 {
					note(l, "judicial_rejected", "{}")
				}
			case 6:
				if r.IntN(2) == 0 {
					apply(l, "archive", domain.StatusArchived, "{}")
				}
			}
		}
		if r.IntN(2) == 0 { // a catch-up in between: later events move counted cases
			if _, err := w.svc.CatchUp(ctx); err != nil {
				t.Fatal(err)
			}
		}
	}
	return ids
}

// factsOf derives every case's facts straight from its events: the
// figures the rollups must agree with.
func (w *world) factsOf(t *testing.T, ids []int64) []evaluation.Facts {
	t.Helper()
	ctx := context.Background()
	rules, err := deadline.Load(ctx, w.st)
	if err != nil {
		t.Fatal(err)
	}
	var out []evaluation.Facts
	for _, id := range ids {
		c, err := w.st.GetCase(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		evs, err := w.st.ListEvents(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, evaluation.Derive(evaluation.Rules{Calendar: rules.Calendar, Policies: rules.Policies},
			scorecard.ToCase(store.EvalInput{Case: c, Events: evs}), time.Time{}))
	}
	return out
}

func TestRebuildEqualsIncremental(t *testing.T) {
	ctx := context.Background()
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			t.Parallel()
			w := newWorld(t, e)
			ids := w.randomHistory(t, rand.New(rand.NewPCG(3, 4)), 120)
			before, after, n, err := w.svc.Rebuild(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if n != len(ids) || before != after || before == "" {
				t.Fatalf("rebuild recounted %d of %d cases; digest before %s after %s", n, len(ids), before, after)
			}

			// The committee's scores from the rollups equal the scores of
			// the facts derived straight from the events.
			facts := w.factsOf(t, ids)
			for _, per := range [][2]string{{"2025-01-01", "2025-12-31"}, {"2025-03-01", "2025-03-31"}, {"2025-06-10", "2026-02-17"}} {
				sc, err := w.svc.Scores(ctx, w.director, scorecard.Query{Unit: "pd-cmt", Level: "committee", From: per[0], To: per[1]})
				if err != nil {
					t.Fatal(err)
				}
				if len(sc.Rows) != 1 {
					t.Fatalf("one committee row: %+v", sc.Rows)
				}
				from, _ := calendar.ParseDate(per[0])
				to, _ := calendar.ParseDate(per[1])
				want := evaluation.Score(evaluation.DefaultScheme(), facts, evaluation.Period{From: from, To: to})
				got := sc.Rows[0].Result
				if got.Total != want.Total || got.Cases != want.Cases {
					t.Errorf("%v: rollup total %v (%d cases), events %v (%d)", per, got.Total, got.Cases, want.Total, want.Cases)
				}
				for i, f := range want.Indicators {
					if g := got.Indicators[i]; g.Numerator != f.Numerator || g.Denominator != f.Denominator {
						t.Errorf("%v %s: rollup %d/%d, events %d/%d", per, f.Code, g.Numerator, g.Denominator, f.Numerator, f.Denominator)
					}
					// The cases behind the figure are exactly the figure.
					page, err := w.svc.Cases(ctx, w.director, scorecard.CasesQuery{Query: scorecard.Query{Unit: "pd-cmt", From: per[0], To: per[1]},
						Indicator: f.Code, Part: "numerator", Limit: 500})
					if err != nil {
						t.Fatal(err)
					}
					if page.Total != f.Numerator || fmt.Sprint(page.IDs) != fmt.Sprint(f.NumeratorCases) {
						t.Errorf("%v %s numerator cases %v, want %v", per, f.Code, page.IDs, f.NumeratorCases)
					}
				}
				for i, d := range want.Deductions {
					if got.Deductions[i].Count != d.Count {
						t.Errorf("%v %s: rollup %d, events %d", per, d.Code, got.Deductions[i].Count, d.Count)
					}
				}
			}
			// By mediator: every mediator's figures come from their cases only.
			sc, err := w.svc.Scores(ctx, w.director, scorecard.Query{Unit: "pd-cmt", Level: "mediator", From: "2025-01-01", To: "2026-11-30"})
			if err != nil {
				t.Fatal(err)
			}
			by := evaluation.ByPresiding(facts)
			from, _ := calendar.ParseDate("2025-01-01")
			to, _ := calendar.ParseDate("2026-11-30")
			if len(sc.Rows) != len(w.mediators) {
				t.Fatalf("%d mediator rows", len(sc.Rows))
			}
			for _, row := range sc.Rows {
				want := evaluation.Score(evaluation.DefaultScheme(), by[row.Subject.ID], evaluation.Period{From: from, To: to})
				if row.Result.Total != want.Total {
					t.Errorf("mediator %d: %v, want %v", row.Subject.ID, row.Result.Total, want.Total)
				}
			}
		})
	}
}

func TestScopesAndBadInput(t *testing.T) {
	ctx := context.Background()
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			t.Parallel()
			w := newWorld(t, e)
			w.randomHistory(t, rand.New(rand.NewPCG(5, 6)), 40)
			q := scorecard.Query{Unit: "pd-cmt", Level: "mediator", From: "2025-01-01", To: "2026-06-30"}
			sc, err := w.svc.Scores(ctx, w.mediator, q)
			if err != nil {
				t.Fatal(err)
			}
			if len(sc.Rows) != 1 || sc.Rows[0].Subject.ID != w.mediator.UserID {
				t.Fatalf("a mediator sees only their own row: %+v", sc.Rows)
			}
			q.Level = "room"
			if _, err := w.svc.Scores(ctx, w.mediator, q); status(err) != 403 {
				t.Fatalf("a mediator asking for rooms: %v", err)
			}
			q.Level = "mediator"
			if _, err := w.svc.Scores(ctx, w.outsider, q); status(err) != 403 {
				t.Fatalf("another district's committee: %v", err)
			}
			for _, p := range []*auth.Principal{w.analyst, w.director} {
				if sc, err := w.svc.Scores(ctx, p, q); err != nil || len(sc.Rows) != len(w.mediators) {
					t.Fatalf("%s sees every mediator: %d %v", p.Username, len(sc.Rows), err)
				}
			}
			if sc, err := w.svc.Scores(ctx, w.lead, scorecard.Query{Unit: "pd-r1", Level: "mediator", From: q.From, To: q.To}); err != nil {
				t.Fatal(err)
			} else {
				for _, r := range sc.Rows {
					if r.Result.Cases == 0 && r.Result.Scored {
						t.Errorf("room figures: %+v", r)
					}
				}
			}
			if _, err := w.svc.Scores(ctx, w.lead, q); status(err) != 403 {
				t.Fatalf("a room lead asking for the whole committee: %v", err)
			}
			bad := []scorecard.Query{
				{Unit: "pd-cmt", From: "2026-05-01", To: "2026-04-01"},
				{Unit: "pd-cmt", From: "2026-13-01", To: "2026-04-01"},
				{Unit: "pd-cmt", From: "2026/01/01", To: "2026-04-01"},
				{Unit: "pd-cmt", From: "2027-01-01", To: "2027-02-01"},
				{Unit: "pd-cmt", Level: "district", From: "2026-01-01", To: "2026-02-01"},
				{Unit: "", From: "2026-01-01", To: "2026-02-01"},
			}
			for _, b := range bad {
				_, err := w.svc.Scores(ctx, w.director, b)
				if status(err) != 422 || len(access.Fields(err)) == 0 {
					t.Errorf("%+v: %v", b, err)
				}
			}
			if _, err := w.svc.Scores(ctx, w.director, scorecard.Query{Unit: "nowhere", From: "2026-01-01", To: "2026-02-01"}); status(err) != 404 {
				t.Errorf("unknown unit: %v", err)
			}
			if _, err := w.svc.Cases(ctx, w.director, scorecard.CasesQuery{Query: scorecard.Query{Unit: "pd-cmt", From: "2026-01-01", To: "2026-02-01"},
				Indicator: "speed", Part: "numerator"}); status(err) != 422 {
				t.Errorf("unknown indicator: %v", err)
			}
			if _, err := w.svc.Cases(ctx, w.mediator, scorecard.CasesQuery{Query: scorecard.Query{Unit: "pd-cmt", From: "2026-01-01", To: "2026-02-01"},
				Subject: "mediator:" + strconv.FormatInt(w.mediators[1], 10), Indicator: "success", Part: "numerator"}); status(err) != 403 {
				t.Errorf("a mediator opening a colleague's cases: %v", err)
			}
		})
	}
}

func TestPublishedRankingIsFrozen(t *testing.T) {
	ctx := context.Background()
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			t.Parallel()
			w := newWorld(t, e)
			ids := w.randomHistory(t, rand.New(rand.NewPCG(7, 8)), 80)
			month := "2025-06"
			if _, err := w.svc.Publish(ctx, w.mediator, "pd-cmt", "mediator", month, ""); status(err) != 403 {
				t.Fatalf("a mediator publishing: %v", err)
			}
			if _, err := w.svc.Publish(ctx, w.director, "pd-cmt", "mediator", "2026-12", ""); status(err) != 422 {
				t.Fatalf("publishing the running month: %v", err)
			}
			v, err := w.svc.Publish(ctx, w.director, "pd-cmt", "mediator", month, "")
			if err != nil {
				t.Fatal(err)
			}
			if v.Live || v.Current == nil || v.Current.Revision != 1 || len(v.Body.Rows) != len(w.mediators) {
				t.Fatalf("published: %+v", v)
			}
			frozen := fmt.Sprint(v.Body)
			// Late events on that month's cases move the live figures, not the published list.
			for _, id := range ids {
				c, _ := w.st.GetCase(ctx, id)
				if c.Status == domain.StatusAgreed || c.Status == domain.StatusFollowedUp {
					if err := w.st.AddNote(ctx, id, store.Event{Type: "judicial_rejected", At: time.Date(2025, 6, 20, 10, 0, 0, 0, calendar.Shanghai()), ToStatus: c.Status}); err != nil {
						t.Fatal(err)
					}
				}
			}
			again, err := w.svc.Ranking(ctx, w.director, "pd-cmt", "mediator", month)
			if err != nil {
				t.Fatal(err)
			}
			if again.Live || fmt.Sprint(again.Body) != frozen {
				t.Fatal("a late event changed a published ranking")
			}
			if _, err := w.svc.Publish(ctx, w.director, "pd-cmt", "mediator", month, ""); status(err) != 422 {
				t.Fatalf("republishing without a reason: %v", err)
			}
			v2, err := w.svc.Publish(ctx, w.director, "pd-cmt", "mediator", month, "法院驳回记录迟到，更正")
			if err != nil {
				t.Fatal(err)
			}
			if v2.Current.Revision != 2 || len(v2.Revisions) != 2 || fmt.Sprint(v2.Body) == frozen {
				t.Fatalf("a correction is a visible new revision with the late events: rev %d, %d revisions", v2.Current.Revision, len(v2.Revisions))
			}
			if _, err := w.svc.Ranking(ctx, w.outsider, "pd-cmt", "mediator", month); status(err) != 403 {
				t.Fatalf("another district reads the ranking: %v", err)
			}
		})
	}
}

// The store's rollup columns are exactly the rule package's counters.
func TestCountersMatchColumns(t *testing.T) {
	if fmt.Sprint(store.EvalCounters) != fmt.Sprint(evaluation.Counters) {
		t.Fatalf("store columns %v\nrule counters %v", store.EvalCounters, evaluation.Counters)
	}
}

// A case's figures (the API's case list, the evaluation's case lists) follow
// the case: remembered while its facts stand, read anew once they change,
// and a caller's copy is its own.
func TestFiguresFollowTheCase(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			w := newWorld(t, e)
			ctx := context.Background()
			at := now.Add(-72 * time.Hour)
			var ids []int64
			var cs []store.Case
			for i := range 2 {
				c, _, err := w.st.CreateCase(ctx, &store.NewCase{CommitteeID: w.committee.ID, CommitteeAbbr: "浦", RoomID: w.room1.ID, Channel: domain.ChannelWalkIn,
					Category: "服务-健身", Description: "纠纷", Claim: "退款", ClaimFen: 1000, ReceivedAt: at, ExternalID: fmt.Sprintf("f-%d", i),
					Parties: []store.Party{{Kind: "consumer", Name: "甲", PhoneSealed: "s", PhoneHash: fmt.Sprintf("fh%d", i), PhoneMask: "138****0000"}},
					Event:   store.Event{Type: "received", At: at}})
				if err != nil {
					t.Fatal(err)
				}
				ids, cs = append(ids, c.ID), append(cs, c)
			}
			figs, err := w.svc.Figures(ctx, ids)
			if err != nil {
				t.Fatal(err)
			}
			for _, id := range ids {
				if f, ok := figs[id]; !ok || f.Outcome != evaluation.OutcomeOpen || f.ClosedAt != nil {
					t.Fatalf("case %d before its refusal: %+v, counted %v", id, f, ok)
				}
			}
			closed := at.Add(24 * time.Hour)
			if _, err := w.st.ApplyEvent(ctx, cs[0].ID, cs[0].Version, store.CaseChange{Status: domain.StatusRejected},
				store.Event{Type: "reject", At: closed, FromStatus: cs[0].Status, ToStatus: domain.StatusRejected, Data: "{}"}); err != nil {
				t.Fatal(err)
			}
			figs, err = w.svc.Figures(ctx, ids)
			if err != nil {
				t.Fatal(err)
			}
			f := figs[ids[0]]
			if f.Outcome != evaluation.OutcomeRejected || f.ClosedAt == nil || !f.ClosedAt.Equal(closed) {
				t.Fatalf("the refused case's figures after its refusal: %+v", f)
			}
			if g := figs[ids[1]]; g.Outcome != evaluation.OutcomeOpen {
				t.Fatalf("the other case moved: %+v", g)
			}
			*f.ClosedAt = time.Time{} // a caller's change stays its own
			again, err := w.svc.Figures(ctx, ids[:1])
			if err != nil {
				t.Fatal(err)
			}
			if g := again[ids[0]]; g.ClosedAt == nil || !g.ClosedAt.Equal(closed) {
				t.Fatalf("a caller's change reached the next reader: %+v", g)
			}
		})
	}
}
