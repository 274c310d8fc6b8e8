-- +goose Up
-- The case lists' walk of a dense scope (sqlstore/caselist.go) reads the
-- newest cases by receipt time, or by one status and receipt time, and tests
-- each case's scope paths. Those paths were in the table only: a row read for
-- every case walked, 0.46 ms for the tenth page of a committee's list at
-- 20,000 cases, 0.21 ms with the paths in the index (docs/performance.md,
-- tenth round). The walk becomes index-only; the number of indexes a write
-- maintains is unchanged.
DROP INDEX cases_received;
CREATE INDEX cases_received ON cases (received_at, id, org_path, diverted_by_path);
DROP INDEX cases_status_received;
CREATE INDEX cases_status_received ON cases (status, received_at, id, org_path, diverted_by_path);

-- +goose Down
DROP INDEX cases_status_received;
CREATE INDEX cases_status_received ON cases (status, received_at);
DROP INDEX cases_received;
CREATE INDEX cases_received ON cases (received_at);
