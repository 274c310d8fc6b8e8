package importer

import (
	"bytes"
	"errors"
	"fmt"
	"github.com/tiaojie/tiaojie/internal/access"
	"io"
	"maps"
	"math"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/tiaojie/tiaojie/internal/domain"
	"github.com/tiaojie/tiaojie/internal/intake"
)

// record is one row as a source yields it.
type record struct {
	line    int
	raw     []string // the cells as stored
	values  []string // raw with merged-cell values filled in (may alias raw)
	noValue []int    // 0-based columns holding a formula without a cached value
}

// source is one readable table: a worksheet or a CSV file.
type source interface {
	next() (record, error) // io.EOF at the end
	close() error
}

// headerInfo is the header row found in a source.
type headerInfo struct {
	line     int
	cells    []string
	mapping  map[Field]int
	date1904 bool
}

// findHeader reads up to headerScanRows non-empty rows and returns the first
// naming at least headerMinMatches known columns, checked for the required
// ones. A source without any non-empty row gives errEmptyWorkbook.
func findHeader(src source) (*headerInfo, error) {
	seen := 0
	for seen < headerScanRows {
		rec, err := src.next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
		if blankRow(rec.raw) {
			continue
		}
		seen++
		m := matchHeaderRow(rec.raw)
		if len(m) < headerMinMatches {
			continue
		}
		if missing := missingFields(m); len(missing) > 0 {
			return nil, &HeaderError{Missing: missing}
		}
		cells := trimTrailingEmpty(append([]string(nil), rec.raw...))
		return &headerInfo{line: rec.line, cells: cells, mapping: m}, nil
	}
	if seen == 0 {
		return nil, errEmptyWorkbook
	}
	return nil, &HeaderError{NotFound: true, Missing: allRequired()}
}

// Reader reads complaints from an export file. Set Now before the first call
// to Next when validation must use another clock than time.Now (a received
// time may not lie in the future).
type Reader struct {
	// Now is the clock rows are validated against; nil means time.Now.
	Now func() time.Time

	src      source
	header   []string
	mapping  map[Field]int
	date1904 bool
	err      error
}

// Open detects the file's kind from its content (the name is not trusted):
// a zip ("PK\x03\x04") is read as .xlsx, anything else as CSV text, and
// other binary content is refused with "不是有效的 .xlsx 或 .csv 文件". In a
// workbook the first sheet with a header row is used ("表格为空" when no
// sheet has any content). The header row is the first of the first 10
// non-empty rows that names at least three known columns; a *HeaderError
// reports a missing header row or missing required columns. CSV text is
// UTF-8 (a BOM is skipped) when the whole file is valid UTF-8, otherwise
// GBK/GB18030; UTF-16 with a BOM (Excel's "Unicode text") is read too. The
// delimiter is a comma, or a tab when the header row is tab-separated.
//
// r must stay readable until Close (a workbook is copied to a temporary
// file at Open, a CSV file is read from r as rows are asked for). filename
// is not trusted and not used for detection.
func Open(r io.ReaderAt, size int64, filename string) (*Reader, error) {
	if size <= 0 {
		return nil, errors.New("文件为空")
	}
	head := make([]byte, min(size, sniffSize))
	if n, err := r.ReadAt(head, 0); err != nil && !(err == io.EOF && n == len(head)) {
		return nil, fmt.Errorf("读取文件失败：%w", err)
	}
	rd := &Reader{}
	switch {
	case bytes.HasPrefix(head, []byte("PK\x03\x04")):
		src, hi, err := openXLSX(r, size)
		if err != nil {
			return nil, err
		}
		rd.src, rd.header, rd.mapping, rd.date1904 = src, hi.cells, hi.mapping, hi.date1904
	case bytes.HasPrefix(head, []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}):
		return nil, errXLS
	case bytes.HasPrefix(head, []byte("PK")):
		return nil, errNotSpreadsheet
	default:
		src, err := newCSVSource(r, size, head)
		if err != nil {
			return nil, err
		}
		hi, err := findHeader(src)
		if err == errEmptyWorkbook {
			return nil, errors.New("文件为空")
		}
		if err != nil {
			return nil, err
		}
		rd.src, rd.header, rd.mapping = src, hi.cells, hi.mapping
	}
	return rd, nil
}

