package analysis_test

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/tiaojie/tiaojie/internal/access"
	"github.com/tiaojie/tiaojie/internal/analysis"
	"github.com/tiaojie/tiaojie/internal/auth"
	"github.com/tiaojie/tiaojie/internal/calendar"
	"github.com/tiaojie/tiaojie/internal/domain"
	"github.com/tiaojie/tiaojie/internal/hotspot"
	"github.com/tiaojie/tiaojie/internal/scorecard"
	"github.com/tiaojie/tiaojie/internal/store"
	"github.com/tiaojie/tiaojie/internal/store/sqlstore"
	"github.com/tiaojie/tiaojie/internal/store/storetest"
)

// now is the tests' clock: 2026-03-20 (a Friday) in Shanghai.
var now = time.Date(2026, 3, 20, 15, 0, 0, 0, calendar.Shanghai())

type world struct {
	db                   *sqlstore.DB
	svc                  *analysis.Service
	cmt, room1, room2    store.OrgUnit
	xhCmt                store.OrgUnit
	director, xh, roomLd *auth.Principal
	analyst, mediator    *auth.Principal
	seq                  int
}

func unit(t *testing.T, db *sqlstore.DB, parent int64, kind domain.OrgKind, code, name, abbr string) store.OrgUnit {
	t.Helper()
	u := store.OrgUnit{ParentID: parent, Kind: kind, Code: code, Name: name, Abbr: abbr}
	if err := db.CreateOrgUnit(context.Background(), &u); err != nil {
		t.Fatal(err)
	}
	return u
}

func newWorld(t *testing.T, e storetest.Engine) *world {
	t.Helper()
	db := e.Open(t, true)
	w := &world{db: db}
	city := unit(t, db, 0, domain.OrgCity, "sh", "上海市", "")
	pd := unit(t, db, city.ID, domain.OrgDistrict, "pd", "浦东新区", "")
	w.cmt = unit(t, db, pd.ID, domain.OrgCommittee, "pd-cmt", "浦东新区消费纠纷人民调解委员会", "浦")
	w.room1 = unit(t, db, w.cmt.ID, domain.OrgOfficeRoom, "pd-r1", "陆家嘴工作室", "")
	w.room2 = unit(t, db, w.cmt.ID, domain.OrgOfficeRoom, "pd-r2", "花木工作室", "")
	unit(t, db, pd.ID, domain.OrgRegulatorOffice, "pd-reg", "陆家嘴市场监管所", "")
	xh := unit(t, db, city.ID, domain.OrgDistrict, "xh", "徐汇区", "")
	w.xhCmt = unit(t, db, xh.ID, domain.OrgCommittee, "xh-cmt", "徐汇区消费纠纷人民调解委员会", "徐")
	ctx := context.Background()
	if err := db.SetRoomStreets(ctx, w.room1.ID, []string{"陆家嘴街道", "潍坊新村街道"}); err != nil {
		t.Fatal(err)
	}
	if err := db.SetRoomStreets(ctx, w.room2.ID, []string{"花木街道"}); err != nil {
		t.Fatal(err)
	}
	bind := func(role domain.Role, u store.OrgUnit) *auth.Principal {
		return &auth.Principal{UserID: 1, DisplayName: string(role), Bindings: []store.Binding{{Role: role, OrgID: u.ID, OrgPath: u.Path}}}
	}
	w.director, w.roomLd, w.analyst = bind(domain.RoleCommittee, w.cmt), bind(domain.RoleRoomLead, w.room1), bind(domain.RoleAnalyst, pd)
	w.xh, w.mediator = bind(domain.RoleCommittee, w.xhCmt), bind(domain.RoleMediator, w.room1)
	sc := &scorecard.Service{Store: db, Now: func() time.Time { return now }}
	w.svc = &analysis.Service{Store: db, Scorecard: sc, Now: func() time.Time { return now }}
	w.svc.Register(nil)
	return w
}

