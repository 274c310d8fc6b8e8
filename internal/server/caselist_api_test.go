package server_test

import (
	"net/url"
	"testing"

	"github.com/tiaojie/tiaojie/internal/store/storetest"
)

// The API's case list pages by next_cursor (every case once), finds a case
// by its consumer's phone number or identity number, and refuses a cursor
// it did not hand out.
func TestAPICaseListCursorAndPhoneSearch(t *testing.T) {
	for _, eng := range storetest.Engines(t) {
		t.Run(eng.Name, func(t *testing.T) {
			e := newEnv(t, eng)
			id := registerCase(t, e.login("mediator01"))
			c := e.login("committee01")
			type page struct {
				Cases []struct {
					ID int64 `json:"id"`
				} `json:"cases"`
				Total       int64  `json:"total"`
				TotalCapped bool   `json:"total_capped"`
				NextCursor  string `json:"next_cursor"`
			}
			seen := map[int64]bool{}
			after := ""
			for i := 0; ; i++ {
				path := "/api/v1/cases?limit=7"
				if after != "" {
					path += "&after=" + url.QueryEscape(after)
				}
				r := c.json("GET", path, nil, nil)
				var p page
				json_(r.body, &p)
				if r.StatusCode != 200 {
					t.Fatalf("%s: %d %s", path, r.StatusCode, r.body)
				}
				for _, x := range p.Cases {
					if seen[x.ID] {
						t.Fatalf("case %d on two pages", x.ID)
					}
					seen[x.ID] = true
				}
				if p.NextCursor == "" || i > 200 {
					if !p.TotalCapped && int64(len(seen)) != p.Total {
						t.Fatalf("paged %d cases, total %d", len(seen), p.Total)
					}
					break
				}
				after = p.NextCursor
			}
			if !seen[id] || len(seen) < 8 {
				t.Fatalf("pages held %d cases, the new one: %v", len(seen), seen[id])
			}
			for _, q := range []string{"139 1234 5678", "11010519491231002x"} {
				r := c.json("GET", "/api/v1/cases?q="+url.QueryEscape(q), nil, nil)
				var p page
				json_(r.body, &p)
				found := false
				for _, x := range p.Cases {
					found = found || x.ID == id
				}
				if r.StatusCode != 200 || !found {
					t.Errorf("q=%s: %d, the case not found: %s", q, r.StatusCode, r.body)
				}
			}
			if r := c.json("GET", "/api/v1/cases?after=bogus", nil, nil); r.StatusCode != 400 {
				t.Errorf("a made-up cursor: %d %s", r.StatusCode, r.body)
			}
		})
	}
}
