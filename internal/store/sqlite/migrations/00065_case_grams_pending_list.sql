-- +goose Up
-- PostgreSQL lengthens its grams index's pending list here; SQLite's FTS5
-- table has no such setting. The versions stay in step.
SELECT 1;

-- +goose Down
SELECT 1;
