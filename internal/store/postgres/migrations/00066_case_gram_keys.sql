-- +goose Up
-- PostgreSQL keeps a case's search grams as numbers instead of hex text
-- (docs/decisions.md "PostgreSQL: search grams as numbers"): a character
-- is its code point, a pair (a, b) is a << 21 | b (code points fit in 21
-- bits, and a kept character is never 0, so a pair is never a character).
-- With the demo's case texts, 20,000 cases' grams inserted 200 to a
-- transaction took 3.7-4.1 s as text and 2.5-2.6 s as bigint, in a heap
-- of 27.6 MB instead of 36.9 MB. SQLite's FTS5 table keeps the text
-- tokens; sqlstore.GramKeys makes the numbers from the same walk.
-- +goose StatementBegin
CREATE FUNCTION search_gram_keys(tokens text[]) RETURNS bigint[] LANGUAGE sql IMMUTABLE PARALLEL SAFE
SET jit = off AS $f$
    SELECT COALESCE(array_agg(CASE WHEN strpos(t, 'x') > 0
        THEN (('x' || lpad(split_part(t, 'x', 1), 16, '0'))::bit(64)::bigint << 21) | ('x' || lpad(split_part(t, 'x', 2), 16, '0'))::bit(64)::bigint
        ELSE ('x' || lpad(t, 16, '0'))::bit(64)::bigint END ORDER BY o), '{}'::bigint[])
    FROM unnest(tokens) WITH ORDINALITY AS u(t, o)
$f$;
-- +goose StatementEnd
CREATE FUNCTION case_gram_keys(number text, consumer_name text, merchant_name text, description text, external_id text)
RETURNS bigint[] LANGUAGE sql IMMUTABLE PARALLEL SAFE SET jit = off
AS $f$ SELECT search_gram_keys(case_search_grams(number, consumer_name, merchant_name, description, external_id)) $f$;
DROP INDEX case_grams_gin;
ALTER TABLE case_grams ALTER COLUMN grams TYPE bigint[] USING search_gram_keys(grams);
CREATE INDEX case_grams_gin ON case_grams USING gin (grams) WITH (fastupdate = on, gin_pending_list_limit = 1024);
-- A column's new type drops its statistics: without them the planner
-- misjudges a term's holders (the raw 健身 page at 20,000 cases read 1.3 ->
-- 4.6-5.1 ms until ANALYZE).
ANALYZE case_grams;
-- +goose StatementBegin
CREATE OR REPLACE FUNCTION case_grams_write() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO case_grams AS k (case_id, grams)
    VALUES (NEW.id, case_gram_keys(NEW.number, NEW.consumer_name, NEW.merchant_name, NEW.description, NEW.external_id))
    ON CONFLICT (case_id) DO UPDATE SET grams = EXCLUDED.grams WHERE k.grams IS DISTINCT FROM EXCLUDED.grams;
    RETURN NULL;
END $$;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE OR REPLACE FUNCTION case_grams_fill() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM case_grams WHERE case_id = NEW.id) THEN
        INSERT INTO case_grams (case_id, grams)
        SELECT id, case_gram_keys(number, consumer_name, merchant_name, description, external_id) FROM cases WHERE id = NEW.id;
    END IF;
    RETURN NULL;
END $$;
-- +goose StatementEnd

-- +goose Down
-- +goose StatementBegin
CREATE OR REPLACE FUNCTION case_grams_write() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO case_grams AS k (case_id, grams)
    VALUES (NEW.id, case_search_grams(NEW.number, NEW.consumer_name, NEW.merchant_name, NEW.description, NEW.external_id))
    ON CONFLICT (case_id) DO UPDATE SET grams = EXCLUDED.grams WHERE k.grams IS DISTINCT FROM EXCLUDED.grams;
    RETURN NULL;
END $$;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE OR REPLACE FUNCTION case_grams_fill() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM case_grams WHERE case_id = NEW.id) THEN
        INSERT INTO case_grams (case_id, grams)
        SELECT id, case_search_grams(number, consumer_name, merchant_name, description, external_id) FROM cases WHERE id = NEW.id;
    END IF;
    RETURN NULL;
END $$;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE FUNCTION search_gram_tokens(keys bigint[]) RETURNS text[] LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $f$
    SELECT COALESCE(array_agg(CASE WHEN k >= 2097152 THEN to_hex(k >> 21) || 'x' || to_hex(k & 2097151) ELSE to_hex(k) END ORDER BY o), '{}'::text[])
    FROM unnest(keys) WITH ORDINALITY AS u(k, o)
$f$;
-- +goose StatementEnd
DROP INDEX case_grams_gin;
ALTER TABLE case_grams ALTER COLUMN grams TYPE text[] USING search_gram_tokens(grams);
CREATE INDEX case_grams_gin ON case_grams USING gin (grams) WITH (fastupdate = on, gin_pending_list_limit = 1024);
ANALYZE case_grams;
DROP FUNCTION search_gram_tokens(bigint[]);
DROP FUNCTION case_gram_keys(text, text, text, text, text);
DROP FUNCTION search_gram_keys(text[]);
