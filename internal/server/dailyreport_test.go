package server_test

import (
	"context"
	"errors"
	"fmt"
	"math"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/tiaojie/tiaojie/internal/api"
	"github.com/tiaojie/tiaojie/internal/calendar"
	"github.com/tiaojie/tiaojie/internal/deadline"
	"github.com/tiaojie/tiaojie/internal/store"
)

// recentWorkdays lists the last n working days up to today, newest first.
func recentWorkdays(t *testing.T, e *env, n int) []calendar.Date {
	t.Helper()
	rules, err := deadline.Load(context.Background(), e.db)
	if err != nil {
		t.Fatal(err)
	}
	var out []calendar.Date
	for d := calendar.DateOf(time.Now()); len(out) < n; d = d.AddDays(-1) {
		if rules.Calendar.IsWorkday(d) {
			out = append(out, d)
		}
	}
	return out
}

// The daily report API's figures equal the evaluation API's for the same
// unit and days, on every recent report day of the demo; bad input and
// other scopes are refused in Chinese with nothing drafted.
func TestDailyReportAPI(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *env) {
		cmt, lead := e.login("committee01"), e.login("room_lead01")
		var received int64
		for _, who := range []struct {
			c    *client
			unit string
		}{{cmt, "pd-cmt"}, {lead, "pd-room-01"}, {cmt, "pd-room-02"}} {
			for _, d := range recentWorkdays(t, e, 7) {
				var rep api.DailyReportJSON
				getJSON(t, who.c, "/api/v1/reports/daily?unit="+who.unit+"&date="+d.String(), 200, &rep)
				if rep.Date != d.String() || rep.State == "" || rep.Links["received"] == "" {
					t.Fatalf("%s %s: %+v", who.unit, d, rep)
				}
				var h api.HeadlineJSON
				getJSON(t, cmt, "/api/v1/evaluation/headline?unit="+who.unit+"&from="+rep.From+"&to="+rep.To, 200, &h)
				fig := map[string]float64{}
				for _, f := range h.Figures {
					fig[f.Code] = f.Value
				}
				f := rep.Figures
				if float64(f.Received) != fig["received"] || float64(f.Closed-f.ByOutcome["merged"]) != fig["closed"] ||
					math.Abs(float64(f.RecoveredFen)/100-fig["recovered"]) > 0.005 {
					t.Errorf("%s %s (%s..%s): daily received %d closed %d recovered %d; evaluation %v", who.unit, d, rep.From, rep.To,
						f.Received, f.Closed, f.RecoveredFen, fig)
				}
				for _, o := range h.ByOutcome {
					if float64(f.ByOutcome[o.Code]) != o.Value {
						t.Errorf("%s %s: %s daily %d, evaluation %v", who.unit, d, o.Code, f.ByOutcome[o.Code], o.Value)
					}
				}
				received += f.Received
			}
		}
		if received == 0 {
			t.Fatal("no complaint received on any recent day: the comparison proves nothing")
		}
		// Refusals draft nothing: asked about a day six weeks back, which
		// neither the demo nor the morning sweep drafts.
		today := calendar.DateOf(time.Now())
		old := recentWorkdays(t, e, 30)[29].String()
		refused(t, cmt, "GET", "/api/v1/reports/daily?unit=nope&date="+old, nil, 404, "找不到单位")
		refused(t, cmt, "GET", "/api/v1/reports/daily?unit=pd-cmt&date="+today.AddDays(1).String(), nil, 400, "在未来")
		refused(t, cmt, "GET", "/api/v1/reports/daily?unit=pd-cmt&date=2026-02-30", nil, 400, "无效")
		refused(t, cmt, "GET", "/api/v1/reports/daily?unit=pd-cmt&date=", nil, 400, "日期")
		refused(t, e.login("justice01"), "GET", "/api/v1/reports/daily?unit=pd&date="+old, nil, 400, "没有日报")
		refused(t, e.login("xh_committee01"), "GET", "/api/v1/reports/daily?unit=pd-cmt&date="+old, nil, 403, "无权")
		refused(t, e.login("room_lead02"), "GET", "/api/v1/reports/daily?unit=pd-room-01&date="+old, nil, 403, "无权")
		refused(t, lead, "GET", "/api/v1/reports/daily?unit=pd-cmt&date="+old, nil, 403, "无权")
		refused(t, e.login("mediator01"), "GET", "/api/v1/reports/daily?unit=pd-room-01&date="+old, nil, 403, "")
		refused(t, e.login("analyst01"), "GET", "/api/v1/reports/daily?unit=pd-room-01&date="+old, nil, 403, "")
		for _, code := range []string{"pd-cmt", "pd-room-01"} {
			if _, err := e.db.GetDailyReport(context.Background(), unitID(t, e, code), old); !errors.Is(err, store.ErrNotFound) {
				t.Errorf("a refused request drafted %s's report for %s: %v", code, old, err)
			}
		}
		future, err := e.db.ListDailyReports(context.Background(), []int64{unitID(t, e, "pd-cmt")}, today.AddDays(1).String(), "2100-01-01")
		if err != nil || len(future) != 0 {
			t.Errorf("reports in the future: %d %v", len(future), err)
		}
		var rep api.DailyReportJSON
		getJSON(t, e.login("justice01"), "/api/v1/reports/daily?unit=pd-room-01&date="+old, 200, &rep)
		if rep.Figures.DueSoon != nil {
			t.Errorf("a report drafted weeks after its day has a snapshot")
		}
	})
}

