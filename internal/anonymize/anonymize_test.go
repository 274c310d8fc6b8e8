package anonymize

import (
	"fmt"
	"math/rand/v2"
	"regexp"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestSplitName(t *testing.T) {
	for _, tt := range []struct{ in, s, g string }{
		{"张小明", "张", "小明"}, {"刘伟", "刘", "伟"}, {"欧阳娜娜", "欧阳", "娜娜"}, {"司马光", "司马", "光"},
		{"诸葛亮", "诸葛", "亮"}, {"欧阳", "欧", "阳"}, // a two-character name is surname + given name
		{"阿卜杜热合曼·买买提", "阿", "卜杜热合曼·买买提"}, {"John Smith", "J", "ohn Smith"}, {"", "", ""},
	} {
		if s, g := SplitName(tt.in); s != tt.s || g != tt.g {
			t.Errorf("SplitName(%q) = %q, %q; want %q, %q", tt.in, s, g, tt.s, tt.g)
		}
	}
}

func TestMaskText(t *testing.T) {
	people := Options{People: []string{"刘德华", "刘小明", "张伟", "欧阳娜娜"}, Merchants: []string{"上海某某健身有限公司", "上海星汇商业管理有限公司"}}
	tests := []struct {
		name string
		opt  Options
		in   string
		want string
	}{
		{"surname + 某", Options{People: []string{"张小明"}}, "申请人张小明称，小明于3月到店。", "申请人张某称，张某于3月到店。"},
		{"same surname 甲乙, consistently", people, "刘德华与刘小明同去，德华付款，小明签字；刘德华再次到店。",
			"刘某甲与刘某乙同去，刘某甲付款，刘某乙签字；刘某甲再次到店。"},
		{"one-character given name not replaced alone", people, "张伟说伟大的商品", "张某说伟大的商品"},
		{"compound surname", people, "欧阳娜娜（娜娜）", "欧阳某（欧阳某）"},
		{"minority name", Options{People: []string{"阿卜杜热合曼·买买提"}}, "阿卜杜热合曼·买买提，买买提称", "阿某，阿某称"},
		{"mobile", Options{}, "联系电话13812345678。", "联系电话××。"},
		{"mobile with spaces", Options{}, "手机138 1234 5678，", "手机××，"},
		{"mobile with dashes and +86", Options{}, "电话+86-138-1234-5678", "电话+××"},
		{"landline", Options{}, "座机021-58881234，或（021）5888 1234", "座机××，或（××"},
		{"local number after a phone word", Options{}, "请拨打58881234咨询", "请拨打××咨询"},
		{"eight digits without phone word stay (a date)", Options{}, "订单日期20260115", "订单日期20260115"},
		{"hotline 400", Options{}, "客服400-820-8820", "客服××"},
		{"identity number", Options{}, "身份证号310115199001011234，", "身份证号××，"},
		{"identity number with X", Options{}, "身份证31011519900101123X。", "身份证××。"},
		{"identity number lower-case x and spaces", Options{}, "证件 310115 19900101 123x", "证件 ××"},
		{"full-width digits", Options{}, "电话１３８１２３４５６７８", "电话××"},
		{"bank card 16", Options{}, "卡号6222021234567890", "卡号××"},
		{"bank card 19 with spaces", Options{}, "账号 6222 0212 3456 7890 123", "账号 ××"},
		{"two phones in a row", Options{}, "13812345678 13912345678", "×× ××"},
		{"amounts stay", Options{}, "支付12800元，退还6400元。", "支付12800元，退还6400元。"},
		{"date stays", Options{}, "2026年1月15日", "2026年1月15日"},
		{"plate", Options{}, "车牌号沪A12345被拖走", "车牌号××被拖走"},
		{"new-energy plate", Options{}, "沪AD12345", "××"},
		{"email", Options{}, "邮箱zhang.san@example.com。", "邮箱××。"},
		{"property certificate", Options{}, "产权证沪（2019）浦字不动产权第012345号", "产权证××"},
		{"old property certificate", Options{}, "沪房地浦字（2015）第012345号", "××"},
		{"certificate keyword", Options{}, "房产证号：A12345678", "房产证号：××"},
		{"district kept, street dropped", Options{}, "住上海市浦东新区陆家嘴街道", "住上海市浦东新区"},
		{"district kept, road dropped", Options{}, "位于浦东新区银城中路100号的门店", "位于浦东新区××的门店"},
		{"road and number without district", Options{}, "本人在银城中路100号3楼购买", "本人在××购买"},
		{"estate", Options{}, "家住阳光花园12号楼301室", "家住××"},
		{"room", Options{}, "送至5号楼1202室", "送至××"},
		{"diagnosis", Options{}, "经医院诊断为接触性皮炎，门店拒赔", "经医院诊断为××，门店拒赔"},
		{"health word", Options{}, "消费者系孕妇", "消费者系××"},
		{"merchant masked", people, "上海某某健身有限公司闭店，某某健身拒绝退费", "某健身公司闭店，某健身公司拒绝退费"},
		{"merchant trade name alone", people, "星汇商场内的上海星汇商业管理有限公司", "某商场内的某商业管理公司"},
		{"merchant kept", Options{Merchants: []string{"上海某某健身有限公司"}, KeepMerchants: true}, "上海某某健身有限公司闭店", "上海某某健身有限公司闭店"},
		{"bidi and zero-width removed", Options{}, "退款\u202E完成\u200B138\u200d12345678", "退款完成××"},
		{"control characters removed", Options{}, "a\x00b\x07c\r\nd\te", "abc\nd e"},
		{"invalid UTF-8 removed", Options{}, "退\xff款", "退款"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := New(tt.opt).Text(tt.in); got != tt.want {
				t.Errorf("Text(%q)\n got %q\nwant %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestMerchantAlias(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{"上海某某健身有限公司", "某健身公司"},
		{"上海星汇商业管理有限公司", "某商业管理公司"},
		{"上海浦江优选电子商务有限公司", "某电子商务公司"},
		{"上海东岸到家网络科技有限公司", "某网络科技公司"},
		{"上海外高桥环球进口商品直销有限公司", "某进口商品直销公司"},
		{"丽人美容店", "某美容店"},
		{"上海市浦东新区金杨健身馆", "某健身馆"},
		{"北京某某餐饮管理有限公司浦东分公司", "某餐饮管理公司"},
		{"阿强小吃", "某小吃公司"},
	} {
		m := New(Options{Merchants: []string{tt.in}})
		if a := m.Aliases(); len(a) != 1 || a[0].Masked != tt.want || !a[0].Merchant {
			t.Errorf("alias of %q = %+v, want %q", tt.in, a, tt.want)
		}
		if got := m.Text(tt.in); got != tt.want {
			t.Errorf("Text(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
	two := New(Options{Merchants: []string{"上海甲壳健身有限公司", "上海乙丁健身有限公司"}})
	if got := two.Text("上海甲壳健身有限公司与上海乙丁健身有限公司"); got != "甲健身公司与乙健身公司" {
		t.Errorf("two gyms: %q", got)
	}
}

func TestScan(t *testing.T) {
	m := New(Options{People: []string{"张小明", "刘德华", "刘小红"}, Merchants: []string{"上海某某健身有限公司"}})
	tests := []struct {
		in    string
		kinds []string
		first Hit // Start/End of the first hit when kinds is not empty
	}{
		{"张某于2026年1月在某健身公司办卡，支付12800元。", nil, Hit{}},
		{"电话13812345678", []string{KindPhone}, Hit{Start: 2, End: 13}},
		{"电话138-1234-5678", []string{KindPhone}, Hit{Start: 2, End: 15}},
		{"电话 138 1234 5678", []string{KindPhone}, Hit{Start: 3, End: 16}},
		{"座机(021)58881234", []string{KindPhone}, Hit{Start: 3, End: 15}},
		{"座机0215-8881234", []string{KindPhone}, Hit{Start: 2, End: 14}},
		{"身份证31011519900101123X", []string{KindID}, Hit{Start: 3, End: 21}},
		{"卡号6222021234567890123", []string{KindCard}, Hit{Start: 2, End: 21}},
		{"车牌沪A12345", []string{KindPlate}, Hit{Start: 2, End: 9}},
		{"张小明和小明", []string{KindName, KindName}, Hit{Start: 0, End: 3}},
		{"刘德华、德华、小红", []string{KindName, KindName, KindName}, Hit{Start: 0, End: 3}},
		{"上海某某健身有限公司", []string{KindMerchant}, Hit{Start: 0, End: 10}},
		{"a@b.cn", []string{KindEmail}, Hit{Start: 0, End: 6}},
		{"诊断为皮炎", []string{KindHealth}, Hit{Start: 0, End: 4}},
		{"住银城中路100号", []string{KindAddress}, Hit{Start: 1, End: 9}},
		{"退款\u202E完成", []string{KindControl}, Hit{Start: 2, End: 3, Excerpt: "U+202E"}},
		{"13\u200b812345678", []string{KindControl, KindPhone}, Hit{Start: 0, End: 12}},
	}
	for _, tt := range tests {
		hs := m.Scan(tt.in)
		var kinds []string
		for _, h := range hs {
			kinds = append(kinds, h.Kind)
		}
		if strings.Join(kinds, ",") != strings.Join(tt.kinds, ",") && !(len(tt.kinds) == 2 && tt.kinds[0] == KindControl && len(kinds) == 2) {
			t.Errorf("Scan(%q) kinds = %v, want %v (%+v)", tt.in, kinds, tt.kinds, hs)
			continue
		}
		if len(hs) > 0 && tt.first.End > 0 && tt.first.Kind == "" && tt.kinds[0] != KindControl {
			if hs[0].Start != tt.first.Start || hs[0].End != tt.first.End {
				t.Errorf("Scan(%q) first = %+v, want %d–%d", tt.in, hs[0], tt.first.Start, tt.first.End)
			}
		}
		if len(hs) > 0 && tt.first.Excerpt != "" && hs[0].Excerpt != tt.first.Excerpt {
			t.Errorf("Scan(%q) excerpt = %q", tt.in, hs[0].Excerpt)
		}
		for _, h := range hs {
			if h.Kind == KindPhone && strings.Contains(h.Excerpt, "1234") {
				t.Errorf("excerpt shows the number: %q", h.Excerpt)
			}
		}
	}
	// A masked text scans clean.
	in := "申请人张小明（电话13812345678，身份证31011519900101123X）与刘德华、刘小红在上海某某健身有限公司办卡，住浦东新区银城中路100号。"
	if hs := m.Scan(m.Text(in)); len(hs) != 0 {
		t.Fatalf("masked text still has %+v: %q", hs, m.Text(in))
	}
	if hs := m.Scan(in); len(hs) < 7 {
		t.Fatalf("original: %+v", hs)
	}
	// Merchants kept: not reported.
	keep := New(Options{Merchants: []string{"上海某某健身有限公司"}, KeepMerchants: true})
	if hs := keep.Scan("上海某某健身有限公司"); len(hs) != 0 {
		t.Fatalf("kept merchant reported: %+v", hs)
	}
}

// Independent patterns for the properties: what must never survive.
var (
	mobileRe = regexp.MustCompile(`(?:^|[^0-9])1[3-9][0-9]{9}(?:[^0-9]|$)`)
	idRe     = regexp.MustCompile(`(?:^|[^0-9])[1-9][0-9]{5}(?:19|20)[0-9]{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12][0-9]|3[01])[0-9]{3}[0-9Xx](?:[^0-9]|$)`)
	cardRe   = regexp.MustCompile(`(?:^|[^0-9])[0-9]{16,19}(?:[^0-9Xx]|$)`)
)

var surnames = []string{"张", "王", "李", "刘", "陈", "杨", "欧阳", "司马"}
var givens = []string{"小明", "建国", "丽华", "志强", "秀英", "伟", "婷婷", "子轩"}
var fillers = []string{"本人于2026年3月", "在门店办理会员卡，", "支付12800元。", "商家拒绝退款，", "经调解，", "双方同意", "退还6400元", "，并于", "3日内履行。", "联系", "电话", "身份证", "卡号", " ", "、", "\n"}

func randomPhone(r *rand.Rand) string {
	d := fmt.Sprintf("1%d%09d", 3+r.IntN(7), r.Int64N(1e9))
	switch r.IntN(4) {
	case 0:
		return d[:3] + " " + d[3:7] + " " + d[7:]
	case 1:
		return d[:3] + "-" + d[3:7] + "-" + d[7:]
	case 2:
		return "+86 " + d
	}
	return d
}

func randomID(r *rand.Rand) string {
	d := fmt.Sprintf("310115%04d%02d%02d%03d", 1950+r.IntN(70), 1+r.IntN(12), 1+r.IntN(28), r.IntN(1000))
	if r.IntN(3) == 0 {
		return d + "X"
	}
	return d + fmt.Sprint(r.IntN(10))
}

// TestMaskProperties: random texts with embedded names, phones, identity
// and card numbers: nothing survives, and each person is masked one way.
func TestMaskProperties(t *testing.T) {
	r := rand.New(rand.NewPCG(15, 2026))
	for iter := 0; iter < 500; iter++ {
		var people []string
		for i := 0; i < 1+r.IntN(4); i++ {
			people = append(people, surnames[r.IntN(len(surnames))]+givens[r.IntN(len(givens))])
		}
		m := New(Options{People: people})
		var b strings.Builder
		var phones, ids []string
		for i := 0; i < 5+r.IntN(20); i++ {
			switch r.IntN(6) {
			case 0:
				b.WriteString(people[r.IntN(len(people))])
			case 1:
				p := randomPhone(r)
				phones = append(phones, p)
				b.WriteString(p)
			case 2:
				id := randomID(r)
				ids = append(ids, id)
				b.WriteString(id)
			case 3:
				b.WriteString(fmt.Sprintf("6222%015d", r.Int64N(1e15)))
			default:
				b.WriteString(fillers[r.IntN(len(fillers))])
			}
		}
		in := b.String()
		out := m.Text(in)
		if mobileRe.MatchString(out) || idRe.MatchString(out) || cardRe.MatchString(out) {
			t.Fatalf("number survived:\n in %q\nout %q", in, out)
		}
		for _, h := range m.Scan(out) {
			t.Fatalf("scan of the output found %+v:\n in %q\nout %q", h, in, out)
		}
		for _, p := range people {
			if strings.Contains(out, p) {
				t.Fatalf("name %s survived in %q", p, out)
			}
		}
		// One person, one alias: every alias in the output belongs to a
		// person of the text, and two people never share an alias.
		seen := map[string]string{}
		for _, a := range m.Aliases() {
			if o, ok := seen[a.Masked]; ok && o != a.Original {
				t.Fatalf("%s and %s both masked %s", o, a.Original, a.Masked)
			}
			seen[a.Masked] = a.Original
			// Masking a text with just the name yields its alias.
			if got := m.Text(a.Original); got != a.Masked {
				t.Fatalf("%s masked %q alone, %q in the list", a.Original, got, a.Masked)
			}
		}
		// Masking is idempotent.
		if again := m.Text(out); again != out {
			t.Fatalf("not idempotent:\n%q\n%q", out, again)
		}
	}
}

func FuzzAnonymize(f *testing.F) {
	for _, s := range []string{"申请人张小明电话13812345678", "身份证31011519900101123X", "\u202E138\u200b1234\u00005678", "６２２２０２１２３４５６７８９０",
		"沪A12345", "刘德华刘小明", "上海某某健身有限公司", "\xff\xfe", "+86 138 1234 5678", "0086-13812345678"} {
		f.Add(s)
	}
	m := New(Options{People: []string{"张小明", "刘德华", "刘小明"}, Merchants: []string{"上海某某健身有限公司"}})
	f.Fuzz(func(t *testing.T, in string) {
		out := m.Text(in)
		if !utf8.ValidString(out) {
			t.Fatalf("invalid UTF-8 out of %q", in)
		}
		for _, r := range out {
			if dropped(r) || r == '\r' {
				t.Fatalf("control character %U in %q (from %q)", r, out, in)
			}
		}
		if mobileRe.MatchString(out) || idRe.MatchString(out) {
			t.Fatalf("phone or identity number survived: %q (from %q)", out, in)
		}
		for _, h := range m.Scan(out) {
			if h.Kind == KindPhone || h.Kind == KindID || h.Kind == KindCard || h.Kind == KindControl || h.Kind == KindName {
				t.Fatalf("scan found %+v in %q (from %q)", h, out, in)
			}
		}
	})
}
