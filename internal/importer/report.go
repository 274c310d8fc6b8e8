package importer

import (
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"
)

// ReportSheet is the name of the report's only sheet.
const ReportSheet = "导入失败明细"

// reasonHeader heads the report's last column.
const reasonHeader = "失败原因"

// maxCellChars is Excel's limit on the characters of one cell.
const maxCellChars = excelize.TotalCellChars

// ReportWriter writes the rows that failed to import as an .xlsx: the file's
// header plus a last column "失败原因", one row per failed row with its
// original cells. It streams rows to a temporary file (excelize's
// StreamWriter), so a report of 100,000 rows does not sit in memory.
type ReportWriter struct {
	f      *excelize.File
	sw     *excelize.StreamWriter
	width  int
	rows   int
	closed bool
}

// NewReportWriter starts a report for a file with this header row.
func NewReportWriter(header []string) (*ReportWriter, error) {
	f := excelize.NewFile()
	if err := f.SetSheetName("Sheet1", ReportSheet); err != nil {
		f.Close()
		return nil, err
	}
	w := &ReportWriter{f: f, width: len(header)}
	fail := func(err error) (*ReportWriter, error) {
		f.Close()
		return nil, fmt.Errorf("无法生成导入失败明细：%w", err)
	}
	sw, err := f.NewStreamWriter(ReportSheet)
	if err != nil {
		return fail(err)
	}
	bold, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	if err != nil {
		return fail(err)
	}
	red, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true, Color: "C00000"}})
	if err != nil {
		return fail(err)
	}
	if len(header) > 0 {
		if err := sw.SetColWidth(1, len(header), 16); err != nil {
			return fail(err)
		}
	}
	if err := sw.SetColWidth(len(header)+1, len(header)+1, 60); err != nil {
		return fail(err)
	}
	if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		return fail(err)
	}
	cells := make([]any, 0, len(header)+1)
	for _, h := range header {
		cells = append(cells, excelize.Cell{StyleID: bold, Value: cleanCell(h)})
	}
	cells = append(cells, excelize.Cell{StyleID: red, Value: reasonHeader})
	if err := sw.SetRow("A1", cells); err != nil {
		return fail(err)
	}
	w.sw, w.rows = sw, 1
	return w, nil
}

// Add appends a failed row: its original cells (as text, exactly as read)
// and its reason.
func (w *ReportWriter) Add(row Row) error {
	if w.closed {
		return errors.New("导入失败明细已生成，不能再添加")
	}
	if w.rows >= excelize.TotalRows {
		return fmt.Errorf("失败行超过 %d 行，无法写入一个工作表", excelize.TotalRows-1)
	}
	cells := make([]any, w.width+1)
	for i := range w.width {
		v := ""
		if i < len(row.Raw) {
			v = row.Raw[i]
		}
		cells[i] = cleanCell(v)
	}
	cells[w.width] = cleanCell(row.Err)
	w.rows++
	cell, err := excelize.CoordinatesToCellName(1, w.rows)
	if err != nil {
		return err
	}
	return w.sw.SetRow(cell, cells)
}

// Rows is the number of failed rows added.
func (w *ReportWriter) Rows() int { return w.rows - 1 }

// WriteTo writes the finished workbook and releases the writer's temporary
// files; the writer cannot be used afterwards.
func (w *ReportWriter) WriteTo(out io.Writer) (int64, error) {
	if w.closed {
		return 0, errors.New("导入失败明细已生成")
	}
	defer w.Close()
	if err := w.sw.Flush(); err != nil {
		return 0, err
	}
	return w.f.WriteTo(out)
}

// Close discards the report without writing it.
func (w *ReportWriter) Close() error {
	if w.closed {
		return nil
	}
	w.closed = true
	return w.f.Close()
}

// cleanCell makes a value storable in a cell: characters XML cannot carry
// are dropped and the text is cut to Excel's cell limit.
func cleanCell(s string) string {
	if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, "\uFFFD")
	}
	if strings.IndexFunc(s, badXMLChar) >= 0 {
		s = strings.Map(func(r rune) rune {
			if badXMLChar(r) {
				return -1
			}
			return r
		}, s)
	}
	if utf8.RuneCountInString(s) > maxCellChars {
		s = string([]rune(s)[:maxCellChars])
	}
	return s
}

func badXMLChar(r rune) bool {
	return r < 0x20 && r != '\t' && r != '\n' && r != '\r' || r == 0xFFFE || r == 0xFFFF || (r >= 0xD800 && r <= 0xDFFF)
}
