package server_test

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/tiaojie/tiaojie/internal/court"
	"github.com/tiaojie/tiaojie/internal/court/courttest"
	"github.com/tiaojie/tiaojie/internal/demo"
	"github.com/tiaojie/tiaojie/internal/jobs"
	"github.com/tiaojie/tiaojie/internal/platform"
	"github.com/tiaojie/tiaojie/internal/store"
	"github.com/tiaojie/tiaojie/internal/store/storetest"
)

// waitJudicial polls the case's application until done says so (ja is nil
// when the case has none) and answers it.
func waitJudicial(t *testing.T, e *env, id int64, what string, done func(ja *store.JudicialApplication) bool) store.JudicialApplication {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		ja, err := e.db.GetJudicialApplication(context.Background(), id)
		var p *store.JudicialApplication
		if err == nil {
			p = &ja
		} else if !errors.Is(err, store.ErrNotFound) {
			t.Fatal(err)
		}
		if done(p) {
			return ja
		}
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for the application to be %s: %+v", what, p)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func delivered(ja *store.JudicialApplication) bool { return ja != nil && ja.Status == "submitted" }

// countEvents counts the case's events of each type.
func countEvents(t *testing.T, e *env, id int64) map[string]int {
	t.Helper()
	evs, err := e.db.ListEvents(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	n := map[string]int{}
	for _, ev := range evs {
		n[ev.Type]++
	}
	return n
}

// courtJobs counts the court-submit jobs in the queue, whatever their state.
func courtJobs(t *testing.T, e *env) int {
	t.Helper()
	var n int
	if err := e.db.Writer().QueryRowContext(context.Background(), `SELECT count(*) FROM river_job WHERE kind = 'court_submit'`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// forEachCourtEngine runs fn on both engines with a court system peer
// plugged in before the queue starts, and the queue tuned by jc.
func forEachCourtEngine(t *testing.T, jc jobs.Config, adjust func(*platform.Services), fn func(t *testing.T, e *env, peer *courttest.Server)) {
	for _, eng := range storetest.Engines(t) {
		t.Run(eng.Name, func(t *testing.T) {
			t.Parallel()
			peer := courttest.New("court-key")
			e := newEnvJobs(t, eng, jc, func(s *platform.Services) {
				s.Agreement.Court = &court.Client{BaseURL: peer.URL, APIKey: "court-key"}
				if adjust != nil {
					adjust(s)
				}
			})
			t.Cleanup(peer.Close) // before the queue drains: held submissions give up
			fn(t, e, peer)
		})
	}
}

// A court system that takes its time holds nobody: the request answers at
// once, saying the application is queued, and the receipt lands when the
// court system answers.
func TestCourtSubmitDoesNotWait(t *testing.T) {
	forEachCourtEngine(t, jobs.Config{Poll: 100 * time.Millisecond}, nil, func(t *testing.T, e *env, peer *courttest.Server) {
		m, id := effectiveWrittenAgreement(t, e)
		peer.Hold()
		answered := make(chan resp, 1)
		go func() {
			answered <- m.form("POST", "/cases/"+itoa(id)+"/judicial", url.Values{"court": {itoa(orgID(t, e, demo.CodeCourt))}, "joint": {"yes"}})
		}()
		var r resp
		select {
		case r = <-answered:
		case <-time.After(10 * time.Second):
			peer.Release()
			t.Fatal("the request waited on the court system")
		}
		if r.StatusCode != http.StatusSeeOther {
			t.Fatalf("apply: %d %s", r.StatusCode, r.body)
		}
		page := m.get("/cases/" + itoa(id))
		if !strings.Contains(page.body, "已排队提交法院") || strings.Contains(page.body, "回执号") {
			t.Fatal("the case page does not say the application is queued")
		}
		// The job is at the court system, which has not answered.
		for deadline := time.Now().Add(15 * time.Second); peer.Waiting() == 0; time.Sleep(20 * time.Millisecond) {
			if time.Now().After(deadline) {
				t.Fatal("the job never reached the court system")
			}
		}
		if ja, _ := e.db.GetJudicialApplication(context.Background(), id); ja.Status != "sending" || ja.Receipt != "" || len(ja.IdempotencyKey) != 36 {
			t.Fatalf("while the court system holds it: %+v", ja)
		}
		peer.Release()
		ja := waitJudicial(t, e, id, "delivered", delivered)
		got := peer.Received()
		if len(got) != 1 || ja.Receipt != got[0].Receipt || got[0].Key != ja.IdempotencyKey {
			t.Fatalf("court holds %d submissions; receipt %q, key %q", len(got), ja.Receipt, ja.IdempotencyKey)
		}
		if page := m.get("/cases/" + itoa(id)); !strings.Contains(page.body, "已提交，回执号"+ja.Receipt) {
			t.Fatal("the case page does not show the receipt")
		}
		if n := countEvents(t, e, id); n["judicial_applied"] != 1 || n["judicial_sent"] != 1 {
			t.Fatalf("timeline: %v", n)
		}
	})
}

// The court system is down: the application waits, retried with the same
// key, the case page says why, and once the court system is back it is
// delivered once.
func TestCourtDownRetriesThenDelivers(t *testing.T) {
	forEachCourtEngine(t, jobs.Config{Poll: 100 * time.Millisecond, Backoff: func(int) time.Duration { return 300 * time.Millisecond }},
		nil, func(t *testing.T, e *env, peer *courttest.Server) {
			m, id := effectiveWrittenAgreement(t, e)
			peer.Down(http.StatusServiceUnavailable)
			r := m.json("POST", "/api/v1/cases/"+itoa(id)+"/judicial", map[string]any{"court": orgID(t, e, demo.CodeCourt), "joint": true}, nil)
			if r.StatusCode != http.StatusCreated || !strings.Contains(r.body, `"delivery":"queued"`) || !strings.Contains(r.body, "已排队提交法院") {
				t.Fatalf("apply while the court system is down: %d %s", r.StatusCode, r.body)
			}
			ja := waitJudicial(t, e, id, "retrying", func(ja *store.JudicialApplication) bool { return ja != nil && ja.Attempts >= 1 })
			if ja.Status != "sending" || !strings.Contains(ja.LastError, "HTTP 503") || ja.LastAttemptAt == nil {
				t.Fatalf("after a failed attempt: %+v", ja)
			}
			if page := m.get("/cases/" + itoa(id)); !strings.Contains(page.body, "重试中（法院系统暂时无法受理：系统维护中，HTTP 503）") {
				t.Fatal("the case page does not say it is retrying, and why")
			}
			if r := m.json("GET", "/api/v1/cases/"+itoa(id)+"/agreement", nil, nil); !strings.Contains(r.body, `"delivery":"retrying"`) {
				t.Fatalf("API delivery state: %s", r.body)
			}
			peer.Down(0)
			ja = waitJudicial(t, e, id, "delivered", delivered)
			got := peer.Received()
			if len(got) != 1 || got[0].Receipt != ja.Receipt || got[0].Key != ja.IdempotencyKey || peer.Posts() < 2 {
				t.Fatalf("court holds %d submissions of %d posts; receipt %q", len(got), peer.Posts(), ja.Receipt)
			}
			if n := countEvents(t, e, id); n["judicial_sent"] != 1 || n["judicial_send_failed"] != 0 {
				t.Fatalf("timeline: %v", n)
			}
		})
}

// After its last attempt the application waits for a person: the mediator
// and the court liaison see it and send it again, under the same key.
func TestCourtDeliveryGivesUpThenResubmitted(t *testing.T) {
	jc := jobs.Config{Poll: 100 * time.Millisecond, MaxAttempts: 2, Backoff: func(int) time.Duration { return 50 * time.Millisecond }}
	forEachCourtEngine(t, jc, nil, func(t *testing.T, e *env, peer *courttest.Server) {
		ctx := context.Background()
		m, id := effectiveWrittenAgreement(t, e)
		peer.Down(http.StatusBadGateway)
		if r := m.form("POST", "/cases/"+itoa(id)+"/judicial", url.Values{"court": {itoa(orgID(t, e, demo.CodeCourt))}, "joint": {"yes"}}); r.StatusCode != 303 {
			t.Fatalf("apply: %d", r.StatusCode)
		}
		failed := func(ja *store.JudicialApplication) bool { return ja != nil && ja.Status == "failed" }
		first := waitJudicial(t, e, id, "failed", failed)
		if first.Attempts != 2 || !strings.Contains(first.LastError, "502") {
			t.Fatalf("given up: %+v", first)
		}
		page := m.get("/cases/" + itoa(id))
		if !strings.Contains(page.body, "未能送达法院系统") || !strings.Contains(page.body, `id="resubmit-judicial"`) {
			t.Fatal("the case page does not offer to send it again")
		}
		if n := countEvents(t, e, id); n["judicial_send_failed"] != 1 {
			t.Fatalf("timeline: %v", n)
		}
		// The dead job is on the admin's failed-jobs list too.
		svcJobs := func() int {
			var n int
			e.db.Writer().QueryRowContext(ctx, `SELECT count(*) FROM river_job WHERE kind = 'court_submit' AND state = 'discarded'`).Scan(&n)
			return n
		}
		for deadline := time.Now().Add(10 * time.Second); svcJobs() != 1; time.Sleep(20 * time.Millisecond) {
			if time.Now().After(deadline) {
				t.Fatal("the given-up job is not discarded")
			}
		}

		// The court liaison sends it again; the court system is still down.
		cl := e.login("court01")
		if q := cl.get("/court"); !strings.Contains(q.body, `id="resubmit-`+itoa(id)+`"`) {
			t.Fatal("the court liaison is not offered to send it again")
		}
		if r := e.login("xh_mediator01").form("POST", "/cases/"+itoa(id)+"/judicial/resubmit", nil); r.StatusCode != 404 {
			t.Fatalf("another district resubmits: %d", r.StatusCode)
		}
		if r := cl.form("POST", "/court/"+itoa(id)+"/resubmit", nil); r.StatusCode != 303 {
			t.Fatalf("liaison resubmits: %d %s", r.StatusCode, r.body)
		}
		second := waitJudicial(t, e, id, "failed again", func(ja *store.JudicialApplication) bool { return failed(ja) && ja.Attempts == 4 })
		if second.IdempotencyKey != first.IdempotencyKey {
			t.Fatal("resubmitted under a new key")
		}

		// The mediator sends it again through the API once it is back.
		peer.Down(0)
		r := m.json("POST", "/api/v1/cases/"+itoa(id)+"/judicial/resubmit", nil, nil)
		if r.StatusCode != 200 || !strings.Contains(r.body, `"case_id":`+itoa(id)) {
			t.Fatalf("resubmit: %d %s", r.StatusCode, r.body)
		}
		if r := m.json("POST", "/api/v1/cases/"+itoa(id)+"/judicial/resubmit", nil, nil); r.StatusCode != 422 {
			t.Fatalf("resubmitted twice: %d %s", r.StatusCode, r.body)
		}
		ja := waitJudicial(t, e, id, "delivered", delivered)
		got := peer.Received()
		if len(got) != 1 || got[0].Key != first.IdempotencyKey || got[0].Receipt != ja.Receipt {
			t.Fatalf("court holds %d submissions; receipt %q", len(got), ja.Receipt)
		}
		if n := countEvents(t, e, id); n["judicial_resubmitted"] != 2 || n["judicial_sent"] != 1 || n["judicial_applied"] != 1 {
			t.Fatalf("timeline: %v", n)
		}
		if c := courtJobs(t, e); c != 3 {
			t.Fatalf("%d court jobs, want the first and one per resubmission", c)
		}
	})
}

// crashOnReceipt fails the transaction that records the court's receipt
// the first time, after the court system took the application: as if the
// process died between the court's answer and the job's completion.
type crashOnReceipt struct {
	store.Store
	crashed *atomic.Bool
}

func (c crashOnReceipt) InTx(ctx context.Context, fn func(tx store.Store) error) error {
	return c.Store.InTx(ctx, func(tx store.Store) error { return fn(crashOnReceipt{Store: tx, crashed: c.crashed}) })
}

func (c crashOnReceipt) MarkJudicialSent(ctx context.Context, caseID int64, key, receipt string) error {
	if err := c.Store.MarkJudicialSent(ctx, caseID, key, receipt); err != nil {
		return err
	}
	if c.crashed.CompareAndSwap(false, true) {
		return errors.New("simulated crash before the job completed")
	}
	return nil
}

// The worker dies after the court system took the application and before
// the receipt is committed: the job runs again, the court system answers
// the same key with the same receipt, and both sides hold it once.
func TestCourtCrashAfterAccepted(t *testing.T) {
	jc := jobs.Config{Poll: 100 * time.Millisecond, Backoff: func(int) time.Duration { return 50 * time.Millisecond }}
	forEachCourtEngine(t, jc, func(s *platform.Services) {
		s.Agreement.Store = crashOnReceipt{Store: s.Agreement.Store, crashed: new(atomic.Bool)}
	}, func(t *testing.T, e *env, peer *courttest.Server) {
		m, id := effectiveWrittenAgreement(t, e)
		if r := m.form("POST", "/cases/"+itoa(id)+"/judicial", url.Values{"court": {itoa(orgID(t, e, demo.CodeCourt))}, "joint": {"yes"}}); r.StatusCode != 303 {
			t.Fatalf("apply: %d", r.StatusCode)
		}
		ja := waitJudicial(t, e, id, "delivered", delivered)
		if !e.agr.Store.(crashOnReceipt).crashed.Load() {
			t.Fatal("the simulated crash never happened")
		}
		got := peer.Received()
		if peer.Posts() != 2 || len(got) != 1 || got[0].Receipt != ja.Receipt {
			t.Fatalf("court: %d posts, %d submissions; receipt %q", peer.Posts(), len(got), ja.Receipt)
		}
		if n := countEvents(t, e, id); n["judicial_sent"] != 1 {
			t.Fatalf("receipt recorded %d times", n["judicial_sent"])
		}
		if ja.Attempts != 0 {
			t.Fatalf("a crash counted as a failed delivery: %+v", ja)
		}
	})
}

// Two runs of the court-outcome sweep at once (two instances, or a run
// that outlived its interval) record the court's ruling once.
func TestJudicialSyncConcurrent(t *testing.T) {
	forEachCourtEngine(t, jobs.Config{Poll: 100 * time.Millisecond}, nil, func(t *testing.T, e *env, peer *courttest.Server) {
		ctx := context.Background()
		m, id := effectiveWrittenAgreement(t, e)
		if r := m.form("POST", "/cases/"+itoa(id)+"/judicial", url.Values{"court": {itoa(orgID(t, e, demo.CodeCourt))}, "joint": {"yes"}}); r.StatusCode != 303 {
			t.Fatalf("apply: %d", r.StatusCode)
		}
		ja := waitJudicial(t, e, id, "delivered", delivered)
		// Straight to confirmed: each run would record acceptance, then confirmation.
		peer.Decide(ja.Receipt, "confirmed", "（2026）沪0115民特77号", "")
		var wg sync.WaitGroup
		var moved atomic.Int32
		errs := make(chan error, 4)
		for range 4 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				n, err := e.agr.SyncJudicial(ctx)
				moved.Add(int32(n))
				errs <- err
			}()
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			if err != nil {
				t.Errorf("sweep: %v", err)
			}
		}
		n := countEvents(t, e, id)
		if n["judicial_accepted"] != 1 || n["judicial_confirmed"] != 1 || moved.Load() < 1 {
			t.Fatalf("four sweeps at once recorded %d acceptances, %d confirmations (moved %d)", n["judicial_accepted"], n["judicial_confirmed"], moved.Load())
		}
		if got, _ := e.db.GetJudicialApplication(ctx, id); got.Status != "confirmed" || got.RulingNumber != "（2026）沪0115民特77号" {
			t.Fatalf("after the sweeps: %+v", got)
		}
	})
}
