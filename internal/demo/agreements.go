package demo

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"time"

	"github.com/tiaojie/tiaojie/internal/agreement"
	"github.com/tiaojie/tiaojie/internal/calendar"
	"github.com/tiaojie/tiaojie/internal/court"
	"github.com/tiaojie/tiaojie/internal/domain"
	"github.com/tiaojie/tiaojie/internal/store"
)

// casePlan is what a generated case needs besides the history written with
// it in bulk: the rows the services would have kept beside the events (the
// agreement with its signatures and document, the follow-up record, the
// judicial application), and a tail of steps that must go through the
// store's own writes, one by one, after the batch: a commendation is written
// with its row, a court's decision with the application's, and whatever
// happened after them follows in order.
type casePlan struct {
	agreement *plannedAgreement
	judicial  *plannedJudicial
	tail      []tailStep
}

// tailStep is a step applied after the batch.
type tailStep struct {
	step         store.Step
	commendation *store.Commendation // AddCommendation with the step's event
	decision     *judicialDecision   // DecideJudicialApplication with the step's event
}

// plannedAgreement is what a synthetic history says about its agreement;
// it becomes the case's agreement row (and follow-up record) once the case
// is stored, so the case page never finds an agreed case without one.
type plannedAgreement struct {
	kind         string // oral | written
	reached      time.Time
	effective    *time.Time // nil: a written agreement not signed by everybody yet
	terms        []plannedTerm
	signatures   []store.Signature // written: who signed, when
	code         string            // written: the document's verification code
	by           int64             // the mediator who recorded it
	followUp     *time.Time
	satisfaction int
	comment      string
	facts        string
}

// plannedTerm is one term: the merchant pays an amount by a deadline.
type plannedTerm struct {
	content  string
	fen      int64
	deadline calendar.Date
	paid     *time.Time
}

// plannedJudicial is a joint application for judicial confirmation.
type plannedJudicial struct {
	courtID   int64
	submitted time.Time
	status    string // as the application stands before the court's decision (in the tail)
}

type judicialDecision struct{ status, ruling, reason string }

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

// row is the agreement as agreement.RecordOral (or RecordWritten and the
// signatures) and agreement.Perform would have stored it.
func (a *plannedAgreement) row(caseID int64) store.Agreement {
	out := store.Agreement{CaseID: caseID, Kind: a.kind, Facts: a.facts, Responsibility: "经营者对所售商品或服务承担相应责任",
		EffectiveAt: a.effective, CreatedBy: a.by, Created: a.reached}
	for _, pt := range a.terms {
		t := domain.Term{Party: "merchant", Content: pt.content, AmountFen: pt.fen, Manner: "银行转账", Deadline: pt.deadline.String()}
		if pt.paid != nil {
			t.PerformedAt, t.Proof = pt.paid.In(cst).Format("2006-01-02"), "银行转账回单"
		}
		out.Terms = append(out.Terms, t)
	}
	return out
}

