package dedup

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode"
)

// t0 is the fixed start of the synthetic data: Monday 2026-03-02 09:00 in
// Shanghai (UTC+8).
var t0 = time.Date(2026, 3, 2, 9, 0, 0, 0, time.FixedZone("CST", 8*3600))

const day = 24 * time.Hour

// ---------------------------------------------------------------------------
// Synthetic complaints

// gen produces realistic complaint texts from a fixed seed.
type gen struct {
	r      *rand.Rand
	nextID int64
}

func newGen(seed uint64) *gen {
	return &gen{r: rand.New(rand.NewPCG(seed, seed^0x5eed)), nextID: 1}
}

func (g *gen) pick(xs []string) string { return xs[g.r.IntN(len(xs))] }

// money returns an amount in whole hundreds between lo and hi.
func (g *gen) money(lo, hi int) int { return (lo + g.r.IntN(hi-lo+1)) / 100 * 100 }

// phone returns a fresh stand-in for a keyed phone hash.
func (g *gen) phone() string { return fmt.Sprintf("h%016x", g.r.Uint64()) }

// gymText is one member's account of the 某某健身 closure. Most members fill
// in the template circulating in their chat group (维权群) with their own
// details; the others tell the story in their own words.
func (g *gen) gymText() string {
	if g.r.IntN(5) < 3 {
		return g.gymTemplate()
	}
	return g.gymOwnWords()
}

// gymTemplate is the chat group's template with one member's details.
func (g *gen) gymTemplate() string {
	rest := g.money(500, 4000)
	return fmt.Sprintf("本人于2025年%d月在某某健身%s店办理预付卡会员，充值%d元。3月%d日该店突然闭店，经营者失联，预付卡余额%d元无法使用。现要求退费，退还预付卡余额%d元。%s",
		1+g.r.IntN(12), g.pick([]string{"徐汇", "静安", "浦东"}), g.money(2000, 8000), 2+g.r.IntN(5), rest, rest,
		g.pick([]string{"", "", "有付款记录和会员合同。", "店长闭店前一周还在推销续卡。"}))
}

// gymOwnWords is one member's account in that member's own words.
func (g *gen) gymOwnWords() string {
	m := 1 + g.r.IntN(12)
	buy := []string{
		fmt.Sprintf("我于2025年%d月在某某健身办理了年卡会员，预付卡充值%d元", m, g.money(2000, 6000)),
		fmt.Sprintf("去年%d月在某某健身办了预付卡，一次性交了%d元", m, g.money(2000, 6000)),
		fmt.Sprintf("本人在某某健身购买了私教课程，预付卡共计%d元", g.money(3000, 12000)),
		fmt.Sprintf("%d月份在某某健身门店充值%d元办理预付卡", m, g.money(1000, 5000)),
		fmt.Sprintf("在某某健身办了两年的预付卡会员，花了%d元", g.money(3000, 8000)),
	}
	closed := []string{
		fmt.Sprintf("%d月%d日去健身时发现门店突然闭店，门口贴了停业通知", 3, 2+g.r.IntN(5)),
		"近日该门店突然闭店，工作人员全部撤离",
		"上周门店突然闭店，电话无人接听，教练也联系不上",
		"现在门店已经闭店，器材都被搬走了",
		"门店突然闭店，没有任何提前通知",
	}
	refund := []string{
		fmt.Sprintf("卡内还有余额%d元未使用，要求退费", g.money(500, 4000)),
		fmt.Sprintf("要求商家退还预付卡剩余费用%d元", g.money(500, 4000)),
		fmt.Sprintf("剩余%d节私教课没有上，要求全额退费", 5+g.r.IntN(30)),
		fmt.Sprintf("希望尽快退费，退还剩余的%d元", g.money(500, 4000)),
	}
	extra := []string{"", "", "店长闭店前一周还在推销续卡。", "听说其他会员也遇到同样情况。", "前台说总部在处理，但一直没有结果。"}
	return g.pick(buy) + "。" + g.pick(closed) + "。" + g.pick(refund) + "。" + g.pick(extra)
}

// categories counts the unrelated kinds of complaint otherText can write.
const categories = 14

