package scorecard

import (
	"fmt"
	"math"

	"github.com/xuri/excelize/v2"

	"github.com/tiaojie/tiaojie/internal/calendar"
	"github.com/tiaojie/tiaojie/internal/evaluation"
)

// ScoresSheet is the name of the scores workbook's sheet.
const ScoresSheet = "绩效评分"

// ScoresHeaderRow is the 1-based row of the scores table's column names
// (below the header block: unit, period, level, scheme).
const ScoresHeaderRow = 6

// ScoresWorkbook lays out one row per subject: rank, name, each indicator's
// value in percent with its numerator/denominator, each deduction, gross,
// total and band, under a header block naming the unit, the period, the
// level and the scheme version — what the justice bureau is sent.
func ScoresWorkbook(sc Scores) (*excelize.File, error) {
	f := excelize.NewFile()
	if err := f.SetSheetName("Sheet1", ScoresSheet); err != nil {
		f.Close()
		return nil, fmt.Errorf("name the scores sheet: %w", err)
	}
	if err := writeScores(f, sc); err != nil {
		f.Close()
		return nil, fmt.Errorf("write the scores workbook: %w", err)
	}
	return f, nil
}

func writeScores(f *excelize.File, sc Scores) error {
	const sheet = ScoresSheet
	head := [][]any{
		{"单位", fmt.Sprintf("%s（%s）", sc.Unit.Name, sc.Unit.Code)},
		{"统计期间", fmt.Sprintf("%s 至 %s", sc.Period.From, sc.Period.To)},
		{"评估层级", LevelLabel(sc.Level)},
		{"评估方案", fmt.Sprintf("%s 版 %s（%s 起施行）", sc.Scheme.Version, sc.Scheme.Name, sc.Scheme.EffectiveFrom)},
	}
	for i, row := range head {
		if err := f.SetSheetRow(sheet, cell(1, i+1), &row); err != nil {
			return err
		}
	}
	bold, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	if err != nil {
		return err
	}
	if err := f.SetCellStyle(sheet, "A1", cell(1, len(head)), bold); err != nil {
		return err
	}
	// Columns follow the scheme, so every row lines up even when a subject
	// has no case in some indicator.
	cols := []any{"名次", LevelLabel(sc.Level)}
	for _, w := range sc.Scheme.Indicators {
		name := evaluation.IndicatorName(w.Code)
		cols = append(cols, fmt.Sprintf("%s（%%，权重%d）", name, w.Weight), name+" 分子/分母")
	}
	for _, d := range sc.Scheme.Deductions {
		cols = append(cols, evaluation.DeductionName(d.Code)+"（件/扣分）")
	}
	cols = append(cols, "扣分前得分", "总分", "等级", "案件数", "未排名原因")
	if err := f.SetSheetRow(sheet, cell(1, ScoresHeaderRow), &cols); err != nil {
		return err
	}
	if err := f.SetCellStyle(sheet, cell(1, ScoresHeaderRow), cell(len(cols), ScoresHeaderRow), bold); err != nil {
		return err
	}
	for i, r := range sc.Rows {
		row := []any{rankCell(r.Rank), r.Subject.Name}
		figs := map[string]evaluation.Figure{}
		for _, fg := range r.Result.Indicators {
			figs[fg.Code] = fg
		}
		for _, w := range sc.Scheme.Indicators {
			fg, ok := figs[w.Code]
			switch {
			case !ok || !fg.Applicable:
				row = append(row, "不计分", fmt.Sprintf("%d/%d", fg.Numerator, fg.Denominator))
			default:
				row = append(row, math.Round(fg.Value*10000)/100, fmt.Sprintf("%d/%d", fg.Numerator, fg.Denominator))
			}
		}
		deds := map[string]evaluation.DeductionLine{}
		for _, d := range r.Result.Deductions {
			deds[d.Code] = d
		}
		for _, d := range sc.Scheme.Deductions {
			dl := deds[d.Code]
			row = append(row, fmt.Sprintf("%d 件 / −%.2f", dl.Count, dl.Points))
		}
		if r.Result.Scored {
			row = append(row, r.Result.Gross, r.Result.Total, r.Result.Band)
		} else {
			row = append(row, "—", "—", "不评分")
		}
		row = append(row, r.Result.Cases, r.Reason)
		if err := f.SetSheetRow(sheet, cell(1, ScoresHeaderRow+1+i), &row); err != nil {
			return err
		}
	}
	if err := f.SetColWidth(sheet, "A", "A", 14); err != nil {
		return err
	}
	if err := f.SetColWidth(sheet, "B", colName(len(cols)), 16); err != nil {
		return err
	}
	return f.SetPanes(sheet, &excelize.Panes{Freeze: true, XSplit: 2, YSplit: ScoresHeaderRow,
		TopLeftCell: cell(3, ScoresHeaderRow+1), ActivePane: "bottomRight"})
}

