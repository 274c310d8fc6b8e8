package importer

import (
	"slices"
	"strings"
	"unicode"

	"golang.org/x/text/width"
)

// Field is a Complaint field an export column can fill.
type Field string

// The fields an export column can fill.
const (
	FieldExternalID      Field = "external_id"
	FieldReceivedAt      Field = "received_at"
	FieldComplainantName Field = "complainant_name"
	FieldPhone           Field = "phone"
	FieldIDNumber        Field = "id_number"
	FieldMerchantName    Field = "merchant_name"
	FieldCreditCode      Field = "credit_code"
	FieldMerchantAddress Field = "merchant_address"
	FieldDescription     Field = "description"
	FieldClaim           Field = "claim"
	FieldClaimAmount     Field = "claim_amount"
	FieldCategory        Field = "category"
)

// fieldOrder is the order fields are listed in messages.
var fieldOrder = []Field{
	FieldExternalID, FieldReceivedAt, FieldComplainantName, FieldPhone, FieldIDNumber,
	FieldMerchantName, FieldCreditCode, FieldMerchantAddress, FieldDescription,
	FieldClaim, FieldClaimAmount, FieldCategory,
}

// aliasTable lists, per field, the header names real 12315 exports use. The
// first name is the field's label in messages. It is never modified; Aliases
// hands out copies.
var aliasTable = map[Field][]string{
	FieldExternalID:      {"投诉编号", "工单编号", "投诉单号", "登记编号", "投诉登记号"},
	FieldReceivedAt:      {"登记时间", "投诉日期", "受理时间", "投诉时间", "登记日期", "受理日期"},
	FieldComplainantName: {"投诉人", "消费者姓名", "投诉人姓名", "消费者"},
	FieldPhone:           {"联系电话", "投诉人电话", "手机号码", "手机号", "投诉人手机", "消费者电话"},
	FieldIDNumber:        {"证件号码", "身份证号", "身份证号码", "投诉人证件号码"},
	FieldMerchantName:    {"被投诉人", "经营者名称", "被投诉单位", "被投诉经营者", "被投诉方"},
	FieldCreditCode:      {"统一社会信用代码", "信用代码", "经营者统一社会信用代码", "被投诉人统一社会信用代码"},
	FieldMerchantAddress: {"经营者地址", "被投诉人地址", "经营地址", "被投诉单位地址"},
	FieldDescription:     {"投诉内容", "问题描述", "投诉问题", "投诉事由"},
	FieldClaim:           {"诉求", "投诉诉求", "消费者诉求"},
	FieldClaimAmount:     {"涉及金额", "争议金额", "金额（元）", "投诉金额"},
	FieldCategory:        {"商品类别", "服务类别", "商品/服务类别", "商品或服务类别", "投诉类别"},
}

// requiredFields must each have a column; in addition one of
// credit_code / merchant_address must.
var requiredFields = []Field{FieldExternalID, FieldComplainantName, FieldPhone, FieldMerchantName, FieldDescription}

// aliasIndex maps a normalized header name to its field.
var aliasIndex = func() map[string]Field {
	m := map[string]Field{}
	for f, names := range aliasTable {
		for _, n := range names {
			m[normalizeHeader(n)] = f
		}
	}
	return m
}()

// Fields returns every field, in the order used in messages.
func Fields() []Field { return slices.Clone(fieldOrder) }

// Aliases returns a copy of the table of accepted header names per field.
// Matching ignores white space, full-width/half-width differences, a
// leading "*" (required-column marker) and a trailing unit "（元）"/"(元)"
// or colon.
func Aliases() map[Field][]string {
	out := make(map[Field][]string, len(aliasTable))
	for f, names := range aliasTable {
		out[f] = slices.Clone(names)
	}
	return out
}

// Label is the field's Chinese name in messages (its first alias).
func (f Field) Label() string {
	if names := aliasTable[f]; len(names) > 0 {
		return names[0]
	}
	return string(f)
}

// MatchHeader returns the field a header cell names, if any.
func MatchHeader(cell string) (Field, bool) {
	f, ok := aliasIndex[normalizeHeader(cell)]
	return f, ok
}

// normalizeHeader folds a header cell to the form aliases are compared in.
func normalizeHeader(s string) string {
	s = width.Fold.String(s)
	s = strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) || r == '\u200b' || r == '\ufeff' {
			return -1
		}
		return unicode.ToLower(r)
	}, s)
	s = strings.TrimLeft(s, "*")
	for {
		t := strings.TrimRight(s, ":*")
		for _, suf := range []string{"(元)", "(单位:元)", "(人民币元)", "[元]"} {
			t = strings.TrimSuffix(t, suf)
		}
		if t == s {
			return s
		}
		s = t
	}
}
