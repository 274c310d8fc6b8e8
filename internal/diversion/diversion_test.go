package diversion_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"github.com/tiaojie/tiaojie/internal/access"
	"strings"
	"testing"
	"time"

	"github.com/tiaojie/tiaojie/internal/auth"
	"github.com/tiaojie/tiaojie/internal/deadline"
	"github.com/tiaojie/tiaojie/internal/diversion"
	"github.com/tiaojie/tiaojie/internal/domain"
	"github.com/tiaojie/tiaojie/internal/intake"
	"github.com/tiaojie/tiaojie/internal/pii"
	"github.com/tiaojie/tiaojie/internal/routing"
	"github.com/tiaojie/tiaojie/internal/store"
	"github.com/tiaojie/tiaojie/internal/store/storetest"
)

type world struct {
	st                                        store.Store
	in                                        *intake.Service
	div                                       *diversion.Service
	committee, lujiazui, huamu, mall, ecom    store.OrgUnit
	office                                    store.OrgUnit
	committeeP, regulatorP, mallMediator, xhP *auth.Principal
	mallMerchant                              store.Merchant
}

func mk(t *testing.T, st store.Store, parent int64, kind domain.OrgKind, code, name, abbr string) store.OrgUnit {
	u := store.OrgUnit{ParentID: parent, Kind: kind, Code: code, Name: name, Abbr: abbr}
	if err := st.CreateOrgUnit(context.Background(), &u); err != nil {
		t.Fatal(err)
	}
	return u
}

func principal(name string, role domain.Role, u store.OrgUnit) *auth.Principal {
	return &auth.Principal{UserID: 1, DisplayName: name, Bindings: []store.Binding{{Role: role, OrgID: u.ID, OrgPath: u.Path, OrgName: u.Name}}}
}

func newWorld(t *testing.T, e storetest.Engine) *world {
	ctx := context.Background()
	st := e.Open(t, true)
	deadline.EnsureDefaultPolicies(ctx, st)
	sealer, _ := pii.NewSealer(bytes.Repeat([]byte{3}, 32))
	w := &world{st: st, div: &diversion.Service{Store: st}}
	w.in = &intake.Service{Store: st, Sealer: sealer, Router: w.div}
	city := mk(t, st, 0, domain.OrgCity, "sh", "上海市", "")
	d := mk(t, st, city.ID, domain.OrgDistrict, "pd", "浦东新区", "")
	w.committee = mk(t, st, d.ID, domain.OrgCommittee, "pd-cmt", "浦东新区消费纠纷人民调解委员会", "浦")
	w.lujiazui = mk(t, st, w.committee.ID, domain.OrgOfficeRoom, "r-ljz", "陆家嘴市场监管所联合人民调解工作室", "")
	w.huamu = mk(t, st, w.committee.ID, domain.OrgOfficeRoom, "r-hm", "花木市场监管所联合人民调解工作室", "")
	w.mall = mk(t, st, w.committee.ID, domain.OrgEnterpriseRoom, "r-mall", "星汇广场企业人民调解工作室", "")
	w.ecom = mk(t, st, w.committee.ID, domain.OrgEnterpriseRoom, "r-ecom", "电商平台企业人民调解工作室", "")
	w.office = mk(t, st, d.ID, domain.OrgRegulatorOffice, "amr-ljz", "陆家嘴市场监管所", "")
	xd := mk(t, st, city.ID, domain.OrgDistrict, "xh", "徐汇区", "")
	xc := mk(t, st, xd.ID, domain.OrgCommittee, "xh-cmt", "徐汇区消费纠纷人民调解委员会", "徐")
	st.SetRoomStreets(ctx, w.lujiazui.ID, []string{"陆家嘴街道"})
	st.SetRoomStreets(ctx, w.huamu.ID, []string{"花木街道"})
	w.mallMerchant = store.Merchant{Name: "上海星汇广场商业管理有限公司", CreditCode: domain.GenerateCreditCode("91310115MA1K3YJ12")}
	st.UpsertMerchant(ctx, &w.mallMerchant)
	st.BindRoomMerchant(ctx, w.mall.ID, w.mallMerchant.ID)
	w.committeeP = principal("调委会", domain.RoleCommittee, w.committee)
	w.regulatorP = principal("市场监管所", domain.RoleRegulator, w.office)
	w.mallMediator = principal("商场调解员", domain.RoleMediator, w.mall)
	w.xhP = principal("徐汇调委会", domain.RoleCommittee, xc)
	return w
}

func complaint(address, credit, desc, category string) intake.Complaint {
	return intake.Complaint{ComplainantName: "王芳", Phone: "13812345678", MerchantName: "上海某某有限公司", CreditCode: credit,
		MerchantAddress: address, Category: category, Description: desc, ClaimAmountFen: 10000}
}

