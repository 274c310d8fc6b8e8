package corps

import "github.com/tiaojie/tiaojie/internal/store"

// Unit is an org unit a roster can be asked about (named here so pages
// depend on this capability, not on the store).
type Unit = store.OrgUnit
