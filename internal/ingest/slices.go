package ingest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"math/bits"
	"time"

	"github.com/tiaojie/tiaojie/internal/auth"
	"github.com/tiaojie/tiaojie/internal/domain"
	"github.com/tiaojie/tiaojie/internal/importer"
	"github.com/tiaojie/tiaojie/internal/store"
)

// Slice bounds one run of an import job. A run commits its rows in
// transactions of TxRows (each with the advanced cursor) and stops after
// Rows rows or Time, whichever comes first, so no attempt runs anywhere
// near the queue's rescue time.
type Slice struct {
	Rows   int           // rows per run; default 20,000
	Time   time.Duration // time per run; default 20 s
	TxRows int           // rows per transaction; default 1,000
}

func (l Slice) withDefaults() Slice {
	if l.Rows <= 0 {
		l.Rows = 20000
	}
	if l.Time <= 0 {
		l.Time = 20 * time.Second
	}
	if l.TxRows <= 0 {
		// Each transaction rewrites the index pages its rows land on
		// (random places in the case table's date-ordered indexes, once
		// per page in the statement journal, the WAL and the file): 1,000
		// rows share more pages than 200. SQLite, 100,000 varied rows,
		// with the 1,000-row statements of InsertCases: 64-69 -> 34.7-36.3 s
		// (docs/performance.md). A transaction holds the single writer
		// about 0.35 s, what a complaint filed during an import may wait.
		l.TxRows = 1000
	}
	return l
}

// refreshDue reports whether moving a batch's cursor from before to after
// passed 1, 2, 4, 8, … transactions' worth of rows: the tables an import
// grows get fresh planner statistics after its first transaction and then
// each time the import has doubled, a handful of times per file.
func refreshDue(before, after, txRows int) bool {
	return bits.Len(uint(before/txRows)) < bits.Len(uint(after/txRows))
}

// errNoBatch: the batch is gone; its job has nothing to do.
var errNoBatch = errors.New("import batch not found")

// Work runs one job's worth of slices of a batch: it stops when the batch
// ends (ended true) or at the Slice bounds. end, when given, runs in the
// transaction that ends the batch, or finds it ended (the job completes
// there). progress learns the cursor after each transaction.
func (s *Service) Work(ctx context.Context, id int64, progress Progress, end func(tx store.Store) error) (store.ImportBatch, bool, error) {
	lim := s.Slice.withDefaults()
	began := time.Now()
	rows := 0
	for {
		b, n, err := s.step(ctx, id, min(lim.TxRows, lim.Rows-rows), end)
		if err != nil {
			return b, false, err
		}
		rows += n
		if n > 0 && refreshDue(b.Done-n, b.Done, lim.TxRows) {
			// Advisory: a failed refresh only leaves the plans as they were.
			_ = s.Store.RefreshCaseStatistics(ctx)
		}
		if progress != nil && b.Total > 0 {
			progress(b.Done, b.Total)
		}
		if b.Ended() {
			return b, true, nil
		}
		if rows >= lim.Rows || time.Since(began) >= lim.Time {
			return b, false, nil
		}
	}
}

// step is one transaction: check the file (a queued batch), or import up to
// max rows from the cursor and move the cursor past them, or end the batch.
func (s *Service) step(ctx context.Context, id int64, max int, end func(tx store.Store) error) (b store.ImportBatch, n int, err error) {
	f := s.take(id)
	var claimed store.ImportBatch // as committed: what a failed step reports
	defer func() {
		if err != nil {
			b, n = claimed, 0
			if b.ID == 0 { // not even claimed: read what is committed
				b, _ = s.Store.GetImportBatch(context.WithoutCancel(ctx), id)
			}
		}
		// A rolled-back slice leaves the reader ahead of the cursor.
		s.release(id, f, err != nil || b.Ended())
	}()
	// A slice writes hundreds of rows in one transaction that no user
	// waits on: a bulk write (SQLite journals its statements on file).
	err = s.Store.InTx(store.WithBulkWrites(ctx), func(tx store.Store) error {
		var err error
		b, err = tx.ClaimImportBatch(ctx, id, s.now())
		if errors.Is(err, store.ErrNotFound) {
			return errNoBatch
		} else if err != nil {
			return err
		}
		claimed = b
		// A failed batch that still has its file failed for a passing
		// reason; its job, retried by an administrator, resumes it.
		if b.Status == "done" || b.Status == "failed" && b.FileSize == 0 {
			if end != nil {
				return end(tx)
			}
			return nil
		}
		if err := f.load(ctx, tx, id); err != nil {
			return err
		}
		if b.Total == 0 {
			return s.check(ctx, tx, f, &b, end)
		}
		n, err = s.rows(ctx, tx, f, &b, max, end)
		return err
	})
	return b, n, err
}

