package server_test

import (
	"context"
	"fmt"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/tiaojie/tiaojie/internal/calendar"
	"github.com/tiaojie/tiaojie/internal/demo"
	"github.com/tiaojie/tiaojie/internal/domain"
	"github.com/tiaojie/tiaojie/internal/meeting"
	"github.com/tiaojie/tiaojie/internal/platform"
	"github.com/tiaojie/tiaojie/internal/store"
	"github.com/tiaojie/tiaojie/internal/store/storetest"
	"github.com/tiaojie/tiaojie/internal/training"
)

// userID is the id of a (demo) user.
func userID(t *testing.T, e *env, username string) int64 {
	t.Helper()
	u, err := e.db.GetUserByUsername(context.Background(), username)
	if err != nil {
		t.Fatal(err)
	}
	return u.ID
}

// meetingsOf are the stored meetings of a kind under the Pudong committee.
func meetingsOf(t *testing.T, e *env, kind string) []store.Meeting {
	t.Helper()
	cmt, err := e.db.GetOrgUnitByCode(context.Background(), demo.CodeCommittee)
	if err != nil {
		t.Fatal(err)
	}
	ms, err := e.db.ListMeetings(context.Background(), store.MeetingQuery{Prefixes: []string{cmt.Path}, Kind: kind})
	if err != nil {
		t.Fatal(err)
	}
	return ms
}

// refused checks a 4xx answer with a Chinese message.
func routineRefused(t *testing.T, r resp, status int, words string) {
	t.Helper()
	if r.StatusCode != status || !strings.Contains(r.body, words) {
		t.Fatalf("want %d with %q, got %d: %.300s", status, words, r.StatusCode, r.body)
	}
}

