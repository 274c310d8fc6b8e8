package domain

import (
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

func TestHygieneRefuses(t *testing.T) {
	bad := map[string]TextFault{
		"李\u202E雷": FaultControl, "李\u202A雷": FaultControl, "李\u2066雷": FaultControl, "李\u2069雷": FaultControl,
		"李\u200E雷": FaultControl, "李\u200F雷": FaultControl, "李\u061C雷": FaultControl,
		"李\x00雷": FaultControl, "李\x1b[31m雷": FaultControl, "李\x7f雷": FaultControl, "李\u0085雷": FaultControl, "李\u009b雷": FaultControl,
		"李\uFDD0雷": FaultControl, "李\U0001FFFE雷": FaultControl, "李\uFFFF雷": FaultControl,
		"李\xff雷": FaultEncoding, "李\xe6\x9d雷": FaultEncoding, "李\uFFFD雷": FaultEncoding,
	}
	for s, want := range bad {
		for _, multi := range []bool{false, true} {
			if got := TextFaultOf(s, multi); got != want {
				t.Errorf("TextFaultOf(%q, %v) = %q, want %q", s, multi, got, want)
			}
		}
	}
	// Single-line only: line breaks, tabs and invisible characters.
	for s, want := range map[string]TextFault{"李\n雷": FaultLine, "李\r雷": FaultLine, "李\t雷": FaultLine,
		"李\u200b雷": FaultControl, "李\u200d雷": FaultControl, "\ufeff李雷": FaultControl, "李\u2028雷": FaultControl, "李\u00ad雷": FaultControl} {
		if got := TextFaultOf(s, false); got != want {
			t.Errorf("single-line %q: %q, want %q", s, got, want)
		}
		if got := TextFaultOf(s, true); got != FaultNone {
			t.Errorf("multi-line %q: %q, want accepted", s, got)
		}
	}
	for _, s := range []string{"", "李雷", "上海某某健身有限公司", "O'Brien-Smith Jr.", "（2026）浦消调字第00123号", "阿卜杜拉·艾买提", "👨‍👩‍👧", "ｆｕｌｌ　ｗｉｄｔｈ"} {
		if s == "👨‍👩‍👧" {
			if TextFaultOf(s, true) != FaultNone {
				t.Errorf("emoji sequence refused in free text")
			}
			continue
		}
		if f := TextFaultOf(s, false); f != FaultNone {
			t.Errorf("clean %q refused: %q", s, f)
		}
	}
	if fe := CheckLine("complainant_name", "李\u202E雷"); fe == nil || fe.Field != "complainant_name" || fe.Message != "投诉人姓名含有不可见的控制字符或方向控制符，请删除后重新输入" {
		t.Errorf("CheckLine message: %+v", fe)
	}
	if fe := CheckText("x_notes", "\x01"); fe == nil || !strings.Contains(fe.Message, "字段 x_notes") {
		t.Errorf("unknown field not named: %+v", fe)
	}
	if fe := CheckText("terms.0.content", "\u202E"); fe == nil || !strings.HasPrefix(fe.Message, "履行内容") {
		t.Errorf("path label: %+v", fe)
	}
}

func TestNormalizeIdentifier(t *testing.T) {
	for in, want := range map[string]string{
		"ａｄｍｉｎ０１": "admin01", "\u3000A-12345\u3000": "A-12345", "（２０２６）浦消调字第００１２３号": "(2026)浦消调字第00123号", "ﬁ": "fi",
	} {
		if got := NormalizeIdentifier(in); got != want {
			t.Errorf("NormalizeIdentifier(%q) = %q, want %q", in, got, want)
		}
	}
}

// FuzzHygiene: what CheckLine accepts CheckText accepts; an accepted value
// holds none of the refused characters; NormalizeIdentifier is idempotent
// and keeps a clean value clean.
func FuzzHygiene(f *testing.F) {
	for _, s := range []string{"李雷", "李\u202E雷", "\xff", "a\r\nb\tc", "\u200b", "\U0010FFFF", "\uFFFD", "ｆｕｌｌ\u3000", "\u0301a", " \u3000\u0301 ", "\ufb01"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		line, text := TextFaultOf(s, false), TextFaultOf(s, true)
		if line == FaultNone && text != FaultNone {
			t.Fatalf("%q: single-line accepted, multi-line %q", s, text)
		}
		if text == FaultNone {
			if !utf8.ValidString(s) {
				t.Fatalf("accepted invalid UTF-8 %q", s)
			}
			for _, r := range s {
				if bidiControl(r) || nonCharacter(r) || r == utf8.RuneError || (r < 0x20 && r != '\n' && r != '\r' && r != '\t') || (r >= 0x7f && r <= 0x9f) {
					t.Fatalf("accepted %U in %q", r, s)
				}
			}
		}
		if line == FaultNone && strings.ContainsAny(s, "\n\r\t\u200b\ufeff") {
			t.Fatalf("single-line accepted %q", s)
		}
		if text != FaultNone && FaultMessage(text, "姓名") == "" {
			t.Fatalf("no message for %q", text)
		}
		n := NormalizeIdentifier(s)
		if NormalizeIdentifier(n) != n {
			t.Fatalf("NormalizeIdentifier not idempotent: %q → %q → %q", s, n, NormalizeIdentifier(n))
		}
		if line == FaultNone && utf8.ValidString(s) && strings.TrimSpace(n) != n {
			t.Fatalf("NormalizeIdentifier(%q) = %q untrimmed", s, n)
		}
	})
}