// complaint files one complaint received on day against a merchant at an address.
func (w *world) complaint(t *testing.T, cmt store.OrgUnit, room int64, day, merchant, address, category string, ch domain.Channel, fen int64) store.Case {
	t.Helper()
	w.seq++
	at, _ := time.ParseInLocation("2006-01-02 15:04", day+" 10:00", calendar.Shanghai())
	nc := &store.NewCase{CommitteeID: cmt.ID, CommitteeAbbr: cmt.Abbr, RoomID: room, Channel: ch, Category: category,
		Description: "投诉", Claim: "退款", ClaimFen: fen, ReceivedAt: at, ExternalID: fmt.Sprintf("T-%d", w.seq),
		Merchant: &store.Merchant{Name: merchant},
		Parties: []store.Party{{Kind: "consumer", Name: "张三", PhoneHash: fmt.Sprintf("h%d", w.seq)},
			{Kind: "merchant", Name: merchant, Address: address}},
		Event: store.Event{Type: "received", ActorName: "登记员", At: at}}
	c, _, err := w.db.CreateCase(context.Background(), nc)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func filter(unit, from, to string) analysis.Filter {
	return analysis.Filter{Unit: unit, From: from, To: to}
}

// TestUpkeepAndRebuild: complaints are counted under their merchant and the
// street their merchant's address lies in; a merged duplicate is not; a
// changed merchant and a re-imported category move the counts; the rollups
// a rebuild makes equal the incremental ones; the intake series and the
// funnel's 收到 agree with the evaluation headline.
func TestUpkeepAndRebuild(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			w := newWorld(t, e)
			gym := w.complaint(t, w.cmt, w.room1.ID, "2026-03-02", "某某健身", "浦东新区陆家嘴街道银城中路1号", "服务-健身", domain.ChannelWalkIn, 100000)
			w.complaint(t, w.cmt, w.room1.ID, "2026-03-03", "某某健身", "浦东新区陆家嘴银城中路1号", "服务-健身", domain.Channel12315, 50000) // base name 陆家嘴
			w.complaint(t, w.cmt, w.room2.ID, "2026-03-04", "花木超市", "浦东新区花木街道锦绣路2号", "商品-食品", domain.ChannelPhone, 2000)
			dup := w.complaint(t, w.cmt, w.room2.ID, "2026-03-04", "花木超市", "浦东新区花木街道锦绣路2号", "商品-食品", domain.ChannelPhone, 2000)
			w.complaint(t, w.cmt, 0, "2026-03-05", "无地址店", "", "", domain.ChannelOnline, 0)
			w.complaint(t, w.xhCmt, 0, "2026-03-05", "徐汇店", "徐汇区某路", "服务-健身", domain.ChannelWalkIn, 1)
			// The duplicate is merged into the first supermarket complaint.
			into := gym.ID
			if _, err := w.db.ApplyEvent(ctx, dup.ID, dup.Version, store.CaseChange{Status: domain.StatusArchived, MergedInto: &into},
				store.Event{Type: string(domain.ActionMerge), ActorName: "调委会", At: now.Add(-time.Hour)}); err != nil {
				t.Fatal(err)
			}
			if n, err := w.db.AnalysisPending(ctx); err != nil || n != 6 {
				t.Fatalf("pending %d %v, want the 6 cases marked by the hook", n, err)
			}
			march := filter("pd-cmt", "2026-03-01", "2026-03-20")
			_, hl, err := w.svc.Hotspots(ctx, w.director, march, "street", "", 0)
			if err != nil {
				t.Fatal(err)
			}
			got := map[string]int64{}
			for _, r := range hl.Rows {
				got[r.Label] = r.Count
			}
			if len(got) != 3 || got["陆家嘴街道"] != 2 || got["花木街道"] != 1 || got["未识别街镇"] != 1 || hl.Total != 4 {
				t.Fatalf("streets: %v (total %d)", got, hl.Total)
			}
			if n, _ := w.db.AnalysisPending(ctx); n != 0 {
				t.Fatalf("a read left %d cases pending", n)
			}
			_, ml, err := w.svc.Hotspots(ctx, w.director, march, "merchant", "", 0)
			if err != nil || len(ml.Rows) != 3 || ml.Rows[0].Label != "某某健身" || ml.Rows[0].Count != 2 || ml.Rows[0].ClaimFen != 150000 {
				t.Fatalf("merchants: %+v %v", ml.Rows, err)
			}
			// The cases behind the top merchant: the two complaints.
			page, err := w.svc.Cases(ctx, w.director, analysis.CaseQueryOf(ml.Rows[0].Link))
			if err != nil || page.Total != 2 || len(page.Cases) != 2 || !strings.Contains(page.Label, "某某健身") {
				t.Fatalf("cases behind the merchant: %+v %v", page, err)
			}

			// Reconciliation with the evaluation headline.
			sc := &scorecard.Service{Store: w.db, Now: func() time.Time { return now }}
			h, err := sc.Headline(ctx, w.director, "pd-cmt", "2026-03-01", "2026-03-20")
			if err != nil {
				t.Fatal(err)
			}
			_, in, err := w.svc.Intake(ctx, w.director, march)
			if err != nil {
				t.Fatal(err)
			}
			_, steps, err := w.svc.Funnel(ctx, w.director, march)
			if err != nil {
				t.Fatal(err)
			}
			if in.Total != h.Tally["received"] || steps[0].N != h.Tally["received"] || in.Total != hl.Total || in.Total != 4 {
				t.Fatalf("intake %d, funnel 收到 %d, streets %d, headline 收到 %d", in.Total, steps[0].N, hl.Total, h.Tally["received"])
			}

			// A changed merchant (a corrected import) moves the complaint at the case's next event.
			other := store.Merchant{Name: "新某某健身"}
			if err := w.db.UpsertMerchant(ctx, &other); err != nil {
				t.Fatal(err)
			}
			if _, err := w.db.Writer().ExecContext(ctx, `UPDATE cases SET merchant_id = $1, merchant_name = $2 WHERE id = $3`, other.ID, other.Name, gym.ID); err != nil {
				t.Fatal(err)
			}
			g, _ := w.db.GetCase(ctx, gym.ID)
			facts := &store.Facts{Category: "服务-美容", Description: g.Description, Claim: g.Claim, ClaimFen: 80000, Consumer: g.Parties[0]}
			if _, err := w.db.ApplyEvent(ctx, gym.ID, g.Version, store.CaseChange{Facts: facts},
				store.Event{Type: "facts_updated", ActorName: "导入", At: now.Add(-time.Minute)}); err != nil {
				t.Fatal(err)
			}
			_, ml, _ = w.svc.Hotspots(ctx, w.director, march, "merchant", "", 0)
			got = map[string]int64{}
			for _, r := range ml.Rows {
				got[fmt.Sprintf("%s/%d", r.Label, r.ClaimFen)] = r.Count
			}
			if got["某某健身/50000"] != 1 || got["新某某健身/80000"] != 1 || len(got) != 4 {
				t.Fatalf("after the merchant changed: %v", got)
			}
			_, cl, _ := w.svc.Hotspots(ctx, w.director, march, "category", "", 0)
			got = map[string]int64{}
			for _, r := range cl.Rows {
				got[r.Label] = r.Count
			}
			if got["服务-美容"] != 1 || got["服务-健身"] != 1 || got["未分类"] != 1 {
				t.Fatalf("categories after the re-import: %v", got)
			}

			// Rebuild: the same rollups.
			before, after, n, err := w.svc.Rebuild(ctx)
			if err != nil || before != after || n != 6 {
				t.Fatalf("rebuild: %s → %s over %d cases, %v", before, after, n, err)
			}
			// Idempotent: a case marked again without any change moves nothing.
			if err := w.db.AddNote(ctx, gym.ID, store.Event{Type: "note", ActorName: "x", Note: "备注"}); err != nil {
				t.Fatal(err)
			}
			if n, _ := w.db.AnalysisPending(ctx); n != 1 {
				t.Fatalf("a note marked %d cases", n)
			}
			if _, err := w.svc.CatchUp(ctx); err != nil {
				t.Fatal(err)
			}
			if d, _ := w.db.AnalysisDigest(ctx); d != after {
				t.Fatal("recounting an unchanged case moved the rollups")
			}
		})
	}
}

