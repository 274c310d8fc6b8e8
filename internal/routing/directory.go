package routing

import (
	"cmp"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Room is one mediation room of the committee.
type Room struct {
	ID         int64
	Name       string
	Enterprise bool // 企业人民调解工作室; otherwise an office room (联合人民调解工作室) or another committee room
}

// StreetRoom assigns a street or town (街道/镇, or a zone such as a 新片区)
// to the office room that covers it.
type StreetRoom struct {
	Street string
	RoomID int64
}

// Directory is what routing knows about a committee's rooms. Build it with
// NewDirectory, which precomputes the street matcher (a Directory literal
// works, but rebuilds the matcher on every street lookup), and treat it as
// read-only afterwards: it is then safe for concurrent use by many Route calls.
type Directory struct {
	Rooms           map[int64]Room
	MerchantRooms   map[int64]int64  // merchant id → enterprise room
	CreditCodeRooms map[string]int64 // unified social credit code (normalized) → enterprise room
	Streets         []StreetRoom     // street/town → office room; the first listing of a name wins

	streets streetMatcher
}

// NewDirectory indexes the committee's rooms, merchant bindings and street
// map. Street names and credit codes are normalized like the complaint's
// fields (trimmed, full-width folded to half-width, spaces removed).
func NewDirectory(rooms []Room, merchantRooms map[int64]int64, creditCodeRooms map[string]int64, streets []StreetRoom) *Directory {
	d := &Directory{
		Rooms:           make(map[int64]Room, len(rooms)),
		MerchantRooms:   merchantRooms,
		CreditCodeRooms: make(map[string]int64, len(creditCodeRooms)),
		Streets:         slices.Clone(streets),
	}
	for _, r := range rooms {
		d.Rooms[r.ID] = r
	}
	for code, room := range creditCodeRooms {
		if n := normalizeCode(code); n != "" {
			d.CreditCodeRooms[n] = room
		}
	}
	d.streets = newStreetMatcher(d.Streets)
	return d
}

func (d *Directory) room(id int64) (Room, bool) {
	if d == nil || id == 0 {
		return Room{}, false
	}
	r, ok := d.Rooms[id]
	r.ID = id // the map key is authoritative
	return r, ok
}

// enterpriseRoom looks the merchant up by id, then by credit code.
// how says which key matched, for the trace.
func (d *Directory) enterpriseRoom(merchantID int64, creditCode string) (room int64, how string, ok bool) {
	if d == nil {
		return 0, "", false
	}
	if merchantID != 0 {
		if room, ok := d.MerchantRooms[merchantID]; ok {
			return room, "经营者编号" + itoa(merchantID), true
		}
	}
	if code := normalizeCode(creditCode); code != "" {
		if room, ok := d.CreditCodeRooms[code]; ok {
			return room, "统一社会信用代码" + code, true
		}
	}
	return 0, "", false
}

// streetSuffixes are stripped to form a street's base name, longest first so
// that "川沙新镇" yields "川沙" and "临港新片区" yields "临港".
var streetSuffixes = []string{"街道办事处", "新片区", "开发区", "保税区", "街道", "新镇", "地区", "片区", "园区", "镇", "乡"}

// baseName is the street's name without its administrative suffix, or "" when
// there is no suffix or the rest is shorter than two runes ("唐镇" has none:
// "唐" alone would match far too many addresses).
func baseName(street string) string {
	for _, suf := range streetSuffixes {
		if b, ok := strings.CutSuffix(street, suf); ok {
			if utf8.RuneCountInString(b) >= 2 {
				return b
			}
			return ""
		}
	}
	return ""
}

type streetPattern struct {
	text   string // normalized full or base name, as found in the address
	name   string // normalized full name of the street
	runes  int
	street int  // index into Directory.Streets
	base   bool // text is the street's base name, not its full name
}

// better ranks matches: a full street name beats a base name (so the road
// "南码头路" in "北蔡镇南码头路" does not outrank the town), then the longer
// text wins ("新场镇" over "新场"); among equals the earlier match stays.
func (p streetPattern) better(q streetPattern) bool {
	if p.base != q.base {
		return !p.base
	}
	return p.runes > q.runes
}

// streetMatcher finds the best street in an address in one pass: patterns
// are indexed by their first rune and sorted best-first within each bucket.
type streetMatcher struct {
	byFirst map[rune][]streetPattern
}

func newStreetMatcher(streets []StreetRoom) streetMatcher {
	full := make(map[string]int, len(streets))
	var names []string
	for i, s := range streets {
		n := normalize(s.Street, false)
		if _, dup := full[n]; n == "" || dup {
			continue
		}
		full[n] = i
		names = append(names, n)
	}
	owners := make(map[string]int) // base name → number of streets sharing it
	for _, n := range names {
		if b := baseName(n); b != "" {
			owners[b]++
		}
	}
	m := streetMatcher{byFirst: make(map[rune][]streetPattern)}
	add := func(text string, street int, base bool) {
		r, _ := utf8.DecodeRuneInString(text)
		p := streetPattern{text: text, name: normalize(streets[street].Street, false),
			runes: utf8.RuneCountInString(text), street: street, base: base}
		m.byFirst[r] = append(m.byFirst[r], p)
	}
	for _, n := range names {
		add(n, full[n], false)
		// A base name counts only when it points at exactly one street and is
		// not itself some other street's full name.
		if b := baseName(n); b != "" && owners[b] == 1 {
			if _, taken := full[b]; !taken {
				add(b, full[n], true)
			}
		}
	}
	for _, ps := range m.byFirst {
		slices.SortFunc(ps, func(a, b streetPattern) int {
			switch {
			case a.better(b):
				return -1
			case b.better(a):
				return 1
			}
			return cmp.Compare(a.text, b.text)
		})
	}
	return m
}

// match returns the best street pattern found in the normalized address.
func (m streetMatcher) match(addr string) (streetPattern, bool) {
	var best streetPattern
	found := false
	for i, r := range addr {
		for _, p := range m.byFirst[r] {
			if strings.HasPrefix(addr[i:], p.text) {
				if !found || p.better(best) {
					best, found = p, true
				}
				break // the bucket is sorted best-first
			}
		}
	}
	return best, found
}

// normalize folds full-width ASCII to half-width, removes all white space
// (which also trims) and, when lower is set, lower-cases ASCII letters. It
// does not allocate when s is already in normal form.
func normalize(s string, lower bool) string {
	i := 0
	for i < len(s) {
		if c := s[i]; c < utf8.RuneSelf {
			if isSpace(rune(c)) || lower && 'A' <= c && c <= 'Z' {
				break
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if isFullWidth(r) || isSpace(r) {
			break
		}
		i += size
	}
	if i == len(s) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	b.WriteString(s[:i])
	for _, r := range s[i:] {
		if isFullWidth(r) {
			r -= 0xFEE0
		}
		switch {
		case isSpace(r):
			continue
		case lower && 'A' <= r && r <= 'Z':
			r += 'a' - 'A'
		}
		b.WriteRune(r)
	}
	return b.String()
}

// isSpace is unicode.IsSpace with a fast path: no white space lies above
// the ideographic space U+3000, where nearly all Chinese text is.
func isSpace(r rune) bool {
	if r < utf8.RuneSelf {
		return r == ' ' || '\t' <= r && r <= '\r'
	}
	return r <= 0x3000 && unicode.IsSpace(r)
}

// isFullWidth reports whether r is a full-width form of a printable ASCII
// character (！ to ～); the ideographic space U+3000 is white space.
func isFullWidth(r rune) bool { return r >= 0xFF01 && r <= 0xFF5E }

// normalizeCode normalizes a unified social credit code: 18 characters,
// digits and upper-case letters.
func normalizeCode(s string) string { return strings.ToUpper(normalize(s, false)) }
