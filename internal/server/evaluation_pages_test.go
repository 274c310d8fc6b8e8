package server_test

import (
	"bytes"
	"context"
	"fmt"
	"github.com/tiaojie/tiaojie/internal/scorecard"
	"html"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/tiaojie/tiaojie/internal/demo"
	"github.com/tiaojie/tiaojie/internal/store"
)

// busiestMonth is the month (YYYY-MM) of the last two years in which the
// committee (or, given a mediator, that mediator) closed the most accepted
// cases: the demo's months are uneven, so tests pick theirs from the data.
// The rollups are brought up to date by a page read first.
func busiestMonth(t *testing.T, e *env, c *client, mediator int64) string {
	t.Helper()
	if r := c.get("/evaluation"); r.StatusCode != 200 {
		t.Fatalf("evaluation page: %d %s", r.StatusCode, r.body)
	}
	ctx := context.Background()
	units, err := e.db.ListOrgUnits(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var cmt int64
	for _, u := range units {
		if u.Code == "pd-cmt" {
			cmt = u.ID
		}
	}
	now := time.Now()
	sums, err := e.db.EvalSums(ctx, store.EvalQuery{Committees: []int64{cmt}, MediatorID: mediator, GroupBy: "month",
		From: now.AddDate(-2, 0, 0).Format("2006-01-02"), To: now.Format("2006-01-02")})
	if err != nil {
		t.Fatal(err)
	}
	best, most := "", int64(0)
	for _, s := range sums {
		if n := s.Counters["closed_accepted"]; n > most && len(s.Key) >= 7 {
			best, most = s.Key[:7], n
		}
	}
	if best == "" {
		t.Fatal("the demo closed no accepted case in two years")
	}
	return best
}

var (
	scoreRowRe = regexp.MustCompile(`(?s)<tr data-subject="(mediator|room|committee):(\d+)">(.*?)</tr>`)
	cellRe     = func(code string) *regexp.Regexp {
		return regexp.MustCompile(`(?s)data-code="` + code + `">.*?<a class="num" href="([^"]+)">(\d+)</a>/<a class="den" href="([^"]+)">(\d+)</a>`)
	}
	caseTotalRe = regexp.MustCompile(`id="case-total">(\d+)<`)
	caseRowRe   = regexp.MustCompile(`<td data-label="案号">`)
)

// scoreCell is one indicator cell of the score table: its numerator and
// denominator and the links behind them.
type scoreCell struct {
	Subject          string
	Num, Den         int
	NumURL, DenURL   string
	Rank, RowContent string
}

func scoreCells(t *testing.T, body, code string) []scoreCell {
	t.Helper()
	var out []scoreCell
	for _, m := range scoreRowRe.FindAllStringSubmatch(body, -1) {
		c := cellRe(code).FindStringSubmatch(m[3])
		if c == nil {
			t.Fatalf("row %s:%s has no %s cell", m[1], m[2], code)
		}
		num, _ := strconv.Atoi(c[2])
		den, _ := strconv.Atoi(c[4])
		out = append(out, scoreCell{Subject: m[1] + ":" + m[2], Num: num, Den: den,
			NumURL: html.UnescapeString(c[1]), DenURL: html.UnescapeString(c[3]), RowContent: m[3]})
	}
	return out
}

// The committee director's month: the score table with ranks, every
// 按时办结率 numerator and denominator opening a case list whose total is that
// number, sorting, and the export read back.
func TestEvaluationPagesCommittee(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *env) {
		c := e.login("committee01")
		month := busiestMonth(t, e, c, 0)
		page := c.get("/evaluation?month=" + month)
		if page.StatusCode != 200 {
			t.Fatalf("evaluation %s: %d %s", month, page.StatusCode, page.body)
		}
		for _, want := range []string{"评分表", "按时办结率", "调解成功率", "怎么算的", "收到投诉", "挽回经济损失", "受理→调解→协议→履行→回访", `data-chart="trend-spec"`, `data-chart="funnel-spec"`} {
			if !strings.Contains(page.body, want) {
				t.Errorf("evaluation page lacks %q", want)
			}
		}
		cells := scoreCells(t, page.body, "on_time_closure")
		if len(cells) == 0 {
			t.Fatal("no mediator in the score table")
		}
		ranked := false
		for _, cell := range cells {
			if regexp.MustCompile(`<td class="rank">\d+</td>`).MatchString(cell.RowContent) {
				ranked = true
			}
			for _, part := range []struct {
				url  string
				want int
			}{{cell.NumURL, cell.Num}, {cell.DenURL, cell.Den}} {
				list := c.get(part.url)
				if list.StatusCode != 200 {
					t.Fatalf("%s: %d %s", part.url, list.StatusCode, list.body)
				}
				m := caseTotalRe.FindStringSubmatch(list.body)
				if m == nil || m[1] != strconv.Itoa(part.want) {
					t.Errorf("%s: case list total %v, the table shows %d", part.url, m, part.want)
				}
				if rows := len(caseRowRe.FindAllString(list.body, -1)); rows != min(part.want, 50) {
					t.Errorf("%s: %d case rows for a figure of %d", part.url, rows, part.want)
				}
				if !strings.Contains(list.body, "按时办结率") {
					t.Errorf("%s: the header does not name the figure", part.url)
				}
			}
		}
		if !ranked {
			t.Errorf("no ranked row in %s", month)
		}

		// Each step of the funnel opens as many cases as it counts.
		steps := regexp.MustCompile(`<td data-label="件数"><a href="([^"]+)">(\d+)</a>`).FindAllStringSubmatch(page.body, -1)
		if len(steps) != 5 {
			t.Fatalf("funnel has %d steps", len(steps))
		}
		for _, st := range steps {
			list := c.get(html.UnescapeString(st[1]))
			if m := caseTotalRe.FindStringSubmatch(list.body); list.StatusCode != 200 || m == nil || m[1] != st[2] {
				t.Errorf("funnel step %s: %d, list total %v, the funnel shows %s", st[1], list.StatusCode, m, st[2])
			}
		}

		// Sorting by the total, best first.
		sorted := c.get("/evaluation?month=" + month + "&sort=total&dir=desc")
		var totals []float64
		for _, m := range regexp.MustCompile(`<td class="total">([\d.]+)</td>`).FindAllStringSubmatch(sorted.body, -1) {
			f, _ := strconv.ParseFloat(m[1], 64)
			totals = append(totals, f)
		}
		for i := 1; i < len(totals); i++ {
			if totals[i] > totals[i-1] {
				t.Fatalf("sorted by total, yet %v", totals)
			}
		}

		// The export carries the same figures.
		href := html.UnescapeString(regexp.MustCompile(`id="export" href="([^"]+)"`).FindStringSubmatch(page.body)[1])
		x := c.get(href)
		if x.StatusCode != 200 || !strings.Contains(x.Header.Get("Content-Type"), "spreadsheetml") {
			t.Fatalf("export: %d %s", x.StatusCode, x.Header.Get("Content-Type"))
		}
		assertScoresWorkbook(t, []byte(x.body), cells)

		// Other levels open; a level the unit lacks or a bad value is a 400 in Chinese.
		for _, l := range []string{"room", "committee"} {
			if r := c.get("/evaluation?month=" + month + "&level=" + l); r.StatusCode != 200 {
				t.Errorf("level %s: %d", l, r.StatusCode)
			}
		}
	})
}

