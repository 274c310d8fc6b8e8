-- +goose Up
-- Daily reports (日报): one row per unit (a committee or a room) and report
-- day, with the figures frozen as JSON, the room lead's remarks and the
-- submission. The unique index makes drafting idempotent: two instances
-- drafting the same report at once leave one row.
CREATE TABLE daily_reports (
    id           BIGSERIAL PRIMARY KEY,
    unit_id      BIGINT NOT NULL,
    day          TEXT NOT NULL,
    span_from    TEXT NOT NULL,
    span_to      TEXT NOT NULL,
    figures      TEXT NOT NULL,
    remarks      TEXT NOT NULL DEFAULT '',
    state        TEXT NOT NULL DEFAULT 'draft',
    submitted_by BIGINT NOT NULL DEFAULT 0,
    submitted_at TIMESTAMPTZ,
    drafted_at   TIMESTAMPTZ NOT NULL,
    updated_at   TIMESTAMPTZ NOT NULL
);
CREATE UNIQUE INDEX daily_reports_unit_day ON daily_reports (unit_id, day);
CREATE INDEX daily_reports_day ON daily_reports (day, unit_id);

-- +goose Down
DROP TABLE daily_reports;
