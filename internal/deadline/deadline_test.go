package deadline_test

import (
	"context"
	"errors"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/tiaojie/tiaojie/internal/calendar"
	"github.com/tiaojie/tiaojie/internal/deadline"
	"github.com/tiaojie/tiaojie/internal/domain"
	"github.com/tiaojie/tiaojie/internal/store"
	"github.com/tiaojie/tiaojie/internal/store/storetest"
)

var sh = calendar.Shanghai()

func date(y int, m time.Month, d int) calendar.Date { return calendar.Date{Year: y, Month: m, Day: d} }

// at is 10:00 in Shanghai on the given day.
func at(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 10, 0, 0, 0, sh) }

func ptr[T any](v T) *T { return &v }

func find(ds []calendar.Deadline, k calendar.ClockKind) (calendar.Deadline, bool) {
	for _, d := range ds {
		if d.Kind == k {
			return d, true
		}
	}
	return calendar.Deadline{}, false
}

func mustFind(t *testing.T, ds []calendar.Deadline, k calendar.ClockKind) calendar.Deadline {
	t.Helper()
	d, ok := find(ds, k)
	if !ok {
		t.Fatalf("no %s clock in %+v", k, ds)
	}
	return d
}

// pureRules is the built-in calendar (no overrides) with the default policies.
func pureRules() deadline.Rules {
	return deadline.Rules{Calendar: calendar.New(nil), Policies: calendar.DefaultPolicies()}
}

func TestEnsureDefaultPolicies(t *testing.T) {
	ctx := context.Background()
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			db := e.Open(t, true)
			if ps, err := db.ListPolicies(ctx); err != nil || len(ps) != 0 {
				t.Fatalf("fresh store policies: %+v %v", ps, err)
			}
			if err := deadline.EnsureDefaultPolicies(ctx, db); err != nil {
				t.Fatal(err)
			}
			first, err := db.ListPolicies(ctx)
			if err != nil {
				t.Fatal(err)
			}
			defaults := calendar.DefaultPolicies()
			if len(first) != len(defaults) {
				t.Fatalf("%d policies written, want %d", len(first), len(defaults))
			}
			byCode := map[string]store.Policy{}
			for _, p := range first {
				if p.ID == 0 {
					t.Errorf("policy %s has no id", p.Code)
				}
				byCode[p.Code] = p
			}
			for _, want := range defaults {
				got, ok := byCode[want.Code]
				if !ok {
					t.Errorf("policy %s not written", want.Code)
					continue
				}
				c := deadline.ToCalendar(got)
				c.ID = want.ID // the store assigns its own ids
				if c != want {
					t.Errorf("policy %s stored as %+v, want %+v", want.Code, c, want)
				}
			}

			// Idempotent: a second call writes nothing and keeps the ids.
			if err := deadline.EnsureDefaultPolicies(ctx, db); err != nil {
				t.Fatal(err)
			}
			second, _ := db.ListPolicies(ctx)
			if len(second) != len(first) {
				t.Fatalf("second call: %d policies", len(second))
			}
			for i := range first {
				if first[i] != second[i] {
					t.Errorf("second call changed %+v to %+v", first[i], second[i])
				}
			}

			// Load returns what is stored, ids included.
			rules, err := deadline.Load(ctx, db)
			if err != nil {
				t.Fatal(err)
			}
			if len(rules.Policies) != len(first) {
				t.Fatalf("Load: %d policies", len(rules.Policies))
			}
			for _, p := range rules.Policies {
				if p.ID != byCode[p.Code].ID {
					t.Errorf("Load: policy %s id %d, stored %d", p.Code, p.ID, byCode[p.Code].ID)
				}
			}
		})
	}
}

