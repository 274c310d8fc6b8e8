package demo

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/tiaojie/tiaojie/internal/agreement"
	"github.com/tiaojie/tiaojie/internal/domain"
	"github.com/tiaojie/tiaojie/internal/store"
)

// ArchivedFiles is how many of the most recent archived demo cases get a
// frozen case file (a PDF each; more would slow the start of the demo).
const ArchivedFiles = 20

// cst is China Standard Time, for the dates written into agreements.
var cst = time.FixedZone("CST", 8*3600)

// attachFiles gives the synthetic history what the case page shows beyond
// events: the agreement (with its performance) of agreed cases, and the
// frozen case file of the most recent archived ones.
func attachFiles(ctx context.Context, st store.Store, now time.Time) error {
	page, err := st.ListCases(ctx, store.CaseQuery{Scope: store.Scope{All: true}, Limit: 500,
		Statuses: []domain.Status{domain.StatusPerforming, domain.StatusFollowedUp, domain.StatusArchived}})
	if err != nil {
		return fmt.Errorf("demo: list cases: %w", err)
	}
	svc := &agreement.Service{Store: st, Now: func() time.Time { return now }}
	files := 0
	for _, c := range page.Cases {
		evs, err := st.ListEvents(ctx, c.ID)
		if err != nil {
			return fmt.Errorf("demo: events of %s: %w", c.Number, err)
		}
		var reached, effective, followed, archivedAt *time.Time
		var fen int64
		outcome := domain.StatusFollowedUp
		for _, e := range evs {
			at := e.At
			switch domain.Action(e.Type) {
			case domain.ActionReachAgreement:
				var d struct {
					AgreedFen int64 `json:"agreed_fen"`
				}
				json.Unmarshal([]byte(e.Data), &d)
				reached, fen = &at, d.AgreedFen
			case domain.ActionStartPerformance:
				effective = &at
			case domain.ActionFollowUp:
				followed = &at
			case domain.ActionTerminate:
				outcome = domain.StatusTerminated
			case domain.ActionWithdraw:
				outcome = domain.StatusWithdrawn
			case domain.ActionReject:
				outcome = domain.StatusRejected
			case domain.ActionArchive:
				archivedAt = &at
			}
		}
		facts := domain.FileFacts{Status: outcome, Consented: true, IDRecorded: true, SessionsHeld: 1, Mediated: true, FollowUpDone: true,
			NoticeDelivered: true, Withdrawn: outcome == domain.StatusWithdrawn, Rejected: outcome == domain.StatusRejected}
		if reached != nil && effective != nil && fen > 0 {
			deadline := reached.AddDate(0, 0, 10)
			t := domain.Term{Party: "merchant", Content: "一次性支付申请人款项", AmountFen: fen, Manner: "银行转账", Deadline: deadline.In(cst).Format("2006-01-02")}
			if followed != nil {
				t.PerformedAt, t.Proof = followed.AddDate(0, 0, -2).In(cst).Format("2006-01-02"), "银行转账回单"
			}
			a := store.Agreement{CaseID: c.ID, Kind: "oral", Facts: c.Description, Responsibility: "经营者对所售商品或服务承担相应责任",
				Terms: []domain.Term{t}, EffectiveAt: effective, Created: *reached}
			if err := st.PutAgreement(ctx, a); err != nil {
				return fmt.Errorf("demo: agreement of %s: %w", c.Number, err)
			}
			facts.HasAgreement, facts.AllPerformed = true, t.PerformedAt != ""
		}
		if c.Status != domain.StatusArchived || archivedAt == nil || files >= ArchivedFiles {
			continue
		}
		c.Status = outcome // the cover states how the case ended
		ar, err := svc.ArchiveDocument(ctx, c, evs, domain.CaseFile(facts), *archivedAt)
		if err != nil {
			return fmt.Errorf("demo: case file of %s: %w", c.Number, err)
		}
		if err := st.AttachArchive(ctx, c.ID, ar); err != nil {
			return fmt.Errorf("demo: case file of %s: %w", c.Number, err)
		}
		files++
	}
	return nil
}
