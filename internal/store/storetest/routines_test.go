package storetest

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/tiaojie/tiaojie/internal/domain"
	"github.com/tiaojie/tiaojie/internal/store"
	"github.com/tiaojie/tiaojie/internal/store/sqlstore"
)

// TestRoutineStore: meetings with attendance, partner orgs and action
// items; trainings with attendance, files, minutes per year and minimums.
func TestRoutineStore(t *testing.T) {
	for _, e := range Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			t.Parallel()
			t.Run("Meetings", func(t *testing.T) { t.Parallel(); testMeetings(t, e.Open(t, true)) })
			t.Run("Trainings", func(t *testing.T) { t.Parallel(); testTrainings(t, e.Open(t, true)) })
		})
	}
}

func mkUser(t *testing.T, db store.Store, name string, role domain.Role, org store.OrgUnit) store.User {
	t.Helper()
	u := store.User{Username: name, DisplayName: name, PasswordHash: "x", Active: true}
	if err := db.CreateUser(context.Background(), &u); err != nil {
		t.Fatal(err)
	}
	if err := db.AddBinding(context.Background(), store.Binding{UserID: u.ID, Role: role, OrgID: org.ID}); err != nil {
		t.Fatal(err)
	}
	return u
}

func testMeetings(t *testing.T, db *sqlstore.DB) {
	ctx := context.Background()
	f := newFixture(t, db)
	lead := mkUser(t, db, "lead1", domain.RoleRoomLead, f.room1)
	med := mkUser(t, db, "med1", domain.RoleMediator, f.room1)
	med2 := mkUser(t, db, "med2", domain.RoleMediator, f.room2)
	cmt := mkUser(t, db, "cmt1", domain.RoleCommittee, f.committee)
	mkUser(t, db, "xh1", domain.RoleMediator, f.otherCommittee)
	mkUser(t, db, "reg1", domain.RoleRegulator, f.regulator)

	staff, err := db.RoutineStaff(ctx, []string{f.committee.Path}, []domain.Role{domain.RoleCommittee, domain.RoleRoomLead, domain.RoleMediator})
	if err != nil || len(staff) != 4 {
		t.Fatalf("committee staff: %+v %v", staff, err)
	}
	staff, _ = db.RoutineStaff(ctx, []string{f.room1.Path}, []domain.Role{domain.RoleMediator})
	if len(staff) != 1 || staff[0].UserID != med.ID || staff[0].UnitName != f.room1.Name {
		t.Fatalf("room mediators: %+v", staff)
	}
	if s, _ := db.RoutineStaff(ctx, nil, []domain.Role{domain.RoleMediator}); len(s) != 0 {
		t.Fatalf("no prefixes: %+v", s)
	}

	m := store.Meeting{UnitID: f.committee.ID, UnitPath: f.committee.Path, Kind: store.MeetingJoint, Day: "2026-11-05", Title: "联席会议",
		Agenda: `{"from":"2026-10-01"}`, CreatedBy: cmt.ID}
	if err := db.CreateMeeting(ctx, &m); err != nil || m.ID == 0 {
		t.Fatal(err)
	}
	rm := store.Meeting{UnitID: f.room1.ID, UnitPath: f.room1.Path, Kind: store.MeetingRoom, Day: "2026-11-09", Title: "周例会", Agenda: "{}", CreatedBy: lead.ID}
	if err := db.CreateMeeting(ctx, &rm); err != nil {
		t.Fatal(err)
	}
	got, err := db.GetMeeting(ctx, m.ID)
	if err != nil || got.Held || got.Agenda != m.Agenda || got.UnitName != f.committee.Name || got.Day != "2026-11-05" || len(got.Attendance) != 0 {
		t.Fatalf("get: %+v %v", got, err)
	}
	at := time.Date(2026, 11, 5, 10, 0, 0, 0, time.UTC)
	rec := store.Meeting{ID: m.ID, Minutes: "会议纪要", Location: "三楼会议室", HeldAt: &at, HeldBy: cmt.ID,
		Attendance: []store.Attendance{{UserID: cmt.ID, Present: true}, {UserID: lead.ID, Present: true}, {UserID: med.ID, Reason: "外出调解"}},
		Orgs:       []store.OrgRef{{ID: f.regulator.ID}}}
	if err := db.RecordMeeting(ctx, rec); err != nil {
		t.Fatal(err)
	}
	got, _ = db.GetMeeting(ctx, m.ID)
	if !got.Held || got.Minutes != "会议纪要" || got.HeldAt == nil || !got.HeldAt.Equal(at) || len(got.Attendance) != 3 ||
		!got.Attendance[0].Present || got.Attendance[2].Present || got.Attendance[2].Reason != "外出调解" ||
		len(got.Orgs) != 1 || got.Orgs[0].Kind != domain.OrgRegulatorOffice {
		t.Fatalf("recorded: %+v", got)
	}
	// Recording again replaces the attendance.
	rec.Attendance = rec.Attendance[:1]
	rec.Orgs = nil
	if err := db.RecordMeeting(ctx, rec); err != nil {
		t.Fatal(err)
	}
	if got, _ = db.GetMeeting(ctx, m.ID); len(got.Attendance) != 1 || len(got.Orgs) != 0 {
		t.Fatalf("re-recorded: %+v", got)
	}
	if err := db.RecordMeeting(ctx, store.Meeting{ID: 9999}); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("unknown meeting: %v", err)
	}

	list, err := db.ListMeetings(ctx, store.MeetingQuery{Prefixes: []string{f.committee.Path}})
	if err != nil || len(list) != 2 || list[0].ID != rm.ID {
		t.Fatalf("committee list: %+v %v", list, err)
	}
	// Soonest first, as the week ahead reads them: the limit leaves the last out.
	if soon, _ := db.ListMeetings(ctx, store.MeetingQuery{Prefixes: []string{f.committee.Path}, Soonest: true, Limit: 1}); len(soon) != 1 || soon[0].ID != list[1].ID {
		t.Fatalf("soonest first: %+v, newest first %+v", soon, list)
	}
	// A page at a time either way, past the last meeting shown.
	for _, soonest := range []bool{false, true} {
		all, _ := db.ListMeetings(ctx, store.MeetingQuery{Prefixes: []string{f.committee.Path}, Soonest: soonest})
		var walked []store.Meeting
		q := store.MeetingQuery{Prefixes: []string{f.committee.Path}, Soonest: soonest, Limit: 1}
		for range 5 {
			page, err := db.ListMeetings(ctx, q)
			if err != nil {
				t.Fatal(err)
			}
			if len(page) == 0 {
				break
			}
			walked = append(walked, page...)
			q.Past = &store.DayCursor{Day: page[0].Day, ID: page[0].ID}
		}
		if len(walked) != len(all) || len(all) != 2 || walked[0].ID != all[0].ID || walked[1].ID != all[1].ID {
			t.Fatalf("meetings a page at a time (soonest %v): %+v, want %+v", soonest, walked, all)
		}
	}
	if list, _ = db.ListMeetings(ctx, store.MeetingQuery{Prefixes: []string{f.room1.Path}}); len(list) != 1 || list[0].ID != rm.ID {
		t.Fatalf("room list: %+v", list)
	}
	if list, _ = db.ListMeetings(ctx, store.MeetingQuery{Prefixes: []string{f.otherDistrict.Path}}); len(list) != 0 {
		t.Fatalf("other district: %+v", list)
	}
	if list, _ = db.ListMeetings(ctx, store.MeetingQuery{Prefixes: []string{f.city.Path}, From: "2026-11-06", To: "2026-11-30", Kind: store.MeetingRoom}); len(list) != 1 {
		t.Fatalf("range: %+v", list)
	}

	c, _, _ := db.CreateCase(ctx, newCase(f, f.room1.ID, "MT1"))
	a := store.MeetingItem{MeetingID: m.ID, Body: "回访案件当事人", OwnerID: med.ID, Due: "2026-11-10", CaseID: c.ID}
	b := store.MeetingItem{MeetingID: m.ID, Body: "整理台账", OwnerID: med2.ID, Due: "2026-12-31"}
	if err := db.AddMeetingItem(ctx, &a); err != nil {
		t.Fatal(err)
	}
	if err := db.AddMeetingItem(ctx, &b); err != nil {
		t.Fatal(err)
	}
	it, err := db.GetMeetingItem(ctx, a.ID)
	if err != nil || it.OwnerName != "med1" || it.CaseNumber == "" || it.CaseID != c.ID || it.Done || it.MeetingDay != "2026-11-05" || it.UnitPath != f.committee.Path {
		t.Fatalf("item: %+v %v", it, err)
	}
	items, _ := db.ListMeetingItems(ctx, store.MeetingItemQuery{OpenOnly: true, DueBefore: "2026-12-01"})
	if len(items) != 1 || items[0].ID != a.ID {
		t.Fatalf("overdue: %+v", items)
	}
	// A page at a time in the order (due, id), past ties on the day.
	tied := []store.MeetingItem{{MeetingID: m.ID, Body: "同日一", OwnerID: med.ID, Due: "2026-11-10"},
		{MeetingID: m.ID, Body: "同日二", OwnerID: med.ID, Due: "2026-11-10"}, {MeetingID: m.ID, Body: "次日", OwnerID: med.ID, Due: "2026-11-11"}}
	for i := range tied {
		if err := db.AddMeetingItem(ctx, &tied[i]); err != nil {
			t.Fatal(err)
		}
	}
	want := []int64{a.ID, tied[0].ID, tied[1].ID, tied[2].ID}
	var walked []int64
	q := store.MeetingItemQuery{OpenOnly: true, DueBefore: "2026-12-01", Limit: 1}
	for range 10 {
		page, err := db.ListMeetingItems(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		if len(page) == 0 {
			break
		}
		walked = append(walked, page[0].ID)
		q.After = &store.DayCursor{Day: page[0].Due, ID: page[0].ID}
	}
	if !slices.Equal(walked, want) {
		t.Fatalf("overdue items a page at a time: %v, want %v", walked, want)
	}
	for _, x := range tied {
		if err := db.CloseMeetingItem(ctx, x.ID, med.ID, time.Date(2026, 11, 9, 8, 0, 0, 0, time.UTC), ""); err != nil {
			t.Fatal(err)
		}
	}
	if items, _ = db.ListMeetingItems(ctx, store.MeetingItemQuery{OwnerID: med2.ID}); len(items) != 1 || items[0].ID != b.ID {
		t.Fatalf("by owner: %+v", items)
	}
	if items, _ = db.ListMeetingItems(ctx, store.MeetingItemQuery{CaseID: c.ID}); len(items) != 1 {
		t.Fatalf("by case: %+v", items)
	}
	if items, _ = db.ListMeetingItems(ctx, store.MeetingItemQuery{Prefixes: []string{}}); len(items) != 0 {
		t.Fatalf("empty prefixes: %+v", items)
	}
	done := time.Date(2026, 11, 9, 8, 0, 0, 0, time.UTC)
	if err := db.CloseMeetingItem(ctx, a.ID, med.ID, done, "已回访"); err != nil {
		t.Fatal(err)
	}
	if err := db.CloseMeetingItem(ctx, a.ID, med.ID, done, "again"); !errors.Is(err, store.ErrStale) {
		t.Fatalf("closed twice: %v", err)
	}
	if err := db.CloseMeetingItem(ctx, 9999, med.ID, done, ""); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("unknown item: %v", err)
	}
	it, _ = db.GetMeetingItem(ctx, a.ID)
	if !it.Done || it.DoneBy != med.ID || it.DoneByName != "med1" || it.DoneAt == nil || !it.DoneAt.Equal(done) || it.DoneNote != "已回访" {
		t.Fatalf("closed: %+v", it)
	}
	if items, _ = db.ListMeetingItems(ctx, store.MeetingItemQuery{MeetingID: m.ID, OpenOnly: true}); len(items) != 1 || items[0].ID != b.ID {
		t.Fatalf("open: %+v", items)
	}
}