func TestEnsureDefaultPoliciesKeepsAdminPolicies(t *testing.T) {
	ctx := context.Background()
	src := &fakeSource{policies: []store.Policy{{ID: 5, Code: "local", Name: "本地规则", EffectiveFrom: "2024-01-01",
		AcceptanceWD: 5, MediationWD: 30, TerminationNoticeWD: 5, ODRNegotiationWD: 7, JudicialConfirmDays: 30, CommitteeTargetDays: 20}}}
	if err := deadline.EnsureDefaultPolicies(ctx, src); err != nil {
		t.Fatal(err)
	}
	if src.puts != 0 || len(src.policies) != 1 {
		t.Errorf("a non-empty table was seeded: %d puts", src.puts)
	}
	boom := errors.New("boom")
	if err := deadline.EnsureDefaultPolicies(ctx, &fakeSource{listErr: boom}); !errors.Is(err, boom) {
		t.Errorf("list error: %v", err)
	}
	if err := deadline.EnsureDefaultPolicies(ctx, &fakeSource{putErr: boom}); !errors.Is(err, boom) {
		t.Errorf("put error: %v", err)
	}
}

func TestPolicyConversionRoundTrip(t *testing.T) {
	for _, p := range calendar.DefaultPolicies() {
		sp := deadline.FromCalendar(p)
		if sp.EffectiveFrom != p.EffectiveFrom.String() || sp.ID != p.ID || sp.Code != p.Code || sp.MediationWD != p.MediationWD {
			t.Errorf("FromCalendar(%s) = %+v", p.Code, sp)
		}
		if back := deadline.ToCalendar(sp); back != p {
			t.Errorf("round trip %s: %+v != %+v", p.Code, back, p)
		}
	}
	sp := store.Policy{ID: 9, Code: "x", Name: "某规则", EffectiveFrom: "2030-02-28", AcceptanceWD: 1, MediationWD: 2,
		TerminationNoticeWD: 3, ODRNegotiationWD: 4, JudicialConfirmDays: 5, CommitteeTargetDays: 6}
	cp := deadline.ToCalendar(sp)
	if cp.EffectiveFrom != date(2030, 2, 28) || cp.AcceptanceWD != 1 || cp.CommitteeTargetDays != 6 {
		t.Errorf("ToCalendar = %+v", cp)
	}
	if back := deadline.FromCalendar(cp); back != sp {
		t.Errorf("round trip %+v != %+v", back, sp)
	}
}

// TestLoadOverrides checks that the admin's overrides reach the clocks.
func TestLoadOverrides(t *testing.T) {
	ctx := context.Background()
	c := store.Case{ReceivedAt: at(2026, 3, 2)} // Monday
	now := at(2026, 3, 3)
	accDue := func(t *testing.T, db store.Store) calendar.Date {
		t.Helper()
		rules, err := deadline.Load(ctx, db)
		if err != nil {
			t.Fatal(err)
		}
		return mustFind(t, rules.ForCase(c, nil, now), calendar.ClockAcceptance).Due
	}
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			db := e.Open(t, true)
			if err := deadline.EnsureDefaultPolicies(ctx, db); err != nil {
				t.Fatal(err)
			}
			// 3,4,5,6,9,10,11 March.
			if got := accDue(t, db); got != date(2026, 3, 11) {
				t.Fatalf("without overrides due %s, want 2026-03-11", got)
			}
			// Thursday 03-05 off: one working day later.
			if err := db.PutCalendarOverride(ctx, store.CalendarOverride{Date: "2026-03-05", Workday: false, Name: "临时停工"}); err != nil {
				t.Fatal(err)
			}
			if got := accDue(t, db); got != date(2026, 3, 12) {
				t.Errorf("with 03-05 off due %s, want 2026-03-12", got)
			}
			// Saturday 03-07 worked as well: back to 03-11.
			if err := db.PutCalendarOverride(ctx, store.CalendarOverride{Date: "2026-03-07", Workday: true, Name: "调休上班"}); err != nil {
				t.Fatal(err)
			}
			if got := accDue(t, db); got != date(2026, 3, 11) {
				t.Errorf("with 03-05 off and 03-07 worked due %s, want 2026-03-11", got)
			}
			rules, _ := deadline.Load(ctx, db)
			if w, reason := rules.Calendar.DayInfo(date(2026, 3, 5)); w || reason != "临时停工" {
				t.Errorf("03-05: workday %v reason %q", w, reason)
			}
			// An override can also cancel a statutory holiday (清明, Monday 04-06).
			if rules.Calendar.IsWorkday(date(2026, 4, 6)) {
				t.Fatal("2026-04-06 should be a holiday")
			}
			if err := db.PutCalendarOverride(ctx, store.CalendarOverride{Date: "2026-04-06", Workday: true, Name: "改为工作日"}); err != nil {
				t.Fatal(err)
			}
			rules, _ = deadline.Load(ctx, db)
			if !rules.Calendar.IsWorkday(date(2026, 4, 6)) {
				t.Error("override did not make 2026-04-06 a workday")
			}
			// Removing the overrides restores the schedule.
			for _, d := range []string{"2026-03-05", "2026-03-07", "2026-04-06"} {
				if err := db.DeleteCalendarOverride(ctx, d); err != nil {
					t.Fatal(err)
				}
			}
			if got := accDue(t, db); got != date(2026, 3, 11) {
				t.Errorf("after deleting overrides due %s, want 2026-03-11", got)
			}
		})
	}
}