// otherText writes a complaint of kind cat (mod categories), none of them a
// prepaid-card closure.
func (g *gen) otherText(cat int) string {
	switch cat % categories {
	case 0:
		return fmt.Sprintf("在网上店铺购买的%s手机，收到后发现屏幕有划痕，联系客服要求换货被拒绝，要求退货退款%d元。",
			g.pick([]string{"华为", "小米", "苹果", "荣耀"}), g.money(1500, 8000))
	case 1:
		return fmt.Sprintf("%d月%d日在该餐厅就餐，菜品中吃出%s，当晚出现腹泻症状，要求赔偿医药费%d元并公开道歉。",
			1+g.r.IntN(12), 1+g.r.IntN(28), g.pick([]string{"头发", "钢丝球碎片", "虫子"}), g.money(200, 2000))
	case 2:
		return fmt.Sprintf("与装修公司签订合同约定%d天完工，现已超期两个月仍未交付，%s，要求按合同支付违约金。",
			60+g.r.IntN(60), g.pick([]string{"墙面开裂", "地砖空鼓", "水管渗漏"}))
	case 3:
		return fmt.Sprintf("从车行购买的二手轿车，买时承诺无事故，检测发现是泡水车，表显里程被调低约%d公里，要求退车并赔偿。",
			g.money(20000, 90000))
	case 4:
		return fmt.Sprintf("寄出的包裹内有%s，物流显示已签收但本人并未收到，快递公司只愿按运费三倍赔偿，要求按实际价值%d元赔偿。",
			g.pick([]string{"一台笔记本电脑", "两件羊绒大衣", "一部相机"}), g.money(2000, 9000))
	case 5:
		return fmt.Sprintf("空调不制冷请师傅上门维修，师傅更换压缩机收费%d元，事后查询配件是翻新件，要求退还维修费。",
			g.money(800, 3000))
	case 6:
		return fmt.Sprintf("通过该平台预订%s的机票，航班取消后申请退票，平台扣除手续费%d元，还搭售了保险和贵宾室权益，要求全额退款。",
			g.pick([]string{"上海飞成都", "上海飞广州", "上海飞三亚"}), g.money(100, 900))
	case 7:
		return fmt.Sprintf("通过中介租住的房屋合同到期正常退租，中介以墙面污损为由扣留押金%d元，不提供维修凭证。",
			g.money(2000, 9000))
	case 8:
		return fmt.Sprintf("被美容院店员反复推销，以体验价诱导办理美容套餐%d元，做了两次后皮肤过敏红肿，至今未愈。",
			g.money(3000, 20000))
	case 9:
		return fmt.Sprintf("给孩子报名英语培训，承诺小班教学，实际一个班三十多人，老师频繁更换，要求按未上课时退还学费%d元。",
			g.money(2000, 15000))
	case 10:
		return fmt.Sprintf("在4S店保养时被告知刹车片需要更换，收费%d元，后到其他店检查发现原刹车片仍可使用，怀疑过度维修。",
			g.money(600, 2500))
	case 11:
		return fmt.Sprintf("在超市购买的%s已过保质期，超市只同意退货，要求依法支付价款十倍的赔偿。",
			g.pick([]string{"进口牛奶", "饼干礼盒", "火腿肠"}))
	case 12:
		return fmt.Sprintf("运营商未经同意开通了增值业务，每月扣费%d元，持续半年，要求退还全部费用并取消业务。",
			10+g.r.IntN(40))
	default:
		return fmt.Sprintf("预订的酒店到店后称满房，拒绝安排入住，深夜只能另找酒店，多花费%d元，要求赔偿差价和交通费。",
			g.money(200, 1500))
	}
}

// complaint makes a complaint with the next ID.
func (g *gen) complaint(merchant int64, phone, text string, at time.Time) Complaint {
	c := Complaint{ID: g.nextID, PhoneHash: phone, MerchantID: merchant, Text: text, ReceivedAt: at}
	g.nextID++
	return c
}

// between returns a random instant in [from, from+span).
func (g *gen) between(from time.Time, span time.Duration) time.Time {
	return from.Add(time.Duration(g.r.Int64N(int64(span))))
}

// ---------------------------------------------------------------------------
// Normalize, FingerprintOf, Similarity

func TestNormalize(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"", ""},
		{"  \t\n", ""},
		{"ＡＢＣ１２３", "abc123"}, // full-width letters and digits
		{"Ｈｅｌｌｏ　Ｗｏｒｌｄ！", "helloworld"}, // ideographic space, full-width !
		{"iPhone 15 Pro Max", "iphone15promax"},
		{"健身房闭店了！！！要求退费。", "健身房闭店了要求退费"},
		{"“预付卡”（储值卡）、《合同》【通知】……——", "预付卡储值卡合同通知"},
		{"退款 ￥3,000.00 元", "退款300000元"},
		{"Hello, World? (test) [x] {y} <z> #1 @a $ % ^ & * _ - + = | \\ / ~ `", "helloworldtestxyz1a"},
		{"二〇二五年三月", "二〇二五年三月"},
		{"上海某某健身有限公司 ", "上海某某健身有限公司"},
		{"ｈｔｔｐ：／／ＡＢＣ．ｃｏｍ", "httpabccom"},
		{"\xff坏\xfe字节", "坏字节"}, // invalid UTF-8 is dropped
	} {
		if got := Normalize(tc.in); got != tc.want {
			t.Errorf("Normalize(%q) = %q, want %q", tc.in, got, tc.want)
		}
		if got := Normalize(Normalize(tc.in)); got != tc.want {
			t.Errorf("Normalize is not idempotent on %q: %q", tc.in, got)
		}
	}
}

