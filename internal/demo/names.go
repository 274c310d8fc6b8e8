package demo

// Static tables of the demo organisation and of the synthetic cases. Every
// name of a business, mall or platform here is fictional; street and town
// names are the real administrative units of Pudong New Area.

// officeRoom is one 联合人民调解工作室 at a 市场监管所 (or at one of the two
// sub-bureaus), with the areas it covers and the roads used for addresses.
type officeRoom struct {
	short  string   // short place name used in unit names, e.g. "陆家嘴"
	office string   // the regulator office it sits in
	areas  []string // streets / towns (or zones) the room covers; areas[0] is used in addresses
	roads  []string // roads in the primary area, for generated addresses
	weight int      // relative commercial activity: how many merchants are located there
}

// officeRooms lists the 38 office rooms in creation order: the 36 streets and
// towns of Pudong (陆家嘴 first, so room 01 is the demo story's room), then
// the rooms of the bonded-zone and resort sub-bureaus, which cover their zones.
var officeRooms = []officeRoom{
	{"陆家嘴", "陆家嘴市场监管所", []string{"陆家嘴街道"}, []string{"银城中路", "陆家嘴环路", "浦东南路", "东昌路"}, 9},
	{"潍坊", "潍坊市场监管所", []string{"潍坊新村街道"}, []string{"潍坊路", "崂山路", "东方路"}, 6},
	{"周家渡", "周家渡市场监管所", []string{"周家渡街道"}, []string{"上南路", "云台路", "昌里路"}, 5},
	{"塘桥", "塘桥市场监管所", []string{"塘桥街道"}, []string{"浦建路", "蓝村路", "塘桥路"}, 5},
	{"上钢", "上钢市场监管所", []string{"上钢新村街道"}, []string{"济阳路", "长清路", "历城路"}, 4},
	{"南码头", "南码头市场监管所", []string{"南码头路街道"}, []string{"南码头路", "临沂路", "浦东南路"}, 4},
	{"沪东", "沪东市场监管所", []string{"沪东新村街道"}, []string{"莱阳路", "五莲路", "东陆路"}, 4},
	{"金杨", "金杨市场监管所", []string{"金杨新村街道"}, []string{"金杨路", "罗山路", "灵山路"}, 5},
	{"洋泾", "洋泾市场监管所", []string{"洋泾街道"}, []string{"张杨路", "羽山路", "崮山路"}, 5},
	{"浦兴", "浦兴市场监管所", []string{"浦兴路街道"}, []string{"浦兴路", "长岛路", "金桥路"}, 4},
	{"东明", "东明市场监管所", []string{"东明路街道"}, []string{"东明路", "凌兆路", "三林路"}, 4},
	{"花木", "花木市场监管所", []string{"花木街道"}, []string{"锦绣路", "芳甸路", "梅花路"}, 7},
	{"川沙", "川沙市场监管所", []string{"川沙新镇"}, []string{"川沙路", "新德路", "华夏东路"}, 7},
	{"高桥", "高桥市场监管所", []string{"高桥镇"}, []string{"季景路", "石家街", "海高路"}, 4},
	{"北蔡", "北蔡市场监管所", []string{"北蔡镇"}, []string{"沪南路", "莲园路", "御桥路"}, 6},
	{"合庆", "合庆市场监管所", []string{"合庆镇"}, []string{"东川公路", "庆达路"}, 2},
	{"唐镇", "唐镇市场监管所", []string{"唐镇"}, []string{"唐陆公路", "创新中路", "齐爱路"}, 5},
	{"曹路", "曹路市场监管所", []string{"曹路镇"}, []string{"民春路", "金海路", "川沙路"}, 4},
	{"金桥", "金桥市场监管所", []string{"金桥镇"}, []string{"金高路", "金桥路", "博兴路"}, 5},
	{"高行", "高行市场监管所", []string{"高行镇"}, []string{"东靖路", "华高路", "森兰路"}, 4},
	{"高东", "高东市场监管所", []string{"高东镇"}, []string{"杨高北路", "五洲大道"}, 2},
	{"张江", "张江市场监管所", []string{"张江镇"}, []string{"张江路", "祖冲之路", "碧波路", "科苑路"}, 8},
	{"三林", "三林市场监管所", []string{"三林镇"}, []string{"永泰路", "三林路", "杨思路"}, 7},
	{"惠南", "惠南市场监管所", []string{"惠南镇"}, []string{"拱极路", "南门大街", "城西路"}, 5},
	{"周浦", "周浦市场监管所", []string{"周浦镇"}, []string{"年家浜路", "沪南公路", "周园路"}, 6},
	{"新场", "新场市场监管所", []string{"新场镇"}, []string{"新场大街", "新环南路"}, 2},
	{"大团", "大团市场监管所", []string{"大团镇"}, []string{"大团北路", "金大公路"}, 1},
	{"康桥", "康桥市场监管所", []string{"康桥镇"}, []string{"秀沿路", "康桥路", "沪南路"}, 5},
	{"航头", "航头市场监管所", []string{"航头镇"}, []string{"航头路", "鹤沙路"}, 3},
	{"祝桥", "祝桥市场监管所", []string{"祝桥镇"}, []string{"川南奉公路", "祝桥路"}, 3},
	{"泥城", "泥城市场监管所", []string{"泥城镇"}, []string{"云汉路", "两港大道"}, 1},
	{"宣桥", "宣桥市场监管所", []string{"宣桥镇"}, []string{"南六公路", "宣桥路"}, 1},
	{"书院", "书院市场监管所", []string{"书院镇"}, []string{"丽正路", "新舒路"}, 1},
	{"万祥", "万祥市场监管所", []string{"万祥镇"}, []string{"万祥路", "三三公路"}, 1},
	{"老港", "老港市场监管所", []string{"老港镇"}, []string{"老港路", "中港路"}, 1},
	{"南汇新城", "南汇新城市场监管所", []string{"南汇新城镇"}, []string{"环湖西二路", "水华路", "申港大道"}, 4},
	{"保税区", "保税区分局", []string{"外高桥保税区", "外高桥保税物流园区"}, []string{"基隆路", "富特北路", "日京路"}, 3},
	{"度假区", "度假区分局", []string{"上海国际旅游度假区"}, []string{"申迪北路", "秀浦路"}, 3},
}

