package document

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode"
)

// --- line wrapping -------------------------------------------------------

// unitWidth gives Chinese characters width 1 and ASCII width 0.5, like the
// real fonts do roughly.
func unitWidth(r rune) float64 {
	if r < 0x80 {
		return 0.5
	}
	return 1
}

func lineStrings(lines [][]rune) []string {
	out := make([]string, len(lines))
	for i, l := range lines {
		out[i] = string(l)
	}
	return out
}

func TestWrap(t *testing.T) {
	tests := []struct {
		name        string
		text        string
		first, rest float64
		want        []string
	}{
		{"fits", "一二三", 5, 5, []string{"一二三"}},
		{"empty", "", 5, 5, []string{""}},
		{"plain Chinese", "一二三四五六七八九十壹", 5, 5, []string{"一二三四五", "六七八九十", "壹"}},
		{"first-line indent", "一二三四五六七八", 3, 5, []string{"一二三", "四五六七八"}},
		{"comma never starts a line", "一二三四五，六七", 5, 5, []string{"一二三四", "五，六七"}},
		{"two closing marks", "一二三四五。”六", 5, 5, []string{"一二三四", "五。”六"}},
		{"opening bracket never ends a line", "一二三四（五）六", 5, 5, []string{"一二三四", "（五）六"}},
		{"opening book title mark", "一二三四《五》", 5, 5, []string{"一二三四", "《五》"}},
		{"number kept whole", "一二12345六", 4, 4, []string{"一二", "12345六"}},
		{"phone kept whole", "电话：021-58881234", 8, 8, []string{"电话：", "021-58881234"}},
		{"half-width runes fill by width", "abcdefghij", 2, 2, []string{"abcd", "efgh", "ij"}},
		{"over-long number cut at the margin", strings.Repeat("1", 40), 5, 5,
			[]string{strings.Repeat("1", 10), strings.Repeat("1", 10), strings.Repeat("1", 10), strings.Repeat("1", 10)}},
		{"spaces at a break are dropped", "ab cd ef", 1.5, 1.5, []string{"ab", "cd", "ef"}},
		{"leading spaces dropped", "  一二", 5, 5, []string{"一二"}},
		{"rune wider than the line still placed", "一二", 0.5, 0.5, []string{"一", "二"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := lineStrings(wrap([]rune(tt.text), tt.first, tt.rest, unitWidth))
			if fmt.Sprint(got) != fmt.Sprint(tt.want) {
				t.Errorf("wrap(%q) = %q, want %q", tt.text, got, tt.want)
			}
		})
	}
}

// TestWrapKeepsEveryRune wraps random mixed text and checks that no
// non-space rune is lost or reordered, that no line is too wide, and that no
// line starts with closing or ends with opening punctuation unless that was
// unavoidable.
func TestWrapKeepsEveryRune(t *testing.T) {
	alphabet := []rune("调解委员会消费纠纷申请人经营者，。、；：（）《》“”0123456789abcXYZ- ")
	rng := rand.New(rand.NewPCG(1, 2))
	for iter := range 2000 {
		text := make([]rune, rng.IntN(200))
		for i := range text {
			text[i] = alphabet[rng.IntN(len(alphabet))]
		}
		first := float64(3 + rng.IntN(20))
		rest := first + float64(rng.IntN(3))
		lines := wrap(text, first, rest, unitWidth)
		var joined []rune
		for i, l := range lines {
			avail := rest
			if i == 0 {
				avail = first
			}
			w := 0.0
			for _, r := range l {
				w += unitWidth(r)
			}
			if w > avail+1e-9 && len(l) > 1 {
				t.Fatalf("iteration %d: line %d %q is %.1f wide, limit %.1f", iter, i, string(l), w, avail)
			}
			if len(l) > 0 && (l[0] == ' ' || l[len(l)-1] == ' ') {
				t.Fatalf("iteration %d: line %d %q has untrimmed spaces", iter, i, string(l))
			}
			joined = append(joined, l...)
		}
		if strip(string(joined)) != strip(string(text)) {
			t.Fatalf("iteration %d: wrapping lost runes:\n in  %q\n out %q", iter, string(text), lineStrings(lines))
		}
	}
}

