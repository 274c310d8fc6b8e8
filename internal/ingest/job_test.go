package ingest_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"
	"github.com/xuri/excelize/v2"

	"github.com/tiaojie/tiaojie/internal/ingest"
	"github.com/tiaojie/tiaojie/internal/platform"
	"github.com/tiaojie/tiaojie/internal/store"
	"github.com/tiaojie/tiaojie/internal/store/storetest"
)

// export is an .xlsx of n rows, ids 12315202611%08d; every 97th row has a
// bad phone number.
func export(t *testing.T, n int) []byte {
	t.Helper()
	rows := make([][]any, n)
	for i := range rows {
		phone := fmt.Sprintf("138%08d", i)
		if i%97 == 0 {
			phone = "坏号码"
		}
		rows[i] = row(fmt.Sprintf("12315202611%08d", i), "张伟", phone, fmt.Sprintf("健身房突然闭店，预付卡余额%d元无法退还。", i), "3000")
	}
	_, data := xlsxFile(t, rows)
	return data
}

func reportRows(t *testing.T, report []byte) [][]string {
	t.Helper()
	f, err := excelize.OpenReader(bytes.NewReader(report))
	if err != nil {
		t.Fatalf("report: %v", err)
	}
	rows, err := f.GetRows(f.GetSheetList()[0])
	if err != nil {
		t.Fatalf("report: %v", err)
	}
	return rows
}

func badRows(n int) int { return (n-1)/97 + 1 }

// brief prints a batch without its report's bytes.
func brief(b store.ImportBatch) string {
	return fmt.Sprintf("{id %d %s total %d done %d line %d +%d ~%d =%d x%d file %dB report %dB msg %q}", b.ID, b.Status, b.Total, b.Done,
		b.LastLine, b.Imported, b.Updated, b.Skipped, b.Failed, b.FileSize, len(b.Report), b.Message)
}

func (w *world) upload(t *testing.T, p *platform.Services, name string, data []byte) store.ImportBatch {
	t.Helper()
	b, err := p.Ingest.Upload(context.Background(), w.operator, w.office, w.cmt, ingest.File{Name: name, Data: data})
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func start(t *testing.T, p *platform.Services) {
	t.Helper()
	if err := p.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		p.Shutdown(ctx)
	})
}

// wait polls the batch until it ends.
func (w *world) wait(t *testing.T, id int64, within time.Duration) store.ImportBatch {
	t.Helper()
	for end := time.Now().Add(within); ; time.Sleep(50 * time.Millisecond) {
		b, err := w.st.GetImportBatch(context.Background(), id)
		if err != nil {
			t.Fatal(err)
		}
		if b.Ended() {
			return b
		}
		if time.Now().After(end) {
			t.Fatalf("batch %d still %s after %s: %d/%d", id, b.Status, within, b.Done, b.Total)
		}
	}
}

// exactlyOnce checks that each valid row of an n-row export is one case.
func (w *world) exactlyOnce(t *testing.T, n int) {
	t.Helper()
	ctx := context.Background()
	for i := 0; i < n; i++ {
		ext := fmt.Sprintf("12315202611%08d", i)
		_, err := w.st.GetCaseByExternalID(ctx, ext)
		if bad := i%97 == 0; bad != (err != nil) {
			t.Fatalf("row %d (bad %v): %v", i, bad, err)
		}
	}
	if got, want := count(t, w.st), int64(n-badRows(n)); got != want {
		t.Fatalf("%d cases, want %d: a row was imported twice or skipped", got, want)
	}
}

func (w *world) importJob(t *testing.T, p *platform.Services) *rivertype.JobRow {
	t.Helper()
	js, err := p.Jobs.List(context.Background(), ingest.Args{}.Kind())
	if err != nil || len(js) != 1 {
		t.Fatalf("import jobs: %d %v", len(js), err)
	}
	return js[0]
}

