// Package document renders the committee's formal documents (notices and
// the like) as PDF files that show Chinese correctly in any viewer: the
// fonts are embedded (subset to the characters used), and every character
// maps back to Unicode so that the text can be searched and copied.
package document

import (
	"bytes"
	"errors"
	"fmt"
	"image/png"
	"io"
	"strings"
	"time"

	"github.com/signintech/gopdf"
)

// Notice is a formal document of one or more pages: a title, a document
// number line, an addressee, body paragraphs, a signature block (issuer name
// and date under a seal placeholder) and an optional footer line.
type Notice struct {
	Title      string    // e.g. "不予受理通知书"; required
	Number     string    // e.g. "（2026）浦消调字第00123号"; optional
	Addressee  string    // e.g. "张三："; optional
	Paragraphs []string  // body; each wraps within the margins and flows onto further pages; "\n" starts a new paragraph
	Issuer     string    // e.g. "上海市浦东新区消费纠纷人民调解委员会"
	Date       time.Time // printed as "2026年3月2日" (in China Standard Time); zero leaves "年 月 日" blanks to fill in by hand
	Footer     string    // e.g. "本通知书一式两份，一份送达申请人，一份存档。"; optional, at the foot of the last page
	VerifyCode string    // optional; printed small at the foot of every page as "验证码：…"
	Signed     []Signed  // optional signature lines above the issuer block, e.g. the parties' drawn signatures
	Seal       []byte    // optional PNG of the issuer's seal, placed over the issuer and date instead of the placeholder
}

// Signed is one signature line: the signer's label, the drawn signature (a
// PNG; may be nil) and a note such as when and how it was signed.
type Signed struct {
	Label string
	Image []byte
	Note  string
}

// sealPlaceholder marks where the committee's seal is applied.
const sealPlaceholder = "（印章）"

// cst is China Standard Time; China has kept UTC+8 without daylight saving
// since 1991, so a fixed zone needs no time zone database.
var cst = time.FixedZone("CST", 8*60*60)

// ChineseDate formats t's calendar date in China Standard Time the way
// official documents write it, e.g. "2026年3月2日".
func ChineseDate(t time.Time) string {
	t = t.In(cst)
	return fmt.Sprintf("%d年%d月%d日", t.Year(), int(t.Month()), t.Day())
}

// texts lists every piece of caller text in n.
func (n Notice) texts() []string {
	out := []string{n.Title, n.Number, n.Addressee}
	out = append(out, n.Paragraphs...)
	return append(out, n.Issuer, n.Footer, n.VerifyCode)
}

// WriteNotice renders n as an A4 portrait PDF and writes it to w.
//
// Layout: text block 157 mm wide (37 characters of 12 pt) with margins of
// about 25 mm; title in 22 pt, centred and emboldened; number line right
// aligned; addressee flush left; body in 12 pt with 1.6 line spacing, a
// first-line indent of two characters, lines justified and broken by the
// rules of Chinese typesetting; signature block right of centre, kept on the
// same page as the end of the body; footer line between rules at the foot of
// the last page; verification code and (on documents of several pages) page
// numbers in the bottom margin. Characters the fonts lack print as 〓 (see
// MissingGlyphs). The output is deterministic: the same notice gives the
// same bytes.
func WriteNotice(w io.Writer, n Notice) error {
	if strings.TrimSpace(n.Title) == "" {
		return errors.New("document: notice has no title")
	}
	fs, err := loadFaces()
	if err != nil {
		return err
	}
	pages := layoutNotice(typesetter{fs}, n)
	info := gopdf.PdfInfo{
		Title:   strings.TrimSpace(n.Title),
		Author:  strings.TrimSpace(n.Issuer),
		Subject: strings.TrimSpace(n.Number),
		Creator: "tiaojie",
	}
	return render(w, pages, info)
}

