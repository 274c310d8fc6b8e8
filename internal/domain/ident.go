package domain

// Validators, normalisers and maskers for the identifiers a case carries:
// the 18-character resident ID number (居民身份证号码, GB 11643-1999), the
// unified social credit code of an enterprise (统一社会信用代码,
// GB 32100-2015) and mainland mobile numbers. Everything here is pure
// except that ValidateIDNumber reads the clock to reject future birth dates.
//
// Convention: every Validate* function normalises its input first (with the
// matching Normalize* function), so raw user input such as full-width digits
// or a lower-case "x" is accepted; callers should store the normalised form.

import (
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// FieldError is a validation failure a user can read.
type FieldError struct {
	Field   string // machine name of the field, e.g. "id_number"
	Message string // Simplified Chinese, shown to the user as is
}

// Error returns the Chinese message only, so err.Error() can be shown to a
// user directly; forms use Field to place the message next to the input.
func (e *FieldError) Error() string { return e.Message }

// Default field names used in the FieldErrors returned below. Callers that
// need another name can errors.As the error and overwrite Field.
const (
	identFieldIDNumber   = "id_number"
	identFieldCreditCode = "credit_code"
	identFieldMobile     = "mobile"
)

// User-facing messages. They are shown next to the field's label, so they
// do not repeat the field name (except the mobile one, worded as specified).
const (
	msgIDLength        = "长度应为18位"
	msgIDChars         = "含非法字符"
	msgIDRegion        = "地区码无效"
	msgIDBirth         = "出生日期无效"
	msgIDCheck         = "校验位错误，请核对"
	msgCreditLength    = "长度应为18位"
	msgCreditChars     = "含非法字符（不使用I、O、Z、S、V）"
	msgCreditAuthority = "登记管理部门代码无效"
	msgCreditCheck     = "校验位错误，请核对"
	msgMobile          = "手机号码应为11位且以13-19开头"
)

// identCST is China Standard Time. China has had no daylight saving since
// 1991, so a fixed zone avoids depending on the tzdata database.
var identCST = time.FixedZone("CST", 8*60*60)

// identHalfWidth maps a full-width ASCII variant (U+FF01..U+FF5E) and the
// ideographic space (U+3000) to their ASCII counterparts.
func identHalfWidth(r rune) rune {
	switch {
	case r >= '\uFF01' && r <= '\uFF5E':
		return r - 0xFEE0
	case r == '\u3000':
		return ' '
	}
	return r
}

// identUpperASCII upper-cases ASCII letters only, leaving every other rune
// alone (unicode.ToUpper would turn e.g. the dotless ı into I).
func identUpperASCII(r rune) rune {
	if r >= 'a' && r <= 'z' {
		return r - 'a' + 'A'
	}
	return r
}

func identAllDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// ---------------------------------------------------------------------------
// Resident ID number (居民身份证号码)

// idWeights are the ISO 7064 MOD 11-2 weights 2^(17-i) mod 11 for the first
// 17 characters; idCheckChars maps (weighted sum mod 11) to the check char.
var idWeights = [17]int{7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2}

const idCheckChars = "10X98765432"

// validProvinceCode reports whether the first two digits of an ID number are
// a real province-level code (GB/T 2260, plus 71 Taiwan, 81 Hong Kong, 82
// Macao, 83 Taiwan residents' residence permits and 91 foreigners' permanent
// residence). It is a switch so the table cannot be modified at run time.
func validProvinceCode(code int) bool {
	switch {
	case code >= 11 && code <= 15, // 北京 天津 河北 山西 内蒙古
		code >= 21 && code <= 23, // 辽宁 吉林 黑龙江
		code >= 31 && code <= 37, // 上海 江苏 浙江 安徽 福建 江西 山东
		code >= 41 && code <= 46, // 河南 湖北 湖南 广东 广西 海南
		code >= 50 && code <= 54, // 重庆 四川 贵州 云南 西藏
		code >= 61 && code <= 65, // 陕西 甘肃 青海 宁夏 新疆
		code == 71, code == 81, code == 82, code == 83, code == 91:
		return true
	}
	return false
}

// idCheckChar computes the check character for the first 17 digits of
// body, which the caller guarantees are ASCII digits.
func idCheckChar(body string) byte {
	sum := 0
	for i := 0; i < 17; i++ {
		sum += int(body[i]-'0') * idWeights[i]
	}
	return idCheckChars[sum%11]
}

// NormalizeIDNumber trims surrounding white space (including the
// ideographic space), converts full-width digits and letters to half-width
// and upper-cases ASCII letters, so a check character "x" becomes "X".
func NormalizeIDNumber(s string) string {
	s = strings.Map(identHalfWidth, s)
	s = strings.TrimSpace(s)
	return strings.Map(identUpperASCII, s)
}

// ValidateIDNumber checks an 18-character resident ID number: 17 digits and
// a check character (digit or X) by ISO 7064 MOD 11-2, a real province code
// and a real birth date from 1900 up to today (China time). The input is
// normalised first. A failure is a *FieldError with a Chinese message.
func ValidateIDNumber(s string) error {
	s = NormalizeIDNumber(s)
	if utf8.RuneCountInString(s) != 18 {
		return &FieldError{Field: identFieldIDNumber, Message: msgIDLength}
	}
	// 18 runes; if any is non-ASCII the byte length differs from 18.
	if len(s) != 18 || !identAllDigits(s[:17]) || !(s[17] >= '0' && s[17] <= '9' || s[17] == 'X') {
		return &FieldError{Field: identFieldIDNumber, Message: msgIDChars}
	}
	if !validProvinceCode(int(s[0]-'0')*10 + int(s[1]-'0')) {
		return &FieldError{Field: identFieldIDNumber, Message: msgIDRegion}
	}
	if _, ok := idBirthDate(s[6:14], time.Now()); !ok {
		return &FieldError{Field: identFieldIDNumber, Message: msgIDBirth}
	}
	if idCheckChar(s) != s[17] {
		return &FieldError{Field: identFieldIDNumber, Message: msgIDCheck}
	}
	return nil
}

// idBirthDate parses an 8-digit YYYYMMDD string as a date in China time and
// accepts it if it is a real calendar date, the year is at least 1900 and
// the date is not after now's date in China.
func idBirthDate(ymd string, now time.Time) (time.Time, bool) {
	if len(ymd) != 8 || !identAllDigits(ymd) {
		return time.Time{}, false
	}
	num := func(t string) int {
		n := 0
		for i := 0; i < len(t); i++ {
			n = n*10 + int(t[i]-'0')
		}
		return n
	}
	y, m, d := num(ymd[:4]), num(ymd[4:6]), num(ymd[6:])
	if y < 1900 || m < 1 || m > 12 || d < 1 || d > 31 {
		return time.Time{}, false
	}
	t := time.Date(y, time.Month(m), d, 0, 0, 0, 0, identCST)
	if t.Year() != y || int(t.Month()) != m || t.Day() != d { // e.g. 0230
		return time.Time{}, false
	}
	ny, nm, nd := now.In(identCST).Date()
	if t.After(time.Date(ny, nm, nd, 0, 0, 0, 0, identCST)) {
		return time.Time{}, false
	}
	return t, true
}

// BirthDateFromID returns the birth date encoded in a valid ID number, as
// midnight China time (UTC+8). ok is false unless ValidateIDNumber(s)
// accepts s.
func BirthDateFromID(s string) (time.Time, bool) {
	if ValidateIDNumber(s) != nil {
		return time.Time{}, false
	}
	s = NormalizeIDNumber(s)
	return idBirthDate(s[6:14], time.Now())
}

// GenerateIDNumber builds a valid ID number for demo data and tests from a
// 6-digit region code (whose first two digits must be a valid province
// code), the calendar date of birth as seen in birth's own location, a
// sequence 0..99 (digits 15-16) and the sex: the 17th digit is odd for a
// male (1+2·(seq mod 5)) and even for a female (2+2·(seq mod 4)). It
// computes the check character. It panics if an argument cannot yield a
// valid number (bad region, seq out of range, birth year before 1900 or
// birth date after today in China).
func GenerateIDNumber(region string, birth time.Time, seq int, female bool) string {
	if len(region) != 6 || !identAllDigits(region) ||
		!validProvinceCode(int(region[0]-'0')*10+int(region[1]-'0')) {
		panic("domain.GenerateIDNumber: region must be 6 digits starting with a valid province code, got " + region)
	}
	if seq < 0 || seq > 99 {
		panic("domain.GenerateIDNumber: seq must be in 0..99")
	}
	y, m, d := birth.Date()
	if y < 1900 || y > 9999 {
		panic("domain.GenerateIDNumber: birth year must be in 1900..9999")
	}
	// Vary the sex digit with seq so demo data does not all end alike;
	// seq 0 gives 2 for a female, reproducing the classic example
	// GenerateIDNumber("110105", 1949-12-31, 0, true) = "11010519491231002X".
	sex := 1 + 2*(seq%5) // male: 1 3 5 7 9
	if female {
		sex = 2 + 2*(seq%4) // female: 2 4 6 8
	}
	b := make([]byte, 0, 18)
	b = append(b, region...)
	b = identAppendDigits(b, y, 4)
	b = identAppendDigits(b, int(m), 2)
	b = identAppendDigits(b, d, 2)
	b = identAppendDigits(b, seq, 2)
	b = append(b, byte('0'+sex))
	if _, ok := idBirthDate(string(b[6:14]), time.Now()); !ok {
		panic("domain.GenerateIDNumber: birth date is in the future")
	}
	b = append(b, idCheckChar(string(b)))
	return string(b)
}

// identAppendDigits appends n as exactly width zero-padded decimal digits.
func identAppendDigits(b []byte, n, width int) []byte {
	var buf [8]byte
	for i := width - 1; i >= 0; i-- {
		buf[i] = byte('0' + n%10)
		n /= 10
	}
	return append(b, buf[:width]...)
}

// ---------------------------------------------------------------------------
// Unified social credit code (统一社会信用代码)

// creditCharset lists the 31 characters of GB 32100-2015 in value order;
// I, O, Z, S and V are excluded.
const creditCharset = "0123456789ABCDEFGHJKLMNPQRTUWXY"

// creditAuthorities are the registration authority codes allowed in the
// first position (1-9 government bodies, A CMC reform office, N agriculture,
// Y others).
const creditAuthorities = "123456789ANY"

// creditWeights are 3^i mod 31 for positions 1..17.
var creditWeights = [17]int{1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28}

// creditCheckChar computes the check character for the first 17 characters
// of body, which the caller guarantees come from creditCharset.
func creditCheckChar(body string) byte {
	sum := 0
	for i := 0; i < 17; i++ {
		sum += strings.IndexByte(creditCharset, body[i]) * creditWeights[i]
	}
	return creditCharset[(31-sum%31)%31]
}

func inCreditCharset(s string) bool {
	for i := 0; i < len(s); i++ {
		if strings.IndexByte(creditCharset, s[i]) < 0 {
			return false
		}
	}
	return true
}

// NormalizeCreditCode trims surrounding white space, converts full-width
// characters to half-width and upper-cases ASCII letters.
func NormalizeCreditCode(s string) string {
	s = strings.Map(identHalfWidth, s)
	s = strings.TrimSpace(s)
	return strings.Map(identUpperASCII, s)
}

// ValidateCreditCode checks an 18-character unified social credit code:
// every character from the GB 32100-2015 charset, a known registration
// authority code in the first position and the MOD 31 check character in
// the last. The input is normalised first. A failure is a *FieldError.
func ValidateCreditCode(s string) error {
	s = NormalizeCreditCode(s)
	if utf8.RuneCountInString(s) != 18 {
		return &FieldError{Field: identFieldCreditCode, Message: msgCreditLength}
	}
	if len(s) != 18 || !inCreditCharset(s) {
		return &FieldError{Field: identFieldCreditCode, Message: msgCreditChars}
	}
	if strings.IndexByte(creditAuthorities, s[0]) < 0 {
		return &FieldError{Field: identFieldCreditCode, Message: msgCreditAuthority}
	}
	if creditCheckChar(s) != s[17] {
		return &FieldError{Field: identFieldCreditCode, Message: msgCreditCheck}
	}
	return nil
}

// GenerateCreditCode appends the check character to a 17-character prefix
// for demo data and tests. The prefix must come from the charset and start
// with a registration authority code; otherwise it panics.
func GenerateCreditCode(prefix17 string) string {
	if len(prefix17) != 17 || !inCreditCharset(prefix17) ||
		strings.IndexByte(creditAuthorities, prefix17[0]) < 0 {
		panic("domain.GenerateCreditCode: prefix must be 17 characters of " + creditCharset +
			" starting with one of " + creditAuthorities + ", got " + prefix17)
	}
	return prefix17 + string(creditCheckChar(prefix17))
}

// ---------------------------------------------------------------------------
// Mobile numbers

// NormalizeMobile converts full-width characters to half-width, removes all
// white space and dashes, then strips a "+86", "0086" or "86" country
// prefix when what remains is exactly 11 digits (so "8613812345678" loses
// its "86" but an 11-digit number starting with 86 is kept).
func NormalizeMobile(s string) string {
	s = strings.Map(func(r rune) rune {
		r = identHalfWidth(r)
		if unicode.IsSpace(r) || r == '-' {
			return -1
		}
		return r
	}, s)
	for _, p := range []string{"+86", "0086", "86"} {
		if rest, ok := strings.CutPrefix(s, p); ok && len(rest) == 11 && identAllDigits(rest) {
			return rest
		}
	}
	return s
}

// ValidateMobile checks a mainland mobile number: after normalisation,
// 11 digits starting with 13..19. A failure is a *FieldError.
func ValidateMobile(s string) error {
	s = NormalizeMobile(s)
	if len(s) != 11 || !identAllDigits(s) || s[0] != '1' || s[1] < '3' {
		return &FieldError{Field: identFieldMobile, Message: msgMobile}
	}
	return nil
}

// ---------------------------------------------------------------------------
// Masking for display

// identMaskTail keeps the last two runes and replaces the others with '*'; with
// two runes or fewer everything is masked, since showing the last two would
// show the whole value.
func identMaskTail(rs []rune) string {
	if len(rs) <= 2 {
		return strings.Repeat("*", len(rs))
	}
	return strings.Repeat("*", len(rs)-2) + string(rs[len(rs)-2:])
}

// MaskMobile shows a mobile number as "138****5678". A valid number is
// normalised first (so "+86 138-1234-5678" also becomes "138****5678");
// anything else is normalised and has all but its last two runes masked
// (all of it when it has two runes or fewer). The empty string stays empty.
func MaskMobile(s string) string {
	if ValidateMobile(s) == nil {
		n := NormalizeMobile(s)
		return n[:3] + "****" + n[7:]
	}
	return identMaskTail([]rune(NormalizeMobile(s)))
}

// MaskIDNumber keeps the first 3 and last 4 characters of a (normalised) ID
// number and masks the rest one-for-one, so an 18-character number becomes
// "310***********123X". Inputs of 7 runes or fewer fall back to masking all
// but the last two runes.
func MaskIDNumber(s string) string {
	rs := []rune(NormalizeIDNumber(s))
	if len(rs) <= 7 {
		return identMaskTail(rs)
	}
	return string(rs[:3]) + strings.Repeat("*", len(rs)-7) + string(rs[len(rs)-4:])
}

// MaskName masks a personal name rune-wise: "*" for one rune, "张*" for
// two, "张*明" for three and first + "**" + last for four or more (e.g.
// "欧阳明明" → "欧**明"), so long names do not reveal their length.
func MaskName(s string) string {
	rs := []rune(strings.TrimSpace(s))
	switch len(rs) {
	case 0:
		return ""
	case 1:
		return "*"
	case 2:
		return string(rs[0]) + "*"
	case 3:
		return string(rs[0]) + "*" + string(rs[2])
	}
	return string(rs[0]) + "**" + string(rs[len(rs)-1])
}

// MaskAddress keeps the first 6 runes of an address (roughly district and
// street) and replaces the rest with "****". A shorter address is kept
// whole and "****" appended; an empty (or all-blank) address stays empty.
func MaskAddress(s string) string {
	rs := []rune(strings.TrimSpace(s))
	if len(rs) == 0 {
		return ""
	}
	if len(rs) > 6 {
		rs = rs[:6]
	}
	return string(rs) + "****"
}
