package consent_test

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tiaojie/tiaojie/internal/auth"
	"github.com/tiaojie/tiaojie/internal/consent"
	"github.com/tiaojie/tiaojie/internal/deadline"
	"github.com/tiaojie/tiaojie/internal/domain"
	"github.com/tiaojie/tiaojie/internal/intake"
	"github.com/tiaojie/tiaojie/internal/notify"
	"github.com/tiaojie/tiaojie/internal/notify/outboxtest"
	"github.com/tiaojie/tiaojie/internal/pii"
	"github.com/tiaojie/tiaojie/internal/store"
	"github.com/tiaojie/tiaojie/internal/store/storetest"
)

// Unanswered requests are reminded after two days (with a link that still
// works) and escalated to the mediator after four.
func TestRemindAndEscalate(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			ctx := context.Background()
			st := e.Open(t, true)
			deadline.EnsureDefaultPolicies(ctx, st)
			sealer, _ := pii.NewSealer(bytes.Repeat([]byte{4}, 32))
			now := time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)
			clock := func() time.Time { return now }
			city := store.OrgUnit{Kind: domain.OrgCity, Code: "sh", Name: "上海市"}
			st.CreateOrgUnit(ctx, &city)
			d := store.OrgUnit{ParentID: city.ID, Kind: domain.OrgDistrict, Code: "pd", Name: "浦东新区"}
			st.CreateOrgUnit(ctx, &d)
			cmt := store.OrgUnit{ParentID: d.ID, Kind: domain.OrgCommittee, Code: "c", Name: "调委会", Abbr: "浦"}
			st.CreateOrgUnit(ctx, &cmt)
			p := &auth.Principal{UserID: 1, DisplayName: "调解员", Bindings: []store.Binding{{Role: domain.RoleCommittee, OrgID: cmt.ID, OrgPath: cmt.Path}}}
			in := &intake.Service{Store: st, Sealer: sealer, Now: clock}
			sms, _ := outboxtest.Start(t, st, sealer, outboxtest.Options{})
			svc := &consent.Service{Store: st, Sealer: sealer, Now: clock, BaseURL: "https://tj.example", Sender: sms}
			c, _, err := in.Register(ctx, p, intake.Complaint{ComplainantName: "王芳", Phone: "13812345678", MerchantName: "上海某某有限公司",
				MerchantAddress: "浦东新区花木街道1号", Category: "服务-健身", Description: "健身房闭店，预付卡余额无法退还。"}, "")
			if err != nil {
				t.Fatal(err)
			}
			in.Decide(ctx, p, c.ID, intake.Decision{Accept: true})
			if _, err := svc.Request(ctx, p, c.ID, ""); err == nil {
				t.Fatal("request without the merchant's phone")
			}
			if _, err := svc.Request(ctx, p, c.ID, "13700001111"); err != nil {
				t.Fatal(err)
			}
			// The texts as the parties receive them (the rows show links masked).
			outbox := func() []store.OutboxEntry { es, _ := outboxtest.Texts(ctx, st, sealer, "人民调解", 50); return es }
			if n := len(outbox()); n != 2 {
				t.Fatalf("requests queued: %d", n)
			}
			// Queued with the request, then delivered by the worker.
			for _, e := range outboxtest.WaitAll(t, st) {
				if e.Status != notify.StatusSent || e.Kind != "consent_request" {
					t.Fatalf("request SMS %+v", e)
				}
			}
			now = now.Add(24 * time.Hour)
			if r, e, _ := svc.Sweep(ctx); r != 0 || e != 0 {
				t.Fatalf("too early: %d %d", r, e)
			}
			now = now.Add(25 * time.Hour)
			if r, e, err := svc.Sweep(ctx); r != 2 || e != 0 || err != nil {
				t.Fatalf("reminders: %d %d %v", r, e, err)
			}
			es := outbox()
			if !strings.Contains(es[0].Body, "提醒") || !strings.Contains(es[0].Body, "https://tj.example/consent/") {
				t.Fatalf("reminder text: %s", es[0].Body)
			}
			// The reminder's link is the same working link.
			link := es[0].Body[strings.Index(es[0].Body, "/consent/")+len("/consent/"):]
			link = strings.Fields(link)[0]
			if _, err := svc.ByToken(ctx, link); err != nil {
				t.Fatalf("reminder link: %v", err)
			}
			if r, _, _ := svc.Sweep(ctx); r != 0 {
				t.Fatal("reminded twice")
			}
			// The one who answers is out of the sweep; the other is escalated.
			if _, err := svc.Answer(ctx, link, true, true, 0); err != nil {
				t.Fatal(err)
			}
			now = now.Add(48 * time.Hour)
			if r, e, err := svc.Sweep(ctx); r != 0 || e != 1 || err != nil {
				t.Fatalf("escalation: %d %d %v", r, e, err)
			}
			evs, _ := st.ListEvents(ctx, c.ID)
			if last := evs[len(evs)-1]; last.Type != "consent_escalated" || !strings.Contains(last.Note, "请调解员电话联系") {
				t.Fatalf("escalation event: %+v", last)
			}
			if _, e, _ := svc.Sweep(ctx); e != 0 {
				t.Fatal("escalated twice")
			}
		})
	}
}

