package liaison

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/tiaojie/tiaojie/internal/domain"
)

// KindEnterprise is an enterprise contact point: a free entry tied to a
// merchant or an enterprise room, not an org unit.
const KindEnterprise = "enterprise"

// partnerKinds are the org kinds a committee registers as partners.
var partnerKinds = []domain.OrgKind{domain.OrgRegulatorOffice, domain.OrgJusticeOffice, domain.OrgCourt, domain.OrgConsumerCouncil,
	domain.OrgRegulatorBureau, domain.OrgJusticeBureau}

// IsPartnerKind reports whether units of kind k can be registered as partners.
func IsPartnerKind(k domain.OrgKind) bool {
	for _, pk := range partnerKinds {
		if pk == k {
			return true
		}
	}
	return false
}

// KindLabel names a partner kind.
func KindLabel(kind string) string {
	if kind == KindEnterprise {
		return "企业联络点"
	}
	return domain.OrgKind(kind).Label()
}

// Channels of a contact, in display order.
var Channels = []string{"phone", "visit", "meeting", "letter", "wechat", "other"}

// ChannelLabel names a channel ("" for an unknown one).
func ChannelLabel(c string) string {
	return map[string]string{"phone": "电话", "visit": "走访", "meeting": "会议", "letter": "函件", "wechat": "微信工作群", "other": "其他"}[c]
}

var landline = regexp.MustCompile(`^0\d{2,3}-?\d{7,8}(-\d{1,6})?$`)

// normalizePhone accepts a mainland mobile or a landline with its area code;
// it returns the number as stored (sealed) and whether it can take an SMS.
func normalizePhone(s string) (string, bool, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return "", false, nil
	}
	if domain.ValidateMobile(s) == nil {
		return domain.NormalizeMobile(s), true, nil
	}
	t := strings.ReplaceAll(strings.ReplaceAll(s, " ", ""), "（", "")
	if landline.MatchString(t) {
		return t, false, nil
	}
	return "", false, &domain.FieldError{Field: "phone", Message: fmt.Sprintf("电话“%s”格式不正确：应为11位手机号或带区号的座机号（如021-58881234）", s)}
}

// maskPhone hides the middle of a number for the screen.
func maskPhone(n string) string {
	if n == "" {
		return ""
	}
	if domain.ValidateMobile(n) == nil {
		return domain.MaskMobile(n)
	}
	r := []rune(n)
	if len(r) <= 7 {
		return strings.Repeat("*", len(r))
	}
	return string(r[:4]) + strings.Repeat("*", len(r)-7) + string(r[len(r)-3:])
}

var emailRe = regexp.MustCompile(`^[^@\s]+@[^@\s]+\.[^@\s]+$`)

func validEmail(s string) bool { return s == "" || emailRe.MatchString(s) }
