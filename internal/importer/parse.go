package importer

import (
	"math"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode"

	"golang.org/x/text/width"

	"github.com/tiaojie/tiaojie/internal/calendar"
	"github.com/tiaojie/tiaojie/internal/domain"
)

// DateError is a date text ParseDate cannot read.
type DateError struct{ Value string }

func (e *DateError) Error() string { return "日期“" + e.Value + "”无法识别" }

// AmountError is an amount text ParseAmount cannot read; Reason completes
// the sentence "金额“…”" in Chinese.
type AmountError struct {
	Value  string
	Reason string
}

func (e *AmountError) Error() string { return "金额“" + e.Value + "”" + e.Reason }

// Excel serial day numbers are accepted from 10000 (1927-05-18; a shorter
// number is a year or a typo, not a date) to 9999-12-31. Workbooks in the
// 1904 date system count 1462 days less.
const (
	minExcelSerial     = 10000
	maxExcelSerial     = 2958466
	date1904OffsetDays = 1462
)

var (
	dateNumeric = regexp.MustCompile(`^\d{1,7}(?:\.\d+)?$`)
	dateText    = regexp.MustCompile(`^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*[日号]?` +
		`(?:(?:\s*|\s*T\s*)(\d{1,2})\s*[:时点]\s*(\d{1,2})(?:\s*[:分]\s*(\d{1,2})(?:\.\d{1,9})?)?\s*[分秒]?)?$`)
)

// ParseDate reads a date or date-time as exports write it, in Asia/Shanghai:
// "2026-03-02", "2026/3/2", "2026.3.2", "2026-03-02 09:30", "2026-03-02
// 09:30:00", "2026-03-02T09:30:00" (with or without a zone), "2026年3月2日",
// "2026年3月2日 9:30", "2026年3月2日9时30分", "20260302", "202603020930",
// "20260302093000" and Excel serial day numbers ("46083", "46083.5"; from
// 10000, i.e. 1927), which is how date-typed cells arrive. Full-width digits and punctuation are accepted.
func ParseDate(s string) (time.Time, error) { return parseDate(s, false) }

func parseDate(s string, date1904 bool) (time.Time, error) {
	orig := s
	s = strings.TrimSpace(width.Fold.String(s))
	bad := func() (time.Time, error) { return time.Time{}, &DateError{Value: strings.TrimSpace(orig)} }
	if s == "" {
		return bad()
	}
	loc := calendar.Shanghai()
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return t.In(loc), nil
	}
	if allDigits(s) && (len(s) == 8 || len(s) == 12 || len(s) == 14) {
		n := func(i, j int) int { v, _ := strconv.Atoi(s[i:j]); return v }
		hh, mm, ss := 0, 0, 0
		if len(s) >= 12 {
			hh, mm = n(8, 10), n(10, 12)
		}
		if len(s) == 14 {
			ss = n(12, 14)
		}
		if t, ok := civil(n(0, 4), n(4, 6), n(6, 8), hh, mm, ss, loc); ok {
			return t, nil
		}
		return bad()
	}
	if dateNumeric.MatchString(s) {
		v, err := strconv.ParseFloat(s, 64)
		if err != nil {
			return bad()
		}
		if t, ok := excelSerial(v, date1904, loc); ok {
			return t, nil
		}
		return bad()
	}
	m := dateText.FindStringSubmatch(s)
	if m == nil {
		return bad()
	}
	num := func(x string) int {
		if x == "" {
			return 0
		}
		v, _ := strconv.Atoi(x)
		return v
	}
	if t, ok := civil(num(m[1]), num(m[2]), num(m[3]), num(m[4]), num(m[5]), num(m[6]), loc); ok {
		return t, nil
	}
	return bad()
}

// civil builds a Shanghai time after checking every part is in range (time.Date
// would silently normalise 2026-02-30 to March).
func civil(y, mo, d, h, mi, sec int, loc *time.Location) (time.Time, bool) {
	if y < 1 || mo < 1 || mo > 12 || d < 1 || h > 23 || mi > 59 || sec > 59 {
		return time.Time{}, false
	}
	t := time.Date(y, time.Month(mo), d, h, mi, sec, 0, loc)
	if t.Day() != d || int(t.Month()) != mo {
		return time.Time{}, false
	}
	return t, true
}

// excelSerial converts an Excel serial day number (fraction = time of day,
// local to the workbook, taken as Shanghai) to a time, to the second.
func excelSerial(v float64, date1904 bool, loc *time.Location) (time.Time, bool) {
	if date1904 {
		v += date1904OffsetDays
	}
	if math.IsNaN(v) || v < minExcelSerial || v >= maxExcelSerial {
		return time.Time{}, false
	}
	days := math.Floor(v)
	secs := int64(math.Round((v - days) * 86400))
	// Day 0 is 1899-12-30 for every serial after Excel's fictitious 1900-02-29.
	base := time.Date(1899, 12, 30, 0, 0, 0, 0, loc)
	return base.AddDate(0, 0, int(days)).Add(time.Duration(secs) * time.Second), true
}

