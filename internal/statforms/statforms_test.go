package statforms_test

import (
	"errors"
	"io/fs"
	"math/big"
	"strings"
	"testing"

	"github.com/tiaojie/tiaojie/internal/calendar"
	"github.com/tiaojie/tiaojie/internal/domain"
	"github.com/tiaojie/tiaojie/internal/statcodes"
	"github.com/tiaojie/tiaojie/internal/statforms"
	"github.com/tiaojie/tiaojie/internal/statforms/forms"
)

func date(s string) calendar.Date {
	d, err := calendar.ParseDate(s)
	if err != nil {
		panic(err)
	}
	return d
}

func codes() statforms.CodeList {
	t := statcodes.MustLoad()
	return func(table string) [][2]string {
		list := t.List(table)
		if list == nil {
			return nil
		}
		out := [][2]string{}
		for _, c := range list {
			out = append(out, [2]string{c.Code, c.Label})
		}
		return out
	}
}

func TestFormula(t *testing.T) {
	c := map[string]int64{"a": 7, "b": 2, "z": 0}
	for _, tc := range []struct {
		src  string
		want string // exact value as a fraction; "" undefined
	}{
		{"a", "7"},
		{"a + b", "9"},
		{"a - b - 1", "4"},
		{"a - (b - 1)", "6"},
		{"a + b * 3", "13"},
		{"(a + b) * 3", "27"},
		{"a / b", "7/2"},
		{"a / b / 7", "1/2"},
		{"a / z", ""},
		{"a / (b - 2)", ""},
		{"(a / z) + 1", ""},
		{"-a + 10", "3"},
		{"missing + 1", "1"},
		{"  a*b  ", "14"},
		{"100 * a / (a + b)", "700/9"},
	} {
		f, err := statforms.ParseFormula(tc.src, nil)
		if err != nil {
			t.Fatalf("%q: %v", tc.src, err)
		}
		v, ok := f.Eval(c)
		got := ""
		if ok {
			got = v.RatString()
		}
		if got != tc.want {
			t.Errorf("%q = %q, want %q", tc.src, got, tc.want)
		}
	}
	for _, bad := range []string{"", "a +", "(a", "a)", "a b", "a ^ b", "甲", "a + * b", "()", "a $"} {
		if _, err := statforms.ParseFormula(bad, nil); err == nil {
			t.Errorf("%q parsed", bad)
		}
	}
	known := func(s string) bool { return s == "a" }
	if _, err := statforms.ParseFormula("a + b", known); err == nil || !strings.Contains(err.Error(), "“b”不存在") {
		t.Errorf("unknown counter: %v", err)
	}
	f, _ := statforms.ParseFormula("a + b / a + a", nil)
	if got := strings.Join(f.Counters(), ","); got != "a,b" {
		t.Errorf("counters %s", got)
	}
}

func TestRoundAndText(t *testing.T) {
	for _, tc := range []struct {
		num, den int64
		format   string
		want     string
	}{
		{12345, 1, statforms.FormatCount, "12345"},
		{1, 2, statforms.FormatCount, "1"}, // half away from zero
		{-1, 2, statforms.FormatCount, "-1"},
		{1, 3, statforms.FormatPercent, "33.3"},
		{2, 3, statforms.FormatPercent, "66.7"},
		{1, 8, statforms.FormatPercent, "12.5"},
		{1, 1000, statforms.FormatPercent, "0.1"},
		{1, 2000, statforms.FormatPercent, "0.1"}, // 0.05 rounds up
		{1, 2001, statforms.FormatPercent, "0.0"},
		{1, 1, statforms.FormatPercent, "100.0"},
		// fen → 万元: 1 万元 = 1,000,000 fen.
		{1000000, 1, statforms.FormatWan, "1.00"},
		{123456789, 1, statforms.FormatWan, "123.46"},
		{5000, 1, statforms.FormatWan, "0.01"}, // 50 元 = 0.005 万元 rounds up
		{4999, 1, statforms.FormatWan, "0.00"},
		{0, 1, statforms.FormatWan, "0.00"},
		{-5000, 1, statforms.FormatWan, "-0.01"},
		{-4999, 1, statforms.FormatWan, "0.00"}, // no "-0.00"
	} {
		dec := map[string]int{statforms.FormatCount: 0, statforms.FormatPercent: 1, statforms.FormatWan: 2}[tc.format]
		v := statforms.Round(statforms.Scale(big.NewRat(tc.num, tc.den), tc.format), dec)
		if got := statforms.Text(v, dec); got != tc.want {
			t.Errorf("%d/%d %s = %s, want %s", tc.num, tc.den, tc.format, got, tc.want)
		}
	}
	if statforms.Text(nil, 2) != "—" {
		t.Error("nil prints —")
	}
}

