-- +goose Up
-- The case lists' totals (issue 17). A list people open showed "超过 1000 件"
-- after counting up to 1,001 of its cases per request: half of a list's CPU
-- at 100,000 cases. The lists filtered by scope and status only (the
-- committee's list, the status lists, the desk's sections) now sum these
-- counters instead, exactly; other filters still count up to the cap.
-- One row per (own org path, diverting org path, status): a scope matches
-- cases by either path, so a row counts once for a scope that holds either.
-- A projection of the cases table kept by triggers in the writing
-- transaction, on every write path (docs/decisions.md "Case counts").
CREATE TABLE case_counts (
    org_path         TEXT COLLATE "C" NOT NULL,
    diverted_by_path TEXT COLLATE "C" NOT NULL,
    status           TEXT NOT NULL,
    n                BIGINT NOT NULL,
    PRIMARY KEY (org_path, diverted_by_path, status)
);
CREATE INDEX case_counts_diverted ON case_counts (diverted_by_path, org_path, status);
-- A new case adds one to its counter, row by row: a trigger by statement
-- with a transition table cost PostgreSQL intake 10-20 % (measured,
-- docs/decisions.md). Transactions creating cases of one committee take
-- its case number counter first, so they never hold two counters against
-- each other. Deletes (rare, by hand) by statement.
-- +goose StatementBegin
CREATE FUNCTION case_counts_added() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO case_counts AS k (org_path, diverted_by_path, status, n)
    VALUES (NEW.org_path, NEW.diverted_by_path, NEW.status, 1)
    ON CONFLICT (org_path, diverted_by_path, status) DO UPDATE SET n = k.n + 1;
    RETURN NULL;
END $$;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE FUNCTION case_counts_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE case_counts k SET n = k.n - g.n
    FROM (SELECT org_path, diverted_by_path, status, COUNT(*) AS n FROM gone GROUP BY 1, 2, 3) g
    WHERE k.org_path = g.org_path AND k.diverted_by_path = g.diverted_by_path AND k.status = g.status;
    RETURN NULL;
END $$;
-- +goose StatementEnd
-- A status change or a transfer moves one case between two counters, in
-- one statement in key order (two opposite moves cannot deadlock).
-- +goose StatementBegin
CREATE FUNCTION case_counts_moved() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO case_counts AS k (org_path, diverted_by_path, status, n)
    SELECT p, d, s, delta FROM (VALUES (OLD.org_path, OLD.diverted_by_path, OLD.status, -1),
                                       (NEW.org_path, NEW.diverted_by_path, NEW.status, 1)) AS v (p, d, s, delta)
    ORDER BY p, d, s
    ON CONFLICT (org_path, diverted_by_path, status) DO UPDATE SET n = k.n + excluded.n;
    RETURN NULL;
END $$;
-- +goose StatementEnd
CREATE TRIGGER case_counts_insert AFTER INSERT ON cases
FOR EACH ROW EXECUTE FUNCTION case_counts_added();
CREATE TRIGGER case_counts_delete AFTER DELETE ON cases
REFERENCING OLD TABLE AS gone FOR EACH STATEMENT EXECUTE FUNCTION case_counts_deleted();
CREATE TRIGGER case_counts_update AFTER UPDATE OF org_path, diverted_by_path, status ON cases
FOR EACH ROW WHEN (OLD.org_path IS DISTINCT FROM NEW.org_path OR OLD.diverted_by_path IS DISTINCT FROM NEW.diverted_by_path
                   OR OLD.status IS DISTINCT FROM NEW.status)
EXECUTE FUNCTION case_counts_moved();
-- After the triggers: creating them locks out writers to cases until this
-- migration commits, so no case changes between the count and the commit.
INSERT INTO case_counts (org_path, diverted_by_path, status, n)
SELECT org_path, diverted_by_path, status, COUNT(*) FROM cases GROUP BY org_path, diverted_by_path, status;

-- +goose Down
DROP TRIGGER case_counts_update ON cases;
DROP TRIGGER case_counts_delete ON cases;
DROP TRIGGER case_counts_insert ON cases;
DROP FUNCTION case_counts_added();
DROP FUNCTION case_counts_moved();
DROP FUNCTION case_counts_deleted();
DROP TABLE case_counts;
