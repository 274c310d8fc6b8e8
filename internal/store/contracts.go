package store

import (
	"context"
	"time"
)

// Contract kinds.
const (
	ContractService    = "service"    // 政府购买服务: the market-regulation bureau buys mediation from a provider
	ContractEnterprise = "enterprise" // 企业购买调解服务: an enterprise pays per case for its enterprise room
)

// Contract statuses.
const (
	ContractDraft  = "draft"
	ContractActive = "active"
	ContractEnded  = "ended"
)

// Contract is a purchased-services contract (internal/contracting).
type Contract struct {
	ID            int64
	Kind          string // ContractService or ContractEnterprise
	Number        string // unique
	Title         string
	DistrictID    int64
	CommitteeID   int64 // whose evaluation figures count (service), or the enterprise room's committee
	BuyerOrgID    int64 // service: the regulator bureau or office that pays
	BuyerName     string
	ProviderOrgID int64 // the service provider or committee unit, when one is on the org tree
	ProviderName  string
	RoomID        int64  // enterprise: the enterprise room
	MerchantID    int64  // enterprise: the merchant that pays (optional)
	PeriodFrom    string // YYYY-MM-DD
	PeriodTo      string
	AmountFen     int64  // service: the contract amount
	PriceFen      int64  // enterprise: per case
	Scope         string // the services bought, in words
	Targets       string // service: JSON of []purchase.Target
	Status        string
	CreatedBy     int64
	Creator       string
	Created       time.Time
	Updated       time.Time
}

// ContractQuery selects contracts: DistrictIDs nil means every district,
// empty none; Kind "" both kinds.
type ContractQuery struct {
	DistrictIDs []int64
	Kind        string
}

// Assessment statuses.
const (
	AssessmentDraft     = "draft"
	AssessmentConfirmed = "confirmed"
)

// ContractAssessment is one revision of a service contract's quarterly
// assessment; Snapshot is the computed purchase.Assessment as JSON.
type ContractAssessment struct {
	ID            int64
	ContractID    int64
	Quarter       string // 2026-Q3
	Revision      int
	Reason        string // why it was recomputed after a confirmation ("" for the first)
	Snapshot      string
	BaseFen       int64
	DeductionsFen int64
	DueFen        int64
	Status        string
	ComputedBy    int64
	ComputedName  string
	ComputedAt    time.Time
	ConfirmedBy   int64
	ConfirmedName string
	ConfirmedAt   *time.Time
}

// ContractStore keeps purchased-services contracts and their assessments.
type ContractStore interface {
	// CreateContract sets ID; a duplicate number is ErrConflict.
	CreateContract(ctx context.Context, c *Contract) error
	GetContract(ctx context.Context, id int64) (Contract, error)
	ListContracts(ctx context.Context, q ContractQuery) ([]Contract, error) // newest period first
	// SetContractStatus moves a contract from one status to another; ErrConflict when it is no longer in from.
	SetContractStatus(ctx context.Context, id int64, from, to string, at time.Time) error
	// AddAssessment stores a new revision (ID set); a revision already taken is ErrConflict.
	AddAssessment(ctx context.Context, a *ContractAssessment) error
	// RecomputeAssessment replaces a draft revision's figures; ErrConflict when it is no longer a draft.
	RecomputeAssessment(ctx context.Context, a ContractAssessment) error
	// ConfirmAssessment freezes a draft revision; ErrConflict when it is not a draft.
	ConfirmAssessment(ctx context.Context, id, by int64, byName string, at time.Time) error
	GetAssessment(ctx context.Context, id int64) (ContractAssessment, error)
	// ListAssessments lists a contract's revisions by quarter, then revision.
	ListAssessments(ctx context.Context, contractID int64) ([]ContractAssessment, error)
}