func TestChangeRate(t *testing.T) {
	r := func(n, d int64) *big.Rat { return big.NewRat(n, d) }
	for _, tc := range []struct {
		of, base *big.Rat
		format   string
		want     string
	}{
		{r(120, 1), r(100, 1), statforms.FormatCount, "20.0"},
		{r(80, 1), r(100, 1), statforms.FormatCount, "-20.0"},
		{r(1, 1), r(3, 1), statforms.FormatCount, "-66.7"},
		{r(5, 1), r(0, 1), statforms.FormatCount, "—"}, // last year 0
		{r(0, 1), r(0, 1), statforms.FormatCount, "—"},
		{nil, r(3, 1), statforms.FormatCount, "—"},
		{r(3, 1), nil, statforms.FormatCount, "—"},
		{r(955, 10), r(900, 10), statforms.FormatPercent, "—"}, // a rate's change is in 增减数
		{r(1234, 100), r(1000, 100), statforms.FormatWan, "23.4"},
		{r(100, 1), r(100, 1), statforms.FormatCount, "0.0"},
	} {
		if got := statforms.Text(statforms.ChangeRate(tc.of, tc.base, tc.format), 1); got != tc.want {
			t.Errorf("%v vs %v (%s) = %s, want %s", tc.of, tc.base, tc.format, got, tc.want)
		}
	}
}

func TestPeriods(t *testing.T) {
	today := date("2026-12-03")
	type spans struct{ cur, ytd, ly, lyytd string }
	for _, tc := range []struct {
		in, code, label string
		cut             bool
		want            spans
	}{
		{"2026-10", "2026-10", "2026年10月", false, spans{"2026-10-01 至 2026-10-31", "2026-01-01 至 2026-10-31", "2025-10-01 至 2025-10-31", "2025-01-01 至 2025-10-31"}},
		{"2026-Q3", "2026-Q3", "2026年第三季度", false, spans{"2026-07-01 至 2026-09-30", "2026-01-01 至 2026-09-30", "2025-07-01 至 2025-09-30", "2025-01-01 至 2025-09-30"}},
		{"2026-q1", "2026-Q1", "2026年第一季度", false, spans{"2026-01-01 至 2026-03-31", "2026-01-01 至 2026-03-31", "2025-01-01 至 2025-03-31", "2025-01-01 至 2025-03-31"}},
		{"2025", "2025", "2025年", false, spans{"2025-01-01 至 2025-12-31", "2025-01-01 至 2025-12-31", "2024-01-01 至 2024-12-31", "2024-01-01 至 2024-12-31"}},
		// Not over yet: counted to today, last year to the same day.
		{"2026", "2026", "2026年", true, spans{"2026-01-01 至 2026-12-03", "2026-01-01 至 2026-12-03", "2025-01-01 至 2025-12-03", "2025-01-01 至 2025-12-03"}},
		{"2026-12", "2026-12", "2026年12月", true, spans{"2026-12-01 至 2026-12-03", "2026-01-01 至 2026-12-03", "2025-12-01 至 2025-12-03", "2025-01-01 至 2025-12-03"}},
		{"2026-Q4", "2026-Q4", "2026年第四季度", true, spans{"2026-10-01 至 2026-12-03", "2026-01-01 至 2026-12-03", "2025-10-01 至 2025-12-03", "2025-01-01 至 2025-12-03"}},
		// A leap February: last year's February ends on the 28th.
		{"2024-02", "2024-02", "2024年2月", false, spans{"2024-02-01 至 2024-02-29", "2024-01-01 至 2024-02-29", "2023-02-01 至 2023-02-28", "2023-01-01 至 2023-02-28"}},
		{"2025-02", "2025-02", "2025年2月", false, spans{"2025-02-01 至 2025-02-28", "2025-01-01 至 2025-02-28", "2024-02-01 至 2024-02-28", "2024-01-01 至 2024-02-28"}},
		// January: the year to date is the month; last year's crosses nothing.
		{"2026-01", "2026-01", "2026年1月", false, spans{"2026-01-01 至 2026-01-31", "2026-01-01 至 2026-01-31", "2025-01-01 至 2025-01-31", "2025-01-01 至 2025-01-31"}},
	} {
		p, err := statforms.ParsePeriod(tc.in, today)
		if err != nil {
			t.Fatalf("%s: %v", tc.in, err)
		}
		got := spans{p.Span(statforms.SpanCurrent).String(), p.Span(statforms.SpanYTD).String(), p.Span(statforms.SpanLastYear).String(), p.Span(statforms.SpanLastYearYTD).String()}
		if got != tc.want || p.Code != tc.code || p.Label() != tc.label || p.Cut != tc.cut {
			t.Errorf("%s: %+v %s %s cut=%v, want %+v", tc.in, got, p.Code, p.Label(), p.Cut, tc.want)
		}
	}
	for in, want := range map[string]string{
		"":         "请指定统计期间",
		"2027":     "还没有开始",
		"2026-13":  "月份无效",
		"2026-00":  "月份无效",
		"2026-Q5":  "无效",
		"2026-Q0":  "无效",
		"26-10":    "无效",
		"2026-1":   "无效",
		"2026/10":  "无效",
		"1999":     "太早",
		"2027-01":  "还没有开始",
		"2027-Q1":  "还没有开始",
		"2026-10x": "无效",
	} {
		_, err := statforms.ParsePeriod(in, today)
		var fe *domain.FieldError
		if !errors.As(err, &fe) || fe.Field != "period" || !strings.Contains(fe.Message, want) {
			t.Errorf("%q: %v, want “%s”", in, err, want)
		}
	}
	if got := statforms.YearBefore(date("2028-02-29")); got != date("2027-02-28") {
		t.Errorf("year before 2028-02-29: %s", got)
	}
}

