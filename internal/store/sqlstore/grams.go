package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// Case search by grams (migration 00058, issue 17).
//
// A case is indexed by the distinct single characters and adjacent pairs
// of characters of the fields the search box covers, each written as one
// ASCII token (hex code points, a pair joined by "x") so that FTS5's ascii
// tokenizer and a PostgreSQL text[] hold it as is. A term is looked up by
// its pairs (its character when it has one): a case that contains the term
// has every one of them, so the grams give a superset of the cases that
// match and the LIKE filter makes it exact. Text is cut into runs at
// separators (ASCII punctuation and space, CJK and full-width punctuation);
// pairs never span a separator or two fields. The PostgreSQL function
// case_search_grams (migration 00058) computes the same tokens; a test
// compares the two on tricky strings.

// gramSeps are the separator ranges, inclusive. ASCII letters and digits
// are kept; so is everything else at or above U+0080 that is not listed
// (CJK, kana, Latin letters with accents, emoji). The PostgreSQL function
// has the same ranges in a regular expression.
var gramSeps = [][2]rune{
	{0x00, 0x2F}, {0x3A, 0x40}, {0x5B, 0x60}, {0x7B, 0xBF},
	{0x2000, 0x206F},                                                       // general punctuation: dashes, quotes, ellipsis, zero-width spaces
	{0x3000, 0x303F},                                                       // CJK symbols and punctuation: ideographic space, 、。「」【】
	{0xFE30, 0xFE4F},                                                       // CJK compatibility forms
	{0xFEFF, 0xFEFF},                                                       // byte order mark
	{0xFF00, 0xFF0F}, {0xFF1A, 0xFF20}, {0xFF3B, 0xFF40}, {0xFF5B, 0xFF65}, // full-width punctuation
}

// gramNorm folds a character: full-width ASCII letters and digits to
// ASCII, ASCII upper case to lower case; 0 for a separator.
func gramNorm(r rune) rune {
	switch {
	case r >= 0xFF10 && r <= 0xFF19, r >= 0xFF21 && r <= 0xFF3A, r >= 0xFF41 && r <= 0xFF5A:
		r -= 0xFEE0
	}
	if r >= 'A' && r <= 'Z' {
		r += 'a' - 'A'
	}
	for _, s := range gramSeps {
		if r >= s[0] && r <= s[1] {
			return 0
		}
	}
	return r
}

func gramHex(r rune) string { return strconv.FormatInt(int64(r), 16) }

// gramRuns splits normalised text into its runs of kept characters.
func gramRuns(s string) [][]rune {
	var runs [][]rune
	var cur []rune
	for _, r := range s {
		if n := gramNorm(r); n != 0 {
			cur = append(cur, n)
			continue
		}
		if len(cur) > 0 {
			runs = append(runs, cur)
			cur = nil
		}
	}
	if len(cur) > 0 {
		runs = append(runs, cur)
	}
	return runs
}

// SearchGrams is the index text of a case's search fields: its distinct
// unigram and bigram tokens, space-separated, in order of first use. It is
// the SQL function search_grams on SQLite (registered on every connection).
func SearchGrams(parts ...string) string {
	// Written as hex straight into the output: every new or edited case
	// computes this in its write (a tenth of an import's CPU when each
	// gram was a string of its own).
	out := make([]byte, 0, 256)
	eachGram(parts, func(a, b rune) {
		if len(out) > 0 {
			out = append(out, ' ')
		}
		if a >= 0 {
			out = strconv.AppendInt(out, int64(a), 16)
			out = append(out, 'x')
		}
		out = strconv.AppendInt(out, int64(b), 16)
	})
	return string(out)
}

// GramKeys is PostgreSQL's form of the same grams (migration 66): an array
// literal of numbers, a character as its code point and a pair (a, b) as
// a<<21 | b. Code points fit in 21 bits and a kept character is never 0,
// so a pair never equals a character. case_gram_keys computes the same.
func GramKeys(parts ...string) string {
	out := make([]byte, 0, 1024)
	out = append(out, '{')
	eachGram(parts, func(a, b rune) {
		if len(out) > 1 {
			out = append(out, ',')
		}
		out = strconv.AppendInt(out, gramKey(a, b), 10)
	})
	return string(append(out, '}'))
}

// gramKey is one gram's number: a < 0 for a single character.
func gramKey(a, b rune) int64 {
	if a < 0 {
		return int64(b)
	}
	return int64(a)<<21 | int64(b)
}

// eachGram calls add once for each distinct gram of parts, in order of
// first use: a character as (-1, b), a pair of adjacent kept characters
// as (a, b).
func eachGram(parts []string, add func(a, b rune)) {
	// Keyed by the runes: no string per gram.
	seen := make(map[uint64]struct{}, 64)
	put := func(key uint64, a, b rune) {
		if _, ok := seen[key]; ok {
			return
		}
		seen[key] = struct{}{}
		add(a, b)
	}
	for _, p := range parts {
		prev := rune(-1)
		for _, r := range p {
			n := gramNorm(r)
			if n == 0 {
				prev = -1
				continue
			}
			put(uint64(n), -1, n)
			if prev >= 0 {
				put(1<<63|uint64(prev)<<32|uint64(n), prev, n)
			}
			prev = n
		}
	}
}

