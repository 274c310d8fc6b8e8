package grouping_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"github.com/tiaojie/tiaojie/internal/access"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/tiaojie/tiaojie/internal/auth"
	"github.com/tiaojie/tiaojie/internal/consent"
	"github.com/tiaojie/tiaojie/internal/deadline"
	"github.com/tiaojie/tiaojie/internal/domain"
	"github.com/tiaojie/tiaojie/internal/grouping"
	"github.com/tiaojie/tiaojie/internal/intake"
	"github.com/tiaojie/tiaojie/internal/notify"
	"github.com/tiaojie/tiaojie/internal/pii"
	"github.com/tiaojie/tiaojie/internal/store"
	"github.com/tiaojie/tiaojie/internal/store/storetest"
)

type world struct {
	st         store.Store
	in         *intake.Service
	grp        *grouping.Service
	committee  store.OrgUnit
	cmtP, xhP  *auth.Principal
	regulatorP *auth.Principal
	now        time.Time
}

func newWorld(t *testing.T, e storetest.Engine) *world {
	ctx := context.Background()
	st := e.Open(t, true)
	deadline.EnsureDefaultPolicies(ctx, st)
	sealer, _ := pii.NewSealer(bytes.Repeat([]byte{9}, 32))
	mk := func(parent int64, kind domain.OrgKind, code, name, abbr string) store.OrgUnit {
		u := store.OrgUnit{ParentID: parent, Kind: kind, Code: code, Name: name, Abbr: abbr}
		if err := st.CreateOrgUnit(ctx, &u); err != nil {
			t.Fatal(err)
		}
		return u
	}
	w := &world{st: st, now: time.Date(2026, 11, 27, 10, 0, 0, 0, time.UTC)}
	clock := func() time.Time { return w.now }
	city := mk(0, domain.OrgCity, "sh", "上海市", "")
	d := mk(city.ID, domain.OrgDistrict, "pd", "浦东新区", "")
	w.committee = mk(d.ID, domain.OrgCommittee, "pd-cmt", "浦东新区消费纠纷人民调解委员会", "浦")
	office := mk(d.ID, domain.OrgRegulatorOffice, "amr", "陆家嘴市场监管所", "")
	xd := mk(city.ID, domain.OrgDistrict, "xh", "徐汇区", "")
	xc := mk(xd.ID, domain.OrgCommittee, "xh-cmt", "徐汇区消费纠纷人民调解委员会", "徐")
	bind := func(role domain.Role, u store.OrgUnit) *auth.Principal {
		return &auth.Principal{UserID: 1, DisplayName: string(role), Bindings: []store.Binding{{Role: role, OrgID: u.ID, OrgPath: u.Path}}}
	}
	w.cmtP, w.xhP, w.regulatorP = bind(domain.RoleCommittee, w.committee), bind(domain.RoleCommittee, xc), bind(domain.RoleRegulator, office)
	w.grp = &grouping.Service{Store: st, Now: clock, Sealer: sealer,
		Sender: &notify.OutboxSender{Outbox: consent.Outbox{Store: st}, Hash: sealer.Hash, Log: slog.New(slog.NewTextHandler(io.Discard, nil)), Signature: "人民调解"}}
	w.in = &intake.Service{Store: st, Sealer: sealer, Now: clock, Duplicates: w.grp}
	return w
}