// assertScoresWorkbook reads the export back: each row's 按时办结率 numerator
// and denominator equal the page's.
func assertScoresWorkbook(t *testing.T, b []byte, cells []scoreCell) {
	t.Helper()
	f, err := excelize.OpenReader(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("export is not a workbook: %v", err)
	}
	rows, err := f.GetRows(scorecard.ScoresSheet)
	if err != nil || len(rows) < scorecard.ScoresHeaderRow {
		t.Fatalf("score sheet: %v (%d rows)", err, len(rows))
	}
	head := rows[scorecard.ScoresHeaderRow-1]
	col := -1
	for i, h := range head {
		if h == "按时办结率 分子/分母" {
			col = i
		}
	}
	if col < 0 {
		t.Fatalf("export header lacks 按时办结率: %q", head)
	}
	body := rows[scorecard.ScoresHeaderRow:]
	if len(body) != len(cells) {
		t.Fatalf("export has %d rows, the page %d", len(body), len(cells))
	}
	var got, want []string
	for _, r := range body {
		got = append(got, r[col])
	}
	for _, c := range cells {
		want = append(want, fmt.Sprintf("%d/%d", c.Num, c.Den))
	}
	// Both are in rank order (the page unsorted, the export always).
	if strings.Join(got, ",") != strings.Join(want, ",") {
		t.Errorf("export 按时办结率 %v, page %v", got, want)
	}
}

