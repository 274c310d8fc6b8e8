package server_test

import (
	"context"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/tiaojie/tiaojie/internal/store"
)

func TestOnlineFilingWithSMSCode(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		cmt, _ := e.db.GetOrgUnitByCode(ctx, "pd-cmt")
		consumer := e.anon()
		form := url.Values{"committee": {itoa(cmt.ID)}, "complainant_name": {"陈静"}, "phone": {"13611112222"}, "merchant_name": {"上海某某美容美发店"},
			"merchant_address": {"浦东新区花木街道1号"}, "category": {"服务-美容美发"}, "claim_amount": {"980"},
			"description": {"办理美容卡后店铺更换老板，拒绝继续提供服务也不退款。"}, "claim": {"退还余额"}, "key": {"k-online-1"}}
		if p := consumer.get("/file"); p.StatusCode != 200 || !strings.Contains(p.body, "网上申请消费纠纷调解") {
			t.Fatalf("form: %d", p.StatusCode)
		}
		form.Set("action", "code")
		if r := consumer.form("POST", "/file", form); r.StatusCode != 200 || !strings.Contains(r.body, "验证码短信已排队发送") {
			t.Fatalf("send code: %d", r.StatusCode)
		}
		if r := consumer.form("POST", "/file", form); r.StatusCode != 422 || !strings.Contains(r.body, "60秒") {
			t.Fatalf("resend at once: %d", r.StatusCode)
		}
		es, _ := e.texts(ctx, 5)
		code := regexp.MustCompile(`验证码为(\d{6})`).FindStringSubmatch(es[0].Body)
		if len(code) != 2 || es[0].ToMask != "136****2222" {
			t.Fatalf("code message: %+v", es[0])
		}
		before := countCases(t, e)
		form.Set("action", "file")
		form.Set("code", "000000")
		if code[1] == "000000" {
			form.Set("code", "111111")
		}
		if r := consumer.form("POST", "/file", form); r.StatusCode != 422 || !strings.Contains(r.body, "验证码错误") {
			t.Fatalf("wrong code: %d", r.StatusCode)
		}
		form.Set("code", code[1])
		form.Set("description", "太短")
		if r := consumer.form("POST", "/file", form); r.StatusCode != 422 || countCases(t, e) != before {
			t.Fatalf("invalid complaint: %d", r.StatusCode)
		}
		form.Set("description", "办理美容卡后店铺更换老板，拒绝继续提供服务也不退款。")
		r := consumer.form("POST", "/file", form)
		if r.StatusCode != 201 || !strings.Contains(r.body, "浦消调字第") {
			t.Fatalf("file: %d %s", r.StatusCode, r.body)
		}
		p, _ := e.db.ListCases(ctx, store.CaseQuery{Scope: store.Scope{All: true}, Text: "陈静"})
		if p.Total != 1 || p.Cases[0].Channel != "online" || p.Cases[0].CommitteeID != cmt.ID || p.Cases[0].ClaimFen != 98000 {
			t.Fatalf("filed case: %+v", p)
		}
		// The code is spent.
		form.Set("key", "k-online-2")
		if r := consumer.form("POST", "/file", form); r.StatusCode != 422 {
			t.Fatalf("code reused: %d", r.StatusCode)
		}
	})
}
