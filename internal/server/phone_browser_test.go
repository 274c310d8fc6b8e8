package server_test

import (
	"context"
	"net/url"
	"path"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

	"github.com/tiaojie/tiaojie/internal/domain"
	"github.com/tiaojie/tiaojie/internal/server"
	"github.com/tiaojie/tiaojie/internal/store/storetest"
)

// The phone every page must fit: an iPhone 12–15 class screen.
const phoneW, phoneH = 390, 844

// phone is a browser emulating a touch phone of 390 × 844 that records every
// content-security-policy violation its pages report.
type phone struct {
	ctx context.Context
	mu  sync.Mutex
	log []string // CSP violations and security messages from the browser log
}

// cspProbe runs in every new document before the page's own code: a
// violation (a blocked inline style, an injected <style>) lands in __csp.
const cspProbe = `window.__csp = [];
document.addEventListener("securitypolicyviolation", e => window.__csp.push(e.violatedDirective + " " + (e.blockedURI || "inline") + " " + (e.sample || "")));`

func newPhone(t *testing.T) *phone {
	t.Helper()
	// Some journeys open every page of every role: several hundred pages.
	p := &phone{ctx: browserFor(t, phoneW, phoneH, 10*time.Minute)}
	if err := chromedp.Listen(p.ctx, func(ev any) {
		var msg string
		switch e := ev.(type) {
		case *log.EventEntryAdded:
			if e.Entry.Source == log.EntrySourceSecurity || strings.Contains(e.Entry.Text, "Content Security Policy") {
				msg = e.Entry.Text
			}
		case *runtime.EventConsoleAPICalled:
			for _, a := range e.Args {
				if strings.Contains(string(a.Value), "Content Security Policy") {
					msg = string(a.Value)
				}
			}
		}
		if msg != "" {
			p.mu.Lock()
			p.log = append(p.log, msg)
			p.mu.Unlock()
		}
	}); err != nil {
		t.Fatal(err)
	}
	err := chromedp.Do(p.ctx,
		chromedp.EmulateViewport(phoneW, phoneH, chromedp.EmulatePortrait, chromedp.EmulateMobile, chromedp.EmulateTouch),
		chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
			_, err := cdp.Call(ctx, tg, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{Source: cspProbe})
			return err
		}))
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// takeLog returns and clears what the browser log reported.
func (p *phone) takeLog() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	out := p.log
	p.log = nil
	return out
}

// fit is what a page measures on the phone.
type fit struct {
	CSP         []string `json:"csp"`
	ScrollWidth int      `json:"sw"`
	ClientWidth int      `json:"cw"`
	Header      float64  `json:"hh"`
	Height      int      `json:"vh"`
	Wide        []string `json:"wide"` // the elements sticking out, to say what to fix
}

const measure = `(() => {
  const h = document.querySelector("header.top"), cw = document.documentElement.clientWidth;
  const wide = [...document.querySelectorAll("body *")].filter(el => el.getBoundingClientRect().right > cw + 1 && !el.closest(".table-wrap, .msgs"))
    .slice(0, 5).map(el => el.tagName.toLowerCase() + (el.id ? "#" + el.id : "") + (el.className && typeof el.className === "string" ? "." + el.className.split(" ").join(".") : ""));
  return {csp: window.__csp || ["probe missing"], sw: document.documentElement.scrollWidth, cw: cw,
    hh: h ? h.getBoundingClientRect().height : 0, vh: window.innerHeight, wide: wide};
})()`

// check opens path and fails the test on a policy violation, a page wider
// than the phone or a header taller than a third of the screen.
func (p *phone) check(t *testing.T, base, who, path string) {
	t.Helper()
	p.takeLog()
	var err error
	for try := 0; try < 3; try++ { // a navigation still under way aborts the first try
		if err = chromedp.Do(p.ctx, chromedp.Navigate(base+path), chromedp.WaitReady(`body`)); err == nil || !strings.Contains(err.Error(), "ERR_ABORTED") {
			break
		}
		time.Sleep(200 * time.Millisecond)
	}
	if err != nil {
		t.Errorf("%s %s: %v", who, path, err)
		return
	}
	time.Sleep(50 * time.Millisecond) // deferred scripts (htmx, page.js) have run
	f, err := chromedp.Run(p.ctx, chromedp.Evaluate[fit](measure))
	if err != nil {
		t.Errorf("%s %s: measure: %v", who, path, err)
		return
	}
	if err := chromedp.Do(p.ctx, shot("phone-"+who+strings.NewReplacer("/", "_", "?", "_").Replace(path))); err != nil {
		t.Errorf("%s %s: screenshot: %v", who, path, err)
	}
	if logged := p.takeLog(); len(f.CSP) > 0 || len(logged) > 0 {
		t.Errorf("%s %s: content-security-policy violations: %q %q", who, path, f.CSP, logged)
	}
	if f.ScrollWidth > phoneW || f.ClientWidth > phoneW {
		t.Errorf("%s %s: page is %d px wide on a %d px phone; sticking out: %q", who, path, f.ScrollWidth, phoneW, f.Wide)
	}
	if f.Header > float64(phoneH)/3 {
		t.Errorf("%s %s: header is %.0f px tall, more than a third of the %d px screen", who, path, f.Header, phoneH)
	}
}