func (w *world) register(t *testing.T, phone, merchant, desc string, at time.Time) store.Case {
	t.Helper()
	c, _, err := w.in.Register(context.Background(), w.regulatorP, intake.Complaint{ComplainantName: "投诉人", Phone: phone,
		MerchantName: merchant, MerchantAddress: "浦东新区陆家嘴街道1号", Category: "服务-健身", Description: desc, ClaimAmountFen: 100000, ReceivedAt: &at}, "")
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// Victims of a closure often copy one text from their chat group and change a few words.
var surgeTexts = []string{
	"上海某某健身有限公司突然闭店，老板失联，我办理的预付卡余额三千元无法使用，要求退还预付卡余额。",
	"上海某某健身有限公司突然闭店，老板失联，本人预付卡余额两千元无法使用，要求退还余额。",
	"某某健身突然闭店，老板失联，我的预付卡余额一千八百元无法使用，要求退还预付卡余额。",
	"上海某某健身有限公司突然闭店老板失联，预付卡剩余八个月无法使用，要求按比例退还预付卡费用。",
	"某某健身房突然闭店，老板失联，私教课预付卡余额无法使用，要求退还剩余预付卡余额。",
	"上海某某健身有限公司突然闭店，老板已失联，我充值的预付卡余额一千五百元无法使用，要求退还。",
}

func TestSurgeBecomesGroup(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			w := newWorld(t, e)
			ctx := context.Background()
			var ids []int64
			for i, text := range surgeTexts {
				c := w.register(t, fmt.Sprintf("1380000%04d", i), "上海某某健身有限公司", text, w.now.Add(-time.Duration(i)*12*time.Hour))
				ids = append(ids, c.ID)
			}
			// Noise: unrelated complaints against other merchants.
			for i := 0; i < 8; i++ {
				w.register(t, fmt.Sprintf("1390000%04d", i), fmt.Sprintf("上海某某%d电器商行", i), "购买的洗衣机漏水，商家拒绝维修和退换。", w.now.Add(-time.Duration(i)*time.Hour))
			}
			if _, err := w.grp.Proposals(ctx, w.xhP, w.committee); !errors.Is(err, access.ErrForbidden) {
				t.Fatalf("other district sees proposals: %v", err)
			}
			ps, err := w.grp.Proposals(ctx, w.cmtP, w.committee)
			if err != nil || len(ps) != 1 {
				t.Fatalf("proposals: %d %v", len(ps), err)
			}
			if len(ps[0].Cases) < 5 || !strings.Contains(ps[0].Surge.Reason, "上海某某健身有限公司") {
				t.Fatalf("surge: %+v", ps[0].Surge)
			}
			if _, err := w.grp.CreateGroup(ctx, w.cmtP, w.committee, ids[:1], "某某健身闭店", "", ""); err == nil {
				t.Fatal("a group of one")
			}
			g, err := w.grp.CreateGroup(ctx, w.cmtP, w.committee, ps[0].Surge.IDs, "某某健身闭店预付卡纠纷", "2026年11月经营者闭店失联", ps[0].Surge.Reason)
			if err != nil {
				t.Fatal(err)
			}
			if err := w.grp.SetRepresentatives(ctx, w.cmtP, g.ID, ps[0].Surge.IDs[:3]); err == nil {
				t.Fatal("three representatives")
			}
			if err := w.grp.SetRepresentatives(ctx, w.cmtP, g.ID, ps[0].Surge.IDs[:2]); err != nil {
				t.Fatal(err)
			}
			got, err := w.grp.Group(ctx, w.cmtP, g.ID)
			if err != nil || len(got.Members) != len(ps[0].Surge.IDs) {
				t.Fatalf("group: %d members %v", len(got.Members), err)
			}
			reps := map[int64]bool{}
			for _, m := range got.Members {
				if m.Representative {
					reps[m.CaseID] = true
				}
			}
			if len(reps) != 2 || !reps[ps[0].Surge.IDs[0]] || !reps[ps[0].Surge.IDs[1]] {
				t.Fatalf("representatives: %v", reps)
			}
			if _, err := w.grp.Group(ctx, w.xhP, g.ID); !errors.Is(err, access.ErrNotFound) {
				t.Fatalf("other district reads the group: %v", err)
			}
			// Notify everyone in the group.
			if _, err := w.grp.Notify(ctx, w.cmtP, g.ID, ""); err == nil {
				t.Fatal("empty notice sent")
			}
			n, err := w.grp.Notify(ctx, w.cmtP, g.ID, "定于12月3日14时在陆家嘴调解室召开集中调解会。")
			ob, _ := w.st.ListOutbox(ctx, 50)
			if err != nil || n != len(ps[0].Surge.IDs) || len(ob) != n || !strings.Contains(ob[0].Body, "集中调解会") {
				t.Fatalf("group notice: %d sent, %d in outbox, %v", n, len(ob), err)
			}
			if _, err := w.grp.Notify(ctx, w.xhP, g.ID, "x"); !errors.Is(err, access.ErrNotFound) {
				t.Fatalf("other district notifies: %v", err)
			}
			// The joint session is scheduled and announced; outcomes are recorded per member.
			if _, err := w.grp.ScheduleSession(ctx, w.cmtP, g.ID, w.now.Add(-time.Hour), "陆家嘴调解室"); err == nil {
				t.Fatal("session in the past")
			}
			if n, err := w.grp.ScheduleSession(ctx, w.cmtP, g.ID, w.now.Add(72*time.Hour), "陆家嘴调解室"); err != nil || n != len(ps[0].Surge.IDs) {
				t.Fatalf("session: %d %v", n, err)
			}
			if err := w.grp.RecordOutcome(ctx, w.cmtP, g.ID, ps[0].Surge.IDs[0], "settled", "退还余额", 300000); err != nil {
				t.Fatal(err)
			}
			if err := w.grp.RecordOutcome(ctx, w.cmtP, g.ID, ps[0].Surge.IDs[1], "maybe", "", 0); err == nil {
				t.Fatal("unknown outcome")
			}
			got, _ = w.grp.Group(ctx, w.cmtP, g.ID)
			if got.SessionAt == nil || got.SessionPlace != "陆家嘴调解室" {
				t.Fatalf("session not stored: %+v", got)
			}
			// Grouped complaints are no longer proposed.
			if ps, _ := w.grp.Proposals(ctx, w.cmtP, w.committee); len(ps) != 0 {
				t.Fatalf("grouped cases proposed again: %d", len(ps))
			}
		})
	}
}

