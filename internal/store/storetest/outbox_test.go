package storetest

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/tiaojie/tiaojie/internal/store"
	"github.com/tiaojie/tiaojie/internal/store/sqlstore"
)

// The outbox row is each SMS's durable record: queued with its sealed phone
// and text, then updated step by step; once sent it never changes again.
func TestOutboxDelivery(t *testing.T) {
	for _, e := range Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			db := e.Open(t, true)
			q := t0
			in := store.OutboxEntry{ToMask: "138****5678", ToHash: "h1", Body: "【浦东消调委】请点击 /consent/… 答复", Kind: "consent_request",
				Status: "queued", At: t0, RequestID: "6f1c2a9e-4b7d-4c1e-9a55-0d3c8e2f7b10", PhoneSealed: "sealed-phone", BodySealed: "sealed-body", QueuedAt: &q}
			id, err := db.AddOutbox(ctx, in)
			if err != nil {
				t.Fatal(err)
			}
			got, err := db.GetOutbox(ctx, id)
			if err != nil || got.Status != "queued" || got.RequestID != in.RequestID || got.PhoneSealed != "sealed-phone" || got.BodySealed != "sealed-body" ||
				got.QueuedAt == nil || !got.QueuedAt.Equal(t0) || got.SentAt != nil || got.Attempts != 0 || got.CaseID != 0 {
				t.Fatalf("get: %+v %v", got, err)
			}
			// The page's list never carries the sealed phone or text.
			ls, err := db.ListOutbox(ctx, 10)
			if err != nil || len(ls) != 1 || ls[0].PhoneSealed != "" || ls[0].BodySealed != "" || ls[0].RequestID != in.RequestID || ls[0].Body != in.Body {
				t.Fatalf("list: %+v %v", ls, err)
			}
			// A request_id names one message.
			dup := in
			dup.Body = "另一条"
			if _, err := db.AddOutbox(ctx, dup); !errors.Is(err, store.ErrConflict) {
				t.Fatalf("second row with the same request_id: %v", err)
			}

			a1, a2 := t0.Add(time.Minute), t0.Add(2*time.Minute)
			step := func(u store.OutboxUpdate) {
				t.Helper()
				if err := db.UpdateOutbox(ctx, id, u); err != nil {
					t.Fatalf("update %+v: %v", u, err)
				}
			}
			step(store.OutboxUpdate{Status: "sending", Attempt: true, At: a1})
			step(store.OutboxUpdate{Status: "retrying", Error: "短信发送失败：短信网关暂时不可用（HTTP 503）", At: a1})
			got, _ = db.GetOutbox(ctx, id)
			if got.Status != "retrying" || got.Attempts != 1 || got.AttemptedAt == nil || !got.AttemptedAt.Equal(a1) || got.Error == "" || got.SentAt != nil {
				t.Fatalf("after a failed attempt: %+v", got)
			}
			// The next attempt keeps the last error on show until it succeeds.
			step(store.OutboxUpdate{Status: "sending", Attempt: true, Error: got.Error, At: a2})
			step(store.OutboxUpdate{Status: "sent", Provider: "gateway", ProviderMsgID: "MSG00000001", At: a2})
			got, _ = db.GetOutbox(ctx, id)
			if got.Status != "sent" || got.Attempts != 2 || !got.AttemptedAt.Equal(a2) || got.SentAt == nil || !got.SentAt.Equal(a2) ||
				got.Provider != "gateway" || got.ProviderMsgID != "MSG00000001" || got.Error != "" {
				t.Fatalf("after sending: %+v", got)
			}
			// Sent is final: a late "retrying" or "failed" cannot undo it.
			for _, st := range []string{"retrying", "failed", "sending", "sent"} {
				if err := db.UpdateOutbox(ctx, id, store.OutboxUpdate{Status: st, Error: "迟到的错误"}); !errors.Is(err, store.ErrConflict) {
					t.Fatalf("%s after sent: %v", st, err)
				}
			}
			if got, _ := db.GetOutbox(ctx, id); got.Status != "sent" || got.Error != "" {
				t.Fatalf("sent row changed: %+v", got)
			}
			if err := db.UpdateOutbox(ctx, id+100, store.OutboxUpdate{Status: "sending"}); !errors.Is(err, store.ErrNotFound) {
				t.Fatalf("unknown row: %v", err)
			}
			if _, err := db.GetOutbox(ctx, id+100); !errors.Is(err, store.ErrNotFound) {
				t.Fatalf("get unknown row: %v", err)
			}
		})
	}
}

