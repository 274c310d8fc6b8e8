package mediation_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"testing"

	"github.com/tiaojie/tiaojie/internal/auth"
	"github.com/tiaojie/tiaojie/internal/demo"
	"github.com/tiaojie/tiaojie/internal/domain"
	"github.com/tiaojie/tiaojie/internal/pii"
	"github.com/tiaojie/tiaojie/internal/platform"
	"github.com/tiaojie/tiaojie/internal/store/storetest"
)

// TestRecusalGrantedNamesTheSuccessor: a granted recusal records the id of
// the mediator who takes the case over (evaluation attributes the case to
// the successor from the event log); a refused one names nobody.
func TestRecusalGrantedNamesTheSuccessor(t *testing.T) {
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
			svc, err := platform.New(platform.Config{Store: st, Sealer: sealer, Log: slog.New(slog.NewTextHandler(io.Discard, nil))})
			if err != nil {
				t.Fatal(err)
			}
			principal := func(name string) *auth.Principal {
				u, err := st.GetUserByUsername(ctx, name)
				if err != nil {
					t.Fatal(err)
				}
				p, err := svc.Auth.PrincipalFor(ctx, u)
				if err != nil {
					t.Fatal(err)
				}
				return p
			}
			me, lead := principal("mediator01"), principal("room_lead01")
			mediating := func(phone string) int64 {
				id := mediatingCase(t, svc, me, phone)
				if _, err := svc.Mediation.RequestRecusal(ctx, me, id, "merchant", "调解员与消费者系亲属"); err != nil {
					t.Fatal(err)
				}
				return id
			}
			data := func(caseID int64, typ string) (string, bool) {
				evs, err := st.ListEvents(ctx, caseID)
				if err != nil {
					t.Fatal(err)
				}
				for _, ev := range evs {
					if ev.Type == typ {
						return ev.Data, true
					}
				}
				return "", false
			}

			id := mediating("13900000011")
			c, err := svc.Mediation.DecideRecusal(ctx, lead, id, true, lead.UserID, "")
			if err != nil {
				t.Fatal(err)
			}
			if c.PresidingID != lead.UserID || c.Status != domain.StatusMediating {
				t.Fatalf("after the recusal: %s presided by %d", c.Status, c.PresidingID)
			}
			raw, ok := data(id, "recusal_granted")
			var d struct {
				MediatorID int64 `json:"mediator_id"`
			}
			if !ok || json.Unmarshal([]byte(raw), &d) != nil || d.MediatorID != lead.UserID {
				t.Fatalf("recusal_granted data %q, want mediator_id %d", raw, lead.UserID)
			}

			id = mediating("13900000012")
			if _, err := svc.Mediation.DecideRecusal(ctx, lead, id, false, 0, "理由不成立"); err != nil {
				t.Fatal(err)
			}
			if raw, ok := data(id, "recusal_refused"); !ok || bytes.Contains([]byte(raw), []byte("mediator_id")) {
				t.Fatalf("recusal_refused data %q (found %v): a refusal changes nobody", raw, ok)
			}
		})
	}
}
