package mediation_test

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tiaojie/tiaojie/internal/auth"
	"github.com/tiaojie/tiaojie/internal/demo"
	"github.com/tiaojie/tiaojie/internal/intake"
	"github.com/tiaojie/tiaojie/internal/jobs"
	"github.com/tiaojie/tiaojie/internal/notify"
	"github.com/tiaojie/tiaojie/internal/notify/outboxtest"
	"github.com/tiaojie/tiaojie/internal/pii"
	"github.com/tiaojie/tiaojie/internal/platform"
	"github.com/tiaojie/tiaojie/internal/store"
	"github.com/tiaojie/tiaojie/internal/store/storetest"
)

// A session's notice is queued with the session; the day before, two
// instances sweeping at the same moment remind each party once.
func TestSessionRemindersOnceAcrossInstances(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			st := e.Open(t, true)
			sealer, err := pii.NewSealer(bytes.Repeat([]byte{5}, 32))
			if err != nil {
				t.Fatal(err)
			}
			if _, err := demo.Build(ctx, st, sealer, demo.Options{Cases: 0, Password: "test-pass"}); err != nil {
				t.Fatal(err)
			}
			// Two instances on one database, each working its own queue client.
			var svcs []*platform.Services
			for _, id := range []string{"one", "two"} {
				svc, err := platform.New(platform.Config{Store: st, Sealer: sealer, Log: slog.New(slog.NewTextHandler(io.Discard, nil)),
					Jobs: jobs.Config{Poll: 50 * time.Millisecond, ID: id}})
				if err != nil {
					t.Fatal(err)
				}
				if err := svc.Start(ctx); err != nil {
					t.Fatal(err)
				}
				t.Cleanup(func() {
					sctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
					defer cancel()
					if err := svc.Shutdown(sctx); err != nil {
						t.Error(err)
					}
				})
				svcs = append(svcs, svc)
			}
			svc := svcs[0]
			u, err := st.GetUserByUsername(ctx, "mediator01")
			if err != nil {
				t.Fatal(err)
			}
			me, err := svc.Auth.PrincipalFor(ctx, u)
			if err != nil {
				t.Fatal(err)
			}
			c := mediatingCase(t, svc, me, "13812340077")

			before := caseSMS(t, st, c)
			m, err := svc.Mediation.Schedule(ctx, me, c, "room", time.Now().Add(20*time.Hour), "陆家嘴调解室")
			if err != nil {
				t.Fatal(err)
			}
			// The two notices exist as soon as Schedule returns.
			if got := caseSMS(t, st, c); len(got)-len(before) != 2 || !strings.Contains(got[0].Body, "陆家嘴调解室") {
				t.Fatalf("notices queued with the session: %d", len(got)-len(before))
			}

			var wg sync.WaitGroup
			var mu sync.Mutex
			counted := 0
			for range 3 {
				for _, s := range svcs {
					wg.Add(1)
					go func() {
						defer wg.Done()
						n, err := s.Mediation.SweepReminders(ctx)
						if err != nil {
							t.Errorf("sweep: %v", err)
						}
						mu.Lock()
						counted += n
						mu.Unlock()
					}()
				}
			}
			wg.Wait()
			// The leader's own periodic sweep may have got there first.
			if counted > 1 {
				t.Fatalf("the session was reminded %d times", counted)
			}
			outboxtest.WaitAll(t, st)
			reminders := map[string]int{}
			for _, x := range caseSMS(t, st, c) {
				if strings.HasPrefix(strings.TrimPrefix(x.Body, "【人民调解】"), "提醒：") {
					if x.Status != notify.StatusSent {
						t.Fatalf("reminder %+v", x)
					}
					reminders[x.ToHash]++
				}
			}
			if len(reminders) != 2 || reminders[sealer.Hash("13812340077")] != 1 || reminders[sealer.Hash("13900000077")] != 1 {
				t.Fatalf("reminders per party %v, want one each", reminders)
			}
			ss, _ := st.ListSessions(ctx, store.SessionQuery{CaseID: c})
			if len(ss) != 1 || ss[0].ID != m.ID || ss[0].RemindedAt == nil {
				t.Fatalf("session %+v", ss)
			}
		})
	}
}

// mediatingCase registers a case with both parties' phones (the
// complainant's given) and takes it to mediating.
func mediatingCase(t *testing.T, svc *platform.Services, me *auth.Principal, phone string) int64 {
	t.Helper()
	ctx := context.Background()
	c, _, err := svc.Intake.Register(ctx, me, intake.Complaint{ComplainantName: "李秀兰", Phone: phone,
		MerchantName: "上海东岸名品家电销售有限公司", MerchantAddress: "浦东新区陆家嘴街道117号", Category: "商品-家用电器",
		ClaimAmountFen: 520000, Description: "投诉人购买的冰箱三个月内两次故障，经营者拒绝退换。", Claim: "要求退货退款5200元"}, "")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Intake.Decide(ctx, me, c.ID, intake.Decision{Accept: true}); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Consent.Request(ctx, me, c.ID, "13900000077"); err != nil {
		t.Fatal(err)
	}
	for _, party := range []string{"consumer", "merchant"} {
		if err := svc.Consent.Record(ctx, me, c.ID, party, true, false, "paper"); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := svc.Assignment.Assign(ctx, me, c.ID, me.UserID, 0); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Assignment.Start(ctx, me, c.ID); err != nil {
		t.Fatal(err)
	}
	return c.ID
}

// caseSMS lists the outbox rows of a case, newest first.
func caseSMS(t *testing.T, st store.Store, caseID int64) []store.OutboxEntry {
	t.Helper()
	es, err := st.ListOutbox(context.Background(), 1000)
	if err != nil {
		t.Fatal(err)
	}
	var out []store.OutboxEntry
	for _, e := range es {
		if e.CaseID == caseID {
			out = append(out, e)
		}
	}
	return out
}
