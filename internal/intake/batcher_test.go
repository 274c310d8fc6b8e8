package intake_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/tiaojie/tiaojie/internal/audit"
	"github.com/tiaojie/tiaojie/internal/auth"
	"github.com/tiaojie/tiaojie/internal/intake"
	"github.com/tiaojie/tiaojie/internal/store"
	"github.com/tiaojie/tiaojie/internal/store/storetest"
)

// batchComplaint is the i-th of a set of distinct valid complaints.
func batchComplaint(i int) intake.Complaint {
	in := validComplaint()
	in.Phone = fmt.Sprintf("138123456%02d", i)
	in.ComplainantName = fmt.Sprintf("投诉人%02d", i)
	in.Description = fmt.Sprintf("第%02d件：购买的冰箱三天后不制冷，商家拒绝退换。", i)
	return in
}

// callerCtx is the request context of caller i: its own audit actor.
func callerCtx(i int) context.Context {
	return audit.With(context.Background(), audit.Actor{Kind: "user", ID: int64(100 + i), Name: fmt.Sprintf("caller%02d", i), RequestID: fmt.Sprintf("req-%d", i)})
}

type outcome struct {
	c       store.Case
	created bool
	err     error
}

// registerAll registers ins concurrently through b, caller i with callerCtx(i)
// (or ctxs[i] when given), and returns each caller's answer.
func registerAll(b *intake.Batcher, p *auth.Principal, ins []intake.Complaint, ctxs []context.Context) []outcome {
	out := make([]outcome, len(ins))
	var wg sync.WaitGroup
	for i, in := range ins {
		ctx := callerCtx(i)
		if ctxs != nil && ctxs[i] != nil {
			ctx = ctxs[i]
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			c, created, err := b.Register(ctx, p, in, "")
			out[i] = outcome{c, created, err}
		}()
	}
	wg.Wait()
	return out
}

// caseShape is what one registration leaves, without ids and numbers.
type caseShape struct {
	Consumer, Description, Channel, Status string
	Events                                 []string // type, status, actor, note
	Audit                                  []string // action, actor, request
}

func shapeOf(t *testing.T, w *world, c store.Case) caseShape {
	t.Helper()
	s := caseShape{Consumer: c.ConsumerName, Description: c.Description, Channel: string(c.Channel), Status: string(c.Status)}
	evs, err := w.db.ListEvents(w.ctx(), c.ID)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range evs {
		s.Events = append(s.Events, fmt.Sprintf("%d %s %s %s %s", e.Seq, e.Type, e.ToStatus, e.ActorName, e.Note))
	}
	es, err := w.db.ListAudit(w.ctx(), store.AuditQuery{Scope: store.Scope{All: true}, Object: fmt.Sprintf("case:%d", c.ID)})
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range es {
		s.Audit = append(s.Audit, fmt.Sprintf("%s by %s/%d %s", e.Action, e.Actor.Name, e.Actor.ID, e.Actor.RequestID))
	}
	return s
}