// pudongStreets are the 36 streets and towns of Pudong; each must be covered
// by exactly one office room.
var pudongStreets = []string{
	"潍坊新村街道", "陆家嘴街道", "周家渡街道", "塘桥街道", "上钢新村街道", "南码头路街道", "沪东新村街道",
	"金杨新村街道", "洋泾街道", "浦兴路街道", "东明路街道", "花木街道", "川沙新镇", "高桥镇", "北蔡镇",
	"合庆镇", "唐镇", "曹路镇", "金桥镇", "高行镇", "高东镇", "张江镇", "三林镇", "惠南镇", "周浦镇",
	"新场镇", "大团镇", "康桥镇", "航头镇", "祝桥镇", "泥城镇", "宣桥镇", "书院镇", "万祥镇", "老港镇",
	"南汇新城镇",
}

// enterpriseMerchant is a merchant an enterprise room is bound to.
type enterpriseMerchant struct {
	name string
	odr  bool // negotiates first on its own ODR platform
}

// enterpriseRoom is one 企业人民调解工作室 at a mall, platform or chain.
type enterpriseRoom struct {
	name       string // the mall / platform, the room is "<name>企业人民调解工作室"
	room       int    // index into officeRooms of where it is located
	merchants  []enterpriseMerchant
	categories []int // indexes into categories of its typical disputes
	weight     int   // relative case volume
}

// Category indexes, in the order of the categories table.
const (
	catOnline = iota
	catFitness
	catEducation
	catBeauty
	catAppliance
	catPhone
	catCatering
	catClothing
	catFood
	catDecoration
	catTravel
	catAuto
)

