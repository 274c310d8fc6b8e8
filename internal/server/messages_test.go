package server_test

import (
	"context"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/tiaojie/tiaojie/internal/store/storetest"
)

// A refused case action shows the case page again (422) with what was typed
// and the message beside the form.
func TestCaseActionKeepsTypedValues(t *testing.T) {
	for _, eng := range storetest.Engines(t) {
		t.Run(eng.Name, func(t *testing.T) {
			e := newEnv(t, eng)
			m, id := mediatingCase(t, e)
			form := url.Values{"kind": {"written"}, "facts": {"健身房闭店，会员卡余额争议。"}, "responsibility": {"经营者承担退款责任"},
				"party_0": {"merchant"}, "content_0": {"退还会员卡余额一千二"}, "amount_0": {"一千二"}, "manner_0": {"支付宝转账"},
				"deadline_0": {time.Now().AddDate(0, 0, 7).Format("2006-01-02")}}
			r := m.form("POST", "/cases/"+itoa(id)+"/agreement/oral", form)
			if r.StatusCode != 422 {
				t.Fatalf("bad amount: %d", r.StatusCode)
			}
			for _, want := range []string{`id="form-error"`, "健身房闭店，会员卡余额争议。", `value="退还会员卡余额一千二"`, `value="一千二"`, `value="支付宝转账"`, `id="agreement-form"`} {
				if !strings.Contains(r.body, want) {
					t.Errorf("the page lacks %s", want)
				}
			}
			if c, _ := e.db.GetCase(context.Background(), id); c.Status != "mediating" {
				t.Fatalf("changed on bad input: %s", c.Status)
			}
			r = m.form("POST", "/cases/"+itoa(id)+"/sessions", url.Values{"kind": {"room"}, "at": {"not a time"}, "place": {"陆家嘴调解室3号"}})
			if r.StatusCode != 422 || !strings.Contains(r.body, `value="陆家嘴调解室3号"`) || !strings.Contains(r.body, `id="form-error"`) {
				t.Fatalf("session: %d", r.StatusCode)
			}
			// Another district still gets nothing but 404.
			if r := e.login("xh_mediator01").form("POST", "/cases/"+itoa(id)+"/agreement/oral", form); r.StatusCode != 404 || strings.Contains(r.body, "支付宝转账") {
				t.Fatalf("other district: %d", r.StatusCode)
			}
		})
	}
}

// Sending a written agreement says who was texted; the case page shows each
// signer as 待签 or 已签 with the time.
func TestSigningSaysWhoWasNotified(t *testing.T) {
	for _, eng := range storetest.Engines(t) {
		t.Run(eng.Name, func(t *testing.T) {
			e := newEnv(t, eng)
			m, id := mediatingCase(t, e)
			form := url.Values{"kind": {"written"}, "facts": {"健身房闭店，双方就退款金额发生争议。"}, "responsibility": {"经营者承担退款责任"},
				"party_0": {"merchant"}, "content_0": {"退还预付卡余额"}, "amount_0": {"1800"}, "manner_0": {"银行转账"}, "deadline_0": {time.Now().AddDate(0, 0, 10).Format("2006-01-02")}}
			if r := m.form("POST", "/cases/"+itoa(id)+"/agreement/oral", form); r.StatusCode != 303 {
				t.Fatalf("written: %d %s", r.StatusCode, r.body)
			}
			page := m.get("/cases/" + itoa(id))
			for _, want := range []string{"已排队向消费者（139****5678）、经营者（137****3333）发送短信签署链接", "消费者 待签", "经营者 待签", "调解员 待签"} {
				if !strings.Contains(page.body, want) {
					t.Errorf("case page lacks %q", want)
				}
			}
			signAndSeal(t, e, m, id)
			page = m.get("/cases/" + itoa(id))
			if strings.Contains(page.body, "待签") {
				t.Error("still waiting after all signed")
			}
			if !strings.Contains(page.body, "调解协议（书面）") {
				t.Error("a sealed agreement is not shown as written")
			}
		})
	}
}

// Rating and follow-up forms pre-select nothing and explain each score; the
// public form claims a code only when one was sent; the outbox speaks Chinese.
func TestHonestMessages(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *env) {
		m, id := mediatingCase(t, e)
		m.form("POST", "/cases/"+itoa(id)+"/agreement/oral", url.Values{"kind": {"oral"}, "facts": {"健身房闭店，双方就退款金额发生争议。"}, "responsibility": {"经营者承担退款责任"},
			"party_0": {"merchant"}, "content_0": {"退款"}, "amount_0": {"800"}, "manner_0": {"现场退款"}, "deadline_0": {time.Now().AddDate(0, 0, 1).Format("2006-01-02")}})
		page := m.get("/cases/" + itoa(id))
		if !strings.Contains(page.body, `<option value="" selected>请选择</option>`) || !strings.Contains(page.body, "4 满意：问题基本解决") {
			t.Error("follow-up score is pre-selected or unexplained")
		}
		if r := m.form("POST", "/cases/"+itoa(id)+"/followup", url.Values{"method": {"phone"}, "comment": {"电话联系上了"}}); r.StatusCode != 422 || !strings.Contains(r.body, `value="电话联系上了"`) {
			t.Fatalf("follow-up without a score: %d", r.StatusCode)
		}
		m.form("POST", "/cases/"+itoa(id)+"/followup/request", url.Values{})
		es := lastPartySMS(t, e)
		link := "/rate/" + strings.SplitN(strings.SplitN(es[0].Body, "/rate/", 2)[1], " ", 2)[0]
		rate := e.anon().get(link)
		if rate.StatusCode != 200 || strings.Contains(rate.body, "checked") || !strings.Contains(rate.body, "3分 一般") {
			t.Fatalf("rating page pre-selects or does not explain: %d", rate.StatusCode)
		}

		// /file: a refused filing without a code request says nothing about a code.
		r := e.anon().form("POST", "/file", url.Values{"action": {"file"}, "phone": {"13912345678"}, "code": {"123456"}})
		if r.StatusCode < 400 || strings.Contains(r.body, `id="code-sent"`) {
			t.Fatalf("file claims a code: %d", r.StatusCode)
		}
		out := e.login("admin").get("/admin/outbox")
		if !strings.Contains(out.body, "回访评价") || !strings.Contains(out.body, "征求调解意愿") || strings.Contains(out.body, ">consent_request<") {
			t.Error("outbox shows codes")
		}
	})
}