// accept registers as the regulator (landing in the committee queue) and accepts as the committee.
func (w *world) accept(t *testing.T, in intake.Complaint) store.Case {
	t.Helper()
	ctx := context.Background()
	c, _, err := w.in.Register(ctx, w.regulatorP, in, "")
	if err != nil {
		t.Fatal(err)
	}
	if c.RoomID != 0 {
		t.Fatalf("a diverted complaint starts in the queue, got room %d", c.RoomID)
	}
	c, err = w.in.Decide(ctx, w.committeeP, c.ID, intake.Decision{Accept: true})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestRouteOnAcceptance(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			w := newWorld(t, e)
			ctx := context.Background()
			cases := []struct {
				name string
				in   intake.Complaint
				room int64
				kind string
				why  string
			}{
				{"enterprise binding", complaint("浦东新区花木街道1号", w.mallMerchant.CreditCode, "在商场购买的羽绒服开线，商家拒绝退货。", "商品-服装鞋帽"), w.mall.ID, "enterprise_merchant", "星汇广场"},
				{"online platform", complaint("浦东新区花木街道2号", "", "在网购平台直播间购买的面霜是假货，要求退一赔三。", "服务-网络购物"), w.ecom.ID, "online_platform", "电商平台"},
				{"street", complaint("浦东新区陆家嘴街道世纪大道100号", "", "健身房闭店，预付卡余额无法退还。", "服务-健身"), w.lujiazui.ID, "street", "陆家嘴街道"},
				{"fallback", complaint("闵行区某路1号", "", "维修后空调仍不制冷，要求退还维修费。", "服务-维修服务"), 0, "fallback", "待分流"},
			}
			for _, tc := range cases {
				c := w.accept(t, tc.in)
				if c.RoomID != tc.room || c.RouteKind != tc.kind || !strings.Contains(c.RouteReason, tc.why) {
					t.Errorf("%s: room %d kind %s reason %q", tc.name, c.RoomID, c.RouteKind, c.RouteReason)
				}
				evs, _ := w.st.ListEvents(ctx, c.ID)
				if last := evs[len(evs)-1]; last.Type != "route" || !strings.Contains(last.Data, "trace") || last.Note != c.RouteReason {
					t.Errorf("%s: route event %+v", tc.name, last)
				}
			}
			// A complaint registered in a room stays there.
			c, _, _ := w.in.Register(ctx, w.mallMediator, complaint("浦东新区陆家嘴街道1号", "", "商场餐厅食品变质，要求赔偿医疗费用。", "服务-餐饮"), "")
			c, err := w.in.Decide(ctx, w.mallMediator, c.ID, intake.Decision{Accept: true})
			if err != nil || c.RoomID != w.mall.ID || c.RouteKind != "" {
				t.Fatalf("registered in a room: %+v %v", c, err)
			}
		})
	}
}

func TestRulesEditAndReroute(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			w := newWorld(t, e)
			ctx := context.Background()
			rules, stored, err := w.div.Rules(ctx, w.committee.ID)
			if err != nil || stored || len(rules) == 0 {
				t.Fatalf("default rules: %v %v", stored, err)
			}
			// A category rule placed first wins over the street map.
			custom := append([]routing.Rule{{Position: 1, Kind: routing.KindCategory, Enabled: true, RoomID: w.huamu.ID, Categories: []string{"服务-健身"}}}, rules...)
			if err := w.div.SaveRules(ctx, w.regulatorP, w.committee, custom); !errors.Is(err, diversion.ErrForbidden) {
				t.Fatalf("regulator edits rules: %v", err)
			}
			if err := w.div.SaveRules(ctx, w.xhP, w.committee, custom); !errors.Is(err, diversion.ErrForbidden) {
				t.Fatalf("other district edits rules: %v", err)
			}
			bad := append([]routing.Rule{{Position: 1, Kind: routing.KindCategory, Enabled: true, RoomID: 99999, Categories: []string{"服务-健身"}}}, rules...)
			var ve *routing.ValidationError
			if err := w.div.SaveRules(ctx, w.committeeP, w.committee, bad); !errors.As(err, &ve) {
				t.Fatalf("rule to an unknown room: %v", err)
			}
			if err := w.div.SaveRules(ctx, w.committeeP, w.committee, custom); err != nil {
				t.Fatal(err)
			}
			c := w.accept(t, complaint("浦东新区陆家嘴街道世纪大道100号", "", "健身房闭店，预付卡余额无法退还。", "服务-健身"))
			if c.RoomID != w.huamu.ID || c.RouteKind != "category" {
				t.Fatalf("category first: %+v", c)
			}
			// Re-route by hand needs a reason and a room of the same committee.
			if _, err := w.div.Reroute(ctx, w.committeeP, c.ID, w.lujiazui.ID, "", 0); err == nil {
				t.Fatal("re-route without a reason")
			}
			if _, err := w.div.Reroute(ctx, w.xhP, c.ID, w.lujiazui.ID, "错分", 0); !errors.Is(err, diversion.ErrNotFound) {
				t.Fatalf("other district re-routes: %v", err)
			}
			if _, err := w.div.Reroute(ctx, w.regulatorP, c.ID, w.lujiazui.ID, "错分", 0); !errors.Is(err, diversion.ErrForbidden) && !errors.Is(err, diversion.ErrNotFound) {
				t.Fatalf("regulator re-routes: %v", err)
			}
			c2, err := w.div.Reroute(ctx, w.committeeP, c.ID, w.lujiazui.ID, "经营地址实际在陆家嘴", 0)
			if err != nil || c2.RoomID != w.lujiazui.ID || c2.RouteKind != "manual" || !strings.Contains(c2.RouteReason, "经营地址实际在陆家嘴") {
				t.Fatalf("re-route: %+v %v", c2, err)
			}
			if _, err := w.div.Reroute(ctx, w.committeeP, c.ID, w.huamu.ID, "再改", c.Version); !errors.Is(err, access.ErrStale) {
				t.Fatalf("stale re-route: %v", err)
			}
			evs, _ := w.st.ListEvents(ctx, c.ID)
			if evs[len(evs)-1].Type != "reroute" || evs[len(evs)-1].ToStatus != domain.StatusAccepted {
				t.Fatalf("re-route event: %+v", evs[len(evs)-1])
			}
		})
	}
}