var enterpriseRooms = []enterpriseRoom{
	{"陆家嘴星汇广场", 0, []enterpriseMerchant{{"上海星汇商业管理有限公司", false}, {"上海星汇影城管理有限公司", false}}, []int{catClothing, catCatering, catBeauty, catPhone}, 5},
	{"浦江天悦购物中心", 1, []enterpriseMerchant{{"上海天悦商业经营管理有限公司", false}}, []int{catClothing, catCatering, catAppliance}, 4},
	{"东方锦荟城", 11, []enterpriseMerchant{{"上海锦荟置业发展有限公司", false}, {"上海锦荟超市有限公司", false}}, []int{catClothing, catFood, catCatering}, 4},
	{"张江智荟里商业中心", 21, []enterpriseMerchant{{"上海智荟里商业管理有限公司", false}}, []int{catCatering, catPhone, catFitness}, 3},
	{"金桥汇悦城", 18, []enterpriseMerchant{{"上海汇悦城商业管理有限公司", false}}, []int{catClothing, catCatering, catEducation}, 3},
	{"川沙云集广场", 12, []enterpriseMerchant{{"上海云集商业运营管理有限公司", false}}, []int{catClothing, catCatering, catBeauty}, 3},
	{"三林滨江荟", 22, []enterpriseMerchant{{"上海滨江荟商业管理有限公司", false}, {"上海滨江荟餐饮管理有限公司", false}}, []int{catCatering, catClothing, catFitness}, 3},
	{"周浦万嘉广场", 24, []enterpriseMerchant{{"上海万嘉商业广场管理有限公司", false}}, []int{catClothing, catAppliance, catCatering}, 3},
	{"惠南明珠购物中心", 23, []enterpriseMerchant{{"上海南汇明珠商业管理有限公司", false}}, []int{catClothing, catFood, catCatering}, 2},
	{"塘桥时代坊", 3, []enterpriseMerchant{{"上海时代坊商业管理有限公司", false}}, []int{catCatering, catBeauty}, 2},
	{"洋泾悦活里", 8, []enterpriseMerchant{{"上海悦活里商业发展有限公司", false}}, []int{catCatering, catFitness, catEducation}, 2},
	{"北蔡缤纷城", 14, []enterpriseMerchant{{"上海缤纷城商业管理有限公司", false}}, []int{catClothing, catCatering}, 2},
	{"康桥晶品汇", 27, []enterpriseMerchant{{"上海晶品汇商业管理有限公司", false}}, []int{catClothing, catCatering, catBeauty}, 2},
	{"唐镇逸彩城", 16, []enterpriseMerchant{{"上海逸彩城商业经营管理有限公司", false}}, []int{catClothing, catCatering, catEducation}, 2},
	{"临港海韵广场", 35, []enterpriseMerchant{{"上海海韵广场商业管理有限公司", false}}, []int{catClothing, catCatering}, 2},
	{"高桥港城广场", 13, []enterpriseMerchant{{"上海港城商业广场管理有限公司", false}}, []int{catClothing, catFood}, 1},
	{"度假区奇趣小镇", 37, []enterpriseMerchant{{"上海奇趣小镇文化旅游发展有限公司", false}, {"上海奇趣小镇餐饮管理有限公司", false}}, []int{catTravel, catCatering, catClothing}, 3},
	{"外高桥进口商品直销中心", 36, []enterpriseMerchant{{"上海外高桥环球进口商品直销有限公司", false}}, []int{catFood, catAppliance, catClothing}, 2},
	{"浦江优选电商平台", 21, []enterpriseMerchant{{"上海浦江优选电子商务有限公司", true}, {"上海浦江优选信息技术有限公司", false}}, []int{catOnline, catPhone, catAppliance, catFood}, 8},
	{"东岸到家生鲜平台", 11, []enterpriseMerchant{{"上海东岸到家网络科技有限公司", true}}, []int{catOnline, catFood}, 5},
	{"申城好物直播电商平台", 12, []enterpriseMerchant{{"上海申城好物电子商务有限公司", true}}, []int{catOnline, catClothing, catFood}, 5},
	{"易行旅途在线旅游平台", 21, []enterpriseMerchant{{"上海易行旅途国际旅行社有限公司", true}}, []int{catTravel}, 4},
	{"乐学云课堂在线教育平台", 21, []enterpriseMerchant{{"上海乐学云教育科技有限公司", false}}, []int{catEducation}, 3},
	{"沪鲜生活服务平台", 0, []enterpriseMerchant{{"上海沪鲜生活信息科技有限公司", true}}, []int{catCatering, catOnline}, 4},
	{"车易购汽车电商平台", 18, []enterpriseMerchant{{"上海车易购汽车销售服务有限公司", false}}, []int{catAuto}, 2},
	{"跨境e购电商平台", 36, []enterpriseMerchant{{"上海跨境e购供应链管理有限公司", true}, {"上海跨境e购电子商务有限公司", false}}, []int{catOnline, catFood}, 4},
	{"优佳电器连锁", 2, []enterpriseMerchant{{"上海优佳电器连锁有限公司", false}}, []int{catAppliance, catPhone}, 3},
	{"乐惠生活超市", 4, []enterpriseMerchant{{"上海乐惠生活超市有限公司", false}}, []int{catFood}, 2},
	{"东方光影国际影城", 7, []enterpriseMerchant{{"上海东方光影影院管理有限公司", false}}, []int{catCatering, catOnline}, 1},
	{"申浦汽车销售服务中心", 19, []enterpriseMerchant{{"上海申浦汽车销售服务有限公司", false}, {"上海申浦汽车维修有限公司", false}}, []int{catAuto}, 2},
}

// xuhuiRooms are the two office rooms of the small second district.
var xuhuiRooms = []struct {
	name    string
	streets []string
}{
	{"徐家汇市场监管所联合人民调解工作室", []string{"徐家汇街道", "天平路街道", "湖南路街道"}},
	{"漕河泾市场监管所联合人民调解工作室", []string{"漕河泾街道", "田林街道", "虹梅路街道"}},
}

