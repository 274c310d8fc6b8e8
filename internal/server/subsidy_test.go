package server_test

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/xuri/excelize/v2"

	"github.com/tiaojie/tiaojie/internal/auth"
	"github.com/tiaojie/tiaojie/internal/calendar"
	"github.com/tiaojie/tiaojie/internal/demo"
	"github.com/tiaojie/tiaojie/internal/domain"
	"github.com/tiaojie/tiaojie/internal/platform"
	"github.com/tiaojie/tiaojie/internal/server"
	"github.com/tiaojie/tiaojie/internal/settlement"
	"github.com/tiaojie/tiaojie/internal/store"
	"github.com/tiaojie/tiaojie/internal/store/sqlstore"
	"github.com/tiaojie/tiaojie/internal/store/storetest"
)

// buildBare is the demo's organisation and people without cases.
func buildBare(db *sqlstore.DB) error {
	hash, err := auth.FixtureHash(password)
	if err != nil {
		return err
	}
	_, err = demo.Build(context.Background(), db, testSealer(), demo.Options{Seed: 7, Cases: 0, Password: password, PasswordHash: hash, Now: time.Now()})
	return err
}

// subsidyEnv is the bare demo on 3 November 2026 with six of mediator01's
// cases closed in October: three that qualify and three that do not (no
// follow-up, not archived, difficulty unconfirmed).
type subsidyEnv struct {
	*env
	ok, noFollow, notArchived, unconfirmed []int64
}

func newSubsidyEnv(t *testing.T, eng storetest.Engine) *subsidyEnv {
	t.Helper()
	db := eng.FromTemplate(t, "bare", buildBare)
	now := time.Date(2026, 11, 3, 10, 0, 0, 0, calendar.Shanghai())
	clock := func() time.Time { return now }
	e := startEnv(t, db, nil, func(s *platform.Services) { s.Subsidies.Now = clock }, func(o *server.Options) { o.Now = clock })
	se := &subsidyEnv{env: e}
	ctx := context.Background()
	room, _ := db.GetOrgUnitByCode(ctx, demo.OfficeRoomCode(1))
	cmt, _ := db.GetOrgUnitByCode(ctx, demo.CodeCommittee)
	med := principalOf(t, e, "mediator01")
	n := 0
	closeCase := func(day string, followUp, archive bool) int64 {
		n++
		received := time.Date(2026, 10, 1, 9, 0, 0, 0, calendar.Shanghai())
		c, _, err := db.CreateCase(ctx, &store.NewCase{CommitteeID: cmt.ID, CommitteeAbbr: cmt.Abbr, RoomID: room.ID, Channel: domain.ChannelWalkIn,
			Category: "服务-健身", Description: "预付卡退费纠纷", Claim: "退款", ClaimFen: 300_000, ReceivedAt: received, ExternalID: fmt.Sprintf("sub-%d", n),
			Parties: []store.Party{{Kind: "consumer", Name: "顾客", PhoneSealed: "s", PhoneHash: fmt.Sprintf("sub-h%d", n), PhoneMask: "138****0000"},
				{Kind: "merchant", Name: "某健身公司"}},
			Event: store.Event{Type: "received", At: received}})
		if err != nil {
			t.Fatal(err)
		}
		step := func(typ string, to domain.Status, at time.Time, data string) {
			c, err = db.ApplyEvent(ctx, c.ID, c.Version, store.CaseChange{Status: to}, store.Event{Type: typ, At: at, FromStatus: c.Status, ToStatus: to, Data: data})
			if err != nil {
				t.Fatalf("%s: %v", typ, err)
			}
		}
		step("accept", domain.StatusAccepted, received.Add(time.Hour), "{}")
		if c, err = db.AssignCase(ctx, c.ID, c.Version, []int64{med.UserID}, 0, store.CaseChange{Status: domain.StatusAssigned},
			store.Event{Type: "assign", At: received.Add(2 * time.Hour), FromStatus: c.Status, ToStatus: domain.StatusAssigned}); err != nil {
			t.Fatal(err)
		}
		step("start_mediation", domain.StatusMediating, received.Add(3*time.Hour), "{}")
		d, _ := calendar.ParseDate(day)
		at := d.Time().Add(10 * time.Hour)
		step("reach_agreement", domain.StatusAgreed, at, `{"agreed_fen":300000,"kind":"written"}`)
		step("start_performance", domain.StatusPerforming, at.Add(time.Hour), "{}")
		if err := db.AddNote(ctx, c.ID, store.Event{Type: "performed", At: at.Add(2 * time.Hour), ToStatus: c.Status}); err != nil {
			t.Fatal(err)
		}
		if followUp {
			step("follow_up", domain.StatusFollowedUp, at.Add(3*time.Hour), `{"satisfaction":5}`)
		}
		if archive {
			step("archive", domain.StatusArchived, at.Add(4*time.Hour), "{}")
			if err := db.AttachArchive(ctx, c.ID, store.Archive{FileNumber: fmt.Sprintf("SUB-%d", n), PDF: []byte("%PDF"), SHA256: "x", ArchivedAt: at}); err != nil {
				t.Fatal(err)
			}
		}
		return c.ID
	}
	for _, day := range []string{"2026-10-09", "2026-10-12", "2026-10-20"} {
		se.ok = append(se.ok, closeCase(day, true, true))
	}
	se.noFollow = append(se.noFollow, closeCase("2026-10-14", false, false))
	se.notArchived = append(se.notArchived, closeCase("2026-10-15", true, false))
	se.unconfirmed = append(se.unconfirmed, closeCase("2026-10-16", true, true))
	lead := principalOf(t, e, "room_lead01")
	for _, id := range append(append([]int64{}, se.ok...), se.noFollow[0], se.notArchived[0]) {
		if err := e.svc.Subsidies.ConfirmDifficulty(ctx, lead, id, "normal", ""); err != nil {
			t.Fatalf("confirm difficulty: %v", err)
		}
	}
	return se
}

