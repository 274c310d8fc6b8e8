package server_test

import (
	"net/url"
	"strings"
	"testing"
)

type hotJSON struct {
	Unit struct {
		Code string `json:"code"`
	} `json:"unit"`
	By    string `json:"by"`
	Total int64  `json:"total"`
	Rows  []struct {
		Rank           int      `json:"rank"`
		Label          string   `json:"label"`
		Count          int64    `json:"count"`
		Previous       int64    `json:"previous"`
		LastYear       int64    `json:"last_year"`
		GrowthPrevious *float64 `json:"growth_previous"`
		Cases          string   `json:"cases"`
		CasesAPI       string   `json:"cases_api"`
	} `json:"rows"`
}

type headlineJSON struct {
	Figures []struct {
		Code  string  `json:"code"`
		Value float64 `json:"value"`
	} `json:"figures"`
}

func (h headlineJSON) value(code string) float64 {
	for _, f := range h.Figures {
		if f.Code == code {
			return f.Value
		}
	}
	return -1
}

// The dashboards' figures agree with the evaluation headline; every hot-list
// row opens as many cases as it counts; each viewer sees their own units
// only; bad input is refused in Chinese.
func TestAnalysisAPI(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *env) {
		cmt := e.login("committee01")
		from, to := day(-365), day(0)
		period := "&from=" + from + "&to=" + to
		var head headlineJSON
		getJSON(t, cmt, "/api/v1/evaluation/headline?unit=pd-cmt"+period, 200, &head)
		received := int64(head.value("received"))
		if received <= 0 {
			t.Fatalf("headline received %v", received)
		}
		var intake struct {
			Total int64 `json:"total"`
			Days  []struct {
				Count int64 `json:"count"`
			} `json:"days"`
		}
		getJSON(t, cmt, "/api/v1/analysis/intake?unit=pd-cmt"+period, 200, &intake)
		var sum int64
		for _, d := range intake.Days {
			sum += d.Count
		}
		if intake.Total != received || sum != received || len(intake.Days) != 366 {
			t.Fatalf("intake total %d (days sum %d over %d days), headline 收到 %d", intake.Total, sum, len(intake.Days), received)
		}
		var funnel struct {
			Steps []struct {
				Code     string `json:"code"`
				Value    int64  `json:"value"`
				CasesAPI string `json:"cases_api"`
			} `json:"steps"`
		}
		getJSON(t, cmt, "/api/v1/analysis/funnel?unit=pd-cmt"+period, 200, &funnel)
		if len(funnel.Steps) != 6 || funnel.Steps[0].Value != received {
			t.Fatalf("funnel: %+v, received %d", funnel.Steps, received)
		}
		for _, s := range funnel.Steps {
			var l evalCaseList
			getJSON(t, cmt, s.CasesAPI+"&limit=500", 200, &l)
			if l.Total != s.Value {
				t.Errorf("funnel step %s: %d, its case list %d", s.Code, s.Value, l.Total)
			}
		}
		var amounts struct {
			ClaimedFen   int64 `json:"claimed_fen"`
			RecoveredFen int64 `json:"recovered_fen"`
		}
		getJSON(t, cmt, "/api/v1/analysis/amounts?unit=pd-cmt"+period, 200, &amounts)
		if float64(amounts.ClaimedFen)/100 != head.value("claimed") || float64(amounts.RecoveredFen)/100 != head.value("recovered") {
			t.Errorf("amounts %d/%d fen, headline %v/%v yuan", amounts.ClaimedFen, amounts.RecoveredFen, head.value("claimed"), head.value("recovered"))
		}
		for _, by := range []string{"merchant", "category", "street"} {
			var hl hotJSON
			getJSON(t, cmt, "/api/v1/analysis/hotspots?unit=pd-cmt&by="+by+"&limit=500"+period, 200, &hl)
			if hl.Total != received || hl.By != by || len(hl.Rows) == 0 {
				t.Fatalf("hot list by %s: total %d rows %d, headline 收到 %d", by, hl.Total, len(hl.Rows), received)
			}
			var n int64
			for _, r := range hl.Rows {
				n += r.Count
			}
			if n != received {
				t.Errorf("hot list by %s: rows add up to %d, received %d", by, n, received)
			}
			top := hl.Rows[0]
			var l evalCaseList
			getJSON(t, cmt, top.CasesAPI+"&limit=500", 200, &l)
			if l.Total != top.Count || len(l.Cases) != int(top.Count) || !strings.HasPrefix(top.Cases, "/analysis/cases?") {
				t.Errorf("%s %s: count %d, case list %d (%d)", by, top.Label, top.Count, l.Total, len(l.Cases))
			}
		}
		// The default window is the last 30 days.
		var def hotJSON
		getJSON(t, cmt, "/api/v1/analysis/hotspots?unit=pd-cmt", 200, &def)
		var overdue, surges map[string]any
		getJSON(t, cmt, "/api/v1/analysis/overdue?unit=pd-cmt"+period, 200, &overdue)
		getJSON(t, cmt, "/api/v1/analysis/surges?unit=pd-cmt"+period, 200, &surges)

		// Scopes.
		for _, u := range []string{"justice01", "analyst01"} {
			var d hotJSON
			getJSON(t, e.login(u), "/api/v1/analysis/hotspots?unit=pd&by=category"+period, 200, &d)
			if d.Total != received {
				t.Errorf("%s on the district: %d, committee %d", u, d.Total, received)
			}
		}
		// The city's analyst reads the city, whose figure is its districts' sum;
		// a district's analyst reads neither the city nor the other district.
		city := e.login("city_analyst01")
		var sh, pd, xh hotJSON
		getJSON(t, city, "/api/v1/analysis/hotspots?unit=sh&by=category"+period, 200, &sh)
		getJSON(t, city, "/api/v1/analysis/hotspots?unit=pd&by=category"+period, 200, &pd)
		getJSON(t, city, "/api/v1/analysis/hotspots?unit=xh&by=category"+period, 200, &xh)
		if pd.Total != received || xh.Total == 0 || sh.Total != pd.Total+xh.Total {
			t.Errorf("the city %d, 浦东 %d (committee %d), 徐汇 %d", sh.Total, pd.Total, received, xh.Total)
		}
		if r := city.get("/analysis?unit=sh" + period); r.StatusCode != 200 || !strings.Contains(r.body, "被投诉经营者热榜") {
			t.Errorf("the city's analysis page: %d", r.StatusCode)
		}
		refused(t, e.login("analyst01"), "GET", "/api/v1/analysis/hotspots?unit=sh"+period, nil, 403, "无权")
		refused(t, e.login("analyst01"), "GET", "/api/v1/analysis/hotspots?unit=xh"+period, nil, 403, "无权")
		// The analyst's case list keeps who complained to itself.
		var an evalCaseList
		getJSON(t, e.login("analyst01"), "/api/v1/analysis/cases?unit=pd-cmt&limit=5"+period, 200, &an)
		if an.Total != received || len(an.Cases) == 0 || len(an.Cases[0].Parties) != 0 {
			t.Errorf("analyst's case list: total %d, %+v", an.Total, an.Cases)
		}
		refused(t, cmt, "GET", "/api/v1/analysis/hotspots?unit=xh-cmt"+period, nil, 403, "无权")
		refused(t, e.login("xh_committee01"), "GET", "/api/v1/analysis/hotspots?unit=pd-cmt"+period, nil, 403, "无权")
		refused(t, e.login("xh_committee01"), "GET", "/api/v1/analysis/cases?unit=pd-cmt"+period, nil, 403, "无权")
		refused(t, e.login("mediator01"), "GET", "/api/v1/analysis/hotspots?unit=pd-cmt"+period, nil, 403, "无权")
		refused(t, e.login("auditor01"), "GET", "/api/v1/analysis/intake?unit=pd-cmt"+period, nil, 403, "无权")

		// Bad input.
		refused(t, cmt, "GET", "/api/v1/analysis/hotspots?unit=pd-cmt&by=shop"+period, nil, 400, "by 应为")
		refused(t, cmt, "GET", "/api/v1/analysis/hotspots?unit=pd-cmt&order=fast"+period, nil, 400, "order 应为")
		refused(t, cmt, "GET", "/api/v1/analysis/hotspots?unit=pd-cmt&limit=0"+period, nil, 400, "limit")
		refused(t, cmt, "GET", "/api/v1/analysis/hotspots?unit=pd-cmt&from="+to+"&to="+from, nil, 400, "晚于")
		refused(t, cmt, "GET", "/api/v1/analysis/intake?unit=pd-cmt&from=2026-02-30&to="+to, nil, 400, "不是有效日期")
		refused(t, cmt, "GET", "/api/v1/analysis/funnel?unit=pd-cmt&from="+from, nil, 400, "结束日期")
		refused(t, cmt, "GET", "/api/v1/analysis/intake?unit=pd-cmt&channel=fax"+period, nil, 400, "来源渠道")
		refused(t, cmt, "GET", "/api/v1/analysis/hotspots?unit=nowhere"+period, nil, 404, "找不到单位")
		refused(t, cmt, "GET", "/api/v1/analysis/cases?unit=pd-cmt&stage=done"+period, nil, 400, "环节")
		refused(t, cmt, "GET", "/api/v1/analysis/hotspots?unit=pd-cmt&colour=red"+period, nil, 400, "colour")

		// The pages: the dashboard and a case list, for the committee and the analyst.
		for _, u := range []string{"committee01", "analyst01"} {
			c := e.login(u)
			r := c.get("/analysis?unit=pd-cmt" + period)
			if r.StatusCode != 200 || !strings.Contains(r.body, "被投诉经营者热榜") || !strings.Contains(r.body, `data-achart="intake-spec"`) {
				t.Fatalf("%s /analysis: %d", u, r.StatusCode)
			}
			r = c.get("/analysis/cases?" + url.Values{"unit": {"pd-cmt"}, "from": {from}, "to": {to}}.Encode())
			if r.StatusCode != 200 || !strings.Contains(r.body, "收到的投诉") {
				t.Fatalf("%s /analysis/cases: %d", u, r.StatusCode)
			}
		}
		if r := cmt.get("/analysis?unit=pd-cmt&from=2026-13-01&to=" + to); r.StatusCode != 400 || !strings.Contains(r.body, "不是有效日期") {
			t.Errorf("bad period on the page: %d", r.StatusCode)
		}
	})
}
