// Package domain holds the pure types and rules of a consumer-dispute case:
// its states, the actions that move it between them and their guards,
// identifiers, roles and permissions. Nothing here does I/O.
package domain

// Status is where a case stands in its life (DESIGN.md "A case's life").
type Status string

const (
	StatusReceived       Status = "received"        // registered, acceptance decision pending
	StatusRejected       Status = "rejected"        // 不予受理
	StatusAccepted       Status = "accepted"        // 受理
	StatusODRNegotiating Status = "odr_negotiating" // ODR enterprise negotiates first
	StatusConsenting     Status = "consenting"      // waiting for both parties' consent
	StatusAssigned       Status = "assigned"        // mediator designated
	StatusMediating      Status = "mediating"
	StatusSuspended      Status = "suspended" // 中止: clocks paused
	StatusAgreed         Status = "agreed"
	StatusPerforming     Status = "performing"
	StatusFollowedUp     Status = "followed_up"
	StatusTerminated     Status = "terminated" // 终止
	StatusWithdrawn      Status = "withdrawn"  // 撤回
	StatusArchived       Status = "archived"
)

// Statuses lists every status in life order; used for filters and tests.
var Statuses = []Status{
	StatusReceived, StatusRejected, StatusAccepted, StatusODRNegotiating, StatusConsenting,
	StatusAssigned, StatusMediating, StatusSuspended, StatusAgreed, StatusPerforming,
	StatusFollowedUp, StatusTerminated, StatusWithdrawn, StatusArchived,
}

var statusLabels = map[Status]string{
	StatusReceived:       "待受理",
	StatusRejected:       "不予受理",
	StatusAccepted:       "已受理",
	StatusODRNegotiating: "企业协商中",
	StatusConsenting:     "征求调解意愿",
	StatusAssigned:       "已指派",
	StatusMediating:      "调解中",
	StatusSuspended:      "中止",
	StatusAgreed:         "达成协议",
	StatusPerforming:     "履行中",
	StatusFollowedUp:     "已回访",
	StatusTerminated:     "调解终止",
	StatusWithdrawn:      "已撤回",
	StatusArchived:       "已归档",
}

// Label is the Chinese name shown to users.
func (s Status) Label() string {
	if l, ok := statusLabels[s]; ok {
		return l
	}
	return string(s)
}

// Valid reports whether s is a known status.
func (s Status) Valid() bool { _, ok := statusLabels[s]; return ok }

// Terminal reports whether nothing can follow s.
func (s Status) Terminal() bool { return s == StatusArchived }

// Open reports whether the case is still being worked (counts against capacity, clocks may run).
func (s Status) Open() bool {
	switch s {
	case StatusRejected, StatusTerminated, StatusWithdrawn, StatusArchived, StatusFollowedUp:
		return false
	}
	return true
}

// Channel is how a complaint reached the committee.
type Channel string

const (
	Channel12315   Channel = "12315"   // national complaint platform, diverted by a regulator
	ChannelWalkIn  Channel = "walk_in" // 现场登记
	ChannelPhone   Channel = "phone"   // 电话
	ChannelOnline  Channel = "online"  // consumer files online
	ChannelODR     Channel = "odr"     // enterprise ODR platform
	ChannelCourt   Channel = "court"   // 诉前调解 referral
	ChannelAPI     Channel = "api"     // other machine client
	ChannelLetters Channel = "letters" // 来信
)

var channelLabels = map[Channel]string{
	Channel12315: "12315平台分流", ChannelWalkIn: "现场登记", ChannelPhone: "电话登记",
	ChannelOnline: "网上申请", ChannelODR: "企业ODR平台", ChannelCourt: "法院诉前委派",
	ChannelAPI: "接口推送", ChannelLetters: "来信",
}

// Channels lists every channel in display order.
var Channels = []Channel{Channel12315, ChannelWalkIn, ChannelPhone, ChannelOnline, ChannelODR, ChannelCourt, ChannelAPI, ChannelLetters}

func (c Channel) Label() string {
	if l, ok := channelLabels[c]; ok {
		return l
	}
	return string(c)
}
func (c Channel) Valid() bool { _, ok := channelLabels[c]; return ok }

// EndedByTermination reports whether a case with this status and reason code
// was terminated (终止), also once archived: it has termination notices.
func EndedByTermination(s Status, reasonCode string) bool {
	return s == StatusTerminated || (s == StatusArchived && TerminateReasons.Has(reasonCode))
}
