package web

import (
	"html/template"
	"math"
	"net/http"
	"net/url"
	"strconv"

	"github.com/tiaojie/tiaojie/internal/analysis"
	"github.com/tiaojie/tiaojie/internal/auth"
	"github.com/tiaojie/tiaojie/internal/domain"
	"github.com/tiaojie/tiaojie/internal/hotspot"
)

// ----- /analysis (分析研判) -----

// aSpec is static/js/analysis.js's spec.
type aSpec struct {
	Kind       string        `json:"kind"`
	Title      string        `json:"title"`
	Unit       string        `json:"unit,omitempty"`
	Categories []string      `json:"categories,omitempty"`
	Rows       []string      `json:"rows,omitempty"`
	Series     []chartSeries `json:"series,omitempty"`
	Cells      [][]any       `json:"cells,omitempty"`
	Points     []aPoint      `json:"points,omitempty"`
	From       string        `json:"from,omitempty"`
	To         string        `json:"to,omitempty"`
	FirstBars  bool          `json:"firstBars,omitempty"`
}

type aPoint struct {
	Day   string  `json:"day"`
	Name  string  `json:"name"`
	Group string  `json:"group"`
	Value float64 `json:"value"`
	Link  string  `json:"link"`
}

func casesURL(q url.Values) string {
	if q == nil {
		return ""
	}
	return "/analysis/cases?" + q.Encode()
}

type aOption struct {
	Value, Label string
	On           bool
}

type aHotRow struct {
	analysis.HotRow
	URL, PrevURL, YearURL string
	GrowthPrev, GrowthYr  string
}

type aHot struct {
	List analysis.HotList
	Rows []aHotRow
	Spec template.JS
}

type aStep struct {
	analysis.FunnelStep
	URL string
}

type aMonth struct {
	Month                 string
	Claimed, Recovered    int64
	ClaimURL, RecoveryURL string
}

type aSurge struct {
	analysis.Surge
	URL, KindLabel string
}

type aHeatRow struct {
	Name  string
	Cells []aHeatCell
}

type aHeatCell struct {
	N   int64
	URL string
}

type analysisPage struct {
	Units      []analysis.Unit
	Unit       analysis.Unit
	From, To   string
	Channel    string
	Category   string
	Channels   []aOption
	Received   int64
	ReceivedTo string
	ClaimFen   int64
	RecovFen   int64
	Pending    int64
	Took       string

	IntakeSpec   template.JS
	Intake       []aDay
	CategorySpec template.JS
	Categories   aHot
	Merchants    aHot
	Growing      aHot
	Streets      aHot
	SurgeSpec    template.JS
	Surges       []aSurge
	FunnelSpec   template.JS
	Funnel       []aStep
	HeatSpec     template.JS
	HeatWeeks    []string
	Heat         []aHeatRow
	HeatCut      bool
	AmountSpec   template.JS
	Amounts      []aMonth
}

type aDay struct {
	Day       string
	N         int64
	MA7, MA28 string
	URL       string
}

func ma(v *float64) string {
	if v == nil {
		return "—"
	}
	return strconv.FormatFloat(*v, 'f', 1, 64)
}

func yuan(fen int64) float64 { return math.Round(float64(fen)) / 100 }

