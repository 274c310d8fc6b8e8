-- +goose Up
-- The sync page lists a committee's cases as sent to the smart-mediation
-- platform a page at a time, the newest updated first, in one state or all:
-- by these indexes, not by sorting every case ever sent after a count of
-- them all (issue 17).
CREATE INDEX smart_sync_updated ON smart_sync (committee_id, updated_at, case_id);
CREATE INDEX smart_sync_state_updated ON smart_sync (committee_id, state, updated_at, case_id);

-- +goose Down
DROP INDEX smart_sync_state_updated;
DROP INDEX smart_sync_updated;
