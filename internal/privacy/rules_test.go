package privacy

import (
	"strings"
	"testing"
	"time"

	"github.com/tiaojie/tiaojie/internal/access"
)

func TestRevealRules(t *testing.T) {
	for _, tc := range []struct {
		field, purpose, note string
		bad                  string // the field refused, "" when accepted
	}{
		{"phone", "call", "", ""},
		{"id_number", "judicial", "", ""},
		{"address", "other", "寄送调解协议书", ""},
		{"address", "other", "  ", "note"},
		{"phone", "", "", "purpose"},
		{"phone", "gossip", "", "purpose"},
		{"bank", "call", "", "field"},
		{"phone", "call", "a\u202eb", "note"},
		{"phone", "call", strings.Repeat("字", 201), "note"},
	} {
		err := CheckReveal(tc.field, tc.purpose, tc.note)
		if tc.bad == "" {
			if err != nil {
				t.Errorf("%+v refused: %v", tc, err)
			}
			continue
		}
		if st, msg := access.StatusOf(err); st != 422 || access.Fields(err)[tc.bad] == "" || msg == "" {
			t.Errorf("%+v: %d %v", tc, st, err)
		}
	}
	if len(Purposes) != 6 || PurposeLabel("identity") != "当事人身份核验" || PurposeLabel("other") != "其他（须说明）" {
		t.Fatal("the purpose list changed")
	}
}

func TestRetentionRules(t *testing.T) {
	closed := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	archived := closed.AddDate(0, 1, 0)
	loc := time.UTC
	// Open cases are never deleted.
	if why := DeletionRefusal(Ended{}, 3, 5, closed.AddDate(50, 0, 0), loc); !strings.Contains(why, "尚在办理中") {
		t.Fatalf("open case: %q", why)
	}
	// Closed, not archived: counted from the close.
	e := Ended{ClosedAt: &closed}
	if why := DeletionRefusal(e, 3, 5, closed.AddDate(3, 0, -1), loc); !strings.Contains(why, "2029年3月2日") {
		t.Fatalf("before: %q", why)
	}
	if why := DeletionRefusal(e, 3, 5, closed.AddDate(3, 0, 0), loc); why != "" {
		t.Fatalf("on the day: %q", why)
	}
	// Archived: counted from the archiving with the archive period.
	e.ArchivedAt = &archived
	if end, ok := RetentionEnd(e, 3, 5); !ok || !end.Equal(archived.AddDate(5, 0, 0)) {
		t.Fatalf("archived end: %v", end)
	}
	if why := DeletionRefusal(e, 3, 5, closed.AddDate(4, 0, 0), loc); !strings.Contains(why, "已归档") {
		t.Fatalf("archived before: %q", why)
	}
	if err := CheckRetention(0, 5); access.Fields(err)["closed_years"] == "" {
		t.Fatalf("0 years: %v", err)
	}
	if err := CheckRetention(3, 31); access.Fields(err)["archived_years"] == "" {
		t.Fatalf("31 years: %v", err)
	}
	if err := CheckRetention(3, 5); err != nil {
		t.Fatal(err)
	}
}