// signIn signs the phone in as user through the login form (cookies of the
// previous user cleared first).
func (p *phone) signIn(t *testing.T, base, user string) {
	t.Helper()
	err := chromedp.Do(p.ctx,
		chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
			_, err := cdp.Call(ctx, tg, network.ClearBrowserCookies, cdp.Empty{})
			return err
		}),
		chromedp.Navigate(base+"/login"), chromedp.WaitVisible(`#username`),
		chromedp.SendKeys(`#username`, user), chromedp.SendKeys(`#password`, password), chromedp.Submit(`#password`),
		chromedp.WaitVisible(`header.top .menu`))
	if err != nil {
		t.Fatalf("sign in as %s: %v", user, err)
	}
}

// pageRoutes are the GET routes of the table that may serve a page: not the
// JSON API, not live streams, not static files. Whether a route is a page
// (HTML) and not a download is decided by what it answers.
func pageRoutes(routes []server.Route) []server.Route {
	var out []server.Route
	for _, r := range routes {
		if r.Method == "GET" && !r.API && !r.Stream && r.Path != "/static/" {
			out = append(out, r)
		}
	}
	return out
}

// routeRe matches the paths a route pattern serves: each {param} is one segment.
func routeRe(pattern string) *regexp.Regexp {
	parts := paramRe.Split(strings.TrimSuffix(pattern, "{$}"), -1)
	for i := range parts {
		parts[i] = regexp.QuoteMeta(parts[i])
	}
	return regexp.MustCompile("^" + strings.Join(parts, `[^/?#]+`) + "$")
}

var paramRe = regexp.MustCompile(`\{[^}]*\}`)

var hrefRe = regexp.MustCompile(`href="(/[^"#?]*)`)

// textedLinkRe finds the links texted to parties: signing, rating, consent and party pages.
var textedLinkRe = regexp.MustCompile(`/(?:sign|rate|consent|p)/[A-Za-z0-9_-]{16,}`)

