package bulletin_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tiaojie/tiaojie/internal/access"
	"github.com/tiaojie/tiaojie/internal/auth"
	"github.com/tiaojie/tiaojie/internal/bulletin"
	"github.com/tiaojie/tiaojie/internal/calendar"
	"github.com/tiaojie/tiaojie/internal/deadline"
	"github.com/tiaojie/tiaojie/internal/domain"
	"github.com/tiaojie/tiaojie/internal/liaison"
	"github.com/tiaojie/tiaojie/internal/notify"
	"github.com/tiaojie/tiaojie/internal/pii"
	"github.com/tiaojie/tiaojie/internal/scorecard"
	"github.com/tiaojie/tiaojie/internal/store"
	"github.com/tiaojie/tiaojie/internal/store/storetest"
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

// sender records the SMS notices queued.
type sender struct {
	mu   sync.Mutex
	sent []notify.Message
}

func (s *sender) Send(_ context.Context, m notify.Message) (notify.Receipt, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.sent = append(s.sent, m)
	return notify.Receipt{ID: fmt.Sprintf("t-%d", len(s.sent))}, nil
}

type world struct {
	st                                store.Store
	svc                               *bulletin.Service
	sc                                *scorecard.Service
	sms                               *sender
	clock                             *time.Time
	committee, room, other, regOffice store.OrgUnit
	director, secretary, mediator     *auth.Principal
	justice, analyst, regulator       *auth.Principal
	outsider, xhRegulator, expert     *auth.Principal
	partnerReg, partnerCourt, xhPart  int64
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

// Today is Monday 2026-12-07: November 2026 is the last ended month.
func newWorld(t *testing.T, st store.Store) *world {
	t.Helper()
	ctx := context.Background()
	if err := deadline.EnsureDefaultPolicies(ctx, st); err != nil {
		t.Fatal(err)
	}
	clock := at("2026-12-07", 9)
	w := &world{st: st, clock: &clock, sms: &sender{}}
	now := func() time.Time { return *w.clock }
	w.sc = &scorecard.Service{Store: st, Now: now}
	sealer, err := pii.NewSealer([]byte("0123456789abcdef0123456789abcdef"))
	if err != nil {
		t.Fatal(err)
	}
	li := &liaison.Service{Store: st, Sealer: sealer, Sender: w.sms, Scorecard: w.sc, Now: now}
	w.svc = &bulletin.Service{Store: st, Scorecard: w.sc, Liaison: li, Now: now}

	city := org(t, st, 0, domain.OrgCity, "sh", "上海市")
	pd := org(t, st, city.ID, domain.OrgDistrict, "pd", "浦东新区")
	w.committee = org(t, st, pd.ID, domain.OrgCommittee, "pd-cmt", "浦东新区消费纠纷人民调解委员会")
	w.room = org(t, st, w.committee.ID, domain.OrgOfficeRoom, "pd-r1", "陆家嘴工作室")
	w.regOffice = org(t, st, pd.ID, domain.OrgRegulatorOffice, "pd-amr-01", "陆家嘴市场监管所")
	court := org(t, st, pd.ID, domain.OrgCourt, "pd-court", "浦东法院")
	xh := org(t, st, city.ID, domain.OrgDistrict, "xh", "徐汇区")
	w.other = org(t, st, xh.ID, domain.OrgCommittee, "xh-cmt", "徐汇区消费纠纷人民调解委员会")
	xhOffice := org(t, st, xh.ID, domain.OrgRegulatorOffice, "xh-amr-01", "徐汇市场监管所")
	w.director = person(t, st, "主任", domain.RoleCommittee, w.committee)
	w.secretary = person(t, st, "秘书", domain.RoleCommittee, w.committee)
	w.mediator = person(t, st, "调解员", domain.RoleMediator, w.room)
	w.justice = person(t, st, "司法局", domain.RoleJustice, pd)
	w.analyst = person(t, st, "分析员", domain.RoleAnalyst, pd)
	w.regulator = person(t, st, "监管所", domain.RoleRegulator, w.regOffice)
	w.outsider = person(t, st, "徐汇主任", domain.RoleCommittee, w.other)
	w.xhRegulator = person(t, st, "徐汇监管所", domain.RoleRegulator, xhOffice)
	w.expert = person(t, st, "专家", domain.RoleExpert, pd)

	// The register: the regulator office (a contact with a mobile) and the court.
	reg := store.Partner{CommitteeID: w.committee.ID, Kind: string(domain.OrgRegulatorOffice), OrgID: w.regOffice.ID, Name: w.regOffice.Name}
	if err := st.AddPartner(ctx, &reg); err != nil {
		t.Fatal(err)
	}
	if err := st.AddPartnerContact(ctx, &store.PartnerContact{PartnerID: reg.ID, Name: "顾所长", PhoneSealed: sealer.Seal("13900000001"), PhoneMask: "139****0001"}); err != nil {
		t.Fatal(err)
	}
	cp := store.Partner{CommitteeID: w.committee.ID, Kind: string(domain.OrgCourt), OrgID: court.ID, Name: court.Name}
	if err := st.AddPartner(ctx, &cp); err != nil {
		t.Fatal(err)
	}
	xp := store.Partner{CommitteeID: w.other.ID, Kind: string(domain.OrgRegulatorOffice), OrgID: xhOffice.ID, Name: xhOffice.Name}
	if err := st.AddPartner(ctx, &xp); err != nil {
		t.Fatal(err)
	}
	w.partnerReg, w.partnerCourt, w.xhPart = reg.ID, cp.ID, xp.ID

	n := 0
	newCase := func(received time.Time, merchant, category string) store.Case {
		n++
		nc := &store.NewCase{CommitteeID: w.committee.ID, CommitteeAbbr: "浦", RoomID: w.room.ID, Channel: domain.ChannelWalkIn,
			Category: category, Description: "预付卡退费纠纷", Claim: "退款", ClaimFen: 100_000, ReceivedAt: received, ExternalID: fmt.Sprintf("b-%d", n),
			Parties: []store.Party{{Kind: "consumer", Name: "甲", PhoneSealed: "s", PhoneHash: fmt.Sprintf("h%d", n), PhoneMask: "138****0000"}},
			Event:   store.Event{Type: "received", At: received}}
		if merchant != "" {
			nc.Merchant = &store.Merchant{Name: merchant}
		}
		c, _, err := st.CreateCase(ctx, nc)
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	apply := func(c store.Case, typ string, to domain.Status, when time.Time, data string) store.Case {
		c2, err := st.ApplyEvent(ctx, c.ID, c.Version, store.CaseChange{Status: to},
			store.Event{Type: typ, At: when, FromStatus: c.Status, ToStatus: to, Data: data})
		if err != nil {
			t.Fatalf("%s: %v", typ, err)
		}
		return c2
	}
	// November: three cases against 某健身, one against 某教育, one refused.
	for i := 0; i < 3; i++ {
		c := newCase(at(fmt.Sprintf("2026-11-%02d", 3+i), 10), "某健身有限公司", "服务-健身")
		apply(c, "accept", domain.StatusAccepted, at(fmt.Sprintf("2026-11-%02d", 3+i), 14), "{}")
	}
	newCase(at("2026-11-10", 10), "某教育培训公司", "服务-教育培训")
	c := newCase(at("2026-11-12", 10), "", "商品-家电")
	apply(c, "reject", domain.StatusRejected, at("2026-11-13", 10), "{}")
	// October: one against 某健身; November last year: two.
	newCase(at("2026-10-15", 10), "某健身有限公司", "服务-健身")
	newCase(at("2025-11-15", 10), "某健身有限公司", "服务-健身")
	newCase(at("2025-11-16", 10), "某教育培训公司", "服务-教育培训")
	// A case of December (not November's).
	newCase(at("2026-12-01", 10), "某健身有限公司", "服务-健身")

	// Warnings raised in November (two red, one yellow), one in October, one of Xuhui.
	for i, x := range []struct {
		unit  store.OrgUnit
		level string
		day   string
	}{{w.room, "red", "2026-11-20"}, {w.committee, "yellow", "2026-11-21"}, {w.room, "red", "2026-11-30"}, {w.room, "red", "2026-10-20"}, {w.other, "red", "2026-11-20"}} {
		wr := store.Warning{Rule: "deadline_overdue", RuleVersion: 1, Level: x.level, Status: store.WarningOpen, SubjectKind: "case", SubjectID: int64(i + 1),
			SubjectKey: fmt.Sprintf("case:%d", i+1), SubjectLabel: fmt.Sprintf("（2026）浦消调字第%05d号", i+1), UnitID: x.unit.ID, UnitPath: x.unit.Path,
			Explain: "已超过调解期限", RaisedAt: at(x.day, 23)}
		if ok, err := st.RaiseWarning(ctx, &wr); err != nil || !ok {
			t.Fatalf("raise: %v %v", ok, err)
		}
	}
	return w
}

func line(v bulletin.View, code string) bulletin.Line {
	for _, l := range v.Content.Headline.Lines {
		if l.Code == code {
			return l
		}
	}
	return bulletin.Line{}
}

// The draft's figures are the headline's, month by month, and every
// section says where its figures come from.
func TestDraftFromRollups(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			t.Parallel()
			w := newWorld(t, e.Open(t, true))
			ctx := context.Background()
			v, created, err := w.svc.Draft(ctx, w.director, "pd-cmt", "2026-11")
			if err != nil || !created || v.State != bulletin.StateDraft {
				t.Fatalf("draft: %v %v %+v", created, err, v.Bulletin)
			}
			for _, m := range []struct{ from, to, which string }{{"2026-11-01", "2026-11-30", "month"}, {"2026-10-01", "2026-10-31", "prev"}, {"2025-11-01", "2025-11-30", "year"}} {
				h, err := w.sc.Headline(ctx, w.director, "pd-cmt", m.from, m.to)
				if err != nil {
					t.Fatal(err)
				}
				for _, f := range h.Figures {
					l := line(v, f.Code)
					if l.Code == "" {
						continue
					}
					got := map[string]float64{"month": l.Value, "prev": l.Prev, "year": l.LastYear}[m.which]
					if got != f.Value {
						t.Errorf("%s %s: bulletin %v, headline %v", m.which, f.Code, got, f.Value)
					}
				}
			}
			if r := line(v, "received"); r.Value != 5 || r.Prev != 1 || r.LastYear != 2 || r.VsPrev != "+400.0%" || r.VsLastYear != "+150.0%" {
				t.Errorf("received line %+v", r)
			}
			hs := v.Content.Hotspots
			if len(hs.Merchants) < 2 || hs.Merchants[0].Name != "某健身有限公司" || hs.Merchants[0].Cases != 3 || hs.Merchants[0].Previous != 1 || hs.Merchants[0].LastYear != 1 {
				t.Errorf("hot merchants %+v", hs.Merchants)
			}
			if len(hs.Categories) != 3 || hs.Categories[0].Name != "服务-健身" || hs.Categories[0].Cases != 3 || hs.Categories[0].VsPrev != "+200.0%" {
				t.Errorf("hot categories %+v", hs.Categories)
			}
			ws := v.Content.Warnings
			if ws.Total != 3 || len(ws.Red) != 2 || ws.ByLevel[0].N != 2 || ws.ByLevel[2].N != 1 || ws.ByRule[0].Label != "调解超期" || ws.ByRule[0].N != 3 {
				t.Errorf("warnings %+v", ws)
			}
			if len(v.Content.Cases.Cases) != 0 || !strings.Contains(v.Content.Cases.Summary, "暂无") {
				t.Errorf("typical cases without the library: %+v", v.Content.Cases)
			}
			if len(v.Content.Ranking.Levels) != 2 || v.Content.Ranking.Levels[0].Published || !strings.Contains(v.Content.Ranking.Source, "尚未发布") {
				t.Errorf("ranking %+v", v.Content.Ranking)
			}
			for name, src := range map[string]string{"headline": v.Content.Headline.Source, "ranking": v.Content.Ranking.Source, "hotspots": v.Content.Hotspots.Source,
				"cases": v.Content.Cases.Source, "warnings": v.Content.Warnings.Source} {
				if !strings.Contains(src, "数据来源") && !strings.Contains(src, "尚未接入") {
					t.Errorf("%s does not say where it comes from: %q", name, src)
				}
			}
			for _, l := range v.Content.Headline.Lines {
				if l.Explain == "" {
					t.Errorf("%s has no explanation", l.Code)
				}
			}
			// Asking again answers the same bulletin; the job drafts only Xuhui's.
			again, created, err := w.svc.Draft(ctx, w.director, "pd-cmt", "2026-11")
			if err != nil || created || again.ID != v.ID {
				t.Fatalf("again: %v %v %d", created, err, again.ID)
			}
			if n, err := w.svc.DraftDue(ctx); err != nil || n != 1 {
				t.Fatalf("draft due: %d %v", n, err)
			}
			if n, err := w.svc.DraftDue(ctx); err != nil || n != 0 {
				t.Fatalf("draft due twice: %d %v", n, err)
			}
			// The hooks replace the own hot spots and fill the typical cases.
			w.svc.Hotspots = func(ctx context.Context, unit, from, to string) ([]bulletin.HotRow, error) {
				if unit != "pd-cmt" || from != "2026-10-01" || to != "2026-10-31" {
					t.Errorf("hot spots asked for %s %s..%s", unit, from, to)
				}
				return []bulletin.HotRow{{By: "merchant", Name: "钩子商户", Cases: 9, Previous: 3}}, nil
			}
			w.svc.TypicalCases = func(ctx context.Context, cid int64, from, to string) ([]bulletin.TypicalRef, error) {
				return []bulletin.TypicalRef{{ID: 1, Title: "健身卡退费案", Category: "服务-健身", URL: "/library/1"}}, nil
			}
			oct, _, err := w.svc.Draft(ctx, w.director, "pd-cmt", "2026-10")
			if err != nil || len(oct.Content.Hotspots.Merchants) != 1 || oct.Content.Hotspots.Merchants[0].VsPrev != "+200.0%" || len(oct.Content.Cases.Cases) != 1 {
				t.Fatalf("with hooks: %v %+v %+v", err, oct.Content.Hotspots, oct.Content.Cases)
			}
		})
	}
}

