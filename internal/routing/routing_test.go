package routing

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"unicode"
)

// Pudong-sized fixture: 12 streets and 24 towns, two zones, one office room
// each (38), 30 enterprise rooms with 50 bound merchants, an e-commerce room
// and a medical-beauty room.
var pudongStreets = []string{
	"潍坊新村街道", "陆家嘴街道", "周家渡街道", "塘桥街道", "上钢新村街道", "南码头路街道",
	"沪东新村街道", "金杨新村街道", "洋泾街道", "浦兴路街道", "东明路街道", "花木街道",
	"川沙新镇", "高桥镇", "北蔡镇", "合庆镇", "唐镇", "曹路镇", "金桥镇", "高行镇", "高东镇", "张江镇",
	"三林镇", "惠南镇", "周浦镇", "新场镇", "大团镇", "康桥镇", "航头镇", "祝桥镇", "泥城镇", "宣桥镇",
	"书院镇", "万祥镇", "老港镇", "南汇新城镇",
	"临港新片区", "外高桥保税区",
}

const (
	ecommerceRoom = 200
	beautyRoom    = 201
	prepaidRoom   = 202
)

// officeRoom is the room covering pudongStreets[i].
func officeRoom(i int) int64 { return int64(i + 1) }

func officeRoomName(street string) string {
	if b := baseName(street); b != "" {
		street = b
	}
	return street + "市场监管所联合人民调解工作室"
}

func pudong() *Directory {
	var rooms []Room
	var streets []StreetRoom
	for i, s := range pudongStreets {
		rooms = append(rooms, Room{ID: officeRoom(i), Name: officeRoomName(s)})
		streets = append(streets, StreetRoom{Street: s, RoomID: officeRoom(i)})
	}
	for i := range 30 {
		rooms = append(rooms, Room{ID: int64(101 + i), Name: fmt.Sprintf("第%d号平台企业人民调解工作室", i+1), Enterprise: true})
	}
	merchants := map[int64]int64{}
	codes := map[string]int64{}
	for k := range 50 {
		merchants[int64(1000+k)] = int64(101 + k%30)
		codes[creditCode(k)] = int64(101 + k%30)
	}
	rooms = append(rooms,
		Room{ID: ecommerceRoom, Name: "浦东新区电子商务消费纠纷人民调解工作室"},
		Room{ID: beautyRoom, Name: "医疗美容消费纠纷人民调解工作室"},
		Room{ID: prepaidRoom, Name: "预付卡消费纠纷人民调解工作室"},
	)
	return NewDirectory(rooms, merchants, codes, streets)
}

// creditCode is a made-up 18-character code for bound merchant k.
func creditCode(k int) string { return fmt.Sprintf("91310115MA1K%06d", k) }

// numbered gives rules ids 1, 2, … in list order.
func numbered(rules []Rule) []Rule {
	for i := range rules {
		rules[i].ID = int64(i + 1)
	}
	return rules
}

// pudongRules are the default rules with the category rule switched on for
// medical beauty: ids 1 enterprise, 2 online, 3 street, 4 category, 5 fallback.
func pudongRules() []Rule {
	rules := numbered(DefaultRules(ecommerceRoom))
	rules[3].Enabled, rules[3].RoomID, rules[3].Categories = true, beautyRoom, []string{"服务-医疗美容"}
	return rules
}

func hasHan(s string) bool {
	return strings.ContainsFunc(s, func(r rune) bool { return unicode.Is(unicode.Han, r) })
}

// checkDecision asserts what must hold of every decision.
func checkDecision(t *testing.T, dir *Directory, d Decision) {
	t.Helper()
	if d.RoomID != 0 {
		room, ok := dir.Rooms[d.RoomID]
		if !ok {
			t.Fatalf("decision to room %d, not in the directory", d.RoomID)
		}
		if !strings.Contains(d.Reason, room.Name) {
			t.Errorf("reason %q does not name room %q", d.Reason, room.Name)
		}
	}
	if !hasHan(d.Reason) {
		t.Errorf("reason %q is not Chinese", d.Reason)
	}
	for i, s := range d.Trace {
		if !hasHan(s.Detail) {
			t.Errorf("step %d detail %q is not Chinese", i, s.Detail)
		}
		if s.Matched && i != len(d.Trace)-1 {
			t.Errorf("step %d matched but is not the last step", i)
		}
	}
	if n := len(d.Trace); n > 0 && d.Trace[n-1].Matched {
		if last := d.Trace[n-1]; last.RuleID != d.RuleID || last.Kind != d.Kind {
			t.Errorf("matched step is rule %d (%s), decision says %d (%s)", last.RuleID, last.Kind, d.RuleID, d.Kind)
		}
	} else if d.RuleID != 0 || d.RoomID != 0 || d.Kind != KindFallback || d.Reason != reasonQueue {
		t.Errorf("no step matched, yet decision is %+v", d)
	}
}

