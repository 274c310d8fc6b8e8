package server_test

import (
	"context"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/tiaojie/tiaojie/internal/domain"
	"github.com/tiaojie/tiaojie/internal/store"
)

// outboxLink is the newest link of the given kind texted to a party of the
// case (validComplaint's consumer, consentedCase's merchant phone).
// It waits a little: the page may answer before the message is written.
func outboxLink(t *testing.T, e *env, caseID int64, re *regexp.Regexp, party string) string {
	t.Helper()
	suffix := map[string]string{"consumer": "5678", "merchant": "3333"}[party]
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		es, _ := e.texts(context.Background(), 200)
		for _, x := range es {
			if x.CaseID == caseID && strings.HasSuffix(x.ToMask, suffix) {
				if l := re.FindString(x.Body); l != "" {
					return l
				}
			}
		}
	}
	t.Fatalf("no %s link for the %s", re, party)
	return ""
}

// until polls the database until what a click did has landed.
func until(t *testing.T, what string, ok func() bool) {
	t.Helper()
	for deadline := time.Now().Add(15 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		if ok() {
			return
		}
	}
	t.Fatalf("waited in vain for: %s", what)
}

// The whole life of a case in browsers, each person on their own screen:
// the mediator at a desk accepts, asks for consent, claims, starts, mediates
// online and writes the agreement from the terms both accepted; the consumer
// and the merchant consent, talk, accept and sign on phones; committee staff
// seal; the mediator files the joint judicial application and the court
// liaison confirms it; the consumer rates by phone; the mediator archives.
func TestBrowserWholeJourney(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		id := registerCase(t, e.login("mediator01"))
		cid := itoa(id)
		caseURL := e.ts.URL + "/cases/" + cid
		status := func(s domain.Status) func() bool {
			return func() bool { got, _ := e.db.GetCase(ctx, id); return got.Status == s }
		}
		run := func(b context.Context, what string, steps ...chromedp.Action[chromedp.Void]) {
			t.Helper()
			if err := chromedp.Do(b, steps...); err != nil {
				t.Fatalf("%s: %v", what, err)
			}
		}
		login := func(b context.Context, user string) {
			t.Helper()
			run(b, "sign in as "+user, chromedp.Navigate(e.ts.URL+"/login"), chromedp.WaitVisible(`#username`),
				chromedp.SendKeys(`#username`, user), chromedp.SendKeys(`#password`, password), chromedp.Submit(`#password`),
				chromedp.WaitVisible(`header.top nav`))
		}
		// open goes to a page; a navigation still under way from the last click
		// (its redirect loading) aborts the first try, so it tries again.
		open := func(b context.Context, url, sel string) {
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

		desk := browser(t, 1280, 900)
		phone := browser(t, 390, 844)
		login(desk, "mediator01")

		// Acceptance and the consent request.
		open(desk, caseURL, `#accept`)
		run(desk, "accept", chromedp.Click(`#accept`))
		until(t, "accepted", status(domain.StatusAccepted))
		open(desk, caseURL, `#request-consent`)
		run(desk, "ask for consent", chromedp.SendKeys(`#merchant_phone`, "13700003333"), chromedp.Click(`#request-consent`))
		until(t, "consenting", status(domain.StatusConsenting))

		// Both parties consent on their phones, online.
		consentRe := regexp.MustCompile(`/consent/[A-Za-z0-9_-]+`)
		for _, party := range []string{"consumer", "merchant"} {
			open(phone, e.ts.URL+outboxLink(t, e, id, consentRe, party), `#submit-consent`)
			run(phone, party+" consents", chromedp.Click(`#agree`), chromedp.Click(`#online-agree`), chromedp.Click(`#submit-consent`))
			until(t, party+"'s consent", func() bool {
				cs, _ := e.db.ListConsents(ctx, id)
				for _, x := range cs {
					if x.PartyKind == party && x.Decision == "agree" && x.Online == "agree" {
						return true
					}
				}
				return false
			})
		}

		// The mediator claims the case and starts.
		open(desk, caseURL, `#claim`)
		run(desk, "claim", chromedp.Click(`#claim`))
		until(t, "assigned", status(domain.StatusAssigned))
		open(desk, caseURL, `#start`)
		run(desk, "start", chromedp.Click(`#start`))
		until(t, "mediating", status(domain.StatusMediating))

		// Online mediation: invitation, a live message, terms both accept.
		open(desk, caseURL, `#talk-link`)
		run(desk, "open the conversation", chromedp.Click(`#talk-link`), chromedp.WaitVisible(`#invite-send`), chromedp.Click(`#invite-send`))
		until(t, "party links", func() bool { ls, _ := e.db.ListPartyLinks(ctx, id); return len(ls) == 2 })
		open(desk, caseURL+"/talk", `#talk`)
		run(desk, "desk stream", waitJS(`document.getElementById("talk").dataset.live === "1"`))
		linkRe := regexp.MustCompile(`/p/[A-Za-z0-9_-]{20,}`)
		consumerTalk, merchantTalk := outboxLink(t, e, id, linkRe, "consumer"), outboxLink(t, e, id, linkRe, "merchant")
		open(phone, e.ts.URL+consumerTalk, `#talk`)
		run(phone, "consumer writes", waitJS(`document.getElementById("talk").dataset.live === "1"`),
			chromedp.SendKeys(`#send-body`, "健身房关门，请求退还余卡费用"), chromedp.Click(`#send`))
		run(desk, "the message arrives", waitJS(`[...document.querySelectorAll("#msgs li")].some(li => li.textContent.includes("请求退还余卡费用"))`))
		due := time.Now().AddDate(0, 0, 10).Format("2006-01-02")
		run(desk, "propose terms",
			chromedp.Click(`#propose > summary`),
			chromedp.SetValue(`#prop-channel`, "joint"),
			chromedp.SetValue(`#propose select[name=party_0]`, "merchant"),
			chromedp.SendKeys(`#propose input[name=content_0]`, "退还预付卡余额"),
			chromedp.SendKeys(`#propose input[name=amount_0]`, "1500"),
			chromedp.SendKeys(`#propose input[name=manner_0]`, "银行转账"),
			chromedp.SetValue(`#propose input[name=deadline_0]`, due),
			chromedp.Click(`#propose-send`))
		until(t, "a proposal", func() bool { ps, _ := e.db.ListProposals(ctx, id); return len(ps) == 1 })
		for party, link := range map[string]string{"consumer": consumerTalk, "merchant": merchantTalk} {
			open(phone, e.ts.URL+link, `[id^="accept-"]`)
			run(phone, party+" accepts", chromedp.Click(`[id^="accept-"]`), chromedp.WaitVisible(`[id^="answered-"]`))
		}
		until(t, "terms accepted", func() bool { ps, _ := e.db.ListProposals(ctx, id); return len(ps) == 1 && ps[0].Status == "accepted" })

		// An online session is held; its record is written from the template and
		// the consumer confirms it on the phone.
		at := time.Now().Add(2 * time.Hour).In(time.FixedZone("CST", 8*3600)).Format("2006-01-02T15:04")
		open(desk, caseURL, `#schedule`)
		run(desk, "schedule", chromedp.SetValue(`form:has(#schedule) select[name=kind]`, "online"),
			chromedp.SetValue(`form:has(#schedule) input[name=at]`, at), chromedp.Click(`#schedule`))
		var sid string
		until(t, "the session", func() bool {
			ss, _ := e.db.ListSessions(ctx, store.SessionQuery{CaseID: id})
			if len(ss) == 1 {
				sid = itoa(ss[0].ID)
			}
			return sid != ""
		})
		sess := `#session-` + sid
		open(desk, caseURL, sess)
		run(desk, "record the session", chromedp.Click(sess+` details > summary`),
			chromedp.SendKeys(sess+` input[name=attendance]`, "双方在线参加"),
			chromedp.SendKeys(sess+` textarea[name=record]`, "\n双方同意由经营者退还1500元。"),
			chromedp.Click(sess+` button[type=submit]`))
		until(t, "the record", func() bool {
			ss, _ := e.db.ListSessions(ctx, store.SessionQuery{CaseID: id})
			return ss[0].Status == "held"
		})
		open(phone, e.ts.URL+consumerTalk, `#confirm-record-`+sid)
		run(phone, "confirm the record", chromedp.Click(`#confirm-record-`+sid), chromedp.WaitVisible(`#talk`))
		until(t, "the confirmation", func() bool { rc, _ := e.db.ListRecordConfirmations(ctx, id); return len(rc) == 1 })
		open(desk, caseURL, `#confirm-`+sid)
		if got := text(t, desk, `#confirm-`+sid); !strings.Contains(got, "消费者（投诉人）已确认（在线") || !strings.Contains(got, "经营者（被投诉人）未确认") {
			t.Fatalf("record confirmations on the case page: %q", got)
		}

		// The agreement, drafted from the accepted terms.
		open(desk, caseURL, `#written-agreement`)
		run(desk, "write the agreement",
			chromedp.Click(`details:has(#written-agreement) > summary`),
			chromedp.WaitVisible(`#draft-from`),
			chromedp.SendKeys(`textarea[name=facts]`, "健身房闭店，消费者要求退还预付卡余额，双方就金额发生争议。"),
			chromedp.SendKeys(`input[name=responsibility]`, "经营者承担退款责任"),
			chromedp.Click(`#written-agreement`))
		until(t, "the written agreement", func() bool { a, err := e.db.GetAgreement(ctx, id); return err == nil && a.Kind == "written" })
		if a, _ := e.db.GetAgreement(ctx, id); a.Terms[0].AmountFen != 150000 || a.Terms[0].Deadline != due {
			t.Fatalf("agreement terms not those accepted online: %+v", a.Terms)
		}

		// Both parties sign on the phone: SMS code and a drawn signature.
		signRe := regexp.MustCompile(`/sign/[A-Za-z0-9_-]+`)
		codeRe := regexp.MustCompile(`验证码为(\d{6})`)
		for _, party := range []string{"consumer", "merchant"} {
			open(phone, e.ts.URL+outboxLink(t, e, id, signRe, party), `#sign-code`)
			run(phone, party+" asks for a code", chromedp.Click(`#sign-code`), chromedp.WaitVisible(`#code-sent`))
			es := lastPartySMS(t, e)
			code := codeRe.FindStringSubmatch(es[0].Body)
			if code == nil {
				t.Fatalf("no code in %q", es[0].Body)
			}
			run(phone, party+" signs", chromedp.SendKeys(`#code`, code[1]), chromedp.Evaluate[chromedp.Void](drawSignature),
				chromedp.Click(`#sign-submit`), chromedp.WaitVisible(`#signed`))
		}
		open(desk, caseURL, `#mediator-sign`)
		run(desk, "the mediator signs", chromedp.Click(`#mediator-sign`))
		until(t, "three signatures", func() bool { sg, _ := e.db.ListSignatures(ctx, id); return len(sg) == 3 })

		// Committee staff seal; the agreement takes effect.
		office := browser(t, 1280, 900)
		login(office, "committee01")
		open(office, caseURL, `#seal`)
		run(office, "seal", chromedp.Click(`#seal`))
		until(t, "performing", status(domain.StatusPerforming))

		// The joint judicial application, confirmed by the court liaison.
		open(desk, caseURL, `#apply-judicial`)
		run(desk, "apply", chromedp.Click(`input[name=joint]`), chromedp.Click(`#apply-judicial`))
		until(t, "the application", func() bool { _, err := e.db.GetJudicialApplication(ctx, id); return err == nil })
		run(office, "sign out", chromedp.Click(`header .who button`), chromedp.WaitVisible(`#username`))
		login(office, "court01")
		card := `#j` + cid
		open(office, e.ts.URL+"/court", card)
		run(office, "confirm", chromedp.SetValue(card+` select[name=decision]`, "confirmed"),
			chromedp.SendKeys(card+` input[name=ruling]`, "（2026）沪0115民特789号"), chromedp.Click(card+` button[type=submit]`),
			chromedp.WaitVisible(`#ruling-`+cid))

		// Performance with proof; the consumer rates on the phone.
		open(desk, caseURL, `#perform`)
		run(desk, "perform", chromedp.SendKeys(`input[name=proof]`, "银行转账回单 No.20261127"), chromedp.Click(`#perform`))
		until(t, "performed", func() bool { a, _ := e.db.GetAgreement(ctx, id); return a.Terms[0].PerformedAt != "" })
		open(desk, caseURL, `#request-rating`)
		run(desk, "ask for a rating", chromedp.Click(`#request-rating`))
		rateRe := regexp.MustCompile(`/rate/[A-Za-z0-9_-]+`)
		until(t, "the rating link", func() bool {
			es, _ := e.texts(ctx, 5)
			for _, x := range es {
				if x.CaseID == id && rateRe.MatchString(x.Body) {
					return true
				}
			}
			return false
		})
		open(phone, e.ts.URL+outboxLink(t, e, id, rateRe, "consumer"), `#rate-submit`)
		run(phone, "rate", chromedp.Click(`input[name=satisfaction][value="5"]`), chromedp.Click(`#rate-submit`)) // nothing is pre-selected
		until(t, "followed up", status(domain.StatusFollowedUp))

		// The archive.
		open(desk, caseURL, `#archive`)
		run(desk, "archive", chromedp.Click(`#archive`))
		until(t, "archived", status(domain.StatusArchived))
		open(desk, caseURL, `#archive-pdf`)
		run(desk, "archived page", shot("50-archived"))
		if a, err := e.db.GetArchive(ctx, id); err != nil || len(a.PDF) == 0 {
			t.Fatalf("archive: %v", err)
		}
		evs, _ := e.db.ListEvents(ctx, id)
		seen := map[string]bool{}
		for _, ev := range evs {
			seen[ev.Type] = true
		}
		for _, want := range []string{"accept", "request_consent", "assign", "start_mediation", "reach_agreement", "judicial_applied", "judicial_confirmed", "follow_up", "archive"} {
			if !seen[want] {
				t.Errorf("timeline lacks %s: %v", want, seen)
			}
		}
	})
}
