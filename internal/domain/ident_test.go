package domain

import (
	"errors"
	"math/rand/v2"
	"strings"
	"testing"
	"time"
)

// identWantFieldError fails unless err is a *FieldError with the given field and
// message; an empty msg means err must be nil.
func identWantFieldError(t *testing.T, err error, field, msg string) {
	t.Helper()
	if msg == "" {
		if err != nil {
			t.Fatalf("want nil error, got %v", err)
		}
		return
	}
	var fe *FieldError
	if !errors.As(err, &fe) {
		t.Fatalf("want *FieldError %q, got %#v", msg, err)
	}
	if fe.Field != field || fe.Message != msg {
		t.Fatalf("want {%s %s}, got {%s %s}", field, msg, fe.Field, fe.Message)
	}
}

// identFullWidth converts ASCII '!'..'~' to the full-width forms users type
// with a Chinese IME.
func identFullWidth(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= '!' && r <= '~' {
			return r + 0xFEE0
		}
		return r
	}, s)
}

// identWithCheck appends the correct check char to 17 ID digits, for building
// inputs that must fail on something other than the check char.
func identWithCheck(body17 string) string { return body17 + string(idCheckChar(body17)) }

func identToday() time.Time {
	y, m, d := time.Now().In(identCST).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, identCST)
}

func TestFieldErrorError(t *testing.T) {
	e := &FieldError{Field: "id_number", Message: "长度应为18位"}
	if e.Error() != "长度应为18位" {
		t.Fatalf("Error() = %q", e.Error())
	}
}

// Check characters computed by hand (weights 7 9 10 5 8 4 2 1 6 3 7 9 10 5 8 4 2):
//
//	11010519491231002X: 7+9+0+5+0+20+2+9+24+27+7+18+30+5+0+0+4 = 167;
//	                    167 mod 11 = 2 → "10X98765432"[2] = 'X'
//	31010119900307123?: 21+9+0+5+0+4+2+9+54+0+0+27+0+35+8+8+6 = 188;
//	                    188 mod 11 = 1 → '0'
//	44030419851010006?: 28+36+0+15+0+16+2+9+48+15+7+0+10+0+0+0+12 = 198;
//	                    198 mod 11 = 0 → '1'
//	31010119900307125?: the 31010119900307123 sum 188, plus 2·(5−3) = 192;
//	                    192 mod 11 = 5 → '7'
//	44030419851010038?: 28+36+0+15+0+16+2+9+48+15+7+0+10+0+0+12+16 = 214;
//	                    214 mod 11 = 5 → '7'
func TestIDCheckCharByHand(t *testing.T) {
	for body, want := range map[string]byte{
		"11010519491231002": 'X',
		"31010119900307123": '0',
		"44030419851010006": '1',
		"31010119900307125": '7',
		"44030419851010038": '7',
	} {
		if got := idCheckChar(body); got != want {
			t.Errorf("idCheckChar(%s) = %c, want %c", body, got, want)
		}
	}
}