// fakeSource is an in-memory deadline.Source.
type fakeSource struct {
	overrides       []store.CalendarOverride
	policies        []store.Policy
	listErr, putErr error
	overrideErr     error
	puts            int
}

func (f *fakeSource) ListCalendarOverrides(context.Context) ([]store.CalendarOverride, error) {
	return f.overrides, f.overrideErr
}
func (f *fakeSource) ListPolicies(context.Context) ([]store.Policy, error) {
	return f.policies, f.listErr
}
func (f *fakeSource) PutPolicy(_ context.Context, p *store.Policy) error {
	if f.putErr != nil {
		return f.putErr
	}
	f.puts++
	p.ID = int64(len(f.policies) + 1)
	f.policies = append(f.policies, *p)
	return nil
}

func TestLoadWithoutStoredPoliciesAndBadRows(t *testing.T) {
	ctx := context.Background()
	src := &fakeSource{overrides: []store.CalendarOverride{
		{Date: "not a date", Workday: false, Name: "坏数据"},
		{Date: "2026-03-05", Workday: false, Name: "临时停工"},
	}}
	rules, err := deadline.Load(ctx, src)
	if err != nil {
		t.Fatal(err)
	}
	if len(rules.Policies) != 2 || rules.Policies[0].Code != "2019" || rules.Policies[1].Code != "samr121" {
		t.Errorf("without stored policies: %+v, want the defaults", rules.Policies)
	}
	if rules.Calendar.IsWorkday(date(2026, 3, 5)) {
		t.Error("the valid override after a bad row was dropped")
	}
	boom := errors.New("boom")
	if _, err := deadline.Load(ctx, &fakeSource{overrideErr: boom}); !errors.Is(err, boom) {
		t.Errorf("override error: %v", err)
	}
	if _, err := deadline.Load(ctx, &fakeSource{listErr: boom}); !errors.Is(err, boom) {
		t.Errorf("policy error: %v", err)
	}
}

func ev(action domain.Action, t time.Time) store.Event {
	return store.Event{Type: string(action), At: t}
}

