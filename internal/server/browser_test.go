package server_test

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	browser_ "github.com/chromedp/cdproto/browser"
	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/chromedp"
)

// browser opens a window of width × height in headless Chromium, in a
// browser context of its own (cookies, storage, cache), closed when the test
// ends. Under CI a missing browser fails the run.
func browser(t *testing.T, width, height int) context.Context {
	t.Helper()
	return browserFor(t, width, height, 120*time.Second)
}

// browserFor is browser with the ceiling of a longer journey (every page of
// every role), still not a speed check.
func browserFor(t *testing.T, width, height int, ceiling time.Duration) context.Context {
	t.Helper()
	root, err := chrome.start()
	if errors.Is(err, exec.ErrNotFound) {
		if os.Getenv("CI") != "" {
			t.Fatal("chromium not installed: CI must run the browser tests")
		}
		t.Skip("chromium not installed")
	}
	if err != nil {
		t.Fatalf("start chromium: %v", err)
	}
	ctx, cancel := chromedp.NewContext(root, chromedp.WithNewBrowserContext())
	t.Cleanup(cancel)
	// The tab opens in a window of its own; size that window as the
	// browser's --window-size would.
	err = chromedp.Do(ctx, chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		c := chromedp.FromContext(ctx)
		w, err := cdp.Call(ctx, c.Browser, browser_.GetWindowForTarget, browser_.GetWindowForTargetParams{TargetID: c.Target.TargetID})
		if err != nil {
			return err
		}
		_, err = cdp.Call(ctx, c.Browser, browser_.SetWindowBounds, browser_.SetWindowBoundsParams{WindowID: w.WindowID,
			Bounds: &browser_.Bounds{Width: int64(width), Height: int64(height), WindowState: browser_.WindowStateNormal}})
		return err
	}))
	if err != nil {
		t.Fatalf("open a browser window: %v", err)
	}
	if w, err := chromedp.Run(ctx, chromedp.Evaluate[int](`window.innerWidth`)); err != nil || w != width {
		t.Fatalf("the window is %d px wide, not %d (%v)", w, width, err)
	}
	ctx, cancel2 := context.WithTimeout(ctx, ceiling) // a ceiling for the journey, not a speed check
	t.Cleanup(cancel2)
	return ctx
}

// chrome is the one Chromium process of the package's tests, started by the
// first test that needs it and stopped by TestMain: a launch costs about
// three CPU-seconds, a browser context in a running browser about half a
// second (with the omnibox popup off, below).
var chrome sharedChrome

type sharedChrome struct {
	once sync.Once
	ctx  context.Context // the browser's first tab; its cancellation stops the browser
	stop func()
	err  error
}

func (c *sharedChrome) start() (context.Context, error) {
	c.once.Do(func() {
		path, err := exec.LookPath("chromium")
		if err != nil {
			c.err = err
			return
		}
		dir, err := os.MkdirTemp("", "tiaojie-chromium-")
		if err != nil {
			c.err = err
			return
		}
		opts := append(chromedp.DefaultExecAllocatorOptions[:],
			chromedp.ExecPath(path), chromedp.NoSandbox, chromedp.DisableGPU,
			chromedp.Flag("disable-background-networking", true), chromedp.Flag("disable-component-update", true),
			chromedp.Flag("disable-sync", true), chromedp.Flag("disable-quic", true),
			// Chromium's defaults plus: the omnibox popup's WebUI, which
			// every new window (a browser context per test) preloads in a
			// renderer of its own (about 1.6 CPU-s a window, headless or
			// not); and the features that give each navigation a fresh
			// renderer document (back-forward cache, a swapped browsing
			// instance): no test goes back.
			chromedp.Flag("disable-features", "Translate,BlinkGenPropertyTrees,WebUIOmniboxPopup,WebUIOmniboxAimPopup,"+
				"BackForwardCache,ProactivelySwapBrowsingInstance,RenderDocument"),
			chromedp.UserDataDir(dir))
		actx, cancelA := chromedp.NewExecAllocator(context.Background(), opts...)
		ctx, cancelB := chromedp.NewContext(actx)
		c.ctx, c.stop = ctx, func() { cancelB(); cancelA(); os.RemoveAll(dir) }
		c.err = chromedp.Do(ctx) // launches the browser
	})
	return c.ctx, c.err
}

