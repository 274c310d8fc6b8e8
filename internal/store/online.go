package store

import (
	"time"

	"github.com/tiaojie/tiaojie/internal/domain"
)

// Conversation channels of online mediation: the joint channel everyone in
// the case reads, and one caucus (背靠背) channel per party, read by that
// party and the mediators only.
const (
	ChannelJoint    = "joint"
	ChannelConsumer = "consumer"
	ChannelMerchant = "merchant"
)

// Message is one line of a case's online mediation.
type Message struct {
	ID         int64
	CaseID     int64
	Channel    string // ChannelJoint or a party's caucus channel
	Author     string // "mediator", "expert", "consumer", "merchant", "system"
	AuthorID   int64  // the user, for staff
	AuthorName string
	Body       string
	EvidenceID int64
	ProposalID int64
	Created    time.Time
}

// MessageQuery selects the messages of a case a reader may see.
type MessageQuery struct {
	CaseID   int64
	Channels []string
	AfterID  int64 // only messages after this one, the first Limit of them (live updates)
	Limit    int   // without AfterID the newest Limit; oldest first either way; 0 means 500
}

// Evidence is a file a party or mediator uploaded to a case. Data is filled
// only by GetEvidence.
type Evidence struct {
	ID          int64
	CaseID      int64
	Channel     string
	Uploader    string // "consumer", "merchant", "mediator"
	UploadedBy  int64  // the user, for staff
	Name        string
	ContentType string // as found from the content
	Size        int64
	SHA256      string
	Data        []byte
	Created     time.Time
}

// Proposal is a set of terms the mediator puts to the parties of a channel.
type Proposal struct {
	ID        int64
	CaseID    int64
	Channel   string
	Terms     []domain.Term
	Note      string
	Status    string // "open", "accepted", "countered", "superseded" (newer terms to the same channel)
	CreatedBy int64
	Created   time.Time
	Answers   []ProposalAnswer
}

// ProposalAnswer is one party's answer: accept, or counter with its own words.
type ProposalAnswer struct {
	Party   string
	Answer  string // "accept" or "counter"
	Counter string
	At      time.Time
}

// Thread is a channel whose last word is a party's: a mediator owes a reply.
type Thread struct {
	CaseID     int64
	CaseNumber string
	Channel    string
	LastAt     time.Time
}

// PartyLink is a party's personal link to their case's online mediation.
type PartyLink struct {
	CaseID      int64
	Party       string
	TokenSealed string
	Created     time.Time
}

// RecordConfirmation is a party's confirmation of a session's 调解笔录:
// online through their link, or signed on paper and uploaded as evidence.
type RecordConfirmation struct {
	SessionID  int64
	Party      string
	Method     string // "online" or "paper"
	EvidenceID int64
	RecordedBy int64
	At         time.Time
}

// SavedView is a user's named filter of a work list.
type SavedView struct {
	ID      int64
	UserID  int64
	Page    string // "desk", "cases"
	Name    string
	Query   string // the list's URL query, e.g. "due=overdue&status=mediating"
	Created time.Time
}

// Commendation is a banner (锦旗), a letter of thanks (感谢信) or the like a
// party gave after mediation. Photo is written, never read back by List.
type Commendation struct {
	ID         int64
	CaseID     int64
	Kind       string // "banner", "letter", "other"
	Giver      string // "consumer", "merchant"
	Note       string
	Photo      []byte
	PhotoType  string
	PhotoSHA   string
	HasPhoto   bool // filled by List
	RecordedBy int64
	RecordedAt time.Time
}
