package settlement_test

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/tiaojie/tiaojie/internal/access"
	"github.com/tiaojie/tiaojie/internal/auth"
	"github.com/tiaojie/tiaojie/internal/calendar"
	"github.com/tiaojie/tiaojie/internal/deadline"
	"github.com/tiaojie/tiaojie/internal/domain"
	"github.com/tiaojie/tiaojie/internal/scorecard"
	"github.com/tiaojie/tiaojie/internal/settlement"
	"github.com/tiaojie/tiaojie/internal/store"
	"github.com/tiaojie/tiaojie/internal/store/storetest"
	"github.com/tiaojie/tiaojie/internal/subsidy"
)

func TestMain(m *testing.M) { storetest.Main(m) }

func status(err error) int {
	code, _ := access.StatusOf(err)
	return code
}

func at(day string, h int) time.Time {
	d, _ := calendar.ParseDate(day)
	return d.Time().Add(time.Duration(h) * time.Hour)
}

// world is a district with a committee, two rooms and the people who take
// part in a month's settlement, another district's committee, and October's
// closed cases: each written to pass or fail one thing.
type world struct {
	st                               store.Store
	svc                              *settlement.Service
	clock                            *time.Time
	committee, room1, room2, other   store.OrgUnit
	secretary, justice, justice2     *auth.Principal
	lead, m1, m2, analyst, auditor   *auth.Principal
	outsider, both                   *auth.Principal
	written, oral, noFollow, notArch int64
	terminated, withdrawn, civil     int64
	unconfirmed, september, novCase  int64
}

func org(t *testing.T, st store.Store, parent int64, kind domain.OrgKind, code, name, abbr string) store.OrgUnit {
	t.Helper()
	u := store.OrgUnit{ParentID: parent, Kind: kind, Code: code, Name: name, Abbr: abbr}
	if err := st.CreateOrgUnit(context.Background(), &u); err != nil {
		t.Fatal(err)
	}
	return u
}

func person(t *testing.T, st store.Store, name string, role domain.Role, units ...store.OrgUnit) *auth.Principal {
	t.Helper()
	ctx := context.Background()
	u := store.User{Username: name, DisplayName: name, Active: true, PasswordHash: "x"}
	if err := st.CreateUser(ctx, &u); err != nil {
		t.Fatal(err)
	}
	for _, unit := range units {
		if err := st.AddBinding(ctx, store.Binding{UserID: u.ID, Role: role, OrgID: unit.ID}); err != nil {
			t.Fatal(err)
		}
	}
	bs, err := st.ListBindings(ctx, u.ID)
	if err != nil {
		t.Fatal(err)
	}
	return &auth.Principal{UserID: u.ID, Username: name, DisplayName: name, Bindings: bs}
}

// closed is how a test case ends.
type closed struct {
	room      store.OrgUnit
	mediator  *auth.Principal
	claimFen  int64
	day       string // closure day
	outcome   string // agreed | oral | terminated | withdrawn
	performed bool
	judicial  bool
	followUp  bool
	archive   bool
}

