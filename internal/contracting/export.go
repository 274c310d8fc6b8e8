package contracting

import (
	"bytes"
	"fmt"
	"io"
	"strings"

	"github.com/xuri/excelize/v2"

	"github.com/tiaojie/tiaojie/internal/calendar"
	"github.com/tiaojie/tiaojie/internal/document"
	"github.com/tiaojie/tiaojie/internal/purchase"
)

// Sheet names and layout of the exports (tests read them back).
const (
	AssessmentSheet     = "季度考核"
	AssessmentHeaderRow = 10 // the lines' header; lines follow
	StatementSheet      = "对账单"
	StatementHeaderRow  = 8
	ExcludedSheet       = "不计费案件"
)

func cell(col, row int) string {
	name, _ := excelize.CoordinatesToCellName(col, row)
	return name
}

func yuanCell(fen int64) float64 { return float64(fen) / 100 }

type book struct {
	f            *excelize.File
	bold, amount int
}

func newBook(first string) (*book, error) {
	f := excelize.NewFile()
	if err := f.SetSheetName("Sheet1", first); err != nil {
		f.Close()
		return nil, err
	}
	bold, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	if err != nil {
		f.Close()
		return nil, err
	}
	amount, err := f.NewStyle(&excelize.Style{NumFmt: 4}) // #,##0.00
	if err != nil {
		f.Close()
		return nil, err
	}
	return &book{f: f, bold: bold, amount: amount}, nil
}

func (b *book) row(sheet string, r int, vals ...any) error {
	return b.f.SetSheetRow(sheet, cell(1, r), &vals)
}

