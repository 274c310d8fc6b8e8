package diversion

import "github.com/tiaojie/tiaojie/internal/store"

// Unit is a committee or a room as the routing pages show it (named here so
// pages depend on this capability, not on the store).
type Unit = store.OrgUnit
