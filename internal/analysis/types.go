package analysis

import "github.com/tiaojie/tiaojie/internal/store"

// The rows pages and the API show, named here so they depend on this
// capability, not on the store.
type (
	Unit     = store.OrgUnit
	Case     = store.Case
	SurgeRow = store.AnalysisSurge
)
