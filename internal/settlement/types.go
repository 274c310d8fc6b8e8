package settlement

import "github.com/tiaojie/tiaojie/internal/store"

// The rows pages and the API show, named here so they need not import the store.
type (
	Line    = store.SubsidyLine
	Failure = store.SubsidyFailure
	Trail   = store.SubsidyTrail
	Unit    = store.OrgUnit
)