// Sheet names of the ranking workbook.
const (
	RedSheet   = "红榜"
	BlackSheet = "黑榜"
	AllSheet   = "全部名次"
)

// RankingHeaderRow is the 1-based row of each ranking sheet's column names.
const RankingHeaderRow = 7

// RankingWorkbook lays out a month's 红榜 and 黑榜 (and every subject's
// place), each under a header naming the unit, the month, the level, the
// revision shown (or that the figures are live) and the scheme.
func RankingWorkbook(v RankingView) (*excelize.File, error) {
	f := excelize.NewFile()
	if err := f.SetSheetName("Sheet1", RedSheet); err != nil {
		f.Close()
		return nil, fmt.Errorf("name the ranking sheet: %w", err)
	}
	for _, s := range []string{BlackSheet, AllSheet} {
		if _, err := f.NewSheet(s); err != nil {
			f.Close()
			return nil, fmt.Errorf("add sheet %s: %w", s, err)
		}
	}
	for _, part := range []struct {
		sheet, title string
		rows         []Placed
	}{{RedSheet, "红榜（前五名）", v.Body.Red}, {BlackSheet, "黑榜（后五名，由低到高）", v.Body.Black}, {AllSheet, "全部名次", v.Body.Rows}} {
		if err := writeRanking(f, part.sheet, part.title, v, part.rows); err != nil {
			f.Close()
			return nil, fmt.Errorf("write sheet %s: %w", part.sheet, err)
		}
	}
	return f, nil
}

func writeRanking(f *excelize.File, sheet, title string, v RankingView, rows []Placed) error {
	status := "未发布（实时数据，迟到的记录仍会改变名次）"
	if v.Current != nil {
		status = fmt.Sprintf("第 %d 版，%s 由%s发布", v.Current.Revision, v.Current.Published.In(calendar.Shanghai()).Format("2006-01-02 15:04"), orDash(v.Current.PublishedBy))
		if v.Current.Reason != "" {
			status += "；更正理由：" + v.Current.Reason
		}
	}
	head := [][]any{
		{title},
		{"单位", fmt.Sprintf("%s（%s）", v.Unit.Name, v.Unit.Code)},
		{"月份", v.Period},
		{"评估层级", LevelLabel(v.Level)},
		{"发布状态", status},
		{"评估方案", fmt.Sprintf("%s 版（%s 起施行），办结不足 %d 件不排名", v.Body.SchemeVersion, v.Body.EffectiveFrom, v.Body.MinCases)},
	}
	for i, row := range head {
		if err := f.SetSheetRow(sheet, cell(1, i+1), &row); err != nil {
			return err
		}
	}
	bold, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	if err != nil {
		return err
	}
	cols := []any{"名次", LevelLabel(v.Level), "总分", "等级", "案件数", "说明"}
	if err := f.SetSheetRow(sheet, cell(1, RankingHeaderRow), &cols); err != nil {
		return err
	}
	if err := f.SetCellStyle(sheet, "A1", "A6", bold); err != nil {
		return err
	}
	if err := f.SetCellStyle(sheet, cell(1, RankingHeaderRow), cell(len(cols), RankingHeaderRow), bold); err != nil {
		return err
	}
	if len(rows) == 0 {
		none := []any{"（无）"}
		return f.SetSheetRow(sheet, cell(1, RankingHeaderRow+1), &none)
	}
	for i, r := range rows {
		row := []any{rankCell(r.Rank), r.Subject.Name, r.Total, r.Band, r.Cases, r.Reason}
		if err := f.SetSheetRow(sheet, cell(1, RankingHeaderRow+1+i), &row); err != nil {
			return err
		}
	}
	return f.SetColWidth(sheet, "A", "F", 16)
}

func rankCell(rank int) any {
	if rank == 0 {
		return "未排名"
	}
	return rank
}

func orDash(s string) string {
	if s == "" {
		return "—"
	}
	return s
}

func cell(col, row int) string {
	c, _ := excelize.CoordinatesToCellName(col, row)
	return c
}

func colName(col int) string {
	c, _ := excelize.ColumnNumberToName(col)
	return c
}
