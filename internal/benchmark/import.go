package benchmark

import (
	"bytes"
	"context"
	crand "crypto/rand"
	"encoding/csv"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/tiaojie/tiaojie/internal/auth"
	"github.com/tiaojie/tiaojie/internal/deadline"
	"github.com/tiaojie/tiaojie/internal/domain"
	"github.com/tiaojie/tiaojie/internal/ingest"
	"github.com/tiaojie/tiaojie/internal/intake"
	"github.com/tiaojie/tiaojie/internal/pii"
	"github.com/tiaojie/tiaojie/internal/platform"
	"github.com/tiaojie/tiaojie/internal/store"
	"github.com/tiaojie/tiaojie/internal/store/sqlstore"
)

// ImportResult compares a 12315 import with multi-row batch inserts of rows
// as wide as a case on the same engine.
type ImportResult struct {
	Engine     string
	Rows       int
	Registered bool // the file in registration order, not shuffled
	Took       time.Duration
	AppPerSec  float64 // rows imported per second (upload, check, slices through intake)
	RawPerSec  float64 // 1,000-row INSERT transactions into a table as wide as a case
	Ratio      float64
}

func (r ImportResult) String() string {
	order := "shuffled"
	if r.Registered {
		order = "registered"
	}
	return fmt.Sprintf("%-8s rows=%d (%s) import %v: %8.0f rows/s   raw batch insert %8.0f rows/s   ratio %.3f",
		r.Engine, r.Rows, order, r.Took.Round(time.Millisecond), r.AppPerSec, r.RawPerSec, r.Ratio)
}

// exportKinds are the complaint kinds of the generated export: what was
// bought, from whom, what went wrong and what is asked, as 12315 records
// them. Varied text matters to the figures: every distinct character and
// pair is a key of the search index, and one sentence repeated 100,000
// times (this export until 2026-12-05) made the index's work a fraction
// of a real file's.
var exportKinds = []struct{ category, shop, item, story, claim string }{
	{"服务-健身", "健身管理有限公司", "私教课程", "上课%d次后教练离职，门店未安排合适教练，申请退还剩余课时费被拒绝。", "退还剩余课时费"},
	{"服务-健身", "体育发展有限公司", "游泳年卡", "办卡%d天后门店突然闭店，预付卡余额无法退还，电话无人接听。", "退还预付款"},
	{"商品-家用电器", "电器商行", "变频空调", "送货到家第%d天发现外壳有明显划痕，疑为展示机，商家拒绝退换。", "更换新机"},
	{"商品-家用电器", "数码科技有限公司", "扫地机器人", "使用%d天后无法充电，送修两次仍未修好，商家以人为损坏为由拒绝三包。", "按三包规定退货"},
	{"商品-通讯器材", "通讯器材店", "智能手机", "购买%d天后发现是翻新机，序列号激活日期早于购买日期，商家否认。", "退一赔三"},
	{"商品-食品", "食品有限公司", "海鲜礼盒", "开封后发现包装内有异物，共%d盒，商家拒绝赔偿。", "退款并赔偿"},
	{"商品-服装鞋帽", "服饰有限公司", "羽绒服", "穿着%d次后严重跑绒，含绒量与吊牌标注不符，商家拒绝退货。", "退货退款"},
	{"服务-美容美发", "美容美发店", "美容套餐", "办理会员后第%d次服务时被强制推销额外项目，不同意即拒绝服务。", "退还余额"},
	{"服务-教育培训", "教育科技有限公司", "少儿英语课程", "上课%d节后机构更换上课地点且距离过远，要求退费被拒。", "退还剩余学费"},
	{"服务-餐饮", "餐饮管理有限公司", "预订宴席", "宴席当天%d道菜品与合同不符且分量明显不足，协商无果。", "部分退款"},
	{"商品-家具", "家居有限公司", "实木衣柜", "安装%d天后柜门开裂，检测为密度板贴皮，与宣传的实木不符。", "退货并赔偿"},
	{"服务-维修服务", "汽车服务有限公司", "保养服务", "保养后第%d天发动机故障灯亮起，怀疑使用非原厂机油，维修站否认。", "免费维修并赔偿损失"},
}

var (
	exportSurnames = []rune("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蔡蒋余于杜叶程")
	exportGiven    = []rune("伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超霞平刚桂华建国志红文辉鹏宇浩然思雨欣怡子轩梓涵")
	exportPlaces   = []string{"浦东新区", "黄浦区", "徐汇区", "长宁区", "静安区", "普陀区", "虹口区", "杨浦区", "闵行区", "宝山区"}
	exportBrands   = []rune("华信德悦家景鑫盛嘉禾金源恒泰瑞丰优品博雅天成新隆宏远")
)

