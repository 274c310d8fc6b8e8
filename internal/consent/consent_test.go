package consent_test

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/tiaojie/tiaojie/internal/auth"
	"github.com/tiaojie/tiaojie/internal/consent"
	"github.com/tiaojie/tiaojie/internal/deadline"
	"github.com/tiaojie/tiaojie/internal/domain"
	"github.com/tiaojie/tiaojie/internal/intake"
	"github.com/tiaojie/tiaojie/internal/notify"
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
			svc := &consent.Service{Store: st, Sealer: sealer, Now: clock, BaseURL: "https://tj.example",
				Sender: &notify.OutboxSender{Outbox: consent.Outbox{Store: st}, Hash: sealer.Hash, Log: slog.New(slog.NewTextHandler(io.Discard, nil)), Signature: "人民调解"}}
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
			outbox := func() []store.OutboxEntry { es, _ := st.ListOutbox(ctx, 50); return es }
			if n := len(outbox()); n != 2 {
				t.Fatalf("requests sent: %d", n)
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
