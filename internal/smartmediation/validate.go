package smartmediation

import (
	"fmt"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/tiaojie/tiaojie/internal/domain"
)

// FieldError is one refused field: its JSON path (e.g. "parties.1.name")
// and a Chinese message naming the field.
type FieldError struct {
	Field   string `json:"field"`
	Message string `json:"message"`
}

// ValidationError lists every refused field of a record.
type ValidationError struct{ Fields []FieldError }

func (e *ValidationError) Error() string {
	msgs := make([]string, len(e.Fields))
	for i, f := range e.Fields {
		msgs[i] = f.Message
	}
	return strings.Join(msgs, "；")
}

// Limits of free text, in characters.
const (
	MaxSummary   = 2000
	MaxAgreement = 2000
	maxName      = 100
	maxDocket    = 64
	maxAddress   = 200
)

// codePattern: codes travel in URL paths, so they stay ASCII.
var codePattern = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$`)

// ValidCode reports whether s may be a case, organisation or mediator code.
func ValidCode(s string) bool { return codePattern.MatchString(s) }

// SupportedVersion reports whether a body's format_version is one this
// side reads: major version 1, any minor (unknown fields are ignored).
func SupportedVersion(v string) bool {
	minor, ok := strings.CutPrefix(v, "1.")
	if !ok || minor == "" {
		return false
	}
	for _, r := range minor {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

// checker gathers field errors in order.
type checker struct {
	codes *Codes
	errs  []FieldError
}

func (c *checker) add(field, format string, args ...any) {
	c.errs = append(c.errs, FieldError{field, fmt.Sprintf(format, args...)})
}

func (c *checker) header(version, system string) {
	if !SupportedVersion(version) {
		c.add("format_version", "格式版本“%s”不受支持，应为1.x", version)
	}
	if system != c.codes.System() {
		c.add("code_system", "代码体系“%s”不受支持，应为%s", system, c.codes.System())
	}
}

func (c *checker) code(field, label, value string, required bool) {
	if value == "" {
		if required {
			c.add(field, "%s：必填", label)
		}
		return
	}
	if !ValidCode(value) {
		c.add(field, "%s“%s”格式不正确（1至64位字母、数字、点、横线或下划线）", label, value)
	}
}

func (c *checker) coded(field, table, value string, required bool) {
	if value == "" {
		if required {
			c.add(field, "%s：必填", TableName(table))
		}
		return
	}
	if !c.codes.Valid(table, value) {
		c.add(field, "%s代码“%s”不在代码表中", TableName(table), value)
	}
}

func (c *checker) text(field, label, value string, required bool, max int) {
	n := utf8.RuneCountInString(strings.TrimSpace(value))
	switch {
	case n == 0 && required:
		c.add(field, "%s：必填", label)
	case n > max:
		c.add(field, "%s：不能超过%d字", label, max)
	case holdsNumber(value):
		c.add(field, "%s：含有完整的电话、证件或账号号码，须脱敏后报送", label)
	}
}

// date parses a YYYY-MM-DD field; ok is false when absent or invalid.
func (c *checker) date(field, label, value string, required bool) (time.Time, bool) {
	if value == "" {
		if required {
			c.add(field, "%s：必填", label)
		}
		return time.Time{}, false
	}
	d, err := time.Parse(time.DateOnly, value)
	if err != nil {
		c.add(field, "%s“%s”应为YYYY-MM-DD格式的日期", label, value)
		return time.Time{}, false
	}
	return d, true
}

func (c *checker) result() error {
	if len(c.errs) == 0 {
		return nil
	}
	return &ValidationError{Fields: c.errs}
}

// Validate checks a case record against FORMAT.md with the given code
// tables; both sides run it. A refusal is a *ValidationError.
func (r CaseRecord) Validate(codes *Codes) error {
	c := &checker{codes: codes}
	c.header(r.FormatVersion, r.CodeSystem)
	c.code("case_code", "案件编码", r.CaseCode, true)
	c.text("docket_number", "案号", r.DocketNumber, true, maxDocket)
	c.coded("mediation_type", TableMediationType, r.MediationType, true)
	c.code("committee_code", "调委会编码", r.CommitteeCode, true)
	c.code("room_code", "调解工作室编码", r.RoomCode, false)
	seen := map[string]bool{}
	for i, m := range r.MediatorCodes {
		f := fmt.Sprintf("mediator_codes.%d", i)
		c.code(f, "调解员编码", m, true)
		if seen[m] {
			c.add(f, "调解员编码“%s”重复", m)
		}
		seen[m] = true
	}
	accepted, hasAccepted := c.date("accepted_date", "受理日期", r.AcceptedDate, true)
	c.coded("dispute_category", TableDisputeCategory, r.DisputeCategory, true)
	c.coded("case_source", TableCaseSource, r.CaseSource, true)
	c.coded("difficulty", TableDifficulty, r.Difficulty, true)
	c.text("summary", "纠纷简要情况", r.Summary, true, MaxSummary)
	c.coded("result", TableResult, r.Result, true)
	c.outcome(r)
	if r.AmountFen < 0 {
		c.add("amount_fen", "涉案金额不能为负数")
	}
	if r.AgreementAmountFen < 0 {
		c.add("agreement_amount_fen", "协议金额不能为负数")
	}
	for _, d := range []struct{ field, label, value string }{
		{"agreement_date", "协议日期", r.AgreementDate}, {"mediation_date", "调解日期", r.MediationDate},
	} {
		if t, ok := c.date(d.field, d.label, d.value, false); ok && hasAccepted && t.Before(accepted) {
			c.add(d.field, "%s不能早于受理日期", d.label)
		}
	}
	c.parties(r)
	return c.result()
}

// outcome checks what depends on the result: an agreement's fields belong
// to a successful case only, and a mediated case names its mediator.
func (c *checker) outcome(r CaseRecord) {
	agreed := c.codes.is(TableResult, r.Result, outcomeAgreed)
	if agreed {
		c.text("agreement_content", "协议内容", r.AgreementContent, true, MaxAgreement)
		c.coded("performance_manner", TablePerformanceManner, r.PerformanceManner, true)
		if r.AgreementDate == "" {
			c.add("agreement_date", "协议日期：必填")
		}
		c.coded("performance_status", TablePerformanceStatus, r.PerformanceStatus, true)
	} else {
		for _, f := range []struct{ field, label, value string }{
			{"agreement_content", "协议内容", r.AgreementContent}, {"performance_manner", "履行方式", r.PerformanceManner},
			{"agreement_date", "协议日期", r.AgreementDate}, {"performance_status", "协议履行情况", r.PerformanceStatus},
		} {
			if f.value != "" {
				c.add(f.field, "%s：调解未成功的案件不填写", f.label)
			}
		}
		if r.AgreementAmountFen != 0 {
			c.add("agreement_amount_fen", "协议金额：调解未成功的案件不填写")
		}
	}
	if (agreed || c.codes.is(TableResult, r.Result, outcomeNotAgreed)) && len(r.MediatorCodes) == 0 {
		c.add("mediator_codes", "调解员编码：经调解的案件至少填写一名调解员")
	}
}

func (c *checker) parties(r CaseRecord) {
	roles := map[string]int{}
	for i, p := range r.Parties {
		f := func(name string) string { return fmt.Sprintf("parties.%d.%s", i, name) }
		n := fmt.Sprintf("第%d名当事人", i+1)
		c.coded(f("role"), TablePartyRole, p.Role, true)
		roles[p.Role]++
		c.coded(f("kind"), TablePartyKind, p.Kind, true)
		c.text(f("name"), n+"姓名或名称", p.Name, true, maxName)
		if p.PhoneMasked != "" && !maskedPhone(p.PhoneMasked) {
			c.add(f("phone_masked"), "%s联系电话须脱敏后报送（如138****5678）", n)
		}
		switch {
		case p.CreditCode == "":
		case c.codes.is(TablePartyKind, p.Kind, kindPerson):
			c.add(f("credit_code"), "%s为自然人，不填写统一社会信用代码", n)
		case domain.ValidateCreditCode(p.CreditCode) != nil:
			c.add(f("credit_code"), "%s统一社会信用代码：%s", n, domain.ValidateCreditCode(p.CreditCode).Error())
		}
	}
	for _, want := range []struct{ ours, label string }{{"consumer", "申请人"}, {"merchant", "被申请人"}} {
		if code, _ := c.codes.ForOurs(TablePartyRole, want.ours); roles[code] == 0 {
			c.add("parties", "当事人：至少须有一名%s", want.label)
		}
	}
	if r.PersonsInvolved < len(r.Parties) {
		c.add("persons_involved", "涉及人数不能少于当事人人数（%d）", len(r.Parties))
	}
}

// Validate checks an organisation record.
func (o OrgRecord) Validate(codes *Codes) error {
	c := &checker{codes: codes}
	c.header(o.FormatVersion, o.CodeSystem)
	c.code("code", "组织编码", o.Code, true)
	c.text("name", "名称", o.Name, true, maxName)
	c.coded("type", TableOrgType, o.Type, true)
	c.code("parent_code", "上级编码", o.ParentCode, !c.codes.is(TableOrgType, o.Type, string(domain.OrgCommittee)))
	if o.ParentCode != "" && o.ParentCode == o.Code {
		c.add("parent_code", "上级编码不能是本组织")
	}
	c.text("address", "地址", o.Address, false, maxAddress)
	return c.result()
}

// Validate checks a mediator record.
func (m MediatorRecord) Validate(codes *Codes) error {
	c := &checker{codes: codes}
	c.header(m.FormatVersion, m.CodeSystem)
	c.code("code", "调解员编码", m.Code, true)
	c.text("name", "姓名", m.Name, true, maxName)
	c.code("committee_code", "所属调委会编码", m.CommitteeCode, true)
	c.code("room_code", "所属工作室编码", m.RoomCode, false)
	c.coded("employment", TableEmployment, m.Employment, true)
	return c.result()
}