// close stops the browser if a test started it.
func (c *sharedChrome) close() {
	c.once.Do(func() {}) // no start after this
	if c.stop != nil {
		c.stop()
	}
}

// shot saves a screenshot when TIAOJIE_SCREENSHOTS names a directory.
func shot(name string) chromedp.Action[chromedp.Void] {
	return func(ctx context.Context, t *chromedp.Target) (chromedp.Void, error) {
		dir := os.Getenv("TIAOJIE_SCREENSHOTS")
		if dir == "" {
			return chromedp.Void{}, nil
		}
		buf, err := chromedp.FullScreenshot(100)(ctx, t)
		if err != nil {
			return chromedp.Void{}, err
		}
		return chromedp.Void{}, os.WriteFile(filepath.Join(dir, name+".png"), buf, 0o644)
	}
}

// text reads the visible text of the first element matching sel.
func text(t *testing.T, ctx context.Context, sel string) string {
	t.Helper()
	s, err := chromedp.Run(ctx, chromedp.Text(sel))
	if err != nil {
		t.Fatalf("read %s: %v", sel, err)
	}
	return s
}

// A mediator signs in on a phone-width screen, registers a walk-in
// complaint and accepts it.
func TestBrowserRegisterAndAccept(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *env) {
		ctx := browser(t, 390, 844)
		err := chromedp.Do(ctx,
			chromedp.Navigate(e.ts.URL+"/"),
			chromedp.WaitVisible(`#username`),
			shot("01-login"),
			chromedp.SendKeys(`#username`, "mediator01"),
			chromedp.SendKeys(`#password`, password),
			chromedp.Submit(`#password`),
			chromedp.WaitVisible(`header.top .menu`),
			shot("02-desk"),
			chromedp.Click(`#menu > summary`), // the staff menu is folded on a phone
			chromedp.Click(`a[href="/cases/new"]`),
			chromedp.WaitVisible(`#complainant_name`),
			chromedp.SendKeys(`#complainant_name`, "韩梅梅"),
			chromedp.SendKeys(`#phone`, "138 1234 5678"),
			chromedp.SendKeys(`#merchant_name`, "上海某某教育培训有限公司"),
			chromedp.SendKeys(`#merchant_address`, "浦东新区陆家嘴街道银城中路8号"),
			chromedp.SetValue(`#category`, "服务-教育培训"),
			chromedp.SendKeys(`#claim_amount`, "12,800.50"),
			chromedp.SendKeys(`#description`, "培训机构停课后拒绝退还剩余课时费，多次沟通无果。"),
			chromedp.SendKeys(`#claim`, "退还剩余课时费"),
			shot("03-register"),
			chromedp.Submit(`#description`),
			chromedp.WaitVisible(`#accept`),
			shot("04-case"),
		)
		if err != nil {
			t.Fatal(err)
		}
		h1 := text(t, ctx, "h1")
		if !strings.Contains(h1, "浦消调字第") || !strings.Contains(h1, "待受理") {
			t.Fatalf("case number/status not shown: %q", h1)
		}
		page := text(t, ctx, "body")
		if strings.Contains(page, "13812345678") || !strings.Contains(page, "138****5678") {
			t.Fatal("phone number not masked on the case page")
		}
		if !strings.Contains(page, "12,800.50") || !strings.Contains(page, "受理决定") {
			t.Fatalf("claim amount or acceptance deadline missing: %q", page)
		}
		if err := chromedp.Do(ctx, chromedp.Click(`#accept`), chromedp.WaitVisible(`h1 .badge.accepted`), shot("05-accepted")); err != nil {
			t.Fatal(err)
		}
		if s := text(t, ctx, "h1 .badge"); s != "已受理" {
			t.Fatalf("status after accept: %q", s)
		}
		if tl := text(t, ctx, "ol.timeline"); !strings.Contains(tl, "登记") || !strings.Contains(tl, "受理") {
			t.Fatalf("timeline: %q", tl)
		}
		if dl := text(t, ctx, "body"); !strings.Contains(dl, "调解期限") {
			t.Fatal("mediation deadline not shown after acceptance")
		}
		overflow, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.documentElement.scrollWidth > window.innerWidth + 1`))
		if err != nil || overflow {
			t.Fatalf("the case page scrolls sideways on a phone-width screen (%v)", err)
		}
	})
}