// check reads the whole file once before anything is written: a file that
// cannot be read fails the batch with nothing imported.
func (s *Service) check(ctx context.Context, tx store.Store, f *openFile, b *store.ImportBatch, end func(tx store.Store) error) error {
	r, err := s.open(f.data, b.Filename)
	if err != nil {
		return s.fail(ctx, tx, b, "文件无法读取："+err.Error(), end)
	}
	defer r.Close()
	total := 0
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		err := r.Skip() // counted here, parsed when imported
		if err == io.EOF {
			break
		}
		if err != nil {
			return s.fail(ctx, tx, b, "文件无法读取："+err.Error(), end)
		}
		total++
	}
	if total == 0 {
		return s.fail(ctx, tx, b, "文件中没有投诉记录", end)
	}
	b.Status, b.Total, b.Header, b.Message = "running", total, r.Header(), ""
	return tx.SaveImportBatch(ctx, *b, 0)
}

// rows imports up to max rows from the cursor, then saves the cursor with
// them; at the end of the file it ends the batch in the same transaction.
func (s *Service) rows(ctx context.Context, tx store.Store, f *openFile, b *store.ImportBatch, max int, end func(tx store.Store) error) (int, error) {
	from := b.Done
	if err := f.seek(s, b.Filename, from); err != nil {
		return 0, s.fail(ctx, tx, b, fmt.Sprintf("文件无法再次读取（%v）", err), end)
	}
	office, err := tx.GetOrgUnit(ctx, b.OfficeID)
	if err != nil {
		return 0, fmt.Errorf("office of import batch %d: %w", b.ID, err)
	}
	machine := &auth.Principal{UserID: b.UploadedBy, DisplayName: "12315导入（" + office.Name + "）",
		Bindings: []store.Binding{{Role: domain.RoleRegulator, OrgID: office.ID, OrgPath: office.Path, OrgName: office.Name}}}
	in := s.Intake.ForBatch() // one actor for the slice: placed once
	in.Store, in.Duplicates = tx, nil
	if s.Dedup != nil {
		in.Duplicates = s.Dedup(tx)
	}
	b.Status, b.Message = "running", ""
	// Read the slice's rows first (at most max, or on to the end of the file
	// once past the counted total), then import them together.
	var read []seqRow
	var readErr error
	eof, n := false, 0
	for n < max || b.Done >= b.Total {
		if err := ctx.Err(); err != nil {
			return n, err
		}
		row, err := f.r.Next()
		if err == io.EOF {
			eof = true
			break
		}
		if err != nil {
			readErr = err
			break
		}
		f.pos++
		n++
		b.Done, b.LastLine = b.Done+1, row.Line
		read = append(read, seqRow{seq: b.Done, row: row})
	}
	errs, err := s.importRows(ctx, tx, in, machine, read, b)
	if err != nil {
		return n, err
	}
	if err := tx.AddImportRowErrors(ctx, b.ID, errs); err != nil {
		return n, err
	}
	switch {
	case readErr != nil:
		return n, s.failFrom(ctx, tx, b, from, fmt.Sprintf("文件第 %d 行之后的内容无法读取（%v）", b.LastLine, readErr), end)
	case eof:
		return n, s.finish(ctx, tx, b, from, end)
	}
	now := s.now()
	b.Heartbeat = &now
	return n, tx.SaveImportBatch(ctx, *b, from)
}