// phoneFixtures makes the rows the parameterised pages need beyond the
// demo's: a case mediated online (party pages, consent links), a written
// agreement awaiting signature (signing links) and a rating request.
func phoneFixtures(t *testing.T, e *env) (seeds []string) {
	t.Helper()
	ctx := context.Background()
	_, online, _ := onlineCase(t, e)
	m, signing := mediatingCase(t, e)
	due := time.Now().AddDate(0, 0, 10).Format("2006-01-02")
	if r := m.form("POST", "/cases/"+itoa(signing)+"/agreement/oral", url.Values{"kind": {"written"}, "facts": {"健身房闭店，双方就退款金额发生争议。"},
		"responsibility": {"经营者承担退款责任"}, "party_0": {"merchant"}, "content_0": {"退还预付卡余额"}, "amount_0": {"1800"},
		"manner_0": {"银行转账"}, "deadline_0": {due}}); r.StatusCode != 303 {
		t.Fatalf("written agreement: %d", r.StatusCode)
	}
	_, rated := mediatingCase(t, e)
	if r := m.form("POST", "/cases/"+itoa(rated)+"/agreement/oral", url.Values{"kind": {"oral"}, "facts": {"健身房闭店，双方就退款金额发生争议。"},
		"responsibility": {"经营者承担退款责任"}, "party_0": {"merchant"}, "content_0": {"退还预付卡余额"}, "amount_0": {"800"},
		"manner_0": {"现场退款"}, "deadline_0": {due}}); r.StatusCode != 303 {
		t.Fatalf("oral agreement: %d %s", r.StatusCode, r.body)
	}
	if r := m.form("POST", "/cases/"+itoa(rated)+"/perform", url.Values{"term": {"0"}, "proof": {"收据 No.0088"}}); r.StatusCode != 303 {
		t.Fatalf("perform: %d", r.StatusCode)
	}
	if r := m.form("POST", "/cases/"+itoa(rated)+"/followup/request", url.Values{}); r.StatusCode != 303 {
		t.Fatalf("request rating: %d", r.StatusCode)
	}
	// A group dispute of two fresh complaints, and a finished 12315 import.
	g := e.login("committee01").form("POST", "/groups", url.Values{"case": {itoa(registerCase(t, m)), itoa(registerCase(t, m))},
		"title": {"上海某某健身有限公司群体性纠纷"}, "facts": {"闭店"}})
	if g.StatusCode != 303 {
		t.Fatalf("group: %d %s", g.StatusCode, g.body)
	}
	reg := e.login("regulator01")
	imp := upload(t, reg, "12315导出.xlsx", exportXLSX(t, 3, 1))
	if imp.StatusCode != 303 {
		t.Fatalf("import: %d %s", imp.StatusCode, imp.body)
	}
	until(t, "the import to finish", func() bool { return strings.Contains(reg.get(imp.Header.Get("Location")).body, "已完成") })
	seeds = append(seeds, "/cases/"+itoa(online), "/cases/"+itoa(signing), g.Header.Get("Location"), imp.Header.Get("Location"))
	es, err := e.texts(ctx, 500)
	if err != nil {
		t.Fatal(err)
	}
	for _, x := range es {
		for _, l := range textedLinkRe.FindAllString(x.Body, -1) {
			if !slices.Contains(seeds, l) {
				seeds = append(seeds, l)
			}
		}
	}
	return seeds
}

// TestBrowserEveryPageOnPhone signs in as every demo role in turn on a
// 390 × 844 touch phone and opens every page the role may open — the page
// routes of the route table, their path parameters filled from links the
// role's own pages show (and from the links texted to parties) — and fails
// on a policy violation, a page wider than the phone, or a header taller
// than a third of the screen. A new page in the table is covered without
// editing this test; one that no role reaches fails it.
//
// On both engines, side by side: a page's rows come from the store, and an
// engine that reads a column differently can widen a cell.
func TestBrowserEveryPageOnPhone(t *testing.T) {
	engines := storetest.Engines(t)
	forEachEngine(t, func(t *testing.T, e *env) {
		seeds := phoneFixtures(t, e)
		routes := pageRoutes(e.srv.Routes())
		p := newPhone(t)
		reached := map[string]bool{} // route patterns some role opened as a page
		files := map[string]bool{}   // route patterns that answered a file or plain text
		// A page's layout comes from its template and styles, not from the
		// engine that fed it: every role opens every page over HTTP on each
		// engine, and its pages are measured in the browser on one engine,
		// the roles taking the engines in turn (decisions.md).
		inBrowser := func(i int) bool { return engines[i%len(engines)].Name == path.Base(t.Name()) }

		for i, user := range users {
			who := user
			var c *client
			if user == "" {
				who, c = "visitor", e.anon()
			} else {
				c = e.login(user)
				if inBrowser(i) {
					p.signIn(t, e.ts.URL, user)
					p.menu(t, e.ts.URL, who)
				}
			}
			// Pages without parameters first; their links fill the others.
			var links []string
			if user == "" {
				links = slices.Clone(seeds)
			} else {
				links = slices.DeleteFunc(slices.Clone(seeds), func(l string) bool { return textedLinkRe.MatchString(l) })
			}
			var visit []string
			open := func(rt server.Route, path string) bool {
				r := c.get(path)
				if r.StatusCode != 200 {
					return false
				}
				if !strings.HasPrefix(r.Header.Get("Content-Type"), "text/html") {
					files[rt.Pattern()] = true
					return false
				}
				for _, m := range hrefRe.FindAllStringSubmatch(r.body, -1) {
					if !slices.Contains(links, m[1]) {
						links = append(links, m[1])
					}
				}
				visit = append(visit, path)
				return true
			}
			var pending []server.Route
			for _, rt := range routes {
				if !allowed(rt.Perm, user) || user != "" && rt.Perm == domain.PermNone {
					continue // the public and party pages are the visitor's
				}
				if strings.Contains(strings.TrimSuffix(rt.Path, "{$}"), "{") {
					pending = append(pending, rt)
				} else if open(rt, strings.TrimSuffix(rt.Path, "{$}")) {
					reached[rt.Pattern()] = true
				}
			}
			// Then each parameterised route with the first linked path that opens
			// as a page, again and again while new links turn up.
			for progress := true; progress; {
				progress = false
				for i := 0; i < len(pending); i++ {
					re := routeRe(pending[i].Path)
					tries := 0
					for _, l := range links {
						if !re.MatchString(l) || slices.Contains(visit, l) {
							continue
						}
						if tries++; tries > 5 {
							break
						}
						if open(pending[i], l) {
							reached[pending[i].Pattern()] = true
							pending = slices.Delete(pending, i, i+1)
							i--
							progress = true
							break
						}
					}
				}
			}
			if !inBrowser(i) {
				t.Logf("%s: %d pages (measured in the browser on the other engine)", who, len(visit))
				continue
			}
			for _, path := range visit {
				p.check(t, e.ts.URL, who, path)
			}
			t.Logf("%s: %d pages", who, len(visit))
		}

		// Every page route was opened by some role. Routes that answered a file
		// or plain text are not pages; downloads no fixture links to are named
		// by what they serve.
		for _, rt := range routes {
			if reached[rt.Pattern()] || files[rt.Pattern()] || download.MatchString(rt.Path) || heldSignIn[rt.Pattern()] {
				continue
			}
			t.Errorf("no role reached the page %s: give the demo or the fixtures a row it can show", rt.Pattern())
		}
	})
}

