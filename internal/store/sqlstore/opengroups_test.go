package sqlstore

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tiaojie/tiaojie/internal/domain"
)

// The open groups' query lists exactly the statuses domain.Status.Open
// calls closed, and each engine's partial index (migration 72) lists them in
// the same words, which the planner needs to use it.
func TestClosedCaseStatusesMatchDomainAndIndex(t *testing.T) {
	for _, s := range domain.Statuses {
		listed := strings.Contains(closedCaseStatuses, "'"+string(s)+"'")
		if listed == s.Open() {
			t.Errorf("status %s: open %v, listed as closed %v", s, s.Open(), listed)
		}
	}
	if n := strings.Count(closedCaseStatuses, "'") / 2; n != len(domain.Statuses)-countOpen() {
		t.Errorf("closedCaseStatuses lists %d statuses", n)
	}
	for _, engine := range []string{"sqlite", "postgres"} {
		b, err := os.ReadFile(filepath.Join("..", engine, "migrations", "00072_open_groups.sql"))
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(b), "status NOT IN "+closedCaseStatuses) {
			t.Errorf("%s's migration 72 does not list %s", engine, closedCaseStatuses)
		}
	}
}

func countOpen() int {
	n := 0
	for _, s := range domain.Statuses {
		if s.Open() {
			n++
		}
	}
	return n
}

// The feedback's closing events are listed in SQL as closingTypes says,
// and both engines' migration 78 indexes the same list.
func TestClosingTypesMatchIndex(t *testing.T) {
	var quoted []string
	for _, a := range closingTypes {
		quoted = append(quoted, "'"+string(a)+"'")
	}
	if want := "(" + strings.Join(quoted, ", ") + ")"; closingTypesSQL != want {
		t.Errorf("closingTypesSQL %s, want %s", closingTypesSQL, want)
	}
	for _, engine := range []string{"sqlite", "postgres"} {
		b, err := os.ReadFile(filepath.Join("..", engine, "migrations", "00078_closing_events.sql"))
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(b), "WHERE type IN "+closingTypesSQL) {
			t.Errorf("%s's migration 78 does not list %s", engine, closingTypesSQL)
		}
	}
}