func TestFacts(t *testing.T) {
	received, accepted := at(2026, 3, 2), at(2026, 3, 4)
	base := store.Case{ReceivedAt: received, AcceptedAt: &accepted, DecidedAt: &accepted}

	t.Run("row only", func(t *testing.T) {
		f := deadline.Facts(store.Case{ReceivedAt: received}, nil)
		if f.ReceivedAt != date(2026, 3, 2) || f.AcceptedAt != nil || f.Decided || f.DecidedAt != nil || len(f.Pauses) != 0 {
			t.Errorf("received case facts %+v", f)
		}
		f = deadline.Facts(base, nil)
		if f.AcceptedAt == nil || *f.AcceptedAt != date(2026, 3, 4) || !f.Decided || *f.DecidedAt != date(2026, 3, 4) {
			t.Errorf("accepted case facts %+v", f)
		}
		rejectedAt := at(2026, 3, 3)
		f = deadline.Facts(store.Case{ReceivedAt: received, DecidedAt: &rejectedAt}, nil)
		if f.AcceptedAt != nil || !f.Decided || *f.DecidedAt != date(2026, 3, 3) {
			t.Errorf("rejected case facts %+v", f)
		}
	})

	t.Run("dates are Shanghai days", func(t *testing.T) {
		// 16:30 UTC on 03-01 is 00:30 on Monday 03-02 in Shanghai.
		f := deadline.Facts(store.Case{ReceivedAt: time.Date(2026, 3, 1, 16, 30, 0, 0, time.UTC)},
			[]store.Event{ev(domain.ActionSuspend, time.Date(2026, 3, 9, 16, 30, 0, 0, time.UTC))})
		if f.ReceivedAt != date(2026, 3, 2) || len(f.Pauses) != 1 || f.Pauses[0].From != date(2026, 3, 10) {
			t.Errorf("facts %+v", f)
		}
	})

	t.Run("suspend and resume", func(t *testing.T) {
		f := deadline.Facts(base, []store.Event{
			{Type: "received", At: received},
			ev(domain.ActionAccept, accepted),
			ev(domain.ActionSuspend, at(2026, 3, 10)),
			{Type: "note", At: at(2026, 3, 12)},
			ev(domain.ActionResume, at(2026, 3, 17)),
		})
		if len(f.Pauses) != 1 || f.Pauses[0].From != date(2026, 3, 10) || f.Pauses[0].To == nil || *f.Pauses[0].To != date(2026, 3, 17) {
			t.Errorf("pauses %+v", f.Pauses)
		}
		if f.MediationEndedAt != nil || f.TerminatedAt != nil || f.EffectiveAt != nil || f.ODRStartedAt != nil {
			t.Errorf("unrelated facts set: %+v", f)
		}
	})

	t.Run("two suspensions, the second open", func(t *testing.T) {
		f := deadline.Facts(base, []store.Event{
			ev(domain.ActionSuspend, at(2026, 3, 10)),
			ev(domain.ActionResume, at(2026, 3, 17)),
			ev(domain.ActionSuspend, at(2026, 3, 20)),
		})
		if len(f.Pauses) != 2 || f.Pauses[0].To == nil || f.Pauses[1].From != date(2026, 3, 20) || f.Pauses[1].To != nil {
			t.Errorf("pauses %+v", f.Pauses)
		}
	})

	t.Run("resume without suspend is ignored", func(t *testing.T) {
		f := deadline.Facts(base, []store.Event{ev(domain.ActionResume, at(2026, 3, 17))})
		if len(f.Pauses) != 0 {
			t.Errorf("pauses %+v", f.Pauses)
		}
	})

	t.Run("terminate", func(t *testing.T) {
		f := deadline.Facts(base, []store.Event{
			ev(domain.ActionTerminate, at(2026, 4, 1)),
			{Type: "termination_notice_sent", At: at(2026, 4, 3)},
		})
		if f.TerminatedAt == nil || *f.TerminatedAt != date(2026, 4, 1) || f.MediationEndedAt == nil ||
			*f.MediationEndedAt != date(2026, 4, 1) || f.NoticeSentAt == nil || *f.NoticeSentAt != date(2026, 4, 3) {
			t.Errorf("facts %+v", f)
		}
	})

	t.Run("agreement and performance", func(t *testing.T) {
		f := deadline.Facts(base, []store.Event{
			ev(domain.ActionReachAgreement, at(2026, 3, 20)),
			ev(domain.ActionStartPerformance, at(2026, 3, 23)),
			{Type: "judicial_applied", At: at(2026, 4, 2)},
		})
		if f.MediationEndedAt == nil || *f.MediationEndedAt != date(2026, 3, 20) || f.TerminatedAt != nil ||
			f.EffectiveAt == nil || *f.EffectiveAt != date(2026, 3, 23) || f.JudicialAppliedAt == nil || *f.JudicialAppliedAt != date(2026, 4, 2) {
			t.Errorf("facts %+v", f)
		}
	})

	t.Run("withdraw ends mediation", func(t *testing.T) {
		f := deadline.Facts(base, []store.Event{ev(domain.ActionWithdraw, at(2026, 3, 20))})
		if f.MediationEndedAt == nil || *f.MediationEndedAt != date(2026, 3, 20) || f.TerminatedAt != nil {
			t.Errorf("facts %+v", f)
		}
	})

	t.Run("ODR start and fail", func(t *testing.T) {
		f := deadline.Facts(base, []store.Event{
			ev(domain.ActionStartODR, at(2026, 3, 5)),
			ev(domain.ActionODRFailed, at(2026, 3, 16)),
		})
		if f.ODRStartedAt == nil || *f.ODRStartedAt != date(2026, 3, 5) || f.ODREndedAt == nil || *f.ODREndedAt != date(2026, 3, 16) {
			t.Errorf("facts %+v", f)
		}
		if f.MediationEndedAt != nil {
			t.Error("a failed ODR negotiation must not end mediation")
		}
		f = deadline.Facts(base, []store.Event{ev(domain.ActionStartODR, at(2026, 3, 5)), ev(domain.ActionODRSettled, at(2026, 3, 9))})
		if f.ODREndedAt == nil || *f.ODREndedAt != date(2026, 3, 9) {
			t.Errorf("settled ODR facts %+v", f)
		}
		f = deadline.Facts(base, []store.Event{ev(domain.ActionStartODR, at(2026, 3, 5))})
		if f.ODRStartedAt == nil || f.ODREndedAt != nil {
			t.Errorf("running ODR facts %+v", f)
		}
	})
}