// download: routes that serve files, not pages.
var download = regexp.MustCompile(`\.(pdf|png|zip|xlsx|csv|json)$|/evidence/\{eid\}$|/photo$|^/metrics$`)

// heldSignIn are pages shown only in the middle of a sign-in (a second-factor
// code, a password to replace); TestSecurityPolicyAndSecondFactor and
// TestExpiredPasswordMustChange open them.
var heldSignIn = map[string]bool{"GET /login/code": true, "GET /password/expired": true}

// menu checks the staff menu on the phone: folded it is one line, unfolded
// every link is a full-width row (not one character wide) and the page does
// not widen.
func (p *phone) menu(t *testing.T, base, who string) {
	t.Helper()
	type menuFit struct {
		Closed float64 `json:"closed"`
		Links  int     `json:"links"`
		Narrow []string
		Width  int `json:"sw"`
	}
	f, err := chromedp.Run(p.ctx, chromedp.Evaluate[menuFit](`(() => {
  const h = document.querySelector("header.top"), closed = h.getBoundingClientRect().height;
  document.querySelector("#menu > summary").click();
  const links = [...document.querySelectorAll("#menu nav a")];
  const narrow = links.filter(a => a.getBoundingClientRect().width < 200 || a.getBoundingClientRect().height > 60).map(a => a.textContent);
  const out = {closed: closed, links: links.length, Narrow: narrow, sw: document.documentElement.scrollWidth};
  document.querySelector("#menu > summary").click();
  return out;
})()`))
	if err != nil {
		t.Fatalf("%s: menu: %v", who, err)
	}
	if f.Closed > 70 {
		t.Errorf("%s: the folded header is %.0f px tall on a phone", who, f.Closed)
	}
	if f.Links > 0 && len(f.Narrow) > 0 {
		t.Errorf("%s: menu links squeezed on a phone: %q", who, f.Narrow)
	}
	if f.Width > phoneW {
		t.Errorf("%s: the open menu widens the page to %d px", who, f.Width)
	}
}

