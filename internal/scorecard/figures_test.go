package scorecard

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/tiaojie/tiaojie/internal/evaluation"
	"github.com/tiaojie/tiaojie/internal/store"
)

// The figures read from the stored facts are those of the whole facts.
func TestFiguresOf(t *testing.T) {
	closed := time.Date(2026, 3, 4, 5, 6, 7, 0, time.UTC)
	for _, f := range []evaluation.Facts{
		{CaseID: 1, Outcome: evaluation.OutcomeOpen, PresidingID: 7},
		{CaseID: 2, ReceivedAt: closed.Add(-48 * time.Hour), Outcome: "agreed", ClosedAt: &closed, AgreementForm: "written", AgreedFen: 123456,
			Performed: true, FollowUpDone: true, Satisfaction: 4, PresidingID: 9, Prevention: []string{"x"}, ClaimFen: 99},
	} {
		raw, err := json.Marshal(f)
		if err != nil {
			t.Fatal(err)
		}
		got, err := figuresOf(string(raw))
		if err != nil {
			t.Fatal(err)
		}
		want := CaseFigures{PresidingID: f.PresidingID, Outcome: f.Outcome, ClosedAt: f.ClosedAt, HasAgreement: f.AgreementForm != "",
			AgreementForm: f.AgreementForm, AgreedFen: f.AgreedFen, Performed: f.Performed, FollowUpDone: f.FollowUpDone, Satisfaction: f.Satisfaction}
		if got.ClosedAt != nil && want.ClosedAt != nil && got.ClosedAt.Equal(*want.ClosedAt) {
			got.ClosedAt = want.ClosedAt
		}
		if got != want {
			t.Errorf("case %d:\n got %+v\nwant %+v", f.CaseID, got, want)
		}
	}
	if _, err := figuresOf("{"); err == nil {
		t.Error("broken facts are read")
	}
}

// A backlog the store counted past its cap is said as "more than".
func TestPendingText(t *testing.T) {
	for n, want := range map[int64]string{0: "0 件", 12: "12 件", store.PendingCap: "2000 件", store.PendingCap + 1: "2000 件以上", 4002: "2000 件以上"} {
		if got := PendingText(n); got != want {
			t.Errorf("PendingText(%d) = %q, want %q", n, got, want)
		}
	}
}
