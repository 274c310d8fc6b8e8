// Package statcodes holds the code tables the statistics speak in, as data
// (codes.csv): the justice system's dispute categories (人民调解纠纷类别),
// 12315's nature of complaint (投诉性质), the prevention effects (预防效果),
// the kinds of an agreement's terms, and the map from the intake category to
// the first two. Every row names its code system, so official codes (SF/T
// 0018, the 司法部 统计报表制度) can be loaded beside ours later. No I/O
// beyond the embedded file.
package statcodes

import (
	_ "embed"
	"encoding/csv"
	"fmt"
	"strings"
)

//go:embed codes.csv
var codesCSV string

// Code is one entry of a table.
type Code struct {
	Table, Code, Label string
	// Justice and Nature map an intake category (table category_map).
	Justice, Nature string
	System          string
}

// Tables are the code tables, read once.
type Tables struct {
	rows    []Code
	byTable map[string][]Code
}

// Table names.
const (
	JusticeCategory = "justice_category"
	Nature12315     = "nature_12315"
	Prevention      = "prevention"
	TermKind        = "term_kind"
	CategoryMap     = "category_map"
	// 12315 result feedback (internal/feedback): the closing form's 调解结果
	// and 调解方式, the 暂行办法 Art 21 termination grounds, and two maps
	// whose label column holds the target code: art21_map (a termination
	// reason code, or an outcome that ends without termination → Art 21
	// ground) and result_map (an outcome, or "reason:<termination reason>",
	// which wins → 调解结果).
	Result12315 = "result_12315"
	Method12315 = "method_12315"
	Art21Reason = "art21_reason"
	Art21Map    = "art21_map"
	ResultMap   = "result_map"
)

// Load parses the embedded tables (an error means the file in the repo is broken).
func Load() (*Tables, error) { return Parse(codesCSV) }

// MustLoad is Load for package initialisation of immutable tables.
func MustLoad() *Tables {
	t, err := Load()
	if err != nil {
		panic(err)
	}
	return t
}

// Parse reads tables in codes.csv's layout.
func Parse(text string) (*Tables, error) {
	r := csv.NewReader(strings.NewReader(text))
	recs, err := r.ReadAll()
	if err != nil {
		return nil, fmt.Errorf("code tables: %w", err)
	}
	if len(recs) == 0 || strings.Join(recs[0], ",") != "table,code,label,justice,nature,system" {
		return nil, fmt.Errorf("code tables: unexpected header")
	}
	t := &Tables{byTable: map[string][]Code{}}
	seen := map[string]bool{}
	for i, rec := range recs[1:] {
		c := Code{Table: rec[0], Code: rec[1], Label: rec[2], Justice: rec[3], Nature: rec[4], System: rec[5]}
		key := c.Table + "/" + c.Code
		if c.Table == "" || c.Code == "" || c.Label == "" || seen[key] {
			return nil, fmt.Errorf("code tables: line %d: empty or repeated %s", i+2, key)
		}
		seen[key] = true
		t.rows = append(t.rows, c)
		t.byTable[c.Table] = append(t.byTable[c.Table], c)
	}
	for _, c := range t.byTable[CategoryMap] {
		if t.Label(JusticeCategory, c.Justice) == "" || t.Label(Nature12315, c.Nature) == "" {
			return nil, fmt.Errorf("code tables: %s maps to an unknown code", c.Code)
		}
	}
	for m, target := range map[string]string{Art21Map: Art21Reason, ResultMap: Result12315} {
		for _, c := range t.byTable[m] {
			if !t.Has(target, c.Label) {
				return nil, fmt.Errorf("code tables: %s %s maps to an unknown %s code %q", m, c.Code, target, c.Label)
			}
		}
	}
	return t, nil
}

// List is a table's entries in file order.
func (t *Tables) List(table string) []Code { return t.byTable[table] }

// Label is a code's label ("" when unknown).
func (t *Tables) Label(table, code string) string {
	for _, c := range t.byTable[table] {
		if c.Code == code {
			return c.Label
		}
	}
	return ""
}

// Has reports whether a table has the code.
func (t *Tables) Has(table, code string) bool { return t.Label(table, code) != "" }

// JusticeOf maps an intake category to the justice system's dispute category
// (其他纠纷 when the category is unknown).
func (t *Tables) JusticeOf(category string) string {
	for _, c := range t.byTable[CategoryMap] {
		if c.Code == category {
			return c.Justice
		}
	}
	return "J16"
}

// NatureOf maps an intake category to 12315's nature of complaint (其他 when unknown).
func (t *Tables) NatureOf(category string) string {
	for _, c := range t.byTable[CategoryMap] {
		if c.Code == category {
			return c.Nature
		}
	}
	return "N12"
}

// MapTo is the target code of a map table's entry (its label column), ""
// when the entry is absent.
func (t *Tables) MapTo(table, code string) string { return t.Label(table, code) }