func TestCanBreak(t *testing.T) {
	for _, tt := range []struct {
		a, b rune
		want bool
	}{
		{'一', '二', true}, {'一', '，', false}, {'一', '。', false}, {'一', '）', false}, {'一', '》', false},
		{'（', '一', false}, {'《', '一', false}, {'“', '一', false}, {'，', '一', true},
		{'1', '2', false}, {'a', 'b', false}, {'2', '年', true}, {'号', '0', true}, {' ', 'a', true},
	} {
		if got := canBreak(tt.a, tt.b); got != tt.want {
			t.Errorf("canBreak(%q, %q) = %v, want %v", tt.a, tt.b, got, tt.want)
		}
	}
}

// --- content ---------------------------------------------------------------

func sampleRefusal() Refusal {
	return Refusal{
		CaseNumber:      "（2026）浦消调字第00123号",
		ComplainantName: "张三",
		MerchantName:    "上海某某商贸有限公司",
		CommitteeName:   "上海市浦东新区消费纠纷人民调解委员会",
		ReceivedAt:      time.Date(2026, 2, 26, 10, 0, 0, 0, cst),
		DecidedAt:       time.Date(2026, 3, 2, 9, 30, 0, 0, cst),
		Reason:          "同一纠纷已由法院、仲裁机构、行政机关或其他调解组织受理或处理",
		Note:            "经核实，该纠纷已由上海市浦东新区人民法院立案受理",
		Contact:         "联系人：王敏，联系电话：021-58881234",
	}
}

func TestRefusalNotice(t *testing.T) {
	n := RefusalNotice(sampleRefusal())
	if n.Title != "不予受理通知书" || n.Number != "（2026）浦消调字第00123号" || n.Addressee != "张三：" ||
		n.Issuer != "上海市浦东新区消费纠纷人民调解委员会" || !n.Date.Equal(sampleRefusal().DecidedAt) ||
		n.Footer != "本通知书一式两份，一份送达申请人，一份存档。" {
		t.Fatalf("header or signature wrong: %+v", n)
	}
	want := []string{
		"你（单位）于2026年2月26日向本委员会申请调解与上海某某商贸有限公司之间的消费纠纷。" +
			"经审查，你（单位）的调解申请存在以下情形：同一纠纷已由法院、仲裁机构、行政机关或其他调解组织受理或处理。" +
			"根据《中华人民共和国人民调解法》和《市场监督管理投诉处理办法》的有关规定，本委员会决定不予受理。",
		"经核实，该纠纷已由上海市浦东新区人民法院立案受理。",
		"你（单位）可以依法通过与经营者协商和解、向市场监督管理部门投诉、依据仲裁协议申请仲裁、向人民法院提起诉讼等途径解决纠纷。",
		"如有疑问，请与本委员会联系（联系人：王敏，联系电话：021-58881234）。",
		"特此通知。",
	}
	if fmt.Sprint(n.Paragraphs) != fmt.Sprint(want) {
		t.Fatalf("paragraphs:\n%q\nwant\n%q", n.Paragraphs, want)
	}
}

func TestRefusalNoticeOptionalParts(t *testing.T) {
	n := RefusalNotice(Refusal{
		ComplainantName: " 李四 ", CommitteeName: "上海市徐汇区消费纠纷人民调解委员会",
		Reason: "不属于本调委会受理范围。", Basis: "《中华人民共和国人民调解法》",
	})
	if n.Number != "" || n.Addressee != "李四：" {
		t.Fatalf("number %q, addressee %q", n.Number, n.Addressee)
	}
	want := "你（单位）向本委员会申请调解消费纠纷。经审查，你（单位）的调解申请存在以下情形：不属于本调委会受理范围。" +
		"根据《中华人民共和国人民调解法》的有关规定，本委员会决定不予受理。"
	if n.Paragraphs[0] != want {
		t.Fatalf("first paragraph %q, want %q", n.Paragraphs[0], want)
	}
	if len(n.Paragraphs) != 4 || n.Paragraphs[2] != "如有疑问，请与本委员会联系。" {
		t.Fatalf("paragraphs %q", n.Paragraphs)
	}
	if p := RefusalNotice(Refusal{}).Paragraphs[0]; !strings.Contains(p, "你（单位）的调解申请不符合受理条件。") {
		t.Fatalf("no reason: %q", p)
	}
}

