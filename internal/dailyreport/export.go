package dailyreport

import (
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/xuri/excelize/v2"

	"github.com/tiaojie/tiaojie/internal/calendar"
	"github.com/tiaojie/tiaojie/internal/document"
	"github.com/tiaojie/tiaojie/internal/reportrules"
)

// WarningLevels are the warning levels a report lists, in order.
var WarningLevels = []struct{ Code, Label string }{{"red", "红色"}, {"orange", "橙色"}, {"yellow", "黄色"}}

// StateLabel is the Chinese name of a report state.
func StateLabel(state string) string {
	switch state {
	case "submitted":
		return "已提交"
	case "draft":
		return "待提交"
	}
	return "未生成"
}

// Title is the report's heading, e.g. "陆家嘴工作室日报（2026-12-03）".
func (r Report) Title() string { return fmt.Sprintf("%s日报（%s）", r.Unit.Name, r.Day) }

// SpanText says which days the report covers.
func (r Report) SpanText() string {
	if r.From == r.To {
		return r.From.String()
	}
	return fmt.Sprintf("%s 至 %s", r.From, r.To)
}

// Lines are the report's figures for display and export, each a label and
// its value as text.
func (r Report) Lines() [][2]string {
	var out [][2]string
	for _, l := range r.Figures.Counts.Lines() {
		out = append(out, [2]string{strings.TrimSpace(l.Label), l.Show()})
	}
	out = append(out, r.OverdueLine())
	out = append(out, r.SnapshotLines()...)
	return append(out, [2]string{"新建群体性纠纷", fmt.Sprintf("%d 起", len(r.Figures.NewGroups))})
}

// OverdueLine is the overdue figure at the end of the span.
func (r Report) OverdueLine() [2]string {
	return [2]string{"超过调解期限未办结（截至 " + r.To.String() + "）", fmt.Sprintf("%d 件", r.Figures.Overdue)}
}

// SnapshotLines are the drafting-time figures (none for a report drafted
// after its day): cases due soon first, then open warnings by level.
func (r Report) SnapshotLines() [][2]string {
	sn := r.Figures.Snapshot
	if sn == nil {
		return nil
	}
	at := sn.At.In(calendar.Shanghai()).Format("01-02 15:04")
	out := [][2]string{{"2个工作日内到期或已逾期（" + at + "）", fmt.Sprintf("%d 件", sn.DueSoon)}}
	if sn.Warnings != nil {
		for _, lv := range WarningLevels {
			out = append(out, [2]string{"未处理" + lv.Label + "预警（" + at + "）", fmt.Sprintf("%d 条", sn.Warnings[lv.Code])})
		}
	}
	return out
}

func (r Report) stateText() string {
	t := StateLabel(r.Row.State)
	if r.Row.SubmittedAt != nil {
		t += fmt.Sprintf("（%s 于 %s）", r.Row.SubmittedByName, r.Row.SubmittedAt.In(calendar.Shanghai()).Format("2006-01-02 15:04"))
	} else if r.Late {
		t += "（已过截止时间）"
	}
	return t
}

// WritePDF writes the report as a PDF.
func (r Report) WritePDF(w io.Writer) error {
	paras := []string{fmt.Sprintf("统计期间：%s（上一工作日及其后的休息日）。状态：%s。", r.SpanText(), r.stateText())}
	for _, l := range r.Lines() {
		paras = append(paras, l[0]+"："+l[1])
	}
	for _, g := range r.Figures.NewGroups {
		paras = append(paras, fmt.Sprintf("群体性纠纷：%s（%d 件）", g.Title, g.Members))
	}
	for _, n := range r.Figures.Notable {
		paras = append(paras, "重点案件 "+n.Number+"："+reasonsText(n.Reasons))
	}
	remarks := strings.TrimSpace(r.Row.Remarks)
	if remarks == "" {
		remarks = "（无）"
	}
	paras = append(paras, "负责人备注："+remarks)
	return document.WriteNotice(w, document.Notice{Title: "日报", Number: r.Unit.Name + " " + r.Day.String(),
		Paragraphs: paras, Issuer: r.Unit.Name, Date: r.Day.Time(), Footer: "数字取自绩效评估汇总（事件日志），与绩效评估口径一致。"})
}

func reasonsText(rs []reportrules.Reason) string {
	var parts []string
	for _, x := range rs {
		parts = append(parts, x.Label+"："+x.Text)
	}
	return strings.Join(parts, "；")
}

// DailySheet is the name of a daily report workbook's sheet.
const DailySheet = "日报"

