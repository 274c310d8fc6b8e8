package server_test

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/tiaojie/tiaojie/internal/bulletinrules"
	"github.com/tiaojie/tiaojie/internal/calendar"
)

type bulletinListBody struct {
	Bulletins []struct {
		ID     int64
		Month  string
		State  string
		SHA256 string
	}
}

// TestBulletinsPagesAndAPI: the demo's published bulletins are on the
// pages and the API for the district, with their PDF; the other district
// sees none; bad input is refused in Chinese and changes nothing; a draft
// goes through edit, approve and publish over the API.
func TestBulletinsPagesAndAPI(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *env) {
		last := bulletinrules.LastEnded(calendar.DateOf(time.Now()))
		staff := e.login("committee01")
		var list bulletinListBody
		r := staff.json("GET", "/api/v1/bulletins", nil, nil)
		if r.StatusCode != 200 || json.Unmarshal([]byte(r.body), &list) != nil || len(list.Bulletins) < 2 {
			t.Fatalf("list: %d %s", r.StatusCode, r.body)
		}
		var pub int64
		var sum string
		for _, b := range list.Bulletins {
			if b.Month == last.Month && b.State == "published" {
				pub, sum = b.ID, b.SHA256
			}
		}
		if pub == 0 {
			t.Fatalf("no published bulletin of %s in the demo: %s", last.Month, r.body)
		}
		id := fmt.Sprint(pub)
		page := staff.get("/bulletins")
		if page.StatusCode != 200 || !strings.Contains(page.body, "/bulletins/"+id) || !strings.Contains(page.body, "已发布") {
			t.Fatalf("list page: %d", page.StatusCode)
		}
		page = staff.get("/bulletins/" + id)
		for _, want := range []string{"主要数据", "红黑榜", "热点", "典型案例", "预警情况", "数据来源", "接收单位", "生成更正版"} {
			if !strings.Contains(page.body, want) {
				t.Errorf("bulletin page lacks %q", want)
			}
		}
		if strings.Contains(page.body, `action="/bulletins/`+id+`/edit"`) {
			t.Error("a published bulletin offers editing")
		}
		// Partner units and room staff of the district read it and its PDF.
		for _, u := range []string{"regulator01", "mediator01", "justice01", "court01"} {
			c := e.login(u)
			if r := c.get("/bulletins/" + id); r.StatusCode != 200 {
				t.Errorf("%s reads the bulletin: %d", u, r.StatusCode)
			}
			pdf := c.json("GET", "/api/v1/bulletins/"+id+"/pdf", nil, nil)
			if pdf.StatusCode != 200 || pdf.Header.Get("Content-Type") != "application/pdf" {
				t.Fatalf("%s pdf: %d", u, pdf.StatusCode)
			}
			h := sha256.Sum256([]byte(pdf.body))
			if hex.EncodeToString(h[:]) != sum {
				t.Errorf("%s: PDF does not match the recorded SHA-256", u)
			}
		}
		// The other district: nothing of Pudong's.
		xh := e.login("xh_committee01")
		for _, p := range []string{"/api/v1/bulletins/" + id, "/api/v1/bulletins/" + id + "/pdf"} {
			if r := xh.json("GET", p, nil, nil); r.StatusCode != 404 || !strings.Contains(r.body, "不存在") {
				t.Errorf("xh %s: %d %s", p, r.StatusCode, r.body)
			}
		}
		if r := xh.get("/bulletins"); strings.Contains(r.body, "/bulletins/"+id+"\"") {
			t.Error("xh lists Pudong's bulletin")
		}
		if r := xh.json("POST", "/api/v1/bulletins/"+id+"/approve", nil, nil); r.StatusCode != 404 {
			t.Errorf("xh approves: %d", r.StatusCode)
		}
		// Wrong role: justice reads but does not manage.
		if r := e.login("justice01").json("POST", "/api/v1/bulletins", map[string]string{"unit": "pd-cmt", "month": last.Month}, nil); r.StatusCode != 403 {
			t.Errorf("justice drafts: %d", r.StatusCode)
		}
		// Bad input: Chinese message, nothing changed.
		next := bulletinrules.MonthOf(last.To.AddDays(40).Year, last.To.AddDays(40).Month).Month
		for _, c := range []struct {
			method, path string
			body         any
			code         int
			msg          string
		}{
			{"POST", "/api/v1/bulletins", map[string]string{"unit": "pd-cmt", "month": next}, 422, "还没有到"},
			{"POST", "/api/v1/bulletins", map[string]string{"unit": "pd-cmt", "month": last.To.AddDays(2).String()[:7]}, 422, "尚未结束"},
			{"POST", "/api/v1/bulletins", map[string]string{"unit": "pd-cmt", "month": "2026/1"}, 422, "无效"},
			{"POST", "/api/v1/bulletins/" + id + "/edit", map[string]any{"remarks": "改"}, 409, "已发布"},
			{"POST", "/api/v1/bulletins/" + id + "/publish", map[string]any{"partners": []int64{1}}, 409, "已发布"},
			{"POST", "/api/v1/bulletins/" + id + "/approve", nil, 409, "已发布"},
		} {
			if r := staff.json(c.method, c.path, c.body, nil); r.StatusCode != c.code || !strings.Contains(r.body, c.msg) {
				t.Errorf("%s %s: %d %s", c.method, c.path, r.StatusCode, r.body)
			}
		}
		var after bulletinListBody
		r = staff.json("GET", "/api/v1/bulletins", nil, nil)
		json.Unmarshal([]byte(r.body), &after)
		if len(after.Bulletins) != len(list.Bulletins) {
			t.Fatalf("refused requests changed the list: %d → %d", len(list.Bulletins), len(after.Bulletins))
		}
		// An existing month answers 200; an older one is drafted (201) and
		// goes through the workflow over the API.
		if r := staff.json("POST", "/api/v1/bulletins", map[string]string{"unit": "pd-cmt", "month": last.Month}, nil); r.StatusCode != 200 {
			t.Fatalf("existing month: %d %s", r.StatusCode, r.body)
		}
		old := last.Previous().Previous().Previous()
		r = staff.json("POST", "/api/v1/bulletins", map[string]string{"unit": "pd-cmt", "month": old.Month}, nil)
		var b struct {
			ID       int64
			State    string
			Sections []struct{ Code, Text string }
			Content  struct {
				Headline struct{ Lines []struct{ Code string } }
			}
		}
		if r.StatusCode != 201 || json.Unmarshal([]byte(r.body), &b) != nil || b.State != "draft" || len(b.Sections) != 5 || len(b.Content.Headline.Lines) == 0 {
			t.Fatalf("draft: %d %s", r.StatusCode, r.body)
		}
		bid := fmt.Sprint(b.ID)
		if r := staff.json("POST", "/api/v1/bulletins/"+bid+"/publish", map[string]any{"partners": []int64{1}}, nil); r.StatusCode != 409 || !strings.Contains(r.body, "审核") {
			t.Fatalf("publish a draft: %d %s", r.StatusCode, r.body)
		}
		if r := staff.json("GET", "/api/v1/bulletins/"+bid+"/pdf", nil, nil); r.StatusCode != 409 {
			t.Fatalf("pdf of a draft: %d", r.StatusCode)
		}
		if r := staff.json("POST", "/api/v1/bulletins/"+bid+"/edit", map[string]any{"remarks": "请关注预付卡纠纷。", "sections": map[string]string{"cases": "本月典型案例另行印发。"}}, nil); r.StatusCode != 200 || !strings.Contains(r.body, "另行印发") {
			t.Fatalf("edit: %d %s", r.StatusCode, r.body)
		}
		// Through the page: approve, then publish to the first partner of the register.
		if r := staff.form("POST", "/bulletins/"+bid+"/approve", url.Values{}); r.StatusCode != 303 {
			t.Fatalf("approve page: %d %s", r.StatusCode, r.body)
		}
		page = staff.get("/bulletins/" + bid)
		i := strings.Index(page.body, `name="partner" value="`)
		if i < 0 {
			t.Fatal("no partner to choose on the publish form")
		}
		partner := page.body[i+len(`name="partner" value="`):]
		partner = partner[:strings.Index(partner, `"`)]
		if r := staff.form("POST", "/bulletins/"+bid+"/publish", url.Values{"partner": {partner}}); r.StatusCode != 303 {
			t.Fatalf("publish page: %d %s", r.StatusCode, r.body)
		}
		r = staff.json("GET", "/api/v1/bulletins/"+bid, nil, nil)
		if !strings.Contains(r.body, `"state":"published"`) || !strings.Contains(r.body, `"partner_id":`+partner) || !strings.Contains(r.body, `"approver":"`) {
			t.Fatalf("published over the pages: %s", r.body)
		}
	})
}