func TestParseRefusesBadForms(t *testing.T) {
	base := func(rows, cols string) string {
		return `{"code":"t_form","title":"测试表","source":"rollups","stub":[{"label":"项目","field":"label"}],"rows":` + rows + `,"columns":` + cols + `}`
	}
	for name, tc := range map[string]struct{ src, want string }{
		"json":             {`{"code":`, "无法解析"},
		"unknown key":      {`{"code":"a_b","title":"x","source":"rollups","stub":[{"label":"x","field":"label"}],"rows":[{"label":"x","formula":"accepted"}],"columns":[{"label":"本期"}],"extra":1}`, "无法解析"},
		"code":             {strings.Replace(base(`[{"label":"受理","formula":"accepted"}]`, `[{"label":"本期"}]`), "t_form", "Bad Code", 1), "报表代码"},
		"title":            {strings.Replace(base(`[{"label":"受理","formula":"accepted"}]`, `[{"label":"本期"}]`), "测试表", " ", 1), "报表名称"},
		"source":           {strings.Replace(base(`[{"label":"受理","formula":"accepted"}]`, `[{"label":"本期"}]`), "rollups", "cases", 1), "数据来源"},
		"stub field":       {strings.Replace(base(`[{"label":"受理","formula":"accepted"}]`, `[{"label":"本期"}]`), `"field":"label"`, `"field":"name"`, 1), "field"},
		"no rows":          {base(`[]`, `[{"label":"本期"}]`), "没有行"},
		"no columns":       {base(`[{"label":"受理","formula":"accepted"}]`, `[]`), "没有列"},
		"counter":          {base(`[{"label":"受理","formula":"acepted"}]`, `[{"label":"本期"}]`), "“acepted”不存在"},
		"formula":          {base(`[{"label":"受理","formula":"accepted +"}]`, `[{"label":"本期"}]`), "不完整"},
		"two formulas":     {base(`[{"label":"受理","formula":"accepted"}]`, `[{"label":"本期","formula":"received"}]`), "都有公式"},
		"no formula":       {base(`[{"label":"受理"}]`, `[{"label":"本期"}]`), "都没有公式"},
		"span":             {base(`[{"label":"受理","formula":"accepted"}]`, `[{"label":"本期","span":"last_month"}]`), "期间"},
		"kind":             {base(`[{"label":"受理","formula":"accepted"}]`, `[{"label":"本期","kind":"diff"}]`), "列类型"},
		"change same":      {base(`[{"label":"受理","formula":"accepted"}]`, `[{"label":"增减","kind":"change","of":"ytd","base":"ytd"}]`), "比较的期间"},
		"change rowless":   {base(`[{"label":"受理"}]`, `[{"label":"本期","formula":"accepted"},{"label":"增减","kind":"change"}]`), "没有公式，不能计算"},
		"format":           {base(`[{"label":"受理","formula":"accepted","format":"yuan"}]`, `[{"label":"本期"}]`), "格式"},
		"table":            {base(`[{"each":"no_such_table","formula":"accepted"}]`, `[{"label":"本期"}]`), "代码表"},
		"each label":       {base(`[{"each":"justice_category","label":"x"}]`, `[{"label":"本期","formula":"accepted"}]`), "不能另设"},
		"empty label":      {base(`[{"label":"","formula":"accepted"}]`, `[{"label":"本期"}]`), "行标题不能为空"},
		"dup column":       {base(`[{"label":"受理","formula":"accepted"}]`, `[{"label":"本期"},{"label":"本期"}]`), "重复"},
		"cases":            {base(`[{"label":"受理","formula":"accepted","cases":{"indicator":"success"}}]`, `[{"label":"本期"}]`), "案件清单"},
		"registry history": {`{"code":"org","title":"组织","source":"registry","stub":[{"label":"x","field":"label"}],"rows":[{"label":"x","formula":"units"}],"columns":[{"label":"去年","span":"last_year"}]}`, "名册"},
		"registry counter": {`{"code":"org","title":"组织","source":"registry","stub":[{"label":"x","field":"label"}],"rows":[{"label":"x","formula":"accepted"}],"columns":[{"label":"本期"}]}`, "不存在"},
	} {
		_, err := statforms.Parse([]byte(tc.src), codes(), statforms.KnownCounter)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %v, want “%s”", name, err, tc.want)
		}
	}
}