func stepRules(d Decision) []int64 {
	var ids []int64
	for _, s := range d.Trace {
		ids = append(ids, s.RuleID)
	}
	return ids
}

func TestRouteKindsAndPrecedence(t *testing.T) {
	dir := pudong()
	lujiazui := officeRoom(slices.Index(pudongStreets, "陆家嘴街道"))
	huamu := officeRoom(slices.Index(pudongStreets, "花木街道"))
	categoryFirst := pudongRules()
	categoryFirst[3].Position = 5
	noEnterprise := pudongRules()
	noEnterprise[0].Enabled = false
	withKeyword := pudongRules()
	withKeyword = append(withKeyword[:4], Rule{ID: 9, Position: 45, Kind: KindKeyword, Enabled: true, RoomID: prepaidRoom,
		Keywords: []string{"预付卡", "办卡"}}, withKeyword[4])

	tests := []struct {
		name   string
		rules  []Rule
		c      Complaint
		room   int64
		kind   Kind
		steps  []int64
		reason string // exact when set
		detail string // substring of the last step's detail when set
	}{
		{
			name:   "enterprise binding by merchant id beats street",
			c:      Complaint{MerchantID: 1003, MerchantName: "上海某某电子商务有限公司", MerchantAddress: "浦东新区陆家嘴街道世纪大道1号"},
			room:   104,
			kind:   KindEnterpriseMerchant,
			steps:  []int64{1},
			reason: "经营者“上海某某电子商务有限公司”已绑定“第4号平台企业人民调解工作室”",
			detail: "经营者编号1003已绑定",
		},
		{
			name:   "enterprise binding by credit code when the merchant id is unknown",
			c:      Complaint{CreditCode: " " + strings.ToLower(creditCode(7)) + " ", MerchantName: "上海某某百货有限公司"},
			room:   108,
			kind:   KindEnterpriseMerchant,
			steps:  []int64{1},
			detail: "统一社会信用代码" + creditCode(7) + "已绑定",
		},
		{
			name:   "credit code with an unbound merchant id",
			c:      Complaint{MerchantID: 77, CreditCode: creditCode(31)},
			room:   102,
			kind:   KindEnterpriseMerchant,
			steps:  []int64{1},
			reason: "经营者（统一社会信用代码" + creditCode(31) + "）已绑定“第2号平台企业人民调解工作室”",
		},
		{
			name:   "online keyword in the description",
			c:      Complaint{MerchantID: 5, Description: "在抖音直播间购买的羽绒服质量不合格", MerchantAddress: "浦东新区花木街道"},
			room:   ecommerceRoom,
			kind:   KindOnlinePlatform,
			steps:  []int64{1, 2},
			reason: "投诉描述含“抖音”，属网络平台消费纠纷，分至“浦东新区电子商务消费纠纷人民调解工作室”",
			detail: "投诉描述含网络平台关键词“抖音”",
		},
		{
			name:   "online keyword in the merchant name",
			c:      Complaint{MerchantName: "上海某某电子商务有限公司", Description: "商品与描述不符", MerchantAddress: "浦东新区花木街道"},
			room:   ecommerceRoom,
			kind:   KindOnlinePlatform,
			steps:  []int64{1, 2},
			detail: "经营者名称含网络平台关键词“电子商务”",
		},
		{
			name:   "channel odr counts as online",
			c:      Complaint{Channel: "ODR", Description: "退款未到账", MerchantAddress: "浦东新区花木街道"},
			room:   ecommerceRoom,
			kind:   KindOnlinePlatform,
			steps:  []int64{1, 2},
			reason: "投诉经企业ODR平台提交，属网络平台消费纠纷，分至“浦东新区电子商务消费纠纷人民调解工作室”",
		},
		{
			name:  "online shopping category counts as online",
			c:     Complaint{Category: "服务-网络购物", MerchantAddress: "浦东新区花木街道"},
			room:  ecommerceRoom,
			kind:  KindOnlinePlatform,
			steps: []int64{1, 2},
		},
		{
			name:   "12315 in the description is not an online platform",
			c:      Complaint{Description: "已在12315平台投诉，要求退还押金", MerchantAddress: "浦东新区陆家嘴街道世纪大道1号"},
			room:   lujiazui,
			kind:   KindStreet,
			steps:  []int64{1, 2, 3},
			reason: "经营地址“浦东新区陆家嘴街道世纪大道1号”位于“陆家嘴街道”，由“陆家嘴市场监管所联合人民调解工作室”负责",
		},
		{
			name:   "street beats category",
			c:      Complaint{Category: "服务-医疗美容", MerchantAddress: "浦东新区花木街道锦绣路100号"},
			room:   huamu,
			kind:   KindStreet,
			steps:  []int64{1, 2, 3},
			detail: "经营地址含“花木街道”",
		},
		{
			name:   "category beats street when it comes first",
			rules:  categoryFirst,
			c:      Complaint{Category: "服务-医疗美容", MerchantAddress: "浦东新区花木街道锦绣路100号"},
			room:   beautyRoom,
			kind:   KindCategory,
			steps:  []int64{4},
			reason: "投诉类别“服务-医疗美容”按规则分至“医疗美容消费纠纷人民调解工作室”",
		},
		{
			name:  "category when the address is unknown",
			c:     Complaint{Category: " 服务-医疗美容 ", MerchantAddress: "黄浦区南京东路1号"},
			room:  beautyRoom,
			kind:  KindCategory,
			steps: []int64{1, 2, 3, 4},
		},
		{
			name:   "keyword rule",
			rules:  withKeyword,
			c:      Complaint{Category: "服务-健身", Description: "健身房闭店，预付卡余额无法退还"},
			room:   prepaidRoom,
			kind:   KindKeyword,
			steps:  []int64{1, 2, 3, 4, 9},
			reason: "投诉描述含关键词“预付卡”，按规则分至“预付卡消费纠纷人民调解工作室”",
		},
		{
			name:   "disabled rules are skipped",
			rules:  noEnterprise,
			c:      Complaint{MerchantID: 1003, MerchantAddress: "浦东新区陆家嘴街道世纪大道1号"},
			room:   lujiazui,
			kind:   KindStreet,
			steps:  []int64{2, 3},
			detail: "经营地址含“陆家嘴街道”",
		},
		{
			name:   "fallback to the intake queue",
			c:      Complaint{MerchantID: 5, Category: "服务-健身", MerchantAddress: "黄浦区南京东路1号"},
			kind:   KindFallback,
			steps:  []int64{1, 2, 3, 4, 5},
			reason: "未匹配任何分流规则，进入调委会待分流队列",
			detail: "进入调委会待分流队列",
		},
		{
			name:   "fallback to a room",
			rules:  []Rule{{ID: 8, Position: 1, Kind: KindFallback, Enabled: true, RoomID: huamu}},
			c:      Complaint{},
			room:   huamu,
			kind:   KindFallback,
			steps:  []int64{8},
			reason: "未匹配其他分流规则，按兜底规则分至“花木市场监管所联合人民调解工作室”",
		},
		{
			name:   "no rules at all",
			rules:  []Rule{},
			kind:   KindFallback,
			reason: "未匹配任何分流规则，进入调委会待分流队列",
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rules := tc.rules
			if rules == nil {
				rules = pudongRules()
			}
			d := Route(rules, dir, tc.c)
			checkDecision(t, dir, d)
			if d.RoomID != tc.room || d.Kind != tc.kind {
				t.Errorf("routed to room %d by %s, want room %d by %s (%s)", d.RoomID, d.Kind, tc.room, tc.kind, d.Reason)
			}
			if got := stepRules(d); !slices.Equal(got, tc.steps) {
				t.Errorf("trace rules %v, want %v", got, tc.steps)
			}
			if tc.reason != "" && d.Reason != tc.reason {
				t.Errorf("reason\n got %s\nwant %s", d.Reason, tc.reason)
			}
			if tc.detail != "" && (len(d.Trace) == 0 || !strings.Contains(d.Trace[len(d.Trace)-1].Detail, tc.detail)) {
				t.Errorf("last step %+v, want detail containing %q", d.Trace, tc.detail)
			}
		})
	}
}