func TestFingerprintOf(t *testing.T) {
	t.Run("sorted and deduplicated", func(t *testing.T) {
		g := newGen(1)
		for range 200 {
			text := g.gymText() + g.otherText(g.r.IntN(categories))
			fp := FingerprintOf(text)
			if !slices.IsSorted(fp) {
				t.Fatalf("not sorted: %q", text)
			}
			if len(slices.Compact(slices.Clone(fp))) != len(fp) {
				t.Fatalf("repeats: %q", text)
			}
			if !slices.Equal(fp, FingerprintOf(Normalize(text))) {
				t.Fatalf("FingerprintOf(text) != FingerprintOf(Normalize(text)) for %q", text)
			}
		}
	})
	t.Run("sizes", func(t *testing.T) {
		for _, tc := range []struct {
			text string
			want int
		}{
			{"", 0},
			{"。！，", 0},
			{"退", 1},        // unigram only
			{"退费", 3},       // 2 unigrams + 1 bigram
			{"要退费", 5},      // 3 unigrams + 2 bigrams
			{"要求退费", 3},     // 4 runes: bigrams only
			{"哈哈哈哈哈哈", 1},   // one distinct bigram
			{"ＡＢ ab，Ab", 2}, // "abab" → ab, ba
		} {
			if got := len(FingerprintOf(tc.text)); got != tc.want {
				t.Errorf("len(FingerprintOf(%q)) = %d, want %d", tc.text, got, tc.want)
			}
		}
	})
	t.Run("punctuation and width do not matter", func(t *testing.T) {
		a := FingerprintOf("门店突然闭店，要求退还预付卡余额3000元！")
		b := FingerprintOf("门店 突然闭店 要求退还预付卡余额３０００元")
		if !slices.Equal(a, b) {
			t.Fatal("fingerprints differ")
		}
	})
	t.Run("unigrams do not collide with bigrams", func(t *testing.T) {
		if Similarity(FingerprintOf("退"), FingerprintOf("退费退费退费")) != 0 {
			t.Fatal("unigram hash equals a bigram hash")
		}
	})
}

func TestPrepareCache(t *testing.T) {
	c := Complaint{Text: "门店突然闭店，要求退费"}
	if !slices.Equal(c.Fingerprint(), FingerprintOf(c.Text)) {
		t.Fatal("unprepared fingerprint")
	}
	c.Prepare()
	if !slices.Equal(c.Fingerprint(), FingerprintOf(c.Text)) {
		t.Fatal("prepared fingerprint")
	}
	c.Text = "空调维修乱收费"
	if !slices.Equal(c.Fingerprint(), FingerprintOf(c.Text)) {
		t.Fatal("stale cache used after the text changed")
	}
	var zero Complaint
	if zero.Fingerprint() != nil {
		t.Fatal("zero complaint has a fingerprint")
	}
}

// Near duplicates: the same complainant re-submitting with small edits.
var nearDuplicates = [][2]string{
	{
		"2025年3月在某某健身办了两年会员卡，花费4800元，上周门店突然关门，电话无人接听，要求退还剩余费用3600元。",
		"2025年3月在某某健身办理两年会员卡，花了4800元，上周门店突然关门，电话一直无人接听，要求退还剩余的3600元费用。",
	},
	{
		"在网上店铺购买的华为手机，收到后发现屏幕有划痕，联系客服要求换货被拒绝，要求退货退款4999元。",
		"网上店铺买的华为手机收到后屏幕有划痕，联系客服换货被拒绝，现要求退货并退款4999元",
	},
	{
		"通过中介租住的房屋合同到期正常退租，中介以墙面污损为由扣留押金6000元，不提供维修凭证。",
		"通过中介租的房子合同到期正常退租，中介以墙面污损为理由扣了押金6000元，也不提供任何维修凭证。补充：有退租时的照片。",
	},
	{
		"给孩子报名英语培训，承诺小班教学，实际一个班三十多人，老师频繁更换，要求按未上课时退还学费8000元。",
		"给孩子报名了英语培训，当时承诺小班教学，实际每班三十多人，老师频繁更换。要求按未上课时退还学费8000元！",
	},
}

// Different complaints: different stories, some against similar businesses.
var differentPairs = [][2]string{
	{
		"2025年3月在某某健身办了两年会员卡，花费4800元，上周门店突然关门，电话无人接听，要求退还剩余费用3600元。",
		"健身房的私教课程教练多次迟到早退，课程质量很差，更衣室淋浴长期没有热水，要求延长会员期限。",
	},
	{
		"在网上店铺购买的华为手机，收到后发现屏幕有划痕，联系客服要求换货被拒绝，要求退货退款4999元。",
		"空调不制冷请师傅上门维修，师傅更换压缩机收费2400元，事后查询配件是翻新件，要求退还维修费。",
	},
	{
		"在超市购买的进口牛奶已过保质期，超市只同意退货，要求依法支付价款十倍的赔偿。",
		"预订的酒店到店后称满房，拒绝安排入住，深夜只能另找酒店，多花费600元，要求赔偿差价和交通费。",
	},
}

