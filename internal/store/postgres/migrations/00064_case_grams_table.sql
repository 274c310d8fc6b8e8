-- +goose Up
-- The search grams move from an expression index on cases into a table of
-- their own (docs/decisions.md "PostgreSQL: search grams in a table of
-- their own"). With the GIN index on cases, every update of a case row
-- that could not be HOT (a status change, an assignment, the due-date
-- job's next_due, the clock triggers) computed case_search_grams again and
-- inserted ~150 GIN entries for the new row version: 0.47 ms of a case
-- update's 0.49 ms (2,000 cases updated at once: 946 ms with the index,
-- 32 ms without). The table changes only when a searched field does.
CREATE TABLE case_grams (
    case_id BIGINT PRIMARY KEY REFERENCES cases (id) ON DELETE CASCADE,
    grams   TEXT[] NOT NULL
);
INSERT INTO case_grams (case_id, grams)
SELECT id, case_search_grams(number, consumer_name, merchant_name, description, external_id) FROM cases;
-- A short pending list: a new case's ~150 entries are appended to it and
-- merged into the tree in bulk, 2,000 rows inserted in 0.63 s instead of
-- 2.43 s with fastupdate off. Migration 58 turned it off because a search
-- rechecked each pending row by computing the function; the stored array
-- is rechecked as it is, and 256 kB (~100 cases) is a few pages to read.
CREATE INDEX case_grams_gin ON case_grams USING gin (grams) WITH (fastupdate = on, gin_pending_list_limit = 256);
DROP INDEX cases_search_grams;
-- An update that changes a searched field writes the grams again.
-- +goose StatementBegin
CREATE FUNCTION case_grams_write() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO case_grams AS k (case_id, grams)
    VALUES (NEW.id, case_search_grams(NEW.number, NEW.consumer_name, NEW.merchant_name, NEW.description, NEW.external_id))
    ON CONFLICT (case_id) DO UPDATE SET grams = EXCLUDED.grams WHERE k.grams IS DISTINCT FROM EXCLUDED.grams;
    RETURN NULL;
END $$;
-- +goose StatementEnd
-- The application writes a new case's grams in its insert, computed in Go
-- (sqlstore.SearchGrams, 22 µs against the function's 0.5 ms); a case
-- inserted by other SQL gets them from the function when its transaction
-- commits, from the row as it is then.
-- +goose StatementBegin
CREATE FUNCTION case_grams_fill() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM case_grams WHERE case_id = NEW.id) THEN
        INSERT INTO case_grams (case_id, grams)
        SELECT id, case_search_grams(number, consumer_name, merchant_name, description, external_id) FROM cases WHERE id = NEW.id;
    END IF;
    RETURN NULL;
END $$;
-- +goose StatementEnd
CREATE CONSTRAINT TRIGGER case_grams_added AFTER INSERT ON cases DEFERRABLE INITIALLY DEFERRED
FOR EACH ROW EXECUTE FUNCTION case_grams_fill();
CREATE TRIGGER case_grams_changed AFTER UPDATE OF number, consumer_name, merchant_name, description, external_id ON cases
FOR EACH ROW WHEN (OLD.number IS DISTINCT FROM NEW.number OR OLD.consumer_name IS DISTINCT FROM NEW.consumer_name
    OR OLD.merchant_name IS DISTINCT FROM NEW.merchant_name OR OLD.description IS DISTINCT FROM NEW.description
    OR OLD.external_id IS DISTINCT FROM NEW.external_id)
EXECUTE FUNCTION case_grams_write();

-- +goose Down
DROP TRIGGER case_grams_changed ON cases;
DROP TRIGGER case_grams_added ON cases;
DROP FUNCTION case_grams_fill();
DROP FUNCTION case_grams_write();
DROP TABLE case_grams;
CREATE INDEX cases_search_grams ON cases USING gin (case_search_grams(number, consumer_name, merchant_name, description, external_id))
    WITH (fastupdate = off);
