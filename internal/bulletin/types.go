package bulletin

import "github.com/tiaojie/tiaojie/internal/store"

// Names pages and the API use, so they depend on this capability rather
// than on the store.
type (
	Bulletin  = store.Bulletin
	Partner   = store.Partner
	Committee = store.OrgUnit
)

// States of a bulletin.
const (
	StateDraft     = store.BulletinDraft
	StateEdited    = store.BulletinEdited
	StateApproved  = store.BulletinApproved
	StatePublished = store.BulletinPublished
)
