package statistics_test

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/tiaojie/tiaojie/internal/access"
	"github.com/tiaojie/tiaojie/internal/auth"
	"github.com/tiaojie/tiaojie/internal/calendar"
	"github.com/tiaojie/tiaojie/internal/deadline"
	"github.com/tiaojie/tiaojie/internal/domain"
	"github.com/tiaojie/tiaojie/internal/scorecard"
	"github.com/tiaojie/tiaojie/internal/statistics"
	"github.com/tiaojie/tiaojie/internal/store"
	"github.com/tiaojie/tiaojie/internal/store/storetest"
)

func TestMain(m *testing.M) { storetest.Main(m) }

func at(day string, h int) time.Time {
	d, err := calendar.ParseDate(day)
	if err != nil {
		panic(err)
	}
	return d.Time().Add(time.Duration(h) * time.Hour)
}

type world struct {
	st                                  store.Store
	svc                                 *statistics.Service
	committee, room1, room2, other, pd  store.OrgUnit
	director, lead1, justice, analyst   *auth.Principal
	mediator, med2, outsider, xhJustice *auth.Principal
}

func org(t *testing.T, st store.Store, parent int64, kind domain.OrgKind, code, name string) store.OrgUnit {
	t.Helper()
	u := store.OrgUnit{ParentID: parent, Kind: kind, Code: code, Name: name}
	if err := st.CreateOrgUnit(context.Background(), &u); err != nil {
		t.Fatal(err)
	}
	return u
}

func person(t *testing.T, st store.Store, name string, role domain.Role, unit store.OrgUnit) *auth.Principal {
	t.Helper()
	ctx := context.Background()
	u := store.User{Username: name, DisplayName: name, Active: true, PasswordHash: "x"}
	if err := st.CreateUser(ctx, &u); err != nil {
		t.Fatal(err)
	}
	if err := st.AddBinding(ctx, store.Binding{UserID: u.ID, Role: role, OrgID: unit.ID}); err != nil {
		t.Fatal(err)
	}
	bs, err := st.ListBindings(ctx, u.ID)
	if err != nil {
		t.Fatal(err)
	}
	return &auth.Principal{UserID: u.ID, Username: name, DisplayName: name, Bindings: bs}
}

// history is one case written straight through the store.
type history struct {
	committee, room store.OrgUnit
	category        string
	channel         domain.Channel
	parties         int
	claimFen        int64
	received        string
	rejected        string // decided not to accept
	accepted        string
	agreed          string // reach_agreement
	oral            bool
	notAgreed       string // terminate after mediation began
	recoveredFen    int64  // performed in full the day after the agreement
	judicialApplied string
	judicialDone    string
	lead            string
}

var seq int

func (w *world) write(t *testing.T, h history) int64 {
	t.Helper()
	ctx := context.Background()
	seq++
	if h.channel == "" {
		h.channel = domain.ChannelWalkIn
	}
	var parties []store.Party
	for i := 0; i < h.parties; i++ {
		kind := "consumer"
		if i == 0 {
			kind = "merchant"
		}
		parties = append(parties, store.Party{Kind: kind, Name: fmt.Sprintf("当事人%d", i), PhoneSealed: "s", PhoneHash: fmt.Sprintf("h%d-%d", seq, i), PhoneMask: "138****0000"})
	}
	received := at(h.received, 9)
	abbr := "浦"
	if h.committee.ID == w.other.ID {
		abbr = "徐"
	}
	c, _, err := w.st.CreateCase(ctx, &store.NewCase{CommitteeID: h.committee.ID, CommitteeAbbr: abbr, RoomID: h.room.ID, Channel: h.channel,
		Category: h.category, Description: "消费纠纷", Claim: "退款", ClaimFen: h.claimFen, ReceivedAt: received, ExternalID: fmt.Sprintf("st-%d", seq),
		Parties: parties, Event: store.Event{Type: "received", At: received}})
	if err != nil {
		t.Fatal(err)
	}
	apply := func(typ string, to domain.Status, when time.Time, data string) {
		t.Helper()
		c, err = w.st.ApplyEvent(ctx, c.ID, c.Version, store.CaseChange{Status: to}, store.Event{Type: typ, At: when, FromStatus: c.Status, ToStatus: to, Data: data})
		if err != nil {
			t.Fatalf("%s: %v", typ, err)
		}
	}
	note := func(typ, day, data string) {
		t.Helper()
		if err := w.st.AddNote(ctx, c.ID, store.Event{Type: typ, At: at(day, 15), ToStatus: c.Status, Data: data}); err != nil {
			t.Fatal(err)
		}
	}
	if h.rejected != "" {
		apply("reject", domain.StatusRejected, at(h.rejected, 10), "{}")
		return c.ID
	}
	if h.accepted == "" {
		return c.ID
	}
	apply("accept", domain.StatusAccepted, at(h.accepted, 10), "{}")
	apply("start_mediation", domain.StatusMediating, at(h.accepted, 11), "{}")
	switch {
	case h.agreed != "":
		kind := "written"
		if h.oral {
			kind = "oral"
		}
		apply("reach_agreement", domain.StatusAgreed, at(h.agreed, 10), fmt.Sprintf(`{"agreed_fen":%d,"kind":%q}`, h.claimFen, kind))
		if h.recoveredFen > 0 {
			apply("start_performance", domain.StatusPerforming, at(h.agreed, 11), "{}")
			note("performed", h.agreed, fmt.Sprintf(`{"recovered_fen":%d}`, h.recoveredFen))
		}
	case h.notAgreed != "":
		apply("terminate", domain.StatusTerminated, at(h.notAgreed, 10), "{}")
	}
	if h.judicialApplied != "" {
		note("judicial_applied", h.judicialApplied, "{}")
	}
	if h.judicialDone != "" {
		note("judicial_confirmed", h.judicialDone, "{}")
	}
	if h.lead != "" {
		note("lead", h.lead, "{}")
	}
	return c.ID
}

