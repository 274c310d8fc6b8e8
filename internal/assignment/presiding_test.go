package assignment_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"testing"

	"github.com/tiaojie/tiaojie/internal/auth"
	"github.com/tiaojie/tiaojie/internal/demo"
	"github.com/tiaojie/tiaojie/internal/intake"
	"github.com/tiaojie/tiaojie/internal/pii"
	"github.com/tiaojie/tiaojie/internal/platform"
	"github.com/tiaojie/tiaojie/internal/store"
	"github.com/tiaojie/tiaojie/internal/store/storetest"
)

// TestAssignRecordsThePresidingMediator: the assign event names the
// presiding mediator by id, whoever chose them (evaluation attributes the
// case to them from the event log, also when rebuilding an earlier date).
func TestAssignRecordsThePresidingMediator(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			st := e.Open(t, true)
			sealer, err := pii.NewSealer(bytes.Repeat([]byte{3}, 32))
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
			consenting := func(phone string) store.Case {
				c, _, err := svc.Intake.Register(ctx, me, intake.Complaint{ComplainantName: "陈建华", Phone: phone,
					MerchantName: "上海浦江悦动健身有限公司", MerchantAddress: "浦东新区陆家嘴街道100号", Category: "服务-健身",
					ClaimAmountFen: 300000, Description: "投诉人办理健身年卡后门店停业，协商退款未果。", Claim: "要求退还剩余款项3000元"}, "")
				if err != nil {
					t.Fatal(err)
				}
				if _, err := svc.Intake.Decide(ctx, me, c.ID, intake.Decision{Accept: true}); err != nil {
					t.Fatal(err)
				}
				if _, err := svc.Consent.Request(ctx, me, c.ID, "13900000099"); err != nil {
					t.Fatal(err)
				}
				for _, party := range []string{"consumer", "merchant"} {
					if err := svc.Consent.Record(ctx, me, c.ID, party, true, false, "paper"); err != nil {
						t.Fatal(err)
					}
				}
				return c
			}
			lastAssign := func(caseID int64) int64 {
				evs, err := st.ListEvents(ctx, caseID)
				if err != nil {
					t.Fatal(err)
				}
				for i := len(evs) - 1; i >= 0; i-- {
					if evs[i].Type == "assign" {
						var d struct {
							MediatorID int64 `json:"mediator_id"`
						}
						if err := json.Unmarshal([]byte(evs[i].Data), &d); err != nil {
							t.Fatalf("assign data %q: %v", evs[i].Data, err)
						}
						return d.MediatorID
					}
				}
				t.Fatal("no assign event")
				return 0
			}

			// A mediator claims a case; the lead assigns one to somebody else; the room's rule chooses a third.
			c := consenting("13900000001")
			if got, err := svc.Assignment.Assign(ctx, me, c.ID, me.UserID, 0); err != nil || got.PresidingID != me.UserID {
				t.Fatalf("claim: %+v %v", got.PresidingID, err)
			}
			if id := lastAssign(c.ID); id != me.UserID {
				t.Fatalf("claimed case: assign event names mediator %d, want %d", id, me.UserID)
			}
			c = consenting("13900000002")
			if _, err := svc.Assignment.Assign(ctx, lead, c.ID, lead.UserID, 0); err != nil {
				t.Fatal(err)
			}
			if id := lastAssign(c.ID); id != lead.UserID {
				t.Fatalf("assigned case: assign event names %d, want the lead %d", id, lead.UserID)
			}
			c = consenting("13900000003")
			got, err := svc.Assignment.Assign(ctx, lead, c.ID, 0, 0)
			if err != nil {
				t.Fatal(err)
			}
			if id := lastAssign(c.ID); id == 0 || id != got.PresidingID {
				t.Fatalf("automatic assignment: event names %d, case presided by %d", id, got.PresidingID)
			}
		})
	}
}
