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
    org_path         TEXT NOT NULL,
    diverted_by_path TEXT NOT NULL,
    status           TEXT NOT NULL,
    n                INTEGER NOT NULL,
    PRIMARY KEY (org_path, diverted_by_path, status)
) WITHOUT ROWID;
CREATE INDEX case_counts_diverted ON case_counts (diverted_by_path, org_path, status);
-- +goose StatementBegin
CREATE TRIGGER case_counts_insert AFTER INSERT ON cases
BEGIN
    INSERT INTO case_counts (org_path, diverted_by_path, status, n)
    VALUES (new.org_path, new.diverted_by_path, new.status, 1)
    ON CONFLICT (org_path, diverted_by_path, status) DO UPDATE SET n = n + 1;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER case_counts_delete AFTER DELETE ON cases
BEGIN
    UPDATE case_counts SET n = n - 1
    WHERE org_path = old.org_path AND diverted_by_path = old.diverted_by_path AND status = old.status;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER case_counts_update AFTER UPDATE OF org_path, diverted_by_path, status ON cases
WHEN old.org_path IS NOT new.org_path OR old.diverted_by_path IS NOT new.diverted_by_path OR old.status IS NOT new.status
BEGIN
    UPDATE case_counts SET n = n - 1
    WHERE org_path = old.org_path AND diverted_by_path = old.diverted_by_path AND status = old.status;
    INSERT INTO case_counts (org_path, diverted_by_path, status, n)
    VALUES (new.org_path, new.diverted_by_path, new.status, 1)
    ON CONFLICT (org_path, diverted_by_path, status) DO UPDATE SET n = n + 1;
END;
-- +goose StatementEnd
INSERT INTO case_counts (org_path, diverted_by_path, status, n)
SELECT org_path, diverted_by_path, status, COUNT(*) FROM cases GROUP BY org_path, diverted_by_path, status;

-- +goose Down
DROP TRIGGER case_counts_update;
DROP TRIGGER case_counts_delete;
DROP TRIGGER case_counts_insert;
DROP TABLE case_counts;