// Names of people. Surnames are weighted roughly by frequency in Shanghai.
var surnames = []struct {
	s string
	w int
}{
	{"王", 60}, {"李", 50}, {"张", 50}, {"陈", 45}, {"刘", 35}, {"徐", 30}, {"朱", 28}, {"杨", 25}, {"黄", 25},
	{"周", 25}, {"吴", 25}, {"沈", 22}, {"顾", 20}, {"陆", 20}, {"钱", 15}, {"孙", 18}, {"胡", 16}, {"赵", 16},
	{"金", 12}, {"蒋", 12}, {"许", 12}, {"马", 12}, {"高", 11}, {"郭", 10}, {"何", 10}, {"林", 10}, {"姚", 10},
	{"曹", 9}, {"汪", 9}, {"潘", 9}, {"施", 9}, {"倪", 8}, {"范", 8}, {"宋", 8}, {"唐", 8}, {"谢", 8}, {"邱", 6},
	{"郑", 8}, {"梁", 6}, {"袁", 6}, {"戴", 6}, {"严", 6}, {"俞", 6}, {"丁", 6}, {"夏", 5}, {"冯", 5}, {"叶", 6},
	{"程", 5}, {"蔡", 6}, {"杜", 4}, {"魏", 4}, {"吕", 4}, {"任", 4}, {"卢", 4}, {"姜", 4}, {"崔", 3}, {"钟", 4},
	{"谭", 3}, {"彭", 4}, {"邵", 5}, {"龚", 5}, {"秦", 4}, {"薛", 4}, {"毛", 4}, {"方", 5}, {"江", 4}, {"贾", 3},
	{"董", 4}, {"韩", 4}, {"田", 3}, {"孔", 2}, {"葛", 3}, {"诸", 2}, {"欧阳", 1}, {"司马", 1}, {"上官", 1},
}

var maleGiven = []string{
	"伟", "强", "磊", "军", "杰", "勇", "涛", "斌", "超", "明", "刚", "平", "辉", "鹏", "华", "飞", "鑫", "波",
	"宇", "浩", "凯", "健", "俊", "帆", "旭", "宁", "龙", "林", "峰", "建", "国", "志", "文", "博", "晨", "毅",
	"昊", "嘉", "铭", "振", "海", "东", "卫", "荣", "天", "晓", "子", "一", "思", "家", "德", "永", "忠", "亮",
}

var femaleGiven = []string{
	"芳", "娜", "敏", "静", "丽", "艳", "婷", "雪", "琳", "洁", "颖", "倩", "晶", "慧", "佳", "欣", "怡", "萍",
	"玲", "燕", "丹", "蕾", "璐", "雯", "梦", "思", "雨", "诗", "晨", "悦", "瑶", "琴", "红", "霞", "莉", "君",
	"文", "秀", "美", "琪", "嘉", "晓", "逸", "子", "若", "雅", "安", "宁", "月", "梅", "珍", "婉", "茜", "蓉",
}

// idRegions are 6-digit region codes for generated ID numbers: mostly
// Shanghai districts (Pudong first and most frequent), some other provinces.
var idRegions = []struct {
	code string
	w    int
}{
	{"310115", 40}, {"310101", 5}, {"310104", 4}, {"310105", 3}, {"310106", 4}, {"310107", 3}, {"310109", 3},
	{"310110", 5}, {"310112", 4}, {"310113", 3}, {"310114", 2}, {"310117", 2}, {"310118", 1}, {"310120", 2},
	{"310151", 1}, {"320102", 2}, {"320508", 2}, {"330102", 2}, {"340102", 2}, {"360102", 1}, {"370102", 1},
	{"410102", 2}, {"420102", 1}, {"430102", 1}, {"510104", 1}, {"350102", 1}, {"230102", 1},
}

// mobilePrefixes are the first three digits of generated mobile numbers.
var mobilePrefixes = []string{
	"130", "131", "132", "133", "135", "136", "137", "138", "139", "150", "151", "152", "153", "155", "156",
	"157", "158", "159", "166", "173", "176", "177", "180", "181", "182", "183", "185", "186", "187", "188",
	"189", "191", "198", "199",
}

// Trade names of generated merchants are two characters, one from each list.
var tradeFirst = []string{
	"鑫", "恒", "佳", "博", "锦", "瑞", "华", "盛", "德", "嘉", "汇", "优", "康", "悦", "美", "星", "金", "福",
	"安", "宏", "永", "新", "乐", "达", "丰", "裕", "卓", "精", "维", "启", "尚", "晨", "誉", "润", "诚", "和",
	"泰", "景", "凯", "思", "沪", "浦", "申", "东", "禾", "云",
}

