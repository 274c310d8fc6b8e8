-- +goose Up
-- The clock lists (due=overdue, due=soon, the committee desk's due section,
-- the daily report's counts) read the cases whose clock may be due by a day
-- as ranges on the date each clock starts from (docs/performance.md "Clock
-- lists by index"): received_at while not yet accepted (accepted_at IS
-- NULL), accepted_at, and closed_at for terminated cases. Each is a range
-- scan of one status.
CREATE INDEX cases_status_accepted ON cases (status, accepted_at, received_at);
CREATE INDEX cases_status_closed ON cases (status, closed_at);

-- +goose Down
DROP INDEX cases_status_closed;
DROP INDEX cases_status_accepted;
