package web

import (
	"bytes"
	"fmt"
	"net/http"
	"net/url"

	"github.com/tiaojie/tiaojie/internal/auth"
	"github.com/tiaojie/tiaojie/internal/calendar"
	"github.com/tiaojie/tiaojie/internal/statistics"
)

// periodOption is one period the selector offers.
type periodOption struct{ Code, Label string }

var quarterLabel = []string{"", "第一季度", "第二季度", "第三季度", "第四季度"}

// statPeriods offers the last twelve months, eight quarters and three years
// (current ones included), newest first within each kind.
func statPeriods(today calendar.Date) (months, quarters, years []periodOption) {
	y, m := today.Year, int(today.Month)
	for i := 0; i < 12; i++ {
		months = append(months, periodOption{fmt.Sprintf("%04d-%02d", y, m), fmt.Sprintf("%d年%d月", y, m)})
		if m--; m == 0 {
			y, m = y-1, 12
		}
	}
	y, q := today.Year, (int(today.Month)+2)/3
	for i := 0; i < 8; i++ {
		quarters = append(quarters, periodOption{fmt.Sprintf("%04d-Q%d", y, q), fmt.Sprintf("%d年%s", y, quarterLabel[q])})
		if q--; q == 0 {
			y, q = y-1, 4
		}
	}
	for i := 0; i < 3; i++ {
		years = append(years, periodOption{fmt.Sprintf("%04d", today.Year-i), fmt.Sprintf("%d年", today.Year-i)})
	}
	return months, quarters, years
}

// defaultPeriod is last month: the usual form to fill.
func defaultPeriod(today calendar.Date) string {
	y, m := today.Year, int(today.Month)-1
	if m == 0 {
		y, m = y-1, 12
	}
	return fmt.Sprintf("%04d-%02d", y, m)
}

type StatPicker struct {
	Forms                   []*statistics.Form
	UnitList                []statistics.Unit
	Months, Quarters, Years []periodOption
	Code, Unit, Period      string
}

func (pg *Pages) StatPicker(w http.ResponseWriter, r *http.Request, code string) (StatPicker, bool) {
	ctx := r.Context()
	p := auth.From(ctx)
	forms, err := pg.Statistics.Forms(p)
	if err != nil {
		pg.failErr(w, r, err)
		return StatPicker{}, false
	}
	units, err := pg.Statistics.Units(ctx, p)
	if err != nil {
		pg.failErr(w, r, err)
		return StatPicker{}, false
	}
	today := calendar.DateOf(pg.now())
	sp := StatPicker{Forms: forms, UnitList: units, Code: code, Unit: r.URL.Query().Get("unit"), Period: r.URL.Query().Get("period")}
	sp.Months, sp.Quarters, sp.Years = statPeriods(today)
	if sp.Unit == "" && len(units) > 0 {
		sp.Unit = units[0].Code
	}
	if sp.Period == "" {
		sp.Period = defaultPeriod(today)
	}
	return sp, true
}

// StatisticsIndex lists the forms with the unit and period to fill them for.
func (pg *Pages) StatisticsIndex(w http.ResponseWriter, r *http.Request) {
	sp, ok := pg.StatPicker(w, r, r.URL.Query().Get("form"))
	if !ok {
		return
	}
	if sp.Code != "" {
		http.Redirect(w, r, "/statistics/"+url.PathEscape(sp.Code)+"?"+url.Values{"unit": {sp.Unit}, "period": {sp.Period}}.Encode(), http.StatusSeeOther)
		return
	}
	pg.render(w, r, http.StatusOK, "statistics", "统计报表", statFormView{StatPicker: sp})
}

type statCellView struct {
	Text, URL string
	Dash      bool
}

type statLineView struct {
	Stubs []string
	Cells []statCellView
	Total bool
}

type statFormView struct {
	StatPicker
	R        statistics.Report
	Header   [][]statistics.Header
	UnitsRow []string
	Lines    []statLineView
	XLSX     string
}

// StatisticsForm shows one form filled for a unit and a period, laid out as
// printed; a figure with a case list behind it links to the list.
func (pg *Pages) StatisticsForm(w http.ResponseWriter, r *http.Request) {
	code := r.PathValue("code")
	sp, ok := pg.StatPicker(w, r, code)
	if !ok {
		return
	}
	ctx := r.Context()
	rep, err := pg.Statistics.Fill(ctx, auth.From(ctx), code, sp.Unit, sp.Period)
	if err != nil {
		pg.failErr(w, r, err)
		return
	}
	v := statFormView{StatPicker: sp, R: rep, Header: rep.Form.Header(), UnitsRow: rep.Form.UnitsRow(),
		XLSX: "/statistics/" + url.PathEscape(code) + "/export.xlsx?" + url.Values{"unit": {rep.Unit.Code}, "period": {rep.Period.Code}}.Encode()}
	for _, l := range rep.Table.Lines {
		lv := statLineView{Total: l.Label == "合计"}
		for _, s := range rep.Form.Stub {
			lv.Stubs = append(lv.Stubs, l.Stub(s))
		}
		for _, c := range l.Cells {
			cv := statCellView{Text: c.Text, Dash: c.Value == nil}
			if q := rep.CasesQuery(c); q != "" {
				cv.URL = "/evaluation/cases?" + q
			}
			lv.Cells = append(lv.Cells, cv)
		}
		v.Lines = append(v.Lines, lv)
	}
	pg.render(w, r, http.StatusOK, "statistics", rep.Form.Title, v)
}

// StatisticsXLSX sends the filled form as a workbook.
func (pg *Pages) StatisticsXLSX(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	q := r.URL.Query()
	rep, err := pg.Statistics.Fill(ctx, auth.From(ctx), r.PathValue("code"), q.Get("unit"), q.Get("period"))
	if err != nil {
		pg.failErr(w, r, err)
		return
	}
	f, err := statistics.Workbook(rep)
	if err != nil {
		pg.serverError(w, r, err)
		return
	}
	defer f.Close()
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		pg.serverError(w, r, err)
		return
	}
	sendFile(w, xlsxType, rep.Form.Code+".xlsx", rep.Title()+".xlsx", buf.Bytes())
}
