// Package routing decides which mediation room of a committee receives an
// accepted complaint (分流). A committee keeps an ordered, editable list of
// rules; the first enabled rule that matches decides, and the decision keeps
// the rule, a one-sentence Chinese reason for the case page and a trace of
// what every evaluated rule checked. The package is pure: callers load the
// rules and the Directory and store the Decision.
package routing

import (
	"slices"
	"strings"
	"unicode/utf8"
)

// Complaint is what routing reads of an accepted complaint.
type Complaint struct {
	MerchantID      int64 // 0 when the merchant is not on file
	CreditCode      string
	MerchantName    string
	MerchantAddress string
	Category        string // "大类-小类", e.g. "服务-医疗美容"
	Description     string
	Channel         string // "odr": submitted through an enterprise ODR platform
}

// Step is what one evaluated rule checked.
type Step struct {
	RuleID  int64
	Kind    Kind
	Matched bool
	Detail  string // Chinese, e.g. "经营地址未包含任何已登记街镇"
}

// Decision is where a complaint goes and why.
type Decision struct {
	RoomID int64 // 0 = the committee's intake queue (待分流队列)
	RuleID int64 // the matching rule; 0 when no rule matched
	Kind   Kind  // the matching rule's kind; fallback when no rule matched
	Reason string
	Trace  []Step // one step per evaluated rule, in order; only the last can match
}

// Queued reports whether the complaint waits in the committee's intake queue.
func (d Decision) Queued() bool { return d.RoomID == 0 }

const reasonQueue = "未匹配任何分流规则，进入调委会待分流队列"

// Route applies the rules in ascending Position to the complaint. Disabled
// rules are not evaluated; a rule whose room is not in the directory is
// skipped with a note in the trace. When no rule matches, the complaint goes
// to the intake queue. dir may be nil (no rooms known).
func Route(rules []Rule, dir *Directory, c Complaint) Decision {
	in := &input{c: c}
	d := Decision{Kind: KindFallback, Reason: reasonQueue, Trace: make([]Step, 0, len(rules))}
	for _, r := range inOrder(rules) {
		if !r.Enabled {
			continue
		}
		o := evaluate(r, dir, in)
		d.Trace = append(d.Trace, Step{RuleID: r.ID, Kind: r.Kind, Matched: o.matched, Detail: o.detail})
		if o.matched {
			d.RoomID, d.RuleID, d.Kind, d.Reason = o.room, r.ID, r.Kind, o.reason
			break
		}
	}
	return d
}

// outcome is one rule's verdict.
type outcome struct {
	matched bool
	room    int64
	detail  string // for the trace
	reason  string // for the decision, when matched
}

func skip(detail string) outcome { return outcome{detail: detail} }

func evaluate(r Rule, dir *Directory, in *input) outcome {
	switch r.Kind {
	case KindEnterpriseMerchant:
		return enterprise(dir, in.c)
	case KindStreet:
		return street(dir, in.c)
	case KindFallback:
		if r.RoomID == 0 {
			return outcome{matched: true, detail: "进入调委会待分流队列", reason: reasonQueue}
		}
		room, ok := dir.room(r.RoomID)
		if !ok {
			return skip(missingTarget(r.RoomID))
		}
		return outcome{matched: true, room: room.ID, detail: "分至" + roomTitle(room),
			reason: "未匹配其他分流规则，按兜底规则分至" + roomTitle(room)}
	case KindOnlinePlatform, KindCategory, KindKeyword:
		room, ok := dir.room(r.RoomID)
		if !ok {
			return skip(missingTarget(r.RoomID))
		}
		switch r.Kind {
		case KindOnlinePlatform:
			return online(r, room, in)
		case KindCategory:
			return category(r, room, in.c)
		default:
			return keyword(r, room, in)
		}
	}
	return skip("规则类型“" + string(r.Kind) + "”无法识别，已跳过")
}

func enterprise(dir *Directory, c Complaint) outcome {
	roomID, how, ok := dir.enterpriseRoom(c.MerchantID, c.CreditCode)
	if !ok {
		if c.MerchantID == 0 && blank(c.CreditCode) {
			return skip("投诉未关联经营者编号或统一社会信用代码")
		}
		return skip("经营者未绑定企业人民调解工作室")
	}
	room, ok := dir.room(roomID)
	if !ok {
		return skip(how + "绑定的工作室（编号" + itoa(roomID) + "）不在本调委会工作室名录中，已跳过")
	}
	return outcome{matched: true, room: room.ID,
		detail: how + "已绑定" + roomTitle(room),
		reason: merchantTitle(c) + "已绑定" + roomTitle(room)}
}

func street(dir *Directory, c Complaint) outcome {
	addr := normalize(c.MerchantAddress, false)
	if addr == "" {
		return skip("未填写经营地址")
	}
	if dir == nil {
		return skip("经营地址未包含任何已登记街镇")
	}
	m := dir.streets
	if m.byFirst == nil && len(dir.Streets) > 0 {
		m = newStreetMatcher(dir.Streets) // a Directory not built by NewDirectory: correct, but slow
	}
	p, ok := m.match(addr)
	if !ok {
		return skip("经营地址未包含任何已登记街镇")
	}
	sr, name := dir.Streets[p.street], p.name
	room, ok := dir.room(sr.RoomID)
	if !ok {
		return skip("街镇“" + name + "”对应的工作室（编号" + itoa(sr.RoomID) + "）不在本调委会工作室名录中，已跳过")
	}
	shown := strings.TrimSpace(c.MerchantAddress)
	if p.base {
		return outcome{matched: true, room: room.ID,
			detail: "经营地址含“" + p.text + "”，即“" + name + "”",
			reason: "经营地址“" + shown + "”含“" + p.text + "”，属“" + name + "”，由" + roomTitle(room) + "负责"}
	}
	return outcome{matched: true, room: room.ID,
		detail: "经营地址含“" + name + "”",
		reason: "经营地址“" + shown + "”位于“" + name + "”，由" + roomTitle(room) + "负责"}
}