func TestSimilarity(t *testing.T) {
	t.Run("edge cases", func(t *testing.T) {
		if s := Similarity(nil, nil); s != 0 {
			t.Errorf("both empty = %v, want 0", s)
		}
		if s := Similarity(nil, FingerprintOf("退费")); s != 0 {
			t.Errorf("one empty = %v, want 0", s)
		}
		if s := Similarity(FingerprintOf("健身房闭店"), FingerprintOf("手机屏幕碎裂")); s != 0 {
			t.Errorf("disjoint = %v, want 0", s)
		}
		a, b := FingerprintOf("要求退费"), FingerprintOf("要求退款")
		if s := Similarity(a, b); math.Abs(s-0.5) > 1e-12 { // {要求,求退} ∩ … = 2 of 4
			t.Errorf("Similarity = %v, want 0.5", s)
		}
	})
	t.Run("properties", func(t *testing.T) {
		g := newGen(2)
		var fps []Fingerprint
		for i := range 120 {
			if i%2 == 0 {
				fps = append(fps, FingerprintOf(g.gymText()))
			} else {
				fps = append(fps, FingerprintOf(g.otherText(i)))
			}
		}
		for i, a := range fps {
			if s := Similarity(a, a); s != 1 {
				t.Fatalf("self similarity = %v", s)
			}
			for _, b := range fps[i+1:] {
				ab, ba := Similarity(a, b), Similarity(b, a)
				if ab != ba {
					t.Fatalf("not symmetric: %v vs %v", ab, ba)
				}
				if ab < 0 || ab > 1 || math.IsNaN(ab) {
					t.Fatalf("out of range: %v", ab)
				}
			}
		}
	})
	t.Run("near duplicates score high", func(t *testing.T) {
		for _, p := range nearDuplicates {
			if s := Similarity(FingerprintOf(p[0]), FingerprintOf(p[1])); s < DefaultSettings().DuplicateThreshold {
				t.Errorf("%.2f < threshold for\n  %s\n  %s", s, p[0], p[1])
			} else {
				t.Logf("near duplicate %.2f", s)
			}
		}
	})
	t.Run("different complaints score low", func(t *testing.T) {
		for _, p := range differentPairs {
			if s := Similarity(FingerprintOf(p[0]), FingerprintOf(p[1])); s > 0.15 {
				t.Errorf("%.2f > 0.15 for\n  %s\n  %s", s, p[0], p[1])
			}
		}
		// Every pair of unrelated categories, several draws each.
		g := newGen(3)
		worst, sum, n := 0.0, 0.0, 0
		for range 5 {
			for a := range categories {
				for b := a + 1; b < categories; b++ {
					s := Similarity(FingerprintOf(g.otherText(a)), FingerprintOf(g.otherText(b)))
					worst, sum, n = max(worst, s), sum+s, n+1
				}
			}
		}
		t.Logf("unrelated categories: mean %.3f, worst %.3f over %d pairs", sum/float64(n), worst, n)
		if worst > 0.15 {
			t.Errorf("unrelated complaints reach %.2f", worst)
		}
	})
}

// ---------------------------------------------------------------------------
// Settings

func TestSettingsValidate(t *testing.T) {
	if err := DefaultSettings().Validate(); err != nil {
		t.Fatalf("defaults: %v", err)
	}
	ok := []func(*Settings){
		func(s *Settings) { s.DuplicateThreshold = 1 },
		func(s *Settings) { s.SurgeSimilarity = 0 },
		func(s *Settings) { s.SurgeSimilarity = 1 },
		func(s *Settings) { s.SurgeMinCount = 2 },
		func(s *Settings) { s.DuplicateWindow = 365 * day },
		func(s *Settings) { s.SurgeWindow = time.Hour },
	}
	for i, f := range ok {
		s := DefaultSettings()
		f(&s)
		if err := s.Validate(); err != nil {
			t.Errorf("ok #%d: %v", i, err)
		}
	}
	bad := []struct {
		mutate func(*Settings)
		want   string
	}{
		{func(s *Settings) { s.DuplicateWindow = 0 }, "重复投诉比对时间窗口"},
		{func(s *Settings) { s.DuplicateWindow = -day }, "重复投诉比对时间窗口"},
		{func(s *Settings) { s.DuplicateWindow = 366 * day }, "当前为366天"},
		{func(s *Settings) { s.DuplicateThreshold = 0 }, "重复投诉相似度阈值"},
		{func(s *Settings) { s.DuplicateThreshold = 1.5 }, "当前为1.5"},
		{func(s *Settings) { s.DuplicateThreshold = math.NaN() }, "重复投诉相似度阈值"},
		{func(s *Settings) { s.SurgeWindow = 0 }, "群体性纠纷识别时间窗口"},
		{func(s *Settings) { s.SurgeWindow = 400 * day }, "群体性纠纷识别时间窗口"},
		{func(s *Settings) { s.SurgeMinCount = 1 }, "群体性纠纷最少投诉人数"},
		{func(s *Settings) { s.SurgeMinCount = 1001 }, "当前为1001"},
		{func(s *Settings) { s.SurgeSimilarity = -0.1 }, "群体性纠纷内容相似度阈值"},
		{func(s *Settings) { s.SurgeSimilarity = math.Inf(1) }, "群体性纠纷内容相似度阈值"},
	}
	for i, tc := range bad {
		s := DefaultSettings()
		tc.mutate(&s)
		err := s.Validate()
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("bad #%d: error %v, want it to mention %q", i, err, tc.want)
		}
	}
	t.Run("all problems at once, in Chinese", func(t *testing.T) {
		err := Settings{}.Validate()
		if err == nil {
			t.Fatal("zero settings accepted")
		}
		lines := strings.Split(err.Error(), "\n")
		if len(lines) != 4 { // SurgeSimilarity 0 is allowed
			t.Fatalf("want 4 problems, got %d: %v", len(lines), err)
		}
		for _, l := range lines {
			if !strings.ContainsFunc(l, func(r rune) bool { return unicode.Is(unicode.Han, r) }) {
				t.Errorf("not Chinese: %q", l)
			}
		}
	})
	t.Run("invalid settings find nothing", func(t *testing.T) {
		c := Complaint{ID: 1, PhoneHash: "p", MerchantID: 1, Text: "退费", ReceivedAt: t0}
		d := c
		d.ID = 2
		if m := FindDuplicates(c, []Complaint{d}, Settings{}); m != nil {
			t.Errorf("FindDuplicates = %v", m)
		}
		if m := FindDuplicates(c, []Complaint{d}, DefaultSettings()); len(m) != 1 {
			t.Errorf("sanity: FindDuplicates = %v", m)
		}
		var cs []Complaint
		for i := range 6 {
			cs = append(cs, Complaint{ID: int64(i), PhoneHash: fmt.Sprint(i), MerchantID: 1, Text: "门店闭店要求退费", ReceivedAt: t0})
		}
		if s := DetectSurges(cs, Settings{}); s != nil {
			t.Errorf("DetectSurges = %v", s)
		}
		if s := DetectSurges(cs, DefaultSettings()); len(s) != 1 {
			t.Errorf("sanity: DetectSurges = %v", s)
		}
	})
}

