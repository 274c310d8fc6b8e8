package server_test

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/tiaojie/tiaojie/internal/alerting"
	"github.com/tiaojie/tiaojie/internal/domain"
	"github.com/tiaojie/tiaojie/internal/warning"

	"github.com/tiaojie/tiaojie/internal/calendar"
	"github.com/tiaojie/tiaojie/internal/deadline"
	"github.com/tiaojie/tiaojie/internal/demo"
	"github.com/tiaojie/tiaojie/internal/platform"
	"github.com/tiaojie/tiaojie/internal/server"
	"github.com/tiaojie/tiaojie/internal/store"
	"github.com/tiaojie/tiaojie/internal/store/storetest"
)

// secretaryEnv is the demo on a clock at 11:00 of the latest working day
// (today when it is one): an hour past the dailies' 10:00 deadline, so
// the rooms that have not reported are missing whatever the hour the
// suite runs.
func secretaryEnv(t *testing.T, eng storetest.Engine) (*env, time.Time, *atomic.Int64) {
	t.Helper()
	db := eng.FromTemplate(t, "demo", buildDemo)
	rules, err := deadline.Load(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	day := calendar.DateOf(time.Now())
	for !rules.Calendar.IsWorkday(day) {
		day = day.AddDays(-1)
	}
	at := time.Date(day.Year, day.Month, day.Day, 11, 0, 0, 0, calendar.Shanghai())
	clock := func() time.Time { return at }
	// The warnings run on their own clock, which the test moves through a
	// 督办's life; every sweep (the background one too) reads it.
	wnow := &atomic.Int64{}
	wnow.Store(at.UnixNano())
	e := startEnv(t, db, nil, func(s *platform.Services) {
		s.DailyReport.Now = clock
		s.Warnings.Now = func() time.Time { return time.Unix(0, wnow.Load()) }
	}, func(o *server.Options) { o.Now = clock })
	return e, at, wnow
}

// escalatedRed makes a red warning climb to the committee's director the
// way it does in life: two working days before at the committee orders a
// 督办 due that evening; the mediator never replies; the next working
// morning's sweep raises a red warning (telling the mediator, the room
// lead and the committee) and two working hours later, still
// unacknowledged, it reaches the director. It returns the warning's id.
func escalatedRed(t *testing.T, e *env, at time.Time, wnow *atomic.Int64) int64 {
	t.Helper()
	ctx := context.Background()
	rules, err := deadline.Load(ctx, e.db)
	if err != nil {
		t.Fatal(err)
	}
	prev := func(d calendar.Date) calendar.Date {
		for d = d.AddDays(-1); !rules.Calendar.IsWorkday(d); d = d.AddDays(-1) {
		}
		return d
	}
	d1 := prev(calendar.DateOf(at))
	d0 := prev(d1)
	cmt, _ := e.db.GetOrgUnitByCode(ctx, demo.CodeCommittee)
	page, err := e.db.ListCases(ctx, store.CaseQuery{Scope: store.Scope{Prefixes: []string{cmt.Path}},
		Statuses: []domain.Status{domain.StatusMediating}, Limit: 50})
	if err != nil {
		t.Fatal(err)
	}
	var c store.Case
	for _, x := range page.Cases {
		if x.PresidingID != 0 {
			c = x
			break
		}
	}
	if c.ID == 0 {
		t.Fatal("no case in mediation with a presiding mediator")
	}
	set := func(d calendar.Date, h, m int) {
		wnow.Store(time.Date(d.Year, d.Month, d.Day, h, m, 0, 0, calendar.Shanghai()).UnixNano())
	}
	set(d0, 10, 0)
	sp, err := e.svc.Warnings.Supervise(ctx, principalOf(t, e, "committee01"), alerting.SuperviseInput{Kind: alerting.KindSupervise,
		CaseID: c.ID, Request: "请今日内联系双方当事人并书面报告调解进展", Due: d0.String()})
	if err != nil {
		t.Fatal(err)
	}
	sweep := func() {
		if _, err := e.svc.Warnings.Sweep(ctx); err != nil {
			t.Fatal(err)
		}
	}
	set(d1, 9, 30)
	sweep()
	ws, err := e.db.ListWarnings(ctx, store.WarningQuery{Scope: store.Scope{All: true}, Level: "red", Paging: store.Paging{Limit: store.MaxPage}})
	if err != nil {
		t.Fatal(err)
	}
	var red store.Warning
	for _, w := range ws.Items {
		if w.Rule == warning.RuleSuperviseOverdue && w.SubjectID == sp.ID {
			red = w
		}
	}
	if red.ID == 0 || red.Status != store.WarningOpen {
		t.Fatalf("no red warning for the unanswered 督办 %d: %+v", sp.ID, red)
	}
	director := userID(t, e, "committee01")
	told := func() bool {
		ns, err := e.db.ListWarningNotices(ctx, director, red.ID, 50)
		if err != nil {
			t.Fatal(err)
		}
		for _, n := range ns {
			if n.Step == 1 {
				return true
			}
		}
		return false
	}
	set(d1, 11, 29)
	sweep()
	if told() {
		t.Fatal("the director was told before two working hours had passed")
	}
	set(d1, 11, 31)
	sweep()
	if !told() {
		ns, _ := e.db.ListWarningNotices(ctx, 0, red.ID, 50)
		w, _ := e.db.GetWarning(ctx, red.ID)
		t.Fatalf("two working hours on, the director (%d) was not told: %+v\n%+v", director, w, ns)
	}
	wnow.Store(at.UnixNano())
	return red.ID
}

// A committee secretary's morning: 今日 lists the rooms whose dailies are
// missing and she chases one (its lead finds the reminder on their own
// 今日); she acknowledges a red warning that reached her by escalation as
// the committee's director; she records the monthly meeting with an
// action item on a case (the case page shows it); and the corps profile
// reads like the notice's sentence, with the registry's own figures.
func TestBrowserSecretaryDay(t *testing.T) {
	for _, eng := range storetest.Engines(t) {
		t.Run(eng.Name, func(t *testing.T) {
			t.Parallel()
			e, at, wnow := secretaryEnv(t, eng)
			ctx := context.Background()
			day := calendar.DateOf(at).String()
			cm := e.login("committee01")

			red := escalatedRed(t, e, at, wnow)

			b := evalBrowser(t, e, "committee01")
			goTo(t, b, e.ts.URL+"/cases", `header.top .menu`)
			if err := chromedp.Do(b, chromedp.Click(`#menu nav a[href="/today"]`), chromedp.WaitVisible(`#today-missing`)); err != nil {
				t.Fatalf("the menu's 今日: %v", err)
			}
			if err := chromedp.Do(b, shot("today-"+e.db.Dialect())); err != nil {
				t.Fatal(err)
			}
			missing := text(t, b, `#today-missing`)
			room, err := e.db.GetOrgUnitByCode(ctx, demo.OfficeRoomCode(5))
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(missing, room.Name) {
				t.Fatalf("%s is not listed as missing its daily:\n%s", room.Name, missing)
			}

			// 催报: one click, recorded on the report, a reminder to the lead.
			chase := fmt.Sprintf(`#today-missing form[action="/reports/daily/%s/%s/chase"] button`, room.Code, day)
			if err := chromedp.Do(b, chromedp.Click(chase), chromedp.WaitVisible(`div.flash`)); err != nil {
				t.Fatalf("chase: %v", err)
			}
			if f := text(t, b, `div.flash`); !strings.Contains(f, "已向"+room.Name+"催报（第 1 次）") {
				t.Fatalf("flash after the chase: %q", f)
			}
			rep, err := e.db.GetDailyReport(ctx, room.ID, day)
			if err != nil || rep.Chases != 1 || rep.ChasedAt == nil || rep.State != store.DailyDraft {
				t.Fatalf("the chase on the report: %+v %v", rep, err)
			}
			lead := e.login("room_lead05")
			if r := lead.get("/today"); r.StatusCode != 200 || !strings.Contains(r.body, "【催报】"+room.Name) {
				t.Fatalf("the room lead's 今日 has no reminder: %d", r.StatusCode)
			}
			if r := lead.form("POST", fmt.Sprintf("/reports/daily/%s/%s/chase", room.Code, day), nil); r.StatusCode != 403 {
				t.Fatalf("a room lead chasing their own room: %d", r.StatusCode)
			}

			// Acknowledge the red warning from 今日.
			goTo(t, b, e.ts.URL+"/today", `#today-red`)
			ack := fmt.Sprintf(`#today-red form[action="/warnings/%d/acknowledge"] button`, red)
			if err := chromedp.Do(b, chromedp.Click(ack), chromedp.WaitVisible(`div.flash`)); err != nil {
				t.Fatalf("acknowledge from 今日: %v", err)
			}
			w, err := e.db.GetWarning(ctx, red)
			if err != nil || w.Status != store.WarningAcknowledged || w.AcknowledgedBy != userID(t, e, "committee01") {
				t.Fatalf("after acknowledging: %+v %v", w, err)
			}
			goTo(t, b, e.ts.URL+"/today", `#today-red`)
			if n, err := chromedp.Run(b, chromedp.Evaluate[int](fmt.Sprintf(`document.querySelectorAll('#today-red form[action="/warnings/%d/acknowledge"]').length`, red))); err != nil || n != 0 {
				t.Fatalf("the acknowledged warning is still waiting on 今日: %d %v", n, err)
			}

			// The monthly meeting, held today, with an action item on a case.
			var target store.Case
			cmt, _ := e.db.GetOrgUnitByCode(ctx, demo.CodeCommittee)
			page, err := e.db.ListCases(ctx, store.CaseQuery{Scope: store.Scope{Prefixes: []string{cmt.Path}}, Limit: 1})
			if err != nil || len(page.Cases) == 0 {
				t.Fatalf("a case of the committee: %v", err)
			}
			target = page.Cases[0]
			me := itoa(userID(t, e, "committee01"))
			goTo(t, b, e.ts.URL+"/meetings", `#schedule-meeting`)
			// step fills and submits a form, then waits for what the next page
			// shows: wait, or the error page (whose text it reports).
			step := func(name, wait string, acts ...chromedp.Action[chromedp.Void]) {
				t.Helper()
				acts = append(acts, chromedp.WaitVisible(wait+`, #error-page`))
				if err := chromedp.Do(b, acts...); err != nil {
					t.Fatalf("%s: %v", name, err)
				}
				if n, err := chromedp.Run(b, chromedp.Evaluate[int](`document.querySelectorAll('#error-page').length`)); err != nil || n != 0 {
					t.Fatalf("%s: refused:\n%s", name, text(t, b, `#error-page`))
				}
			}
			step("schedule the meeting", `#record-meeting`,
				chromedp.SetValue(`#m-unit`, demo.CodeCommittee), chromedp.SetValue(`#m-kind`, store.MeetingCommittee),
				chromedp.SetValue(`#m-day`, day), chromedp.SendKeys(`#m-title`, "十二月调委会例会"),
				chromedp.Click(`#schedule-meeting button[type="submit"]`))
			step("record it as held", `#minutes`,
				chromedp.SetValue(`#record-meeting select[name="att_`+me+`"]`, "present"),
				chromedp.SendKeys(`#r-minutes`, "一、通报上月绩效和红色预警。\n二、部署预付卡纠纷集中化解。"),
				chromedp.Click(`#record-meeting button[type="submit"]`))
			step("add the action item", fmt.Sprintf(`main a[href="/cases/%d"]`, target.ID),
				chromedp.SendKeys(`#i-body`, "督促经营者按协议退款并回访"),
				chromedp.SetValue(`#i-due`, calendar.DateOf(at).AddDays(7).String()),
				chromedp.SendKeys(`#i-case`, target.Number),
				chromedp.Click(`#add-item button[type="submit"]`))
			items, err := e.db.ListMeetingItems(ctx, store.MeetingItemQuery{CaseID: target.ID})
			if err != nil {
				t.Fatal(err)
			}
			var item store.MeetingItem
			for _, it := range items {
				if it.Body == "督促经营者按协议退款并回访" {
					item = it
				}
			}
			if item.ID == 0 || item.OwnerID == 0 || item.Due != calendar.DateOf(at).AddDays(7).String() {
				t.Fatalf("the action item on %s: %+v", target.Number, items)
			}
			m, err := e.db.GetMeeting(ctx, item.MeetingID)
			if err != nil || !m.Held || m.Day != day || len(m.Attendance) != 1 {
				t.Fatalf("the meeting: %+v %v", m, err)
			}
			goTo(t, b, fmt.Sprintf("%s/cases/%d", e.ts.URL, target.ID), `main`)
			if body := text(t, b, `main`); !strings.Contains(body, "督促经营者按协议退款并回访") {
				t.Fatal("the case page does not show the meeting's decision about it")
			}

			// The corps profile reads like the notice, from the registry.
			goTo(t, b, e.ts.URL+"/mediators/profile?unit="+demo.CodeCommittee, `.corps-sentence`)
			sentence := text(t, b, `.corps-sentence`)
			re := regexp.MustCompile(`现有调解员(\d+)名.*本科及以上学历占(\d+)%，法律专业占(\d+)%，(\d+)人具有法律职业资格，平均年龄(\d+)岁`)
			got := re.FindStringSubmatch(sentence)
			if got == nil {
				t.Fatalf("the profile does not read like the notice: %q", sentence)
			}
			var prof struct {
				Sentence string `json:"sentence"`
			}
			r := cm.json("GET", "/api/v1/mediators/profile?unit="+demo.CodeCommittee, nil, nil)
			json_(r.body, &prof)
			if r.StatusCode != 200 || strings.TrimSuffix(strings.TrimSpace(sentence), "。") != strings.TrimSuffix(strings.TrimSpace(prof.Sentence), "。") {
				t.Fatalf("page and API disagree: %q vs %q (%d)", sentence, prof.Sentence, r.StatusCode)
			}
		})
	}
}