// TestHotListGrowthAndScopes: counts in the window, the previous window and
// the same window last year, growth with "—" when a base is 0, by growth;
// what each viewer may see; bad input refused in Chinese.
func TestHotListGrowthAndScopes(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			w := newWorld(t, e)
			addr := "浦东新区陆家嘴街道某路"
			many := func(n int, day, merchant string) {
				for i := 0; i < n; i++ {
					w.complaint(t, w.cmt, w.room1.ID, day, merchant, addr, "服务-健身", domain.ChannelWalkIn, 100)
				}
			}
			// Window 2026-03-11..2026-03-20 (10 days); previous 03-01..03-10; last year 2025-03-11..2025-03-20.
			many(6, "2026-03-12", "甲健身") // 6 now, 3 before, 0 last year
			many(3, "2026-03-05", "甲健身")
			many(4, "2026-03-15", "乙美容") // 4 now, 2 before, 2 last year
			many(2, "2026-03-02", "乙美容")
			many(2, "2025-03-15", "乙美容")
			many(3, "2026-03-18", "丙培训") // new this window
			many(1, "2025-03-12", "丁餐饮") // only last year
			win := filter("pd-cmt", "2026-03-11", "2026-03-20")
			_, hl, err := w.svc.Hotspots(ctx, w.director, win, "merchant", "count", 0)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, r := range hl.Rows {
				got = append(got, fmt.Sprintf("%d%s %d/%d/%d %s %s", r.Rank, r.Label, r.Count, r.Prev, r.LastYear,
					hotspot.FormatGrowth(r.GrowthPrev), hotspot.FormatGrowth(r.GrowthYear)))
			}
			want := []string{"1甲健身 6/3/0 +100.0% —", "2乙美容 4/2/2 +100.0% +100.0%", "3丙培训 3/0/0 — —"}
			if strings.Join(got, "; ") != strings.Join(want, "; ") {
				t.Fatalf("hot list:\n got %q\nwant %q", got, want)
			}
			if hl.Prev.From.String() != "2026-03-01" || hl.LastYear.To.String() != "2025-03-20" {
				t.Fatalf("windows: %+v %+v", hl.Prev, hl.LastYear)
			}
			// Each count opens its own case list.
			for i, l := range []url.Values{hl.Rows[1].Link, hl.Rows[1].PrevLink, hl.Rows[1].LastYearLink} {
				page, err := w.svc.Cases(ctx, w.director, analysis.CaseQueryOf(l))
				if err != nil || page.Total != []int{4, 2, 2}[i] {
					t.Fatalf("cases behind count %d of 乙美容: %d %v", i, page.Total, err)
				}
			}
			_, gl, _ := w.svc.Hotspots(ctx, w.director, win, "merchant", "growth", 2)
			if len(gl.Rows) != 2 || gl.Rows[0].Label != "甲健身" || gl.Rows[0].Rank != 1 || gl.Rows[1].Label != "乙美容" || gl.Rows[1].Rank != 2 {
				t.Fatalf("by growth: %+v", gl.Rows)
			}

			// Scopes: the room lead sees the room, not the committee; another
			// district nothing; a mediator no analysis at all.
			if _, _, err := w.svc.Hotspots(ctx, w.roomLd, filter("pd-r1", "2026-03-11", "2026-03-20"), "merchant", "", 0); err != nil {
				t.Fatalf("room lead on the room: %v", err)
			}
			for _, c := range []struct {
				who  *auth.Principal
				unit string
				want int
			}{{w.roomLd, "pd-cmt", 403}, {w.xh, "pd-cmt", 403}, {w.director, "xh-cmt", 403}, {w.mediator, "pd-r1", 403},
				{w.analyst, "xh", 403}, {w.director, "nowhere", 404}, {w.analyst, "pd-reg", 422}} {
				_, _, err := w.svc.Hotspots(ctx, c.who, filter(c.unit, "", ""), "", "", 0)
				if st, msg := access.StatusOf(err); st != c.want || !hasHan(msg) {
					t.Errorf("%s on %s: %d %q, want %d", c.who.DisplayName, c.unit, st, msg, c.want)
				}
			}
			_, an, err := w.svc.Hotspots(ctx, w.analyst, filter("pd", "2026-03-11", "2026-03-20"), "merchant", "", 0)
			if err != nil || len(an.Rows) != 3 {
				t.Fatalf("the analyst on the district: %+v %v", an.Rows, err)
			}
			// The other district's complaints never count here.
			w.complaint(t, w.xhCmt, 0, "2026-03-15", "甲健身", "徐汇区", "服务-健身", domain.ChannelWalkIn, 1)
			_, hl2, _ := w.svc.Hotspots(ctx, w.director, win, "merchant", "count", 0)
			if hl2.Total != hl.Total {
				t.Fatalf("another district's complaint counted: %d → %d", hl.Total, hl2.Total)
			}
			// A case list outside the viewer's scope.
			if _, err := w.svc.Cases(ctx, w.xh, analysis.CaseQueryOf(hl.Rows[0].Link)); !isStatus(err, 403) {
				t.Errorf("another district opens the case list: %v", err)
			}

			// Bad input.
			for _, c := range []struct {
				f         analysis.Filter
				by, order string
				limit     int
				want      string
			}{
				{filter("pd-cmt", "2026-03-20", "2026-03-01"), "", "", 0, "晚于"},
				{filter("pd-cmt", "2026-02-30", "2026-03-01"), "", "", 0, "不是有效日期"},
				{filter("pd-cmt", "2026-03-01", ""), "", "", 0, "结束日期"},
				{filter("pd-cmt", "2026-04-01", "2026-04-02"), "", "", 0, "未来"},
				{filter("pd-cmt", "2019-01-01", "2026-03-01"), "", "", 0, "五年"},
				{filter("pd-cmt", "", ""), "shop", "", 0, "by 应为"},
				{filter("pd-cmt", "", ""), "", "fast", 0, "order 应为"},
				{filter("pd-cmt", "", ""), "", "", 501, "limit"},
				{analysis.Filter{Unit: "pd-cmt", Channel: "fax"}, "", "", 0, "来源渠道"},
			} {
				_, _, err := w.svc.Hotspots(ctx, w.director, c.f, c.by, c.order, c.limit)
				if st, msg := access.StatusOf(err); st != 422 || !strings.Contains(msg, c.want) {
					t.Errorf("%+v by=%q order=%q limit=%d: %d %q, want 422 with %q", c.f, c.by, c.order, c.limit, st, msg, c.want)
				}
			}
			if _, err := w.svc.Cases(ctx, w.director, analysis.CaseQuery{Filter: win, Stage: "done"}); !isStatus(err, 422) {
				t.Errorf("unknown stage: %v", err)
			}
			if _, err := w.svc.Cases(ctx, w.director, analysis.CaseQuery{Filter: win, Overdue: "2026-13-01"}); !isStatus(err, 422) {
				t.Errorf("bad overdue day: %v", err)
			}
			if _, err := w.svc.Cases(ctx, w.director, analysis.CaseQuery{Filter: win, Room: "99999", Stage: "agreed"}); !isStatus(err, 404) {
				t.Errorf("a room of nobody's: %v", err)
			}
		})
	}
}

