package routing

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// Kind is what a routing rule looks at.
type Kind string

const (
	KindEnterpriseMerchant Kind = "enterprise_merchant" // merchant bound to an enterprise room
	KindOnlinePlatform     Kind = "online_platform"     // online-platform dispute → the designated e-commerce room
	KindStreet             Kind = "street"              // merchant's address → the office room covering its street/town
	KindCategory           Kind = "category"            // complaint category → a room
	KindKeyword            Kind = "keyword"             // keyword in description or merchant name → a room
	KindFallback           Kind = "fallback"            // everything else → the intake queue (or a room)
)

var kindLabels = map[Kind]string{
	KindEnterpriseMerchant: "企业工作室绑定",
	KindOnlinePlatform:     "网络平台纠纷",
	KindStreet:             "属地街镇",
	KindCategory:           "投诉类别",
	KindKeyword:            "关键词",
	KindFallback:           "兜底规则",
}

// Label is the kind's Chinese name for rule editors and case pages.
func (k Kind) Label() string {
	if l, ok := kindLabels[k]; ok {
		return l
	}
	return "未知规则类型"
}

// Valid reports whether k is one of the known kinds.
func (k Kind) Valid() bool { _, ok := kindLabels[k]; return ok }

// Rule is one entry of a committee's ordered routing list.
type Rule struct {
	ID       int64 // 0 until stored
	Position int   // evaluation order, ascending
	Kind     Kind
	Enabled  bool
	// RoomID is the target of online_platform, category and keyword rules.
	// A fallback rule sends to the intake queue when 0, else to this room.
	// Enterprise and street rules take the room from the directory.
	RoomID int64
	// Categories: a category rule matches any of these ("服务-医疗美容");
	// an online_platform rule also matches them ("服务-网络购物").
	Categories []string
	// Keywords: online_platform and keyword rules match any of these in the
	// complaint's description or the merchant's name ("网购", "直播", "外卖").
	Keywords []string
	Note     string
}

// label names the rule in messages: "兜底规则（编号7，顺序50）".
func (r Rule) label() string {
	name := r.Kind.Label()
	if !r.Kind.Valid() {
		name = "类型“" + string(r.Kind) + "”"
	}
	if r.ID == 0 {
		return fmt.Sprintf("规则“%s”（顺序%d）", name, r.Position)
	}
	return fmt.Sprintf("规则“%s”（编号%d，顺序%d）", name, r.ID, r.Position)
}

// OnlineKeywords are the default signs of an online-platform dispute. Bare
// "平台" is left out on purpose: "12315平台" appears in many descriptions.
var OnlineKeywords = []string{
	"网购", "网上购物", "网络购物", "网店", "电商", "电子商务", "网络平台", "购物平台", "外卖平台",
	"淘宝", "天猫", "京东", "拼多多", "唯品会", "闲鱼", "抖音", "快手", "小红书", "美团", "饿了么",
	"直播", "带货", "外卖", "小程序",
}

// DefaultRules is the starting list for a new committee, in the order the
// committee's practice prescribes. The category rule starts empty and
// disabled; the online rule is disabled when the committee has no
// e-commerce room yet (ecommerceRoomID 0).
func DefaultRules(ecommerceRoomID int64) []Rule {
	return []Rule{
		{Position: 10, Kind: KindEnterpriseMerchant, Enabled: true,
			Note: "已绑定企业人民调解工作室的经营者，由该工作室处理"},
		{Position: 20, Kind: KindOnlinePlatform, Enabled: ecommerceRoomID != 0, RoomID: ecommerceRoomID,
			Categories: []string{"服务-网络购物"}, Keywords: slices.Clone(OnlineKeywords),
			Note: "网络购物、直播带货、外卖平台等纠纷，以及企业ODR平台提交的投诉，分至电商纠纷工作室"},
		{Position: 30, Kind: KindStreet, Enabled: true,
			Note: "按经营地址所在街镇，分至负责该街镇的联合人民调解工作室"},
		{Position: 40, Kind: KindCategory, Enabled: false,
			Note: "按投诉类别分至指定工作室（启用前请选择类别和工作室）"},
		{Position: 50, Kind: KindFallback, Enabled: true,
			Note: "以上规则均未匹配的，进入调委会待分流队列"},
	}
}

