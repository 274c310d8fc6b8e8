package platform

import (
	"context"

	"github.com/jackc/pgx/v5/pgxpool"
)

// notifier is a store whose engine carries notifications between
// instances (PostgreSQL); its pool is nil where it cannot (SQLite).
type notifier interface{ ListenPool() *pgxpool.Pool }

// relayTalk joins this instance's live conversations to the others on the
// same database, so two parties served by different instances hear each
// other at once. Without notifications the hub stays in-process.
func (s *Services) relayTalk(ctx context.Context) error {
	n, ok := s.store.(notifier)
	if !ok {
		return nil
	}
	return s.Talk.Hub.Relay(ctx, n.ListenPool(), s.Log)
}
