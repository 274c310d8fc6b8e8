package demo

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"io"
	"log/slog"
	"time"

	"github.com/tiaojie/tiaojie/internal/auth"
	"github.com/tiaojie/tiaojie/internal/calendar"
	"github.com/tiaojie/tiaojie/internal/consent"
	"github.com/tiaojie/tiaojie/internal/liaison"
	"github.com/tiaojie/tiaojie/internal/notify"
	"github.com/tiaojie/tiaojie/internal/pii"
	"github.com/tiaojie/tiaojie/internal/platform"
	"github.com/tiaojie/tiaojie/internal/roomstandard"
	"github.com/tiaojie/tiaojie/internal/standards"
	"github.com/tiaojie/tiaojie/internal/store"
)

// demoPartners are the Pudong committee's partners: unit code, contacts
// (name, post, phone).
var demoPartners = []struct {
	code     string
	contacts [][3]string
}{
	{RegulatorOfficeCode(1), [][3]string{{"顾明华", "所长", "13900210001"}, {"蒋思远", "消保科科员", "021-58880101"}}},
	{RegulatorOfficeCode(2), [][3]string{{"陆佳怡", "副所长", "13900210002"}}},
	{RegulatorOfficeCode(3), [][3]string{{"汤志伟", "科员", "13900210003"}}},
	{CodeCourt, [][3]string{{"钱立群", "立案庭法官", "021-50190000"}}},
	{CodeCouncil, [][3]string{{"金晓燕", "秘书长", "13900210005"}}},
	{CodeJustice, [][3]string{{"邵文杰", "人民调解科科长", "13900210006"}}},
}

// demoContacts is two months of contacts: days before now, partner index
// (into the register as built), channel, topic, summary, whether it names a case.
var demoContacts = []struct {
	daysAgo, partner int
	channel          string
	topic, summary   string
	withCase         bool
}{
	{58, 0, "meeting", "联合调解工作室月度联席会", "通报上月分流案件办理情况，商定预付卡纠纷快速移交流程。", false},
	{52, 0, "phone", "分流案件补充材料", "请所里补充投诉人提交的购物凭证。", true},
	{47, 4, "letter", "消费提示联合发布", "就健身预付卡风险联合发布消费提示。", false},
	{41, 3, "visit", "司法确认对接", "走访立案庭，协调协议司法确认材料清单。", true},
	{35, 1, "wechat", "群体投诉苗头", "某培训机构闭店投诉增多，共享线索。", true},
	{29, 6, "phone", "企业先行和解", "请企业联络点对接三起退款纠纷。", true},
	{24, 5, "meeting", "人民调解工作例会", "汇报季度调解数据和调解员培训安排。", false},
	{18, 2, "visit", "市场监管所走访", "走访所里消保科，核对分流台账。", false},
	{12, 0, "phone", "重点案件会商", "就一起家电质量纠纷会商鉴定安排。", true},
	{6, 4, "other", "3·15宣传活动筹备", "商议联合宣传点位和资料。", false},
	{3, 3, "phone", "司法确认进度", "询问两件申请的审查进度。", true},
}

// demoInspections are inspections of office rooms (1-based room index, days
// before now, items not fully met, rectifications: text, due days after
// the inspection, done).
var demoInspections = []struct {
	room    int
	daysAgo int
	partial []string
	failed  []string
	rects   []demoRect
}{
	{2, 75, []string{"F2"}, []string{"E2"}, []demoRect{{"E2", "制定群体性纠纷应急预案并组织演练", 30, true}}},
	{3, 60, []string{"C3", "D2"}, nil, []demoRect{{"D2", "公开值班排班表，补齐午间值守", 20, true}}},
	{4, 40, []string{"G2"}, []string{"E1", "F1"}, []demoRect{{"E1", "档案柜加锁，案卷借阅登记", 15, false}, {"F1", "调解室与办公区分隔", 90, false}}},
	{5, 20, []string{"A3"}, nil, []demoRect{{"A3", "补充公示调解员照片和联系方式", 30, false}}},
}

type demoRect struct {
	item      string
	text      string
	dueAfter  int
	completed bool
}

// demoPhoto is a small PNG standing in for a site photo.
func demoPhoto(seed int) []byte {
	img := image.NewNRGBA(image.Rect(0, 0, 64, 48))
	for y := 0; y < 48; y++ {
		for x := 0; x < 64; x++ {
			img.Set(x, y, color.NRGBA{uint8(40 + seed*30), uint8(120 + x), uint8(160 + y), 255})
		}
	}
	var b bytes.Buffer
	_ = png.Encode(&b, img)
	return b.Bytes()
}