// Today is Thursday 2026-12-03.
const today = "2026-12-03"

func newWorld(t *testing.T, st store.Store) *world {
	t.Helper()
	ctx := context.Background()
	if err := deadline.EnsureDefaultPolicies(ctx, st); err != nil {
		t.Fatal(err)
	}
	clock := at(today, 10)
	now := func() time.Time { return clock }
	w := &world{st: st}
	w.svc = &statistics.Service{Store: st, Scorecard: &scorecard.Service{Store: st, Now: now}, Now: now}
	city := org(t, st, 0, domain.OrgCity, "sh", "上海市")
	w.pd = org(t, st, city.ID, domain.OrgDistrict, "pd", "浦东新区")
	w.committee = org(t, st, w.pd.ID, domain.OrgCommittee, "pd-cmt", "浦东新区消费纠纷人民调解委员会")
	w.room1 = org(t, st, w.committee.ID, domain.OrgOfficeRoom, "pd-r1", "陆家嘴联合人民调解工作室")
	w.room2 = org(t, st, w.committee.ID, domain.OrgEnterpriseRoom, "pd-r2", "商场企业人民调解工作室")
	org(t, st, w.pd.ID, domain.OrgRegulatorOffice, "pd-msa", "陆家嘴市场监管所")
	xh := org(t, st, city.ID, domain.OrgDistrict, "xh", "徐汇区")
	w.other = org(t, st, xh.ID, domain.OrgCommittee, "xh-cmt", "徐汇区消费纠纷人民调解委员会")
	xhRoom := org(t, st, w.other.ID, domain.OrgOfficeRoom, "xh-r1", "徐家汇工作室")
	w.director = person(t, st, "主任", domain.RoleCommittee, w.committee)
	w.lead1 = person(t, st, "陆家嘴负责人", domain.RoleRoomLead, w.room1)
	w.mediator = person(t, st, "调解员甲", domain.RoleMediator, w.room1)
	w.med2 = person(t, st, "调解员乙", domain.RoleMediator, w.room2)
	w.justice = person(t, st, "司法局", domain.RoleJustice, w.pd)
	w.analyst = person(t, st, "分析员", domain.RoleAnalyst, w.pd)
	w.outsider = person(t, st, "徐汇主任", domain.RoleCommittee, w.other)
	w.xhJustice = person(t, st, "徐汇司法局", domain.RoleJustice, xh)
	person(t, st, "徐汇调解员", domain.RoleMediator, xhRoom)
	for _, r := range []store.MediatorRecord{
		{UserID: w.mediator.UserID, Kind: "full_time", Sex: "female", BirthYear: 1990, Education: "bachelor", Grade: "none"},
		{UserID: w.med2.UserID, Kind: "part_time", Sex: "male", BirthYear: 1980, Education: "master", Grade: "none"},
	} {
		if err := st.PutMediatorRecord(ctx, r); err != nil {
			t.Fatal(err)
		}
	}

	// A: accepted on the last day of 2025, agreed in January 2026.
	w.write(t, history{committee: w.committee, room: w.room1, category: "服务-健身", parties: 3, claimFen: 500000,
		received: "2025-12-30", accepted: "2025-12-31", agreed: "2026-01-05", recoveredFen: 300000,
		judicialApplied: "2026-01-06", judicialDone: "2026-01-20"})
	// B: received and accepted on the first day of 2026, oral agreement, not performed.
	w.write(t, history{committee: w.committee, room: w.room1, category: "服务-旅游", parties: 2, claimFen: 1234567,
		received: "2026-01-01", accepted: "2026-01-01", agreed: "2026-01-10", oral: true})
	// C: diverted by 12315, not agreed, a violation lead.
	w.write(t, history{committee: w.committee, room: w.room2, category: "商品-医药及医疗器械", channel: domain.Channel12315, parties: 2,
		received: "2026-01-20", accepted: "2026-01-21", notAgreed: "2026-01-31", lead: "2026-01-25"})
	// D: January 2025, agreed, performed, judicially confirmed.
	w.write(t, history{committee: w.committee, room: w.room2, category: "服务-健身", parties: 4, claimFen: 200000,
		received: "2025-01-10", accepted: "2025-01-11", agreed: "2025-01-20", recoveredFen: 100000,
		judicialApplied: "2025-01-22", judicialDone: "2025-01-28"})
	// E: received on 31 January 2026, rejected the next day.
	w.write(t, history{committee: w.committee, room: w.room1, category: "服务-网络购物", parties: 2, claimFen: 880000,
		received: "2026-01-31", rejected: "2026-02-01"})
	// Another district's case in the same month: never counted here.
	w.write(t, history{committee: w.other, room: xhRoom, category: "服务-健身", parties: 5, claimFen: 9990000,
		received: "2026-01-15", accepted: "2026-01-15", agreed: "2026-01-16"})
	return w
}