// variedComplaint draws one complaint's words (a dozen kinds of dispute,
// thousands of merchants, names, amounts and dates), its phone left empty.
func variedComplaint(rng *rand.Rand) intake.Complaint {
	pick := func(rs []rune) string { return string(rs[rng.IntN(len(rs))]) }
	k := exportKinds[rng.IntN(len(exportKinds))]
	place := exportPlaces[rng.IntN(len(exportPlaces))]
	shop := "上海" + pick(exportBrands) + pick(exportBrands) + k.shop
	if rng.IntN(3) == 0 {
		shop = place + pick(exportBrands) + pick(exportBrands) + k.shop
	}
	amount := 50 * (1 + rng.IntN(400))
	desc := fmt.Sprintf("本人于2026年%d月%d日在%s购买%s，支付%d元。", 1+rng.IntN(10), 1+rng.IntN(28), shop, k.item, amount) +
		fmt.Sprintf(k.story, 1+rng.IntN(30))
	name := pick(exportSurnames) + pick(exportGiven)
	if rng.IntN(2) == 0 {
		name += pick(exportGiven)
	}
	return intake.Complaint{ComplainantName: name, MerchantName: shop,
		MerchantAddress: fmt.Sprintf("%s%s路%d号", place, pick(exportBrands)+pick(exportBrands), 1+rng.IntN(999)),
		Category:        k.category, Description: desc, Claim: k.claim, ClaimAmountFen: int64(amount) * 100}
}

// ExportCSV is a 12315 export of n valid, distinct complaints, as varied
// as a district's (variedComplaint), drawn from a fixed seed: the same file
// every run. Its complaints were registered over 20 days; in registration
// order (as 12315 numbers them) or with the times shuffled. The order
// matters to SQLite: a shuffled file's rows land all over the date-ordered
// indexes, and each transaction rewrites those pages.
func ExportCSV(n int, registered bool) []byte {
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	w.Write([]string{"投诉编号", "登记时间", "投诉人", "联系电话", "被投诉人", "统一社会信用代码", "经营者地址", "投诉内容", "诉求", "涉及金额", "商品类别"})
	rng := rand.New(rand.NewPCG(20261205, 12315))
	for i := range n {
		c := variedComplaint(rng)
		at := fmt.Sprintf("2026-11-%02d %02d:%02d", 1+rng.IntN(20), 8+rng.IntN(10), rng.IntN(60))
		if registered {
			at = time.Date(2026, 11, 1, 8, 0, 0, 0, time.UTC).Add(time.Duration(i) * (20 * 24 * time.Hour / time.Duration(n))).Format("2006-01-02 15:04")
		}
		w.Write([]string{fmt.Sprintf("12315202611%08d", i), at,
			c.ComplainantName, fmt.Sprintf("13%d%08d", 5+rng.IntN(5), i), c.MerchantName, "", c.MerchantAddress,
			c.Description, c.Claim, fmt.Sprint(c.ClaimAmountFen / 100), c.Category})
	}
	w.Flush()
	return buf.Bytes()
}

