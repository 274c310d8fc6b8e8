// Package anonymize turns a case's text into a publishable, anonymised
// draft (匿名化, 个人信息保护法 Art 73) following the Supreme People's Court's
// rules for publishing judgments (法释〔2016〕19号 Arts 8–11): a natural
// person keeps the surname and the given name becomes 某 (parties of one
// surname: 刘某甲 / 刘某乙, the same everywhere); phone, identity, bank-card,
// plate and property-certificate numbers, detailed addresses and health
// details are deleted (replaced by "××"); places stay at district level;
// merchants' names keep only the industry word (某健身公司) unless the
// policy keeps them. Scan reports what is still there. Pure: no I/O.
package anonymize

import (
	"regexp"
	"sort"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Deleted replaces what Art 10 deletes where dropping it would break the sentence.
const Deleted = "××"

// Kinds of residual personal information a scan reports.
const (
	KindPhone       = "phone"
	KindID          = "id_number"
	KindCard        = "card_number"
	KindPlate       = "plate"
	KindEmail       = "email"
	KindCertificate = "certificate"
	KindAddress     = "address"
	KindHealth      = "health"
	KindName        = "name"
	KindMerchant    = "merchant"
	KindControl     = "control"
)

var kindLabels = map[string]string{
	KindPhone: "电话号码", KindID: "身份证号码", KindCard: "银行卡号等长数字", KindPlate: "车牌号码", KindEmail: "电子邮箱",
	KindCertificate: "权属证书编号", KindAddress: "详细地址", KindHealth: "健康信息", KindName: "当事人姓名",
	KindMerchant: "经营者名称", KindControl: "控制字符",
}

// KindLabel is the Chinese name of a kind of hit.
func KindLabel(k string) string {
	if l, ok := kindLabels[k]; ok {
		return l
	}
	return k
}

// Hit is one piece of personal information found in a text. Start and End
// are character (rune) offsets; Excerpt shows it partly masked.
type Hit struct {
	Kind    string `json:"kind"`
	Start   int    `json:"start"`
	End     int    `json:"end"`
	Excerpt string `json:"excerpt"`
}

// Label is the hit's kind in Chinese.
func (h Hit) Label() string { return KindLabel(h.Kind) }

// Options name who is in the case.
type Options struct {
	People    []string // natural persons' names, in order of appearance (consumer first)
	Merchants []string // organisations' names
	// KeepMerchants leaves organisations' names as they are (a published
	// policy decision; off by default).
	KeepMerchants bool
}

// Alias is how one name is masked.
type Alias struct {
	Original string
	Masked   string
	Merchant bool
}

type pair struct{ from, to string }

// Masker masks the texts of one case, so one person is masked the same way
// in every field.
type Masker struct {
	pairs   []pair
	aliases []Alias
	names   []scanName // what Scan looks for
}

type scanName struct {
	text string
	kind string
}

// New builds the case's masker.
func New(o Options) *Masker {
	m := &Masker{}
	// People: group by surname, in order.
	type person struct{ name, surname, given string }
	var people []person
	seen := map[string]bool{}
	for _, n := range o.People {
		n = strings.TrimSpace(Sanitize(n))
		if utf8.RuneCountInString(n) < 2 || seen[n] {
			continue
		}
		seen[n] = true
		s, g := SplitName(n)
		people = append(people, person{n, s, g})
	}
	bySurname := map[string]int{}
	for _, p := range people {
		bySurname[p.surname]++
	}
	givenCount := map[string]int{}
	for _, p := range people {
		givenCount[p.given]++
	}
	nth := map[string]int{}
	for _, p := range people {
		alias := p.surname + "某"
		if bySurname[p.surname] > 1 {
			alias += ordinal(nth[p.surname])
			nth[p.surname]++
		}
		m.aliases = append(m.aliases, Alias{Original: p.name, Masked: alias})
		m.pairs = append(m.pairs, pair{p.name, alias})
		m.names = append(m.names, scanName{p.name, KindName})
		var parts []string
		if utf8.RuneCountInString(p.given) >= 2 && givenCount[p.given] == 1 {
			parts = append(parts, p.given)
		}
		if strings.ContainsAny(p.name, "·•・") {
			for _, part := range strings.FieldsFunc(p.name, func(r rune) bool { return r == '·' || r == '•' || r == '・' }) {
				if utf8.RuneCountInString(part) >= 2 {
					parts = append(parts, part)
				}
			}
		}
		for _, g := range parts {
			m.pairs = append(m.pairs, pair{g, alias})
			m.names = append(m.names, scanName{g, KindName})
		}
	}
	if !o.KeepMerchants {
		mseen := map[string]bool{}
		aliasCount := map[string]int{}
		type merchant struct {
			name    string
			p       merchantParts
			aliased string
		}
		var ms []merchant
		for _, n := range o.Merchants {
			n = strings.TrimSpace(Sanitize(n))
			if utf8.RuneCountInString(n) < 2 || mseen[n] {
				continue
			}
			mseen[n] = true
			p := splitMerchant(n)
			ms = append(ms, merchant{name: n, p: p, aliased: p.alias()})
			aliasCount[p.alias()]++
		}
		nth := map[string]int{}
		for _, x := range ms {
			alias := x.aliased
			if aliasCount[alias] > 1 { // 甲健身公司, 乙健身公司
				alias = ordinal(nth[x.aliased]) + strings.TrimPrefix(alias, "某")
				nth[x.aliased]++
			}
			m.aliases = append(m.aliases, Alias{Original: x.name, Masked: alias, Merchant: true})
			for _, v := range x.p.variants(x.name) {
				m.pairs = append(m.pairs, pair{v, alias})
				m.names = append(m.names, scanName{v, KindMerchant})
			}
			if utf8.RuneCountInString(x.p.trade) >= 2 {
				m.pairs = append(m.pairs, pair{x.p.trade, "某"})
				m.names = append(m.names, scanName{x.p.trade, KindMerchant})
			}
		}
	}
	sort.SliceStable(m.pairs, func(i, j int) bool { return len(m.pairs[i].from) > len(m.pairs[j].from) })
	return m
}

// Aliases lists how each name is masked.
func (m *Masker) Aliases() []Alias { return append([]Alias(nil), m.aliases...) }

var ordinals = []string{"甲", "乙", "丙", "丁", "戊", "己", "庚", "辛", "壬", "癸"}

func ordinal(i int) string {
	if i < len(ordinals) {
		return ordinals[i]
	}
	return strconv.Itoa(i + 1)
}

// compound surnames (复姓) kept whole.
var compound = []string{"欧阳", "司马", "上官", "诸葛", "东方", "皇甫", "尉迟", "公孙", "慕容", "长孙", "宇文", "司徒", "令狐", "夏侯",
	"端木", "轩辕", "独孤", "南宫", "西门", "百里", "呼延", "万俟", "澹台", "公冶", "太史", "申屠", "钟离", "闻人", "赫连", "濮阳", "第五", "司空", "东郭", "单于"}

// SplitName splits a person's name into the part that stays (the surname;
// for minority and foreign names written with "·", and Latin names, the
// first character, Art 9) and the given name.
func SplitName(name string) (surname, given string) {
	rs := []rune(name)
	if len(rs) == 0 {
		return "", ""
	}
	if strings.ContainsAny(name, "·•・") || rs[0] < 0x80 {
		return string(rs[0]), string(rs[1:])
	}
	for _, c := range compound {
		if strings.HasPrefix(name, c) && len(rs) > 2 {
			return c, strings.TrimPrefix(name, c)
		}
	}
	return string(rs[0]), string(rs[1:])
}

// Text masks one text of the case.
func (m *Masker) Text(s string) string {
	s = Sanitize(s)
	s = reEmail.ReplaceAllString(s, Deleted)
	s = rePlate.ReplaceAllString(s, Deleted)
	s = reCertBracket.ReplaceAllString(s, Deleted)
	s = reCertKeyword.ReplaceAllString(s, "${1}"+Deleted)
	s = deleteNumbers(s)
	s = reDistrictDetail.ReplaceAllString(s, "$1")
	s = replaceTrimmed(s, reRoadNumber)
	s = replaceTrimmed(s, reEstate)
	s = reRoom.ReplaceAllString(s, Deleted)
	s = reDiagnosis.ReplaceAllString(s, "${1}"+Deleted)
	s = reHealthWord.ReplaceAllString(s, Deleted)
	s = m.replaceNames(s)
	// Whatever a name replacement may have joined: numbers once more.
	return deleteNumbers(s)
}

func (m *Masker) replaceNames(s string) string {
	if len(m.pairs) == 0 {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		matched := false
		for _, p := range m.pairs {
			if strings.HasPrefix(s[i:], p.from) {
				b.WriteString(p.to)
				i += len(p.from)
				matched = true
				break
			}
		}
		if !matched {
			_, size := utf8.DecodeRuneInString(s[i:])
			b.WriteString(s[i : i+size])
			i += size
		}
	}
	return b.String()
}

// dropped reports whether Sanitize removes r.
func dropped(r rune) bool {
	if r == '\n' || r == '\t' || r == '\r' {
		return false
	}
	return unicode.IsControl(r) || unicode.Is(unicode.Cf, r) || r == utf8.RuneError
}

// Sanitize makes text safe to publish: valid UTF-8, no control or format
// characters (bidi overrides such as U+202E, zero-width characters), line
// breaks as "\n", tabs as spaces, full-width digits and Latin letters as
// ASCII (so a number cannot hide from the scan behind them).
func Sanitize(s string) string {
	s = strings.ToValidUTF8(s, "")
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		switch {
		case r == '\r':
			continue
		case r == '\t':
			r = ' '
		case r == '\u2028' || r == '\u2029':
			r = '\n'
		case r >= '０' && r <= '９':
			r = r - '０' + '0'
		case r >= 'Ａ' && r <= 'Ｚ':
			r = r - 'Ａ' + 'A'
		case r >= 'ａ' && r <= 'ｚ':
			r = r - 'ａ' + 'a'
		case r == '＋':
			r = '+'
		case r == '＠':
			r = '@'
		case dropped(r):
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

// Patterns (RE2). Letters in plates exclude I and O.
var (
	reEmail = regexp.MustCompile(`[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}`)
	rePlate = regexp.MustCompile(`(?i)[京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼使领][A-HJ-NP-Z][·•・ ]?[A-HJ-NP-Z0-9]{4}[A-HJ-NP-Z0-9挂学警港澳]{1,2}`)
	// 沪（2019）浦字不动产权第012345号, 沪房地浦字（2015）第012345号, 京（2020）朝阳区不动产权第0001号.
	reCertBracket = regexp.MustCompile(`(?:[京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼](?:房地|房)?(?:\p{Han}{1,3}字)?)?[（(][0-9]{4}[）)]\p{Han}{0,8}第[0-9A-Za-z\-]{3,}号`)
	reCertKeyword = regexp.MustCompile(`((?:不动产权证|不动产证|房地产权证|房产证|产权证|土地证|权证|行驶证|驾驶证|证书)(?:编号|号码|号)?(?:为|是)?[:：]?\s*)[0-9A-Za-z][0-9A-Za-z\-]{4,}`)
	// District kept, what follows (street, town, estate) dropped.
	reDistrictDetail = regexp.MustCompile(`((?:上海市)?(?:黄浦|徐汇|长宁|静安|普陀|虹口|杨浦|闵行|宝山|嘉定|浦东新|金山|松江|青浦|奉贤|崇明)区|\p{Han}{2,3}市\p{Han}{1,3}[区县])\p{Han}{2,6}?(?:街道|镇|乡|新村|小区)`)
	reRoadNumber     = regexp.MustCompile(`\p{Han}{2,8}(?:路|街|大道|公路|弄|巷|胡同)[0-9一二三四五六七八九十百零]+(?:号|弄)(?:[0-9A-Za-z\-之]+(?:号楼|号|弄|栋|幢|楼|层|室|单元|座))*`)
	reEstate         = regexp.MustCompile(`\p{Han}{2,8}(?:小区|新村|花园|公寓|家园)[0-9]+(?:号楼|号|栋|幢)(?:[0-9\-]+(?:单元|室|楼|层))*`)
	reRoom           = regexp.MustCompile(`[0-9]+(?:号楼|栋|幢)[0-9]*(?:单元)?[0-9]*室?|[0-9]{3,4}室`)
	reDiagnosis      = regexp.MustCompile(`(诊断为|确诊为|诊断出|确诊|患有|罹患|患上)[^，。；;、,.\n×]{1,20}`)
	reHealthWord     = regexp.MustCompile(`艾滋病|HIV|乙肝|乙型肝炎|梅毒|精神病|精神疾病|抑郁症|癌症|恶性肿瘤|残疾|怀孕|孕妇|流产|病历号`)
	// For the scan: a diagnosis not yet deleted.
	reDiagnosisLeft = regexp.MustCompile(`(?:诊断为|确诊为|诊断出|患有|罹患|患上)[^×，。；;、,.\n]`)
)

// stops end the words before an address: the address starts after them.
const stops = "在于至到住址区县市省"

// replaceTrimmed replaces each match of re with Deleted, starting after the
// last stop character of the match's leading Han words (so "本人在银城中路
// 100号" loses the address, not "本人在").
func replaceTrimmed(s string, re *regexp.Regexp) string {
	locs := re.FindAllStringIndex(s, -1)
	if locs == nil {
		return s
	}
	var b strings.Builder
	last := 0
	for _, l := range locs {
		start := trimStart(s, l[0], l[1])
		b.WriteString(s[last:start])
		b.WriteString(Deleted)
		last = l[1]
	}
	b.WriteString(s[last:])
	return b.String()
}

func trimStart(s string, a, b int) int {
	start := a
	for i, r := range s[a:b] {
		if r >= '0' && r <= '9' || (r < 0x80 && unicode.IsLetter(r)) {
			break
		}
		if strings.ContainsRune(stops, r) {
			start = a + i + utf8.RuneLen(r)
		}
	}
	return start
}
