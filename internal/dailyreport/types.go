package dailyreport

import "github.com/tiaojie/tiaojie/internal/store"

// Unit is a committee or room that reports (named here so pages depend on
// this capability, not on the store).
type Unit = store.OrgUnit
