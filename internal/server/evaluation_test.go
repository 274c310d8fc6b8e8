package server_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"github.com/tiaojie/tiaojie/internal/api"
	"net/url"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/tiaojie/tiaojie/internal/platform"
	"github.com/tiaojie/tiaojie/internal/scorecard"
	"github.com/tiaojie/tiaojie/internal/store/storetest"
)

type evalIndicator struct {
	Code        string  `json:"code"`
	Numerator   int     `json:"numerator"`
	Denominator int     `json:"denominator"`
	Value       float64 `json:"value"`
}

type evalRow struct {
	Subject struct {
		Kind string `json:"kind"`
		ID   int64  `json:"id"`
		Name string `json:"name"`
	} `json:"subject"`
	Indicators []evalIndicator `json:"indicators"`
	Total      float64         `json:"total"`
	Band       string          `json:"band"`
	Rank       int             `json:"rank"`
}

type evalScores struct {
	Scheme struct {
		Version string `json:"version"`
	} `json:"scheme"`
	Level string    `json:"level"`
	Rows  []evalRow `json:"rows"`
}

type evalCase struct {
	ID                int64   `json:"id"`
	Status            string  `json:"status"`
	Outcome           string  `json:"outcome"`
	ClosedAt          *string `json:"closed_at"`
	PresidingMediator *struct {
		ID   int64  `json:"id"`
		Name string `json:"name"`
	} `json:"presiding_mediator"`
	Agreement *struct {
		Form      string `json:"form"`
		AmountFen int64  `json:"amount_fen"`
		Performed bool   `json:"performed"`
	} `json:"agreement"`
	FollowUp struct {
		Done         bool `json:"done"`
		Satisfaction *int `json:"satisfaction"`
	} `json:"follow_up"`
	Parties []json.RawMessage `json:"parties"`
}

type evalCaseList struct {
	Cases []evalCase `json:"cases"`
	Total int64      `json:"total"`
}

func day(offset int) string {
	return time.Now().In(time.FixedZone("CST", 8*3600)).AddDate(0, 0, offset).Format("2006-01-02")
}

func getJSON(t *testing.T, c *client, path string, want int, v any) resp {
	t.Helper()
	r := c.json("GET", path, nil, nil)
	if r.StatusCode != want {
		t.Fatalf("GET %s: %d, want %d: %s", path, r.StatusCode, want, r.body)
	}
	if v != nil {
		if err := json.Unmarshal([]byte(r.body), v); err != nil {
			t.Fatalf("GET %s: %v", path, err)
		}
	}
	return r
}

// refused checks a 4xx carries the JSON error body with a Chinese message containing want.
func refused(t *testing.T, c *client, method, path string, body any, status int, want string) {
	t.Helper()
	r := c.json(method, path, body, nil)
	var e struct {
		Code  string `json:"code"`
		Error string `json:"error"`
	}
	json_(r.body, &e)
	if r.StatusCode != status || e.Code != api.ErrorCode(status) || !strings.Contains(e.Error+r.body, want) ||
		!strings.ContainsFunc(e.Error, func(r rune) bool { return r >= 0x4e00 && r <= 0x9fff }) {
		t.Errorf("%s %s: %d %s, want %d with “%s”", method, path, r.StatusCode, r.body, status, want)
	}
}

