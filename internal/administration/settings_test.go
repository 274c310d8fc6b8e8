package administration_test

import (
	"context"
	"errors"
	"testing"

	"github.com/tiaojie/tiaojie/internal/access"
	"github.com/tiaojie/tiaojie/internal/administration"
	"github.com/tiaojie/tiaojie/internal/domain"
	"github.com/tiaojie/tiaojie/internal/store"
	"github.com/tiaojie/tiaojie/internal/store/storetest"
)

func TestCalendarOverrides(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			w := newWorld(t, e)
			ctx := context.Background()
			for _, c := range []struct{ date, kind, name, field, want string }{
				{"2026-02-30", "off", "x", "date", "日期格式应为 YYYY-MM-DD"},
				{"1999-12-31", "off", "x", "date", "日期应在2000年至2100年之间"},
				{"2026-03-10", "off", " ", "name", "请填写名称（不超过50个字）"},
				{"2026-03-10", "maybe", "x", "kind", "请选择调整为工作日或休息日"},
			} {
				_, err := w.svc.PutCalendarOverride(ctx, w.admin, c.date, c.kind, c.name)
				var fe *domain.FieldError
				if !errors.As(err, &fe) || fe.Field != c.field || fe.Message != c.want {
					t.Errorf("%+v: %v", c, err)
				}
			}
			if _, err := w.svc.PutCalendarOverride(ctx, w.med, "2026-03-10", "off", "停工"); !errors.Is(err, access.ErrForbidden) {
				t.Fatalf("mediator edits the calendar: %v", err)
			}
			if os, _ := w.st.ListCalendarOverrides(ctx); len(os) != 0 {
				t.Fatalf("refused overrides stored: %+v", os)
			}
			// 2026-03-10 is a Tuesday: declared off, it is listed among the days off.
			if _, err := w.svc.PutCalendarOverride(ctx, w.admin, "2026-03-10", "off", "停工"); err != nil {
				t.Fatal(err)
			}
			v, err := w.svc.Calendar(ctx, w.admin)
			if err != nil {
				t.Fatal(err)
			}
			found := false
			for _, d := range v.DaysOff {
				found = found || (d.Date.String() == "2026-03-10" && d.Reason != "")
			}
			if !found || len(v.Overrides) != 1 || v.From.String() != "2026-03-02" {
				t.Fatalf("calendar: from %s, %d overrides, 10 March off %v", v.From, len(v.Overrides), found)
			}
			if err := w.svc.DeleteCalendarOverride(ctx, w.admin, "2026-03-10"); err != nil {
				t.Fatal(err)
			}
			if err := w.svc.DeleteCalendarOverride(ctx, w.admin, "2026-03-10"); !errors.Is(err, administration.ErrNoOverride) {
				t.Fatalf("deleted twice: %v", err)
			}
			if _, err := w.svc.Calendar(ctx, w.ct); !errors.Is(err, access.ErrForbidden) {
				t.Fatalf("court reads the calendar settings: %v", err)
			}
		})
	}
}

func TestPolicyVersions(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			w := newWorld(t, e)
			ctx := context.Background()
			before, err := w.svc.Policies(ctx, w.admin)
			if err != nil || len(before) == 0 {
				t.Fatalf("default policies: %v %v", before, err)
			}
			pol := func(code, from string) *store.Policy {
				return &store.Policy{Code: code, Name: "2027版", EffectiveFrom: from, AcceptanceWD: 7, MediationWD: 45,
					TerminationNoticeWD: 7, ODRNegotiationWD: 10, JudicialConfirmDays: 30, CommitteeTargetDays: 30}
			}
			// Today or earlier would change the rules of cases already accepted.
			if err := w.svc.AddPolicy(ctx, w.admin, pol("p2027", "2026-03-02")); access.Fields(err)["effective_from"] != "新版本的生效日期须晚于今天" {
				t.Fatalf("policy from today: %v", err)
			}
			bad := pol("p2027", "2027-01-01")
			bad.MediationWD = 0
			if status, msg := access.StatusOf(w.svc.AddPolicy(ctx, w.admin, bad)); status != 422 || msg == "" {
				t.Fatalf("zero mediation days: %d %s", status, msg)
			}
			// A version in force cannot be rewritten through its code.
			if err := w.svc.AddPolicy(ctx, w.admin, pol(before[0].Code, "2027-01-01")); access.Fields(err)["code"] == "" {
				t.Fatalf("rewrite the version in force: %v", err)
			}
			if err := w.svc.AddPolicy(ctx, w.med, pol("p2027", "2027-01-01")); !errors.Is(err, access.ErrForbidden) {
				t.Fatalf("mediator adds a policy: %v", err)
			}
			if after, _ := w.st.ListPolicies(ctx); len(after) != len(before) || after[0] != before[0] {
				t.Fatalf("refused policies changed the table: %+v", after)
			}
			if err := w.svc.AddPolicy(ctx, w.admin, pol("p2027", "2027-01-01")); err != nil {
				t.Fatal(err)
			}
			// A version not yet in force may still be corrected; its date may not collide.
			if err := w.svc.AddPolicy(ctx, w.admin, pol("p2027", "2027-02-01")); err != nil {
				t.Fatalf("correct a future version: %v", err)
			}
			if err := w.svc.AddPolicy(ctx, w.admin, pol("p2027b", "2027-02-01")); !errors.Is(err, administration.ErrPolicyDateTaken) {
				t.Fatalf("two versions from one date: %v", err)
			}
			if after, _ := w.st.ListPolicies(ctx); len(after) != len(before)+1 {
				t.Fatalf("policies: %d, want %d", len(after), len(before)+1)
			}
		})
	}
}