// A mediator sees their own figures and nothing wider; the scopes and bad
// input answer in Chinese.
func TestEvaluationPagesScopeAndInput(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		m := e.login("mediator01")
		me, err := e.db.GetUserByUsername(ctx, "mediator01")
		if err != nil {
			t.Fatal(err)
		}
		other, err := e.db.GetUserByUsername(ctx, "room_lead01")
		if err != nil {
			t.Fatal(err)
		}
		month := busiestMonth(t, e, m, me.ID)
		mine := m.get("/evaluation/me?month=" + month)
		if mine.StatusCode != 200 || !strings.Contains(mine.body, "我的绩效") || !strings.Contains(mine.body, me.DisplayName) {
			t.Fatalf("my evaluation: %d", mine.StatusCode)
		}
		table := m.get("/evaluation?month=" + month)
		subjects := scoreRowRe.FindAllStringSubmatch(table.body, -1)
		if len(subjects) != 1 || subjects[0][2] != strconv.FormatInt(me.ID, 10) {
			t.Fatalf("a mediator's score table shows %d rows", len(subjects))
		}
		for path, want := range map[string]int{
			"/evaluation?level=room":                                  403,
			"/evaluation?level=committee":                             403,
			"/evaluation/mediator/" + strconv.FormatInt(other.ID, 10): 403,
			"/evaluation/rankings":                                    403,
			"/evaluation/scheme":                                      403,
			"/evaluation/cases?indicator=success&part=numerator&subject=mediator:" + strconv.FormatInt(other.ID, 10): 403,
		} {
			if r := m.get(path); r.StatusCode != want {
				t.Errorf("mediator %s: %d, want %d", path, r.StatusCode, want)
			}
		}

		// Another district never; an unknown unit is a 404; roles without
		// evaluation are refused.
		xh := e.login("xh_committee01")
		if r := xh.get("/evaluation?unit=pd-cmt"); r.StatusCode != 403 {
			t.Errorf("another district's committee: %d", r.StatusCode)
		}
		if r := xh.get("/evaluation/cases?unit=pd-cmt&indicator=success&part=numerator"); r.StatusCode != 403 {
			t.Errorf("another district's cases: %d", r.StatusCode)
		}
		c := e.login("committee01")
		if r := c.get("/evaluation?unit=no-such-unit"); r.StatusCode != 404 || !strings.Contains(r.body, "找不到单位") {
			t.Errorf("unknown unit: %d", r.StatusCode)
		}
		if r := c.get("/evaluation/mediator/999999"); r.StatusCode != 404 {
			t.Errorf("unknown mediator: %d", r.StatusCode)
		}
		for _, u := range []string{"auditor01", "regulator01", "court01"} {
			if r := e.login(u).get("/evaluation"); r.StatusCode != 403 {
				t.Errorf("%s opened the evaluation: %d", u, r.StatusCode)
			}
		}
		for _, u := range []string{"justice01", "analyst01", "room_lead01", "city_analyst01"} {
			if r := e.login(u).get("/evaluation"); r.StatusCode != 200 {
				t.Errorf("%s: evaluation %d", u, r.StatusCode)
			}
		}
		// The city's analyst compares the two districts' committees.
		if r := e.login("city_analyst01").get("/evaluation?level=committee&unit=" + demo.CodeCity); r.StatusCode != 200 ||
			!strings.Contains(r.body, "浦东新区消费纠纷人民调解委员会") || !strings.Contains(r.body, "徐汇区消费纠纷人民调解委员会") {
			t.Errorf("the city's committees: %d", r.StatusCode)
		}

		// A room has no committee level: asked by hand it is a 400; picking the
		// room in the page's form while on that tab takes the room's default.
		room := demo.OfficeRoomCode(1)
		if r := c.get("/evaluation?level=committee&unit=" + room); r.StatusCode != 400 || !strings.Contains(r.body, "工作室之下没有调委会层级") {
			t.Errorf("committee level of a room: %d", r.StatusCode)
		}
		if r := c.get("/evaluation?level=committee&picked=1&unit=" + room); r.StatusCode != 200 {
			t.Errorf("room picked on the committees' tab: %d", r.StatusCode)
		}

		// Bad input: 400 with the problem in Chinese.
		for path, want := range map[string]string{
			"/evaluation?month=2026-13":                                    "月份",
			"/evaluation?from=2026-02-10&to=2026-01-01":                    "晚于",
			"/evaluation?from=2026-02-30&to=2026-03-01":                    "不是有效日期",
			"/evaluation?from=2999-01-01&to=2999-01-31":                    "未来",
			"/evaluation?level=province":                                   "层级",
			"/evaluation/cases?indicator=speed&part=numerator":             "指标",
			"/evaluation/cases?indicator=success&part=half":                "part",
			"/evaluation/cases?indicator=success&part=numerator&subject=x": "subject",
			"/evaluation/cases?indicator=success&part=numerator&page=zero": "页码",
			"/evaluation/scores.xlsx?month=13":                             "月份",
			"/evaluation/rankings?period=2026-1":                           "月份",
		} {
			r := c.get(path)
			if r.StatusCode != 400 || !strings.Contains(r.body, want) {
				t.Errorf("%s: %d, want 400 with %q", path, r.StatusCode, want)
			}
		}
	})
}

