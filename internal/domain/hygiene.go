package domain

// Input hygiene: characters that have no business in what people type are
// refused, never silently replaced or dropped, so what is stored is what was
// seen. Every transport applies CheckText to every value it receives (form
// values, query parameters, every string of a JSON body); validators of
// single-line fields (names, merchant names, identifiers) apply CheckLine.
// docs/security.md "Input hygiene" states the rules.

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// Hygiene messages. %s is the field's label (FieldLabel).
const (
	msgHygieneEncoding = "%s含有无法识别的字符（编码无效），请重新输入"
	msgHygieneControl  = "%s含有不可见的控制字符或方向控制符，请删除后重新输入"
	msgHygieneLine     = "%s不能换行或含有制表符，请在一行内填写"
)

// bidiControl reports the bidirectional formatting characters: embeddings
// and overrides (U+202A–U+202E), isolates (U+2066–U+2069), the marks
// U+200E/U+200F and the Arabic letter mark U+061C. They reorder how text is
// displayed ("Trojan Source"), so a name can show as something it is not.
func bidiControl(r rune) bool {
	return r >= 0x202A && r <= 0x202E || r >= 0x2066 && r <= 0x2069 || r == 0x200E || r == 0x200F || r == 0x061C
}

// nonCharacter reports Unicode non-characters (U+FDD0–U+FDEF and the last
// two code points of every plane), never meant for interchange.
func nonCharacter(r rune) bool {
	return r >= 0xFDD0 && r <= 0xFDEF || r&0xFFFE == 0xFFFE
}

// invisible reports zero-width and other invisible characters that let two
// single-line values look the same while differing: zero-width space,
// non-joiner and joiner, word joiner, invisible operators, the byte order
// mark, soft hyphen, Mongolian vowel separator, Hangul fillers and the line
// and paragraph separators. Free text may keep them (emoji sequences use the
// joiner); names and identifiers may not.
func invisible(r rune) bool {
	switch {
	case r >= 0x200B && r <= 0x200D, r >= 0x2060 && r <= 0x2064, r == 0x2028, r == 0x2029,
		r == 0xFEFF, r == 0x00AD, r == 0x180E, r == 0x115F, r == 0x1160, r == 0x3164, r == 0xFFA0:
		return true
	}
	return false
}

// TextFault says what is wrong with a value; "" is nothing.
type TextFault string

// The faults CheckText and CheckLine find.
const (
	FaultNone     TextFault = ""
	FaultEncoding TextFault = "encoding" // invalid UTF-8, or U+FFFD standing for bytes already lost
	FaultControl  TextFault = "control"  // a control, bidi, non-character (or, single-line, invisible) character
	FaultLine     TextFault = "line"     // a newline or tab in a single-line field
)

// TextFaultOf checks s. Multi-line text may hold newlines (LF, and CR as
// browsers send CRLF) and tabs; single-line text holds neither, nor
// invisible characters. Both refuse invalid UTF-8, U+FFFD, other C0 and C1
// controls, DEL, bidi controls and non-characters.
func TextFaultOf(s string, multiline bool) TextFault {
	fault := FaultNone
	for _, r := range s {
		switch {
		case r == utf8.RuneError:
			// Invalid bytes, or U+FFFD itself: a decoder upstream already lost something.
			return FaultEncoding
		case r == '\n' || r == '\r' || r == '\t':
			if !multiline {
				fault = FaultLine
			}
		case r < 0x20 || r >= 0x7F && r <= 0x9F, bidiControl(r), nonCharacter(r):
			return FaultControl
		case !multiline && invisible(r):
			return FaultControl
		}
	}
	return fault
}

// FaultMessage is the Chinese message for a fault in the field labelled label.
func FaultMessage(f TextFault, label string) string {
	switch f {
	case FaultEncoding:
		return fmt.Sprintf(msgHygieneEncoding, label)
	case FaultControl:
		return fmt.Sprintf(msgHygieneControl, label)
	case FaultLine:
		return fmt.Sprintf(msgHygieneLine, label)
	}
	return ""
}

// CheckText checks a multi-line value; field is the machine name, the label
// comes from FieldLabel. nil when the value is clean.
func CheckText(field, s string) *FieldError {
	if f := TextFaultOf(s, true); f != FaultNone {
		return &FieldError{Field: field, Message: FaultMessage(f, FieldLabel(field))}
	}
	return nil
}

// CheckLine checks a single-line value (a name, a merchant name, an
// identifier, any <input>).
func CheckLine(field, s string) *FieldError {
	if f := TextFaultOf(s, false); f != FaultNone {
		return &FieldError{Field: field, Message: FaultMessage(f, FieldLabel(field))}
	}
	return nil
}

// fieldLabels are the Chinese names of the fields people fill in most, for
// the hygiene messages; others are named by their machine name.
var fieldLabels = map[string]string{
	"name": "名称", "display_name": "姓名", "username": "用户名", "password": "密码",
	"complainant_name": "投诉人姓名", "consumer_name": "消费者姓名", "party_name": "当事人姓名",
	"merchant_name": "经营者名称", "merchant": "经营者名称", "merchant_address": "经营地址", "address": "地址",
	"phone": "手机号码", "mobile": "手机号码", "id_number": "身份证号码", "credit_code": "统一社会信用代码",
	"case_number": "案件编号", "number": "编号", "external_id": "投诉编号", "court_number": "法院案号",
	"description": "纠纷描述", "claim": "诉求", "facts": "主要事实和争议事项", "responsibility": "各方当事人的责任",
	"minutes": "会议记录", "record": "调解情况", "situation": "调解情况", "note": "备注", "reason": "理由",
	"body": "内容", "text": "内容", "comment": "评价", "title": "标题", "summary": "摘要", "q": "查询条件",
	"content": "履行内容", "manner": "履行方式", "contact": "联系人", "remarks": "备注",
}

// FieldLabel is the Chinese label of a field for messages: its known name,
// else “字段 x” with the machine name (the last path element for
// "terms.0.content").
func FieldLabel(field string) string {
	key := field
	if i := strings.LastIndexByte(key, '.'); i >= 0 {
		key = key[i+1:]
	}
	if l, ok := fieldLabels[key]; ok {
		return l
	}
	if field == "" {
		return "提交的内容"
	}
	return "字段 " + field + " "
}

// NormalizeIdentifier is the normal form of an identifier typed by a person
// (a username, a case or complaint number, a court number): NFKC, so
// full-width letters and digits and compatibility forms become their plain
// forms, with surrounding white space trimmed. It is idempotent.
func NormalizeIdentifier(s string) string {
	// Invalid bytes become U+FFFD first, as strings.Map would later: NFKC
	// leaves the text after them unnormalised, and a second pass would not
	// (found by FuzzCaseNumber). Such a value is refused anyway (CheckLine).
	s = strings.ToValidUTF8(s, "\uFFFD")
	s = strings.TrimSpace(norm.NFKC.String(s))
	// NFKC can expose spaces (U+3000 → U+0020) at the ends; trimming once
	// more keeps NormalizeIdentifier(NormalizeIdentifier(s)) == NormalizeIdentifier(s).
	for {
		t := strings.TrimSpace(norm.NFKC.String(s))
		if t == s {
			return s
		}
		s = t
	}
}