func TestRouteTraceExplainsMisses(t *testing.T) {
	d := Route(pudongRules(), pudong(), Complaint{Description: "剪发价格与公示不符"})
	want := []Step{
		{RuleID: 1, Kind: KindEnterpriseMerchant, Detail: "投诉未关联经营者编号或统一社会信用代码"},
		{RuleID: 2, Kind: KindOnlinePlatform, Detail: "非企业ODR平台投诉，投诉类别、投诉描述和经营者名称均未涉及网络平台"},
		{RuleID: 3, Kind: KindStreet, Detail: "未填写经营地址"},
		{RuleID: 4, Kind: KindCategory, Detail: "投诉未填写类别"},
		{RuleID: 5, Kind: KindFallback, Matched: true, Detail: "进入调委会待分流队列"},
	}
	if !slices.Equal(d.Trace, want) {
		t.Errorf("trace\n got %+v\nwant %+v", d.Trace, want)
	}
}

func TestRouteSkipsMissingRooms(t *testing.T) {
	rules := []Rule{
		{ID: 1, Position: 1, Kind: KindEnterpriseMerchant, Enabled: true},
		{ID: 2, Position: 2, Kind: KindOnlinePlatform, Enabled: true, RoomID: 999, Keywords: []string{"直播"}},
		{ID: 3, Position: 3, Kind: KindCategory, Enabled: true, Categories: []string{"服务-健身"}},
		{ID: 4, Position: 4, Kind: KindStreet, Enabled: true},
		{ID: 5, Position: 5, Kind: Kind("lottery"), Enabled: true},
		{ID: 6, Position: 6, Kind: KindFallback, Enabled: true, RoomID: 998},
	}
	// The merchant is bound to a room the committee no longer has, and the
	// street's room is gone too.
	rooms := []Room{{ID: 1, Name: "花木市场监管所联合人民调解工作室"}}
	dir := NewDirectory(rooms, map[int64]int64{42: 997}, nil, []StreetRoom{{Street: "花木街道", RoomID: 996}})
	d := Route(rules, dir, Complaint{MerchantID: 42, Category: "服务-健身", Description: "直播间购买", MerchantAddress: "浦东新区花木街道"})
	checkDecision(t, dir, d)
	if d.RoomID != 0 || d.RuleID != 0 || d.Reason != reasonQueue {
		t.Fatalf("decision %+v, want the intake queue with no rule", d)
	}
	wantDetails := []string{
		"经营者编号42绑定的工作室（编号997）不在本调委会工作室名录中，已跳过",
		"目标工作室（编号999）不在本调委会工作室名录中，已跳过",
		"未指定目标工作室，已跳过",
		"街镇“花木街道”对应的工作室（编号996）不在本调委会工作室名录中，已跳过",
		"规则类型“lottery”无法识别，已跳过",
		"目标工作室（编号998）不在本调委会工作室名录中，已跳过",
	}
	if len(d.Trace) != len(wantDetails) {
		t.Fatalf("trace %+v, want %d steps", d.Trace, len(wantDetails))
	}
	for i, s := range d.Trace {
		if s.Matched || s.Detail != wantDetails[i] || s.RuleID != rules[i].ID {
			t.Errorf("step %d = %+v, want rule %d unmatched %q", i, s, rules[i].ID, wantDetails[i])
		}
	}
}

