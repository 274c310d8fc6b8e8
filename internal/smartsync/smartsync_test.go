package smartsync_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/tiaojie/tiaojie/internal/auth"
	"github.com/tiaojie/tiaojie/internal/demo"
	"github.com/tiaojie/tiaojie/internal/domain"
	"github.com/tiaojie/tiaojie/internal/jobs"
	"github.com/tiaojie/tiaojie/internal/pii"
	"github.com/tiaojie/tiaojie/internal/platform"
	"github.com/tiaojie/tiaojie/internal/smartmediation"
	"github.com/tiaojie/tiaojie/internal/smartmediation/peer"
	"github.com/tiaojie/tiaojie/internal/smartsync"
	"github.com/tiaojie/tiaojie/internal/store"
	"github.com/tiaojie/tiaojie/internal/store/sqlstore"
	"github.com/tiaojie/tiaojie/internal/store/storetest"
)

const key = "peer-key"

type fixture struct {
	t    *testing.T
	db   *sqlstore.DB
	svc  *platform.Services
	peer *peer.Server
}

func setup(t *testing.T, e storetest.Engine) *fixture {
	t.Helper()
	ctx := context.Background()
	sealer, _ := pii.NewSealer(bytes.Repeat([]byte{3}, 32))
	db := e.FromTemplate(t, "smartsync", func(db *sqlstore.DB) error {
		_, err := demo.Build(ctx, db, sealer, demo.Options{Seed: 11, Cases: 40, Password: "x", Now: time.Now()})
		return err
	})
	p := peer.New(peer.Options{APIKey: key, StrictReferences: true})
	ts := httptest.NewServer(p)
	t.Cleanup(ts.Close)
	svc, err := platform.New(platform.Config{Store: db, Sealer: sealer, Log: slog.New(slog.NewTextHandler(io.Discard, nil)),
		SmartMediation: smartsync.Config{URL: ts.URL, APIKey: key},
		Jobs:           jobs.Config{Poll: 50 * time.Millisecond, MaxAttempts: 4, Backoff: func(int) time.Duration { return 20 * time.Millisecond }}})
	if err != nil {
		t.Fatal(err)
	}
	if err := svc.Start(ctx); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		svc.Shutdown(ctx)
	})
	return &fixture{t: t, db: db, svc: svc, peer: p}
}

// received returns n cases still waiting for the acceptance decision.
func (f *fixture) received(n int) []store.Case {
	f.t.Helper()
	page, err := f.db.ListCases(context.Background(), store.CaseQuery{Scope: store.Scope{All: true}, Statuses: []domain.Status{domain.StatusReceived}, Limit: n})
	if err != nil || len(page.Cases) < n {
		f.t.Fatalf("received cases: %d %v", len(page.Cases), err)
	}
	return page.Cases
}

// accept accepts a case through the store, as every acceptance path does.
func (f *fixture) accept(c store.Case) {
	f.t.Helper()
	now := time.Now()
	if _, err := f.db.ApplyEvent(context.Background(), c.ID, c.Version, store.CaseChange{Status: domain.StatusAccepted, AcceptedAt: &now},
		store.Event{Type: string(domain.ActionAccept), FromStatus: domain.StatusReceived, ToStatus: domain.StatusAccepted, At: now, ActorName: "测试"}); err != nil {
		f.t.Fatal(err)
	}
}

func (f *fixture) waitState(id int64, state string) store.SmartSync {
	f.t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		r, err := f.db.GetSmartSync(context.Background(), id)
		if err == nil && r.State == state {
			return r
		}
		if time.Now().After(deadline) {
			f.t.Fatalf("case %d: sync state %q (%v), want %q", id, r.State, err, state)
		}
		time.Sleep(30 * time.Millisecond)
	}
}

