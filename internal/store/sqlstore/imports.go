package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/tiaojie/tiaojie/internal/store"
)

// batchCols are a batch's columns without the report; the file is in
// import_files, its size (0 once dropped) in the row.
const batchCols = `id, committee_id, COALESCE(office_id, 0), filename, COALESCE(uploaded_by, 0), status, total, rows_done, last_line,
	imported, updated, skipped, failed, message, header, file_size, started_at, heartbeat_at, finished_at`

func scanBatch(row interface{ Scan(...any) error }, extra ...any) (store.ImportBatch, error) {
	var b store.ImportBatch
	var header string
	var beat, fin sql.NullTime
	dst := append([]any{&b.ID, &b.CommitteeID, &b.OfficeID, &b.Filename, &b.UploadedBy, &b.Status, &b.Total, &b.Done, &b.LastLine,
		&b.Imported, &b.Updated, &b.Skipped, &b.Failed, &b.Message, &header, &b.FileSize, &b.Started, &beat, &fin}, extra...)
	if err := row.Scan(dst...); err != nil {
		return b, err
	}
	b.Started, b.Heartbeat, b.Finished = b.Started.UTC(), timePtr(beat), timePtr(fin)
	if err := json.Unmarshal([]byte(header), &b.Header); err != nil {
		return b, fmt.Errorf("import batch %d header: %w", b.ID, err)
	}
	return b, nil
}

func (db *DB) CreateImportBatch(ctx context.Context, b *store.ImportBatch) error {
	if b.Started.IsZero() {
		b.Started = time.Now()
	}
	b.Started = b.Started.UTC()
	if b.Status == "" {
		b.Status = "queued"
	}
	header, _ := json.Marshal(nonNil(b.Header))
	err := unwrapTx(db.tx(ctx, "", func(t *wtx) error {
		if err := t.QueryRowContext(ctx, `INSERT INTO import_batches (committee_id, office_id, filename, uploaded_by, status, started_at, file_size, header)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`, b.CommitteeID, nullInt(b.OfficeID), b.Filename, nullInt(b.UploadedBy),
			b.Status, b.Started, int64(len(b.File)), string(header)).Scan(&b.ID); err != nil {
			return err
		}
		if b.File == nil {
			return nil
		}
		// The file lives apart from the batch row (see migration 00050).
		_, err := t.ExecContext(ctx, `INSERT INTO import_files (batch_id, data) VALUES ($1, $2)`, b.ID, b.File)
		return err
	}))
	b.FileSize = int64(len(b.File))
	return db.wrap("create import batch", err)
}

func (db *DB) GetImportBatch(ctx context.Context, id int64) (store.ImportBatch, error) {
	var report []byte
	b, err := scanBatch(db.read().QueryRowContext(ctx, `SELECT `+batchCols+`, report FROM import_batches WHERE id = $1`, id), &report)
	b.Report = report
	return b, db.wrap("get import batch", err)
}

func (db *DB) GetImportFile(ctx context.Context, id int64) ([]byte, error) {
	var file []byte
	err := db.read().QueryRowContext(ctx, `SELECT f.data FROM import_batches b LEFT JOIN import_files f ON f.batch_id = b.id WHERE b.id = $1`, id).Scan(&file)
	return file, db.wrap("get import file", err)
}

func (db *DB) ClaimImportBatch(ctx context.Context, id int64, at time.Time) (store.ImportBatch, error) {
	var b store.ImportBatch
	// An update, not a read: it takes the row lock (PostgreSQL) or the write
	// lock (SQLite) that serialises slices of the batch.
	err := db.writeRow(ctx, func(q rowQuerier) error {
		var err error
		b, err = scanBatch(q.QueryRowContext(ctx, `UPDATE import_batches SET heartbeat_at = $1 WHERE id = $2 RETURNING `+batchCols, at.UTC(), id))
		return err
	})
	return b, db.wrap("claim import batch", err)
}