func load(t *testing.T, code string) *statforms.Form {
	t.Helper()
	b, err := fs.ReadFile(forms.Files, code+".json")
	if err != nil {
		t.Fatal(err)
	}
	f, err := statforms.Parse(b, codes(), statforms.KnownCounter)
	if err != nil {
		t.Fatal(err)
	}
	return f
}

func TestShippedFormsParse(t *testing.T) {
	files, err := fs.Glob(forms.Files, "*.json")
	if err != nil || len(files) < 3 {
		t.Fatalf("form files: %v %v", files, err)
	}
	for _, name := range files {
		f := load(t, strings.TrimSuffix(name, ".json"))
		if f.Code+".json" != name {
			t.Errorf("%s defines %s", name, f.Code)
		}
		if len(f.Notes) == 0 {
			t.Errorf("%s has no 说明", name)
		}
	}
	mc := load(t, "mediation_cases")
	if len(mc.Rows) != 17 || mc.Rows[0].Code != "J01" || mc.Rows[0].Label != "婚姻家庭纠纷" || mc.Rows[15].Code != "J16" || mc.Rows[16].Label != "合计" {
		t.Fatalf("mediation_cases rows: %+v", mc.Rows)
	}
	if !mc.Grouped() || strings.Join(mc.UsesSpans(), ",") != "current" {
		t.Errorf("mediation_cases grouped %v spans %v", mc.Grouped(), mc.UsesSpans())
	}
	p := load(t, "period_12315")
	if p.Grouped() || strings.Join(p.UsesSpans(), ",") != "current,ytd,last_year,last_year_ytd" {
		t.Errorf("period_12315 grouped %v spans %v", p.Grouped(), p.UsesSpans())
	}
}

