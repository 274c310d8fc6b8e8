package server_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/tiaojie/tiaojie/internal/domain"
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
