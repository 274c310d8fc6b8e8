package main

import (
	"context"
	"net/http/httptest"
	"net/url"
	"testing"
	"time"

	"github.com/tiaojie/tiaojie/internal/smartmediation/peer"
	"github.com/tiaojie/tiaojie/internal/store"
	"github.com/tiaojie/tiaojie/internal/store/storetest"
)

// A backlog drains to the smart-mediation platform while the process is
// killed (kill -9) mid-way; after a restart every accepted case reaches the
// platform exactly once, with the platform's id recorded, and no job is
// left running or waiting.
func TestKillDuringSyncBacklog(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and kills the binary")
	}
	bin := buildBinary(t)
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			ctx := context.Background()
			p := peer.New(peer.Options{APIKey: "k", StrictReferences: true})
			p.SetLatency(10 * time.Millisecond)
			ts := httptest.NewServer(p)
			defer ts.Close()
			env, open := engineEnv(t, e)
			args := []string{"--smart-mediation-url", ts.URL, "--smart-mediation-key", "k", "--job-rescue-after", "3s"}
			a := startInstance(t, bin, env, append([]string{"--demo", "--cases", "400"}, args...)...)
			db := open()
			cm := login(t, a.base, "committee01")
			cid := committeeID(t, cm, a.base)
			var committee int64
			for _, c := range cid {
				committee = committee*10 + int64(c-'0')
			}
			want, err := db.UnsyncedCases(ctx, committee, 0, 100000)
			if err != nil || len(want) < 100 {
				t.Fatalf("backlog %d (%v)", len(want), err)
			}
			postForm(t, cm, a.base+"sync/backfill", url.Values{"committee": {cid}})
			waitFor(t, "the peer to hold some cases", 60*time.Second, func() bool { return p.Count().Cases >= 20 })
			a.kill()
			if held := p.Count().Cases; held >= len(want) {
				t.Fatalf("the backlog (%d) drained before the kill (%d held)", len(want), held)
			}

			b := startInstance(t, bin, env, args...)
			defer b.kill()
			waitFor(t, "every accepted case synced after the restart", 120*time.Second, func() bool {
				left, err := db.UnsyncedCases(ctx, committee, 0, 1)
				return err == nil && len(left) == 0
			})
			waitFor(t, "no job left running or waiting", 60*time.Second, func() bool {
				return countRows(t, db, `SELECT COUNT(*) FROM river_job WHERE kind LIKE 'smart_mediation%' AND state NOT IN ('completed', 'cancelled', 'discarded')`) == 0
			})
			rows, err := db.SyncedCases(ctx, committee)
			if err != nil {
				t.Fatal(err)
			}
			if len(rows) != len(want) || p.Count().Cases != len(want) {
				t.Fatalf("%d synced rows, peer holds %d, backlog was %d", len(rows), p.Count().Cases, len(want))
			}
			for _, r := range rows {
				held, ok := p.Case(r.CaseCode)
				if !ok || held.PlatformID != r.PlatformID || p.Writes(r.CaseCode) != 1 || r.State != store.SmartSynced {
					t.Fatalf("case %s: ours %+v, platform %+v (held %v), writes %d", r.CaseCode, r, held, ok, p.Writes(r.CaseCode))
				}
			}
			if n := countRows(t, db, `SELECT COUNT(*) FROM river_job WHERE state = 'discarded' AND kind LIKE 'smart_mediation%'`); n != 0 {
				t.Fatalf("%d dead sync jobs", n)
			}
		})
	}
}
