package statforms

import (
	"math/big"
)

// Sums are the summed counters a form is filled from: span → group →
// counter → value. A form's 合计 rows read group "*"; when the caller gives
// none, it is the sum of every group of the span.
type Sums map[string]map[string]map[string]int64

// Cell is one filled cell.
type Cell struct {
	Row    string   // the row's label as printed
	Code   string   // the row's code (a code-table row), "" otherwise
	Column string   // the column's name (APIName)
	Value  *float64 // nil: no value ("—")
	Text   string   // as printed
	Span   string   // the span a value cell counts ("" for 增减 cells)
	Cases  *CaseRef // the evaluation case list behind the cell (合计 rows only)
}

// Line is one filled row.
type Line struct {
	Label, Code, Unit string
	Cells             []Cell
}

// Table is a filled form.
type Table struct {
	Form  *Form
	Lines []Line
}

// Stub returns the row's text for a stub column.
func (l Line) Stub(s Stub) string {
	switch s.Field {
	case "code":
		return l.Code
	case "unit":
		return l.Unit
	}
	return l.Label
}

// Cells lists every cell, row by row.
func (t Table) Cells() []Cell {
	var out []Cell
	for _, l := range t.Lines {
		out = append(out, l.Cells...)
	}
	return out
}

// Fill evaluates every cell of the form from the sums.
func Fill(f *Form, sums Sums) Table {
	total := map[string]map[string]int64{}
	counters := func(span, group string) map[string]int64 {
		g := sums[span]
		if group != TotalGroup {
			return g[group]
		}
		if t, ok := g[TotalGroup]; ok {
			return t
		}
		if t, ok := total[span]; ok {
			return t
		}
		t := map[string]int64{}
		for _, c := range g {
			for k, v := range c {
				t[k] += v
			}
		}
		total[span] = t
		return t
	}
	t := Table{Form: f}
	for _, r := range f.Rows {
		line := Line{Label: r.Label, Code: r.Code, Unit: r.Unit}
		// value computes the row's figure over a span, as printed (rounded).
		value := func(c Column, span string) (*big.Rat, string) {
			fm, format := r.formula, r.Format
			if fm == nil {
				fm, format = c.formula, c.Format
			}
			v, ok := fm.Eval(counters(span, r.Group))
			if !ok {
				return nil, format
			}
			return Round(Scale(v, format), decimals(format)), format
		}
		for _, c := range f.Columns {
			cell := Cell{Row: r.Label, Code: r.Code, Column: c.APIName()}
			switch c.Kind {
			case KindValue:
				v, format := value(c, c.Span)
				cell.Value, cell.Text, cell.Span = toFloat(v), Text(v, decimals(format)), c.Span
				if r.Group == TotalGroup {
					cell.Cases = c.Cases
					if r.Cases != nil {
						cell.Cases = r.Cases
					}
				}
			case KindChange:
				of, format := value(c, c.Of)
				base, _ := value(c, c.Base)
				var d *big.Rat
				if of != nil && base != nil {
					d = new(big.Rat).Sub(of, base)
				}
				cell.Value, cell.Text = toFloat(d), Text(d, decimals(format))
			case KindChangeRate:
				of, format := value(c, c.Of)
				base, _ := value(c, c.Base)
				rate := ChangeRate(of, base, format)
				cell.Value, cell.Text = toFloat(rate), Text(rate, 1)
			}
			line.Cells = append(line.Cells, cell)
		}
		t.Lines = append(t.Lines, line)
	}
	return t
}

// ChangeRate is 增减率 in percent to one decimal: (of − base) ÷ base × 100.
// It is nil ("—") when either value is missing, when base is 0, and for a
// rate row (a percent: its change is read in 增减数, in percentage points).
func ChangeRate(of, base *big.Rat, format string) *big.Rat {
	if of == nil || base == nil || base.Sign() == 0 || format == FormatPercent {
		return nil
	}
	d := new(big.Rat).Sub(of, base)
	d.Quo(d, new(big.Rat).Abs(base))
	d.Mul(d, big.NewRat(100, 1))
	return Round(d, 1)
}

func decimals(format string) int {
	switch format {
	case FormatPercent:
		return 1
	case FormatWan:
		return 2
	}
	return 0
}

// Scale turns a formula's value into the printed unit: a percent × 100, fen
// into 万元 (÷ 1,000,000).
func Scale(v *big.Rat, format string) *big.Rat {
	out := new(big.Rat).Set(v)
	switch format {
	case FormatPercent:
		out.Mul(out, big.NewRat(100, 1))
	case FormatWan:
		out.Quo(out, big.NewRat(1000000, 1))
	}
	return out
}

// Round rounds half away from zero to dec decimals, exactly.
func Round(v *big.Rat, dec int) *big.Rat {
	if v == nil {
		return nil
	}
	pow := new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(dec)), nil)
	x := new(big.Rat).Mul(v, new(big.Rat).SetInt(pow))
	num, den := new(big.Int).Set(x.Num()), x.Denom()
	neg := num.Sign() < 0
	num.Abs(num)
	// floor((2·num + den) / (2·den)) rounds half up on the magnitude.
	q := new(big.Int).Mul(num, big.NewInt(2))
	q.Add(q, den)
	q.Quo(q, new(big.Int).Mul(den, big.NewInt(2)))
	if neg {
		q.Neg(q)
	}
	return new(big.Rat).SetFrac(q, pow)
}

// Text prints a value with dec decimals; nil prints "—".
func Text(v *big.Rat, dec int) string {
	if v == nil {
		return "—"
	}
	s := v.FloatString(dec)
	if s == "-0" || s == "-0.0" || s == "-0.00" {
		s = s[1:]
	}
	return s
}

func toFloat(v *big.Rat) *float64 {
	if v == nil {
		return nil
	}
	f, _ := v.Float64()
	return &f
}

// HeaderCell is one cell of the printed header.
type HeaderCell struct {
	Label            string
	ColSpan, RowSpan int
}

// Header is the printed header: one or two rows (two when some column sits
// under a merged group header). Stub columns and ungrouped columns span
// both rows; adjacent columns of one group share a merged cell.
func (f *Form) Header() [][]HeaderCell {
	levels := 1
	for _, c := range f.Columns {
		if c.Group != "" {
			levels = 2
		}
	}
	top := []HeaderCell{}
	for _, s := range f.Stub {
		top = append(top, HeaderCell{Label: s.Label, ColSpan: 1, RowSpan: levels})
	}
	var second []HeaderCell
	for i := 0; i < len(f.Columns); {
		c := f.Columns[i]
		if c.Group == "" {
			top = append(top, HeaderCell{Label: c.Label, ColSpan: 1, RowSpan: levels})
			i++
			continue
		}
		j := i
		for j < len(f.Columns) && f.Columns[j].Group == c.Group {
			second = append(second, HeaderCell{Label: f.Columns[j].Label, ColSpan: 1, RowSpan: 1})
			j++
		}
		top = append(top, HeaderCell{Label: c.Group, ColSpan: j - i, RowSpan: 1})
		i = j
	}
	if levels == 1 {
		return [][]HeaderCell{top}
	}
	return [][]HeaderCell{top, second}
}

// UnitsRow is the 单位 row under the header (nil when no column has a
// unit): "单位" under the first stub column, then each column's unit.
func (f *Form) UnitsRow() []string {
	any := false
	for _, c := range f.Columns {
		if c.Unit != "" {
			any = true
		}
	}
	if !any {
		return nil
	}
	out := make([]string, len(f.Stub))
	out[0] = "计量单位"
	for _, c := range f.Columns {
		out = append(out, c.Unit)
	}
	return out
}
