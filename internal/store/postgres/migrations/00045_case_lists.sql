-- +goose Up
-- Case lists and search at a million cases (issue 17). Every list a user
-- opens walks an index in its order (received_at, id) with an equality on
-- its filter (one path of the scope, one status, one room, one mediator) and
-- stops after a page; see sqlstore/caselist.go.
CREATE INDEX cases_org_received_id ON cases(org_path, received_at, id);
CREATE INDEX cases_diverted_received_id ON cases(diverted_by_path, received_at, id);
CREATE INDEX cases_org_status_received ON cases(org_path, status, received_at, id);
CREATE INDEX cases_status_received_id ON cases(status, received_at, id);
CREATE INDEX cases_received_id ON cases(received_at, id);
CREATE INDEX cases_room_received ON cases(room_id, received_at, id);
CREATE INDEX cases_presiding_received ON cases(presiding_id, status, received_at, id);
DROP INDEX cases_org_received;
DROP INDEX cases_diverted;
DROP INDEX cases_status_received;
DROP INDEX cases_received;
DROP INDEX cases_presiding;
CREATE INDEX parties_id_hash ON parties(id_hash);

-- Text search: a pg_trgm GIN index over what the case list's search box
-- covers (the same expression as sqlstore/caselist.go's pgSearchDoc). An
-- index is kept in the writing transaction by the engine. Where pg_trgm
-- cannot be created (a managed server that does not offer it, a role that
-- may not create it), the migration goes on without the index: the search
-- then scans, as it did before, and the log says so.
-- +goose StatementBegin
-- The operator class is named with the schema pg_trgm lives in, which need
-- not be on the search path (another schema of the database created it).
DO $$
DECLARE ext_schema text;
BEGIN
    CREATE EXTENSION IF NOT EXISTS pg_trgm;
    SELECT n.nspname INTO ext_schema FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace WHERE e.extname = 'pg_trgm';
    EXECUTE format($idx$CREATE INDEX cases_search_trgm ON cases USING gin
        ((number || ' ' || consumer_name || ' ' || merchant_name || ' ' || description || ' ' || COALESCE(external_id, '')) %I.gin_trgm_ops)$idx$, ext_schema);
EXCEPTION WHEN OTHERS THEN
    RAISE WARNING 'pg_trgm unavailable (%): case search will scan', SQLERRM;
END
$$;
-- +goose StatementEnd

-- +goose Down
DROP INDEX IF EXISTS cases_search_trgm;
DROP INDEX parties_id_hash;
CREATE INDEX cases_presiding ON cases(presiding_id, status);
CREATE INDEX cases_received ON cases(received_at);
CREATE INDEX cases_status_received ON cases(status, received_at);
CREATE INDEX cases_diverted ON cases(diverted_by_path, received_at);
CREATE INDEX cases_org_received ON cases(org_path, received_at);
DROP INDEX cases_presiding_received;
DROP INDEX cases_room_received;
DROP INDEX cases_received_id;
DROP INDEX cases_status_received_id;
DROP INDEX cases_org_status_received;
DROP INDEX cases_diverted_received_id;
DROP INDEX cases_org_received_id;