// TestRoutineMeetingSchedule: a monthly meeting without a date lands on the
// 5th, moved past a weekend and past a stored day off; its agenda's figures
// are the evaluation rollups of the month before.
func TestRoutineMeetingSchedule(t *testing.T) {
	for _, eng := range storetest.Engines(t) {
		t.Run(eng.Name, func(t *testing.T) {
			t.Parallel()
			now := time.Now()
			clock := &now
			e := newEnvWith(t, eng, func(s *platform.Services) {
				s.Meetings.Now = func() time.Time { return *clock }
			})
			ctx := context.Background()
			cm := e.login("committee01")
			// 2026-09-05 is a Saturday: the meeting moves to Monday the 7th;
			// with the 7th a stored day off, to the 8th.
			*clock = time.Date(2026, 9, 1, 9, 0, 0, 0, calendar.Shanghai())
			r := cm.form("POST", "/meetings", url.Values{"unit": {demo.CodeCommittee}, "kind": {store.MeetingCommittee}})
			if r.StatusCode != 303 {
				t.Fatalf("schedule: %d %s", r.StatusCode, r.body)
			}
			var id int64
			fmt.Sscanf(r.Header.Get("Location"), "/meetings/%d", &id)
			m, err := e.db.GetMeeting(ctx, id)
			if err != nil || m.Day != "2026-09-07" || m.Kind != store.MeetingCommittee || m.Held {
				t.Fatalf("weekend shift: %+v %v", m, err)
			}
			if err := e.db.PutCalendarOverride(ctx, store.CalendarOverride{Date: "2026-09-07", Workday: false, Name: "区级调整"}); err != nil {
				t.Fatal(err)
			}
			r = cm.form("POST", "/meetings", url.Values{"unit": {demo.CodeCommittee}, "kind": {store.MeetingCommittee}})
			fmt.Sscanf(r.Header.Get("Location"), "/meetings/%d", &id)
			if m, _ = e.db.GetMeeting(ctx, id); m.Day != "2026-09-08" {
				t.Fatalf("stored day off: %s", m.Day)
			}
			// After the 5th: next month's (2026-10-05 is in the National Day holiday).
			*clock = time.Date(2026, 9, 9, 9, 0, 0, 0, calendar.Shanghai())
			r = cm.form("POST", "/meetings", url.Values{"unit": {demo.CodeCommittee}, "kind": {store.MeetingCommittee}})
			fmt.Sscanf(r.Header.Get("Location"), "/meetings/%d", &id)
			m, _ = e.db.GetMeeting(ctx, id)
			if d, _ := calendar.ParseDate(m.Day); m.Day < "2026-10-05" || d.Month != time.October || d.Weekday() == time.Saturday || d.Weekday() == time.Sunday || m.Day == "2026-10-05" {
				t.Fatalf("holiday shift: %s", m.Day)
			}

			// The agenda's figures are the rollups of the month before: find a
			// month with received cases and meet on the 5th of the next one.
			*clock = now
			p := principalOf(t, e, "committee01")
			today := calendar.DateOf(now)
			var first calendar.Date
			for k := 1; k <= 10; k++ {
				f := calendar.Date{Year: today.Year, Month: today.Month, Day: 1}
				for range k {
					f = calendar.Date{Year: f.Year, Month: f.Month, Day: 1}.AddDays(-1)
				}
				f = calendar.Date{Year: f.Year, Month: f.Month, Day: 1}
				last := calendar.Date{Year: f.Year, Month: f.Month, Day: 28}.AddDays(5)
				last = calendar.Date{Year: last.Year, Month: last.Month, Day: 1}.AddDays(-1)
				h, err := e.svc.Scorecard.Headline(ctx, p, demo.CodeCommittee, f.String(), last.String())
				if err != nil {
					t.Fatal(err)
				}
				if h.Figures[0].Value > 0 {
					first = f
					break
				}
			}
			if first.IsZero() {
				t.Fatal("no month with received cases in the demo")
			}
			day := calendar.Date{Year: first.Year, Month: first.Month, Day: 1}.AddDays(40)
			day = calendar.Date{Year: day.Year, Month: day.Month, Day: 5}
			m, err = e.svc.Meetings.Schedule(ctx, p, meeting.Draft{Unit: demo.CodeCommittee, Kind: store.MeetingCommittee, Day: day.String()})
			if err != nil {
				t.Fatal(err)
			}
			ag, err := meeting.ParseAgenda(m.Agenda)
			if err != nil {
				t.Fatal(err)
			}
			h, err := e.svc.Scorecard.Headline(ctx, p, demo.CodeCommittee, ag.From, ag.To)
			if err != nil {
				t.Fatal(err)
			}
			if ag.From != first.String() || len(ag.Figures) != len(h.Figures) || len(ag.Figures) == 0 {
				t.Fatalf("agenda %s..%s with %d figures, headline %d", ag.From, ag.To, len(ag.Figures), len(h.Figures))
			}
			for i, f := range h.Figures {
				if ag.Figures[i].Code != f.Code || ag.Figures[i].Value != f.Value {
					t.Errorf("figure %s: agenda %v, rollups %v", f.Code, ag.Figures[i].Value, f.Value)
				}
			}
			rv, err := e.svc.Scorecard.Ranking(ctx, p, demo.CodeCommittee, "room", ag.Ranking.Month)
			if err != nil || ag.Ranking == nil || len(ag.Ranking.Red) != len(rv.Body.Red) || len(ag.Ranking.Black) != len(rv.Body.Black) {
				t.Fatalf("ranking: %+v %v", ag.Ranking, err)
			}
			page := cm.get(fmt.Sprintf("/meetings/%d", m.ID))
			if page.StatusCode != 200 || !strings.Contains(page.body, h.Figures[0].Name) || !strings.Contains(page.body, "红黑榜") {
				t.Fatalf("meeting page: %d %.300s", page.StatusCode, page.body)
			}
			// The agenda lists the unit's open red warnings, as the warnings say.
			reds, err := e.svc.Warnings.UnitRed(ctx, m.UnitID)
			if err != nil || ag.Warnings == nil || len(*ag.Warnings) != len(reds) {
				t.Fatalf("agenda warnings %v, open red %v (%v)", ag.Warnings, reds, err)
			}
			e.svc.Meetings.RedWarnings = func(context.Context, int64) ([]string, error) { return []string{"红色预警：案件已逾期"}, nil }
			m, err = e.svc.Meetings.Schedule(ctx, p, meeting.Draft{Unit: demo.CodeCommittee, Kind: store.MeetingCommittee, Day: day.String()})
			if ag, _ = meeting.ParseAgenda(m.Agenda); err != nil || ag.Warnings == nil || len(*ag.Warnings) != 1 {
				t.Fatalf("warnings: %+v %v", ag.Warnings, err)
			}
			e.svc.Meetings.RedWarnings = nil

			// Bad input: a room meeting for the committee, a bad date.
			n := len(meetingsOf(t, e, ""))
			routineRefused(t, cm.form("POST", "/meetings", url.Values{"unit": {demo.CodeCommittee}, "kind": {store.MeetingRoom}, "day": {today.String()}}), 422, "工作室周例会请选择工作室")
			routineRefused(t, cm.form("POST", "/meetings", url.Values{"unit": {demo.CodeCommittee}, "kind": {store.MeetingJoint}, "day": {"2026-02-30"}}), 422, "不是有效日期")
			routineRefused(t, cm.form("POST", "/meetings", url.Values{"unit": {"no-such"}, "kind": {store.MeetingRoom}, "day": {today.String()}}), 404, "找不到单位")
			if got := len(meetingsOf(t, e, "")); got != n {
				t.Fatalf("refused schedules wrote meetings: %d → %d", n, got)
			}
		})
	}
}

