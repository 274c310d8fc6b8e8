package server_test

import (
	"bytes"
	"fmt"
	"math"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/xuri/excelize/v2"

	"github.com/tiaojie/tiaojie/internal/demo"
)

type statCell struct {
	Row    string   `json:"row"`
	Column string   `json:"column"`
	Value  *float64 `json:"value"`
	Text   string   `json:"text"`
	Cases  string   `json:"cases"`
}

type statForm struct {
	Form   string     `json:"form"`
	Unit   string     `json:"unit"`
	Period string     `json:"period"`
	From   string     `json:"from"`
	To     string     `json:"to"`
	Filled string     `json:"filled"`
	Cells  []statCell `json:"cells"`
}

func (f statForm) cell(t *testing.T, row, col string) statCell {
	t.Helper()
	for _, c := range f.Cells {
		if c.Row == row && c.Column == col {
			return c
		}
	}
	t.Fatalf("%s: no cell %s/%s", f.Form, row, col)
	return statCell{}
}

type headline struct {
	Figures []struct {
		Code  string  `json:"code"`
		Value float64 `json:"value"`
	} `json:"figures"`
	ByOutcome []struct {
		Code  string  `json:"code"`
		Value float64 `json:"value"`
	} `json:"by_outcome"`
}

func (h headline) fig(code string) float64 {
	for _, f := range h.Figures {
		if f.Code == code {
			return f.Value
		}
	}
	for _, f := range h.ByOutcome {
		if f.Code == code {
			return f.Value
		}
	}
	return math.NaN()
}

// round1 rounds half away from zero to one decimal, as the forms print.
func round1(x float64) float64 { return math.Floor(x*10+0.5) / 10 }