// ---------------------------------------------------------------------------
// FindDuplicates

func TestFindDuplicates(t *testing.T) {
	s := DefaultSettings()
	orig, edited := nearDuplicates[0][0], nearDuplicates[0][1]
	c := Complaint{ID: 100, PhoneHash: "phone-a", MerchantID: 7, Text: edited, ReceivedAt: t0}
	base := Complaint{ID: 1, PhoneHash: "phone-a", MerchantID: 7, Text: orig, ReceivedAt: t0.Add(-3 * day)}
	with := func(f func(*Complaint)) Complaint { d := base; f(&d); return d }

	t.Run("match and reasons", func(t *testing.T) {
		m := FindDuplicates(c, []Complaint{base}, s)
		if len(m) != 1 || m[0].ID != 1 {
			t.Fatalf("got %+v", m)
		}
		want := Similarity(FingerprintOf(orig), FingerprintOf(edited))
		if m[0].Score != want || want < s.DuplicateThreshold {
			t.Fatalf("score %v, want %v", m[0].Score, want)
		}
		pct := fmt.Sprintf("内容相似度 %d%%", int(math.Floor(want*100)))
		if !slices.Equal(m[0].Reasons, []string{"同一手机号", "同一经营者", pct, "3天内"}) {
			t.Fatalf("reasons %q", m[0].Reasons)
		}
	})
	none := map[string]Complaint{
		"phone differs":          with(func(d *Complaint) { d.PhoneHash = "phone-b" }),
		"merchant differs":       with(func(d *Complaint) { d.MerchantID = 8 }),
		"merchant key differs":   with(func(d *Complaint) { d.MerchantID = 0; d.MerchantKey = "913101150000000001" }),
		"outside window, before": with(func(d *Complaint) { d.ReceivedAt = t0.Add(-s.DuplicateWindow - time.Second) }),
		"outside window, after":  with(func(d *Complaint) { d.ReceivedAt = t0.Add(s.DuplicateWindow + time.Second) }),
		"below threshold":        with(func(d *Complaint) { d.Text = differentPairs[0][1] }),
		"same complaint":         with(func(d *Complaint) { d.ID = c.ID; d.Text = c.Text }),
		"empty vs text":          with(func(d *Complaint) { d.Text = "！！" }),
	}
	for name, d := range none {
		t.Run(name, func(t *testing.T) {
			if m := FindDuplicates(c, []Complaint{d}, s); m != nil {
				t.Fatalf("got %+v", m)
			}
		})
	}
	t.Run("unknown phone never matches", func(t *testing.T) {
		c2, d := c, base
		c2.PhoneHash, d.PhoneHash = "", ""
		if m := FindDuplicates(c2, []Complaint{d}, s); m != nil {
			t.Fatalf("got %+v", m)
		}
	})
	t.Run("unknown merchant never matches", func(t *testing.T) {
		c2, d := c, base
		c2.MerchantID, d.MerchantID = 0, 0
		if m := FindDuplicates(c2, []Complaint{d}, s); m != nil {
			t.Fatalf("got %+v", m)
		}
	})
	t.Run("merchant by key when an ID is missing", func(t *testing.T) {
		c2, d := c, base
		c2.MerchantKey, d.MerchantKey = "上海某某健身有限公司", "上海某某健身有限公司"
		d.MerchantID = 0
		if m := FindDuplicates(c2, []Complaint{d}, s); len(m) != 1 {
			t.Fatalf("got %+v", m)
		}
	})
	t.Run("window edges are inclusive", func(t *testing.T) {
		for _, at := range []time.Time{t0.Add(-s.DuplicateWindow), t0.Add(s.DuplicateWindow)} {
			d := with(func(d *Complaint) { d.ReceivedAt = at })
			m := FindDuplicates(c, []Complaint{d}, s)
			if len(m) != 1 || m[0].Reasons[3] != "30天内" {
				t.Fatalf("at %v: %+v", at, m)
			}
		}
	})
	t.Run("identical normalized text scores 1", func(t *testing.T) {
		d := with(func(d *Complaint) { d.Text = " " + strings.ReplaceAll(edited, "，", " ") + "！！" })
		m := FindDuplicates(c, []Complaint{d}, s)
		if len(m) != 1 || m[0].Score != 1 || m[0].Reasons[2] != "内容相同" {
			t.Fatalf("got %+v", m)
		}
		c2, e := c, with(func(d *Complaint) { d.Text = "" })
		c2.Text = "。。。"
		if m := FindDuplicates(c2, []Complaint{e}, s); len(m) != 1 || m[0].Score != 1 || m[0].Reasons[2] != "内容相同" {
			t.Fatalf("empty texts: %+v", m)
		}
	})
	t.Run("time reasons", func(t *testing.T) {
		for gap, want := range map[time.Duration]string{
			0: "24小时内", 23 * time.Hour: "24小时内", day: "1天内", day + time.Minute: "2天内", -6*day - time.Hour: "7天内",
		} {
			d := with(func(d *Complaint) { d.ReceivedAt = t0.Add(gap) })
			if m := FindDuplicates(c, []Complaint{d}, s); len(m) != 1 || m[0].Reasons[3] != want {
				t.Errorf("gap %v: %+v, want %q", gap, m, want)
			}
		}
	})
	t.Run("ordering", func(t *testing.T) {
		identical := with(func(d *Complaint) { d.ID = 5; d.Text = edited; d.ReceivedAt = t0.Add(-20 * day) })
		near := with(func(d *Complaint) { d.ID = 3 })                                        // ~0.6, 3 days
		nearLater := with(func(d *Complaint) { d.ID = 2; d.ReceivedAt = t0.Add(10 * day) })  // same score, 10 days
		nearSameGap := with(func(d *Complaint) { d.ID = 4; d.ReceivedAt = t0.Add(3 * day) }) // same score, 3 days
		weaker := with(func(d *Complaint) {
			d.ID = 6
			d.Text = orig + "另外，会员卡合同原件在我手里，可以提供。"
		}) // lower
		other := with(func(d *Complaint) { d.ID = 7; d.PhoneHash = "phone-z" })
		cands := []Complaint{weaker, nearLater, other, near, identical, nearSameGap}
		m := FindDuplicates(c, cands, s)
		var ids []int64
		for _, x := range m {
			ids = append(ids, x.ID)
		}
		if !slices.Equal(ids, []int64{5, 3, 4, 2, 6}) {
			t.Fatalf("order %v (%+v)", ids, m)
		}
		for i := 1; i < len(m); i++ {
			if m[i].Score > m[i-1].Score {
				t.Fatalf("scores not descending: %+v", m)
			}
		}
		// Prepared candidates give the same answer.
		for i := range cands {
			cands[i].Prepare()
		}
		if m2 := FindDuplicates(c, cands, s); fmt.Sprint(m2) != fmt.Sprint(m) {
			t.Fatalf("prepared: %+v", m2)
		}
	})
}

