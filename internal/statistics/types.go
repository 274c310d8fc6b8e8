package statistics

import (
	"github.com/tiaojie/tiaojie/internal/statforms"
	"github.com/tiaojie/tiaojie/internal/store"
)

// The types pages and the API show, named here so they depend on this
// capability, not on the store.
type (
	Unit   = store.OrgUnit
	Form   = statforms.Form
	Cell   = statforms.Cell
	Line   = statforms.Line
	Header = statforms.HeaderCell
)
