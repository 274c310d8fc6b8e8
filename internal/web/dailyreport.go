package web

import (
	"bytes"
	"fmt"
	"github.com/xuri/excelize/v2"
	"io"
	"net/http"
	"net/url"

	"github.com/tiaojie/tiaojie/internal/auth"
	"github.com/tiaojie/tiaojie/internal/calendar"
	"github.com/tiaojie/tiaojie/internal/dailyreport"
)

// gridDays is how many recent report days the grid shows.
const gridDays = 10

type dailyGridData struct {
	dailyreport.Grid
	Today string
}

// DailyReports shows the units × recent days grid: which reports are
// submitted, which are still drafts, which are past the deadline.
func (pg *Pages) DailyReports(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	g, err := pg.Services.DailyReport.Grid(ctx, auth.From(ctx), gridDays)
	if err != nil {
		pg.failErr(w, r, err)
		return
	}
	pg.render(w, r, http.StatusOK, "reports_daily", "日报", dailyGridData{Grid: g, Today: calendar.DateOf(pg.now()).String()})
}

type figureRow struct {
	Label, Value, URL string
}

type dailyData struct {
	R       dailyreport.Report
	Figures []figureRow
	Snap    []figureRow
	Remarks string
	PDF     string
	XLSX    string
}

func dailyView(rep dailyreport.Report) dailyData {
	d := dailyData{R: rep, PDF: rep.URL() + "/report.pdf", XLSX: rep.URL() + "/report.xlsx"}
	for _, l := range rep.Figures.Counts.Lines() {
		d.Figures = append(d.Figures, figureRow{Label: l.Label, Value: l.Show(), URL: rep.FigureURL(l.Code)})
	}
	o := rep.OverdueLine()
	d.Figures = append(d.Figures, figureRow{Label: o[0], Value: o[1], URL: rep.FigureURL("overdue")})
	for i, l := range rep.SnapshotLines() {
		fr := figureRow{Label: l[0], Value: l[1]}
		if i == 0 {
			fr.URL = rep.FigureURL("due_soon")
		}
		d.Snap = append(d.Snap, fr)
	}
	return d
}

// DailyReport shows one unit's report for a day, drafting it if needed,
// with the remarks form for whoever may submit it.
func (pg *Pages) DailyReport(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	rep, err := pg.Services.DailyReport.Get(ctx, auth.From(ctx), r.PathValue("unit"), r.PathValue("date"))
	if err != nil {
		pg.failErr(w, r, err)
		return
	}
	pg.render(w, r, http.StatusOK, "report_daily", rep.Title(), dailyView(rep))
}

// SubmitDailyReport stores the remarks and submits the report.
func (pg *Pages) SubmitDailyReport(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	p := auth.From(ctx)
	rep, err := pg.Services.DailyReport.Submit(ctx, p, r.PathValue("unit"), r.PathValue("date"), r.PostFormValue("remarks"))
	if err != nil {
		pg.failErr(w, r, err)
		return
	}
	pg.flash(r, "日报已提交。")
	http.Redirect(w, r, rep.URL(), http.StatusSeeOther)
}

// ChaseDailyReport (催报) reminds a unit whose report is missing past the
// deadline; back=today returns to the 今日 page.
func (pg *Pages) ChaseDailyReport(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	rep, err := pg.Services.DailyReport.Chase(ctx, auth.From(ctx), r.PathValue("unit"), r.PathValue("date"))
	if err != nil {
		pg.failErr(w, r, err)
		return
	}
	pg.flash(r, fmt.Sprintf("已向%s催报（第 %d 次）。", rep.Unit.Name, rep.Row.Chases))
	if r.PostFormValue("back") == "today" {
		http.Redirect(w, r, "/today", http.StatusSeeOther)
		return
	}
	http.Redirect(w, r, rep.URL(), http.StatusSeeOther)
}

// DailyReportPDF sends the report as a PDF.
func (pg *Pages) DailyReportPDF(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	rep, err := pg.Services.DailyReport.Get(ctx, auth.From(ctx), r.PathValue("unit"), r.PathValue("date"))
	if err != nil {
		pg.failErr(w, r, err)
		return
	}
	var buf bytes.Buffer
	if err := rep.WritePDF(&buf); err != nil {
		pg.serverError(w, r, err)
		return
	}
	sendFile(w, "application/pdf", "daily.pdf", rep.Title()+".pdf", buf.Bytes())
}

// DailyReportXLSX sends the report as a workbook.
func (pg *Pages) DailyReportXLSX(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	rep, err := pg.Services.DailyReport.Get(ctx, auth.From(ctx), r.PathValue("unit"), r.PathValue("date"))
	if err != nil {
		pg.failErr(w, r, err)
		return
	}
	f, err := rep.Workbook()
	pg.sendWorkbook(w, r, f, err, "daily.xlsx", rep.Title()+".xlsx")
}