// The committee sees its mediators' scores; the cases behind a figure are
// exactly as many as the figure, page by page and all the mediator's.
func TestEvaluationScoresAndCases(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *env) {
		cmt := e.login("committee01")
		from, to := day(-90), day(0)
		period := "&from=" + from + "&to=" + to
		var sc evalScores
		getJSON(t, cmt, "/api/v1/evaluation/scores?unit=pd-cmt&level=mediator"+period, 200, &sc)
		if sc.Scheme.Version == "" || sc.Level != "mediator" || len(sc.Rows) == 0 {
			t.Fatalf("committee scores: %+v", sc)
		}
		// The figure with the most cases in its numerator (the demo gives the showcase mediator several).
		var row evalRow
		var ind evalIndicator
		for _, r := range sc.Rows {
			for _, i := range r.Indicators {
				if i.Numerator > ind.Numerator {
					row, ind = r, i
				}
			}
		}
		if ind.Numerator < 2 {
			t.Fatalf("no indicator with two or more cases in the last 90 days: %+v", sc.Rows)
		}
		subject := fmt.Sprintf("mediator:%d", row.Subject.ID)
		casesPath := "/api/v1/evaluation/cases?unit=pd-cmt&subject=" + url.QueryEscape(subject) + "&indicator=" + ind.Code + period
		var num, den evalCaseList
		getJSON(t, cmt, casesPath+"&part=numerator&limit=500", 200, &num)
		getJSON(t, cmt, casesPath+"&part=denominator&limit=500", 200, &den)
		if num.Total != int64(ind.Numerator) || len(num.Cases) != ind.Numerator || den.Total != int64(ind.Denominator) || len(den.Cases) != ind.Denominator {
			t.Fatalf("%s: figure %d/%d, cases %d(%d)/%d(%d)", ind.Code, ind.Numerator, ind.Denominator, num.Total, len(num.Cases), den.Total, len(den.Cases))
		}
		for _, c := range num.Cases {
			if c.PresidingMediator == nil || c.PresidingMediator.ID != row.Subject.ID {
				t.Errorf("case %d behind %s's figure presided by %+v", c.ID, row.Subject.Name, c.PresidingMediator)
			}
		}
		// Paging: one case a page walks the same cases, each once.
		var paged []int64
		for off := 0; off < ind.Numerator+1; off++ {
			var p evalCaseList
			getJSON(t, cmt, casesPath+"&part=numerator&limit=1&offset="+strconv.Itoa(off), 200, &p)
			if p.Total != int64(ind.Numerator) || len(p.Cases) != min(1, ind.Numerator-off) {
				t.Fatalf("page at %d: total %d, %d cases", off, p.Total, len(p.Cases))
			}
			for _, c := range p.Cases {
				paged = append(paged, c.ID)
			}
		}
		var all []int64
		for _, c := range num.Cases {
			all = append(all, c.ID)
		}
		if !slices.Equal(paged, all) {
			t.Fatalf("paged %v, all at once %v", paged, all)
		}

		// A mediator sees their own row only, with the committee's figures for it.
		med := e.login("mediator01")
		var me struct {
			DisplayName string `json:"display_name"`
		}
		getJSON(t, med, "/api/v1/me", 200, &me)
		var own evalScores
		getJSON(t, med, "/api/v1/evaluation/scores?unit=pd-cmt&level=mediator"+period, 200, &own)
		if len(own.Rows) != 1 || own.Rows[0].Subject.Name != me.DisplayName {
			t.Fatalf("mediator01 (%s) sees %+v", me.DisplayName, own.Rows)
		}
		for _, r := range sc.Rows {
			if r.Subject.ID == own.Rows[0].Subject.ID && r.Total != own.Rows[0].Total {
				t.Errorf("mediator's own total %v, committee sees %v", own.Rows[0].Total, r.Total)
			}
		}
		refused(t, med, "GET", "/api/v1/evaluation/scores?unit=pd-cmt&level=room"+period, nil, 403, "本人")
		if ind.Numerator > 0 && row.Subject.ID != own.Rows[0].Subject.ID {
			refused(t, med, "GET", casesPath+"&part=numerator", nil, 403, "本人")
		}
		// Another district, either way.
		refused(t, med, "GET", "/api/v1/evaluation/scores?unit=xh-cmt"+period, nil, 403, "无权")
		refused(t, cmt, "GET", "/api/v1/evaluation/scores?unit=xh-cmt"+period, nil, 403, "无权")
		refused(t, e.login("xh_committee01"), "GET", "/api/v1/evaluation/headline?unit=pd-cmt"+period, nil, 403, "无权")
		refused(t, e.login("auditor01"), "GET", "/api/v1/evaluation/scores?unit=pd-cmt"+period, nil, 403, "无权")

		// The district's justice bureau and analyst see the committee, and the same totals.
		for _, u := range []string{"justice01", "analyst01"} {
			c := e.login(u)
			var d evalScores
			getJSON(t, c, "/api/v1/evaluation/scores?unit=pd&level=committee"+period, 200, &d)
			if len(d.Rows) != 1 || d.Rows[0].Subject.Name != "浦东新区消费纠纷人民调解委员会" {
				t.Errorf("%s district scores: %+v", u, d.Rows)
			}
			var m evalScores
			getJSON(t, c, "/api/v1/evaluation/scores?unit=pd-cmt&level=mediator"+period, 200, &m)
			if !reflect.DeepEqual(m.Rows, sc.Rows) {
				t.Errorf("%s sees other mediator scores than the committee", u)
			}
			var h struct {
				Figures []struct {
					Code  string  `json:"code"`
					Value float64 `json:"value"`
				} `json:"figures"`
				ByOutcome []struct{ Code string } `json:"by_outcome"`
			}
			getJSON(t, c, "/api/v1/evaluation/headline?unit=pd"+period, 200, &h)
			if len(h.Figures) == 0 || len(h.ByOutcome) == 0 || h.Figures[0].Code != "received" || h.Figures[0].Value == 0 {
				t.Errorf("%s headline: %+v", u, h)
			}
		}
		// The analyst sees what the figures come from, not who complained.
		var an evalCaseList
		getJSON(t, e.login("analyst01"), casesPath+"&part=numerator", 200, &an)
		if an.Total != int64(ind.Numerator) || len(an.Cases) == 0 || len(an.Cases[0].Parties) != 0 {
			t.Errorf("analyst's case list: total %d, %+v", an.Total, an.Cases)
		}

		// Bad input: 4xx with a Chinese message.
		refused(t, cmt, "GET", "/api/v1/evaluation/scores?unit=nowhere"+period, nil, 404, "找不到单位")
		refused(t, cmt, "GET", "/api/v1/evaluation/cases?unit=pd-cmt&indicator=speed&part=numerator"+period, nil, 400, "指标")
		refused(t, cmt, "GET", "/api/v1/evaluation/cases?unit=pd-cmt&indicator=success&part=half"+period, nil, 400, "part")
		refused(t, cmt, "GET", "/api/v1/evaluation/cases?unit=pd-cmt&indicator=success&part=numerator&limit=0"+period, nil, 400, "limit")
		refused(t, cmt, "GET", "/api/v1/evaluation/scores?unit=pd-cmt&from="+to+"&to="+from, nil, 400, "晚于")
		refused(t, cmt, "GET", "/api/v1/evaluation/scores?unit=pd-cmt&from=2026-02-30&to="+to, nil, 400, "不是有效日期")
		refused(t, cmt, "GET", "/api/v1/evaluation/headline?unit=pd-cmt&from=20260101&to="+to, nil, 400, "YYYY-MM-DD")
		refused(t, cmt, "GET", "/api/v1/evaluation/scores?unit=pd-cmt&from="+day(40)+"&to="+day(60), nil, 400, "未来")
		refused(t, cmt, "GET", "/api/v1/evaluation/scores?unit=pd-cmt&level=team"+period, nil, 400, "层级")
		refused(t, cmt, "GET", "/api/v1/evaluation/rankings?unit=pd-cmt&period="+day(40)[:7], nil, 400, "还没有到")
		refused(t, cmt, "GET", "/api/v1/evaluation/rankings?unit=pd-cmt&period=2026-13", nil, 400, "YYYY-MM")
		refused(t, cmt, "GET", "/api/v1/evaluation/scores?unit=pd-cmt&from="+from, nil, 400, "结束日期")
	})
}

