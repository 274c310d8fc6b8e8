package feedback

import (
	"bytes"
	"encoding/csv"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"
)

// Columns are the export's columns, in the order and with the labels of
// 12315's closing form (调解情况 block), then what keying in needs beside it.
var Columns = []string{"序号", "投诉编号", "文书号", "调解方式", "调解结果", "终止调解原因",
	"争议金额（元）", "精神赔偿金额（元）", "加倍赔偿金额（元）", "挽回经济损失（元）", "办结日期", "调解情况", "是否违法线索",
	"分流单位", "待补充"}

// Sheet is the workbook's sheet name.
const Sheet = "12315结果反馈"

func yuan(fen int64) string { return strconv.FormatFloat(float64(fen)/100, 'f', 2, 64) }

func yesNo(b bool) string {
	if b {
		return "是"
	}
	return "否"
}

// Cells are one record's cells under Columns (n is its 序号).
func Cells(n int, r Record) []string {
	var missing []string
	for _, m := range r.Missing {
		missing = append(missing, m.Message)
	}
	return []string{strconv.Itoa(n), r.ComplaintNo, r.DocumentNo, Codes.MethodLabel(r.Method), Codes.ResultLabel(r.Result),
		Art21Text(r.Art21), yuan(r.ClaimFen), yuan(r.MentalFen), yuan(r.PunitiveFen), yuan(r.RecoveredFen), r.ClosedOn,
		r.Summary, yesNo(r.Lead), r.Diverter, strings.Join(missing, "；")}
}

// CSV is the list as UTF-8 CSV with a byte-order mark, so Excel opens it
// in Chinese, and CRLF line ends.
func CSV(l List) ([]byte, error) {
	var buf bytes.Buffer
	buf.WriteString("\ufeff")
	w := csv.NewWriter(&buf)
	w.UseCRLF = true
	if err := w.Write(Columns); err != nil {
		return nil, err
	}
	for i, r := range l.Records {
		if err := w.Write(Cells(i+1, r)); err != nil {
			return nil, err
		}
	}
	w.Flush()
	return buf.Bytes(), w.Error()
}

// XLSX is the list as a workbook: the header row, one row per record,
// amounts as numbers with two decimals, 调解情况 wrapped.
func XLSX(l List) ([]byte, error) {
	f := excelize.NewFile()
	defer f.Close()
	if err := f.SetSheetName("Sheet1", Sheet); err != nil {
		return nil, err
	}
	bold, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}, Alignment: &excelize.Alignment{WrapText: true, Vertical: "center"}})
	if err != nil {
		return nil, err
	}
	amount, err := f.NewStyle(&excelize.Style{NumFmt: 2}) // 0.00
	if err != nil {
		return nil, err
	}
	wrap, err := f.NewStyle(&excelize.Style{Alignment: &excelize.Alignment{WrapText: true, Vertical: "top"}})
	if err != nil {
		return nil, err
	}
	cell := func(c, r int) string { n, _ := excelize.CoordinatesToCellName(c, r); return n }
	head := make([]any, len(Columns))
	for i, c := range Columns {
		head[i] = c
	}
	if err := f.SetSheetRow(Sheet, "A1", &head); err != nil {
		return nil, err
	}
	if err := f.SetCellStyle(Sheet, "A1", cell(len(Columns), 1), bold); err != nil {
		return nil, err
	}
	for i, r := range l.Records {
		row := i + 2
		vals := make([]any, len(Columns))
		for j, v := range Cells(i+1, r) {
			vals[j] = v
		}
		vals[0] = i + 1
		for j, fen := range []int64{r.ClaimFen, r.MentalFen, r.PunitiveFen, r.RecoveredFen} {
			vals[6+j] = float64(fen) / 100 // the amount columns, as numbers
		}
		if err := f.SetSheetRow(Sheet, cell(1, row), &vals); err != nil {
			return nil, err
		}
		if err := f.SetCellStyle(Sheet, cell(7, row), cell(10, row), amount); err != nil {
			return nil, err
		}
		if err := f.SetCellStyle(Sheet, cell(12, row), cell(12, row), wrap); err != nil {
			return nil, err
		}
	}
	for col, width := range map[string]float64{"A": 6, "B": 22, "C": 26, "D": 14, "E": 16, "F": 40, "G": 14, "H": 14, "I": 14, "J": 14,
		"K": 12, "L": 80, "M": 12, "N": 20, "O": 30} {
		if err := f.SetColWidth(Sheet, col, col, width); err != nil {
			return nil, err
		}
	}
	if err := f.SetPanes(Sheet, &excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
