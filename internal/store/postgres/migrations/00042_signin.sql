-- +goose Up
-- Sign-in that holds (issue 16): when a password was last set (expiry), a
-- staff member's mobile for the second factor (sealed, with a masked copy),
-- the versioned sign-in policy the security administrator keeps, and the
-- SMS codes of second-factor sign-ins (only their hash; they expire and
-- allow a few tries).
ALTER TABLE users ADD COLUMN password_changed_at TIMESTAMPTZ;
ALTER TABLE users ADD COLUMN phone_sealed TEXT NOT NULL DEFAULT '';
ALTER TABLE users ADD COLUMN phone_mask TEXT NOT NULL DEFAULT '';

CREATE TABLE security_policies (
    id         BIGSERIAL PRIMARY KEY,
    policy     TEXT NOT NULL,
    created_by BIGINT NOT NULL DEFAULT 0,
    created_at TIMESTAMPTZ NOT NULL
);

CREATE TABLE login_challenges (
    id         BIGSERIAL PRIMARY KEY,
    user_id    BIGINT NOT NULL REFERENCES users (id),
    code_hash  TEXT NOT NULL,
    tries      INTEGER NOT NULL DEFAULT 0,
    expires_at TIMESTAMPTZ NOT NULL,
    used_at    TIMESTAMPTZ,
    created_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX login_challenges_user ON login_challenges (user_id, id);

-- +goose Down
DROP TABLE login_challenges;
DROP TABLE security_policies;
ALTER TABLE users DROP COLUMN phone_mask;
ALTER TABLE users DROP COLUMN phone_sealed;
ALTER TABLE users DROP COLUMN password_changed_at;