// TestRoutineMeetingRecord: recording a meeting (attendance, minutes),
// action items (owner, due, linked case, done, overdue) and scope.
func TestRoutineMeetingRecord(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		cm := e.login("committee01")
		today := calendar.DateOf(time.Now())

		// The demo: three monthly meetings held, a joint meeting with partners.
		monthly := meetingsOf(t, e, store.MeetingCommittee)
		if len(monthly) != 3 {
			t.Fatalf("demo monthly meetings: %d", len(monthly))
		}
		joint := meetingsOf(t, e, store.MeetingJoint)
		if len(joint) != 1 {
			t.Fatalf("joint meetings: %d", len(joint))
		}
		jm, _ := e.db.GetMeeting(ctx, joint[0].ID)
		if !jm.Held || len(jm.Orgs) != 4 {
			t.Fatalf("joint meeting: %+v", jm)
		}
		list := cm.get("/meetings")
		if list.StatusCode != 200 || !strings.Contains(list.body, "联席会议") || !strings.Contains(list.body, "已逾期") {
			t.Fatalf("list: %d %.500s", list.StatusCode, list.body)
		}

		// A new meeting cannot be held without attendees: 422, nothing changed.
		day := today.AddDays(-1)
		r := cm.form("POST", "/meetings", url.Values{"unit": {demo.CodeCommittee}, "kind": {store.MeetingJoint}, "day": {day.String()}, "title": {"测试联席会议"}})
		if r.StatusCode != 303 {
			t.Fatalf("schedule: %d %s", r.StatusCode, r.body)
		}
		var id int64
		fmt.Sscanf(r.Header.Get("Location"), "/meetings/%d", &id)
		path := fmt.Sprintf("/meetings/%d", id)
		me, lead, med := userID(t, e, "committee01"), userID(t, e, "room_lead01"), userID(t, e, "mediator01")
		council, _ := e.db.GetOrgUnitByCode(ctx, demo.CodeCouncil)
		routineRefused(t, cm.form("POST", path+"/record", url.Values{"minutes": {"纪要"}, "partners": {itoa(council.ID)}}), 422, "没有出席人员的会议不能记录为已召开")
		routineRefused(t, cm.form("POST", path+"/record", url.Values{"minutes": {"纪要"}, "partners": {itoa(council.ID)}, "att_" + itoa(lead): {"absent"}}), 422, "没有出席人员")
		routineRefused(t, cm.form("POST", path+"/record", url.Values{"minutes": {"纪要"}, "att_" + itoa(me): {"present"}, "att_" + itoa(lead): {"absent"}, "partners": {itoa(council.ID)}}), 422, "请填写缺席原因")
		xhm := userID(t, e, "xh_mediator01")
		routineRefused(t, cm.form("POST", path+"/record", url.Values{"minutes": {"纪要"}, "att_" + itoa(xhm): {"present"}, "partners": {itoa(council.ID)}}), 422, "出席人员须为本单位")
		cmtUnit, _ := e.db.GetOrgUnitByCode(ctx, demo.CodeCommittee)
		routineRefused(t, cm.form("POST", path+"/record", url.Values{"minutes": {"纪要"}, "att_" + itoa(me): {"present"}, "partners": {itoa(cmtUnit.ID)}}), 422, "协作单位")
		if m, _ := e.db.GetMeeting(ctx, id); m.Held || len(m.Attendance) != 0 || m.Minutes != "" {
			t.Fatalf("refused records changed the meeting: %+v", m)
		}
		r = cm.form("POST", path+"/record", url.Values{"minutes": {"一、通报情况。\n二、布置工作。"}, "att_" + itoa(me): {"present"},
			"att_" + itoa(lead): {"absent"}, "reason_" + itoa(lead): {"外出调解"}, "partners": {itoa(council.ID)}})
		if r.StatusCode != 303 {
			t.Fatalf("record: %d %s", r.StatusCode, r.body)
		}
		m, _ := e.db.GetMeeting(ctx, id)
		if !m.Held || len(m.Attendance) != 2 || len(m.Orgs) != 1 || m.Orgs[0].ID != council.ID {
			t.Fatalf("recorded: %+v", m)
		}

		// Action items: an out-of-scope case and a bad owner are refused.
		var inScope, outScope store.Case
		page, err := e.db.ListCases(ctx, store.CaseQuery{Scope: store.Scope{All: true}, Limit: 500})
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range page.Cases {
			if strings.HasPrefix(c.OrgPath, cmtUnit.Path) && inScope.ID == 0 {
				inScope = c
			} else if !strings.HasPrefix(c.OrgPath, cmtUnit.Path) && outScope.ID == 0 {
				outScope = c
			}
		}
		if inScope.ID == 0 || outScope.ID == 0 {
			t.Fatalf("demo cases: in %d, out %d", inScope.ID, outScope.ID)
		}
		due := today.AddDays(10).String()
		routineRefused(t, cm.form("POST", path+"/items", url.Values{"body": {"跟进"}, "owner": {itoa(med)}, "due": {due}, "case": {itoa(outScope.ID)}}), 422, "不在您的管辖范围内")
		routineRefused(t, cm.form("POST", path+"/items", url.Values{"body": {"跟进"}, "owner": {itoa(xhm)}, "due": {due}}), 422, "责任人须为本单位")
		routineRefused(t, cm.form("POST", path+"/items", url.Values{"body": {""}, "owner": {itoa(med)}, "due": {due}}), 422, "事项内容不能为空")
		routineRefused(t, cm.form("POST", path+"/items", url.Values{"body": {"跟进"}, "owner": {itoa(med)}, "due": {day.AddDays(-3).String()}}), 422, "不能早于会议日期")
		routineRefused(t, cm.form("POST", path+"/items", url.Values{"body": {"跟进"}, "owner": {itoa(med)}, "due": {due}, "case": {"abc"}}), 422, "找不到案号为“abc”的案件")
		if items, _ := e.db.ListMeetingItems(ctx, store.MeetingItemQuery{MeetingID: id}); len(items) != 0 {
			t.Fatalf("refused items were written: %+v", items)
		}
		r = cm.form("POST", path+"/items", url.Values{"body": {"督促经营者履行协议"}, "owner": {itoa(med)}, "due": {due}, "case": {itoa(inScope.ID)}})
		if r.StatusCode != 303 {
			t.Fatalf("add item: %d %s", r.StatusCode, r.body)
		}
		items, _ := e.db.ListMeetingItems(ctx, store.MeetingItemQuery{MeetingID: id})
		if len(items) != 1 || items[0].CaseID != inScope.ID {
			t.Fatalf("items: %+v", items)
		}
		if pg := cm.get(path); !strings.Contains(pg.body, "/cases/"+itoa(inScope.ID)) || !strings.Contains(pg.body, inScope.Number) {
			t.Fatalf("meeting page lacks the case link")
		}
		if pg := cm.get("/cases/" + itoa(inScope.ID)); !strings.Contains(pg.body, "会议决定事项") || !strings.Contains(pg.body, "督促经营者履行协议") {
			t.Fatalf("case page lacks the action item: %d", pg.StatusCode)
		}

		// Overdue items: the demo's one, not the done ones.
		over, err := e.svc.Meetings.OverdueItems(ctx, today)
		if err != nil || len(over) != 1 || over[0].Done || over[0].Due >= today.String() {
			t.Fatalf("overdue: %+v %v", over, err)
		}
		if later, _ := e.svc.Meetings.OverdueItems(ctx, today.AddDays(11)); len(later) < 3 {
			t.Fatalf("overdue in 11 days: %d", len(later))
		}
		open, _, err := e.svc.Meetings.OpenItems(ctx, principalOf(t, e, "committee01"), nil)
		if err != nil || len(open) < 3 {
			t.Fatalf("open items: %d %v", len(open), err)
		}
		if o, _, _ := e.svc.Meetings.OpenItems(ctx, principalOf(t, e, "xh_committee01"), nil); len(o) != 0 {
			t.Fatalf("Xuhui sees Pudong's items: %+v", o)
		}
		up, err := e.svc.Meetings.Upcoming(ctx, principalOf(t, e, "room_lead01"), today, today.AddDays(7))
		if err != nil || len(up) != 1 || up[0].Kind != store.MeetingRoom || up[0].Held {
			t.Fatalf("upcoming for the room lead: %+v %v", up, err)
		}

		// Done: by the owner (a mediator), once; not by another mediator.
		item := fmt.Sprintf("/meetings/items/%d/done", items[0].ID)
		routineRefused(t, e.login("mediator02").form("POST", item, url.Values{"note": {"x"}}), 404, "不存在")
		// The owner sees the item among their open ones though the committee's meeting is above their room.
		if o, _, _ := e.svc.Meetings.OpenItems(ctx, principalOf(t, e, "mediator01"), nil); !slices.ContainsFunc(o, func(x store.MeetingItem) bool { return x.ID == items[0].ID }) {
			t.Fatalf("owner's open items: %+v", o)
		}
		if r := e.login("mediator01").form("POST", item, url.Values{"note": {"已回访，协议履行完毕"}}); r.StatusCode != 303 {
			t.Fatalf("owner marks done: %d %s", r.StatusCode, r.body)
		}
		got, _ := e.db.GetMeetingItem(ctx, items[0].ID)
		if !got.Done || got.DoneBy != med || got.DoneNote != "已回访，协议履行完毕" || got.DoneAt == nil {
			t.Fatalf("done: %+v", got)
		}
		routineRefused(t, cm.form("POST", item, url.Values{}), 409, "已标记完成")

		// The demo's room meetings: three held, the next to come (the day
		// after the demo was built, which a run crossing midnight in
		// Shanghai reaches: compared with each other, not with now).
		rooms := meetingsOf(t, e, store.MeetingRoom)
		if len(rooms) != 4 || rooms[0].Held || !rooms[1].Held || rooms[0].Day <= rooms[1].Day {
			t.Fatalf("room meetings (latest first): %+v", rooms)
		}
		// A meeting still to come cannot be recorded as held.
		future, err := e.svc.Meetings.Schedule(ctx, principalOf(t, e, "room_lead01"),
			meeting.Draft{Unit: demo.OfficeRoomCode(1), Kind: store.MeetingRoom, Day: today.AddDays(7).String(), Location: "工作室"})
		if err != nil {
			t.Fatal(err)
		}
		routineRefused(t, e.login("room_lead01").form("POST", fmt.Sprintf("/meetings/%d/record", future.ID), url.Values{"minutes": {"纪要"},
			"att_" + itoa(lead): {"present"}}), 422, "尚未到会议日期")
		if m, _ := e.db.GetMeeting(ctx, future.ID); m.Held {
			t.Fatal("a future meeting was recorded as held")
		}

		// Scope: the wrong district, the wrong role, a room lead and the committee's meeting.
		routineRefused(t, e.login("xh_committee01").get(path), 404, "会议不存在")
		routineRefused(t, e.login("xh_justice01").get(path), 404, "会议不存在")
		routineRefused(t, e.login("xh_committee01").form("POST", path+"/record", url.Values{"minutes": {"x"}, "att_" + itoa(me): {"present"}}), 404, "会议不存在")
		routineRefused(t, e.login("xh_committee01").form("POST", "/meetings", url.Values{"unit": {demo.CodeCommittee}, "kind": {store.MeetingCommittee}}), 404, "找不到单位")
		if r := e.login("justice01").get(path); r.StatusCode != 200 {
			t.Fatalf("justice of the district: %d", r.StatusCode)
		}
		if r := e.login("regulator01").get("/meetings"); r.StatusCode != 403 {
			t.Fatalf("regulator: %d", r.StatusCode)
		}
		rl := e.login("room_lead01")
		routineRefused(t, rl.get(path), 404, "会议不存在")
		routineRefused(t, rl.form("POST", "/meetings", url.Values{"unit": {demo.CodeCommittee}, "kind": {store.MeetingCommittee}}), 404, "找不到单位")
		routineRefused(t, e.login("mediator01").form("POST", path+"/items", url.Values{"body": {"x"}, "owner": {itoa(med)}, "due": {due}}), 403, "")
		if r := rl.get(fmt.Sprintf("/meetings/%d", rooms[0].ID)); r.StatusCode != 200 || !strings.Contains(r.body, "记录会议") {
			t.Fatalf("room lead's own meeting: %d", r.StatusCode)
		}
		if r := e.login("mediator01").get(fmt.Sprintf("/meetings/%d", rooms[0].ID)); r.StatusCode != 200 || strings.Contains(r.body, "记录会议") {
			t.Fatalf("mediator reads the room meeting without managing it: %d", r.StatusCode)
		}
		if _, err := e.svc.Meetings.Get(ctx, nil, id); err == nil {
			t.Fatal("nil principal read a meeting")
		}
	})
}

