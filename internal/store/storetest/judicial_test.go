package storetest

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/tiaojie/tiaojie/internal/domain"
	"github.com/tiaojie/tiaojie/internal/store"
	"github.com/tiaojie/tiaojie/internal/store/sqlstore"
)

// testJudicialDelivery: an application queued for a court system keeps its
// idempotency key and where its delivery stands; only the application with
// that key, still waiting for delivery, takes a receipt, a failed attempt,
// a requeue or a refusal.
func testJudicialDelivery(t *testing.T, db *sqlstore.DB) {
	ctx := context.Background()
	f := newFixture(t, db)
	court := mkOrg(t, db, f.district.ID, domain.OrgCourt, "court-q", "人民法院", "")
	c, _, _ := db.CreateCase(ctx, newCase(f, f.room1.ID, "JD1"))
	ja := store.JudicialApplication{CaseID: c.ID, CourtID: court.ID, Status: "sending", Package: []byte("PK"), SubmittedAt: t0, IdempotencyKey: "key-1"}
	if err := db.PutJudicialApplication(ctx, ja); err != nil {
		t.Fatal(err)
	}
	got, err := db.GetJudicialApplication(ctx, c.ID)
	if err != nil || got.IdempotencyKey != "key-1" || got.Status != "sending" || got.Attempts != 0 || got.LastError != "" || got.LastAttemptAt != nil {
		t.Fatalf("stored: %+v %v", got, err)
	}
	// The key is one application's: another case cannot reuse it.
	other, _, _ := db.CreateCase(ctx, newCase(f, f.room1.ID, "JD2"))
	if err := db.PutJudicialApplication(ctx, store.JudicialApplication{CaseID: other.ID, CourtID: court.ID, Status: "sending", Package: []byte("PK"),
		SubmittedAt: t0, IdempotencyKey: "key-1"}); !errors.Is(err, store.ErrConflict) {
		t.Fatalf("key reused: %v", err)
	}
	// Queued applications are not open at a court system yet.
	if l, err := db.ListPendingJudicial(ctx, "本平台"); err != nil || len(l) != 0 {
		t.Fatalf("pending before delivery: %+v %v", l, err)
	}

	// A failed attempt counts and keeps why; the last one gives up.
	t1 := t0.Add(time.Minute)
	if err := db.RecordJudicialAttempt(ctx, c.ID, "other-key", "x", t1, false); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("attempt under another key: %v", err)
	}
	if err := db.RecordJudicialAttempt(ctx, c.ID, "key-1", "法院系统连接失败", t1, false); err != nil {
		t.Fatal(err)
	}
	got, _ = db.GetJudicialApplication(ctx, c.ID)
	if got.Status != "sending" || got.Attempts != 1 || got.LastError != "法院系统连接失败" || got.LastAttemptAt == nil || !got.LastAttemptAt.Equal(t1) {
		t.Fatalf("after a failed attempt: %+v", got)
	}
	if err := db.RequeueJudicial(ctx, c.ID, "key-1"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("requeued while still queued: %v", err)
	}
	if err := db.RecordJudicialAttempt(ctx, c.ID, "key-1", "法院系统暂时无法受理（HTTP 503）", t1.Add(time.Minute), true); err != nil {
		t.Fatal(err)
	}
	got, _ = db.GetJudicialApplication(ctx, c.ID)
	if got.Status != "failed" || got.Attempts != 2 || got.LastError != "法院系统暂时无法受理（HTTP 503）" {
		t.Fatalf("after the last attempt: %+v", got)
	}
	// Sent again by hand: queued once, not twice.
	if err := db.RequeueJudicial(ctx, c.ID, "key-1"); err != nil {
		t.Fatal(err)
	}
	if err := db.RequeueJudicial(ctx, c.ID, "key-1"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("requeued twice: %v", err)
	}
	got, _ = db.GetJudicialApplication(ctx, c.ID)
	if got.Status != "sending" || got.LastError != "" || got.Attempts != 2 || got.IdempotencyKey != "key-1" {
		t.Fatalf("requeued: %+v", got)
	}

	// The receipt lands once, for the key it was sent under.
	if err := db.MarkJudicialSent(ctx, c.ID, "other-key", "SQ1"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("receipt under another key: %v", err)
	}
	if err := db.MarkJudicialSent(ctx, c.ID, "key-1", "SQ1"); err != nil {
		t.Fatal(err)
	}
	if err := db.MarkJudicialSent(ctx, c.ID, "key-1", "SQ2"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("receipt recorded twice: %v", err)
	}
	got, _ = db.GetJudicialApplication(ctx, c.ID)
	if got.Status != "submitted" || got.Receipt != "SQ1" {
		t.Fatalf("after the receipt: %+v", got)
	}
	if err := db.RecordJudicialAttempt(ctx, c.ID, "key-1", "x", t1, false); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("attempt after delivery: %v", err)
	}
	if err := db.DeleteJudicialApplication(ctx, c.ID, "key-1"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("delivered application freed: %v", err)
	}
	if l, err := db.ListPendingJudicial(ctx, "本平台"); err != nil || len(l) != 1 || l[0].IdempotencyKey != "key-1" || l[0].Attempts != 2 {
		t.Fatalf("pending after delivery: %+v %v", l, err)
	}

	// A refusal frees the case (the application with that key only); a new
	// application of the case comes with a new key.
	if err := db.PutJudicialApplication(ctx, store.JudicialApplication{CaseID: other.ID, CourtID: court.ID, Status: "sending", Package: []byte("PK"),
		SubmittedAt: t0, IdempotencyKey: "key-2"}); err != nil {
		t.Fatal(err)
	}
	if err := db.DeleteJudicialApplication(ctx, other.ID, "key-1"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("freed under another key: %v", err)
	}
	if err := db.DeleteJudicialApplication(ctx, other.ID, "key-2"); err != nil {
		t.Fatal(err)
	}
	if _, err := db.GetJudicialApplication(ctx, other.ID); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("refused application kept: %v", err)
	}
	if err := db.PutJudicialApplication(ctx, store.JudicialApplication{CaseID: other.ID, CourtID: court.ID, Status: "sending", Package: []byte("PK2"),
		SubmittedAt: t0, IdempotencyKey: "key-3"}); err != nil {
		t.Fatalf("applying again after a refusal: %v", err)
	}
}

