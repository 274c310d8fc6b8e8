-- +goose Up
-- PostgreSQL moves its search grams into a table of their own here; SQLite
-- has kept them in the FTS5 table cases_grams since migration 58, written
-- only when a searched field changes. The versions stay in step.
SELECT 1;

-- +goose Down
SELECT 1;
