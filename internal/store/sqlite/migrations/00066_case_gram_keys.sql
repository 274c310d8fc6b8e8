-- +goose Up
-- PostgreSQL stores its search grams as numbers here; SQLite's FTS5 table
-- keeps the text tokens its tokenizer reads. The versions stay in step.
SELECT 1;

-- +goose Down
SELECT 1;
