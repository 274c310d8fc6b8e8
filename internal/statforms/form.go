// Package statforms holds the official statistics forms (统计报表) as data
// and the rules that fill them: a form file (JSON) names the form's rows,
// columns and each cell's formula over additive counters; this package
// parses and checks the file, reads report periods (month, quarter, year)
// and evaluates the grid from summed counters — 本期, 累计, 去年同期,
// 去年同期累计, 增减数 and 增减率 — with the printing rules (percent to one
// decimal, 万元 to two, "—" where a ratio has no denominator). Pure: the
// caller reads the rollups and the registry and hands the sums in.
package statforms

import (
	"bytes"
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
)

// Sources of a form's counters.
const (
	SourceRollups  = "rollups"  // the evaluation rollups (evaluation.Counters)
	SourceRegistry = "registry" // org units and the mediator registry (RegistryCounters)
)

// Cell formats.
const (
	FormatCount   = "count"   // an integer
	FormatPercent = "percent" // × 100, one decimal
	FormatWan     = "wan"     // fen to 万元, two decimals
)

// Column kinds.
const (
	KindValue      = "value"       // the formula over a span (the default)
	KindChange     = "change"      // 增减数: Of − Base
	KindChangeRate = "change_rate" // 增减率: (Of − Base) ÷ Base × 100, one decimal
)

// TotalGroup is the group of a 合计 row: every group summed.
const TotalGroup = "*"

// CaseRef names the evaluation figure whose case list is behind a cell.
type CaseRef struct {
	Indicator string `json:"indicator"`
	Part      string `json:"part"`
}

// Stub is one of the row-header columns on the left.
type Stub struct {
	Label string `json:"label"`
	Field string `json:"field"` // label | code | unit
}

// Row is a printed row. Each expands into one row per code of a code table.
type Row struct {
	Label   string   `json:"label"`
	Code    string   `json:"code,omitempty"`
	Unit    string   `json:"unit,omitempty"`
	Group   string   `json:"group,omitempty"` // which group's sums ("*" = all); "" = "*"
	Formula string   `json:"formula,omitempty"`
	Format  string   `json:"format,omitempty"`
	Each    string   `json:"each,omitempty"`
	Cases   *CaseRef `json:"cases,omitempty"`
	formula *Formula
}

// Column is a printed column.
type Column struct {
	Label   string   `json:"label"`
	Group   string   `json:"group,omitempty"` // upper header, merged over adjacent columns
	Name    string   `json:"name,omitempty"`  // the name in the API; default Group + Label
	Unit    string   `json:"unit,omitempty"`
	Formula string   `json:"formula,omitempty"`
	Format  string   `json:"format,omitempty"`
	Span    string   `json:"span,omitempty"` // default current
	Kind    string   `json:"kind,omitempty"` // value | change | change_rate
	Of      string   `json:"of,omitempty"`   // change: the span compared (default current)
	Base    string   `json:"base,omitempty"` // change: the span compared with (default last_year)
	Cases   *CaseRef `json:"cases,omitempty"`
	formula *Formula
}

// APIName is the column's name in the API and the XLSX reader: the label
// as printed, prefixed with its merged header.
func (c Column) APIName() string {
	if c.Name != "" {
		return c.Name
	}
	return c.Group + c.Label
}

// Form is one statistics form.
type Form struct {
	Code    string   `json:"code"`
	Title   string   `json:"title"`
	Number  string   `json:"number,omitempty"` // 表号
	Source  string   `json:"source"`
	Units   string   `json:"units,omitempty"` // the 单位 line, e.g. 单位：件、人、万元
	Stub    []Stub   `json:"stub"`
	Rows    []Row    `json:"rows"`
	Columns []Column `json:"columns"`
	Notes   []string `json:"notes,omitempty"` // 说明
}

// CodeList answers a code table's entries (code, label) in order; nil
// entries mean the table is unknown.
type CodeList func(table string) [][2]string

// Known says whether a counter exists in a source.
type Known func(source, counter string) bool

var reCode = regexp.MustCompile(`^[a-z][a-z0-9_]{1,40}$`)