func TestRouteNoFallbackRule(t *testing.T) {
	rules := pudongRules()[:4]
	d := Route(rules, pudong(), Complaint{MerchantAddress: "黄浦区南京东路1号"})
	checkDecision(t, pudong(), d)
	if d.RoomID != 0 || d.RuleID != 0 || d.Kind != KindFallback || len(d.Trace) != 4 {
		t.Errorf("decision %+v, want the queue after 4 steps", d)
	}
	if d := Route(nil, nil, Complaint{}); d.Reason != reasonQueue || d.RoomID != 0 {
		t.Errorf("nil rules and directory: %+v", d)
	}
	if d := Route(pudongRules(), nil, Complaint{MerchantID: 1003, MerchantAddress: "陆家嘴街道", Channel: "odr"}); d.RoomID != 0 {
		t.Errorf("nil directory routed to room %d", d.RoomID)
	}
}

func TestRouteOrdersByPosition(t *testing.T) {
	rules := pudongRules()
	slices.Reverse(rules)
	before := slices.Clone(rules)
	d := Route(rules, pudong(), Complaint{MerchantAddress: "浦东新区花木街道"})
	if got := stepRules(d); !slices.Equal(got, []int64{1, 2, 3}) {
		t.Errorf("trace rules %v, want [1 2 3]", got)
	}
	if !slices.EqualFunc(rules, before, func(a, b Rule) bool { return a.ID == b.ID }) {
		t.Error("Route reordered the caller's slice")
	}
}

type streetCase struct {
	name    string
	dir     *Directory
	address string
	room    int64
	detail  string
}

