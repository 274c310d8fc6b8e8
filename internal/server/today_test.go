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
	"github.com/tiaojie/tiaojie/internal/training"
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
		m := firstMeeting(t, e, store.MeetingCommittee)
		owner := userID(t, e, "mediator01")
		before, _, err := e.svc.Meetings.OpenItems(ctx, principalOf(t, e, "committee01"), nil)
		if err != nil {
			t.Fatal(err)
		}
		// 150 overdue, on 30 days (ties within a day), none done.
		want := map[string]bool{}
		for i := range 150 {
			body := fmt.Sprintf("补齐台账第%03d项", i)
			it := store.MeetingItem{MeetingID: m.ID, Body: body, OwnerID: owner, Due: time.Now().AddDate(0, 0, -40+i%30).Format("2006-01-02")}
			if err := e.db.AddMeetingItem(ctx, &it); err != nil {
				t.Fatal(err)
			}
			want[body] = true
		}
		cm := e.login("committee01")
		body := regexp.MustCompile(`补齐台账第\d{3}项`)
		next := regexp.MustCompile(`<a href="(/meetings\?after=[^"#]+)#open-items" id="items-next">`)
		seen, shown, pages := walkPages(t, cm, "/meetings", `id="open-items"`, next, body, meeting.OpenShown)
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

// firstMeeting is the demo's first meeting of a kind under the committee.
func firstMeeting(t *testing.T, e *env, kind string) store.Meeting {
	t.Helper()
	ms := meetingsOf(t, e, kind)
	if len(ms) == 0 {
		t.Fatalf("the demo has no %s meeting", kind)
	}
	return ms[0]
}

// walkPages follows a list's next links from first: each page's rows (the
// marks found after the section's anchor) and how many pages there were.
func walkPages(t *testing.T, c *client, first, anchor string, next, mark *regexp.Regexp, most int) (seen map[string]int, rows, pages int) {
	t.Helper()
	seen = map[string]int{}
	for link := first; link != "" && pages < 20; pages++ {
		res := c.get(link)
		if res.StatusCode != 200 {
			t.Fatalf("%s: %d", link, res.StatusCode)
		}
		at := strings.Index(res.body, anchor)
		if at < 0 {
			t.Fatalf("%s has no %s", link, anchor)
		}
		section := res.body[at:]
		if end := strings.Index(section, "</table>"); end > 0 {
			section = section[:end]
		}
		n := strings.Count(section, "<tr><td")
		if n > most {
			t.Fatalf("%s lists %d rows, at most %d", link, n, most)
		}
		rows += n
		for _, m := range mark.FindAllString(section, -1) {
			seen[m]++
		}
		link = ""
		if m := next.FindStringSubmatch(res.body); m != nil {
			link = html.UnescapeString(m[1])
		}
	}
	return seen, rows, pages
}

// A district's rooms meet monthly and train often: the meetings and the
// trainings pages list them latest first a page at a time, and every one
// is reachable, once.
func TestMeetingsAndTrainingsPaged(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		r := firstMeeting(t, e, store.MeetingRoom)
		scope := principalOf(t, e, "committee01").Scope(domain.PermRoutineRead).Prefixes
		meetings, err := e.db.ListMeetings(ctx, store.MeetingQuery{Prefixes: scope, Limit: 1000})
		if err != nil {
			t.Fatal(err)
		}
		year := time.Now().Year()
		trainings, err := e.db.ListTrainings(ctx, store.TrainingQuery{Prefixes: scope, From: fmt.Sprintf("%d-01-01", year), To: fmt.Sprintf("%d-12-31", year), Limit: 1000})
		if err != nil {
			t.Fatal(err)
		}
		by := userID(t, e, "committee01")
		for i := range 70 { // two a day: ties on the day
			m := store.Meeting{UnitID: r.UnitID, UnitPath: r.UnitPath, Kind: store.MeetingRoom, Day: time.Now().AddDate(-2, 0, i/2).Format("2006-01-02"),
				Title: fmt.Sprintf("工作室例会第%02d次", i), CreatedBy: by}
			if err := e.db.CreateMeeting(ctx, &m); err != nil {
				t.Fatal(err)
			}
			tr := store.Training{UnitID: r.UnitID, UnitPath: r.UnitPath, Topic: fmt.Sprintf("业务培训第%02d期", i), Organiser: "区司法局",
				Day: fmt.Sprintf("%d-01-%02d", year, 1+i/3), Minutes: 90, CreatedBy: by}
			if err := e.db.CreateTraining(ctx, &tr); err != nil {
				t.Fatal(err)
			}
		}
		cm := e.login("committee01")
		for _, c := range []struct {
			first, anchor, next, mark string
			before, most              int
		}{
			{"/meetings", `id="meetings"`, `<a href="(/meetings\?past=[^"#]+)#meetings" id="meetings-next">`, `工作室例会第\d{2}次`, len(meetings), meeting.MeetingsShown},
			{"/trainings", `id="sessions"`, `<a href="(/trainings\?year=\d+&amp;past=[^"#]+)#sessions" id="sessions-next">`, `业务培训第\d{2}期`, len(trainings), training.SessionsShown},
		} {
			seen, rows, pages := walkPages(t, cm, c.first, c.anchor, regexp.MustCompile(c.next), regexp.MustCompile(c.mark), c.most)
			if rows != c.before+70 || len(seen) != 70 || pages < 2 {
				t.Fatalf("%s: %d pages list %d rows (%d of the new), want %d", c.first, pages, rows, len(seen), c.before+70)
			}
			for k, n := range seen {
				if n != 1 {
					t.Fatalf("%s: %s listed %d times", c.first, k, n)
				}
			}
			if res := cm.get(c.first + "?past=not-a-cursor"); res.StatusCode != 400 || !strings.Contains(res.body, "分页参数无效") {
				t.Fatalf("%s: a cursor no page gave: %d", c.first, res.StatusCode)
			}
		}
	})
}
