package storetest

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/tiaojie/tiaojie/internal/store"
	"github.com/tiaojie/tiaojie/internal/store/sqlstore"
)

func testImportBatches(t *testing.T, db *sqlstore.DB) {
	ctx := context.Background()
	f := newFixture(t, db)
	file := []byte("PK\x03\x04 an export")
	b := store.ImportBatch{CommitteeID: f.committee.ID, OfficeID: f.regulator.ID, Filename: "12315导出.xlsx", File: file}
	if err := db.CreateImportBatch(ctx, &b); err != nil || b.ID == 0 || b.Status != "queued" {
		t.Fatalf("create: %+v %v", b, err)
	}
	got, err := db.GetImportBatch(ctx, b.ID)
	if err != nil || got.Status != "queued" || got.File != nil || got.FileSize != int64(len(file)) || got.Heartbeat != nil || got.Finished != nil {
		t.Fatalf("get queued: %+v %v", got, err)
	}
	if data, err := db.GetImportFile(ctx, b.ID); err != nil || string(data) != string(file) {
		t.Fatalf("file: %q %v", data, err)
	}
	// A worker claims it, checks the file and starts.
	c, err := db.ClaimImportBatch(ctx, b.ID, t0)
	if err != nil || c.Heartbeat == nil || !c.Heartbeat.Equal(t0) || c.Done != 0 || c.Status != "queued" {
		t.Fatalf("claim: %+v %v", c, err)
	}
	c.Status, c.Total, c.Header = "running", 10, []string{"投诉编号", "投诉人"}
	if err := db.SaveImportBatch(ctx, c, 0); err != nil {
		t.Fatal(err)
	}
	// A slice: rows, their errors and the cursor commit together, or not at all.
	slice := func(from, to int, fail bool) error {
		return db.InTx(ctx, func(tx store.Store) error {
			c, err := tx.ClaimImportBatch(ctx, b.ID, t0)
			if err != nil {
				return err
			}
			if c.Done != from {
				return fmt.Errorf("cursor at %d, want %d", c.Done, from)
			}
			var errs []store.ImportRowError
			for seq := from + 1; seq <= to; seq++ {
				if seq%3 == 0 {
					errs = append(errs, store.ImportRowError{Seq: seq, Cells: []string{fmt.Sprint(seq), "王强"}, Reason: "手机号码格式不对"})
					c.Failed++
				} else {
					c.Imported++
				}
			}
			if err := tx.AddImportRowErrors(ctx, b.ID, errs); err != nil {
				return err
			}
			c.Done, c.LastLine = to, to+1
			if err := tx.SaveImportBatch(ctx, c, from); err != nil {
				return err
			}
			if fail {
				return errors.New("the process died before commit")
			}
			return nil
		})
	}
	if err := slice(0, 4, false); err != nil {
		t.Fatal(err)
	}
	if err := slice(4, 8, true); err == nil {
		t.Fatal("failed slice committed")
	}
	got, _ = db.GetImportBatch(ctx, b.ID)
	if got.Done != 4 || got.Imported != 3 || got.Failed != 1 || got.LastLine != 5 || got.Status != "running" || !slices.Equal(got.Header, c.Header) {
		t.Fatalf("after a rolled-back slice: %+v", got)
	}
	if errs, _ := db.ListImportRowErrors(ctx, b.ID, 0, store.MaxPage); len(errs) != 1 || errs[0].Seq != 3 {
		t.Fatalf("row errors after a rolled-back slice: %+v", errs)
	}
	if err := slice(4, 8, false); err != nil {
		t.Fatal(err)
	}
	// A cursor that moved meanwhile refuses a stale save.
	got, _ = db.GetImportBatch(ctx, b.ID)
	if err := db.SaveImportBatch(ctx, got, 4); !errors.Is(err, store.ErrStale) {
		t.Fatalf("stale save: %v", err)
	}
	if err := db.SaveImportBatch(ctx, store.ImportBatch{ID: 9999, Status: "done"}, 0); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("save unknown: %v", err)
	}
	if _, err := db.ClaimImportBatch(ctx, 9999, t0); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("claim unknown: %v", err)
	}
	// A reason quoting a damaged cell (NUL, invalid UTF-8) is stored all the same.
	if err := db.AddImportRowErrors(ctx, b.ID, []store.ImportRowError{{Seq: 99, Cells: []string{"a\x00\xff"}, Reason: "投诉人“a\x00\xffb”无法识别"}}); err != nil {
		t.Fatalf("damaged text: %v", err)
	}
	if errs, _ := db.ListImportRowErrors(ctx, b.ID, 0, store.MaxPage); len(errs) != 3 || errs[2].Reason != "投诉人“a\uFFFDb”无法识别" || errs[2].Cells[0] != "a\x00\uFFFD" {
		t.Fatalf("damaged text stored as %+v", errs)
	}
	if _, err := db.Writer().ExecContext(ctx, `DELETE FROM import_row_errors WHERE seq = 99`); err != nil {
		t.Fatal(err)
	}
	if err := db.AddImportRowErrors(ctx, b.ID, []store.ImportRowError{{Seq: 3, Reason: "again"}}); !errors.Is(err, store.ErrConflict) {
		t.Fatalf("a row error recorded twice: %v", err)
	}
	errs, err := db.ListImportRowErrors(ctx, b.ID, 0, store.MaxPage)
	if err != nil || len(errs) != 2 || errs[0].Seq != 3 || errs[1].Seq != 6 || !slices.Equal(errs[1].Cells, []string{"6", "王强"}) || errs[1].Reason != "手机号码格式不对" {
		t.Fatalf("row errors: %+v %v", errs, err)
	}
	// A page at a time, after a seq.
	if p1, err := db.ListImportRowErrors(ctx, b.ID, 0, 1); err != nil || len(p1) != 1 || p1[0].Seq != 3 {
		t.Fatalf("first page of one: %+v %v", p1, err)
	}
	if p2, err := db.ListImportRowErrors(ctx, b.ID, 3, 1); err != nil || len(p2) != 1 || p2[0].Seq != 6 {
		t.Fatalf("second page of one: %+v %v", p2, err)
	}
	if p3, err := db.ListImportRowErrors(ctx, b.ID, 6, 1); err != nil || len(p3) != 0 {
		t.Fatalf("past the last: %+v %v", p3, err)
	}
	if _, err := db.ListImportRowErrors(ctx, b.ID, 0, 0); err == nil {
		t.Fatal("a page without a size")
	}
	if act, err := db.ListActiveImportBatches(ctx); err != nil || len(act) != 1 || act[0].ID != b.ID {
		t.Fatalf("active: %+v %v", act, err)
	}
	// The end: the report is stored, the file and the row errors go.
	got.Status, got.Report = "done", []byte("PK-report")
	if err := db.SaveImportBatch(ctx, got, 8); err != nil {
		t.Fatal(err)
	}
	if err := db.DropImportFile(ctx, b.ID); err != nil {
		t.Fatal(err)
	}
	got, err = db.GetImportBatch(ctx, b.ID)
	if err != nil || got.Status != "done" || got.Imported != 6 || got.Failed != 2 || string(got.Report) != "PK-report" ||
		got.Finished == nil || got.FileSize != 0 || got.OfficeID != f.regulator.ID || got.Filename != "12315导出.xlsx" {
		t.Fatalf("get done: %+v %v", got, err)
	}
	if data, err := db.GetImportFile(ctx, b.ID); err != nil || data != nil {
		t.Fatalf("file kept after the end: %d bytes %v", len(data), err)
	}
	if errs, _ := db.ListImportRowErrors(ctx, b.ID, 0, store.MaxPage); len(errs) != 0 {
		t.Fatalf("row errors kept after the end: %d", len(errs))
	}
	if act, _ := db.ListActiveImportBatches(ctx); len(act) != 0 {
		t.Fatalf("a done batch is active: %+v", act)
	}
	list, err := db.ListImportBatches(ctx, f.committee.ID, 10)
	if err != nil || len(list) != 1 || list[0].Report != nil || list[0].Done != 8 {
		t.Fatalf("list (without reports): %+v %v", list, err)
	}
	if list, _ := db.ListImportBatches(ctx, f.otherCommittee.ID, 10); len(list) != 0 {
		t.Fatal("batches leak across committees")
	}
}

