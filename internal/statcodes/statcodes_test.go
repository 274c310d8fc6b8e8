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

// The 12315 feedback tables: the closing form's lists, the seven Art 21
// grounds, every termination reason mapped to one, and a map to a code that
// does not exist refused.
func TestFeedbackTables(t *testing.T) {
	tb := MustLoad()
	if n := len(tb.List(Result12315)); n != 5 {
		t.Errorf("调解结果: %d, want 5", n)
	}
	if n := len(tb.List(Method12315)); n != 5 {
		t.Errorf("调解方式: %d, want 5", n)
	}
	if n := len(tb.List(Art21Reason)); n != 7 {
		t.Errorf("Art 21 grounds: %d, want 7", n)
	}
	for _, r := range domain.TerminateReasons {
		if !tb.Has(Art21Reason, tb.MapTo(Art21Map, r.Code)) {
			t.Errorf("termination reason %s has no Art 21 ground", r.Code)
		}
	}
	if tb.MapTo(ResultMap, "reason:unreachable") != "contact_lost" || tb.MapTo(ResultMap, "agreed") != "agreed" {
		t.Error("result map")
	}
	for _, bad := range []string{
		"table,code,label,justice,nature,system\nart21_reason,1,x,,,s\nart21_map,a,9,,,s\n",
		"table,code,label,justice,nature,system\nresult_12315,agreed,x,,,s\nresult_map,agreed,nope,,,s\n",
	} {
		if _, err := Parse(bad); err == nil {
			t.Errorf("accepted %q", bad)
		}
	}
}
