package ingest_test

import (
	"context"
	"errors"
	"testing"

	"github.com/tiaojie/tiaojie/internal/auth"
	"github.com/tiaojie/tiaojie/internal/domain"
	"github.com/tiaojie/tiaojie/internal/ingest"
	"github.com/tiaojie/tiaojie/internal/store"
	"github.com/tiaojie/tiaojie/internal/store/storetest"
)

// The office that imported and the district's committee see a batch; a
// committee of another district does not learn it exists.
func TestBatchesInScope(t *testing.T) {
	ctx := context.Background()
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			w := newWorld(t, e)
			name, data := xlsxFile(t, [][]any{row("1001", "张三", "13812345678", "健身房闭店，预付卡余额无法退还", "3000")})
			b, err := w.run(t, name, data)
			if err != nil {
				t.Fatal(err)
			}
			committee := &auth.Principal{Bindings: []store.Binding{{Role: domain.RoleCommittee, OrgID: w.cmt.ID, OrgPath: w.cmt.Path}}}
			other := &auth.Principal{Bindings: []store.Binding{{Role: domain.RoleCommittee, OrgID: 999, OrgPath: "/999/"}}}
			for _, p := range []*auth.Principal{w.operator, committee} {
				v, err := w.svc.Batch(ctx, p, b.ID)
				if err != nil || v.Batch.ID != b.ID || v.Office != w.office.Name {
					t.Fatalf("batch for %v: %+v %v", p.Bindings[0].Role, v, err)
				}
				o, err := w.svc.Overview(ctx, p)
				if err != nil || len(o.Batches) != 1 || len(o.Offices) != 1 {
					t.Fatalf("overview for %v: %+v %v", p.Bindings[0].Role, o, err)
				}
			}
			if _, err := w.svc.Batch(ctx, other, b.ID); !errors.Is(err, ingest.ErrNoBatch) {
				t.Fatalf("another district's batch: %v", err)
			}
			if _, err := w.svc.Batch(ctx, w.operator, b.ID+100); !errors.Is(err, ingest.ErrNoBatch) {
				t.Fatalf("unknown batch: %v", err)
			}
			if o, err := w.svc.Overview(ctx, other); err != nil || len(o.Batches) != 0 {
				t.Fatalf("another district sees batches: %+v %v", o, err)
			}
			var fe *domain.FieldError
			if _, _, err := w.svc.OfficeByID(ctx, w.operator, 12345); !errors.As(err, &fe) {
				t.Fatalf("unknown office: %v", err)
			}
			if office, _, err := w.svc.OfficeByID(ctx, w.operator, w.office.ID); err != nil || office.ID != w.office.ID {
				t.Fatalf("office by id: %+v %v", office, err)
			}
		})
	}
}
