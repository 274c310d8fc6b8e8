// Package notify sends SMS to the parties of a case: verification codes,
// requests to consent to mediation, reminders and other notices.
//
// The platform sends every SMS through the durable job queue:
//
//   - Queue is the Sender the services use. Send (or SendTx, inside the
//     caller's transaction) records the message in the outbox as queued —
//     phone and text sealed, a request_id of its own — together with an "sms"
//     job naming the row. Nothing waits on a gateway.
//   - Worker works those jobs: it hands each row to a Deliverer and records
//     the outcome on the row (sending, sent, retrying, failed); the queue
//     retries temporary failures with backoff.
//   - Two Deliverers: OutboxDeliverer (the default and the demo: nothing
//     leaves the platform, the admin "outbox" page shows the message) and
//     GatewaySender, an HTTP client for an SMS gateway speaking the JSON
//     format documented on GatewaySender and in GATEWAY.md. Its tests run it
//     against the in-repo peer server in package gatewaytest.
//
// OutboxSender records a message as sent at once, with no queue; the demo
// data builder uses it for messages "sent" in the past.
//
// No sender logs a full phone number (domain.MaskMobile is used throughout),
// and verification codes never reach a log line.
package notify

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/tiaojie/tiaojie/internal/domain"
)

// Message kinds used by the platform. Kind is free text, so other values are
// accepted; these are the ones the platform itself sends.
const (
	KindVerifyCode      = "verify_code"
	KindConsentRequest  = "consent_request"
	KindConsentReminder = "consent_reminder"
	KindNotice          = "notice"
	KindStaffAlert      = "staff_alert" // to staff: a warning's escalation, 催办/督办, 催报
)

// Provider names written into Receipt.Provider and OutboxEntry.Provider.
const (
	ProviderOutbox  = "outbox"
	ProviderGateway = "gateway"
)

// Outbox entry statuses that end a message (see also queue.go).
const (
	StatusSent   = "sent"
	StatusFailed = "failed"
)

// MaxContentRunes is the longest message text (without the signature) that
// the gateway accepts.
const MaxContentRunes = 500

// Message is one SMS.
type Message struct {
	To     string // mainland mobile, normalized 11 digits
	Body   string // Chinese text; the sender adds the 【签名】 prefix
	Kind   string // "verify_code", "consent_request", "consent_reminder", "notice", …
	CaseID int64  // 0 when not about a case
}

// Sender sends SMS. Implementations must not log the full phone number.
type Sender interface {
	Send(ctx context.Context, m Message) (Receipt, error)
}

// Receipt identifies a message accepted by a sender or a deliverer.
type Receipt struct {
	ID       string // "outbox-17", or the gateway's msg_id
	Provider string // ProviderQueue (queued, not yet sent), ProviderOutbox or ProviderGateway
	Status   string // StatusQueued from Queue; StatusSent once delivered
	At       time.Time
}

// Outbox is where senders record what they sent (or failed to send). The
// store implements it; the admin "outbox" page lists the entries.
type Outbox interface {
	AddOutbox(ctx context.Context, e OutboxEntry) (int64, error)
}

// OutboxEntry is one recorded message. It never holds the full phone number:
// ToMask is for display, ToHash (a keyed hash of the normalized number) lets
// the entries of one recipient be found.
type OutboxEntry struct {
	ToMask   string
	ToHash   string
	Body     string // full text as the recipient sees it, signature included
	Kind     string
	CaseID   int64
	Provider string
	Status   string // StatusSent or StatusFailed
	Error    string // Chinese reason when Status is StatusFailed
	At       time.Time
}

// Errors returned before anything is sent. They are wrapped, so test them
// with errors.Is.
var (
	ErrInvalidPhone = errors.New("收信手机号码格式不正确，应为11位中国大陆手机号")
	ErrEmptyBody    = errors.New("短信内容为空")
	ErrBodyTooLong  = errors.New("短信内容超过500字")
	ErrNoOutbox     = errors.New("未配置短信发件箱")
	ErrNoGateway    = errors.New("未配置短信网关地址")
)

// prepared is a validated message, ready to be sent and recorded.
type prepared struct {
	phone   string // normalized 11 digits; never logged
	mask    string
	hash    string
	content string // text without the signature
	full    string // 【签名】 + content
	kind    string
}

// prepare normalizes and validates m. The phone mask is filled in even when
// validation fails, so a failure can still be recorded and logged.
func prepare(m Message, signature string, hash func(string) string) (prepared, error) {
	p := prepared{phone: domain.NormalizeMobile(m.To), kind: m.Kind}
	p.mask = domain.MaskMobile(p.phone)
	if p.kind == "" {
		p.kind = KindNotice
	}
	p.content = strings.TrimSpace(stripSignature(m.Body, signature))
	p.full = withSignature(p.content, signature)
	if domain.ValidateMobile(p.phone) != nil {
		return p, ErrInvalidPhone
	}
	if hash != nil {
		p.hash = hash(p.phone)
	}
	if p.content == "" {
		return p, ErrEmptyBody
	}
	if len([]rune(p.content)) > MaxContentRunes {
		return p, ErrBodyTooLong
	}
	return p, nil
}

// signatureTag is the bracketed signature, "【浦东消调委】"; "" when there is
// no signature.
func signatureTag(signature string) string {
	signature = strings.TrimSpace(signature)
	if signature == "" {
		return ""
	}
	return "【" + signature + "】"
}

// withSignature prefixes body with the bracketed signature.
func withSignature(body, signature string) string {
	return signatureTag(signature) + body
}

// stripSignature removes a leading bracketed signature from body, so that a
// caller who already added it does not get it twice.
func stripSignature(body, signature string) string {
	body = strings.TrimSpace(body)
	if tag := signatureTag(signature); tag != "" {
		body = strings.TrimPrefix(body, tag)
	}
	return body
}

// codeMask replaces verification codes in log lines.
const codeMask = "******"

// logBody is the message text as it may appear in a log line: for a
// verification code message (by kind, or because the text mentions a
// verification code) every run of four or more ASCII digits is replaced by
// "******", and the token of a party's personal link never appears.
func logBody(kind, body string) string {
	body = domain.RedactLinks(body)
	if kind != KindVerifyCode && !strings.Contains(body, "验证码") {
		return body
	}
	return maskDigitRuns(body, 4, codeMask)
}

// maskDigitRuns replaces each maximal run of at least min ASCII digits in s
// with repl.
func maskDigitRuns(s string, min int, repl string) string {
	var b strings.Builder
	b.Grow(len(s))
	run := 0 // length of the digit run ending just before i
	flush := func(i int) {
		if run >= min {
			b.WriteString(repl)
		} else {
			b.WriteString(s[i-run : i])
		}
		run = 0
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; c >= '0' && c <= '9' {
			run++
			continue
		}
		flush(i)
		b.WriteByte(s[i])
	}
	flush(len(s))
	return b.String()
}

// maskPhones replaces anything that looks like a mainland mobile number
// (11 digits starting with 1, not part of a longer digit run) with its mask.
// It is applied to text that comes from outside, such as a gateway's error
// message, before that text reaches a log or an error.
func maskPhones(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); {
		if s[i] < '0' || s[i] > '9' {
			b.WriteByte(s[i])
			i++
			continue
		}
		j := i
		for j < len(s) && s[j] >= '0' && s[j] <= '9' {
			j++
		}
		if run := s[i:j]; j-i == 11 && run[0] == '1' {
			b.WriteString(domain.MaskMobile(run))
		} else {
			b.WriteString(run)
		}
		i = j
	}
	return b.String()
}