var tradeSecond = []string{
	"源", "辉", "程", "达", "诚", "泰", "通", "尚", "健", "家", "悦", "宝", "明", "远", "盛", "信", "雅", "格",
	"鼎", "瀚", "航", "睿", "途", "邦", "力", "杰", "峰", "美", "晟", "昌", "茂", "越", "祥", "麒", "逸", "耀",
}

// merchantForm is one way to name a merchant of a category: the legal form
// decides the name pattern and the type digits of the credit code.
type merchantForm struct {
	suffix string
	kind   byte // 'c' company 上海XX…有限公司, 'i' individual 浦东新区XX…店, 'n' private non-enterprise 上海市浦东新区XX…中心
}

// item is a good or service with its usual price range in yuan.
type item struct {
	name     string
	min, max int
}

// category is a two-level goods/services category with its dispute stories.
type category struct {
	code    string // "服务-健身"
	weight  int
	items   []item
	forms   []merchantForm
	prepaid bool // typical group dispute: prepaid cards of a closing shop
	stories []story
}

// story is one dispute pattern: description and claim templates. Placeholders:
// {m} merchant, {i} item, {d} purchase date, {p} price, {c} claimed amount,
// {n} a small count (weeks, months, sessions, repairs). The claim is
// price × mult / 10, at least minClaim yuan.
type story struct {
	desc     string
	claim    string
	mult     int
	minClaim int
	w        int
	items    []int // indexes of the category's items the story fits; nil means all
}