// waitSweep waits until the queue's start-up run of the named periodic
// sweep has completed.
func (f *fixture) waitSweep(name string) {
	f.t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		var n int
		err := f.db.Reader().QueryRowContext(context.Background(), `SELECT COUNT(*) FROM river_job
			WHERE kind = 'sweep' AND state = 'completed' AND args->>'name' = $1`, name).Scan(&n)
		if err == nil && n > 0 {
			return
		}
		if time.Now().After(deadline) {
			f.t.Fatalf("sweep %s not run at start (%v)", name, err)
		}
		time.Sleep(30 * time.Millisecond)
	}
}

func TestSyncThroughTheQueue(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			ctx := context.Background()
			f := setup(t, e)
			cs := f.received(4)

			// Accepting a case queues it in the same transaction; the worker
			// sends the committee, room, mediators and the case; the
			// platform's id lands on the case.
			f.accept(cs[0])
			r := f.waitState(cs[0].ID, store.SmartSynced)
			held, ok := f.peer.Case(r.CaseCode)
			if !ok || held.PlatformID != r.PlatformID || r.PlatformID == "" || f.peer.Writes(r.CaseCode) != 1 {
				t.Fatalf("peer holds %+v (ok %v), we recorded %+v, writes %d", held, ok, r, f.peer.Writes(r.CaseCode))
			}
			if c, _ := f.db.GetCase(ctx, cs[0].ID); c.PlatformID != r.PlatformID {
				t.Fatalf("platform id on the case %q, want %q", c.PlatformID, r.PlatformID)
			}
			if held.Record.AcceptedDate == "" || held.Record.DocketNumber != cs[0].Number {
				t.Fatalf("record sent: %+v", held.Record)
			}

			// The platform is down for a while: the row shows 重试中, then the
			// case arrives once.
			f.peer.FailNext(2)
			f.accept(cs[1])
			r1 := f.waitState(cs[1].ID, store.SmartSynced)
			if r1.Attempts < 2 || f.peer.Writes(r1.CaseCode) != 1 {
				t.Fatalf("after an outage: attempts %d, writes %d", r1.Attempts, f.peer.Writes(r1.CaseCode))
			}

			// The platform stores the case but the answer is lost: the retry
			// gets the same platform id and the case is held once.
			f.peer.AcceptThenFail(1)
			f.accept(cs[2])
			r2 := f.waitState(cs[2].ID, store.SmartSynced)
			held2, _ := f.peer.Case(r2.CaseCode)
			if held2.PlatformID != r2.PlatformID {
				t.Fatalf("lost answer: platform %q, ours %q", held2.PlatformID, r2.PlatformID)
			}

			// A refusal on validation is not retried; it says why.
			cmt3, err := f.db.GetOrgUnit(ctx, cs[3].CommitteeID)
			if err != nil {
				t.Fatal(err)
			}
			code3 := smartmediation.CaseCode(cmt3.Code, cs[3].Year, cs[3].Seq)
			f.peer.RejectCase(code3, smartmediation.FieldError{Field: "summary", Message: "纠纷简要情况过短"})
			f.accept(cs[3])
			r3 := f.waitState(cs[3].ID, store.SmartRejected)
			if r3.LastError == "" || f.peer.Writes(code3) != 0 {
				t.Fatalf("rejected: %+v, writes %d", r3, f.peer.Writes(code3))
			}

			// Nightly reconciliation against the same platform: no difference.
			// The queue runs one at start; it must be over before the reports
			// below are read as the newest (under load it ran after them).
			f.waitSweep("smart-mediation-reconcile")
			cmt, err := f.db.GetOrgUnit(ctx, cs[0].CommitteeID)
			if err != nil {
				t.Fatal(err)
			}
			if n, err := f.svc.Sync.Reconcile(ctx, cmt); err != nil || n != 0 {
				t.Fatalf("reconcile: %d mismatches, %v", n, err)
			}
			// Against an empty platform every synced case is missing there.
			empty := httptest.NewServer(peer.New(peer.Options{APIKey: key}))
			defer empty.Close()
			other := *f.svc.Sync
			other.Link.URL = empty.URL
			synced, _ := f.db.SyncedCases(ctx, cmt.ID)
			if n, err := other.Reconcile(ctx, cmt); err != nil || n != len(synced) || n == 0 {
				t.Fatalf("reconcile with an empty platform: %d mismatches, want %d (%v)", n, len(synced), err)
			}
			rep, _ := f.db.LatestReconciliation(ctx, cmt.ID)
			var mm []smartmediation.Mismatch
			json.Unmarshal([]byte(rep.Mismatches), &mm)
			if len(mm) == 0 || mm[0].Kind != smartmediation.MissingOnPlatform {
				t.Fatalf("report %+v", rep)
			}
		})
	}
}

