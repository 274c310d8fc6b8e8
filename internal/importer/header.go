package importer

import (
	"strings"
)

// headerScanRows is how many non-empty rows at the top of a sheet are
// searched for the header row (exports often carry a title row or two).
const headerScanRows = 10

// headerMinMatches is how many distinct known column names make a row the
// header row.
const headerMinMatches = 3

// HeaderError reports a file whose header row is missing or lacks required
// columns. Its message is Chinese and lists every missing column with the
// names accepted for it.
type HeaderError struct {
	// NotFound: no row among the first rows names at least three known columns.
	NotFound bool
	// Missing lists the required fields without a column. When neither
	// credit_code nor merchant_address has one, both are listed (one of them
	// is enough).
	Missing []Field
}

func (e *HeaderError) Error() string {
	var b strings.Builder
	if e.NotFound {
		b.WriteString("未找到表头：文件前10行中没有一行包含至少3个可识别的列名。")
	}
	if len(e.Missing) == 0 {
		return b.String()
	}
	b.WriteString("缺少必需的列：")
	var parts []string
	locator := 0
	for _, f := range e.Missing {
		if f == FieldCreditCode || f == FieldMerchantAddress {
			locator++
			continue
		}
		parts = append(parts, f.Label()+"（可用列名："+strings.Join(aliasTable[f], "、")+"）")
	}
	if locator > 0 {
		names := append(append([]string{}, aliasTable[FieldCreditCode]...), aliasTable[FieldMerchantAddress]...)
		parts = append(parts, FieldCreditCode.Label()+"或"+FieldMerchantAddress.Label()+
			"（至少一列，可用列名："+strings.Join(names, "、")+"）")
	}
	b.WriteString(strings.Join(parts, "；"))
	return b.String()
}

// matchHeaderRow maps the cells of a candidate header row; the first column
// naming a field wins.
func matchHeaderRow(cells []string) map[Field]int {
	m := map[Field]int{}
	for i, c := range cells {
		if f, ok := MatchHeader(c); ok {
			if _, dup := m[f]; !dup {
				m[f] = i
			}
		}
	}
	return m
}

// missingFields lists the required fields a mapping lacks.
func missingFields(m map[Field]int) []Field {
	var missing []Field
	for _, f := range requiredFields {
		if _, ok := m[f]; !ok {
			missing = append(missing, f)
		}
	}
	_, cc := m[FieldCreditCode]
	_, addr := m[FieldMerchantAddress]
	if !cc && !addr {
		missing = append(missing, FieldCreditCode, FieldMerchantAddress)
	}
	return missing
}

// allRequired is every required field, for a file without a header row.
func allRequired() []Field {
	return append(append([]Field{}, requiredFields...), FieldCreditCode, FieldMerchantAddress)
}

// trimTrailingEmpty drops blank cells at the end of a row.
func trimTrailingEmpty(cells []string) []string {
	n := len(cells)
	for n > 0 && strings.TrimSpace(cells[n-1]) == "" {
		n--
	}
	return cells[:n]
}

// blankRow reports whether every cell is blank.
func blankRow(cells []string) bool {
	for _, c := range cells {
		if strings.TrimSpace(c) != "" {
			return false
		}
	}
	return true
}