// statusIs waits until the page shows the batch in status want: across the
// navigation a form's submission starts, so evaluation errors mid-way are retried.
func statusIs(want string) chromedp.Action[chromedp.Void] {
	return func(ctx context.Context, tg *chromedp.Target) (chromedp.Void, error) {
		deadline := time.Now().Add(15 * time.Second)
		last := ""
		for time.Now().Before(deadline) {
			got, err := chromedp.Evaluate[string](`document.readyState === "complete" && document.querySelector("#batch-status") ? document.querySelector("#batch-status").textContent : ""`)(ctx, tg)
			if err == nil && got == want {
				return chromedp.Void{}, nil
			}
			last = got
			time.Sleep(50 * time.Millisecond)
		}
		return chromedp.Void{}, fmt.Errorf("batch status %q, want %q", last, want)
	}
}

func batchID(t *testing.T, ctx context.Context) int64 {
	t.Helper()
	path, err := chromedp.Run(ctx, chromedp.Evaluate[string](`location.pathname`))
	if err != nil {
		t.Fatal(err)
	}
	id, err := strconv.ParseInt(strings.TrimPrefix(path, "/subsidies/batches/"), 10, 64)
	if err != nil {
		t.Fatalf("not on a batch page: %s", path)
	}
	return id
}

// The month's settlement as the people do it, on a phone-width screen: the
// secretary generates October's batch and sees why three cases did not
// qualify, submits; the justice officer returns one line; the secretary
// takes it off and resubmits; the officer approves; the finance workbook's
// totals match the screen.
func TestBrowserSubsidyMonth(t *testing.T) {
	for _, eng := range storetest.Engines(t) {
		t.Run(eng.Name, func(t *testing.T) {
			t.Parallel()
			se := newSubsidyEnv(t, eng)
			// Each person on their own phone.
			signIn := func(user string) context.Context {
				ctx := browser(t, 390, 844)
				if err := chromedp.Do(ctx, chromedp.Navigate(se.ts.URL+"/login"), chromedp.WaitVisible(`#username`),
					chromedp.SendKeys(`#username`, user), chromedp.SendKeys(`#password`, password), chromedp.Submit(`#password`),
					chromedp.WaitVisible(`header.top .menu`)); err != nil {
					t.Fatalf("sign in %s: %v", user, err)
				}
				return ctx
			}
			sec, jus := signIn("committee01"), signIn("justice01")
			ctx := sec
			// 1. The secretary generates October's batch.
			if err := chromedp.Do(ctx, chromedp.Navigate(se.ts.URL+"/subsidies"), chromedp.WaitVisible(`#generate-batch`),
				chromedp.SetValue(`#b-period`, "2026-10"), chromedp.Submit(`#b-period`), chromedp.WaitVisible(`#batch-lines`), shot("subsidy-01-generated")); err != nil {
				t.Fatal(err)
			}
			id := batchID(t, ctx)
			failures := text(t, ctx, "#batch-failures")
			for _, why := range []string{"尚未回访", "尚未归档", "难易程度待确认"} {
				if !strings.Contains(failures, why) {
					t.Errorf("the failures do not say %q: %s", why, failures)
				}
			}
			if got := text(t, ctx, "#batch-count"); got != "3" {
				t.Fatalf("lines: %s", got)
			}
			if got := text(t, ctx, "#batch-total"); got != "600.00" {
				t.Fatalf("total: %s", got)
			}
			if overflow, _ := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.documentElement.scrollWidth > window.innerWidth + 1`)); overflow {
				t.Error("the batch page scrolls sideways at 390 px")
			}
			if err := chromedp.Do(ctx, chromedp.Click(`#submit-batch button`), statusIs("已提交待审核")); err != nil {
				t.Fatal(err)
			}
			if got := text(t, ctx, "#batch-status"); got != "已提交待审核" {
				t.Fatalf("after submit: %s", got)
			}
			// 2. The justice officer returns one line.
			returned := se.ok[1]
			ctx = jus
			if err := chromedp.Do(ctx, chromedp.Navigate(fmt.Sprintf("%s/subsidies/batches/%d", se.ts.URL, id)),
				chromedp.WaitVisible(`#return-form`),
				chromedp.SendKeys(fmt.Sprintf(`#lr-%d`, returned), "该案协议履行凭证缺失"),
				chromedp.SendKeys(`#return-reason-input`, "一件案件材料不全，请核实"),
				chromedp.Click(`#return-form button`), statusIs("已退回"), shot("subsidy-02-returned")); err != nil {
				t.Fatal(err)
			}
			if got := text(t, ctx, "#batch-status"); got != "已退回" {
				t.Fatalf("after return: %s", got)
			}
			// 3. The secretary reads the reason, takes the line off and resubmits.
			line := fmt.Sprintf("#line-%d", returned)
			ctx = sec
			if err := chromedp.Do(ctx, chromedp.Navigate(fmt.Sprintf("%s/subsidies/batches/%d", se.ts.URL, id)),
				chromedp.WaitVisible(line+" .line-return")); err != nil {
				t.Fatal(err)
			}
			if got := text(t, ctx, line+" .line-return"); !strings.Contains(got, "该案协议履行凭证缺失") {
				t.Fatalf("line reason: %s", got)
			}
			if err := chromedp.Do(ctx, chromedp.SendKeys(line+` input[name=reason]`, "按审核意见剔除，补齐凭证后下月计发"),
				chromedp.Submit(line+` input[name=reason]`), chromedp.WaitVisible(line+`.excluded`),
				chromedp.Click(`#submit-batch button`), statusIs("已提交待审核")); err != nil {
				t.Fatal(err)
			}
			if got := text(t, ctx, "#batch-total"); got != "400.00" {
				t.Fatalf("total after excluding: %s", got)
			}
			// 4. The officer approves.
			ctx = jus
			if err := chromedp.Do(ctx, chromedp.Navigate(fmt.Sprintf("%s/subsidies/batches/%d", se.ts.URL, id)),
				chromedp.WaitVisible(`#approve-batch`), chromedp.Click(`#approve-batch button`), statusIs("已审核通过"), shot("subsidy-03-approved")); err != nil {
				t.Fatal(err)
			}
			screen := text(t, ctx, "#batch-total")
			if got := text(t, ctx, "#batch-status"); got != "已审核通过" || screen != "400.00" {
				t.Fatalf("approved: %s %s", got, screen)
			}
			trail := text(t, ctx, "#batch-trail")
			for _, step := range []string{"生成", "提交审核", "退回", "剔除", "修改后重新提交", "审核通过"} {
				if !strings.Contains(trail, step) {
					t.Errorf("trail lacks %s: %s", step, trail)
				}
			}
			// 5. The finance workbook opens with totals that match the screen.
			c := se.login("justice01")
			res := c.json("GET", fmt.Sprintf("/api/v1/subsidies/batches/%d/export.xlsx", id), nil, nil)
			if res.StatusCode != 200 {
				t.Fatalf("export: %d %s", res.StatusCode, res.body)
			}
			f, err := excelize.OpenReader(bytes.NewReader([]byte(res.body)))
			if err != nil {
				t.Fatal(err)
			}
			rows, _ := f.GetRows(settlement.SummarySheet)
			last := rows[len(rows)-1]
			total, _ := strconv.ParseFloat(strings.ReplaceAll(last[4], ",", ""), 64)
			shown, _ := strconv.ParseFloat(strings.ReplaceAll(screen, ",", ""), 64)
			if last[0] != "合计" || total != shown || last[3] != "2" {
				t.Fatalf("workbook total row %v, screen %s", last, screen)
			}
			detail, _ := f.GetRows(settlement.DetailSheet)
			if len(detail) != 4 {
				t.Fatalf("detail rows: %v", detail)
			}
		})
	}
}