func TestChineseDate(t *testing.T) {
	for _, tt := range []struct {
		in   time.Time
		want string
	}{
		{time.Date(2026, 3, 2, 0, 0, 0, 0, cst), "2026年3月2日"},
		{time.Date(2026, 3, 1, 16, 30, 0, 0, time.UTC), "2026年3月2日"}, // already 2 March in Shanghai
		{time.Date(2026, 12, 31, 12, 0, 0, 0, time.UTC), "2026年12月31日"},
	} {
		if got := ChineseDate(tt.in); got != tt.want {
			t.Errorf("ChineseDate(%v) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestMissingGlyphs(t *testing.T) {
	n := Notice{Title: "通知书", Addressee: "𠮷野家：", Paragraphs: []string{"正文\t含 Latin 与 “引号” 及·点。\u200b\ufe0f𠮷"}}
	got, err := MissingGlyphs(n)
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != "𠮷" {
		t.Fatalf("MissingGlyphs = %q, want only 𠮷", string(got))
	}
	fs, _ := loadFaces()
	if _, ok := fs.pick(replacementRune); !ok {
		t.Fatal("the replacement rune itself cannot be drawn")
	}
}

// --- layout --------------------------------------------------------------

func longParagraph() string {
	return "根据《中华人民共和国人民调解法》，人民调解委员会调解民间纠纷，应当遵循在当事人自愿、平等的基础上进行调解，" +
		"不违背法律、法规和国家政策，尊重当事人的权利，不得因调解而阻止当事人依法通过仲裁、行政、司法等途径维护自己的权利。" +
		"经营者Example Trading Co., Ltd.于2026年1月15日出售的商品（订单号：SH20260115000123456）存在质量问题，" +
		"消费者多次通过电话021-58881234及电子邮件service@example.com联系，均未得到答复。“七日无理由退货”规定……——以上情况属实。"
}

func TestLayoutStaysWithinMargins(t *testing.T) {
	fs, err := loadFaces()
	if err != nil {
		t.Fatal(err)
	}
	paras := []string{longParagraph()}
	for range 30 {
		paras = append(paras, longParagraph())
	}
	n := RefusalNotice(sampleRefusal())
	n.Paragraphs = append(n.Paragraphs, paras...)
	n.VerifyCode = "7K3P-9QXA-2M4D"
	pages := layoutNotice(typesetter{fs}, n)
	if len(pages) < 3 {
		t.Fatalf("%d pages, want at least 3", len(pages))
	}
	for i, p := range pages {
		for _, l := range p.lines {
			text := ""
			for _, r := range l.runs {
				text += r.text
			}
			if l.x < marginLeft-1e-6 || l.x+l.width() > marginRight+1e-6 {
				t.Errorf("page %d: line %q spans x %.2f–%.2f, outside %.2f–%.2f", i+1, text, l.x, l.x+l.width(), marginLeft, marginRight)
			}
			if l.baseline-l.size < marginTop-1e-6 || l.baseline > pageHeight-10*mm {
				t.Errorf("page %d: line %q at baseline %.2f is outside the page body", i+1, text, l.baseline)
			}
			if l.spacing > maxSpacing*l.size {
				t.Errorf("page %d: line %q spaced %.2f", i+1, text, l.spacing)
			}
		}
	}
	// Justified body lines end exactly at the right margin.
	justified := 0
	for _, l := range pages[0].lines {
		if l.spacing > 0 {
			justified++
			if d := l.x + l.width() - marginRight; d > 1e-6 || d < -1e-6 {
				t.Errorf("justified line ends %.3f pt from the margin", d)
			}
		}
	}
	if justified == 0 {
		t.Error("no justified line on page 1")
	}
	// The signature block never starts a page on its own.
	last := pages[len(pages)-1]
	if len(last.lines) < 4 || sealLine(last) < 0 {
		t.Fatalf("last page has no signature block")
	}
	if sealLine(last) == 0 {
		t.Error("the signature block starts the last page without any body text")
	}
}

// sealLine returns the index of the seal placeholder on p, or -1.
func sealLine(p page) int {
	for i, l := range p.lines {
		if len(l.runs) > 0 && strings.HasPrefix(l.runs[0].text, "（印章") {
			return i
		}
	}
	return -1
}

func TestWriteNoticeRequiresTitle(t *testing.T) {
	if err := WriteNotice(&bytes.Buffer{}, Notice{Title: " "}); err == nil {
		t.Fatal("a notice without a title was written")
	}
}

func TestWriteNoticeIsDeterministicAndConcurrent(t *testing.T) {
	n := RefusalNotice(sampleRefusal())
	outs := make([][]byte, 4)
	var wg sync.WaitGroup
	errs := make([]error, len(outs))
	for i := range outs {
		wg.Go(func() {
			var buf bytes.Buffer
			errs[i] = WriteNotice(&buf, n)
			outs[i] = buf.Bytes()
		})
	}
	wg.Wait()
	for i := range outs {
		if errs[i] != nil {
			t.Fatal(errs[i])
		}
		if !bytes.Equal(outs[i], outs[0]) {
			t.Fatal("the same notice gave different PDFs")
		}
	}
	if !bytes.HasPrefix(outs[0], []byte("%PDF-")) {
		t.Fatalf("output does not start like a PDF: %q", outs[0][:8])
	}
	// The embedded fonts are subset: a one-page notice stays small although
	// the Chinese font file is about 4 MB.
	if len(outs[0]) > 300<<10 {
		t.Errorf("one-page notice is %d bytes", len(outs[0]))
	}
}

// --- real readers --------------------------------------------------------

// needTool returns the path of a poppler-utils program; without it the test
// fails under CI and is skipped elsewhere.
func needTool(t *testing.T, name string) string {
	t.Helper()
	path, err := exec.LookPath(name)
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("%s not found (install poppler-utils): %v", name, err)
		}
		t.Skipf("%s not found (install poppler-utils)", name)
	}
	return path
}

func runTool(t *testing.T, name string, args ...string) string {
	t.Helper()
	out, err := exec.Command(needTool(t, name), args...).CombinedOutput()
	if err != nil {
		t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, out)
	}
	return string(out)
}

