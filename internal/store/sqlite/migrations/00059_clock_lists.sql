-- +goose Up
-- The clock lists (due=overdue, due=soon, the committee desk's due section,
-- the daily report's counts) read the cases whose clock may be due by a day
-- as ranges on the date each clock starts from (docs/performance.md "Clock
-- lists by index"): received_at while not yet accepted (accepted_at IS
-- NULL), accepted_at, and closed_at for terminated cases, one status at a
-- time. The paths ride along so that the scope is tested in the index: only
-- the candidates in scope are read from the table. A terminated case is left
-- out once its termination notice is recorded; the partial index answers
-- that per case without reading its events.
CREATE INDEX cases_status_accepted ON cases (status, accepted_at, received_at, org_path, diverted_by_path);
CREATE INDEX cases_status_closed ON cases (status, closed_at, org_path, diverted_by_path);
CREATE INDEX case_events_notice ON case_events (case_id) WHERE type = 'termination_notice_sent';
-- The clocks of the candidates come from their events of the types that
-- start, stop or pause a clock (store.ClockEventTypes, the same list in the
-- same order): a covering index of those alone, so the lists read neither
-- the other events nor the log's notes and data.
CREATE INDEX case_events_clock ON case_events (case_id, seq, type, at) WHERE type IN ('suspend', 'resume', 'start_odr',
    'odr_failed', 'odr_settled', 'reach_agreement', 'withdraw', 'terminate', 'start_performance', 'termination_notice_sent', 'judicial_applied');

-- +goose Down
DROP INDEX case_events_clock;
DROP INDEX case_events_notice;
DROP INDEX cases_status_closed;
DROP INDEX cases_status_accepted;
