package feedbackrules

import (
	"strings"
	"time"
	"unicode/utf8"

	"github.com/tiaojie/tiaojie/internal/domain"
	"github.com/tiaojie/tiaojie/internal/evaluation"
)

// numberRun is a run of digits in a text, possibly written in groups
// ("139 1234 5678", "021-5888-8888") or with full-width digits, and with
// an identity number's final X.
type numberRun struct {
	start, end int    // byte offsets in the text
	digits     string // normalised: ASCII digits and X
}

func digitOf(r rune) (byte, bool) {
	switch {
	case r >= '0' && r <= '9':
		return byte(r), true
	case r >= '０' && r <= '９':
		return byte('0' + r - '０'), true
	}
	return 0, false
}

func isSep(r rune) bool { return r == ' ' || r == '-' || r == '－' || r == '\u00a0' || r == '　' }

func runs(s string) []numberRun {
	var out []numberRun
	cur := numberRun{start: -1}
	sepAt := -1 // offset of a separator just after a digit, pending
	flush := func(end int) {
		if cur.start >= 0 {
			cur.end = end
			out = append(out, cur)
		}
		cur, sepAt = numberRun{start: -1}, -1
	}
	last := 0
	for i, r := range s {
		if d, ok := digitOf(r); ok {
			if cur.start < 0 {
				cur.start = i
			}
			cur.digits += string(d)
			sepAt = -1
			last = i + utf8.RuneLen(r)
			continue
		}
		if cur.start >= 0 && (r == 'X' || r == 'x' || r == 'Ｘ' || r == 'ｘ') && sepAt < 0 && !strings.HasSuffix(cur.digits, "X") {
			cur.digits += "X"
			last = i + utf8.RuneLen(r)
			continue
		}
		if cur.start >= 0 && isSep(r) && sepAt < 0 && !strings.HasSuffix(cur.digits, "X") {
			sepAt = i
			continue
		}
		flush(last)
	}
	flush(last)
	return out
}

// personal reports whether a run of digits reads as a phone number (mobile,
// with or without 86, or a landline with its area code) or an identity or
// card number (15 digits or more, or 18 ending in X).
func personal(d string) bool {
	n := len(d)
	if strings.HasSuffix(d, "X") {
		return n == 18
	}
	switch {
	case n == 11 && d[0] == '1' && d[1] >= '3':
		return true
	case n == 13 && strings.HasPrefix(d, "861") && d[3] >= '3':
		return true
	case d[0] == '0' && n >= 10 && n <= 12:
		return true
	case n >= 15:
		return true
	}
	return false
}

func mask(d string) string {
	if len(d) <= 5 {
		return "****"
	}
	return d[:3] + strings.Repeat("*", len(d)-5) + d[len(d)-2:]
}

// FindNumbers lists the phone and identity numbers in a text, masked (for
// the message that refuses it).
func FindNumbers(s string) []string {
	var hits []string
	for _, r := range runs(s) {
		if personal(r.digits) {
			hits = append(hits, mask(r.digits))
		}
	}
	return hits
}

// Scrub replaces every phone and identity number in a text.
func Scrub(s string) string {
	var b strings.Builder
	prev := 0
	for _, r := range runs(s) {
		if personal(r.digits) {
			b.WriteString(s[prev:r.start])
			b.WriteString("[号码已隐去]")
			prev = r.end
		}
	}
	b.WriteString(s[prev:])
	return b.String()
}

func truncate(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n-1]) + "…"
}

// draftEvents are the events the draft tells, in the order they happened.
var draftEvents = map[string]bool{
	string(domain.ActionAccept): true, string(domain.ActionReject): true, "consent": true,
	string(domain.ActionAssign): true, string(domain.ActionStartMediation): true, "session_recorded": true,
	string(domain.ActionSuspend): true, string(domain.ActionResume): true, string(domain.ActionReachAgreement): true,
	string(domain.ActionTerminate): true, string(domain.ActionWithdraw): true, string(domain.ActionODRSettled): true,
	"performed": true, "lead": true, "judicial_confirmed": true,
}

// afterClosure are the events still told after the case closed.
var afterClosure = map[string]bool{"performed": true, "lead": true, "judicial_confirmed": true}

func dateCN(t time.Time) string { return t.In(cst).Format("2006年1月2日") }

// Draft writes 调解情况 from the case's events in words: where the complaint
// came from and what was claimed, each step of the handling with its date,
// and the result. Phone and identity numbers are scrubbed; the text fits
// MaxSummary (middle steps give way first).
func Draft(t Tables, in Input, r Record) string {
	source := "12315平台分流"
	if in.DiverterName != "" {
		source = in.DiverterName + "分流"
	}
	intro := dateCN(in.Case.ReceivedAt) + "，收到" + source + "的消费者投诉"
	if in.RoomName != "" {
		intro += "，由" + in.RoomName + "办理"
	}
	if c := strings.TrimSpace(in.Claim); c != "" {
		intro += "。投诉人诉求：" + truncate(c, 100)
	}
	if in.Case.ClaimFen > 0 {
		intro += "（争议金额" + domain.FormatFen(in.Case.ClaimFen) + "元）"
	}
	var steps []string
	closedAt := in.Facts.ClosedAt
	for _, e := range in.Case.Events {
		if !draftEvents[e.Type] || closedAt != nil && e.At.After(*closedAt) && !afterClosure[e.Type] {
			continue
		}
		label := domain.EventLabel(e.Type)
		text := label
		if note := truncate(e.Note, 80); note != "" {
			if lr := []rune(label); strings.Contains(note, label) || len(lr) >= 4 && strings.Contains(note, string(lr[len(lr)-4:])) {
				text = note
			} else {
				text = label + "：" + note
			}
		}
		steps = append(steps, e.At.In(cst).Format("1月2日")+text)
	}
	end := "调解结果：" + t.ResultLabel(r.Result)
	if l := t.Art21Label(r.Art21); l != "" && r.Result != ResultAgreed {
		end += "（终止调解情形：" + l + "）"
	}
	if r.RecoveredFen > 0 {
		end += "，挽回经济损失" + domain.FormatFen(r.RecoveredFen) + "元"
	}
	end += "。"
	compose := func(steps []string, cut int) string {
		body := intro + "。"
		if cut >= 0 {
			steps = append(append(append([]string{}, steps[:cut]...), "……"), steps[cut:]...)
		}
		if len(steps) > 0 {
			body += strings.Join(steps, "；") + "。"
		}
		return Scrub(body + end)
	}
	text := compose(steps, -1)
	for utf8.RuneCountInString(text) > MaxSummary && len(steps) > 0 {
		i := len(steps) / 2
		steps = append(steps[:i:i], steps[i+1:]...)
		text = compose(steps, min(i, len(steps)))
	}
	if utf8.RuneCountInString(text) > MaxSummary {
		text = string([]rune(text)[:MaxSummary])
	}
	return text
}

// Outcomes are the outcomes a feedback record exists for (a merged
// duplicate's result is its surviving case's).
var Outcomes = []evaluation.Outcome{evaluation.OutcomeAgreed, evaluation.OutcomeNotAgreed, evaluation.OutcomeTerminated,
	evaluation.OutcomeWithdrawn, evaluation.OutcomeODRSettled, evaluation.OutcomeRejected}
