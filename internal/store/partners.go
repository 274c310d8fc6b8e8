package store

import (
	"context"
	"time"
)

// Partner is one entry of a committee's liaison register: a partner org
// unit of its district (市场监管所, 司法所, court, 消保委) or an enterprise
// contact point tied to a merchant or an enterprise room.
type Partner struct {
	ID          int64
	CommitteeID int64
	Kind        string // the org kind, or "enterprise"
	OrgID       int64  // the partner org unit (0 for an enterprise contact point)
	MerchantID  int64
	RoomID      int64 // an enterprise room
	Name        string
	Note        string
	CreatedBy   int64
	Created     time.Time
	Contacts    []PartnerContact // filled by GetPartner and ListPartners
}

// PartnerContact is a person at a partner. The phone is sealed; only the
// mask is shown.
type PartnerContact struct {
	ID          int64
	PartnerID   int64
	Name        string
	Post        string
	PhoneSealed string
	PhoneMask   string
	Email       string
	Created     time.Time
}

// ContactLog is one recorded contact with a partner.
type ContactLog struct {
	ID          int64
	CommitteeID int64
	PartnerID   int64
	PartnerName string // filled by reads
	Day         string // YYYY-MM-DD
	Channel     string
	Topic       string
	Summary     string
	CaseIDs     []int64
	GroupIDs    []int64
	RecordedBy  int64
	Recorder    string
	Created     time.Time
}

// ContactLogQuery selects contact log entries, newest day first.
type ContactLogQuery struct {
	CommitteeIDs []int64
	PartnerID    int64
	From, To     string     // days, inclusive; "" does not filter
	After        *DayCursor // the entries past it in the list's order (nil: from the newest)
	Limit        int        // 0: 200
}

// Briefing is a 情况通报 frozen as a PDF.
type Briefing struct {
	ID          int64
	CommitteeID int64
	Title       string
	From, To    string // the period, YYYY-MM-DD
	Body        string
	PDF         []byte // filled by GetBriefing only
	SHA256      string
	CreatedBy   int64
	Creator     string
	Created     time.Time
	Recipients  []BriefingRecipient // filled by GetBriefing and ListBriefings
}

// BriefingRecipient says which partner received a briefing and how far its
// delivery has got.
type BriefingRecipient struct {
	BriefingID  int64
	PartnerID   int64
	PartnerName string // filled by reads
	State       string // "sent", "received"
	SMSQueued   int    // SMS notices queued to the partner's contacts
	SentAt      time.Time
	ReceivedAt  *time.Time
}

// Inspection is one inspection of a room against the district standard.
type Inspection struct {
	ID              int64
	CommitteeID     int64
	RoomID          int64
	RoomName        string // filled by reads
	Day             string
	StandardVersion string
	Inspectors      string
	EarnedX10       int // points earned ×10 (部分符合 earns half)
	PossibleX10     int
	Note            string
	RecordedBy      int64
	Created         time.Time
	Items           []InspectionItem  // filled by GetInspection
	Photos          []InspectionPhoto // filled by GetInspection (without data)
	Rectifications  []Rectification   // filled by GetInspection
}

// InspectionItem is the result of one checklist item.
type InspectionItem struct {
	Code   string
	Result string // "pass", "partial", "fail"
	Note   string
}

// InspectionPhoto is a photo taken at an inspection; Data only from GetInspectionPhoto.
type InspectionPhoto struct {
	ID           int64
	InspectionID int64
	ItemCode     string
	Name         string
	ContentType  string
	Size         int64
	SHA256       string
	Data         []byte
	Created      time.Time
}

// Rectification is a finding to put right by a due day.
type Rectification struct {
	ID           int64
	InspectionID int64
	CommitteeID  int64
	RoomID       int64
	RoomName     string // filled by ListRectifications
	ItemCode     string
	Text         string
	DueDay       string
	Owner        string
	DoneDay      string // "" while open
	DoneNote     string
	DoneBy       int64
}

// RectificationQuery selects rectification items, by due day.
type RectificationQuery struct {
	CommitteeIDs []int64 // nil: every committee
	RoomID       int64
	OpenOnly     bool
	DueBefore    string // open items due before this day (overdue); "" does not filter
}

// Designation is a 示范工作室 designation, standing until revoked.
type Designation struct {
	ID           int64
	CommitteeID  int64
	RoomID       int64
	RoomName     string // filled by reads
	Day          string
	DesignatedBy int64
	Designator   string
	Basis        string
	RevokedDay   string // "" while standing
	RevokedBy    int64
	RevokeReason string
	Created      time.Time
}

// PartnersStore keeps the liaison register and the room-standard
// inspections (internal/liaison, internal/standards).
type PartnersStore interface {
	// AddPartner registers a partner (sets ID); the same org unit or name
	// twice in one committee is ErrConflict.
	AddPartner(ctx context.Context, p *Partner) error
	GetPartner(ctx context.Context, id int64) (Partner, error)
	ListPartners(ctx context.Context, committeeIDs []int64) ([]Partner, error) // by committee, kind, name
	AddPartnerContact(ctx context.Context, c *PartnerContact) error
	// AddContactLog records a contact with its linked cases and groups.
	AddContactLog(ctx context.Context, l *ContactLog) error
	ListContactLog(ctx context.Context, q ContactLogQuery) ([]ContactLog, error)
	// AddBriefing stores the frozen briefing and its recipients (sets IDs).
	AddBriefing(ctx context.Context, b *Briefing) error
	GetBriefing(ctx context.Context, id int64) (Briefing, error)
	ListBriefings(ctx context.Context, committeeIDs []int64) ([]Briefing, error) // newest first, without PDF
	// MarkBriefingReceived records a recipient's receipt; ErrNotFound when
	// there is no such recipient or it was already received.
	MarkBriefingReceived(ctx context.Context, briefingID, partnerID int64, at time.Time) error

	// AddInspection stores an inspection with its items, photos and
	// rectification items in one transaction (sets IDs).
	AddInspection(ctx context.Context, in *Inspection) error
	GetInspection(ctx context.Context, id int64) (Inspection, error)
	// ListInspections lists the committees' inspections (RoomID 0: every room), newest first.
	ListInspections(ctx context.Context, committeeIDs []int64, roomID int64) ([]Inspection, error)
	// LatestInspections is each room's latest inspection (by day, then id),
	// for the rooms that have one: one index probe a room, however many
	// inspections the years hold.
	LatestInspections(ctx context.Context, roomIDs []int64) ([]Inspection, error)
	GetInspectionPhoto(ctx context.Context, inspectionID, photoID int64) (InspectionPhoto, error)
	ListRectifications(ctx context.Context, q RectificationQuery) ([]Rectification, error)
	// CompleteRectification closes an open item; ErrNotFound when it is not open.
	CompleteRectification(ctx context.Context, id int64, day, note string, by int64) error
	// AddDesignation records a designation; ErrConflict while the room has a standing one.
	AddDesignation(ctx context.Context, d *Designation) error
	// RevokeDesignation ends a standing designation; ErrNotFound when it is not standing.
	RevokeDesignation(ctx context.Context, id int64, day, reason string, by int64) error
	ListDesignations(ctx context.Context, committeeIDs []int64) ([]Designation, error) // newest first
}