func testTrainings(t *testing.T, db *sqlstore.DB) {
	ctx := context.Background()
	f := newFixture(t, db)
	med := mkUser(t, db, "med1", domain.RoleMediator, f.room1)
	med2 := mkUser(t, db, "med2", domain.RoleMediator, f.room2)
	cmt := mkUser(t, db, "cmt1", domain.RoleCommittee, f.committee)
	council := mkOrg(t, db, f.district.ID, domain.OrgConsumerCouncil, "pd-cc", "消保委", "")

	tr := store.Training{UnitID: f.committee.ID, UnitPath: f.committee.Path, Topic: "预付卡纠纷调解", Organiser: "消保委", OrganiserID: council.ID,
		Day: "2026-03-10", Minutes: 180, CreatedBy: cmt.ID, Attendees: []store.Staff{{UserID: med.ID}, {UserID: med2.ID}}}
	if err := db.CreateTraining(ctx, &tr); err != nil || tr.ID == 0 {
		t.Fatal(err)
	}
	tr2 := store.Training{UnitID: f.room1.ID, UnitPath: f.room1.Path, Topic: "调解技巧", Organiser: "调解中心", Day: "2025-12-20", Minutes: 90,
		CreatedBy: cmt.ID, Attendees: []store.Staff{{UserID: med.ID}}}
	if err := db.CreateTraining(ctx, &tr2); err != nil {
		t.Fatal(err)
	}
	got, err := db.GetTraining(ctx, tr.ID)
	if err != nil || got.Topic != tr.Topic || got.OrganiserName != "消保委" || got.Minutes != 180 || len(got.Attendees) != 2 || got.Attended != 2 {
		t.Fatalf("get: %+v %v", got, err)
	}
	list, _ := db.ListTrainings(ctx, store.TrainingQuery{Prefixes: []string{f.committee.Path}, From: "2026-01-01", To: "2026-12-31"})
	if len(list) != 1 || list[0].ID != tr.ID {
		t.Fatalf("list 2026: %+v", list)
	}
	if soon, _ := db.ListTrainings(ctx, store.TrainingQuery{Prefixes: []string{f.committee.Path}, Soonest: true, Limit: 1}); len(soon) != 1 || soon[0].ID != tr2.ID {
		t.Fatalf("soonest first: %+v", soon)
	}
	if newest, _ := db.ListTrainings(ctx, store.TrainingQuery{Prefixes: []string{f.committee.Path}, Limit: 1}); len(newest) != 1 || newest[0].ID != tr.ID {
		t.Fatalf("newest first: %+v", newest)
	}
	if list, _ = db.ListTrainings(ctx, store.TrainingQuery{Prefixes: []string{f.otherCommittee.Path}}); len(list) != 0 {
		t.Fatalf("other committee: %+v", list)
	}
	mins, err := db.TrainingMinutes(ctx, []int64{med.ID, med2.ID, cmt.ID}, "2026-01-01", "2026-12-31")
	if err != nil || mins[med.ID] != 180 || mins[med2.ID] != 180 || mins[cmt.ID] != 0 {
		t.Fatalf("minutes 2026: %v %v", mins, err)
	}
	if mins, _ = db.TrainingMinutes(ctx, []int64{med.ID}, "2025-01-01", "2025-12-31"); mins[med.ID] != 90 {
		t.Fatalf("minutes 2025: %v", mins)
	}
	if db.Dialect() == "sqlite" {
		// From the year's trainings by day, each one's attendees by its key.
		plan := tracedPlan(t, db, func() { db.TrainingMinutes(ctx, []int64{med.ID, med2.ID}, "2026-01-01", "2026-12-31") })
		if !strings.Contains(plan, "INDEX trainings_day (day>? AND day<?)") || !strings.Contains(plan, "(training_id=?)") {
			t.Errorf("training minutes not read from the year's trainings:\n%s", plan)
		}
	}
	if err := db.SetTrainingAttendance(ctx, tr.ID, []int64{med2.ID}); err != nil {
		t.Fatal(err)
	}
	if mins, _ = db.TrainingMinutes(ctx, []int64{med.ID, med2.ID}, "2026-01-01", "2026-12-31"); mins[med.ID] != 0 || mins[med2.ID] != 180 {
		t.Fatalf("after attendance change: %v", mins)
	}
	if err := db.SetTrainingAttendance(ctx, 9999, nil); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("unknown training: %v", err)
	}

	fl := store.TrainingFile{TrainingID: tr.ID, Kind: store.TrainingCertificate, UserID: med2.ID, Name: "证书.pdf", ContentType: "application/pdf",
		SHA256: "abc", Data: []byte("%PDF-1.4 x %%EOF"), UploadedBy: cmt.ID}
	if err := db.AddTrainingFile(ctx, &fl); err != nil || fl.ID == 0 || fl.Size != int64(len(fl.Data)) {
		t.Fatal(err)
	}
	gf, err := db.GetTrainingFile(ctx, tr.ID, fl.ID)
	if err != nil || string(gf.Data) != string(fl.Data) || gf.UserName != "med2" || gf.Kind != store.TrainingCertificate {
		t.Fatalf("file: %+v %v", gf, err)
	}
	if _, err := db.GetTrainingFile(ctx, tr2.ID, fl.ID); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("file of another training: %v", err)
	}
	files, _ := db.ListTrainingFiles(ctx, tr.ID)
	if len(files) != 1 || files[0].Data != nil {
		t.Fatalf("files: %+v", files)
	}

	if _, err := db.GetTrainingMinimum(ctx, f.committee.ID); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("unset minimum: %v", err)
	}
	for _, n := range []int{1800, 2400} {
		if err := db.PutTrainingMinimum(ctx, f.committee.ID, n); err != nil {
			t.Fatal(err)
		}
		if got, err := db.GetTrainingMinimum(ctx, f.committee.ID); err != nil || got != n {
			t.Fatalf("minimum: %d %v", got, err)
		}
	}
}
