package feedback

import (
	"github.com/tiaojie/tiaojie/internal/feedbackrules"
	"github.com/tiaojie/tiaojie/internal/store"
)

// The rows pages and the API show, named here so they depend on this
// capability, not on the store.
type (
	Unit    = store.OrgUnit // a 市场监管所/局
	Case    = store.Case
	Code    = feedbackrules.Code
	Missing = feedbackrules.Missing
)

// Record is a closing record with the case facts a list shows beside it.
type Record struct {
	feedbackrules.Record
	CaseNumber string
	Merchant   string
	OfficeCode string // the diverting unit's code ("" without one)
}

// MaxSummary is the limit on 调解情况, in characters.
const MaxSummary = feedbackrules.MaxSummary

// RecordableResults are the results a person may record over a derived one.
var RecordableResults = feedbackrules.RecordableResults
