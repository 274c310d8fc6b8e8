package intake

import "github.com/tiaojie/tiaojie/internal/store"

// The records the intake pages show, named here so pages depend on this
// capability, not on the store.
type (
	Case = store.Case    // a registered complaint
	Unit = store.OrgUnit // a committee a complaint may be filed with
)
