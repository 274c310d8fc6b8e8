package smartmediation_test

import (
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/tiaojie/tiaojie/internal/domain"
	sm "github.com/tiaojie/tiaojie/internal/smartmediation"
)

func embedded(t *testing.T) string {
	t.Helper()
	b, err := os.ReadFile("codes.csv")
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestDefaultCodes(t *testing.T) {
	c := sm.DefaultCodes()
	if c.System() != "tiaojie-v1" {
		t.Errorf("system %q", c.System())
	}
	for _, tb := range sm.Tables {
		if len(c.Table(tb.Key)) == 0 {
			t.Errorf("table %s is empty", tb.Key)
		}
	}
	var justice []string
	for _, x := range c.Table(sm.TableDisputeCategory) {
		justice = append(justice, x.Name)
	}
	want := strings.Split("婚姻家庭纠纷 邻里纠纷 房屋宅基地纠纷 合同纠纷 生产经营纠纷 损害赔偿纠纷 山林土地纠纷 征地拆迁纠纷 环境保护纠纷 拖欠农民工工资纠纷 旅游纠纷 电子商务纠纷 医疗纠纷 道路交通纠纷 物业纠纷 其他纠纷", " ")
	if !slices.Equal(justice, want) {
		t.Errorf("dispute categories = %v\nwant the justice list %v", justice, want)
	}
	for table, names := range map[string][]string{
		sm.TableDifficulty: {"简易", "一般", "疑难复杂"},
		sm.TablePartyRole:  {"申请人", "被申请人"},
		sm.TableEmployment: {"专职", "兼职"},
	} {
		var got []string
		for _, x := range c.Table(table) {
			got = append(got, x.Name)
		}
		if !slices.Equal(got, names) {
			t.Errorf("%s = %v, want %v", table, got, names)
		}
	}
	if c.Valid(sm.TableResult, "77") || !c.Valid(sm.TableResult, codeOf(sm.TableResult, "agreed")) {
		t.Error("Valid misjudges")
	}
	if sm.TableName(sm.TableCaseSource) != "案件来源" || sm.TableName("nope") != "nope" {
		t.Error("TableName")
	}
}

// Every category and channel of ours reaches a code.
func TestEveryValueOfOursMaps(t *testing.T) {
	c := sm.DefaultCodes()
	for _, cat := range domain.Categories {
		code, ok := c.ForOurs(sm.TableDisputeCategory, cat)
		if !ok {
			t.Errorf("category %s has no 纠纷类别", cat)
			continue
		}
		name, _ := c.Name(sm.TableDisputeCategory, code)
		want := "合同纠纷" // a consumer dispute is a contract dispute unless a specific class fits
		switch cat {
		case "服务-旅游":
			want = "旅游纠纷"
		case "服务-网络购物":
			want = "电子商务纠纷"
		case "服务-医疗美容":
			want = "医疗纠纷"
		}
		if name != want {
			t.Errorf("category %s → %s, want %s", cat, name, want)
		}
	}
	wantSource := map[domain.Channel]string{
		domain.Channel12315: "市场监管部门移送", domain.ChannelWalkIn: "当事人申请", domain.ChannelPhone: "当事人申请",
		domain.ChannelOnline: "当事人申请", domain.ChannelLetters: "当事人申请", domain.ChannelCourt: "人民法院委派",
		domain.ChannelODR: "其他单位或组织移送", domain.ChannelAPI: "其他单位或组织移送",
	}
	for _, ch := range domain.Channels {
		code, ok := c.ForOurs(sm.TableCaseSource, string(ch))
		name, _ := c.Name(sm.TableCaseSource, code)
		if !ok || name != wantSource[ch] {
			t.Errorf("channel %s → %q, want %q", ch, name, wantSource[ch])
		}
	}
	for _, k := range []domain.OrgKind{domain.OrgCommittee, domain.OrgOfficeRoom, domain.OrgEnterpriseRoom} {
		if _, ok := c.ForOurs(sm.TableOrgType, string(k)); !ok {
			t.Errorf("org kind %s has no code", k)
		}
	}
}

func TestLoadCodesRefuses(t *testing.T) {
	base := embedded(t)
	tests := []struct {
		name string
		edit func(string) string
		want string // part of the error
	}{
		{"bad header", func(s string) string { return strings.Replace(s, "our_value", "ours", 1) }, "header"},
		{"duplicate code", func(s string) string { return s + "difficulty,tiaojie-v1,2,再来一个,\n" }, "duplicate code 2 in table difficulty"},
		{"missing table", func(s string) string { return dropTable(s, "employment") }, "no table employment"},
		{"unknown table", func(s string) string { return s + "colour,tiaojie-v1,1,红,\n" }, `unknown table "colour"`},
		{"two systems", func(s string) string { return s + "difficulty,sft0018,9,特别,\n" }, "differs"},
		{"our value twice", func(s string) string { return s + "result,tiaojie-v1,8,又成功,agreed\n" }, `"agreed" maps to both`},
		{"unmapped category", func(s string) string { return strings.Replace(s, "|服务-健身", "", 1) }, `our value "服务-健身"`},
		{"unmapped derived value", func(s string) string {
			return strings.Replace(s, ",履行期限未届满,pending", ",履行期限未届满,", 1)
		}, `"pending"`},
		{"empty name", func(s string) string { return s + "difficulty,tiaojie-v1,8,,\n" }, "required"},
		{"empty our value", func(s string) string { return s + "difficulty,tiaojie-v1,8,特别,x||y\n" }, "empty value"},
		{"short row", func(s string) string { return s + "difficulty,tiaojie-v1,8\n" }, "wrong number of fields"},
		{"empty file", func(string) string { return "" }, "header"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := sm.LoadCodes(strings.NewReader(tt.edit(base)))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("err = %v, want one containing %q", err, tt.want)
			}
		})
	}
}

func dropTable(s, table string) string {
	var keep []string
	for _, l := range strings.Split(s, "\n") {
		if !strings.HasPrefix(l, table+",") {
			keep = append(keep, l)
		}
	}
	return strings.Join(keep, "\n")
}

// Official codes can replace ours: another system's file, with its own
// spelling of every code, builds records in that system.
func TestOtherCodeSystem(t *testing.T) {
	prefix := regexp.MustCompile(`(?m)^([a-z_]+),tiaojie-v1,`)
	other := prefix.ReplaceAllString(embedded(t), "$1,sft0018-2019,X")
	codes, err := sm.LoadCodes(strings.NewReader(other))
	if err != nil {
		t.Fatal(err)
	}
	src := fullSource()
	src.Codes = codes
	rec := mustBuild(t, src)
	if rec.CodeSystem != "sft0018-2019" || rec.DisputeCategory != "X04" || rec.Result != "X1" || rec.Parties[0].Role != "X1" {
		t.Errorf("record in other system: %s %s %s %s", rec.CodeSystem, rec.DisputeCategory, rec.Result, rec.Parties[0].Role)
	}
	if err := rec.Validate(sm.DefaultCodes()); err == nil {
		t.Error("a record in another code system must not validate against tiaojie-v1")
	}
}
