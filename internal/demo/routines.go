package demo

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"time"

	"github.com/tiaojie/tiaojie/internal/auth"
	"github.com/tiaojie/tiaojie/internal/calendar"
	"github.com/tiaojie/tiaojie/internal/deadline"
	"github.com/tiaojie/tiaojie/internal/domain"
	"github.com/tiaojie/tiaojie/internal/meeting"
	"github.com/tiaojie/tiaojie/internal/scorecard"
	"github.com/tiaojie/tiaojie/internal/store"
	"github.com/tiaojie/tiaojie/internal/training"
)

// ShortOfTraining are the demo mediators who attend too few trainings, so
// the hours table and the year-end shortfall have someone to show.
var ShortOfTraining = []string{"mediator05", "mediator09"}

// buildRoutines writes the meetings (例会) and trainings (培训) of the demo
// through the capabilities themselves: the last three monthly committee
// meetings with minutes and action items (one linked to a case, one
// overdue, some done), weekly meetings of the first room, a joint meeting
// with partner units, and this year's trainings.
func buildRoutines(ctx context.Context, st store.Store, now time.Time) error {
	clock := func() time.Time { return now }
	sc := &scorecard.Service{Store: st, Now: clock}
	// The agendas read the rollups: count the demo's cases first (the
	// platform's start-up catch-up then finds nothing left to do).
	if _, err := sc.CatchUp(ctx); err != nil {
		return fmt.Errorf("demo routines: evaluation catch-up: %w", err)
	}
	meet := &meeting.Service{Store: st, Figures: sc, Now: clock}
	train := &training.Service{Store: st, Now: clock}
	who := func(username string) (*auth.Principal, error) {
		u, err := st.GetUserByUsername(ctx, username)
		if err != nil {
			return nil, fmt.Errorf("demo routines: user %s: %w", username, err)
		}
		bs, err := st.ListBindings(ctx, u.ID)
		if err != nil {
			return nil, fmt.Errorf("demo routines: bindings of %s: %w", username, err)
		}
		return &auth.Principal{UserID: u.ID, Username: u.Username, DisplayName: u.DisplayName, Bindings: bs}, nil
	}
	cmt, err := who("committee01")
	if err != nil {
		return err
	}
	lead, err := who("room_lead01")
	if err != nil {
		return err
	}
	ids := map[string]int64{}
	for _, n := range []string{"committee01", "room_lead01", "room_lead02", "room_lead03", "mediator01", "mediator02", "mediator03", "mediator05", "mediator09"} {
		u, err := st.GetUserByUsername(ctx, n)
		if err != nil {
			return fmt.Errorf("demo routines: user %s: %w", n, err)
		}
		ids[n] = u.ID
	}
	rules, err := deadline.Load(ctx, st)
	if err != nil {
		return fmt.Errorf("demo routines: calendar: %w", err)
	}
	today := calendar.DateOf(now)
	wd := func(d calendar.Date) calendar.Date { // the working day on or before d
		for !rules.Calendar.IsWorkday(d) {
			d = d.AddDays(-1)
		}
		return d
	}

	// A case of the first room, for the action item that concerns one.
	room1, err := st.GetOrgUnitByCode(ctx, OfficeRoomCode(1))
	if err != nil {
		return fmt.Errorf("demo routines: room: %w", err)
	}
	var linked int64
	page, err := st.ListCases(ctx, store.CaseQuery{Scope: store.Scope{All: true}, RoomID: room1.ID, Limit: 1})
	if err != nil {
		return fmt.Errorf("demo routines: cases: %w", err)
	}
	if len(page.Cases) > 0 {
		linked = page.Cases[0].ID
	}

	// The last three monthly committee meetings, oldest first.
	var days []calendar.Date
	d := meeting.MonthlyDate(rules.Calendar, today.Year, today.Month)
	if d.After(today) {
		d = d.AddDays(-25)
		d = meeting.MonthlyDate(rules.Calendar, d.Year, d.Month)
	}
	for len(days) < 3 {
		days = append([]calendar.Date{d}, days...)
		p := calendar.Date{Year: d.Year, Month: d.Month, Day: 1}.AddDays(-1)
		d = meeting.MonthlyDate(rules.Calendar, p.Year, p.Month)
	}
	minutes := []string{
		"一、通报上月受理、调解成功率和挽回经济损失情况，各工作室对照红黑榜查找差距。\n二、预付卡闭店纠纷仍是投诉重点，要求各工作室对同一经营者的集中投诉及时上报群体性纠纷。\n三、布置本月重点工作。",
		"一、通报上月绩效数据，调解成功率较上月有所提升。\n二、对临近办理期限的案件逐件过堂，明确责任人。\n三、研究口头协议占比偏高的问题，要求能书面的尽量书面。",
		"一、通报上月绩效数据和红黑榜。\n二、对逾期未履行的调解协议进行回访督促。\n三、年底前完成年度培训学时，未达标的调解员须参加补训。",
	}
	present := []int64{ids["committee01"], ids["room_lead01"], ids["room_lead02"], ids["mediator01"], ids["mediator02"]}
	var monthly []store.Meeting
	for i, day := range days {
		m, err := meet.Schedule(ctx, cmt, meeting.Draft{Unit: CodeCommittee, Kind: store.MeetingCommittee, Day: day.String(), Location: "调委会三楼会议室"})
		if err != nil {
			return fmt.Errorf("demo routines: schedule %s: %w", day, err)
		}
		if _, err := meet.RecordHeld(ctx, cmt, m.ID, meeting.Record{Present: present, Minutes: minutes[i],
			Absent: map[int64]string{ids["room_lead03"]: "外出参加调解", ids["mediator03"]: "病假"}}); err != nil {
			return fmt.Errorf("demo routines: record %s: %w", day, err)
		}
		monthly = append(monthly, m)
	}
	type item struct {
		m     int
		body  string
		owner string
		due   calendar.Date
		cased bool
		done  string // note when done
	}
	items := []item{
		{0, "整理上季度预付卡纠纷台账，报调委会汇总", "room_lead01", days[0].AddDays(10), false, "已报送台账"},
		{0, "对未回访的已办结案件完成回访", "mediator02", days[0].AddDays(14), false, "已完成回访12件"},
		{1, "逐件梳理临近期限的案件并明确办结时间", "room_lead02", today.AddDays(-5), false, ""},
		{1, "督促经营者履行调解协议并上门回访", "mediator01", today.AddDays(7), true, ""},
		{2, "组织未达标调解员参加年底补训", "committee01", today.AddDays(20), false, ""},
		{2, "更新工作室值班表", "room_lead01", days[2].AddDays(3), false, "已更新并公示"},
	}
	for _, it := range items {
		if it.due.Before(days[it.m]) {
			it.due = days[it.m]
		}
		draft := meeting.ItemDraft{Body: it.body, OwnerID: ids[it.owner], Due: it.due.String()}
		if it.cased {
			draft.CaseID = linked
		}
		got, err := meet.AddItem(ctx, cmt, monthly[it.m].ID, draft)
		if err != nil {
			return fmt.Errorf("demo routines: action item %q: %w", it.body, err)
		}
		if it.done != "" {
			if _, err := meet.CloseItem(ctx, cmt, got.ID, it.done); err != nil {
				return fmt.Errorf("demo routines: close %q: %w", it.body, err)
			}
		}
	}

	// Weekly meetings of the first room: the last three weeks held, this
	// week's still to come.
	for k := 3; k >= 1; k-- {
		day := wd(today.AddDays(-7 * k))
		m, err := meet.Schedule(ctx, lead, meeting.Draft{Unit: OfficeRoomCode(1), Kind: store.MeetingRoom, Day: day.String(), Location: "工作室"})
		if err != nil {
			return fmt.Errorf("demo routines: room meeting %s: %w", day, err)
		}
		if _, err := meet.RecordHeld(ctx, lead, m.ID, meeting.Record{Present: []int64{ids["room_lead01"], ids["mediator01"]},
			Minutes: "回顾上周办结案件，讨论疑难案件调解思路，安排本周值班。"}); err != nil {
			return fmt.Errorf("demo routines: record room meeting: %w", err)
		}
	}
	next := today.AddDays(1)
	for !rules.Calendar.IsWorkday(next) {
		next = next.AddDays(1)
	}
	if _, err := meet.Schedule(ctx, lead, meeting.Draft{Unit: OfficeRoomCode(1), Kind: store.MeetingRoom, Day: next.String(), Location: "工作室"}); err != nil {
		return fmt.Errorf("demo routines: next room meeting: %w", err)
	}

	// A joint meeting with partner units (联席会议).
	var partners []int64
	for _, code := range []string{RegulatorOfficeCode(1), CodeJustice, CodeCourt, CodeCouncil} {
		u, err := st.GetOrgUnitByCode(ctx, code)
		if err != nil {
			return fmt.Errorf("demo routines: partner %s: %w", code, err)
		}
		partners = append(partners, u.ID)
	}
	jd := wd(today.AddDays(-30))
	jm, err := meet.Schedule(ctx, cmt, meeting.Draft{Unit: CodeCommittee, Kind: store.MeetingJoint, Day: jd.String(),
		Title: "预付卡消费纠纷联动化解联席会议", Location: "区市场监管局会议室", Partners: partners})
	if err != nil {
		return fmt.Errorf("demo routines: joint meeting: %w", err)
	}
	if _, err := meet.RecordHeld(ctx, cmt, jm.ID, meeting.Record{Present: []int64{ids["committee01"], ids["room_lead01"]}, Partners: partners,
		Minutes: "市场监管所通报预付卡投诉趋势；法院介绍司法确认流程；司法局对调解员培训提出要求；消保委介绍集体诉讼支持。各方同意建立闭店风险信息互通机制。"}); err != nil {
		return fmt.Errorf("demo routines: record joint meeting: %w", err)
	}

	// Trainings: everyone but the short ones attends every session.
	committee, err := st.GetOrgUnitByCode(ctx, CodeCommittee)
	if err != nil {
		return fmt.Errorf("demo routines: committee: %w", err)
	}
	mediators, err := st.RoutineStaff(ctx, []string{committee.Path}, []domain.Role{domain.RoleMediator, domain.RoleRoomLead})
	if err != nil {
		return fmt.Errorf("demo routines: mediators: %w", err)
	}
	short := map[int64]bool{}
	for _, n := range ShortOfTraining {
		short[ids[n]] = true
	}
	var all, few []int64
	for _, m := range mediators {
		all = append(all, m.UserID)
		if !short[m.UserID] {
			few = append(few, m.UserID)
		}
	}
	sessions := []struct {
		topic, org, hours string
		ago               int
		everyone          bool
	}{
		{"人民调解员岗位培训：消费纠纷调解实务", CodeJustice, "8", 150, true},
		{"预付式消费纠纷的法律适用", CodeCouncil, "6", 110, true},
		{"调解技巧与情绪疏导", CodeProvider, "6", 75, false},
		{"调解协议书制作与司法确认", CodeJustice, "4", 40, false},
		{"个人信息保护与调解档案管理", CodeCouncil, "3.5", 12, false},
	}
	for _, s := range sessions {
		org, err := st.GetOrgUnitByCode(ctx, s.org)
		if err != nil {
			return fmt.Errorf("demo routines: organiser %s: %w", s.org, err)
		}
		att := few
		if s.everyone {
			att = all
		}
		tr, err := train.Create(ctx, cmt, training.Draft{Unit: CodeCommittee, Topic: s.topic, OrganiserID: org.ID, Day: wd(today.AddDays(-s.ago)).String(),
			Hours: s.hours, Location: "浦东新区人民调解培训中心", Attendees: att})
		if err != nil {
			return fmt.Errorf("demo routines: training %s: %w", s.topic, err)
		}
		if _, err := train.Upload(ctx, cmt, tr.ID, store.TrainingMaterial, 0, s.topic+"讲义.png", demoPicture(len(s.topic))); err != nil {
			return fmt.Errorf("demo routines: material: %w", err)
		}
		if _, err := train.Upload(ctx, cmt, tr.ID, store.TrainingCertificate, ids["mediator01"], "结业证书.png", demoPicture(len(s.topic)+1)); err != nil {
			return fmt.Errorf("demo routines: certificate: %w", err)
		}
	}
	return nil
}

// demoPicture is a small deterministic PNG standing in for a scan.
func demoPicture(seed int) []byte {
	img := image.NewRGBA(image.Rect(0, 0, 64, 40))
	for y := 0; y < 40; y++ {
		for x := 0; x < 64; x++ {
			img.Set(x, y, color.RGBA{R: uint8(200 + (x*seed)%55), G: uint8(220 - y), B: 230, A: 255})
		}
	}
	var buf bytes.Buffer
	_ = png.Encode(&buf, img)
	return buf.Bytes()
}
