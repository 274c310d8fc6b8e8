package desk

import "github.com/tiaojie/tiaojie/internal/store"

// The records the desks show, named here so pages depend on this
// capability, not on the store.
type (
	Case      = store.Case      // a case on a desk
	Session   = store.Session   // a scheduled mediation session
	Thread    = store.Thread    // an online channel where a party waits for an answer
	SavedView = store.SavedView // a filter the user saved for the case list
)