func (b *book) bytes() ([]byte, error) {
	defer b.f.Close()
	var buf bytes.Buffer
	if err := b.f.Write(&buf); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

func revisionText(v AssessmentView) string {
	t := fmt.Sprintf("第 %d 版（%s）", v.Record.Revision, v.StatusLabel)
	if v.Record.Reason != "" {
		t += "，重新计算理由：" + v.Record.Reason
	}
	if v.Record.ConfirmedAt != nil {
		t += fmt.Sprintf("，%s 于 %s 确认", v.Record.ConfirmedName, v.Record.ConfirmedAt.In(calendar.Shanghai()).Format("2006-01-02 15:04"))
	}
	return t
}

// AssessmentXLSX is the assessment as a workbook: a header block (contract,
// parties, quarter, revision), one row per target, then the totals.
func AssessmentXLSX(v AssessmentView) ([]byte, error) {
	b, err := newBook(AssessmentSheet)
	if err != nil {
		return nil, err
	}
	const sh = AssessmentSheet
	r := v.Result
	head := [][]any{
		{"合同", fmt.Sprintf("%s（%s）", v.Contract.Title, v.Contract.Number)},
		{"购买方", v.Contract.BuyerName},
		{"服务提供方", v.Contract.ProviderName},
		{"考核数字来源", v.Contract.CommitteeName + "的绩效评估数字（与绩效评估总体数字口径一致）"},
		{"考核期间", fmt.Sprintf("%s（%s 至 %s）", r.QuarterLabel, r.From, r.To)},
		{"版本", revisionText(v)},
		{"计算", fmt.Sprintf("%s 于 %s 计算，数字截至 %s", v.Record.ComputedName, v.Record.ComputedAt.In(calendar.Shanghai()).Format("2006-01-02 15:04"), r.AsOf)},
		{"本季度基数", r.BaseExplain},
	}
	for i, h := range head {
		if err := b.row(sh, i+1, h...); err != nil {
			return nil, err
		}
	}
	if err := b.f.SetCellStyle(sh, "A1", cell(1, len(head)), b.bold); err != nil {
		return nil, err
	}
	cols := []any{"考核指标", "目标", "实际", "分子", "分母", "扣减规则", "扣减金额（元）", "说明"}
	if err := b.row(sh, AssessmentHeaderRow, cols...); err != nil {
		return nil, err
	}
	if err := b.f.SetCellStyle(sh, cell(1, AssessmentHeaderRow), cell(len(cols), AssessmentHeaderRow), b.bold); err != nil {
		return nil, err
	}
	row := AssessmentHeaderRow + 1
	for _, l := range r.Lines {
		target := l.TargetText
		if l.TargetNote != "" {
			target += "（" + l.TargetNote + "）"
		}
		den := any(l.Den)
		if !purchase.IsRate(l.Code) {
			den = ""
		}
		if err := b.row(sh, row, l.Name, target, l.AchievedText, l.Num, den, purchase.RuleLabel(l.Rule.Kind), yuanCell(l.DeductionFen), l.Explain); err != nil {
			return nil, err
		}
		row++
	}
	totals := [][]any{
		{"本季度基数（元）", "", "", "", "", "", yuanCell(r.BaseFen), r.BaseExplain},
		{"扣减合计（元）", "", "", "", "", "", yuanCell(r.DeductionsFen), capText(r)},
		{"应付金额（元）", "", "", "", "", "", yuanCell(r.DueFen), r.Explain},
	}
	first := row
	for _, t := range totals {
		if err := b.row(sh, row, t...); err != nil {
			return nil, err
		}
		row++
	}
	if err := b.f.SetCellStyle(sh, cell(7, AssessmentHeaderRow+1), cell(7, row-1), b.amount); err != nil {
		return nil, err
	}
	if err := b.f.SetCellStyle(sh, cell(1, first), cell(1, row-1), b.bold); err != nil {
		return nil, err
	}
	_ = b.f.SetColWidth(sh, "A", "A", 18)
	_ = b.f.SetColWidth(sh, "B", "C", 22)
	_ = b.f.SetColWidth(sh, "H", "H", 70)
	return b.bytes()
}

func capText(r purchase.Assessment) string {
	if r.RawDeductionsFen > r.BaseFen {
		return fmt.Sprintf("各项扣减合计 %s 超过本季度基数，以基数为限", purchase.Yuan(r.RawDeductionsFen))
	}
	return "各项扣减之和"
}

// AssessmentPDF is the assessment as a signed-off document.
func AssessmentPDF(w io.Writer, v AssessmentView) error {
	r := v.Result
	paras := []string{
		fmt.Sprintf("合同：%s（编号 %s），合同期 %s 至 %s，合同金额 %s。", v.Contract.Title, v.Contract.Number, v.Contract.PeriodFrom, v.Contract.PeriodTo, purchase.Yuan(v.Contract.AmountFen)),
		fmt.Sprintf("购买方：%s；服务提供方：%s；考核数字：%s的绩效评估数字。", v.Contract.BuyerName, v.Contract.ProviderName, v.Contract.CommitteeName),
		fmt.Sprintf("考核期间：%s（%s 至 %s），数字截至 %s。%s。", r.QuarterLabel, r.From, r.To, r.AsOf, revisionText(v)),
		"本季度基数：" + r.BaseExplain + "。",
	}
	for i, l := range r.Lines {
		paras = append(paras, fmt.Sprintf("%d. %s：目标 %s，实际 %s。%s。", i+1, l.Name, l.TargetText, l.AchievedText, l.Explain))
	}
	paras = append(paras, fmt.Sprintf("扣减合计 %s（%s），应付金额 %s。", purchase.Yuan(r.DeductionsFen), capText(r), purchase.Yuan(r.DueFen)))
	date := v.Record.ComputedAt
	if v.Record.ConfirmedAt != nil {
		date = *v.Record.ConfirmedAt
	}
	return document.WriteNotice(w, document.Notice{Title: "购买人民调解服务季度考核表", Number: v.Contract.Number + " " + r.Quarter,
		Paragraphs: paras, Issuer: v.Contract.BuyerName, Date: date,
		Footer: "各项实际数字取自绩效评估汇总（事件日志），与绩效评估总体数字口径一致，可逐项查看背后的案件。"})
}

// StatementXLSX is an enterprise statement as a workbook: the billed cases
// with the total, and the cases listed but not billed on a second sheet.
func StatementXLSX(v StatementView) ([]byte, error) {
	b, err := newBook(StatementSheet)
	if err != nil {
		return nil, err
	}
	st := v.Statement
	const sh = StatementSheet
	head := [][]any{
		{"合同", fmt.Sprintf("%s（%s）", v.Contract.Title, v.Contract.Number)},
		{"购买方", v.Contract.BuyerName},
		{"服务提供方", v.Contract.ProviderName},
		{"企业人民调解工作室", v.Contract.RoomName},
		{"对账期间", fmt.Sprintf("%s（%s 至 %s）", st.Month, st.From, st.To)},
		{"计费规则", st.Rule},
	}
	for i, h := range head {
		if err := b.row(sh, i+1, h...); err != nil {
			return nil, err
		}
	}
	if err := b.f.SetCellStyle(sh, "A1", cell(1, len(head)), b.bold); err != nil {
		return nil, err
	}
	cols := []any{"序号", "案号", "办结日", "结果", "金额（元）"}
	if err := b.row(sh, StatementHeaderRow, cols...); err != nil {
		return nil, err
	}
	_ = b.f.SetCellStyle(sh, cell(1, StatementHeaderRow), cell(len(cols), StatementHeaderRow), b.bold)
	row := StatementHeaderRow + 1
	for i, l := range st.Lines {
		if err := b.row(sh, row, i+1, l.Number, l.ClosedOn, l.OutcomeLabel, yuanCell(l.AmountFen)); err != nil {
			return nil, err
		}
		row++
	}
	if err := b.row(sh, row, "合计", fmt.Sprintf("%d 件 × %s", st.Count, purchase.Yuan(st.PriceFen)), "", "", yuanCell(st.TotalFen)); err != nil {
		return nil, err
	}
	_ = b.f.SetCellStyle(sh, cell(1, row), cell(5, row), b.bold)
	if err := b.f.SetCellStyle(sh, cell(5, StatementHeaderRow+1), cell(5, row), b.amount); err != nil {
		return nil, err
	}
	_ = b.f.SetColWidth(sh, "B", "B", 28)
	if _, err := b.f.NewSheet(ExcludedSheet); err != nil {
		return nil, err
	}
	if err := b.row(ExcludedSheet, 1, "案号", "办结日", "结果", "不计费原因"); err != nil {
		return nil, err
	}
	for i, l := range st.Excluded {
		if err := b.row(ExcludedSheet, i+2, l.Number, l.ClosedOn, l.OutcomeLabel, l.Reason); err != nil {
			return nil, err
		}
	}
	_ = b.f.SetColWidth(ExcludedSheet, "A", "A", 28)
	_ = b.f.SetColWidth(ExcludedSheet, "D", "D", 40)
	return b.bytes()
}

// StatementPDF is an enterprise statement as a document.
func StatementPDF(w io.Writer, v StatementView) error {
	st := v.Statement
	paras := []string{
		fmt.Sprintf("合同：%s（编号 %s），每件 %s。购买方：%s；服务提供方：%s；工作室：%s。", v.Contract.Title, v.Contract.Number,
			purchase.Yuan(st.PriceFen), v.Contract.BuyerName, v.Contract.ProviderName, v.Contract.RoomName),
		st.Rule,
		st.Explain,
	}
	var nums []string
	for _, l := range st.Lines {
		nums = append(nums, l.Number)
	}
	if len(nums) > 0 {
		paras = append(paras, "计费案件："+strings.Join(nums, "、")+"。")
	}
	for _, l := range st.Excluded {
		paras = append(paras, fmt.Sprintf("不计费：%s（%s）%s。", l.Number, l.OutcomeLabel, l.Reason))
	}
	to, _ := calendar.ParseDate(st.To)
	return document.WriteNotice(w, document.Notice{Title: "企业购买调解服务月度对账单", Number: v.Contract.Number + " " + st.Month,
		Paragraphs: paras, Issuer: v.Contract.ProviderName, Date: to.Time(), Footer: "办结日以绩效评估的办结日为准；案件可在平台逐件核对。"})
}