// TestJudicialDeliveryUpgrade: applications stored but never delivered
// before the job queue existed come out of the upgrade with a key each,
// "failed", waiting to be sent again by hand; delivered ones are untouched.
func TestJudicialDeliveryUpgrade(t *testing.T) {
	for _, e := range Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			db := e.Open(t, false)
			if err := db.MigrateTo(ctx, 22); err != nil {
				t.Fatal(err)
			}
			w := db.Writer()
			var org, courtID int64
			if err := w.QueryRowContext(ctx, `INSERT INTO org_units (kind, code, name, abbr, path, created_at)
				VALUES ('committee', 'old-cmt', '旧调委会', '旧', '', $1) RETURNING id`, t0).Scan(&org); err != nil {
				t.Fatal(err)
			}
			if err := w.QueryRowContext(ctx, `INSERT INTO org_units (kind, code, name, abbr, path, created_at)
				VALUES ('court', 'old-court', '旧法院', '', '', $1) RETURNING id`, t0).Scan(&courtID); err != nil {
				t.Fatal(err)
			}
			statuses := []string{"sending", "sending", "submitted"}
			ids := make([]int64, len(statuses))
			for i, st := range statuses {
				if err := w.QueryRowContext(ctx, `INSERT INTO cases (number, year, seq, committee_id, org_path, status, channel,
					description, claim_fen, received_at, external_id, version, created_at, updated_at)
					VALUES ($1, 2026, $2, $3, $4, 'performing', 'walk_in', '旧数据', 100, $5, $6, 1, $5, $5) RETURNING id`,
					fmt.Sprintf("（2026）旧消调字第%05d号", i+1), i+1, org, fmt.Sprintf("/%d/", org), t0, fmt.Sprintf("OLD-%d", i)).Scan(&ids[i]); err != nil {
					t.Fatal(err)
				}
				receipt := ""
				if st == "submitted" {
					receipt = "SQ000009"
				}
				if _, err := w.ExecContext(ctx, `INSERT INTO judicial_applications (case_id, court_id, status, receipt, package, submitted_at)
					VALUES ($1, $2, $3, $4, $5, $6)`, ids[i], courtID, st, receipt, []byte("PK"), t0); err != nil {
					t.Fatal(err)
				}
			}
			if err := db.Migrate(ctx); err != nil {
				t.Fatal(err)
			}
			keys := map[string]bool{}
			for i, id := range ids {
				ja, err := db.GetJudicialApplication(ctx, id)
				if err != nil {
					t.Fatal(err)
				}
				if statuses[i] == "submitted" {
					if ja.Status != "submitted" || ja.Receipt != "SQ000009" || ja.IdempotencyKey != "" {
						t.Fatalf("delivered application after the upgrade: %+v", ja)
					}
					continue
				}
				if ja.Status != "failed" || ja.LastError == "" || len(ja.IdempotencyKey) != 36 || keys[ja.IdempotencyKey] {
					t.Fatalf("undelivered application after the upgrade: %+v", ja)
				}
				keys[ja.IdempotencyKey] = true
				if err := db.RequeueJudicial(ctx, id, ja.IdempotencyKey); err != nil {
					t.Fatalf("sending again after the upgrade: %v", err)
				}
			}
		})
	}
}