// TestForCaseSuspensionExtendsMediation: a mediation clock suspended for N
// working days is due exactly N working days later.
func TestForCaseSuspensionExtendsMediation(t *testing.T) {
	r := pureRules()
	accepted := at(2026, 3, 2)
	c := store.Case{ReceivedAt: accepted, AcceptedAt: &accepted, DecidedAt: &accepted}
	now := at(2026, 3, 20)

	plain := mustFind(t, r.ForCase(c, nil, now), calendar.ClockMediation)
	// By hand: 45 working days after Monday 03-02, skipping 清明 (04-06) and
	// 劳动节 (05-01, 05-04, 05-05), end on Friday 2026-05-08.
	if plain.Due != date(2026, 5, 8) || !plain.Running || plain.Paused {
		t.Fatalf("unsuspended mediation clock %+v", plain)
	}

	// Suspended Tuesday 03-10, resumed Tuesday 03-17: the suspended working
	// days are 11, 12, 13, 16 and 17 March (the day of suspension still counts).
	events := []store.Event{ev(domain.ActionSuspend, at(2026, 3, 10)), ev(domain.ActionResume, at(2026, 3, 17))}
	const n = 5
	got := mustFind(t, r.ForCase(c, events, now), calendar.ClockMediation)
	want := r.Calendar.AddWorkdays(plain.Due, n)
	// By hand: 5 working days after 05-08 are Saturday 05-09 (a make-up
	// workday), 05-11, 05-12, 05-13 and 05-14.
	if want != date(2026, 5, 14) {
		t.Fatalf("test arithmetic: AddWorkdays(05-08, 5) = %s", want)
	}
	if got.Due != want {
		t.Errorf("suspended 5 WD: due %s, want %s", got.Due, want)
	}
	if got.Paused {
		t.Error("a resumed suspension is reported as paused")
	}
	// The committee target is in calendar days and is not extended.
	if a, b := mustFind(t, r.ForCase(c, nil, now), calendar.ClockCommitteeTarget), mustFind(t, r.ForCase(c, events, now), calendar.ClockCommitteeTarget); a.Due != b.Due {
		t.Errorf("committee target moved from %s to %s", a.Due, b.Due)
	}

	// Still suspended on 03-17: the open pause counts up to today, so the
	// due date is the same and the clock shows as paused.
	open := mustFind(t, r.ForCase(c, events[:1], at(2026, 3, 17)), calendar.ClockMediation)
	if open.Due != want || !open.Paused || !open.Running {
		t.Errorf("open suspension on 03-17: %+v", open)
	}
	// A day later the open pause has grown by one working day.
	open = mustFind(t, r.ForCase(c, events[:1], at(2026, 3, 18)), calendar.ClockMediation)
	if open.Due != r.Calendar.AddWorkdays(want, 1) {
		t.Errorf("open suspension on 03-18: due %s, want %s", open.Due, r.Calendar.AddWorkdays(want, 1))
	}

	// A suspension over a weekend only: from Friday 03-06 to Sunday 03-08
	// covers no working day and does not move the clock.
	weekend := []store.Event{ev(domain.ActionSuspend, at(2026, 3, 6)), ev(domain.ActionResume, at(2026, 3, 8))}
	if got := mustFind(t, r.ForCase(c, weekend, now), calendar.ClockMediation); got.Due != plain.Due {
		t.Errorf("weekend suspension moved due to %s", got.Due)
	}

	// A suspension that ended mediation (terminated while suspended) stops
	// counting when the clock stopped.
	term := []store.Event{ev(domain.ActionSuspend, at(2026, 3, 10)), ev(domain.ActionTerminate, at(2026, 3, 17))}
	got = mustFind(t, r.ForCase(c, term, at(2026, 4, 30)), calendar.ClockMediation)
	if got.Due != want || got.Running || got.StoppedAt == nil || *got.StoppedAt != date(2026, 3, 17) {
		t.Errorf("terminated while suspended: %+v", got)
	}
}