func (db *DB) SaveImportBatch(ctx context.Context, b store.ImportBatch, expectDone int) error {
	var fin *time.Time
	if b.Ended() {
		t := time.Now().UTC()
		if b.Finished != nil {
			t = b.Finished.UTC()
		}
		fin = &t
	}
	beat := time.Now().UTC()
	if b.Heartbeat != nil {
		beat = b.Heartbeat.UTC()
	}
	header, _ := json.Marshal(nonNil(b.Header))
	res, err := db.writeOn("import", b.ID).ExecContext(ctx, `UPDATE import_batches SET status = $1, total = $2, rows_done = $3,
		last_line = $4, imported = $5, updated = $6, skipped = $7, failed = $8, message = $9, header = $10, report = $11,
		heartbeat_at = $12, finished_at = $13 WHERE id = $14 AND rows_done = $15`,
		b.Status, b.Total, b.Done, b.LastLine, b.Imported, b.Updated, b.Skipped, b.Failed, storableText(b.Message), string(header), b.Report,
		beat, nullTime(fin), b.ID, expectDone)
	if err == nil {
		var n int64
		if n, err = res.RowsAffected(); err == nil && n == 0 {
			err = db.primary().QueryRowContext(ctx, `SELECT id FROM import_batches WHERE id = $1`, b.ID).Scan(new(int64))
			if err == nil {
				err = store.ErrStale // another worker moved the cursor
			}
		}
	}
	return db.wrap("save import batch", err)
}

// storableText is s as both engines store text: reasons and messages may
// quote a damaged file's bytes, and PostgreSQL refuses NUL and invalid UTF-8.
func storableText(s string) string {
	return strings.ReplaceAll(strings.ToValidUTF8(s, "\uFFFD"), "\x00", "")
}

func (db *DB) DropImportFile(ctx context.Context, id int64) error {
	return db.tx(ctx, "drop import file", func(tx *wtx) error {
		tx.about("import", id)
		res, err := tx.ExecContext(ctx, `UPDATE import_batches SET file_size = 0 WHERE id = $1`, id)
		if err := mustAffect(res, err); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM import_files WHERE batch_id = $1`, id); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `DELETE FROM import_row_errors WHERE batch_id = $1`, id)
		return err
	})
}

func (db *DB) AddImportRowErrors(ctx context.Context, batchID int64, errs []store.ImportRowError) error {
	if len(errs) == 0 {
		return nil
	}
	return db.tx(ctx, "record import row errors", func(tx *wtx) error {
		tx.about("import", batchID)
		for _, e := range errs {
			cells, _ := json.Marshal(nonNil(e.Cells))
			if _, err := tx.ExecContext(ctx, `INSERT INTO import_row_errors (batch_id, seq, cells, reason) VALUES ($1, $2, $3, $4)`,
				batchID, e.Seq, string(cells), storableText(e.Reason)); err != nil {
				return err
			}
		}
		return nil
	})
}

func (db *DB) ListImportRowErrors(ctx context.Context, batchID int64, afterSeq, limit int) ([]store.ImportRowError, error) {
	if err := (store.Paging{Limit: limit}).Check(); err != nil {
		return nil, fmt.Errorf("list import row errors: %w", err)
	}
	rows, err := db.read().QueryContext(ctx, `SELECT seq, cells, reason FROM import_row_errors WHERE batch_id = $1 AND seq > $2 ORDER BY seq LIMIT $3`,
		batchID, afterSeq, limit)
	if err != nil {
		return nil, db.wrap("list import row errors", err)
	}
	defer rows.Close()
	var out []store.ImportRowError
	for rows.Next() {
		var e store.ImportRowError
		var cells string
		if err := rows.Scan(&e.Seq, &cells, &e.Reason); err != nil {
			return nil, db.wrap("scan import row error", err)
		}
		if err := json.Unmarshal([]byte(cells), &e.Cells); err != nil {
			return nil, fmt.Errorf("import row error %d/%d cells: %w", batchID, e.Seq, err)
		}
		out = append(out, e)
	}
	return out, db.wrap("list import row errors", rows.Err())
}

func (db *DB) ListImportBatches(ctx context.Context, committeeID int64, limit int) ([]store.ImportBatch, error) {
	if limit <= 0 || limit > 500 {
		limit = 50
	}
	return db.listBatches(ctx, "list import batches", `SELECT `+batchCols+` FROM import_batches WHERE committee_id = $1 ORDER BY id DESC LIMIT $2`,
		committeeID, limit)
}

func (db *DB) ListActiveImportBatches(ctx context.Context) ([]store.ImportBatch, error) {
	return db.listBatches(ctx, "list active import batches", `SELECT `+batchCols+` FROM import_batches WHERE status IN ('queued', 'running') ORDER BY id`)
}

func (db *DB) listBatches(ctx context.Context, what, query string, args ...any) ([]store.ImportBatch, error) {
	rows, err := db.read().QueryContext(ctx, query, args...)
	if err != nil {
		return nil, db.wrap(what, err)
	}
	defer rows.Close()
	var out []store.ImportBatch
	for rows.Next() {
		b, err := scanBatch(rows)
		if err != nil {
			return nil, db.wrap("scan import batch", err)
		}
		out = append(out, b)
	}
	return out, db.wrap(what, rows.Err())
}
