-- +goose Up
-- Case lists and search at a million cases (issue 17). Every list a user
-- opens walks an index in its order (received_at, id) with an equality on
-- its filter (one path of the scope, one status, one room, one mediator) and
-- stops after a page; see sqlstore/caselist.go. On SQLite the rowid (id) is
-- the last column of every index already.
CREATE INDEX cases_org_status_received ON cases(org_path, status, received_at);
CREATE INDEX cases_room_received ON cases(room_id, received_at);
CREATE INDEX cases_presiding_received ON cases(presiding_id, status, received_at);
DROP INDEX cases_presiding;
CREATE INDEX parties_id_hash ON parties(id_hash);

-- Text search: an FTS5 trigram index over what the case list's search box
-- covers, kept by triggers in the same transaction as the case write.
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

-- +goose Down
DROP TRIGGER cases_fts_update;
DROP TRIGGER cases_fts_delete;
DROP TRIGGER cases_fts_insert;
DROP TABLE cases_fts;
DROP INDEX parties_id_hash;
CREATE INDEX cases_presiding ON cases(presiding_id, status);
DROP INDEX cases_presiding_received;
DROP INDEX cases_room_received;
DROP INDEX cases_org_status_received;
