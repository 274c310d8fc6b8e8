package smartmediation_test

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"testing"

	sm "github.com/tiaojie/tiaojie/internal/smartmediation"
)

// fieldsOf returns the refused fields of err, failing unless it is a *ValidationError.
func fieldsOf(t *testing.T, err error) []sm.FieldError {
	t.Helper()
	var ve *sm.ValidationError
	if !errors.As(err, &ve) {
		t.Fatalf("err = %v, want a *ValidationError", err)
	}
	if ve.Error() == "" {
		t.Error("a validation error has a message")
	}
	return ve.Fields
}

func TestValidateCase(t *testing.T) {
	open := func() sm.CaseRecord { return mustBuild(t, minimalSource()) }
	agreed := func() sm.CaseRecord { return mustBuild(t, fullSource()) }
	tests := []struct {
		name   string
		base   func() sm.CaseRecord
		change func(*sm.CaseRecord)
		field  string
		msg    string // "" only checks the field
	}{
		{"major version 2", open, func(r *sm.CaseRecord) { r.FormatVersion = "2.0" }, "format_version", "格式版本“2.0”不受支持，应为1.x"},
		{"other code system", open, func(r *sm.CaseRecord) { r.CodeSystem = "sft0018" }, "code_system", ""},
		{"case code with Chinese", open, func(r *sm.CaseRecord) { r.CaseCode = "浦-1" }, "case_code", ""},
		{"case code too long", open, func(r *sm.CaseRecord) { r.CaseCode = strings.Repeat("a", 65) }, "case_code", ""},
		{"no docket", open, func(r *sm.CaseRecord) { r.DocketNumber = "" }, "docket_number", "案号：必填"},
		{"unknown category code", open, func(r *sm.CaseRecord) { r.DisputeCategory = "77" }, "dispute_category", "纠纷类别代码“77”不在代码表中"},
		{"unknown source", open, func(r *sm.CaseRecord) { r.CaseSource = "77" }, "case_source", ""},
		{"unknown difficulty", open, func(r *sm.CaseRecord) { r.Difficulty = "" }, "difficulty", "案件难度级别：必填"},
		{"unknown type", open, func(r *sm.CaseRecord) { r.MediationType = "7" }, "mediation_type", ""},
		{"unknown result", open, func(r *sm.CaseRecord) { r.Result = "7" }, "result", ""},
		{"bad room code", open, func(r *sm.CaseRecord) { r.RoomCode = "a b" }, "room_code", ""},
		{"mediator twice", agreed, func(r *sm.CaseRecord) { r.MediatorCodes = []string{"M1", "M1"} }, "mediator_codes.1", "调解员编码“M1”重复"},
		{"date format", open, func(r *sm.CaseRecord) { r.AcceptedDate = "2026/01/05" }, "accepted_date", ""},
		{"agreement before acceptance", agreed, func(r *sm.CaseRecord) { r.AgreementDate = "2026-03-01" }, "agreement_date", "协议日期不能早于受理日期"},
		{"mediation before acceptance", open, func(r *sm.CaseRecord) { r.MediationDate = "2026-01-04" }, "mediation_date", ""},
		{"negative amount", open, func(r *sm.CaseRecord) { r.AmountFen = -1 }, "amount_fen", "涉案金额不能为负数"},
		{"negative agreed amount", agreed, func(r *sm.CaseRecord) { r.AgreementAmountFen = -1 }, "agreement_amount_fen", ""},
		{"summary with a phone", open, func(r *sm.CaseRecord) { r.Summary = "电话13812345678" }, "summary", "纠纷简要情况：含有完整的电话、证件或账号号码，须脱敏后报送"},
		{"summary too long", open, func(r *sm.CaseRecord) { r.Summary = strings.Repeat("字", sm.MaxSummary+1) }, "summary", ""},
		{"agreement with an ID", agreed, func(r *sm.CaseRecord) { r.AgreementContent = "身份证31011519900101123X" }, "agreement_content", ""},
		{"open case with agreement", open, func(r *sm.CaseRecord) { r.AgreementContent = "退款" }, "agreement_content", "协议内容：调解未成功的案件不填写"},
		{"open case with agreed amount", open, func(r *sm.CaseRecord) { r.AgreementAmountFen = 100 }, "agreement_amount_fen", ""},
		{"success without content", agreed, func(r *sm.CaseRecord) { r.AgreementContent = "" }, "agreement_content", "协议内容：必填"},
		{"success without manner", agreed, func(r *sm.CaseRecord) { r.PerformanceManner = "" }, "performance_manner", ""},
		{"success without date", agreed, func(r *sm.CaseRecord) { r.AgreementDate = "" }, "agreement_date", "协议日期：必填"},
		{"success without performance", agreed, func(r *sm.CaseRecord) { r.PerformanceStatus = "" }, "performance_status", ""},
		{"success without mediator", agreed, func(r *sm.CaseRecord) { r.MediatorCodes = nil }, "mediator_codes", "调解员编码：经调解的案件至少填写一名调解员"},
		{"full phone", open, func(r *sm.CaseRecord) { r.Parties[0].PhoneMasked = "13812345678" }, "parties.0.phone_masked", ""},
		{"five digits shown", open, func(r *sm.CaseRecord) { r.Parties[0].PhoneMasked = "13812***678" }, "parties.0.phone_masked", ""},
		{"person with credit code", open, func(r *sm.CaseRecord) { r.Parties[0].CreditCode = "91310115MA1H7XQ314" }, "parties.0.credit_code", ""},
		{"bad credit code", open, func(r *sm.CaseRecord) { r.Parties[1].CreditCode = "91310115MA1H7XQ315" }, "parties.1.credit_code", ""},
		{"no name", open, func(r *sm.CaseRecord) { r.Parties[1].Name = " " }, "parties.1.name", "第2名当事人姓名或名称：必填"},
		{"unknown role", open, func(r *sm.CaseRecord) { r.Parties[1].Role = "7" }, "parties.1.role", ""},
		{"unknown kind", open, func(r *sm.CaseRecord) { r.Parties[1].Kind = "7" }, "parties.1.kind", ""},
		{"no applicant", open, func(r *sm.CaseRecord) { r.Parties = r.Parties[1:] }, "parties", "当事人：至少须有一名申请人"},
		{"too few persons", open, func(r *sm.CaseRecord) { r.PersonsInvolved = 1 }, "persons_involved", "涉及人数不能少于当事人人数（2）"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := tt.base()
			tt.change(&rec)
			fields := fieldsOf(t, rec.Validate(sm.DefaultCodes()))
			i := slices.IndexFunc(fields, func(f sm.FieldError) bool { return f.Field == tt.field })
			if i < 0 {
				t.Fatalf("fields = %+v, want one for %s", fields, tt.field)
			}
			if tt.msg != "" && fields[i].Message != tt.msg {
				t.Errorf("%s: %q, want %q", tt.field, fields[i].Message, tt.msg)
			}
		})
	}
}