func TestODRFirstStep(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			w := newWorld(t, e)
			ctx := context.Background()
			odr := store.Merchant{Name: "上海某某电子商务有限公司", CreditCode: domain.GenerateCreditCode("91310115MA1K3YJ13"), ODR: true}
			w.st.UpsertMerchant(ctx, &odr)
			w.st.BindRoomMerchant(ctx, w.ecom.ID, odr.ID)
			accepted := time.Date(2026, 11, 2, 10, 0, 0, 0, time.UTC) // Monday
			w.in.Now = func() time.Time { return accepted }
			w.div.Now = w.in.Now
			c := w.accept(t, complaint("浦东新区花木街道2号", odr.CreditCode, "网店发来的商品与描述不符，要求退货退款。", "服务-网络购物"))
			if c.Status != domain.StatusODRNegotiating || c.RoomID != w.ecom.ID {
				t.Fatalf("ODR firm negotiates first: %s room %d", c.Status, c.RoomID)
			}
			// Within the 10 working days nothing moves.
			w.div.Now = func() time.Time { return accepted.AddDate(0, 0, 7) }
			if n, err := w.div.SweepODR(ctx); err != nil || n != 0 {
				t.Fatalf("early sweep: %d %v", n, err)
			}
			// After them the case flows on to mediation by itself.
			w.div.Now = func() time.Time { return accepted.AddDate(0, 0, 20) }
			if n, err := w.div.SweepODR(ctx); err != nil || n != 1 {
				t.Fatalf("sweep: %d %v", n, err)
			}
			got, _ := w.st.GetCase(ctx, c.ID)
			if got.Status != domain.StatusConsenting {
				t.Fatalf("after the ODR deadline: %s", got.Status)
			}
			if n, _ := w.div.SweepODR(ctx); n != 0 {
				t.Fatal("sweep is not idempotent")
			}
			// Another one settled by the firm.
			w.in.Now = func() time.Time { return accepted }
			w.div.Now = w.in.Now
			c2 := w.accept(t, complaint("浦东新区花木街道2号", odr.CreditCode, "快递丢件，商家拒绝补发或退款。", "服务-网络购物"))
			if _, err := w.div.ODROutcome(ctx, w.regulatorP, c2.ID, "settled", ""); err == nil {
				t.Fatal("regulator records the ODR outcome")
			}
			c2, err := w.div.ODROutcome(ctx, w.committeeP, c2.ID, "settled", "已退款")
			if err != nil || c2.Status != domain.StatusWithdrawn || c2.ClosedAt == nil {
				t.Fatalf("settled: %+v %v", c2, err)
			}
			if _, err := w.div.ODROutcome(ctx, w.committeeP, c2.ID, "failed", ""); err == nil {
				t.Fatal("outcome recorded twice")
			}
		})
	}
}

// More overdue negotiations than one page: the sweep moves every one (an
// offset sweep skipped those that slid into the pages it had read).
func TestODRSweepPagesByKey(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			w := newWorld(t, e)
			ctx := context.Background()
			odr := store.Merchant{Name: "上海某某电子商务有限公司", CreditCode: domain.GenerateCreditCode("91310115MA1K3YJ13"), ODR: true}
			w.st.UpsertMerchant(ctx, &odr)
			w.st.BindRoomMerchant(ctx, w.ecom.ID, odr.ID)
			accepted := time.Date(2026, 11, 2, 10, 0, 0, 0, time.UTC)
			w.in.Now = func() time.Time { return accepted }
			w.div.Now = w.in.Now
			const n = 510
			for i := range n {
				w.accept(t, complaint("浦东新区花木街道2号", odr.CreditCode, fmt.Sprintf("网店第%d单商品与描述不符，要求退货退款。", i), "服务-网络购物"))
			}
			w.div.Now = func() time.Time { return accepted.AddDate(0, 0, 20) }
			if moved, err := w.div.SweepODR(ctx); err != nil || moved != n {
				t.Fatalf("sweep moved %d of %d: %v", moved, n, err)
			}
			left, _ := w.st.ListCases(ctx, store.CaseQuery{Scope: store.Scope{All: true}, Statuses: []domain.Status{domain.StatusODRNegotiating}})
			if left.Total != 0 {
				t.Fatalf("%d negotiations left behind", left.Total)
			}
		})
	}
}