// The forms' 受理、调解成功、成功率 and the rest reconcile with the evaluation
// API for the same unit and days, for a committee, a room and the district.
func TestStatisticsReconcileWithEvaluation(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *env) {
		now := time.Now().In(time.FixedZone("CST", 8*3600))
		year := fmt.Sprint(now.Year())
		lastMonth := now.AddDate(0, 0, -now.Day()).Format("2006-01")
		quarter := fmt.Sprintf("%d-Q%d", now.Year(), (int(now.Month())+2)/3)
		sawCases := false
		for _, tc := range []struct{ user, unit, level string }{
			{"committee01", demo.CodeCommittee, "committee"},
			{"room_lead01", demo.OfficeRoomCode(1), "room"},
			{"justice01", demo.CodeDistrict, "committee"},
			{"analyst01", demo.CodeDistrict, "committee"},
		} {
			c := e.login(tc.user)
			for _, period := range []string{year, quarter, lastMonth} {
				var f statForm
				getJSON(t, c, "/api/v1/statistics/forms/period_12315?unit="+tc.unit+"&period="+period, 200, &f)
				if f.Form != "period_12315" || f.Unit != tc.unit || f.Period != period || f.Filled != dateToday() || len(f.Cells) != 7*6 {
					t.Fatalf("%s %s: %+v", tc.unit, period, f)
				}
				spans := map[string][2]string{"本期": {f.From, f.To}}
				// 累计 and the year before, worked out the way a statistician would.
				to, _ := time.Parse("2006-01-02", f.To)
				from, _ := time.Parse("2006-01-02", f.From)
				spans["累计"] = [2]string{to.Format("2006") + "-01-01", f.To}
				spans["去年同期"] = [2]string{from.AddDate(-1, 0, 0).Format("2006-01-02"), to.AddDate(-1, 0, 0).Format("2006-01-02")}
				spans["去年同期累计"] = [2]string{fmt.Sprint(to.Year()-1) + "-01-01", to.AddDate(-1, 0, 0).Format("2006-01-02")}
				for col, sp := range spans {
					q := "unit=" + tc.unit + "&from=" + sp[0] + "&to=" + sp[1]
					var h headline
					getJSON(t, c, "/api/v1/evaluation/headline?"+q, 200, &h)
					var sc evalScores
					getJSON(t, c, "/api/v1/evaluation/scores?level="+tc.level+"&"+q, 200, &sc)
					var decided, num, den int
					for _, r := range sc.Rows {
						for _, i := range r.Indicators {
							switch i.Code {
							case "on_time_acceptance":
								decided += i.Denominator
							case "success":
								num += i.Numerator
								den += i.Denominator
							}
						}
					}
					where := fmt.Sprintf("%s %s %s (%s..%s)", tc.unit, period, col, sp[0], sp[1])
					want := map[string]float64{
						"承办数":             h.fig("received"),
						"其中：12315及市场监管分流": h.fig("diverted"),
						"受理数":             float64(decided) - h.fig("rejected"),
						"调解成功数":           h.fig("agreed"),
						"挽回经济损失（万元）":      math.Round(h.fig("recovered")/100) / 100,
					}
					if num != int(h.fig("agreed")) {
						t.Errorf("%s: scores success numerator %d, headline agreed %v", where, num, h.fig("agreed"))
					}
					for row, v := range want {
						got := f.cell(t, row, col)
						if got.Value == nil || math.Abs(*got.Value-v) > 1e-9 {
							t.Errorf("%s: %s = %v, evaluation says %v", where, row, got.Value, v)
						}
					}
					rate := f.cell(t, "调解成功率", col)
					switch {
					case den == 0 && rate.Value != nil, den == 0 && rate.Text != "—":
						t.Errorf("%s: rate %+v without cases", where, rate)
					case den > 0 && (rate.Value == nil || *rate.Value != round1(float64(num)*100/float64(den)) || math.Abs(*rate.Value-h.fig("success")) > 0.05+1e-9):
						t.Errorf("%s: rate %+v, evaluation %d/%d = %v", where, rate, num, den, h.fig("success"))
					}
					if col == "本期" && num > 0 {
						sawCases = true
						// The figure links the evaluation's cases behind it; their total is the figure.
						cell := f.cell(t, "调解成功数", col)
						if !strings.HasPrefix(cell.Cases, "/api/v1/evaluation/cases?") {
							t.Fatalf("%s: no case list behind %+v", where, cell)
						}
						var list evalCaseList
						getJSON(t, c, cell.Cases+"&limit=1", 200, &list)
						if list.Total != int64(*cell.Value) {
							t.Errorf("%s: %v agreed, %d cases behind it", where, *cell.Value, list.Total)
						}
					}
				}
				// The category form's 合计 agrees with the period report.
				var m statForm
				getJSON(t, c, "/api/v1/statistics/forms/mediation_cases?unit="+tc.unit+"&period="+period, 200, &m)
				if len(m.Cells) != 17*10 {
					t.Fatalf("mediation_cases: %d cells", len(m.Cells))
				}
				if *m.cell(t, "合计", "受理").Value != *f.cell(t, "受理数", "本期").Value ||
					*m.cell(t, "合计", "调解成功").Value != *f.cell(t, "调解成功数", "本期").Value {
					t.Errorf("%s %s: 合计 %+v %+v, period report %+v %+v", tc.unit, period, m.cell(t, "合计", "受理"), m.cell(t, "合计", "调解成功"),
						f.cell(t, "受理数", "本期"), f.cell(t, "调解成功数", "本期"))
				}
				var sum float64
				for _, cl := range m.Cells {
					if cl.Column == "受理" && cl.Row != "合计" {
						sum += *cl.Value
					}
				}
				if sum != *m.cell(t, "合计", "受理").Value {
					t.Errorf("%s %s: categories add up to %v, 合计 %v", tc.unit, period, sum, *m.cell(t, "合计", "受理").Value)
				}
			}
		}
		if !sawCases {
			t.Fatal("the demo gave no agreed case this year: nothing reconciled")
		}
	})
}

