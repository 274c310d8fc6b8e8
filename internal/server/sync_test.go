package server_test

import (
	"context"
	"html"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/tiaojie/tiaojie/internal/calendar"
	"github.com/tiaojie/tiaojie/internal/platform"
	"github.com/tiaojie/tiaojie/internal/smartmediation/peer"
	"github.com/tiaojie/tiaojie/internal/smartsync"
	"github.com/tiaojie/tiaojie/internal/store"
	"github.com/tiaojie/tiaojie/internal/store/storetest"
)

// A committee member accepts a case; without waiting on the platform the
// page answers, the case is sent in the background, and the case page and
// the sync page show its platform id. A mediator cannot open the sync
// page; the justice bureau reads it but cannot resend; the file export
// works with the link off too.
func TestSmartMediationSyncPages(t *testing.T) {
	for _, eng := range storetest.Engines(t) {
		t.Run(eng.Name, func(t *testing.T) {
			p := peer.New(peer.Options{APIKey: "k", StrictReferences: true})
			p.SetLatency(2 * time.Second) // a slow platform must not hold the request
			ts := httptest.NewServer(p)
			defer ts.Close()
			e := newEnvWith(t, eng, func(s *platform.Services) { s.Sync.Link = smartsync.Config{URL: ts.URL, APIKey: "k"} })
			cm := e.login("committee01")
			id := registerCase(t, cm)
			start := time.Now()
			if r := cm.json("POST", "/api/v1/cases/"+itoa(id)+"/accept", map[string]any{}, nil); r.StatusCode != 200 {
				t.Fatalf("accept: %d %s", r.StatusCode, r.body)
			}
			if d := time.Since(start); d > 1500*time.Millisecond {
				t.Fatalf("accepting waited %v on the platform", d)
			}
			p.SetLatency(0) // the point is made; the rest need not wait
			var row store.SmartSync
			for deadline := time.Now().Add(30 * time.Second); row.State != store.SmartSynced; time.Sleep(50 * time.Millisecond) {
				row, _ = e.db.GetSmartSync(context.Background(), id)
				if time.Now().After(deadline) {
					t.Fatalf("not synced: %+v", row)
				}
			}
			if page := cm.get("/cases/" + itoa(id)); !strings.Contains(page.body, "平台编号 "+row.PlatformID) {
				t.Fatalf("case page lacks the platform id %s", row.PlatformID)
			}
			page := cm.get("/sync?state=synced")
			if page.StatusCode != 200 || !strings.Contains(page.body, row.CaseCode) || !strings.Contains(page.body, "重新同步") {
				t.Fatalf("sync page: %d", page.StatusCode)
			}
			// A second case sent: pages of one, newest updated first; 下一页
			// keeps the state and the size.
			id2 := registerCase(t, cm)
			if r := cm.json("POST", "/api/v1/cases/"+itoa(id2)+"/accept", map[string]any{}, nil); r.StatusCode != 200 {
				t.Fatalf("accept: %d %s", r.StatusCode, r.body)
			}
			var row2 store.SmartSync
			for deadline := time.Now().Add(30 * time.Second); row2.State != store.SmartSynced; time.Sleep(50 * time.Millisecond) {
				row2, _ = e.db.GetSmartSync(context.Background(), id2)
				if time.Now().After(deadline) {
					t.Fatalf("not synced: %+v", row2)
				}
			}
			p1 := cm.get("/sync?state=synced&limit=1")
			next := regexp.MustCompile(`href="([^"]+)" id="sync-next"`).FindStringSubmatch(p1.body)
			if p1.StatusCode != 200 || !strings.Contains(p1.body, row2.CaseCode) || strings.Contains(p1.body, row.CaseCode) || next == nil ||
				!strings.Contains(next[1], "state=synced") || !strings.Contains(next[1], "limit=1") || !strings.Contains(p1.body, "（2）") {
				t.Fatalf("sync page of one: %d, next %v", p1.StatusCode, next)
			}
			p2 := cm.get(html.UnescapeString(next[1]))
			if p2.StatusCode != 200 || !strings.Contains(p2.body, row.CaseCode) || strings.Contains(p2.body, row2.CaseCode) || !strings.Contains(p2.body, "回到第一页") {
				t.Fatalf("sync page two: %d", p2.StatusCode)
			}
			if r := cm.get("/sync?after=nonsense"); r.StatusCode != 400 || !strings.Contains(r.body, "分页参数无效") {
				t.Fatalf("bad cursor: %d", r.StatusCode)
			}
			if r := cm.form("POST", "/sync/cases/"+itoa(id)+"/resync", nil); r.StatusCode != 303 {
				t.Fatalf("resync: %d %s", r.StatusCode, r.body)
			}
			if r := cm.get("/sync?state=bogus"); r.StatusCode != 422 {
				t.Fatalf("bad state: %d", r.StatusCode)
			}
			if r := e.login("mediator01").get("/sync"); r.StatusCode != 403 {
				t.Fatalf("mediator on /sync: %d", r.StatusCode)
			}
			j := e.login("justice01")
			if r := j.get("/sync"); r.StatusCode != 200 || strings.Contains(r.body, "/resync") {
				t.Fatalf("justice on /sync: %d", r.StatusCode)
			}
			// Another district's committee cannot resend our case.
			if r := e.login("xh_committee01").form("POST", "/sync/cases/"+itoa(id)+"/resync", nil); r.StatusCode != 404 {
				t.Fatalf("xh resync: %d", r.StatusCode)
			}
			// Dates are Shanghai's: between 16:00 and 24:00 UTC the case
			// was received "tomorrow" by a UTC clock.
			now := time.Now().In(calendar.Shanghai())
			today := now.Format(time.DateOnly)
			x := cm.get("/sync/export.xlsx?from=" + now.AddDate(0, -1, 0).Format(time.DateOnly) + "&to=" + now.AddDate(0, 0, 1).Format(time.DateOnly))
			if x.StatusCode != 200 {
				t.Fatalf("export: %d %s", x.StatusCode, x.body)
			}
			f, err := excelize.OpenReader(strings.NewReader(x.body))
			if err != nil {
				t.Fatal(err)
			}
			rows, _ := f.GetRows("案件")
			found := false
			for _, r := range rows {
				for _, c := range r {
					if c == row.CaseCode {
						found = true
					}
				}
			}
			if !found {
				t.Fatalf("export lacks %s (%d rows)", row.CaseCode, len(rows))
			}
			if r := cm.get("/sync/export.xlsx?from=" + today + "&to=nonsense"); r.StatusCode != 422 {
				t.Fatalf("bad export dates: %d", r.StatusCode)
			}
		})
	}
}