func TestNormalizeIDNumber(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", ""},
		{"11010519491231002X", "11010519491231002X"},
		{"11010519491231002x", "11010519491231002X"},
		{"  11010519491231002x\t\n", "11010519491231002X"},
		{"\u3000１１０１０５１９４９１２３１００２ｘ\u3000", "11010519491231002X"},
		{"１１０１０５１９４９１２３１００２Ｘ", "11010519491231002X"},
		{"1101 0519", "1101 0519"}, // inner spaces are not removed
		{"张三", "张三"},
	}
	for _, tt := range tests {
		if got := NormalizeIDNumber(tt.in); got != tt.want {
			t.Errorf("NormalizeIDNumber(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestValidateIDNumber(t *testing.T) {
	today := identToday()
	future := today.AddDate(0, 0, 2).Format("20060102")
	tests := []struct {
		name, in, msg string
	}{
		{"classic example", "11010519491231002X", ""},
		{"lower-case x", "11010519491231002x", ""},
		{"shanghai", "310101199003071230", ""},
		{"shenzhen", "440304198510100061", ""},
		{"full-width", "１１０１０５１９４９１２３１００２ｘ", ""},
		{"surrounding spaces", " \u300011010519491231002X ", ""},
		{"born today", identWithCheck("310115" + today.Format("20060102") + "001"), ""},
		{"born 1900-01-01", identWithCheck("31011519000101001"), ""},
		{"leap day", identWithCheck("31011520000229001"), ""},
		{"hong kong 81", identWithCheck("81000019800101001"), ""},
		{"residence permit 83", identWithCheck("83000019800101001"), ""},
		{"foreigner 91", identWithCheck("91000019800101001"), ""},

		{"empty", "", msgIDLength},
		{"17 chars", "11010519491231002", msgIDLength},
		{"19 chars", "11010519491231002X1", msgIDLength},
		{"old 15-digit", "110105491231002", msgIDLength},
		{"inner space", "110105 19491231002X", msgIDLength},
		{"chinese rune", "11010519491231002中", msgIDChars},
		{"letter in body", "1101051949123100AX", msgIDChars},
		{"X in body", "110105194912310X2X", msgIDChars},
		{"bad check letter", "11010519491231002Y", msgIDChars},
		{"punctuation", "110105-9491231002X", msgIDChars},
		{"region 00", identWithCheck("00010519491231002"), msgIDRegion},
		{"region 10", identWithCheck("10010519491231002"), msgIDRegion},
		{"region 16", identWithCheck("16010519491231002"), msgIDRegion},
		{"region 40", identWithCheck("40010519491231002"), msgIDRegion},
		{"region 55", identWithCheck("55010519491231002"), msgIDRegion},
		{"region 72", identWithCheck("72010519491231002"), msgIDRegion},
		{"region 84", identWithCheck("84010519491231002"), msgIDRegion},
		{"region 99", identWithCheck("99010519491231002"), msgIDRegion},
		{"year 1899", identWithCheck("31011518991231001"), msgIDBirth},
		{"month 00", identWithCheck("31011519900001001"), msgIDBirth},
		{"month 13", identWithCheck("31011519901301001"), msgIDBirth},
		{"day 00", identWithCheck("31011519900100001"), msgIDBirth},
		{"day 32", identWithCheck("31011519900132001"), msgIDBirth},
		{"feb 30", identWithCheck("31011519900230001"), msgIDBirth},
		{"feb 29 non-leap", identWithCheck("31011519000229001"), msgIDBirth},
		{"april 31", identWithCheck("31011519900431001"), msgIDBirth},
		{"future", identWithCheck("310115" + future + "001"), msgIDBirth},
		{"far future", identWithCheck("31011599991231001"), msgIDBirth},
		{"wrong check digit", "110105194912310021", msgIDCheck},
		{"X instead of digit", "31010119900307123X", msgIDCheck},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			identWantFieldError(t, ValidateIDNumber(tt.in), identFieldIDNumber, tt.msg)
		})
	}
}

func TestValidProvinceCodeTable(t *testing.T) {
	valid := map[int]bool{71: true, 81: true, 82: true, 83: true, 91: true}
	for _, r := range [][2]int{{11, 15}, {21, 23}, {31, 37}, {41, 46}, {50, 54}, {61, 65}} {
		for c := r[0]; c <= r[1]; c++ {
			valid[c] = true
		}
	}
	if len(valid) != 36 {
		t.Fatalf("expected 36 province codes, have %d", len(valid))
	}
	for c := 0; c < 100; c++ {
		if got := validProvinceCode(c); got != valid[c] {
			t.Errorf("validProvinceCode(%d) = %v, want %v", c, got, valid[c])
		}
	}
}