// ---------------------------------------------------------------------------
// DetectSurges

// gymID is the merchant of the synthetic surge; quietID has complaints close
// together in time but about unrelated matters.
const (
	gymID   = 1
	quietID = 2
)

// surgeWorld is 20 complaints about the 某某健身 closure over 5 days (one
// complainant writing twice), two unrelated complaints against the gym in
// the same days, 6 unrelated complaints against another merchant within 3
// days, and 200 unrelated complaints across 50 merchants over 60 days.
func surgeWorld(seed uint64) (cs []Complaint, gymIDs []int64) {
	g := newGen(seed)
	const gymName = "上海某某健身有限公司"
	start := t0.Add(10 * day)
	repeat := g.phone()
	for i := range 20 {
		phone := g.phone()
		if i == 4 || i == 15 {
			phone = repeat
		}
		c := g.complaint(gymID, phone, g.gymText(), g.between(start, 5*day))
		c.MerchantName = gymName
		cs = append(cs, c)
		gymIDs = append(gymIDs, c.ID)
	}
	for _, text := range []string{
		"健身房的私教课程教练多次迟到早退，课程质量很差，要求延长会员期限。",
		"在该健身房停车被收取停车费50元，办卡时承诺会员免费停车，要求退还停车费。",
	} {
		c := g.complaint(gymID, g.phone(), text, g.between(start, 5*day))
		c.MerchantName = gymName
		cs = append(cs, c)
	}
	for i := range 6 {
		cs = append(cs, g.complaint(quietID, g.phone(), g.otherText(i), g.between(start, 3*day)))
	}
	for range 200 {
		cs = append(cs, g.complaint(int64(100+g.r.IntN(50)), g.phone(), g.otherText(g.r.IntN(categories)), g.between(t0, 60*day)))
	}
	g.r.Shuffle(len(cs), func(i, j int) { cs[i], cs[j] = cs[j], cs[i] })
	return cs, gymIDs
}

