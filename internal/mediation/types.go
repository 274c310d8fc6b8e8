package mediation

import "github.com/tiaojie/tiaojie/internal/store"

// The records the mediation pages use, named here so pages depend on this
// capability, not on the store.
type (
	Case  = store.Case  // the case being mediated
	Event = store.Event // an entry of its timeline
)