// TestRoutineTrainings: recording sessions, hours per mediator per year,
// the shortfall before year end, uploads checked by content, and scope.
func TestRoutineTrainings(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		cm := e.login("committee01")
		today := calendar.DateOf(time.Now())
		year := today.Year
		med1, med5, med9 := userID(t, e, "mediator01"), userID(t, e, "mediator05"), userID(t, e, "mediator09")
		cmtUnit, _ := e.db.GetOrgUnitByCode(ctx, demo.CodeCommittee)
		count := func() int {
			ts, err := e.db.ListTrainings(ctx, store.TrainingQuery{Prefixes: []string{"/"}})
			if err != nil {
				t.Fatal(err)
			}
			return len(ts)
		}
		n := count()
		if n != 5 {
			t.Fatalf("demo trainings: %d", n)
		}
		if r := cm.get("/trainings"); r.StatusCode != 200 || !strings.Contains(r.body, "年度要求") || !strings.Contains(r.body, "东方调解中心") && !strings.Contains(r.body, "消费者权益保护委员会") {
			t.Fatalf("trainings page: %d %.300s", r.StatusCode, r.body)
		}

		// Bad input: nothing is recorded.
		jan := calendar.Date{Year: year, Month: 1, Day: 2}.String()
		base := url.Values{"unit": {demo.CodeCommittee}, "topic": {"法律法规更新"}, "organiser": {"浦东新区司法局"}, "day": {jan}, "attendees": {itoa(med1)}}
		with := func(k, v string) url.Values {
			x := url.Values{}
			for kk, vv := range base {
				x[kk] = vv
			}
			x.Set(k, v)
			return x
		}
		routineRefused(t, cm.form("POST", "/trainings", with("hours", "-2")), 422, "学时须大于0")
		routineRefused(t, cm.form("POST", "/trainings", with("hours", "abc")), 422, "不是有效数字")
		routineRefused(t, cm.form("POST", "/trainings", with("hours", "41")), 422, "不能超过")
		routineRefused(t, cm.form("POST", "/trainings", func() url.Values { v := with("hours", "2"); v.Set("topic", ""); return v }()), 422, "培训主题不能为空")
		routineRefused(t, cm.form("POST", "/trainings", func() url.Values {
			v := with("hours", "2")
			v.Set("attendees", itoa(userID(t, e, "xh_mediator01")))
			return v
		}()), 422, "参训人员须为")
		routineRefused(t, cm.form("POST", "/trainings", func() url.Values { v := with("hours", "2"); v.Set("organiser_id", itoa(cmtUnit.ID+1)); return v }()), 422, "主办单位须为")
		if got := count(); got != n {
			t.Fatalf("refused trainings were written: %d → %d", n, got)
		}

		// This week's sessions for 今日: the demo's are all in the past.
		if up, err := e.svc.Trainings.Upcoming(ctx, principalOf(t, e, "committee01"), today, today.AddDays(7)); err != nil || len(up) != 0 {
			t.Fatalf("upcoming before: %+v %v", up, err)
		}
		if up, _ := e.svc.Trainings.Upcoming(ctx, principalOf(t, e, "committee01"), today.AddDays(-200), today); len(up) != 5 {
			t.Fatalf("the demo's sessions: %d", len(up))
		}
		if up, _ := e.svc.Trainings.Upcoming(ctx, principalOf(t, e, "xh_committee01"), today.AddDays(-200), today); len(up) != 0 {
			t.Fatalf("Xuhui sees Pudong's sessions: %d", len(up))
		}

		// Hours per year: a 40-hour course for mediator01 adds 40 to their year only.
		before, err := e.svc.Trainings.Hours(ctx, []int64{med1, med5}, year)
		if err != nil {
			t.Fatal(err)
		}
		r := cm.form("POST", "/trainings", with("hours", "40"))
		if r.StatusCode != 303 {
			t.Fatalf("record: %d %s", r.StatusCode, r.body)
		}
		var tid int64
		fmt.Sscanf(r.Header.Get("Location"), "/trainings/%d", &tid)
		after, _ := e.svc.Trainings.Hours(ctx, []int64{med1, med5}, year)
		if after[med1]-before[med1] != 40 || after[med5] != before[med5] {
			t.Fatalf("hours: before %v after %v", before, after)
		}
		if prev, _ := e.svc.Trainings.Hours(ctx, []int64{med1}, year-3); prev[med1] != 0 {
			t.Fatalf("hours three years ago: %v", prev)
		}
		// A decimal session: 1.5 hours = 90 minutes.
		r = cm.form("POST", "/trainings", func() url.Values { v := with("hours", "1.5"); v.Set("attendees", itoa(med5)); return v }())
		if r.StatusCode != 303 {
			t.Fatalf("record 1.5: %d", r.StatusCode)
		}
		if h, _ := e.svc.Trainings.Hours(ctx, []int64{med5}, year); h[med5]-after[med5] != 1.5 {
			t.Fatalf("1.5 hours: %v → %v", after[med5], h[med5])
		}

		// Shortfall: none before the last quarter; in December the demo's
		// short mediators, not mediator01.
		if s, err := e.svc.Trainings.Shortfall(ctx, calendar.Date{Year: year, Month: 9, Day: 30}); err != nil || len(s) != 0 {
			t.Fatalf("shortfall in September: %+v %v", s, err)
		}
		short, err := e.svc.Trainings.Shortfall(ctx, calendar.Date{Year: year, Month: 12, Day: 20})
		if err != nil {
			t.Fatal(err)
		}
		has := func(id int64) bool {
			return slices.ContainsFunc(short, func(r training.Row) bool { return r.UserID == id })
		}
		if !has(med5) || !has(med9) || has(med1) {
			t.Fatalf("shortfall: %+v", short)
		}
		for _, s := range short {
			if s.Hours >= s.Due || s.Due >= s.Minimum {
				t.Fatalf("short row: %+v", s)
			}
		}
		// The minimum is a setting: refused when bad, and lowering it to one
		// hour leaves mediator05 (with at least 1.5 hours) on track.
		routineRefused(t, cm.form("POST", "/trainings/minimum", url.Values{"committee": {demo.CodeCommittee}, "hours": {"-3"}}), 422, "学时须大于0")
		if _, err := e.db.GetTrainingMinimum(ctx, cmtUnit.ID); err == nil {
			t.Fatal("a refused minimum was stored")
		}
		routineRefused(t, e.login("room_lead01").form("POST", "/trainings/minimum", url.Values{"committee": {demo.CodeCommittee}, "hours": {"1"}}), 404, "找不到调委会")
		if r := cm.form("POST", "/trainings/minimum", url.Values{"committee": {demo.CodeCommittee}, "hours": {"1"}}); r.StatusCode != 303 {
			t.Fatalf("set minimum: %d", r.StatusCode)
		}
		short, _ = e.svc.Trainings.Shortfall(ctx, calendar.Date{Year: year, Month: 12, Day: 20})
		if has(med5) {
			t.Fatalf("mediator05 still short of one hour: %+v", short)
		}

		// Uploads: checked by content, served only in scope.
		path := fmt.Sprintf("/trainings/%d", tid)
		files := func() int {
			fs, err := e.db.ListTrainingFiles(ctx, tid)
			if err != nil {
				t.Fatal(err)
			}
			return len(fs)
		}
		routineRefused(t, uploadFile(cm, path+"/files", "file", "讲义.pdf", []byte("这不是PDF文件"), map[string]string{"kind": "material"}), 422, "只能上传JPG、PNG图片或PDF文件")
		routineRefused(t, uploadFile(cm, path+"/files", "file", "证书.pdf", []byte("%PDF-1.4\n%%EOF\n"), map[string]string{"kind": "certificate", "user": itoa(med5)}), 422, "参训人员")
		routineRefused(t, uploadFile(cm, path+"/files", "file", "x.pdf", []byte("%PDF-1.4\n%%EOF\n"), map[string]string{"kind": "poster"}), 422, "培训材料或结业证书")
		if files() != 0 {
			t.Fatal("refused uploads were stored")
		}
		r = uploadFile(cm, path+"/files", "file", "结业证书.pdf", []byte("%PDF-1.4\n1 0 obj\n%%EOF\n"), map[string]string{"kind": "certificate", "user": itoa(med1)})
		if r.StatusCode != 303 || files() != 1 {
			t.Fatalf("upload: %d %s", r.StatusCode, r.body)
		}
		fs, _ := e.db.ListTrainingFiles(ctx, tid)
		file := fmt.Sprintf("%s/files/%d", path, fs[0].ID)
		if r := cm.get(file); r.StatusCode != 200 || r.Header.Get("Content-Type") != "application/pdf" || !strings.Contains(r.Header.Get("Content-Disposition"), "attachment") {
			t.Fatalf("download: %d %v", r.StatusCode, r.Header)
		}
		if r := cm.get(path); r.StatusCode != 200 || !strings.Contains(r.body, "结业证书.pdf") {
			t.Fatalf("training page: %d", r.StatusCode)
		}

		// Scope: the wrong district, the wrong role, a mediator.
		routineRefused(t, e.login("xh_committee01").get(path), 404, "培训不存在")
		routineRefused(t, e.login("xh_committee01").get(file), 404, "培训不存在")
		routineRefused(t, e.login("xh_committee01").form("POST", path+"/attendance", url.Values{"attendees": {itoa(med1)}}), 404, "培训不存在")
		routineRefused(t, e.login("xh_committee01").form("POST", "/trainings", with("hours", "2")), 404, "找不到单位")
		if r := e.login("regulator01").get("/trainings"); r.StatusCode != 403 {
			t.Fatalf("regulator: %d", r.StatusCode)
		}
		if r := e.login("mediator01").form("POST", "/trainings", with("hours", "2")); r.StatusCode != 403 {
			t.Fatalf("mediator records a training: %d", r.StatusCode)
		}
		routineRefused(t, e.login("room_lead01").form("POST", path+"/attendance", url.Values{"attendees": {itoa(med1)}}), 404, "培训不存在")
		if r := e.login("justice01").get(path); r.StatusCode != 200 {
			t.Fatalf("justice: %d", r.StatusCode)
		}
		// Attendance: replaced, and a stranger is refused.
		routineRefused(t, cm.form("POST", path+"/attendance", url.Values{"attendees": {itoa(userID(t, e, "xh_mediator01"))}}), 422, "参训人员须为")
		if r := cm.form("POST", path+"/attendance", url.Values{"attendees": {itoa(med9)}}); r.StatusCode != 303 {
			t.Fatalf("attendance: %d", r.StatusCode)
		}
		if h, _ := e.svc.Trainings.Hours(ctx, []int64{med1, med9}, year); h[med1] != before[med1] {
			t.Fatalf("after replacing attendance: %v", h)
		}
	})
}