func cells(t *testing.T, r statistics.Report) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, c := range r.Table.Cells() {
		out[c.Row+"/"+c.Column] = c.Text
	}
	return out
}

func check(t *testing.T, what string, got map[string]string, want map[string]string) {
	t.Helper()
	for k, v := range want {
		g, ok := got[k]
		if !ok {
			t.Errorf("%s: no cell %s", what, k)
		} else if g != v {
			t.Errorf("%s: %s = %s, want %s", what, k, g, v)
		}
	}
}

func status(err error) int {
	code, _ := access.StatusOf(err)
	return code
}

func TestFormsAgainstHandComputedFixtures(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			t.Parallel()
			w := newWorld(t, e.Open(t, true))
			ctx := context.Background()

			// The 12315 period report for January 2026: 去年同期 is January 2025;
			// case A, accepted on 2025-12-31, is in neither.
			r, err := w.svc.Fill(ctx, w.director, "period_12315", "pd-cmt", "2026-01")
			if err != nil {
				t.Fatal(err)
			}
			check(t, "period 2026-01", cells(t, r), map[string]string{
				"承办数/本期": "3", "承办数/累计": "3", "承办数/去年同期": "1", "承办数/去年同期累计": "1", "承办数/增减数": "2", "承办数/增减率": "200.0",
				"其中：12315及市场监管分流/本期": "1", "其中：12315及市场监管分流/去年同期": "0", "其中：12315及市场监管分流/增减率": "—",
				"受理数/本期": "2", "受理数/去年同期": "1", "受理数/增减数": "1", "受理数/增减率": "100.0",
				"调解成功数/本期": "2", "调解成功数/去年同期": "1",
				"调解成功率/本期": "66.7", "调解成功率/去年同期": "100.0", "调解成功率/增减数": "-33.3", "调解成功率/增减率": "—",
				"挽回经济损失（万元）/本期": "0.30", "挽回经济损失（万元）/去年同期": "0.10", "挽回经济损失（万元）/增减数": "0.20", "挽回经济损失（万元）/增减率": "200.0",
				"违法线索数/本期": "1", "违法线索数/去年同期": "0", "违法线索数/增减数": "1", "违法线索数/增减率": "—",
			})
			if r.Period.Span("current").String() != "2026-01-01 至 2026-01-31" || r.Filled.String() != today || r.Pending != 0 {
				t.Errorf("period %s, filled %s, pending %d", r.Period.Span("current"), r.Filled, r.Pending)
			}
			// The year 2025: A (accepted 2025-12-31) and D; last year nothing, so every 增减率 is "—".
			r, err = w.svc.Fill(ctx, w.director, "period_12315", "pd-cmt", "2025")
			if err != nil {
				t.Fatal(err)
			}
			check(t, "period 2025", cells(t, r), map[string]string{
				"承办数/本期": "2", "承办数/累计": "2", "受理数/本期": "2", "调解成功数/本期": "1", "调解成功率/本期": "100.0",
				"承办数/去年同期": "0", "受理数/去年同期累计": "0", "调解成功率/去年同期": "—",
				"承办数/增减数": "2", "承办数/增减率": "—", "受理数/增减率": "—", "调解成功率/增减数": "—", "挽回经济损失（万元）/增减率": "—",
			})
			// A quarter in the year: 累计 runs from 1 January.
			r, err = w.svc.Fill(ctx, w.director, "period_12315", "pd-cmt", "2026-Q1")
			if err != nil {
				t.Fatal(err)
			}
			check(t, "period 2026-Q1", cells(t, r), map[string]string{"受理数/本期": "2", "受理数/去年同期": "1", "承办数/累计": "3"})
			// 2026 to date: the current year, compared with 2025 to the same day.
			r, err = w.svc.Fill(ctx, w.director, "period_12315", "pd-cmt", "2026")
			if err != nil {
				t.Fatal(err)
			}
			check(t, "period 2026", cells(t, r), map[string]string{"受理数/本期": "2", "受理数/去年同期": "1", "受理数/增减数": "1", "受理数/增减率": "100.0"})
			if !r.Period.Cut || r.Period.Span("last_year").String() != "2025-01-01 至 2025-12-03" {
				t.Errorf("2026 is cut to today: %v %s", r.Period.Cut, r.Period.Span("last_year"))
			}

			// 人民调解案件统计表, January 2026: intake categories summed into the justice categories.
			r, err = w.svc.Fill(ctx, w.director, "mediation_cases", "pd-cmt", "2026-01")
			if err != nil {
				t.Fatal(err)
			}
			check(t, "mediation 2026-01", cells(t, r), map[string]string{
				"合同纠纷/受理": "0", "合同纠纷/调解成功": "1", "合同纠纷/书面协议": "1", "合同纠纷/自动履行": "1",
				"合同纠纷/司法确认申请": "1", "合同纠纷/司法确认确认": "1", "合同纠纷/涉及金额": "0.00", "合同纠纷/当事人数": "0",
				"旅游纠纷/受理": "1", "旅游纠纷/调解成功": "1", "旅游纠纷/口头协议": "1", "旅游纠纷/自动履行": "0", "旅游纠纷/涉及金额": "1.23", "旅游纠纷/当事人数": "2",
				"医疗纠纷/受理": "1", "医疗纠纷/调解成功": "0", "医疗纠纷/当事人数": "2",
				"电子商务纠纷/受理": "0", "电子商务纠纷/涉及金额": "0.88",
				"婚姻家庭纠纷/受理": "0", "其他纠纷/受理": "0",
				"合计/受理": "2", "合计/调解成功": "2", "合计/口头协议": "1", "合计/书面协议": "1", "合计/自动履行": "1",
				"合计/司法确认申请": "1", "合计/司法确认确认": "1", "合计/涉及金额": "2.11", "合计/当事人数": "4", "合计/其中3人以上": "0",
			})
			var link string
			for _, c := range r.Table.Cells() {
				if c.Row == "合计" && c.Column == "调解成功" {
					link = r.CasesQuery(c)
				}
				if c.Row == "旅游纠纷" && r.CasesQuery(c) != "" {
					t.Errorf("a category cell links a list that is not by category: %+v", c)
				}
			}
			if link != "from=2026-01-01&indicator=success&part=numerator&to=2026-01-31&unit=pd-cmt" {
				t.Errorf("link %q", link)
			}
			// 2025: A and D accepted, 7 parties, both with 3 or more.
			r, err = w.svc.Fill(ctx, w.director, "mediation_cases", "pd-cmt", "2025")
			if err != nil {
				t.Fatal(err)
			}
			check(t, "mediation 2025", cells(t, r), map[string]string{
				"合同纠纷/受理": "2", "合同纠纷/当事人数": "7", "合同纠纷/其中3人以上": "2", "合同纠纷/调解成功": "1", "合同纠纷/涉及金额": "0.70",
				"合计/受理": "2", "合计/司法确认申请": "1", "合计/司法确认确认": "1",
			})

			// A room: only its own cases (A, B and E in 陆家嘴).
			r, err = w.svc.Fill(ctx, w.lead1, "period_12315", "pd-r1", "2026-01")
			if err != nil {
				t.Fatal(err)
			}
			check(t, "room 2026-01", cells(t, r), map[string]string{"承办数/本期": "2", "受理数/本期": "1", "调解成功数/本期": "2", "调解成功率/本期": "100.0", "违法线索数/本期": "0"})
			// The district sees the committee's figures (one committee), never 徐汇's.
			for _, p := range []*auth.Principal{w.justice, w.analyst} {
				r, err = w.svc.Fill(ctx, p, "period_12315", "pd", "2026-01")
				if err != nil {
					t.Fatal(err)
				}
				check(t, "district 2026-01", cells(t, r), map[string]string{"承办数/本期": "3", "受理数/本期": "2", "调解成功数/本期": "2"})
			}

			// Organisations and people.
			r, err = w.svc.Fill(ctx, w.justice, "organisation", "pd", "2026-Q3")
			if err != nil {
				t.Fatal(err)
			}
			check(t, "organisation", cells(t, r), map[string]string{
				"人民调解委员会/组织数": "1", "联合人民调解工作室/组织数": "1", "企业人民调解工作室/组织数": "1", "合计/组织数": "3",
				"联合人民调解工作室/调解员合计": "2", "联合人民调解工作室/调解员专职": "1", "联合人民调解工作室/调解员未登记名册": "1",
				"联合人民调解工作室/专职调解员学历大学本科": "1", "企业人民调解工作室/兼职调解员学历研究生": "1",
				"合计/调解员合计": "3", "合计/调解员专职": "1", "合计/调解员兼职": "1", "人民调解委员会/调解员合计": "0",
			})
			r, err = w.svc.Fill(ctx, w.lead1, "organisation", "pd-r1", "2026")
			if err != nil {
				t.Fatal(err)
			}
			check(t, "organisation of a room", cells(t, r), map[string]string{"合计/组织数": "1", "合计/调解员合计": "2", "人民调解委员会/组织数": "0"})
		})
	}
}