func TestBirthDateFromID(t *testing.T) {
	tests := []struct {
		in     string
		want   time.Time
		wantOK bool
	}{
		{"11010519491231002X", time.Date(1949, 12, 31, 0, 0, 0, 0, identCST), true},
		{"１１０１０５１９４９１２３１００２ｘ", time.Date(1949, 12, 31, 0, 0, 0, 0, identCST), true},
		{"310101199003071230", time.Date(1990, 3, 7, 0, 0, 0, 0, identCST), true},
		{"310101199003071231", time.Time{}, false}, // bad check char
		{"31010119900307123", time.Time{}, false},
		{"", time.Time{}, false},
	}
	for _, tt := range tests {
		got, ok := BirthDateFromID(tt.in)
		if ok != tt.wantOK || !got.Equal(tt.want) {
			t.Errorf("BirthDateFromID(%q) = %v, %v; want %v, %v", tt.in, got, ok, tt.want, tt.wantOK)
		}
	}
	// Midnight UTC+8 is 16:00 UTC the previous day.
	got, _ := BirthDateFromID("11010519491231002X")
	if want := time.Date(1949, 12, 30, 16, 0, 0, 0, time.UTC); !got.Equal(want) {
		t.Errorf("BirthDateFromID instant = %v, want %v", got.UTC(), want)
	}
}

func TestGenerateIDNumber(t *testing.T) {
	tests := []struct {
		region string
		birth  time.Time
		seq    int
		female bool
		want   string
	}{
		{"110105", time.Date(1949, 12, 31, 0, 0, 0, 0, time.UTC), 0, true, "11010519491231002X"},
		{"310101", time.Date(1990, 3, 7, 23, 59, 0, 0, identCST), 12, false, "310101199003071257"},
		{"440304", time.Date(1985, 10, 10, 0, 0, 0, 0, identCST), 3, true, "440304198510100387"},
		{"440304", time.Date(1985, 10, 10, 0, 0, 0, 0, identCST), 0, false, "440304198510100010"},
	}
	for _, tt := range tests {
		got := GenerateIDNumber(tt.region, tt.birth, tt.seq, tt.female)
		if got != tt.want {
			t.Errorf("GenerateIDNumber(%s, %v, %d, %v) = %s, want %s", tt.region, tt.birth, tt.seq, tt.female, got, tt.want)
		}
		if err := ValidateIDNumber(got); err != nil {
			t.Errorf("generated %s does not validate: %v", got, err)
		}
	}

	// The date is taken in birth's own location, not converted.
	late := time.Date(1990, 3, 7, 23, 30, 0, 0, time.UTC) // 1990-03-08 in China
	if got := GenerateIDNumber("310101", late, 12, false); got[6:14] != "19900307" {
		t.Errorf("birth date digits = %s, want 19900307", got[6:14])
	}

	for _, tt := range []struct {
		name   string
		region string
		birth  time.Time
		seq    int
	}{
		{"short region", "31010", time.Date(1990, 1, 1, 0, 0, 0, 0, time.UTC), 0},
		{"letter region", "3101A1", time.Date(1990, 1, 1, 0, 0, 0, 0, time.UTC), 0},
		{"bad province", "990101", time.Date(1990, 1, 1, 0, 0, 0, 0, time.UTC), 0},
		{"seq -1", "310101", time.Date(1990, 1, 1, 0, 0, 0, 0, time.UTC), -1},
		{"seq 100", "310101", time.Date(1990, 1, 1, 0, 0, 0, 0, time.UTC), 100},
		{"year 1899", "310101", time.Date(1899, 12, 31, 0, 0, 0, 0, time.UTC), 0},
		{"year 10000", "310101", time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC), 0},
		{"future", "310101", time.Now().AddDate(0, 0, 3), 0},
	} {
		t.Run("panics/"+tt.name, func(t *testing.T) {
			defer func() {
				if recover() == nil {
					t.Fatal("no panic")
				}
			}()
			GenerateIDNumber(tt.region, tt.birth, tt.seq, false)
		})
	}
}

var identProvinceCodes = []int{
	11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41, 42, 43, 44, 45, 46,
	50, 51, 52, 53, 54, 61, 62, 63, 64, 65, 71, 81, 82, 83, 91,
}

func identRandomRegion(rng *rand.Rand) string {
	b := identAppendDigits(nil, identProvinceCodes[rng.IntN(len(identProvinceCodes))], 2)
	return string(identAppendDigits(b, rng.IntN(10000), 4))
}

