package scorecard

import "github.com/tiaojie/tiaojie/internal/store"

// The records the evaluation pages show, named here so pages depend on
// this capability, not on the store.
type (
	Unit = store.OrgUnit // a committee, a room or an office a ranking is of
	Case = store.Case    // a case behind a figure
	User = store.User    // a mediator of a room
)
