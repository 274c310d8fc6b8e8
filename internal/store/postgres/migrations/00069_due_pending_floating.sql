-- +goose Up
-- The cases whose due date is computed on read: pending ones by id,
-- floating ones by their stored bound (see the SQLite migration).
DROP INDEX cases_due_unfixed;
CREATE INDEX cases_due_pending ON cases (id) INCLUDE (status, org_path, diverted_by_path, room_id, presiding_id, received_at) WHERE due_state = 0 AND status IN ('received', 'accepted',
    'odr_negotiating', 'consenting', 'assigned', 'mediating', 'suspended', 'terminated');
CREATE INDEX cases_due_floating ON cases (next_due, id) INCLUDE (status, org_path, diverted_by_path, room_id, presiding_id, received_at) WHERE due_state = 2 AND status IN ('received', 'accepted',
    'odr_negotiating', 'consenting', 'assigned', 'mediating', 'suspended', 'terminated');

-- +goose Down
DROP INDEX cases_due_floating;
DROP INDEX cases_due_pending;
CREATE INDEX cases_due_unfixed ON cases (id) INCLUDE (due_state, next_due, status, org_path, diverted_by_path, room_id, presiding_id, received_at) WHERE due_state <> 1 AND status IN ('received', 'accepted',
    'odr_negotiating', 'consenting', 'assigned', 'mediating', 'suspended', 'terminated');