func writeTemp(t *testing.T, n Notice) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "notice.pdf")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := WriteNotice(f, n); err != nil {
		f.Close()
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	return path
}

// strip removes all white space, so that extracted text can be compared
// regardless of where lines were broken.
func strip(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) {
			return -1
		}
		return r
	}, s)
}

func pageCount(t *testing.T, pdf string) int {
	t.Helper()
	m := regexp.MustCompile(`(?m)^Pages:\s+(\d+)`).FindStringSubmatch(runTool(t, "pdfinfo", pdf))
	if m == nil {
		t.Fatal("pdfinfo shows no page count")
	}
	n, _ := strconv.Atoi(m[1])
	return n
}

func TestNoticeReadBack(t *testing.T) {
	needTool(t, "pdftotext")
	n := RefusalNotice(sampleRefusal())
	n.Paragraphs = append(n.Paragraphs[:2], append([]string{longParagraph()}, n.Paragraphs[2:]...)...)
	n.VerifyCode = "7K3P-9QXA-2M4D"
	pdf := writeTemp(t, n)

	text := runTool(t, "pdftotext", "-enc", "UTF-8", pdf, "-")
	flat := strip(text)
	for _, want := range []string{
		"不予受理通知书", "（2026）浦消调字第00123号", "张三：", "上海市浦东新区消费纠纷人民调解委员会", "2026年3月2日",
		"（印章）", "本通知书一式两份，一份送达申请人，一份存档。", "验证码：7K3P-9QXA-2M4D",
	} {
		if !strings.Contains(flat, strip(want)) {
			t.Errorf("pdftotext output lacks %q:\n%s", want, text)
		}
	}
	// Every paragraph, wrapped over several lines and justified, comes back whole.
	for _, p := range n.Paragraphs {
		if !strings.Contains(flat, strip(p)) {
			t.Errorf("pdftotext output lacks paragraph\n%q\ngot\n%s", p, text)
		}
	}
	// The emboldened title is drawn twice but read once.
	if c := strings.Count(flat, "不予受理通知书"); c != 1 {
		t.Errorf("title extracted %d times", c)
	}
	if got := pageCount(t, pdf); got != 1 {
		t.Errorf("notice has %d pages, want 1", got)
	}

	// Both fonts are embedded.
	fonts := runTool(t, "pdffonts", pdf)
	embedded := 0
	for _, line := range strings.Split(fonts, "\n") {
		if strings.Contains(line, "CID TrueType") {
			if !regexp.MustCompile(`Identity-H\s+yes`).MatchString(line) {
				t.Errorf("font not embedded: %s", line)
			}
			embedded++
		}
	}
	if embedded != 2 {
		t.Errorf("want 2 embedded fonts, pdffonts says:\n%s", fonts)
	}

	// pdftoppm renders page 1 to a PNG with visible ink on it.
	prefix := filepath.Join(t.TempDir(), "page")
	runTool(t, "pdftoppm", "-png", "-r", "50", "-f", "1", "-l", "1", pdf, prefix)
	pngs, _ := filepath.Glob(prefix + "*.png")
	if len(pngs) != 1 {
		t.Fatalf("pdftoppm wrote %v", pngs)
	}
	data, err := os.ReadFile(pngs[0])
	if err != nil || len(data) == 0 {
		t.Fatalf("rendered page: %d bytes, %v", len(data), err)
	}
	img, err := png.Decode(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("rendered page is not a PNG: %v", err)
	}
	b := img.Bounds()
	if b.Dx() < 400 || b.Dx() > 420 || b.Dy() < 580 || b.Dy() > 590 { // A4 at 50 dpi is 413×585
		t.Errorf("rendered page is %d×%d", b.Dx(), b.Dy())
	}
	dark := 0
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			if r, g, bl, _ := img.At(x, y).RGBA(); r+g+bl < 3*0x8000 {
				dark++
			}
		}
	}
	if dark < 2000 {
		t.Errorf("rendered page has only %d dark pixels: the text did not render", dark)
	}
}