// buildPartners fills the liaison register, two months of contacts, two
// briefings, room inspections with one overdue rectification and one
// 示范工作室, through the services on a clock fixed at now.
func buildPartners(ctx context.Context, st store.Store, sealer *pii.Sealer, now time.Time) error {
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	sms := &notify.OutboxSender{Outbox: consent.Outbox{Store: st}, Hash: sealer.Hash, Log: log, Signature: "消调委"}
	clock := now
	p, err := platform.New(platform.Config{Store: st, Sealer: sealer, Log: log, Sender: sms, Now: func() time.Time { return clock }})
	if err != nil {
		return fmt.Errorf("demo: partners: %w", err)
	}
	svc := &services{st: st, auth: p.Auth}
	who, err := svc.principal(ctx, "committee01")
	if err != nil {
		return fmt.Errorf("demo: partners: %w", err)
	}
	cmt, err := st.GetOrgUnitByCode(ctx, CodeCommittee)
	if err != nil {
		return fmt.Errorf("demo: partners: %w", err)
	}
	if _, err := p.Scorecard.CatchUp(ctx); err != nil {
		return fmt.Errorf("demo: partners: %w", err)
	}
	var ids []int64
	for _, dp := range demoPartners {
		u, err := st.GetOrgUnitByCode(ctx, dp.code)
		if err != nil {
			return fmt.Errorf("demo: partner %s: %w", dp.code, err)
		}
		pt, err := p.Liaison.AddPartner(ctx, who, liaison.PartnerInput{CommitteeID: cmt.ID, OrgID: u.ID})
		if err != nil {
			return fmt.Errorf("demo: partner %s: %w", dp.code, err)
		}
		ids = append(ids, pt.ID)
		for _, c := range dp.contacts {
			if _, err := p.Liaison.AddContact(ctx, who, liaison.ContactInput{PartnerID: pt.ID, Name: c[0], Post: c[1], Phone: c[2]}); err != nil {
				return fmt.Errorf("demo: contact %s: %w", c[0], err)
			}
		}
	}
	eroom, err := st.GetOrgUnitByCode(ctx, EnterpriseRoomCode(1))
	if err != nil {
		return fmt.Errorf("demo: partners: %w", err)
	}
	ent, err := p.Liaison.AddPartner(ctx, who, liaison.PartnerInput{CommitteeID: cmt.ID, Name: "企业联络点·" + eroom.Name, RoomID: eroom.ID,
		Note: "企业客服负责人对接，先行和解"})
	if err != nil {
		return fmt.Errorf("demo: enterprise partner: %w", err)
	}
	ids = append(ids, ent.ID)
	if _, err := p.Liaison.AddContact(ctx, who, liaison.ContactInput{PartnerID: ent.ID, Name: "韦嘉欣", Post: "客服经理", Phone: "13900210007",
		Email: "service@example.com"}); err != nil {
		return fmt.Errorf("demo: enterprise contact: %w", err)
	}
	page, err := st.ListCases(ctx, store.CaseQuery{Scope: store.Scope{Prefixes: []string{cmt.Path}}, Limit: 20})
	if err != nil {
		return fmt.Errorf("demo: partners: %w", err)
	}
	today := calendar.DateOf(now)
	for i, c := range demoContacts {
		in := liaison.LogInput{PartnerID: ids[c.partner], Day: today.AddDays(-c.daysAgo).String(), Channel: c.channel, Topic: c.topic, Summary: c.summary}
		if c.withCase && len(page.Cases) > 0 {
			in.Cases = page.Cases[i%len(page.Cases)].Number
		}
		if _, err := p.Liaison.LogContact(ctx, who, in); err != nil {
			return fmt.Errorf("demo: contact log %s: %w", c.topic, err)
		}
	}
	// Two monthly briefings: the last two full months.
	first := calendar.Date{Year: today.Year, Month: today.Month, Day: 1}
	for back := 2; back >= 1; back-- {
		start := first
		for range back {
			prev := start.AddDays(-1)
			start = calendar.Date{Year: prev.Year, Month: prev.Month, Day: 1}
		}
		end := calendar.Date{Year: start.Year, Month: start.Month, Day: 1}.AddDays(40)
		end = calendar.Date{Year: end.Year, Month: end.Month, Day: 1}.AddDays(-1)
		clock = end.AddDays(3).Time().Add(10 * time.Hour)
		if clock.After(now) {
			clock = now
		}
		d, err := p.Liaison.DraftBriefing(ctx, who, cmt.ID, start.String(), end.String())
		if err != nil {
			return fmt.Errorf("demo: briefing draft: %w", err)
		}
		if _, err := p.Liaison.SendBriefing(ctx, who, liaison.BriefingInput{CommitteeID: cmt.ID, Title: d.Title, From: d.From, To: d.To, Body: d.Body,
			PartnerIDs: ids}); err != nil {
			return fmt.Errorf("demo: briefing: %w", err)
		}
	}
	clock = now
	// Inspections: rooms 2–5 with findings; one rectification stays overdue.
	std := roomstandard.Default()
	for k, di := range demoInspections {
		room, err := st.GetOrgUnitByCode(ctx, OfficeRoomCode(di.room))
		if err != nil {
			return fmt.Errorf("demo: inspection: %w", err)
		}
		day := today.AddDays(-di.daysAgo)
		in := standards.InspectionInput{RoomID: room.ID, Day: day.String(), Inspectors: "调委会办公室 王敏、区司法局 邵文杰",
			Note: "对照七个部分逐项检查。", Photos: []standards.PhotoInput{{Name: "现场.png", Data: demoPhoto(k)}}}
		for _, part := range std.Parts {
			for _, it := range part.Items {
				r := roomstandard.Pass
				for _, c := range di.partial {
					if c == it.Code {
						r = roomstandard.Partial
					}
				}
				for _, c := range di.failed {
					if c == it.Code {
						r = roomstandard.Fail
					}
				}
				in.Items = append(in.Items, standards.ItemInput{Code: it.Code, Result: r})
			}
		}
		for _, r := range di.rects {
			in.Rectifications = append(in.Rectifications, standards.RectifInput{ItemCode: r.item, Text: r.text,
				Due: day.AddDays(r.dueAfter).String(), Owner: room.Name + "负责人"})
		}
		insp, err := p.Standards.Record(ctx, who, in)
		if err != nil {
			return fmt.Errorf("demo: inspection of %s: %w", room.Name, err)
		}
		for j, r := range di.rects {
			if r.completed {
				if err := p.Standards.CompleteRectification(ctx, who, insp.ID, insp.Rectifications[j].ID, "已按要求整改，复查合格。"); err != nil {
					return fmt.Errorf("demo: rectification: %w", err)
				}
			}
		}
	}
	return designateDemoRoom(ctx, p, who, today)
}

