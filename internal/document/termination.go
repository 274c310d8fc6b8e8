package document

import (
	"strings"
	"time"
)

// Termination is what a 终止调解告知书 says. Both parties receive one.
type Termination struct {
	CaseNumber    string
	Addressee     string // the party it is sent to
	ConsumerName  string
	MerchantName  string
	CommitteeName string
	AcceptedAt    time.Time
	TerminatedAt  time.Time
	Reason        string // Chinese label of the termination reason
	Note          string
}

// TerminationNotice builds the notice that mediation has ended without an
// agreement, and tells the party the other routes open to them.
func TerminationNotice(d Termination) Notice {
	var p1 strings.Builder
	p1.WriteString("本委员会")
	if !d.AcceptedAt.IsZero() {
		p1.WriteString("于" + ChineseDate(d.AcceptedAt))
	}
	p1.WriteString("受理的" + strings.TrimSpace(d.ConsumerName) + "与" + strings.TrimSpace(d.MerchantName) + "之间的消费纠纷，")
	if reason := trimClause(d.Reason); reason != "" {
		p1.WriteString("因" + reason + "，")
	}
	p1.WriteString("根据《中华人民共和国人民调解法》的有关规定，本委员会决定终止调解。")
	paras := []string{p1.String()}
	if n := strings.TrimSpace(d.Note); n != "" {
		paras = append(paras, n)
	}
	paras = append(paras,
		"终止调解后，你（单位）可以依法通过以下途径解决纠纷：与对方协商和解；向市场监督管理部门投诉；根据与对方达成的仲裁协议提请仲裁机构仲裁；向人民法院提起诉讼。",
		"人民调解不收取任何费用。特此告知。")
	return Notice{
		Title:      "终止调解告知书",
		Number:     d.CaseNumber,
		Addressee:  strings.TrimSpace(d.Addressee) + "：",
		Paragraphs: paras,
		Issuer:     d.CommitteeName,
		Date:       d.TerminatedAt,
		Footer:     "本告知书一式三份，双方当事人各执一份，一份存档。",
	}
}