func TestStreetMatching(t *testing.T) {
	streetOnly := []Rule{{ID: 1, Position: 1, Kind: KindStreet, Enabled: true}}
	pd := pudong()
	street := func(name string) int64 { return officeRoom(slices.Index(pudongStreets, name)) }
	tests := []streetCase{
		{"full name", pd, "上海市浦东新区新场镇新场大街2号", street("新场镇"), "经营地址含“新场镇”"},
		{"new-town suffix", pd, "浦东新区川沙新镇华夏东路", street("川沙新镇"), "经营地址含“川沙新镇”"},
		{"base name without 新镇", pd, "浦东新区川沙路5558号", street("川沙新镇"), "经营地址含“川沙”，即“川沙新镇”"},
		{"base name without 街道", pd, "浦东新区陆家嘴环路1000号", street("陆家嘴街道"), "经营地址含“陆家嘴”，即“陆家嘴街道”"},
		{"base name of a zone", pd, "浦东新区临港大道8号", street("临港新片区"), "含“临港”"},
		{"full name beats a road named after another street", pd, "上海市浦东新区北蔡镇南码头路100号", street("北蔡镇"), "含“北蔡镇”"},
		{"longer base wins", pd, "浦东新区外高桥港区洲海路", street("外高桥保税区"), "含“外高桥”"},
		{"leftmost of equals wins", pd, "浦东新区花木街道洋泾街道交界处", street("花木街道"), "含“花木街道”"},
		{"full-width and spaces", pd, "　浦东新区 陆家嘴 街道 世纪大道１号 ", street("陆家嘴街道"), "含“陆家嘴街道”"},
		{"full-width brackets", pd, "中国（上海）自由贸易试验区临港新片区环湖西二路", street("临港新片区"), "含“临港新片区”"},
		{"one-rune base is not used", pd, "黄浦区唐家湾路1号", 0, "经营地址未包含任何已登记街镇"},
		{"one-rune-base town by full name", pd, "浦东新区唐镇唐陆路", street("唐镇"), "含“唐镇”"},
		{"outside the district", pd, "黄浦区南京东路1号", 0, "经营地址未包含任何已登记街镇"},
		{"no address", pd, "", 0, "未填写经营地址"},
		{"blank address", pd, " 　 ", 0, "未填写经营地址"},
	}
	// A street literally named like another's base: the longest match wins
	// and the base is not used.
	twoXinchang := NewDirectory([]Room{{ID: 1, Name: "甲工作室"}, {ID: 2, Name: "乙工作室"}}, nil, nil,
		[]StreetRoom{{"新场镇", 1}, {"新场", 2}, {"川沙新镇", 1}, {"川沙", 2}})
	tests = append(tests,
		streetCase{"新场镇 over 新场", twoXinchang, "新场镇新场大街", 1, "含“新场镇”"},
		streetCase{"新场 alone", twoXinchang, "浦东新区新场大街", 2, "含“新场”"},
		streetCase{"川沙新镇 over 川沙", twoXinchang, "川沙新镇华夏东路", 1, "含“川沙新镇”"},
		streetCase{"川沙 alone", twoXinchang, "川沙路1号", 2, "含“川沙”"},
	)
	// Two streets share a base name: the base is ambiguous and not used.
	twoGaoqiao := NewDirectory([]Room{{ID: 1, Name: "甲工作室"}, {ID: 2, Name: "乙工作室"}}, nil, nil,
		[]StreetRoom{{"高桥镇", 1}, {"高桥街道", 2}})
	tests = append(tests,
		streetCase{"ambiguous base", twoGaoqiao, "高桥路1号", 0, "经营地址未包含任何已登记街镇"},
		streetCase{"ambiguous base, full name", twoGaoqiao, "高桥街道季景路", 2, "含“高桥街道”"},
	)
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			d := Route(streetOnly, tc.dir, Complaint{MerchantAddress: tc.address})
			checkDecision(t, tc.dir, d)
			if d.RoomID != tc.room {
				t.Errorf("room %d, want %d (%s)", d.RoomID, tc.room, d.Trace[0].Detail)
			}
			if !strings.Contains(d.Trace[0].Detail, tc.detail) {
				t.Errorf("detail %q, want it to contain %q", d.Trace[0].Detail, tc.detail)
			}
		})
	}
}

func TestDirectoryInputs(t *testing.T) {
	// A Directory built without NewDirectory still matches streets.
	dir := &Directory{Rooms: map[int64]Room{1: {ID: 1, Name: "花木市场监管所联合人民调解工作室"}},
		Streets: []StreetRoom{{Street: "花木街道", RoomID: 1}}}
	if d := Route(pudongRules(), dir, Complaint{MerchantAddress: "浦东新区花木路1号"}); d.RoomID != 1 {
		t.Errorf("decision %+v, want room 1", d)
	}
	// Street names are normalized like addresses, and shown normalized.
	dir = NewDirectory([]Room{{ID: 1, Name: "花木市场监管所联合人民调解工作室"}}, nil, nil, []StreetRoom{{Street: "　花木 街道 ", RoomID: 1}})
	d := Route(pudongRules(), dir, Complaint{MerchantAddress: "浦东新区花木街道1号"})
	if want := "经营地址“浦东新区花木街道1号”位于“花木街道”，由“花木市场监管所联合人民调解工作室”负责"; d.Reason != want {
		t.Errorf("reason\n got %s\nwant %s", d.Reason, want)
	}
}

func TestStreetReasonByBaseName(t *testing.T) {
	d := Route(pudongRules(), pudong(), Complaint{MerchantAddress: " 浦东新区陆家嘴环路1000号 "})
	want := "经营地址“浦东新区陆家嘴环路1000号”含“陆家嘴”，属“陆家嘴街道”，由“陆家嘴市场监管所联合人民调解工作室”负责"
	if d.Reason != want {
		t.Errorf("reason\n got %s\nwant %s", d.Reason, want)
	}
}

