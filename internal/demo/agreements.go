package demo

import (
	"context"
	"fmt"
	"time"

	"github.com/tiaojie/tiaojie/internal/domain"
	"github.com/tiaojie/tiaojie/internal/store"
)

// plannedAgreement is what a synthetic history says about its oral
// agreement; it becomes the case's agreement row (and follow-up record) once
// the case is stored, so the case page never finds an agreed case without one.
type plannedAgreement struct {
	reached      time.Time
	fen          int64
	by           int64 // the mediator who recorded it
	paid         *time.Time
	followUp     *time.Time
	satisfaction int
	facts        string
}

// caseKey identifies a generated case among the stored ones: the receipt
// minute, the consumer, the merchant and the claim never repeat in practice.
func caseKey(received time.Time, consumer string, merchantID, claimFen int64) string {
	return fmt.Sprintf("%d|%s|%d|%d", received.Unix(), consumer, merchantID, claimFen)
}

func keyOfNew(nc store.NewCase) string {
	var consumer string
	for _, p := range nc.Parties {
		if p.Kind == "consumer" {
			consumer = p.Name
		}
	}
	return caseKey(nc.ReceivedAt, consumer, nc.MerchantID, nc.ClaimFen)
}

// row is the agreement as agreement.RecordOral and agreement.Perform would
// have stored it.
func (a *plannedAgreement) row(caseID int64) store.Agreement {
	effective := a.reached.Add(time.Minute)
	t := domain.Term{Party: "merchant", Content: "一次性支付申请人款项", AmountFen: a.fen, Manner: "银行转账",
		Deadline: a.reached.AddDate(0, 0, 10).In(cst).Format("2006-01-02")}
	if a.paid != nil {
		t.PerformedAt, t.Proof = a.paid.In(cst).Format("2006-01-02"), "银行转账回单"
	}
	return store.Agreement{CaseID: caseID, Kind: "oral", Facts: a.facts, Responsibility: "经营者对所售商品或服务承担相应责任",
		Terms: []domain.Term{t}, EffectiveAt: &effective, CreatedBy: a.by, Created: a.reached}
}

// storeAgreements writes the agreement (and follow-up) of each agreed case
// of a batch just written. The batch's cases are found by their receipt
// window and matched by caseKey.
func storeAgreements(ctx context.Context, st store.Store, batch []store.BulkCase, planned []*plannedAgreement) error {
	want := map[string][]*plannedAgreement{}
	var from, to time.Time
	for i, bc := range batch {
		if planned[i] == nil {
			continue
		}
		k := keyOfNew(bc.New)
		want[k] = append(want[k], planned[i])
		if from.IsZero() || bc.New.ReceivedAt.Before(from) {
			from = bc.New.ReceivedAt
		}
		if bc.New.ReceivedAt.After(to) {
			to = bc.New.ReceivedAt
		}
	}
	if len(want) == 0 {
		return nil
	}
	to = to.Add(time.Second)
	left := 0
	for _, ps := range want {
		left += len(ps)
	}
	for off := 0; left > 0; off += 500 {
		page, err := st.ListCases(ctx, store.CaseQuery{Scope: store.Scope{All: true}, From: &from, To: &to, Limit: 500, Offset: off,
			Statuses: []domain.Status{domain.StatusPerforming, domain.StatusFollowedUp, domain.StatusArchived}})
		if err != nil {
			return fmt.Errorf("demo: find agreed cases: %w", err)
		}
		for _, c := range page.Cases {
			k := caseKey(c.ReceivedAt, c.ConsumerName, c.MerchantID, c.ClaimFen)
			ps := want[k]
			if len(ps) == 0 {
				continue
			}
			p := ps[0]
			want[k] = ps[1:]
			left--
			if err := st.PutAgreement(ctx, p.row(c.ID)); err != nil {
				return fmt.Errorf("demo: agreement of %s: %w", c.Number, err)
			}
			if p.followUp != nil {
				f := store.FollowUp{CaseID: c.ID, Satisfaction: p.satisfaction, Method: "phone", Comment: "协议已履行完毕", RecordedBy: p.by, RecordedAt: *p.followUp}
				if err := st.AddFollowUp(ctx, &f); err != nil {
					return fmt.Errorf("demo: follow-up of %s: %w", c.Number, err)
				}
			}
		}
		if len(page.Cases) < 500 {
			break
		}
	}
	if left > 0 {
		return fmt.Errorf("demo: %d agreed cases of a batch not found after writing", left)
	}
	return nil
}
