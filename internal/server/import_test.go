package server_test

import (
	"bytes"
	"context"
	"fmt"
	"mime/multipart"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/tiaojie/tiaojie/internal/store/storetest"
)

func exportXLSX(t *testing.T, rows int, bad int) []byte {
	f := excelize.NewFile()
	f.SetSheetRow("Sheet1", "A1", &[]any{"工单编号", "投诉日期", "消费者姓名", "联系电话", "被投诉单位", "经营地址", "问题描述", "诉求", "涉及金额", "服务类别"})
	for i := 0; i < rows; i++ {
		phone := fmt.Sprintf("139%08d", i)
		if i < bad {
			phone = "坏号码"
		}
		f.SetSheetRow("Sheet1", fmt.Sprintf("A%d", i+2), &[]any{fmt.Sprintf("12315202611%08d", i), "2026/11/20", "刘洋", phone,
			"上海某某健身有限公司", "浦东新区陆家嘴街道世纪大道1号", "健身房闭店，预付卡余额无法退还，经营者联系不上。", "退款", "1,200", "健身"})
	}
	var buf bytes.Buffer
	f.Write(&buf)
	return buf.Bytes()
}

func upload(t *testing.T, c *client, name string, data []byte) resp {
	return uploadFile(c, "/import", "file", name, data, map[string]string{"office": "0"})
}

// uploadFile posts one file (and fields) as multipart/form-data, as a browser form does.
func uploadFile(c *client, path, field, name string, data []byte, fields map[string]string) resp {
	return uploadFileAccept(c, path, field, name, data, fields, "")
}