func newWorld(t *testing.T, st store.Store) *world {
	t.Helper()
	ctx := context.Background()
	if err := deadline.EnsureDefaultPolicies(ctx, st); err != nil {
		t.Fatal(err)
	}
	clock := at("2026-11-03", 10)
	w := &world{st: st, clock: &clock}
	now := func() time.Time { return *w.clock }
	sc := &scorecard.Service{Store: st, Now: now}
	w.svc = &settlement.Service{Store: st, CatchUp: sc.CatchUp, Now: now}
	city := org(t, st, 0, domain.OrgCity, "sh", "上海市", "")
	pd := org(t, st, city.ID, domain.OrgDistrict, "pd", "浦东新区", "")
	w.committee = org(t, st, pd.ID, domain.OrgCommittee, "pd-cmt", "浦东新区消费纠纷人民调解委员会", "浦")
	w.room1 = org(t, st, w.committee.ID, domain.OrgOfficeRoom, "pd-r1", "陆家嘴工作室", "")
	w.room2 = org(t, st, w.committee.ID, domain.OrgEnterpriseRoom, "pd-r2", "商场工作室", "")
	xh := org(t, st, city.ID, domain.OrgDistrict, "xh", "徐汇区", "")
	w.other = org(t, st, xh.ID, domain.OrgCommittee, "xh-cmt", "徐汇区消费纠纷人民调解委员会", "徐")
	w.secretary = person(t, st, "秘书", domain.RoleCommittee, w.committee)
	w.justice = person(t, st, "司法局", domain.RoleJustice, pd)
	w.justice2 = person(t, st, "司法所", domain.RoleJustice, pd)
	w.lead = person(t, st, "负责人", domain.RoleRoomLead, w.room1)
	w.m1 = person(t, st, "调解员甲", domain.RoleMediator, w.room1)
	w.m2 = person(t, st, "调解员乙", domain.RoleMediator, w.room2)
	w.analyst = person(t, st, "分析员", domain.RoleAnalyst, pd)
	w.auditor = person(t, st, "审计员", domain.RoleAuditor, pd)
	w.outsider = person(t, st, "徐汇秘书", domain.RoleCommittee, w.other)
	// One person holding both the committee's and the justice role.
	w.both = person(t, st, "兼职", domain.RoleCommittee, w.committee)
	if err := st.AddBinding(ctx, store.Binding{UserID: w.both.UserID, Role: domain.RoleJustice, OrgID: pd.ID}); err != nil {
		t.Fatal(err)
	}
	w.both.Bindings, _ = st.ListBindings(ctx, w.both.UserID)
	for _, r := range []store.MediatorRecord{{UserID: w.m1.UserID, Kind: "full_time", Grade: "2", Employment: "contract"},
		{UserID: w.m2.UserID, Kind: "part_time", Grade: "1", Employment: "civil_servant"}} {
		if err := st.PutMediatorRecord(ctx, r); err != nil {
			t.Fatal(err)
		}
	}
	w.written = w.close(t, closed{room: w.room1, mediator: w.m1, claimFen: 300_000, day: "2026-10-09", outcome: "agreed", performed: true, judicial: true, followUp: true, archive: true})
	w.oral = w.close(t, closed{room: w.room1, mediator: w.m1, claimFen: 20_000, day: "2026-10-12", outcome: "oral", followUp: true, archive: true})
	w.noFollow = w.close(t, closed{room: w.room1, mediator: w.m1, claimFen: 300_000, day: "2026-10-13", outcome: "agreed", performed: true})
	w.notArch = w.close(t, closed{room: w.room1, mediator: w.m1, claimFen: 300_000, day: "2026-10-14", outcome: "agreed", performed: true, followUp: true})
	w.terminated = w.close(t, closed{room: w.room1, mediator: w.m1, claimFen: 9_000_000, day: "2026-10-15", outcome: "terminated", archive: true})
	w.withdrawn = w.close(t, closed{room: w.room1, mediator: w.m1, claimFen: 300_000, day: "2026-10-16", outcome: "withdrawn"})
	w.civil = w.close(t, closed{room: w.room2, mediator: w.m2, claimFen: 300_000, day: "2026-10-20", outcome: "agreed", performed: true, followUp: true, archive: true})
	w.unconfirmed = w.close(t, closed{room: w.room1, mediator: w.m1, claimFen: 300_000, day: "2026-10-21", outcome: "agreed", performed: true, followUp: true, archive: true})
	w.september = w.close(t, closed{room: w.room1, mediator: w.m1, claimFen: 300_000, day: "2026-09-20", outcome: "agreed", performed: true, followUp: true, archive: true})
	w.novCase = w.close(t, closed{room: w.room1, mediator: w.m1, claimFen: 300_000, day: "2026-10-27", outcome: "agreed", performed: true, followUp: true, archive: true})
	for id, level := range map[int64]string{w.written: "normal", w.oral: "simple", w.noFollow: "normal", w.notArch: "normal", w.terminated: "complex",
		w.civil: "normal", w.september: "normal", w.novCase: "normal"} {
		if err := w.svc.ConfirmDifficulty(ctx, w.lead, id, level, "按实际情况确认"); err != nil && id != w.civil {
			t.Fatalf("confirm difficulty of %d: %v", id, err)
		}
	}
	// The room-2 case is confirmed by the committee (the room lead does not reach it).
	if err := w.svc.ConfirmDifficulty(ctx, w.secretary, w.civil, "normal", ""); err != nil {
		t.Fatal(err)
	}
	return w
}

var caseSeq int

// close writes one case's life up to how it ends.
func (w *world) close(t *testing.T, c closed) int64 {
	t.Helper()
	ctx := context.Background()
	caseSeq++
	received := at(c.day, 9).AddDate(0, 0, -3)
	cs, _, err := w.st.CreateCase(ctx, &store.NewCase{CommitteeID: w.committee.ID, CommitteeAbbr: "浦", RoomID: c.room.ID, Channel: domain.ChannelWalkIn,
		Category: "服务-健身", Description: "预付卡退费纠纷", Claim: "退款", ClaimFen: c.claimFen, ReceivedAt: received, ExternalID: fmt.Sprintf("s-%d", caseSeq),
		Parties: []store.Party{{Kind: "consumer", Name: "甲", PhoneSealed: "s", PhoneHash: fmt.Sprintf("h%d", caseSeq), PhoneMask: "138****0000"},
			{Kind: "merchant", Name: "某健身公司"}},
		Event: store.Event{Type: "received", At: received}})
	if err != nil {
		t.Fatal(err)
	}
	apply := func(typ string, to domain.Status, when time.Time, data string) {
		cs, err = w.st.ApplyEvent(ctx, cs.ID, cs.Version, store.CaseChange{Status: to}, store.Event{Type: typ, At: when, FromStatus: cs.Status, ToStatus: to, Data: data})
		if err != nil {
			t.Fatalf("%s: %v", typ, err)
		}
	}
	apply("accept", domain.StatusAccepted, received.Add(time.Hour), "{}")
	cs, err = w.st.AssignCase(ctx, cs.ID, cs.Version, []int64{c.mediator.UserID}, 0, store.CaseChange{Status: domain.StatusAssigned},
		store.Event{Type: "assign", At: received.Add(2 * time.Hour), FromStatus: cs.Status, ToStatus: domain.StatusAssigned})
	if err != nil {
		t.Fatal(err)
	}
	if c.outcome == "withdrawn" {
		apply("withdraw", domain.StatusWithdrawn, at(c.day, 10), "{}")
		return cs.ID
	}
	apply("start_mediation", domain.StatusMediating, received.Add(3*time.Hour), "{}")
	closeAt := at(c.day, 10)
	switch c.outcome {
	case "terminated":
		apply("terminate", domain.StatusTerminated, closeAt, "{}")
	default:
		kind := "written"
		if c.outcome == "oral" {
			kind = "oral"
		}
		apply("reach_agreement", domain.StatusAgreed, closeAt, fmt.Sprintf(`{"agreed_fen":%d,"kind":%q}`, c.claimFen, kind))
		apply("start_performance", domain.StatusPerforming, closeAt.Add(time.Hour), "{}")
		if c.performed {
			if err := w.st.AddNote(ctx, cs.ID, store.Event{Type: "performed", At: closeAt.Add(2 * time.Hour), ToStatus: cs.Status, Data: `{"recovered_fen":100}`}); err != nil {
				t.Fatal(err)
			}
		}
		if c.judicial {
			if err := w.st.AddNote(ctx, cs.ID, store.Event{Type: "judicial_confirmed", At: closeAt.Add(3 * time.Hour), ToStatus: cs.Status}); err != nil {
				t.Fatal(err)
			}
		}
		if c.followUp {
			apply("follow_up", domain.StatusFollowedUp, closeAt.Add(4*time.Hour), `{"satisfaction":5}`)
		}
	}
	if c.archive {
		apply("archive", domain.StatusArchived, closeAt.Add(5*time.Hour), "{}")
		if err := w.st.AttachArchive(ctx, cs.ID, store.Archive{FileNumber: fmt.Sprintf("A-%d", caseSeq), PDF: []byte("%PDF"), SHA256: "x", ArchivedAt: closeAt}); err != nil {
			t.Fatal(err)
		}
	}
	return cs.ID
}

