package server_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/chromedp"

	"github.com/tiaojie/tiaojie/internal/server"
)

// chartSpecs are one chart of each kind in the spec static/js/charts.js
// reads. Some points have no link (null): clicking them stays on the page.
var chartSpecs = []struct{ id, json string }{
	{"trend", `{"kind":"line","title":"月度受理与办结","unit":"件",
  "categories":["1月","2月","3月","4月","5月","6月","7月","8月","9月","10月","11月","12月"],
  "series":[{"name":"受理","data":[41,38,52,47,55,61,58,49,53,60,57,64],
    "links":["/cases?c=trend&s=0&i=0","/cases?c=trend&s=0&i=1","/cases?c=trend&s=0&i=2","/cases?c=trend&s=0&i=3","/cases?c=trend&s=0&i=4","/cases?c=trend&s=0&i=5","/cases?c=trend&s=0&i=6","/cases?c=trend&s=0&i=7","/cases?c=trend&s=0&i=8","/cases?c=trend&s=0&i=9","/cases?c=trend&s=0&i=10","/cases?c=trend&s=0&i=11"]},
   {"name":"办结","data":[30,35,44,40,50,52,55,47,51,49,56,null],
    "links":["/cases?c=trend&s=1&i=0","/cases?c=trend&s=1&i=1","/cases?c=trend&s=1&i=2","/cases?c=trend&s=1&i=3","/cases?c=trend&s=1&i=4","/cases?c=trend&s=1&i=5","/cases?c=trend&s=1&i=6","/cases?c=trend&s=1&i=7","/cases?c=trend&s=1&i=8","/cases?c=trend&s=1&i=9","/cases?c=trend&s=1&i=10",null]}]}`},
	{"scores", `{"kind":"bar","title":"调解员按时办结率与调解成功率","unit":"%",
  "categories":["王芳","李强","张敏","刘洋","陈静","杨帆"],
  "series":[{"name":"按时办结率","data":[92.5,87.5,78.0,95.0,66.5,81.0],
    "links":["/cases?c=scores&s=0&i=0","/cases?c=scores&s=0&i=1","/cases?c=scores&s=0&i=2","/cases?c=scores&s=0&i=3",null,"/cases?c=scores&s=0&i=5"]},
   {"name":"调解成功率","data":[88.0,91.0,84.5,79.0,90.5,86.0],
    "links":["/cases?c=scores&s=1&i=0","/cases?c=scores&s=1&i=1","/cases?c=scores&s=1&i=2","/cases?c=scores&s=1&i=3","/cases?c=scores&s=1&i=4","/cases?c=scores&s=1&i=5"]}]}`},
	{"radar", `{"kind":"radar","title":"王芳与第一调解室平均","unit":"%",
  "indicators":[{"name":"按时受理率","max":100},{"name":"按时办结率","max":100},{"name":"调解成功率","max":100},{"name":"协议履行率","max":100},
    {"name":"回访率","max":100},{"name":"回访满意率","max":100},{"name":"卷宗合格率","max":100},{"name":"录入及时率","max":100}],
  "series":[{"name":"王芳","data":[98,92.5,88,95,60,97,90,99],
    "links":["/cases?c=radar&s=0&i=0","/cases?c=radar&s=0&i=1","/cases?c=radar&s=0&i=2","/cases?c=radar&s=0&i=3","/cases?c=radar&s=0&i=4","/cases?c=radar&s=0&i=5","/cases?c=radar&s=0&i=6","/cases?c=radar&s=0&i=7"]},
   {"name":"第一调解室平均","data":[90,84,82,85,88,90,70,92],
    "links":["/cases?c=radar&s=1&i=0","/cases?c=radar&s=1&i=1","/cases?c=radar&s=1&i=2","/cases?c=radar&s=1&i=3","/cases?c=radar&s=1&i=4","/cases?c=radar&s=1&i=5","/cases?c=radar&s=1&i=6","/cases?c=radar&s=1&i=7"]}]}`},
	{"funnel", `{"kind":"funnel","title":"受理→调解→协议→履行→回访","unit":"件",
  "series":[{"name":"案件","names":["受理","调解","协议","履行","回访"],"data":[120,96,84,70,52],
    "links":["/cases?c=funnel&i=0","/cases?c=funnel&i=1","/cases?c=funnel&i=2","/cases?c=funnel&i=3","/cases?c=funnel&i=4"]}]}`},
	{"outcomes", `{"kind":"pie","title":"办结结果","unit":"件",
  "series":[{"name":"结果","names":["达成协议","未达成协议","撤回","不予受理"],"data":[84,9,5,2],
    "links":["/cases?c=outcomes&i=0","/cases?c=outcomes&i=1","/cases?c=outcomes&i=2","/cases?c=outcomes&i=3"]}]}`},
}

