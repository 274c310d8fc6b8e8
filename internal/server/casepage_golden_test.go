package server_test

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"testing"
)

// TestCasePageGolden writes every demo case's page, as several users, to the
// directory TIAOJIE_CASEPAGE_GOLDEN names (when it has no pages of the
// engine yet), or compares the pages with those written there before: run it
// once before a change to how the page is built and once after, and the page
// must not have changed. Times are blanked (the demo is seeded relative to
// now). Without the variable the test is skipped.
func TestCasePageGolden(t *testing.T) {
	dir := os.Getenv("TIAOJIE_CASEPAGE_GOLDEN")
	if dir == "" {
		t.Skip("TIAOJIE_CASEPAGE_GOLDEN not set")
	}
	forEachEngine(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		type row struct {
			id        int64
			presiding string
		}
		rows, err := e.db.Writer().QueryContext(ctx, `SELECT c.id, COALESCE(u.username, '') FROM cases c
			LEFT JOIN users u ON u.id = c.presiding_id ORDER BY c.id`)
		if err != nil {
			t.Fatal(err)
		}
		var cases []row
		for rows.Next() {
			var r row
			if err := rows.Scan(&r.id, &r.presiding); err != nil {
				t.Fatal(err)
			}
			cases = append(cases, r)
		}
		rows.Close()
		sub := filepath.Join(dir, e.db.Dialect())
		_, statErr := os.Stat(sub)
		write := os.IsNotExist(statErr)
		if err := os.MkdirAll(sub, 0o755); err != nil {
			t.Fatal(err)
		}
		clients := map[string]*client{}
		compared := 0
		for i, c := range cases {
			users := []string{"admin", "committee01", "mediator01", "room_lead01"}
			if c.presiding != "" {
				users = append(users, c.presiding)
			}
			for _, u := range users {
				cl := clients[u]
				if cl == nil {
					cl = e.login(u)
					clients[u] = cl
				}
				res := cl.get(fmt.Sprintf("/cases/%d", c.id))
				page := []byte(fmt.Sprintf("HTTP %d\n%s", res.StatusCode, goldenTimes.ReplaceAllString(res.body, "T")))
				name := filepath.Join(sub, fmt.Sprintf("%03d-%s.html", i, u))
				if write {
					if err := os.WriteFile(name, page, 0o644); err != nil {
						t.Fatal(err)
					}
					continue
				}
				want, err := os.ReadFile(name)
				if err != nil {
					t.Fatal(err)
				}
				compared++
				if !bytes.Equal(want, page) {
					t.Errorf("case %d as %s: page differs from %s", c.id, u, name)
					os.WriteFile(name+".new", page, 0o644)
				}
			}
		}
		t.Logf("%s: %d cases, %d pages compared (written: %v)", e.db.Dialect(), len(cases), compared, write)
	})
}

var goldenTimes = regexp.MustCompile(`\d{4}-\d{2}-\d{2}([ T]\d{2}:\d{2}(:\d{2})?)?|\d{4}年\d{1,2}月\d{1,2}日|\d{2}:\d{2}`)
