-- +goose Up
-- The sync page's counts by state counted every case a committee ever sent
-- on each view (issue 17). They are kept here by triggers on every write of
-- smart_sync, as case_counts keeps the case lists' totals.
CREATE TABLE smart_sync_counts (
    committee_id BIGINT NOT NULL,
    state        TEXT NOT NULL,
    n            BIGINT NOT NULL,
    PRIMARY KEY (committee_id, state)
);
INSERT INTO smart_sync_counts (committee_id, state, n)
SELECT committee_id, state, COUNT(*) FROM smart_sync GROUP BY committee_id, state;
-- +goose StatementBegin
CREATE TRIGGER smart_sync_counts_insert AFTER INSERT ON smart_sync
BEGIN
    INSERT INTO smart_sync_counts (committee_id, state, n) VALUES (new.committee_id, new.state, 1)
    ON CONFLICT (committee_id, state) DO UPDATE SET n = n + 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER smart_sync_counts_delete AFTER DELETE ON smart_sync
BEGIN
    UPDATE smart_sync_counts SET n = n - 1 WHERE committee_id = old.committee_id AND state = old.state;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER smart_sync_counts_update AFTER UPDATE OF committee_id, state ON smart_sync
WHEN old.committee_id IS NOT new.committee_id OR old.state IS NOT new.state
BEGIN
    UPDATE smart_sync_counts SET n = n - 1 WHERE committee_id = old.committee_id AND state = old.state;
    INSERT INTO smart_sync_counts (committee_id, state, n) VALUES (new.committee_id, new.state, 1)
    ON CONFLICT (committee_id, state) DO UPDATE SET n = n + 1;
END;
-- +goose StatementEnd

-- +goose Down
DROP TRIGGER smart_sync_counts_update;
DROP TRIGGER smart_sync_counts_delete;
DROP TRIGGER smart_sync_counts_insert;
DROP TABLE smart_sync_counts;