// uploadFileAccept is uploadFile as a page script sends it, asking for JSON.
func uploadFileAccept(c *client, path, field, name string, data []byte, fields map[string]string, accept string) resp {
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	fw, _ := mw.CreateFormFile(field, name)
	fw.Write(data)
	for k, v := range fields {
		mw.WriteField(k, v)
	}
	mw.Close()
	req, _ := http.NewRequest("POST", c.env.ts.URL+path, &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	if accept != "" {
		req.Header.Set("Accept", accept)
	}
	return c.do(req)
}

func TestImportPage(t *testing.T) {
	for _, eng := range storetest.Engines(t) {
		t.Run(eng.Name, func(t *testing.T) {
			e := newEnv(t, eng)
			reg := e.login("regulator01")
			r := upload(t, reg, "12315导出.xlsx", exportXLSX(t, 30, 3))
			if r.StatusCode != 303 || !strings.HasPrefix(r.Header.Get("Location"), "/import/") {
				t.Fatalf("upload: %d %s", r.StatusCode, r.body)
			}
			loc := r.Header.Get("Location")
			page := waitBatch(t, reg, loc)
			for _, want := range []string{"已完成", `id="n-imported">27<`, `id="n-failed">3`, "下载失败明细", "已处理 30 条"} {
				if !strings.Contains(page.body, want) {
					t.Fatalf("batch page lacks %q:\n%s", want, page.body)
				}
			}
			rep := reg.get(loc + "/report.xlsx")
			x, err := excelize.OpenReader(strings.NewReader(rep.body))
			if err != nil || rep.StatusCode != 200 {
				t.Fatalf("report: %d %v", rep.StatusCode, err)
			}
			rows, _ := x.GetRows(x.GetSheetList()[0])
			if len(rows) != 4 || !strings.Contains(rows[1][len(rows[1])-1], "手机") {
				t.Fatalf("report rows: %q", rows)
			}
			// Imported complaints were diverted by the regulator's office and wait for acceptance.
			c, err := e.db.GetCaseByExternalID(context.Background(), "1231520261100000010")
			office, _ := e.db.GetOrgUnitByCode(context.Background(), "pd-amr-01")
			if err != nil || c.DivertedByOrgID != office.ID || c.Status != "received" || c.ClaimFen != 120000 || c.Category != "服务-健身" {
				t.Fatalf("imported case: %+v %v", c, err)
			}
			// Other people may not see this batch or upload for an office of another district.
			if r := e.login("xh_committee01").get(loc); r.StatusCode != 404 {
				t.Fatalf("other district sees the batch: %d", r.StatusCode)
			}
			if r := e.login("mediator01").get(loc); r.StatusCode != 403 {
				t.Fatalf("mediator sees imports: %d", r.StatusCode)
			}
			// Not a spreadsheet: refused, nothing imported.
			before := countCases(t, e)
			if r := upload(t, reg, "notes.txt", []byte("hello")); r.StatusCode != 422 {
				t.Fatalf("txt upload: %d", r.StatusCode)
			}
			r = upload(t, reg, "broken.xlsx", bytes.Repeat([]byte("junk"), 5000))
			page = waitBatch(t, reg, r.Header.Get("Location"))
			if !strings.Contains(page.body, `data-status="failed"`) || !strings.Contains(page.body, "未写入任何数据") || countCases(t, e) != before {
				t.Fatalf("broken file: %s", page.body)
			}
		})
	}
}

// waitBatch follows a batch page, as its own script does, until the import
// ends (the job runs on the server's queue).
func waitBatch(t *testing.T, c *client, loc string) resp {
	t.Helper()
	for deadline := time.Now().Add(time.Minute); ; time.Sleep(100 * time.Millisecond) {
		page := c.get(loc)
		if page.StatusCode != 200 {
			t.Fatalf("batch page: %d", page.StatusCode)
		}
		if strings.Contains(page.body, `data-status="done"`) || strings.Contains(page.body, `data-status="failed"`) {
			return page
		}
		if time.Now().After(deadline) {
			t.Fatalf("import still going after a minute:\n%s", page.body)
		}
	}
}

func TestAcceptRoutesAndRefusalNotice(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *env) {
		reg := e.login("regulator01")
		cmt := e.login("committee01")
		// Diverted by the regulator: lands in the committee queue, accepted, routed by street.
		in := validComplaint("1231520261127000001")
		in["merchant_address"] = "浦东新区花木街道锦绣路1号"
		in["credit_code"] = ""
		r := reg.json("POST", "/api/v1/complaints", in, nil)
		var c caseOut
		json_(r.body, &c)
		r = cmt.form("POST", "/cases/"+itoa(c.ID)+"/accept", url.Values{})
		if r.StatusCode != 303 {
			t.Fatalf("accept: %d", r.StatusCode)
		}
		got, _ := e.db.GetCase(context.Background(), c.ID)
		room, _ := e.db.GetOrgUnit(context.Background(), got.RoomID)
		if !strings.Contains(room.Name, "花木") || got.RouteKind != "street" || !strings.Contains(got.RouteReason, "花木街道") {
			t.Fatalf("routed to %q (%s: %s)", room.Name, got.RouteKind, got.RouteReason)
		}
		page := cmt.get("/cases/" + itoa(c.ID))
		if !strings.Contains(page.body, "分流依据") || !strings.Contains(page.body, got.RouteReason) {
			t.Fatal("routing reason not on the case page")
		}
		// Re-route by hand.
		lj, _ := e.db.GetOrgUnitByCode(context.Background(), "pd-room-01")
		if r := cmt.form("POST", "/cases/"+itoa(c.ID)+"/reroute", url.Values{"room": {itoa(lj.ID)}, "reason": {""}}); r.StatusCode != 422 {
			t.Fatalf("re-route without reason: %d", r.StatusCode)
		}
		if r := cmt.form("POST", "/cases/"+itoa(c.ID)+"/reroute", url.Values{"room": {itoa(lj.ID)}, "reason": {"当事人住陆家嘴，便于调解"}}); r.StatusCode != 303 {
			t.Fatalf("re-route: %d %s", r.StatusCode, r.body)
		}
		if got, _ := e.db.GetCase(context.Background(), c.ID); got.RoomID != lj.ID {
			t.Fatal("not re-routed")
		}

		// A rejected case has its refusal notice as a PDF with the Chinese text in it.
		r = reg.json("POST", "/api/v1/complaints", validComplaint("1231520261127000002"), nil)
		json_(r.body, &c)
		cmt.form("POST", "/cases/"+itoa(c.ID)+"/reject", url.Values{"reason": {"handled_elsewhere"}, "note": {"该纠纷已由人民法院立案受理"}})
		pdf := cmt.get("/cases/" + itoa(c.ID) + "/refusal.pdf")
		if pdf.StatusCode != 200 || pdf.Header.Get("Content-Type") != "application/pdf" {
			t.Fatalf("refusal pdf: %d", pdf.StatusCode)
		}
		text := pdfText(t, []byte(pdf.body))
		for _, want := range []string{"不予受理通知书", c.Number, "李雷", "人民法院立案受理", "浦东新区消费纠纷人民调解委员会"} {
			if !strings.Contains(text, want) {
				t.Errorf("refusal notice lacks %q", want)
			}
		}
		if r := e.login("xh_committee01").get("/cases/" + itoa(c.ID) + "/refusal.pdf"); r.StatusCode != 404 {
			t.Fatalf("other district reads the notice: %d", r.StatusCode)
		}
		if r := cmt.get("/cases/" + itoa(got.ID) + "/refusal.pdf"); r.StatusCode != 404 {
			t.Fatalf("notice of an accepted case: %d", r.StatusCode)
		}
	})
}

