package consent

import (
	"context"
	"fmt"

	"github.com/tiaojie/tiaojie/internal/access"
	"github.com/tiaojie/tiaojie/internal/auth"
	"github.com/tiaojie/tiaojie/internal/domain"
	"github.com/tiaojie/tiaojie/internal/notify"
	"github.com/tiaojie/tiaojie/internal/store"
)

// outboxShown is how many of the latest messages the outbox shows.
const outboxShown = 200

// Outbox lists the latest SMS the platform queued, each with its delivery
// (status, attempts, last error, times; never the sealed phone or text);
// only who may read the outbox (administrators) sees it, with links and
// verification codes masked.
func (s *Service) Outbox(ctx context.Context, p *auth.Principal) ([]store.OutboxEntry, error) {
	if !p.Can(domain.PermOutboxRead) {
		return nil, access.ErrForbidden
	}
	es, err := s.Store.ListOutbox(ctx, outboxShown)
	if err != nil {
		return nil, fmt.Errorf("list outbox: %w", err)
	}
	// Rows store the text masked already; rows written before that did not,
	// so the text and the error are masked again here (separated duties: the
	// administrator reads neither a verification code nor a party's link).
	for i := range es {
		es[i].Body, es[i].Error = notify.Shown(es[i].Body), notify.Redact(es[i].Error)
	}
	return es, nil
}