// FuzzValidateMobile: no panic; a valid number normalises to 11 ASCII
// digits, which validate again; normalisation is idempotent on valid input
// and masking never shows the middle four digits.
func FuzzValidateMobile(f *testing.F) {
	for _, s := range []string{"13812345678", "+86 138-1234-5678", "0086 13812345678", "8613812345678", "１３８１２３４５６７８",
		"138\u30001234\u30005678", "12812345678", "", "+86", "86861381234567", "138123456789", "\xff13812345678"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		masked := MaskMobile(s)
		if err := ValidateMobile(s); err != nil {
			if _, ok := err.(*FieldError); !ok {
				t.Fatalf("error %T", err)
			}
			return
		}
		n := NormalizeMobile(s)
		if len(n) != 11 || !identAllDigits(n) || ValidateMobile(n) != nil || NormalizeMobile(n) != n {
			t.Fatalf("valid %q normalised to %q", s, n)
		}
		if masked != n[:3]+"****"+n[7:] {
			t.Fatalf("MaskMobile(%q) = %q", s, masked)
		}
	})
}

// FuzzValidateAgreement: the agreement checks never panic, every problem has
// a field and a Chinese message, and an accepted agreement holds no bidi or
// control character and is accepted again.
func FuzzValidateAgreement(f *testing.F) {
	f.Add("健身房闭店，预付卡余额无法退还，双方就退款发生争议。", "经营者未履行合同，应退还余额。", "退还预付卡余额", "银行转账", "2031-01-31", int64(300000), "consumer", "refund")
	f.Add("事实\u202E很长很长很长很长", "责任\x00", "内容\n", "方式\t", "2020-02-30", int64(-1), "seal", "x")
	f.Add("", "", "", "", "", int64(0), "", "")
	today := time.Date(2030, 6, 1, 10, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, facts, resp, content, manner, deadline string, amount int64, party, kind string) {
		a := AgreementContent{Facts: facts, Responsibility: resp, Terms: []Term{{Party: party, Content: content, AmountFen: amount, Manner: manner, Deadline: deadline, Kind: kind}}}
		errs := ValidateAgreement(a, today)
		for _, e := range errs {
			if e == nil || e.Field == "" || e.Message == "" || !utf8.ValidString(e.Message) {
				t.Fatalf("bad problem %+v", e)
			}
		}
		if len(errs) > 0 {
			return
		}
		for _, s := range []string{content, manner} {
			if TextFaultOf(s, false) != FaultNone {
				t.Fatalf("accepted single-line %q", s)
			}
		}
		for _, s := range []string{facts, resp} {
			if TextFaultOf(s, true) != FaultNone {
				t.Fatalf("accepted text %q", s)
			}
		}
		if amount <= 0 || (party != "consumer" && party != "merchant") {
			t.Fatalf("accepted %d %q", amount, party)
		}
		if again := ValidateAgreement(a, today); len(again) != 0 {
			t.Fatalf("not stable: %v", again)
		}
	})
}

// FuzzCaseNumber: a case number as CaseNumber writes it survives
// NormalizeCaseNumber, and so does its full-width or half-width retyping;
// the normaliser is idempotent on anything.
func FuzzCaseNumber(f *testing.F) {
	f.Add(2026, "浦", int64(123), "（2026）浦消调字第00123号")
	f.Add(1999, "徐", int64(99999), "(２０２６)浦消调字第 00123 号")
	f.Add(0, "", int64(-1), "\u3000（\u0301")
	f.Fuzz(func(t *testing.T, year int, abbr string, seq int64, typed string) {
		n := NormalizeCaseNumber(typed)
		if NormalizeCaseNumber(n) != n {
			t.Fatalf("not idempotent: %q → %q → %q", typed, n, NormalizeCaseNumber(n))
		}
		if year < 2000 || year > 2100 || seq < 0 || seq > 99999 || !utf8.ValidString(abbr) || utf8.RuneCountInString(abbr) < 1 || utf8.RuneCountInString(abbr) > 2 {
			return
		}
		for _, r := range abbr {
			if r < 0x4E00 || r > 0x9FFF { // committees' abbreviations are ideographs
				return
			}
		}
		c := CaseNumber(year, abbr, seq)
		if NormalizeCaseNumber(c) != c {
			t.Fatalf("canonical %q normalised to %q", c, NormalizeCaseNumber(c))
		}
		if !IsCaseNumber(c) {
			t.Fatalf("IsCaseNumber(%q) = false", c)
		}
		wide := strings.Map(identWide, c)
		if NormalizeCaseNumber(wide) != c || NormalizeCaseNumber(strings.NewReplacer("（", "(", "）", ")").Replace(c)) != c {
			t.Fatalf("retyped %q does not find %q", wide, c)
		}
	})
}

// identWide is identHalfWidth's inverse on ASCII digits.
func identWide(r rune) rune {
	if r >= '0' && r <= '9' {
		return r + 0xFEE0
	}
	return r
}