// pdfText extracts the text with poppler's pdftotext, whitespace removed.
func pdfText(t *testing.T, pdf []byte) string {
	t.Helper()
	if _, err := exec.LookPath("pdftotext"); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("pdftotext (poppler-utils) missing under CI")
		}
		t.Skip("pdftotext not installed")
	}
	path := filepath.Join(t.TempDir(), "doc.pdf")
	if err := writeFile(path, pdf); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("pdftotext", "-layout", path, "-").Output()
	if err != nil {
		t.Fatalf("pdftotext: %v", err)
	}
	return strings.Join(strings.Fields(string(out)), "")
}

func TestRoutingPage(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *env) {
		cmt := e.login("committee01")
		page := cmt.get("/routing")
		if page.StatusCode != 200 || !strings.Contains(page.body, "街镇与联合工作室对应表") || !strings.Contains(page.body, "陆家嘴街道") {
			t.Fatalf("routing page: %d", page.StatusCode)
		}
		ctx := context.Background()
		committee, _ := e.db.GetOrgUnitByCode(ctx, "pd-cmt")
		huamu, _ := e.db.GetOrgUnitByCode(ctx, "pd-room-01")
		form := url.Values{"committee": {itoa(committee.ID)},
			"kind_0": {"category"}, "pos_0": {"5"}, "enabled_0": {"1"}, "room_0": {itoa(huamu.ID)}, "cats_0": {"服务-医疗美容、商品-化妆品"}, "used_0": {"1"},
			"kind_1": {"fallback"}, "pos_1": {"100"}, "enabled_1": {"1"}, "used_1": {"1"}}
		if r := cmt.form("POST", "/routing", form); r.StatusCode != 303 {
			t.Fatalf("save rules: %d %s", r.StatusCode, r.body)
		}
		rules, _ := e.db.ListRoutingRules(ctx, committee.ID)
		if len(rules) != 2 || rules[0].Kind != "category" || len(rules[0].Categories) != 2 {
			t.Fatalf("stored rules: %+v", rules)
		}
		bad := url.Values{"committee": {itoa(committee.ID)}, "kind_0": {"category"}, "pos_0": {"5"}, "enabled_0": {"1"}, "room_0": {itoa(huamu.ID)}, "used_0": {"1"}}
		if r := cmt.form("POST", "/routing", bad); r.StatusCode != 422 {
			t.Fatalf("category rule without categories: %d", r.StatusCode)
		}
		if rules2, _ := e.db.ListRoutingRules(ctx, committee.ID); len(rules2) != 2 {
			t.Fatal("a refused list replaced the rules")
		}
		// Streets: one room each.
		if r := cmt.form("POST", "/routing/streets", url.Values{"committee": {itoa(committee.ID)}, "room": {itoa(huamu.ID)}, "streets": {"陆家嘴街道、花木街道"}}); r.StatusCode != 409 {
			t.Fatalf("street of another room: %d", r.StatusCode)
		}
		if r := e.login("regulator01").get("/routing"); r.StatusCode != 403 {
			t.Fatalf("regulator edits routing: %d", r.StatusCode)
		}
	})
}