// TestForCaseStoppedClockNotExtendedLater: a suspension that starts after a
// clock stopped must not move that clock's due date nor explain it as extended.
func TestForCaseStoppedClockNotExtendedLater(t *testing.T) {
	r := pureRules()
	received, accepted := at(2026, 3, 2), at(2026, 3, 3) // acceptance decided the next day
	c := store.Case{ReceivedAt: received, AcceptedAt: &accepted, DecidedAt: &accepted}
	now := at(2026, 3, 20)

	before := mustFind(t, r.ForCase(c, nil, now), calendar.ClockAcceptance)
	if before.Due != date(2026, 3, 11) || before.Running || before.Met == nil || !*before.Met {
		t.Fatalf("acceptance clock without suspension: %+v", before)
	}
	// Suspended after acceptance, Wednesday 03-04 to Tuesday 03-10.
	events := []store.Event{ev(domain.ActionSuspend, at(2026, 3, 4)), ev(domain.ActionResume, at(2026, 3, 10))}
	after := mustFind(t, r.ForCase(c, events, now), calendar.ClockAcceptance)
	if after.Met == nil || !*after.Met {
		t.Errorf("acceptance verdict changed: %+v", after)
	}
	if after.Due != before.Due {
		t.Errorf("a suspension after the acceptance decision moved the stopped acceptance clock from %s to %s (%s)",
			before.Due, after.Due, after.Explain)
	}
}

func TestPolicyFor(t *testing.T) {
	r := pureRules()
	// Use store-like ids distinct from the built-in ones.
	r.Policies[0].ID, r.Policies[1].ID = 11, 12
	tests := []struct {
		name     string
		received time.Time
		policyID int64
		want     string
	}{
		{"received 2026-04-14", at(2026, 4, 14), 0, "2019"},
		{"received 2026-04-15", at(2026, 4, 15), 0, "samr121"},
		{"late evening 04-14 in Shanghai", time.Date(2026, 4, 14, 23, 59, 0, 0, sh), 0, "2019"},
		{"00:30 on 04-15 in Shanghai (still 04-14 in UTC)", time.Date(2026, 4, 14, 16, 30, 0, 0, time.UTC), 0, "samr121"},
		{"before any policy", at(2019, 6, 1), 0, "2019"},
		{"accepted under 2019, received after", at(2026, 5, 1), 11, "2019"},
		{"accepted under samr121, received before", at(2026, 4, 1), 12, "samr121"},
		{"unknown policy id falls back to the received date", at(2026, 5, 1), 99, "samr121"},
	}
	for _, tc := range tests {
		c := store.Case{ReceivedAt: tc.received, PolicyID: tc.policyID}
		if got := r.PolicyFor(c); got.Code != tc.want {
			t.Errorf("%s: policy %s, want %s", tc.name, got.Code, tc.want)
		}
	}

	// The clocks use the chosen policy's numbers.
	custom := pureRules()
	custom.Policies[1].AcceptanceWD = 3
	c := store.Case{ReceivedAt: at(2026, 4, 20)} // Monday, under samr121
	if d := mustFind(t, custom.ForCase(c, nil, at(2026, 4, 20)), calendar.ClockAcceptance); d.Length != 3 || d.Due != date(2026, 4, 23) {
		t.Errorf("custom samr121 acceptance: %+v", d)
	}
	c.ReceivedAt = at(2026, 4, 13)
	if d := mustFind(t, custom.ForCase(c, nil, at(2026, 4, 13)), calendar.ClockAcceptance); d.Length != 7 {
		t.Errorf("2019 acceptance length %d", d.Length)
	}
}

