package anonymize

import (
	"regexp"
	"strings"
	"unicode/utf8"
)

// An enterprise name is 行政区划 + 字号 + 行业 + 组织形式 (企业名称登记管理规定):
// the mask keeps the industry and the form, "上海某某健身有限公司" → "某健身公司".
type merchantParts struct {
	place    string // 上海 / 上海市 / 浦东新区 …
	trade    string // 字号
	industry string
	form     string // as written: 有限公司, 店 …
}

// alias is the masked name: 某 + industry + a short form.
func (p merchantParts) alias() string {
	form := p.form
	switch {
	case strings.HasSuffix(form, "公司") || form == "集团":
		form = "公司"
	case form == "":
		form = "公司"
	}
	return "某" + p.industry + form
}

// variants are the ways the name may be written in a text, longest first:
// whole, without the place, without the form, the trade name + industry.
func (p merchantParts) variants(name string) []string {
	core := p.trade + p.industry
	vs := []string{name}
	for _, v := range []string{core + p.form, p.place + core, core} {
		if utf8.RuneCountInString(v) >= 3 && v != name {
			vs = append(vs, v)
		}
	}
	return vs
}

var placePrefix = regexp.MustCompile(`^(?:[（(]?(?:上海|北京|天津|重庆|广州|深圳|杭州|南京|苏州|成都|武汉)[）)]?市?|\p{Han}{2,3}省|\p{Han}{2,3}市)?(?:(?:黄浦|徐汇|长宁|静安|普陀|虹口|杨浦|闵行|宝山|嘉定|浦东新|浦东|金山|松江|青浦|奉贤|崇明)区?)?`)

var forms = []string{"股份有限公司", "有限责任公司", "集团有限公司", "有限公司", "分公司", "公司", "集团", "工作室", "经营部", "门诊部",
	"商行", "会所", "中心", "店", "馆", "厂", "行", "社", "院", "园", "城", "房"}

// industries are the industry words kept in a masked name, longest matched first.
var industries = []string{
	"商业经营管理", "商业运营管理", "商业广场管理", "文化旅游发展", "电子商务", "信息技术", "网络科技", "商业管理", "商业发展",
	"餐饮管理", "影城管理", "置业发展", "物业管理", "酒店管理", "健康管理", "健康咨询", "教育科技", "教育培训", "艺术培训",
	"体育发展", "汽车销售", "汽车服务", "装饰工程", "家政服务", "医疗美容", "美容美发", "进口商品直销", "商品直销",
	"美容", "美发", "美甲", "健身", "体育", "运动", "游泳", "瑜伽", "舞蹈", "早教", "培训", "教育", "超市", "百货", "商贸", "贸易",
	"家电", "电器", "通信", "通讯", "数码", "汽车", "餐饮", "食品", "服饰", "服装", "珠宝", "家具", "装饰", "装修", "房地产",
	"物业", "酒店", "咨询", "药房", "医药", "宠物", "摄影", "婚庆", "眼镜", "口腔", "诊所", "物流", "快递", "家政", "维修", "洗衣",
	"旅行社", "旅游", "科技", "商业", "实业", "发展", "管理", "服务",
}

func splitMerchant(name string) merchantParts {
	var p merchantParts
	rest := name
	if loc := placePrefix.FindStringIndex(rest); loc != nil && loc[1] > 0 && utf8.RuneCountInString(rest[loc[1]:]) >= 2 {
		p.place, rest = rest[:loc[1]], rest[loc[1]:]
	}
	// A branch: "…有限公司浦东分公司" counts as the company.
	if i := strings.Index(rest, "有限公司"); i > 0 && i+len("有限公司") < len(rest) {
		rest = rest[:i+len("有限公司")]
	}
	for _, f := range forms {
		if strings.HasSuffix(rest, f) && utf8.RuneCountInString(rest) > utf8.RuneCountInString(f) {
			p.form, rest = f, strings.TrimSuffix(rest, f)
			break
		}
	}
	// An industry in brackets, "某某（上海）健身": drop bracketed places.
	rest = strings.NewReplacer("（上海）", "", "(上海)", "").Replace(rest)
	for _, ind := range industries {
		if strings.HasSuffix(rest, ind) && utf8.RuneCountInString(rest) > utf8.RuneCountInString(ind) {
			p.industry, p.trade = ind, strings.TrimSuffix(rest, ind)
			return p
		}
	}
	rs := []rune(rest)
	switch {
	case len(rs) > 2:
		p.trade, p.industry = string(rs[:len(rs)-2]), string(rs[len(rs)-2:])
	default:
		p.trade = rest
	}
	return p
}