// TermGrams are the tokens a case must hold to contain the term (see
// termGrams); benchmarks write their raw statements with them.
func TermGrams(term string) []string { return termGrams(term) }

// termGrams are the tokens a case must hold to contain the term: the
// bigrams of each run of the term, or its character when a run has one.
// None when the term has no kept character (only punctuation): the index
// cannot narrow it down.
func termGrams(term string) []string {
	var out []string
	eachTermGram(term, func(a, b rune) {
		t := gramHex(b)
		if a >= 0 {
			t = gramHex(a) + "x" + t
		}
		out = append(out, t)
	})
	return out
}

// termIsGram reports whether the cases holding the term's one gram are
// exactly the cases LIKE finds, so that a search need not read their rows
// to check: the term is one run of one or two characters (one unigram or
// bigram), and no other character folds to any of them (folding maps only
// onto ASCII, and SQLite's LIKE ignores only ASCII case). Two adjacent
// characters of a field are in one run unless one of them is a separator,
// which the term has none of.
func termIsGram(term string) bool {
	n := 0
	for _, r := range term {
		if n++; n > 2 || r < 0x80 || gramNorm(r) != r {
			return false
		}
	}
	return n > 0
}

// termGramKeys are termGrams as PostgreSQL stores them (see GramKeys).
func termGramKeys(term string) []int64 {
	var keys []int64
	eachTermGram(term, func(a, b rune) { keys = append(keys, gramKey(a, b)) })
	return keys
}

// TermGramArray is termGramKeys as a PostgreSQL array literal: the search
// and the benchmarks' raw statements put it in their SQL (numbers only, so
// safe as a literal, and the planner sees them).
func TermGramArray(term string) string {
	keys := termGramKeys(term)
	lits := make([]string, len(keys))
	for i, k := range keys {
		lits[i] = strconv.FormatInt(k, 10)
	}
	return "ARRAY[" + strings.Join(lits, ", ") + "]::bigint[]"
}

// eachTermGram calls add once for each distinct gram a case must hold to
// contain the term, in order: the pairs of each run, or its character
// (a < 0) when a run has one.
func eachTermGram(term string, add func(a, b rune)) {
	seen := map[[2]rune]bool{}
	put := func(a, b rune) {
		if !seen[[2]rune{a, b}] {
			seen[[2]rune{a, b}] = true
			add(a, b)
		}
	}
	for _, run := range gramRuns(term) {
		if len(run) == 1 {
			put(-1, run[0])
			continue
		}
		for i := 1; i < len(run); i++ {
			put(run[i-1], run[i])
		}
	}
}

// newGrams is a new case's searched fields, whose grams are written with
// it on PostgreSQL.
type newGrams struct {
	caseID int64
	fields [5]string // number, consumer, merchant, description, 12315 number
}

// The forms of PostgreSQL's grams a schema has (schemaFacts.grams).
const (
	gramsUnknown int32 = iota
	gramsKeys          // case_grams of numbers (migration 66 on)
	gramsNone          // no case_grams (before migration 64: an expression index)
	gramsText          // case_grams of hex tokens (migrations 64 and 65)
)

// writeGrams stores new cases' grams in PostgreSQL's grams table (migration
// 64) in multi-row inserts: computed here, a case's insert no longer runs
// case_search_grams (0.5 ms) in its trigger, which fills in at commit only
// for cases inserted by other SQL. SQLite's FTS5 trigger calls SearchGrams
// itself.
func writeGrams(ctx context.Context, tx *wtx, gs []newGrams) error {
	if tx.db.d.Name != "postgres" {
		return nil
	}
	facts := tx.db.schema
	if facts.grams.Load() == gramsUnknown {
		var typ sql.NullString
		if err := tx.QueryRowContext(ctx, `SELECT format_type(atttypid, atttypmod) FROM pg_attribute
			WHERE attrelid = to_regclass('case_grams') AND attname = 'grams'`).Scan(&typ); err != nil && !errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("search grams table: %w", err)
		}
		switch typ.String {
		case "":
			facts.grams.Store(gramsNone)
		case "text[]":
			facts.grams.Store(gramsText)
		default:
			facts.grams.Store(gramsKeys)
		}
	}
	form := facts.grams.Load()
	if form == gramsNone {
		return nil // a schema before migration 64: its expression index computes them
	}
	for lo := 0; lo < len(gs); lo += batchRows {
		part := gs[lo:min(lo+batchRows, len(gs))]
		var b strings.Builder
		b.WriteString(`INSERT INTO case_grams (case_id, grams) VALUES `)
		args := make([]any, 0, 2*len(part))
		for i, g := range part {
			if i > 0 {
				b.WriteString(", ")
			}
			if form == gramsText {
				fmt.Fprintf(&b, "($%d, string_to_array($%d, ' '))", len(args)+1, len(args)+2)
				args = append(args, g.caseID, SearchGrams(g.fields[:]...))
				continue
			}
			fmt.Fprintf(&b, "($%d, $%d::bigint[])", len(args)+1, len(args)+2)
			args = append(args, g.caseID, GramKeys(g.fields[:]...))
		}
		if _, err := tx.ExecContext(ctx, b.String(), args...); err != nil {
			return fmt.Errorf("search grams: %w", err)
		}
	}
	return nil
}