// finish ends a batch that reached the end of its file.
func (s *Service) finish(ctx context.Context, tx store.Store, b *store.ImportBatch, from int, end func(tx store.Store) error) error {
	b.Status = "done"
	return s.conclude(ctx, tx, b, from, end)
}

// fail ends a batch that cannot go on, at its cursor.
func (s *Service) fail(ctx context.Context, tx store.Store, b *store.ImportBatch, why string, end func(tx store.Store) error) error {
	return s.failFrom(ctx, tx, b, b.Done, why, end)
}

func (s *Service) failFrom(ctx context.Context, tx store.Store, b *store.ImportBatch, from int, why string, end func(tx store.Store) error) error {
	b.Status, b.Message = "failed", StoppedMessage(*b, why)+"重新上传同一文件即可继续：已导入的投诉会自动跳过。"
	return s.conclude(ctx, tx, b, from, end)
}

// conclude saves an ended batch with the report of its failed rows and drops
// its file.
func (s *Service) conclude(ctx context.Context, tx store.Store, b *store.ImportBatch, from int, end func(tx store.Store) error) error {
	if b.Failed > 0 {
		rep, err := s.report(ctx, tx, *b)
		if err != nil {
			return err
		}
		b.Report = rep
	}
	now := s.now()
	b.Heartbeat, b.Finished = &now, &now
	if err := tx.SaveImportBatch(ctx, *b, from); err != nil {
		return err
	}
	if err := tx.DropImportFile(ctx, b.ID); err != nil {
		return err
	}
	if end != nil {
		return end(tx)
	}
	return nil
}

// report writes the failed rows recorded so far as an .xlsx, reading them
// a page at a time into the report's stream: a file whose every row failed
// is not held in memory.
func (s *Service) report(ctx context.Context, tx store.Store, b store.ImportBatch) ([]byte, error) {
	w, err := importer.NewReportWriter(b.Header)
	if err != nil {
		return nil, err
	}
	defer w.Close()
	for after := 0; ; {
		errs, err := tx.ListImportRowErrors(ctx, b.ID, after, store.MaxPage)
		if err != nil {
			return nil, err
		}
		for _, e := range errs {
			if err := w.Add(importer.Row{Raw: e.Cells, Err: e.Reason}); err != nil {
				return nil, fmt.Errorf("import report: %w", err)
			}
			after = e.Seq
		}
		if len(errs) < store.MaxPage {
			break
		}
	}
	var buf bytes.Buffer
	if _, err := w.WriteTo(&buf); err != nil {
		return nil, fmt.Errorf("import report: %w", err)
	}
	return buf.Bytes(), nil
}

// StoppedMessage says in Chinese where an import stopped and what it had
// done by then: the rows before the cursor are in, the rest are not.
func StoppedMessage(b store.ImportBatch, why string) string {
	if b.Done == 0 {
		return "导入失败：" + why + "。未写入任何数据。"
	}
	where := ""
	if b.LastLine > 0 {
		where = fmt.Sprintf("（已处理到文件第 %d 行）", b.LastLine)
	}
	of := ""
	if b.Total > 0 {
		of = fmt.Sprintf("，共 %d 条", b.Total)
	}
	return fmt.Sprintf("导入在第 %d 条记录处停止%s%s：%s。此前的 %d 条已处理并保存：新增 %d，更新 %d，未变跳过 %d，失败 %d；其后的记录未导入。",
		b.Done+1, where, of, why, b.Done, b.Imported, b.Updated, b.Skipped, b.Failed)
}

func (s *Service) open(data []byte, name string) (*importer.Reader, error) {
	r, err := importer.Open(bytes.NewReader(data), int64(len(data)), name)
	if err != nil {
		return nil, err
	}
	r.Now = s.now
	return r, nil
}
