-- +goose Up
-- PostgreSQL adds the scope's paths to its receipt-time index here (its
-- generic plan of the lists' walk); SQLite's walk already reads
-- cases_list_keys. The versions stay in step.
SELECT 1;

-- +goose Down
SELECT 1;
