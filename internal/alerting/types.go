package alerting

import "github.com/tiaojie/tiaojie/internal/store"

// The rows pages show, named here so pages depend on this capability, not
// on the store.
type (
	Notice      = store.WarningNotice // an in-app notice (我的提醒)
	Supervision = store.Supervision   // a 催办 or 督办 and its reply
	Paging      = store.Paging        // a page of a list: after the cursor, at most Limit
)

// StatusOpen is a warning nobody has acknowledged yet.
const StatusOpen = store.WarningOpen
