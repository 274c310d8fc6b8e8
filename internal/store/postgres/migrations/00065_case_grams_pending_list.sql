-- +goose Up
-- The grams index's pending list grows from 256 kB to 1 MB (docs/
-- performance.md "Issue 17, morning round (2026-12-05)"). With the demo's own case
-- texts (varied, unlike the import benchmark's one sentence), 20,000
-- cases' grams inserted 200 to a transaction took 5.6-6.9 s with 256 kB,
-- 3.5-4.7 s with 1 MB and 2.9-3.9 s with 4 MB; 4,000 single-case inserts
-- after them had p99 15 / 4.3 / 4.0 ms and a longest of 35 / 44 / 92 ms:
-- a small list flushes so often that one intake in a hundred pays for a
-- merge, a large one makes the rare intake that flushes it wait long.
-- A search reads the list once per index scan (1 MB: 128 pages).
ALTER INDEX case_grams_gin SET (gin_pending_list_limit = 1024);

-- +goose Down
ALTER INDEX case_grams_gin SET (gin_pending_list_limit = 256);
