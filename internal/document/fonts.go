package document

import (
	_ "embed"
	"fmt"
	"sync"
	"unicode"

	"github.com/signintech/gopdf"
)

// The two embedded fonts. Droid Sans Fallback draws Chinese (it covers the
// CJK Unified Ideographs and Extension A, CJK punctuation and full-width
// forms) but has no Latin letters, digits or Western punctuation at all;
// Noto Sans, Droid Sans' direct descendant, draws those. See fonts/LICENSE-*.
//
//go:embed fonts/DroidSansFallbackFull.ttf
var cjkFontData []byte

//go:embed fonts/NotoSans-Regular.ttf
var latinFontData []byte

// fontID names one of the embedded fonts.
type fontID int

const (
	fontCJK fontID = iota
	fontLatin
	fontCount
)

// fontFamily is the family name a font is registered under in each PDF.
var fontFamily = [fontCount]string{"DroidSansFallback", "NotoSans"}

var fontData = [fontCount][]byte{cjkFontData, latinFontData}

// replacementRune is drawn for a character that neither font has. 〓 (geta
// mark) is the traditional printer's stand-in for a missing Chinese character.
const replacementRune = '〓'

// faces holds the parsed fonts, used only to look up glyph coverage and
// advance widths; every PDF still registers its own copy with gopdf. The
// lookups only read the parsed tables, so one faces is shared by all
// goroutines.
type faces struct {
	font [fontCount]*gopdf.SubsetFontObj
}

var loadFaces = sync.OnceValues(func() (*faces, error) {
	fs := &faces{}
	for id := range fontCount {
		f := new(gopdf.SubsetFontObj)
		if err := f.SetTTFData(fontData[id]); err != nil {
			return nil, fmt.Errorf("document: parse embedded font %s: %w", fontFamily[id], err)
		}
		fs.font[id] = f
	}
	return fs, nil
})

// has reports whether font id has a real glyph for r.
func (fs *faces) has(id fontID, r rune) bool {
	g, err := fs.font[id].CharCodeToGlyphIndex(r)
	return err == nil && g != 0
}

// pick chooses the font that draws r. Chinese characters and full-width
// forms come from the CJK font; everything below the CJK blocks (Latin,
// digits, “quotes”, dashes, the middle dot of transliterated names) from the
// Latin font when it has them, so that they are proportional and match each
// other. ok is false when neither font can draw r.
func (fs *faces) pick(r rune) (id fontID, ok bool) {
	if r < 0x2E80 {
		if fs.has(fontLatin, r) {
			return fontLatin, true
		}
		return fontCJK, fs.has(fontCJK, r)
	}
	if fs.has(fontCJK, r) {
		return fontCJK, true
	}
	return fontLatin, fs.has(fontLatin, r)
}

// advance returns r's advance width in font id at the given size, in points.
// It uses the same per-mille widths that gopdf writes into the PDF's /W
// array, so that computed positions match what viewers draw.
func (fs *faces) advance(id fontID, r rune, size float64) float64 {
	f := fs.font[id]
	g, err := f.CharCodeToGlyphIndex(r)
	if err != nil {
		g = 0
	}
	return float64(f.GlyphIndexToPdfWidth(g)) * size / 1000
}

// width returns the advance of r in the font that draws it.
func (fs *faces) width(r rune, size float64) float64 {
	id, _ := fs.pick(r)
	return fs.advance(id, r, size)
}

// sanitize prepares caller text for drawing: tabs and (when oneLine) line
// breaks become spaces; other control, format and variation-selector
// characters, which have no visible form, are dropped; characters neither
// font can draw become replacementRune.
func (fs *faces) sanitize(s string, oneLine bool) []rune {
	out := make([]rune, 0, len(s))
	for _, r := range s {
		switch {
		case r == '\t':
			r = ' '
		case r == '\n' && oneLine:
			r = ' '
		case r == '\n':
			// kept: the caller splits on it
		case invisible(r):
			continue
		}
		if r != '\n' {
			if _, ok := fs.pick(r); !ok {
				r = replacementRune
			}
		}
		out = append(out, r)
	}
	return out
}

// invisible reports whether r is a control, format (zero-width) or
// variation-selector character, which has no visible form of its own.
func invisible(r rune) bool {
	return unicode.Is(unicode.Cc, r) || unicode.Is(unicode.Cf, r) || unicode.Is(unicode.Variation_Selector, r)
}

// MissingGlyphs lists, once each and in order of appearance, the characters
// of n that the embedded fonts cannot draw. WriteNotice prints 〓 in their
// place; a caller that must not send a document with a substituted character
// (a party's name, say) checks this first.
func MissingGlyphs(n Notice) ([]rune, error) {
	fs, err := loadFaces()
	if err != nil {
		return nil, err
	}
	var missing []rune
	seen := map[rune]bool{}
	for _, s := range n.texts() {
		for _, r := range s {
			if r == '\t' || r == '\n' || invisible(r) {
				continue
			}
			if _, ok := fs.pick(r); !ok && !seen[r] {
				seen[r] = true
				missing = append(missing, r)
			}
		}
	}
	return missing, nil
}