// A published month is frozen: a late follow-up moves the live figures but
// not the published ranking; a correction is a new revision with a reason.
func TestEvaluationRankingsFrozen(t *testing.T) {
	for _, eng := range storetest.Engines(t) {
		t.Run(eng.Name, func(t *testing.T) {
			t.Parallel()
			// The scorecard's clock runs 45 days ahead, so the month of the demo's
			// recent agreements is over and can be published.
			e := newEnvWith(t, eng, func(s *platform.Services) {
				s.Scorecard.Now = func() time.Time { return time.Now().AddDate(0, 0, 45) }
			})
			cmt := e.login("committee01")
			var list evalCaseList
			getJSON(t, cmt, "/api/v1/cases?limit=500", 200, &list)
			var target evalCase
			for _, c := range list.Cases {
				if c.Outcome == "agreed" && c.Status == "performing" && !c.FollowUp.Done && c.ClosedAt != nil {
					target = c
					break
				}
			}
			if target.ID == 0 {
				t.Fatal("the demo has no agreed case waiting for its follow-up")
			}
			closed, _ := time.Parse(time.RFC3339, *target.ClosedAt)
			month := closed.In(time.FixedZone("CST", 8*3600)).Format("2006-01")
			first, _ := time.Parse("2006-01", month)
			period := "&from=" + first.Format("2006-01-02") + "&to=" + first.AddDate(0, 1, -1).Format("2006-01-02")
			rankPath := "/api/v1/evaluation/rankings?unit=pd-cmt&level=committee&period=" + month
			followUps := func() evalIndicator {
				var sc evalScores
				getJSON(t, cmt, "/api/v1/evaluation/scores?unit=pd-cmt&level=committee"+period, 200, &sc)
				for _, i := range sc.Rows[0].Indicators {
					if i.Code == "follow_up" {
						return i
					}
				}
				t.Fatal("no 回访率 in the scores")
				return evalIndicator{}
			}

			type ranking struct {
				Live      bool              `json:"live"`
				Revision  *int64            `json:"revision"`
				Revisions []json.RawMessage `json:"revisions"`
				Rows      []json.RawMessage `json:"rows"`
				Red       []json.RawMessage `json:"red"`
				Black     []json.RawMessage `json:"black"`
			}
			var live ranking
			getJSON(t, cmt, rankPath, 200, &live)
			if !live.Live || live.Revision != nil || len(live.Rows) != 1 {
				t.Fatalf("before publishing: %+v", live)
			}
			refused(t, e.login("mediator01"), "POST", "/api/v1/evaluation/rankings/publish", map[string]string{"unit": "pd-cmt", "period": month}, 403, "无权")
			refused(t, e.login("xh_committee01"), "POST", "/api/v1/evaluation/rankings/publish", map[string]string{"unit": "pd-cmt", "period": month}, 403, "无权")
			refused(t, cmt, "POST", "/api/v1/evaluation/rankings/publish", map[string]string{"unit": "pd-cmt", "level": "committee", "period": time.Now().AddDate(0, 0, 45).Format("2006-01")}, 422, "尚未结束")

			pub := cmt.json("POST", "/api/v1/evaluation/rankings/publish", map[string]string{"unit": "pd-cmt", "level": "committee", "period": month}, nil)
			var first1 ranking
			json_(pub.body, &first1)
			if pub.StatusCode != 200 || first1.Live || first1.Revision == nil || *first1.Revision != 1 {
				t.Fatalf("publish: %d %s", pub.StatusCode, pub.body)
			}
			before := followUps()

			// A late follow-up on a case closed in the published month.
			if r := cmt.json("POST", fmt.Sprintf("/api/v1/cases/%d/followup", target.ID), map[string]any{"satisfaction": 2, "method": "phone"}, nil); r.StatusCode != 200 {
				t.Fatalf("late follow-up: %d %s", r.StatusCode, r.body)
			}
			after := followUps()
			if after.Numerator != before.Numerator+1 || after.Denominator != before.Denominator {
				t.Fatalf("the late follow-up did not reach the live figures: %+v → %+v", before, after)
			}
			var frozen ranking
			getJSON(t, cmt, rankPath, 200, &frozen)
			if frozen.Live || *frozen.Revision != 1 || !reflect.DeepEqual(frozen.Rows, first1.Rows) ||
				!reflect.DeepEqual(frozen.Red, first1.Red) || !reflect.DeepEqual(frozen.Black, first1.Black) {
				t.Fatalf("published ranking changed:\n%s\n%s", pub.body, frozen.Rows)
			}

			refused(t, cmt, "POST", "/api/v1/evaluation/rankings/publish", map[string]string{"unit": "pd-cmt", "level": "committee", "period": month}, 422, "理由")
			r := cmt.json("POST", "/api/v1/evaluation/rankings/publish", map[string]string{"unit": "pd-cmt", "level": "committee", "period": month, "reason": "补录回访"}, nil)
			var second ranking
			json_(r.body, &second)
			if r.StatusCode != 200 || second.Revision == nil || *second.Revision != 2 || len(second.Revisions) != 2 || !strings.Contains(string(second.Revisions[0]), "补录回访") {
				t.Fatalf("correction: %d %s", r.StatusCode, r.body)
			}
			if reflect.DeepEqual(second.Rows, first1.Rows) {
				t.Fatalf("revision 2 carries the old figures: %s", second.Rows)
			}

			// The ranking workbook has both lists.
			x := cmt.json("GET", strings.Replace(rankPath, "rankings?", "rankings.xlsx?", 1), nil, nil)
			f, err := excelize.OpenReader(bytes.NewReader([]byte(x.body)))
			if x.StatusCode != 200 || err != nil {
				t.Fatalf("rankings.xlsx: %d %v", x.StatusCode, err)
			}
			defer f.Close()
			for _, s := range []string{scorecard.RedSheet, scorecard.BlackSheet} {
				if v, _ := f.GetCellValue(s, "A"+strconv.Itoa(scorecard.RankingHeaderRow)); v != "名次" {
					t.Errorf("sheet %s header: %q (sheets %v)", s, v, f.GetSheetList())
				}
			}
			if v, _ := f.GetCellValue(scorecard.RedSheet, "B5"); !strings.Contains(v, "第 2 版") {
				t.Errorf("ranking workbook status: %q", v)
			}
		})
	}
}

