package web

import (
	"fmt"
	"net/http"
	"net/url"

	"github.com/tiaojie/tiaojie/internal/auth"
	"github.com/tiaojie/tiaojie/internal/scorecard"
)

// ExportEvaluationScores sends the score table of /evaluation as an .xlsx
// (the same workbook as the API's): one row per subject, each indicator as
// rate and numerator/denominator, under a header naming unit, period and scheme.
func (pg *Pages) ExportEvaluationScores(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	p := auth.From(ctx)
	q, _, ok := pg.readEvalQuery(w, r)
	if !ok {
		return
	}
	sc, err := pg.Scorecard.Scores(ctx, p, scorecard.Query{Unit: q.Unit, Level: q.Level, From: q.From, To: q.To})
	if err != nil {
		pg.evalFail(w, r, err)
		return
	}
	f, err := scorecard.ScoresWorkbook(sc)
	if err != nil {
		pg.serverError(w, r, err)
		return
	}
	defer f.Close()
	name := fmt.Sprintf("绩效评分-%s-%s-%s.xlsx", sc.Unit.Name, scorecard.LevelLabel(sc.Level), q.Month)
	pg.Log.Info("evaluation scores exported", "user", p.Username, "unit", sc.Unit.Code, "rows", len(sc.Rows))
	w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	w.Header().Set("Content-Disposition", `attachment; filename="scores.xlsx"; filename*=UTF-8''`+url.PathEscape(name))
	if err := f.Write(w); err != nil {
		pg.Log.Error("write score workbook", "err", err)
	}
}
