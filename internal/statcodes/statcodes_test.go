package statcodes

import (
	"strings"
	"testing"

	"github.com/tiaojie/tiaojie/internal/domain"
)

func TestTables(t *testing.T) {
	tb, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	if n := len(tb.List(JusticeCategory)); n != 16 {
		t.Errorf("justice categories: %d, want the 16 of the 司法 list", n)
	}
	if n := len(tb.List(Nature12315)); n != 12 {
		t.Errorf("12315 natures: %d, want 12", n)
	}
	// Every intake category is mapped, to codes that exist.
	for _, c := range domain.Categories {
		found := false
		for _, m := range tb.List(CategoryMap) {
			found = found || m.Code == c
		}
		if !found {
			t.Errorf("intake category %s is not mapped", c)
		}
	}
	if tb.Label(JusticeCategory, tb.JusticeOf("服务-旅游")) != "旅游纠纷" || tb.Label(JusticeCategory, tb.JusticeOf("服务-网络购物")) != "电子商务纠纷" {
		t.Error("travel and online shopping map to their own categories")
	}
	if tb.JusticeOf("不存在") != "J16" || tb.NatureOf("不存在") != "N12" {
		t.Error("unknown categories map to 其他")
	}
	for _, bad := range []string{"", "table,code\n", "table,code,label,justice,nature,system\nx,,y,,,s\n",
		"table,code,label,justice,nature,system\ncategory_map,a,a,J99,N01,s\n",
		"table,code,label,justice,nature,system\nx,a,b,,,s\nx,a,c,,,s\n"} {
		if _, err := Parse(bad); err == nil {
			t.Errorf("accepted %q", bad)
		}
	}
}

// The domain's lists of term kinds and prevention codes are these tables.
func TestDomainListsMatchTables(t *testing.T) {
	tb := MustLoad()
	for table, list := range map[string][]string{TermKind: domain.TermKinds, Prevention: domain.PreventionCodes} {
		var codes []string
		for _, c := range tb.List(table) {
			codes = append(codes, c.Code)
		}
		if strings.Join(codes, ",") != strings.Join(list, ",") {
			t.Errorf("%s: table %v, domain %v", table, codes, list)
		}
	}
}