// TestBatcherConcurrent: N concurrent registrations through the batcher
// give N cases with consecutive numbers, each with its own first event and
// its own audit entry by its own caller, the same as N registrations one by
// one give; the audit chain verifies.
func TestBatcherConcurrent(t *testing.T) {
	const n = 24
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			w := newWorld(t, e)
			b := &intake.Batcher{Service: w.svc, Max: 10, Window: 100 * time.Millisecond}
			ins := make([]intake.Complaint, n)
			for i := range ins {
				ins[i] = batchComplaint(i)
			}
			out := registerAll(b, w.committee, ins, nil)
			var seqs []int64
			got := map[string]caseShape{}
			for i, o := range out {
				if o.err != nil || !o.created {
					t.Fatalf("caller %d: created=%v err=%v", i, o.created, o.err)
				}
				seqs = append(seqs, o.c.Seq)
				if o.c.Number != fmt.Sprintf("（2026）浦消调字第%05d号", o.c.Seq) {
					t.Fatalf("number %q for seq %d", o.c.Number, o.c.Seq)
				}
				got[o.c.ConsumerName] = shapeOf(t, w, o.c)
			}
			slices.Sort(seqs)
			for i, s := range seqs {
				if s != int64(i+1) {
					t.Fatalf("numbers not consecutive from 1: %v", seqs)
				}
			}
			batches, complaints := b.Stats()
			if complaints != n || batches >= n || batches < (n+9)/10 {
				t.Fatalf("%d complaints in %d batches: want fewer transactions than complaints, at most 10 each", complaints, batches)
			}
			if _, err := audit.VerifyChain(w.ctx(), w.db); err != nil {
				t.Fatalf("audit chain: %v", err)
			}

			// The same complaints one by one, each in a transaction of its own.
			seq := newWorld(t, e)
			for i, in := range ins {
				c, created, err := seq.svc.Register(callerCtx(i), seq.committee, in, "")
				if err != nil || !created {
					t.Fatalf("sequential %d: %v", i, err)
				}
				want := shapeOf(t, seq, c)
				if g := got[c.ConsumerName]; fmt.Sprint(g) != fmt.Sprint(want) {
					t.Fatalf("caller %d:\nbatched    %+v\none by one %+v", i, g, want)
				}
				if len(want.Events) != 1 || len(want.Audit) != 1 {
					t.Fatalf("one by one left %+v", want)
				}
			}
		})
	}
}

// TestBatcherBadOneFailsAlone: in a batch, a complaint with a bad field is
// refused to its own caller before the transaction, and one that fails in
// the database (a 12315 number already registered) is undone alone; the
// others are written with consecutive numbers, no gap where the failed one
// drew its number.
func TestBatcherBadOneFailsAlone(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			w := newWorld(t, e)
			first := batchComplaint(99)
			first.ExternalID = "1231520260001"
			mustRegister(t, w, w.committee, first, "")
			// A long window: every caller joins the one batch even on a loaded machine.
			b := &intake.Batcher{Service: w.svc, Window: 1500 * time.Millisecond}
			ins := make([]intake.Complaint, 8)
			for i := range ins {
				ins[i] = batchComplaint(i)
			}
			ins[2].Phone = "12345"              // refused before the batch
			ins[5].ExternalID = "1231520260001" // refused by the database, inside the batch
			out := registerAll(b, w.committee, ins, nil)
			var seqs []int64
			for i, o := range out {
				switch i {
				case 2:
					if v := asValidation(t, o.err); v.Fields[0].Field != "phone" {
						t.Fatalf("bad phone: %v", o.err)
					}
				case 5:
					var dup *intake.ErrDuplicate
					if !errors.As(o.err, &dup) || dup.Number != "（2026）浦消调字第00001号" {
						t.Fatalf("duplicate 12315 number: %T %v", o.err, o.err)
					}
				default:
					if o.err != nil || !o.created {
						t.Fatalf("good complaint %d failed with the bad ones: %v", i, o.err)
					}
					seqs = append(seqs, o.c.Seq)
				}
			}
			slices.Sort(seqs)
			if fmt.Sprint(seqs) != "[2 3 4 5 6 7]" {
				t.Fatalf("numbers of the good complaints: %v", seqs)
			}
			if got := countCases(t, w); got != 7 {
				t.Fatalf("%d cases, want 7", got)
			}
			if batches, complaints := b.Stats(); batches != 1 || complaints != 7 {
				t.Fatalf("%d batches of %d complaints: want one of 7", batches, complaints)
			}
			es, err := w.db.ListAudit(w.ctx(), store.AuditQuery{Scope: store.Scope{All: true}, Object: "case:"})
			if err != nil || len(es) != 7 {
				t.Fatalf("audit entries about cases: %d %v", len(es), err)
			}
			if _, err := audit.VerifyChain(w.ctx(), w.db); err != nil {
				t.Fatalf("audit chain: %v", err)
			}
		})
	}
}

