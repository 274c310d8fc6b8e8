package agreement

import "github.com/tiaojie/tiaojie/internal/store"

// The records pages send and show, named here so pages depend on this
// capability, not on the store.
type (
	FollowUp     = store.FollowUp     // a 回访: the parties' satisfaction and how they were reached
	Commendation = store.Commendation // a 表扬 of the mediator (a banner, a letter)
	Case         = store.Case         // the case a consumer's rating link opens
	Seal         = store.Seal         // a committee's seal image for agreements
	Unit         = store.OrgUnit      // the committee whose seal a page manages
)