// Parse reads one form file and checks it whole: every problem is reported.
func Parse(data []byte, codes CodeList, known Known) (*Form, error) {
	var f Form
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&f); err != nil {
		return nil, fmt.Errorf("报表定义无法解析：%v", err)
	}
	var errs []string
	bad := func(format string, a ...any) { errs = append(errs, fmt.Sprintf(format, a...)) }
	if !reCode.MatchString(f.Code) {
		bad("报表代码“%s”无效（小写字母、数字和下划线）", f.Code)
	}
	if strings.TrimSpace(f.Title) == "" {
		bad("报表名称不能为空")
	}
	if f.Source != SourceRollups && f.Source != SourceRegistry {
		bad("数据来源“%s”无效（rollups 或 registry）", f.Source)
	}
	if len(f.Stub) == 0 {
		bad("缺少行标题列（stub）")
	}
	for _, s := range f.Stub {
		if s.Field != "label" && s.Field != "code" && s.Field != "unit" {
			bad("行标题列“%s”的 field“%s”无效（label、code 或 unit）", s.Label, s.Field)
		}
	}
	isKnown := func(c string) bool { return known == nil || known(f.Source, c) }
	parse := func(where, src string) *Formula {
		if src == "" {
			return nil
		}
		fm, err := ParseFormula(src, isKnown)
		if err != nil {
			bad("%s：%v", where, err)
			return nil
		}
		return fm
	}
	checkFormat := func(where, format string) {
		switch format {
		case "", FormatCount, FormatPercent, FormatWan:
		default:
			bad("%s：格式“%s”无效（count、percent 或 wan）", where, format)
		}
	}
	checkCases := func(where string, c *CaseRef) {
		if c != nil && (c.Indicator == "" || c.Part == "") {
			bad("%s：案件清单须有 indicator 和 part", where)
		}
	}
	// Expand the rows.
	var rows []Row
	for i, r := range f.Rows {
		where := fmt.Sprintf("第 %d 行", i+1)
		if r.Each != "" {
			list := codes(r.Each)
			if codes == nil || list == nil {
				bad("%s：代码表“%s”不存在", where, r.Each)
				continue
			}
			if r.Label != "" || r.Group != "" || r.Code != "" {
				bad("%s：按代码表展开的行不能另设 label、code 或 group", where)
			}
			for _, c := range list {
				x := r
				x.Each, x.Label, x.Code, x.Group = "", c[1], c[0], c[0]
				rows = append(rows, x)
			}
			continue
		}
		if strings.TrimSpace(r.Label) == "" {
			bad("%s：行标题不能为空", where)
		}
		if r.Group == "" {
			r.Group = TotalGroup
		}
		rows = append(rows, r)
	}
	for i := range rows {
		r := &rows[i]
		where := fmt.Sprintf("行“%s”", r.Label)
		r.formula = parse(where, r.Formula)
		checkFormat(where, r.Format)
		checkCases(where, r.Cases)
	}
	if len(rows) == 0 {
		bad("报表没有行")
	}
	if len(f.Columns) == 0 {
		bad("报表没有列")
	}
	seenCol := map[string]bool{}
	for i := range f.Columns {
		c := &f.Columns[i]
		where := fmt.Sprintf("列“%s”", c.APIName())
		if strings.TrimSpace(c.Label) == "" {
			bad("第 %d 列：列标题不能为空", i+1)
		}
		if seenCol[c.APIName()] {
			bad("%s重复", where)
		}
		seenCol[c.APIName()] = true
		if c.Kind == "" {
			c.Kind = KindValue
		}
		validSpan := func(s string) bool {
			for _, x := range Spans {
				if x == s {
					return true
				}
			}
			return false
		}
		switch c.Kind {
		case KindValue:
			if c.Span == "" {
				c.Span = SpanCurrent
			}
			if !validSpan(c.Span) {
				bad("%s：期间“%s”无效（current、ytd、last_year、last_year_ytd）", where, c.Span)
			}
		case KindChange, KindChangeRate:
			if c.Of == "" {
				c.Of = SpanCurrent
			}
			if c.Base == "" {
				c.Base = SpanLastYear
			}
			if !validSpan(c.Of) || !validSpan(c.Base) || c.Of == c.Base {
				bad("%s：比较的期间“%s”与“%s”无效", where, c.Of, c.Base)
			}
			if c.Formula != "" {
				bad("%s：增减列不能另设公式", where)
			}
		default:
			bad("%s：列类型“%s”无效（value、change 或 change_rate）", where, c.Kind)
		}
		c.formula = parse(where, c.Formula)
		checkFormat(where, c.Format)
		checkCases(where, c.Cases)
		if f.Source == SourceRegistry && (c.Kind != KindValue || c.Span != SpanCurrent) {
			bad("%s：名册类报表只有本期数（名册没有历史）", where)
		}
	}
	// Each cell needs exactly one formula: the row's or the column's.
	for _, r := range rows {
		for _, c := range f.Columns {
			if c.Kind != KindValue {
				if r.formula == nil {
					bad("行“%s”没有公式，不能计算“%s”", r.Label, c.APIName())
				}
				continue
			}
			switch {
			case r.formula != nil && c.formula != nil:
				bad("行“%s”与列“%s”都有公式，单元格只能有一个", r.Label, c.APIName())
			case r.formula == nil && c.formula == nil:
				bad("行“%s”与列“%s”都没有公式", r.Label, c.APIName())
			}
		}
	}
	if len(errs) > 0 {
		return nil, fmt.Errorf("报表“%s”定义有误：%s", f.Code, strings.Join(errs, "；"))
	}
	f.Rows = rows
	return &f, nil
}

// UsesSpans lists the spans the form's cells read, in Spans order.
func (f *Form) UsesSpans() []string {
	used := map[string]bool{}
	for _, c := range f.Columns {
		switch c.Kind {
		case KindValue:
			used[c.Span] = true
		default:
			used[c.Of], used[c.Base] = true, true
		}
	}
	var out []string
	for _, s := range Spans {
		if used[s] {
			out = append(out, s)
		}
	}
	return out
}

// Grouped reports whether some row reads one group rather than the total.
func (f *Form) Grouped() bool {
	for _, r := range f.Rows {
		if r.Group != TotalGroup {
			return true
		}
	}
	return false
}

// Counters lists every counter the form reads.
func (f *Form) Counters() []string {
	seen := map[string]bool{}
	var out []string
	add := func(fm *Formula) {
		if fm == nil {
			return
		}
		for _, c := range fm.Counters() {
			if !seen[c] {
				seen[c] = true
				out = append(out, c)
			}
		}
	}
	for _, r := range f.Rows {
		add(r.formula)
	}
	for _, c := range f.Columns {
		add(c.formula)
	}
	return out
}
