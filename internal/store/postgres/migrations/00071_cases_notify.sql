-- +goose Up
-- Every statement that changes a case or the due index's state notifies
-- too, on migration 70's channel: instances then also keep in memory the
-- answers that depend only on those tables (the due index's backlog, the
-- clock lists' capped counts), as SQLite's cache keeps them until the next
-- commit (sqlstore's countcache.go). A transaction notifies once whatever
-- it changes: PostgreSQL folds a transaction's equal notifications.
CREATE TRIGGER cases_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON cases
    FOR EACH STATEMENT EXECUTE FUNCTION case_counts_changed();
CREATE TRIGGER due_index_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON due_index
    FOR EACH STATEMENT EXECUTE FUNCTION case_counts_changed();

-- +goose Down
DROP TRIGGER due_index_changed ON due_index;
DROP TRIGGER cases_changed ON cases;