// Header returns the header row's cells as they appear in the file (trailing
// empty cells dropped).
func (r *Reader) Header() []string { return append([]string(nil), r.header...) }

// Mapping returns the 0-based column index of every field the file has.
func (r *Reader) Mapping() map[Field]int { return maps.Clone(r.mapping) }

// Close releases the file and its temporary files.
func (r *Reader) Close() error {
	if r.src == nil {
		return nil
	}
	err := r.src.close()
	r.src = nil
	if r.err == nil {
		r.err = errors.New("读取器已关闭")
	}
	return err
}

// Row is one data row of the file.
type Row struct {
	Line      int              // 1-based row (xlsx) or line (CSV) number in the file, for the report
	Raw       []string         // the original cells, as wide as the header
	Complaint intake.Complaint // the parsed complaint, normalised by validation; Channel "12315"
	Err       string           // why the row cannot be imported, in Chinese; "" when it is valid
}

// Next returns the next non-empty row, or io.EOF after the last. Another
// error means the rest of the file cannot be read (it is corrupt); rows
// already returned stay valid.
func (r *Reader) Next() (Row, error) {
	if r.err != nil {
		return Row{}, r.err
	}
	for {
		rec, err := r.src.next()
		if err != nil {
			r.err = err
			return Row{}, err
		}
		if blankRow(rec.raw) && blankRow(rec.values) {
			continue
		}
		return r.parse(rec), nil
	}
}

// Skip passes over the next non-empty row without parsing or validating
// it, as Next would have returned it: counting a file's rows costs only
// reading them. It returns io.EOF after the last row and, like Next,
// another error when the rest of the file cannot be read.
func (r *Reader) Skip() error {
	if r.err != nil {
		return r.err
	}
	for {
		rec, err := r.src.next()
		if err != nil {
			r.err = err
			return err
		}
		if !blankRow(rec.raw) || !blankRow(rec.values) {
			return nil
		}
	}
}

func (r *Reader) now() time.Time {
	if r.Now != nil {
		return r.Now()
	}
	return time.Now()
}

// excelErrors are the error values a formula can leave in a cell.
var excelErrors = map[string]bool{
	"#NULL!": true, "#DIV/0!": true, "#VALUE!": true, "#REF!": true, "#NAME?": true,
	"#NUM!": true, "#N/A": true, "#GETTING_DATA": true, "#SPILL!": true, "#CALC!": true,
	"#FIELD!": true, "#BLOCKED!": true, "#CONNECT!": true, "#BUSY!": true, "#UNKNOWN!": true,
}

// validationField names a Field the way intake's validation does.
var validationField = map[Field]string{
	FieldExternalID: "external_id", FieldReceivedAt: "received_at", FieldComplainantName: "complainant_name",
	FieldPhone: "phone", FieldIDNumber: "id_number", FieldMerchantName: "merchant_name",
	FieldCreditCode: "credit_code", FieldMerchantAddress: "merchant_address", FieldDescription: "description",
	FieldClaim: "claim", FieldClaimAmount: "claim_amount_fen", FieldCategory: "category",
}

// rowParser collects the problems of one row.
type rowParser struct {
	r        *Reader
	rec      record
	noValue  map[int]bool
	problems []string
	reported map[string]bool // validation fields already explained by a problem
}

func (p *rowParser) problem(f Field, msg string) {
	p.problems = append(p.problems, msg)
	p.reported[validationField[f]] = true
}

// cell returns a mapped cell's trimmed value; ok is false (with the problem
// recorded) for a formula without a result or a formula error value.
func (p *rowParser) cell(f Field) (string, bool) {
	i, ok := p.r.mapping[f]
	if !ok {
		return "", true
	}
	label := p.r.label(f)
	if p.noValue[i] {
		p.problem(f, label+"是公式但文件中没有保存计算结果，请在 Excel 中打开并保存后再导入")
		return "", false
	}
	v := ""
	if i < len(p.rec.values) {
		v = strings.TrimSpace(p.rec.values[i])
	}
	if excelErrors[strings.ToUpper(v)] {
		p.problem(f, label+"的公式计算出错（"+v+"）")
		return "", false
	}
	return v, true
}

