package sqlstore

import (
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"testing"
)

func TestSearchGrams(t *testing.T) {
	for _, tc := range []struct {
		in   []string
		want string
	}{
		{nil, ""},
		{[]string{"", "", ""}, ""},
		{[]string{"健身"}, "5065 8eab 5065x8eab"},
		{[]string{"健"}, "5065"},
		// ASCII upper case and full-width letters and digits fold to ASCII
		// lower case; repeats are given once.
		{[]string{"Ab", "ａＢ", "1１"}, "61 62 61x62 31 31x31"},
		// Punctuation (ASCII, CJK, full-width) cuts runs: no pair spans it.
		{[]string{"健-身，预。付　卡"}, "5065 8eab 9884 4ed8 5361"},
		// Nor spans two fields.
		{[]string{"健", "身"}, "5065 8eab"},
		// Emoji and accented letters are kept.
		{[]string{"é😀"}, "e9 1f600 e9x1f600"},
		{[]string{"A1"}, "61 31 61x31"},
		{[]string{"第12号"}, "7b2c 31 7b2cx31 32 31x32 53f7 32x53f7"},
	} {
		if got := SearchGrams(tc.in...); got != tc.want {
			t.Errorf("SearchGrams(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
	for _, tc := range []struct {
		term string
		want []string
	}{
		{"健", []string{"5065"}},
		{"健身", []string{"5065x8eab"}},
		{"健身房", []string{"5065x8eab", "8eabx623f"}},
		{"身，预", []string{"8eab", "9884"}},
		{"ＡB", []string{"61x62"}},
		{"aaa", []string{"61x61"}},
		{"，、-", nil},
		{"", nil},
	} {
		if got := termGrams(tc.term); !slices.Equal(got, tc.want) {
			t.Errorf("termGrams(%q) = %q, want %q", tc.term, got, tc.want)
		}
	}
}

// GramKeys are SearchGrams' tokens as numbers, in the same order: a
// character its code point, a pair a<<21|b; a term's keys are its tokens'.
// No pair's number is a character's.
func TestGramKeys(t *testing.T) {
	key := func(tok string) string {
		a, b, pair := strings.Cut(tok, "x")
		x, err := strconv.ParseInt(a, 16, 64)
		if err != nil {
			t.Fatal(err)
		}
		if !pair {
			return strconv.FormatInt(x, 10)
		}
		y, _ := strconv.ParseInt(b, 16, 64)
		return strconv.FormatInt(x*(1<<21)+y, 10)
	}
	if got := GramKeys("健身"); got != "{20581,36523,43161521835}" {
		t.Errorf("GramKeys(健身) = %s", got)
	}
	if got := GramKeys(""); got != "{}" {
		t.Errorf("GramKeys() = %s", got)
	}
	alphabet := []rune("健身预付卡房aAbZ0１９Ｚｚ-，。 _%😀é\U0010FFFF")
	r := rand.New(rand.NewPCG(3, 4))
	for range 300 {
		parts := make([]string, 1+r.IntN(4))
		for i := range parts {
			rs := make([]rune, r.IntN(12))
			for j := range rs {
				rs[j] = alphabet[r.IntN(len(alphabet))]
			}
			parts[i] = string(rs)
		}
		var want []string
		for _, tok := range strings.Fields(SearchGrams(parts...)) {
			want = append(want, key(tok))
		}
		if got := GramKeys(parts...); got != "{"+strings.Join(want, ",")+"}" {
			t.Fatalf("GramKeys(%q) = %s, want {%s}", parts, got, strings.Join(want, ","))
		}
		term := parts[0]
		var tw []int64
		for _, tok := range termGrams(term) {
			n, _ := strconv.ParseInt(key(tok), 10, 64)
			tw = append(tw, n)
		}
		if got := termGramKeys(term); !slices.Equal(got, tw) {
			t.Fatalf("termGramKeys(%q) = %v, want %v", term, got, tw)
		}
	}
	if gramKey(0x10FFFF, 0x10FFFF) <= 0x10FFFF || gramKey(1, 0) <= 0x10FFFF {
		t.Fatal("a pair's number in a character's range")
	}
}

// Every substring of a field (what LIKE finds) has all its grams among the
// field's: the index never hides a match. Upper case and full-width forms
// of a substring too (SQLite's LIKE ignores ASCII case).
func TestSearchGramsCoverSubstrings(t *testing.T) {
	alphabet := []rune("健身预付卡房aAbZ0１９Ｚｚ-，。 _%😀é")
	r := rand.New(rand.NewPCG(1, 2))
	for range 300 {
		field := make([]rune, r.IntN(12))
		for i := range field {
			field[i] = alphabet[r.IntN(len(alphabet))]
		}
		other := string(alphabet[r.IntN(len(alphabet))])
		have := map[string]bool{}
		for _, g := range strings.Fields(SearchGrams(other, string(field))) {
			have[g] = true
		}
		for i := range field {
			for j := i + 1; j <= len(field); j++ {
				sub := string(field[i:j])
				for _, term := range []string{sub, asciiCase(sub, true), asciiCase(sub, false)} {
					for _, g := range termGrams(term) {
						if !have[g] {
							t.Fatalf("field %q, term %q: gram %s missing from %v", string(field), term, g, have)
						}
					}
				}
			}
		}
	}
}

func asciiCase(s string, upper bool) string {
	return strings.Map(func(r rune) rune {
		switch {
		case upper && r >= 'a' && r <= 'z':
			return r - 'a' + 'A'
		case !upper && r >= 'A' && r <= 'Z':
			return r - 'A' + 'a'
		}
		return r
	}, s)
}

// SearchGrams gives what the per-gram form it replaced gave (the index
// built before is read with the new one's terms).
func TestSearchGramsAsBefore(t *testing.T) {
	before := func(parts ...string) string {
		seen := map[string]bool{}
		var out []string
		add := func(t string) {
			if !seen[t] {
				seen[t] = true
				out = append(out, t)
			}
		}
		for _, p := range parts {
			for _, run := range gramRuns(p) {
				for i, r := range run {
					add(gramHex(r))
					if i > 0 {
						add(gramHex(run[i-1]) + "x" + gramHex(r))
					}
				}
			}
		}
		return strings.Join(out, " ")
	}
	alphabet := []rune("健身预付卡房退款aAbZ0１９Ｚｚ-，。 _%😀é\u00a0\t")
	r := rand.New(rand.NewPCG(3, 4))
	for range 2000 {
		parts := make([]string, r.IntN(4))
		for i := range parts {
			rs := make([]rune, r.IntN(30))
			for j := range rs {
				rs[j] = alphabet[r.IntN(len(alphabet))]
			}
			parts[i] = string(rs)
		}
		if got, want := SearchGrams(parts...), before(parts...); got != want {
			t.Fatalf("SearchGrams(%q) = %q, want %q", parts, got, want)
		}
	}
}

func BenchmarkSearchGrams(b *testing.B) {
	for b.Loop() {
		SearchGrams("（2026）浦消调字第1234号", "张三", "上海某某健身服务有限公司", "消费者在该健身房办理预付卡后，商家停业，要求退还剩余款项3000元。", "SH12315-2026-000123")
	}
}

func TestTermIsGram(t *testing.T) {
	for _, tc := range []struct {
		term string
		want bool
	}{
		{"光", true}, {"健身", true}, {"é😀", true},
		{"", false},
		{"翻新机", false},                // two bigrams: a case may hold both apart
		{"健 身", false}, {"健，", false}, // a separator cuts the run
		{"a", false}, {"9", false}, {"ａ", false}, {"９", false}, // folded: LIKE tells "A" from "a", "９" from "9"
		{"健a", false}, {"%", false}, {"_身", false},
	} {
		if got := termIsGram(tc.term); got != tc.want {
			t.Errorf("termIsGram(%q) = %v, want %v", tc.term, got, tc.want)
		}
		// Whenever it holds, the term's grams are one token.
		if tc.want && len(termGrams(tc.term)) != 1 {
			t.Errorf("%q: grams %v", tc.term, termGrams(tc.term))
		}
	}
}