func TestValidateAcceptsMinorVersions(t *testing.T) {
	for v, ok := range map[string]bool{"1.0": true, "1.1": true, "1.12": true, "1": false, "1.": false, "1.x": false, "2.0": false, "": false, "01.0": false} {
		if got := sm.SupportedVersion(v); got != ok {
			t.Errorf("SupportedVersion(%q) = %v, want %v", v, got, ok)
		}
	}
}

func TestValidateOrgAndMediator(t *testing.T) {
	codes := sm.DefaultCodes()
	org := sm.OrgRecord{FormatVersion: "1.0", CodeSystem: codes.System(), Code: "R1", Name: "工作室", Type: codeOf(sm.TableOrgType, "office_room"), ParentCode: "C1"}
	if err := org.Validate(codes); err != nil {
		t.Fatalf("valid room: %v", err)
	}
	for name, change := range map[string]func(*sm.OrgRecord){
		"parent_code": func(o *sm.OrgRecord) { o.ParentCode = "" },
		"type":        func(o *sm.OrgRecord) { o.Type = "9" },
		"name":        func(o *sm.OrgRecord) { o.Name = "" },
		"code":        func(o *sm.OrgRecord) { o.Code = "工作室" },
		"address":     func(o *sm.OrgRecord) { o.Address = "电话13812345678" },
	} {
		o := org
		change(&o)
		if fs := fieldsOf(t, o.Validate(codes)); !slices.ContainsFunc(fs, func(f sm.FieldError) bool { return f.Field == name }) {
			t.Errorf("%s: fields %+v", name, fs)
		}
	}
	o := org
	o.ParentCode = o.Code
	if fs := fieldsOf(t, o.Validate(codes)); fs[0].Message != "上级编码不能是本组织" {
		t.Errorf("self parent: %+v", fs)
	}
	med := sm.MediatorRecord{FormatVersion: "1.0", CodeSystem: codes.System(), Code: "M1", Name: "王五", CommitteeCode: "C1", Employment: codeOf(sm.TableEmployment, "part_time")}
	if err := med.Validate(codes); err != nil {
		t.Fatalf("valid mediator: %v", err)
	}
	med.Employment, med.CommitteeCode = "", ""
	fs := fieldsOf(t, med.Validate(codes))
	if len(fs) != 2 || fs[0].Field != "committee_code" || fs[1].Field != "employment" {
		t.Errorf("fields = %+v, want committee_code and employment", fs)
	}
}