// TestBatcherFailedTransaction: when the shared transaction fails after
// some complaints were written into it, every caller of the batch gets the
// error and nothing of the batch is stored: no case, no event, no audit
// entry, no number used.
func TestBatcherFailedTransaction(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			w := newWorld(t, e)
			const poison = "第03件"
			var armed sync.Mutex
			on := true
			// An event hook (run in the transaction, like the job outbox's)
			// kills the transaction when it sees the fourth complaint.
			w.db.OnEvents(func(ctx context.Context, tx *sql.Tx, evs []store.Event) error {
				armed.Lock()
				defer armed.Unlock()
				if !on {
					return nil
				}
				var desc string
				if err := tx.QueryRowContext(ctx, `SELECT description FROM cases WHERE id = $1`, evs[0].CaseID).Scan(&desc); err != nil {
					return err
				}
				if len(desc) >= len(poison) && desc[:len(poison)] == poison {
					return tx.Rollback()
				}
				return nil
			})
			b := &intake.Batcher{Service: w.svc, Window: 1500 * time.Millisecond}
			ins := make([]intake.Complaint, 6)
			for i := range ins {
				ins[i] = batchComplaint(i)
			}
			out := registerAll(b, w.committee, ins, nil)
			if batches, complaints := b.Stats(); batches != 1 || complaints != 6 {
				t.Fatalf("%d batches of %d complaints, want one of 6", batches, complaints)
			}
			for i, o := range out {
				if o.err == nil || o.c.ID != 0 {
					t.Fatalf("caller %d of the failed batch: case %d err %v", i, o.c.ID, o.err)
				}
			}
			if got := countCases(t, w); got != 0 {
				t.Fatalf("%d cases stored from a failed batch", got)
			}
			if es, _ := w.db.ListAudit(w.ctx(), store.AuditQuery{Scope: store.Scope{All: true}, Object: "case:"}); len(es) != 0 {
				t.Fatalf("audit entries from a failed batch: %+v", es)
			}
			armed.Lock()
			on = false
			armed.Unlock()
			// The database and the batcher carry on; the numbers were not used.
			o := registerAll(b, w.committee, ins[:1], nil)[0]
			if o.err != nil || o.c.Seq != 1 {
				t.Fatalf("after the failed batch: seq %d err %v", o.c.Seq, o.err)
			}
			if _, err := audit.VerifyChain(w.ctx(), w.db); err != nil {
				t.Fatalf("audit chain: %v", err)
			}
		})
	}
}

// TestBatcherCancelled: a caller that gives up while its complaint waits
// for its batch is answered at once with its context's error and its
// complaint is left out; the others of the batch are written.
func TestBatcherCancelled(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			w := newWorld(t, e)
			b := &intake.Batcher{Service: w.svc, Window: 400 * time.Millisecond}
			ctx, cancel := context.WithCancel(callerCtx(1))
			ins := []intake.Complaint{batchComplaint(0), batchComplaint(1), batchComplaint(2)}
			go func() { time.Sleep(100 * time.Millisecond); cancel() }()
			start := time.Now()
			out := make([]outcome, 3)
			var wg sync.WaitGroup
			var gaveUp time.Duration
			for i := range ins {
				wg.Add(1)
				go func() {
					defer wg.Done()
					c := callerCtx(i)
					if i == 1 {
						c = ctx
					}
					cs, created, err := b.Register(c, w.committee, ins[i], "")
					out[i] = outcome{cs, created, err}
					if i == 1 {
						gaveUp = time.Since(start)
					}
				}()
			}
			wg.Wait()
			if !errors.Is(out[1].err, context.Canceled) || gaveUp > 350*time.Millisecond {
				t.Fatalf("cancelled caller: %v after %v (the batch waited 400 ms)", out[1].err, gaveUp)
			}
			for _, i := range []int{0, 2} {
				if out[i].err != nil {
					t.Fatalf("caller %d: %v", i, out[i].err)
				}
			}
			if got := countCases(t, w); got != 2 {
				t.Fatalf("%d cases, want 2 (the cancelled one left out)", got)
			}
			if seqs := []int64{out[0].c.Seq, out[2].c.Seq}; !(seqs[0]+seqs[1] == 3) {
				t.Fatalf("numbers %v, want 1 and 2", seqs)
			}
		})
	}
}
