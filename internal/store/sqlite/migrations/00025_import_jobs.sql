-- +goose Up
-- A 12315 import runs as a job in slices (internal/ingest): the batch keeps
-- the uploaded file, so any instance can resume it, and a cursor (rows_done,
-- with the counts so far) that moves only in the transaction that writes the
-- rows it covers. The file is dropped when the batch ends.
ALTER TABLE import_batches ADD COLUMN file BLOB;
ALTER TABLE import_batches ADD COLUMN header TEXT NOT NULL DEFAULT '[]';
ALTER TABLE import_batches ADD COLUMN rows_done INTEGER NOT NULL DEFAULT 0;
ALTER TABLE import_batches ADD COLUMN last_line INTEGER NOT NULL DEFAULT 0;
ALTER TABLE import_batches ADD COLUMN heartbeat_at TIMESTAMP;
CREATE INDEX import_batches_active ON import_batches(status) WHERE status IN ('queued', 'running');

-- The failed rows of a batch still running, for its report at the end.
CREATE TABLE import_row_errors (
    batch_id INTEGER NOT NULL REFERENCES import_batches(id) ON DELETE CASCADE,
    seq      INTEGER NOT NULL, -- the row's ordinal among the file's records
    cells    TEXT NOT NULL,    -- JSON array of the original cells
    reason   TEXT NOT NULL,
    PRIMARY KEY (batch_id, seq)
);

-- Imports started by earlier versions ran in a goroutine: one still
-- "running" now was lost in a restart and can never finish.
UPDATE import_batches SET status = 'failed', finished_at = CURRENT_TIMESTAMP,
    rows_done = imported + updated + skipped + failed,
    message = '导入在升级前被中断（旧版本的导入不能续传）。中断前已处理 ' || (imported + updated + skipped + failed) ||
        ' 条记录；请重新上传同一文件，已导入的投诉会自动跳过。'
WHERE status = 'running';

-- +goose Down
DROP TABLE import_row_errors;
DROP INDEX import_batches_active;
ALTER TABLE import_batches DROP COLUMN heartbeat_at;
ALTER TABLE import_batches DROP COLUMN last_line;
ALTER TABLE import_batches DROP COLUMN rows_done;
ALTER TABLE import_batches DROP COLUMN header;
ALTER TABLE import_batches DROP COLUMN file;
