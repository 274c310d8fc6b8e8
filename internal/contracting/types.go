package contracting

import (
	"github.com/tiaojie/tiaojie/internal/purchase"
	"github.com/tiaojie/tiaojie/internal/store"
)

// The rows pages and the API show, named here so they depend on this
// capability, not on the store.
type (
	Contract   = store.Contract
	Record     = store.ContractAssessment // one stored revision of a quarter's assessment
	Unit       = store.OrgUnit
	Target     = purchase.Target
	Rule       = purchase.Rule
	Line       = purchase.Line
	Assessment = purchase.Assessment
	Statement  = purchase.Statement
)

// Contract kinds and statuses, for pages and the API.
const (
	KindService         = store.ContractService
	KindEnterprise      = store.ContractEnterprise
	StatusDraft         = store.ContractDraft
	StatusActive        = store.ContractActive
	StatusEnded         = store.ContractEnded
	AssessmentDraft     = store.AssessmentDraft
	AssessmentConfirmed = store.AssessmentConfirmed
)