// chartsPage is a page laid out as the evaluation pages are: charts in
// cards, the spec beside each, both scripts deferred, nothing inline.
func chartsPage() string {
	var b strings.Builder
	b.WriteString(`<!doctype html><html lang="zh-CN"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>图表</title>
<link rel="stylesheet" href="/static/css/app.css">
<script src="/static/vendor/echarts/echarts.min.js" defer></script>
<script src="/static/js/charts.js" defer></script></head><body><main><h1>绩效评估</h1>`)
	for _, c := range chartSpecs {
		fmt.Fprintf(&b, `<section class="card"><h2>%s</h2><div class="chart" data-chart="%s"></div>
<script type="application/json" id="%[2]s">%s</script></section>`, c.id, c.id, c.json)
	}
	b.WriteString(`<section class="card"><h2>broken</h2><div class="chart" data-chart="broken"></div>
<script type="application/json" id="broken">{"kind":"line",</script></section></main></body></html>`)
	return b.String()
}

// chartsServer serves the test page and a stand-in case list through the
// real static handler and the real security headers.
func chartsServer(t *testing.T) *httptest.Server {
	mux := http.NewServeMux()
	mux.Handle("/static/", server.StaticHandler())
	mux.HandleFunc("GET /charts", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Write([]byte(chartsPage()))
	})
	mux.HandleFunc("GET /cases", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Write([]byte(`<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>案件</title></head><body><h1>案件</h1></body></html>`))
	})
	ts := httptest.NewServer(server.SecurityHeaders(mux))
	t.Cleanup(ts.Close)
	return ts
}

// chartState is what the test reads of one rendered chart.
type chartState struct {
	ID    string   `json:"id"`
	SVGs  int      `json:"svgs"`
	Role  string   `json:"role"`
	Label string   `json:"label"`
	Div   float64  `json:"div"`
	SVG   float64  `json:"svg"`
	Right float64  `json:"right"`
	Text  string   `json:"text"`
	Cut   []string `json:"cut"` // labels drawn past the chart's edge
}

const readCharts = `[...document.querySelectorAll(".chart")].map(el => {
  const svg = el.querySelector("svg"), r = el.getBoundingClientRect();
  return {id: el.dataset.chart, svgs: el.querySelectorAll("svg").length, role: el.getAttribute("role") || "",
    label: el.getAttribute("aria-label") || "", div: r.width, svg: svg ? svg.getBoundingClientRect().width : 0,
    right: r.right, text: el.textContent,
    cut: [...el.querySelectorAll("svg text")].filter(tx => { const b = tx.getBoundingClientRect();
      return b.width > 0 && (b.left < r.left - 1 || b.right > r.right + 1 || b.top < r.top - 1 || b.bottom > r.bottom + 1); }).map(tx => tx.textContent)};
})`

// pointOf scrolls chart id into view and answers the viewport point of its
// series s, item i, where ECharts laid it out: the middle of a bar, funnel
// band or pie sector, a line point, a radar vertex.
func pointOf(t *testing.T, ctx context.Context, id string, s, i int) (x, y float64) {
	t.Helper()
	pt, err := chromedp.Run(ctx, chromedp.Evaluate[[]float64](fmt.Sprintf(`(() => {
  const el = document.querySelector('.chart[data-chart="%s"]'), s = %d, i = %d;
  el.scrollIntoView({block: "center"});
  const c = echarts.getInstanceByDom(el), r = el.getBoundingClientRect();
  const kind = c.getOption().series[0].type;
  const data = c.getModel().getSeriesByIndex(kind === "radar" ? 0 : s).getData();
  let p;
  if (kind === "bar") { const l = data.getItemLayout(i); p = [l.x + l.width / 2, l.y + l.height / 2]; }
  else if (kind === "line") { const q = data.getLayout("points"); p = [q[2 * i], q[2 * i + 1]]; }
  else if (kind === "radar") { p = data.getItemLayout(s)[i]; }
  else if (kind === "funnel") { const q = data.getItemLayout(i).points; p = [(q[0][0] + q[1][0] + q[2][0] + q[3][0]) / 4, (q[0][1] + q[2][1]) / 2]; }
  else { const l = data.getItemLayout(i), a = (l.startAngle + l.endAngle) / 2, m = (l.r0 + l.r) / 2; p = [l.cx + m * Math.cos(a), l.cy + m * Math.sin(a)]; }
  return [r.left + p[0], r.top + p[1]];
})()`, id, s, i)))
	if err != nil {
		t.Fatalf("locate %s series %d item %d: %v", id, s, i, err)
	}
	return pt[0], pt[1]
}

