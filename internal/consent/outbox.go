package consent

import (
	"context"
	"fmt"

	"github.com/tiaojie/tiaojie/internal/access"
	"github.com/tiaojie/tiaojie/internal/auth"
	"github.com/tiaojie/tiaojie/internal/domain"
	"github.com/tiaojie/tiaojie/internal/store"
)

// outboxShown is how many of the latest messages the outbox shows.
const outboxShown = 200

// Outbox lists the latest SMS the platform queued, each with its delivery
// (status, attempts, last error, times; never the sealed phone or text);
// only who may read the outbox (administrators) sees it.
func (s *Service) Outbox(ctx context.Context, p *auth.Principal) ([]store.OutboxEntry, error) {
	if !p.Can(domain.PermOutboxRead) {
		return nil, access.ErrForbidden
	}
	es, err := s.Store.ListOutbox(ctx, outboxShown)
	if err != nil {
		return nil, fmt.Errorf("list outbox: %w", err)
	}
	return es, nil
}