func TestIDNumberProperties(t *testing.T) {
	rng := rand.New(rand.NewPCG(20240601, 1))
	start := time.Date(1900, 1, 1, 0, 0, 0, 0, identCST)
	days := int(identToday().Sub(start).Hours()/24) + 1
	const alphabet = "0123456789X"
	for n := 0; n < 2000; n++ {
		region := identRandomRegion(rng)
		birth := start.AddDate(0, 0, rng.IntN(days))
		seq := rng.IntN(100)
		female := rng.IntN(2) == 0
		id := GenerateIDNumber(region, birth, seq, female)

		if err := ValidateIDNumber(id); err != nil {
			t.Fatalf("GenerateIDNumber(%s, %v, %d, %v) = %s: %v", region, birth, seq, female, id, err)
		}
		if got, ok := BirthDateFromID(id); !ok || !got.Equal(birth) {
			t.Fatalf("BirthDateFromID(%s) = %v, %v; want %v", id, got, ok, birth)
		}
		if odd := (id[16]-'0')%2 == 1; odd == female {
			t.Fatalf("%s: sex digit %c for female=%v", id, id[16], female)
		}
		if NormalizeIDNumber(id) != id {
			t.Fatalf("generated %s is not normalised", id)
		}
		if lower := strings.ToLower(id); ValidateIDNumber(lower) != nil || ValidateIDNumber(identFullWidth(lower)) != nil {
			t.Fatalf("%s: lower-case / full-width form rejected", id)
		}

		// MOD 11-2 catches every single-character substitution: the weights
		// are non-zero mod 11 and digit differences are 1..9, so the weighted
		// sum always changes; a substituted check char can never match. Some
		// substitutions fail earlier (region, date, charset) — still a failure.
		for i := 0; i < 18; i++ {
			for _, c := range []byte(alphabet) {
				if c == id[i] {
					continue
				}
				bad := id[:i] + string(c) + id[i+1:]
				if ValidateIDNumber(bad) == nil {
					t.Fatalf("%s → %s (position %d) still validates", id, bad, i+1)
				}
			}
		}
		// Adjacent weights differ mod 11, so swapping two different
		// neighbouring digits among the first 17 is caught too.
		for i := 0; i+1 < 17; i++ {
			if id[i] == id[i+1] {
				continue
			}
			bad := id[:i] + string(id[i+1]) + string(id[i]) + id[i+2:]
			if ValidateIDNumber(bad) == nil {
				t.Fatalf("%s → %s (swap %d,%d) still validates", id, bad, i+1, i+2)
			}
		}
	}
}

// Check characters computed by hand (values: 0-9, A10 B11 C12 D13 E14 F15
// G16 H17 J18 K19 L20 M21 N22 P23 Q24 R25 T26 U27 W28 X29 Y30; weights
// 1 3 9 27 19 26 16 17 20 29 25 13 8 24 10 30 28):
//
//	91350100M000100Y4?: 9 + 3 + 27 + 135 + 0 + 26 + 0 + 0 + 21·20 + 0 + 0 +
//	                    0 + 8 + 0 + 0 + 30·30 + 4·28 = 1640; 1640 mod 31 =
//	                    28; 31 − 28 = 3 → '3'
//	91310000000000000?: 9 + 3 + 27 + 27 = 66; 66 mod 31 = 4; 31 − 4 = 27 → 'U'
//	100000000000000 1 0?: 1 + 1·30 = 31; 31 mod 31 = 0; 31 − 0 = 31 → 0 → '0'
func TestCreditCheckCharByHand(t *testing.T) {
	for body, want := range map[string]byte{
		"91350100M000100Y4": '3',
		"91310000000000000": 'U',
		"10000000000000010": '0',
	} {
		if got := creditCheckChar(body); got != want {
			t.Errorf("creditCheckChar(%s) = %c, want %c", body, got, want)
		}
	}
}

func TestCreditWeightsArePowersOfThree(t *testing.T) {
	w := 1
	for i, got := range creditWeights {
		if got != w {
			t.Errorf("weight %d = %d, want %d", i+1, got, w)
		}
		w = w * 3 % 31
	}
}

