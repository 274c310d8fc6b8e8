// Package casefile answers what a case's page (and the API's case parts)
// shows beyond the case itself: consents, mediators, sessions, the agreement
// with its signatures and judicial application, the archive, consultations,
// proposals, commendations and record confirmations. It only reads; every
// method checks the actor's scope once with access.Authorize.
package casefile

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/tiaojie/tiaojie/internal/access"
	"github.com/tiaojie/tiaojie/internal/auth"
	"github.com/tiaojie/tiaojie/internal/desk"
	"github.com/tiaojie/tiaojie/internal/domain"
	"github.com/tiaojie/tiaojie/internal/store"
)

// Reader is the part of the store the case file reads (store.Store satisfies it).
type Reader interface {
	access.CaseGetter
	desk.AgreementReader
	ListConsents(ctx context.Context, caseID int64) ([]store.Consent, error)
	ListCaseMediators(ctx context.Context, caseID int64) ([]store.CaseMediator, error)
	GetJudicialApplication(ctx context.Context, caseID int64) (store.JudicialApplication, error)
	ListFollowUps(ctx context.Context, caseID int64) ([]store.FollowUp, error)
	ListSessions(ctx context.Context, q store.SessionQuery) ([]store.Session, error)
	ListConsultations(ctx context.Context, caseID int64) ([]store.Consultation, error)
	ListProposals(ctx context.Context, caseID int64) ([]store.Proposal, error)
	ListCommendations(ctx context.Context, caseID int64) ([]store.Commendation, error)
	ListRecordConfirmations(ctx context.Context, caseID int64) ([]store.RecordConfirmation, error)
	GetOrgUnit(ctx context.Context, id int64) (store.OrgUnit, error)
	OrgUnitsUnder(ctx context.Context, prefix string) ([]store.OrgUnit, error)
	ListMeetingItems(ctx context.Context, q store.MeetingItemQuery) ([]store.MeetingItem, error)
	CaseSides(ctx context.Context, caseID int64) (store.CaseSides, error)
}

// Service reads case files.
type Service struct {
	Store Reader
}

// View is everything the case page shows about a case besides its parties,
// clocks and timeline.
type View struct {
	Case          store.Case
	Consents      []store.Consent
	Mediators     []store.CaseMediator
	Agreement     *store.Agreement // nil before one is reached; the row as stored
	Form          string           // the agreement's form in words (书面协议 once sealed, whatever an older row says)
	Signatures    []store.Signature
	Judicial      *store.JudicialApplication // nil before an application
	Archived      bool                       // a frozen case file exists (cases archived before the platform have none)
	Sessions      []store.Session
	Consultations []store.Consultation // only for who may act on the case
	Proposals     []store.Proposal     // while mediating
	Commendations []store.Commendation
	Confirmations []store.RecordConfirmation
	Rooms         []store.OrgUnit     // the committee's other rooms the case may be re-routed to (open cases, for who may decide)
	MeetingItems  []store.MeetingItem // meeting decisions about the case (例会), for who reads the routines
	// Sides is what the side-list probe found: the page reads the smart
	// sync row and duplicate flags only when they exist.
	Sides store.CaseSides
}

// View loads a case's file for someone who may read the case.
func (s *Service) View(ctx context.Context, p *auth.Principal, caseID int64) (View, error) {
	c, err := access.Authorize(ctx, s.Store, p, caseID, false)
	if err != nil {
		return View{}, err
	}
	return s.ViewCase(ctx, p, c)
}