func TestDetectSurgesSyntheticSurge(t *testing.T) {
	cs, gymIDs := surgeWorld(42)
	got := DetectSurges(cs, DefaultSettings())
	if len(got) != 1 {
		t.Fatalf("want exactly the gym surge, got %d: %+v", len(got), got)
	}
	sg := got[0]
	t.Logf("%+v", sg)
	if sg.MerchantID != gymID {
		t.Fatalf("merchant %d", sg.MerchantID)
	}
	want := slices.Clone(gymIDs)
	byID := make(map[int64]Complaint)
	for _, c := range cs {
		byID[c.ID] = c
	}
	slices.SortFunc(want, func(a, b int64) int {
		if c := byID[a].ReceivedAt.Compare(byID[b].ReceivedAt); c != 0 {
			return c
		}
		return int(a - b)
	})
	if !slices.Equal(sg.IDs, want) {
		t.Fatalf("IDs %v, want %v (the two unrelated gym complaints dropped)", sg.IDs, want)
	}
	if sg.Complainants != 19 {
		t.Errorf("complainants %d, want 19 (one phone twice)", sg.Complainants)
	}
	if sg.From != byID[want[0]].ReceivedAt || sg.To != byID[want[len(want)-1]].ReceivedAt {
		t.Errorf("span %v – %v", sg.From, sg.To)
	}
	if sg.Cohesion < DefaultSettings().SurgeSimilarity || sg.Cohesion > 1 {
		t.Errorf("cohesion %v", sg.Cohesion)
	}
	if len(sg.Keywords) < 3 || len(sg.Keywords) > 5 {
		t.Errorf("keywords %q", sg.Keywords)
	}
	for _, k := range []string{"预付卡", "闭店", "退费"} {
		if !slices.Contains(sg.Keywords, k) {
			t.Errorf("keywords %q lack %q", sg.Keywords, k)
		}
	}
	for _, k := range sg.Keywords {
		if strings.Contains("上海某某健身有限公司", k) {
			t.Errorf("keyword %q is part of the merchant's name", k)
		}
	}
	for _, part := range []string{"5天内", "针对“上海某某健身有限公司”的投诉20件", "（涉及投诉人19名）", "内容高度相似（", "建议作为群体性纠纷合并处理"} {
		if !strings.Contains(sg.Reason, part) {
			t.Errorf("reason %q lacks %q", sg.Reason, part)
		}
	}
}

// Over many seeds the surge is always found, alone, without outsiders, and
// holds most of the 20; members are lost only when the own-words accounts
// weigh the cohesion of the whole below the threshold.
func TestDetectSurgesAcrossSeeds(t *testing.T) {
	fewest := 20
	for seed := uint64(100); seed < 200; seed++ {
		cs, gymIDs := surgeWorld(seed)
		got := DetectSurges(cs, DefaultSettings())
		if len(got) != 1 || got[0].MerchantID != gymID {
			t.Fatalf("seed %d: %+v", seed, got)
		}
		for _, id := range got[0].IDs {
			if !slices.Contains(gymIDs, id) {
				t.Fatalf("seed %d: complaint %d is not about the closure", seed, id)
			}
		}
		fewest = min(fewest, len(got[0].IDs))
	}
	t.Logf("fewest members found: %d of 20", fewest)
	if fewest < 15 {
		t.Errorf("a surge shrank to %d members", fewest)
	}
}

// similarRun makes n complaints against merchant 9 from the group template,
// one day apart from start, each from its own phone.
func similarRun(g *gen, n int, start time.Time) []Complaint {
	var cs []Complaint
	for i := range n {
		cs = append(cs, g.complaint(9, g.phone(), g.gymTemplate(), start.Add(time.Duration(i)*day)))
	}
	return cs
}

func TestDetectSurgesRepeatedPhoneCountsOnce(t *testing.T) {
	s := DefaultSettings()
	g := newGen(5)
	cs := similarRun(g, 5, t0)
	cs[3].PhoneHash = cs[1].PhoneHash
	if got := DetectSurges(cs, s); got != nil {
		t.Fatalf("4 complainants made a surge: %+v", got)
	}
	cs = append(cs, g.complaint(9, g.phone(), g.gymTemplate(), t0.Add(5*day)))
	got := DetectSurges(cs, s)
	if len(got) != 1 || len(got[0].IDs) != 6 || got[0].Complainants != 5 {
		t.Fatalf("got %+v", got)
	}
	// Unknown phones are distinct complainants.
	cs = similarRun(g, 5, t0)
	for i := range cs {
		cs[i].PhoneHash = ""
	}
	if got := DetectSurges(cs, s); len(got) != 1 || got[0].Complainants != 5 {
		t.Fatalf("unknown phones: %+v", got)
	}
}

func TestDetectSurgesWindowBoundaries(t *testing.T) {
	s := DefaultSettings()
	t.Run("span equal to the window", func(t *testing.T) {
		cs := similarRun(newGen(6), 5, t0)
		cs[4].ReceivedAt = t0.Add(s.SurgeWindow)
		got := DetectSurges(cs, s)
		if len(got) != 1 || !got[0].From.Equal(t0) || !got[0].To.Equal(t0.Add(s.SurgeWindow)) {
			t.Fatalf("got %+v", got)
		}
		if !strings.HasPrefix(got[0].Reason, "7天内") {
			t.Errorf("reason %q", got[0].Reason)
		}
	})
	t.Run("one second too long", func(t *testing.T) {
		cs := similarRun(newGen(6), 5, t0)
		cs[4].ReceivedAt = t0.Add(s.SurgeWindow + time.Second)
		if got := DetectSurges(cs, s); got != nil {
			t.Fatalf("got %+v", got)
		}
	})
	t.Run("largest window wins", func(t *testing.T) {
		// Days 0,1,2,3,4 and 8,9,9,9,10: windows starting on days 0 and 1
		// hold 5, days 2 and 3 hold 7 (2–9 and 3–10), day 4 holds 6. The
		// earlier of the two largest wins; the 3 left over are too few.
		g := newGen(7)
		cs := similarRun(g, 5, t0)
		for _, d := range []int{8, 9, 9, 9, 10} {
			cs = append(cs, g.complaint(9, g.phone(), g.gymTemplate(), t0.Add(time.Duration(d)*day)))
		}
		got := DetectSurges(cs, s)
		if len(got) != 1 || len(got[0].IDs) != 7 {
			t.Fatalf("got %+v", got)
		}
		if !got[0].From.Equal(t0.Add(2*day)) || !got[0].To.Equal(t0.Add(9*day)) {
			t.Fatalf("span %v – %v", got[0].From, got[0].To)
		}
	})
	t.Run("two bursts, two surges, biggest first", func(t *testing.T) {
		g := newGen(8)
		cs := similarRun(g, 5, t0)
		cs = append(cs, similarRun(g, 7, t0.Add(60*day))...)
		got := DetectSurges(cs, s)
		if len(got) != 2 || len(got[0].IDs) != 7 || len(got[1].IDs) != 5 {
			t.Fatalf("got %+v", got)
		}
	})
}

