-- +goose Up
-- Reads of every case page that scanned a whole table (issue 17, found by
-- EXPLAIN of each statement the page runs): a case's subsidy failures
-- (the table grows by every month's batch), the mediators of one room and
-- the list of experts (role_bindings grows with the users of a city), a
-- case's signing links; and the consent sweep, which looks for the pending
-- consents past their time every minute.
CREATE INDEX subsidy_failures_case ON subsidy_failures (case_id);
CREATE INDEX role_bindings_org_role ON role_bindings (org_id, role);
CREATE INDEX role_bindings_role_org ON role_bindings (role, org_id);
CREATE INDEX sign_tokens_case ON sign_tokens (case_id, created_at);
CREATE INDEX consents_pending ON consents (requested_at) WHERE decision = 'pending';

-- +goose Down
DROP INDEX consents_pending;
DROP INDEX sign_tokens_case;
DROP INDEX role_bindings_role_org;
DROP INDEX role_bindings_org_role;
DROP INDEX subsidy_failures_case;
