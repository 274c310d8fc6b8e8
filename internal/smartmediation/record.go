// Package smartmediation syncs cases, committees, rooms and mediators to the
// justice administration's 上海智慧调解平台 in the versioned exchange format
// of FORMAT.md (modelled on SF/T 0018-2019): records built purely from our
// store types, an HTTP client with typed, classified errors, a
// reconciliation of what the platform holds against what we have, and an
// XLSX export for districts without API access. The peer subpackage is an
// in-repo implementation of the platform's side for tests and the demo.
package smartmediation

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
)

// FormatVersion is the version of FORMAT.md this package speaks.
const FormatVersion = "1.0"

// CaseRecord is one case as the platform receives it (FORMAT.md "案件").
// Coded fields hold codes of the body's code system; dates are
// YYYY-MM-DD in China Standard Time; amounts are integer fen.
type CaseRecord struct {
	FormatVersion      string        `json:"format_version"`                 // 格式版本
	CodeSystem         string        `json:"code_system"`                    // 代码体系
	CaseCode           string        `json:"case_code"`                      // 案件编码 (the key)
	DocketNumber       string        `json:"docket_number"`                  // 案号
	MediationType      string        `json:"mediation_type"`                 // 调解类型
	CommitteeCode      string        `json:"committee_code"`                 // 调委会编码
	RoomCode           string        `json:"room_code,omitempty"`            // 调解工作室编码
	MediatorCodes      []string      `json:"mediator_codes"`                 // 调解员编码, presiding first
	AcceptedDate       string        `json:"accepted_date"`                  // 受理日期
	DisputeCategory    string        `json:"dispute_category"`               // 纠纷类别
	CaseSource         string        `json:"case_source"`                    // 案件来源
	Difficulty         string        `json:"difficulty"`                     // 案件难度级别
	Summary            string        `json:"summary"`                        // 纠纷简要情况
	Result             string        `json:"result"`                         // 调解结果
	AgreementContent   string        `json:"agreement_content,omitempty"`    // 协议内容
	PerformanceManner  string        `json:"performance_manner,omitempty"`   // 履行方式
	AmountFen          int64         `json:"amount_fen"`                     // 涉案金额
	AgreementAmountFen int64         `json:"agreement_amount_fen,omitempty"` // 协议金额
	AgreementDate      string        `json:"agreement_date,omitempty"`       // 协议日期
	PerformanceStatus  string        `json:"performance_status,omitempty"`   // 协议履行情况
	MediationDate      string        `json:"mediation_date,omitempty"`       // 调解日期
	Satisfied          *bool         `json:"satisfied,omitempty"`            // 是否满意; nil: not asked
	PersonsInvolved    int           `json:"persons_involved"`               // 涉及人数
	Parties            []PartyRecord `json:"parties"`                        // 当事人
}

// PartyRecord is one party of a case. It never carries a full phone
// number or an ID number (FORMAT.md "当事人").
type PartyRecord struct {
	Role        string `json:"role"`                   // 当事人类型: 申请人/被申请人
	Kind        string `json:"kind"`                   // 主体类型: 自然人/法人/…
	Name        string `json:"name"`                   // 姓名或名称
	PhoneMasked string `json:"phone_masked,omitempty"` // 联系电话（脱敏）
	CreditCode  string `json:"credit_code,omitempty"`  // 统一社会信用代码
}

// OrgRecord is a committee or a mediation room.
type OrgRecord struct {
	FormatVersion string `json:"format_version"`
	CodeSystem    string `json:"code_system"`
	Code          string `json:"code"`                  // 调委会编码 / 工作室编码
	Name          string `json:"name"`                  // 名称
	Type          string `json:"type"`                  // 组织类型
	ParentCode    string `json:"parent_code,omitempty"` // 上级编码: a room's committee
	Address       string `json:"address,omitempty"`     // 地址
}

// MediatorRecord is a mediator (no ID number in v1).
type MediatorRecord struct {
	FormatVersion string `json:"format_version"`
	CodeSystem    string `json:"code_system"`
	Code          string `json:"code"`                // 调解员编码
	Name          string `json:"name"`                // 姓名
	CommitteeCode string `json:"committee_code"`      // 所属调委会编码
	RoomCode      string `json:"room_code,omitempty"` // 所属工作室编码
	Employment    string `json:"employment"`          // 专职/兼职
	Active        bool   `json:"active"`              // 在册
}

// Digest is the hex SHA-256 of a record's canonical JSON (FORMAT.md
// "摘要"): keys in declaration order, no insignificant whitespace, no HTML
// escaping, lists always arrays. Both sides compute it from the record they
// hold, so an identical body is "unchanged" and reconciliation can compare
// contents without fetching them.
func Digest(rec CaseRecord) string {
	b, err := CanonicalJSON(rec)
	if err != nil {
		panic("smartmediation: a case record always encodes: " + err.Error())
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// CanonicalJSON is the canonical form of a record, the body the client sends.
func CanonicalJSON(v any) ([]byte, error) {
	if rec, ok := v.(CaseRecord); ok {
		v = rec.normalized()
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
}

// normalized makes absent lists empty, so null and [] digest alike.
func (r CaseRecord) normalized() CaseRecord {
	if r.MediatorCodes == nil {
		r.MediatorCodes = []string{}
	}
	if r.Parties == nil {
		r.Parties = []PartyRecord{}
	}
	return r
}
