-- +goose Up
-- SQLite indexes its cases' list keys by id here for the text search's
-- candidates; PostgreSQL reads them by ANY(ids) as before. The versions
-- stay in step.
SELECT 1;

-- +goose Down
SELECT 1;