// draft → edited → approved → published; a published bulletin never
// changes; a correction is a new revision; the PDF reads back.
func TestWorkflowAndFreeze(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			t.Parallel()
			w := newWorld(t, e.Open(t, true))
			ctx := context.Background()
			v, _, err := w.svc.Draft(ctx, w.director, "pd-cmt", "2026-11")
			if err != nil {
				t.Fatal(err)
			}
			if _, err := w.svc.Publish(ctx, w.director, v.ID, []int64{w.partnerReg}); status(err) != 409 || !strings.Contains(err.Error(), "审核") {
				t.Fatalf("publish a draft: %v", err)
			}
			v, err = w.svc.Edit(ctx, w.secretary, v.ID, bulletin.EditInput{Remarks: "请各所加强预付卡消费风险提示。", Sections: map[string]string{"hotspots": "健身预付卡纠纷集中。"}})
			if err != nil || v.State != bulletin.StateEdited || v.Editor != "秘书" || v.Sections[2].Text != "健身预付卡纠纷集中。" || !v.Sections[2].Edited {
				t.Fatalf("edit: %v %+v", err, v.Bulletin)
			}
			if _, err := w.svc.Edit(ctx, w.secretary, v.ID, bulletin.EditInput{Sections: map[string]string{"bogus": "x"}}); status(err) != 422 {
				t.Fatalf("unknown section: %v", err)
			}
			if _, err := w.svc.Edit(ctx, w.secretary, v.ID, bulletin.EditInput{Remarks: strings.Repeat("长", 2001)}); status(err) != 422 {
				t.Fatalf("long remarks: %v", err)
			}
			// A case received late in November moves the draft's figures on opening.
			nc := &store.NewCase{CommitteeID: w.committee.ID, CommitteeAbbr: "浦", RoomID: w.room.ID, Channel: domain.ChannelWalkIn, Category: "服务-健身",
				Description: "补录", Claim: "退款", ReceivedAt: at("2026-11-28", 10), ExternalID: "late",
				Parties: []store.Party{{Kind: "consumer", Name: "乙", PhoneSealed: "s", PhoneHash: "late", PhoneMask: "138****0001"}},
				Event:   store.Event{Type: "received", At: at("2026-11-28", 10)}}
			if _, _, err := w.st.CreateCase(ctx, nc); err != nil {
				t.Fatal(err)
			}
			if v, err = w.svc.Get(ctx, w.director, v.ID); err != nil || line(v, "received").Value != 6 || v.Remarks == "" {
				t.Fatalf("refreshed draft: %v %+v", err, line(v, "received"))
			}
			v, err = w.svc.Approve(ctx, w.director, v.ID)
			if err != nil || v.State != bulletin.StateApproved || v.Approver != "主任" || v.Approved == nil {
				t.Fatalf("approve: %v %+v", err, v.Bulletin)
			}
			if _, err := w.svc.Approve(ctx, w.director, v.ID); status(err) != 409 {
				t.Fatalf("approve twice: %v", err)
			}
			// Approved figures are frozen.
			nc.ExternalID, nc.Parties[0].PhoneHash = "late2", "late2"
			if _, _, err := w.st.CreateCase(ctx, nc); err != nil {
				t.Fatal(err)
			}
			if v, err = w.svc.Get(ctx, w.director, v.ID); err != nil || line(v, "received").Value != 6 {
				t.Fatalf("approved figures moved: %v %+v", err, line(v, "received"))
			}
			// Partners must be the committee's own.
			if _, err := w.svc.Publish(ctx, w.director, v.ID, []int64{w.xhPart}); status(err) != 422 {
				t.Fatalf("another committee's partner: %v", err)
			}
			if _, err := w.svc.Publish(ctx, w.director, v.ID, nil); status(err) != 422 {
				t.Fatalf("no partner: %v", err)
			}
			if got, _ := w.st.GetBulletin(ctx, v.ID); got.State != bulletin.StateApproved || got.BriefingID != 0 {
				t.Fatalf("refused publish changed it: %+v", got)
			}
			v, err = w.svc.Publish(ctx, w.director, v.ID, []int64{w.partnerReg, w.partnerCourt})
			if err != nil || v.State != bulletin.StatePublished || v.BriefingID == 0 || v.Publisher != "主任" || len(v.Recipients) != 2 {
				t.Fatalf("publish: %v %+v", err, v.Bulletin)
			}
			if len(w.sms.sent) != 1 || w.sms.sent[0].To != "13900000001" || !strings.Contains(w.sms.sent[0].Body, "情况通报") {
				t.Fatalf("sms: %+v", w.sms.sent)
			}
			for _, r := range v.Recipients {
				if r.State != "sent" || (r.PartnerID == w.partnerReg && r.SMSQueued != 1) {
					t.Errorf("recipient %+v", r)
				}
			}
			pdf, name, err := w.svc.PDF(ctx, w.regulator, v.ID)
			if err != nil || !strings.HasSuffix(name, ".pdf") {
				t.Fatalf("pdf: %v %s", err, name)
			}
			sum := sha256.Sum256(pdf)
			if hex.EncodeToString(sum[:]) != v.SHA256 {
				t.Fatal("the PDF's SHA-256 is not the one recorded")
			}
			text := pdfText(t, pdf)
			for _, want := range []string{"情况通报（2026年11月）", "收到投诉：本月6件", "健身预付卡纠纷集中", "请各所加强预付卡消费风险提示", "数据来源", "红色预警", "陆家嘴市场监管所", "浦东法院", "浦东新区消费纠纷人民调解委员会"} {
				if !strings.Contains(text, want) {
					t.Errorf("PDF lacks %q:\n%s", want, text)
				}
			}
			// Published: never changes.
			if _, err := w.svc.Edit(ctx, w.director, v.ID, bulletin.EditInput{Remarks: "改"}); status(err) != 409 || !strings.Contains(err.Error(), "已发布") {
				t.Fatalf("edit published: %v", err)
			}
			if _, err := w.svc.Publish(ctx, w.director, v.ID, []int64{w.partnerReg}); status(err) != 409 {
				t.Fatalf("publish twice: %v", err)
			}
			if got, _ := w.st.GetBulletin(ctx, v.ID); got.Remarks != "请各所加强预付卡消费风险提示。" || got.Version != v.Version {
				t.Fatalf("published bulletin changed: %+v", got)
			}
			// A correction is the next revision, referencing it.
			if _, err := w.svc.Revise(ctx, w.director, v.ID, ""); status(err) != 422 {
				t.Fatalf("revise without a reason: %v", err)
			}
			r, err := w.svc.Revise(ctx, w.director, v.ID, "补录两件11月的投诉")
			if err != nil || r.Revision != 2 || r.CorrectsID != v.ID || r.State != bulletin.StateDraft || line(r, "received").Value != 7 || r.Remarks != v.Remarks ||
				!strings.Contains(r.Title, "更正版") {
				t.Fatalf("revise: %v %+v", err, r.Bulletin)
			}
			if _, err := w.svc.Revise(ctx, w.director, v.ID, "再次"); status(err) != 409 {
				t.Fatalf("second correction while one is open: %v", err)
			}
			if _, err := w.svc.Revise(ctx, w.director, r.ID, "x"); status(err) != 409 {
				t.Fatalf("revise a draft: %v", err)
			}
			// Draft answers the latest revision; the PDF of a draft does not exist yet.
			if d, created, err := w.svc.Draft(ctx, w.director, "pd-cmt", "2026-11"); err != nil || created || d.ID != r.ID || len(d.Revisions) != 2 {
				t.Fatalf("draft after a correction: %v %v %+v", created, err, d.Revisions)
			}
			if _, _, err := w.svc.PDF(ctx, w.director, r.ID); status(err) != 409 {
				t.Fatalf("pdf of a draft: %v", err)
			}
			// The liaison register lists the briefing too.
			bs, err := w.st.ListBriefings(ctx, []int64{w.committee.ID})
			if err != nil || len(bs) != 1 || bs[0].ID != v.BriefingID {
				t.Fatalf("briefings: %+v %v", bs, err)
			}
		})
	}
}

