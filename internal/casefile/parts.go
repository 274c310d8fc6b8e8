package casefile

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/tiaojie/tiaojie/internal/access"
	"github.com/tiaojie/tiaojie/internal/auth"
	"github.com/tiaojie/tiaojie/internal/domain"
	"github.com/tiaojie/tiaojie/internal/store"
)

// The parts of a case file the API serves one at a time, each to whoever may
// read the case.

// Consents lists both parties' consent to mediation.
func (s *Service) Consents(ctx context.Context, p *auth.Principal, caseID int64) ([]store.Consent, error) {
	return part(ctx, s, p, caseID, "consents", s.Store.ListConsents)
}

// Mediators lists the case's mediators, the presiding one marked.
func (s *Service) Mediators(ctx context.Context, p *auth.Principal, caseID int64) ([]store.CaseMediator, error) {
	return part(ctx, s, p, caseID, "mediators", s.Store.ListCaseMediators)
}

// Sessions lists the case's mediation sessions.
func (s *Service) Sessions(ctx context.Context, p *auth.Principal, caseID int64) ([]store.Session, error) {
	return part(ctx, s, p, caseID, "sessions", func(ctx context.Context, id int64) ([]store.Session, error) {
		return s.Store.ListSessions(ctx, store.SessionQuery{CaseID: id})
	})
}

// Consultations lists the case's expert consultations.
func (s *Service) Consultations(ctx context.Context, p *auth.Principal, caseID int64) ([]store.Consultation, error) {
	return part(ctx, s, p, caseID, "consultations", func(ctx context.Context, id int64) ([]store.Consultation, error) {
		return s.Store.ListConsultations(ctx, id)
	})
}

func part[T any](ctx context.Context, s *Service, p *auth.Principal, caseID int64, what string, list func(context.Context, int64) ([]T, error)) ([]T, error) {
	c, err := access.Authorize(ctx, s.Store, p, caseID, false)
	if err != nil {
		return nil, err
	}
	xs, err := list(ctx, c.ID)
	if err != nil {
		return nil, fmt.Errorf("list %s of case %d: %w", what, c.ID, err)
	}
	return xs, nil
}

// AgreementFile is a reached agreement with what followed it.
type AgreementFile struct {
	Agreement  store.Agreement
	Signatures []store.Signature          // written agreements only
	Judicial   *store.JudicialApplication // nil before an application
	FollowUps  []store.FollowUp
}

// ErrNoAgreement: the case has not reached an agreement (yet).
var ErrNoAgreement = access.NotFound("该案件尚未达成调解协议")

// Agreement loads the case's agreement with its signatures, judicial
// application and follow-up visits (ErrNoAgreement before one is reached).
func (s *Service) Agreement(ctx context.Context, p *auth.Principal, caseID int64) (AgreementFile, error) {
	var f AgreementFile
	c, err := access.Authorize(ctx, s.Store, p, caseID, false)
	if err != nil {
		return f, err
	}
	f.Agreement, err = s.Store.GetAgreement(ctx, c.ID)
	if errors.Is(err, store.ErrNotFound) {
		return f, ErrNoAgreement
	} else if err != nil {
		return f, fmt.Errorf("get agreement of case %d: %w", c.ID, err)
	}
	if f.Agreement.Kind == "written" {
		if f.Signatures, err = s.Store.ListSignatures(ctx, c.ID); err != nil {
			return f, fmt.Errorf("list signatures of case %d: %w", c.ID, err)
		}
	}
	if ja, err := s.Store.GetJudicialApplication(ctx, c.ID); err == nil {
		f.Judicial = &ja
	} else if !errors.Is(err, store.ErrNotFound) {
		return f, fmt.Errorf("get judicial application of case %d: %w", c.ID, err)
	}
	if f.FollowUps, err = s.Store.ListFollowUps(ctx, c.ID); err != nil {
		return f, fmt.Errorf("list follow-ups of case %d: %w", c.ID, err)
	}
	return f, nil
}

// Rooms lists the rooms whose cases the actor may read (the case list's room filter).
func (s *Service) Rooms(ctx context.Context, p *auth.Principal) ([]store.OrgUnit, error) {
	units, err := auth.Reached(ctx, s.Store, p, domain.PermCaseRead)
	if err != nil {
		return nil, err
	}
	return slices.DeleteFunc(units, func(u store.OrgUnit) bool { return !u.Kind.IsRoom() }), nil
}