// The API: 201 then 200 for the same month, the batch's JSON shape, bad
// input refused with Chinese messages and nothing changed, the wrong role
// and the other district.
func TestSubsidyAPI(t *testing.T) {
	for _, eng := range storetest.Engines(t) {
		t.Run(eng.Name, func(t *testing.T) {
			t.Parallel()
			se := newSubsidyEnv(t, eng)
			cmt := se.login("committee01")
			res := cmt.json("POST", "/api/v1/subsidies/batches", map[string]any{"unit": demo.CodeCommittee, "period": "2026-10"}, nil)
			if res.StatusCode != http.StatusCreated {
				t.Fatalf("create: %d %s", res.StatusCode, res.body)
			}
			var b struct {
				ID       int64  `json:"id"`
				Status   string `json:"status"`
				TotalFen int64  `json:"total_fen"`
				Lines    []struct {
					CaseID      int64  `json:"case_id"`
					CaseNumber  string `json:"case_number"`
					Mediator    string `json:"mediator"`
					AmountFen   int64  `json:"amount_fen"`
					Explanation string `json:"explanation"`
				} `json:"lines"`
				Excluded []struct {
					CaseID int64  `json:"case_id"`
					Reason string `json:"reason"`
				} `json:"excluded"`
				Failed []struct {
					Gate string `json:"gate"`
				} `json:"failed"`
			}
			json_(res.body, &b)
			if b.Status != "draft" || b.TotalFen != 60_000 || len(b.Lines) != 3 || len(b.Failed) != 3 || b.Lines[0].Mediator == "" ||
				b.Lines[0].Explanation != "书面协议 × 一般 × 已履行 200.00元 × "+b.Lines[0].Explanation[len("书面协议 × 一般 × 已履行 200.00元 × "):] {
				t.Fatalf("batch: %s", res.body)
			}
			again := cmt.json("POST", "/api/v1/subsidies/batches", map[string]any{"unit": demo.CodeCommittee, "period": "2026-10"}, nil)
			if again.StatusCode != http.StatusOK || !strings.Contains(again.body, fmt.Sprintf(`"id":%d`, b.ID)) {
				t.Fatalf("same month again: %d %s", again.StatusCode, again.body)
			}
			for _, bad := range []struct {
				body any
				code int
				msg  string
			}{
				{map[string]any{"unit": demo.CodeCommittee, "period": "2026-12"}, 422, "将来"},
				{map[string]any{"unit": demo.CodeCommittee, "period": "2026-11"}, 422, "截止日"},
				{map[string]any{"unit": demo.CodeCommittee, "period": "2026-10", "adjust": true}, 409, "尚未审核通过"},
				{map[string]any{"unit": "xh-cmt", "period": "2026-10"}, 404, "不存在"},
				{`{"unit": "pd-cmt", "period": "2026-10", "extra": 1}`, 400, "未知字段"},
			} {
				r := cmt.json("POST", "/api/v1/subsidies/batches", bad.body, nil)
				if r.StatusCode != bad.code || !strings.Contains(r.body, bad.msg) {
					t.Errorf("%v: %d %s", bad.body, r.StatusCode, r.body)
				}
			}
			var only []struct{ ID int64 }
			json_(cmt.json("GET", "/api/v1/subsidies/batches", nil, nil).body, &only)
			if len(only) != 1 || only[0].ID != b.ID {
				t.Fatalf("the refused requests stored a batch: %+v", only)
			}
			path := fmt.Sprintf("/api/v1/subsidies/batches/%d", b.ID)
			if r := cmt.json("POST", path+"/exclude", map[string]any{"case_id": b.Lines[0].CaseID}, nil); r.StatusCode != 422 || !strings.Contains(r.body, "理由") {
				t.Fatalf("exclude without reason: %d %s", r.StatusCode, r.body)
			}
			if r := cmt.json("POST", path+"/approve", nil, nil); r.StatusCode != 403 {
				t.Fatalf("committee approves: %d %s", r.StatusCode, r.body)
			}
			xh := se.login("xh_committee01")
			if r := xh.json("GET", path, nil, nil); r.StatusCode != 404 {
				t.Fatalf("other district reads: %d %s", r.StatusCode, r.body)
			}
			if r := cmt.json("POST", path+"/exclude", map[string]any{"case_id": b.Lines[0].CaseID, "reason": "重复计发"}, nil); r.StatusCode != 200 ||
				!strings.Contains(r.body, `"excluded":[{"case_id":`+strconv.FormatInt(b.Lines[0].CaseID, 10)) {
				t.Fatalf("exclude: %d %s", r.StatusCode, r.body)
			}
			if r := cmt.json("POST", path+"/submit", nil, nil); r.StatusCode != 200 {
				t.Fatalf("submit: %d %s", r.StatusCode, r.body)
			}
			jus := se.login("justice01")
			if r := jus.json("POST", path+"/return", map[string]any{"reason": ""}, nil); r.StatusCode != 422 {
				t.Fatalf("return without reason: %d %s", r.StatusCode, r.body)
			}
			if r := jus.json("POST", path+"/approve", map[string]any{"note": "同意"}, nil); r.StatusCode != 200 || !strings.Contains(r.body, `"status":"approved"`) {
				t.Fatalf("approve: %d %s", r.StatusCode, r.body)
			}
			approved := jus.json("GET", path, nil, nil).body
			if r := jus.json("POST", path+"/approve", nil, nil); r.StatusCode != 409 || !strings.Contains(r.body, "不能重复审核") {
				t.Fatalf("approve twice: %d %s", r.StatusCode, r.body)
			}
			if r := cmt.json("POST", path+"/exclude", map[string]any{"case_id": b.Lines[1].CaseID, "reason": "改主意了"}, nil); r.StatusCode != 409 {
				t.Fatalf("change an approved batch: %d %s", r.StatusCode, r.body)
			}
			if r := jus.json("POST", path+"/return", map[string]any{"reason": "再核一下"}, nil); r.StatusCode != 409 || !strings.Contains(r.body, "已审核通过") {
				t.Fatalf("return an approved batch: %d %s", r.StatusCode, r.body)
			}
			if now := jus.json("GET", path, nil, nil).body; now != approved {
				t.Fatalf("the refusals changed the approved batch:\n%s\n%s", approved, now)
			}
			// The scheme form: an amount with a fraction of a fen is refused by field, nothing stored.
			if r := jus.form("POST", "/subsidies/scheme", url.Values{"unit": {"pd-cmt"}, "version": {"2027-1"}, "effective_from": {"2027-01-01"},
				"cutoff_day": {"25"}, "judicial": {"12.345"}}); r.StatusCode != 422 || !strings.Contains(r.body, "最多两位小数") {
				t.Fatalf("scheme form with a fraction of a fen: %d", r.StatusCode)
			}
			// A second batch of the settled month without adjust: 409, no batch stored.
			var listed []struct{ ID int64 }
			json_(cmt.json("GET", "/api/v1/subsidies/batches", nil, nil).body, &listed)
			if r := cmt.json("POST", "/api/v1/subsidies/batches", map[string]any{"unit": demo.CodeCommittee, "period": "2026-10"}, nil); r.StatusCode != 409 ||
				!strings.Contains(r.body, "已结算") || !strings.Contains(r.body, "调整批次") {
				t.Fatalf("second batch of a settled month: %d %s", r.StatusCode, r.body)
			}
			var after []struct{ ID int64 }
			json_(cmt.json("GET", "/api/v1/subsidies/batches", nil, nil).body, &after)
			if len(listed) != 1 || len(after) != 1 {
				t.Fatalf("batches before/after the refusal: %d/%d", len(listed), len(after))
			}
			// A scheme amount that is not an integer of fen.
			if r := jus.json("POST", "/api/v1/subsidies/scheme", `{"unit":"pd-cmt","scheme":{"version":"x","effective_from":"2027-01-01","judicial_fen":12.5}}`, nil); r.StatusCode != 400 || !strings.Contains(r.body, "整数") {
				t.Fatalf("fractional fen: %d %s", r.StatusCode, r.body)
			}
			if r := jus.json("GET", "/api/v1/subsidies/scheme?unit=pd-cmt", nil, nil); r.StatusCode != 200 || !strings.Contains(r.body, `"example":true`) {
				t.Fatalf("scheme: %d %s", r.StatusCode, r.body)
			}
			// The mediator's own lines.
			med := se.login("mediator01")
			if r := med.json("GET", "/api/v1/subsidies/mine", nil, nil); r.StatusCode != 200 || strings.Count(r.body, `"case_id"`) != 2 {
				t.Fatalf("mine: %d %s", r.StatusCode, r.body)
			}
			if r := med.json("GET", "/api/v1/subsidies/mine?period=2026-10", nil, nil); r.StatusCode != 200 || strings.Count(r.body, `"case_id"`) != 2 {
				t.Fatalf("mine in October: %d %s", r.StatusCode, r.body)
			}
			if r := med.json("GET", "/api/v1/subsidies/mine?period=2026-09", nil, nil); r.StatusCode != 200 || r.body != "[]\n" && r.body != "[]" {
				t.Fatalf("mine in September: %d %s", r.StatusCode, r.body)
			}
			if r := med.json("GET", "/api/v1/subsidies/mine?period=2026-13", nil, nil); r.StatusCode/100 != 4 || !strings.Contains(r.body, "YYYY-MM") {
				t.Fatalf("mine in a month that is none: %d %s", r.StatusCode, r.body)
			}
			if r := med.get("/subsidies/mine?period=2026-09"); r.StatusCode != 200 || !strings.Contains(r.body, "2026-09 没有补贴记录") {
				t.Fatalf("my page in September: %d", r.StatusCode)
			}
			if r := med.json("GET", path, nil, nil); r.StatusCode != 404 {
				t.Fatalf("mediator opens the batch: %d %s", r.StatusCode, r.body)
			}
		})
	}
}

