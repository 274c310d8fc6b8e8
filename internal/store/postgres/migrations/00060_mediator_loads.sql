-- +goose Up
-- A mediator's load (the open cases they preside over: "在办 N 件" on the
-- case page, the least-loaded chooser, the alerts) was a COUNT over the
-- cases table, growing with the cases (4,000 rows per mediator at 1M). It is
-- now a counter per mediator, a projection of the cases table kept by a
-- trigger, so every write path (intake, imports, assignment, transitions,
-- demo seeding, hand-written SQL) updates it in the same transaction as the
-- case (docs/decisions.md "Mediator loads by trigger"). A test recounts it.
CREATE TABLE mediator_loads (
    user_id    BIGINT PRIMARY KEY,
    open_cases INTEGER NOT NULL
);
-- The statuses that count: domain.Status.Open() except received, the same
-- set in Go (storetest checks it). Written once here for the trigger and
-- the backfill; changing it means recounting (the INSERT at the end) in the
-- same migration.
CREATE VIEW mediator_load_statuses (status) AS
    VALUES ('accepted'::text), ('odr_negotiating'), ('consenting'), ('assigned'), ('mediating'),
           ('suspended'), ('agreed'), ('performing');
-- The case's old row takes one off its mediator's count if it counted, the
-- new row adds one if it counts. The two counters are changed in one
-- statement in user order, so that two reassignments in opposite directions
-- lock them in the same order instead of deadlocking.
-- +goose StatementBegin
CREATE FUNCTION mediator_loads_count() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    was BIGINT;
    now_on BIGINT;
BEGIN
    IF TG_OP <> 'INSERT' THEN
        IF OLD.status IN (SELECT status FROM mediator_load_statuses) THEN
            was := OLD.presiding_id;
        END IF;
    END IF;
    IF TG_OP <> 'DELETE' THEN
        IF NEW.status IN (SELECT status FROM mediator_load_statuses) THEN
            now_on := NEW.presiding_id;
        END IF;
    END IF;
    IF was IS DISTINCT FROM now_on THEN
        INSERT INTO mediator_loads AS l (user_id, open_cases)
        SELECT u, d FROM (VALUES (was, -1), (now_on, 1)) AS v (u, d) WHERE u IS NOT NULL ORDER BY u
        ON CONFLICT (user_id) DO UPDATE SET open_cases = l.open_cases + excluded.open_cases;
    END IF;
    RETURN NULL;
END $$;
-- +goose StatementEnd
-- The WHENs leave out, before the function is called, the inserts of cases
-- no one presides over yet (intake, imports) and the updates that keep both
-- status and mediator.
CREATE TRIGGER mediator_loads_insert AFTER INSERT ON cases
FOR EACH ROW WHEN (NEW.presiding_id IS NOT NULL) EXECUTE FUNCTION mediator_loads_count();
CREATE TRIGGER mediator_loads_update AFTER UPDATE OF status, presiding_id ON cases
FOR EACH ROW WHEN (OLD.status IS DISTINCT FROM NEW.status OR OLD.presiding_id IS DISTINCT FROM NEW.presiding_id)
EXECUTE FUNCTION mediator_loads_count();
CREATE TRIGGER mediator_loads_delete AFTER DELETE ON cases
FOR EACH ROW WHEN (OLD.presiding_id IS NOT NULL) EXECUTE FUNCTION mediator_loads_count();
-- After the triggers: creating them locks out writers to cases until this
-- migration commits, so no case changes between the count and the commit.
INSERT INTO mediator_loads (user_id, open_cases)
SELECT presiding_id, COUNT(*) FROM cases
WHERE presiding_id IS NOT NULL AND status IN (SELECT status FROM mediator_load_statuses)
GROUP BY presiding_id;

-- +goose Down
DROP TRIGGER mediator_loads_delete ON cases;
DROP TRIGGER mediator_loads_update ON cases;
DROP TRIGGER mediator_loads_insert ON cases;
DROP FUNCTION mediator_loads_count();
DROP VIEW mediator_load_statuses;
DROP TABLE mediator_loads;
