package server_test

import (
	"net/url"
	"strings"
	"testing"
)

// TestInputHygiene: bidi overrides, control characters and invalid UTF-8 are
// refused, with the field named, on the API, on forms and in queries; nothing
// is written. Full-width digits are accepted and stored as ASCII.
func TestInputHygiene(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *env) {
		m := e.login("mediator01")
		before := countCases(t, e)
		for _, tc := range []struct {
			field, value, want string
			status             int
		}{
			{"complainant_name", "李\u202E雷", "投诉人姓名含有不可见的控制字符或方向控制符", 422},
			{"merchant_name", "上海\u2066某某\u2069健身", "经营者名称含有不可见的控制字符或方向控制符", 422},
			{"merchant_name", "上海某某\u200b健身有限公司", "经营者名称含有不可见的控制字符或方向控制符", 422},
			{"complainant_name", "李\u0007雷", "投诉人姓名含有不可见的控制字符", 422},
			{"complainant_name", "李\u0085雷", "投诉人姓名含有不可见的控制字符", 422},
			{"complainant_name", "李\n雷", "投诉人姓名不能换行", 422},
			{"description", "健身房突然闭店，\u202E预付卡余额无法退还。", "纠纷描述含有不可见的控制字符或方向控制符", 422},
			{"description", "健身房突然闭店，\uFFFD预付卡余额无法退还。", "纠纷描述含有无法识别的字符", 422},
		} {
			c := validComplaint("")
			c[tc.field] = tc.value
			r := m.json("POST", "/api/v1/complaints", c, nil)
			if r.StatusCode != tc.status || !strings.Contains(r.body, tc.want) || !strings.Contains(r.body, `"`+tc.field+`"`) {
				t.Errorf("API %s=%q: %d %s", tc.field, tc.value, r.StatusCode, r.body)
			}
			f := registerForm("h-" + tc.field)
			f.Set(tc.field, tc.value)
			r = m.form("POST", "/cases", f)
			if (r.StatusCode != 400 && r.StatusCode != 422) || !strings.Contains(r.body, tc.want) {
				t.Errorf("form %s=%q: %d", tc.field, tc.value, r.StatusCode)
			}
		}
		// A body that is not UTF-8 is refused, not repaired to U+FFFD.
		raw := `{"complainant_name":"李` + "\xff" + `雷","phone":"13912345678","merchant_name":"上海某某健身有限公司","merchant_address":"浦东新区世纪大道1号","category":"服务-健身","description":"健身房突然闭店，预付卡余额无法退还。","claim_amount_fen":1}`
		if r := m.json("POST", "/api/v1/complaints", raw, nil); r.StatusCode != 400 || !strings.Contains(r.body, "UTF-8") {
			t.Errorf("invalid UTF-8 body: %d %s", r.StatusCode, r.body)
		}
		// An escaped lone surrogate, which the decoder would turn into U+FFFD.
		raw = strings.Replace(raw, "李\xff雷", `李\ud800雷`, 1)
		if r := m.json("POST", "/api/v1/complaints", raw, nil); r.StatusCode != 422 || !strings.Contains(r.body, "投诉人姓名含有无法识别的字符") {
			t.Errorf("escaped lone surrogate: %d %s", r.StatusCode, r.body)
		}
		// A multi-line field keeps its newlines and tabs.
		c := validComplaint("")
		c["description"] = "健身房突然闭店。\r\n\t预付卡余额3000元无法退还。"
		c["phone"] = "１３９ １２３４ ５６７８"
		r := m.json("POST", "/api/v1/complaints", c, nil)
		if r.StatusCode != 201 {
			t.Fatalf("clean complaint with newlines and full-width phone: %d %s", r.StatusCode, r.body)
		}
		if countCases(t, e) != before+1 {
			t.Fatalf("cases: %d, want %d (only the clean one)", countCases(t, e), before+1)
		}
		var out caseOut
		json_(r.body, &out)
		if r := m.get("/cases/" + itoa(out.ID)); !strings.Contains(r.body, "139****5678") {
			t.Errorf("full-width phone not stored as ASCII digits")
		}
		// Queries: a bidi control in a search is refused, named.
		if r := m.get("/cases?q=" + url.QueryEscape("李\u202E")); r.StatusCode != 400 || !strings.Contains(r.body, "查询条件含有不可见的控制字符或方向控制符") {
			t.Errorf("query with U+202E: %d", r.StatusCode)
		}
	})
}
