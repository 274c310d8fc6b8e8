package api

import (
	"net/http"

	"github.com/tiaojie/tiaojie/internal/auth"
	"github.com/tiaojie/tiaojie/internal/statistics"
)

// Official statistics forms (统计报表): the statistics service decides which
// units a caller may fill forms for; these handlers shape the answer.

// StatFormRef describes one form.
type StatFormRef struct {
	Code    string   `json:"code" doc:"报表代码，如 mediation_cases、period_12315、organisation"`
	Title   string   `json:"title"`
	Number  string   `json:"number" doc:"表号"`
	Source  string   `json:"source" doc:"rollups（绩效评估汇总）或 registry（组织与调解员名册）"`
	Rows    []string `json:"rows" doc:"行标题（如表上所印）"`
	Columns []string `json:"columns" doc:"列名（如表上所印；有合并表头的为表头 + 列标题，如“司法确认申请”）"`
	Notes   []string `json:"notes" doc:"说明：各项口径"`
}

// StatFormList answers GET /api/v1/statistics/forms.
type StatFormList struct {
	Forms []StatFormRef `json:"forms"`
}

// StatCellJSON is one filled cell.
type StatCellJSON struct {
	Row    string   `json:"row" doc:"行标题，如“受理数”“合同纠纷”“合计”"`
	Code   string   `json:"code,omitempty" doc:"按代码表展开的行的代码（如 J04）"`
	Column string   `json:"column" doc:"列名，如“本期”“受理”“司法确认申请”"`
	Value  *float64 `json:"value" doc:"数值（按表上的位数四舍五入：件数为整数，百分比一位小数，万元两位小数）；无数值（分母为 0、去年同期为 0 的增减率）时为 null"`
	Text   string   `json:"text" doc:"表上所印的文字，无数值时为“—”"`
	Cases  string   `json:"cases,omitempty" doc:"背后的案件：/api/v1/evaluation/cases 的地址（仅合计行中与绩效评估指标对应的数字）"`
}

// StatFormJSON answers GET /api/v1/statistics/forms/{code}.
type StatFormJSON struct {
	Form        string         `json:"form"`
	Title       string         `json:"title"`
	Unit        string         `json:"unit"`
	UnitName    string         `json:"unit_name"`
	Period      string         `json:"period" doc:"2026、2026-Q3 或 2026-10"`
	PeriodLabel string         `json:"period_label"`
	From        string         `json:"from" format:"date"`
	To          string         `json:"to" format:"date" doc:"本期止日；本期未结束时为今天"`
	Filled      string         `json:"filled" format:"date" doc:"填报日期"`
	Cells       []StatCellJSON `json:"cells"`
}

func statFormRef(f *statistics.Form) StatFormRef {
	out := StatFormRef{Code: f.Code, Title: f.Title, Number: f.Number, Source: f.Source, Rows: []string{}, Columns: []string{}, Notes: f.Notes}
	for _, r := range f.Rows {
		out.Rows = append(out.Rows, r.Label)
	}
	for _, c := range f.Columns {
		out.Columns = append(out.Columns, c.APIName())
	}
	if out.Notes == nil {
		out.Notes = []string{}
	}
	return out
}

// StatForms lists the statistics forms.
func (a *API) StatForms(w http.ResponseWriter, r *http.Request) {
	fs, err := a.Statistics.Forms(auth.From(r.Context()))
	if err != nil {
		failQuery(w, a.Log, r, err)
		return
	}
	out := StatFormList{Forms: []StatFormRef{}}
	for _, f := range fs {
		out.Forms = append(out.Forms, statFormRef(f))
	}
	writeJSON(w, http.StatusOK, out)
}

func (a *API) fillStatForm(r *http.Request) (statistics.Report, error) {
	q := r.URL.Query()
	return a.Statistics.Fill(r.Context(), auth.From(r.Context()), r.PathValue("code"), q.Get("unit"), q.Get("period"))
}

// StatForm fills a form for a unit and a period.
func (a *API) StatForm(w http.ResponseWriter, r *http.Request) {
	rep, err := a.fillStatForm(r)
	if err != nil {
		failQuery(w, a.Log, r, err)
		return
	}
	cur := rep.Period.Span("current")
	out := StatFormJSON{Form: rep.Form.Code, Title: rep.Form.Title, Unit: rep.Unit.Code, UnitName: rep.Unit.Name,
		Period: rep.Period.Code, PeriodLabel: rep.Period.Label(), From: cur.From.String(), To: cur.To.String(),
		Filled: rep.Filled.String(), Cells: []StatCellJSON{}}
	for _, c := range rep.Table.Cells() {
		cell := StatCellJSON{Row: c.Row, Code: c.Code, Column: c.Column, Value: c.Value, Text: c.Text}
		if q := rep.CasesQuery(c); q != "" {
			cell.Cases = "/api/v1/evaluation/cases?" + q
		}
		out.Cells = append(out.Cells, cell)
	}
	writeJSON(w, http.StatusOK, out)
}

// StatFormXLSX sends the filled form as a workbook laid out as printed.
func (a *API) StatFormXLSX(w http.ResponseWriter, r *http.Request) {
	rep, err := a.fillStatForm(r)
	if err != nil {
		failQuery(w, a.Log, r, err)
		return
	}
	f, err := statistics.Workbook(rep)
	if err != nil {
		failErr(w, a.Log, r, err)
		return
	}
	writeWorkbook(w, a.Log, r, f, rep.Title()+".xlsx")
}
