package notify

import (
	"regexp"

	"github.com/tiaojie/tiaojie/internal/domain"
)

// CodeMask stands for a verification code wherever staff read a text.
const CodeMask = "••••••"

// codeInText matches a verification code as the platform's texts carry it
// ("验证码为123456", "验证码：1234").
var codeInText = regexp.MustCompile(`(验证码[为是：:\s]*)[0-9]{4,8}`)

// Shown is a text as staff may read it (the outbox page, the job queue,
// any export): the token of every personal link replaced by "…" and every
// verification code by CodeMask. Only the deliverer ever sees the real text,
// which the outbox keeps sealed (OutboxEntry.BodySealed).
func Shown(s string) string {
	return codeInText.ReplaceAllString(domain.RedactLinks(s), "${1}"+CodeMask)
}

// Redact is Shown with mainland mobile numbers masked too, for text that may
// hold anything (a job's arguments, an error from outside).
func Redact(s string) string { return maskPhones(Shown(s)) }