// Publishing freezes a month's 红榜/黑榜; a correction needs a reason and is
// listed as a new revision. The scheme editor previews before saving and
// names each bad field.
func TestEvaluationPagesRankingsAndScheme(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *env) {
		c := e.login("committee01")
		month := busiestMonth(t, e, c, 0)
		q := url.Values{"unit": {"pd-cmt"}, "level": {"mediator"}, "period": {month}}
		r := c.get("/evaluation/rankings?" + q.Encode())
		if r.StatusCode != 200 || !strings.Contains(r.body, "实时（未发布）") || !strings.Contains(r.body, `id="publish"`) {
			t.Fatalf("live ranking: %d", r.StatusCode)
		}
		if j := e.login("justice01").get("/evaluation/rankings?" + q.Encode()); j.StatusCode != 200 || strings.Contains(j.body, `id="publish"`) {
			t.Errorf("justice bureau: %d, or offered to publish", j.StatusCode)
		}
		if p := c.form("POST", "/evaluation/rankings/publish", q); p.StatusCode != 303 {
			t.Fatalf("publish: %d %s", p.StatusCode, p.body)
		}
		if r = c.get("/evaluation/rankings?" + q.Encode()); !strings.Contains(r.body, "已发布（第1版）") {
			t.Fatal("not shown as published")
		}
		if p := c.form("POST", "/evaluation/rankings/publish", q); p.StatusCode != 422 || !strings.Contains(p.body, "更正须写明理由") {
			t.Fatalf("republish without a reason: %d", p.StatusCode)
		}
		q.Set("reason", "补录一件迟到的回访记录")
		if p := c.form("POST", "/evaluation/rankings/publish", q); p.StatusCode != 303 {
			t.Fatalf("correction: %d %s", p.StatusCode, p.body)
		}
		if r = c.get("/evaluation/rankings?" + q.Encode()); !strings.Contains(r.body, "已发布（第2版）") || !strings.Contains(r.body, "补录一件迟到的回访记录") {
			t.Fatal("the correction is not listed with its reason")
		}
		if p := e.login("justice01").form("POST", "/evaluation/rankings/publish", q); p.StatusCode != 403 {
			t.Errorf("justice bureau published: %d", p.StatusCode)
		}

		// The scheme editor.
		s := c.get("/evaluation/scheme")
		if s.StatusCode != 200 || !strings.Contains(s.body, "现行") || !strings.Contains(s.body, "按时办结率") {
			t.Fatalf("scheme page: %d", s.StatusCode)
		}
		next := fmt.Sprintf("%d-01-01", time.Now().Year()+1)
		form := url.Values{"version": {"next"}, "name": {"调委会绩效评估方案（试行）"}, "effective_from": {next},
			"weight_on_time_acceptance": {"10"}, "weight_on_time_closure": {"25"}, "weight_success": {"20"}, "weight_performance": {"10"},
			"weight_follow_up": {"10"}, "weight_satisfaction": {"15"}, "weight_file_quality": {"0"}, "weight_timely_entry": {"10"},
			"points_overdue": {"1"}, "cap_overdue": {"10"}, "points_returned": {"2"}, "cap_returned": {"10"},
			"points_dissatisfied": {"1"}, "cap_dissatisfied": {"10"},
			"band_name_0": {"优秀"}, "band_min_0": {"90"}, "band_name_1": {"良好"}, "band_min_1": {"80"}, "band_name_2": {"合格"}, "band_min_2": {"70"},
			"satisfied_from": {"4"}, "dissatisfied_to": {"2"}, "entry_wd": {"1"}, "min_cases": {"3"}, "unit": {"pd-cmt"}, "level": {"mediator"},
			"action": {"preview"}}
		bad := url.Values{}
		for k, v := range form {
			bad[k] = v
		}
		bad.Set("weight_success", "30")
		bad.Set("band_min_1", "95")
		bad.Set("points_overdue", "abc")
		b := c.form("POST", "/evaluation/scheme", bad)
		for _, want := range []string{"各项指标权重合计应为100，当前为110", "从高到低", "应为数字"} {
			if b.StatusCode != 422 || !strings.Contains(b.body, want) {
				t.Errorf("bad scheme: %d, lacks %q", b.StatusCode, want)
			}
		}
		if strings.Contains(b.body, `id="save"`) {
			t.Error("a bad scheme is offered for saving")
		}
		pv := c.form("POST", "/evaluation/scheme", form)
		if pv.StatusCode != 200 || !strings.Contains(pv.body, "预览：本月名次的变化") || !strings.Contains(pv.body, `id="save"`) {
			t.Fatalf("preview: %d %s", pv.StatusCode, regexp.MustCompile(`role="alert">[^<]*`).FindString(pv.body))
		}
		form.Set("action", "save")
		if sv := c.form("POST", "/evaluation/scheme", form); sv.StatusCode != 303 {
			t.Fatalf("save: %d %s", sv.StatusCode, sv.body)
		}
		if s = c.get("/evaluation/scheme"); !strings.Contains(s.body, "调委会绩效评估方案（试行）") || !strings.Contains(s.body, next) {
			t.Error("the saved scheme is not listed")
		}
	})
}
