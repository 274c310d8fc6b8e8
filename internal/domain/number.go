package domain

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

// CaseNumber formats a committee's case number, e.g. （2026）浦消调字第00123号.
// abbr is the committee's one- or two-character abbreviation (浦 for Pudong).
func CaseNumber(year int, abbr string, seq int64) string {
	return fmt.Sprintf("（%d）%s消调字第%05d号", year, abbr, seq)
}

// FormatFen renders an amount in 分 as yuan with two decimals, e.g. 123456 → "1,234.56".
func FormatFen(fen int64) string {
	neg := fen < 0
	if neg {
		if fen == math.MinInt64 {
			fen++ // -MinInt64 overflows; one fen off at the limit is harmless
		}
		fen = -fen
	}
	yuan := strconv.FormatInt(fen/100, 10)
	var b strings.Builder
	for i, r := range yuan {
		if i > 0 && (len(yuan)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	s := fmt.Sprintf("%s.%02d", b.String(), fen%100)
	if neg {
		return "-" + s
	}
	return s
}

// ParseYuan parses a yuan amount typed by a person ("1234.5", "1,234.50", "１２３元") into 分.
// "" means no amount (0). Signs are refused: amounts are never negative.
func ParseYuan(s string) (int64, error) {
	s = strings.TrimSpace(halfWidth(s))
	s = strings.TrimSpace(strings.TrimSuffix(s, "元"))
	s = strings.ReplaceAll(s, ",", "")
	if s == "" {
		return 0, nil
	}
	bad := &FieldError{Field: "claim_amount", Message: "金额格式不正确，请填写不超过10亿元、最多两位小数的数字"}
	intPart, frac, hasFrac := strings.Cut(s, ".")
	if intPart == "" {
		intPart = "0"
	}
	if !allDigits(intPart) || (hasFrac && (len(frac) == 0 || len(frac) > 2 || !allDigits(frac))) || len(intPart) > 10 {
		return 0, bad
	}
	for len(frac) < 2 {
		frac += "0"
	}
	n, _ := strconv.ParseInt(intPart, 10, 64)
	f, _ := strconv.ParseInt(frac, 10, 64)
	fen := n*100 + f
	if fen > 100_000_000_000 {
		return 0, bad
	}
	return fen, nil
}

func allDigits(s string) bool {
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return s != ""
}

// halfWidth maps full-width ASCII (ＡＢＣ１２３，．) to half-width.
func halfWidth(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= 0xFF01 && r <= 0xFF5E {
			return r - 0xFEE0
		}
		if r == 0x3000 {
			return ' '
		}
		return r
	}, s)
}

// NormalizeCaseNumber is the canonical form of a case number typed by a
// person: NFKC (full-width digits to ASCII), white space removed, and the
// year's brackets as CaseNumber writes them, full-width, so "(2026)浦消调字第
// 00123号" and "（２０２６）浦消调字第００１２３号" both find （2026）浦消调字第00123号.
func NormalizeCaseNumber(s string) string {
	// NFKC can make spaces (U+02DC → space + combining tilde); removing them
	// can make a sequence NFKC composes: repeat until stable (found by
	// FuzzCaseNumber). Two rounds suffice; four bound it.
	for range 4 {
		t := caseNumberChars(NormalizeIdentifier(s))
		if t == s {
			break
		}
		s = t
	}
	return s
}

// IsCaseNumber reports whether s, already normalised (NormalizeCaseNumber),
// has the whole form CaseNumber writes: （year）abbr消调字第serial号.
func IsCaseNumber(s string) bool {
	rest, ok := strings.CutPrefix(s, "（")
	if !ok || len(rest) < 4 || !allDigits(rest[:4]) {
		return false
	}
	if rest, ok = strings.CutPrefix(rest[4:], "）"); !ok {
		return false
	}
	abbr, serial, ok := strings.Cut(rest, "消调字第")
	if !ok || abbr == "" || len([]rune(abbr)) > 4 {
		return false
	}
	digits, ok := strings.CutSuffix(serial, "号")
	return ok && digits != "" && allDigits(digits)
}

// caseNumberChars drops white space and writes the brackets full-width.
func caseNumberChars(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r == ' ' || r == '\t' || r == '\n' || r == '\r':
			return -1
		case r == '(':
			return '（'
		case r == ')':
			return '）'
		}
		return r
	}, s)
}