func lineOf(b settlement.Batch, caseID int64) (settlement.Line, bool) {
	for _, l := range b.Lines {
		if l.CaseID == caseID {
			return l, true
		}
	}
	return settlement.Line{}, false
}

func failureOf(b settlement.Batch, caseID int64) (settlement.Failure, bool) {
	for _, f := range b.Failures {
		if f.CaseID == caseID {
			return f, true
		}
	}
	return settlement.Failure{}, false
}

func each(t *testing.T, fn func(t *testing.T, w *world)) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			t.Parallel()
			fn(t, newWorld(t, e.Open(t, true)))
		})
	}
}

// October's batch: every case closed in the window is a line or a failure
// with its gate, amounts explained in words; September's and November's
// cases are not in it.
func TestOctoberBatch(t *testing.T) {
	each(t, func(t *testing.T, w *world) {
		ctx := context.Background()
		b, created, err := w.svc.Generate(ctx, w.secretary, "pd-cmt", "2026-10", false)
		if err != nil || !created {
			t.Fatalf("generate: %v created=%v", err, created)
		}
		if b.WindowFrom != "2026-09-26" || b.WindowTo != "2026-10-25" || b.Status != "draft" {
			t.Fatalf("window/status: %+v", b.SubsidyBatch)
		}
		if len(b.Lines)+len(b.Failures) != 8 {
			t.Fatalf("cases in the batch: %d lines + %d failures, want 8", len(b.Lines), len(b.Failures))
		}
		want := map[int64]struct {
			fen  int64
			text string
		}{
			w.written:    {30_000, "（书面协议 × 一般 × 已履行 200.00元 + 司法确认 50.00元） × 二级 1.2 = 300.00元"},
			w.oral:       {3_000, "口头协议 × 简易 × 未履行 25.00元 × 二级 1.2 = 30.00元"},
			w.terminated: {9_600, "依法终止 × 疑难复杂 80.00元 × 二级 1.2 = 96.00元"},
		}
		for id, x := range want {
			l, ok := lineOf(b, id)
			if !ok || l.AmountFen != x.fen || l.Explanation != x.text || l.MediatorName != "调解员甲" || l.RoomName != "陆家嘴工作室" {
				t.Errorf("line of case %d: %+v, want %d %q", id, l, x.fen, x.text)
			}
		}
		if b.TotalFen != 30_000+3_000+9_600 || len(b.Lines) != 3 {
			t.Fatalf("total %d over %d lines", b.TotalFen, len(b.Lines))
		}
		gates := map[int64]string{w.noFollow: subsidy.GateFollowUp, w.notArch: subsidy.GateArchived, w.withdrawn: subsidy.GateOutcome,
			w.civil: subsidy.GatePayee, w.unconfirmed: subsidy.GateDifficulty}
		for id, g := range gates {
			f, ok := failureOf(b, id)
			if !ok || f.Gate != g || f.Reason == "" {
				t.Errorf("failure of case %d: %+v, want gate %s", id, f, g)
			}
		}
		for _, id := range []int64{w.september, w.novCase} {
			if _, ok := lineOf(b, id); ok {
				t.Errorf("case %d outside the window is on the batch", id)
			}
			if _, ok := failureOf(b, id); ok {
				t.Errorf("case %d outside the window is listed", id)
			}
		}
		if len(b.Summary) != 1 || b.Summary[0].Fen != b.TotalFen || b.Summary[0].Cases != 3 {
			t.Fatalf("summary: %+v", b.Summary)
		}
		// Asking again answers the same batch.
		again, created, err := w.svc.Generate(ctx, w.secretary, "pd-cmt", "2026-10", false)
		if err != nil || created || again.ID != b.ID {
			t.Fatalf("second generate: %v created=%v id=%d", err, created, again.ID)
		}
	})
}