func online(r Rule, room Room, in *input) outcome {
	to := "，属网络平台消费纠纷，分至" + roomTitle(room)
	if strings.EqualFold(strings.TrimSpace(in.c.Channel), "odr") {
		return outcome{matched: true, room: room.ID, detail: "投诉经企业ODR平台提交",
			reason: "投诉经企业ODR平台提交" + to}
	}
	if cat, ok := hasCategory(r.Categories, in.c.Category); ok {
		return outcome{matched: true, room: room.ID, detail: "投诉类别“" + cat + "”属网络平台消费",
			reason: "投诉类别“" + cat + "”" + to}
	}
	if kw, where, ok := in.keyword(r.Keywords); ok {
		return outcome{matched: true, room: room.ID, detail: where + "含网络平台关键词“" + kw + "”",
			reason: where + "含“" + kw + "”" + to}
	}
	return skip("非企业ODR平台投诉，投诉类别、投诉描述和经营者名称均未涉及网络平台")
}

func category(r Rule, room Room, c Complaint) outcome {
	cat, ok := hasCategory(r.Categories, c.Category)
	switch {
	case cat == "":
		return skip("投诉未填写类别")
	case !ok:
		return skip("投诉类别“" + cat + "”不在本规则的类别中")
	}
	return outcome{matched: true, room: room.ID, detail: "投诉类别“" + cat + "”在本规则的类别中",
		reason: "投诉类别“" + cat + "”按规则分至" + roomTitle(room)}
}

func keyword(r Rule, room Room, in *input) outcome {
	kw, where, ok := in.keyword(r.Keywords)
	if !ok {
		return skip("投诉描述和经营者名称均未包含本规则的关键词")
	}
	return outcome{matched: true, room: room.ID, detail: where + "含关键词“" + kw + "”",
		reason: where + "含关键词“" + kw + "”，按规则分至" + roomTitle(room)}
}

// hasCategory returns the complaint's trimmed category and whether the rule
// lists it.
func hasCategory(list []string, category string) (string, bool) {
	cat := strings.TrimSpace(category)
	if cat == "" {
		return "", false
	}
	return cat, slices.ContainsFunc(list, func(s string) bool { return strings.TrimSpace(s) == cat })
}

// input is the complaint plus its keyword-search forms, computed on first use.
type input struct {
	c          Complaint
	normalized bool
	desc, name string
}

// keyword finds a keyword in the description or, failing that, in the
// merchant's name, ignoring white space, width and ASCII letter case. It
// returns the keyword as written in the rule and where it was found.
func (in *input) keyword(keywords []string) (kw, where string, ok bool) {
	if !in.normalized {
		in.desc, in.name, in.normalized = normalize(in.c.Description, true), normalize(in.c.MerchantName, true), true
	}
	var buf [32]string
	norm := buf[:0]
	for _, k := range keywords {
		norm = append(norm, normalize(k, true))
	}
	if i := firstKeyword(in.desc, norm); i >= 0 {
		return strings.TrimSpace(keywords[i]), "投诉描述", true
	}
	if i := firstKeyword(in.name, norm); i >= 0 {
		return strings.TrimSpace(keywords[i]), "经营者名称", true
	}
	return "", "", false
}

// firstKeyword returns the index of the keyword occurring earliest in text
// (the first listed among those starting at the same place), or -1. Empty
// keywords never match. It scans text once: a 256-bit filter on the low
// byte of each keyword's first rune rules out most positions, which is far
// cheaper than one strings.Contains per keyword on Chinese text.
func firstKeyword(text string, keywords []string) int {
	var filter [4]uint64
	for _, k := range keywords {
		if k != "" {
			r, _ := utf8.DecodeRuneInString(k)
			filter[r&255>>6] |= 1 << (r & 63)
		}
	}
	for i, r := range text {
		if filter[r&255>>6]&(1<<(r&63)) == 0 {
			continue
		}
		for j, k := range keywords {
			if k != "" && strings.HasPrefix(text[i:], k) {
				return j
			}
		}
	}
	return -1
}

func missingTarget(id int64) string {
	if id == 0 {
		return "未指定目标工作室，已跳过"
	}
	return "目标工作室（编号" + itoa(id) + "）不在本调委会工作室名录中，已跳过"
}

// roomTitle names a room in a sentence: "“陆家嘴市场监管所联合人民调解工作室”".
func roomTitle(r Room) string {
	if name := strings.TrimSpace(r.Name); name != "" {
		return "“" + name + "”"
	}
	return "编号为" + itoa(r.ID) + "的工作室"
}

// merchantTitle names the complaint's merchant: "经营者“上海某某有限公司”".
func merchantTitle(c Complaint) string {
	switch {
	case strings.TrimSpace(c.MerchantName) != "":
		return "经营者“" + strings.TrimSpace(c.MerchantName) + "”"
	case !blank(c.CreditCode):
		return "经营者（统一社会信用代码" + normalizeCode(c.CreditCode) + "）"
	case c.MerchantID != 0:
		return "经营者（编号" + itoa(c.MerchantID) + "）"
	}
	return "经营者"
}
