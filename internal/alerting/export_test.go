package alerting

// CaseInput is caseInput for the external tests.
var CaseInput = caseInput
