-- +goose Up
-- PostgreSQL's migration 71 makes changes of cases and of the due index
-- notify the instances that keep answers in memory. SQLite's cache asks
-- PRAGMA data_version instead; nothing to change here (the versions stay
-- aligned).
SELECT 1;

-- +goose Down
SELECT 1;
