package liaison

import "github.com/tiaojie/tiaojie/internal/store"

// Recipient is one partner unit's receipt of a briefing (named here so
// pages depend on this capability, not on the store).
type Recipient = store.BriefingRecipient
