package anonymize

import (
	"fmt"
	"regexp"
	"sort"
	"strings"
	"unicode/utf8"
)

// Scan reports the personal information still in s: phone, identity,
// card and plate numbers, e-mail addresses, certificate numbers, detailed
// addresses, health words, control characters, and the names of the
// case's people (full and given names) and merchants (unless kept).
func (m *Masker) Scan(s string) []Hit {
	var hs []Hit
	add := func(kind string, a, b int) {
		hs = append(hs, Hit{Kind: kind, Start: utf8.RuneCountInString(s[:a]), End: utf8.RuneCountInString(s[:b]), Excerpt: excerpt(s[a:b])})
	}
	for i, r := range s {
		if dropped(r) || (r == utf8.RuneError && !strings.HasPrefix(s[i:], "\uFFFD")) {
			hs = append(hs, Hit{Kind: KindControl, Start: utf8.RuneCountInString(s[:i]), End: utf8.RuneCountInString(s[:i]) + 1, Excerpt: "U+" + hex4(r)})
		}
	}
	// Numbers are found on the sanitised text so a zero-width character
	// cannot split one; their offsets are mapped back to s.
	clean, back := sanitizeMap(s)
	for _, h := range findNumbers(clean) {
		add(h.kind, back[h.start], back[h.end])
	}
	for _, x := range []struct {
		re   *regexp.Regexp
		kind string
	}{{reEmail, KindEmail}, {rePlate, KindPlate}, {reCertBracket, KindCertificate}, {reCertKeyword, KindCertificate},
		{reDiagnosisLeft, KindHealth}, {reHealthWord, KindHealth}, {reDistrictDetail, KindAddress}, {reRoom, KindAddress}} {
		for _, l := range x.re.FindAllStringIndex(s, -1) {
			add(x.kind, l[0], l[1])
		}
	}
	for _, re := range []*regexp.Regexp{reRoadNumber, reEstate} {
		for _, l := range re.FindAllStringIndex(s, -1) {
			add(KindAddress, trimStart(s, l[0], l[1]), l[1])
		}
	}
	for _, n := range m.names {
		for off := 0; ; {
			i := strings.Index(s[off:], n.text)
			if i < 0 {
				break
			}
			add(n.kind, off+i, off+i+len(n.text))
			off += i + len(n.text)
		}
	}
	sort.SliceStable(hs, func(i, j int) bool {
		if hs[i].Start != hs[j].Start {
			return hs[i].Start < hs[j].Start
		}
		return hs[i].End > hs[j].End
	})
	// One hit per stretch: a hit inside an earlier one of the same kind is dropped.
	var out []Hit
	for _, h := range hs {
		dup := false
		for _, o := range out {
			if o.Kind == h.Kind && h.Start >= o.Start && h.End <= o.End {
				dup = true
				break
			}
		}
		if !dup {
			out = append(out, h)
		}
	}
	return out
}

// sanitizeMap is Sanitize's character mapping without removals of line
// breaks, with each byte offset of the result mapped to one of s.
func sanitizeMap(s string) (string, []int) {
	var b strings.Builder
	back := make([]int, 0, len(s)+1)
	for i, r := range s {
		if dropped(r) {
			continue
		}
		switch {
		case r >= '０' && r <= '９':
			r = r - '０' + '0'
		case r >= 'Ａ' && r <= 'Ｚ':
			r = r - 'Ａ' + 'A'
		case r >= 'ａ' && r <= 'ｚ':
			r = r - 'ａ' + 'a'
		case r == '＋':
			r = '+'
		case r == '\t':
			r = ' '
		}
		n := utf8.RuneLen(r)
		if r == utf8.RuneError {
			n = 3
		}
		for k := 0; k < n; k++ {
			back = append(back, i)
		}
		b.WriteRune(r)
	}
	back = append(back, len(s))
	return b.String(), back
}

func hex4(r rune) string { return fmt.Sprintf("%04X", r) }

// excerpt shows a hit partly masked: first and last characters kept.
func excerpt(s string) string {
	rs := []rune(s)
	switch len(rs) {
	case 0:
		return ""
	case 1:
		return "*"
	case 2:
		return string(rs[0]) + "*"
	}
	return string(rs[0]) + strings.Repeat("*", len(rs)-2) + string(rs[len(rs)-1])
}
