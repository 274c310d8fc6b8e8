package document

import "strings"

// Line-breaking rules of Chinese typesetting (避头尾): closing punctuation
// never begins a line, opening punctuation never ends one.
const (
	noLineStart = "，。、；：？！）》」』】〕〗〉”’…—·・％‰℃,.;:?!)]}%－～"
	noLineEnd   = "（《「『【〔〖〈“‘([{"
)

// maxPullBack bounds how many characters a line may give up to the next one
// to respect the rules above or keep a number or Latin word whole; beyond it
// the line is simply cut at the margin.
const maxPullBack = 12

// wrap breaks text into lines: the first at most first wide, the others at
// most rest wide, with width giving each rune's advance. It breaks between
// any two Chinese characters, but not before closing punctuation, not after
// opening punctuation, and not inside a run of Latin letters and digits
// (such as a phone or case number) unless the run is too long to move.
// Spaces at a break are dropped; no rune is otherwise lost or reordered.
func wrap(text []rune, first, rest float64, width func(rune) float64) [][]rune {
	const epsilon = 1e-6
	var lines [][]rune
	avail := first
	start := 0
	for start < len(text) && text[start] == ' ' {
		start++
	}
	w := 0.0
	for i := start; i < len(text); i++ {
		aw := width(text[i])
		if w+aw <= avail+epsilon || i == start {
			w += aw
			continue
		}
		if text[i] == ' ' { // a space at the margin simply disappears
			lines = append(lines, trimSpaces(text[start:i]))
			start = skipSpaces(text, i)
		} else {
			bp := breakPoint(text, start, i)
			lines = append(lines, trimSpaces(text[start:bp]))
			start = skipSpaces(text, bp)
		}
		avail = rest
		w = 0
		i = start - 1
	}
	if start < len(text) || len(lines) == 0 {
		lines = append(lines, trimSpaces(text[start:]))
	}
	return lines
}

// breakPoint returns where to end a line that overflows at index over: the
// last allowed break at or before over, pulling back at most maxPullBack runes
// and always leaving at least one rune on the line.
func breakPoint(text []rune, start, over int) int {
	for j := over; j > start && over-j <= maxPullBack; j-- {
		if canBreak(text[j-1], text[j]) {
			return j
		}
	}
	return over
}

// canBreak reports whether a line may end after a and the next begin with b.
func canBreak(a, b rune) bool {
	switch {
	case a == ' ' || b == ' ':
		return true
	case strings.ContainsRune(noLineStart, b), strings.ContainsRune(noLineEnd, a):
		return false
	case isWordRune(a) && isWordRune(b):
		return false
	}
	return true
}

// isWordRune reports whether r belongs to a Latin word or a number, which
// should not be split across lines.
func isWordRune(r rune) bool {
	return r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' ||
		strings.ContainsRune("-_./@:#&+=", r)
}

func trimSpaces(rs []rune) []rune {
	for len(rs) > 0 && rs[len(rs)-1] == ' ' {
		rs = rs[:len(rs)-1]
	}
	return rs
}

func skipSpaces(rs []rune, i int) int {
	for i < len(rs) && rs[i] == ' ' {
		i++
	}
	return i
}