// Analysis is the 分析研判 dashboard.
func (pg *Pages) Analysis(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	p := auth.From(ctx)
	v := r.URL.Query()
	f := analysis.Filter{Unit: v.Get("unit"), From: v.Get("from"), To: v.Get("to"), Channel: v.Get("channel"), Category: v.Get("category")}
	d, err := pg.Services.Analysis.Dashboard(ctx, p, f)
	if err != nil {
		pg.evalFail(w, r, err)
		return
	}
	units, err := pg.Services.Analysis.Units(ctx, p)
	if err != nil {
		pg.failErr(w, r, err)
		return
	}
	sc := d.Scope
	pd := analysisPage{Units: units, Unit: sc.Unit, From: sc.Period.From.String(), To: sc.Period.To.String(), Channel: sc.Channel,
		Category: sc.Category, Received: d.Intake.Total, ClaimFen: d.Amounts.TotalClaim, RecovFen: d.Amounts.TotalRecov, Pending: d.Pending,
		Took: strconv.FormatFloat(float64(d.Took.Microseconds())/1000, 'f', 1, 64)}
	pd.Channels = append(pd.Channels, aOption{Value: "", Label: "全部来源", On: sc.Channel == ""})
	for _, c := range domain.Channels {
		pd.Channels = append(pd.Channels, aOption{Value: string(c), Label: c.Label(), On: string(c) == sc.Channel})
	}

	// Daily intake with its moving averages.
	in := d.Intake
	daily := chartSeries{Name: "每日收到"}
	ma7, ma28 := chartSeries{Name: "7日均线"}, chartSeries{Name: "28日均线"}
	var days []string
	for i, day := range in.Days {
		days = append(days, day.String()[5:])
		daily.Data = append(daily.Data, fptr(float64(in.Counts[i])))
		daily.Links = append(daily.Links, sptr(casesURL(in.Links[i])))
		ma7.Data, ma28.Data = append(ma7.Data, in.MA7[i]), append(ma28.Data, in.MA28[i])
		ma7.Links, ma28.Links = append(ma7.Links, nil), append(ma28.Links, nil)
		pd.Intake = append(pd.Intake, aDay{Day: day.String(), N: in.Counts[i], MA7: ma(in.MA7[i]), MA28: ma(in.MA28[i]), URL: casesURL(in.Links[i])})
	}
	pd.IntakeSpec = jsonSpec(aSpec{Kind: "line", Title: "每日收到投诉及7日、28日移动平均", Unit: "件", Categories: days,
		Series: []chartSeries{daily, ma7, ma28}, FirstBars: true})

	hot := func(hl analysis.HotList, kind, title string) aHot {
		h := aHot{List: hl}
		s := chartSeries{Name: "本期件数"}
		var labels []string
		for _, row := range hl.Rows {
			h.Rows = append(h.Rows, aHotRow{HotRow: row, URL: casesURL(row.Link), PrevURL: casesURL(row.PrevLink), YearURL: casesURL(row.LastYearLink),
				GrowthPrev: hotspot.FormatGrowth(row.GrowthPrev), GrowthYr: hotspot.FormatGrowth(row.GrowthYear)})
			labels = append(labels, row.Label)
			s.Data = append(s.Data, fptr(float64(row.Count)))
			s.Links = append(s.Links, sptr(casesURL(row.Link)))
			s.Names = append(s.Names, row.Label)
		}
		if kind == "treemap" {
			h.Spec = jsonSpec(aSpec{Kind: "treemap", Title: title, Unit: "件", Series: []chartSeries{s}})
		} else {
			h.Spec = jsonSpec(aSpec{Kind: "hbar", Title: title, Unit: "件", Categories: labels, Series: []chartSeries{s}})
		}
		return h
	}
	pd.Categories = hot(d.Categories, "treemap", "纠纷类别分布")
	pd.Merchants = hot(d.Merchants, "hbar", "被投诉经营者（按件数）")
	pd.Growing = hot(d.Growing, "hbar", "被投诉经营者（按增速）")
	pd.Streets = hot(d.Streets, "hbar", "街镇排名")

	// Surges on a timeline.
	var pts []aPoint
	for _, s := range d.Surges {
		as := aSurge{Surge: s, URL: casesURL(s.Link), KindLabel: "群体性纠纷"}
		val := float64(s.Cases)
		if s.Kind == "warning" {
			as.KindLabel = "投诉激增预警"
			val = 1
		}
		pd.Surges = append(pd.Surges, as)
		pts = append(pts, aPoint{Day: s.Day.String(), Name: s.Label, Group: as.KindLabel, Value: val, Link: casesURL(s.Link)})
	}
	pd.SurgeSpec = jsonSpec(aSpec{Kind: "timeline", Title: "群体性纠纷与投诉激增预警", Unit: "件", Points: pts, From: pd.From, To: pd.To})

	// The funnel.
	fs := chartSeries{Name: "件数"}
	for _, st := range d.Funnel {
		pd.Funnel = append(pd.Funnel, aStep{FunnelStep: st, URL: casesURL(st.Link)})
		fs.Data = append(fs.Data, fptr(float64(st.N)))
		fs.Links = append(fs.Links, sptr(casesURL(st.Link)))
		fs.Names = append(fs.Names, st.Name)
	}
	pd.FunnelSpec = jsonSpec(aSpec{Kind: "funnel", Title: "收到→受理→调解→协议→履行→回访", Unit: "件", Series: []chartSeries{fs}})

	// The overdue heat-map.
	h := d.Overdue
	pd.HeatCut = h.Truncated
	var rows []string
	var cells [][]any
	for _, wk := range h.Weeks {
		pd.HeatWeeks = append(pd.HeatWeeks, wk.Label())
	}
	for i, u := range h.Rooms {
		rows = append(rows, u.Name)
		hr := aHeatRow{Name: u.Name}
		for j, n := range h.Cells[i] {
			link := casesURL(h.Links[i][j])
			cells = append(cells, []any{j, i, n, link})
			hr.Cells = append(hr.Cells, aHeatCell{N: n, URL: link})
		}
		pd.Heat = append(pd.Heat, hr)
	}
	pd.HeatSpec = jsonSpec(aSpec{Kind: "heatmap", Title: "超期未办结案件（工作室×周）", Unit: "件", Categories: pd.HeatWeeks, Rows: rows, Cells: cells})

	// Claimed and recovered amounts.
	am := d.Amounts
	cl, rc := chartSeries{Name: "涉及金额"}, chartSeries{Name: "挽回经济损失"}
	var months []string
	for i, m := range am.Months {
		months = append(months, m.String()[:7])
		cl.Data, rc.Data = append(cl.Data, fptr(yuan(am.Claimed[i]))), append(rc.Data, fptr(yuan(am.Recovered[i])))
		cl.Links, rc.Links = append(cl.Links, sptr(casesURL(am.ClaimLinks[i]))), append(rc.Links, sptr(casesURL(am.RecovLinks[i])))
		pd.Amounts = append(pd.Amounts, aMonth{Month: m.String()[:7], Claimed: am.Claimed[i], Recovered: am.Recovered[i],
			ClaimURL: casesURL(am.ClaimLinks[i]), RecoveryURL: casesURL(am.RecovLinks[i])})
	}
	pd.AmountSpec = jsonSpec(aSpec{Kind: "bars", Title: "涉及金额与挽回经济损失（按月，元）", Unit: "元", Categories: months, Series: []chartSeries{cl, rc}})
	pg.render(w, r, http.StatusOK, "analysis", "分析研判", pd)
}

