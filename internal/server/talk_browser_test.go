package server_test

import (
	"context"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// waitJS polls a JavaScript condition until it holds.
func waitJS(expr string) chromedp.Action[chromedp.Void] {
	return chromedp.Poll[chromedp.Void](expr, chromedp.WithPollingInterval(50*time.Millisecond), chromedp.WithPollingTimeout(10*time.Second))
}

// The mediator at a desk and the consumer on a phone mediate live: each
// sees the other's messages appear without reloading, the caucus line
// stays between the two of them, the consumer's photo evidence shows in
// the mediator's conversation, and the consumer accepts the proposed terms.
func TestBrowserOnlineMediation(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *env) {
		m, id, links := onlineCase(t, e)
		cid := itoa(id)

		desk := browser(t, 1280, 900)
		if err := chromedp.Do(desk,
			chromedp.Navigate(e.ts.URL+"/login?next=/cases/"+cid+"/talk"),
			chromedp.WaitVisible(`#username`),
			chromedp.SendKeys(`#username`, "mediator01"),
			chromedp.SendKeys(`#password`, password),
			chromedp.Submit(`#password`),
			chromedp.WaitVisible(`#talk`),
		); err != nil {
			t.Fatal(err)
		}
		if _, err := chromedp.Run(desk, chromedp.Navigate(e.ts.URL+"/cases/"+cid+"/talk")); err != nil {
			t.Fatal(err)
		}
		phone := browser(t, 390, 844)
		if err := chromedp.Do(phone, chromedp.Navigate(e.ts.URL+links["consumer"]), chromedp.WaitVisible(`#talk`),
			waitJS(`document.getElementById("talk").dataset.live === "1"`)); err != nil {
			t.Fatal(err)
		}
		if err := chromedp.Do(desk, waitJS(`document.getElementById("talk").dataset.live === "1"`)); err != nil {
			t.Fatal(err)
		}

		// The consumer writes; it appears on the mediator's screen by itself.
		if err := chromedp.Do(phone,
			chromedp.SetValue(`#send-channel`, "joint"),
			chromedp.SendKeys(`#send-body`, "健身房关门了，要求退还余卡2000元"),
			chromedp.Click(`#send`),
			waitJS(`document.getElementById("send-body").value === ""`),
		); err != nil {
			msg, _ := chromedp.Run(phone, chromedp.Text(`#send-form [data-err]`))
			t.Fatal(err, msg)
		}
		if err := chromedp.Do(desk, waitJS(`[...document.querySelectorAll("#msgs li")].some(li => li.textContent.includes("要求退还余卡2000元"))`),
			shot("30-talk-mediator")); err != nil {
			t.Fatal("the consumer's message did not reach the mediator live: ", err)
		}
		// The mediator answers in the caucus: the tab picks the channel.
		if err := chromedp.Do(desk,
			chromedp.Click(`.tab[data-filter="consumer"]`),
			chromedp.SendKeys(`#send-body`, "单独问一下：八成可以接受吗？"),
			chromedp.Click(`#send`),
			waitJS(`document.getElementById("send-body").value === ""`),
		); err != nil {
			t.Fatal(err)
		}
		if err := chromedp.Do(phone, waitJS(`[...document.querySelectorAll("#msgs li")].some(li => li.textContent.includes("八成可以接受吗") && li.textContent.includes("仅调解员可见"))`)); err != nil {
			t.Fatal("the caucus message did not reach the consumer: ", err)
		}
		ms := messages(t, e, id, "consumer")
		if len(ms) == 0 || ms[len(ms)-1].Body != "单独问一下：八成可以接受吗？" {
			t.Fatalf("caucus message stored in the wrong channel: %+v", ms)
		}

		// A photo from the phone shows as a picture in the mediator's conversation.
		photo := filepath.Join(t.TempDir(), "付款记录.png")
		if err := os.WriteFile(photo, pngBytes(t), 0o644); err != nil {
			t.Fatal(err)
		}
		if err := chromedp.Do(phone,
			chromedp.Click(`details:has(#upload-form) > summary`),
			chromedp.SetUploadFiles(`#upload-file`, []string{photo}),
			chromedp.Click(`#upload`),
			waitJS(`[...document.querySelectorAll("#msgs li img.thumb")].length > 0`),
		); err != nil {
			t.Fatal(err)
		}
		if err := chromedp.Do(desk, waitJS(`[...document.querySelectorAll("#msgs li img.thumb")].some(i => i.complete && i.naturalWidth === 60)`)); err != nil {
			t.Fatal("the evidence picture did not show for the mediator: ", err)
		}
		// A program renamed to .png is refused on the page, in Chinese, and nothing is posted.
		fake := filepath.Join(t.TempDir(), "发票.png")
		os.WriteFile(fake, []byte("MZ\x90\x00 not a picture"), 0o644)
		if err := chromedp.Do(phone,
			chromedp.SetUploadFiles(`#upload-file`, []string{fake}),
			chromedp.Click(`#upload`),
			waitJS(`document.querySelector("#upload-form [data-err]").textContent.includes("按文件内容识别")`),
		); err != nil {
			t.Fatal("no Chinese refusal for a disguised file: ", err)
		}

		// The mediator proposes terms; the phone is told and the consumer accepts.
		due := time.Now().AddDate(0, 0, 7).Format("2006-01-02")
		if r := m.form("POST", "/cases/"+cid+"/talk/proposals", url.Values{"channel": {"consumer"}, "party_0": {"merchant"}, "content_0": {"退还余卡费用"},
			"amount_0": {"1600"}, "manner_0": {"银行转账"}, "deadline_0": {due}}); r.StatusCode != 303 {
			t.Fatalf("proposal: %d %s", r.StatusCode, r.body)
		}
		if err := chromedp.Do(phone, waitJS(`!document.getElementById("news").hidden`), chromedp.Reload(), chromedp.WaitVisible(`[id^="accept-"]`),
			shot("31-talk-phone"), chromedp.Click(`[id^="accept-"]`), chromedp.WaitVisible(`[id^="answered-"]`)); err != nil {
			t.Fatal(err)
		}
		body, err := chromedp.Run(phone, chromedp.Text(`[id^="answered-"]`))
		if err != nil || !strings.Contains(body, "您已接受此方案") {
			t.Fatalf("after accepting: %v %q", err, body)
		}
		overflow, err := chromedp.Run(phone, chromedp.Evaluate[bool](`document.documentElement.scrollWidth > window.innerWidth + 1`))
		if err != nil || overflow {
			t.Fatal("the party's page scrolls sideways on a phone")
		}
		ps, _ := e.db.ListProposals(context.Background(), id)
		if len(ps) != 1 || ps[0].Status != "accepted" {
			t.Fatalf("proposal after the phone's answer: %+v", ps)
		}
	})
}
