-- +goose Up
-- 催报: the committee chases a unit whose daily report is missing past the
-- deadline; the last chase and how many there were stay on the report.
ALTER TABLE daily_reports ADD COLUMN chased_at TIMESTAMPTZ;
ALTER TABLE daily_reports ADD COLUMN chased_by BIGINT NOT NULL DEFAULT 0;
ALTER TABLE daily_reports ADD COLUMN chases INTEGER NOT NULL DEFAULT 0;

-- +goose Down
ALTER TABLE daily_reports DROP COLUMN chases;
ALTER TABLE daily_reports DROP COLUMN chased_by;
ALTER TABLE daily_reports DROP COLUMN chased_at;
