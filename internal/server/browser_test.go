package server_test

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// browser starts headless Chromium. Under CI a missing browser fails the run.
func browser(t *testing.T, width, height int) context.Context {
	t.Helper()
	return browserFor(t, width, height, 120*time.Second)
}

// browserFor is browser with the ceiling of a longer journey (every page of
// every role), still not a speed check.
func browserFor(t *testing.T, width, height int, ceiling time.Duration) context.Context {
	t.Helper()
	path, err := exec.LookPath("chromium")
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("chromium not installed: CI must run the browser tests")
		}
		t.Skip("chromium not installed")
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(path), chromedp.NoSandbox, chromedp.DisableGPU,
		chromedp.Flag("disable-background-networking", true), chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true), chromedp.Flag("disable-quic", true),
		chromedp.WindowSize(width, height), chromedp.UserDataDir(t.TempDir()))
	actx, cancel := chromedp.NewExecAllocator(context.Background(), opts...)
	t.Cleanup(cancel)
	ctx, cancel2 := chromedp.NewContext(actx)
	t.Cleanup(cancel2)
	ctx, cancel3 := context.WithTimeout(ctx, ceiling) // a ceiling for the journey, not a speed check
	t.Cleanup(cancel3)
	return ctx
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
