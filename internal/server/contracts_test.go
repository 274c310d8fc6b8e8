package server_test

import (
	"bytes"
	"context"
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/tiaojie/tiaojie/internal/api"
	"github.com/tiaojie/tiaojie/internal/calendar"
	"github.com/tiaojie/tiaojie/internal/contracting"
	"github.com/tiaojie/tiaojie/internal/demo"
	"github.com/tiaojie/tiaojie/internal/purchase"
	"github.com/tiaojie/tiaojie/internal/store"
)

func demoContract(t *testing.T, e *env, number string) store.Contract {
	t.Helper()
	cs, err := e.db.ListContracts(context.Background(), store.ContractQuery{})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range cs {
		if c.Number == number {
			return c
		}
	}
	t.Fatalf("demo contract %s missing", number)
	return store.Contract{}
}

func contractCounts(t *testing.T, e *env) (contracts, assessments int) {
	t.Helper()
	ctx := context.Background()
	cs, err := e.db.ListContracts(ctx, store.ContractQuery{})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range cs {
		as, err := e.db.ListAssessments(ctx, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		assessments += len(as)
	}
	return len(cs), assessments
}

// TestContractAssessmentReconcilesWithHeadline: a quarter's achieved
// figures are the evaluation's — the headline's 办结 and 调解成功率, and the
// scores' 回访率 and 按期办结率 for the committee over the same days — and
// the case list behind each figure has as many cases as its denominator.
func TestContractAssessmentReconcilesWithHeadline(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *env) {
		c := demoContract(t, e, demo.DemoServiceContract)
		reg, cmt := e.login("regulator01"), e.login("committee01")
		today := calendar.DateOf(time.Now())
		for _, q := range []purchase.Quarter{purchase.QuarterOf(today), purchase.QuarterOf(today.AddDays(-92))} {
			span, ok := purchase.Clip(q, purchase.Span{From: mustDate(t, c.PeriodFrom), To: mustDate(t, c.PeriodTo)})
			if !ok {
				continue
			}
			r := reg.json("POST", fmt.Sprintf("/api/v1/contracts/%d/assessments", c.ID), map[string]string{"quarter": q.String(), "reason": "核对"}, nil)
			if r.StatusCode != 200 {
				t.Fatalf("assess %s: %d %s", q, r.StatusCode, r.body)
			}
			var a api.AssessmentJSON
			json_(r.body, &a)
			to := a.To
			if a.Partial {
				to = a.AsOf
			}
			if a.From != span.From.String() || a.To != span.To.String() || len(a.Lines) != 4 {
				t.Fatalf("assessment span/lines: %+v", a)
			}
			var h api.HeadlineJSON
			json_(cmt.json("GET", fmt.Sprintf("/api/v1/evaluation/headline?unit=%s&from=%s&to=%s", demo.CodeCommittee, a.From, to), nil, nil).body, &h)
			fig := map[string]api.HeadlineFigureJSON{}
			for _, f := range h.Figures {
				fig[f.Code] = f
			}
			var sc api.ScoresJSON
			json_(cmt.json("GET", fmt.Sprintf("/api/v1/evaluation/scores?unit=%s&level=committee&from=%s&to=%s", demo.CodeCommittee, a.From, to), nil, nil).body, &sc)
			if len(sc.Rows) != 1 {
				t.Fatalf("committee scores: %+v", sc)
			}
			ind := map[string]api.IndicatorJSON{}
			for _, i := range sc.Rows[0].Indicators {
				ind[i.Code] = i
			}
			for _, l := range a.Lines {
				t.Logf("%s %s: achieved %s, deduction %d — %s", q, l.Code, l.AchievedText, l.DeductionFen, l.Explain)
				switch l.Code {
				case purchase.TargetCases:
					if float64(l.Achieved) != fig["closed"].Value {
						t.Errorf("%s closed %d, headline %v", q, l.Achieved, fig["closed"].Value)
					}
				case purchase.TargetSuccess:
					want := fig["success"].Value
					got := 0.0
					if l.Denominator > 0 {
						got = float64(l.Numerator) * 100 / float64(l.Denominator)
					}
					if fmt.Sprintf("%.2f", got) != fmt.Sprintf("%.2f", want) || !strings.Contains(fig["success"].Explain, fmt.Sprintf("%d 件中，达成协议 %d 件", l.Denominator, l.Numerator)) {
						t.Errorf("%s success %d/%d vs headline %v (%s)", q, l.Numerator, l.Denominator, want, fig["success"].Explain)
					}
				case purchase.TargetFollowUp:
					if int(l.Numerator) != ind["follow_up"].Numerator || int(l.Denominator) != ind["follow_up"].Denominator {
						t.Errorf("%s follow-up %d/%d vs scores %+v", q, l.Numerator, l.Denominator, ind["follow_up"])
					}
				case purchase.TargetOnTime:
					if int(l.Numerator) != ind["on_time_closure"].Numerator || int(l.Denominator) != ind["on_time_closure"].Denominator {
						t.Errorf("%s on-time %d/%d vs scores %+v", q, l.Numerator, l.Denominator, ind["on_time_closure"])
					}
				}
				// The case list behind the figure holds the figure's cases.
				var list struct {
					Total int64 `json:"total"`
				}
				lr := cmt.json("GET", l.CasesURL, nil, nil)
				json_(lr.body, &list)
				want := l.Denominator
				if l.Code == purchase.TargetCases {
					want = l.Achieved
				}
				if lr.StatusCode != 200 || list.Total != want {
					t.Errorf("%s %s cases behind: %d total %d, want %d", q, l.Code, lr.StatusCode, list.Total, want)
				}
			}
			// Base, deductions and due add up.
			var sum int64
			for _, l := range a.Lines {
				sum += l.DeductionFen
			}
			if a.RawDeductionsFen != sum || a.DeductionsFen != min(sum, a.BaseFen) || a.DueFen != a.BaseFen-a.DeductionsFen || a.BaseFen != 90000000 {
				t.Errorf("%s totals: base %d raw %d deductions %d due %d", q, a.BaseFen, a.RawDeductionsFen, a.DeductionsFen, a.DueFen)
			}
		}
	})
}