// maxAmountFen bounds parsed amounts well above what validation accepts, so
// arithmetic cannot overflow.
const maxAmountFen = 1 << 53

// ParseAmount reads an amount in yuan and returns it in fen (分): "1234.5",
// "1,234.50", "¥1,234.50", "1234.50元", "RMB 12"; "" (or only a currency
// sign) is 0. Negative amounts, more than two decimals (except the
// floating-point noise of numeric cells, e.g. "0.30000000000000004") and
// anything else are an *AmountError.
func ParseAmount(s string) (int64, error) {
	orig := strings.TrimSpace(s)
	s = width.Fold.String(s)
	s = strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) || r == ',' || r == '，' || r == '¥' || r == '￥' {
			return -1
		}
		return r
	}, s)
	for _, p := range []string{"人民币", "RMB", "rmb", "CNY", "cny"} {
		s = strings.TrimPrefix(s, p)
	}
	s = strings.TrimSuffix(s, "元")
	if s == "" {
		return 0, nil
	}
	fail := func(reason string) (int64, error) { return 0, &AmountError{Value: orig, Reason: reason} }
	if strings.HasPrefix(s, "-") || strings.HasPrefix(s, "−") {
		return fail("不能为负数")
	}
	s = strings.TrimPrefix(s, "+")
	intPart, frac, hasDot := strings.Cut(s, ".")
	if intPart == "" && !hasDot || !allDigits(intPart) || hasDot && (frac == "" || !allDigits(frac)) {
		return fail("无法识别")
	}
	intPart = strings.TrimLeft(intPart, "0")
	if len(intPart) > 13 {
		return fail("超出范围")
	}
	yuan, _ := strconv.ParseInt("0"+intPart, 10, 64)
	if len(frac) > 2 {
		// A numeric cell may carry binary floating-point noise; accept it when
		// the value is within a millionth of a fen of a whole fen.
		v, err := strconv.ParseFloat("0."+frac, 64)
		if err != nil {
			return fail("无法识别")
		}
		cents := math.Round(v * 100)
		if math.Abs(v*100-cents) > 1e-6 {
			return fail("最多保留两位小数")
		}
		fen := yuan*100 + int64(cents)
		if fen > maxAmountFen {
			return fail("超出范围")
		}
		return fen, nil
	}
	for len(frac) < 2 {
		frac += "0"
	}
	f, _ := strconv.ParseInt(frac, 10, 64)
	fen := yuan*100 + f
	if fen > maxAmountFen {
		return fail("超出范围")
	}
	return fen, nil
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// categoryIndex maps the part after "-" of each category (and that part
// without a trailing "服务") to the category.
var categoryIndex = func() map[string]string {
	m := map[string]string{}
	for _, c := range domain.Categories {
		_, sub, ok := strings.Cut(c, "-")
		if !ok {
			continue
		}
		if _, taken := m[sub]; !taken {
			m[sub] = c
		}
		if short := strings.TrimSuffix(sub, "服务"); short != "" && short != sub {
			if _, taken := m[short]; !taken {
				m[short] = c
			}
		}
	}
	return m
}()

// MapCategory maps a free-text goods/services category from an export to
// the classification in domain.Categories: an exact match (ignoring white
// space, width and the kind of dash or slash between the parts); else the
// part after the separator (or the whole text) matched against the
// sub-categories, so "健身" becomes "服务-健身" and "家政" "服务-家政服务";
// else "商品-其他商品" or "服务-其他服务" when the text says 商品 or 服务;
// else the text unchanged, so that validation reports it.
func MapCategory(s string) string {
	orig := strings.TrimSpace(s)
	if orig == "" || domain.ValidCategory(orig) {
		return orig
	}
	n := width.Fold.String(orig)
	n = strings.Map(func(r rune) rune {
		switch {
		case unicode.IsSpace(r):
			return -1
		case r == '—' || r == '–' || r == '－' || r == '/' || r == '、' || r == '_' || r == '>' || r == '·':
			return '-'
		}
		return r
	}, n)
	for strings.Contains(n, "--") {
		n = strings.ReplaceAll(n, "--", "-")
	}
	n = strings.Trim(n, "-")
	if domain.ValidCategory(n) {
		return n
	}
	tail := n
	if i := strings.LastIndex(n, "-"); i >= 0 {
		tail = n[i+1:]
	}
	for _, cand := range []string{tail, strings.TrimSuffix(tail, "类"), strings.TrimSuffix(strings.TrimSuffix(tail, "类"), "服务")} {
		if c, ok := categoryIndex[cand]; ok && cand != "" {
			if kind := categoryKind(n); kind == "" || strings.HasPrefix(c, kind) {
				return c
			}
		}
	}
	switch categoryKind(n) {
	case "商品":
		return "商品-其他商品"
	case "服务":
		return "服务-其他服务"
	}
	return orig
}

// categoryKind says whether a category text names goods or services
// (whichever word comes first), or "".
func categoryKind(s string) string {
	g, v := strings.Index(s, "商品"), strings.Index(s, "服务")
	switch {
	case g >= 0 && (v < 0 || g < v):
		return "商品"
	case v >= 0:
		return "服务"
	}
	return ""
}
