package server_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/tiaojie/tiaojie/internal/store/storetest"
)

// Anyone can check an agreement PDF: the sealed original says 原件 with its
// case number and date of effect; a changed copy says it is not.
func TestVerifyPage(t *testing.T) {
	for _, eng := range storetest.Engines(t) {
		t.Run(eng.Name, func(t *testing.T) {
			e := newEnv(t, eng)
			ctx := context.Background()
			m, id := effectiveWrittenAgreement(t, e)
			c, _ := e.db.GetCase(ctx, id)
			pdf := m.json("GET", "/api/v1/cases/"+itoa(id)+"/agreement.pdf", nil, nil)
			if pdf.StatusCode != 200 {
				t.Fatalf("agreement pdf: %d", pdf.StatusCode)
			}
			visitor := e.anon()
			if r := visitor.get("/verify"); r.StatusCode != 200 || !strings.Contains(r.body, "核验调解协议书") {
				t.Fatalf("verify form: %d", r.StatusCode)
			}
			today := time.Now().In(time.FixedZone("CST", 8*3600))
			r := uploadFile(visitor, "/verify", "file", "协议书.pdf", []byte(pdf.body), nil)
			if r.StatusCode != 200 || !strings.Contains(r.body, "是原件") || !strings.Contains(r.body, c.Number) ||
				!strings.Contains(r.body, today.Format("2006年1月2日")) {
				t.Fatalf("original: %d %s", r.StatusCode, r.body)
			}
			changed := []byte(pdf.body)
			changed[len(changed)/2] ^= 0x01
			r = uploadFile(visitor, "/verify", "file", "协议书.pdf", changed, nil)
			if r.StatusCode != 200 || !strings.Contains(r.body, "不是本平台封存的原件") || strings.Contains(r.body, c.Number) {
				t.Fatalf("changed copy: %d", r.StatusCode)
			}
			sum := sha256.Sum256([]byte(pdf.body))
			if r := visitor.form("POST", "/verify", url.Values{"sha256": {strings.ToUpper(hex.EncodeToString(sum[:]))}}); !strings.Contains(r.body, "是原件") {
				t.Fatalf("pasted hash: %d", r.StatusCode)
			}
			if r := visitor.form("POST", "/verify", url.Values{"sha256": {"abc"}}); r.StatusCode != 422 || !strings.Contains(r.body, "64位") {
				t.Fatalf("bad hash: %d", r.StatusCode)
			}
			// The JSON endpoint stays.
			if r := visitor.json("GET", "/api/v1/agreements/verify?sha256="+hex.EncodeToString(sum[:]), nil, nil); r.StatusCode != 200 {
				t.Fatalf("json verify: %d", r.StatusCode)
			}
		})
	}
}

// A complainant reads their case's progress with the case number, the phone
// they filed with and an SMS code; nothing is shown without the code.
func TestProgressLookup(t *testing.T) {
	for _, eng := range storetest.Engines(t) {
		t.Run(eng.Name, func(t *testing.T) {
			e := newEnv(t, eng)
			ctx := context.Background()
			m := e.login("mediator01")
			id := registerCase(t, m) // phone 13912345678
			c, _ := e.db.GetCase(ctx, id)
			other, _ := e.db.GetCase(ctx, overdueCase(t, m)) // phone 13855556666
			visitor := e.anon()
			ask := func(number, phone string) resp {
				return visitor.form("POST", "/progress", url.Values{"action": {"code"}, "number": {number}, "phone": {phone}})
			}
			check := func(number, phone, code string) resp {
				return visitor.form("POST", "/progress", url.Values{"action": {"check"}, "number": {number}, "phone": {phone}, "code": {code}})
			}
			if r := check(c.Number, "13912345678", "123456"); r.StatusCode != 422 || strings.Contains(r.body, "progress-now") {
				t.Fatalf("no code yet: %d", r.StatusCode)
			}
			before, _ := e.texts(ctx, 200)
			wrong := ask(c.Number, "13700001111")
			after, _ := e.texts(ctx, 200)
			if wrong.StatusCode != 200 || !strings.Contains(wrong.body, `id="code-asked"`) || len(after) != len(before) {
				t.Fatalf("wrong phone: %d, texts %d → %d", wrong.StatusCode, len(before), len(after))
			}
			right := ask(c.Number, "139 1234 5678")
			if right.StatusCode != 200 || !strings.Contains(right.body, `id="code-asked"`) {
				t.Fatalf("right phone: %d", right.StatusCode)
			}
			es := lastPartySMS(t, e)
			code := regexp.MustCompile(`验证码为(\d{6})`).FindStringSubmatch(es[0].Body)
			if es[0].Kind != "progress_code" || code == nil || !strings.Contains(es[0].Body, c.Number) {
				t.Fatalf("progress text: %+v", es[0])
			}
			// The code opens only the case it was sent for.
			if r := check(other.Number, "13912345678", code[1]); r.StatusCode != 422 || strings.Contains(r.body, "progress-now") {
				t.Fatalf("another case with the code: %d", r.StatusCode)
			}
			if r := check(c.Number, "13912345678", "000000"); r.StatusCode != 422 || strings.Contains(r.body, "progress-now") {
				t.Fatalf("wrong code: %d", r.StatusCode)
			}
			r := check(c.Number, "13912345678", code[1])
			if r.StatusCode != 200 || !strings.Contains(r.body, `id="progress-now"`) || !strings.Contains(r.body, "正在审查是否受理") ||
				!strings.Contains(r.body, "下一步") {
				t.Fatalf("progress: %d %s", r.StatusCode, r.body)
			}
			// A used code does not open it again.
			if r := check(c.Number, "13912345678", code[1]); r.StatusCode != 422 {
				t.Fatalf("code reused: %d", r.StatusCode)
			}
			// A script asking again and again is slowed down.
			limited := false
			for i := 0; i < 25 && !limited; i++ {
				limited = ask(c.Number, "13700001111").StatusCode == 429
			}
			if !limited {
				t.Fatal("no rate limit on the progress lookup")
			}
		})
	}
}
