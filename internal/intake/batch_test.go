package intake_test

import (
	"errors"
	"fmt"
	"testing"

	"github.com/tiaojie/tiaojie/internal/access"
	"github.com/tiaojie/tiaojie/internal/domain"
	"github.com/tiaojie/tiaojie/internal/intake"
	"github.com/tiaojie/tiaojie/internal/store"
)

// TestRegisterBatch: a batch applies Register's rules to each complaint (an
// invalid one is refused with its fields, the others are registered with
// consecutive numbers); a batch that meets a registered 12315 number falls
// back to Register one by one, which refuses that one as a duplicate and
// registers the rest.
func TestRegisterBatch(t *testing.T) {
	eachEngine(t, func(t *testing.T, w *world) {
		ctx := w.ctx()
		mk := func(ext string) intake.Complaint {
			c := validComplaint()
			c.ExternalID = ext
			return c
		}
		bad := mk("B-2")
		bad.Phone = "123"
		res := w.svc.RegisterBatch(ctx, w.regulator, []intake.Complaint{mk("B-1"), bad, mk("B-3")}, []string{"", "", ""})
		var ve *access.ValidationError
		if res[0].Err != nil || res[2].Err != nil || !errors.As(res[1].Err, &ve) {
			t.Fatalf("batch outcomes: %v / %v / %v", res[0].Err, res[1].Err, res[2].Err)
		}
		for i, want := range map[int]string{0: "（2026）浦消调字第00001号", 2: "（2026）浦消调字第00002号"} {
			c := res[i].Case
			if c.Number != want || c.Channel != domain.Channel12315 || c.DivertedByOrgID != w.regOffice.ID || c.CommitteeID != w.pdCommittee.ID {
				t.Fatalf("case %d: %+v", i, c)
			}
			stored, err := w.db.GetCase(ctx, c.ID)
			if err != nil || stored.Number != want || stored.Parties[0].PhoneHash != w.sealer.Hash("13812345678") || stored.Parties[0].PhoneMask != c.Parties[0].PhoneMask {
				t.Fatalf("stored case %d: %+v %v", i, stored, err)
			}
			evs, _ := w.db.ListEvents(ctx, c.ID)
			if len(evs) != 1 || evs[0].Note != "登记："+domain.Channel12315.Label() || evs[0].ActorName != w.regulator.DisplayName {
				t.Fatalf("events of case %d: %+v", i, evs)
			}
		}
		// B-1 again: the batch write conflicts; one by one explains it.
		res = w.svc.RegisterBatch(ctx, w.regulator, []intake.Complaint{mk("B-4"), mk("B-1")}, []string{"k4", "k1"})
		var dup *intake.ErrDuplicate
		if res[0].Err != nil || !errors.As(res[1].Err, &dup) || dup.Number != "（2026）浦消调字第00001号" {
			t.Fatalf("fallback outcomes: %v / %v", res[0].Err, res[1].Err)
		}
		if res[0].Case.Number != "（2026）浦消调字第00003号" {
			t.Fatalf("number after the fallback: %s", res[0].Case.Number)
		}
		// Rules that need the actor: one who may not register gets nothing written.
		res = w.svc.RegisterBatch(ctx, w.analyst, []intake.Complaint{mk("B-5")}, []string{""})
		if !errors.Is(res[0].Err, access.ErrForbidden) {
			t.Fatalf("analyst: %v", res[0].Err)
		}
		if _, err := w.db.GetCaseByExternalID(ctx, "B-5"); !errors.Is(err, store.ErrNotFound) {
			t.Fatal(fmt.Sprint("analyst registered: ", err))
		}
	})
}
