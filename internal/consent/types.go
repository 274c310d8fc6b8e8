package consent

import "github.com/tiaojie/tiaojie/internal/store"

// OutboxEntry is a queued SMS as the outbox page shows it (named here so
// pages depend on this capability, not on the store).
type OutboxEntry = store.OutboxEntry
