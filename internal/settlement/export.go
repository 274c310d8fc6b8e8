package settlement

import (
	"fmt"
	"io"
	"strings"

	"github.com/xuri/excelize/v2"

	"github.com/tiaojie/tiaojie/internal/calendar"
	"github.com/tiaojie/tiaojie/internal/document"
	"github.com/tiaojie/tiaojie/internal/domain"
	"github.com/tiaojie/tiaojie/internal/subsidy"
)

// Sheet names of the finance bureau's workbook.
const (
	SummarySheet = "汇总"
	DetailSheet  = "明细"
	FailedSheet  = "未计发"
)

// yuan is a fen amount as a number of yuan for a spreadsheet cell.
func yuan(fen int64) float64 { return float64(fen) / 100 }

// Workbook lays the batch out for the finance bureau: one row per mediator
// (the payee) with the total, every line with its explanation, and the
// cases that did not qualify with the gate they failed. Amounts are yuan
// with two decimals; the totals row is a sum of the rows above it.
func (b Batch) Workbook() (*excelize.File, error) {
	f := excelize.NewFile()
	if err := f.SetSheetName("Sheet1", SummarySheet); err != nil {
		f.Close()
		return nil, fmt.Errorf("name the sheet: %w", err)
	}
	for _, sh := range []string{DetailSheet, FailedSheet} {
		if _, err := f.NewSheet(sh); err != nil {
			f.Close()
			return nil, fmt.Errorf("add sheet %s: %w", sh, err)
		}
	}
	money, _ := f.NewStyle(&excelize.Style{NumFmt: 4}) // #,##0.00
	head := [][]any{{b.Title()}, {"状态", b.StatusLabel(), "结案期间", b.WindowFrom + " 至 " + b.WindowTo}}
	sum := append(head, []any{}, []any{"序号", "调解员", "所属工作室", "件数", "金额（元）"})
	for i, s := range b.Summary {
		sum = append(sum, []any{i + 1, s.MediatorName, s.RoomName, s.Cases, yuan(s.Fen)})
	}
	first, last := 5, 4+len(b.Summary)
	sum = append(sum, []any{"合计", "", "", len(b.Included()), yuan(b.TotalFen)})
	if err := setRows(f, SummarySheet, sum); err != nil {
		f.Close()
		return nil, err
	}
	total := last + 1
	_ = f.SetCellStyle(SummarySheet, fmt.Sprintf("E%d", first), fmt.Sprintf("E%d", total), money)
	if len(b.Summary) > 0 {
		// The total recomputes in the spreadsheet from the rows, and keeps the value as cached.
		_ = f.SetCellFormula(SummarySheet, fmt.Sprintf("E%d", total), fmt.Sprintf("SUM(E%d:E%d)", first, last))
		_ = f.SetCellFormula(SummarySheet, fmt.Sprintf("D%d", total), fmt.Sprintf("SUM(D%d:D%d)", first, last))
	}
	detail := [][]any{{"序号", "案号", "调解员", "工作室", "结案日期", "方案版本", "适用规则", "金额（元）", "计算说明", "剔除", "剔除理由", "审核意见"}}
	for i, l := range b.Lines {
		ex := ""
		if l.Excluded {
			ex = "是"
		}
		amount := yuan(l.AmountFen)
		detail = append(detail, []any{i + 1, l.CaseNumber, l.MediatorName, l.RoomName, l.ClosureDay, l.SchemeVersion, l.Rule, amount,
			l.Explanation, ex, l.ExcludeReason, l.ReturnReason})
	}
	if err := setRows(f, DetailSheet, detail); err != nil {
		f.Close()
		return nil, err
	}
	_ = f.SetCellStyle(DetailSheet, "H2", fmt.Sprintf("H%d", len(b.Lines)+1), money)
	_ = f.SetColWidth(DetailSheet, "I", "I", 60)
	failed := [][]any{{"序号", "案号", "调解员", "工作室", "结案日期", "未通过的条件", "说明", "可在以后批次计发"}}
	for i, x := range b.Failures {
		later := "否"
		if x.Pending {
			later = "是"
		}
		failed = append(failed, []any{i + 1, x.CaseNumber, x.MediatorName, x.RoomName, x.ClosureDay, subsidy.GateLabel(x.Gate), x.Reason, later})
	}
	if err := setRows(f, FailedSheet, failed); err != nil {
		f.Close()
		return nil, err
	}
	return f, nil
}

func setRows(f *excelize.File, sheet string, rows [][]any) error {
	for i, row := range rows {
		c, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := f.SetSheetRow(sheet, c, &row); err != nil {
			return fmt.Errorf("write %s row %d: %w", sheet, i+1, err)
		}
	}
	return f.SetColWidth(sheet, "A", "H", 18)
}

// WritePDF writes the batch as a PDF: totals per mediator, every line with
// its explanation, the cases that did not qualify, and the approval trail.
func (b Batch) WritePDF(w io.Writer) error {
	paras := []string{fmt.Sprintf("结案期间：%s 至 %s。状态：%s。计发 %d 件，合计 %s元；不符合条件 %d 件。",
		b.WindowFrom, b.WindowTo, b.StatusLabel(), len(b.Included()), domain.FormatFen(b.TotalFen), len(b.Failures))}
	if b.PaidOn != "" {
		paras = append(paras, "支付日期："+b.PaidOn+"。"+b.PaidNote)
	}
	paras = append(paras, "一、按调解员汇总")
	for _, s := range b.Summary {
		paras = append(paras, fmt.Sprintf("%s（%s）：%d 件，%s元", s.MediatorName, s.RoomName, s.Cases, domain.FormatFen(s.Fen)))
	}
	paras = append(paras, "二、计发明细")
	for _, l := range b.Lines {
		t := fmt.Sprintf("%s %s：%s", l.CaseNumber, l.MediatorName, l.Explanation)
		if l.Excluded {
			t += "（已剔除：" + l.ExcludeReason + "）"
		}
		paras = append(paras, t)
	}
	if len(b.Failures) > 0 {
		paras = append(paras, "三、未计发案件")
		for _, x := range b.Failures {
			paras = append(paras, fmt.Sprintf("%s：%s（%s）", x.CaseNumber, subsidy.GateLabel(x.Gate), x.Reason))
		}
	}
	paras = append(paras, "四、审核记录")
	for _, e := range b.Trail {
		line := fmt.Sprintf("%s %s（%s）%s", e.At.In(calendar.Shanghai()).Format("2006-01-02 15:04"), e.ActorName, e.ActorRole, e.Action)
		if strings.TrimSpace(e.Note) != "" {
			line += "：" + e.Note
		}
		paras = append(paras, line)
	}
	return document.WriteNotice(w, document.Notice{Title: "个案补贴结算表", Number: b.CommitteeName + " " + b.Period + "（" + b.KindLabel() + "）",
		Paragraphs: paras, Issuer: b.CommitteeName, Footer: "金额由结案事件与补贴方案计算，每一行可追溯至案件与规则。"})
}