// workbook is what the export helpers need of an excelize file.
type workbook interface {
	Write(w io.Writer, opts ...excelize.Options) error
	Close() error
}

// sendWorkbook sends a built workbook as an attachment (or the build's error).
func (pg *Pages) sendWorkbook(w http.ResponseWriter, r *http.Request, f workbook, err error, ascii, name string) {
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
	sendFile(w, xlsxType, ascii, name, buf.Bytes())
}

const xlsxType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

func sendFile(w http.ResponseWriter, contentType, ascii, name string, b []byte) {
	w.Header().Set("Content-Type", contentType)
	w.Header().Set("Content-Disposition", `attachment; filename="`+ascii+`"; filename*=UTF-8''`+url.PathEscape(name))
	w.Write(b)
}

type reportCasesData struct {
	dailyreport.CasesPage
	Back string
}

// DailyReportCases lists the cases behind one figure of a report.
func (pg *Pages) DailyReportCases(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	page, err := pg.Services.DailyReport.Cases(ctx, auth.From(ctx), r.PathValue("unit"), r.PathValue("date"), r.URL.Query().Get("figure"))
	if err != nil {
		pg.failErr(w, r, err)
		return
	}
	pg.render(w, r, http.StatusOK, "report_cases", page.Label, reportCasesData{CasesPage: page, Back: page.Report.URL()})
}

type summaryData struct {
	S     dailyreport.Summary
	Units []dailyreport.Unit
	Kind  string
	Date  string
	PDF   string
	XLSX  string
	Prev  string
	Next  string
}

// Summary shows a weekly (周研判) or monthly (月分析) summary.
func (pg *Pages) Summary(kind string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		d, ok := pg.summary(w, r, kind)
		if !ok {
			return
		}
		pg.render(w, r, http.StatusOK, "reports_summary", d.S.Title(), d)
	}
}

func (pg *Pages) summary(w http.ResponseWriter, r *http.Request, kind string) (summaryData, bool) {
	ctx := r.Context()
	p := auth.From(ctx)
	svc := pg.Services.DailyReport
	units, err := svc.Units(ctx, p)
	if err != nil {
		pg.failErr(w, r, err)
		return summaryData{}, false
	}
	q := r.URL.Query()
	unit := q.Get("unit")
	if unit == "" && len(units) > 0 {
		unit = units[0].Code
	}
	date := q.Get("date")
	if kind == dailyreport.Monthly {
		date = q.Get("month")
	}
	s, err := svc.Summarize(ctx, p, unit, kind, date)
	if err != nil {
		pg.failErr(w, r, err)
		return summaryData{}, false
	}
	d := summaryData{S: s, Units: units, Kind: kind}
	v := url.Values{"unit": {s.Unit.Code}}
	link := func(path string, day calendar.Date) string {
		vv := url.Values{"unit": {s.Unit.Code}}
		if kind == dailyreport.Monthly {
			vv.Set("month", day.String()[:7])
		} else {
			vv.Set("date", day.String())
		}
		return path + "?" + vv.Encode()
	}
	if kind == dailyreport.Monthly {
		d.Date = s.From.String()[:7]
		v.Set("month", d.Date)
	} else {
		d.Date = s.From.String()
		v.Set("date", d.Date)
	}
	base := "/reports/" + kind
	d.PDF, d.XLSX = base+".pdf?"+v.Encode(), base+".xlsx?"+v.Encode()
	d.Prev = link(base, s.PrevFrom)
	if next := s.To.AddDays(1); !next.After(calendar.DateOf(pg.now())) {
		d.Next = link(base, next)
	}
	return d, true
}

// SummaryPDF sends a summary as a PDF.
func (pg *Pages) SummaryPDF(kind string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		d, ok := pg.summary(w, r, kind)
		if !ok {
			return
		}
		var buf bytes.Buffer
		if err := d.S.WritePDF(&buf); err != nil {
			pg.serverError(w, r, err)
			return
		}
		sendFile(w, "application/pdf", kind+".pdf", d.S.Title()+".pdf", buf.Bytes())
	}
}

// SummaryXLSX sends a summary as a workbook.
func (pg *Pages) SummaryXLSX(kind string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		d, ok := pg.summary(w, r, kind)
		if !ok {
			return
		}
		f, err := d.S.Workbook()
		pg.sendWorkbook(w, r, f, err, kind+".xlsx", d.S.Title()+".xlsx")
	}
}