func TestLongNoticeFlowsOntoMorePages(t *testing.T) {
	needTool(t, "pdfinfo")
	var paras []string
	for range 12 {
		paras = append(paras, longParagraph())
	}
	n := Notice{
		Title: "调解情况说明", Number: "（2026）浦消调字第00456号", Addressee: "李四：", Paragraphs: paras,
		Issuer: "上海市浦东新区消费纠纷人民调解委员会", Date: time.Date(2026, 3, 2, 0, 0, 0, 0, cst),
		Footer: "本说明一式两份。", VerifyCode: "ABCD-1234",
	}
	pdf := writeTemp(t, n)
	pages := pageCount(t, pdf)
	if pages < 2 {
		t.Fatalf("long notice has %d pages, want 2 or more", pages)
	}
	text := runTool(t, "pdftotext", "-enc", "UTF-8", pdf, "-")
	flat := strip(text)
	// Nothing is lost at the page breaks: the body reads back in order once
	// the page foot (page number, verification code) is taken out.
	body := regexp.MustCompile(`第\d+页共\d+页|验证码：ABCD-1234`).ReplaceAllString(flat, "")
	if !strings.Contains(body, strip(strings.Join(paras, ""))) {
		t.Errorf("body text lost or reordered across pages:\n%s", text)
	}
	for i := 1; i <= pages; i++ {
		if want := fmt.Sprintf("第%d页共%d页", i, pages); !strings.Contains(flat, want) {
			t.Errorf("page number %q missing", want)
		}
	}
	if c := strings.Count(flat, "验证码：ABCD-1234"); c != pages {
		t.Errorf("verification code printed %d times on %d pages", c, pages)
	}
	// The last page holds the signature and the footer.
	last := strip(runTool(t, "pdftotext", "-enc", "UTF-8", "-f", strconv.Itoa(pages), "-l", strconv.Itoa(pages), pdf, "-"))
	for _, want := range []string{"（印章）", "上海市浦东新区消费纠纷人民调解委员会", "2026年3月2日", "本说明一式两份。"} {
		if !strings.Contains(last, want) {
			t.Errorf("last page lacks %q", want)
		}
	}
}