func TestBaseName(t *testing.T) {
	for in, want := range map[string]string{
		"陆家嘴街道": "陆家嘴", "川沙新镇": "川沙", "新场镇": "新场", "南汇新城镇": "南汇新城", "临港新片区": "临港",
		"外高桥保税区": "外高桥", "某某乡": "某某", "唐镇": "", "花木": "", "": "",
	} {
		if got := baseName(in); got != want {
			t.Errorf("baseName(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestKeywordMatching(t *testing.T) {
	dir := pudong()
	rules := []Rule{{ID: 1, Position: 1, Kind: KindKeyword, Enabled: true, RoomID: prepaidRoom, Keywords: []string{" ", "APP", "预 付卡"}}}
	tests := []struct {
		c      Complaint
		room   int64
		detail string
	}{
		{Complaint{Description: "在某ａｐｐ下单后无法退款"}, prepaidRoom, "投诉描述含关键词“APP”"},
		{Complaint{Description: "购买的预付 卡无法使用"}, prepaidRoom, "投诉描述含关键词“预 付卡”"},
		{Complaint{MerchantName: "上海预付卡服务有限公司"}, prepaidRoom, "经营者名称含关键词“预 付卡”"},
		{Complaint{Description: "会员卡余额无法退还"}, 0, "投诉描述和经营者名称均未包含本规则的关键词"},
	}
	// The keyword that occurs first in the text is reported.
	rules2 := []Rule{{ID: 2, Position: 1, Kind: KindOnlinePlatform, Enabled: true, RoomID: ecommerceRoom, Keywords: []string{"外卖", "直播", "直播间"}}}
	if d := Route(rules2, dir, Complaint{Description: "直播间里推荐的外卖套餐"}); d.Trace[0].Detail != "投诉描述含网络平台关键词“直播”" {
		t.Errorf("trace %+v, want the earliest keyword 直播", d.Trace)
	}
	for _, tc := range tests {
		d := Route(rules, dir, tc.c)
		if d.RoomID != tc.room || len(d.Trace) != 1 || d.Trace[0].Detail != tc.detail {
			t.Errorf("%+v: room %d trace %+v, want room %d detail %q", tc.c, d.RoomID, d.Trace, tc.room, tc.detail)
		}
	}
}

func TestNormalize(t *testing.T) {
	for _, tc := range []struct {
		in    string
		lower bool
		want  string
	}{
		{"陆家嘴街道", false, "陆家嘴街道"},
		{"　世纪大道 １００号（Ａ座）\t", false, "世纪大道100号(A座)"},
		{"Ａｐｐ 下单", true, "app下单"},
		{"APP", false, "APP"},
	} {
		if got := normalize(tc.in, tc.lower); got != tc.want {
			t.Errorf("normalize(%q, %v) = %q, want %q", tc.in, tc.lower, got, tc.want)
		}
	}
}

func TestKindLabel(t *testing.T) {
	for _, k := range []Kind{KindEnterpriseMerchant, KindOnlinePlatform, KindStreet, KindCategory, KindKeyword, KindFallback, "bogus"} {
		if !hasHan(k.Label()) {
			t.Errorf("%s label %q is not Chinese", k, k.Label())
		}
	}
	if Kind("bogus").Valid() || !KindStreet.Valid() {
		t.Error("Valid is wrong")
	}
}

func TestDefaultRules(t *testing.T) {
	rules := DefaultRules(ecommerceRoom)
	var kinds []Kind
	for _, r := range rules {
		kinds = append(kinds, r.Kind)
		if !hasHan(r.Note) {
			t.Errorf("%s note %q is not Chinese", r.Kind, r.Note)
		}
	}
	if !slices.Equal(kinds, []Kind{KindEnterpriseMerchant, KindOnlinePlatform, KindStreet, KindCategory, KindFallback}) {
		t.Errorf("kinds %v", kinds)
	}
	if rules[3].Enabled || len(rules[3].Categories) != 0 {
		t.Error("category rule should start empty and disabled")
	}
	if !rules[1].Enabled || rules[1].RoomID != ecommerceRoom || !slices.Contains(rules[1].Keywords, "外卖") {
		t.Errorf("online rule %+v", rules[1])
	}
	if err := ValidateRules(rules, pudong()); err != nil {
		t.Errorf("default rules invalid: %v", err)
	}
	if r := DefaultRules(0); r[1].Enabled {
		t.Error("online rule enabled without an e-commerce room")
	} else if err := ValidateRules(r, pudong()); err != nil {
		t.Errorf("default rules without e-commerce room invalid: %v", err)
	}
	rules[1].Keywords[0] = "changed"
	if OnlineKeywords[0] == "changed" {
		t.Error("DefaultRules shares OnlineKeywords")
	}
}

func TestValidateRules(t *testing.T) {
	dir := pudong()
	tests := []struct {
		name   string
		edit   func([]Rule) []Rule
		errors []string // substrings, one per expected problem
	}{
		{"unknown kind", func(r []Rule) []Rule { r[2].Kind = "lottery"; return r },
			[]string{"规则“类型“lottery””（编号3，顺序30）的类型无法识别"}},
		{"online rule without room", func(r []Rule) []Rule { r[1].RoomID = 0; return r },
			[]string{"规则“网络平台纠纷”（编号2，顺序20）未指定目标工作室"}},
		{"online rule to a missing room", func(r []Rule) []Rule { r[1].RoomID = 999; return r },
			[]string{"规则“网络平台纠纷”（编号2，顺序20）的目标工作室（编号999）不存在"}},
		{"online rule to an office room is allowed", func(r []Rule) []Rule { r[1].RoomID = 1; return r }, nil},
		{"category rule without categories", func(r []Rule) []Rule { r[3].Categories = nil; return r },
			[]string{"未设置任何投诉类别"}},
		{"category rule with a blank category", func(r []Rule) []Rule { r[3].Categories = append(r[3].Categories, " "); return r },
			[]string{"含有空白的投诉类别"}},
		{"keyword rule without keywords", func(r []Rule) []Rule {
			return slices.Insert(r, 4, Rule{Position: 45, Kind: KindKeyword, Enabled: true, RoomID: prepaidRoom})
		}, []string{"规则“关键词”（顺序45）未设置任何关键词"}},
		{"keyword rule with a blank keyword", func(r []Rule) []Rule { r[1].Keywords = []string{"直播", "　"}; return r },
			[]string{"含有空白的关键词"}},
		{"street rule with a room", func(r []Rule) []Rule { r[2].RoomID = 1; return r },
			[]string{"按街镇名录确定工作室"}},
		{"enterprise rule with a room", func(r []Rule) []Rule { r[0].RoomID = 101; return r },
			[]string{"按经营者绑定关系确定工作室"}},
		{"fallback to a missing room", func(r []Rule) []Rule { r[4].RoomID = 999; return r },
			[]string{"规则“兜底规则”（编号5，顺序50）的目标工作室（编号999）不存在"}},
		{"fallback to a room", func(r []Rule) []Rule { r[4].RoomID = 1; return r }, nil},
		{"duplicate positions", func(r []Rule) []Rule { r[3].Position = 30; return r },
			[]string{"与规则“属地街镇”（编号3，顺序30）的顺序号重复"}},
		{"duplicate ids", func(r []Rule) []Rule { r[3].ID = 1; return r }, []string{"规则编号1重复"}},
		{"two fallbacks", func(r []Rule) []Rule {
			return append(r, Rule{ID: 6, Position: 60, Kind: KindFallback, Enabled: true})
		}, []string{"规则“兜底规则”（编号5，顺序50）必须排在最后", "只能启用一条兜底规则"}},
		{"fallback not last", func(r []Rule) []Rule { r[4].Position = 25; return r },
			[]string{"规则“兜底规则”（编号5，顺序25）必须排在最后，其后的规则“属地街镇”（编号3，顺序30）永远不会被执行"}},
		{"disabled rules after the fallback are fine", func(r []Rule) []Rule {
			return append(r, Rule{ID: 6, Position: 60, Kind: KindKeyword})
		}, nil},
		{"disabled half-configured rules are fine", func(r []Rule) []Rule { r[3].Enabled, r[3].RoomID, r[3].Categories = false, 0, nil; return r }, nil},
		{"no fallback is allowed", func(r []Rule) []Rule { return r[:4] }, nil},
		{"every problem is reported", func(r []Rule) []Rule {
			r[1].RoomID, r[3].Categories, r[4].Position = 0, nil, 10
			return r
		}, []string{"未指定目标工作室", "未设置任何投诉类别", "顺序号重复", "必须排在最后"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := ValidateRules(tc.edit(pudongRules()), dir)
			if len(tc.errors) == 0 {
				if err != nil {
					t.Fatalf("unexpected error: %v", err)
				}
				return
			}
			var ve *ValidationError
			if !errors.As(err, &ve) {
				t.Fatalf("error %v, want a *ValidationError", err)
			}
			if len(ve.Problems) != len(tc.errors) {
				t.Errorf("problems %q, want %d", ve.Problems, len(tc.errors))
			}
			for _, want := range tc.errors {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("error %q does not contain %q", err, want)
				}
			}
			for _, p := range ve.Problems {
				if !hasHan(p) {
					t.Errorf("problem %q is not Chinese", p)
				}
			}
		})
	}
	if err := ValidateRules(pudongRules(), nil); err == nil {
		t.Error("rules pointing at rooms pass against a nil directory")
	}
}

// complaints generates n complaints in the proportions a Pudong committee
// sees: some bound merchants, online disputes, addresses by full or base
// street name (some full-width or spaced), addresses outside the district.
func complaints(n int, seed uint64) []Complaint {
	rng := rand.New(rand.NewPCG(seed, 2))
	roads := []string{"世纪大道", "张杨路", "浦东南路", "东方路", "锦绣路", "华夏东路", "川沙路", "南码头路", "沪南公路"}
	categories := []string{"服务-医疗美容", "服务-健身", "服务-餐饮", "商品-家用电器", "服务-网络购物", "服务-教育培训", ""}
	filler := strings.Repeat("消费者称于门店购买商品后发现质量问题，多次与商家协商未果，要求退货退款并赔偿损失。", 3)
	out := make([]Complaint, n)
	for i := range out {
		c := Complaint{
			MerchantID:   int64(rng.IntN(5000) + 2000),
			MerchantName: fmt.Sprintf("上海某某%d商贸有限公司", i),
			Category:     categories[rng.IntN(len(categories))],
			Description:  filler,
			Channel:      "12315",
		}
		street := pudongStreets[rng.IntN(len(pudongStreets))]
		road := roads[rng.IntN(len(roads))]
		switch p := rng.IntN(100); {
		case p < 8:
			c.MerchantID = int64(1000 + rng.IntN(50))
		case p < 10:
			c.MerchantID, c.CreditCode = 0, creditCode(rng.IntN(50))
		case p < 18:
			c.Description = "在直播间下单购买的商品与宣传不符。" + filler
		case p < 20:
			c.Channel = "odr"
		}
		switch p := rng.IntN(100); {
		case p < 55:
			c.MerchantAddress = "上海市浦东新区" + street + road + fmt.Sprint(rng.IntN(2000)) + "号"
		case p < 70:
			if b := baseName(street); b != "" {
				street = b
			}
			c.MerchantAddress = "浦东新区" + street + "路" + fmt.Sprint(rng.IntN(2000)) + "号"
		case p < 80:
			c.MerchantAddress = "　浦东新区 " + street + " " + road + "１２号 "
		case p < 95:
			c.MerchantAddress = "上海市黄浦区南京东路" + fmt.Sprint(rng.IntN(2000)) + "号"
		}
		out[i] = c
	}
	return out
}

// randomRules builds a shuffled list of rules of every kind, some disabled,
// some unknown, some pointing at rooms that do not exist.
func randomRules(rng *rand.Rand) []Rule {
	kinds := []Kind{KindEnterpriseMerchant, KindOnlinePlatform, KindStreet, KindCategory, KindKeyword, KindFallback, "bogus"}
	targets := []int64{0, 1, 5, 104, ecommerceRoom, beautyRoom, 999}
	n := rng.IntN(8)
	rules := make([]Rule, n)
	for i, pos := range rng.Perm(n) {
		rules[i] = Rule{
			ID: int64(i + 1), Position: pos, Kind: kinds[rng.IntN(len(kinds))], Enabled: rng.IntN(5) > 0,
			RoomID:     targets[rng.IntN(len(targets))],
			Categories: []string{"服务-医疗美容", "服务-健身"}[:rng.IntN(3)],
			Keywords:   OnlineKeywords[:rng.IntN(4)],
		}
	}
	return rules
}

func TestRouteProperties(t *testing.T) {
	dir := pudong()
	rng := rand.New(rand.NewPCG(7, 11))
	cs := complaints(3000, 3)
	for i, c := range cs {
		rules := randomRules(rng)
		d := Route(rules, dir, c)
		checkDecision(t, dir, d)
		// The trace follows the enabled rules in position order.
		var enabled []int64
		for _, r := range inOrder(rules) {
			if r.Enabled {
				enabled = append(enabled, r.ID)
			}
		}
		if got := stepRules(d); !slices.Equal(got, enabled[:len(got)]) {
			t.Fatalf("complaint %d: trace %v does not follow enabled rules %v", i, got, enabled)
		}
		if n := len(d.Trace); (n == 0 || !d.Trace[n-1].Matched) && n != len(enabled) {
			t.Fatalf("complaint %d: no match after %d of %d enabled rules", i, n, len(enabled))
		}
		if t.Failed() {
			t.Fatalf("complaint %d %+v, rules %+v", i, c, rules)
		}
	}
}

// TestRouteTenThousand routes a Pudong-sized day's worth of complaints and
// checks every decision; BenchmarkRoute guards the speed.
func TestRouteTenThousand(t *testing.T) {
	dir := pudong()
	rules := pudongRules()
	if err := ValidateRules(rules, dir); err != nil {
		t.Fatal(err)
	}
	byKind := map[Kind]int{}
	for _, c := range complaints(10000, 1) {
		d := Route(rules, dir, c)
		checkDecision(t, dir, d)
		byKind[d.Kind]++
		if t.Failed() {
			t.Fatalf("complaint %+v", c)
		}
	}
	t.Logf("decisions by kind: %v", byKind)
	for _, k := range []Kind{KindEnterpriseMerchant, KindOnlinePlatform, KindStreet, KindCategory, KindFallback} {
		if byKind[k] == 0 {
			t.Errorf("no complaint routed by %s: %v", k, byKind)
		}
	}
}

// BenchmarkRoute routes 10,000 complaints per operation against a
// Pudong-sized directory.
func BenchmarkRoute(b *testing.B) {
	dir := pudong()
	rules := pudongRules()
	cs := complaints(10000, 1)
	b.ReportAllocs()
	for b.Loop() {
		for _, c := range cs {
			Route(rules, dir, c)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(len(cs)), "ns/complaint")
}

// BenchmarkNewDirectory measures building the Pudong directory and matcher.
func BenchmarkNewDirectory(b *testing.B) {
	for b.Loop() {
		pudong()
	}
}
