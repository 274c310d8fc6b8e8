-- +goose Up
-- The one-status walk of a dense scope (sqlstore/caselist.go) carries the
-- scope's paths as the receipt-time walk does since migration 93: index-only
-- where the visibility map is current, with no heap fetch for a case walked
-- and left out.
DROP INDEX cases_status_received_id;
CREATE INDEX cases_status_received_id ON cases (status, received_at, id) INCLUDE (org_path, diverted_by_path);

-- +goose Down
DROP INDEX cases_status_received_id;
CREATE INDEX cases_status_received_id ON cases (status, received_at, id);
