package server_test

import (
	"context"
	"net/url"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/tiaojie/tiaojie/internal/demo"
)

// The court liaison signs in, finds the joint application in the court's
// queue and records the ruling; the mediator's case page then shows it.
func TestBrowserCourtLiaison(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *env) {
		m, id := effectiveWrittenAgreement(t, e)
		if r := m.form("POST", "/cases/"+itoa(id)+"/judicial", url.Values{"court": {itoa(orgID(t, e, demo.CodeCourt))}, "joint": {"yes"}}); r.StatusCode != 303 {
			t.Fatalf("apply: %d", r.StatusCode)
		}
		c, _ := e.db.GetCase(context.Background(), id)
		b := browser(t, 1280, 900)
		card := `#j` + itoa(id)
		if err := chromedp.Do(b,
			chromedp.Navigate(e.ts.URL+"/login"),
			chromedp.WaitVisible(`#username`),
			chromedp.SendKeys(`#username`, "court01"),
			chromedp.SendKeys(`#password`, password),
			chromedp.Submit(`#password`),
			chromedp.WaitVisible(`header.top nav`),
			chromedp.Click(`a[href="/court"]`),
			chromedp.WaitVisible(card),
		); err != nil {
			t.Fatal(err)
		}
		if got := text(t, b, card); !strings.Contains(got, c.Number) || !strings.Contains(got, "已提交") {
			t.Fatalf("queue card: %q", got)
		}
		if err := chromedp.Do(b,
			chromedp.SetValue(card+` select[name=decision]`, "confirmed"),
			chromedp.SendKeys(card+` input[name=ruling]`, "（2026）沪0115民特456号"),
			chromedp.Click(card+` button[type=submit]`),
			chromedp.WaitVisible(`#ruling-`+itoa(id)),
			shot("40-court-confirmed"),
		); err != nil {
			t.Fatal(err)
		}
		if got := text(t, b, card); !strings.Contains(got, "已裁定确认") || !strings.Contains(got, "（2026）沪0115民特456号") {
			t.Fatalf("after the ruling: %q", got)
		}
		if page := m.get("/cases/" + itoa(id)); !strings.Contains(page.body, "（2026）沪0115民特456号") {
			t.Fatal("the ruling is not on the case page")
		}
	})
}