// A bureau whose scope holds several committees sees each committee's
// tally of training hours, not every mediator of the city, and opens one
// committee's mediators from it; a committee outside the scope is not found.
func TestTrainingsByCommittee(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		j := e.login("justice01")
		// One district, one committee: the mediators themselves.
		p := j.get("/trainings")
		if p.StatusCode != 200 || !strings.Contains(p.body, `id="hours"`) || strings.Contains(p.body, `id="committees"`) {
			t.Fatalf("a district's page: %d", p.StatusCode)
		}
		if r := j.get("/trainings?committee=" + demo.CodeXHCommittee); r.StatusCode != 404 || !strings.Contains(r.body, "找不到调委会") {
			t.Fatalf("another district's committee: %d", r.StatusCode)
		}

		// The city's bureau: every committee of the city.
		city, _ := e.db.GetOrgUnitByCode(ctx, demo.CodeCity)
		if err := e.db.AddBinding(ctx, store.Binding{UserID: userID(t, e, "justice01"), Role: "justice", OrgID: city.ID}); err != nil {
			t.Fatal(err)
		}
		who := principalOf(t, e, "justice01")
		wide, err := e.svc.Trainings.Overview(ctx, who, training.Query{})
		if err != nil {
			t.Fatal(err)
		}
		if !wide.Wide || len(wide.Rows) != 0 || len(wide.ByCommittee) != 2 {
			t.Fatalf("city-wide overview: wide %v, %d rows, %d committees", wide.Wide, len(wide.Rows), len(wide.ByCommittee))
		}
		short := 0
		for _, c := range wide.ByCommittee {
			one, err := e.svc.Trainings.Overview(ctx, who, training.Query{Committee: c.Code})
			if err != nil {
				t.Fatal(err)
			}
			met := 0
			for _, r := range one.Rows {
				if r.CommitteeCode != c.Code {
					t.Fatalf("%s lists %s of %s", c.Code, r.Name, r.CommitteeCode)
				}
				if r.Missing == 0 {
					met++
				}
			}
			if c.Mediators == 0 || len(one.Rows) != c.Mediators || one.Short != c.Short || met != c.Met || one.ByCommittee != nil {
				t.Fatalf("%s: tally %+v, its page %d rows, %d short, %d met", c.Code, c, len(one.Rows), one.Short, met)
			}
			short += c.Short
		}
		if short != wide.Short {
			t.Fatalf("the tally's short %d, its committees' %d", wide.Short, short)
		}
		// The committee's own reader sees the same rows as the bureau's drill-down.
		own, err := e.svc.Trainings.Overview(ctx, principalOf(t, e, "committee01"), training.Query{})
		if err != nil {
			t.Fatal(err)
		}
		if own.Wide || len(own.Rows) != wide.ByCommittee[slices.IndexFunc(wide.ByCommittee, func(c training.CommitteeHours) bool { return c.Code == demo.CodeCommittee })].Mediators {
			t.Fatalf("committee01's rows %d against the tally %+v", len(own.Rows), wide.ByCommittee)
		}

		p = j.get("/trainings")
		if p.StatusCode != 200 || !strings.Contains(p.body, `id="committees"`) || strings.Contains(p.body, `id="hours"`) ||
			!strings.Contains(p.body, "committee="+demo.CodeXHCommittee) || !strings.Contains(p.body, "committee="+demo.CodeCommittee) {
			t.Fatalf("city-wide page: %d", p.StatusCode)
		}
		p = j.get("/trainings?committee=" + demo.CodeXHCommittee)
		if p.StatusCode != 200 || !strings.Contains(p.body, `id="hours"`) || !strings.Contains(p.body, "返回各调委会汇总") ||
			!strings.Contains(p.body, `name="committee" value="`+demo.CodeXHCommittee+`"`) {
			t.Fatalf("one committee's page: %d", p.StatusCode)
		}
		// The tally and a committee's rows on a phone (one engine: the
		// layout is the template's, as in TestBrowserEveryPageOnPhone).
		if strings.HasSuffix(t.Name(), "/sqlite") {
			ph := newPhone(t)
			ph.signIn(t, e.ts.URL, "justice01")
			ph.check(t, e.ts.URL, "justice01", "/trainings")
			ph.check(t, e.ts.URL, "justice01", "/trainings?committee="+demo.CodeXHCommittee)
			ph.check(t, e.ts.URL, "justice01", "/trainings?record="+demo.CodeXHCommittee)
		}
		if r := j.get("/trainings?committee=nope"); r.StatusCode != 404 || !strings.Contains(r.body, "找不到调委会") {
			t.Fatalf("unknown committee: %d", r.StatusCode)
		}
		// The city's recorder picks the unit before the form lists anyone:
		// then that unit's mediators only, not the city's.
		attendees := regexp.MustCompile(`name="attendees" value="(\d+)"`)
		if p := j.get("/trainings"); !strings.Contains(p.body, "请先选择记录单位") || attendees.MatchString(p.body) || strings.Contains(p.body, `id="new-training"`) {
			t.Fatalf("a city recorder's form lists mediators before a unit is chosen")
		}
		xhUnit, _ := e.db.GetOrgUnitByCode(ctx, demo.CodeXHCommittee)
		xhStaff, err := e.db.RoutineStaff(ctx, []string{xhUnit.Path}, []domain.Role{domain.RoleMediator, domain.RoleRoomLead})
		if err != nil || len(xhStaff) == 0 {
			t.Fatalf("Xuhui's mediators: %d %v", len(xhStaff), err)
		}
		p = j.get("/trainings?record=" + demo.CodeXHCommittee)
		listed := attendees.FindAllStringSubmatch(p.body, -1)
		if p.StatusCode != 200 || len(listed) != len(xhStaff) || !strings.Contains(p.body, `name="unit" value="`+demo.CodeXHCommittee+`"`) {
			t.Fatalf("Xuhui's record form: %d, %d listed of %d", p.StatusCode, len(listed), len(xhStaff))
		}
		for _, m := range listed {
			if !slices.ContainsFunc(xhStaff, func(s store.Staff) bool { return itoa(s.UserID) == m[1] }) {
				t.Fatalf("user %s listed for Xuhui is not Xuhui's", m[1])
			}
		}
		if r := j.get("/trainings?record=nope"); r.StatusCode != 404 || !strings.Contains(r.body, "找不到记录单位") {
			t.Fatalf("unknown record unit: %d", r.StatusCode)
		}
		// A committee's own recorder gets its committee's form at once.
		if p := e.login("committee01").get("/trainings"); !strings.Contains(p.body, `name="unit" value="`+demo.CodeCommittee+`"`) || !attendees.MatchString(p.body) {
			t.Fatal("committee01's record form is not its committee's")
		}
		if r := e.login("committee01").get("/trainings?committee=" + demo.CodeXHCommittee); r.StatusCode != 404 {
			t.Fatalf("committee01 opened Xuhui's hours: %d", r.StatusCode)
		}
	})
}