// Two instances sweep the same database at the same moment (the leader
// moved, or a sweep re-ran after a crash): each party is reminded once.
func TestSweepsRacing(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			st := e.Open(t, true)
			deadline.EnsureDefaultPolicies(ctx, st)
			sealer, _ := pii.NewSealer(bytes.Repeat([]byte{4}, 32))
			now := time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)
			clock := func() time.Time { return now }
			city := store.OrgUnit{Kind: domain.OrgCity, Code: "sh", Name: "上海市"}
			st.CreateOrgUnit(ctx, &city)
			d := store.OrgUnit{ParentID: city.ID, Kind: domain.OrgDistrict, Code: "pd", Name: "浦东新区"}
			st.CreateOrgUnit(ctx, &d)
			cmt := store.OrgUnit{ParentID: d.ID, Kind: domain.OrgCommittee, Code: "c", Name: "调委会", Abbr: "浦"}
			st.CreateOrgUnit(ctx, &cmt)
			p := &auth.Principal{UserID: 1, DisplayName: "调解员", Bindings: []store.Binding{{Role: domain.RoleCommittee, OrgID: cmt.ID, OrgPath: cmt.Path}}}
			in := &intake.Service{Store: st, Sealer: sealer, Now: clock}
			// Two instances: each its own queue and service on the one database.
			var svcs []*consent.Service
			for _, id := range []string{"one", "two"} {
				sms, _ := outboxtest.Start(t, st, sealer, outboxtest.Options{ID: id})
				svcs = append(svcs, &consent.Service{Store: st, Sealer: sealer, Now: clock, BaseURL: "https://tj.example", Sender: sms})
			}
			const cases = 3
			for i := range cases {
				c, _, err := in.Register(ctx, p, intake.Complaint{ComplainantName: "王芳", Phone: fmt.Sprintf("1381234%04d", i), MerchantName: "上海某某有限公司",
					MerchantAddress: "浦东新区花木街道1号", Category: "服务-健身", Description: "健身房闭店，预付卡余额无法退还。"}, "")
				if err != nil {
					t.Fatal(err)
				}
				if _, err := in.Decide(ctx, p, c.ID, intake.Decision{Accept: true}); err != nil {
					t.Fatal(err)
				}
				if _, err := svcs[i%2].Request(ctx, p, c.ID, fmt.Sprintf("1370000%04d", i)); err != nil {
					t.Fatal(err)
				}
			}
			now = now.Add(50 * time.Hour)
			var wg sync.WaitGroup
			var mu sync.Mutex
			total := 0
			for round := range 3 {
				for _, svc := range svcs {
					wg.Add(1)
					go func() {
						defer wg.Done()
						r, _, err := svc.Sweep(ctx)
						if err != nil {
							t.Errorf("sweep round %d: %v", round, err)
						}
						mu.Lock()
						total += r
						mu.Unlock()
					}()
				}
			}
			wg.Wait()
			if total != 2*cases {
				t.Fatalf("sweeps counted %d reminders, want %d", total, 2*cases)
			}
			perPhone := map[string]int{}
			for _, e := range outboxtest.WaitAll(t, st) {
				if e.Kind == "consent_reminder" {
					if e.Status != notify.StatusSent {
						t.Fatalf("reminder %+v", e)
					}
					perPhone[e.ToHash]++
				}
			}
			if len(perPhone) != 2*cases {
				t.Fatalf("reminded %d parties, want %d", len(perPhone), 2*cases)
			}
			for h, n := range perPhone {
				if n != 1 {
					t.Fatalf("party %s reminded %d times", h, n)
				}
			}
		})
	}
}