func TestTerminationNoticeText(t *testing.T) {
	n := TerminationNotice(Termination{CaseNumber: "（2026）浦消调字第00009号", Addressee: "上海某某健身有限公司", ConsumerName: "张三",
		MerchantName: "上海某某健身有限公司", CommitteeName: "上海市浦东新区消费纠纷人民调解委员会", Reason: "经调解未能达成协议",
		AcceptedAt: time.Date(2026, 3, 2, 2, 0, 0, 0, time.UTC), TerminatedAt: time.Date(2026, 4, 20, 2, 0, 0, 0, time.UTC)})
	body := strings.Join(n.Paragraphs, "")
	for _, want := range []string{"2026年3月2日", "因经调解未能达成协议", "终止调解", "仲裁", "人民法院提起诉讼", "投诉"} {
		if !strings.Contains(body, want) {
			t.Errorf("termination notice lacks %q: %s", want, body)
		}
	}
	if n.Title != "终止调解告知书" || n.Addressee != "上海某某健身有限公司：" {
		t.Fatalf("%+v", n)
	}
	var buf bytes.Buffer
	if err := WriteNotice(&buf, n); err != nil || buf.Len() < 1000 {
		t.Fatalf("write: %v", err)
	}
}

// testPNG is a w×h PNG with a transparent background and an opaque stroke.
func testPNG(t *testing.T, w, h int, c color.NRGBA) []byte {
	t.Helper()
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	for x := range w {
		img.SetNRGBA(x, h/2, c)
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestSignaturesAndSealAreDrawn(t *testing.T) {
	sig := testPNG(t, 300, 100, color.NRGBA{0, 0, 0, 255})
	seal := testPNG(t, 200, 200, color.NRGBA{200, 0, 0, 255})
	n := Notice{Title: "人民调解协议书", Number: "（2026）浦消调字第00001号", Paragraphs: []string{"双方自愿达成如下协议。"},
		Issuer: "上海市浦东新区消费纠纷人民调解委员会", Date: time.Date(2026, 11, 27, 9, 0, 0, 0, cst),
		Signed: []Signed{{Label: "消费者", Image: sig, Note: "2026-11-27 09:00 手机短信验证签署"},
			{Label: "经营者", Image: []byte("not a png"), Note: "当面签署"}, {Label: "调解员", Note: "当面签署"}},
		Seal: seal}
	path := writeTemp(t, n)
	text := strip(runTool(t, "pdftotext", "-layout", path, "-"))
	for _, want := range []string{"消费者：", "手机短信验证签署", "经营者：", "调解员：", "上海市浦东新区消费纠纷人民调解委员会", "2026年11月27日"} {
		if !strings.Contains(text, strip(want)) {
			t.Errorf("text lacks %q", want)
		}
	}
	if strings.Contains(text, sealPlaceholder) {
		t.Error("seal placeholder printed under the seal")
	}
	// One signature and the seal are images; the unreadable signature is left out, not fatal.
	list := runTool(t, "pdfimages", "-list", path)
	if imgs := len(regexp.MustCompile(`(?m)^\s+1\s+\d+\s+image\s`).FindAllString(list, -1)); imgs != 2 {
		t.Errorf("images in the PDF: %d\n%s", imgs, list)
	}
	runTool(t, "pdftoppm", "-r", "30", "-png", "-singlefile", path, filepath.Join(t.TempDir(), "page"))

	// Without a seal image the placeholder stays for the stamp by hand.
	n.Seal = nil
	if text := strip(runTool(t, "pdftotext", "-layout", writeTemp(t, n), "-")); !strings.Contains(text, sealPlaceholder) {
		t.Error("placeholder missing without a seal image")
	}
}