func TestDigest(t *testing.T) {
	rec := mustBuild(t, fullSource())
	d := sm.Digest(rec)
	if len(d) != 64 || sm.Digest(mustBuild(t, fullSource())) != d {
		t.Fatalf("digest %q must be 64 hex and stable", d)
	}
	// The digest is the SHA-256 of the canonical body, which is what is sent.
	body, err := sm.CanonicalJSON(rec)
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(body)
	if hex.EncodeToString(sum[:]) != d {
		t.Error("digest is not the SHA-256 of the canonical JSON")
	}
	// Decoding the body, as the platform does, and digesting again agrees.
	var back sm.CaseRecord
	if err := json.Unmarshal(body, &back); err != nil || sm.Digest(back) != d {
		t.Errorf("round trip changes the digest: %v", err)
	}
	// Unknown fields (a later minor version) do not change what is digested.
	withExtra := strings.Replace(string(body), `{"format_version":"1.0"`, `{"closed_date":"2026-03-20","format_version":"1.0"`, 1)
	var extra sm.CaseRecord
	if err := json.Unmarshal([]byte(withExtra), &extra); err != nil || sm.Digest(extra) != d {
		t.Errorf("an unknown field changes the digest: %v", err)
	}
	// No HTML escaping: "<" travels as itself.
	rec.Summary = "A<B&C"
	if b, _ := sm.CanonicalJSON(rec); !strings.Contains(string(b), `"summary":"A<B&C"`) {
		t.Errorf("canonical JSON escapes HTML: %s", b)
	}
	// null and [] lists are the same body.
	empty := mustBuild(t, minimalSource())
	nilLists := empty
	nilLists.MediatorCodes = nil
	if sm.Digest(empty) != sm.Digest(nilLists) {
		t.Error("null and [] mediator lists digest differently")
	}
	// Every field counts.
	changes := []func(*sm.CaseRecord){
		func(r *sm.CaseRecord) { r.AmountFen++ },
		func(r *sm.CaseRecord) { r.Parties[0].Name += "一" },
		func(r *sm.CaseRecord) { r.MediatorCodes = append(r.MediatorCodes, "M9") },
		func(r *sm.CaseRecord) { r.Satisfied = new(bool) },
		func(r *sm.CaseRecord) { r.Summary += "。" },
	}
	for i, change := range changes {
		r := mustBuild(t, minimalSource())
		change(&r)
		if sm.Digest(r) == sm.Digest(empty) {
			t.Errorf("change %d does not change the digest", i)
		}
	}
}