// TestImportSlicesSerialise: workers claiming one batch at once take turns,
// so each reads the cursor the other committed and none is refused as stale.
func TestImportSlicesSerialise(t *testing.T) {
	for _, e := range Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			ctx := context.Background()
			db := e.Open(t, true)
			f := newFixture(t, db)
			b := store.ImportBatch{CommitteeID: f.committee.ID, Filename: "x.csv", File: []byte("x"), Status: "running"}
			if err := db.CreateImportBatch(ctx, &b); err != nil {
				t.Fatal(err)
			}
			const workers, slices = 3, 10
			var wg sync.WaitGroup
			errs := make(chan error, workers*slices)
			for range workers {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for range slices {
						errs <- db.InTx(ctx, func(tx store.Store) error {
							c, err := tx.ClaimImportBatch(ctx, b.ID, t0)
							if err != nil {
								return err
							}
							from := c.Done
							c.Done++
							c.Imported++
							return tx.SaveImportBatch(ctx, c, from)
						})
					}
				}()
			}
			wg.Wait()
			close(errs)
			for err := range errs {
				if err != nil {
					t.Fatal(err)
				}
			}
			got, _ := db.GetImportBatch(ctx, b.ID)
			if got.Done != workers*slices || got.Imported != workers*slices {
				t.Fatalf("cursor %d, imported %d, want %d", got.Done, got.Imported, workers*slices)
			}
		})
	}
}

