package web

import (
	"fmt"
	"net/http/httptest"
	"testing"

	"github.com/tiaojie/tiaojie/internal/auth"
	"github.com/tiaojie/tiaojie/internal/domain"
	"github.com/tiaojie/tiaojie/internal/store"
)

// BenchmarkRenderCaseList is the case list's page of 50 rows rendered for
// a committee reader: the template's share of a list request. warm: the
// same rows again (the row memo answers); cold: rows never rendered before.
func BenchmarkRenderCaseList(b *testing.B) {
	var pg Pages
	if err := pg.Load(); err != nil {
		b.Fatal(err)
	}
	p := &auth.Principal{UserID: 1, DisplayName: "张三", Bindings: []store.Binding{{Role: domain.RoleCommittee, OrgID: 3, OrgPath: "/1/2/3/"}}}
	r := httptest.NewRequest("GET", "/cases", nil)
	r = r.WithContext(auth.With(r.Context(), p))
	for _, warm := range []bool{true, false} {
		name := map[bool]string{true: "warm", false: "cold"}[warm]
		b.Run(name, func(b *testing.B) {
			from := 1000
			for b.Loop() {
				if !warm {
					from += 50
				}
				w := httptest.NewRecorder()
				pg.render(w, r, 200, "cases", "案件", listPage(from))
				if w.Code != 200 {
					b.Fatal(w.Code)
				}
			}
		})
	}
}

// listPage is a case list page of 50 rows numbered from from.
func listPage(from int) casesData {
	d := casesData{Total: 100000, Page: 1, Pages: 2000, NextURL: "/cases?after=x", ExportURL: "/cases/export.xlsx", Statuses: domain.Statuses}
	for i := range 50 {
		d.Rows = append(d.Rows, listRow{ID: int64(from + i), Number: fmt.Sprintf("（2026）浦消调字第%05d号", from+i), Consumer: "王**", Merchant: "上海某某商贸有限公司",
			Category: "服务-健身", Room: "陆家嘴工作室", Mediator: "李明", Status: "mediating", StatusLabel: "调解中", Channel: "12315",
			Received: "2026-12-07 09:30", Clock: clockCell(nil)})
	}
	return d
}
