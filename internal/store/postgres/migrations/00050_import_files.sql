-- +goose Up
-- An import's file moves out of its batch row: SQLite rewrites a whole row,
-- its large values included, on every update, and each slice of an import
-- updates the batch twice (claim, cursor) — a 20 MB file was written twice
-- per 200 rows. The batch keeps the file's size (0 once dropped).
CREATE TABLE import_files (
    batch_id BIGINT PRIMARY KEY REFERENCES import_batches(id) ON DELETE CASCADE,
    data     BYTEA NOT NULL
);
INSERT INTO import_files (batch_id, data) SELECT id, file FROM import_batches WHERE file IS NOT NULL;
ALTER TABLE import_batches ADD COLUMN file_size BIGINT NOT NULL DEFAULT 0;
UPDATE import_batches SET file_size = length(file), file = NULL WHERE file IS NOT NULL;

-- +goose Down
UPDATE import_batches SET file = (SELECT data FROM import_files f WHERE f.batch_id = import_batches.id);
ALTER TABLE import_batches DROP COLUMN file_size;
DROP TABLE import_files;