// TestBrowserChartsOnPhone opens a page with one chart of each kind on a
// 390 × 844 touch phone under the server's CSP: every chart is an SVG as
// wide as its card with the title as its label, nothing violates the policy
// (tooltips shown), the page does not scroll sideways, charts follow the
// window's width, and clicking or tapping a point, bar or segment opens the
// case list of its link (and one without a link stays put).
func TestBrowserChartsOnPhone(t *testing.T) {
	ts := chartsServer(t)
	p := newPhone(t)
	// No animation (charts.js honours the setting): clicks land on final shapes.
	if err := chromedp.Do(p.ctx, chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		_, err := cdp.Call(ctx, tg, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{
			Features: []*emulation.MediaFeature{{Name: "prefers-reduced-motion", Value: "reduce"}}})
		return err
	})); err != nil {
		t.Fatal(err)
	}
	open := func() {
		t.Helper()
		p.check(t, ts.URL, "charts", "/charts") // CSP, width
		if _, err := chromedp.Run(p.ctx, chromedp.Poll[bool](`document.querySelectorAll(".chart svg").length === 5`)); err != nil {
			t.Fatalf("charts not drawn: %v", err)
		}
	}
	open()

	states, err := chromedp.Run(p.ctx, chromedp.Evaluate[[]chartState](readCharts))
	if err != nil {
		t.Fatal(err)
	}
	if len(states) != len(chartSpecs)+1 {
		t.Fatalf("%d charts on the page", len(states))
	}
	for i, st := range states[:len(chartSpecs)] {
		if st.SVGs != 1 {
			t.Errorf("%s: %d <svg> elements, want 1", st.ID, st.SVGs)
		}
		if want := titleOf(t, chartSpecs[i].json); st.Role != "img" || st.Label != want {
			t.Errorf("%s: role %q label %q, want img %q", st.ID, st.Role, st.Label, want)
		}
		if st.Div < 300 || st.Right > phoneW || st.SVG < st.Div-1 || st.SVG > st.Div+1 {
			t.Errorf("%s: chart %.0f px wide ending at %.0f, svg %.0f px, on a %d px phone", st.ID, st.Div, st.Right, st.SVG, phoneW)
		}
		if len(st.Cut) > 0 {
			t.Errorf("%s: labels cut off at the chart's edge: %q", st.ID, st.Cut)
		}
	}
	if b := states[len(chartSpecs)]; b.SVGs != 0 || !strings.Contains(b.Text, "图表无法显示") {
		t.Errorf("a chart with a broken spec shows %q with %d svg", b.Text, b.SVGs)
	}

	// Tooltips, drawn inside the SVG: hovering a bar shows its value without
	// breaking the policy (HTML tooltips carry inline styles).
	x, y := pointOf(t, p.ctx, "scores", 0, 1)
	if err := chromedp.Do(p.ctx, chromedp.MouseEvent(input.DispatchMouseEventTypeMouseMoved, x, y)); err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.Run(p.ctx, chromedp.Poll[bool](`document.querySelector('.chart[data-chart="scores"]').textContent.includes("87.5%")`)); err != nil {
		t.Errorf("no tooltip with the bar's value 87.5%% after hovering it: %v", err)
	}
	if err := chromedp.Do(p.ctx, shot("charts-tooltip")); err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{"trend", "radar", "funnel", "outcomes"} {
		x, y := pointOf(t, p.ctx, id, 0, 2)
		if err := chromedp.Do(p.ctx, chromedp.MouseEvent(input.DispatchMouseEventTypeMouseMoved, x, y), chromedp.Sleep(100*time.Millisecond)); err != nil {
			t.Fatal(err)
		}
	}
	f, err := chromedp.Run(p.ctx, chromedp.Evaluate[fit](measure))
	if err != nil {
		t.Fatal(err)
	}
	if logged := p.takeLog(); len(f.CSP) > 0 || len(logged) > 0 {
		t.Errorf("tooltips violate the content-security-policy: %q %q", f.CSP, logged)
	}
	if f.ScrollWidth > phoneW {
		t.Errorf("with tooltips shown the page is %d px wide; sticking out: %q", f.ScrollWidth, f.Wide)
	}

	// Charts follow the window: wider, then back to the phone.
	for _, w := range []int64{800, phoneW} {
		if err := chromedp.Do(p.ctx, chromedp.EmulateViewport(w, phoneH, chromedp.EmulatePortrait, chromedp.EmulateMobile, chromedp.EmulateTouch)); err != nil {
			t.Fatal(err)
		}
		if _, err := chromedp.Run(p.ctx, chromedp.Poll[bool](`[...document.querySelectorAll(".chart")].slice(0, 5).every(el =>
  Math.abs(el.querySelector("svg").getBoundingClientRect().width - el.getBoundingClientRect().width) < 1.5) && document.documentElement.scrollWidth <= window.innerWidth`,
			chromedp.WithPollingTimeout(5*time.Second))); err != nil {
			t.Errorf("at %d px the charts did not follow the window's width: %v", w, err)
		}
	}

	// Clicks open the link of what was clicked.
	clicks := []struct {
		id   string
		s, i int
		want string // "" stays on the page
	}{
		{"scores", 0, 2, "/cases?c=scores&s=0&i=2"},
		{"scores", 1, 4, "/cases?c=scores&s=1&i=4"},
		{"scores", 0, 4, ""}, // no link
		{"funnel", 0, 3, "/cases?c=funnel&i=3"},
		{"funnel", 0, 0, "/cases?c=funnel&i=0"},
		{"trend", 1, 5, "/cases?c=trend&s=1&i=5"},
		{"radar", 0, 4, "/cases?c=radar&s=0&i=4"},
		{"radar", 1, 6, "/cases?c=radar&s=1&i=6"},
		{"outcomes", 0, 0, "/cases?c=outcomes&i=0"},
	}
	for _, c := range clicks {
		x, y := pointOf(t, p.ctx, c.id, c.s, c.i)
		if err := chromedp.Do(p.ctx, chromedp.MouseEvent(input.DispatchMouseEventTypeMouseMoved, x, y), chromedp.MouseClickXY(x, y)); err != nil {
			t.Fatal(err)
		}
		landed(t, p.ctx, fmt.Sprintf("click %s series %d item %d", c.id, c.s, c.i), c.want)
		if c.want != "" {
			open()
		}
	}

	// A finger's tap on a funnel band does the same.
	x, y = pointOf(t, p.ctx, "funnel", 0, 2)
	tap := func(typ input.DispatchTouchEventType) chromedp.Action[chromedp.Void] {
		return chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
			pts := []*input.TouchPoint{}
			if typ != input.DispatchTouchEventTypeTouchEnd {
				pts = append(pts, &input.TouchPoint{X: x, Y: y})
			}
			_, err := cdp.Call(ctx, tg, input.DispatchTouchEvent, input.DispatchTouchEventParams{Type: typ, TouchPoints: pts})
			return err
		})
	}
	if err := chromedp.Do(p.ctx, tap(input.DispatchTouchEventTypeTouchStart), tap(input.DispatchTouchEventTypeTouchEnd)); err != nil {
		t.Fatal(err)
	}
	landed(t, p.ctx, "tap funnel item 2", "/cases?c=funnel&i=2")
}

// landed checks where the browser is after a click: on want, or (want "")
// still on the charts page.
func landed(t *testing.T, ctx context.Context, what, want string) {
	t.Helper()
	var at string
	for deadline := time.Now().Add(5 * time.Second); ; {
		time.Sleep(100 * time.Millisecond)
		// Mid-navigation the evaluation may fail; the next round reads the new page.
		if s, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.readyState === "complete" ? location.pathname + location.search : ""`)); err == nil && s != "" {
			at = s
		}
		if want == "" && time.Now().After(deadline.Add(-4500*time.Millisecond)) || at == want || time.Now().After(deadline) {
			break
		}
	}
	if want == "" && at != "/charts" {
		t.Errorf("%s: went to %s; a point without a link opens nothing", what, at)
	} else if want != "" && at != want {
		t.Errorf("%s: at %s, want %s", what, at, want)
	}
}

// titleOf reads the "title" of a chart spec.
func titleOf(t *testing.T, spec string) string {
	var s struct{ Title string }
	if err := json.Unmarshal([]byte(spec), &s); err != nil {
		t.Fatalf("chart spec: %v", err)
	}
	return s.Title
}