// Two unrelated waves of templated complaints against one platform in the
// same days are two surges, not one: each half is similar enough to the
// whole only because it is so similar to itself.
func TestDetectSurgesTwoTopics(t *testing.T) {
	g := newGen(12)
	var cs []Complaint
	topic := make(map[int64]int)
	for i := range 12 {
		c := g.complaint(9, g.phone(), g.otherText(4*(i%2)), t0.Add(time.Duration(i)*6*time.Hour))
		topic[c.ID] = i % 2
		cs = append(cs, c)
	}
	got := DetectSurges(cs, DefaultSettings())
	if len(got) != 2 {
		t.Fatalf("got %d surges: %+v", len(got), got)
	}
	for _, sg := range got {
		if len(sg.IDs) != 6 {
			t.Errorf("surge of %d: %+v", len(sg.IDs), sg)
		}
		for _, id := range sg.IDs {
			if topic[id] != topic[sg.IDs[0]] {
				t.Errorf("topics mixed: %+v", sg)
			}
		}
	}
}

func TestDetectSurgesMerchants(t *testing.T) {
	s := DefaultSettings()
	g := newGen(9)
	var cs []Complaint
	// By key, with a credit code and no name.
	for i := range 5 {
		c := g.complaint(0, g.phone(), g.gymText(), t0.Add(time.Duration(i)*time.Hour))
		c.MerchantKey = "91310115MA1K000001"
		cs = append(cs, c)
	}
	// No merchant at all: ignored.
	for i := range 8 {
		cs = append(cs, g.complaint(0, g.phone(), g.gymText(), t0.Add(time.Duration(i)*time.Hour)))
	}
	got := DetectSurges(cs, s)
	if len(got) != 1 || got[0].MerchantID != 0 || got[0].MerchantKey != "91310115MA1K000001" {
		t.Fatalf("got %+v", got)
	}
	if !strings.Contains(got[0].Reason, "24小时内针对统一社会信用代码为91310115MA1K000001的经营者的投诉5件") {
		t.Errorf("reason %q", got[0].Reason)
	}
}

// ---------------------------------------------------------------------------
// Benchmarks

// BenchmarkFindDuplicates checks one new complaint against 1,000 candidates
// (the recent complaints of a district); 12 share its phone, 8 of those its
// merchant too.
func BenchmarkFindDuplicates(b *testing.B) {
	g := newGen(10)
	phone := g.phone()
	c := g.complaint(77, phone, nearDuplicates[0][1], t0)
	var cands []Complaint
	for i := range 1000 {
		p, m, text := g.phone(), int64(100+g.r.IntN(300)), g.otherText(g.r.IntN(categories))
		switch {
		case i%125 == 0:
			p, m, text = phone, 77, nearDuplicates[0][0]
		case i%250 == 1:
			p = phone
		}
		cands = append(cands, g.complaint(m, p, text, g.between(t0.Add(-45*day), 60*day)))
	}
	s := DefaultSettings()
	run := func(b *testing.B) {
		b.ReportAllocs()
		n := 0
		for b.Loop() {
			n = len(FindDuplicates(c, cands, s))
		}
		b.ReportMetric(float64(n), "matches")
	}
	b.Run("raw", run)
	for i := range cands {
		cands[i].Prepare()
	}
	b.Run("prepared", run)
}

// BenchmarkDetectSurges scans 10,000 complaints over 180 days: 400
// merchants with a skewed share of complaints (the busiest gets about 9%),
// plus three closure surges of 15–40. The unrelated complaints come from 14
// templates, so the busiest merchants also see weeks with 5 or more nearly
// identical complaints of one kind; those are reported as surges too, which
// is right for such data and makes this a heavier case than real intake.
func BenchmarkDetectSurges(b *testing.B) {
	g := newGen(11)
	var cs []Complaint
	for range 10000 - 15 - 25 - 40 {
		// Merchant rank roughly Zipf-like: a few platforms get most complaints.
		m := int64(100 + int(math.Floor(math.Pow(g.r.Float64(), 2.5)*400)))
		cs = append(cs, g.complaint(m, g.phone(), g.otherText(g.r.IntN(categories)), g.between(t0, 180*day)))
	}
	for k, n := range []int{15, 25, 40} {
		start := t0.Add(time.Duration(30+50*k) * day)
		for range n {
			cs = append(cs, g.complaint(int64(1+k), g.phone(), g.gymText(), g.between(start, 6*day)))
		}
	}
	s := DefaultSettings()
	run := func(b *testing.B) {
		b.ReportAllocs()
		n := 0
		for b.Loop() {
			n = len(DetectSurges(cs, s))
		}
		b.ReportMetric(float64(n), "surges")
	}
	b.Run("raw", run)
	for i := range cs {
		cs[i].Prepare()
	}
	b.Run("prepared", run)
}
