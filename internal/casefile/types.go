package casefile

import "github.com/tiaojie/tiaojie/internal/store"

// Unit is an org unit as pages show it (a room, an office), named here so
// that they need not import the store.
type Unit = store.OrgUnit