// TestImportJob: an upload is a queued batch with its job; the job works
// through the file in runs of a few hundred rows, snoozing between them,
// and ends the batch done with the right counts and report.
func TestImportJob(t *testing.T) {
	const n = 2000
	data := export(t, n)
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			w := newWorld(t, e)
			w.p.Ingest.Slice = ingest.Slice{Rows: 300, TxRows: 100}
			b := w.upload(t, w.p, "12315导出.xlsx", data)
			if b.Status != "queued" {
				t.Fatalf("uploaded batch: %s", brief(b))
			}
			if j := w.importJob(t, w.p); j.State != rivertype.JobStateAvailable || j.Queue != "import" {
				t.Fatalf("job of the upload: %s in %s", j.State, j.Queue)
			}
			start(t, w.p)
			b = w.wait(t, b.ID, 2*time.Minute)
			bad := badRows(n)
			if b.Status != "done" || b.Total != n || b.Done != n || b.Imported != n-bad || b.Failed != bad || b.Message != "" ||
				b.FileSize != 0 || b.Finished == nil || len(b.Report) == 0 {
				t.Fatalf("batch: %s", brief(b))
			}
			w.exactlyOnce(t, n)
			rep := reportRows(t, b.Report)
			if len(rep) != bad+1 || rep[1][0] != "1231520261100000000" || !strings.Contains(rep[1][len(rep[1])-1], "手机") {
				t.Fatalf("report: %d rows, first %q", len(rep), rep[1])
			}
			// The job ran in slices: snoozed between runs, one attempt, completed
			// with the batch's last transaction.
			j := w.importJob(t, w.p)
			var meta struct {
				Snoozes int `json:"snoozes"`
			}
			json.Unmarshal(j.Metadata, &meta)
			if j.State != rivertype.JobStateCompleted || j.Attempt != 1 || meta.Snoozes < n/300 {
				t.Fatalf("job: %s, attempt %d, %d snoozes", j.State, j.Attempt, meta.Snoozes)
			}
		})
	}
}

// An export whose every row fails gives a report of every row, in the
// file's order, read from the store a page at a time (more rows than a
// page holds), and imports nothing.
func TestImportReportOfEveryRow(t *testing.T) {
	const n = 2*store.MaxPage + 7
	rows := make([][]any, n)
	for i := range rows {
		rows[i] = row(fmt.Sprintf("12315202611%08d", i), "张伟", "坏号码", "健身房突然闭店，预付卡余额无法退还。", "3000")
	}
	_, data := xlsxFile(t, rows)
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			w := newWorld(t, e)
			b := w.upload(t, w.p, "全部失败.xlsx", data)
			start(t, w.p)
			b = w.wait(t, b.ID, 2*time.Minute)
			if b.Status != "done" || b.Failed != n || b.Imported != 0 {
				t.Fatalf("batch: %s", brief(b))
			}
			if c := count(t, w.st); c != 0 {
				t.Fatalf("%d cases from a file of failed rows", c)
			}
			rep := reportRows(t, b.Report)
			if len(rep) != n+1 {
				t.Fatalf("report: %d rows, want %d and the header", len(rep)-1, n)
			}
			for i, r := range rep[1:] {
				if want := fmt.Sprintf("12315202611%08d", i); r[0] != want || !strings.Contains(r[len(r)-1], "手机") {
					t.Fatalf("report row %d: %q, want %s with its reason", i+1, r, want)
				}
			}
		})
	}
}

// TestImportResumes: a process that stopped mid-import (after a committed
// run, or cancelled in the middle of one) leaves a batch that a new
// process on the same database finishes: every row imported exactly once.
func TestImportResumes(t *testing.T) {
	const n = 2000
	data := export(t, n)
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name+"/after-a-run", func(t *testing.T) {
			w := newWorld(t, e)
			b := w.upload(t, w.p, "a.xlsx", data)
			// The first process works one run, then is gone.
			w.p.Ingest.Slice = ingest.Slice{Rows: 700, TxRows: 100}
			got, ended, err := w.p.Ingest.Work(context.Background(), b.ID, nil, nil)
			if err != nil || ended || got.Done != 700 || got.Status != "running" || got.Total != n {
				t.Fatalf("first run: %s %v %v", brief(got), ended, err)
			}
			if c := count(t, w.st); c != int64(700-badRows(700)) {
				t.Fatalf("%d cases after the first run", c)
			}
			next := w.services(t)
			start(t, next)
			b = w.wait(t, b.ID, 2*time.Minute)
			if b.Status != "done" || b.Done != n || b.Imported != n-badRows(n) || b.Failed != badRows(n) || b.Skipped != 0 {
				t.Fatalf("resumed batch: %s", brief(b))
			}
			w.exactlyOnce(t, n)
			if rep := reportRows(t, b.Report); len(rep) != badRows(n)+1 {
				t.Fatalf("report of a resumed batch: %d rows", len(rep))
			}
		})
		t.Run(e.Name+"/cancelled", func(t *testing.T) {
			w := newWorld(t, e)
			// One run would take the whole file: the stop comes in the middle of it.
			w.p.Ingest.Slice = ingest.Slice{Rows: n, TxRows: 50, Time: time.Minute}
			b := w.upload(t, w.p, "a.xlsx", data)
			if err := w.p.Start(context.Background()); err != nil {
				t.Fatal(err)
			}
			for end := time.Now().Add(time.Minute); ; time.Sleep(20 * time.Millisecond) {
				cur, _ := w.st.GetImportBatch(context.Background(), b.ID)
				if cur.Done >= 300 {
					break
				}
				if time.Now().After(end) || cur.Ended() {
					t.Fatalf("import did not get going: %s", brief(cur))
				}
			}
			stop, cancel := context.WithCancel(context.Background())
			cancel() // no grace: running work is cancelled mid-transaction
			w.p.Shutdown(stop)
			mid, _ := w.st.GetImportBatch(context.Background(), b.ID)
			if mid.Ended() || mid.Done == n {
				t.Fatalf("the stop came too late to test anything: %s", brief(mid))
			}
			// What is committed is exactly the rows before the cursor.
			if c := count(t, w.st); c != int64(mid.Done-badRows(mid.Done)) {
				t.Fatalf("%d cases for a cursor at %d", c, mid.Done)
			}
			if j := w.importJob(t, w.p); j.State != rivertype.JobStateAvailable || j.Attempt != 0 {
				t.Fatalf("job after a stop: %s, attempt %d", j.State, j.Attempt)
			}
			next := w.services(t)
			start(t, next)
			b = w.wait(t, b.ID, 2*time.Minute)
			if b.Status != "done" || b.Done != n || b.Imported != n-badRows(n) || b.Failed != badRows(n) {
				t.Fatalf("resumed batch: %s", brief(b))
			}
			w.exactlyOnce(t, n)
		})
	}
}

