-- +goose Up
-- A mediator's load (the open cases they preside over: "在办 N 件" on the
-- case page, the least-loaded chooser, the alerts) was a COUNT over the
-- cases table, growing with the cases (4,000 rows per mediator at 1M). It is
-- now a counter per mediator, a projection of the cases table kept by
-- triggers, so every write path (intake, imports, assignment, transitions,
-- demo seeding, hand-written SQL) updates it in the same transaction as the
-- case (docs/decisions.md "Mediator loads by trigger"). A test recounts it.
CREATE TABLE mediator_loads (
    user_id    INTEGER PRIMARY KEY,
    open_cases INTEGER NOT NULL
);
-- The statuses that count: domain.Status.Open() except received, the same
-- set in Go (storetest checks it). Written once here for the triggers and
-- the backfill; changing it means recounting (the INSERT at the end) in the
-- same migration.
CREATE VIEW mediator_load_statuses (status) AS
    VALUES ('accepted'), ('odr_negotiating'), ('consenting'), ('assigned'), ('mediating'),
           ('suspended'), ('agreed'), ('performing');
-- +goose StatementBegin
CREATE TRIGGER mediator_loads_insert AFTER INSERT ON cases
WHEN new.presiding_id IS NOT NULL AND new.status IN (SELECT status FROM mediator_load_statuses)
BEGIN
    INSERT INTO mediator_loads (user_id, open_cases) VALUES (new.presiding_id, 1)
    ON CONFLICT (user_id) DO UPDATE SET open_cases = open_cases + 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER mediator_loads_delete AFTER DELETE ON cases
WHEN old.presiding_id IS NOT NULL AND old.status IN (SELECT status FROM mediator_load_statuses)
BEGIN
    UPDATE mediator_loads SET open_cases = open_cases - 1 WHERE user_id = old.presiding_id;
END;
-- +goose StatementEnd
-- Most transitions move between two open statuses: the WHEN skips them
-- before the body looks at the list.
-- +goose StatementBegin
CREATE TRIGGER mediator_loads_update AFTER UPDATE OF status, presiding_id ON cases
WHEN old.status IS NOT new.status OR old.presiding_id IS NOT new.presiding_id
BEGIN
    UPDATE mediator_loads SET open_cases = open_cases - 1
    WHERE user_id = old.presiding_id AND old.status IN (SELECT status FROM mediator_load_statuses);
    INSERT INTO mediator_loads (user_id, open_cases)
    SELECT new.presiding_id, 1 WHERE new.presiding_id IS NOT NULL AND new.status IN (SELECT status FROM mediator_load_statuses)
    ON CONFLICT (user_id) DO UPDATE SET open_cases = open_cases + 1;
END;
-- +goose StatementEnd
INSERT INTO mediator_loads (user_id, open_cases)
SELECT presiding_id, COUNT(*) FROM cases
WHERE presiding_id IS NOT NULL AND status IN (SELECT status FROM mediator_load_statuses)
GROUP BY presiding_id;

-- +goose Down
DROP TRIGGER mediator_loads_update;
DROP TRIGGER mediator_loads_delete;
DROP TRIGGER mediator_loads_insert;
DROP VIEW mediator_load_statuses;
DROP TABLE mediator_loads;