// layoutNotice places every line of n on pages.
func layoutNotice(t typesetter, n Notice) []page {
	oneLine := func(s string) []rune {
		return []rune(strings.TrimSpace(string(t.fs.sanitize(s, true))))
	}
	var blocks []block

	title := t.single(oneLine(n.Title), titleSize, titlePitch, alignCenter)
	for i := range title.lines {
		title.lines[i].bold = true
	}
	title.keep = true
	blocks = append(blocks, title)

	if num := oneLine(n.Number); len(num) > 0 {
		b := t.single(num, bodySize, bodyPitch, alignRight)
		b.before = bodyPitch / 2
		b.keep = true
		blocks = append(blocks, b)
	}

	// One blank line below the heading lines; the body follows the
	// addressee directly.
	first := true
	if to := oneLine(n.Addressee); len(to) > 0 {
		b := t.single(to, bodySize, bodyPitch, alignLeft)
		b.before = bodyPitch
		b.keep = true
		blocks = append(blocks, b)
		first = false
	}

	for _, p := range n.Paragraphs {
		for _, para := range strings.Split(string(t.fs.sanitize(p, false)), "\n") {
			para = strings.Trim(para, " \u3000")
			if para == "" {
				continue
			}
			ps := t.paragraph([]rune(para), bodySize, bodyPitch)
			if first {
				ps[0].before = bodyPitch
				first = false
			}
			blocks = append(blocks, ps...)
		}
	}

	// The signature block follows the body with a blank line and stays on the
	// page of the body's last line.
	blocks[len(blocks)-1].keep = true
	for _, sg := range n.Signed {
		b := t.signedLine(oneLine(sg.Label), sg.Image, oneLine(sg.Note))
		b.keep = true
		blocks = append(blocks, b)
	}
	sig := t.signature(oneLine(n.Issuer), n.Date)
	if len(n.Seal) > 0 {
		if w, h, ok := pngSize(n.Seal); ok {
			// A 42 mm seal centred on the issuer line, overlapping the date, as stamped by hand.
			const d = 119.0
			sw, sh := d, d*h/w
			axis := sig.lines[0].x + sig.lines[0].width()/2
			sig.pictures = append(sig.pictures, picture{data: n.Seal, x: axis - sw/2, y: sig.lines[1].baseline - sh/2 - bodySize/2, w: sw, h: sh})
			sig.lines[0].runs = nil // the placeholder gives way to the seal
		}
	}
	blocks = append(blocks, sig)
	pages, y := paginate(blocks, marginTop, marginBottom)

	if foot := oneLine(n.Footer); len(foot) > 0 {
		b := t.footer(foot)
		top := marginBottom - b.height
		if y+bodyPitch > top {
			pages = append(pages, page{})
		}
		pages[len(pages)-1].place(b, top)
	}

	code := oneLine(n.VerifyCode)
	for i := range pages {
		if len(code) > 0 {
			text := append([]rune("验证码："), code...)
			l := t.lineAt(text, smallSize, 0, marginRight-t.measure(text, smallSize), 0)
			l.baseline, l.gray = pageFootBaseline, true
			pages[i].lines = append(pages[i].lines, l)
		}
		if len(pages) > 1 {
			text := []rune(fmt.Sprintf("第 %d 页 共 %d 页", i+1, len(pages)))
			l := t.lineAt(text, smallSize, 0, (pageWidth-t.measure(text, smallSize))/2, 0)
			l.baseline, l.gray = pageFootBaseline, true
			pages[i].lines = append(pages[i].lines, l)
		}
	}
	return pages
}

// signature lays out the seal placeholder, the issuer and the date, each
// centred on a common axis. As in GB/T 9704 the date ends four characters
// from the right margin, unless the issuer is the longer line, which then
// ends two characters from it.
func (t typesetter) signature(issuer []rune, date time.Time) block {
	var dateText []rune
	if date.IsZero() {
		dateText = []rune("　　　　年　　月　　日")
	} else {
		dateText = []rune(ChineseDate(date))
	}
	wi, wd := t.measure(issuer, bodySize), t.measure(dateText, bodySize)
	axis := min(marginRight-4*bodySize-wd/2, marginRight-2*bodySize-wi/2)
	b := block{before: bodyPitch}
	for _, text := range [][]rune{[]rune(sealPlaceholder), issuer, dateText} {
		if len(text) == 0 {
			continue
		}
		w := t.measure(text, bodySize)
		b.lines = append(b.lines, t.lineAt(text, bodySize, bodyPitch, axis-w/2, b.height))
		b.height += bodyPitch
	}
	b.lines[0].gray = true // the placeholder is not part of the text proper
	return b
}