// A room lead opens their room's report, submits it with remarks, and
// cannot submit it again; the committee cannot submit a room's; the pages,
// the figure case lists, the summaries and the downloads open.
func TestDailyReportPages(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *env) {
		lead, cmt := e.login("room_lead01"), e.login("committee01")
		// The demo leaves a few dailies unsubmitted: past their 10:00 they are flagged.
		if r := cmt.get("/reports/daily"); r.StatusCode != 200 || !strings.Contains(r.body, "report-grid") || !strings.Contains(r.body, "pd-room-04") ||
			!strings.Contains(r.body, `report-cell report-late`) || !strings.Contains(r.body, "已提交") {
			t.Fatalf("committee grid: %d", r.StatusCode)
		}
		if r := lead.get("/reports/daily"); r.StatusCode != 200 || strings.Contains(r.body, "pd-room-02/") || !strings.Contains(r.body, "pd-room-01/") {
			t.Fatalf("room lead's grid shows other rooms or not theirs: %d", r.StatusCode)
		}
		// A report day the demo left as a draft (today's always is).
		var day string
		for _, d := range recentWorkdays(t, e, 12) {
			row, err := e.db.GetDailyReport(context.Background(), unitID(t, e, "pd-room-01"), d.String())
			if err != nil || row.State == store.DailyDraft {
				day = d.String()
				break
			}
		}
		if day == "" {
			t.Fatal("no draft among the recent reports of pd-room-01")
		}
		page := "/reports/daily/pd-room-01/" + day
		r := lead.get(page)
		if r.StatusCode != 200 || !strings.Contains(r.body, `id="report-submit"`) {
			t.Fatalf("lead's report page: %d %s", r.StatusCode, r.body)
		}
		if r := cmt.get(page); r.StatusCode != 200 || strings.Contains(r.body, `id="report-submit"`) {
			t.Fatalf("committee is offered to submit a room's report: %d", r.StatusCode)
		}
		if r := cmt.form("POST", page+"/submit", url.Values{"remarks": {"代交"}}); r.StatusCode != 403 {
			t.Errorf("committee submits a room's report: %d", r.StatusCode)
		}
		if r := lead.form("POST", page+"/submit", url.Values{"remarks": {strings.Repeat("长", 2001)}}); r.StatusCode != 422 || !strings.Contains(r.body, "最多") {
			t.Errorf("too long remarks: %d", r.StatusCode)
		}
		if row, _ := e.db.GetDailyReport(context.Background(), unitID(t, e, "pd-room-01"), day); row.State != store.DailyDraft || row.Remarks != "" {
			t.Fatalf("refused submissions changed the report: %+v", row)
		}
		if r := lead.form("POST", page+"/submit", url.Values{"remarks": {"今日收案正常，一件大额纠纷已安排两名调解员。"}}); r.StatusCode != 303 {
			t.Fatalf("submit: %d %s", r.StatusCode, r.body)
		}
		if r := lead.get(page); !strings.Contains(r.body, "一件大额纠纷已安排两名调解员") || strings.Contains(r.body, `id="report-submit"`) {
			t.Errorf("submitted page: %s", r.body)
		}
		if r := lead.form("POST", page+"/submit", url.Values{"remarks": {"再交一次"}}); r.StatusCode != 409 || !strings.Contains(r.body, "不能再次提交") {
			t.Errorf("resubmission: %d", r.StatusCode)
		}
		for path, ctype := range map[string]string{page + "/report.pdf": "application/pdf", page + "/report.xlsx": "spreadsheet",
			"/reports/weekly.pdf?unit=pd-cmt": "application/pdf", "/reports/monthly.xlsx?unit=pd-room-01": "spreadsheet"} {
			c := cmt
			if strings.Contains(path, "pd-room-01") {
				c = lead
			}
			if r := c.get(path); r.StatusCode != 200 || !strings.Contains(r.Header.Get("Content-Type"), ctype) {
				t.Errorf("%s: %d %s", path, r.StatusCode, r.Header.Get("Content-Type"))
			}
		}
		for _, path := range []string{page + "/cases?figure=received", page + "/cases?figure=overdue", "/reports/weekly?unit=pd-cmt",
			"/reports/monthly?unit=pd-cmt", "/reports/weekly", "/reports/monthly?unit=pd-room-01&month=" + day[:7]} {
			if r := cmt.get(path); r.StatusCode != 200 {
				t.Errorf("%s: %d", path, r.StatusCode)
			}
		}
		if r := cmt.get(page + "/cases?figure=bogus"); r.StatusCode != 422 {
			t.Errorf("unknown figure: %d", r.StatusCode)
		}
		if r := lead.get("/reports/weekly?unit=pd-room-02"); r.StatusCode != 403 {
			t.Errorf("room lead reads another room's week: %d", r.StatusCode)
		}
		if r := e.login("mediator01").get("/reports/daily"); r.StatusCode != 403 {
			t.Errorf("mediator opens the daily reports: %d", r.StatusCode)
		}
		// The month of the report day: on the first days of a month the
		// newest draft may be last month's.
		if r := cmt.get("/reports/monthly?unit=pd-cmt&month=" + day[:7]); !strings.Contains(r.body, "今日收案正常") {
			t.Errorf("the month's remarks lack the one just submitted")
		}
	})
}

func unitID(t *testing.T, e *env, code string) int64 {
	t.Helper()
	units, err := e.db.ListOrgUnits(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for _, u := range units {
		if u.Code == code {
			return u.ID
		}
	}
	t.Fatal(fmt.Sprintf("no unit %s", code))
	return 0
}