// A party draws a signature with a finger on a 390 px phone: the pad is as
// wide as its card, takes the ink, and the page does not scroll under the
// finger.
func TestBrowserSignaturePadTakesInkByTouch(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *env) {
		// A link whose party has yet to sign (the demo also has parties who signed).
		var link string
		for _, l := range phoneFixtures(t, e) {
			if strings.HasPrefix(l, "/sign/") && strings.Contains(e.anon().get(l).body, `id="sig"`) {
				link = l
			}
		}
		if link == "" {
			t.Fatal("no signing link still waiting for its party")
		}
		p := newPhone(t)
		p.check(t, e.ts.URL, "party", link)
		type pad struct {
			X, Y, W, H float64
			Card       float64
			Pixels     int
			Scroll     float64
		}
		read := func() pad {
			f, err := chromedp.Run(p.ctx, chromedp.Evaluate[pad](`(() => {
  const c = document.getElementById("sig"), r = c.getBoundingClientRect(), card = c.closest(".card").getBoundingClientRect();
  return {X: r.left, Y: r.top, W: c.clientWidth, H: c.clientHeight, Card: card.width, Pixels: c.width, Scroll: window.scrollY};
})()`))
			if err != nil {
				t.Fatal(err)
			}
			return f
		}
		// Bring the pad into view the way a person does, then draw.
		if err := chromedp.Do(p.ctx, chromedp.ScrollIntoView(`#sig`)); err != nil {
			t.Fatal(err)
		}
		before := read()
		if before.W < 300 || before.W > phoneW || before.H < 150 {
			t.Fatalf("signature pad is %.0f × %.0f px on a %d px phone", before.W, before.H, phoneW)
		}
		if before.Card-before.W > 40 || before.Pixels != int(before.W+0.5) {
			t.Fatalf("pad not sized to its card: pad %.0f px (%d drawing px), card %.0f px", before.W, before.Pixels, before.Card)
		}
		touch := func(typ input.DispatchTouchEventType, fx, fy float64) chromedp.Action[chromedp.Void] {
			return chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
				pts := []*input.TouchPoint{}
				if typ != input.DispatchTouchEventTypeTouchEnd {
					pts = append(pts, &input.TouchPoint{X: before.X + before.W*fx, Y: before.Y + before.H*fy})
				}
				_, err := cdp.Call(ctx, tg, input.DispatchTouchEvent, input.DispatchTouchEventParams{Type: typ, TouchPoints: pts})
				return err
			})
		}
		steps := []chromedp.Action[chromedp.Void]{touch(input.DispatchTouchEventTypeTouchStart, 0.1, 0.3)}
		for i := 1; i <= 20; i++ { // a stroke down and across: a page would scroll under it
			steps = append(steps, touch(input.DispatchTouchEventTypeTouchMove, 0.1+float64(i)*0.04, 0.3+float64(i)*0.03))
		}
		steps = append(steps, touch(input.DispatchTouchEventTypeTouchEnd, 0, 0))
		if err := chromedp.Do(p.ctx, steps...); err != nil {
			t.Fatal(err)
		}
		inked, err := chromedp.Run(p.ctx, chromedp.Evaluate[int](`(() => {
  const c = document.getElementById("sig"), d = c.getContext("2d").getImageData(0, 0, c.width, c.height).data;
  let n = 0; for (let i = 3; i < d.length; i += 4) if (d[i] > 128) n++; return n;
})()`))
		if err != nil {
			t.Fatal(err)
		}
		after := read()
		if inked < 200 {
			t.Errorf("the finger left no ink: %d inked pixels", inked)
		}
		if after.Scroll != before.Scroll {
			t.Errorf("the page scrolled under the finger: %.0f → %.0f", before.Scroll, after.Scroll)
		}
	})
}

// partyA11y is what the large-text test measures on a party page.
type partyA11y struct {
	Big       bool     `json:"big"`
	Pressed   string   `json:"pressed"`
	Font      float64  `json:"font"`
	Wide      int      `json:"sw"`
	Unlabeled []string `json:"unlabeled"` // controls without a <label> (or aria-label)
	LowText   []string `json:"low"`       // text below 4.5:1 against its background
	FakeBtn   []string `json:"fake"`      // clickable divs/spans instead of buttons
}

const a11yProbe = `(() => {
  const lum = c => { const m = c.match(/[\d.]+/g).map(Number); const f = v => (v /= 255) <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4);
    return {l: 0.2126 * f(m[0]) + 0.7152 * f(m[1]) + 0.0722 * f(m[2]), a: m.length > 3 ? m[3] : 1}; };
  const bg = el => { for (; el; el = el.parentElement) { const c = getComputedStyle(el).backgroundColor; if (lum(c).a > 0.5) return lum(c).l; } return 1; };
  const low = [];
  for (const el of document.querySelectorAll("body *")) {
    if (![...el.childNodes].some(n => n.nodeType === 3 && n.textContent.trim())) continue;
    if (!el.getClientRects().length || el.closest("[hidden], details:not([open]) > :not(summary)")) continue;
    const fg = lum(getComputedStyle(el).color).l, b = bg(el), r = (Math.max(fg, b) + 0.05) / (Math.min(fg, b) + 0.05);
    if (r < 4.5) low.push(el.tagName.toLowerCase() + " " + el.textContent.trim().slice(0, 20) + " " + r.toFixed(2));
  }
  const unlabeled = [...document.querySelectorAll("input:not([type=hidden]), select, textarea")]
    .filter(c => !(c.labels && c.labels.length) && !c.getAttribute("aria-label")).map(c => c.name || c.id);
  const fake = [...document.querySelectorAll("div[onclick], span[onclick], [role=button]:not(button)")].map(e => e.outerHTML.slice(0, 40));
  const t = document.getElementById("big-toggle");
  return {big: document.documentElement.classList.contains("big"), pressed: t ? t.getAttribute("aria-pressed") : "",
    font: parseFloat(getComputedStyle(document.body).fontSize), sw: document.documentElement.scrollWidth,
    unlabeled: unlabeled, low: low.slice(0, 5), fake: fake};
})()`