// Who may do what: the committee manages its own; its readers see every
// state; partner units in the district see published ones; the other
// district sees nothing; bad months are refused and change nothing.
func TestScopesAndBadInput(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			t.Parallel()
			w := newWorld(t, e.Open(t, true))
			ctx := context.Background()
			for _, c := range []struct {
				who   *auth.Principal
				unit  string
				month string
				code  int
				msg   string
			}{
				{w.justice, "pd-cmt", "2026-11", 403, "无权"},
				{w.mediator, "pd-cmt", "2026-11", 403, "无权"},
				{w.regulator, "pd-cmt", "2026-11", 403, "无权"},
				{w.outsider, "pd-cmt", "2026-11", 404, "找不到"},
				{w.director, "pd-r1", "2026-11", 422, "不是调委会"},
				{w.director, "", "2026-11", 422, "调委会"},
				{w.director, "pd-cmt", "2026-12", 422, "尚未结束"},
				{w.director, "pd-cmt", "2027-01", 422, "还没有到"},
				{w.director, "pd-cmt", "2026-1", 422, "无效"},
			} {
				if _, _, err := w.svc.Draft(ctx, c.who, c.unit, c.month); status(err) != c.code || !strings.Contains(err.Error(), c.msg) {
					t.Errorf("%s drafting %s %s: %v", c.who.DisplayName, c.unit, c.month, err)
				}
			}
			if bs, _ := w.st.ListBulletins(ctx, store.BulletinQuery{}); len(bs) != 0 {
				t.Fatalf("refused drafts wrote %d bulletins", len(bs))
			}
			// Opening the list drafts the last month for the committee.
			list, err := w.svc.List(ctx, w.director, "")
			if err != nil || len(list) != 1 || list[0].Month != "2026-11" || list[0].State != bulletin.StateDraft {
				t.Fatalf("director's list: %v %+v", err, list)
			}
			id := list[0].ID
			if _, err := w.svc.List(ctx, w.director, "11月"); status(err) != 422 {
				t.Fatalf("bad month filter: %v", err)
			}
			// Before publication: the committee's readers only.
			for _, c := range []struct {
				who  *auth.Principal
				sees bool
			}{{w.director, true}, {w.justice, true}, {w.analyst, true}, {w.mediator, false}, {w.regulator, false}, {w.outsider, false}, {w.xhRegulator, false}, {w.expert, false}} {
				_, err := w.svc.Get(ctx, c.who, id)
				if c.sees != (err == nil) || (!c.sees && status(err) != 404) {
					t.Errorf("%s reads the draft: %v", c.who.DisplayName, err)
				}
				l, err := w.svc.List(ctx, c.who, "")
				listed := false
				for _, b := range l {
					listed = listed || b.ID == id
				}
				if err != nil || c.sees != listed {
					t.Errorf("%s lists %+v (%v)", c.who.DisplayName, l, err)
				}
			}
			// Only the committee manages.
			for _, who := range []*auth.Principal{w.justice, w.analyst} {
				if _, err := w.svc.Approve(ctx, who, id); status(err) != 403 {
					t.Errorf("%s approves: %v", who.DisplayName, err)
				}
				if _, err := w.svc.Edit(ctx, who, id, bulletin.EditInput{Remarks: "x"}); status(err) != 403 {
					t.Errorf("%s edits: %v", who.DisplayName, err)
				}
			}
			if _, err := w.svc.Approve(ctx, w.outsider, id); status(err) != 404 {
				t.Errorf("other district approves: %v", err)
			}
			if _, err := w.svc.Approve(ctx, w.director, id); err != nil {
				t.Fatal(err)
			}
			if _, err := w.svc.Publish(ctx, w.outsider, id, []int64{w.xhPart}); status(err) != 404 {
				t.Errorf("other district publishes: %v", err)
			}
			if _, err := w.svc.Publish(ctx, w.director, id, []int64{w.partnerReg}); err != nil {
				t.Fatal(err)
			}
			// Published: partner units and room staff of the district see it; not the other district.
			for _, c := range []struct {
				who  *auth.Principal
				sees bool
			}{{w.mediator, true}, {w.regulator, true}, {w.justice, true}, {w.outsider, false}, {w.xhRegulator, false}, {w.expert, false}} {
				v, err := w.svc.Get(ctx, c.who, id)
				if c.sees != (err == nil) || (!c.sees && status(err) != 404) {
					t.Errorf("%s reads the published bulletin: %v", c.who.DisplayName, err)
				}
				if c.sees && (v.CanEdit || v.CanRevise || v.Partners != nil) {
					t.Errorf("%s may act on it: %+v", c.who.DisplayName, v)
				}
				if _, _, err := w.svc.PDF(ctx, c.who, id); c.sees != (err == nil) {
					t.Errorf("%s downloads the PDF: %v", c.who.DisplayName, err)
				}
			}
		})
	}
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