func TestForCaseClocksFromEvents(t *testing.T) {
	r := pureRules()
	accepted := at(2026, 3, 2)
	c := store.Case{ReceivedAt: accepted, AcceptedAt: &accepted, DecidedAt: &accepted}

	// ODR negotiation: 10 working days from Tuesday 03-03 is 03-17.
	ds := r.ForCase(c, []store.Event{ev(domain.ActionStartODR, at(2026, 3, 3))}, at(2026, 3, 5))
	odr := mustFind(t, ds, calendar.ClockODR)
	if odr.Due != date(2026, 3, 17) || !odr.Running {
		t.Errorf("ODR clock %+v", odr)
	}
	ds = r.ForCase(c, []store.Event{ev(domain.ActionStartODR, at(2026, 3, 3)), ev(domain.ActionODRFailed, at(2026, 3, 18))}, at(2026, 3, 20))
	odr = mustFind(t, ds, calendar.ClockODR)
	if odr.Running || odr.Met == nil || *odr.Met {
		t.Errorf("ODR failed a day late: %+v", odr)
	}

	// Termination notice: 7 working days from Wednesday 04-01 skip 清明
	// (04-06): 04-02, 03, 07, 08, 09, 10, 13.
	ds = r.ForCase(c, []store.Event{ev(domain.ActionTerminate, at(2026, 4, 1))}, at(2026, 4, 2))
	if n := mustFind(t, ds, calendar.ClockTerminationNotice); n.Due != date(2026, 4, 13) || !n.Running {
		t.Errorf("termination notice clock %+v", n)
	}
	if m := mustFind(t, ds, calendar.ClockMediation); m.Running || m.Met == nil || !*m.Met {
		t.Errorf("mediation after termination %+v", m)
	}

	// Judicial confirmation: 30 calendar days after the agreement took effect.
	ds = r.ForCase(c, []store.Event{ev(domain.ActionReachAgreement, at(2026, 3, 20)), ev(domain.ActionStartPerformance, at(2026, 3, 23))}, at(2026, 3, 24))
	if j := mustFind(t, ds, calendar.ClockJudicialConfirmation); j.Due != date(2026, 4, 22) || j.WorkingDays || !j.Running {
		t.Errorf("judicial confirmation clock %+v", j)
	}
	if _, ok := find(ds, calendar.ClockTerminationNotice); ok {
		t.Error("an agreed case has a termination notice clock")
	}
}

// The clock lists read only the events of store.ClockEventTypes (from an
// index of those alone): every other event type must leave a case's clock
// facts as they are, whatever came before it.
func TestFactsReadOnlyClockEventTypes(t *testing.T) {
	others := []string{"received", "performed", "agreement_signed", "judicial_accepted", "judicial_confirmed", "judicial_rejected",
		"recusal_granted", "recusal_refused", "commendation", "session_scheduled", "test", "termination_notice_sent", "judicial_applied"}
	for _, a := range domain.Actions {
		others = append(others, string(a))
	}
	c := store.Case{ReceivedAt: at(2026, 3, 2), AcceptedAt: ptr(at(2026, 3, 3))}
	before := []store.Event{{Type: string(domain.ActionSuspend), At: at(2026, 3, 5)}}
	for _, typ := range others {
		if slices.Contains(store.ClockEventTypes, typ) {
			continue
		}
		for _, prior := range [][]store.Event{nil, before} {
			with := append(slices.Clone(prior), store.Event{Type: typ, At: at(2026, 3, 9)})
			if got, want := deadline.Facts(c, with), deadline.Facts(c, prior); !reflect.DeepEqual(got, want) {
				t.Errorf("event %q changes the clock facts (%+v, without it %+v): add it to store.ClockEventTypes and the index", typ, got, want)
			}
		}
	}
	// And each listed type is one Facts reads (the list holds no stale entry).
	for _, typ := range store.ClockEventTypes {
		with := append(slices.Clone(before), store.Event{Type: typ, At: at(2026, 3, 9)})
		if typ == string(domain.ActionSuspend) {
			with = []store.Event{{Type: typ, At: at(2026, 3, 9)}}
			before = nil
		}
		if reflect.DeepEqual(deadline.Facts(c, with), deadline.Facts(c, before)) {
			t.Errorf("event %q does not change the clock facts", typ)
		}
		before = []store.Event{{Type: string(domain.ActionSuspend), At: at(2026, 3, 5)}}
	}
}