func TestHeader(t *testing.T) {
	f := load(t, "mediation_cases")
	h := f.Header()
	if len(h) != 2 {
		t.Fatalf("two header rows: %+v", h)
	}
	var top []string
	for _, c := range h[0] {
		top = append(top, c.Label)
		if c.Label == "司法确认" && (c.ColSpan != 2 || c.RowSpan != 1) || c.Label == "受理" && c.RowSpan != 2 || c.Label == "纠纷类别" && c.RowSpan != 2 {
			t.Errorf("header cell %+v", c)
		}
	}
	if strings.Join(top, "|") != "纠纷类别|代码|受理|调解成功|口头协议|书面协议|自动履行|司法确认|涉及金额|当事人数|其中3人以上" {
		t.Errorf("top header %v", top)
	}
	if len(h[1]) != 2 || h[1][0].Label != "申请" || h[1][1].Label != "确认" {
		t.Errorf("second header %+v", h[1])
	}
	u := f.UnitsRow()
	if len(u) != 12 || u[0] != "计量单位" || u[2] != "件" || u[9] != "万元" || u[10] != "人" {
		t.Errorf("units row %q", u)
	}
	p := load(t, "period_12315")
	if len(p.Header()) != 1 || p.UnitsRow() != nil {
		t.Errorf("period header %+v units %v", p.Header(), p.UnitsRow())
	}
	var names []string
	for _, c := range f.Columns {
		names = append(names, c.APIName())
	}
	if !strings.Contains(strings.Join(names, ","), "司法确认申请,司法确认确认") {
		t.Errorf("column names %v", names)
	}
}

func cell(t *testing.T, tb statforms.Table, row, col string) statforms.Cell {
	t.Helper()
	for _, c := range tb.Cells() {
		if c.Row == row && c.Column == col {
			return c
		}
	}
	t.Fatalf("no cell %s/%s", row, col)
	return statforms.Cell{}
}

func TestFillByCategory(t *testing.T) {
	f := load(t, "mediation_cases")
	sums := statforms.Sums{statforms.SpanCurrent: {
		"J04": {"accepted": 10, "out_agreed": 8, "agreed_oral": 3, "agreed_written": 5, "performed": 6, "judicial_applied": 2, "judicial": 1,
			"claim_fen": 1234567, "parties": 23, "parties3": 1},
		"J11": {"accepted": 2, "out_agreed": 1, "agreed_written": 1, "claim_fen": 5000, "parties": 4},
	}}
	tb := statforms.Fill(f, sums)
	want := map[[2]string]string{
		{"合同纠纷", "受理"}: "10", {"合同纠纷", "涉及金额"}: "1.23", {"合同纠纷", "司法确认申请"}: "2", {"合同纠纷", "司法确认确认"}: "1",
		{"旅游纠纷", "涉及金额"}: "0.01", {"婚姻家庭纠纷", "受理"}: "0", {"婚姻家庭纠纷", "涉及金额"}: "0.00",
		{"合计", "受理"}: "12", {"合计", "调解成功"}: "9", {"合计", "口头协议"}: "3", {"合计", "书面协议"}: "6", {"合计", "自动履行"}: "6",
		{"合计", "涉及金额"}: "1.24", {"合计", "当事人数"}: "27", {"合计", "其中3人以上"}: "1",
	}
	for k, w := range want {
		if got := cell(t, tb, k[0], k[1]); got.Text != w {
			t.Errorf("%s/%s = %s, want %s", k[0], k[1], got.Text, w)
		}
	}
	if c := cell(t, tb, "合计", "调解成功"); c.Cases == nil || c.Cases.Indicator != "success" || c.Cases.Part != "numerator" || *c.Value != 9 {
		t.Errorf("合计 调解成功 %+v", c)
	}
	if c := cell(t, tb, "合同纠纷", "调解成功"); c.Cases != nil || c.Code != "J04" {
		t.Errorf("a category cell links no list (the list is not by category): %+v", c)
	}
	if len(tb.Lines) != 17 || len(tb.Cells()) != 17*10 {
		t.Errorf("%d lines, %d cells", len(tb.Lines), len(tb.Cells()))
	}
}

