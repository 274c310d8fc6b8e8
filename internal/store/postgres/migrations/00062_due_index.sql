-- +goose Up
-- The clock lists (due=overdue, due=soon, the desks' due sections, the
-- daily report's counts) at a million cases computed the clocks of every
-- candidate near its deadline on each request. Each case row now keeps the
-- due date of its urgent legal clock (desk.Urgent), as the day number
-- yyyymmdd, so those lists are a range on an index (docs/performance.md
-- "Clock lists by stored due date", docs/decisions.md "Due dates stored,
-- computed in Go"). See the SQLite migration for the columns.
ALTER TABLE cases ADD COLUMN next_due INTEGER;
ALTER TABLE cases ADD COLUMN due_state SMALLINT NOT NULL DEFAULT 0;
ALTER TABLE cases ADD COLUMN due_mark BIGINT NOT NULL DEFAULT 0;
-- A change of the facts a clock reads marks the case pending in the same
-- transaction: the row's own columns before it is written, an event of a
-- clock type (store.ClockEventTypes) by an update of its case.
-- +goose StatementBegin
CREATE FUNCTION cases_due_facts() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.due_state := 0;
    NEW.next_due := NULL;
    NEW.due_mark := OLD.due_mark + 1;
    RETURN NEW;
END $$;
-- +goose StatementEnd
CREATE TRIGGER cases_due_facts BEFORE UPDATE OF received_at, accepted_at, decided_at, policy_id ON cases
FOR EACH ROW WHEN (OLD.received_at IS DISTINCT FROM NEW.received_at OR OLD.accepted_at IS DISTINCT FROM NEW.accepted_at
    OR OLD.decided_at IS DISTINCT FROM NEW.decided_at OR OLD.policy_id IS DISTINCT FROM NEW.policy_id)
EXECUTE FUNCTION cases_due_facts();
-- +goose StatementBegin
CREATE FUNCTION case_events_due() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE cases SET due_state = 0, next_due = NULL, due_mark = due_mark + 1 WHERE id = NEW.case_id;
    RETURN NULL;
END $$;
-- +goose StatementEnd
CREATE TRIGGER case_events_due AFTER INSERT ON case_events
FOR EACH ROW WHEN (NEW.type IN ('suspend', 'resume', 'start_odr', 'odr_failed', 'odr_settled', 'reach_agreement',
    'withdraw', 'terminate', 'start_performance', 'termination_notice_sent', 'judicial_applied'))
EXECUTE FUNCTION case_events_due();
CREATE INDEX cases_next_due ON cases (next_due, id) INCLUDE (status, org_path, diverted_by_path) WHERE next_due IS NOT NULL AND due_state = 1;
CREATE INDEX cases_room_next_due ON cases (room_id, next_due, id) WHERE next_due IS NOT NULL AND due_state = 1;
CREATE INDEX cases_presiding_next_due ON cases (presiding_id, next_due, id) WHERE next_due IS NOT NULL AND due_state = 1;
-- Pending or floating cases in the statuses where a legal clock can run
-- (store.ClockStatuses, the same list in the same order; storetest checks it).
CREATE INDEX cases_due_unfixed ON cases (id) INCLUDE (due_state, next_due, status, org_path, diverted_by_path, room_id, presiding_id, received_at) WHERE due_state <> 1 AND status IN ('received', 'accepted',
    'odr_negotiating', 'consenting', 'assigned', 'mediating', 'suspended', 'terminated');
CREATE TABLE due_index (
    id         INTEGER PRIMARY KEY CHECK (id = 1),
    rules      TEXT NOT NULL,
    updated_at TIMESTAMPTZ
);
INSERT INTO due_index (id, rules) VALUES (1, '');

-- +goose Down
DROP TABLE due_index;
DROP INDEX cases_due_unfixed;
DROP INDEX cases_presiding_next_due;
DROP INDEX cases_room_next_due;
DROP INDEX cases_next_due;
DROP TRIGGER case_events_due ON case_events;
DROP FUNCTION case_events_due();
DROP TRIGGER cases_due_facts ON cases;
DROP FUNCTION cases_due_facts();
ALTER TABLE cases DROP COLUMN due_mark;
ALTER TABLE cases DROP COLUMN due_state;
ALTER TABLE cases DROP COLUMN next_due;
