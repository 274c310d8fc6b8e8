-- +goose Up
-- 三员分立 (internal/administration): a role binding an administrator asks
-- for takes effect only when someone else approves it. The request keeps
-- who asked, for whom, which role at which unit, why, and who decided when.
CREATE TABLE role_grant_requests (
    id           BIGSERIAL PRIMARY KEY,
    user_id      BIGINT NOT NULL REFERENCES users (id),
    role         TEXT NOT NULL,
    org_id       BIGINT NOT NULL REFERENCES org_units (id),
    reason       TEXT NOT NULL DEFAULT '',
    state        TEXT NOT NULL DEFAULT 'pending',
    requested_by BIGINT NOT NULL REFERENCES users (id),
    requested_at TIMESTAMPTZ NOT NULL,
    decided_by   BIGINT REFERENCES users (id),
    decided_at   TIMESTAMPTZ,
    note         TEXT NOT NULL DEFAULT ''
);
CREATE INDEX role_grant_requests_state ON role_grant_requests (state, id);
CREATE INDEX role_grant_requests_user ON role_grant_requests (user_id, id);

-- +goose Down
DROP TABLE role_grant_requests;
