package smartmediation

import (
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"
)

// Sheets of the export, for districts without API access: they upload or
// hand over the file instead.
const (
	SheetCases   = "案件"
	SheetParties = "当事人"
	SheetCodes   = "代码表"
)

// CaseHeader and PartyHeader are the first rows, in FORMAT.md's field order.
var (
	CaseHeader = []string{"案件编码", "案号", "调解类型", "调委会编码", "调解工作室编码", "调解员编码", "受理日期",
		"纠纷类别", "案件来源", "案件难度级别", "纠纷简要情况", "调解结果", "协议内容", "履行方式", "涉案金额（元）",
		"协议金额（元）", "协议日期", "协议履行情况", "调解日期", "是否满意", "涉及人数"}
	PartyHeader = []string{"案件编码", "案号", "序号", "当事人类型", "主体类型", "姓名或名称", "联系电话（脱敏）", "统一社会信用代码"}
)

// WriteXLSX writes the records as a workbook: one row per case, one per
// party, and the code tables used, so every coded cell (shown by its name)
// can be traced back to its code.
func WriteXLSX(w io.Writer, recs []CaseRecord, codes *Codes) error {
	if codes == nil {
		codes = DefaultCodes()
	}
	name := func(table, code string) string {
		if n, ok := codes.Name(table, code); ok {
			return n
		}
		return code
	}
	f := excelize.NewFile()
	defer f.Close()
	if err := f.SetSheetName("Sheet1", SheetCases); err != nil {
		return fmt.Errorf("name sheet %s: %w", SheetCases, err)
	}
	for _, s := range []string{SheetParties, SheetCodes} {
		if _, err := f.NewSheet(s); err != nil {
			return fmt.Errorf("add sheet %s: %w", s, err)
		}
	}
	bold, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	if err != nil {
		return fmt.Errorf("export style: %w", err)
	}
	money, err := f.NewStyle(&excelize.Style{NumFmt: 4}) // #,##0.00
	if err != nil {
		return fmt.Errorf("export style: %w", err)
	}
	yuan := func(fen int64) excelize.Cell { return excelize.Cell{StyleID: money, Value: float64(fen) / 100} }

	var cases, parties, table [][]any
	for _, r := range recs {
		satisfied := ""
		if r.Satisfied != nil {
			satisfied = map[bool]string{true: "是", false: "否"}[*r.Satisfied]
		}
		agreed := any("")
		if r.AgreementAmountFen != 0 || r.AgreementContent != "" {
			agreed = yuan(r.AgreementAmountFen)
		}
		cases = append(cases, []any{r.CaseCode, r.DocketNumber, name(TableMediationType, r.MediationType), r.CommitteeCode,
			r.RoomCode, strings.Join(r.MediatorCodes, ","), r.AcceptedDate, name(TableDisputeCategory, r.DisputeCategory),
			name(TableCaseSource, r.CaseSource), name(TableDifficulty, r.Difficulty), r.Summary, name(TableResult, r.Result),
			r.AgreementContent, name(TablePerformanceManner, r.PerformanceManner), yuan(r.AmountFen), agreed,
			r.AgreementDate, name(TablePerformanceStatus, r.PerformanceStatus), r.MediationDate, satisfied, r.PersonsInvolved})
		for i, p := range r.Parties {
			parties = append(parties, []any{r.CaseCode, r.DocketNumber, i + 1, name(TablePartyRole, p.Role),
				name(TablePartyKind, p.Kind), p.Name, p.PhoneMasked, p.CreditCode})
		}
	}
	for _, t := range Tables {
		for _, c := range codes.Table(t.Key) {
			table = append(table, []any{t.Name, c.Code, c.Name})
		}
	}
	table = append(table, []any{}, []any{"格式版本", FormatVersion}, []any{"代码体系", codes.System()})
	for _, s := range []struct {
		sheet string
		head  []string
		rows  [][]any
	}{{SheetCases, CaseHeader, cases}, {SheetParties, PartyHeader, parties}, {SheetCodes, []string{"代码表", "代码", "名称"}, table}} {
		if err := writeSheet(f, s.sheet, s.head, s.rows, bold); err != nil {
			return err
		}
	}
	if err := f.Write(w); err != nil {
		return fmt.Errorf("write export: %w", err)
	}
	return nil
}

func writeSheet(f *excelize.File, sheet string, head []string, rows [][]any, bold int) error {
	sw, err := f.NewStreamWriter(sheet)
	if err != nil {
		return fmt.Errorf("start sheet %s: %w", sheet, err)
	}
	if err := sw.SetColWidth(1, len(head), 16); err != nil {
		return fmt.Errorf("sheet %s widths: %w", sheet, err)
	}
	cells := make([]any, len(head))
	for i, h := range head {
		cells[i] = excelize.Cell{StyleID: bold, Value: h}
	}
	if err := sw.SetRow("A1", cells); err != nil {
		return fmt.Errorf("sheet %s header: %w", sheet, err)
	}
	for i, r := range rows {
		if err := sw.SetRow("A"+strconv.Itoa(i+2), r); err != nil {
			return fmt.Errorf("sheet %s row %d: %w", sheet, i+2, err)
		}
	}
	if err := sw.Flush(); err != nil {
		return fmt.Errorf("finish sheet %s: %w", sheet, err)
	}
	return nil
}
