package demo

import (
	"context"
	"fmt"
	"runtime"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/tiaojie/tiaojie/internal/agreement"
	"github.com/tiaojie/tiaojie/internal/domain"
	"github.com/tiaojie/tiaojie/internal/store"
)

// ArchivedFiles is how many of the most recent archived demo cases get a
// frozen case file (a PDF each; more would slow the start of the demo).
const ArchivedFiles = 20

// cst is China Standard Time, for the dates written into agreements.
var cst = time.FixedZone("CST", 8*3600)

// attachFiles gives the most recent archived cases of the synthetic
// history their frozen case file (卷宗), so the case page's link works.
// Their agreements were written with the cases.
func attachFiles(ctx context.Context, st store.Store, now time.Time) error {
	page, err := st.ListCases(ctx, store.CaseQuery{Scope: store.Scope{All: true}, Limit: 4 * ArchivedFiles,
		Statuses: []domain.Status{domain.StatusArchived}})
	if err != nil {
		return fmt.Errorf("demo: list cases: %w", err)
	}
	svc := &agreement.Service{Store: st, Now: func() time.Time { return now }}
	files := 0
	for _, c := range page.Cases {
		if files >= ArchivedFiles {
			break
		}
		done, err := fileCase(ctx, st, svc, c)
		if err != nil {
			return err
		}
		if done {
			files++
		}
	}
	return nil
}

// fileCase freezes the case file of one archived case of the synthetic
// history (false: the case has no archive event).
func fileCase(ctx context.Context, st store.Store, svc *agreement.Service, c store.Case) (bool, error) {
	ar, ok, err := caseFile(ctx, st, svc, c)
	if err != nil || !ok {
		return false, err
	}
	if err := st.AttachArchive(ctx, c.ID, ar); err != nil {
		return false, fmt.Errorf("demo: case file of %s: %w", c.Number, err)
	}
	return true, nil
}

// caseFile renders the frozen case file of one archived case (false: the
// case has no archive event). It only reads, so files render side by side.
func caseFile(ctx context.Context, st store.Store, svc *agreement.Service, c store.Case) (store.Archive, bool, error) {
	evs, err := st.ListEvents(ctx, c.ID)
	if err != nil {
		return store.Archive{}, false, fmt.Errorf("demo: events of %s: %w", c.Number, err)
	}
	var archivedAt *time.Time
	var applied, decided bool
	outcome := domain.StatusFollowedUp
	for _, e := range evs {
		at := e.At
		switch e.Type {
		case "judicial_applied":
			applied = true
		case "judicial_confirmed", "judicial_rejected":
			decided = true
		}
		switch domain.Action(e.Type) {
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
	if archivedAt == nil {
		return store.Archive{}, false, nil
	}
	facts := domain.FileFacts{Status: outcome, Consented: true, IDRecorded: true, SessionsHeld: 1, Mediated: true, FollowUpDone: true,
		NoticeDelivered: true, Withdrawn: outcome == domain.StatusWithdrawn, Rejected: outcome == domain.StatusRejected,
		JudicialApplied: applied, JudicialDecided: decided}
	if a, err := st.GetAgreement(ctx, c.ID); err == nil {
		facts.HasAgreement, facts.AllPerformed = true, true
		for _, t := range a.Terms {
			facts.AllPerformed = facts.AllPerformed && t.PerformedAt != ""
		}
	}
	c.Status = outcome // the cover states how the case ended
	ar, err := svc.ArchiveDocument(ctx, c, evs, domain.CaseFile(facts), *archivedAt)
	if err != nil {
		return store.Archive{}, false, fmt.Errorf("demo: case file of %s: %w", c.Number, err)
	}
	return ar, true, nil
}

// fileCases freezes the case files of many archived cases: a chunk at a
// time, each chunk's files rendered side by side (a PDF each, the CPU of
// it) and attached in the cases' order in one transaction. A million-case
// demo files tens of thousands; one at a time they took hours.
func fileCases(ctx context.Context, st store.Store, svc *agreement.Service, ids []int64) error {
	const chunk = 256
	workers := runtime.GOMAXPROCS(0)
	for lo := 0; lo < len(ids); lo += chunk {
		part := ids[lo:min(lo+chunk, len(ids))]
		files := make([]store.Archive, len(part))
		made := make([]bool, len(part))
		g, gctx := errgroup.WithContext(ctx)
		g.SetLimit(workers)
		for i, id := range part {
			g.Go(func() error {
				c, err := st.GetCase(gctx, id)
				if err != nil || c.Status != domain.StatusArchived {
					return err
				}
				files[i], made[i], err = caseFile(gctx, st, svc, c)
				return err
			})
		}
		if err := g.Wait(); err != nil {
			return err
		}
		if err := st.InTx(ctx, func(tx store.Store) error {
			for i, id := range part {
				if !made[i] {
					continue
				}
				if err := tx.AttachArchive(ctx, id, files[i]); err != nil {
					return fmt.Errorf("demo: case file of case %d: %w", id, err)
				}
			}
			return nil
		}); err != nil {
			return err
		}
	}
	return nil
}
