package demo

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/tiaojie/tiaojie/internal/calendar"
	"github.com/tiaojie/tiaojie/internal/dailyreport"
	"github.com/tiaojie/tiaojie/internal/store"
	"github.com/tiaojie/tiaojie/internal/store/storetest"
)

// The demo's month of dailies: every report day of the committee and the
// first rooms has a report drafted from the demo's events, most submitted
// that morning with remarks, a few missing.
func TestDemoDailies(t *testing.T) {
	db := storetest.Engines(t)[0].Open(t, true)
	ctx := context.Background()
	start := time.Now()
	if _, err := Build(ctx, db, testSealer(t), Options{Seed: 7, Cases: 60, Password: "test-pass", Now: testNow}); err != nil {
		t.Fatal(err)
	}
	t.Logf("demo with dailies built in %v", time.Since(start))
	units, err := db.ListOrgUnits(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var ids []int64
	for _, du := range dailyUnits() {
		for _, u := range units {
			if u.Code == du.code {
				ids = append(ids, u.ID)
			}
		}
	}
	today := calendar.DateOf(testNow)
	rows, err := db.ListDailyReports(ctx, ids, today.AddDays(-30).String(), today.String())
	if err != nil {
		t.Fatal(err)
	}
	submitted, late, withRemarks := 0, 0, 0
	for _, r := range rows {
		if r.State != store.DailySubmitted {
			continue
		}
		submitted++
		if strings.TrimSpace(r.Remarks) != "" {
			withRemarks++
		}
		if r.SubmittedAt.In(calendar.Shanghai()).Hour() >= 10 {
			late++
		}
	}
	if len(rows) < 5*18 || submitted < len(rows)*3/4 || submitted == len(rows) || withRemarks != submitted || late == 0 {
		t.Fatalf("%d dailies, %d submitted (%d after 10:00), %d with remarks", len(rows), submitted, late, withRemarks)
	}
	// Their figures are the rollups': the month's cases show up in them.
	var received int64
	for _, r := range rows {
		var rep dailyreport.Figures
		if err := json.Unmarshal([]byte(r.Figures), &rep); err != nil {
			t.Fatal(err)
		}
		received += rep.Counts.Received
	}
	if received == 0 {
		t.Error("a month of dailies without a single complaint received")
	}
}
