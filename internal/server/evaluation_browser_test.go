package server_test

import (
	"context"
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
)

// evalBrowser signs a fresh desktop browser in as user.
func evalBrowser(t *testing.T, e *env, user string) context.Context {
	t.Helper()
	b := browser(t, 1280, 900)
	if err := chromedp.Do(b, chromedp.Navigate(e.ts.URL+"/login"), chromedp.WaitVisible(`#username`),
		chromedp.SendKeys(`#username`, user), chromedp.SendKeys(`#password`, password), chromedp.Submit(`#password`),
		chromedp.WaitVisible(`header.top .menu`)); err != nil {
		t.Fatalf("sign in as %s: %v", user, err)
	}
	return b
}

// goTo opens a page and waits for sel; a navigation still under way aborts
// the first try, so it tries again.
func goTo(t *testing.T, b context.Context, url, sel string) {
	t.Helper()
	var err error
	for try := 0; try < 3; try++ {
		if err = chromedp.Do(b, chromedp.Navigate(url), chromedp.WaitVisible(sel)); err == nil || !strings.Contains(err.Error(), "ERR_ABORTED") {
			break
		}
		time.Sleep(200 * time.Millisecond)
	}
	if err != nil {
		t.Fatalf("open %s: %v", url, err)
	}
}

// The committee director opens last month's scores, sees the ranks, clicks a
// mediator's 按时办结率 denominator and numerator to the cases behind them (as
// many as the figure), sees the charts drawn, and exports the table for the
// justice bureau (fetched with the browser's session and read back).
func TestBrowserEvaluationCommittee(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *env) {
		month := busiestMonth(t, e, e.login("committee01"), 0)
		b := evalBrowser(t, e, "committee01")
		pageURL := e.ts.URL + "/evaluation?month=" + month

		// The menu leads to the page.
		goTo(t, b, e.ts.URL+"/cases", `header.top .menu`)
		if n, err := chromedp.Run(b, chromedp.Evaluate[int](`document.querySelectorAll('#menu nav a[href="/evaluation"]').length`)); err != nil || n != 1 {
			t.Fatalf("no 绩效评估 in the menu: %d %v", n, err)
		}

		goTo(t, b, pageURL, `#score-table tbody tr[data-subject]`)
		if err := chromedp.Do(b, shot("evaluation-committee-"+e.db.Dialect())); err != nil {
			t.Fatal(err)
		}
		rank := text(t, b, `#score-table tbody tr[data-subject] td.rank`)
		if _, err := strconv.Atoi(strings.TrimSpace(rank)); err != nil {
			t.Fatalf("the first row has no rank: %q", rank)
		}
		for _, part := range []string{"den", "num"} {
			goTo(t, b, pageURL, `#score-table`)
			sel := `#score-table tbody tr[data-subject] td[data-code="on_time_closure"] a.` + part
			shown := strings.TrimSpace(text(t, b, sel))
			if err := chromedp.Do(b, chromedp.Click(sel), chromedp.WaitVisible(`#case-total`)); err != nil {
				t.Fatalf("click the %s of 按时办结率: %v", part, err)
			}
			if got := strings.TrimSpace(text(t, b, `#case-total`)); got != shown {
				t.Errorf("%s: the list has %s cases, the table shows %s", part, got, shown)
			}
			n, _ := strconv.Atoi(shown)
			rows, err := chromedp.Run(b, chromedp.Evaluate[int](`document.querySelectorAll("#eval-cases tbody td[data-label='案号']").length`))
			if err != nil || rows != min(n, 50) {
				t.Errorf("%s: %d case rows for %d (%v)", part, rows, n, err)
			}
			if head := text(t, b, `#figure-head`); !strings.Contains(head, "按时办结率") {
				t.Errorf("the list's header does not name the figure: %q", head)
			}
		}

		// The charts are drawn (SVG) next to their tables.
		goTo(t, b, pageURL, `#score-table`)
		if err := chromedp.Do(b, waitJS(`document.querySelectorAll("div.chart svg").length >= 2`)); err != nil {
			t.Errorf("charts not drawn: %v", err)
		}

		// Export with the browser's own session.
		exportURL, err := chromedp.Run(b, chromedp.Evaluate[string](`document.querySelector("#export").getAttribute("href")`))
		if err != nil {
			t.Fatal(err)
		}
		cookies, err := chromedp.Run(b, chromedp.Action[[]*network.Cookie](func(ctx context.Context, tg *chromedp.Target) ([]*network.Cookie, error) {
			res, err := cdp.Call(ctx, tg, network.GetCookies, network.GetCookiesParams{})
			return res.Cookies, err
		}))
		if err != nil {
			t.Fatal(err)
		}
		req, _ := http.NewRequest("GET", e.ts.URL+exportURL, nil)
		for _, c := range cookies {
			req.AddCookie(&http.Cookie{Name: c.Name, Value: c.Value})
		}
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		body, _ := io.ReadAll(res.Body)
		if res.StatusCode != 200 {
			t.Fatalf("export: %d", res.StatusCode)
		}
		page := e.login("committee01").get("/evaluation?month=" + month)
		assertScoresWorkbook(t, body, scoreCells(t, page.body, "on_time_closure"))
	})
}

// A mediator opens 我的绩效 from the menu (open on a desk-wide screen) and sees their own figures only;
// asking for the rooms' level is refused with the 403 page.
func TestBrowserEvaluationMediator(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *env) {
		me, err := e.db.GetUserByUsername(context.Background(), "mediator01")
		if err != nil {
			t.Fatal(err)
		}
		month := busiestMonth(t, e, e.login("mediator01"), me.ID)
		b := evalBrowser(t, e, "mediator01")
		goTo(t, b, e.ts.URL+"/cases", `header.top .menu`)
		if err := chromedp.Do(b, waitJS(`!!document.querySelector('#menu nav a[href="/evaluation/me"]')`),
			chromedp.Evaluate[chromedp.Void](`document.querySelector('#menu nav a[href="/evaluation/me"]').click()`),
			chromedp.WaitVisible(`#my-indicators`)); err != nil {
			t.Fatalf("open 我的绩效 from the menu: %v", err)
		}
		goTo(t, b, e.ts.URL+"/evaluation/me?month="+month, `#my-indicators`)
		if h := text(t, b, `h1`); !strings.Contains(h, "我的绩效") || !strings.Contains(h, me.DisplayName) {
			t.Errorf("heading: %q", h)
		}
		if err := chromedp.Do(b, waitJS(`document.querySelectorAll("div.chart svg").length >= 2`)); err != nil {
			t.Errorf("radar and trend not drawn: %v", err)
		}
		goTo(t, b, e.ts.URL+"/evaluation?month="+month, `#score-table`)
		subjects, err := chromedp.Run(b, chromedp.Evaluate[[]string](`[...document.querySelectorAll("#score-table tbody tr[data-subject]")].map(r => r.dataset.subject)`))
		if err != nil || len(subjects) != 1 || subjects[0] != "mediator:"+strconv.FormatInt(me.ID, 10) {
			t.Errorf("a mediator's table shows %q (%v)", subjects, err)
		}
		if tabs := text(t, b, `nav.level-tabs`); strings.Contains(tabs, "工作室") {
			t.Errorf("a mediator is offered the rooms' level: %q", tabs)
		}
		goTo(t, b, e.ts.URL+"/evaluation?level=room&month="+month, `main`)
		if h := text(t, b, `main`); !strings.Contains(h, "调解员只能查看本人的绩效") {
			t.Errorf("rooms' level for a mediator: %q", h)
		}
	})
}
