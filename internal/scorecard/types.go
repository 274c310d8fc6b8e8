package scorecard

import "github.com/tiaojie/tiaojie/internal/store"

// Unit is a committee, a room or an office a ranking is of (named here so
// pages depend on this capability, not on the store).
type Unit = store.OrgUnit
