package web

import (
	"html/template"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/tiaojie/tiaojie/internal/auth"
	"github.com/tiaojie/tiaojie/internal/domain"
	"github.com/tiaojie/tiaojie/internal/store"
)

// A remembered row is the row as rendered: escaped the same, and a case
// that changed shows its change at once.
func TestRowMemoEscapesAndNeverServesAStaleRow(t *testing.T) {
	var pg Pages
	if err := pg.Load(); err != nil {
		t.Fatal(err)
	}
	p := &auth.Principal{UserID: 1, DisplayName: "张三", Bindings: []store.Binding{{Role: domain.RoleCommittee, OrgID: 3, OrgPath: "/1/2/3/"}}}
	r := httptest.NewRequest("GET", "/cases", nil)
	r = r.WithContext(auth.With(r.Context(), p))
	get := func(d casesData) string {
		w := httptest.NewRecorder()
		pg.render(w, r, 200, "cases", "案件", d)
		if w.Code != 200 {
			t.Fatalf("HTTP %d: %s", w.Code, w.Body)
		}
		return w.Body.String()
	}
	d := listPage(1)
	d.Rows[0].Consumer = `<script>alert("x")</script>`
	d.Rows[1].Merchant = `"某&某" <b>`
	d.Rows[2].Clock = clockCell(nil) + template.HTML(`<span class="overdue">已超期3天</span>`)
	first := get(d)
	if strings.Contains(first, `<script>alert`) || !strings.Contains(first, `&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;`) {
		t.Fatal("a consumer's name is not escaped in the list")
	}
	if !strings.Contains(first, `&#34;某&amp;某&#34; &lt;b&gt;`) || !strings.Contains(first, `<span class="overdue">已超期3天</span>`) {
		t.Fatal("a merchant's name is not escaped, or the clock's markup is")
	}
	if n := strings.Count(first, `<tr>`); n != 51 { // the head and 50 rows
		t.Fatalf("%d rows", n)
	}
	if again := get(d); again != first {
		t.Fatal("the same rows rendered differently from the memo")
	}
	if pg.memo.Len() != 50 {
		t.Fatalf("%d rows remembered, want 50", pg.memo.Len())
	}
	// The same rows rendered by a fresh Pages (nothing remembered).
	var cold Pages
	if err := cold.Load(); err != nil {
		t.Fatal(err)
	}
	w := httptest.NewRecorder()
	cold.render(w, r, 200, "cases", "案件", d)
	if w.Body.String() != first {
		t.Fatal("remembered rows differ from rows rendered afresh")
	}
	// A case that moves on shows its new state, on every field the row has.
	d.Rows[3].Status, d.Rows[3].StatusLabel = "closed", "已结案"
	d.Rows[4].Mediator = ""
	d.Rows[5].Clock = template.HTML(`<span class="soon">剩1天</span>`)
	moved := get(d)
	if !strings.Contains(moved, `<span class="badge closed">已结案</span>`) || strings.Count(moved, `未指派`) != 1 || !strings.Contains(moved, `剩1天`) {
		t.Fatal("a changed case shows its remembered row")
	}
	if strings.Count(moved, `<span class="badge mediating">`) != 49 {
		t.Fatal("the unchanged rows changed")
	}
}
