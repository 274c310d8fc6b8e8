package document

import (
	"strings"
	"time"
)

// Refusal is what a 不予受理通知书 (notice of refusal to accept an
// application for mediation) says.
type Refusal struct {
	CaseNumber      string    // document number, e.g. "（2026）浦消调字第00123号"
	ComplainantName string    // the applicant, person or organisation
	MerchantName    string    // the other party (经营者)
	CommitteeName   string    // the deciding committee, e.g. "上海市浦东新区消费纠纷人民调解委员会"
	ReceivedAt      time.Time // when the committee received the application; zero omits the date
	DecidedAt       time.Time // date of the decision, printed under the signature
	Reason          string    // Chinese label of the ground for refusal, e.g. domain.RejectReasons.Label(code)
	Note            string    // optional further explanation, printed as its own paragraph

	// Optional additions to the brief's fields.
	Contact string // how to reach the committee, e.g. "联系人：王敏，联系电话：021-58881234"
	Basis   string // the rules relied on; empty means refusalBasis
}

// refusalBasis is the default legal basis of a refusal: the People's
// Mediation Law governs the committee's work, and the refusal grounds of the
// linked mediation of consumer disputes follow those for complaints in the
// SAMR's complaint-handling measures (2019, Art. 15). Neither is cited by
// article, since no single article of the Mediation Law provides for
// refusing an application.
const refusalBasis = "《中华人民共和国人民调解法》和《市场监督管理投诉处理办法》"

// refusalFooter says where the copies go.
const refusalFooter = "本通知书一式两份，一份送达申请人，一份存档。"

// RefusalNotice builds the 不予受理通知书 for d, addressed to the applicant.
func RefusalNotice(d Refusal) Notice {
	you := "你（单位）"

	var p1 strings.Builder
	p1.WriteString(you)
	if !d.ReceivedAt.IsZero() {
		p1.WriteString("于" + ChineseDate(d.ReceivedAt))
	}
	p1.WriteString("向本委员会申请调解")
	if m := strings.TrimSpace(d.MerchantName); m != "" {
		p1.WriteString("与" + m + "之间的")
	}
	p1.WriteString("消费纠纷。经审查，")
	if reason := trimClause(d.Reason); reason != "" {
		p1.WriteString(you + "的调解申请存在以下情形：" + reason + "。")
	} else {
		p1.WriteString(you + "的调解申请不符合受理条件。")
	}
	basis := strings.TrimSpace(d.Basis)
	if basis == "" {
		basis = refusalBasis
	}
	p1.WriteString("根据" + basis + "的有关规定，本委员会决定不予受理。")

	paras := []string{p1.String()}
	if note := trimClause(d.Note); note != "" {
		paras = append(paras, sentence(note))
	}
	paras = append(paras, you+"可以依法通过与经营者协商和解、向市场监督管理部门投诉、依据仲裁协议申请仲裁、向人民法院提起诉讼等途径解决纠纷。")
	if c := trimClause(d.Contact); c != "" {
		paras = append(paras, "如有疑问，请与本委员会联系（"+c+"）。")
	} else {
		paras = append(paras, "如有疑问，请与本委员会联系。")
	}
	paras = append(paras, "特此通知。")

	var to string
	if name := strings.TrimSpace(d.ComplainantName); name != "" {
		to = name + "："
	}
	return Notice{
		Title:      "不予受理通知书",
		Number:     strings.TrimSpace(d.CaseNumber),
		Addressee:  to,
		Paragraphs: paras,
		Issuer:     strings.TrimSpace(d.CommitteeName),
		Date:       d.DecidedAt,
		Footer:     refusalFooter,
	}
}

// trimClause trims spaces and trailing punctuation so that a caller's label
// or note can be embedded in a sentence.
func trimClause(s string) string {
	return strings.TrimRight(strings.TrimSpace(s), "。，；、,.; \u3000")
}

// sentence ends s with a full stop unless it already ends with closing
// punctuation.
func sentence(s string) string {
	if strings.HasSuffix(s, "！") || strings.HasSuffix(s, "？") || strings.HasSuffix(s, "…") || strings.HasSuffix(s, "”") {
		return s
	}
	return s + "。"
}