// The scores workbook says what it covers and carries the same totals as the JSON.
func TestEvaluationScoresXLSX(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *env) {
		cmt := e.login("committee01")
		q := "?unit=pd-cmt&level=mediator&from=" + day(-90) + "&to=" + day(0)
		var sc evalScores
		getJSON(t, cmt, "/api/v1/evaluation/scores"+q, 200, &sc)
		r := cmt.json("GET", "/api/v1/evaluation/scores.xlsx"+q, nil, nil)
		if r.StatusCode != 200 || !strings.Contains(r.Header.Get("Content-Type"), "spreadsheetml") || !strings.Contains(r.Header.Get("Content-Disposition"), "attachment") {
			t.Fatalf("scores.xlsx: %d %v", r.StatusCode, r.Header)
		}
		f, err := excelize.OpenReader(bytes.NewReader([]byte(r.body)))
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		rows, err := f.GetRows(scorecard.ScoresSheet)
		if err != nil {
			t.Fatal(err)
		}
		if len(rows) < scorecard.ScoresHeaderRow+len(sc.Rows) || rows[0][0] != "单位" || !strings.Contains(rows[0][1], "pd-cmt") ||
			!strings.Contains(rows[1][1], day(-90)) || !strings.Contains(rows[3][1], sc.Scheme.Version) {
			t.Fatalf("header block: %v", rows[:min(len(rows), 5)])
		}
		head := rows[scorecard.ScoresHeaderRow-1]
		total := slices.Index(head, "总分")
		if total < 0 || head[0] != "名次" || !slices.ContainsFunc(head, func(h string) bool { return strings.HasPrefix(h, "按时办结率（%") }) {
			t.Fatalf("column names: %v", head)
		}
		checked := 0
		for _, want := range sc.Rows {
			for _, row := range rows[scorecard.ScoresHeaderRow:] {
				if len(row) > total && row[1] == want.Subject.Name && want.Band != "" {
					got, err := strconv.ParseFloat(row[total], 64)
					if err != nil || got != want.Total {
						t.Errorf("%s: workbook total %q, JSON %v", want.Subject.Name, row[total], want.Total)
					}
					checked++
				}
			}
		}
		if checked == 0 {
			t.Fatalf("no scored subject found in the workbook: %v", rows)
		}
	})
}

