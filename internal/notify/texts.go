package notify

import (
	"crypto/rand"
	"fmt"
	"math/big"
	"strings"
)

// The texts below carry no signature: the sender adds 【签名】 in front. A link
// is followed by a space so that phones do not run the following Chinese
// punctuation into the URL.

// VerifyCodeText is the verification code message, e.g.
// "您的验证码为123456，5分钟内有效。如非本人操作请忽略。".
func VerifyCodeText(code string, minutes int) string {
	return fmt.Sprintf("您的验证码为%s，%d分钟内有效。如非本人操作请忽略。", code, minutes)
}

// ConsentRequestText asks a party to open link, read the notice of rights and
// duties and say whether they agree to mediation of the case.
func ConsentRequestText(caseNumber, link string) string {
	return fmt.Sprintf("您涉及的消费纠纷（案号：%s）已申请人民调解。请点击 %s 阅读《当事人权利义务告知书》，并选择是否同意调解。人民调解不收取任何费用。",
		strings.TrimSpace(caseNumber), strings.TrimSpace(link))
}

// ConsentReminderText reminds a party who has not yet answered the consent
// request for the case.
func ConsentReminderText(caseNumber, link string) string {
	return fmt.Sprintf("提醒：您涉及的消费纠纷（案号：%s）尚待您答复是否同意调解。请点击 %s 阅读《当事人权利义务告知书》并作出选择。如已答复请忽略。",
		strings.TrimSpace(caseNumber), strings.TrimSpace(link))
}

// NewCode returns n random decimal digits from crypto/rand (6 when n < 1).
// Each digit is uniform; leading zeros are kept.
func NewCode(n int) string {
	if n < 1 {
		n = 6
	}
	ten := big.NewInt(10)
	b := make([]byte, n)
	for i := range b {
		d, err := rand.Int(rand.Reader, ten)
		if err != nil {
			// crypto/rand.Reader does not fail on supported platforms
			// (and crashes the program itself when it cannot read).
			panic("notify: crypto/rand: " + err.Error())
		}
		b[i] = byte('0' + d.Int64())
	}
	return string(b)
}
