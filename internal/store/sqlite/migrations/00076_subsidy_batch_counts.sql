-- +goose Up
-- A batch's count of lines and of cases that failed a gate, kept on the
-- batch when they are written: the batches' list (今日, 补贴) counted every
-- batch's lines on each view, every closed case of the committees' years
-- (issue 17).
ALTER TABLE subsidy_batches ADD COLUMN line_count INTEGER NOT NULL DEFAULT 0;
ALTER TABLE subsidy_batches ADD COLUMN failure_count INTEGER NOT NULL DEFAULT 0;
UPDATE subsidy_batches SET
    line_count = (SELECT COUNT(*) FROM subsidy_lines l WHERE l.batch_id = subsidy_batches.id),
    failure_count = (SELECT COUNT(*) FROM subsidy_failures f WHERE f.batch_id = subsidy_batches.id);

-- +goose Down
ALTER TABLE subsidy_batches DROP COLUMN failure_count;
ALTER TABLE subsidy_batches DROP COLUMN line_count;