// A backfill sends every accepted case of the committee once; the sync
// page's scope and the XLSX fallback hold the same cases.
func TestBackfillAndExport(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			ctx := context.Background()
			f := setup(t, e)
			cmt, err := f.db.GetOrgUnitByCode(ctx, "pd-cmt")
			if err != nil {
				t.Fatal(err)
			}
			want, err := f.db.UnsyncedCases(ctx, cmt.ID, 0, 10000)
			if err != nil || len(want) == 0 {
				t.Fatalf("unsynced: %d %v", len(want), err)
			}
			committee := &auth.Principal{UserID: 1, Bindings: []store.Binding{{Role: domain.RoleCommittee, OrgID: cmt.ID, OrgPath: cmt.Path}}}
			if err := f.svc.Sync.StartBackfill(ctx, committee, cmt.ID); err != nil {
				t.Fatal(err)
			}
			deadline := time.Now().Add(60 * time.Second)
			for {
				counts, err := f.db.SmartSyncCounts(ctx, []int64{cmt.ID})
				if err != nil {
					t.Fatal(err)
				}
				done := 0
				for _, n := range counts {
					done += n
				}
				if done == len(want) {
					if counts[store.SmartRetrying] != 0 || counts[store.SmartFailed] != 0 {
						t.Fatalf("counts %v", counts)
					}
					if f.peer.Count().Cases != counts[store.SmartSynced] {
						t.Fatalf("peer holds %d cases, %d synced", f.peer.Count().Cases, counts[store.SmartSynced])
					}
					break
				}
				if time.Now().After(deadline) {
					t.Fatalf("backfill: %v of %d", counts, len(want))
				}
				time.Sleep(50 * time.Millisecond)
			}
			// Someone of another district may not start it.
			xh, _ := f.db.GetOrgUnitByCode(ctx, "xh-cmt")
			other := &auth.Principal{UserID: 2, Bindings: []store.Binding{{Role: domain.RoleCommittee, OrgID: xh.ID, OrgPath: xh.Path}}}
			if err := f.svc.Sync.StartBackfill(ctx, other, cmt.ID); err == nil {
				t.Fatal("another district's committee started the backfill")
			}

			var buf bytes.Buffer
			to := time.Now().AddDate(0, 0, 1)
			if _, _, err := f.svc.Sync.Export(ctx, committee, time.Now().AddDate(-3, 0, 0), to, &buf); err == nil {
				t.Fatal("a three-year export was accepted")
			}
			n, skipped, err := f.svc.Sync.Export(ctx, committee, time.Now().AddDate(-1, 0, 1), to, &buf)
			if err != nil {
				t.Fatal(err)
			}
			x, err := excelize.OpenReader(bytes.NewReader(buf.Bytes()))
			if err != nil {
				t.Fatal(err)
			}
			rows, err := x.GetRows("案件")
			if err != nil {
				t.Fatal(err)
			}
			if len(rows)-1 != n || n == 0 {
				t.Fatalf("export: %d data rows, %d cases, skipped %v", len(rows)-1, n, skipped)
			}
		})
	}
}