// Import imports an n-row CSV export (ExportCSV) into db (a committee and
// one 市场监管所 are created) through the platform's ingest service, in this
// process, then measures the raw batch-insert rate.
func Import(ctx context.Context, db *sqlstore.DB, n int, registered bool) (ImportResult, error) {
	res := ImportResult{Engine: db.Dialect(), Rows: n, Registered: registered}
	if err := deadline.EnsureDefaultPolicies(ctx, db); err != nil {
		return res, err
	}
	var units []store.OrgUnit
	for _, u := range []store.OrgUnit{{Kind: domain.OrgCity, Code: "sh", Name: "上海市"}, {Kind: domain.OrgDistrict, Code: "pd", Name: "浦东新区"},
		{Kind: domain.OrgCommittee, Code: "pd-cmt", Name: "浦东新区消费纠纷人民调解委员会", Abbr: "浦"}, {Kind: domain.OrgRegulatorOffice, Code: "amr-ljz", Name: "陆家嘴市场监管所"}} {
		switch u.Kind {
		case domain.OrgDistrict:
			u.ParentID = units[0].ID
		case domain.OrgCommittee, domain.OrgRegulatorOffice:
			u.ParentID = units[1].ID
		}
		if err := db.CreateOrgUnit(ctx, &u); err != nil {
			return res, err
		}
		units = append(units, u)
	}
	key := make([]byte, 32)
	crand.Read(key)
	sealer, err := pii.NewSealer(key)
	if err != nil {
		return res, err
	}
	p, err := platform.New(platform.Config{Store: db, Sealer: sealer, Log: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		return res, err
	}
	office := units[3]
	operator := &auth.Principal{DisplayName: "基准测试", Bindings: []store.Binding{{Role: domain.RoleRegulator, OrgID: office.ID, OrgPath: office.Path}}}
	data := ExportCSV(n, registered)
	start := time.Now()
	o, cmt, err := p.Ingest.Office(ctx, operator, "")
	if err != nil {
		return res, err
	}
	b, err := p.Ingest.Import(ctx, operator, o, cmt, ingest.File{Name: "12315.csv", Data: data}, nil)
	if err != nil {
		return res, err
	}
	res.Took = time.Since(start)
	if b.Imported != n {
		return res, fmt.Errorf("imported %d of %d rows (failed %d: %s)", b.Imported, n, b.Failed, b.Message)
	}
	res.AppPerSec = float64(n) / res.Took.Seconds()
	if res.RawPerSec, err = rawBatch(ctx, db, max(n, 10000)); err != nil {
		return res, err
	}
	res.Ratio = res.AppPerSec / res.RawPerSec
	return res, nil
}

// rawBatch inserts n rows as wide as a case in transactions of 1,000 rows,
// 100 rows per multi-row INSERT.
func rawBatch(ctx context.Context, db *sqlstore.DB, n int) (float64, error) {
	w := db.Writer()
	cols := "a01 TEXT, a02 TEXT, a03 TEXT, a04 TEXT, a05 TEXT, a06 TEXT, a07 TEXT, a08 TEXT, a09 TEXT, a10 TEXT, " +
		"b01 BIGINT, b02 BIGINT, b03 BIGINT, b04 BIGINT, b05 BIGINT, b06 BIGINT, b07 BIGINT, b08 BIGINT, " +
		"t01 TIMESTAMP, t02 TIMESTAMP, t03 TIMESTAMP"
	idcol := "id INTEGER PRIMARY KEY"
	if db.Dialect() == "postgres" {
		idcol = "id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY"
	}
	if _, err := w.ExecContext(ctx, "CREATE TABLE bench_raw_batch ("+idcol+", "+cols+")"); err != nil {
		return 0, fmt.Errorf("create raw table: %w", err)
	}
	defer w.ExecContext(context.Background(), "DROP TABLE bench_raw_batch")
	const per = 100
	n = (n + per - 1) / per * per
	var sb strings.Builder
	sb.WriteString(`INSERT INTO bench_raw_batch (a01, a02, a03, a04, a05, a06, a07, a08, a09, a10, b01, b02, b03, b04, b05, b06, b07, b08, t01, t02, t03) VALUES `)
	for r := range per {
		if r > 0 {
			sb.WriteString(", ")
		}
		sb.WriteString("(")
		for c := range 21 {
			if c > 0 {
				sb.WriteString(", ")
			}
			if db.Dialect() == "postgres" {
				fmt.Fprintf(&sb, "$%d", r*21+c+1)
			} else {
				sb.WriteString("?")
			}
		}
		sb.WriteString(")")
	}
	q := sb.String()
	desc := "消费者在该店购买商品后发现质量问题，要求退货退款被拒绝，多次协商未果。"
	now := time.Now().UTC()
	start := time.Now()
	for done := 0; done < n; {
		tx, err := w.BeginTx(ctx, nil)
		if err != nil {
			return 0, err
		}
		for k := 0; k < 1000/per && done < n; k++ {
			args := make([]any, 0, per*21)
			for r := range per {
				i := done + r
				args = append(args, fmt.Sprintf("（2026）浦消调字第%05d号", i), "received", "12315", "服务-健身", desc, "退货退款", "王小明",
					"上海某某商贸有限公司", "/1/2/3/", "", i, 2026, i, 1, 1, 0, 100, 1, now, now, now)
			}
			if _, err := tx.ExecContext(ctx, q, args...); err != nil {
				tx.Rollback()
				return 0, err
			}
			done += per
		}
		if err := tx.Commit(); err != nil {
			return 0, err
		}
	}
	return float64(n) / time.Since(start).Seconds(), nil
}