// The done-when journey: generate, submit, return one line, fix, resubmit,
// approve; then frozen, paid, and the finance workbook adds up.
func TestReturnFixResubmitApprove(t *testing.T) {
	each(t, func(t *testing.T, w *world) {
		ctx := context.Background()
		b, _, err := w.svc.Generate(ctx, w.secretary, "pd-cmt", "2026-10", false)
		if err != nil {
			t.Fatal(err)
		}
		// The committee cannot approve; a justice officer cannot draft.
		if _, err := w.svc.Approve(ctx, w.secretary, b.ID, ""); status(err) != http.StatusForbidden {
			t.Fatalf("committee approves a draft: %v", err)
		}
		if _, err := w.svc.Exclude(ctx, w.justice, b.ID, w.oral, "不应计发", false); status(err) != http.StatusForbidden {
			t.Fatalf("justice excludes: %v", err)
		}
		if _, err := w.svc.Approve(ctx, w.justice, b.ID, ""); status(err) != http.StatusConflict {
			t.Fatalf("approve a draft: %v", err)
		}
		if _, err := w.svc.Exclude(ctx, w.secretary, b.ID, w.oral, "", false); status(err) != http.StatusUnprocessableEntity {
			t.Fatalf("exclude without a reason: %v", err)
		}
		if _, err := w.svc.Exclude(ctx, w.secretary, b.ID, w.withdrawn, "试试", false); status(err) != http.StatusUnprocessableEntity {
			t.Fatalf("exclude a case that is not a line: %v", err)
		}
		b, err = w.svc.Submit(ctx, w.secretary, b.ID)
		if err != nil || b.Status != "submitted" {
			t.Fatalf("submit: %v", err)
		}
		if _, err := w.svc.Exclude(ctx, w.secretary, b.ID, w.oral, "来不及了", false); status(err) != http.StatusConflict {
			t.Fatalf("change a submitted batch: %v", err)
		}
		// Returned with a reason on the oral agreement's line.
		if _, err := w.svc.Return(ctx, w.justice, b.ID, "", nil); status(err) != http.StatusUnprocessableEntity {
			t.Fatalf("return without a reason: %v", err)
		}
		b, err = w.svc.Return(ctx, w.justice, b.ID, "请核实口头协议案件", map[int64]string{w.oral: "口头协议未履行，材料不足"})
		if err != nil || b.Status != "returned" || b.ReturnReason != "请核实口头协议案件" {
			t.Fatalf("return: %v %+v", err, b.SubsidyBatch)
		}
		if l, _ := lineOf(b, w.oral); l.ReturnReason != "口头协议未履行，材料不足" {
			t.Fatalf("line reason: %+v", l)
		}
		// The secretary takes the line off, and the lead confirms the forgotten difficulty.
		if b, err = w.svc.Exclude(ctx, w.secretary, b.ID, w.oral, "按审核意见剔除", false); err != nil || b.TotalFen != 39_600 {
			t.Fatalf("exclude: %v total %d", err, b.TotalFen)
		}
		if err := w.svc.ConfirmDifficulty(ctx, w.lead, w.unconfirmed, "complex", ""); status(err) != http.StatusUnprocessableEntity {
			t.Fatalf("a level other than proposed without a reason: %v", err)
		}
		if err := w.svc.ConfirmDifficulty(ctx, w.lead, w.unconfirmed, "normal", ""); err != nil {
			t.Fatal(err)
		}
		if b, err = w.svc.Refresh(ctx, w.secretary, b.ID); err != nil {
			t.Fatal(err)
		}
		if l, ok := lineOf(b, w.unconfirmed); !ok || l.AmountFen != 24_000 {
			t.Fatalf("the confirmed case after refresh: %+v", l)
		}
		if l, _ := lineOf(b, w.oral); !l.Excluded {
			t.Fatalf("exclusion lost on refresh: %+v", l)
		}
		if b.TotalFen != 63_600 {
			t.Fatalf("total after refresh: %d", b.TotalFen)
		}
		if b, err = w.svc.Submit(ctx, w.secretary, b.ID); err != nil || b.Status != "submitted" {
			t.Fatalf("resubmit: %v", err)
		}
		if l, _ := lineOf(b, w.oral); l.ReturnReason != "" {
			t.Fatalf("old line reason kept after resubmission: %+v", l)
		}
		// Two officers approve at once: one wins, one is told.
		var wg sync.WaitGroup
		errs := make([]error, 2)
		for i, p := range []*auth.Principal{w.justice, w.justice2} {
			wg.Add(1)
			go func() { defer wg.Done(); _, errs[i] = w.svc.Approve(ctx, p, b.ID, "同意") }()
		}
		wg.Wait()
		ok, told := 0, 0
		for _, err := range errs {
			switch {
			case err == nil:
				ok++
			case status(err) == http.StatusConflict:
				told++
			default:
				t.Fatalf("approval: %v", err)
			}
		}
		if ok != 1 || told != 1 {
			t.Fatalf("approvals: %d won, %d told", ok, told)
		}
		b, _ = w.svc.Get(ctx, w.secretary, b.ID)
		if b.Status != "approved" || b.TotalFen != 63_600 {
			t.Fatalf("approved: %+v", b.SubsidyBatch)
		}
		// Frozen.
		if _, err := w.svc.Exclude(ctx, w.secretary, b.ID, w.written, "改主意", false); status(err) != http.StatusConflict {
			t.Fatalf("change an approved batch: %v", err)
		}
		if _, err := w.svc.Refresh(ctx, w.secretary, b.ID); status(err) != http.StatusConflict {
			t.Fatalf("refresh an approved batch: %v", err)
		}
		if _, err := w.svc.Return(ctx, w.justice, b.ID, "再看看", nil); status(err) != http.StatusConflict {
			t.Fatalf("return an approved batch: %v", err)
		}
		// Paid.
		if _, err := w.svc.RecordPaid(ctx, w.justice, b.ID, "2026-13-01", ""); status(err) != http.StatusUnprocessableEntity {
			t.Fatalf("bad paid date: %v", err)
		}
		if _, err := w.svc.RecordPaid(ctx, w.justice, b.ID, "2026-12-31", ""); status(err) != http.StatusUnprocessableEntity {
			t.Fatalf("paid in the future: %v", err)
		}
		if b, err = w.svc.RecordPaid(ctx, w.justice, b.ID, "2026-11-03", "财政国库集中支付"); err != nil || b.Status != "paid" || b.PaidOn != "2026-11-03" || b.PaidByName != "司法局" || b.PaidBy != w.justice.UserID {
			t.Fatalf("paid: %v", err)
		}
		actions := []string{}
		for _, e := range b.Trail {
			actions = append(actions, e.Action)
		}
		if got := strings.Join(actions, ","); got != "生成,提交审核,退回,剔除,重新核算,修改后重新提交,审核通过,登记支付" {
			t.Fatalf("trail: %s", got)
		}
		// The finance workbook: one summary row per mediator whose sum equals the screen's total.
		f, err := b.Workbook()
		if err != nil {
			t.Fatal(err)
		}
		var buf bytes.Buffer
		if err := f.Write(&buf); err != nil {
			t.Fatal(err)
		}
		back, err := excelize.OpenReader(&buf)
		if err != nil {
			t.Fatal(err)
		}
		rows, _ := back.GetRows(settlement.SummarySheet)
		var sum float64
		total := -1.0
		for _, r := range rows[4:] {
			if len(r) < 5 {
				continue
			}
			var v float64
			fmt.Sscanf(strings.ReplaceAll(r[4], ",", ""), "%f", &v)
			if r[0] == "合计" {
				total = v
				continue
			}
			sum += v
		}
		if fmt.Sprintf("%.2f/%.2f", sum, total) != "636.00/636.00" || float64(b.TotalFen)/100 != total {
			t.Fatalf("summary sheet: %v (rows sum %.2f, total %.2f, screen %d fen)", rows, sum, total, b.TotalFen)
		}
		if fm, _ := back.GetCellFormula(settlement.SummarySheet, fmt.Sprintf("E%d", len(rows))); fm != fmt.Sprintf("SUM(E5:E%d)", len(rows)-1) {
			t.Fatalf("total is not a sum of the rows: %q", fm)
		}
		detail, _ := back.GetRows(settlement.DetailSheet)
		if len(detail) != 1+len(b.Lines) || !strings.Contains(strings.Join(detail[1], "|"), "300.00元") {
			t.Fatalf("detail sheet: %v", detail)
		}
		failed, _ := back.GetRows(settlement.FailedSheet)
		if len(failed) != 1+len(b.Failures) {
			t.Fatalf("failed sheet: %d rows for %d failures", len(failed), len(b.Failures))
		}
		// The PDF carries the approval trail.
		var pdf bytes.Buffer
		if err := b.WritePDF(&pdf); err != nil {
			t.Fatal(err)
		}
		txt := pdfText(t, pdf.Bytes())
		for _, want := range []string{"个案补贴结算表", "审核记录", "退回", "审核通过", "司法局"} {
			if !strings.Contains(txt, want) {
				t.Errorf("PDF lacks %q", want)
			}
		}
	})
}

