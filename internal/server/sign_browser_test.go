package server_test

import (
	"bytes"
	"context"
	"image/png"
	"net/url"
	"regexp"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// A party signs the agreement on a phone: asks for the SMS code, types it,
// draws a signature with the finger (pointer events on the canvas) and
// confirms. The drawn strokes are what the platform keeps.
func TestBrowserPartySignsOnPhone(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		m, id := mediatingCase(t, e)
		if r := m.form("POST", "/cases/"+itoa(id)+"/agreement/oral", url.Values{"kind": {"written"}, "facts": {"健身房闭店，双方就退款金额发生争议。"},
			"responsibility": {"经营者承担退款责任"}, "party_0": {"merchant"}, "content_0": {"退还预付卡余额"}, "amount_0": {"1800"},
			"manner_0": {"银行转账"}, "deadline_0": {time.Now().AddDate(0, 0, 10).Format("2006-01-02")}}); r.StatusCode != 303 {
			t.Fatalf("written agreement: %d", r.StatusCode)
		}
		es, _ := e.texts(ctx, 5)
		var link string
		for _, x := range es {
			if l := regexp.MustCompile(`/sign/[A-Za-z0-9_-]+`).FindString(x.Body); l != "" && x.CaseID == id {
				link = l
			}
		}
		if link == "" {
			t.Fatal("no signing link sent")
		}
		b := browser(t, 390, 844)
		if err := chromedp.Do(b, chromedp.Navigate(e.ts.URL+link), chromedp.WaitVisible(`#sign-code`), chromedp.Click(`#sign-code`),
			chromedp.WaitVisible(`#code-sent`)); err != nil {
			t.Fatal(err)
		}
		es = lastPartySMS(t, e)
		code := regexp.MustCompile(`验证码为(\d{6})`).FindStringSubmatch(es[0].Body)
		if code == nil {
			t.Fatalf("no code: %s", es[0].Body)
		}

		if err := chromedp.Do(b, chromedp.SendKeys(`#code`, code[1]),
			chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
				_, err := chromedp.Evaluate[bool](drawSignature)(ctx, tg)
				return err
			}), shot("20-sign-phone"), chromedp.Click(`#sign-submit`), chromedp.WaitVisible(`#signed`)); err != nil {
			t.Fatal(err)
		}
		overflow, err := chromedp.Run(b, chromedp.Evaluate[bool](`document.documentElement.scrollWidth > window.innerWidth + 1`))
		if err != nil || overflow {
			t.Fatal("signing page scrolls sideways on a phone")
		}
		sg, _ := e.db.ListSignatures(ctx, id)
		if len(sg) != 1 || sg[0].Method != "sms_code" {
			t.Fatalf("signatures: %+v", sg)
		}
		img, err := png.Decode(bytes.NewReader(sg[0].Image))
		if err != nil {
			t.Fatalf("stored signature is not a PNG: %v", err)
		}
		inked := 0
		for y := img.Bounds().Min.Y; y < img.Bounds().Max.Y; y += 2 {
			for x := img.Bounds().Min.X; x < img.Bounds().Max.X; x += 2 {
				if _, _, _, a := img.At(x, y).RGBA(); a > 0x8000 {
					inked++
				}
			}
		}
		if inked < 50 {
			t.Fatalf("the drawn strokes were not kept: %d inked samples", inked)
		}
	})
}

// drawSignature draws a stroke across the signing canvas with mouse events,
// as a finger would.
const drawSignature = `(() => {
  const c = document.getElementById("sig"), r = c.getBoundingClientRect();
  const at = (type, fx, fy) => c.dispatchEvent(new MouseEvent(type, {bubbles: true, clientX: r.left + r.width*fx, clientY: r.top + r.height*fy}));
  at("mousedown", 0.1, 0.5);
  for (let i = 1; i <= 20; i++) at("mousemove", 0.1 + i*0.04, 0.5 + 0.3*Math.sin(i/3));
  window.dispatchEvent(new MouseEvent("mouseup"));
  return true;
})()`