func TestScopesAndBadInput(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			t.Parallel()
			w := newWorld(t, e.Open(t, true))
			ctx := context.Background()
			for _, tc := range []struct {
				name            string
				p               *auth.Principal
				form, unit, per string
				status          int
				want            string
			}{
				{"mediator has no stats.read", w.mediator, "period_12315", "pd-r1", "2026-01", 403, "无权"},
				{"nobody", nil, "period_12315", "pd-r1", "2026-01", 403, "无权"},
				{"room lead, other room", w.lead1, "period_12315", "pd-r2", "2026-01", 403, "无权"},
				{"room lead, committee", w.lead1, "period_12315", "pd-cmt", "2026-01", 403, "无权"},
				{"other district's committee", w.outsider, "period_12315", "pd-cmt", "2026-01", 403, "无权"},
				{"other district's bureau", w.xhJustice, "mediation_cases", "pd", "2026", 403, "无权"},
				{"committee, district above", w.director, "period_12315", "pd", "2026-01", 403, "无权"},
				{"unknown form", w.director, "form_x", "pd-cmt", "2026-01", 404, "没有报表"},
				{"unknown unit", w.director, "period_12315", "nowhere", "2026-01", 404, "找不到单位"},
				{"no unit", w.director, "period_12315", "", "2026-01", 422, "填报单位"},
				{"not a mediation unit", w.justice, "period_12315", "pd-msa", "2026-01", 422, "不是调解组织"},
				{"future month", w.director, "period_12315", "pd-cmt", "2027-01", 422, "还没有开始"},
				{"future year", w.director, "organisation", "pd-cmt", "2027", 422, "还没有开始"},
				{"bad period", w.director, "period_12315", "pd-cmt", "2026-13", 422, "月份无效"},
				{"garbled period", w.director, "period_12315", "pd-cmt", "Q3-2026", 422, "无效"},
				{"no period", w.director, "period_12315", "pd-cmt", "", 422, "请指定统计期间"},
			} {
				_, err := w.svc.Fill(ctx, tc.p, tc.form, tc.unit, tc.per)
				if err == nil || status(err) != tc.status || !strings.Contains(err.Error(), tc.want) {
					t.Errorf("%s: %v (%d), want %d “%s”", tc.name, err, status(err), tc.status, tc.want)
				}
			}
			// The other district's own figures are its own.
			r, err := w.svc.Fill(ctx, w.outsider, "period_12315", "xh-cmt", "2026-01")
			if err != nil {
				t.Fatal(err)
			}
			check(t, "xh", cells(t, r), map[string]string{"受理数/本期": "1", "调解成功数/本期": "1"})
			units, err := w.svc.Units(ctx, w.justice)
			if err != nil {
				t.Fatal(err)
			}
			var codes []string
			for _, u := range units {
				codes = append(codes, u.Code)
			}
			if strings.Join(codes, ",") != "pd,pd-cmt,pd-r1,pd-r2" {
				t.Errorf("justice units %v", codes)
			}
			if _, err := w.svc.Units(ctx, w.mediator); status(err) != 403 {
				t.Errorf("mediator units: %v", err)
			}
		})
	}
}

