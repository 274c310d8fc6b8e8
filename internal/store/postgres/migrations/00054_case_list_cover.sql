-- +goose Up
-- A room's and a mediator's case lists filter by the viewer's scope as well
-- (org_path or diverted_by_path under one of its prefixes). The indexes of
-- migration 45 gave the rows in order but not the paths, so the capped
-- count read up to a thousand cases from the table to test the scope: 1,001
-- random reads from a 2.7 GB file at a million cases (118 ms, against 17 ms
-- index-only). These carry the paths, and replace the narrower ones.
CREATE INDEX IF NOT EXISTS cases_room_scope ON cases(room_id, received_at, id, org_path, diverted_by_path);
CREATE INDEX IF NOT EXISTS cases_presiding_scope ON cases(presiding_id, status, received_at, id, org_path, diverted_by_path);
DROP INDEX cases_room_received;
DROP INDEX cases_presiding_received;

-- +goose Down
CREATE INDEX cases_presiding_received ON cases(presiding_id, status, received_at, id);
CREATE INDEX cases_room_received ON cases(room_id, received_at, id);
DROP INDEX cases_presiding_scope;
DROP INDEX cases_room_scope;
