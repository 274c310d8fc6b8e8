package server_test

import (
	"context"
	"fmt"
	"html"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/tiaojie/tiaojie/internal/domain"
	"github.com/tiaojie/tiaojie/internal/meeting"
	"github.com/tiaojie/tiaojie/internal/store"
)

// The 今日 page lists the 催办 and 督办 its reader owes a written reply to,
// however many of other mediators' are open in the units the reader
// oversees: a room lead who also mediates sees their own among the room's
// newest two hundred and more.
func TestTodayRepliesOwed(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		lead := principalOf(t, e, "room_lead01")
		var room store.OrgUnit
		for _, b := range lead.Bindings {
			if b.Role == domain.RoleRoomLead {
				u, err := e.db.GetOrgUnit(ctx, b.OrgID)
				if err != nil {
					t.Fatal(err)
				}
				room = u
			}
		}
		var caseID int64
		var number string
		if err := e.db.Writer().QueryRowContext(ctx, `SELECT id, number FROM cases WHERE room_id = $1 ORDER BY id LIMIT 1`, room.ID).Scan(&caseID, &number); err != nil {
			t.Fatal(err)
		}
		other := userID(t, e, "mediator01")
		at := time.Now().Add(-time.Hour)
		add := func(mediator int64, request string, at time.Time) {
			s := store.Supervision{Kind: "urge", CaseID: caseID, UnitID: room.ID, UnitPath: room.Path, MediatorID: mediator,
				Request: request, RequestedBy: userID(t, e, "committee01"), RequestedAt: at, Due: at.Add(48 * time.Hour)}
			if err := e.db.CreateSupervision(ctx, &s); err != nil {
				t.Fatal(err)
			}
		}
		add(lead.UserID, "请室主任说明本案调解进度", at)
		for i := range 210 {
			add(other, fmt.Sprintf("请说明进度%d", i), at.Add(time.Duration(i+1)*time.Second))
		}
		res := e.login("room_lead01").get("/today")
		if res.StatusCode != 200 {
			t.Fatalf("today: %d", res.StatusCode)
		}
		if !strings.Contains(res.body, "待我书面回复的催办、督办") || !strings.Contains(res.body, "请室主任说明本案调解进度") {
			t.Fatalf("the lead's own 催办 is not on the page")
		}
		if strings.Contains(res.body, "请说明进度") {
			t.Fatalf("another mediator's 催办 is listed as the lead's to answer")
		}
		// mediator01 owes them all; the lead's is not theirs.
		res = e.login("mediator01").get("/today")
		if !strings.Contains(res.body, "请说明进度209") || strings.Contains(res.body, "请室主任说明本案调解进度") {
			t.Fatalf("mediator01's replies owed are wrong")
		}
	})
}

