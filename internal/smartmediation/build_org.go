package smartmediation

import (
	"strings"

	"github.com/tiaojie/tiaojie/internal/store"
)

// OrgSource is a committee or room with the codes the platform knows it by.
type OrgSource struct {
	Unit       store.OrgUnit
	Code       string // as registered with the platform; "": Unit.Code
	ParentCode string // a room's committee code
	Address    string
	Codes      *Codes // nil: DefaultCodes()
}

// BuildOrg maps a committee or room; other kinds of unit are not sent.
func BuildOrg(src OrgSource) (OrgRecord, error) {
	codes := src.Codes
	if codes == nil {
		codes = DefaultCodes()
	}
	typ, ok := codes.ForOurs(TableOrgType, string(src.Unit.Kind))
	if !ok {
		return OrgRecord{}, &ValidationError{Fields: []FieldError{{"type", "只报送人民调解委员会和调解工作室，“" + src.Unit.Kind.Label() + "”不报送"}}}
	}
	code := src.Code
	if code == "" {
		code = src.Unit.Code
	}
	rec := OrgRecord{FormatVersion: FormatVersion, CodeSystem: codes.System(), Code: code, Name: strings.TrimSpace(src.Unit.Name),
		Type: typ, ParentCode: src.ParentCode, Address: Scrub(strings.TrimSpace(src.Address))}
	return rec, rec.Validate(codes)
}

// MediatorSource is a mediator with the codes the platform knows them by.
// Code is required: a username may be a phone number, so it is never used.
type MediatorSource struct {
	User          store.User
	Code          string // 调解员编码
	CommitteeCode string
	RoomCode      string
	FullTime      bool // 专职; false: 兼职
	Codes         *Codes
}

// BuildMediator maps a mediator.
func BuildMediator(src MediatorSource) (MediatorRecord, error) {
	codes := src.Codes
	if codes == nil {
		codes = DefaultCodes()
	}
	employment := employmentPartTime
	if src.FullTime {
		employment = employmentFullTime
	}
	emp, _ := codes.ForOurs(TableEmployment, employment) // LoadCodes guarantees both map
	rec := MediatorRecord{FormatVersion: FormatVersion, CodeSystem: codes.System(), Code: src.Code,
		Name: strings.TrimSpace(src.User.DisplayName), CommitteeCode: src.CommitteeCode, RoomCode: src.RoomCode,
		Employment: emp, Active: src.User.Active}
	return rec, rec.Validate(codes)
}