// designateDemoRoom inspects the first room whose evaluation figures meet
// the rules and designates it 示范工作室, through the same rules a
// committee applies on the page.
func designateDemoRoom(ctx context.Context, p *platform.Services, who *auth.Principal, today calendar.Date) error {
	ov, err := p.Standards.Overview(ctx, who)
	if err != nil {
		return fmt.Errorf("demo: standards: %w", err)
	}
	std := roomstandard.Default()
	for _, r := range ov.Rooms {
		if r.Verdict == nil || r.Latest != nil || len(r.Verdict.Criteria) < 4 || !r.Verdict.Criteria[2].Met || !r.Verdict.Criteria[3].Met {
			continue
		}
		in := standards.InspectionInput{RoomID: r.Room.ID, Day: today.AddDays(-10).String(), Inspectors: "调委会办公室 王敏", Note: "各项均符合标准。",
			Photos: []standards.PhotoInput{{Name: "调解室.png", Data: demoPhoto(9)}}}
		for _, part := range std.Parts {
			for _, it := range part.Items {
				in.Items = append(in.Items, standards.ItemInput{Code: it.Code, Result: roomstandard.Pass})
			}
		}
		if _, err := p.Standards.Record(ctx, who, in); err != nil {
			return fmt.Errorf("demo: model room inspection: %w", err)
		}
		if _, err := p.Standards.Designate(ctx, who, r.Room.ID); err != nil {
			return fmt.Errorf("demo: designate %s: %w", r.Room.Name, err)
		}
		return nil
	}
	// A small demo (few cases) may have no room whose figures qualify: it
	// then shows the criteria unmet, which is the honest answer.
	return nil
}