// ValidationError lists every problem of a rule list, in Chinese.
type ValidationError struct{ Problems []string }

func (e *ValidationError) Error() string { return strings.Join(e.Problems, "；") }

// ValidateRules checks a committee's rule list before it is stored. Disabled
// rules are only checked for kind, id and position, so a half-configured
// rule can be kept switched off.
func ValidateRules(rules []Rule, dir *Directory) error {
	var probs []string
	add := func(format string, args ...any) { probs = append(probs, fmt.Sprintf(format, args...)) }

	for _, r := range rules {
		if !r.Kind.Valid() {
			add("%s的类型无法识别", r.label())
			continue
		}
		if !r.Enabled {
			continue
		}
		switch r.Kind {
		case KindEnterpriseMerchant:
			if r.RoomID != 0 {
				add("%s按经营者绑定关系确定工作室，不应另行指定目标工作室", r.label())
			}
		case KindStreet:
			if r.RoomID != 0 {
				add("%s按街镇名录确定工作室，不应另行指定目标工作室", r.label())
			}
		case KindFallback:
			if _, ok := dir.room(r.RoomID); r.RoomID != 0 && !ok {
				add("%s的目标工作室（编号%d）不存在", r.label(), r.RoomID)
			}
		default:
			if _, ok := dir.room(r.RoomID); r.RoomID == 0 {
				add("%s未指定目标工作室", r.label())
			} else if !ok {
				add("%s的目标工作室（编号%d）不存在", r.label(), r.RoomID)
			}
		}
		if r.Kind == KindCategory && len(r.Categories) == 0 {
			add("%s未设置任何投诉类别", r.label())
		}
		if r.Kind == KindKeyword && len(r.Keywords) == 0 {
			add("%s未设置任何关键词", r.label())
		}
		if slices.ContainsFunc(r.Categories, blank) {
			add("%s含有空白的投诉类别", r.label())
		}
		if slices.ContainsFunc(r.Keywords, blank) {
			add("%s含有空白的关键词", r.label())
		}
	}

	positions := make(map[int]Rule, len(rules))
	ids := make(map[int64]bool, len(rules))
	for _, r := range rules {
		if other, dup := positions[r.Position]; dup {
			add("%s与%s的顺序号重复", r.label(), other.label())
		}
		positions[r.Position] = r
		if r.ID != 0 && ids[r.ID] {
			add("规则编号%d重复", r.ID)
		}
		ids[r.ID] = true
	}

	var enabled []Rule
	for _, r := range inOrder(rules) {
		if r.Enabled {
			enabled = append(enabled, r)
		}
	}
	fallbacks := 0
	for i, r := range enabled {
		if r.Kind != KindFallback {
			continue
		}
		fallbacks++
		if fallbacks == 2 {
			add("只能启用一条兜底规则")
		}
		if i < len(enabled)-1 {
			add("%s必须排在最后，其后的%s永远不会被执行", r.label(), enabled[i+1].label())
		}
	}

	if len(probs) > 0 {
		return &ValidationError{Problems: probs}
	}
	return nil
}

func blank(s string) bool { return normalize(s, false) == "" }

// inOrder returns the rules by ascending position (then id), copying only
// when the caller's slice is not already in order.
func inOrder(rules []Rule) []Rule {
	byPos := func(a, b Rule) int {
		return cmp.Or(cmp.Compare(a.Position, b.Position), cmp.Compare(a.ID, b.ID))
	}
	if slices.IsSortedFunc(rules, byPos) {
		return rules
	}
	sorted := slices.Clone(rules)
	slices.SortStableFunc(sorted, byPos)
	return sorted
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
