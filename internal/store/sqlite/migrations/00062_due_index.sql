-- +goose Up
-- The clock lists (due=overdue, due=soon, the desks' due sections, the
-- daily report's counts) at a million cases computed the clocks of every
-- candidate near its deadline on each request (~45,000 at 1M, 0.3-13 s).
-- Each case row now keeps the due date of its urgent legal clock
-- (desk.Urgent), as the day number yyyymmdd, so those lists are a range on
-- an index (docs/performance.md "Clock lists by stored due date",
-- docs/decisions.md "Due dates stored, computed in Go").
--
-- due_state: 0 pending (the facts changed; computed by the refresher,
-- internal/desk RefreshDue), 1 fixed (next_due is the date, NULL when no
-- legal clock runs), 2 floats (a running clock is suspended: its date moves
-- later with each day, so it is computed when read; next_due is the date as
-- of the refresh, a lower bound). due_mark counts the changes of
-- the facts: the refresher stores a value only if the mark is still the one
-- it read.
ALTER TABLE cases ADD COLUMN next_due INTEGER;
ALTER TABLE cases ADD COLUMN due_state INTEGER NOT NULL DEFAULT 0;
ALTER TABLE cases ADD COLUMN due_mark INTEGER NOT NULL DEFAULT 0;
-- The facts a clock reads (deadline.Facts, Rules.PolicyFor): these columns
-- and the events of the types in store.ClockEventTypes. Triggers make every
-- write path (services, imports, demo seeding, hand-written SQL) mark the
-- case pending in the transaction that changes them.
-- +goose StatementBegin
CREATE TRIGGER cases_due_facts AFTER UPDATE OF received_at, accepted_at, decided_at, policy_id ON cases
WHEN old.received_at IS NOT new.received_at OR old.accepted_at IS NOT new.accepted_at
  OR old.decided_at IS NOT new.decided_at OR old.policy_id IS NOT new.policy_id
BEGIN
    UPDATE cases SET due_state = 0, next_due = NULL, due_mark = due_mark + 1 WHERE id = new.id;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER case_events_due AFTER INSERT ON case_events
WHEN new.type IN ('suspend', 'resume', 'start_odr', 'odr_failed', 'odr_settled', 'reach_agreement', 'withdraw',
    'terminate', 'start_performance', 'termination_notice_sent', 'judicial_applied')
BEGIN
    UPDATE cases SET due_state = 0, next_due = NULL, due_mark = due_mark + 1 WHERE id = new.case_id;
END;
-- +goose StatementEnd
-- The lists walk the fixed dates in order with the scope and status riding
-- along; a room's and a mediator's lists have their own.
CREATE INDEX cases_next_due ON cases (next_due, id, status, org_path, diverted_by_path) WHERE next_due IS NOT NULL AND due_state = 1;
CREATE INDEX cases_room_next_due ON cases (room_id, next_due, id) WHERE next_due IS NOT NULL AND due_state = 1;
CREATE INDEX cases_presiding_next_due ON cases (presiding_id, next_due, id) WHERE next_due IS NOT NULL AND due_state = 1;
-- The cases computed on read (pending or floating) in the statuses where a
-- legal clock can run (store.ClockStatuses, the same list in the same order;
-- storetest checks it): few, except just after this migration, when every
-- open case is pending until the first refresh. The lists' filters ride
-- along, so that only the rows that pass them are read from the table (the
-- floating cases are scattered over a large file).
CREATE INDEX cases_due_unfixed ON cases (id, due_state, next_due, status, org_path, diverted_by_path, room_id, presiding_id, received_at) WHERE due_state <> 1 AND status IN ('received', 'accepted',
    'odr_negotiating', 'consenting', 'assigned', 'mediating', 'suspended', 'terminated');
-- The rules (calendar and policies, digested) the fixed dates were computed
-- under: when they differ from today's, the lists compute every clock, as
-- before, until the refresher has recomputed them all.
CREATE TABLE due_index (
    id         INTEGER PRIMARY KEY CHECK (id = 1),
    rules      TEXT NOT NULL,
    updated_at TIMESTAMP
);
INSERT INTO due_index (id, rules) VALUES (1, '');

-- +goose Down
DROP TABLE due_index;
DROP INDEX cases_due_unfixed;
DROP INDEX cases_presiding_next_due;
DROP INDEX cases_room_next_due;
DROP INDEX cases_next_due;
DROP TRIGGER case_events_due;
DROP TRIGGER cases_due_facts;
ALTER TABLE cases DROP COLUMN due_mark;
ALTER TABLE cases DROP COLUMN due_state;
ALTER TABLE cases DROP COLUMN next_due;