// The workbook carries the screen's figures in a fixed layout.
func TestWorkbookReadBack(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			t.Parallel()
			w := newWorld(t, e.Open(t, true))
			ctx := context.Background()
			for _, code := range []string{"mediation_cases", "period_12315", "organisation"} {
				r, err := w.svc.Fill(ctx, w.director, code, "pd-cmt", "2026-01")
				if err != nil {
					t.Fatal(err)
				}
				f, err := statistics.Workbook(r)
				if err != nil {
					t.Fatal(err)
				}
				var buf bytes.Buffer
				if err := f.Write(&buf); err != nil {
					t.Fatal(err)
				}
				f.Close()
				x, err := excelize.OpenReader(&buf)
				if err != nil {
					t.Fatal(err)
				}
				rows, err := x.GetRows(statistics.SheetName)
				if err != nil {
					t.Fatal(err)
				}
				if rows[0][0] != r.Form.Title || !strings.HasPrefix(rows[2][0], "填报单位：浦东新区消费纠纷人民调解委员会") ||
					!strings.Contains(strings.Join(rows[1], ""), "统计期间：2026年1月") {
					t.Errorf("%s: top rows %q", code, rows[:3])
				}
				merged, _ := x.GetMergeCells(statistics.SheetName)
				var mergedHeads []string
				for _, m := range merged {
					mergedHeads = append(mergedHeads, m.GetCellValue())
				}
				joined := strings.Join(mergedHeads, "|")
				if !strings.Contains(joined, r.Form.Title) || code == "mediation_cases" && !strings.Contains(joined, "司法确认") ||
					code == "organisation" && !strings.Contains(joined, "专职调解员学历") {
					t.Errorf("%s: merged cells %q", code, mergedHeads)
				}
				// Find the grid: the row whose first cell is the first line's label.
				first := -1
				for i, row := range rows {
					if len(row) > 0 && row[0] == r.Table.Lines[0].Label {
						first = i
						break
					}
				}
				if first < 4 {
					t.Fatalf("%s: grid not found: %q", code, rows)
				}
				if units := r.Form.UnitsRow(); units != nil && (rows[first-1][0] != "计量单位" || rows[first-1][len(r.Form.Stub)] != units[len(r.Form.Stub)]) {
					t.Errorf("%s: units row %q", code, rows[first-1])
				}
				for i, l := range r.Table.Lines {
					row := rows[first+i]
					for j, s := range r.Form.Stub {
						if row[j] != l.Stub(s) {
							t.Errorf("%s: stub %q, want %q", code, row[j], l.Stub(s))
						}
					}
					for j, c := range l.Cells {
						if got := row[len(r.Form.Stub)+j]; got != c.Text {
							t.Errorf("%s: %s/%s = %q in the workbook, %q on screen", code, c.Row, c.Column, got, c.Text)
						}
					}
				}
				tail := strings.Join(rows[first+len(r.Table.Lines)+1], "")
				if !strings.Contains(tail, "负责人：") || !strings.Contains(tail, "填报日期："+today) {
					t.Errorf("%s: sign row %q", code, tail)
				}
				x.Close()
			}
		})
	}
}