func mustDate(t *testing.T, s string) calendar.Date {
	t.Helper()
	d, err := calendar.ParseDate(s)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// TestContractsLifecycleAndRefusals: recording contracts, the demo's
// confirmed quarter frozen, a recomputation a new revision with its reason,
// confirmation by the buyer only and once; every refusal a Chinese 4xx
// that changes nothing; scopes by role and district; XLSX and PDF read back.
func TestContractsLifecycleAndRefusals(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *env) {
		c := demoContract(t, e, demo.DemoServiceContract)
		ent := demoContract(t, e, demo.DemoEnterpriseContract)
		reg, cmt, xh, med, jus := e.login("regulator01"), e.login("committee01"), e.login("xh_committee01"), e.login("mediator01"), e.login("justice01")
		base := fmt.Sprintf("/api/v1/contracts/%d", c.ID)

		// Who sees what.
		for _, u := range []*client{reg, cmt, jus, e.login("analyst01")} {
			var l api.ContractList
			r := u.json("GET", "/api/v1/contracts", nil, nil)
			json_(r.body, &l)
			if r.StatusCode != 200 || len(l.Contracts) != 2 {
				t.Errorf("district users see the demo contracts: %d %d", r.StatusCode, len(l.Contracts))
			}
		}
		var l api.ContractList
		json_(xh.json("GET", "/api/v1/contracts", nil, nil).body, &l)
		if len(l.Contracts) != 0 {
			t.Errorf("another district sees %d contracts", len(l.Contracts))
		}
		if r := xh.json("GET", base, nil, nil); r.StatusCode != 404 || !strings.Contains(r.body, "合同不存在") {
			t.Errorf("other district reads: %d %s", r.StatusCode, r.body)
		}
		if r := med.json("GET", "/api/v1/contracts", nil, nil); r.StatusCode != 403 {
			t.Errorf("mediator lists contracts: %d", r.StatusCode)
		}
		if r := xh.get(fmt.Sprintf("/subsidies/contracts/%d", c.ID)); r.StatusCode != 404 {
			t.Errorf("other district page: %d", r.StatusCode)
		}

		// The demo's confirmed quarter.
		var cv api.ContractJSON
		json_(reg.json("GET", base, nil, nil).body, &cv)
		var done *api.QuarterJSON
		for i := range cv.Quarters {
			if cv.Quarters[i].Latest != nil && cv.Quarters[i].Latest.Status == contracting.AssessmentConfirmed {
				done = &cv.Quarters[i]
			}
		}
		if done == nil || len(cv.TargetWords) != 4 || !strings.Contains(cv.Title, "示例") {
			t.Fatalf("demo contract: %+v", cv)
		}
		aid := done.Latest.ID
		var first api.AssessmentJSON
		json_(reg.json("GET", fmt.Sprintf("%s/assessments/%d", base, aid), nil, nil).body, &first)

		cBefore, aBefore := contractCounts(t, e)
		refusals := []struct {
			name   string
			cl     *client
			method string
			path   string
			body   any
			status int
			text   string
		}{
			{"amount not an integer of fen", reg, "POST", "/api/v1/contracts", `{"kind":"service","number":"X-1","title":"t","committee":"pd-cmt","buyer":"pd-amr","provider":"pd-provider","from":"2026-01-01","to":"2026-12-31","amount_fen":12.5}`, 400, "整数"},
			{"deduction not an integer of fen", reg, "POST", "/api/v1/contracts", `{"kind":"service","number":"X-1","title":"t","committee":"pd-cmt","buyer":"pd-amr","from":"2026-01-01","to":"2026-12-31","amount_fen":100,"targets":[{"code":"success","value":900,"rule":{"kind":"per_unit","fen":0.5}}]}`, 400, "整数"},
			{"period end before start", reg, "POST", "/api/v1/contracts", map[string]any{"kind": "service", "number": "X-2", "title": "t", "committee": "pd-cmt", "buyer": "pd-amr", "provider": "pd-provider", "from": "2026-06-01", "to": "2026-05-31", "amount_fen": 100, "targets": []map[string]any{{"code": "success", "value": 900, "rule": map[string]any{"kind": "none"}}}}, 422, "早于开始日期"},
			{"bad deduction rule", reg, "POST", "/api/v1/contracts", map[string]any{"kind": "service", "number": "X-3", "title": "t", "committee": "pd-cmt", "buyer": "pd-amr", "provider": "pd-provider", "from": "2026-01-01", "to": "2026-12-31", "amount_fen": 100, "targets": []map[string]any{{"code": "success", "value": 900, "rule": map[string]any{"kind": "per_unit", "fen": 100, "cap_fen": 50}}}}, 422, "上限"},
			{"buyer of another district", reg, "POST", "/api/v1/contracts", map[string]any{"kind": "service", "number": "X-4", "title": "t", "committee": "pd-cmt", "buyer": "xh-amr", "provider": "pd-provider", "from": "2026-01-01", "to": "2026-12-31", "amount_fen": 100, "targets": []map[string]any{{"code": "success", "value": 900, "rule": map[string]any{"kind": "none"}}}}, 422, "不在"},
			{"duplicate number", reg, "POST", "/api/v1/contracts", map[string]any{"kind": "service", "number": demo.DemoServiceContract, "title": "t", "committee": "pd-cmt", "buyer": "pd-amr", "provider": "pd-provider", "from": "2026-01-01", "to": "2026-12-31", "amount_fen": 100, "targets": []map[string]any{{"code": "success", "value": 900, "rule": map[string]any{"kind": "none"}}}}, 409, "已存在"},
			{"other district records one", xh, "POST", "/api/v1/contracts", map[string]any{"kind": "service", "number": "X-5", "title": "t", "committee": "pd-cmt", "buyer": "pd-amr", "provider": "pd-provider", "from": "2026-01-01", "to": "2026-12-31", "amount_fen": 100, "targets": []map[string]any{{"code": "success", "value": 900, "rule": map[string]any{"kind": "none"}}}}, 403, "无权"},
			{"wrong role records one", med, "POST", "/api/v1/contracts", map[string]any{"kind": "enterprise"}, 403, "无权"},
			{"justice reads but does not manage", jus, "POST", base + "/assessments", map[string]string{"quarter": done.Quarter}, 403, "无权"},
			{"quarter outside the contract", reg, "POST", base + "/assessments", map[string]string{"quarter": fmt.Sprintf("%d-Q1", mustDate(t, cv.To).Year+1)}, 422, "不在合同期内"},
			{"bad quarter", reg, "POST", base + "/assessments", map[string]string{"quarter": "2026-Q5"}, 422, "季度"},
			{"changing a confirmed assessment", reg, "POST", base + "/assessments", map[string]string{"quarter": done.Quarter}, 409, "已确认"},
			{"confirming twice", reg, "POST", fmt.Sprintf("%s/assessments/%d/confirm", base, aid), nil, 409, "不能重复确认"},
			{"other district confirms", xh, "POST", fmt.Sprintf("%s/assessments/%d/confirm", base, aid), nil, 404, "合同不存在"},
			{"other district assesses", xh, "POST", base + "/assessments", map[string]string{"quarter": done.Quarter, "reason": "x"}, 404, "合同不存在"},
			{"enterprise contract has no quarters", reg, "POST", fmt.Sprintf("/api/v1/contracts/%d/assessments", ent.ID), map[string]string{"quarter": done.Quarter}, 422, "按月对账"},
			{"statement of a service contract", reg, "GET", base + "/statements/" + cv.From[:7], nil, 422, "按季度考核"},
			{"statement month malformed", reg, "GET", fmt.Sprintf("/api/v1/contracts/%d/statements/2026-13", ent.ID), nil, 422, "月份"},
			{"statement outside the contract", reg, "GET", fmt.Sprintf("/api/v1/contracts/%d/statements/2001-01", ent.ID), nil, 422, "不在合同期内"},
			{"back to draft", reg, "POST", base + "/status", map[string]string{"status": "draft"}, 422, "状态"},
		}
		for _, x := range refusals {
			r := x.cl.json(x.method, x.path, x.body, nil)
			if r.StatusCode != x.status || !strings.Contains(r.body, x.text) {
				t.Errorf("%s: %d %s", x.name, r.StatusCode, r.body)
			}
		}
		if cn, an := contractCounts(t, e); cn != cBefore || an != aBefore {
			t.Fatalf("refusals changed something: contracts %d→%d, assessments %d→%d", cBefore, cn, aBefore, an)
		}
		var still api.AssessmentJSON
		json_(reg.json("GET", fmt.Sprintf("%s/assessments/%d", base, aid), nil, nil).body, &still)
		if still.Status != contracting.AssessmentConfirmed || still.DueFen != first.DueFen || still.ComputedAt != first.ComputedAt || still.ConfirmedBy == "" {
			t.Fatalf("confirmed assessment changed: %+v", still)
		}

		// A recomputation with a reason is the next revision; the committee
		// computes but does not confirm; the regulator confirms it once.
		r := cmt.json("POST", base+"/assessments", map[string]string{"quarter": done.Quarter, "reason": "补录两件漏登案件后重新计算"}, nil)
		var rev2 api.AssessmentJSON
		json_(r.body, &rev2)
		if r.StatusCode != 200 || rev2.Revision != 2 || rev2.Status != contracting.AssessmentDraft || rev2.Reason == "" || !rev2.Latest || rev2.ID == aid {
			t.Fatalf("recompute with a reason: %d %s", r.StatusCode, r.body)
		}
		if r := cmt.json("POST", fmt.Sprintf("%s/assessments/%d/confirm", base, rev2.ID), nil, nil); r.StatusCode != 403 || !strings.Contains(r.body, "购买方") {
			t.Errorf("committee confirms: %d %s", r.StatusCode, r.body)
		}
		if r := reg.json("POST", fmt.Sprintf("%s/assessments/%d/confirm", base, aid), nil, nil); r.StatusCode != 409 {
			t.Errorf("confirm the superseded revision: %d %s", r.StatusCode, r.body)
		}
		if r := reg.json("POST", fmt.Sprintf("%s/assessments/%d/confirm", base, rev2.ID), nil, nil); r.StatusCode != 200 || !strings.Contains(r.body, `"status":"confirmed"`) {
			t.Fatalf("regulator confirms: %d %s", r.StatusCode, r.body)
		}
		if r := reg.json("POST", fmt.Sprintf("%s/assessments/%d/confirm", base, rev2.ID), nil, nil); r.StatusCode != 409 {
			t.Errorf("confirm twice: %d", r.StatusCode)
		}
		// A partial (current) quarter cannot be confirmed.
		cur := purchase.QuarterOf(calendar.DateOf(time.Now()))
		if r := reg.json("POST", base+"/assessments", map[string]string{"quarter": cur.String()}, nil); r.StatusCode == 200 {
			var p api.AssessmentJSON
			json_(r.body, &p)
			if p.Partial {
				if r := reg.json("POST", fmt.Sprintf("%s/assessments/%d/confirm", base, p.ID), nil, nil); r.StatusCode != 409 || !strings.Contains(r.body, "尚未结束") {
					t.Errorf("confirm a partial quarter: %d %s", r.StatusCode, r.body)
				}
			}
		}

		// XLSX read back: the lines and the totals match the API.
		x := jus.json("GET", fmt.Sprintf("%s/assessments/%d/export.xlsx", base, rev2.ID), nil, nil)
		if x.StatusCode != 200 {
			t.Fatalf("xlsx: %d %s", x.StatusCode, x.body)
		}
		f, err := excelize.OpenReader(bytes.NewReader([]byte(x.body)))
		if err != nil {
			t.Fatal(err)
		}
		rows, _ := f.GetRows(contracting.AssessmentSheet)
		f.Close()
		if len(rows) < contracting.AssessmentHeaderRow+len(rev2.Lines)+3 {
			t.Fatalf("xlsx rows: %d", len(rows))
		}
		for i, l := range rev2.Lines {
			row := rows[contracting.AssessmentHeaderRow+i]
			if row[0] != l.Name || row[6] != purchase.YuanNumber(l.DeductionFen) || row[7] != l.Explain {
				t.Errorf("xlsx line %d: %v vs %+v", i, row, l)
			}
		}
		due := rows[contracting.AssessmentHeaderRow+len(rev2.Lines)+2]
		if due[0] != "应付金额（元）" || due[6] != purchase.YuanNumber(rev2.DueFen) {
			t.Errorf("xlsx due: %v want %s", due, purchase.YuanNumber(rev2.DueFen))
		}

		// The enterprise statement: lines × price, XLSX alike.
		lastMonth := calendar.DateOf(time.Now())
		lastMonth = calendar.Date{Year: lastMonth.Year, Month: lastMonth.Month, Day: 1}.AddDays(-1)
		month := fmt.Sprintf("%04d-%02d", lastMonth.Year, int(lastMonth.Month))
		sr := reg.json("GET", fmt.Sprintf("/api/v1/contracts/%d/statements/%s", ent.ID, month), nil, nil)
		var st api.StatementJSON
		json_(sr.body, &st)
		if sr.StatusCode != 200 || st.TotalFen != st.Count*st.PriceFen || int64(len(st.Lines)) != st.Count || st.PriceFen != 15000 || !strings.Contains(st.Rule, "计费案件") {
			t.Fatalf("statement: %d %s", sr.StatusCode, sr.body)
		}
		sx := reg.json("GET", fmt.Sprintf("/api/v1/contracts/%d/statements/%s/export.xlsx", ent.ID, month), nil, nil)
		sf, err := excelize.OpenReader(bytes.NewReader([]byte(sx.body)))
		if err != nil {
			t.Fatal(err)
		}
		srows, _ := sf.GetRows(contracting.StatementSheet)
		xrows, _ := sf.GetRows(contracting.ExcludedSheet)
		sf.Close()
		total := srows[contracting.StatementHeaderRow+len(st.Lines)]
		if total[0] != "合计" || total[4] != purchase.YuanNumber(st.TotalFen) || len(xrows) != len(st.Excluded)+1 {
			t.Errorf("statement xlsx: %v, excluded rows %d vs %d", total, len(xrows), len(st.Excluded))
		}
		for i, ln := range st.Lines {
			if srows[contracting.StatementHeaderRow+i][1] != ln.Number {
				t.Errorf("statement xlsx line %d: %v", i, srows[contracting.StatementHeaderRow+i])
			}
		}

		// Pages: the list, the contract, the assessment with its PDF, the statement.
		if r := reg.get("/subsidies/contracts"); r.StatusCode != 200 || !strings.Contains(r.body, cv.Title) || !strings.Contains(r.body, "示例") {
			t.Errorf("list page: %d", r.StatusCode)
		}
		if r := reg.get("/subsidies/enterprise"); r.StatusCode != 200 || !strings.Contains(r.body, ent.Title) || strings.Contains(r.body, cv.Title) {
			t.Errorf("enterprise page: %d", r.StatusCode)
		}
		if r := reg.get(fmt.Sprintf("/subsidies/contracts/%d", c.ID)); r.StatusCode != 200 || !strings.Contains(r.body, "第 2 版") {
			t.Errorf("contract page: %d", r.StatusCode)
		}
		ap := reg.get(fmt.Sprintf("/subsidies/contracts/%d/assessments/%s", c.ID, done.Quarter))
		if ap.StatusCode != 200 || !strings.Contains(ap.body, "应付金额") || !strings.Contains(ap.body, "修订记录") || !strings.Contains(ap.body, rev2.Reason) {
			t.Errorf("assessment page: %d", ap.StatusCode)
		}
		// The committee (eval.read) gets links to the cases behind each figure; the regulator does not.
		if cp := cmt.get(fmt.Sprintf("/subsidies/contracts/%d/assessments/%s", c.ID, done.Quarter)); !strings.Contains(cp.body, "/evaluation/cases?") || strings.Contains(ap.body, "/evaluation/cases?") {
			t.Errorf("case links: committee %v regulator %v", strings.Contains(cp.body, "/evaluation/cases?"), strings.Contains(ap.body, "/evaluation/cases?"))
		}
		if r := reg.get(fmt.Sprintf("/subsidies/contracts/%d/assessments/%s/export.xlsx?rev=1", c.ID, done.Quarter)); r.StatusCode != 200 || !strings.HasPrefix(r.Header.Get("Content-Type"), "application/vnd.openxml") {
			t.Errorf("page xlsx: %d", r.StatusCode)
		}
		pdf := reg.get(fmt.Sprintf("/subsidies/contracts/%d/assessments/%s/pdf", c.ID, done.Quarter))
		if pdf.StatusCode != 200 || !bytes.HasPrefix([]byte(pdf.body), []byte("%PDF")) {
			t.Fatalf("pdf: %d", pdf.StatusCode)
		}
		text := pdfText(t, []byte(pdf.body))
		if !strings.Contains(text, "季度考核表") || !strings.Contains(text, strings.ReplaceAll(purchase.Yuan(rev2.DueFen), " ", "")) {
			t.Errorf("pdf text: %s", text)
		}
		if r := reg.get(fmt.Sprintf("/subsidies/contracts/%d/statements/%s", ent.ID, month)); r.StatusCode != 200 || !strings.Contains(r.body, "计费案件") {
			t.Errorf("statement page: %d", r.StatusCode)
		}
		if r := reg.get(fmt.Sprintf("/subsidies/contracts/%d/statements/%s/pdf", ent.ID, month)); r.StatusCode != 200 || !bytes.HasPrefix([]byte(r.body), []byte("%PDF")) {
			t.Errorf("statement pdf: %d", r.StatusCode)
		}

		// Recording a contract on the form (amounts in yuan), then one by the API.
		form := url.Values{"kind": {"service"}, "number": {"PD-FORM-1"}, "title": {"表单合同"}, "committee": {"pd-cmt"}, "buyer": {"pd-amr"},
			"provider": {"pd-provider"}, "from": {cv.From}, "to": {cv.To}, "amount": {"1,200,000.50"}, "status": {"active"},
			"t_success": {"90"}, "k_success": {"per_unit"}, "f_success": {"500"}, "c_success": {""}}
		if r := reg.form("POST", "/subsidies/contracts", form); r.StatusCode != 303 {
			t.Fatalf("form contract: %d %s", r.StatusCode, r.body)
		}
		bad := url.Values{"kind": {"service"}, "number": {"PD-FORM-2"}, "title": {"x"}, "committee": {"pd-cmt"}, "buyer": {"pd-amr"},
			"from": {cv.From}, "to": {cv.To}, "amount": {"12.345"}, "t_success": {"90"}, "k_success": {"per_unit"}, "f_success": {"5"}}
		if r := reg.form("POST", "/subsidies/contracts", bad); r.StatusCode != 422 || !strings.Contains(r.body, "最多两位小数") {
			t.Errorf("form with fractions of a fen: %d", r.StatusCode)
		}
		var made api.ContractList
		json_(reg.json("GET", "/api/v1/contracts?kind=service", nil, nil).body, &made)
		found := false
		for _, m := range made.Contracts {
			if m.Number == "PD-FORM-1" {
				found = m.AmountFen == 120000050 && len(m.Targets) == 1 && m.Targets[0].Value == 900 && m.Targets[0].Rule.Fen == 50000
			}
		}
		if !found {
			t.Errorf("form contract not stored as typed: %+v", made)
		}
		r = cmt.json("POST", "/api/v1/contracts", map[string]any{"kind": "enterprise", "number": "PD-ENT-2", "title": "企业协议", "room": demo.EnterpriseRoomCode(2),
			"buyer_name": "某电商平台", "from": cv.From, "to": cv.To, "price_fen": 20000}, nil)
		if r.StatusCode != 201 || !strings.Contains(r.body, `"status":"draft"`) {
			t.Fatalf("enterprise contract by API: %d %s", r.StatusCode, r.body)
		}
		var entNew api.ContractJSON
		json_(r.body, &entNew)
		if r := cmt.json("POST", fmt.Sprintf("/api/v1/contracts/%d/status", entNew.ID), map[string]string{"status": "active"}, nil); r.StatusCode != 200 {
			t.Errorf("activate: %d %s", r.StatusCode, r.body)
		}
		if r := cmt.json("POST", fmt.Sprintf("/api/v1/contracts/%d/status", entNew.ID), map[string]string{"status": "active"}, nil); r.StatusCode != 409 {
			t.Errorf("activate twice: %d %s", r.StatusCode, r.body)
		}
	})
}