func hasHan(s string) bool {
	return strings.ContainsFunc(s, func(r rune) bool { return r >= 0x4e00 && r <= 0x9fff })
}

func isStatus(err error, status int) bool {
	st, _ := access.StatusOf(err)
	return err != nil && st == status && !errors.Is(err, context.Canceled)
}

// TestNarrowHotListsEqualWide: a committee-wide hot list — read from the
// narrow subject rollups, counting only the merchants that can reach the
// list — is the list built from every merchant's counts in the wide
// rollups, for random complaints, windows, lengths, orders and channels.
func TestNarrowHotListsEqualWide(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			w := newWorld(t, e)
			rng := rand.New(rand.NewPCG(11, 17))
			first := calendar.DateOf(now).AddDays(-460)
			channels := []domain.Channel{domain.ChannelWalkIn, domain.Channel12315}
			for i := 0; i < 400; i++ {
				// Merchant m00 is the busiest, then m01…: a skewed spread.
				m := fmt.Sprintf("m%02d", int(math.Floor(math.Pow(rng.Float64(), 2.5)*40)))
				room := []int64{w.room1.ID, w.room2.ID}[rng.IntN(2)]
				day := first.AddDays(rng.IntN(461)).String()
				addr := []string{"浦东新区陆家嘴街道某路", "浦东新区花木街道某路", "某地"}[rng.IntN(3)]
				cat := []string{"服务-健身", "商品-家电", "服务-美容美发"}[rng.IntN(3)]
				w.complaint(t, w.cmt, room, day, m, addr, cat, channels[rng.IntN(2)], int64(100+rng.IntN(900)))
			}
			wide := func(f analysis.Filter, by, order string, limit int) string {
				t.Helper()
				per, _ := hotspot.ParsePeriod(f.From, f.To, calendar.DateOf(now), 30)
				counts := func(p hotspot.Period) map[string]store.AnalysisCount {
					rows, err := w.db.AnalysisCounts(ctx, store.AnalysisQuery{Committees: []int64{w.cmt.ID}, Channel: f.Channel,
						From: p.From.String(), To: p.To.String(), GroupBy: by})
					if err != nil {
						t.Fatal(err)
					}
					out := map[string]store.AnalysisCount{}
					for _, r := range rows {
						out[r.Key] = r
					}
					return out
				}
				cur, prev, year := counts(per), counts(hotspot.Previous(per)), counts(hotspot.LastYear(per))
				var rows []hotspot.Row
				var total int64
				for k, c := range cur {
					total += c.Received
					rows = append(rows, hotspot.Row{Key: k, Count: c.Received, Prev: prev[k].Received, LastYear: year[k].Received})
				}
				hotspot.Fill(rows)
				return showRows(hotspot.Rank(rows, order, hotspot.GrowthFloor(total), limit))
			}
			for trial := 0; trial < 24; trial++ {
				days := []int{7, 30, 90, 365}[rng.IntN(4)]
				to := calendar.DateOf(now).AddDays(-rng.IntN(60))
				f := analysis.Filter{Unit: "pd-cmt", From: to.AddDays(-(days - 1)).String(), To: to.String()}
				if rng.IntN(3) == 0 {
					f.Channel = string(channels[rng.IntN(2)])
				}
				order := []string{hotspot.ByCount, hotspot.ByGrowth}[rng.IntN(2)]
				limit := []int{1, 3, 10, 0}[rng.IntN(4)]
				for _, by := range []string{"merchant", "street", "category"} {
					_, hl, err := w.svc.Hotspots(ctx, w.director, f, by, order, limit)
					if err != nil {
						t.Fatal(err)
					}
					var got []hotspot.Row
					for _, r := range hl.Rows {
						got = append(got, r.Row)
					}
					if g, want := showRows(got), wide(f, by, order, limit); g != want {
						t.Fatalf("%+v by %s %s top %d:\n narrow %s\n   wide %s", f, by, order, limit, g, want)
					}
				}
			}
		})
	}
}

func showRows(rows []hotspot.Row) string {
	var b []string
	for _, r := range rows {
		b = append(b, fmt.Sprintf("%d%s:%d/%d/%d", r.Rank, r.Key, r.Count, r.Prev, r.LastYear))
	}
	return strings.Join(b, " ")
}
