// Package conversation is online mediation (在线调解): a per-case
// conversation between the mediators and each party, jointly or separately
// (caucus, 背靠背), with evidence files, the mediator's proposed terms and the
// parties' answers, live in the browser through server-sent events. Only the
// parties of the case (through their personal links) and its mediators (and
// an expert both parties let join) can read it.
package conversation

import (
	"github.com/tiaojie/tiaojie/internal/access"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/tiaojie/tiaojie/internal/domain"
	"github.com/tiaojie/tiaojie/internal/store"
)

// Reader kinds.
const (
	KindMediator = "mediator"
	KindExpert   = "expert"
	KindConsumer = "consumer"
	KindMerchant = "merchant"
)

// Channels a reader of the given kind sees: mediators every channel, a
// party the joint one and their own caucus, a joined expert the joint one.
func Channels(kind string) []string {
	switch kind {
	case KindMediator:
		return []string{store.ChannelJoint, store.ChannelConsumer, store.ChannelMerchant}
	case KindConsumer, KindMerchant:
		return []string{store.ChannelJoint, kind}
	case KindExpert:
		return []string{store.ChannelJoint}
	}
	return nil
}

// CanUse reports whether a reader of kind reads and writes channel.
func CanUse(kind, channel string) bool {
	for _, c := range Channels(kind) {
		if c == channel {
			return true
		}
	}
	return false
}

// ChannelLabel names a channel for people.
func ChannelLabel(channel string) string {
	switch channel {
	case store.ChannelJoint:
		return "共同调解"
	case store.ChannelConsumer:
		return "与消费者单独沟通"
	case store.ChannelMerchant:
		return "与经营者单独沟通"
	}
	return channel
}

// Needed is how many parties must accept a proposal put to channel.
func Needed(channel string) int {
	if channel == store.ChannelJoint {
		return 2
	}
	return 1
}

// Addressed reports whether party answers proposals put to channel.
func Addressed(party, channel string) bool {
	return (party == KindConsumer || party == KindMerchant) && (channel == store.ChannelJoint || channel == party)
}

// Open reports whether the case still takes messages: from assignment until
// an agreement is reached or mediation ends. Reading stays open afterwards.
func Open(s domain.Status) bool {
	return s == domain.StatusAssigned || s == domain.StatusMediating || s == domain.StatusSuspended
}

// ErrClosed: the case no longer (or not yet) takes messages and answers.
var ErrClosed = access.Conflict("本案不在调解阶段（尚未开始或已经结束），不能进行此操作")

// MaxBody is the longest message, in characters.
const MaxBody = 2000

// CleanBody trims a message and checks its length.
func CleanBody(s string) (string, error) {
	s = strings.TrimSpace(strings.ReplaceAll(s, "\r\n", "\n"))
	if s == "" {
		return "", &domain.FieldError{Field: "body", Message: "请输入消息内容"}
	}
	if !utf8.ValidString(s) || strings.ContainsFunc(s, func(r rune) bool { return unicode.IsControl(r) && r != '\n' && r != '\t' }) {
		return "", &domain.FieldError{Field: "body", Message: "消息含有无法识别的字符"}
	}
	if utf8.RuneCountInString(s) > MaxBody {
		return "", &domain.FieldError{Field: "body", Message: "消息不能超过2000字，请分几条发送"}
	}
	return s, nil
}