// 适老化: on a 390 px phone the party turns on 大字 on their page; it holds
// after a reload and on every other party page and the public form: body
// text of 18 px or more (16 px or more without it), no sideways scrolling,
// a label on every control, text contrast of at least 4.5:1, and a visible
// focus ring for keyboard users.
func TestBrowserLargeTextOnPartyPages(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *env) {
		var pages []string
		kinds := map[string]bool{}
		for _, l := range phoneFixtures(t, e) {
			kind := strings.Split(l, "/")[1]
			if kind != "cases" && kind != "groups" && kind != "import" && !kinds[kind] {
				kinds[kind] = true
				pages = append(pages, l)
			}
		}
		pages = append(pages, "/file")
		if len(pages) != 5 {
			t.Fatalf("want a party page, a signing, a rating and a consent link and the public form: %q", pages)
		}
		p := newPhone(t)
		probe := func(path string) partyA11y {
			t.Helper()
			p.check(t, e.ts.URL, "party", path)
			a, err := chromedp.Run(p.ctx, chromedp.Evaluate[partyA11y](a11yProbe))
			if err != nil {
				t.Fatalf("%s: %v", path, err)
			}
			return a
		}
		for _, path := range pages {
			a := probe(path)
			if a.Big || a.Font < 16 {
				t.Errorf("%s: normal text is %.1f px (big=%v), want 16 px or more", path, a.Font, a.Big)
			}
			if len(a.Unlabeled) > 0 || len(a.LowText) > 0 || len(a.FakeBtn) > 0 {
				t.Errorf("%s: controls without a label %q, low-contrast text %q, clickable non-buttons %q", path, a.Unlabeled, a.LowText, a.FakeBtn)
			}
		}

		// The switch on the party page, then a reload.
		party := pages[slices.IndexFunc(pages, func(s string) bool { return strings.HasPrefix(s, "/p/") })]
		p.check(t, e.ts.URL, "party", party)
		if err := chromedp.Do(p.ctx, chromedp.Click(`#big-toggle`), chromedp.Reload(), chromedp.WaitVisible(`#big-toggle`)); err != nil {
			t.Fatal(err)
		}
		for _, path := range append([]string{party}, pages...) {
			a := probe(path)
			if !a.Big || a.Pressed != "true" || a.Font < 18 {
				t.Errorf("%s: 大字 did not hold: big=%v pressed=%q body %.1f px", path, a.Big, a.Pressed, a.Font)
			}
			if a.Wide > phoneW || len(a.LowText) > 0 {
				t.Errorf("%s in 大字: %d px wide, low-contrast text %q", path, a.Wide, a.LowText)
			}
		}

		// Keyboard: Tab reaches the switch first and shows where focus is.
		if err := chromedp.Do(p.ctx, chromedp.KeyEvent("\t"), chromedp.KeyEvent("\t")); err != nil {
			t.Fatal(err)
		}
		focus, err := chromedp.Run(p.ctx, chromedp.Evaluate[[]string](
			`(() => { const s = getComputedStyle(document.activeElement); return [document.activeElement.id, s.outlineStyle, s.outlineWidth]; })()`))
		if err != nil {
			t.Fatal(err)
		}
		if focus[0] != "big-toggle" || focus[1] == "none" || focus[2] == "0px" {
			t.Errorf("second Tab stop and its outline: %q (want the 大字 switch, with a visible outline)", focus)
		}
		// And off again: the choice is the party's.
		if err := chromedp.Do(p.ctx, chromedp.Click(`#big-toggle`), chromedp.Reload(), chromedp.WaitVisible(`#big-toggle`)); err != nil {
			t.Fatal(err)
		}
		if a := probe("/file"); a.Big || a.Font >= 18 {
			t.Errorf("大字 still on after switching it off: %+v", a)
		}
	})
}