// The demo's funding content: the scheme marked 示例, the two oldest of
// four months approved and paid (paid on, the trail's approval), the third
// submitted, the latest month past its cut-off a draft, each batch's total
// the sum of its lines; and the service contract's last completed quarter
// assessed and confirmed.
func TestDemoSubsidiesAndContract(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *env) {
		jus := e.login("justice01")
		var sc struct {
			Example bool `json:"example"`
			Current struct {
				Example bool `json:"example"`
			} `json:"current"`
			Cutoff string `json:"cutoff"`
		}
		if r := jus.json("GET", "/api/v1/subsidies/scheme?unit="+demo.CodeCommittee, nil, nil); r.StatusCode != 200 {
			t.Fatalf("scheme: %d %s", r.StatusCode, r.body)
		} else {
			json_(r.body, &sc)
		}
		if !sc.Current.Example || !strings.HasSuffix(sc.Cutoff, "-25") {
			t.Fatalf("demo scheme: %+v", sc)
		}
		if r := jus.get("/subsidies/scheme?unit=" + demo.CodeCommittee); r.StatusCode != 200 || !strings.Contains(r.body, "示例") {
			t.Fatalf("scheme page without 示例: %d", r.StatusCode)
		}
		type batch struct {
			ID       int64  `json:"id"`
			Period   string `json:"period"`
			Kind     string `json:"kind"`
			Status   string `json:"status"`
			TotalFen int64  `json:"total_fen"`
			PaidOn   string `json:"paid_on"`
			PaidBy   string `json:"paid_by"`
			Lines    []struct {
				AmountFen   int64  `json:"amount_fen"`
				Explanation string `json:"explanation"`
			} `json:"lines"`
			Failed []struct{ Gate string }   `json:"failed"`
			Trail  []struct{ Action string } `json:"trail"`
		}
		var list []batch
		json_(jus.json("GET", "/api/v1/subsidies/batches", nil, nil).body, &list)
		if len(list) != 4 {
			t.Fatalf("demo batches: %+v", list)
		}
		want := []string{"draft", "submitted", "paid", "paid"} // newest period first
		paid := 0
		for i, b := range list {
			var full batch
			json_(jus.json("GET", fmt.Sprintf("/api/v1/subsidies/batches/%d", b.ID), nil, nil).body, &full)
			if len(full.Lines)+len(full.Failed) == 0 && i > 0 {
				// The test's thirty-case demo may close nothing in a month:
				// an empty batch cannot be submitted and stays a draft.
				if b.Status != "draft" {
					t.Errorf("empty batch %s: %s", b.Period, b.Status)
				}
				continue
			}
			if b.Kind != "regular" || b.Status != want[i] {
				t.Errorf("batch %s: %s %s, want regular %s", b.Period, b.Kind, b.Status, want[i])
			}
			if b.Status == "paid" {
				paid++
			}
			sum := int64(0)
			for _, l := range full.Lines {
				sum += l.AmountFen
				if !strings.Contains(l.Explanation, "元 × ") || !strings.HasSuffix(l.Explanation, "元") {
					t.Errorf("batch %s line explanation: %q", b.Period, l.Explanation)
				}
			}
			if (len(full.Lines) == 0 && b.Status != "draft") || sum != full.TotalFen {
				t.Errorf("batch %s: %d lines summing %d, total %d", b.Period, len(full.Lines), sum, full.TotalFen)
			}
			if want[i] == "paid" {
				actions := ""
				for _, s := range full.Trail {
					actions += s.Action + ","
				}
				if full.PaidOn == "" || full.PaidBy == "" || actions != "生成,提交审核,审核通过,登记支付," {
					t.Errorf("paid batch %s: paid on %q, trail %s", b.Period, full.PaidOn, actions)
				}
			}
			if i == 0 && len(full.Failed) == 0 {
				t.Errorf("the draft shows no case that failed a gate")
			}
		}
		if paid == 0 {
			t.Error("no paid batch in the demo")
		}
		for _, b := range list {
			if b.Status != "paid" {
				continue
			}
			if r := jus.get(fmt.Sprintf("/subsidies/batches/%d", b.ID)); !strings.Contains(r.body, `id="batch-paid"`) || !strings.Contains(r.body, "登记") {
				t.Errorf("the paid batch's page does not say who recorded the payment")
			}
		}
		now := calendar.DateOf(time.Now()).String()
		if list[0].Period > now[:7] {
			t.Errorf("draft for a future month: %s", list[0].Period)
		}
		// The service contract's last completed quarter is assessed and confirmed.
		c := demoContract(t, e, demo.DemoServiceContract)
		var cv struct {
			Quarters []struct {
				Quarter string `json:"quarter"`
				To      string `json:"to"`
				Latest  *struct {
					Status string `json:"status"`
				} `json:"latest"`
			} `json:"quarters"`
		}
		json_(e.login("regulator01").json("GET", fmt.Sprintf("/api/v1/contracts/%d", c.ID), nil, nil).body, &cv)
		last := -1
		for i, q := range cv.Quarters {
			if q.To < now {
				last = i
			}
		}
		if last < 0 || cv.Quarters[last].Latest == nil || cv.Quarters[last].Latest.Status != "confirmed" {
			t.Fatalf("the last completed quarter is not assessed and confirmed: %+v", cv.Quarters)
		}
	})
}