// Bad periods and a second batch of a settled month; adjustments.
func TestPeriodsAndAdjustment(t *testing.T) {
	each(t, func(t *testing.T, w *world) {
		ctx := context.Background()
		for period, code := range map[string]int{"2026-12": 422, "2026-11": 422, "2026-1": 422, "十月": 422, "2026-10-01": 422} {
			if _, _, err := w.svc.Generate(ctx, w.secretary, "pd-cmt", period, false); status(err) != code {
				t.Errorf("period %q: %v", period, err)
			}
		}
		if _, _, err := w.svc.Generate(ctx, w.secretary, "pd-cmt", "2026-10", true); status(err) != 422 {
			t.Fatalf("adjust a month never settled: %v", err)
		}
		b, _, _ := w.svc.Generate(ctx, w.secretary, "pd-cmt", "2026-10", false)
		if _, _, err := w.svc.Generate(ctx, w.secretary, "pd-cmt", "2026-10", true); status(err) != http.StatusConflict {
			t.Fatalf("adjust a draft: %v", err)
		}
		b, _ = w.svc.Submit(ctx, w.both, b.ID)
		if _, err := w.svc.Approve(ctx, w.both, b.ID, ""); status(err) != http.StatusForbidden {
			t.Fatalf("the submitter approves (holding both roles): %v", err)
		}
		if _, err := w.svc.Approve(ctx, w.justice, b.ID, ""); err != nil {
			t.Fatal(err)
		}
		// A second regular batch of the settled month is refused, and nothing is stored.
		before, _ := w.svc.List(ctx, w.secretary)
		if _, _, err := w.svc.Generate(ctx, w.secretary, "pd-cmt", "2026-10", false); status(err) != http.StatusConflict || !strings.Contains(err.Error(), "调整批次") {
			t.Fatalf("a second batch of a settled month without adjust: %v", err)
		}
		if after, _ := w.svc.List(ctx, w.secretary); len(after) != len(before) {
			t.Fatalf("the refusal stored a batch: %d → %d", len(before), len(after))
		}
		// A failing case is archived after approval: the month is corrected by an adjusting batch.
		w.archive(t, w.notArch, "2026-10-30")
		if err := w.svc.ConfirmDifficulty(ctx, w.lead, w.written, "complex", "复核"); status(err) != http.StatusConflict {
			t.Fatalf("change the difficulty of a paid case: %v", err)
		}
		adj, created, err := w.svc.Generate(ctx, w.secretary, "pd-cmt", "2026-10", true)
		if err != nil || !created || adj.Kind != "adjust" || adj.AdjustsID != b.ID {
			t.Fatalf("adjust: %v %+v", err, adj.SubsidyBatch)
		}
		if len(adj.Lines) != 1 || adj.Lines[0].CaseID != w.notArch || adj.Lines[0].AmountFen != 24_000 || !strings.HasPrefix(adj.Lines[0].Explanation, "调整：原核发 0.00元") {
			t.Fatalf("adjusting lines: %+v", adj.Lines)
		}
		// The regular batch is unchanged; the next month's batch does not pay the case again.
		orig, _ := w.svc.Get(ctx, w.secretary, b.ID)
		if orig.TotalFen != b.TotalFen || orig.Status != "approved" {
			t.Fatalf("approved batch moved: %+v", orig.SubsidyBatch)
		}
		// Asking again while the adjustment is open answers it (200), not a second one.
		again, created, err := w.svc.Generate(ctx, w.secretary, "pd-cmt", "2026-10", true)
		if err != nil || created || again.ID != adj.ID {
			t.Fatalf("a second adjustment while one is open: %v created=%v id=%d want %d", err, created, again.ID, adj.ID)
		}
		// Two adjustments computed side by side (as a race would leave
		// them): once one is approved, the other is refused until refreshed.
		twin := store.SubsidyBatch{CommitteeID: w.committee.ID, Period: "2026-10", Kind: "adjust", AdjustsID: b.ID, WindowFrom: adj.WindowFrom,
			WindowTo: adj.WindowTo, Lines: adj.Lines, CreatedBy: w.secretary.UserID, Created: *w.clock}
		if err := w.st.CreateSubsidyBatch(ctx, &twin, store.SubsidyTrail{Action: "生成调整批次", ActorID: w.secretary.UserID, At: *w.clock}); err != nil {
			t.Fatal(err)
		}
		if _, err := w.svc.Submit(ctx, w.secretary, twin.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := w.svc.Submit(ctx, w.secretary, adj.ID); err != nil {
			t.Fatal(err)
		}
		*w.clock = w.clock.Add(time.Hour)
		if _, err := w.svc.Approve(ctx, w.justice, adj.ID, ""); err != nil {
			t.Fatal(err)
		}
		if _, err := w.svc.Approve(ctx, w.justice, twin.ID, ""); status(err) != http.StatusConflict || !strings.Contains(err.Error(), "重新核算") {
			t.Fatalf("the twin adjustment approved after the first: %v", err)
		}
		if got, _ := w.svc.Get(ctx, w.secretary, twin.ID); got.Status != "submitted" {
			t.Fatalf("the refused approval moved the twin: %s", got.Status)
		}
		paid, _ := w.st.SubsidyPaid(ctx, w.committee.ID, []int64{w.notArch})
		if paid[w.notArch].Fen != 24_000 {
			t.Fatalf("the late-archived case is paid %d fen, want 24000 once", paid[w.notArch].Fen)
		}
	})
}

// One dispute is paid once: a case failing a gate in October's draft is
// carried into November's; once it is met, both batches would pay it. The
// first approved pays it; the other is refused until refreshed, which
// drops the carried case.
func TestCaseCarriedIntoTwoOpenBatchesPaidOnce(t *testing.T) {
	each(t, func(t *testing.T, w *world) {
		ctx := context.Background()
		oct, _, err := w.svc.Generate(ctx, w.secretary, "pd-cmt", "2026-10", false)
		if err != nil {
			t.Fatal(err)
		}
		if f, ok := failureOf(oct, w.notArch); !ok || f.Gate != subsidy.GateArchived || !f.Pending {
			t.Fatalf("october: %+v", f)
		}
		w.archive(t, w.notArch, "2026-10-30")
		*w.clock = at("2026-11-26", 10)
		nov, _, err := w.svc.Generate(ctx, w.secretary, "pd-cmt", "2026-11", false)
		if err != nil {
			t.Fatal(err)
		}
		if l, ok := lineOf(nov, w.notArch); !ok || l.AmountFen != 24_000 {
			t.Fatalf("november does not carry the archived case: %+v", l)
		}
		if oct, err = w.svc.Refresh(ctx, w.secretary, oct.ID); err != nil {
			t.Fatal(err)
		}
		if _, ok := lineOf(oct, w.notArch); !ok {
			t.Fatal("october after refresh does not pay the archived case")
		}
		if _, err := w.svc.Submit(ctx, w.secretary, oct.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := w.svc.Approve(ctx, w.justice, oct.ID, ""); err != nil {
			t.Fatal(err)
		}
		number := func() string { l, _ := lineOf(nov, w.notArch); return l.CaseNumber }()
		if _, err := w.svc.Submit(ctx, w.secretary, nov.ID); status(err) != http.StatusConflict || !strings.Contains(err.Error(), "一案只补一次") ||
			!strings.Contains(err.Error(), number) {
			t.Fatalf("submitting november with a case october paid: %v", err)
		}
		if got, _ := w.svc.Get(ctx, w.secretary, nov.ID); got.Status != "draft" || len(got.Trail) != 1 {
			t.Fatalf("the refusal changed november: %s, %d trail entries", got.Status, len(got.Trail))
		}
		if nov, err = w.svc.Refresh(ctx, w.secretary, nov.ID); err != nil {
			t.Fatal(err)
		}
		// Paid in October, the carried case (closed in October's window) leaves November.
		if _, ok := lineOf(nov, w.notArch); ok {
			t.Fatal("november after refresh still pays the case october paid")
		}
		if _, err := w.svc.Submit(ctx, w.secretary, nov.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := w.svc.Approve(ctx, w.justice, nov.ID, ""); err != nil {
			t.Fatal(err)
		}
		paid, _ := w.st.SubsidyPaid(ctx, w.committee.ID, []int64{w.notArch})
		if p := paid[w.notArch]; p.Fen != 24_000 || p.Period != "2026-10" {
			t.Fatalf("paid: %+v, want 24000 fen once in 2026-10", p)
		}
	})
}

func (w *world) archive(t *testing.T, id int64, day string) {
	t.Helper()
	ctx := context.Background()
	cs, err := w.st.GetCase(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.st.ApplyEvent(ctx, id, cs.Version, store.CaseChange{Status: domain.StatusArchived},
		store.Event{Type: "archive", At: at(day, 10), FromStatus: cs.Status, ToStatus: domain.StatusArchived}); err != nil {
		t.Fatal(err)
	}
	if err := w.st.AttachArchive(ctx, id, store.Archive{FileNumber: fmt.Sprintf("A-late-%d", id), PDF: []byte("%PDF"), SHA256: "x", ArchivedAt: at(day, 10)}); err != nil {
		t.Fatal(err)
	}
}

// Who sees what: the other district never; a mediator only their lines;
// the analyst reads; the auditor sees the trail only.
func TestScopes(t *testing.T) {
	each(t, func(t *testing.T, w *world) {
		ctx := context.Background()
		if _, _, err := w.svc.Generate(ctx, w.outsider, "pd-cmt", "2026-10", false); status(err) != http.StatusNotFound {
			t.Fatalf("other district generates: %v", err)
		}
		if _, _, err := w.svc.Generate(ctx, w.analyst, "pd-cmt", "2026-10", false); status(err) != http.StatusForbidden {
			t.Fatalf("analyst generates: %v", err)
		}
		b, _, err := w.svc.Generate(ctx, w.secretary, "pd-cmt", "2026-10", false)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.svc.Get(ctx, w.outsider, b.ID); status(err) != http.StatusNotFound {
			t.Fatalf("other district reads: %v", err)
		}
		if bs, _ := w.svc.List(ctx, w.outsider); len(bs) != 0 {
			t.Fatalf("other district lists: %d", len(bs))
		}
		if _, err := w.svc.Get(ctx, w.m1, b.ID); status(err) != http.StatusNotFound {
			t.Fatalf("mediator opens the batch: %v", err)
		}
		if got, err := w.svc.Get(ctx, w.analyst, b.ID); err != nil || len(got.Lines) != 3 || got.CanEdit || got.CanDecide {
			t.Fatalf("analyst reads: %v", err)
		}
		got, err := w.svc.Get(ctx, w.auditor, b.ID)
		if err != nil || !got.TrailOnly || len(got.Lines) != 0 || len(got.Trail) != 1 {
			t.Fatalf("auditor: %v %+v", err, got.SubsidyBatch)
		}
		// A draft is not yet the mediator's to see; submitted lines are.
		if mine, _ := w.svc.Mine(ctx, w.m1, ""); len(mine.Lines) != 0 {
			t.Fatalf("mediator sees a draft: %d", len(mine.Lines))
		}
		w.svc.Submit(ctx, w.secretary, b.ID)
		mine, err := w.svc.Mine(ctx, w.m1, "")
		if err != nil || len(mine.Lines) != 3 || mine.More || mine.TotalFen != 0 {
			t.Fatalf("my lines: %+v %v (a submitted batch's lines are no one's money yet)", mine, err)
		}
		if mine, _ := w.svc.Mine(ctx, w.m2, ""); len(mine.Lines) != 0 {
			t.Fatalf("the civil servant has lines: %d", len(mine.Lines))
		}
		// On the case page: the presiding mediator and the committee see it; others do not.
		written, _ := w.st.GetCase(ctx, w.written)
		if v, ok, err := w.svc.ForCase(ctx, w.m1, written); err != nil || !ok || len(v.Lines) != 1 || v.Lines[0].AmountFen != 30_000 || v.Difficulty != "normal" || v.CanConfirm {
			t.Fatalf("presiding mediator's view: %+v %v %v", v, ok, err)
		}
		if v, ok, _ := w.svc.ForCase(ctx, w.lead, written); !ok || !v.CanConfirm || v.Proposed == "" {
			t.Fatalf("room lead's view: %+v %v", v, ok)
		}
		for _, p := range []*auth.Principal{w.m2, w.outsider, w.auditor} {
			if _, ok, _ := w.svc.ForCase(ctx, p, written); ok {
				t.Fatalf("%s sees the case's subsidy", p.Username)
			}
		}
		// The scheme: set by the justice bureau only.
		sc := subsidy.Default()
		sc.Version, sc.EffectiveFrom = "2027-1", "2027-01-01"
		if _, err := w.svc.SaveScheme(ctx, w.secretary, "pd-cmt", sc); status(err) != http.StatusForbidden {
			t.Fatalf("committee sets the scheme: %v", err)
		}
		if _, err := w.svc.SaveScheme(ctx, w.outsider, "pd-cmt", sc); status(err) != http.StatusNotFound {
			t.Fatalf("other district sets the scheme: %v", err)
		}
		v, err := w.svc.SaveScheme(ctx, w.justice, "pd-cmt", sc)
		if err != nil || !v.Stored || len(v.Versions) != 1 || v.Current.Example {
			t.Fatalf("justice sets the scheme: %v %+v", err, v)
		}
		if _, err := w.svc.SaveScheme(ctx, w.justice, "pd-cmt", sc); status(err) != 422 {
			t.Fatalf("same version twice: %v", err)
		}
		bad := sc
		bad.Version, bad.JudicialFen = "2027-2", -1
		if _, err := w.svc.SaveScheme(ctx, w.justice, "pd-cmt", bad); status(err) != 422 {
			t.Fatalf("negative amount: %v", err)
		}
	})
}

// A scheme that changes mid-window prices each case under the version in
// force on its closure day; the link to the platform adds its gate.
func TestSchemeChangeAndSyncGate(t *testing.T) {
	each(t, func(t *testing.T, w *world) {
		ctx := context.Background()
		v1 := subsidy.Default()
		v1.Version, v1.EffectiveFrom, v1.Example = "2026-A", "2026-01-01", false
		v2 := v1
		v2.Version, v2.EffectiveFrom = "2026-B", "2026-10-12"
		v2.Agreed = append([]subsidy.Rate(nil), v1.Agreed...)
		for i := range v2.Agreed {
			v2.Agreed[i].Fen *= 2
		}
		for _, s := range []subsidy.Scheme{v1, v2} {
			if _, err := w.svc.SaveScheme(ctx, w.justice, "pd-cmt", s); err != nil {
				t.Fatal(err)
			}
		}
		w.svc.SyncRequired = true
		b, _, err := w.svc.Generate(ctx, w.secretary, "pd-cmt", "2026-10", false)
		if err != nil {
			t.Fatal(err)
		}
		for _, id := range []int64{w.written, w.oral, w.terminated} {
			if f, ok := failureOf(b, id); !ok || f.Gate != subsidy.GateSync || !f.Pending {
				t.Fatalf("case %d without the platform's receipt: %+v", id, f)
			}
		}
		for _, id := range []int64{w.written, w.oral} {
			if err := w.st.PutSmartSync(ctx, store.SmartSync{CaseID: id, CommitteeID: w.committee.ID, CaseCode: fmt.Sprint(id), State: store.SmartSynced, Updated: *w.clock}); err != nil {
				t.Fatal(err)
			}
		}
		if b, err = w.svc.Refresh(ctx, w.secretary, b.ID); err != nil {
			t.Fatal(err)
		}
		l1, _ := lineOf(b, w.written) // closed 10-09: v1
		l2, _ := lineOf(b, w.oral)    // closed 10-12: v2, doubled
		if l1.SchemeVersion != "2026-A" || l1.AmountFen != 30_000 || l2.SchemeVersion != "2026-B" || l2.AmountFen != 6_000 {
			t.Fatalf("lines under two versions: %+v / %+v", l1, l2)
		}
		// A settled month's rules cannot be rewritten afterwards.
		w.svc.SyncRequired = false
		b, _ = w.svc.Submit(ctx, w.secretary, b.ID)
		if _, err := w.svc.Approve(ctx, w.justice, b.ID, ""); err != nil {
			t.Fatal(err)
		}
		v3 := v1
		v3.Version, v3.EffectiveFrom = "2026-C", "2026-10-20"
		if _, err := w.svc.SaveScheme(ctx, w.justice, "pd-cmt", v3); status(err) != 422 {
			t.Fatalf("a version reaching into a settled month: %v", err)
		}
	})
}

func pdfText(t *testing.T, b []byte) string {
	t.Helper()
	if _, err := exec.LookPath("pdftotext"); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("pdftotext (poppler-utils) missing under CI")
		}
		t.Skip("pdftotext not installed")
	}
	path := filepath.Join(t.TempDir(), "b.pdf")
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("pdftotext", "-layout", path, "-").Output()
	if err != nil {
		t.Fatalf("pdftotext: %v", err)
	}
	return strings.Join(strings.Fields(string(out)), "")
}

// Two secretaries generate the same month at once: one batch is created,
// the other is answered with it (the API's 201 and 200).
func TestConcurrentGenerateOneBatch(t *testing.T) {
	each(t, func(t *testing.T, w *world) {
		ctx := context.Background()
		type got struct {
			id      int64
			created bool
			err     error
		}
		res := make([]got, 2)
		var wg sync.WaitGroup
		for i, p := range []*auth.Principal{w.secretary, w.both} {
			wg.Add(1)
			go func() {
				defer wg.Done()
				b, created, err := w.svc.Generate(ctx, p, "pd-cmt", "2026-10", false)
				res[i] = got{b.ID, created, err}
			}()
		}
		wg.Wait()
		for _, r := range res {
			if r.err != nil {
				t.Fatalf("generate: %v", r.err)
			}
		}
		if res[0].id != res[1].id || res[0].created == res[1].created {
			t.Fatalf("two generations at once: %+v", res)
		}
		if bs, _ := w.svc.List(ctx, w.secretary); len(bs) != 1 {
			t.Fatalf("batches stored: %d", len(bs))
		}
	})
}