var categories = []category{
	catOnline: {
		code: "服务-网络购物", weight: 14,
		items: []item{{"扫地机器人", 999, 4999}, {"羽绒服", 399, 2599}, {"护肤品套装", 199, 1899}, {"运动鞋", 299, 1599},
			{"婴儿奶粉", 198, 999}, {"蓝牙耳机", 149, 1999}, {"电动牙刷", 99, 899}, {"空气净化器", 699, 3999}, {"行李箱", 199, 1699}, {"咖啡机", 599, 5999}},
		forms: []merchantForm{{"电子商务有限公司", 'c'}, {"网络科技有限公司", 'c'}, {"贸易有限公司", 'c'}},
		stories: []story{
			{desc: "本人于{d}在{m}开设的网店购买{i}一件，支付{p}元。收货后发现商品与页面描述严重不符，申请七日无理由退货，商家以“已拆封”为由拒绝。", claim: "要求退货并退还货款{c}元", mult: 10, w: 5},
			{desc: "本人于{d}在{m}网店下单购买{i}，支付{p}元，商家承诺48小时内发货，至今已逾{n}周未发货，多次联系客服均以缺货搪塞，申请取消订单被拒。", claim: "要求取消订单，退还货款{c}元", mult: 10, w: 3},
			{desc: "本人于{d}通过直播间向{m}购买{i}，支付{p}元。收货后经品牌方客服核实疑为假冒产品，商家拒绝提供进货凭证。", claim: "要求退还货款并按价款三倍赔偿，合计{c}元", mult: 40, minClaim: 500, w: 2},
			{desc: "本人于{d}在{m}购买{i}，使用不到{n}个月即出现故障，商家称需自行寄回厂家检测且不承担运费，至今未处理。", claim: "要求退货退款{c}元", mult: 10, w: 2, items: []int{0, 5, 6, 7, 9}},
		},
	},
	catFitness: {
		code: "服务-健身", weight: 10, prepaid: true,
		items: []item{{"健身年卡", 1800, 6800}, {"私教课程", 6000, 32000}, {"游泳季卡", 900, 2800}, {"瑜伽次卡", 1500, 6000}, {"综合体能训练课程", 3000, 12000}},
		forms: []merchantForm{{"健身有限公司", 'c'}, {"健身管理有限公司", 'c'}, {"体育发展有限公司", 'c'}, {"健身房", 'i'}},
		stories: []story{
			{desc: "本人于{d}在{m}办理{i}，预付{p}元。近日门店突然停业，经营者无法联系，剩余{n}个月会籍及课时无法使用。", claim: "要求退还未消费部分费用{c}元", mult: 6, w: 5},
			{desc: "本人于{d}在{m}购买{i}，共支付{p}元。上课{n}次后教练离职，门店未安排合适教练，申请退还剩余课时费被拒绝。", claim: "要求退还剩余课时费{c}元", mult: 5, w: 4, items: []int{1, 3, 4}},
			{desc: "{d}办理{i}时，{m}销售人员承诺可随时转让或退卡，实际申请退卡时门店称“卡内余额概不退还”，本人认为该条款属于不公平格式条款。", claim: "要求解除合同并退还余款{c}元", mult: 7, w: 2},
		},
	},
	catEducation: {
		code: "服务-教育培训", weight: 9, prepaid: true,
		items: []item{{"少儿英语课程", 6000, 28000}, {"少儿编程课程", 5000, 22000}, {"舞蹈培训课程", 2800, 12000}, {"钢琴一对一课程", 8000, 36000},
			{"成人学历提升课程", 9800, 48000}, {"职业技能培训课程", 3800, 19800}},
		forms: []merchantForm{{"教育培训中心", 'n'}, {"教育科技有限公司", 'c'}, {"文化艺术培训中心", 'n'}},
		stories: []story{
			{desc: "本人于{d}为孩子在{m}报名{i}，一次性预付{p}元。近期机构以“场地调整”为由停课，至今已停课{n}周且无复课安排。", claim: "要求退还剩余课时费{c}元", mult: 7, w: 5, items: []int{0, 1, 2, 3}},
			{desc: "本人于{d}在{m}报名{i}，支付{p}元。报名时机构宣传“保证通过、不过全额退费”，考试未通过后机构拒绝退费。", claim: "要求按承诺退还培训费{c}元", mult: 10, w: 2, items: []int{4, 5}},
			{desc: "本人于{d}与{m}签订{i}合同，支付{p}元，因工作调动无法继续上课，申请退费时机构要求扣除30%违约金。", claim: "要求退还未上课时费用{c}元", mult: 6, w: 3},
		},
	},
	catBeauty: {
		code: "服务-美容美发", weight: 8, prepaid: true,
		items: []item{{"美容护理卡", 2000, 20000}, {"美发套餐卡", 500, 5000}, {"祛斑项目", 3000, 30000}, {"皮肤管理疗程", 2800, 16800}, {"美甲储值卡", 500, 3000}},
		forms: []merchantForm{{"美容美发店", 'i'}, {"美容有限公司", 'c'}, {"美发沙龙", 'i'}, {"美容管理有限公司", 'c'}},
		stories: []story{
			{desc: "本人于{d}在{m}办理{i}，充值{p}元，目前余额尚有大部分未使用。门店近日关门转让，店主称余额“转到新店使用”，新店不予认可。", claim: "要求退还卡内余额{c}元", mult: 6, w: 5, items: []int{0, 1, 4}},
			{desc: "本人于{d}到{m}做普通护理，被店员以“今天办卡打五折”为由反复劝说办理{i}，支付{p}元，事后认为受到诱导，要求退卡被拒。", claim: "要求退还预付款{c}元", mult: 9, w: 3},
			{desc: "本人于{d}在{m}做{i}后面部出现红肿过敏，经医院诊断为接触性皮炎，门店只愿意赠送护理次数。", claim: "要求退还服务费并赔偿医疗费，合计{c}元", mult: 14, w: 2, items: []int{2, 3}},
		},
	},
	catAppliance: {
		code: "商品-家用电器", weight: 8,
		items: []item{{"变频空调", 2600, 12000}, {"对开门冰箱", 3200, 18000}, {"滚筒洗衣机", 1800, 9000}, {"燃气热水器", 1500, 6800},
			{"液晶电视机", 2000, 22000}, {"洗碗机", 2800, 9800}, {"油烟机", 1600, 7800}},
		forms: []merchantForm{{"电器有限公司", 'c'}, {"家电销售有限公司", 'c'}, {"电器商行", 'i'}},
		stories: []story{
			{desc: "本人于{d}在{m}购买{i}，价款{p}元。使用期间同一故障已维修{n}次仍未修好，依照三包规定要求换货，商家拒绝。", claim: "要求更换同型号新机或退货退款{c}元", mult: 10, w: 4},
			{desc: "本人于{d}在{m}购买{i}，价款{p}元，安装时被收取远超公示标准的辅材费和高空作业费。", claim: "要求退还不合理收费{c}元", mult: 1, minClaim: 200, w: 2, items: []int{0, 3, 6}},
			{desc: "本人于{d}在{m}购买{i}，价款{p}元，送货到家后发现外壳有明显划痕，疑为展示机，商家拒绝退换。", claim: "要求退货退款{c}元", mult: 10, w: 2},
		},
	},
	catPhone: {
		code: "商品-通讯器材", weight: 7,
		items: []item{{"智能手机", 1500, 9999}, {"平板电脑", 1800, 8999}, {"智能手表", 900, 3999}, {"笔记本电脑", 3500, 14999}},
		forms: []merchantForm{{"通讯器材有限公司", 'c'}, {"数码科技有限公司", 'c'}, {"手机店", 'i'}},
		stories: []story{
			{desc: "本人于{d}在{m}购买{i}，价款{p}元，号称全新国行正品。使用{n}周后到官方售后检测，显示该机曾被激活使用，疑为翻新机。", claim: "要求退一赔三，合计{c}元", mult: 40, minClaim: 500, w: 3},
			{desc: "本人于{d}在{m}购买{i}，价款{p}元，15日内出现屏幕闪烁，商家称属人为损坏，拒绝按三包规定换货。", claim: "要求更换新机或退款{c}元", mult: 10, w: 3},
			{desc: "本人于{d}在{m}办理“购机送话费”合约购买{i}，支付{p}元，事后发现被捆绑了额外增值业务，每月多扣费用。", claim: "要求取消捆绑业务并退还多收费用{c}元", mult: 2, minClaim: 100, w: 1, items: []int{0}},
		},
	},
	catCatering: {
		code: "服务-餐饮", weight: 7,
		items: []item{{"双人套餐", 128, 688}, {"储值卡", 1000, 10000}, {"婚宴", 12000, 60000}, {"生日宴", 2000, 8000}, {"外卖订单", 39, 300}},
		forms: []merchantForm{{"餐饮店", 'i'}, {"餐饮管理有限公司", 'c'}, {"酒家有限公司", 'c'}},
		stories: []story{
			{desc: "本人于{d}在{m}消费{i}，金额{p}元，用餐时在菜品中发现异物，与店方协商仅同意免单部分菜品。", claim: "要求退还餐费并赔偿{c}元", mult: 20, minClaim: 1000, w: 3, items: []int{0, 3, 4}},
			{desc: "本人于{d}在{m}办理{i}，充值{p}元，现门店停业，储值余额无法使用，店方承诺退款后迟迟不兑现。", claim: "要求退还储值余额{c}元", mult: 7, w: 3, items: []int{1}},
			{desc: "本人于{d}在{m}预订{i}（总价{p}元）并支付定金，因家中突发变故提前{n}个月取消，店方拒绝退还定金。", claim: "要求退还定金{c}元", mult: 2, w: 2, items: []int{2, 3}},
		},
	},
	catClothing: {
		code: "商品-服装鞋帽", weight: 6,
		items: []item{{"羽绒服", 599, 3999}, {"真皮皮鞋", 399, 2599}, {"运动鞋", 299, 1899}, {"羊绒大衣", 1299, 6800}, {"西装套装", 999, 5800}},
		forms: []merchantForm{{"服饰有限公司", 'c'}, {"鞋业有限公司", 'c'}, {"服装店", 'i'}},
		stories: []story{
			{desc: "本人于{d}在{m}购买{i}，价款{p}元，穿着不到{n}周即出现开胶、起球等质量问题，商家称属正常现象拒绝退换。", claim: "要求退货退款{c}元", mult: 10, w: 4},
			{desc: "本人于{d}在{m}购买{i}，价款{p}元，吊牌标注含绒量90%，送检结果明显不符，商家拒绝承担责任。", claim: "要求退一赔三，合计{c}元", mult: 40, minClaim: 500, w: 2, items: []int{0}},
		},
	},
	catFood: {
		code: "商品-食品", weight: 6,
		items: []item{{"月饼礼盒", 98, 598}, {"进口奶粉", 198, 1200}, {"保健食品", 500, 8000}, {"坚果礼盒", 99, 399}, {"进口红酒", 168, 2800}, {"海鲜礼盒", 299, 1999}},
		forms: []merchantForm{{"食品有限公司", 'c'}, {"食品商行", 'i'}, {"超市有限公司", 'c'}},
		stories: []story{
			{desc: "本人于{d}在{m}购买{i}，价款{p}元，回家后发现已超过保质期，依据《食品安全法》要求价款十倍赔偿，商家只同意退货。", claim: "要求退还价款并赔偿价款十倍，合计{c}元", mult: 110, minClaim: 1000, w: 4},
			{desc: "本人于{d}在{m}为家中老人购买{i}，价款{p}元，店员宣传“可以降血压、替代药物”，服用后无任何效果，要求退货被拒。", claim: "要求退还货款{c}元", mult: 10, w: 2, items: []int{2}},
			{desc: "本人于{d}在{m}购买{i}，价款{p}元，开封后发现包装内有异物，商家拒绝赔偿。", claim: "要求退货并赔偿{c}元", mult: 30, minClaim: 1000, w: 2},
		},
	},
	catDecoration: {
		code: "服务-房屋装修", weight: 6,
		items: []item{{"全包装修工程", 80000, 260000}, {"定制橱柜", 12000, 48000}, {"木地板铺设", 8000, 36000}, {"卫生间翻新", 15000, 45000}, {"定制衣柜", 10000, 42000}},
		forms: []merchantForm{{"装饰工程有限公司", 'c'}, {"建筑装潢有限公司", 'c'}, {"家居有限公司", 'c'}},
		stories: []story{
			{desc: "本人于{d}与{m}签订{i}合同，合同价款{p}元，约定工期60天，现已逾期{n}个月仍未完工，多次催促无果。", claim: "要求支付逾期违约金{c}元并尽快完工", mult: 1, minClaim: 1000, w: 3, items: []int{0, 3}},
			{desc: "本人于{d}委托{m}进行{i}，价款{p}元，完工后出现开裂、渗水等质量问题，施工方拒绝返工。", claim: "要求返工维修或赔偿损失{c}元", mult: 3, minClaim: 2000, w: 3},
			{desc: "本人于{d}与{m}签订{i}合同，合同价款{p}元，施工过程中对方以各种名目增项加价。", claim: "要求退还不合理增项费用{c}元", mult: 2, minClaim: 1000, w: 2, items: []int{0, 3}},
		},
	},
	catTravel: {
		code: "服务-旅游", weight: 5,
		items: []item{{"云南六日跟团游", 2800, 9800}, {"日本七日游", 6800, 22000}, {"海岛度假套餐", 5800, 42000}, {"亲子乐园套票", 900, 3600}, {"酒店预订", 800, 6800}},
		forms: []merchantForm{{"旅行社有限公司", 'c'}, {"国际旅行社有限公司", 'c'}, {"旅游发展有限公司", 'c'}},
		stories: []story{
			{desc: "本人于{d}通过{m}报名{i}，支付团费{p}元，行程中擅自增加购物点、减少景点，与合同约定不符。", claim: "要求退还部分团费并赔偿，合计{c}元", mult: 3, minClaim: 500, w: 3, items: []int{0, 1}},
			{desc: "本人于{d}通过{m}预订{i}，支付{p}元，出发前{n}天因家中老人住院申请取消，对方扣除全部费用。", claim: "要求按实际损失扣费，退还{c}元", mult: 7, w: 3},
		},
	},
	catAuto: {
		code: "商品-汽车及零部件", weight: 5,
		items: []item{{"新能源汽车", 120000, 320000}, {"燃油轿车", 90000, 260000}, {"汽车轮胎", 1600, 5000}, {"保养套餐", 800, 4000}, {"行车记录仪", 500, 1500}},
		forms: []merchantForm{{"汽车销售服务有限公司", 'c'}, {"汽车维修有限公司", 'c'}, {"汽车服务有限公司", 'c'}},
		stories: []story{
			{desc: "本人于{d}在{m}购买{i}，价款{p}元，提车后发现车漆有修补痕迹，经检测为维修后车辆，销售方未如实告知。", claim: "要求退车或赔偿损失{c}元", mult: 1, minClaim: 3000, w: 3, items: []int{0, 1}},
			{desc: "本人于{d}在{m}订购{i}（车价{p}元）并支付定金，后商家以“厂家调价”为由要求加价提车，本人不同意，要求退还定金被拒。", claim: "要求退还定金{c}元", mult: 1, minClaim: 5000, w: 2, items: []int{0, 1}},
			{desc: "本人于{d}在{m}更换{i}，结算金额{p}元，事后发现部分计费项目并未实际施工，且所换配件与约定品牌不符。", claim: "要求退还虚报费用{c}元", mult: 5, minClaim: 200, w: 3, items: []int{2, 3, 4}},
		},
	},
}

