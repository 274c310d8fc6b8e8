-- +goose Up
-- Case search by grams (issue 17; see sqlstore/grams.go): the distinct
-- characters and adjacent character pairs of the fields the search box
-- covers, each as a hex token ("5065", "5065x8eab"), in a contentless FTS5
-- table (rowid = case id, no positions: only "which cases hold this
-- token"). A term of any length, one or two Chinese characters included, is
-- looked up by its pairs (or its character); LIKE then makes the answer
-- exact. The tokens come from the application's function search_grams
-- (registered on every connection the application opens), so the cases
-- table can no longer be written by a program without it, such as the
-- sqlite3 shell: the triggers fail. Changing the function means rebuilding
-- the table in the same migration (delete-all, then the INSERT below).
CREATE VIRTUAL TABLE cases_grams USING fts5(g, content='', detail='none', columnsize=0, tokenize='ascii');
-- +goose StatementBegin
CREATE TRIGGER cases_grams_insert AFTER INSERT ON cases BEGIN
    INSERT INTO cases_grams(rowid, g)
    VALUES (new.id, search_grams(new.number, new.consumer_name, new.merchant_name, new.description, new.external_id));
END;
-- +goose StatementEnd
-- A contentless table forgets a row by being told its tokens again: the
-- function is deterministic, so the old values give the same tokens.
-- +goose StatementBegin
CREATE TRIGGER cases_grams_delete AFTER DELETE ON cases BEGIN
    INSERT INTO cases_grams(cases_grams, rowid, g)
    VALUES ('delete', old.id, search_grams(old.number, old.consumer_name, old.merchant_name, old.description, old.external_id));
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER cases_grams_update AFTER UPDATE OF number, consumer_name, merchant_name, description, external_id ON cases BEGIN
    INSERT INTO cases_grams(cases_grams, rowid, g)
    VALUES ('delete', old.id, search_grams(old.number, old.consumer_name, old.merchant_name, old.description, old.external_id));
    INSERT INTO cases_grams(rowid, g)
    VALUES (new.id, search_grams(new.number, new.consumer_name, new.merchant_name, new.description, new.external_id));
END;
-- +goose StatementEnd
INSERT INTO cases_grams(rowid, g)
SELECT id, search_grams(number, consumer_name, merchant_name, description, external_id) FROM cases;

-- The trigram table of migration 00045 is no longer read: the grams answer
-- every term length.
DROP TRIGGER cases_fts_update;
DROP TRIGGER cases_fts_delete;
DROP TRIGGER cases_fts_insert;
DROP TABLE cases_fts;

-- +goose Down
CREATE VIRTUAL TABLE cases_fts USING fts5(number, consumer_name, merchant_name, description, external_id,
    content='cases', content_rowid='id', tokenize='trigram');
-- +goose StatementBegin
CREATE TRIGGER cases_fts_insert AFTER INSERT ON cases BEGIN
    INSERT INTO cases_fts(rowid, number, consumer_name, merchant_name, description, external_id)
    VALUES (new.id, new.number, new.consumer_name, new.merchant_name, new.description, new.external_id);
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER cases_fts_delete AFTER DELETE ON cases BEGIN
    INSERT INTO cases_fts(cases_fts, rowid, number, consumer_name, merchant_name, description, external_id)
    VALUES ('delete', old.id, old.number, old.consumer_name, old.merchant_name, old.description, old.external_id);
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER cases_fts_update AFTER UPDATE OF number, consumer_name, merchant_name, description, external_id ON cases BEGIN
    INSERT INTO cases_fts(cases_fts, rowid, number, consumer_name, merchant_name, description, external_id)
    VALUES ('delete', old.id, old.number, old.consumer_name, old.merchant_name, old.description, old.external_id);
    INSERT INTO cases_fts(rowid, number, consumer_name, merchant_name, description, external_id)
    VALUES (new.id, new.number, new.consumer_name, new.merchant_name, new.description, new.external_id);
END;
-- +goose StatementEnd
INSERT INTO cases_fts(cases_fts) VALUES ('rebuild');
DROP TRIGGER cases_grams_update;
DROP TRIGGER cases_grams_delete;
DROP TRIGGER cases_grams_insert;
DROP TABLE cases_grams;