func TestDuplicatesFlaggedMergedDismissed(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			w := newWorld(t, e)
			ctx := context.Background()
			first := w.register(t, "13812345678", "上海某某健身有限公司", "健身房突然闭店，预付卡余额三千元无法退还，要求退款。", w.now.Add(-48*time.Hour))
			again := w.register(t, "13812345678", "上海某某健身有限公司", "健身房突然闭店，预付卡余额三千元无法退还，要求全额退款。", w.now)
			otherPhone := w.register(t, "13912345678", "上海某某健身有限公司", "健身房突然闭店，预付卡余额三千元无法退还，要求退款。", w.now)
			fs, err := w.grp.Flags(ctx, w.cmtP, again)
			if err != nil || len(fs) != 1 || fs[0].Other.ID != first.ID || !strings.Contains(fs[0].Flag.Reasons, "同一手机号") {
				t.Fatalf("flags: %+v %v", fs, err)
			}
			if fs, _ := w.grp.Flags(ctx, w.cmtP, otherPhone); len(fs) != 0 {
				t.Fatal("a different complainant flagged as duplicate")
			}
			if _, err := w.grp.Merge(ctx, w.regulatorP, again.ID, fs[0].Flag.ID); !errors.Is(err, access.ErrForbidden) {
				t.Fatalf("regulator merges: %v", err)
			}
			if _, err := w.grp.Merge(ctx, w.xhP, again.ID, fs[0].Flag.ID); !errors.Is(err, access.ErrNotFound) {
				t.Fatalf("other district merges: %v", err)
			}
			keep, err := w.grp.Merge(ctx, w.cmtP, again.ID, fs[0].Flag.ID)
			if err != nil || keep.ID != first.ID {
				t.Fatalf("merge keeps the earlier case: %+v %v", keep, err)
			}
			dropped, _ := w.st.GetCase(ctx, again.ID)
			if dropped.Status != domain.StatusWithdrawn || dropped.MergedInto != first.ID {
				t.Fatalf("merged case: %+v", dropped)
			}
			evs, _ := w.st.ListEvents(ctx, first.ID)
			if last := evs[len(evs)-1]; last.Type != "merged_in" || !strings.Contains(last.Note, again.Number) {
				t.Fatalf("keeping case log: %+v", last)
			}
			if _, err := w.grp.Merge(ctx, w.cmtP, again.ID, fs[0].Flag.ID); err == nil {
				t.Fatal("merged twice")
			}
			third := w.register(t, "13812345678", "上海某某健身有限公司", "健身房闭店，预付卡余额三千元无法退还，要求退款。", w.now)
			fs, _ = w.grp.Flags(ctx, w.cmtP, third)
			if len(fs) == 0 {
				t.Fatal("third complaint not flagged")
			}
			if err := w.grp.Dismiss(ctx, w.cmtP, third.ID, fs[0].Flag.ID); err != nil {
				t.Fatal(err)
			}
			if c, _ := w.st.GetCase(ctx, third.ID); c.Status != domain.StatusReceived {
				t.Fatal("dismissing changed the case")
			}
		})
	}
}
