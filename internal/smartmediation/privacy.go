package smartmediation

import (
	"regexp"
	"strings"
)

// Free text (a complaint's description, an agreement's manner of payment)
// is typed by people and often holds a phone, ID or bank-card number. v1
// never sends one, so such text is scrubbed before it leaves, and the
// platform's validation refuses text that still holds one.
var (
	// longNumber: 11 or more digits in a row, ASCII or full-width (mobile,
	// ID with its trailing X, bank card).
	longNumber = regexp.MustCompile(`[0-9０-９]{11,}[XxＸｘ]?`)
	// landline: an area code, a separator and 7–8 digits (021-58881234).
	landline = regexp.MustCompile(`0[0-9]{2,3}[-－ ][0-9]{7,8}`)
)

// Scrub masks every phone-, ID- or card-like number in s: a long number
// keeps its first 3 and last 4 characters, a landline its area code and
// last 4 digits. Error messages from the platform pass through it too.
func Scrub(s string) string {
	s = longNumber.ReplaceAllStringFunc(s, func(m string) string {
		r := []rune(m)
		return string(r[:3]) + strings.Repeat("*", len(r)-7) + string(r[len(r)-4:])
	})
	return landline.ReplaceAllStringFunc(s, func(m string) string {
		i := strings.IndexAny(m, "-－ ")
		return m[:i] + "-****" + m[len(m)-4:]
	})
}

// holdsNumber reports whether s still holds a number Scrub would mask.
func holdsNumber(s string) bool { return longNumber.MatchString(s) || landline.MatchString(s) }

// maskedPhone reports whether s is a masked phone: it shows at most 4
// digits in a row and hides something with '*'.
func maskedPhone(s string) bool {
	if !strings.Contains(s, "*") {
		return false
	}
	run := 0
	for _, r := range s {
		if r >= '0' && r <= '9' {
			if run++; run > 4 {
				return false
			}
		} else {
			run = 0
		}
	}
	return true
}