// The case JSON carries what the figures count: outcome, evaluation
// closure, agreement, follow-up and presiding mediator.
func TestCaseJSONEvaluationFacts(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *env) {
		cmt := e.login("committee01")
		var list evalCaseList
		getJSON(t, cmt, "/api/v1/cases?limit=500", 200, &list)
		var agreed, open evalCase
		for _, c := range list.Cases {
			if agreed.ID == 0 && c.Outcome == "agreed" && c.FollowUp.Done && c.PresidingMediator != nil {
				agreed = c
			}
			if open.ID == 0 && c.Outcome == "open" {
				open = c
			}
		}
		if agreed.ID == 0 || open.ID == 0 {
			t.Fatal("the demo lacks an agreed, followed-up case with a presiding mediator, or an open case")
		}
		var d evalCase
		getJSON(t, cmt, fmt.Sprintf("/api/v1/cases/%d", agreed.ID), 200, &d)
		if d.ClosedAt == nil || d.Agreement == nil || (d.Agreement.Form != "oral" && d.Agreement.Form != "written") || d.Agreement.AmountFen <= 0 ||
			!d.FollowUp.Done || d.FollowUp.Satisfaction == nil || *d.FollowUp.Satisfaction < 1 || d.PresidingMediator.Name == "" {
			t.Fatalf("agreed case: %+v", d)
		}
		d.Parties = nil // the list leaves parties out, as before
		if agreed.Parties = nil; !reflect.DeepEqual(d, agreed) {
			t.Errorf("detail %+v differs from the list entry %+v", d, agreed)
		}
		var o evalCase
		getJSON(t, cmt, fmt.Sprintf("/api/v1/cases/%d", open.ID), 200, &o)
		if o.Outcome != "open" || o.ClosedAt != nil || o.Agreement != nil || o.FollowUp.Done {
			t.Fatalf("open case: %+v", o)
		}
		// The outcome codes are documented.
		doc := cmt.json("GET", "/api/v1/openapi.json", nil, nil).body
		for _, s := range []string{`"not_agreed"`, "调解不成", "/api/v1/evaluation/cases", "spreadsheetml"} {
			if !strings.Contains(doc, s) {
				t.Errorf("OpenAPI lacks %s", s)
			}
		}
	})
}

