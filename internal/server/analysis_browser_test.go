package server_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/chromedp"
)

// achartPoint scrolls an analysis chart into view and answers the viewport
// point of its item i (series 0): a bar's middle, a funnel band's middle.
func achartPoint(t *testing.T, ctx context.Context, id string, i int) (x, y float64) {
	t.Helper()
	pt, err := chromedp.Run(ctx, chromedp.Evaluate[[]float64](fmt.Sprintf(`(() => {
  const el = document.querySelector('.achart[data-achart="%s"]'), i = %d;
  el.scrollIntoView({block: "center"});
  const c = echarts.getInstanceByDom(el), r = el.getBoundingClientRect();
  const kind = c.getOption().series[0].type;
  const data = c.getModel().getSeriesByIndex(0).getData();
  let p;
  if (kind === "bar") { const l = data.getItemLayout(i); p = [l.x + l.width / 2, l.y + l.height / 2]; }
  else { const q = data.getItemLayout(i).points; p = [(q[0][0] + q[1][0] + q[2][0] + q[3][0]) / 4, (q[0][1] + q[2][1]) / 2]; }
  return [r.left + p[0], r.top + p[1]];
})()`, id, i)))
	if err != nil {
		t.Fatalf("locate %s item %d: %v", id, i, err)
	}
	return pt[0], pt[1]
}

// The committee opens 分析研判 on a 390 px phone: every chart is drawn as an
// SVG as wide as its card, nothing breaks the content-security policy, the
// page does not scroll sideways; tapping the top merchant's bar and the
// funnel's 协议 band opens the cases behind each, as many as the figure.
func TestBrowserAnalysisOnPhone(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *env) {
		p := newPhone(t)
		if err := chromedp.Do(p.ctx, chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
			_, err := cdp.Call(ctx, tg, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{
				Features: []*emulation.MediaFeature{{Name: "prefers-reduced-motion", Value: "reduce"}}})
			return err
		})); err != nil {
			t.Fatal(err)
		}
		p.signIn(t, e.ts.URL, "committee01")
		path := "/analysis?unit=pd-cmt&from=" + day(-365) + "&to=" + day(0)
		open := func() {
			t.Helper()
			p.check(t, e.ts.URL, "committee01", path)
			if _, err := chromedp.Run(p.ctx, chromedp.Poll[bool](`[...document.querySelectorAll(".achart")].every(el => el.querySelector("svg"))`)); err != nil {
				t.Fatalf("charts not drawn: %v", err)
			}
		}
		open()
		type drawn struct {
			ID    string  `json:"id"`
			SVG   float64 `json:"svg"`
			Div   float64 `json:"div"`
			Right float64 `json:"right"`
			Label string  `json:"label"`
		}
		charts, err := chromedp.Run(p.ctx, chromedp.Evaluate[[]drawn](`[...document.querySelectorAll(".achart")].map(el => {
  const s = el.querySelector("svg"), r = el.getBoundingClientRect();
  return {id: el.dataset.achart, svg: s ? s.getBoundingClientRect().width : 0, div: r.width, right: r.right, label: el.getAttribute("aria-label") || ""};
})`))
		if err != nil {
			t.Fatal(err)
		}
		ids := map[string]bool{}
		for _, c := range charts {
			ids[c.ID] = true
			if c.Div < 250 || c.Right > phoneW || c.SVG < c.Div-1 || c.SVG > c.Div+1 || c.Label == "" {
				t.Errorf("%s: chart %.0f px wide ending at %.0f, svg %.0f px, label %q", c.ID, c.Div, c.Right, c.SVG, c.Label)
			}
		}
		for _, id := range []string{"intake-spec", "category-spec", "merchant-spec", "street-spec", "funnel-spec", "amount-spec"} {
			if !ids[id] {
				t.Errorf("chart %s missing: %v", id, ids)
			}
		}

		tap := func(id string, i int, figure string) {
			t.Helper()
			x, y := achartPoint(t, p.ctx, id, i)
			if err := chromedp.Do(p.ctx, chromedp.MouseEvent(input.DispatchMouseEventTypeMouseMoved, x, y), chromedp.MouseClickXY(x, y)); err != nil {
				t.Fatal(err)
			}
			got := ""
			for deadline := time.Now().Add(10 * time.Second); got == "" && time.Now().Before(deadline); {
				time.Sleep(100 * time.Millisecond)
				// Mid-navigation the evaluation may fail; the next round reads the new page.
				s, err := chromedp.Run(p.ctx, chromedp.Evaluate[string](`document.readyState === "complete" && location.pathname === "/analysis/cases" && document.querySelector("#case-total") ? document.querySelector("#case-total").textContent : ""`))
				if err == nil {
					got = strings.TrimSpace(s)
				}
			}
			if got != figure {
				t.Errorf("%s item %d: the chart shows %s, the list has %s cases", id, i, figure, got)
			}
			if logged := p.takeLog(); len(logged) > 0 {
				t.Errorf("content-security-policy violations: %q", logged)
			}
		}
		top, err := chromedp.Run(p.ctx, chromedp.Evaluate[string](`JSON.parse(document.getElementById("merchant-spec").textContent).series[0].data[0].toString()`))
		if err != nil {
			t.Fatal(err)
		}
		tap("merchant-spec", 0, top)
		open()
		agreed, err := chromedp.Run(p.ctx, chromedp.Evaluate[string](`JSON.parse(document.getElementById("funnel-spec").textContent).series[0].data[3].toString()`))
		if err != nil {
			t.Fatal(err)
		}
		tap("funnel-spec", 3, agreed)
		// The tooltip, drawn inside the SVG, holds without a policy violation.
		open()
		x, y := achartPoint(t, p.ctx, "street-spec", 0)
		if err := chromedp.Do(p.ctx, chromedp.MouseEvent(input.DispatchMouseEventTypeMouseMoved, x, y)); err != nil {
			t.Fatal(err)
		}
		if logged := p.takeLog(); len(logged) > 0 {
			t.Errorf("content-security-policy violations after hovering: %q", logged)
		}
	})
}
