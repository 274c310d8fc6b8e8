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
CREATE FUNCTION smart_sync_counts_moved() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        UPDATE smart_sync_counts SET n = n - 1 WHERE committee_id = OLD.committee_id AND state = OLD.state;
    END IF;
    IF TG_OP IN ('UPDATE', 'INSERT') THEN
        INSERT INTO smart_sync_counts AS k (committee_id, state, n) VALUES (NEW.committee_id, NEW.state, 1)
        ON CONFLICT (committee_id, state) DO UPDATE SET n = k.n + 1;
    END IF;
    RETURN NULL;
END $$;
-- +goose StatementEnd
CREATE TRIGGER smart_sync_counts_insert AFTER INSERT ON smart_sync
FOR EACH ROW EXECUTE FUNCTION smart_sync_counts_moved();
CREATE TRIGGER smart_sync_counts_delete AFTER DELETE ON smart_sync
FOR EACH ROW EXECUTE FUNCTION smart_sync_counts_moved();
CREATE TRIGGER smart_sync_counts_update AFTER UPDATE OF committee_id, state ON smart_sync
FOR EACH ROW WHEN (OLD.committee_id IS DISTINCT FROM NEW.committee_id OR OLD.state IS DISTINCT FROM NEW.state)
EXECUTE FUNCTION smart_sync_counts_moved();

-- +goose Down
DROP TRIGGER smart_sync_counts_update ON smart_sync;
DROP TRIGGER smart_sync_counts_delete ON smart_sync;
DROP TRIGGER smart_sync_counts_insert ON smart_sync;
DROP FUNCTION smart_sync_counts_moved();
DROP TABLE smart_sync_counts;