// The committee lists, previews and saves a scheme version; a bad one is
// refused field by field and nothing is saved.
func TestEvaluationSchemes(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *env) {
		cmt := e.login("committee01")
		type list struct {
			Schemes []map[string]any `json:"schemes"`
			InForce string           `json:"in_force"`
		}
		var l list
		getJSON(t, cmt, "/api/v1/evaluation/schemes?unit=pd-cmt", 200, &l)
		if len(l.Schemes) != 1 || l.InForce == "" || l.Schemes[0]["version"] != l.InForce {
			t.Fatalf("schemes: %+v", l)
		}
		s := l.Schemes[0]
		s["unit"], s["version"], s["name"], s["effective_from"] = "pd-cmt", "next", "下年度方案", day(60)
		inds := s["indicators"].([]any)
		inds[0].(map[string]any)["weight"] = 5.0 // on_time_acceptance 10 → 5, success 20 → 25
		for _, x := range inds {
			if x.(map[string]any)["code"] == "success" {
				x.(map[string]any)["weight"] = 25.0
			}
		}
		var pv struct {
			Moves []struct {
				TotalNow  float64 `json:"total_now"`
				TotalThen float64 `json:"total_then"`
			} `json:"moves"`
		}
		r := cmt.json("POST", "/api/v1/evaluation/schemes/preview", map[string]any{"unit": "pd-cmt", "level": "committee", "scheme": s}, nil)
		json_(r.body, &pv)
		if r.StatusCode != 200 || len(pv.Moves) != 1 {
			t.Fatalf("preview: %d %s", r.StatusCode, r.body)
		}
		bad := map[string]any{}
		for k, v := range s {
			bad[k] = v
		}
		bad["effective_from"] = "2026-02-30"
		refused(t, cmt, "POST", "/api/v1/evaluation/schemes", bad, 422, "effective_from")
		bad["effective_from"], bad["indicators"] = day(60), []any{map[string]any{"code": "success", "weight": 50}}
		refused(t, cmt, "POST", "/api/v1/evaluation/schemes", bad, 422, "100")
		refused(t, e.login("justice01"), "POST", "/api/v1/evaluation/schemes", s, 403, "无权")
		// Another district's committee may not change how Pudong is scored.
		refused(t, e.login("xh_committee01"), "POST", "/api/v1/evaluation/schemes", s, 403, "无权")
		old := map[string]any{}
		for k, v := range s {
			old[k] = v
		}
		old["effective_from"] = "2020-01-01"
		refused(t, cmt, "POST", "/api/v1/evaluation/schemes", old, 422, "本月1日")
		if r := cmt.json("POST", "/api/v1/evaluation/schemes", s, nil); r.StatusCode != 201 {
			t.Fatalf("save: %d %s", r.StatusCode, r.body)
		}
		getJSON(t, cmt, "/api/v1/evaluation/schemes?unit=pd-cmt", 200, &l)
		if len(l.Schemes) != 1 || l.InForce == "next" {
			t.Fatalf("after saving a future version the default stays in force today: %+v", l)
		}
		var own struct {
			Own   []map[string]any       `json:"own"`
			Owner *struct{ Code string } `json:"owner"`
		}
		getJSON(t, cmt, "/api/v1/evaluation/schemes?unit=pd-cmt", 200, &own)
		if len(own.Own) != 1 || own.Own[0]["version"] != "next" || own.Owner != nil {
			t.Fatalf("the committee's own versions: %+v", own)
		}
		// Xuhui still lists only the default.
		getJSON(t, e.login("xh_committee01"), "/api/v1/evaluation/schemes?unit=xh-cmt", 200, &own)
		if len(own.Own) != 0 {
			t.Fatalf("another committee's scheme leaked: %+v", own)
		}
	})
}
