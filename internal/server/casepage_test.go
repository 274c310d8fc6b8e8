package server_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
)

// A case can be in 履行中 (performing) without an agreement row: the demo's
// bulk histories and cases carried over from older systems arrive that way.
// Its page must still render.
func TestCasePagePerformingWithoutAgreement(t *testing.T) {
	forEachEngine(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		var id int64
		if err := e.db.Writer().QueryRowContext(ctx, `SELECT id FROM cases WHERE room_id IS NOT NULL ORDER BY id LIMIT 1`).Scan(&id); err != nil {
			t.Fatal(err)
		}
		for _, q := range []string{

			`DELETE FROM agreements WHERE case_id = $1`,
			`UPDATE cases SET status = 'performing' WHERE id = $1`,
		} {
			if _, err := e.db.Writer().ExecContext(ctx, q, id); err != nil && !strings.Contains(err.Error(), "no such table") && !strings.Contains(err.Error(), "does not exist") {
				t.Fatalf("%s: %v", q, err)
			}
		}
		for _, user := range []string{"admin", "committee01", "mediator01"} {
			c := e.login(user)
			res := c.get(fmt.Sprintf("/cases/%d", id))
			if res.StatusCode >= 500 {
				t.Fatalf("%s: case page of a performing case without agreement: %d %s", user, res.StatusCode, res.body)
			}
			if res.StatusCode == http.StatusOK && !strings.Contains(res.body, "履行") {
				t.Errorf("%s: page does not show the performing state", user)
			}
		}
	})
}