func TestStatisticsAPIScopesAndExport(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *env) {
		cmt := e.login("committee01")
		year := fmt.Sprint(time.Now().In(time.FixedZone("CST", 8*3600)).Year())
		var list struct {
			Forms []struct {
				Code    string   `json:"code"`
				Title   string   `json:"title"`
				Rows    []string `json:"rows"`
				Columns []string `json:"columns"`
			} `json:"forms"`
		}
		getJSON(t, cmt, "/api/v1/statistics/forms", 200, &list)
		if len(list.Forms) != 3 || list.Forms[0].Code != "mediation_cases" || list.Forms[1].Code != "period_12315" || list.Forms[2].Code != "organisation" ||
			!strings.Contains(strings.Join(list.Forms[1].Rows, ","), "受理数") || !strings.Contains(strings.Join(list.Forms[1].Columns, ","), "去年同期累计") {
			t.Fatalf("forms: %+v", list.Forms)
		}
		q := "?unit=pd-cmt&period=" + year
		refused(t, e.login("xh_committee01"), "GET", "/api/v1/statistics/forms/period_12315"+q, nil, 403, "无权")
		refused(t, e.login("xh_committee01"), "GET", "/api/v1/statistics/forms/period_12315/export.xlsx"+q, nil, 403, "无权")
		refused(t, e.login("mediator01"), "GET", "/api/v1/statistics/forms/period_12315"+q, nil, 403, "")
		refused(t, e.login("regulator01"), "GET", "/api/v1/statistics/forms", nil, 403, "")
		refused(t, e.login("room_lead01"), "GET", "/api/v1/statistics/forms/period_12315"+q, nil, 403, "无权")
		refused(t, cmt, "GET", "/api/v1/statistics/forms/period_12315?unit=xh-cmt&period="+year, nil, 403, "无权")
		refused(t, cmt, "GET", "/api/v1/statistics/forms/nothing"+q, nil, 404, "没有报表")
		refused(t, cmt, "GET", "/api/v1/statistics/forms/period_12315?unit=pd-cmt&period=2026-13", nil, 400, "月份无效")
		refused(t, cmt, "GET", "/api/v1/statistics/forms/period_12315?unit=pd-cmt&period=2099", nil, 400, "还没有开始")
		refused(t, cmt, "GET", "/api/v1/statistics/forms/period_12315?unit=pd-cmt&period=", nil, 400, "统计期间")
		refused(t, cmt, "GET", "/api/v1/statistics/forms/period_12315?unit=nowhere&period="+year, nil, 404, "找不到单位")
		refused(t, cmt, "GET", "/api/v1/statistics/forms/period_12315/export.xlsx?unit=pd-cmt&period=Q3", nil, 400, "无效")
		refused(t, e.login("justice01"), "GET", "/api/v1/statistics/forms/period_12315?unit="+demo.CodeBureau+"&period="+year, nil, 400, "不是调解组织")

		// The workbook has the API's figures, as printed.
		var f statForm
		getJSON(t, cmt, "/api/v1/statistics/forms/period_12315"+q, 200, &f)
		r := cmt.json("GET", "/api/v1/statistics/forms/period_12315/export.xlsx"+q, nil, nil)
		if r.StatusCode != 200 || !strings.Contains(r.Header.Get("Content-Type"), "spreadsheetml") {
			t.Fatalf("export: %d %s", r.StatusCode, r.Header.Get("Content-Type"))
		}
		x, err := excelize.OpenReader(bytes.NewReader([]byte(r.body)))
		if err != nil {
			t.Fatal(err)
		}
		defer x.Close()
		rows, err := x.GetRows("报表")
		if err != nil {
			t.Fatal(err)
		}
		cols := map[string]int{}
		var head int
		for i, row := range rows {
			if len(row) > 2 && row[0] == "项目" {
				head = i
				for j, c := range row {
					cols[c] = j
				}
			}
		}
		if head == 0 || rows[0][0] != "消费投诉调解情况统计表" || !strings.Contains(rows[2][0], "填报单位：浦东新区消费纠纷人民调解委员会") {
			t.Fatalf("layout: %q", rows)
		}
		found := 0
		for _, row := range rows[head+1:] {
			for _, c := range f.Cells {
				if len(row) > 0 && row[0] == c.Row {
					found++
					if got := row[cols[c.Column]]; got != c.Text {
						t.Errorf("%s/%s: workbook %q, API %q", c.Row, c.Column, got, c.Text)
					}
				}
			}
		}
		if found != len(f.Cells) {
			t.Errorf("%d of %d cells found in the workbook", found, len(f.Cells))
		}
		if !strings.Contains(strings.Join(rows[head+len(f.Cells)/6+2], ""), "负责人：") {
			t.Errorf("sign row: %q", rows[head+len(f.Cells)/6+2])
		}

		// Pages: the picker, the printed form, its download.
		page := cmt.get("/statistics")
		if page.StatusCode != 200 || !strings.Contains(page.body, "人民调解案件统计表") || !strings.Contains(page.body, `href="/statistics"`) {
			t.Fatalf("/statistics: %d", page.StatusCode)
		}
		red := cmt.get("/statistics?form=mediation_cases&unit=pd-cmt&period=" + year)
		if red.StatusCode != 303 || red.Header.Get("Location") != "/statistics/mediation_cases?period="+year+"&unit=pd-cmt" {
			t.Errorf("picker redirect: %d %s", red.StatusCode, red.Header.Get("Location"))
		}
		page = cmt.get("/statistics/mediation_cases?unit=pd-cmt&period=" + year)
		for _, want := range []string{"人民调解案件统计表", "填报单位：浦东新区消费纠纷人民调解委员会", "负责人：", "填报日期：" + dateToday(),
			`colspan="2"`, `rowspan="2"`, "计量单位", "table-wrap", "合同纠纷", "/evaluation/cases?", "export.xlsx"} {
			if !strings.Contains(page.body, want) {
				t.Errorf("form page lacks %q", want)
			}
		}
		if strings.Contains(page.body, "style=") || strings.Contains(page.body, "<script>") {
			t.Error("inline style or script on the form page")
		}
		x2 := cmt.get("/statistics/organisation/export.xlsx?unit=pd-cmt&period=" + year)
		if x2.StatusCode != 200 || !strings.Contains(x2.Header.Get("Content-Disposition"), url.PathEscape("人民调解组织和人员情况表")) {
			t.Errorf("page export: %d %s", x2.StatusCode, x2.Header.Get("Content-Disposition"))
		}
		if p := e.login("xh_committee01").get("/statistics/period_12315?unit=pd-cmt&period=" + year); p.StatusCode != 403 {
			t.Errorf("other district's page: %d", p.StatusCode)
		}
		if p := cmt.get("/statistics/period_12315?unit=pd-cmt&period=2099"); p.StatusCode != 422 && p.StatusCode != 400 || !strings.Contains(p.body, "还没有开始") {
			t.Errorf("future period page: %d", p.StatusCode)
		}
	})
}

