package privacy

import "github.com/tiaojie/tiaojie/internal/store"

// The rows pages and the API show, named here so they depend on this
// capability, not on the store.
type (
	RevealRow = store.PIIReveal
	Request   = store.PrivacyRequest
	Retention = store.Retention
	Sweep     = store.PrivacySweep
)

// Request kinds and statuses.
const (
	KindExport = store.PrivacyExport
	KindDelete = store.PrivacyDelete
	Pending    = store.PrivacyPending
	Done       = store.PrivacyDone
	Refused    = store.PrivacyRefused
)
