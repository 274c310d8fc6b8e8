// Package privacy puts access to parties' personal data on record (issue 16
// §3, PIPL): a reveal of a party's full phone, identity number or address
// for a purpose chosen from a fixed list, shown for RevealTTL and written to
// the reveal log and the audit trail; a party's export and deletion
// requests, answered by the committee within RequestWorkdays working days;
// each committee's retention periods; and the sweep that anonymises
// parties' contact data when the retention period has passed.
//
// This file holds the rules only (no I/O); service.go does the reading and
// writing through the store.
package privacy

import (
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/tiaojie/tiaojie/internal/access"
	"github.com/tiaojie/tiaojie/internal/domain"
)

// RevealTTL is how long a revealed value stays on screen.
const RevealTTL = 120 * time.Second

// RequestWorkdays is the deadline for answering a party's request (PIPL
// Art. 50 asks for a prompt answer; the platform sets 15 working days).
const RequestWorkdays = 15

// Default retention periods, in years, until a committee sets its own.
const (
	DefaultClosedYears   = 3 // cases closed without an archive (rejected, withdrawn, …): from the close
	DefaultArchivedYears = 5 // archived dossiers: the parties' contact data, from the archiving
	MaxYears             = 30
)

// Code is a code with its Chinese label.
type Code struct{ Code, Label string }

// Purposes are why a person may see a party's full data.
var Purposes = []Code{
	{"call", "电话联系当事人"},
	{"document", "制作调解文书"},
	{"judicial", "司法确认申请"},
	{"follow_up", "回访"},
	{"identity", "当事人身份核验"},
	{"other", "其他（须说明）"},
}

// Fields are what may be revealed.
var Fields = []Code{{"phone", "联系电话"}, {"id_number", "身份证件号码"}, {"address", "地址"}}

func label(list []Code, code string) string {
	for _, c := range list {
		if c.Code == code {
			return c.Label
		}
	}
	return ""
}

// PurposeLabel names a purpose in Chinese ("" when unknown).
func PurposeLabel(code string) string { return label(Purposes, code) }

// FieldLabel names a field in Chinese ("" when unknown).
func FieldLabel(code string) string { return label(Fields, code) }

// KindLabel names a request kind.
func KindLabel(k string) string {
	return map[string]string{"export": "查阅复制（导出个人信息）", "delete": "删除个人信息"}[k]
}

// StatusLabel names a request status.
func StatusLabel(s string) string {
	return map[string]string{"pending": "待处理", "done": "已办结", "refused": "不予办理"}[s]
}

func invalid(field, msg string) error {
	return &access.ValidationError{Fields: []*domain.FieldError{{Field: field, Message: msg}}}
}

// CheckReveal validates a reveal's field, purpose and note (422 in Chinese).
func CheckReveal(field, purpose, note string) error {
	if FieldLabel(field) == "" {
		return invalid("field", "请选择要查看的信息：phone（联系电话）、id_number（身份证件号码）或 address（地址）")
	}
	if PurposeLabel(purpose) == "" {
		var ls []string
		for _, p := range Purposes {
			ls = append(ls, p.Code+"（"+p.Label+"）")
		}
		return invalid("purpose", "请从列表中选择查看目的："+strings.Join(ls, "、"))
	}
	if err := checkText("note", note, 200); err != nil {
		return err
	}
	if purpose == "other" && strings.TrimSpace(note) == "" {
		return invalid("note", "查看目的选择“其他”时须说明具体用途")
	}
	return nil
}

// checkText refuses over-long text, control characters and bidi overrides.
func checkText(field, s string, max int) error {
	if !utf8.ValidString(s) {
		return invalid(field, "含有无效字符")
	}
	if utf8.RuneCountInString(s) > max {
		return invalid(field, fmt.Sprintf("不能超过%d字", max))
	}
	for _, r := range s {
		if (r < 0x20 && r != '\n' && r != '\t') || r == 0x7f || (r >= 0x202a && r <= 0x202e) || (r >= 0x2066 && r <= 0x2069) {
			return invalid(field, "含有不可见的控制字符")
		}
	}
	return nil
}

// CheckRetention validates retention periods in years.
func CheckRetention(closedYears, archivedYears int) error {
	if closedYears < 1 || closedYears > MaxYears {
		return invalid("closed_years", fmt.Sprintf("未归档案件的保存期限应为1至%d年", MaxYears))
	}
	if archivedYears < 1 || archivedYears > MaxYears {
		return invalid("archived_years", fmt.Sprintf("已归档案件当事人联系信息的保存期限应为1至%d年", MaxYears))
	}
	return nil
}

// Ended is when a case's retention period is counted from: its archiving,
// else its close; ok false while the case is still open.
type Ended struct {
	ClosedAt   *time.Time
	ArchivedAt *time.Time
}

// RetentionEnd is when the parties' contact data of a case may be erased.
func RetentionEnd(e Ended, closedYears, archivedYears int) (time.Time, bool) {
	switch {
	case e.ArchivedAt != nil:
		return e.ArchivedAt.AddDate(archivedYears, 0, 0), true
	case e.ClosedAt != nil:
		return e.ClosedAt.AddDate(closedYears, 0, 0), true
	}
	return time.Time{}, false
}

// DeletionRefusal is why a deletion cannot be carried out now, or "".
func DeletionRefusal(e Ended, closedYears, archivedYears int, now time.Time, loc *time.Location) string {
	end, ok := RetentionEnd(e, closedYears, archivedYears)
	if !ok {
		return "案件尚在办理中，当事人信息为办理调解所必需（《个人信息保护法》第十三条第一款第二项、第三项），办结并经过保存期限后方可删除"
	}
	if now.Before(end) {
		if e.ArchivedAt != nil {
			return fmt.Sprintf("本案已归档，依照人民调解卷宗管理规定及本调委会设定的保存期限（归档后%d年），当事人联系信息须保存至%s；期满后将删除联系电话、证件号码和地址，姓名及调解协议随卷宗保存（《个人信息保护法》第四十七条第一款第二项）",
				archivedYears, end.In(loc).Format("2006年1月2日"))
		}
		return fmt.Sprintf("本案办结后的保存期限（%d年）尚未届满，当事人信息须保存至%s，期满后删除（《个人信息保护法》第四十七条第一款第二项）",
			closedYears, end.In(loc).Format("2006年1月2日"))
	}
	return ""
}

// MaskedName is a party's name as lists show it.
func MaskedName(s string) string { return domain.MaskName(s) }