// signedLine lays out "label：[signature] note" at the left margin; the
// signature is scaled to two lines' height.
func (t typesetter) signedLine(label []rune, img []byte, note []rune) block {
	h := 2 * bodyPitch
	b := block{height: h + bodyPitch/2}
	text := append(append([]rune{}, label...), '：')
	x := marginLeft
	l := t.lineAt(text, bodySize, bodyPitch, x, h-bodyPitch)
	b.lines = append(b.lines, l)
	x += t.measure(text, bodySize)
	if w, ih, ok := pngSize(img); ok {
		pw := min(h*w/ih, 4*h)
		b.pictures = append(b.pictures, picture{data: img, x: x, y: 0, w: pw, h: pw * ih / w})
		x += pw + bodySize
	} else {
		x += 6 * bodySize
	}
	if len(note) > 0 {
		nl := t.lineAt(note, smallSize, bodyPitch, x, h-bodyPitch)
		nl.gray = true
		b.lines = append(b.lines, nl)
	}
	return b
}

// pngSize reads a PNG's dimensions; anything else is not drawn.
func pngSize(b []byte) (w, h float64, ok bool) {
	if len(b) == 0 {
		return 0, 0, false
	}
	cfg, err := png.DecodeConfig(bytes.NewReader(b))
	if err != nil || cfg.Width == 0 || cfg.Height == 0 {
		return 0, 0, false
	}
	return float64(cfg.Width), float64(cfg.Height), true
}

// footer lays out the footer line between two rules.
func (t typesetter) footer(text []rune) block {
	const pad = 4.0
	lines := wrap(text, textWidth, textWidth, func(r rune) float64 { return t.fs.width(r, footerSize) })
	b := block{rules: []rule{{marginLeft, marginRight, 0, 0.6}}}
	y := pad
	for _, l := range lines {
		b.lines = append(b.lines, t.lineAt(l, footerSize, footerPitch, marginLeft+footerSize/2, y))
		y += footerPitch
	}
	b.height = y + pad
	b.rules = append(b.rules, rule{marginLeft, marginRight, b.height, 0.6})
	return b
}

// render draws the pages with gopdf.
func render(w io.Writer, pages []page, info gopdf.PdfInfo) error {
	gp := &gopdf.GoPdf{}
	gp.Start(gopdf.Config{PageSize: *gopdf.PageSizeA4, Unit: gopdf.UnitPT})
	gp.SetInfo(info)
	for id := range fontCount {
		if err := gp.AddTTFFontData(fontFamily[id], fontData[id]); err != nil {
			return fmt.Errorf("document: load font %s: %w", fontFamily[id], err)
		}
	}
	for _, p := range pages {
		gp.AddPage()
		for _, r := range p.rules {
			gp.SetLineWidth(r.thickness)
			gp.SetStrokeColor(0, 0, 0)
			gp.Line(r.x1, r.y, r.x2, r.y)
		}
		for _, l := range p.lines {
			if err := drawLine(gp, l); err != nil {
				return err
			}
		}
		for _, pic := range p.pictures {
			img, err := gopdf.ImageHolderByBytes(pic.data)
			if err != nil {
				return fmt.Errorf("document: read image: %w", err)
			}
			if err := gp.ImageByHolder(img, pic.x, pic.y, &gopdf.Rect{W: pic.w, H: pic.h}); err != nil {
				return fmt.Errorf("document: draw image: %w", err)
			}
		}
	}
	if _, err := gp.WriteTo(w); err != nil {
		return fmt.Errorf("document: write PDF: %w", err)
	}
	return nil
}

// drawLine draws one line run by run; a bold line is drawn twice, the second
// time slightly to the right.
func drawLine(gp *gopdf.GoPdf, l textLine) error {
	if l.gray {
		gp.SetTextColor(96, 96, 96)
	} else {
		gp.SetTextColor(0, 0, 0)
	}
	if err := gp.SetCharSpacing(l.spacing); err != nil {
		return err
	}
	passes := []float64{0}
	if l.bold {
		passes = append(passes, fakeBoldOffset*l.size)
	}
	for _, dx := range passes {
		x := l.x + dx
		for _, r := range l.runs {
			if err := gp.SetFont(fontFamily[r.font], "", l.size); err != nil {
				return err
			}
			gp.SetXY(x, l.baseline)
			if err := gp.Text(r.text); err != nil {
				return err
			}
			x += r.width + float64(r.n)*l.spacing
		}
	}
	return nil
}
