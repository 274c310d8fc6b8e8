package statistics

import (
	"fmt"

	"github.com/xuri/excelize/v2"
)

// SheetName is the workbook's one sheet.
const SheetName = "报表"

// Workbook lays the report out as printed: the title, 表号 and period,
// 填报单位 and the units line, the header rows (merged as on screen), the
// units row, the grid, then 负责人, 填报人 and 填报日期, and the 说明. The
// numbers are the screen's: numbers where there is a value, "—" where
// there is none, rounded as printed.
func Workbook(r Report) (*excelize.File, error) {
	f := excelize.NewFile()
	sh := SheetName
	if err := f.SetSheetName("Sheet1", sh); err != nil {
		return nil, err
	}
	form := r.Form
	nStub := len(form.Stub)
	nCols := nStub + len(form.Columns)
	col := func(i int) string { n, _ := excelize.ColumnNumberToName(i + 1); return n }
	ref := func(c, row int) string { return fmt.Sprintf("%s%d", col(c), row) }
	var err error
	set := func(c, row int, v any) {
		if err == nil {
			err = f.SetCellValue(sh, ref(c, row), v)
		}
	}
	merge := func(c1, r1, c2, r2 int) {
		if err == nil && (c1 != c2 || r1 != r2) {
			err = f.MergeCell(sh, ref(c1, r1), ref(c2, r2))
		}
	}
	style := func(s *excelize.Style) int {
		id, e := f.NewStyle(s)
		if e != nil && err == nil {
			err = e
		}
		return id
	}
	border := []excelize.Border{{Type: "left", Color: "000000", Style: 1}, {Type: "right", Color: "000000", Style: 1},
		{Type: "top", Color: "000000", Style: 1}, {Type: "bottom", Color: "000000", Style: 1}}
	center := &excelize.Alignment{Horizontal: "center", Vertical: "center", WrapText: true}
	titleStyle := style(&excelize.Style{Font: &excelize.Font{Bold: true, Size: 16}, Alignment: center})
	headStyle := style(&excelize.Style{Font: &excelize.Font{Bold: true}, Alignment: center, Border: border})
	stubStyle := style(&excelize.Style{Border: border, Alignment: &excelize.Alignment{Vertical: "center", WrapText: true}})
	numStyles := map[int]int{}
	for dec, format := range map[int]string{0: "0", 1: "0.0", 2: "0.00"} {
		numStyles[dec] = style(&excelize.Style{Border: border, CustomNumFmt: &format, Alignment: &excelize.Alignment{Horizontal: "right"}})
	}
	dashStyle := style(&excelize.Style{Border: border, Alignment: &excelize.Alignment{Horizontal: "center"}})
	right := style(&excelize.Style{Alignment: &excelize.Alignment{Horizontal: "right"}})
	wrap := style(&excelize.Style{Alignment: &excelize.Alignment{WrapText: true, Vertical: "top"}})
	setStyle := func(c1, r1, c2, r2, id int) {
		if err == nil {
			err = f.SetCellStyle(sh, ref(c1, r1), ref(c2, r2), id)
		}
	}

	// 1: title; 2: 表号 and period; 3: 填报单位 and units.
	set(0, 1, form.Title)
	merge(0, 1, nCols-1, 1)
	setStyle(0, 1, nCols-1, 1, titleStyle)
	half := max(nCols/2, 1)
	if form.Number != "" {
		set(0, 2, "表号："+form.Number)
	}
	merge(0, 2, half-1, 2)
	set(half, 2, "统计期间："+r.PeriodText())
	merge(half, 2, nCols-1, 2)
	setStyle(half, 2, nCols-1, 2, right)
	set(0, 3, "填报单位："+r.Unit.Name)
	merge(0, 3, half-1, 3)
	set(half, 3, form.Units)
	merge(half, 3, nCols-1, 3)
	setStyle(half, 3, nCols-1, 3, right)

	// The header, merged as statforms lays it out.
	row := 4
	header := form.Header()
	taken := map[[2]int]bool{}
	for i, hr := range header {
		c := 0
		for _, h := range hr {
			for taken[[2]int{row + i, c}] {
				c++
			}
			set(c, row+i, h.Label)
			merge(c, row+i, c+h.ColSpan-1, row+i+h.RowSpan-1)
			for dr := 0; dr < h.RowSpan; dr++ {
				for dc := 0; dc < h.ColSpan; dc++ {
					taken[[2]int{row + i + dr, c + dc}] = true
				}
			}
			c += h.ColSpan
		}
	}
	setStyle(0, row, nCols-1, row+len(header)-1, headStyle)
	row += len(header)
	if units := form.UnitsRow(); units != nil {
		for i, u := range units {
			set(i, row, u)
		}
		setStyle(0, row, nCols-1, row, headStyle)
		row++
	}
	firstData := row
	for _, l := range r.Table.Lines {
		for i, s := range form.Stub {
			set(i, row, l.Stub(s))
		}
		setStyle(0, row, nStub-1, row, stubStyle)
		for j, c := range l.Cells {
			x := nStub + j
			if c.Value == nil {
				set(x, row, c.Text)
				setStyle(x, row, x, row, dashStyle)
				continue
			}
			set(x, row, *c.Value)
			setStyle(x, row, x, row, numStyles[decimalsOf(c.Text)])
		}
		row++
	}
	row++
	third := max(nCols/3, 1)
	set(0, row, "负责人：")
	merge(0, row, third-1, row)
	set(third, row, "填报人：")
	merge(third, row, 2*third-1, row)
	set(2*third, row, "填报日期："+r.Filled.String())
	merge(2*third, row, nCols-1, row)
	row++
	if len(form.Notes) > 0 {
		row++
		set(0, row, "说明：")
		row++
		for i, n := range form.Notes {
			set(0, row, fmt.Sprintf("%d. %s", i+1, n))
			merge(0, row, nCols-1, row)
			setStyle(0, row, nCols-1, row, wrap)
			if err == nil {
				err = f.SetRowHeight(sh, row, 15*float64(1+len([]rune(n))/(8*nCols)))
			}
			row++
		}
	}
	if err == nil {
		err = f.SetColWidth(sh, col(0), col(0), 26)
	}
	if err == nil && nCols > 1 {
		err = f.SetColWidth(sh, col(1), col(nCols-1), 11)
	}
	if err == nil {
		err = f.SetPanes(sh, &excelize.Panes{Freeze: true, XSplit: nStub, YSplit: firstData - 1,
			TopLeftCell: ref(nStub, firstData), ActivePane: "bottomRight"})
	}
	if err == nil {
		err = f.SetPageLayout(sh, &excelize.PageLayoutOptions{Orientation: strPtr("landscape")})
	}
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("lay out %s: %w", form.Code, err)
	}
	return f, nil
}

func strPtr(s string) *string { return &s }

// decimalsOf counts the decimals of a printed value.
func decimalsOf(text string) int {
	for i := len(text) - 1; i >= 0; i-- {
		if text[i] == '.' {
			return len(text) - 1 - i
		}
	}
	return 0
}