// ViewCase is View of a case the caller has just read through
// access.Authorize for p (intake.Detail does): the case page reads it once.
func (s *Service) ViewCase(ctx context.Context, p *auth.Principal, c store.Case) (View, error) {
	v := View{Case: c}
	canAct := p.CanOnCase(domain.PermCaseDecide, c)
	// One query says which side lists have rows; only those are read (most
	// cases have few: a case page was one query per list before).
	has, err := s.Store.CaseSides(ctx, c.ID)
	if err != nil {
		return v, fmt.Errorf("probe side records of case %d: %w", c.ID, err)
	}
	v.Sides = has
	if has.Consents {
		if v.Consents, err = s.Store.ListConsents(ctx, c.ID); err != nil {
			return v, fmt.Errorf("list consents of case %d: %w", c.ID, err)
		}
	}
	if has.Mediators {
		if v.Mediators, err = s.Store.ListCaseMediators(ctx, c.ID); err != nil {
			return v, fmt.Errorf("list mediators of case %d: %w", c.ID, err)
		}
	}
	if has.Agreement {
		if err := s.agreement(ctx, c.ID, has, &v); err != nil {
			return v, err
		}
	}
	// The dossier's PDF is not read to learn it is there: the sides say so.
	v.Archived = c.Status == domain.StatusArchived && has.Archive
	if has.Sessions {
		if v.Sessions, err = s.Store.ListSessions(ctx, store.SessionQuery{CaseID: c.ID}); err != nil {
			return v, fmt.Errorf("list sessions of case %d: %w", c.ID, err)
		}
	}
	if canAct && has.Consultations {
		if v.Consultations, err = s.Store.ListConsultations(ctx, c.ID); err != nil {
			return v, fmt.Errorf("list consultations of case %d: %w", c.ID, err)
		}
	}
	if c.Status == domain.StatusMediating && has.Proposals {
		if v.Proposals, err = s.Store.ListProposals(ctx, c.ID); err != nil {
			return v, fmt.Errorf("list proposals of case %d: %w", c.ID, err)
		}
	}
	if has.Commendations {
		if v.Commendations, err = s.Store.ListCommendations(ctx, c.ID); err != nil {
			return v, fmt.Errorf("list commendations of case %d: %w", c.ID, err)
		}
	}
	if has.Sessions { // confirmations are of sessions' records
		if v.Confirmations, err = s.Store.ListRecordConfirmations(ctx, c.ID); err != nil {
			return v, fmt.Errorf("list record confirmations of case %d: %w", c.ID, err)
		}
	}
	if p.Can(domain.PermRoutineRead) && has.MeetingItems {
		if v.MeetingItems, err = s.Store.ListMeetingItems(ctx, store.MeetingItemQuery{CaseID: c.ID}); err != nil {
			return v, fmt.Errorf("list meeting items of case %d: %w", c.ID, err)
		}
	}
	if c.Status.Open() && canAct {
		cmt, err := s.Store.GetOrgUnit(ctx, c.CommitteeID)
		if err != nil {
			return v, fmt.Errorf("get committee %d: %w", c.CommitteeID, err)
		}
		// The committee's units only: a city's tree is thousands.
		units, err := s.Store.OrgUnitsUnder(ctx, cmt.Path)
		if err != nil {
			return v, fmt.Errorf("list the committee's units: %w", err)
		}
		for _, u := range units {
			if u.ParentID == c.CommitteeID && u.Kind.IsRoom() && u.ID != c.RoomID {
				v.Rooms = append(v.Rooms, u)
			}
		}
	}
	return v, nil
}

// agreement fills the agreement, its signatures and judicial application.
func (s *Service) agreement(ctx context.Context, caseID int64, has store.CaseSides, v *View) error {
	a, err := s.Store.GetAgreement(ctx, caseID)
	if errors.Is(err, store.ErrNotFound) {
		return nil
	} else if err != nil {
		return fmt.Errorf("get agreement of case %d: %w", caseID, err)
	}
	if has.Signatures {
		if v.Signatures, err = s.Store.ListSignatures(ctx, caseID); err != nil {
			return fmt.Errorf("list signatures of case %d: %w", caseID, err)
		}
	}
	// desk.AgreementForm's rule on the signatures just read.
	v.Form = "口头协议"
	if a.Kind == "written" || slices.ContainsFunc(v.Signatures, func(sg store.Signature) bool { return sg.Signer == "seal" }) {
		v.Form = "书面协议"
	}
	v.Agreement = &a
	if !has.Judicial {
		return nil
	}
	ja, err := s.Store.GetJudicialApplication(ctx, caseID)
	if err == nil {
		v.Judicial = &ja
	} else if !errors.Is(err, store.ErrNotFound) {
		return fmt.Errorf("get judicial application of case %d: %w", caseID, err)
	}
	return nil
}

// Authorize loads a case for an action (access.Authorize): for pages that
// must refuse who may not act before they look at what was sent.
func (s *Service) Authorize(ctx context.Context, p *auth.Principal, caseID int64, decide bool) (store.Case, error) {
	return access.Authorize(ctx, s.Store, p, caseID, decide)
}