// On a phone the printed form scrolls inside its wrapper; the page itself
// never scrolls sideways.
func TestBrowserStatisticsForm(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *env) {
		ctx := browser(t, 390, 844)
		year := fmt.Sprint(time.Now().In(time.FixedZone("CST", 8*3600)).Year())
		if err := chromedp.Do(ctx, chromedp.Navigate(e.ts.URL+"/login"), chromedp.WaitVisible(`#username`),
			chromedp.SendKeys(`#username`, "committee01"), chromedp.SendKeys(`#password`, password), chromedp.Submit(`#password`),
			// The login page has an h1 too: wait for the signed-in header,
			// or the next navigation races the login's redirect.
			chromedp.WaitVisible(`header.top .menu`)); err != nil {
			t.Fatal(err)
		}
		for _, code := range []string{"mediation_cases", "period_12315", "organisation"} {
			if err := chromedp.Do(ctx, chromedp.Navigate(e.ts.URL+"/statistics/"+code+"?unit=pd-cmt&period="+year),
				chromedp.WaitVisible(`#stat-grid`), shot("statistics-"+code)); err != nil {
				t.Fatal(err)
			}
			overflow, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.documentElement.scrollWidth > window.innerWidth + 1`))
			if err != nil {
				t.Fatal(err)
			}
			inner, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`(() => { const w = document.querySelector("#stat-grid").parentElement; return w.scrollWidth >= w.clientWidth && w.clientWidth <= window.innerWidth; })()`))
			if err != nil {
				t.Fatal(err)
			}
			if overflow || !inner {
				t.Errorf("%s: page scrolls sideways (%v) or the grid leaves its wrapper (%v)", code, overflow, !inner)
			}
		}
	})
}