type analysisCasesPage struct {
	Label            string
	Unit             string
	From, To         string
	Total            int
	Rows             []aCaseRow
	Page, Pages      int
	PrevURL, NextURL string
	BackURL          string
}

type aCaseRow struct {
	Case analysis.Case
	Link bool
}

// AnalysisCases lists the cases behind one figure of the dashboard.
func (pg *Pages) AnalysisCases(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	p := auth.From(ctx)
	v := r.URL.Query()
	q := analysis.CaseQueryOf(v)
	page := 1
	if s := v.Get("page"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 {
			pg.badQuery(w, r, "页码应为正整数")
			return
		}
		page = n
	}
	const per = 50
	q.Limit, q.Offset = per, (page-1)*per
	res, err := pg.Services.Analysis.Cases(ctx, p, q)
	if err != nil {
		pg.evalFail(w, r, err)
		return
	}
	d := analysisCasesPage{Label: res.Label, Unit: res.Scope.Unit.Name, From: res.Scope.Period.From.String(), To: res.Scope.Period.To.String(),
		Total: res.Total, Page: page, Pages: max(1, (res.Total+per-1)/per)}
	for _, c := range res.Cases {
		d.Rows = append(d.Rows, aCaseRow{Case: c, Link: p.CanOnCase(domain.PermCaseRead, c)})
	}
	link := func(n int) string {
		x := url.Values{}
		for k, vs := range v {
			x[k] = vs
		}
		x.Set("page", strconv.Itoa(n))
		return "/analysis/cases?" + x.Encode()
	}
	if page > 1 {
		d.PrevURL = link(page - 1)
	}
	if page < d.Pages {
		d.NextURL = link(page + 1)
	}
	back := url.Values{"unit": {res.Scope.Unit.Code}, "from": {d.From}, "to": {d.To}}
	if ch := v.Get("channel"); ch != "" {
		back.Set("channel", ch)
	}
	d.BackURL = "/analysis?" + back.Encode()
	pg.render(w, r, http.StatusOK, "analysis_cases", "分析研判 · 案件", d)
}
