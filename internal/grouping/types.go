package grouping

import "github.com/tiaojie/tiaojie/internal/store"

// The rows the group pages show, named here so pages depend on this
// capability, not on the store.
type (
	Group = store.Group   // a 群体性纠纷 and its member cases
	Unit  = store.OrgUnit // the committee whose groups a page lists
)
