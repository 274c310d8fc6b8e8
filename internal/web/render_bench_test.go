package web

import (
	"fmt"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/tiaojie/tiaojie/internal/auth"
	"github.com/tiaojie/tiaojie/internal/domain"
	"github.com/tiaojie/tiaojie/internal/store"
)

// BenchmarkRenderCaseList is the case list's page of 50 rows rendered for
// a committee reader: the template's share of a list request.
func BenchmarkRenderCaseList(b *testing.B) {
	var pg Pages
	if err := pg.Load(); err != nil {
		b.Fatal(err)
	}
	d := casesData{Total: 100000, Page: 1, Pages: 2000, NextURL: "/cases?after=x", ExportURL: "/cases/export.xlsx", Statuses: domain.Statuses}
	for i := range 50 {
		d.Rows = append(d.Rows, listRow{ID: int64(1000 + i), Number: fmt.Sprintf("（2026）浦消调字第%05d号", i), Consumer: "王**", Merchant: "上海某某商贸有限公司",
			Category: "服务-健身", Room: "陆家嘴工作室", Mediator: "李明", Status: "mediating", StatusLabel: "调解中", Channel: "12315",
			Received: time.Now().Format("2006-01-02 15:04"), Clock: clockCell(nil)})
	}
	p := &auth.Principal{UserID: 1, DisplayName: "张三", Bindings: []store.Binding{{Role: domain.RoleCommittee, OrgID: 3, OrgPath: "/1/2/3/"}}}
	r := httptest.NewRequest("GET", "/cases", nil)
	r = r.WithContext(auth.With(r.Context(), p))
	for b.Loop() {
		w := httptest.NewRecorder()
		pg.render(w, r, 200, "cases", "案件", d)
		if w.Code != 200 {
			b.Fatal(w.Code)
		}
	}
}
