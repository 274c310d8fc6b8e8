-- +goose Up
-- Warnings are read a page at a time, newest raised first: by status (the
-- page's filter, open by default) or all of them. The index on
-- (unit_path, status, level) left the order to a sort of every warning in
-- the reader's scope over the years, and drew the planners to it; the
-- counts by level of the open ones read (status, unit_path, level) instead
-- (issue 17).
CREATE INDEX warnings_status_raised ON warnings (status, raised_at, id);
CREATE INDEX warnings_raised ON warnings (raised_at, id);
CREATE INDEX warnings_status_unit ON warnings (status, unit_path, level);
DROP INDEX warnings_unit;

-- +goose Down
CREATE INDEX warnings_unit ON warnings (unit_path, status, level);
DROP INDEX warnings_status_unit;
DROP INDEX warnings_raised;
DROP INDEX warnings_status_raised;
