package agreement_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/tiaojie/tiaojie/internal/auth"
	"github.com/tiaojie/tiaojie/internal/demo"
	"github.com/tiaojie/tiaojie/internal/domain"
	"github.com/tiaojie/tiaojie/internal/intake"
	"github.com/tiaojie/tiaojie/internal/pii"
	"github.com/tiaojie/tiaojie/internal/platform"
	"github.com/tiaojie/tiaojie/internal/store"
	"github.com/tiaojie/tiaojie/internal/store/storetest"
)

// TestPerformedAndCommendationData: each "performed" event says which term
// of how many it was and what the consumer recovered, and a commendation
// event its kind, so evaluation counts 协议履行 and 锦旗/感谢信 from the events.
func TestPerformedAndCommendationData(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			st := e.Open(t, true)
			sealer, err := pii.NewSealer(bytes.Repeat([]byte{9}, 32))
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
			u, err := st.GetUserByUsername(ctx, "mediator01")
			if err != nil {
				t.Fatal(err)
			}
			me, err := svc.Auth.PrincipalFor(ctx, u)
			if err != nil {
				t.Fatal(err)
			}
			c := mediating(t, svc, me)
			deadline := time.Now().AddDate(0, 0, 10).In(time.FixedZone("CST", 8*3600)).Format("2006-01-02")
			if _, err := svc.Agreement.RecordOral(ctx, me, c.ID, domain.AgreementContent{Facts: c.Description, Responsibility: "经营者应承担相应责任",
				Terms: []domain.Term{
					{Party: "merchant", Content: "退还剩余预付款", AmountFen: 240000, Manner: "银行转账", Deadline: deadline},
					{Party: "consumer", Content: "退回赠品（价值50元）", AmountFen: 5000, Manner: "当面交付", Deadline: deadline},
					{Party: "merchant", Content: "补偿交通费", AmountFen: 20000, Manner: "银行转账", Deadline: deadline},
				}}); err != nil {
				t.Fatal(err)
			}
			for _, term := range []int{2, 0, 1} {
				if err := svc.Agreement.Perform(ctx, me, c.ID, term, "凭证"); err != nil {
					t.Fatalf("perform term %d: %v", term, err)
				}
			}
			for _, kind := range []string{"banner", "letter", "other"} {
				if _, err := svc.Agreement.RecordCommendation(ctx, me, c.ID, store.Commendation{Kind: kind, Giver: "consumer", Note: "感谢"}); err != nil {
					t.Fatal(err)
				}
			}
			evs, err := st.ListEvents(ctx, c.ID)
			if err != nil {
				t.Fatal(err)
			}
			type performed struct {
				RecoveredFen int64 `json:"recovered_fen"`
				Term         int   `json:"term"`
				Terms        int   `json:"terms"`
			}
			var got []performed
			var kinds []string
			for _, ev := range evs {
				switch ev.Type {
				case "performed":
					var p performed
					if err := json.Unmarshal([]byte(ev.Data), &p); err != nil {
						t.Fatalf("performed data %q: %v", ev.Data, err)
					}
					got = append(got, p)
				case "commendation":
					var d struct {
						Kind string `json:"kind"`
					}
					if err := json.Unmarshal([]byte(ev.Data), &d); err != nil {
						t.Fatalf("commendation data %q: %v", ev.Data, err)
					}
					kinds = append(kinds, d.Kind)
				}
			}
			want := []performed{{20000, 2, 3}, {240000, 0, 3}, {0, 1, 3}}
			if len(got) != len(want) {
				t.Fatalf("performed events %+v, want %+v", got, want)
			}
			for i := range want {
				if got[i] != want[i] {
					t.Fatalf("performed events %+v, want %+v", got, want)
				}
			}
			if len(kinds) != 3 || kinds[0] != "banner" || kinds[1] != "letter" || kinds[2] != "other" {
				t.Fatalf("commendation kinds %v", kinds)
			}
		})
	}
}

// mediating registers a complaint at the principal's room and takes it into mediation.
func mediating(t *testing.T, svc *platform.Services, me *auth.Principal) store.Case {
	t.Helper()
	ctx := context.Background()
	c, _, err := svc.Intake.Register(ctx, me, intake.Complaint{ComplainantName: "王志强", Phone: "13900000021",
		MerchantName: "上海世纪优学教育培训有限公司", MerchantAddress: "浦东新区陆家嘴街道134号", Category: "服务-教育培训",
		ClaimAmountFen: 260000, Description: "投诉人为子女报名培训课程后机构停课，协商退款未果。", Claim: "要求退还剩余学费2600元"}, "")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Intake.Decide(ctx, me, c.ID, intake.Decision{Accept: true}); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Consent.Request(ctx, me, c.ID, "13900000097"); err != nil {
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
	if c, err = svc.Assignment.Start(ctx, me, c.ID); err != nil {
		t.Fatal(err)
	}
	return c
}
