// Package forms holds the official statistics form files (JSON), embedded.
// Each file defines one form for internal/statforms; edit a file to change
// a form's rows, columns or formulas (the 司法部 form is to be confirmed).
package forms

import "embed"

//go:embed *.json
var Files embed.FS
