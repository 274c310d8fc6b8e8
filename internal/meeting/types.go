package meeting

import "github.com/tiaojie/tiaojie/internal/store"

// The rows pages show, named here so pages depend on this capability, not
// on the store.
type (
	Meeting = store.Meeting
	Item    = store.MeetingItem // an action item decided at a meeting
	Unit    = store.OrgUnit     // a holding unit or an attending partner unit
	// Cursor is a page's place in the meetings (day, id) or the open
	// action items (due day, id).
	Cursor = store.DayCursor
)