// TestImportJobFails: a file that cannot be read fails its batch with a
// message saying how far the import got; the job completes (nothing to
// retry) and the file is dropped.
func TestImportJobFails(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			w := newWorld(t, e)
			start(t, w.p)
			b := w.upload(t, w.p, "junk.xlsx", bytes.Repeat([]byte("PK\x03\x04junk"), 1000))
			b = w.wait(t, b.ID, time.Minute)
			if b.Status != "failed" || !strings.Contains(b.Message, "文件无法读取") || !strings.Contains(b.Message, "未写入任何数据") ||
				b.FileSize != 0 || b.Done != 0 {
				t.Fatalf("junk file: %s", brief(b))
			}
			if count(t, w.st) != 0 {
				t.Fatal("a junk file wrote cases")
			}
		})
		t.Run(e.Name+"/mid-file", func(t *testing.T) {
			const n = 600
			w := newWorld(t, e)
			b := w.upload(t, w.p, "a.xlsx", export(t, n))
			w.p.Ingest.Slice = ingest.Slice{Rows: 250, TxRows: 100}
			if _, _, err := w.p.Ingest.Work(context.Background(), b.ID, nil, nil); err != nil {
				t.Fatal(err)
			}
			// The stored file is damaged while the batch waits for its next run.
			if _, err := w.db.Writer().ExecContext(context.Background(), `UPDATE import_files SET data = $1 WHERE batch_id = $2`,
				[]byte("PK\x03\x04 damaged"), b.ID); err != nil {
				t.Fatal(err)
			}
			next := w.services(t)
			start(t, next)
			b = w.wait(t, b.ID, time.Minute)
			want := []string{"导入在第 251 条记录处停止", "共 600 条", "此前的 250 条已处理并保存", fmt.Sprintf("新增 %d", 250-badRows(250)),
				fmt.Sprintf("失败 %d", badRows(250)), "重新上传同一文件"}
			for _, s := range want {
				if !strings.Contains(b.Message, s) {
					t.Errorf("message lacks %q: %s", s, b.Message)
				}
			}
			if b.Status != "failed" || b.Done != 250 || len(b.Report) == 0 || count(t, w.st) != int64(250-badRows(250)) {
				t.Fatalf("batch: %s", brief(b))
			}
			if j := w.importJob(t, next); j.State != rivertype.JobStateCompleted {
				t.Fatalf("job of a failed batch: %s", j.State)
			}
		})
	}
}

