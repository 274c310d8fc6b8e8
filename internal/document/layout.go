package document

// Page geometry, in PDF points (1 pt = 1/72 in = 0.3528 mm).
const (
	mm         = 72 / 25.4
	pageWidth  = 595.28 // A4
	pageHeight = 841.89

	bodySize    = 12.0           // 小四
	bodyPitch   = bodySize * 1.6 // baseline to baseline
	titleSize   = 22.0           // 二号
	titlePitch  = titleSize * 1.5
	footerSize  = 10.5 // 五号
	footerPitch = footerSize * 1.5
	smallSize   = 9.0 // verification code and page numbers

	// The text block is exactly 37 body characters wide, so lines of Chinese
	// fill it without any extra spacing; that leaves side margins of 26.7 mm.
	charsPerLine = 37
	textWidth    = charsPerLine * bodySize
	marginLeft   = (pageWidth - textWidth) / 2
	marginRight  = pageWidth - marginLeft
	marginTop    = 25 * mm
	marginBottom = pageHeight - 25*mm
	// Baseline of the verification code and page number, inside the bottom margin.
	pageFootBaseline = pageHeight - 14*mm

	// Ascent used to place a line's baseline within its line box: the
	// ideographic em box of Droid Sans Fallback spans 0.766 em above the
	// baseline and 0.238 em below.
	emAscent = 0.766

	// maxSpacing caps the extra space put between characters to justify a
	// line, as a fraction of the font size; a line that would need more is
	// left ragged.
	maxSpacing = 0.25

	// fakeBoldOffset is how far, as a fraction of the font size, a bold line
	// is drawn a second time to the right (the font has no bold face).
	fakeBoldOffset = 0.025
)

// run is a stretch of a line drawn in one font.
type run struct {
	font  fontID
	text  string
	n     int     // runes in text
	width float64 // advance without extra spacing
}

// textLine is one line of text placed on a page.
type textLine struct {
	x, baseline float64
	size        float64
	spacing     float64 // extra space after every character (PDF Tc)
	runs        []run
	bold, gray  bool
}

// width is the advance of the whole line, extra spacing included except
// after the last character.
func (l textLine) width() float64 {
	w, n := 0.0, 0
	for _, r := range l.runs {
		w += r.width
		n += r.n
	}
	if n > 1 {
		w += float64(n-1) * l.spacing
	}
	return w
}

// rule is a horizontal line.
type rule struct {
	x1, x2, y, thickness float64
}

// picture is a PNG drawn in a box; y is the box's top.
type picture struct {
	data       []byte
	x, y, w, h float64
}

// block is a unit of vertical layout that is never split across pages. Line
// baselines and rule positions are relative to the block's top.
type block struct {
	before   float64 // space above; dropped at the top of a page
	height   float64
	lines    []textLine
	rules    []rule
	pictures []picture
	keep     bool // keep on the same page as the next block
}

// page is a laid-out page with absolute positions.
type page struct {
	lines    []textLine
	rules    []rule
	pictures []picture
}

// paginate places blocks top to bottom between top and bottom, starting a
// new page when a block, together with the blocks it is kept with, does not
// fit in what is left of the current one. It returns the pages and the y
// position below the last block.
func paginate(blocks []block, top, bottom float64) ([]page, float64) {
	pages := []page{{}}
	y := top
	empty := true
	for i, b := range blocks {
		need := b.before + b.height
		for j := i; blocks[j].keep && j+1 < len(blocks); j++ {
			next := need + blocks[j+1].before + blocks[j+1].height
			if next > bottom-top { // a chain longer than a page is broken
				break
			}
			need = next
		}
		if !empty && y+need > bottom {
			pages = append(pages, page{})
			y = top
			empty = true
		}
		if !empty {
			y += b.before
		}
		pages[len(pages)-1].place(b, y)
		y += b.height
		empty = false
	}
	return pages, y
}

// place adds b to p with its top at y.
func (p *page) place(b block, y float64) {
	for _, l := range b.lines {
		l.baseline += y
		p.lines = append(p.lines, l)
	}
	for _, r := range b.rules {
		r.y += y
		p.rules = append(p.rules, r)
	}
	for _, pic := range b.pictures {
		pic.y += y
		p.pictures = append(p.pictures, pic)
	}
}

// typesetter turns text into runs and lines with the embedded fonts' metrics.
type typesetter struct {
	fs *faces
}

// runs splits text into runs of one font each.
func (t typesetter) runs(text []rune, size float64) []run {
	var out []run
	for _, r := range text {
		id, _ := t.fs.pick(r)
		w := t.fs.advance(id, r, size)
		if len(out) > 0 && out[len(out)-1].font == id {
			last := &out[len(out)-1]
			last.text += string(r)
			last.n++
			last.width += w
			continue
		}
		out = append(out, run{font: id, text: string(r), n: 1, width: w})
	}
	return out
}

// measure returns the advance of text at size.
func (t typesetter) measure(text []rune, size float64) float64 {
	w := 0.0
	for _, r := range text {
		w += t.fs.width(r, size)
	}
	return w
}

// lineAt makes a single line whose box starts at top (relative), with its
// left edge at x.
func (t typesetter) lineAt(text []rune, size, pitch, x, top float64) textLine {
	return textLine{
		x:        x,
		baseline: top + (pitch-size)/2 + emAscent*size,
		size:     size,
		runs:     t.runs(text, size),
	}
}

// alignment of a single line within the text block.
type alignment int

const (
	alignLeft alignment = iota
	alignCenter
	alignRight
)

// single lays out text that should fit on one line (title, number,
// addressee); if it does not, it wraps, each line aligned the same way.
func (t typesetter) single(text []rune, size, pitch float64, align alignment) block {
	lines := wrap(text, textWidth, textWidth, func(r rune) float64 { return t.fs.width(r, size) })
	var b block
	for i, l := range lines {
		x := marginLeft
		switch w := t.measure(l, size); align {
		case alignCenter:
			x = marginLeft + (textWidth-w)/2
		case alignRight:
			x = marginRight - w
		}
		b.lines = append(b.lines, t.lineAt(l, size, pitch, x, float64(i)*pitch))
	}
	b.height = float64(len(lines)) * pitch
	return b
}

// paragraph lays out a body paragraph with a first-line indent of two
// characters, justified except for its last line, one block per line so that
// it can flow across pages. The first two and the last two lines are kept
// together so that no page starts or ends with a lone line of a paragraph.
func (t typesetter) paragraph(text []rune, size, pitch float64) []block {
	indent := 2 * size
	width := func(r rune) float64 { return t.fs.width(r, size) }
	lines := wrap(text, textWidth-indent, textWidth, width)
	blocks := make([]block, len(lines))
	for i, l := range lines {
		x, avail := marginLeft, textWidth
		if i == 0 {
			x, avail = marginLeft+indent, textWidth-indent
		}
		tl := t.lineAt(l, size, pitch, x, 0)
		if i < len(lines)-1 && len(l) > 1 {
			extra := (avail - t.measure(l, size)) / float64(len(l)-1)
			if extra > 0 && extra <= maxSpacing*size {
				tl.spacing = extra
			}
		}
		blocks[i] = block{height: pitch, lines: []textLine{tl}}
		n := len(lines)
		blocks[i].keep = n > 1 && (i == 0 || i == n-2)
	}
	return blocks
}
