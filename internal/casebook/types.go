package casebook

import (
	"github.com/tiaojie/tiaojie/internal/anonymize"
	"github.com/tiaojie/tiaojie/internal/store"
)

// The rows pages and the API show, named here so they depend on this
// capability, not on the store.
type (
	TypicalCase = store.TypicalCase
	Hit         = anonymize.Hit
)

// Statuses of a typical case.
const (
	StatusDraft     = store.TypicalDraft
	StatusSubmitted = store.TypicalSubmitted
	StatusPublished = store.TypicalPublished
	StatusWithdrawn = store.TypicalWithdrawn
)
