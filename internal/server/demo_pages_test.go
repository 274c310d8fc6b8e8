package server_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/tiaojie/tiaojie/internal/demo"
	"github.com/tiaojie/tiaojie/internal/pii"
	"github.com/tiaojie/tiaojie/internal/store"
	"github.com/tiaojie/tiaojie/internal/store/storetest"
)

// TestEveryDemoCasePage renders every demo case's page for every role that
// may see it — the committee, the room's lead, the presiding mediator, the
// regulator of the diverting office, the district's justice bureau, the
// court that referred it — expecting a whole page, and a 404 for the other
// district's committee. Two hundred cases cover every state the demo makes.
func TestEveryDemoCasePage(t *testing.T) {
	for _, eng := range storetest.Engines(t) {
		t.Run(eng.Name, func(t *testing.T) {
			e := newEnv(t, eng)
			ctx := context.Background()
			sealer, _ := pii.NewSealer(bytes.Repeat([]byte{1}, 32))
			if _, err := demo.AddCases(ctx, e.db, sealer, 150, 11, time.Now(), nil); err != nil {
				t.Fatal(err)
			}
			units, err := e.db.ListOrgUnits(ctx)
			if err != nil {
				t.Fatal(err)
			}
			byID := map[int64]store.OrgUnit{}
			for _, u := range units {
				byID[u.ID] = u
			}
			roomLead := map[string]string{"xh-room-01": "xh_room_lead01"}
			for i := 1; i <= demo.NumOfficeRooms; i++ {
				roomLead[demo.OfficeRoomCode(i)] = fmt.Sprintf("room_lead%02d", i)
			}
			for i := 1; i <= demo.NumEnterpriseRooms; i++ {
				roomLead[demo.EnterpriseRoomCode(i)] = fmt.Sprintf("room_lead%02d", demo.NumOfficeRooms+i)
			}
			diverter := map[string]string{demo.RegulatorOfficeCode(1): "regulator01", demo.CodeXHOffice: "xh_regulator01",
				demo.CodeCourt: "court01", demo.CodeXHCourt: "xh_court01"}
			clients := map[string]*client{}
			as := func(user string) *client {
				if clients[user] == nil {
					clients[user] = e.login(user)
				}
				return clients[user]
			}
			page, err := e.db.ListCases(ctx, store.CaseQuery{Scope: store.Scope{All: true}, Limit: 500})
			if err != nil {
				t.Fatal(err)
			}
			if page.Total > 500 {
				t.Fatalf("%d cases: more than one page", page.Total)
			}
			pages, xh := 0, 0
			// Rendering is the slow part: PostgreSQL renders every third case (the showcase cases all).
			step := map[string]int{"sqlite": 1}[eng.Name]
			if step == 0 {
				step = 3
			}
			for i, c := range page.Cases {
				committee := byID[c.CommitteeID]
				if i%step != 0 && c.CreatedBy == 0 {
					continue
				}
				viewers, other := []string{"committee01", "justice01"}, "xh_committee01"
				if committee.Code == demo.CodeXHCommittee {
					viewers, other = []string{"xh_committee01", "xh_justice01"}, "committee01"
					xh++
				}
				if u, ok := roomLead[byID[c.RoomID].Code]; ok {
					viewers = append(viewers, u)
				}
				if c.PresidingID != 0 {
					u, err := e.db.GetUser(ctx, c.PresidingID)
					if err != nil {
						t.Fatal(err)
					}
					viewers = append(viewers, u.Username)
				}
				if u, ok := diverter[byID[c.DivertedByOrgID].Code]; ok {
					viewers = append(viewers, u)
				}
				path := fmt.Sprintf("/cases/%d", c.ID)
				for _, u := range viewers {
					r := as(u).get(path)
					pages++
					if r.StatusCode != 200 || !strings.Contains(r.body, c.Number) || !strings.Contains(r.body, "</html>") {
						t.Errorf("%s (%s) as %s: %d\n%.300s", c.Number, c.Status, u, r.StatusCode, r.body)
					}
				}
				if r := as(other).get(path); r.StatusCode != 404 {
					t.Errorf("%s as %s of the other district: %d, want 404", c.Number, other, r.StatusCode)
				}
			}
			if xh == 0 {
				t.Fatal("no Xuhui case in the demo")
			}
			t.Logf("%s: %d cases (%d in Xuhui), %d pages rendered", eng.Name, len(page.Cases), xh, pages)

			// The archived showcase cases serve their sealed agreement, and its hash verifies.
			verified := 0
			for _, c := range page.Cases {
				if _, sha, err := e.db.GetAgreementDocument(ctx, c.ID); err != nil || c.Status != "archived" {
					continue
				} else {
					committee := map[bool]string{true: "xh_committee01", false: "committee01"}[byID[c.CommitteeID].Code == demo.CodeXHCommittee]
					r := as(committee).get(fmt.Sprintf("/cases/%d/agreement.pdf", c.ID))
					sum := sha256.Sum256([]byte(r.body))
					if r.StatusCode != 200 || hex.EncodeToString(sum[:]) != sha {
						t.Errorf("agreement PDF of %s: %d, hash %x, stored %s", c.Number, r.StatusCode, sum, sha)
					}
					v := e.anon().get("/api/v1/agreements/verify?sha256=" + sha)
					if v.StatusCode != 200 || !strings.Contains(v.body, c.Number) {
						t.Errorf("verify %s: %d %s", c.Number, v.StatusCode, v.body)
					}
					verified++
				}
			}
			if verified < 2 {
				t.Errorf("%d archived cases with a sealed agreement, want one per district", verified)
			}
		})
	}
}