// A committee's years of unfinished action items: the meetings page lists
// them soonest due first a page at a time, every one reachable and none
// twice; 今日 lists the most overdue and says there are more.
func TestOpenItemsPaged(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		ms := meetingsOf(t, e, store.MeetingCommittee)
		if len(ms) == 0 {
			t.Fatal("the demo has no committee meeting")
		}
		owner := userID(t, e, "mediator01")
		before, _, err := e.svc.Meetings.OpenItems(ctx, principalOf(t, e, "committee01"), nil)
		if err != nil {
			t.Fatal(err)
		}
		// 150 overdue, on 30 days (ties within a day), none done.
		want := map[string]bool{}
		for i := range 150 {
			body := fmt.Sprintf("补齐台账第%03d项", i)
			it := store.MeetingItem{MeetingID: ms[0].ID, Body: body, OwnerID: owner, Due: time.Now().AddDate(0, 0, -40+i%30).Format("2006-01-02")}
			if err := e.db.AddMeetingItem(ctx, &it); err != nil {
				t.Fatal(err)
			}
			want[body] = true
		}
		cm := e.login("committee01")
		seen := map[string]int{}
		link, pages, shown := "/meetings", 0, 0
		body := regexp.MustCompile(`补齐台账第\d{3}项`)
		next := regexp.MustCompile(`<a href="(/meetings\?after=[^"#]+)#open-items" id="items-next">`)
		for link != "" {
			res := cm.get(link)
			if res.StatusCode != 200 {
				t.Fatalf("%s: %d", link, res.StatusCode)
			}
			pages++
			rows := strings.Count(res.body[strings.Index(res.body, `id="open-items"`):strings.Index(res.body, `id="meetings"`)], "<tr><td data-label=\"事项\">")
			if rows > meeting.OpenShown {
				t.Fatalf("page %d lists %d items", pages, rows)
			}
			shown += rows
			for _, m := range body.FindAllString(res.body, -1) {
				seen[m]++
			}
			link = ""
			if m := next.FindStringSubmatch(res.body); m != nil {
				link = html.UnescapeString(m[1])
			}
		}
		if pages < 2 {
			t.Fatalf("%d open items on %d page", shown, pages)
		}
		if shown != len(before)+150 {
			t.Fatalf("the pages list %d open items, want %d", shown, len(before)+150)
		}
		for b := range want {
			if seen[b] != 1 {
				t.Fatalf("%s listed %d times", b, seen[b])
			}
		}
		if r := cm.get("/meetings?after=not-a-cursor"); r.StatusCode != 400 || !strings.Contains(r.body, "分页参数无效") {
			t.Fatalf("a cursor no page gave: %d", r.StatusCode)
		}
		today := cm.get("/today")
		if !strings.Contains(today.body, "项以上") || !strings.Contains(today.body, "其余见") {
			t.Fatalf("今日 does not say more items are overdue than it lists")
		}
		if n := len(body.FindAllString(today.body, -1)); n == 0 || n > meeting.OpenShown {
			t.Fatalf("今日 lists %d of the overdue items", n)
		}
	})
}

// A district's rooms meet monthly: the meetings page lists them latest
// first a page at a time, and every meeting is reachable.
func TestMeetingsPaged(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		rooms := meetingsOf(t, e, store.MeetingRoom)
		if len(rooms) == 0 {
			t.Fatal("the demo has no room meeting")
		}
		before, err := e.db.ListMeetings(ctx, store.MeetingQuery{Prefixes: principalOf(t, e, "committee01").Scope(domain.PermRoutineRead).Prefixes, Limit: 1000})
		if err != nil {
			t.Fatal(err)
		}
		r := rooms[0]
		for i := range 70 { // two a day over 35 days: ties on the day
			m := store.Meeting{UnitID: r.UnitID, UnitPath: r.UnitPath, Kind: store.MeetingRoom, Day: time.Now().AddDate(-2, 0, i/2).Format("2006-01-02"),
				Title: fmt.Sprintf("工作室例会第%02d次", i), CreatedBy: userID(t, e, "committee01")}
			if err := e.db.CreateMeeting(ctx, &m); err != nil {
				t.Fatal(err)
			}
		}
		cm := e.login("committee01")
		title := regexp.MustCompile(`工作室例会第\d{2}次`)
		next := regexp.MustCompile(`<a href="(/meetings\?past=[^"#]+)#meetings" id="meetings-next">`)
		seen := map[string]int{}
		link, pages, rows := "/meetings", 0, 0
		for link != "" && pages < 20 {
			res := cm.get(link)
			if res.StatusCode != 200 {
				t.Fatalf("%s: %d", link, res.StatusCode)
			}
			pages++
			table := res.body[strings.Index(res.body, `id="meetings"`):]
			n := strings.Count(table, `<td data-label="日期">`)
			if n > meeting.MeetingsShown {
				t.Fatalf("page %d lists %d meetings", pages, n)
			}
			rows += n
			for _, m := range title.FindAllString(table, -1) {
				seen[m]++
			}
			link = ""
			if m := next.FindStringSubmatch(res.body); m != nil {
				link = html.UnescapeString(m[1])
			}
		}
		if rows != len(before)+70 || len(seen) != 70 || pages < 2 {
			t.Fatalf("%d pages list %d meetings (%d of the new), want %d", pages, rows, len(seen), len(before)+70)
		}
		for k, n := range seen {
			if n != 1 {
				t.Fatalf("%s listed %d times", k, n)
			}
		}
		if res := cm.get("/meetings?past=not-a-cursor"); res.StatusCode != 400 {
			t.Fatalf("a cursor no page gave: %d", res.StatusCode)
		}
	})
}
