package anonymize

import (
	"strings"
	"unicode/utf8"
)

// numberRun is a maximal run of digits in a text, with the single
// separators people write inside phone and card numbers (space, dash,
// dot, brackets) and an identity number's final X.
type numberRun struct {
	start, end int // byte offsets
	groups     []group
}

// group is a stretch of digits between separators.
type group struct {
	start, end int
	digits     string
}

func isDigit(r rune) bool { return r >= '0' && r <= '9' }

func isSep(r rune) bool {
	switch r {
	case ' ', '-', '.', '(', ')', '（', '）', '－', '‐', '‑', '‒', '–', '—', '/', '\u3000':
		return true
	}
	return false
}

// runs finds the number runs of s.
func runs(s string) []numberRun {
	var out []numberRun
	i := 0
	for i < len(s) {
		r, size := utf8.DecodeRuneInString(s[i:])
		if !isDigit(r) {
			i += size
			continue
		}
		run := numberRun{start: i}
		g := group{start: i}
		var digits strings.Builder
		j := i
		for j < len(s) {
			r, size := utf8.DecodeRuneInString(s[j:])
			if isDigit(r) {
				digits.WriteRune(r)
				j += size
				continue
			}
			if (r == 'X' || r == 'x') && digits.Len() > 0 && countDigits(run.groups)+digits.Len() == 17 {
				digits.WriteRune('X')
				j += size
				break
			}
			// One separator followed by a digit continues the run.
			if isSep(r) && digits.Len() > 0 {
				if r2, _ := utf8.DecodeRuneInString(s[j+size:]); j+size < len(s) && isDigit(r2) {
					g.end, g.digits = j, digits.String()
					run.groups = append(run.groups, g)
					digits.Reset()
					j += size
					g = group{start: j}
					continue
				}
			}
			break
		}
		g.end, g.digits = j, digits.String()
		run.groups = append(run.groups, g)
		run.end = j
		out = append(out, run)
		i = j
	}
	return out
}

func countDigits(gs []group) int {
	n := 0
	for _, g := range gs {
		n += len(g.digits)
	}
	return n
}

// phoneWords before a bare 7- or 8-digit number make it a phone number.
var phoneWords = []string{"电话", "手机", "联系", "座机", "热线", "号码", "致电", "拨打", "来电", "tel", "Tel", "TEL", "微信"}

// classify names what a number is, given the text before it; "" for an
// ordinary number (an amount, a date, a count).
func classify(d string, before string) string {
	if strings.HasSuffix(d, "X") {
		if len(d) == 18 {
			return KindID
		}
		return ""
	}
	for _, cc := range []string{"0086", "86"} {
		if strings.HasPrefix(d, cc) && len(d) == len(cc)+11 && mobile(d[len(cc):]) {
			return KindPhone
		}
	}
	switch n := len(d); {
	case n == 11 && mobile(d):
		return KindPhone
	case n == 18 && plausibleBirth(d[6:14]):
		return KindID
	case n == 15 && plausibleBirth("19"+d[6:12]):
		return KindID
	case n >= 16 && n <= 19:
		return KindCard
	case (strings.HasPrefix(d, "400") || strings.HasPrefix(d, "800")) && n == 10:
		return KindPhone
	case d[0] == '0' && n >= 10 && n <= 12:
		return KindPhone
	case (n == 7 || n == 8) && d[0] != '0':
		for _, w := range phoneWords {
			if strings.Contains(before, w) {
				return KindPhone
			}
		}
	}
	return ""
}

func mobile(d string) bool { return len(d) == 11 && d[0] == '1' && d[1] >= '3' && d[1] <= '9' }

func plausibleBirth(ymd string) bool {
	if len(ymd) != 8 {
		return false
	}
	y, m, d := ymd[:4], ymd[4:6], ymd[6:]
	return (y[:2] == "19" || y[:2] == "20") && m >= "01" && m <= "12" && d >= "01" && d <= "31"
}

// numberHit is a classified stretch of a run (byte offsets).
type numberHit struct {
	start, end int
	kind       string
}

// findNumbers classifies each run whole, or else its longest classified
// stretches of consecutive groups from the left.
func findNumbers(s string) []numberHit {
	var out []numberHit
	for _, run := range runs(s) {
		gs := run.groups
		for i := 0; i < len(gs); {
			found := false
			for j := len(gs) - 1; j >= i; j-- {
				var d strings.Builder
				for _, g := range gs[i : j+1] {
					d.WriteString(g.digits)
				}
				if d.Len() == 0 {
					continue
				}
				b := s[max(0, gs[i].start-30):gs[i].start]
				b = strings.ToValidUTF8(b, "")
				if k := classify(d.String(), b); k != "" {
					out = append(out, numberHit{gs[i].start, gs[j].end, k})
					i = j + 1
					found = true
					break
				}
			}
			if !found {
				i++
			}
		}
	}
	return out
}

// deleteNumbers replaces every phone, identity and card number with Deleted.
func deleteNumbers(s string) string {
	hs := findNumbers(s)
	if len(hs) == 0 {
		return s
	}
	var b strings.Builder
	last := 0
	for _, h := range hs {
		b.WriteString(s[last:h.start])
		b.WriteString(Deleted)
		last = h.end
	}
	b.WriteString(s[last:])
	return b.String()
}