// closureStory is the group-dispute story: a prepaid-card shop closes and
// many members complain within a few weeks.
var closureStory = story{
	desc:  "本人于{d}在{m}办理{i}，预付{p}元。近日该店突然闭店，门口张贴“停业装修”告示，经营者电话无法接通，同一会员群内已有数十人遇到同样问题。",
	claim: "要求退还剩余预付款{c}元", mult: 7,
}

// Reasons of the few withdrawals, as event notes.
var withdrawNotes = []string{
	"申请人表示已与经营者自行和解，申请撤回",
	"申请人因个人原因不再主张，申请撤回",
	"经营者已主动退款，申请人申请撤回",
}

// Named demo accounts: their display names are fixed so the demo story and
// the manual can refer to them.
var namedDisplay = map[string]string{
	"admin":          "周立新",
	"committee01":    "陈建华",
	"room_lead01":    "陆海峰",
	"mediator01":     "王芳",
	"mediator02":     "李静怡",
	"regulator01":    "张卫东",
	"justice01":      "刘文杰",
	"court01":        "赵敏",
	"expert01":       "孙志远",
	"analyst01":      "吴佳琪",
	"auditor01":      "郑晓燕",
	"security01":     "冯国栋",
	"xh_committee01": "徐雅琴",
	"xh_mediator01":  "黄俊",
	"city_analyst01": "沈嘉言",
}