// A consent follow-up and a session reminder are each marked once: of two
// sweeps marking at the same moment exactly one succeeds.
func TestFollowUpMarksOnce(t *testing.T) {
	for _, e := range Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			db := e.Open(t, true)
			f := newFixture(t, db)
			c, _, err := db.CreateCase(ctx, newCase(f, f.room1.ID, "F1"))
			if err != nil {
				t.Fatal(err)
			}
			if err := db.RequestConsents(ctx, c.ID, []store.ConsentRequest{{PartyKind: "consumer", TokenHash: "t1"}, {PartyKind: "merchant", TokenHash: "t2"}}, t0); err != nil {
				t.Fatal(err)
			}
			m := store.Session{CaseID: c.ID, Kind: "room", StartsAt: t0.Add(20 * time.Hour), Place: "调解室"}
			if err := db.CreateSession(ctx, &m); err != nil {
				t.Fatal(err)
			}
			race := func(what string, fn func() error) {
				t.Helper()
				var wg sync.WaitGroup
				errs := make([]error, 6)
				for i := range errs {
					wg.Add(1)
					go func() {
						defer wg.Done()
						errs[i] = fn()
					}()
				}
				wg.Wait()
				ok := 0
				for _, err := range errs {
					switch {
					case err == nil:
						ok++
					case !errors.Is(err, store.ErrConflict):
						t.Fatalf("%s: %v", what, err)
					}
				}
				if ok != 1 {
					t.Fatalf("%s: marked %d times, want once", what, ok)
				}
			}
			race("consent reminded", func() error { return db.MarkConsentFollowUp(ctx, c.ID, "consumer", "reminded", t0.Add(time.Hour)) })
			race("consent escalated", func() error { return db.MarkConsentFollowUp(ctx, c.ID, "consumer", "escalated", t0.Add(2*time.Hour)) })
			race("session reminded", func() error { return db.MarkSessionReminded(ctx, m.ID, t0.Add(time.Hour)) })
			// The mark also happens inside a caller's transaction, where a
			// conflict rolls back what the caller did with it.
			err = db.InTx(ctx, func(tx store.Store) error {
				if err := tx.AddNote(ctx, c.ID, store.Event{Type: "note", At: t0, Note: "不该留下"}); err != nil {
					return err
				}
				return tx.MarkConsentFollowUp(ctx, c.ID, "consumer", "reminded", t0.Add(3*time.Hour))
			})
			if !errors.Is(err, store.ErrConflict) {
				t.Fatalf("second mark in a transaction: %v", err)
			}
			if evs, _ := db.ListEvents(ctx, c.ID); evs[len(evs)-1].Note == "不该留下" {
				t.Fatal("the rolled-back note stayed")
			}
			// A party who answered is no longer reminded.
			at := t0.Add(time.Hour)
			if err := db.RecordConsent(ctx, store.Consent{CaseID: c.ID, PartyKind: "merchant", Decision: "agree", Method: "phone", RecordedAt: &at}); err != nil {
				t.Fatal(err)
			}
			if err := db.MarkConsentFollowUp(ctx, c.ID, "merchant", "reminded", t0.Add(2*time.Hour)); !errors.Is(err, store.ErrConflict) {
				t.Fatalf("remind an answered party: %v", err)
			}
			if err := db.MarkConsentFollowUp(ctx, c.ID+99, "merchant", "reminded", t0); !errors.Is(err, store.ErrNotFound) {
				t.Fatalf("unknown consent: %v", err)
			}
			if err := db.MarkSessionReminded(ctx, m.ID+99, t0); !errors.Is(err, store.ErrNotFound) {
				t.Fatalf("unknown session: %v", err)
			}
			if err := db.MarkConsentFollowUp(ctx, c.ID, "consumer", "forgotten", t0); err == nil {
				t.Fatal("unknown follow-up accepted")
			}
		})
	}
}

// Rows written before the queue keep their status; a sent one gets its
// sent time and its error moves to last_error.
func TestOutboxMigration(t *testing.T) {
	for _, e := range Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			db := e.Open(t, false)
			if err := db.MigrateTo(ctx, 22); err != nil {
				t.Fatal(err)
			}
			w := db.Writer()
			for _, r := range [][]string{{"sent", ""}, {"failed", "短信发送失败：无法连接短信网关"}} {
				if _, err := w.ExecContext(ctx, `INSERT INTO sms_outbox (to_mask, to_hash, body, kind, provider, status, error, created_at)
					VALUES ('138****5678', 'h', '【人民调解】旧短信', 'notice', 'gateway', $1, $2, $3)`, r[0], r[1], t0); err != nil {
					t.Fatal(err)
				}
			}
			if err := db.Migrate(ctx); err != nil {
				t.Fatal(err)
			}
			checkLegacyOutbox(t, db)
		})
	}
}

func checkLegacyOutbox(t *testing.T, db *sqlstore.DB) {
	t.Helper()
	es, err := db.ListOutbox(context.Background(), 10)
	if err != nil || len(es) != 2 {
		t.Fatalf("outbox after upgrade: %+v %v", es, err)
	}
	failed, sent := es[0], es[1]
	if sent.Status != "sent" || sent.SentAt == nil || !sent.SentAt.Equal(t0) || sent.RequestID != "" || sent.QueuedAt != nil || sent.Error != "" {
		t.Errorf("legacy sent row: %+v", sent)
	}
	if failed.Status != "failed" || failed.SentAt != nil || failed.Error != "短信发送失败：无法连接短信网关" {
		t.Errorf("legacy failed row: %+v", failed)
	}
}