// Workbook lays the report out as a spreadsheet: a header, one row per
// figure, the notable cases and the remarks.
func (r Report) Workbook() (*excelize.File, error) {
	f := excelize.NewFile()
	if err := f.SetSheetName("Sheet1", DailySheet); err != nil {
		f.Close()
		return nil, fmt.Errorf("name the sheet: %w", err)
	}
	rows := [][]any{
		{r.Title()},
		{"单位", fmt.Sprintf("%s（%s）", r.Unit.Name, r.Unit.Code)},
		{"统计期间", r.SpanText()},
		{"状态", r.stateText()},
		{},
		{"项目", "数值"},
	}
	for _, l := range r.Lines() {
		rows = append(rows, []any{l[0], l[1]})
	}
	rows = append(rows, []any{}, []any{"重点案件", "原因"})
	for _, n := range r.Figures.Notable {
		rows = append(rows, []any{n.Number, reasonsText(n.Reasons)})
	}
	for _, g := range r.Figures.NewGroups {
		rows = append(rows, []any{"群体性纠纷：" + g.Title, fmt.Sprintf("%d 件", g.Members)})
	}
	rows = append(rows, []any{}, []any{"负责人备注", r.Row.Remarks})
	if err := setRows(f, DailySheet, rows); err != nil {
		f.Close()
		return nil, err
	}
	return f, nil
}

func setRows(f *excelize.File, sheet string, rows [][]any) error {
	for i, row := range rows {
		c, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := f.SetSheetRow(sheet, c, &row); err != nil {
			return fmt.Errorf("write row %d: %w", i+1, err)
		}
	}
	return f.SetColWidth(sheet, "A", "E", 24)
}

// Title is the summary's heading, e.g. "浦东新区消费纠纷人民调解委员会周研判（2026-11-30 至 2026-12-06）".
func (s Summary) Title() string {
	return fmt.Sprintf("%s%s（%s 至 %s）", s.Unit.Name, KindLabel(s.Kind), s.From, s.To)
}

func (s Summary) coverText() string {
	if s.Days == 0 {
		return "本期尚无日报"
	}
	return fmt.Sprintf("本期 %d 份日报，覆盖 %s 至 %s；上期 %s 至 %s", s.Days, s.CoveredFrom, s.CoveredTo, s.PrevFrom, s.PrevTo)
}

// WritePDF writes the summary as a PDF.
func (s Summary) WritePDF(w io.Writer) error {
	paras := []string{s.coverText() + "。"}
	for _, t := range s.Trends {
		paras = append(paras, fmt.Sprintf("%s：%s（上期 %s，%s）", strings.TrimSpace(t.Label), t.Show(), t.PrevShow(), t.Trend))
	}
	paras = append(paras, fmt.Sprintf("重点案件 %d 件次，新建群体性纠纷 %d 起。", s.NotableCount, s.NewGroupsCount))
	for _, sb := range s.Submission {
		paras = append(paras, fmt.Sprintf("%s：应报 %d 份，已提交 %d 份（按时 %d 份），提交率 %s", sb.Unit.Name, sb.Due, sb.Submitted, sb.OnTime, sb.Rate))
	}
	for _, rm := range s.remarksSorted() {
		paras = append(paras, fmt.Sprintf("%s %s（%s）：%s", rm.Day, rm.Unit.Name, rm.By, rm.Text))
	}
	return document.WriteNotice(w, document.Notice{Title: KindLabel(s.Kind), Number: fmt.Sprintf("%s %s 至 %s", s.Unit.Name, s.From, s.To),
		Paragraphs: paras, Issuer: s.Unit.Name, Date: minDate(s.To, s.Today).Time(),
		Footer: "由各日报汇总；日报数字取自绩效评估汇总。"})
}

func (s Summary) remarksSorted() []Remark {
	out := append([]Remark(nil), s.Remarks...)
	sort.SliceStable(out, func(i, j int) bool { return out[i].Day < out[j].Day })
	return out
}

// Summary sheet names.
const (
	SummaryFiguresSheet    = "数字"
	SummarySubmissionSheet = "提交情况"
	SummaryRemarksSheet    = "备注"
)

// Workbook lays the summary out in three sheets: figures with trends,
// submission per unit, remarks.
func (s Summary) Workbook() (*excelize.File, error) {
	f := excelize.NewFile()
	if err := f.SetSheetName("Sheet1", SummaryFiguresSheet); err != nil {
		f.Close()
		return nil, err
	}
	for _, n := range []string{SummarySubmissionSheet, SummaryRemarksSheet} {
		if _, err := f.NewSheet(n); err != nil {
			f.Close()
			return nil, err
		}
	}
	figs := [][]any{{s.Title()}, {s.coverText()}, {}, {"项目", "本期", "上期", "变化"}}
	for _, t := range s.Trends {
		figs = append(figs, []any{strings.TrimSpace(t.Label), t.Show(), t.PrevShow(), t.Trend})
	}
	subs := [][]any{{"单位", "应报", "已提交", "按时提交", "提交率"}}
	for _, sb := range s.Submission {
		subs = append(subs, []any{sb.Unit.Name, sb.Due, sb.Submitted, sb.OnTime, sb.Rate})
	}
	rems := [][]any{{"日期", "单位", "提交人", "备注"}}
	for _, rm := range s.remarksSorted() {
		rems = append(rems, []any{rm.Day, rm.Unit.Name, rm.By, rm.Text})
	}
	for _, sh := range []struct {
		name string
		rows [][]any
	}{{SummaryFiguresSheet, figs}, {SummarySubmissionSheet, subs}, {SummaryRemarksSheet, rems}} {
		if err := setRows(f, sh.name, sh.rows); err != nil {
			f.Close()
			return nil, err
		}
	}
	return f, nil
}
