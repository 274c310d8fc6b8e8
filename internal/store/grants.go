package store

import (
	"context"
	"time"

	"github.com/tiaojie/tiaojie/internal/domain"
)

// GrantStore keeps requests to grant a role binding (三员分立): an
// administrator asks, someone else approves, and only then does the binding
// exist (internal/administration).
type GrantStore interface {
	// CreateGrantRequest stores a pending request and sets its ID, State and
	// RequestedAt (when zero).
	CreateGrantRequest(ctx context.Context, g *GrantRequest) error
	// GetGrantRequest loads one request with the names of the people and the
	// unit's path (ErrNotFound when there is none).
	GetGrantRequest(ctx context.Context, id int64) (GrantRequest, error)
	// ListGrantRequests lists requests, newest first.
	ListGrantRequests(ctx context.Context, q GrantQuery) ([]GrantRequest, error)
	// DecideGrantRequest moves a pending request to state (GrantApproved or
	// GrantRejected), recording who decided, when and why; ErrConflict when
	// it is no longer pending, ErrNotFound when there is none.
	DecideGrantRequest(ctx context.Context, id int64, state string, by int64, note string, at time.Time) error
	// RemoveBinding deletes one role binding (ErrNotFound when there is none).
	RemoveBinding(ctx context.Context, b Binding) error
}

// Grant request states.
const (
	GrantPending  = "pending"
	GrantApproved = "approved"
	GrantRejected = "rejected"
)

// GrantRequest is a request to bind a user to a role at an org unit.
type GrantRequest struct {
	ID          int64
	UserID      int64 // who is to hold the role
	Role        domain.Role
	OrgID       int64
	Reason      string
	State       string
	RequestedBy int64
	RequestedAt time.Time
	DecidedBy   int64 // 0 while pending
	DecidedAt   *time.Time
	Note        string // the decider's remark
	// Filled by Get and List.
	Username, UserName string // the user's username and display name
	Requester, Decider string // display names
	OrgPath, OrgName   string
}

// GrantQuery selects grant requests.
type GrantQuery struct {
	State   string // "" any
	Decided bool   // approved or rejected (State must be "")
	UserID  int64  // 0 any
	// Reach and Mine, when either is set, keep the requests a reader may
	// see: those a reach holds, or those Mine made.
	Reach []GrantReach
	Mine  int64
	// BeforeID pages newest first: requests with a smaller id. Oldest asks
	// for the oldest first instead (a queue to work through).
	BeforeID int64
	Oldest   bool
	Limit    int // default 200, at most 1000
}

// GrantReach holds the requests at units under Prefix, for any role but
// those in Except.
type GrantReach struct {
	Prefix string
	Except []domain.Role
}