func TestFillPeriod(t *testing.T) {
	f := load(t, "period_12315")
	sums := statforms.Sums{
		statforms.SpanCurrent:     {"*": {"received": 30, "diverted": 12, "accepted": 25, "out_agreed": 19, "out_not_agreed": 1, "recovered_fen": 2345678, "leads": 2}},
		statforms.SpanYTD:         {"*": {"received": 300, "accepted": 250, "out_agreed": 180, "out_not_agreed": 20, "recovered_fen": 98765432, "leads": 9}},
		statforms.SpanLastYear:    {"*": {"received": 24, "accepted": 20, "out_agreed": 9, "out_not_agreed": 1, "recovered_fen": 1000000}},
		statforms.SpanLastYearYTD: {},
	}
	tb := statforms.Fill(f, sums)
	want := map[[2]string]string{
		{"承办数", "本期"}: "30", {"承办数", "累计"}: "300", {"承办数", "去年同期"}: "24", {"承办数", "去年同期累计"}: "0",
		{"承办数", "增减数"}: "6", {"承办数", "增减率"}: "25.0",
		{"其中：12315及市场监管分流", "增减率"}: "—", // last year 0
		{"受理数", "增减数"}:             "5", {"受理数", "增减率"}: "25.0",
		{"调解成功率", "本期"}: "95.0", {"调解成功率", "累计"}: "90.0", {"调解成功率", "去年同期"}: "90.0",
		{"调解成功率", "去年同期累计"}: "—", // no case: no rate
		{"调解成功率", "增减数"}:    "5.0", {"调解成功率", "增减率"}: "—",
		{"挽回经济损失（万元）", "本期"}: "2.35", {"挽回经济损失（万元）", "累计"}: "98.77", {"挽回经济损失（万元）", "去年同期"}: "1.00",
		{"挽回经济损失（万元）", "增减数"}: "1.35", {"挽回经济损失（万元）", "增减率"}: "135.0",
		{"违法线索数", "本期"}: "2", {"违法线索数", "增减数"}: "2", {"违法线索数", "增减率"}: "—",
	}
	for k, w := range want {
		if got := cell(t, tb, k[0], k[1]); got.Text != w {
			t.Errorf("%s/%s = %s, want %s", k[0], k[1], got.Text, w)
		}
	}
	if c := cell(t, tb, "调解成功率", "去年同期累计"); c.Value != nil {
		t.Errorf("no value expected: %+v", c)
	}
	if c := cell(t, tb, "调解成功率", "本期"); c.Cases == nil || c.Cases.Part != "denominator" || c.Span != statforms.SpanCurrent {
		t.Errorf("rate cell %+v", c)
	}
	if c := cell(t, tb, "受理数", "增减数"); c.Cases != nil || c.Span != "" {
		t.Errorf("a change cell has no case list: %+v", c)
	}
	if c := cell(t, tb, "挽回经济损失（万元）", "本期"); c.Value == nil || *c.Value != 2.35 {
		t.Errorf("value %+v", c)
	}
}

func TestFillRegistry(t *testing.T) {
	f := load(t, "organisation")
	g := map[string]map[string]int64{"committee": {"units": 1}, "office_room": {"units": 2}, "enterprise_room": {"units": 1}}
	for _, m := range []struct {
		group string
		m     statforms.Member
	}{
		{"office_room", statforms.Member{Registered: true, Kind: "full_time", Education: "master"}},
		{"office_room", statforms.Member{Registered: true, Kind: "full_time", Education: "bachelor"}},
		{"office_room", statforms.Member{Registered: true, Kind: "part_time", Education: "college"}},
		{"enterprise_room", statforms.Member{Registered: true, Kind: "part_time", Education: "doctor"}},
		{"enterprise_room", statforms.Member{}},
	} {
		statforms.CountMember(g[m.group], m.m)
	}
	tb := statforms.Fill(f, statforms.Sums{statforms.SpanCurrent: g})
	want := map[[2]string]string{
		{"合计", "组织数"}: "4", {"合计", "调解员合计"}: "5", {"合计", "调解员专职"}: "2", {"合计", "调解员兼职"}: "2", {"合计", "调解员未登记名册"}: "1",
		{"合计", "专职调解员学历研究生"}: "1", {"合计", "兼职调解员学历研究生"}: "1", {"联合人民调解工作室", "兼职调解员学历大学专科"}: "1",
		{"人民调解委员会", "调解员合计"}: "0", {"企业人民调解工作室", "调解员合计"}: "2",
	}
	for k, w := range want {
		if got := cell(t, tb, k[0], k[1]); got.Text != w {
			t.Errorf("%s/%s = %s, want %s", k[0], k[1], got.Text, w)
		}
	}
}
