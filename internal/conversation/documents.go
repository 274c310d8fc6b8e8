package conversation

import (
	"context"
	"errors"
	"fmt"

	"github.com/tiaojie/tiaojie/internal/access"
	"github.com/tiaojie/tiaojie/internal/store"
)

// ErrNoPartyDocument: the case has no effective written agreement (yet).
var ErrNoPartyDocument = access.NotFound("本案还没有生效的书面调解协议")

// party refuses a reader who is not one of the parties (their link pages only).
func party(rd Reader) error {
	if rd.Kind != KindConsumer && rd.Kind != KindMerchant {
		return access.ErrForbidden
	}
	return nil
}

// PartyDocument is a party's copy of the effective written agreement: its
// PDF and SHA-256.
func (s *Service) PartyDocument(ctx context.Context, rd Reader) (pdf []byte, sha string, err error) {
	if err := party(rd); err != nil {
		return nil, "", err
	}
	pdf, sha, err = s.Store.GetAgreementDocument(ctx, rd.Case.ID)
	if errors.Is(err, store.ErrNotFound) {
		return nil, "", ErrNoPartyDocument
	} else if err != nil {
		return nil, "", fmt.Errorf("get agreement document of case %d: %w", rd.Case.ID, err)
	}
	return pdf, sha, nil
}

// Termination is what a party's termination notice is written from: the
// case's events and the committee's name.
func (s *Service) Termination(ctx context.Context, rd Reader) ([]store.Event, string, error) {
	if err := party(rd); err != nil {
		return nil, "", err
	}
	evs, err := s.Store.ListEvents(ctx, rd.Case.ID)
	if err != nil {
		return nil, "", fmt.Errorf("list events of case %d: %w", rd.Case.ID, err)
	}
	committee, err := s.Store.GetOrgUnit(ctx, rd.Case.CommitteeID)
	if err != nil {
		return nil, "", fmt.Errorf("get committee %d: %w", rd.Case.CommitteeID, err)
	}
	return evs, committee.Name, nil
}