func TestNormalizeCreditCode(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", ""},
		{"91350100M000100Y43", "91350100M000100Y43"},
		{" 91350100m000100y43\n", "91350100M000100Y43"},
		{"\u3000９１３５０１００Ｍ０００１００ｙ４３\u3000", "91350100M000100Y43"},
		{"企业", "企业"},
	}
	for _, tt := range tests {
		if got := NormalizeCreditCode(tt.in); got != tt.want {
			t.Errorf("NormalizeCreditCode(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestValidateCreditCode(t *testing.T) {
	tests := []struct {
		name, in, msg string
	}{
		{"commonly cited", "91350100M000100Y43", ""},
		{"lower case", "91350100m000100y43", ""},
		{"full-width", "９１３５０１００Ｍ０００１００Ｙ４３", ""},
		{"spaces", "  91350100M000100Y43 ", ""},
		{"check U", "91310000000000000U", ""},
		{"check 0 via 31", "100000000000000100", ""},
		{"authority A", GenerateCreditCode("A1310000MA1FL0000"), ""},
		{"authority N", GenerateCreditCode("N2310000MA1FL0000"), ""},
		{"authority Y", GenerateCreditCode("Y1310000MA1FL0000"), ""},

		{"empty", "", msgCreditLength},
		{"17 chars", "91350100M000100Y4", msgCreditLength},
		{"19 chars", "91350100M000100Y433", msgCreditLength},
		{"inner space", "91350100 M000100Y43", msgCreditLength},
		{"letter I", "91350100I000100Y43", msgCreditChars},
		{"letter O", "91350100O000100Y43", msgCreditChars},
		{"letter Z", "91350100Z000100Y43", msgCreditChars},
		{"letter S", "91350100S000100Y43", msgCreditChars},
		{"letter V", "91350100V000100Y43", msgCreditChars},
		{"chinese rune", "91350100M000100Y4号", msgCreditChars},
		{"dash", "91350100-000100Y43", msgCreditChars},
		{"authority 0", "0" + GenerateCreditCode("91350100M000100Y4")[1:], msgCreditAuthority},
		{"authority B", "B1350100M000100Y43", msgCreditAuthority},
		{"authority X", "X1350100M000100Y43", msgCreditAuthority},
		{"wrong check", "91350100M000100Y44", msgCreditCheck},
		{"wrong check letter", "91350100M000100Y4A", msgCreditCheck},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			identWantFieldError(t, ValidateCreditCode(tt.in), identFieldCreditCode, tt.msg)
		})
	}
}

func TestGenerateCreditCode(t *testing.T) {
	if got := GenerateCreditCode("91350100M000100Y4"); got != "91350100M000100Y43" {
		t.Errorf("GenerateCreditCode = %s", got)
	}
	for _, p := range []string{
		"",
		"91350100M000100Y",   // 16
		"91350100M000100Y43", // 18
		"91350100m000100Y4",  // lower case
		"91350100I000100Y4",  // excluded letter
		"01350100M000100Y4",  // bad authority
		"９1350100M000100Y4",  // full-width
	} {
		t.Run("panics/"+p, func(t *testing.T) {
			defer func() {
				if recover() == nil {
					t.Fatal("no panic")
				}
			}()
			GenerateCreditCode(p)
		})
	}
}

func TestCreditCodeProperties(t *testing.T) {
	rng := rand.New(rand.NewPCG(20240601, 2))
	for n := 0; n < 2000; n++ {
		b := []byte{creditAuthorities[rng.IntN(len(creditAuthorities))]}
		for len(b) < 17 {
			b = append(b, creditCharset[rng.IntN(len(creditCharset))])
		}
		code := GenerateCreditCode(string(b))
		if err := ValidateCreditCode(code); err != nil {
			t.Fatalf("GenerateCreditCode(%s) = %s: %v", b, code, err)
		}
		if lower := strings.ToLower(code); ValidateCreditCode(lower) != nil || ValidateCreditCode(identFullWidth(lower)) != nil {
			t.Fatalf("%s: lower-case / full-width form rejected", code)
		}
		// Weights 3^i are non-zero mod the prime 31 and character values
		// differ by 1..30, so every single substitution changes the sum mod
		// 31 and is caught (or fails earlier on the authority code).
		for i := 0; i < 18; i++ {
			for _, c := range []byte(creditCharset) {
				if c == code[i] {
					continue
				}
				bad := code[:i] + string(c) + code[i+1:]
				if ValidateCreditCode(bad) == nil {
					t.Fatalf("%s → %s (position %d) still validates", code, bad, i+1)
				}
			}
		}
	}
}