// TestImportMigrationEndsLostImports: an import an earlier version left
// "running" (its goroutine died in a restart) ends failed on upgrade, saying
// how far it got.
func TestImportMigrationEndsLostImports(t *testing.T) {
	for _, e := range Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			ctx := context.Background()
			db := e.Open(t, false)
			if err := db.MigrateTo(ctx, 24); err != nil {
				t.Fatal(err)
			}
			w := db.Writer()
			var org, running, done int64
			if err := w.QueryRowContext(ctx, `INSERT INTO org_units (kind, code, name, abbr, path, created_at)
				VALUES ('committee', 'old-cmt', '旧调委会', '旧', '/1/', $1) RETURNING id`, t0).Scan(&org); err != nil {
				t.Fatal(err)
			}
			ins := `INSERT INTO import_batches (committee_id, filename, status, total, imported, updated, skipped, failed, started_at)
				VALUES ($1, 'old.xlsx', $2, 3000, $3, 1, 2, 3, $4) RETURNING id`
			if err := w.QueryRowContext(ctx, ins, org, "running", 1172, t0).Scan(&running); err != nil {
				t.Fatal(err)
			}
			if err := w.QueryRowContext(ctx, ins, org, "done", 2994, t0).Scan(&done); err != nil {
				t.Fatal(err)
			}
			if err := db.Migrate(ctx); err != nil {
				t.Fatal(err)
			}
			got, err := db.GetImportBatch(ctx, running)
			if err != nil || got.Status != "failed" || got.Finished == nil || got.Done != 1178 || !strings.Contains(got.Message, "已处理 1178 条") {
				t.Fatalf("lost import: %+v %v", got, err)
			}
			if got, _ := db.GetImportBatch(ctx, done); got.Status != "done" || got.Message != "" {
				t.Fatalf("finished import changed: %+v", got)
			}
		})
	}
}