// text is a plain text cell.
func (p *rowParser) text(f Field) string {
	v, _ := p.cell(f)
	return v
}

// digits reads a column of digit strings (phone, ID number, 12315 number).
// A numeric xlsx cell may hold such a number in exponent form; an exact
// integer is written out, a rounded one (more than 15 digits) is reported,
// since its last digits are lost.
func (p *rowParser) digits(f Field) string {
	v, ok := p.cell(f)
	if !ok || !exponentNumber.MatchString(v) {
		return v
	}
	x, err := strconv.ParseFloat(v, 64)
	if err == nil && x < 1e15 && x == math.Trunc(x) {
		return strconv.FormatInt(int64(x), 10)
	}
	p.problem(f, p.r.label(f)+"“"+v+"”被 Excel 存成了数字，末几位已丢失，请将该列设为文本格式后重新导出")
	return ""
}

// parse turns a record into a Row: every mapped cell is read and converted,
// the complaint validated, and every problem collected.
func (r *Reader) parse(rec record) Row {
	row := Row{Line: rec.line, Raw: make([]string, len(r.header))}
	copy(row.Raw, rec.raw)
	p := &rowParser{r: r, rec: rec, noValue: map[int]bool{}, reported: map[string]bool{}}
	for _, c := range rec.noValue {
		p.noValue[c] = true
	}
	c := &row.Complaint
	c.Channel = string(domain.Channel12315)
	c.ExternalID = p.digits(FieldExternalID)
	c.ComplainantName = p.text(FieldComplainantName)
	c.Phone = p.digits(FieldPhone)
	c.IDNumber = p.digits(FieldIDNumber)
	c.MerchantName = p.text(FieldMerchantName)
	c.CreditCode = p.text(FieldCreditCode)
	c.MerchantAddress = p.text(FieldMerchantAddress)
	c.Description = p.text(FieldDescription)
	c.Claim = p.text(FieldClaim)
	if v := p.text(FieldReceivedAt); v != "" {
		if t, err := parseDate(v, r.date1904); err != nil {
			p.problem(FieldReceivedAt, r.label(FieldReceivedAt)+"“"+v+"”无法识别")
		} else {
			c.ReceivedAt = &t
		}
	}
	if v := p.text(FieldClaimAmount); v != "" {
		if fen, err := ParseAmount(v); err != nil {
			reason := "无法识别"
			var ae *AmountError
			if errors.As(err, &ae) {
				reason = ae.Reason
			}
			p.problem(FieldClaimAmount, r.label(FieldClaimAmount)+"“"+v+"”"+reason)
		} else {
			c.ClaimAmountFen = fen
		}
	}
	if v := p.text(FieldCategory); v != "" {
		c.Category = MapCategory(v)
		if !domain.ValidCategory(c.Category) {
			p.problem(FieldCategory, r.label(FieldCategory)+"“"+v+"”不在商品或服务分类中")
		}
	}
	if err := c.Validate(r.now()); err != nil {
		var ve *access.ValidationError
		if errors.As(err, &ve) {
			for _, fe := range ve.Fields {
				if !p.reported[fe.Field] {
					p.problems = append(p.problems, fe.Message)
				}
			}
		} else {
			p.problems = append(p.problems, err.Error())
		}
	}
	row.Err = strings.Join(dedupe(p.problems), "；")
	return row
}

var exponentNumber = regexp.MustCompile(`^\d(?:\.\d+)?[eE]\+?\d{1,2}$`)

// label names a field in messages by its header in this file.
func (r *Reader) label(f Field) string {
	if i, ok := r.mapping[f]; ok && i < len(r.header) {
		if h := strings.Join(strings.Fields(r.header[i]), ""); h != "" {
			return strings.TrimRight(strings.TrimLeft(h, "*＊"), ":：")
		}
	}
	return f.Label()
}

func dedupe(ss []string) []string {
	seen := map[string]bool{}
	out := ss[:0]
	for _, s := range ss {
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}
