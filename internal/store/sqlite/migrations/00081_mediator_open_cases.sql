-- +goose Up
-- The desk's channels awaiting a reply start from the mediator's open cases:
-- those presided by the case's presiding_id and status (cases_presiding_scope),
-- the others through the mediator's non-presiding assignments alone. The
-- index by user alone walked every case the mediator was ever assigned
-- (issue 17).
DROP INDEX case_mediators_user;
CREATE INDEX case_mediators_user ON case_mediators (user_id, presiding, case_id);

-- +goose Down
DROP INDEX case_mediators_user;
CREATE INDEX case_mediators_user ON case_mediators(user_id);