// storePlans writes what each case of a batch just written needs besides
// its events (see casePlan). The batch's cases are found by their receipt
// window and matched by caseKey.
func storePlans(ctx context.Context, st store.Store, e *env, batch []store.BulkCase, plans []*casePlan) error {
	want := map[string][]*casePlan{}
	var from, to time.Time
	for i, bc := range batch {
		if plans[i] == nil {
			continue
		}
		k := keyOfNew(bc.New)
		want[k] = append(want[k], plans[i])
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
	type found struct {
		c store.Case
		p *casePlan
	}
	var todo []found
	for off := 0; left > 0; off += 500 {
		page, err := st.ListCases(ctx, store.CaseQuery{Scope: store.Scope{All: true}, From: &from, To: &to, Limit: 500, Offset: off})
		if err != nil {
			return fmt.Errorf("demo: find the cases just written: %w", err)
		}
		for _, c := range page.Cases {
			k := caseKey(c.ReceivedAt, c.ConsumerName, c.MerchantID, c.ClaimFen)
			ps := want[k]
			if len(ps) == 0 {
				continue
			}
			todo = append(todo, found{c, ps[0]})
			want[k] = ps[1:]
			left--
		}
		if len(page.Cases) < 500 {
			break
		}
	}
	if left > 0 {
		return fmt.Errorf("demo: %d planned cases of a batch not found after writing", left)
	}
	// A transaction per planChunk cases: far fewer commits than a write
	// each, and an audit entry that names a modest number of cases.
	for start := 0; start < len(todo); start += planChunk {
		chunk := todo[start:min(len(todo), start+planChunk)]
		if err := st.InTx(ctx, func(tx store.Store) error {
			for _, f := range chunk {
				if err := f.p.store(ctx, tx, e, f.c); err != nil {
					return fmt.Errorf("demo: case %s: %w", f.c.Number, err)
				}
			}
			return nil
		}); err != nil {
			return err
		}
	}
	return nil
}

// planChunk is how many cases' plans one transaction writes.
const planChunk = 50

// store writes the plan of case c, just written with its bulk history.
func (p *casePlan) store(ctx context.Context, st store.Store, e *env, c store.Case) error {
	var pdf []byte
	if a := p.agreement; a != nil {
		row := a.row(c.ID)
		if err := st.PutAgreement(ctx, row); err != nil {
			return fmt.Errorf("agreement: %w", err)
		}
		for _, sg := range a.signatures {
			sg.CaseID = c.ID
			if err := st.AddSignature(ctx, sg); err != nil {
				return fmt.Errorf("signature: %w", err)
			}
		}
		if a.kind == "written" && a.effective != nil {
			var err error
			if pdf, err = agreement.EffectiveDocument(c, row, e.committee.Name, a.signatures, nil, a.code, *a.effective); err != nil {
				return err
			}
			sum := sha256.Sum256(pdf)
			if err := st.FreezeAgreement(ctx, c.ID, pdf, hex.EncodeToString(sum[:]), a.code, *a.effective); err != nil {
				return fmt.Errorf("freeze agreement: %w", err)
			}
		}
		if a.followUp != nil {
			f := store.FollowUp{CaseID: c.ID, Satisfaction: a.satisfaction, Method: "phone", Comment: a.comment, RecordedBy: a.by, RecordedAt: *a.followUp}
			if err := st.AddFollowUp(ctx, &f); err != nil {
				return fmt.Errorf("follow-up: %w", err)
			}
		}
	}
	if j := p.judicial; j != nil {
		parties, _ := json.MarshalIndent([]map[string]string{
			{"role": "申请人", "name": c.ConsumerName}, {"role": "被申请人", "name": c.MerchantName}}, "", "  ")
		pkg, err := court.Package(c.Number, []court.File{{Name: "agreement.pdf", Data: pdf}, {Name: "parties.json", Data: parties}}, j.submitted)
		if err != nil {
			return fmt.Errorf("judicial package: %w", err)
		}
		if err := st.PutJudicialApplication(ctx, store.JudicialApplication{CaseID: c.ID, CourtID: j.courtID, Status: j.status,
			Receipt: agreement.LocalReceipt, Package: pkg, SubmittedAt: j.submitted}); err != nil {
			return fmt.Errorf("judicial application: %w", err)
		}
	}
	version := c.Version
	for _, t := range p.tail {
		ev := t.step.Event
		var err error
		switch {
		case t.commendation != nil:
			cm := *t.commendation
			cm.CaseID = c.ID
			err = st.AddCommendation(ctx, &cm, ev)
		case t.decision != nil:
			err = st.DecideJudicialApplication(ctx, c.ID, []string{"submitted", "accepted"}, t.decision.status, t.decision.ruling, t.decision.reason, ev.At, ev)
		default:
			_, err = st.ApplyEvent(ctx, c.ID, version, t.step.Change, ev)
		}
		if err != nil {
			return fmt.Errorf("%s at %v: %w", ev.Type, ev.At, err)
		}
		version++
	}
	return nil
}