// TestImportGivesUpAndRetries: a slice that keeps failing ends the batch
// failed after the job's last attempt, saying where it stopped; the file is
// kept, so retrying the job resumes at the cursor.
func TestImportGivesUpAndRetries(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			const n = 400
			w := newWorld(t, e)
			b := w.upload(t, w.p, "a.xlsx", export(t, n))
			w.p.Ingest.Slice = ingest.Slice{Rows: 150, TxRows: 50}
			if _, _, err := w.p.Ingest.Work(context.Background(), b.ID, nil, nil); err != nil {
				t.Fatal(err)
			}
			worker := &ingest.Worker{Svc: w.p.Ingest}
			job := &river.Job[ingest.Args]{JobRow: &rivertype.JobRow{ID: 1, Attempt: ingest.MaxAttempts - 1, MaxAttempts: ingest.MaxAttempts},
				Args: ingest.Args{BatchID: b.ID}}
			// A database that does not answer in time, on an attempt before the last: noted, still running.
			dead, cancel := context.WithDeadline(context.Background(), time.Now().Add(-time.Second))
			defer cancel()
			if err := worker.Work(dead, job); err == nil {
				t.Fatal("a failing slice reported success")
			}
			got, _ := w.st.GetImportBatch(context.Background(), b.ID)
			if got.Status != "running" || !strings.Contains(got.Message, "将自动重试") {
				t.Fatalf("after a failed attempt: %s", brief(got))
			}
			job.Attempt = ingest.MaxAttempts
			if err := worker.Work(dead, job); err == nil {
				t.Fatal("a failing slice reported success")
			}
			got, _ = w.st.GetImportBatch(context.Background(), b.ID)
			if got.Status != "failed" || got.Done != 150 || got.FileSize == 0 ||
				!strings.Contains(got.Message, "此前的 150 条已处理并保存") || !strings.Contains(got.Message, "将从第 151 条继续") {
				t.Fatalf("after the last attempt: %s", brief(got))
			}
			// An administrator retries: the batch resumes where it stopped.
			got, err := w.p.Ingest.Run(context.Background(), b.ID, nil)
			if err != nil || got.Status != "done" || got.Done != n || got.Imported != n-badRows(n) || got.Message != "" {
				t.Fatalf("retried: %s %v", brief(got), err)
			}
			w.exactlyOnce(t, n)
		})
	}
}

// TestImportOrphans: a batch whose job is gone (discarded after the process
// died during its last attempt) is ended by the sweep, not left running.
func TestImportOrphans(t *testing.T) {
	for _, e := range storetest.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			w := newWorld(t, e)
			ctx := context.Background()
			lost := w.upload(t, w.p, "a.xlsx", export(t, 50))
			if _, err := w.p.Jobs.Pump(ctx); err != nil { // the job reaches River, then is lost
				t.Fatal(err)
			}
			if _, err := w.db.Writer().ExecContext(ctx, `DELETE FROM river_job`); err != nil {
				t.Fatal(err)
			}
			fresh := w.upload(t, w.p, "b.xlsx", export(t, 50))
			// Within the grace period nothing is touched.
			if n, err := w.p.Ingest.FailOrphans(ctx, time.Hour); err != nil || n != 0 {
				t.Fatalf("within grace: %d %v", n, err)
			}
			if n, err := w.p.Ingest.FailOrphans(ctx, 0); err != nil || n != 1 {
				t.Fatalf("orphans ended: %d %v", n, err)
			}
			got, _ := w.st.GetImportBatch(ctx, lost.ID)
			if got.Status != "failed" || !strings.Contains(got.Message, "任务已丢失") || got.FileSize != 0 {
				t.Fatalf("orphan: %s", brief(got))
			}
			if got, _ := w.st.GetImportBatch(ctx, fresh.ID); got.Status != "queued" {
				t.Fatalf("a batch with its job: %s", brief(got))
			}
		})
	}
}

// BenchmarkImportJob imports a 5,000-row export through the job queue (the
// web upload's path: slices, snoozes, polling) into a fresh database per
// run; rows/s is reported.
func BenchmarkImportJob(b *testing.B) {
	const n = 5000
	data := bigExport(n)
	for _, e := range storetest.Engines(b) {
		b.Run(e.Name, func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				b.StopTimer()
				w := newWorldTB(b, e)
				if err := w.p.Start(context.Background()); err != nil {
					b.Fatal(err)
				}
				b.StartTimer()
				bt, err := w.p.Ingest.Upload(context.Background(), w.operator, w.office, w.cmt, ingest.File{Name: "x.xlsx", Data: data})
				if err != nil {
					b.Fatal(err)
				}
				for !bt.Ended() {
					time.Sleep(10 * time.Millisecond)
					if bt, err = w.st.GetImportBatch(context.Background(), bt.ID); err != nil {
						b.Fatal(err)
					}
				}
				b.StopTimer()
				if bt.Imported != n {
					b.Fatalf("imported %d: %s", bt.Imported, brief(bt))
				}
				ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
				w.p.Shutdown(ctx)
				cancel()
				b.StartTimer()
			}
			b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "rows/s")
		})
	}
}
