package web

import (
	"fmt"
	"net/http"
	"net/url"

	"github.com/xuri/excelize/v2"

	"github.com/tiaojie/tiaojie/internal/auth"
	"github.com/tiaojie/tiaojie/internal/evaluation"
	"github.com/tiaojie/tiaojie/internal/scorecard"
)

// ExportEvaluationScores sends the score table of /evaluation as an .xlsx:
// one row per subject, each indicator as rate, numerator and denominator.
func (pg *Pages) ExportEvaluationScores(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	p := auth.From(ctx)
	units, err := pg.evalUnits(r, p)
	if err != nil {
		pg.serverError(w, r, err)
		return
	}
	q, ok := pg.readEvalQuery(w, r, units)
	if !ok {
		return
	}
	sc, err := pg.Scorecard.Scores(ctx, p, scorecard.Query{Unit: q.Unit, Level: q.Level, From: q.From, To: q.To})
	if err != nil {
		pg.evalFail(w, r, err)
		return
	}
	f := excelize.NewFile()
	defer f.Close()
	const sheet = "评分表"
	if err := f.SetSheetName("Sheet1", sheet); err != nil {
		pg.serverError(w, r, fmt.Errorf("name the score sheet: %w", err))
		return
	}
	title := fmt.Sprintf("%s %s绩效评分（%s 至 %s，方案 %s）", sc.Unit.Name, scorecard.LevelLabel(sc.Level), sc.Period.From, sc.Period.To, sc.Scheme.Version)
	rows := [][]any{{title}}
	head := []any{"名次", "对象"}
	for _, ind := range sc.Scheme.Indicators {
		n := indicatorLabel(ind.Code)
		head = append(head, n+"（%）", n+"分子", n+"分母")
	}
	for _, d := range sc.Scheme.Deductions {
		head = append(head, deductionLabel(d.Code)+"（件）", deductionLabel(d.Code)+"扣分")
	}
	head = append(head, "总分", "等次", "未排名原因")
	rows = append(rows, head)
	for _, row := range sc.Rows {
		line := []any{rankCell(row.Rank), row.Subject.Name}
		for _, fig := range row.Result.Indicators {
			var v any = "不计分"
			if fig.Applicable {
				v = float64(int64(fig.Value*1000+0.5)) / 10
			}
			line = append(line, v, fig.Numerator, fig.Denominator)
		}
		for _, d := range row.Result.Deductions {
			line = append(line, d.Count, d.Points)
		}
		line = append(line, row.Result.Total, row.Result.Band, row.Reason)
		rows = append(rows, line)
	}
	for i, line := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := f.SetSheetRow(sheet, cell, &line); err != nil {
			pg.serverError(w, r, fmt.Errorf("write score row %d: %w", i, err))
			return
		}
	}
	name := fmt.Sprintf("绩效评分-%s-%s-%s.xlsx", sc.Unit.Name, scorecard.LevelLabel(sc.Level), q.Month)
	pg.Log.Info("evaluation scores exported", "user", p.Username, "unit", sc.Unit.Code, "rows", len(sc.Rows))
	w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	w.Header().Set("Content-Disposition", `attachment; filename="scores.xlsx"; filename*=UTF-8''`+url.PathEscape(name))
	if err := f.Write(w); err != nil {
		pg.Log.Error("write score workbook", "err", err)
	}
}

func rankCell(n int) any {
	if n == 0 {
		return "未排名"
	}
	return n
}

func indicatorLabel(code string) string { return evaluation.IndicatorName(code) }

func deductionLabel(code string) string { return evaluation.DeductionName(code) }