func TestNormalizeMobile(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", ""},
		{"13812345678", "13812345678"},
		{"138 1234 5678", "13812345678"},
		{"138-1234-5678", "13812345678"},
		{"+86 138 1234 5678", "13812345678"},
		{"+8613812345678", "13812345678"},
		{"0086-138-1234-5678", "13812345678"},
		{"8613812345678", "13812345678"},
		{"86 138 1234 5678", "13812345678"},
		{"＋８６　１３８－１２３４－５６７８", "13812345678"},
		{"\t13812345678\n", "13812345678"},
		{"86123456789", "86123456789"},             // 11 digits starting with 86: kept
		{"+86123", "+86123"},                       // prefix kept when the rest is not 11 digits
		{"+86+8613812345678", "+86+8613812345678"}, // rest after "+86" is not 11 digits
		{"021-6123 4567", "02161234567"},
	}
	for _, tt := range tests {
		if got := NormalizeMobile(tt.in); got != tt.want {
			t.Errorf("NormalizeMobile(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
	// Stripping happens only when exactly 11 digits remain, so the function
	// is idempotent.
	for _, tt := range tests {
		if n := NormalizeMobile(tt.in); NormalizeMobile(n) != n {
			t.Errorf("NormalizeMobile not idempotent on %q", tt.in)
		}
	}
}

func TestValidateMobile(t *testing.T) {
	tests := []struct {
		in string
		ok bool
	}{
		{"13812345678", true},
		{"19912345678", true},
		{"14512345678", true},
		{"+86 138 1234 5678", true},
		{"0086 13812345678", true},
		{"8613812345678", true},
		{"１３８１２３４５６７８", true},
		{"", false},
		{"1381234567", false},   // 10 digits
		{"138123456789", false}, // 12 digits
		{"12812345678", false},  // 12 prefix
		{"10012345678", false},
		{"23812345678", false},
		{"02161234567", false}, // landline
		{"1381234567a", false},
		{"138123456７８x", false},
		{"+85213812345", false}, // Hong Kong prefix
	}
	for _, tt := range tests {
		msg := ""
		if !tt.ok {
			msg = msgMobile
		}
		t.Run(tt.in, func(t *testing.T) {
			identWantFieldError(t, ValidateMobile(tt.in), identFieldMobile, msg)
		})
	}
}

func TestMaskMobile(t *testing.T) {
	tests := []struct{ in, want string }{
		{"13812345678", "138****5678"},
		{"+86 138-1234-5678", "138****5678"},
		{"１３８１２３４５６７８", "138****5678"},
		{"", ""},
		{"1", "*"},
		{"12", "**"},
		{"123", "*23"},
		{"12812345678", "*********78"}, // invalid prefix
		{"021-6123-4567", "*********67"},
		{"电话号码", "**号码"},
	}
	for _, tt := range tests {
		if got := MaskMobile(tt.in); got != tt.want {
			t.Errorf("MaskMobile(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestMaskIDNumber(t *testing.T) {
	tests := []struct{ in, want string }{
		{"31011519900307123X", "310***********123X"},
		{"11010519491231002x", "110***********002X"},
		{"１１０１０５１９４９１２３１００２Ｘ", "110***********002X"},
		{"110105491231002", "110********1002"}, // old 15-digit
		{"", ""},
		{"1", "*"},
		{"12", "**"},
		{"1234567", "*****67"},
		{"12345678", "123*5678"},
		{"身份证号码未知的", "身份证*码未知的"},
	}
	for _, tt := range tests {
		got := MaskIDNumber(tt.in)
		if got != tt.want {
			t.Errorf("MaskIDNumber(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
	if n := len(MaskIDNumber("31011519900307123X")); n != 18 {
		t.Errorf("masked 18-char ID has length %d", n)
	}
}

func TestMaskName(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", ""},
		{"  ", ""},
		{"张", "*"},
		{"张三", "张*"},
		{"张小明", "张*明"},
		{"欧阳明明", "欧**明"},
		{"司马相如之", "司**之"},
		{"阿卜杜热合曼·买买提", "阿**提"},
		{" 李四 ", "李*"},
		{"Li", "L*"},
		{"John Smith", "J**h"},
		{"𠀋一", "𠀋*"}, // supplementary-plane rune stays whole
	}
	for _, tt := range tests {
		if got := MaskName(tt.in); got != tt.want {
			t.Errorf("MaskName(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestMaskAddress(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", ""},
		{"   ", ""},
		{"上海市浦东新区世纪大道100号", "上海市浦东新****"},
		{"上海市黄浦区", "上海市黄浦区****"},
		{"黄浦区", "黄浦区****"},
		{"  徐汇区漕溪北路 ", "徐汇区漕溪北****"},
		{"Room 1", "Room 1****"},
	}
	for _, tt := range tests {
		if got := MaskAddress(tt.in); got != tt.want {
			t.Errorf("MaskAddress(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func FuzzValidateIDNumber(f *testing.F) {
	for _, s := range []string{
		"11010519491231002X", "11010519491231002x", "１１０１０５１９４９１２３１００２ｘ",
		"310101199003071230", "", "X", "00000000000000000X", "11010519491231002\xff",
		"\u300011010519491231002X\u3000", "110105194902300021",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		err := ValidateIDNumber(s)
		_ = MaskIDNumber(s)
		_ = MaskName(s)
		_ = MaskAddress(s)
		if err != nil {
			var fe *FieldError
			if !errors.As(err, &fe) || fe.Message == "" {
				t.Fatalf("error %v is not a *FieldError with a message", err)
			}
			if _, ok := BirthDateFromID(s); ok {
				t.Fatalf("BirthDateFromID(%q) ok for an invalid number", s)
			}
			return
		}
		n := NormalizeIDNumber(s)
		if NormalizeIDNumber(n) != n {
			t.Fatalf("NormalizeIDNumber not idempotent on %q", s)
		}
		if len(n) != 18 || ValidateIDNumber(n) != nil {
			t.Fatalf("normalised %q of valid %q is not valid", n, s)
		}
		if _, ok := BirthDateFromID(s); !ok {
			t.Fatalf("BirthDateFromID(%q) not ok for a valid number", s)
		}
	})
}

func FuzzValidateCreditCode(f *testing.F) {
	for _, s := range []string{
		"91350100M000100Y43", "91350100m000100y43", "９１３５０１００Ｍ０００１００Ｙ４３",
		"100000000000000100", "", "I", "91350100I000100Y43", "91350100M000100Y4\x80",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		err := ValidateCreditCode(s)
		_ = MaskMobile(s)
		if err != nil {
			var fe *FieldError
			if !errors.As(err, &fe) || fe.Message == "" {
				t.Fatalf("error %v is not a *FieldError with a message", err)
			}
			return
		}
		n := NormalizeCreditCode(s)
		if NormalizeCreditCode(n) != n {
			t.Fatalf("NormalizeCreditCode not idempotent on %q", s)
		}
		if len(n) != 18 || ValidateCreditCode(n) != nil {
			t.Fatalf("normalised %q of valid %q is not valid", n, s)
		}
		if GenerateCreditCode(n[:17]) != n {
			t.Fatalf("GenerateCreditCode(%q) disagrees with the validator", n[:17])
		}
	})
}

func TestRedactLinks(t *testing.T) {
	for in, want := range map[string]string{
		"请点击 https://x.gov.cn/p/abcdEFGH1234_-xyz 进入":   "请点击 https://x.gov.cn/p/… 进入",
		"/consent/Tok_en-12345678 and /sign/ABCDEFGHIJ": "/consent/… and /sign/…",
		"/rate/abcdefgh":     "/rate/…",
		"/cases/12/talk":     "/cases/12/talk",
		"/p/short":           "/p/short",
		"/pages/abcdefghijk": "/pages/abcdefghijk",
	} {
		if got := RedactLinks(in); got != want {
			t.Errorf("RedactLinks(%q) = %q, want %q", in, got, want)
		}
	}
}
